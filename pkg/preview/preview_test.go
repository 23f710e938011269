package preview

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
)

type testComponent struct{ pulumi.ResourceState }

// Aliases are recorded as the full URNs they stand for, so the replacement guard can tell a move
// with an alias from a rename without one.
func TestAliasesAreFullURNs(t *testing.T) {
	doc, err := Run(func(ctx *pulumi.Context) error {
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("flowmart:test:Parent", "p", parent); err != nil {
			return err
		}
		child := &testComponent{}
		return ctx.RegisterComponentResource("flowmart:test:Child", "new-name", child, pulumi.Parent(parent),
			pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("old-name")}, {NoParent: pulumi.Bool(true)}}))
	}, Options{Project: "proj", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	c := doc.Get("flowmart:test:Child", "new-name")
	want := []string{
		"urn:pulumi:dev::proj::flowmart:test:Parent$flowmart:test:Child::old-name",
		"urn:pulumi:dev::proj::flowmart:test:Child::new-name",
	}
	if len(c.Aliases) != 2 || c.Aliases[0] != want[0] || c.Aliases[1] != want[1] {
		t.Fatalf("aliases = %q, want %q", c.Aliases, want)
	}
	if c.Parent != doc.Get("flowmart:test:Parent", "p").URN {
		t.Errorf("parent %q", c.Parent)
	}
}

func TestPlaceholders(t *testing.T) {
	cases := []struct {
		name string
		in   resource.PropertyValue
		want any
	}{
		{"secret", resource.MakeSecret(resource.NewProperty("hunter2")), Secret},
		{"computed", resource.MakeComputed(resource.NewProperty("")), Unknown},
		{"unknown output", resource.NewProperty(resource.Output{Known: false}), Unknown},
		{"secret output", resource.NewProperty(resource.Output{Element: resource.NewProperty("x"), Known: true, Secret: true}), Secret},
		{"known output", resource.NewProperty(resource.Output{Element: resource.NewProperty("x"), Known: true}), "x"},
		{"nested secret", resource.NewProperty(resource.PropertyMap{"a": resource.MakeSecret(resource.NewProperty("p"))}), map[string]any{"a": Secret}},
		{"number", resource.NewProperty(443.0), 443.0},
	}
	for _, c := range cases {
		got := mocks.PlainValue(c.in)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: plain = %#v, want %#v", c.name, got, c.want)
		}
	}
}

// A lookup the offline preview cannot answer fails the run with a clear error instead of
// inventing an answer.
func TestUnknownLookupFails(t *testing.T) {
	_, err := Run(func(ctx *pulumi.Context) error {
		var out map[string]any
		return ctx.Invoke("aws:ec2/getAmi:getAmi", map[string]any{"mostRecent": true}, &out)
	}, Options{Project: "proj", Stack: "dev"})
	if err == nil || !strings.Contains(err.Error(), "no answer for the lookup aws:ec2/getAmi:getAmi") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans lines: %q", err)
	}
}

func TestTreeCountsTypes(t *testing.T) {
	doc, err := Run(func(ctx *pulumi.Context) error {
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("flowmart:test:Parent", "p", parent); err != nil {
			return err
		}
		for _, n := range []string{"a", "b"} {
			c := &testComponent{}
			if err := ctx.RegisterComponentResource("flowmart:test:Child", n, c, pulumi.Parent(parent)); err != nil {
				return err
			}
		}
		ctx.Export("answer", pulumi.Int(42))
		return nil
	}, Options{Project: "proj", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := doc.WriteTree(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"└─ flowmart:test:Parent", "   ├─ flowmart:test:Child", "   └─ flowmart:test:Child", "Resources: 4 to create", "     2  flowmart:test:Child", "answer: 42"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("tree lacks %q:\n%s", want, b.String())
		}
	}
}
