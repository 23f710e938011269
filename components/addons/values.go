package addons

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// MergeValues returns base with override deep-merged over it, as Helm merges values files: maps
// merge key by key, any other value (lists included) replaces the base's, and a nil value removes
// the key. Neither argument is modified.
func MergeValues(base, override map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(override))
	for k, v := range base {
		if m, ok := v.(map[string]any); ok {
			out[k] = MergeValues(m, nil)
			continue
		}
		out[k] = v
	}
	for k, v := range override {
		switch ov := v.(type) {
		case nil:
			delete(out, k)
		case map[string]any:
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = MergeValues(bm, ov)
			} else {
				out[k] = MergeValues(ov, nil)
			}
		default:
			out[k] = v
		}
	}
	return out
}

// toInput converts values built from maps, lists, scalars and Pulumi inputs to a pulumi.Input.
func toInput(v any) pulumi.Input {
	switch t := v.(type) {
	case pulumi.Input:
		return t
	case map[string]any:
		m := make(pulumi.Map, len(t))
		for _, k := range sortedKeys(t) {
			m[k] = toInput(t[k])
		}
		return m
	case []any:
		a := make(pulumi.Array, len(t))
		for i, e := range t {
			a[i] = toInput(e)
		}
		return a
	case []string:
		return pulumi.ToStringArray(t)
	case string:
		return pulumi.String(t)
	case bool:
		return pulumi.Bool(t)
	case int:
		return pulumi.Int(t)
	case float64:
		return pulumi.Float64(t)
	case nil:
		return nil
	}
	// unreachable for values built by this package or decoded from JSON
	return pulumi.String(fmt.Sprint(v))
}

func toMap(v map[string]any) pulumi.Map { return toInput(v).(pulumi.Map) }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
