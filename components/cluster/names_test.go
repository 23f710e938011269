package cluster

import (
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/preview"
)

// physicalNameInputs are the inputs of the cluster's resources that hold a name AWS keeps unique
// in an account and region, by type.
var physicalNameInputs = map[string][]string{
	"aws:eks/cluster:Cluster":          {"name"},
	"aws:cloudwatch/logGroup:LogGroup": {"name"},
}

// scopedNameInputs are name inputs AWS keeps unique inside another resource only, by type: a
// fixed value there never collides across clusters.
var scopedNameInputs = map[string]string{
	"aws:autoscaling/lifecycleHook:LifecycleHook": "name", // unique in its auto-scaling group
}

const asgType = "aws:autoscaling/group:Group"

// physicalName is one recorded physical name.
type physicalName struct{ typ, resource, input, value string }

// physicalNames returns the recorded physical names of doc: the name inputs above, and the
// cluster's name in the self-managed groups' discovery tag keys. It fails the test when a
// resource sets a name input the table does not classify.
func physicalNames(t *testing.T, doc *preview.Document) []physicalName {
	t.Helper()
	var out []physicalName
	for _, r := range doc.Resources {
		for _, in := range physicalNameInputs[r.Type] {
			if v, ok := r.Inputs[in].(string); ok {
				out = append(out, physicalName{r.Type, r.Name, in, v})
			}
		}
		if _, ok := r.Inputs["name"]; ok && !slices.Contains(physicalNameInputs[r.Type], "name") && scopedNameInputs[r.Type] != "name" {
			t.Errorf("%s %s sets a name (%v) that the physical-name table does not classify", r.Type, r.Name, r.Inputs["name"])
		}
		if r.Type == asgType {
			tagList, _ := r.Inputs["tags"].([]any)
			for _, tag := range tagList {
				key, _ := tag.(map[string]any)["key"].(string)
				for _, p := range []string{"kubernetes.io/cluster/", "k8s.io/cluster-autoscaler/"} {
					if c, ok := strings.CutPrefix(key, p); ok && c != "enabled" {
						out = append(out, physicalName{r.Type, r.Name, "tags[" + p + "]", c})
					}
				}
			}
		}
	}
	return out
}

// fullArgs is a cluster with every kind of child that could carry a name.
func fullArgs() *ClusterArgs {
	a := baseArgs()
	a.NodeGroups = []NodeGroup{managedGroup(), selfGroup()}
	a.EnableIRSA = true
	a.AccessEntries = []AccessEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/admin",
		AccessPolicies: []AccessPolicy{{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}}}}
	a.PodIdentities = []PodIdentity{{Namespace: "shop", ServiceAccount: "orders", ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}}}
	return a
}

func runClusters(t *testing.T, args map[string]*ClusterArgs, deploy ...bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		for _, name := range slices.Sorted(maps.Keys(args)) {
			if _, err := NewCluster(ctx, name, args[name], provider); err != nil {
				return err
			}
		}
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: len(deploy) > 0 && deploy[0]})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// With the default NamePrefix the names are the component name's, as the stacks' goldens show
// them (production: cluster production, group /aws/eks/production/cluster).
func TestDefaultPhysicalNames(t *testing.T) {
	got := physicalNames(t, runClusters(t, map[string]*ClusterArgs{"production": fullArgs()}))
	want := []physicalName{
		{"aws:cloudwatch/logGroup:LogGroup", "production-control-plane", "name", "/aws/eks/production/cluster"},
		{"aws:eks/cluster:Cluster", "production-eks", "name", "production"},
		{asgType, "production-system", "tags[k8s.io/cluster-autoscaler/]", "production"},
		{asgType, "production-system", "tags[kubernetes.io/cluster/]", "production"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("physical names\n%v, want\n%v", got, want)
	}
}

// With a NamePrefix, every physical name the cluster sets is named by it, none by the component.
func TestNamePrefixNamesEveryPhysicalName(t *testing.T) {
	a := fullArgs()
	a.NamePrefix = "acme-blue"
	doc := runClusters(t, map[string]*ClusterArgs{"production": a})
	got := physicalNames(t, doc)
	if len(got) != 4 {
		t.Fatalf("physical names %v, want 4", got)
	}
	for _, n := range got {
		ok := n.value == "acme-blue" || n.value == "/aws/eks/acme-blue/cluster"
		if !ok || strings.Contains(n.value, "production") {
			t.Errorf("%s %s %s = %q: not named by the NamePrefix acme-blue", n.typ, n.resource, n.input, n.value)
		}
	}
	// the self-managed nodes join the cluster of that name
	doc = runClusters(t, map[string]*ClusterArgs{"production": a}, true)
	lt := doc.Get("aws:ec2/launchTemplate:LaunchTemplate", "production-system")
	raw, err := base64.StdEncoding.DecodeString(lt.Inputs["userData"].(string))
	if err != nil || !strings.Contains(string(raw), "    name: acme-blue\n") {
		t.Errorf("self-managed nodes do not join the cluster acme-blue (%v):\n%s", err, raw)
	}
}

func TestBadNamePrefix(t *testing.T) {
	for _, c := range []struct{ prefix, want string }{
		{"-blue", `NamePrefix: "-blue" is not an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit`},
		{"acme.blue", `NamePrefix: "acme.blue" is not an EKS cluster name`},
		{strings.Repeat("a", 101), `is not an EKS cluster name (1-100`},
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
			_, err := NewCluster(ctx, "prod", a, p)
			return err
		}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: "111122223333"}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewCluster = %v, want %q", err, c.want)
		}
	}
	longest := baseArgs()
	longest.NamePrefix = strings.Repeat("a", 100)
	if err := longest.Validate(); err != nil {
		t.Errorf("the longest NamePrefix is refused: %v", err)
	}
	// the default, the component name, is checked by the constructor
	if _, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewCluster(ctx, "prod.eu", baseArgs(), p)
		return err
	}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: "111122223333"}); err == nil || !strings.Contains(err.Error(), `cluster "prod.eu": NamePrefix: "prod.eu" is not an EKS cluster name`) {
		t.Errorf("NewCluster(\"prod.eu\") = %v, want the NamePrefix error", err)
	}
}

// Two clusters with different NamePrefix, in one program or in two stacks of one account under
// the same component name, share no physical name.
func TestNoPhysicalNameCollides(t *testing.T) {
	blue, green := fullArgs(), fullArgs()
	blue.NamePrefix, green.NamePrefix = "staging", "production"
	one := physicalNames(t, runClusters(t, map[string]*ClusterArgs{"blue": blue, "green": green}))
	two := append(physicalNames(t, runClusters(t, map[string]*ClusterArgs{"eks": blue})),
		physicalNames(t, runClusters(t, map[string]*ClusterArgs{"eks": green}))...)
	for label, names := range map[string][]physicalName{"one program": one, "two stacks": two} {
		if len(names) != 8 {
			t.Errorf("%s: %d physical names, want 8", label, len(names))
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
