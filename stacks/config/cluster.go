package config

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"
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
	// AddonConfiguration is each core add-on's configurationValues, an object (or its JSON text)
	// of the add-on's configuration schema, merged over the cluster's defaults.
	AddonConfiguration map[string]json.RawMessage `json:"addonConfiguration,omitempty"`
	PodIdentities      []PodIdentityConfig        `json:"podIdentities,omitempty"`
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

// HasSelfManagedGroups reports whether the cluster has a self-managed node group, whose nodes the
// AWS Node Termination Handler drains (the add-ons install it).
func (k ClusterConfig) HasSelfManagedGroups() bool {
	return slices.ContainsFunc(k.NodeGroups, func(g NodeGroupConfig) bool { return g.Kind == string(cluster.SelfManaged) })
}

// addonConfiguration is cluster.addonConfiguration as the Cluster takes it: JSON text per add-on.
// An object is written as its JSON; a string is taken as JSON text (the Cluster checks both).
func (k ClusterConfig) addonConfiguration() map[string]string {
	if len(k.AddonConfiguration) == 0 {
		return nil
	}
	out := make(map[string]string, len(k.AddonConfiguration))
	for name, raw := range k.AddonConfiguration {
		var text string
		if json.Unmarshal(raw, &text) == nil {
			out[name] = text
		} else {
			out[name] = string(raw)
		}
	}
	return out
}

// minProductionCoreDNS is the fewest CoreDNS replicas production runs with: one lost node or
// zone must never take cluster DNS down.
const minProductionCoreDNS = 2

// natlessEndpoints are the interface endpoints the platform's cluster needs when its subnets have
// no NAT gateway, from the table of the Amazon EKS User Guide's "Deploy private clusters with
// limited internet access" (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html:
// ec2; ecr.api, ecr.dkr and s3; elasticloadbalancing; xray and ssm, optional; logs; sts "when
// using IAM roles for service accounts"; eks-auth "when using Pod Identity associations"; eks).
// ecr.api, ecr.dkr and the s3 gateway every network has (network.RequiredEndpoints); ec2 for the
// EKS-optimized AMI and the VPC CNI, eks-auth for Pod Identity (the EBS CSI driver's and every
// add-on's role), elasticloadbalancing for the load balancer controller and logs for Fluent Bit.
// sts is needed with EnableIRSA only; eks is left out (nodes get the endpoint and CA in their user
// data, as the page requires of self-managed nodes), and so are xray and ssm (optional there, and
// no add-on traces). Self-managed groups add the termination handler's autoscaling and sqs.
var natlessEndpoints = []string{"ec2", "eks-auth", "elasticloadbalancing", "logs"}

var (
	natlessIRSAEndpoints        = []string{"sts"}
	natlessSelfManagedEndpoints = []string{"autoscaling", "sqs"}
)

// missingNATlessEndpoints lists the endpoints a cluster without NAT needs that the network lacks.
func (c *Config) missingNATlessEndpoints() []string {
	need := slices.Clone(natlessEndpoints)
	if c.Cluster.EnableIRSA {
		need = append(need, natlessIRSAEndpoints...)
	}
	if c.Cluster.HasSelfManagedGroups() {
		need = append(need, natlessSelfManagedEndpoints...)
	}
	var missing []string
	for _, e := range need {
		if !slices.Contains(network.RequiredEndpoints, e) && !slices.Contains(c.Network.InterfaceEndpoints, e) {
			missing = append(missing, e)
		}
	}
	return missing
}

// validateNATPath refuses natStrategy None while the cluster would have no way to the AWS APIs it
// needs: with no NAT gateway, only interface endpoints reach them.
func (c *Config) validateNATPath() error {
	if c.Network.NATStrategy != network.NATNone {
		return nil
	}
	if missing := c.missingNATlessEndpoints(); len(missing) > 0 {
		return errorf(KeyNATStrategy, "None leaves the EKS cluster no path to AWS APIs: interfaceEndpoints lacks %s (a cluster without NAT needs them, Amazon EKS private clusters; or use Single or OnePerAZ)", strings.Join(missing, ", "))
	}
	return nil
}

// validateCluster checks the stack's rules: the version is required, the production API
// endpoint is never open to the internet, and production runs at least two CoreDNS replicas
// (validateNATPath, run after the components' rules, is the cluster's rule on natStrategy). The
// rest is the Cluster's own (validateComponents).
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
	if c.Environment == Production {
		if n, ok := coreDNSReplicas(k.addonConfiguration()["coredns"]); ok && n < minProductionCoreDNS {
			return errorf(key("addonConfiguration.coredns.replicaCount"), "%d is fewer than the %d CoreDNS replicas production runs with", n, minProductionCoreDNS)
		}
	}
	return nil
}

// coreDNSReplicas is the replicaCount a coredns configuration sets, if it is a whole number.
func coreDNSReplicas(config string) (int, bool) {
	var v struct {
		ReplicaCount *json.Number `json:"replicaCount"`
	}
	if config == "" || json.Unmarshal([]byte(config), &v) != nil || v.ReplicaCount == nil {
		return 0, false
	}
	n, err := v.ReplicaCount.Int64()
	return int(n), err == nil
}
