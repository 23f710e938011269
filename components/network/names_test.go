package network

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/preview"
)

// physicalNameInputs are the inputs of the network's resources that hold a name AWS keeps unique
// in an account and region, by type.
var physicalNameInputs = map[string][]string{
	"aws:cloudwatch/logGroup:LogGroup": {"name"},
}

// givenNameInputs are name inputs that come from Args as given, not from the component: the
// private zone is PrivateZoneName (zones of one name coexist, one per VPC).
var givenNameInputs = map[string][]string{
	"aws:route53/zone:Zone": {"name"},
}

// physicalName is one recorded physical name.
type physicalName struct{ typ, resource, input, value string }

// physicalNames returns the recorded physical names of doc, and fails the test when a resource
// sets a name input that neither table classifies (a new physical name must be listed, and
// prefixed).
func physicalNames(t *testing.T, doc *preview.Document) []physicalName {
	t.Helper()
	var out []physicalName
	for _, r := range doc.Resources {
		for _, in := range physicalNameInputs[r.Type] {
			if v, ok := r.Inputs[in].(string); ok {
				out = append(out, physicalName{r.Type, r.Name, in, v})
			}
		}
		if _, ok := r.Inputs["name"]; ok && !slices.Contains(physicalNameInputs[r.Type], "name") && !slices.Contains(givenNameInputs[r.Type], "name") {
			t.Errorf("%s %s sets a name (%v) that the physical-name tables do not classify", r.Type, r.Name, r.Inputs["name"])
		}
	}
	return out
}

func runNetworks(t *testing.T, args map[string]*NetworkArgs) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		for _, name := range slices.Sorted(maps.Keys(args)) {
			if _, err := NewNetwork(ctx, name, args[name], provider); err != nil {
				return err
			}
		}
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func zoned() *NetworkArgs {
	a := baseArgs("eu-west-1a", "eu-west-1b")
	a.PrivateZoneName = "production.internal"
	return a
}

// With the default NamePrefix the flow-log and DNS query-log groups are named after the
// component, without a company name; FlowLogGroupName keeps a group of an older name (the
// stacks' production one).
func TestDefaultPhysicalNames(t *testing.T) {
	doc := runNetworks(t, map[string]*NetworkArgs{"production": zoned()})
	got := physicalNames(t, doc)
	want := []physicalName{
		{"aws:cloudwatch/logGroup:LogGroup", "production-flow-logs", "name", "/vpc-flow-logs/production"},
		{"aws:cloudwatch/logGroup:LogGroup", "production-dns-queries", "name", "/dns-queries/production"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("physical names %v, want %v", got, want)
	}

	old := zoned()
	old.FlowLogGroupName = "/flowmart/production/vpc-flow-logs"
	doc = runNetworks(t, map[string]*NetworkArgs{"production": old})
	if got := physicalNames(t, doc); len(got) != 2 || got[0].value != "/flowmart/production/vpc-flow-logs" || got[1].value != "/dns-queries/production" {
		t.Errorf("FlowLogGroupName not used: %v", got)
	}
}

// With a NamePrefix, every physical name the network derives carries it (as the group name's
// last segment), and none carries the component name.
func TestNamePrefixNamesEveryPhysicalName(t *testing.T) {
	a := zoned()
	a.NamePrefix = "acme-blue"
	doc := runNetworks(t, map[string]*NetworkArgs{"production": a})
	got := physicalNames(t, doc)
	if len(got) == 0 {
		t.Fatal("no physical name recorded")
	}
	for _, n := range got {
		if !strings.HasSuffix(n.value, "/acme-blue") || strings.Contains(n.value, "production") {
			t.Errorf("%s %s %s = %q: not named by the NamePrefix acme-blue", n.typ, n.resource, n.input, n.value)
		}
	}
}

func TestBadNamePrefix(t *testing.T) {
	cases := []struct {
		mutate func(*NetworkArgs)
		want   string
	}{
		{func(a *NetworkArgs) { a.NamePrefix = "acme/blue" }, `NamePrefix: "acme/blue" is not a name prefix (1-497 letters, digits and . - _ #`},
		{func(a *NetworkArgs) { a.NamePrefix = "acme blue" }, `NamePrefix: "acme blue" is not a name prefix`},
		{func(a *NetworkArgs) { a.NamePrefix = strings.Repeat("a", 498) }, `is not a name prefix (1-497`},
		{func(a *NetworkArgs) { a.FlowLogGroupName = "aws/flow" }, `FlowLogGroupName: "aws/flow" is not a CloudWatch Logs group name (1-512 letters, digits and . - _ / #, not starting with aws/)`},
		{func(a *NetworkArgs) { a.FlowLogGroupName = "/flow logs" }, `FlowLogGroupName: "/flow logs" is not a CloudWatch Logs group name`},
		{func(a *NetworkArgs) { a.FlowLogGroupName = "/" + strings.Repeat("a", 512) }, `is not a CloudWatch Logs group name (1-512`},
	}
	for _, c := range cases {
		a := baseArgs("eu-west-1a", "eu-west-1b")
		c.mutate(a)
		err := a.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Validate() = %v, want one line with %q", err, c.want)
			continue
		}
		if path, _, ok := fielderr.Split(err); !ok || (path != "NamePrefix" && path != "FlowLogGroupName") {
			t.Errorf("Validate() = %v, want a *fielderr.Error for the field", err)
		}
		if _, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
			_, err := NewNetwork(ctx, "prod", a, p)
			return err
		}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: "111122223333"}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewNetwork = %v, want %q", err, c.want)
		}
	}
	longest := baseArgs("eu-west-1a", "eu-west-1b")
	longest.NamePrefix = strings.Repeat("a", 497) // /vpc-flow-logs/ + 497 is CloudWatch Logs' 512
	if err := longest.Validate(); err != nil {
		t.Errorf("the longest NamePrefix is refused: %v", err)
	}
	// the default, the component name, is checked by the constructor
	if _, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewNetwork(ctx, "prod blue", baseArgs("eu-west-1a", "eu-west-1b"), p)
		return err
	}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: "111122223333"}); err == nil || !strings.Contains(err.Error(), `NamePrefix: "prod blue" is not a name prefix`) {
		t.Errorf("NewNetwork(\"prod blue\") = %v, want the NamePrefix error", err)
	}
}

// Two networks with different NamePrefix, in one program or in two stacks of one account under
// the same component name, share no physical name.
func TestNoPhysicalNameCollides(t *testing.T) {
	blue, green := zoned(), zoned()
	blue.NamePrefix, green.NamePrefix = "staging", "production"
	one := physicalNames(t, runNetworks(t, map[string]*NetworkArgs{"blue": blue, "green": green}))
	two := append(physicalNames(t, runNetworks(t, map[string]*NetworkArgs{"net": blue})),
		physicalNames(t, runNetworks(t, map[string]*NetworkArgs{"net": green}))...)
	for label, names := range map[string][]physicalName{"one program": one, "two stacks": two} {
		if len(names) != 4 {
			t.Errorf("%s: %d physical names, want 4 (two log groups each)", label, len(names))
		}
		seen := map[string]physicalName{}
		for _, n := range names {
			key := n.typ + "\x00" + n.value
			if other, ok := seen[key]; ok {
				t.Errorf("%s: %s %q is the name of both %s and %s", label, n.typ, n.value, other.resource, n.resource)
			}
			seen[key] = n
		}
	}
}
