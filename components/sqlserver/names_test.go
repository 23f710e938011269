package sqlserver

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/preview"
)

const typAlias = "aws:kms/alias:Alias"

// physicalNameInputs are the inputs of the host's resources that hold a name AWS keeps unique in
// an account and region, by type.
var physicalNameInputs = map[string][]string{
	typAlias:      {"name"},
	typVault:      {"name"},
	typPlan:       {"name"},
	typSelection:  {"name"},
	typBaseline:   {"name"},
	typPatchGroup: {"patchGroup"},
	typWindow:     {"name"},
	typTarget:     {"name"},
	typParameter:  {"name"},
	typAssoc:      {"associationName"},
	typTopic:      {"name"},
	typAlarm:      {"name"},
}

// scopedNameInputs are name inputs that are not account-wide names of the host: the DNS record
// (HostName in the given zone), the window's task (unique in its window) and the associations'
// SSM document (AWS's).
var scopedNameInputs = map[string][]string{
	typRecord: {"name"},
	typTask:   {"name"},
	typAssoc:  {"name"},
}

// physicalName is one recorded physical name.
type physicalName struct{ typ, resource, input, value string }

// physicalNames returns the recorded physical names of doc, with the instance's Patch Group tag
// (the patch group it joins). It fails the test when a resource sets a name input neither table
// classifies.
func physicalNames(t *testing.T, doc *preview.Document) []physicalName {
	t.Helper()
	var out []physicalName
	for _, r := range doc.Resources {
		for _, in := range physicalNameInputs[r.Type] {
			if v, ok := r.Inputs[in].(string); ok {
				out = append(out, physicalName{r.Type, r.Name, in, v})
			}
		}
		if _, ok := r.Inputs["name"]; ok && !slices.Contains(physicalNameInputs[r.Type], "name") && !slices.Contains(scopedNameInputs[r.Type], "name") {
			t.Errorf("%s %s sets a name (%v) that the physical-name tables do not classify", r.Type, r.Name, r.Inputs["name"])
		}
		if r.Type == typInstance {
			out = append(out, physicalName{r.Type, r.Name, "tags[Patch Group]", obj(r.Inputs["tags"])[PatchGroupTag].(string)})
		}
	}
	return out
}

func runHosts(t *testing.T, args map[string]*SQLServerHostArgs) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		for _, name := range slices.Sorted(maps.Keys(args)) {
			if _, err := NewSQLServerHost(ctx, name, args[name], provider); err != nil {
				return err
			}
		}
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: account})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// values returns the values of names, in order.
func values(names []physicalName) []string {
	var out []string
	for _, n := range names {
		out = append(out, n.value)
	}
	return out
}

// defaultNames are the host's physical names with the default NamePrefix, as the stacks' goldens
// show them for the component name production-sqlserver.
var defaultNames = []string{
	"alias/production-sqlserver",
	"production-sqlserver",             // the instance's Patch Group tag
	"production-sqlserver-windows",     // patch baseline
	"production-sqlserver",             // patch group
	"production-sqlserver-patching",    // maintenance window
	"production-sqlserver",             // its target
	"production-sqlserver-host-config", // Microsoft Update and max server memory
	"AmazonCloudWatch-production-sqlserver",
	"production-sqlserver-cwagent-install",
	"production-sqlserver-cwagent-configure",
	"production-sqlserver-vss-install",
	"production-sqlserver-alarms",
	"production-sqlserver-cpu",
	"production-sqlserver-status-check",
	"production-sqlserver-system-recovery",
	"production-sqlserver-memory",
	"production-sqlserver-disk-data",
	"production-sqlserver-disk-log",
	"production-sqlserver-disk-tempdb",
	"production-sqlserver-disk-backup",
	"production-sqlserver", // vault
	"production-sqlserver", // plan
	"production-sqlserver", // selection
}

// With the default NamePrefix the names are those of HostResourceName of the component name:
// the stacks' (production-sqlserver) and a name that does not say sqlserver (production).
func TestDefaultPhysicalNames(t *testing.T) {
	for _, name := range []string{"production-sqlserver", "production"} {
		got := values(physicalNames(t, runHosts(t, map[string]*SQLServerHostArgs{name: fullArgs(false)})))
		if !slices.Equal(got, defaultNames) {
			t.Errorf("%s: physical names\n%q, want\n%q", name, got, defaultNames)
		}
	}
}

// With a NamePrefix, every physical name the host sets starts with it (after alias/ and the
// AmazonCloudWatch- the agent's managed policy requires) and none carries the component name;
// the resource names do not change.
func TestNamePrefixStartsEveryPhysicalName(t *testing.T) {
	a := fullArgs(false)
	a.NamePrefix = "acme-blue-db"
	doc := runHosts(t, map[string]*SQLServerHostArgs{"production-sqlserver": a})
	got := physicalNames(t, doc)
	if len(got) != len(defaultNames) {
		t.Fatalf("%d physical names %v, want %d", len(got), got, len(defaultNames))
	}
	for _, n := range got {
		v := strings.TrimPrefix(strings.TrimPrefix(n.value, "alias/"), agentConfigStart)
		if !strings.HasPrefix(v, "acme-blue-db") || strings.Contains(v, "production") {
			t.Errorf("%s %s %s = %q: does not start with the NamePrefix acme-blue-db", n.typ, n.resource, n.input, n.value)
		}
	}
	for _, w := range [][2]string{{typInstance, "production-sqlserver"}, {typRole, "production-sqlserver"}, {typSG, "production-sqlserver"},
		{typVault, "production-sqlserver-vault"}, {typAlias, "production-sqlserver-key"}} {
		one(t, doc, w[0], w[1])
	}
	// the agent is configured from the parameter of that name
	for _, r := range doc.Find(typAssoc) {
		if loc := obj(r.Inputs["parameters"])["optionalConfigurationLocation"]; loc != nil && loc != "AmazonCloudWatch-acme-blue-db" {
			t.Errorf("%s reads the configuration %v", r.Name, loc)
		}
	}
}

func TestBadNamePrefix(t *testing.T) {
	for _, c := range []struct{ prefix, want string }{
		{"db", `NamePrefix: "db" is not a name prefix (3-50 letters, digits, - and _: it is the backup vault's name`},
		{"acme.db", `NamePrefix: "acme.db" is not a name prefix`},
		{strings.Repeat("a", 51), `is not a name prefix (3-50`},
	} {
		a := baseArgs()
		a.NamePrefix = c.prefix
		err := a.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Validate() = %v, want one line with %q", err, c.want)
			continue
		}
		if path, _, ok := fielderr.Split(err); !ok || path != "NamePrefix" {
			t.Errorf("Validate() = %v, want a *fielderr.Error for NamePrefix", err)
		}
		if _, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
			_, err := NewSQLServerHost(ctx, "prod", a, p)
			return err
		}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: account}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewSQLServerHost = %v, want %q", err, c.want)
		}
	}
	longest := baseArgs()
	longest.NamePrefix = strings.Repeat("a", 50)
	if err := longest.Validate(); err != nil {
		t.Errorf("the longest NamePrefix is refused: %v", err)
	}
	// the default, from the component name, is checked by the constructor
	if _, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewSQLServerHost(ctx, "prod.eu", baseArgs(), p)
		return err
	}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: account}); err == nil || !strings.Contains(err.Error(), `NamePrefix: "prod.eu-sqlserver" is not a name prefix`) {
		t.Errorf("NewSQLServerHost(\"prod.eu\") = %v, want the NamePrefix error", err)
	}
}

// Two hosts with different NamePrefix, in one program or in two stacks of one account under the
// same component name, share no physical name (the Patch Group tag is the patch group's name,
// counted once).
func TestNoPhysicalNameCollides(t *testing.T) {
	blue, green := fullArgs(false), fullArgs(false)
	blue.NamePrefix, green.NamePrefix = "staging-sqlserver", "production-sqlserver"
	one := physicalNames(t, runHosts(t, map[string]*SQLServerHostArgs{"blue": blue, "green": green}))
	two := append(physicalNames(t, runHosts(t, map[string]*SQLServerHostArgs{"db": blue})),
		physicalNames(t, runHosts(t, map[string]*SQLServerHostArgs{"db": green}))...)
	for label, names := range map[string][]physicalName{"one program": one, "two stacks": two} {
		if len(names) != 2*len(defaultNames) {
			t.Errorf("%s: %d physical names, want %d", label, len(names), 2*len(defaultNames))
		}
		seen := map[string]physicalName{}
		for _, n := range names {
			key := n.typ + "\x00" + n.input + "\x00" + n.value
			if other, ok := seen[key]; ok {
				t.Errorf("%s: %s %q is the name of both %s and %s", label, n.typ, n.value, other.resource, n.resource)
			}
			seen[key] = n
		}
	}
}
