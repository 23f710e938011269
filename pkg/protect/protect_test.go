package protect

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestOptions(t *testing.T) {
	base := []pulumi.ResourceOption{pulumi.IgnoreChanges([]string{"tags"})}
	for _, c := range []struct {
		name    string
		enabled bool
		extra   []pulumi.ResourceOption
		protect bool
		ignored []string
		length  int
	}{
		{"off", false, nil, false, []string{"tags"}, 1},
		{"on", true, nil, true, []string{"tags"}, 2},
		{"off with extra", false, []pulumi.ResourceOption{pulumi.IgnoreChanges([]string{"ami"})}, false, []string{"tags", "ami"}, 2},
		{"on with extra", true, []pulumi.ResourceOption{pulumi.IgnoreChanges([]string{"ami"})}, true, []string{"tags", "ami"}, 3},
	} {
		got := Options(c.enabled, base, c.extra...)
		o, err := pulumi.NewResourceOptions(got...)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != c.length || o.Protect != c.protect || !slices.Equal(o.IgnoreChanges, c.ignored) {
			t.Errorf("%s: %d options, protect %v, ignore %v; want %d, %v, %v", c.name, len(got), o.Protect, o.IgnoreChanges, c.length, c.protect, c.ignored)
		}
	}
	if len(base) != 1 {
		t.Errorf("base options changed: %d", len(base))
	}
}

// The result never shares the base slice's array: appending to one result cannot reach another.
func TestOptionsDoNotAlias(t *testing.T) {
	base := make([]pulumi.ResourceOption, 1, 8)
	base[0] = pulumi.IgnoreChanges([]string{"tags"})
	a := Options(false, base)
	b := Options(true, base)
	a = append(a, pulumi.IgnoreChanges([]string{"ami"}))
	o, _ := pulumi.NewResourceOptions(b...)
	if !o.Protect || !slices.Equal(o.IgnoreChanges, []string{"tags"}) || &a[0] == &base[0] {
		t.Errorf("results alias: %v %v", o.Protect, o.IgnoreChanges)
	}
}
