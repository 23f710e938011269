package cluster

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

// fuzzBase is a valid ClusterArgs the fuzz target mutates: a managed and a self-managed group,
// an access entry, a pod identity.
func fuzzBase() *ClusterArgs {
	return &ClusterArgs{
		Version: "1.33", VPCID: pulumi.String("vpc-0123456789abcdef0"), VPCCIDR: pulumi.String("10.30.0.0/16"),
		SubnetIDs: pulumi.StringArray{pulumi.String("subnet-0123456789abcdef0"), pulumi.String("subnet-0123456789abcdef1")},
		NodeGroups: []NodeGroup{
			{Name: "general", Kind: Managed, InstanceTypes: []string{"m6i.large"}, MinSize: 2, MaxSize: 4, ReleaseVersion: "1.33.5-20261015",
				Labels: map[string]string{"tier": "apps"}},
			{Name: "system", Kind: SelfManaged, InstanceTypes: []string{"m6i.large"}, MinSize: 3, MaxSize: 6, AMIID: "ami-0c4f2e8a91d3b5e70",
				Labels: map[string]string{"role": "system"}, Taints: []Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NO_SCHEDULE"}}},
		},
		AccessEntries: []AccessEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/deploy",
			AccessPolicies: []AccessPolicy{{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}}}},
		PodIdentities: []PodIdentity{{Namespace: "shop", ServiceAccount: "orders", ManagedPolicyARNs: []string{"arn:aws:iam::111122223333:policy/orders-sqs"}}},
		Tags:          map[string]string{"team": "platform"},
	}
}

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args
	fuzzEmpty                   // empty slices and maps
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first group, entry, identity and instance type twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // public endpoint, IRSA, a key, extended support, protected, kubeconfig role
	fuzzNilInputs               // nil VPC, subnets, key and policy inputs
)

func fuzzGroup(a *ClusterArgs, i int) *NodeGroup {
	for len(a.NodeGroups) <= i {
		a.NodeGroups = append(a.NodeGroups, NodeGroup{})
	}
	return &a.NodeGroups[i]
}

func fuzzEntry(a *ClusterArgs) *AccessEntry {
	if len(a.AccessEntries) == 0 {
		a.AccessEntries = []AccessEntry{{}}
	}
	return &a.AccessEntries[0]
}

var fuzzStrings = []func(a *ClusterArgs, s string){
	func(a *ClusterArgs, s string) { a.Version = s },
	func(a *ClusterArgs, s string) { a.VPCCIDR = pulumi.String(s) },
	func(a *ClusterArgs, s string) { a.ServiceIPv4CIDR = s },
	func(a *ClusterArgs, s string) { a.SubnetIDs = pulumi.StringArray{pulumi.String(s)} },
	func(a *ClusterArgs, s string) { a.EndpointPublicAccess, a.PublicAccessCIDRs = true, []string{s} },
	func(a *ClusterArgs, s string) { a.KMSKeyARN = pulumi.StringPtr(s) },
	func(a *ClusterArgs, s string) { a.LogTypes = []string{s} },
	func(a *ClusterArgs, s string) { a.UpgradePolicy = s },
	func(a *ClusterArgs, s string) { fuzzEntry(a).PrincipalARN = s },
	func(a *ClusterArgs, s string) { fuzzEntry(a).KubernetesGroups = []string{s} },
	func(a *ClusterArgs, s string) {
		fuzzEntry(a).AccessPolicies = []AccessPolicy{{PolicyARN: s, ScopeType: ScopeNamespace, Namespaces: []string{s}}}
	},
	func(a *ClusterArgs, s string) {
		a.PodIdentities = []PodIdentity{{Namespace: s, ServiceAccount: s, PolicyJSON: pulumi.String(s)}}
	},
	func(a *ClusterArgs, s string) { a.AddonVersions = map[string]string{"coredns": s} },
	func(a *ClusterArgs, s string) { a.AddonVersions = map[string]string{s: "v1.11.4-eksbuild.2"} },
	func(a *ClusterArgs, s string) { fuzzGroup(a, 0).Name = s },
	func(a *ClusterArgs, s string) { fuzzGroup(a, 0).Kind = NodeGroupKind(s) },
	func(a *ClusterArgs, s string) { fuzzGroup(a, 0).InstanceTypes = []string{s} },
	func(a *ClusterArgs, s string) { fuzzGroup(a, 0).ReleaseVersion = s },
	func(a *ClusterArgs, s string) { fuzzGroup(a, 0).AMIType = s },
	func(a *ClusterArgs, s string) { fuzzGroup(a, 1).AMIID = s },
	func(a *ClusterArgs, s string) { fuzzGroup(a, 1).Labels = map[string]string{s: s} },
	func(a *ClusterArgs, s string) {
		fuzzGroup(a, 1).Taints = []Taint{{Key: s, Value: s, Effect: "NO_EXECUTE"}}
	},
	func(a *ClusterArgs, s string) { fuzzGroup(a, 1).Tags = map[string]string{s: s} },
	func(a *ClusterArgs, s string) { a.Tags = map[string]string{s: s} },
	func(a *ClusterArgs, s string) { a.KubeconfigRoleARN = pulumi.StringPtr(s) },
	func(a *ClusterArgs, s string) { a.KubeconfigProfile = s },
	func(a *ClusterArgs, s string) { a.AddonConfiguration = map[string]string{"vpc-cni": s} },
	func(a *ClusterArgs, s string) { a.AddonConfiguration = map[string]string{s: `{"replicaCount":3}`} },
	func(a *ClusterArgs, s string) { a.DefaultTags = map[string]string{s: s} },
}

var fuzzInts = []func(a *ClusterArgs, n int){
	func(a *ClusterArgs, n int) { a.LogRetentionDays = n },
	func(a *ClusterArgs, n int) { fuzzGroup(a, 0).MinSize = n },
	func(a *ClusterArgs, n int) { fuzzGroup(a, 0).MaxSize = n },
	func(a *ClusterArgs, n int) { fuzzGroup(a, 0).DesiredSize = n },
	func(a *ClusterArgs, n int) { fuzzGroup(a, 0).MaxUnavailable = n },
	func(a *ClusterArgs, n int) { fuzzGroup(a, 1).DiskSizeGiB = n },
	func(a *ClusterArgs, n int) { fuzzGroup(a, 1).MetadataHopLimit = n },
	func(a *ClusterArgs, n int) { fuzzGroup(a, 1).MinSize, fuzzGroup(a, 1).MaxSize = n, n },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string and one number field
// replaced, and the structural changes shape asks for. An index past the setters changes nothing.
func fuzzArgs(shape uint8, strField uint8, s string, intField uint8, n int64) *ClusterArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzBase()
	if shape&fuzzZero != 0 {
		a = &ClusterArgs{}
	}
	if shape&fuzzLong != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if i := int(strField); i < len(fuzzStrings) {
		fuzzStrings[i](a, s)
	}
	if i := int(intField); i < len(fuzzInts) {
		fuzzInts[i](a, int(n))
	}
	if shape&fuzzEmpty != 0 {
		a.AccessEntries, a.PodIdentities, a.LogTypes, a.PublicAccessCIDRs = []AccessEntry{}, []PodIdentity{}, []string{}, []string{}
		a.AddonVersions, a.Tags = map[string]string{}, map[string]string{}
		for i := range a.NodeGroups {
			a.NodeGroups[i].Labels, a.NodeGroups[i].Taints, a.NodeGroups[i].Tags = map[string]string{}, []Taint{}, map[string]string{}
		}
	}
	if shape&fuzzNilMaps != 0 {
		a.AccessEntries, a.PodIdentities, a.LogTypes, a.AddonVersions, a.Tags = nil, nil, nil, nil, nil
		for i := range a.NodeGroups {
			a.NodeGroups[i].Labels, a.NodeGroups[i].Taints, a.NodeGroups[i].InstanceTypes = nil, nil, nil
		}
	}
	if shape&fuzzDuplicate != 0 {
		if len(a.NodeGroups) > 0 {
			g := &a.NodeGroups[0]
			g.InstanceTypes = append(g.InstanceTypes, g.InstanceTypes...)
			a.NodeGroups = append(a.NodeGroups, *g)
		}
		if len(a.AccessEntries) > 0 {
			a.AccessEntries = append(a.AccessEntries, a.AccessEntries[0])
		}
		if len(a.PodIdentities) > 0 {
			a.PodIdentities = append(a.PodIdentities, a.PodIdentities[0])
		}
	}
	if shape&fuzzAlternative != 0 {
		a.EndpointPublicAccess, a.PublicAccessCIDRs = true, []string{"198.51.100.0/24"}
		a.EnableIRSA, a.UpgradePolicy, a.Protect = true, "EXTENDED", true
		a.KMSKeyARN = pulumi.StringPtr("arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
		a.KubeconfigRoleARN, a.KubeconfigProfile = pulumi.StringPtr("arn:aws:iam::111122223333:role/deploy"), "deploy"
		a.LogTypes = append([]string(nil), LogTypes...)
	}
	if shape&fuzzNilInputs != 0 {
		a.VPCID, a.SubnetIDs, a.KMSKeyARN, a.KubeconfigRoleARN = nil, nil, nil, nil
		for i := range a.PodIdentities {
			a.PodIdentities[i].PolicyJSON = nil
		}
	}
	return a
}

// fuzzRun runs NewCluster under monitor with an AWS provider: it must return nil or a
// one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *ClusterArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS("eu-west-1", func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewCluster(ctx, "fuzz", args, p)
		return err
	}))
}

// FuzzNewCluster: whatever the Args, NewCluster returns nil or an error, in a preview and in an
// update; it never panics.
func FuzzNewCluster(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", uint8(255), int64(0))                                // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", uint8(255), int64(0))                          // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", uint8(255), int64(0))                         // zero Args
	f.Add(uint8(fuzzDuplicate), uint8(20), "ünïcode", uint8(1), int64(-1))               // duplicates, unicode labels, a negative size
	f.Add(uint8(fuzzEmpty|fuzzLong), uint8(23), "k", uint8(4), int64(2))                 // empty slices, a very long tag, 2 unavailable
	f.Add(uint8(fuzzAlternative), uint8(255), "", uint8(255), int64(0))                  // public, IRSA, a key, every log type
	f.Add(uint8(fuzzNilMaps|fuzzNilInputs), uint8(11), `{"Version"`, uint8(6), int64(2)) // nil slices and inputs, broken policy JSON
	f.Add(uint8(0), uint8(26), `{"env":`, uint8(255), int64(0))                          // broken add-on configuration JSON
	f.Fuzz(func(t *testing.T, shape uint8, strField uint8, s string, intField uint8, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, fuzzArgs(shape, strField, s, intField, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestNewClusterDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}, dryRun,
				fuzzArgs(fuzzAlternative, 255, "", 255, 0))
		}
	}
}
