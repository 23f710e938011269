package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/flowmart/platform/components/cluster"
)

// KeyCluster is the cluster's key.
const KeyCluster = "cluster"

var clusterKeys = []keySpec{{KeyCluster, typeObject, false}}

// ClusterConfig is the `cluster` object: the EKS cluster of the stack.
type ClusterConfig struct {
	Version              string              `json:"version"`
	EndpointPublicAccess bool                `json:"endpointPublicAccess,omitempty"`
	PublicAccessCIDRs    []string            `json:"publicAccessCidrs,omitempty"`
	LogRetentionDays     int                 `json:"logRetentionDays,omitempty"`
	UpgradePolicy        string              `json:"upgradePolicy,omitempty"`
	EnableIRSA           bool                `json:"enableIrsa,omitempty"`
	AccessEntries        []AccessEntryConfig `json:"accessEntries,omitempty"`
	NodeGroups           []NodeGroupConfig   `json:"nodeGroups"`
	AddonVersions        map[string]string   `json:"addonVersions,omitempty"`
	PodIdentities        []PodIdentityConfig `json:"podIdentities,omitempty"`
}

// AccessEntryConfig is one entry of cluster.accessEntries.
type AccessEntryConfig struct {
	PrincipalARN     string               `json:"principalArn"`
	KubernetesGroups []string             `json:"kubernetesGroups,omitempty"`
	AccessPolicies   []AccessPolicyConfig `json:"accessPolicies,omitempty"`
}

// AccessPolicyConfig is one access policy of an access entry; no namespaces means cluster scope.
type AccessPolicyConfig struct {
	PolicyARN  string   `json:"policyArn"`
	ScopeType  string   `json:"scopeType,omitempty"`
	Namespaces []string `json:"namespaces,omitempty"`
}

// PodIdentityConfig is one entry of cluster.podIdentities.
type PodIdentityConfig struct {
	Namespace         string   `json:"namespace"`
	ServiceAccount    string   `json:"serviceAccount"`
	ManagedPolicyARNs []string `json:"managedPolicyArns,omitempty"`
}

// NodeGroupConfig is one entry of cluster.nodeGroups.
type NodeGroupConfig struct {
	Name             string            `json:"name"`
	Kind             string            `json:"kind"`
	InstanceTypes    []string          `json:"instanceTypes"`
	MinSize          int               `json:"minSize"`
	MaxSize          int               `json:"maxSize"`
	DesiredSize      int               `json:"desiredSize,omitempty"`
	ReleaseVersion   string            `json:"releaseVersion,omitempty"`
	AMIID            string            `json:"amiId,omitempty"`
	AMIType          string            `json:"amiType,omitempty"`
	Labels           map[string]string `json:"labels,omitempty"`
	Taints           []TaintConfig     `json:"taints,omitempty"`
	MaxUnavailable   int               `json:"maxUnavailable,omitempty"`
	DiskSizeGiB      int               `json:"diskSizeGiB,omitempty"`
	MetadataHopLimit int               `json:"metadataHopLimit,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

// TaintConfig is one taint of a node group.
type TaintConfig struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"`
}

// AdminPolicyARN is the EKS access policy the deploying role gets.
const AdminPolicyARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

func readCluster(r *reader) ClusterConfig {
	var c ClusterConfig
	r.object(KeyCluster, &c)
	return c
}

// ClusterArgs returns the cluster's component arguments (network inputs are added by the stack). The
// deploying role, when the stack assumes one, is an explicit cluster-admin access entry.
func (c *Config) ClusterArgs() cluster.ClusterArgs {
	k := c.Cluster
	a := cluster.ClusterArgs{
		Version:              k.Version,
		VPCCIDR:              c.Network.VPCCIDR.String(),
		EndpointPublicAccess: k.EndpointPublicAccess,
		PublicAccessCIDRs:    k.PublicAccessCIDRs,
		LogRetentionDays:     k.LogRetentionDays,
		UpgradePolicy:        k.UpgradePolicy,
		EnableIRSA:           k.EnableIRSA,
		AddonVersions:        k.AddonVersions,
		Protect:              c.Protected(),
	}
	entries := k.AccessEntries
	if c.AssumeRoleARN != "" && !slices.ContainsFunc(entries, func(e AccessEntryConfig) bool { return e.PrincipalARN == c.AssumeRoleARN }) {
		entries = append([]AccessEntryConfig{{PrincipalARN: c.AssumeRoleARN, AccessPolicies: []AccessPolicyConfig{{PolicyARN: AdminPolicyARN}}}}, entries...)
	}
	for _, e := range entries {
		ae := cluster.AccessEntry{PrincipalARN: e.PrincipalARN, KubernetesGroups: e.KubernetesGroups}
		for _, p := range e.AccessPolicies {
			ae.AccessPolicies = append(ae.AccessPolicies, cluster.AccessPolicy{PolicyARN: p.PolicyARN, ScopeType: p.ScopeType, Namespaces: p.Namespaces})
		}
		a.AccessEntries = append(a.AccessEntries, ae)
	}
	for _, p := range k.PodIdentities {
		a.PodIdentities = append(a.PodIdentities, cluster.PodIdentity{Namespace: p.Namespace, ServiceAccount: p.ServiceAccount, ManagedPolicyARNs: p.ManagedPolicyARNs})
	}
	for _, g := range k.NodeGroups {
		ng := cluster.NodeGroup{
			Name: g.Name, Kind: cluster.NodeGroupKind(g.Kind), InstanceTypes: g.InstanceTypes,
			MinSize: g.MinSize, MaxSize: g.MaxSize, DesiredSize: g.DesiredSize,
			ReleaseVersion: g.ReleaseVersion, AMIID: g.AMIID, AMIType: g.AMIType, Labels: g.Labels,
			MaxUnavailable: g.MaxUnavailable, DiskSizeGiB: g.DiskSizeGiB, MetadataHopLimit: g.MetadataHopLimit,
			Tags: g.Tags,
		}
		for _, t := range g.Taints {
			ng.Taints = append(ng.Taints, cluster.Taint{Key: t.Key, Value: t.Value, Effect: t.Effect})
		}
		a.NodeGroups = append(a.NodeGroups, ng)
	}
	return a
}

func (c *Config) validateCluster() error {
	k := c.Cluster
	key := func(path string) string { return KeyCluster + "." + path }
	if k.Version == "" {
		return errorf(key("version"), "required key is missing (the Kubernetes version, one of %s: nothing floats)", strings.Join(cluster.SupportedVersions(), ", "))
	}
	if !slices.Contains(cluster.SupportedVersions(), k.Version) {
		return errorf(key("version"), "%q is not a supported Kubernetes version (allowed: %s)", k.Version, strings.Join(cluster.SupportedVersions(), ", "))
	}
	for i, cidr := range k.PublicAccessCIDRs {
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return errorf(key(fmt.Sprintf("publicAccessCidrs[%d]", i)), "%q is not a CIDR", cidr)
		}
		if p.Bits() == 0 && c.Environment == Production {
			return errorf(key(fmt.Sprintf("publicAccessCidrs[%d]", i)), "%q opens the production API endpoint to the internet (use specific CIDRs or endpointPublicAccess false)", cidr)
		}
	}
	if k.EndpointPublicAccess && len(k.PublicAccessCIDRs) == 0 {
		return errorf(key("publicAccessCidrs"), "required when endpointPublicAccess is true (the CIDRs allowed to reach the API)")
	}
	if !slices.Contains(cluster.UpgradePolicies, k.UpgradePolicy) {
		return errorf(key("upgradePolicy"), "%q is not an upgrade policy (allowed: STANDARD, EXTENDED)", k.UpgradePolicy)
	}
	if !slices.Contains(retentionSet, k.LogRetentionDays) {
		return errorf(key("logRetentionDays"), "%d is not a CloudWatch Logs retention (allowed: %s)", k.LogRetentionDays, joinInts(retentionSet))
	}
	for i, e := range k.AccessEntries {
		if !strings.HasPrefix(e.PrincipalARN, "arn:aws:iam::") {
			return errorf(key(fmt.Sprintf("accessEntries[%d].principalArn", i)), "%q is not an IAM principal ARN", e.PrincipalARN)
		}
		for j, p := range e.AccessPolicies {
			if !strings.HasPrefix(p.PolicyARN, "arn:aws:eks::aws:cluster-access-policy/") {
				return errorf(key(fmt.Sprintf("accessEntries[%d].accessPolicies[%d].policyArn", i, j)), "%q is not an EKS access policy ARN", p.PolicyARN)
			}
		}
	}
	if len(k.NodeGroups) == 0 {
		return errorf(key("nodeGroups"), "at least one node group is required")
	}
	seen := map[string]bool{}
	for i, g := range k.NodeGroups {
		path := func(f string) string { return key(fmt.Sprintf("nodeGroups[%d].%s", i, f)) }
		switch {
		case g.Name == "":
			return errorf(path("name"), "required key is missing")
		case seen[g.Name]:
			return errorf(path("name"), "%q is used by another node group", g.Name)
		case !slices.Contains(cluster.NodeGroupKinds, cluster.NodeGroupKind(g.Kind)):
			return errorf(path("kind"), "%q is not a node group kind (allowed: Managed, SelfManaged)", g.Kind)
		case len(g.InstanceTypes) == 0:
			return errorf(path("instanceTypes"), "at least one instance type is required")
		case g.MaxSize < 1:
			return errorf(path("maxSize"), "%d must be at least 1", g.MaxSize)
		case g.MinSize < 0 || g.MinSize > g.MaxSize:
			return errorf(path("minSize"), "%d must be between 0 and maxSize %d", g.MinSize, g.MaxSize)
		case g.DesiredSize != 0 && (g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize):
			return errorf(path("desiredSize"), "%d is outside minSize %d to maxSize %d", g.DesiredSize, g.MinSize, g.MaxSize)
		case g.Kind == string(cluster.Managed) && g.ReleaseVersion == "":
			return errorf(path("releaseVersion"), "required for a Managed group (the pinned AMI release, e.g. %s.5-20261015)", k.Version)
		case g.Kind == string(cluster.SelfManaged) && g.AMIID == "":
			return errorf(path("amiId"), "required for a SelfManaged group (a pinned EKS-optimized AMI id)")
		case g.MetadataHopLimit != 0 && g.MetadataHopLimit != 1 && g.MetadataHopLimit != 2:
			return errorf(path("metadataHopLimit"), "%d must be 1 or 2", g.MetadataHopLimit)
		}
		seen[g.Name] = true
	}
	// everything else (AMI id shape, AMI types, taints, disk sizes) is checked by the component
	// itself; report it under the key
	a := c.ClusterArgs()
	if err := cluster.ValidateArgs(a); err != nil {
		return errorf(KeyCluster, "%s", err)
	}
	return nil
}
