package preview

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A later layer's StackReference to an earlier one reads that layer's outputs of the same run,
// secrets staying secret, and waits for its whole stack; the document holds both layers.
func TestRunLayersAnswersTheReference(t *testing.T) {
	first := func(ctx *pulumi.Context) error {
		ctx.Export("name", pulumi.String("v1"))
		ctx.Export("token", pulumi.ToSecret(pulumi.String("s3cr3t")))
		return nil
	}
	var name, token any
	second := func(ctx *pulumi.Context) error {
		ref, err := pulumi.NewStackReference(ctx, "organization/one/dev", nil)
		if err != nil {
			return err
		}
		n, err := ref.GetOutputDetails("name")
		if err != nil {
			return err
		}
		s, err := ref.GetOutputDetails("token")
		if err != nil {
			return err
		}
		name, token = n.Value, s.SecretValue
		ctx.Export("copy", ref.GetStringOutput(pulumi.String("name")))
		ctx.Export("tokenCopy", ref.GetStringOutput(pulumi.String("token")))
		return nil
	}
	for _, deploy := range []bool{false, true} {
		doc, err := RunLayers([]Layer{{Name: "base", Project: "one", Program: first}, {Name: "top", Project: "two", Program: second}}, Options{Stack: "dev", Deploy: deploy})
		if err != nil {
			t.Fatal(err)
		}
		if name != "v1" || token != "s3cr3t" {
			t.Errorf("deploy=%v: the reference read name %v and secret %v", deploy, name, token)
		}
		if doc.Outputs["copy"] != "v1" || doc.Outputs["tokenCopy"] != Secret || doc.Outputs["token"] != Secret {
			t.Errorf("deploy=%v: outputs %v", deploy, doc.Outputs)
		}
		b, _ := doc.JSON()
		if bytes.Contains(b, []byte("s3cr3t")) {
			t.Errorf("deploy=%v: the secret is in the document", deploy)
		}
		refs := doc.Find(StackReferenceType)
		if len(refs) != 1 || refs[0].Layer != "top" || refs[0].URN != "urn:pulumi:dev::two::pulumi:pulumi:StackReference::organization/one/dev" {
			t.Fatalf("deploy=%v: references %+v", deploy, refs)
		}
		if len(refs[0].Dependencies) != 1 || refs[0].Dependencies[0] != "urn:pulumi:dev::one::pulumi:pulumi:Stack::one-dev" {
			t.Errorf("deploy=%v: the reference waits for %v, want the base layer's stack", deploy, refs[0].Dependencies)
		}
		if doc.Project != "one" || len(doc.Layers) != 2 || doc.Layers[0].Stack != "organization/one/dev" || doc.Layers[1].References[0] != "organization/one/dev" ||
			doc.Layers[0].Resources != 1 || doc.Layers[1].Resources != 2 || strings.Join(doc.Layers[0].Outputs, ",") != "name,token" {
			t.Errorf("deploy=%v: layers %+v", deploy, doc.Layers)
		}
		if doc.Resources[0].Layer != "base" || doc.Resources[1].Layer != "top" {
			t.Errorf("deploy=%v: resources not in layer order", deploy)
		}
	}
}

// A reference to a stack no earlier layer is fails, as the engine fails for a missing stack; two
// layers exporting one name fail too.
func TestRunLayersRefusals(t *testing.T) {
	missing := func(ctx *pulumi.Context) error {
		ref, err := pulumi.NewStackReference(ctx, "organization/nope/dev", nil)
		if err != nil {
			return err
		}
		_, err = ref.GetOutputDetails("x")
		return err
	}
	_, err := RunLayers([]Layer{{Name: "a", Project: "a", Program: func(*pulumi.Context) error { return nil }}, {Name: "b", Project: "b", Program: missing}}, Options{Stack: "dev"})
	if err == nil || !strings.Contains(err.Error(), "organization/nope/dev") || !strings.Contains(err.Error(), "layer b") {
		t.Errorf("missing stack: %v", err)
	}
	export := func(ctx *pulumi.Context) error { ctx.Export("x", pulumi.String("1")); return nil }
	_, err = RunLayers([]Layer{{Name: "a", Project: "a", Program: export}, {Name: "b", Project: "b", Program: export}}, Options{Stack: "dev"})
	if err == nil || err.Error() != "layers a and b both export x" {
		t.Errorf("duplicate output: %v", err)
	}
}

// Several layers draw as subgraphs, and a reference's box points at the layer it reads.
func TestMermaidLayers(t *testing.T) {
	d := &Document{
		Layers: []LayerSummary{{Name: "aws", Project: "p"}, {Name: "svc", Project: "p-services"}},
		Resources: []*Resource{
			{URN: "s1", Type: "pulumi:pulumi:Stack", Layer: "aws"},
			{URN: "c1", Type: "flowmart:test:Net", Name: "net", Parent: "s1", Layer: "aws"},
			{URN: "v1", Type: "aws:ec2/vpc:Vpc", Name: "vpc", Parent: "c1", Custom: true, Layer: "aws"},
			{URN: "s2", Type: "pulumi:pulumi:Stack", Layer: "svc"},
			{URN: "r2", Type: StackReferenceType, Name: "organization/p/dev", Parent: "s2", Custom: true, Dependencies: []string{"s1"}, Layer: "svc"},
			{URN: "c2", Type: "flowmart:test:Apps", Name: "apps", Parent: "s2", Dependencies: []string{"r2"}, Layer: "svc"},
		},
	}
	var b strings.Builder
	if err := d.WriteMermaid(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  subgraph layer0[\"aws layer: p\"]\n    c0[\"<b>test Net net</b><br/>1 × ec2 Vpc\"]\n  end\n",
		"  subgraph layer1[\"svc layer: p-services\"]\n    c1[", "  c1 --> layer0\n", "  c2 --> c1\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("diagram lacks %q:\n%s", want, b.String())
		}
	}
}
