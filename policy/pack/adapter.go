package pack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/flowmart/platform/pkg/policy"
)

// toResource converts a resource as the engine sends it to an analyzer into the rules' view:
// unknown values (a preview) become policy.Unknown and secrets policy.Secret, as in the offline
// preview, so a rule sees the same inputs in both places.
func toResource(r policyx.AnalyzerResource) policy.Resource {
	return policy.Resource{
		URN:           r.URN,
		Type:          r.Type,
		Name:          r.Name,
		Inputs:        toMap(r.Properties),
		Protect:       r.Options.Protect,
		IgnoreChanges: r.Options.IgnoreChanges,
		Parent:        r.Parent,
		Dependencies:  r.Dependencies,
	}
}

func toResources(rs []policyx.AnalyzerResource) []policy.Resource {
	out := make([]policy.Resource, len(rs))
	for i, r := range rs {
		out[i] = toResource(r)
	}
	return out
}

func toMap(m property.Map) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All {
		if v.IsNull() {
			continue
		}
		out[k] = toValue(v)
	}
	return out
}

func toValue(v property.Value) any {
	switch {
	case v.IsComputed():
		return policy.Unknown
	case v.Secret():
		return policy.Secret
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		a := v.AsArray()
		out := make([]any, 0, a.Len())
		for _, e := range a.All {
			out = append(out, toValue(e))
		}
		return out
	case v.IsMap():
		return toMap(v.AsMap())
	case v.IsResourceReference():
		return string(v.AsResourceReference().URN)
	}
	return nil // assets and archives: no rule reads them
}

// violations runs one rule over the stack and returns what to report, waived ones left out (the
// engine has no notion of a waiver; `platform preview` shows them).
func violations(rule policy.Rule, ctx policy.Context, rs []policyx.AnalyzerResource) []policy.Violation {
	var out []policy.Violation
	for _, v := range policy.EvaluateRules([]policy.Rule{rule}, ctx, toResources(rs)) {
		if !v.Waived {
			out = append(out, v)
		}
	}
	return out
}

func enforcement(e policy.Enforcement) policyx.EnforcementLevel {
	if e == policy.Mandatory {
		return policyx.EnforcementLevelMandatory
	}
	return policyx.EnforcementLevelAdvisory
}
