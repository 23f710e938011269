package config

import (
	"fmt"
	"net/netip"
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

func readCluster(r *reader) ClusterConfig {
	var c ClusterConfig
	r.object(KeyCluster, &c)
	return c
}

// validateCluster checks the stack's rules: the version is required, and the
// production API endpoint is never open to the internet. The rest is the Cluster's own
// (validateComponents).
func (c *Config) validateCluster() error {
	k := c.Cluster
	key := func(path string) string { return KeyCluster + "." + path }
	if k.Version == "" {
		return errorf(key("version"), "required key is missing (the Kubernetes version, one of %s: nothing floats)", strings.Join(cluster.SupportedVersions(), ", "))
	}
	for i, cidr := range k.PublicAccessCIDRs {
		if p, err := netip.ParsePrefix(cidr); err == nil && p.Bits() == 0 && c.Environment == Production {
			return errorf(key(fmt.Sprintf("publicAccessCidrs[%d]", i)), "%q opens the production API endpoint to the internet (use specific CIDRs or endpointPublicAccess false)", cidr)
		}
	}
	return nil
}
