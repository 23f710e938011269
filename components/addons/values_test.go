package addons

import (
	"reflect"
	"testing"
)

func TestMergeValues(t *testing.T) {
	cases := []struct {
		name           string
		base, override map[string]any
		want           map[string]any
	}{
		{"nil override", map[string]any{"a": 1}, nil, map[string]any{"a": 1}},
		{"nil base", nil, map[string]any{"a": 1}, map[string]any{"a": 1}},
		{"scalar replaced", map[string]any{"a": 1, "b": "x"}, map[string]any{"a": 2}, map[string]any{"a": 2, "b": "x"}},
		{"nested merge", map[string]any{"s": map[string]any{"a": 1, "b": 2}}, map[string]any{"s": map[string]any{"b": 3, "c": 4}},
			map[string]any{"s": map[string]any{"a": 1, "b": 3, "c": 4}}},
		{"list replaced whole", map[string]any{"l": []any{"a", "b"}}, map[string]any{"l": []any{"c"}}, map[string]any{"l": []any{"c"}}},
		{"null removes", map[string]any{"a": 1, "s": map[string]any{"x": 1, "y": 2}}, map[string]any{"a": nil, "s": map[string]any{"y": nil}},
			map[string]any{"s": map[string]any{"x": 1}}},
		{"map over scalar", map[string]any{"a": "x"}, map[string]any{"a": map[string]any{"b": 1}}, map[string]any{"a": map[string]any{"b": 1}}},
		{"scalar over map", map[string]any{"a": map[string]any{"b": 1}}, map[string]any{"a": false}, map[string]any{"a": false}},
		{"deep", map[string]any{"a": map[string]any{"b": map[string]any{"c": 1, "d": 2}}}, map[string]any{"a": map[string]any{"b": map[string]any{"d": 5}}},
			map[string]any{"a": map[string]any{"b": map[string]any{"c": 1, "d": 5}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MergeValues(c.base, c.override); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestMergeValuesDoesNotModifyInputs(t *testing.T) {
	base := map[string]any{"s": map[string]any{"a": 1}}
	override := map[string]any{"s": map[string]any{"b": 2}}
	got := MergeValues(base, override)
	got["s"].(map[string]any)["c"] = 3
	if len(base["s"].(map[string]any)) != 1 || len(override["s"].(map[string]any)) != 1 {
		t.Errorf("inputs modified: base %v override %v", base, override)
	}
}
