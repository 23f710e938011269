package policy

import (
	"encoding/json"
	"strconv"
	"strings"
)

// get walks a path of keys through nested maps: get(in, "vpcConfig", "endpointPrivateAccess").
// It returns nil when a key is missing or a step is not a map, and the placeholder itself when a
// step is unknown or secret (a value inside an unknown object is unknown too).
func get(m map[string]any, path ...string) any {
	var cur any = m
	for _, k := range path {
		if unknown(cur) {
			return cur
		}
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

// unknown reports whether a value cannot be judged yet: not known during a preview, or secret.
func unknown(v any) bool {
	s, ok := v.(string)
	return ok && (s == Unknown || s == Secret)
}

// str returns a value as a string ("" when missing or not a string).
func str(v any) string {
	s, _ := v.(string)
	return s
}

// boolean returns a value as a bool and whether it was set to one; "true"/"false" strings count
// (some provider inputs, such as launch template EBS settings, are strings).
func boolean(v any) (value, set bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		if p, err := strconv.ParseBool(b); err == nil {
			return p, true
		}
	}
	return false, false
}

// isTrue reports whether a value is set to true.
func isTrue(v any) bool {
	b, ok := boolean(v)
	return ok && b
}

// number returns a numeric value and whether it is one.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}

// list returns a value as a list; a single object counts as a list of one (some inputs are a
// list in one provider version and an object in another).
func list(v any) []any {
	switch l := v.(type) {
	case []any:
		return l
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	case []map[string]any:
		out := make([]any, len(l))
		for i, m := range l {
			out[i] = m
		}
		return out
	case map[string]any:
		return []any{l}
	}
	return nil
}

// object returns a value as a map (nil when it is not one).
func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// strs returns the strings of a list, skipping other values.
func strs(v any) []string {
	var out []string
	for _, e := range list(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// anyUnknown reports whether a list holds an unknown element or is itself unknown.
func anyUnknown(v any) bool {
	if unknown(v) {
		return true
	}
	for _, e := range list(v) {
		if unknown(e) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// dependsOn reports whether r depends on the resource with urn.
func dependsOn(r Resource, urn string) bool { return contains(r.Dependencies, urn) }

// ofType returns the resources of a type in all.
func ofType(all []Resource, typ string) []Resource {
	var out []Resource
	for _, r := range all {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// none is the result of a check that found nothing.
var none []string
