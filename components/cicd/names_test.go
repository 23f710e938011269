package cicd

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/preview"
)

// physicalNameInputs are the inputs of the identity's resources that hold a name IAM keeps
// unique in the account, by type.
var physicalNameInputs = map[string][]string{
	typeRole:              {"name"},
	typePolicy:            {"name"},
	"aws:kms/alias:Alias": {"name"},
}

// physicalName is one recorded physical name.
type physicalName struct{ typ, resource, input, value string }

// physicalNames returns the recorded physical names of doc, with the OIDC provider's URL (one
// provider per URL in an account) when withOIDC. It fails the test when a resource sets a name
// input the table does not classify.
func physicalNames(t *testing.T, doc *preview.Document, withOIDC bool) []physicalName {
	t.Helper()
	var out []physicalName
	for _, r := range doc.Resources {
		for _, in := range physicalNameInputs[r.Type] {
			if v, ok := r.Inputs[in].(string); ok {
				out = append(out, physicalName{r.Type, r.Name, in, v})
			}
		}
		if withOIDC && r.Type == typeOIDC {
			out = append(out, physicalName{r.Type, r.Name, "url", r.Inputs["url"].(string)})
		}
		if _, ok := r.Inputs["name"]; ok && !slices.Contains(physicalNameInputs[r.Type], "name") {
			t.Errorf("%s %s sets a name (%v) that the physical-name table does not classify", r.Type, r.Name, r.Inputs["name"])
		}
	}
	return out
}

func runIdentities(t *testing.T, args map[string]*DeployIdentityArgs) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		for _, name := range slices.Sorted(maps.Keys(args)) {
			if _, err := NewDeployIdentity(ctx, name, args[name], provider); err != nil {
				return err
			}
		}
		return nil
	}, preview.Options{Project: "flowmart-bootstrap", Stack: "production", Region: "eu-west-1", Account: account})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func twoEnvironments() *DeployIdentityArgs {
	a := baseArgs()
	a.Environments = []Environment{{Name: "staging"}, {Name: "production"}}
	return a
}

// With the default NamePrefix the IAM names are the component name's, as the bootstrap project
// gives them (flowmart-deploy-production, ...).
func TestDefaultPhysicalNames(t *testing.T) {
	got := physicalNames(t, runIdentities(t, map[string]*DeployIdentityArgs{"flowmart": twoEnvironments()}), false)
	var values []string
	for _, n := range got {
		values = append(values, n.value)
	}
	want := []string{"flowmart-deploy-staging", "flowmart-deploy-production", "flowmart-ecr-push-staging", "flowmart-ecr-push-production",
		"flowmart-preview", "flowmart-drift", "alias/flowmart-secrets-staging", "alias/flowmart-secrets-production",
		"flowmart-workload-boundary-staging", "flowmart-workload-boundary-production"}
	for _, env := range []string{"staging", "production"} {
		for _, g := range PolicyGroupNames {
			want = append(want, "flowmart-deploy-"+env+"-"+g)
		}
	}
	if !slices.Equal(values, want) {
		t.Errorf("physical names %q, want %q", values, want)
	}
}

// With a NamePrefix, every IAM name starts with it, the deploy roles may assume themselves under
// that name, and the resource names do not change.
func TestNamePrefixStartsEveryPhysicalName(t *testing.T) {
	a := twoEnvironments()
	a.NamePrefix = "acme-gh"
	doc := runIdentities(t, map[string]*DeployIdentityArgs{"flowmart": a})
	got := physicalNames(t, doc, false)
	if len(got) != 10+2*len(PolicyGroupNames) {
		t.Fatalf("physical names %v", got)
	}
	for _, n := range got {
		if !strings.HasPrefix(strings.TrimPrefix(n.value, "alias/"), "acme-gh-") || strings.Contains(n.value, "flowmart") {
			t.Errorf("%s %s %s = %q: does not start with the NamePrefix acme-gh", n.typ, n.resource, n.input, n.value)
		}
	}
	role := doc.Get(typeRole, "flowmart-deploy-production")
	if role == nil || role.Inputs["name"] != "acme-gh-deploy-production" {
		t.Fatalf("deploy role %v", role)
	}
	if trust, _ := role.Inputs["assumeRolePolicy"].(string); !strings.Contains(trust, ":role/acme-gh-deploy-production") {
		t.Errorf("the deploy role may not assume itself under its IAM name: %s", trust)
	}
}

func TestBadNamePrefix(t *testing.T) {
	for _, c := range []struct{ prefix, want string }{
		{"acme/gh", `NamePrefix: "acme/gh" is not an IAM name prefix (1-56 letters, digits and + = , . @ _ -`},
		{"acme gh", `NamePrefix: "acme gh" is not an IAM name prefix`},
		{strings.Repeat("a", 57), `is not an IAM name prefix (1-56`},
	} {
		a := baseArgs()
		a.NamePrefix = c.prefix
		err := a.Validate("flowmart")
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Validate() = %v, want one line with %q", err, c.want)
			continue
		}
		if path, _, ok := fielderr.Split(err); !ok || path != "NamePrefix" {
			t.Errorf("Validate() = %v, want a *fielderr.Error for NamePrefix", err)
		}
		if _, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
			_, err := NewDeployIdentity(ctx, "flowmart", a, p)
			return err
		}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: account}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewDeployIdentity = %v, want %q", err, c.want)
		}
	}
	// an environment prefix that covers the identity's own roles is caught under its NamePrefix
	a := baseArgs()
	a.NamePrefix = "ci"
	a.Environments[0].IAMNamePrefix = "ci-"
	if err := a.Validate("flowmart"); err == nil || !strings.Contains(err.Error(), `covers this identity's own role "ci-preview"`) {
		t.Errorf("Validate() = %v, want the own-role error", err)
	}
}

// Two identities with different NamePrefix, in one program (the second reusing the first's
// OIDC provider, as an account holds one per URL) or in two stacks of one account under the same
// component name, share no IAM name.
func TestNoPhysicalNameCollides(t *testing.T) {
	blue, green := twoEnvironments(), twoEnvironments()
	blue.NamePrefix, green.NamePrefix = "blue", "green"
	green.OIDCProviderARN = pulumi.String("arn:aws:iam::" + account + ":oidc-provider/token.actions.githubusercontent.com")
	one := physicalNames(t, runIdentities(t, map[string]*DeployIdentityArgs{"ci-blue": blue, "ci-green": green}), true)
	two := append(physicalNames(t, runIdentities(t, map[string]*DeployIdentityArgs{"ci": blue}), false),
		physicalNames(t, runIdentities(t, map[string]*DeployIdentityArgs{"ci": green}), false)...)
	per := 10 + 2*len(PolicyGroupNames)
	for label, c := range map[string]struct {
		names []physicalName
		want  int
	}{"one program": {one, 2*per + 1}, "two stacks": {two, 2 * per}} {
		if len(c.names) != c.want {
			t.Errorf("%s: %d physical names, want %d", label, len(c.names), c.want)
		}
		seen := map[string]physicalName{}
		for _, n := range c.names {
			key := n.typ + "\x00" + strings.ToLower(n.value) // IAM names are case-insensitive
			if other, ok := seen[key]; ok {
				t.Errorf("%s: %s %q is the name of both %s and %s", label, n.typ, n.value, other.resource, n.resource)
			}
			seen[key] = n
		}
	}
}
