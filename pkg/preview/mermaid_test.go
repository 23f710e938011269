package preview

import (
	"strings"
	"testing"
)

func TestMermaid(t *testing.T) {
	d := &Document{Resources: []*Resource{
		node("stack", "pulumi:pulumi:Stack", false, ""),
		node("net", "flowmart:network:Network", false, "stack"),
		node("vpc", "aws:ec2/vpc:Vpc", true, "net"),
		node("s1", "aws:ec2/subnet:Subnet", true, "net", "vpc"),
		node("s2", "aws:ec2/subnet:Subnet", true, "net", "vpc"),
		node("cl", "flowmart:cluster:Cluster", false, "stack"),
		node("eks", "aws:eks/cluster:Cluster", true, "cl", "s1", "s2"),
	}}
	var b strings.Builder
	if err := d.WriteMermaid(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"flowchart LR", `c0["<b>network Network net</b><br/>2 × ec2 Subnet<br/>1 × ec2 Vpc"]`, `c1["<b>cluster Cluster cl</b><br/>1 × eks Cluster"]`, "c1 --> c0"} {
		if !strings.Contains(out, want) {
			t.Errorf("diagram lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "c0 --> c1") {
		t.Errorf("reversed edge:\n%s", out)
	}
}
