package infra_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"

	"example.com/acme/platform/infra"
)

const (
	testAccount = "210987654321"
	deployRole  = "arn:aws:iam::210987654321:role/acme-deploy"
)

// testEnv is production with the values main.go reads from the stack configuration.
func testEnv() infra.Environment {
	env := infra.Production()
	env.AccountID = testAccount
	env.DeployRoleARN = deployRole
	env.CloudflareZoneID = "0123456789abcdef0123456789abcdef"
	env.CloudflareAPIToken = pulumi.String("cloudflare-token-from-config")
	return env
}

// graph runs the whole program, as a preview (dryRun) or an update, failing on any error.
func graph(t *testing.T, dryRun bool) []recorded {
	t.Helper()
	rs, err := run(t, infra.Program(testEnv()), dryRun)
	if err != nil {
		t.Fatalf("program (DryRun %v): %v", dryRun, err)
	}
	return rs
}

// modes runs a test body against the graph of a preview and of an update.
func modes(t *testing.T, body func(t *testing.T, rs []recorded)) {
	for _, dryRun := range []bool{true, false} {
		t.Run(fmt.Sprintf("DryRun=%v", dryRun), func(t *testing.T) { body(t, graph(t, dryRun)) })
	}
}

func TestResourceTypesAndCounts(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		for typ, want := range map[string]int{
			// one component each, and the providers the program creates (the Kubernetes one is the
			// cluster's, ready for workloads)
			"flowmart:network:Network":         1,
			"flowmart:cluster:Cluster":         1,
			"flowmart:registry:Registry":       1,
			"flowmart:certificate:Certificate": 1,
			"pulumi:providers:aws":             1,
			"pulumi:providers:cloudflare":      1,
			"pulumi:providers:kubernetes":      1,
			// three zones: a public, a private and a database subnet and a NAT gateway in each
			"aws:ec2/vpc:Vpc":               1,
			"aws:ec2/subnet:Subnet":         9,
			"aws:ec2/natGateway:NatGateway": 3,
			"aws:ec2/flowLog:FlowLog":       1,
			// the control plane, one managed node group, the five pinned core add-ons
			"aws:eks/cluster:Cluster":         1,
			"aws:eks/nodeGroup:NodeGroup":     1,
			"aws:eks/addon:Addon":             5,
			"aws:eks/accessEntry:AccessEntry": 1,
			// a repository, lifecycle and policy per service
			"aws:ecr/repository:Repository":             3,
			"aws:ecr/lifecyclePolicy:LifecyclePolicy":   3,
			"aws:ecr/repositoryPolicy:RepositoryPolicy": 3,
			// the certificate for the domain and its wildcard share one validation record
			"aws:acm/certificate:Certificate": 1,
			"cloudflare:index/record:Record":  1,
		} {
			if got := len(ofType(rs, typ)); got != want {
				t.Errorf("%d × %s, want %d", got, typ, want)
			}
		}
	})
}

// providerOf returns the URN of the one provider of a package the program registered.
func providerOf(t *testing.T, rs []recorded, pkg string) string {
	t.Helper()
	return one(t, rs, "pulumi:providers:"+pkg).URN
}

func TestEveryResourceHasTheExplicitProvider(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		want := map[string]string{
			"aws":        providerOf(t, rs, "aws"),
			"cloudflare": providerOf(t, rs, "cloudflare"),
		}
		checked := 0
		for _, r := range rs {
			if !r.Custom || r.isProvider() {
				continue
			}
			pkg, _, _ := strings.Cut(r.Type, ":")
			p, ok := want[pkg]
			if !ok {
				t.Errorf("%s %s: a package the program has no provider for", r.Type, r.Name)
				continue
			}
			// a provider reference is "<provider urn>::<provider id>"; a default provider would
			// be pulumi:providers:<pkg>::default_...
			if !strings.HasPrefix(r.Provider, p+"::") {
				t.Errorf("%s %s: provider %q, want the program's %s", r.Type, r.Name, r.Provider, p)
			}
			checked++
		}
		if checked < 90 {
			t.Errorf("only %d resources checked", checked)
		}
	})
}

func TestParentsAreTheComponents(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		stack := "urn:pulumi:prod::acme-platform::pulumi:pulumi:Stack::acme-platform-prod"
		components := map[string]string{} // URN -> type
		for _, r := range rs {
			if strings.HasPrefix(r.Type, "flowmart:") {
				components[r.URN] = r.Type
				if r.Parent != stack {
					t.Errorf("component %s %s: parent %s, want the stack", r.Type, r.Name, r.Parent)
				}
			}
		}
		if len(components) != 4 {
			t.Fatalf("%d components, want 4", len(components))
		}
		owner := map[string]string{
			"aws:ec2/vpc:Vpc":                 "flowmart:network:Network",
			"aws:eks/cluster:Cluster":         "flowmart:cluster:Cluster",
			"aws:eks/nodeGroup:NodeGroup":     "flowmart:cluster:Cluster",
			"pulumi:providers:kubernetes":     "flowmart:cluster:Cluster",
			"aws:ecr/repository:Repository":   "flowmart:registry:Registry",
			"aws:acm/certificate:Certificate": "flowmart:certificate:Certificate",
			"cloudflare:index/record:Record":  "flowmart:certificate:Certificate",
		}
		for _, r := range rs {
			switch {
			case r.Type == "pulumi:providers:aws" || r.Type == "pulumi:providers:cloudflare":
				if r.Parent != stack {
					t.Errorf("%s: parent %s, want the stack", r.Name, r.Parent)
				}
			case r.Custom:
				got, ok := components[r.Parent]
				if !ok {
					t.Errorf("%s %s: parent %s is not a component", r.Type, r.Name, r.Parent)
				}
				if want, ok := owner[r.Type]; ok && got != want {
					t.Errorf("%s %s: parent is a %s, want a %s", r.Type, r.Name, got, want)
				}
			}
		}
	})
}

func TestClusterVPCCIDRComesFromTheNetwork(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		vpc := one(t, rs, "aws:ec2/vpc:Vpc")
		eks := one(t, rs, "aws:eks/cluster:Cluster")
		// The service range is the cluster's input that waits for the VPC's CIDR: it is set once
		// the network's output is known not to overlap it.
		if deps := eks.PropertyDependencies["kubernetesNetworkConfig"]; !slices.Contains(deps, vpc.URN) {
			t.Errorf("kubernetesNetworkConfig depends on %v, want the network's VPC %s", deps, vpc.URN)
		}
		if got := str(vpc.Inputs, "cidrBlock"); got != "" && got != "10.60.0.0/16" {
			t.Errorf("VPC cidrBlock %q", got)
		}
		if got := str(eks.Inputs, "kubernetesNetworkConfig", "serviceIpv4Cidr"); got != "" && got != "172.20.0.0/16" {
			t.Errorf("serviceIpv4Cidr %q", got)
		}
	})
}

// With the VPC's CIDR an Output, ClusterArgs.Validate cannot see the value: the overlap with the
// service range is found when the network's output resolves, and the cluster is never created.
func TestAnOverlappingNetworkOutputStopsTheCluster(t *testing.T) {
	env := testEnv()
	env.VPCCIDR = "172.20.0.0/16" // the cluster's default service range
	var validateErr error
	rs, err := run(t, func(ctx *pulumi.Context) error {
		onAWS, err := awsProvider(ctx)
		if err != nil {
			return err
		}
		net, err := network.NewNetwork(ctx, env.Name, infra.NetworkArgs(env), onAWS)
		if err != nil {
			return err
		}
		args := infra.ClusterArgs(env, net.VPCID.ToStringOutput(), net.VPCCIDR, net.PrivateSubnetIDs)
		validateErr = args.Validate()
		_, err = cluster.NewCluster(ctx, env.Name, args, onAWS)
		return err
	}, false)
	if validateErr != nil {
		t.Errorf("Validate with an Output VPCCIDR: %v, want nil (the value is not known yet)", validateErr)
	}
	want := `cluster "acme-prod": ServiceIPv4CIDR: 172.20.0.0/16 overlaps VPCCIDR 172.20.0.0/16`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %q", err, want)
	}
	if n := len(ofType(rs, "aws:eks/cluster:Cluster")); n != 0 {
		t.Errorf("%d EKS clusters registered with an overlapping service range", n)
	}
	// The program's own up-front check uses the environment's plain CIDR, so it stops first.
	if err := env.Validate(); err == nil || !strings.HasPrefix(err.Error(), `cluster "acme-prod": ServiceIPv4CIDR: `) {
		t.Errorf("Environment.Validate: %v", err)
	}
}

// arns returns every ARN in a property map, however deep.
func arns(v resource.PropertyValue) []string {
	switch {
	case v.IsSecret():
		return arns(v.SecretValue().Element)
	case v.IsString():
		if s := v.StringValue(); strings.HasPrefix(s, "arn:") {
			return []string{s}
		}
	case v.IsArray():
		var out []string
		for _, e := range v.ArrayValue() {
			out = append(out, arns(e)...)
		}
		return out
	case v.IsObject():
		var out []string
		for _, e := range v.ObjectValue() {
			out = append(out, arns(e)...)
		}
		return out
	}
	return nil
}

func TestRegionIsUSEast1(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		if got := str(one(t, rs, "pulumi:providers:aws").Inputs, "region"); got != "us-east-1" {
			t.Errorf("AWS provider region %q", got)
		}
		regional := 0
		for _, r := range rs {
			for _, a := range arns(resource.NewObjectProperty(r.State)) {
				// arn:partition:service:region:account:resource
				parts := strings.SplitN(a, ":", 6)
				if len(parts) < 6 || parts[1] != "aws" {
					t.Errorf("%s %s: %q is not an ARN of the aws partition", r.Type, r.Name, a)
					continue
				}
				service, region, account := parts[2], parts[3], parts[4]
				switch {
				case region == "us-east-1":
					regional++
				case region != "" || (service != "iam" && service != "eks" && service != "s3"):
					t.Errorf("%s %s: %q is not in us-east-1", r.Type, r.Name, a)
				}
				if account != testAccount && account != "aws" && account != "" {
					t.Errorf("%s %s: %q is in account %s, want %s", r.Type, r.Name, a, account, testAccount)
				}
			}
		}
		if regional < 10 {
			t.Errorf("only %d regional ARNs", regional)
		}
		if got := str(one(t, rs, "aws:eks/cluster:Cluster").State, "arn"); !strings.HasPrefix(got, "arn:aws:eks:us-east-1:"+testAccount+":cluster/") {
			t.Errorf("EKS cluster ARN %q", got)
		}
		for _, repo := range ofType(rs, "aws:ecr/repository:Repository") {
			if got := str(repo.State, "repositoryUrl"); !strings.HasPrefix(got, testAccount+".dkr.ecr.us-east-1.amazonaws.com/acme/") {
				t.Errorf("%s: repository URL %q", repo.Name, got)
			}
		}
	})
}

// The network compares NetworkArgs.Region with the region its AWS provider answers (the mocks
// answer for theirs): a program pointed at the wrong region stops before the VPC.
func TestRegionMismatchStopsTheNetwork(t *testing.T) {
	r := newRecorder("eu-west-1", testAccount)
	err := pulumi.RunErr(infra.Program(testEnv()), pulumi.WithMocks("acme-platform", "prod", r))
	want := `network "acme-prod": Region "us-east-1" is not the region of its AWS provider (eu-west-1)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %q", err, want)
	}
	if n := len(ofType(r.resources, "aws:ec2/vpc:Vpc")); n != 0 {
		t.Errorf("%d VPCs registered in the wrong region", n)
	}
}

// untagged are the AWS types without tags (attachments, associations, rules of other resources).
var untagged = []string{
	"aws:ec2/route:Route",
	"aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:iam/rolePolicy:RolePolicy",
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment",
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy",
	"aws:ecr/repositoryPolicy:RepositoryPolicy",
	"aws:kms/alias:Alias",
	"aws:acm/certificateValidation:CertificateValidation",
}

func TestTags(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		// The environment's tags are the provider's default tags: AWS adds them to every resource.
		p := one(t, rs, "pulumi:providers:aws")
		for k, v := range testEnv().Tags {
			if got := str(p.Inputs, "defaultTags", "tags", k); got != v {
				t.Errorf("provider default tag %s = %q, want %q", k, got, v)
			}
		}
		// Each component's Tags reach every taggable child, with its Name.
		layer := map[string]string{
			"flowmart:network:Network": "network", "flowmart:cluster:Cluster": "cluster",
			"flowmart:registry:Registry": "registry", "flowmart:certificate:Certificate": "edge",
		}
		parentType := map[string]string{}
		for _, r := range rs {
			parentType[r.URN] = r.Type
		}
		for _, r := range rs {
			if !r.Custom || !strings.HasPrefix(r.Type, "aws:") || slices.Contains(untagged, r.Type) {
				continue
			}
			want := layer[parentType[r.Parent]]
			if got := str(r.Inputs, "tags", "layer"); got != want {
				t.Errorf("%s %s: tag layer %q, want %q", r.Type, r.Name, got, want)
			}
		}
	})
}

func TestPhysicalNamesDeriveFromTheEnvironmentName(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		for typ, want := range map[string]string{
			"aws:eks/cluster:Cluster": "acme-prod",
			"aws:kms/alias:Alias":     "alias/acme-prod-ecr-key",
		} {
			if got := str(one(t, rs, typ).Inputs, "name"); got != "" && got != want {
				t.Errorf("%s name %q, want %q", typ, got, want)
			}
		}
		var repos []string
		for _, r := range ofType(rs, "aws:ecr/repository:Repository") {
			repos = append(repos, str(r.Inputs, "name"))
		}
		slices.Sort(repos)
		if want := []string{"acme/api", "acme/web", "acme/worker"}; !slices.Equal(repos, want) {
			t.Errorf("repositories %v, want %v", repos, want)
		}
		for _, r := range ofType(rs, "aws:cloudwatch/logGroup:LogGroup") {
			if got := str(r.Inputs, "name"); !strings.Contains(got, "acme-prod") {
				t.Errorf("log group %s: name %q does not carry the environment's name", r.Name, got)
			}
		}
		// Logical names too: every resource's name starts with the environment's.
		for _, r := range rs {
			if !strings.HasPrefix(r.Name, "acme-prod") {
				t.Errorf("%s %s: logical name does not start with acme-prod", r.Type, r.Name)
			}
		}
	})
}

// No input of any resource carries the library's brand: Acme's names, tags and descriptions are
// its own (type tokens, which name the library's component types, are the exception by design).
func TestNoLibraryBrandInInputs(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		for _, r := range rs {
			for _, s := range strs(resource.NewObjectProperty(r.Inputs)) {
				if strings.Contains(strings.ToLower(s), "flowmart") {
					t.Errorf("%s %s: input %q", r.Type, r.Name, s)
				}
			}
		}
	})
}

// strs returns every string in a property value, however deep.
func strs(v resource.PropertyValue) []string {
	switch {
	case v.IsSecret():
		return strs(v.SecretValue().Element)
	case v.IsString():
		return []string{v.StringValue()}
	case v.IsArray():
		var out []string
		for _, e := range v.ArrayValue() {
			out = append(out, strs(e)...)
		}
		return out
	case v.IsObject():
		var out []string
		for k, e := range v.ObjectValue() {
			out = append(out, string(k))
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}

func TestStatefulResourcesAreProtected(t *testing.T) {
	modes(t, func(t *testing.T, rs []recorded) {
		for _, typ := range []string{"aws:eks/cluster:Cluster", "aws:kms/key:Key", "aws:ecr/repository:Repository", "aws:acm/certificate:Certificate"} {
			for _, r := range ofType(rs, typ) {
				if !r.Protect {
					t.Errorf("%s %s is not protected", typ, r.Name)
				}
			}
		}
	})
}
