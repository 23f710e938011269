package registry

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/preview"
)

const kmsAlias = "aws:kms/alias:Alias"

// physicalNameInputs are the inputs of the registry's resources that hold a name AWS keeps
// unique in an account and region and that the registry derives, by type.
var physicalNameInputs = map[string][]string{
	kmsAlias: {"name"},
}

// givenNameInputs are unique names that come from Args as given: repository names and cache
// prefixes.
var givenNameInputs = map[string][]string{
	ecrRepo: {"name"},
	"aws:ecr/pullThroughCacheRule:PullThroughCacheRule":             {"ecrRepositoryPrefix"},
	"aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": {"prefix"},
}

// physicalName is one recorded physical name.
type physicalName struct{ typ, resource, input, value string }

// physicalNames returns the recorded names of doc, the derived ones and, with given, the given
// ones too. It fails the test when a resource sets a name input neither table classifies.
func physicalNames(t *testing.T, doc *preview.Document, given bool) []physicalName {
	t.Helper()
	var out []physicalName
	for _, r := range doc.Resources {
		inputs := physicalNameInputs[r.Type]
		if given {
			inputs = append(slices.Clone(inputs), givenNameInputs[r.Type]...)
		}
		for _, in := range inputs {
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

func runRegistries(t *testing.T, args map[string]*RegistryArgs) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		for _, name := range slices.Sorted(maps.Keys(args)) {
			if _, err := NewRegistry(ctx, name, args[name], provider); err != nil {
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

func cachedArgs(repos ...string) *RegistryArgs {
	a := &RegistryArgs{PullThroughCacheRules: []PullThroughCache{{Prefix: "ecr-public", UpstreamURL: "public.ecr.aws"}}}
	for _, r := range repos {
		a.Repositories = append(a.Repositories, Repository{Name: r})
	}
	return a
}

// With the default NamePrefix the alias is the component name's, as the stacks' goldens show it
// (production: alias/production-ecr-key).
func TestDefaultPhysicalNames(t *testing.T) {
	got := physicalNames(t, runRegistries(t, map[string]*RegistryArgs{"production": cachedArgs("storefront")}), false)
	want := []physicalName{{kmsAlias, "production-ecr-key", "name", "alias/production-ecr-key"}}
	if !slices.Equal(got, want) {
		t.Errorf("physical names %v, want %v", got, want)
	}
}

// With a NamePrefix, every name the registry derives starts (after alias/) with it; repository
// names stay as given.
func TestNamePrefixNamesEveryPhysicalName(t *testing.T) {
	a := cachedArgs("storefront")
	a.NamePrefix = "acme-blue"
	doc := runRegistries(t, map[string]*RegistryArgs{"production": a})
	got := physicalNames(t, doc, false)
	if len(got) != 1 {
		t.Fatalf("physical names %v, want the alias", got)
	}
	for _, n := range got {
		if !strings.HasPrefix(n.value, "alias/acme-blue") || strings.Contains(n.value, "production") {
			t.Errorf("%s %s %s = %q: not named by the NamePrefix acme-blue", n.typ, n.resource, n.input, n.value)
		}
	}
	if r := doc.Get(ecrRepo, "production-storefront"); r == nil || r.Inputs["name"] != "storefront" {
		t.Errorf("repository name changed with the NamePrefix: %v", r)
	}
}

func TestBadNamePrefix(t *testing.T) {
	for _, c := range []struct{ prefix, want string }{
		{"acme/blue", `NamePrefix: "acme/blue" is not a name prefix (1-242 letters, digits, - and _: it names the KMS alias alias/<NamePrefix>-ecr-key`},
		{"acme.blue", `NamePrefix: "acme.blue" is not a name prefix`},
		{strings.Repeat("a", 243), `is not a name prefix (1-242`},
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
			_, err := NewRegistry(ctx, "prod", a, p)
			return err
		}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: "111122223333"}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewRegistry = %v, want %q", err, c.want)
		}
	}
	longest := baseArgs()
	longest.NamePrefix = strings.Repeat("a", 242) // alias/ + 242 + -ecr-key is KMS's 256
	if err := longest.Validate(); err != nil {
		t.Errorf("the longest NamePrefix is refused: %v", err)
	}
}

// Two registries with different NamePrefix share no physical name: in one program (with their
// own repositories, which are given names), and in two stacks of one account under the same
// component name (the derived names).
func TestNoPhysicalNameCollides(t *testing.T) {
	blue, green := cachedArgs("storefront"), cachedArgs("checkout")
	green.PullThroughCacheRules[0].Prefix = "quay"
	green.PullThroughCacheRules[0].UpstreamURL = "quay.io"
	blue.NamePrefix, green.NamePrefix = "staging", "production"
	one := physicalNames(t, runRegistries(t, map[string]*RegistryArgs{"blue": blue, "green": green}), true)
	two := append(physicalNames(t, runRegistries(t, map[string]*RegistryArgs{"registry": blue}), false),
		physicalNames(t, runRegistries(t, map[string]*RegistryArgs{"registry": green}), false)...)
	for label, c := range map[string]struct {
		names []physicalName
		want  int
	}{"one program": {one, 8}, "two stacks": {two, 2}} {
		if len(c.names) != c.want {
			t.Errorf("%s: %d physical names %v, want %d", label, len(c.names), c.names, c.want)
		}
		seen := map[string]physicalName{}
		for _, n := range c.names {
			key := n.typ + "\x00" + n.value
			if other, ok := seen[key]; ok {
				t.Errorf("%s: %s %q is the name of both %s and %s", label, n.typ, n.value, other.resource, n.resource)
			}
			seen[key] = n
		}
	}
}
