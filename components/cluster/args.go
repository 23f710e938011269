package cluster

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NodeGroupKind says who manages a node group's instances.
type NodeGroupKind string

const (
	// Managed node groups are EKS managed node groups (aws.eks.NodeGroup).
	Managed NodeGroupKind = "Managed"
	// SelfManaged node groups are a launch template and an auto-scaling group with instance refresh,
	// joined to the cluster through an EC2_LINUX access entry: the seed's choice.
	SelfManaged NodeGroupKind = "SelfManaged"
)

// NodeGroupKinds lists the allowed kinds.
var NodeGroupKinds = []NodeGroupKind{Managed, SelfManaged}

// AMITypes lists the AMI types a node group may run (AL2023, the default, and Bottlerocket).
var AMITypes = []string{"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"}

// UpgradePolicies are the EKS support types.
var UpgradePolicies = []string{"STANDARD", "EXTENDED"}

// LogTypes are the control-plane log types EKS can send to CloudWatch.
var LogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// Access scope types of an access policy association.
const (
	ScopeCluster   = "cluster"
	ScopeNamespace = "namespace"
)

// AccessPolicy associates an EKS access policy with an access entry.
type AccessPolicy struct {
	// PolicyARN is an EKS access policy, e.g. arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy. Required.
	PolicyARN string
	// ScopeType is cluster or namespace. Defaults to namespace when Namespaces are given, else cluster.
	ScopeType string
	// Namespaces the policy applies in; required with the namespace scope, refused with the cluster
	// scope. Defaults to none.
	Namespaces []string
}

// AccessEntry lets an IAM principal into the cluster (authentication mode API).
type AccessEntry struct {
	// PrincipalARN is the IAM role or user. Required.
	PrincipalARN string
	// KubernetesGroups are Kubernetes groups the principal is in. Defaults to none.
	KubernetesGroups []string
	// AccessPolicies are EKS access policies for the principal. Defaults to none.
	AccessPolicies []AccessPolicy
}

// PodIdentity gives a Kubernetes service account an IAM role through EKS Pod Identity.
type PodIdentity struct {
	// Namespace and ServiceAccount name the service account. Required.
	Namespace      string
	ServiceAccount string
	// ManagedPolicyARNs are attached to the role. Defaults to none.
	ManagedPolicyARNs []string
	// PolicyJSON is an inline policy for the role. Defaults to none.
	PolicyJSON pulumi.StringInput
}

// Taint is a Kubernetes taint on a node group's nodes.
type Taint struct {
	Key    string
	Value  string
	Effect string // NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE
}

// TaintEffects are the allowed taint effects.
var TaintEffects = []string{"NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"}

// NodeGroup is one group of worker nodes.
type NodeGroup struct {
	// Name of the group, unique in the cluster. Required.
	Name string
	// Kind is Managed or SelfManaged. Required.
	Kind NodeGroupKind
	// InstanceTypes are the EC2 instance types, in order of preference (a self-managed group with
	// several gets a mixed-instances policy, on-demand only). Required.
	InstanceTypes []string
	// MinSize, MaxSize and DesiredSize bound the group. DesiredSize is only set at creation:
	// later changes are left to the autoscaler. Defaults to DesiredSize = MinSize.
	MinSize, MaxSize, DesiredSize int
	// ReleaseVersion pins the AMI release of a Managed group (e.g. 1.33.5-20261015). Required for
	// Managed: a new upstream AMI never rolls nodes on its own.
	ReleaseVersion string
	// AMIID pins the image of a SelfManaged group (an EKS-optimized AL2023 AMI, resolved once from
	// its SSM parameter and written into config). Required for SelfManaged.
	AMIID string
	// AMIType is the AMI family. Defaults to AL2023_x86_64_STANDARD.
	AMIType string
	// Labels and Taints go on every node. Default to none.
	Labels map[string]string
	Taints []Taint
	// MaxUnavailable is how many nodes an update replaces at once. Defaults to 1.
	MaxUnavailable int
	// DiskSizeGiB is the encrypted gp3 root volume. Defaults to 50 GiB.
	DiskSizeGiB int
	// MetadataHopLimit is the IMDSv2 hop limit: 1 keeps pods away from the node's credentials; 2
	// lets pods that need IMDS (without Pod Identity) reach it. Defaults to 1.
	MetadataHopLimit int
	// Tags are added to the group's launch template, instances, volumes and auto-scaling group, over
	// the cluster's Tags. Defaults to none.
	Tags map[string]string
}

// ClusterArgs configures a Cluster.
type ClusterArgs struct {
	// Version is the Kubernetes version, one of SupportedVersions. Required: nothing floats.
	Version string
	// VPCID is the cluster's VPC. Required.
	VPCID pulumi.StringInput
	// VPCCIDR is the VPC's CIDR; ServiceIPv4CIDR must not overlap it. Required.
	VPCCIDR string
	// ServiceIPv4CIDR is the Kubernetes service range, pinned so nodes' user data never depends on
	// what EKS picks. Defaults to 172.20.0.0/16.
	ServiceIPv4CIDR string
	// SubnetIDs are the private subnets of the control plane's ENIs and of the nodes. Required.
	SubnetIDs pulumi.StringArrayInput
	// EndpointPublicAccess opens the API endpoint to PublicAccessCIDRs. Defaults to private only.
	EndpointPublicAccess bool
	// PublicAccessCIDRs restrict the public endpoint. Required when EndpointPublicAccess is set.
	PublicAccessCIDRs []string
	// KMSKeyARN envelope-encrypts Kubernetes secrets. Defaults to a new key with rotation.
	KMSKeyARN pulumi.StringPtrInput
	// LogTypes are the control-plane logs sent to CloudWatch. Defaults to api, audit, authenticator.
	LogTypes []string
	// LogRetentionDays is the control-plane log retention. Defaults to 90 days.
	LogRetentionDays int
	// UpgradePolicy is STANDARD or EXTENDED support. Defaults to STANDARD.
	UpgradePolicy string
	// AccessEntries let principals into the cluster. Defaults to none: the deploying role is not
	// made admin behind the scenes (that flag forces replacement, pulumi-aws #3997).
	AccessEntries []AccessEntry
	// PodIdentities give service accounts IAM roles. Defaults to the EBS CSI driver's only.
	PodIdentities []PodIdentity
	// EnableIRSA creates an OIDC provider for IAM roles for service accounts. Defaults to false:
	// Pod Identity is preferred.
	EnableIRSA bool
	// AddonVersions override the pinned add-on versions of the table. Defaults to the table.
	AddonVersions map[string]string
	// NodeGroups are the worker node groups, at least one. Required.
	NodeGroups []NodeGroup
	// Protect protects the cluster and its KMS key (pulumi protect). EKS's own deletion protection
	// is not in pulumi-aws v6.83.4's Cluster, so Protect is the guard against deletion. Defaults to
	// false.
	Protect bool
	// Tags are added to every resource. Defaults to none.
	Tags map[string]string
	// KubeconfigRoleARN is the IAM role the kubeconfig's `aws eks get-token` assumes to sign its
	// token (--role-arn), for the component's Kubernetes provider and for kubectl alike. Set it to
	// the role your AWS provider assumes, so the cluster is reached as the principal its access
	// entries admit (the stacks set it from their assumeRoleArn). A role that needs an external id
	// cannot be assumed this way: give a KubeconfigProfile that assumes it instead. An empty value
	// is no role. Defaults to the ambient credentials of whoever runs kubectl.
	KubeconfigRoleARN pulumi.StringPtrInput
	// KubeconfigProfile is the AWS CLI profile the kubeconfig's `aws eks get-token` runs with (its
	// AWS_PROFILE); with KubeconfigRoleARN, the profile's credentials assume the role. Defaults to
	// the ambient credentials of whoever runs kubectl.
	KubeconfigProfile string
}

func (a *ClusterArgs) withDefaults() ClusterArgs {
	var c ClusterArgs
	if a != nil {
		c = *a
	}
	if c.LogTypes == nil {
		c.LogTypes = []string{"api", "audit", "authenticator"}
	}
	if c.LogRetentionDays == 0 {
		c.LogRetentionDays = 90
	}
	if c.UpgradePolicy == "" {
		c.UpgradePolicy = "STANDARD"
	}
	if c.ServiceIPv4CIDR == "" {
		c.ServiceIPv4CIDR = "172.20.0.0/16"
	}
	c.AccessEntries = slices.Clone(c.AccessEntries)
	for i, e := range c.AccessEntries {
		e.AccessPolicies = slices.Clone(e.AccessPolicies)
		for j, p := range e.AccessPolicies {
			if p.ScopeType == "" {
				p.ScopeType = ScopeCluster
				if len(p.Namespaces) > 0 {
					p.ScopeType = ScopeNamespace
				}
			}
			e.AccessPolicies[j] = p
		}
		c.AccessEntries[i] = e
	}
	c.NodeGroups = slices.Clone(c.NodeGroups)
	for i, g := range c.NodeGroups {
		if g.AMIType == "" {
			g.AMIType = "AL2023_x86_64_STANDARD"
		}
		if g.DesiredSize == 0 {
			g.DesiredSize = g.MinSize
		}
		if g.MaxUnavailable == 0 {
			g.MaxUnavailable = 1
		}
		if g.DiskSizeGiB == 0 {
			g.DiskSizeGiB = 50
		}
		if g.MetadataHopLimit == 0 {
			g.MetadataHopLimit = 1
		}
		c.NodeGroups[i] = g
	}
	return c
}

func (a ClusterArgs) validate() error {
	versions, ok := addonVersions[a.Version]
	if !ok {
		return fmt.Errorf("Version %q is not supported (allowed: %s)", a.Version, strings.Join(SupportedVersions(), ", "))
	}
	for _, name := range CoreAddons {
		if versions[name] == "" && a.AddonVersions[name] == "" {
			return fmt.Errorf("AddonVersions: no pinned version of %s for Kubernetes %s", name, a.Version)
		}
	}
	if a.VPCID == nil || a.SubnetIDs == nil {
		return fmt.Errorf("VPCID and SubnetIDs are required")
	}
	vpcCIDR, err := netip.ParsePrefix(a.VPCCIDR)
	if err != nil {
		return fmt.Errorf("VPCCIDR %q is not a CIDR", a.VPCCIDR)
	}
	svc, err := netip.ParsePrefix(a.ServiceIPv4CIDR)
	if err != nil || !svc.Addr().Is4() || svc.Bits() < 12 || svc.Bits() > 24 {
		return fmt.Errorf("ServiceIPv4CIDR %q is not an IPv4 CIDR from /12 to /24", a.ServiceIPv4CIDR)
	}
	if svc.Overlaps(vpcCIDR) {
		return fmt.Errorf("ServiceIPv4CIDR %s overlaps VPCCIDR %s", svc, vpcCIDR)
	}
	if a.EndpointPublicAccess && len(a.PublicAccessCIDRs) == 0 {
		return fmt.Errorf("PublicAccessCIDRs: a public endpoint needs the CIDRs allowed to reach it")
	}
	if !a.EndpointPublicAccess && len(a.PublicAccessCIDRs) > 0 {
		return fmt.Errorf("PublicAccessCIDRs %q are set but EndpointPublicAccess is false", a.PublicAccessCIDRs)
	}
	for _, c := range a.PublicAccessCIDRs {
		if _, err := netip.ParsePrefix(c); err != nil {
			return fmt.Errorf("PublicAccessCIDRs: %q is not a CIDR", c)
		}
	}
	for _, l := range a.LogTypes {
		if !slices.Contains(LogTypes, l) {
			return fmt.Errorf("LogTypes: %q is not one of %s", l, strings.Join(LogTypes, ", "))
		}
	}
	if a.LogRetentionDays < 1 {
		return fmt.Errorf("LogRetentionDays %d must be positive", a.LogRetentionDays)
	}
	if !slices.Contains(UpgradePolicies, a.UpgradePolicy) {
		return fmt.Errorf("UpgradePolicy %q is not one of STANDARD, EXTENDED", a.UpgradePolicy)
	}
	for i, e := range a.AccessEntries {
		if !strings.HasPrefix(e.PrincipalARN, "arn:aws:iam::") {
			return fmt.Errorf("AccessEntries[%d].PrincipalARN %q is not an IAM ARN", i, e.PrincipalARN)
		}
		for j, p := range e.AccessPolicies {
			if !strings.HasPrefix(p.PolicyARN, "arn:aws:eks::aws:cluster-access-policy/") {
				return fmt.Errorf("AccessEntries[%d].AccessPolicies[%d].PolicyARN %q is not an EKS access policy", i, j, p.PolicyARN)
			}
			switch {
			case p.ScopeType != ScopeCluster && p.ScopeType != ScopeNamespace:
				return fmt.Errorf("AccessEntries[%d].AccessPolicies[%d].ScopeType %q is not one of cluster, namespace", i, j, p.ScopeType)
			case p.ScopeType == ScopeNamespace && len(p.Namespaces) == 0:
				return fmt.Errorf("AccessEntries[%d].AccessPolicies[%d].Namespaces: the namespace scope needs at least one namespace", i, j)
			case p.ScopeType == ScopeCluster && len(p.Namespaces) > 0:
				return fmt.Errorf("AccessEntries[%d].AccessPolicies[%d].Namespaces %q are set but ScopeType is cluster", i, j, p.Namespaces)
			}
		}
	}
	pods := map[string]bool{"kube-system/ebs-csi-controller-sa": true}
	for i, p := range a.PodIdentities {
		if p.Namespace == "" || p.ServiceAccount == "" {
			return fmt.Errorf("PodIdentities[%d]: Namespace and ServiceAccount are required", i)
		}
		if len(p.ManagedPolicyARNs) == 0 && p.PolicyJSON == nil {
			return fmt.Errorf("PodIdentities[%d] (%s/%s): give ManagedPolicyARNs or PolicyJSON", i, p.Namespace, p.ServiceAccount)
		}
		if sa := p.Namespace + "/" + p.ServiceAccount; pods[sa] {
			return fmt.Errorf("PodIdentities[%d]: service account %s has a Pod Identity already", i, sa)
		}
		pods[p.Namespace+"/"+p.ServiceAccount] = true
	}
	if len(a.NodeGroups) == 0 {
		return fmt.Errorf("NodeGroups: at least one node group is required")
	}
	seen := map[string]bool{}
	for i, g := range a.NodeGroups {
		if err := g.validate(); err != nil {
			return fmt.Errorf("NodeGroups[%d]: %w", i, err)
		}
		if seen[g.Name] {
			return fmt.Errorf("NodeGroups[%d].Name %q is used twice", i, g.Name)
		}
		seen[g.Name] = true
	}
	if err := a.validateKubeconfig(); err != nil {
		return err
	}
	return nil
}

func (g NodeGroup) validate() error {
	switch {
	case g.Name == "" || strings.ContainsAny(g.Name, " /:"):
		return fmt.Errorf("Name %q must be non-empty, without spaces, slashes or colons", g.Name)
	case !slices.Contains(NodeGroupKinds, g.Kind):
		return fmt.Errorf("Kind %q is not one of Managed, SelfManaged", g.Kind)
	case len(g.InstanceTypes) == 0:
		return fmt.Errorf("InstanceTypes: at least one instance type is required")
	case g.MinSize < 0 || g.MaxSize < 1 || g.MinSize > g.MaxSize:
		return fmt.Errorf("sizes min %d max %d: want 0 <= min <= max and max >= 1", g.MinSize, g.MaxSize)
	case g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize:
		return fmt.Errorf("DesiredSize %d is outside min %d to max %d", g.DesiredSize, g.MinSize, g.MaxSize)
	case g.Kind == Managed && g.ReleaseVersion == "":
		return fmt.Errorf("ReleaseVersion is required for a Managed group (pin the AMI release)")
	case g.Kind == SelfManaged && !amiRe.MatchString(g.AMIID):
		return fmt.Errorf("AMIID %q is not an AMI id (ami- and 8 or 17 hex digits); a SelfManaged group needs a pinned image", g.AMIID)
	case !slices.Contains(AMITypes, g.AMIType):
		return fmt.Errorf("AMIType %q is not one of %s", g.AMIType, strings.Join(AMITypes, ", "))
	case g.MaxUnavailable < 1:
		return fmt.Errorf("MaxUnavailable %d must be at least 1", g.MaxUnavailable)
	case g.DiskSizeGiB < 20 || g.DiskSizeGiB > 16384:
		return fmt.Errorf("DiskSizeGiB %d is outside 20 to 16384", g.DiskSizeGiB)
	case g.MetadataHopLimit != 1 && g.MetadataHopLimit != 2:
		return fmt.Errorf("MetadataHopLimit %d must be 1 or 2", g.MetadataHopLimit)
	}
	for _, t := range g.Taints {
		if t.Key == "" || !slices.Contains(TaintEffects, t.Effect) {
			return fmt.Errorf("Taints: %q needs a key and an effect of %s", t.Key, strings.Join(TaintEffects, ", "))
		}
	}
	return nil
}

// SupportedVersions lists the Kubernetes versions with pinned add-ons, oldest first.
func SupportedVersions() []string {
	var v []string
	for k := range addonVersions {
		v = append(v, k)
	}
	sort.Strings(v)
	return v
}

// ValidateArgs checks args after defaults; missing network inputs (which the stack adds later) are
// stood in for, so the configuration layer can report errors under its config key.
func ValidateArgs(a ClusterArgs) error {
	d := a.withDefaults()
	if d.VPCID == nil {
		d.VPCID = pulumi.String("vpc-0")
	}
	if d.SubnetIDs == nil {
		d.SubnetIDs = pulumi.StringArray{}
	}
	if d.VPCCIDR == "" {
		d.VPCCIDR = "10.0.0.0/16"
	}
	return d.validate()
}
