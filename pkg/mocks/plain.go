package mocks

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Placeholders that stand for values which must not or cannot be shown: the output functions
// see a secret input as Secret and an unknown one as Unknown, never the value, so a computed
// output can never carry a secret in plain text. The offline preview prints the same ones.
const (
	Secret  = "[secret]"
	Unknown = "[unknown]"
)

// Plain converts a property map to JSON-ready values (string, float64, bool, nil, []any,
// map[string]any), as PlainValue converts each value.
func Plain(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[string(k)] = PlainValue(v)
	}
	return out
}

// PlainValue converts a property value to a JSON-ready value. Secrets and unknowns become the
// placeholders Secret and Unknown, so neither a secret nor a sentinel ever comes out; a resource
// reference becomes its URN, an asset or archive "[asset]".
func PlainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Secret
	case v.IsComputed():
		return Unknown
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Secret
		}
		if !o.Known {
			return Unknown
		}
		return PlainValue(o.Element)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = PlainValue(e)
		}
		return out
	case v.IsObject():
		return Plain(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset(), v.IsArchive():
		return "[asset]"
	}
	return nil
}
