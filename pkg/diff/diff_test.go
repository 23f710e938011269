package diff

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
)

const stackURN = "urn:pulumi:production::flowmart-platform::pulumi:pulumi:Stack::flowmart-platform-production"

func res(typ, name string, protect bool, inputs map[string]any) *preview.Resource {
	return &preview.Resource{
		URN:  "urn:pulumi:production::flowmart-platform::" + typ + "::" + name,
		Type: typ, Name: name, Custom: true, Parent: stackURN, Protect: protect,
		IgnoreChanges: []string{}, Dependencies: []string{}, Inputs: inputs,
	}
}

// clone deep-copies a document through JSON, as a baseline file would be read.
func clone(t *testing.T, d *preview.Document) *preview.Document {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var out preview.Document
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func baseline() *preview.Document {
	return &preview.Document{Project: "flowmart-platform", Stack: "production", Resources: []*preview.Resource{
		res("aws:ec2/subnet:Subnet", "production-private-eu-west-1a", false, map[string]any{"cidrBlock": "10.30.0.0/19", "vpcId": "[unknown]", "tags": map[string]any{"Name": "production-private-eu-west-1a"}}),
		res("aws:ec2/instance:Instance", "production-sqlserver", true, map[string]any{"ami": "ami-0aaaaaaaaaaaaaaaa", "instanceType": "r6i.2xlarge"}),
		res("aws:ecr/repository:Repository", "production-storefront", true, map[string]any{"name": "storefront", "imageTagMutability": "IMMUTABLE"}),
		res("aws:iam/role:Role", "production-flow-logs", false, map[string]any{"description": "flow logs"}),
	}}
}

var stateful = func(typ string) bool {
	return typ == "aws:ec2/instance:Instance" || typ == "aws:ecr/repository:Repository"
}

func only(t *testing.T, r Report) Change {
	t.Helper()
	if len(r.Changes) != 1 {
		t.Fatalf("changes = %+v, want exactly one", r.Changes)
	}
	return r.Changes[0]
}

func TestNoChanges(t *testing.T) {
	b := baseline()
	if r := Compare(b, clone(t, b), stateful); len(r.Changes) != 0 || r.Blocking != 0 {
		t.Fatalf("identical graphs: %+v", r)
	}
}

func TestRenameWithoutAliasIsFlagged(t *testing.T) {
	b := baseline()
	cur := clone(t, b)
	r := cur.Resources[0]
	r.Name = "production-app-eu-west-1a"
	r.URN = strings.Replace(r.URN, "production-private-eu-west-1a", r.Name, 1)
	r.Inputs["tags"] = map[string]any{"Name": r.Name}
	c := only(t, Compare(b, cur, stateful))
	if c.Kind != Rename || c.OldURN != b.Resources[0].URN || !strings.Contains(c.Why, "without an alias") {
		t.Fatalf("change = %+v", c)
	}
	// with an alias naming the old URN, the move is free
	r.Aliases = []string{b.Resources[0].URN}
	rep := Compare(b, cur, stateful)
	for _, ch := range rep.Changes {
		if ch.Kind != Update || !strings.HasPrefix(ch.Inputs[0], "tags.Name") {
			t.Fatalf("aliased rename: %+v", rep.Changes)
		}
	}
}

func TestAMIChangeOnSQLServerHostBlocks(t *testing.T) {
	b := baseline()
	cur := clone(t, b)
	cur.Resources[1].Inputs["ami"] = "ami-0bbbbbbbbbbbbbbbb"
	rep := Compare(b, cur, stateful)
	c := only(t, rep)
	if c.Kind != Replace || !c.Blocking || rep.Blocking != 1 || !strings.Contains(c.Inputs[0], "ami: \"ami-0aaaaaaaaaaaaaaaa\" -> \"ami-0bbbbbbbbbbbbbbbb\" (forces replacement)") {
		t.Fatalf("change = %+v", c)
	}
	// with ignoreChanges on the AMI (as SQLServerHost sets it) nothing happens
	cur.Resources[1].IgnoreChanges = []string{"ami"}
	if rep := Compare(b, cur, stateful); len(rep.Changes) != 0 {
		t.Fatalf("ignored AMI change still reported: %+v", rep.Changes)
	}
	// an in-place change of a stateful resource does not block: monitoring is not among the
	// replace-forcing inputs of aws:ec2/instance:Instance in upstream/forcenew.json (an instance
	// type change is conditional, see TestConditionalPaths)
	cur.Resources[1].IgnoreChanges = nil
	cur.Resources[1].Inputs["ami"] = "ami-0aaaaaaaaaaaaaaaa"
	cur.Resources[1].Inputs["monitoring"] = true
	if c := only(t, Compare(b, cur, stateful)); c.Kind != Update || c.Blocking {
		t.Fatalf("monitoring change: %+v", c)
	}
}

func TestSubnetCIDRChangeIsAReplacement(t *testing.T) {
	b := baseline()
	cur := clone(t, b)
	cur.Resources[0].Inputs["cidrBlock"] = "10.30.32.0/19"
	c := only(t, Compare(b, cur, stateful))
	if c.Kind != Replace || c.Blocking {
		t.Fatalf("change = %+v (a subnet is neither protected nor stateful)", c)
	}
	b.Resources[0].Protect = true
	if c := only(t, Compare(b, cur, stateful)); !c.Blocking || !strings.Contains(c.Why, "protected") {
		t.Fatalf("protected subnet replaced without blocking: %+v", c)
	}
}

func TestRemovingAProtectedRepositoryBlocks(t *testing.T) {
	b := baseline()
	cur := clone(t, b)
	cur.Resources = append(cur.Resources[:2], cur.Resources[3:]...)
	rep := Compare(b, cur, nil)
	c := only(t, rep)
	if c.Kind != Delete || !c.Blocking || c.Name != "production-storefront" {
		t.Fatalf("change = %+v", c)
	}
}

func TestCreatesAndUnknownsDoNotBlock(t *testing.T) {
	b := baseline()
	cur := clone(t, b)
	cur.Resources[3].Inputs["description"] = preview.Unknown // unknown until deploy: not a change
	cur.Resources = append(cur.Resources, res("aws:ecr/repository:Repository", "production-search", true, map[string]any{"name": "search"}))
	c := only(t, Compare(b, cur, stateful))
	if c.Kind != Create || c.Blocking {
		t.Fatalf("change = %+v", c)
	}
}

func TestEnvironments(t *testing.T) {
	prod := baseline()
	dev := clone(t, prod)
	dev.Stack = "dev"
	for _, r := range dev.Resources {
		r.Name = strings.Replace(r.Name, "production", "dev", 1)
		r.URN = strings.ReplaceAll(r.URN, "production", "dev")
		if tags, ok := r.Inputs["tags"].(map[string]any); ok {
			tags["Name"] = r.Name
		}
	}
	dev.Resources[1].Inputs["instanceType"] = "r6i.large"
	dev.Resources = dev.Resources[:3]
	rep := Environments(dev, prod)
	if len(rep.Counts) != 1 || rep.Counts[0].Type != "aws:iam/role:Role" || rep.Counts[0].A != 0 || rep.Counts[0].B != 1 {
		t.Errorf("counts = %+v", rep.Counts)
	}
	if len(rep.Settings) != 1 || rep.Settings[0].Path != "instanceType" || rep.Settings[0].A != `"r6i.large"` || rep.Settings[0].Resource != "<stack>-sqlserver" {
		t.Errorf("settings = %+v", rep.Settings)
	}
	if len(rep.OnlyB) != 1 || len(rep.OnlyA) != 0 {
		t.Errorf("only: %v %v", rep.OnlyA, rep.OnlyB)
	}
	var sb strings.Builder
	if err := rep.WriteText(&sb); err != nil || !strings.Contains(sb.String(), "instanceType: \"r6i.large\" | \"r6i.2xlarge\"") {
		t.Errorf("text: %v\n%s", err, sb.String())
	}
}

// Every custom resource type the stacks create, providers included, has an entry in the embedded
// facts (upstream/forcenew.json): a type missing there would be reported as an in-place update
// even when it is replaced. The types come from the stacks' goldens.
func TestEveryStackTypeHasReplacementRules(t *testing.T) {
	types := map[string]string{}
	for _, env := range []string{"dev", "staging", "production"} {
		b, err := os.ReadFile("../../stacks/testdata/" + env + ".golden.json")
		if err != nil {
			t.Fatal(err)
		}
		var doc preview.Document
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, r := range doc.Resources {
			if r.Custom {
				types[r.Type] = env + " " + r.Name
			}
		}
	}
	if len(types) < 50 || types["pulumi:providers:aws"] == "" {
		t.Fatalf("goldens list %d custom types, the aws provider as %q: not the stacks' graphs?", len(types), types["pulumi:providers:aws"])
	}
	for _, typ := range sortedKeys(types) {
		if !hasRules(typ) {
			t.Errorf("%s (%s) has no entry in upstream/forcenew.json", typ, types[typ])
		}
	}
}
