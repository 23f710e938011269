package cluster

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/ec2host"
	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/known"
	"github.com/flowmart/platform/pkg/logretention"
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

// AMITypes lists the AMI types a node group may run (AL2023, the default, and Bottlerocket, for
// Managed groups only).
var AMITypes = []string{"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"}

// bottlerocketTypes are the Bottlerocket AMI types. Bottlerocket boots from a root device that
// holds its partition sets and keeps container images and orchestration data on a second, data
// device, and reads TOML settings from user data rather than nodeadm (github.com/bottlerocket-os/
// bottlerocket at 91632ff: README.md "Default Volumes" and "Using user data"; TESTING.md maps the
// two on AWS as /dev/xvda, 4 GiB, and /dev/xvdb, 20 GiB).
var bottlerocketTypes = []string{"BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"}

// UpgradePolicies are the EKS support types.
var UpgradePolicies = []string{"STANDARD", "EXTENDED"}

// LogTypes are the control-plane log types EKS can send to CloudWatch (Amazon EKS User Guide,
// "Send control plane logs to CloudWatch Logs",
// https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html), and the default.
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
	// AMIType is the AMI family. Bottlerocket is for Managed groups only: EKS writes their
	// Bottlerocket settings, while a SelfManaged group's user data is AL2023's nodeadm NodeConfig
	// (refused by Validate). Defaults to AL2023_x86_64_STANDARD.
	AMIType string
	// Labels and Taints go on every node. Default to none.
	Labels map[string]string
	Taints []Taint
	// MaxUnavailable is how many nodes an update replaces at once: a Managed group's
	// updateConfig.maxUnavailable; for a SelfManaged group, the instance refresh's
	// MinHealthyPercentage, the share of DesiredSize that stays in service
	// (floor(100*(DesiredSize-MaxUnavailable)/DesiredSize), so at most MaxUnavailable of
	// DesiredSize nodes are out at once). At most MaxSize (and 100, EKS's limit). Defaults to 1.
	MaxUnavailable int
	// DiskSizeGiB is the encrypted gp3 volume the node's images and containers live on: AL2023's
	// root volume (/dev/xvda), Bottlerocket's data volume (/dev/xvdb; its OS volume keeps the AMI's
	// size). Defaults to 50 GiB.
	DiskSizeGiB int
	// MetadataHopLimit is the IMDSv2 hop limit: 1 keeps pods away from the node's credentials; 2
	// lets pods that need IMDS (without Pod Identity) reach it. Defaults to 1.
	MetadataHopLimit int
	// Tags are added to the group's launch template, instances, volumes, network interfaces and
	// auto-scaling group, over the cluster's DefaultTags and Tags. Defaults to none.
	Tags map[string]string
}

// ClusterArgs configures a Cluster.
type ClusterArgs struct {
	// Version is the Kubernetes version, one of SupportedVersions. Required: nothing floats.
	Version string
	// VPCID is the cluster's VPC. Required.
	VPCID pulumi.StringInput
	// VPCCIDR is the VPC's CIDR (a plain value, Network.VPCCIDR or a StackReference output);
	// ServiceIPv4CIDR must not overlap it: checked by Validate when the value is plain, before the
	// control plane is created when it is an Output. Required.
	VPCCIDR pulumi.StringInput
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
	// LogTypes are the control-plane logs sent to CloudWatch. Defaults to all five (LogTypes).
	LogTypes []string
	// LogKMSKeyARN is the customer managed KMS key that encrypts the control-plane log group
	// (/aws/eks/<NamePrefix>/cluster); its key policy must let logs.<region>.amazonaws.com use it
	// for that group. Defaults to a new key with rotation whose policy allows exactly that.
	LogKMSKeyARN pulumi.StringPtrInput
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
	// AddonConfiguration is each core add-on's configurationValues: a JSON object following the
	// add-on version's schema (`aws eks describe-addon-configuration --addon-name <name>
	// --addon-version <version>`), deep-merged over DefaultAddonConfiguration key by key (a null
	// removes a key). Defaults to DefaultAddonConfiguration: vpc-cni with prefix delegation,
	// coredns with 2 replicas.
	AddonConfiguration map[string]string
	// NodeGroups are the worker node groups, at least one. Required.
	NodeGroups []NodeGroup
	// Protect protects the cluster and its KMS key (pulumi protect). EKS's own deletion protection
	// is not in pulumi-aws v6.83.4's Cluster, so Protect is the guard against deletion. Defaults to
	// false.
	Protect bool
	// Tags are added to every resource. Defaults to none.
	Tags map[string]string
	// DefaultTags are the tags the AWS provider applies as default tags (the stacks pass their
	// standard tags: Project, Environment, Stack, ManagedBy, Owner, CostCenter...). The provider
	// does not put them on what a launch template or an auto-scaling group launches, so the
	// cluster writes DefaultTags, then Tags, then the group's Tags onto node instances, volumes and
	// network interfaces (launch-template tag specifications) and onto self-managed groups'
	// auto-scaling group tags (propagated at launch). Defaults to none.
	DefaultTags map[string]string
	// NamePrefix starts every physical name the cluster sets: it is the EKS cluster's name, and so
	// names its control-plane log group (/aws/eks/<NamePrefix>/cluster, the name EKS writes to)
	// and the self-managed groups' discovery tags (kubernetes.io/cluster/<NamePrefix>,
	// k8s.io/cluster-autoscaler/<NamePrefix>). 1-100 letters, digits, - and _, starting with a
	// letter or digit. Node group names are Name, unique within the cluster only. Defaults to the
	// component name.
	NamePrefix string
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
	// SkipKubernetesProvider leaves Provider nil: the program that creates the cluster never
	// talks to its API (a program that deploys from outside the VPC, with AWS APIs alone, as the
	// stacks' AWS layer does); another program builds the provider with NewKubernetesProvider from
	// the cluster's outputs. Kubeconfig is built either way. Defaults to false: Provider is built.
	SkipKubernetesProvider bool
}

func (a *ClusterArgs) withDefaults() ClusterArgs {
	var c ClusterArgs
	if a != nil {
		c = *a
	}
	if c.LogTypes == nil {
		c.LogTypes = slices.Clone(LogTypes)
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
	c.AddonConfiguration = maps.Clone(c.AddonConfiguration)
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

// withName is withDefaults for the cluster called name: NamePrefix defaults to name (only the
// constructor knows it; Validate checks a NamePrefix that is set).
func (a *ClusterArgs) withName(name string) ClusterArgs {
	c := a.withDefaults()
	if c.NamePrefix == "" {
		c.NamePrefix = name
	}
	return c
}

// An EKS cluster name is 1-100 characters of letters, digits, hyphens and underscores, starting
// with a letter or digit (Amazon EKS API Reference, CreateCluster, name:
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html). It is the
// strictest name NamePrefix feeds: the control-plane log group /aws/eks/<name>/cluster stays far
// below CloudWatch Logs' 512 characters (CreateLogGroup), and the discovery tag keys below EC2's
// 128 (kubernetes.io/cluster/ + 100).
const maxClusterName = 100

var clusterNameRe = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]*$`)

// Validate checks the Args after defaults, with what EKS would refuse later (Kubernetes version,
// add-on versions, node releases for another Kubernetes version, CloudWatch retentions), and
// returns the first problem as a *fielderr.Error naming the field. NewCluster runs it before
// registering anything.
func (a *ClusterArgs) Validate() error {
	d := a.withDefaults()
	return d.validate()
}

// addonVersionRe is the shape of an EKS add-on version (`aws eks describe-addon-versions`:
// v1.20.4-eksbuild.1).
var addonVersionRe = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)

func (a ClusterArgs) validate() error {
	versions, ok := addonVersions[a.Version]
	if !ok {
		return fielderr.New("Version", "%q is not a supported Kubernetes version (allowed: %s; nothing floats)", a.Version, strings.Join(SupportedVersions(), ", "))
	}
	for _, name := range slices.Sorted(maps.Keys(a.AddonVersions)) {
		v := a.AddonVersions[name]
		path := "AddonVersions[" + strconv.Quote(name) + "]"
		if !slices.Contains(CoreAddons, name) {
			return fielderr.New(path, "%q is not a core add-on of the cluster (allowed: %s)", name, strings.Join(CoreAddons, ", "))
		}
		if !addonVersionRe.MatchString(v) {
			return fielderr.New(path, "%q is not an EKS add-on version (want v<major>.<minor>.<patch>-eksbuild.<n>, from aws eks describe-addon-versions)", v)
		}
		// kube-proxy's version is the Kubernetes version it proxies for
		if name == "kube-proxy" && !strings.HasPrefix(v, "v"+a.Version+".") {
			return fielderr.New(path, "%q is kube-proxy for another Kubernetes version than Version %s (want v%s.<patch>-eksbuild.<n>)", v, a.Version, a.Version)
		}
	}
	for _, name := range CoreAddons {
		if versions[name] == "" && a.AddonVersions[name] == "" {
			return fielderr.New("AddonVersions", "no pinned version of %s for Kubernetes %s", name, a.Version)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(a.AddonConfiguration)) {
		path := "AddonConfiguration[" + strconv.Quote(name) + "]"
		if !slices.Contains(CoreAddons, name) {
			return fielderr.New(path, "%q is not a core add-on of the cluster (allowed: %s)", name, strings.Join(CoreAddons, ", "))
		}
		if _, err := addonConfiguration(name, a.AddonConfiguration[name]); err != nil {
			return fielderr.New(path, "%s", err)
		}
	}
	if a.VPCID == nil {
		return fielderr.New("VPCID", "is required (the VPC of the cluster, such as Network.VPCID)")
	}
	if a.SubnetIDs == nil {
		return fielderr.New("SubnetIDs", "is required (the private subnets, such as Network.PrivateSubnetIDs)")
	}
	if a.VPCCIDR == nil {
		return fielderr.New("VPCCIDR", "is required (the VPC's CIDR, such as Network.VPCCIDR)")
	}
	if _, err := serviceCIDR(a.ServiceIPv4CIDR); err != nil {
		return fielderr.New("ServiceIPv4CIDR", "%s", err)
	}
	if vpcCIDR, ok := known.String(a.VPCCIDR); ok {
		if err := checkServiceCIDR(a.ServiceIPv4CIDR, vpcCIDR); err != nil {
			return err
		}
	}
	if a.EndpointPublicAccess && len(a.PublicAccessCIDRs) == 0 {
		return fielderr.New("PublicAccessCIDRs", "required when EndpointPublicAccess is true (the CIDRs allowed to reach the API)")
	}
	if !a.EndpointPublicAccess && len(a.PublicAccessCIDRs) > 0 {
		return fielderr.New("PublicAccessCIDRs", "%q are set but EndpointPublicAccess is false", a.PublicAccessCIDRs)
	}
	for i, c := range a.PublicAccessCIDRs {
		if _, err := netip.ParsePrefix(c); err != nil {
			return fielderr.New(fielderr.Index("PublicAccessCIDRs", i), "%q is not a CIDR", c)
		}
	}
	for i, l := range a.LogTypes {
		if !slices.Contains(LogTypes, l) {
			return fielderr.New(fielderr.Index("LogTypes", i), "%q is not a control-plane log type (allowed: %s)", l, strings.Join(LogTypes, ", "))
		}
	}
	if err := logretention.Check(a.LogRetentionDays); err != nil {
		return fielderr.New("LogRetentionDays", "%s", err)
	}
	if !slices.Contains(UpgradePolicies, a.UpgradePolicy) {
		return fielderr.New("UpgradePolicy", "%q is not an upgrade policy (allowed: STANDARD, EXTENDED)", a.UpgradePolicy)
	}
	for i, e := range a.AccessEntries {
		if err := e.validate(); err != nil {
			return fielderr.In(fielderr.Index("AccessEntries", i), err)
		}
	}
	pods := map[string]bool{"kube-system/ebs-csi-controller-sa": true}
	for i, p := range a.PodIdentities {
		path := fielderr.Index("PodIdentities", i)
		if p.Namespace == "" {
			return fielderr.New(path+".Namespace", "is required")
		}
		if p.ServiceAccount == "" {
			return fielderr.New(path+".ServiceAccount", "is required")
		}
		if len(p.ManagedPolicyARNs) == 0 && p.PolicyJSON == nil {
			return fielderr.New(path, "%s/%s has no permissions: give ManagedPolicyARNs or PolicyJSON", p.Namespace, p.ServiceAccount)
		}
		if sa := p.Namespace + "/" + p.ServiceAccount; pods[sa] {
			return fielderr.New(path+".ServiceAccount", "service account %s has a Pod Identity already", sa)
		}
		pods[p.Namespace+"/"+p.ServiceAccount] = true
	}
	if len(a.NodeGroups) == 0 {
		return fielderr.New("NodeGroups", "at least one node group is required")
	}
	seen := map[string]bool{}
	for i, g := range a.NodeGroups {
		if err := g.validate(a.Version); err != nil {
			return fielderr.In(fielderr.Index("NodeGroups", i), err)
		}
		if seen[g.Name] {
			return fielderr.New(fielderr.Index("NodeGroups", i)+".Name", "%q is used by another node group", g.Name)
		}
		seen[g.Name] = true
	}
	if err := a.validateKubeconfig(); err != nil {
		return err
	}
	if a.NamePrefix != "" && (len(a.NamePrefix) > maxClusterName || !clusterNameRe.MatchString(a.NamePrefix)) {
		return fielderr.New("NamePrefix", "%q is not an EKS cluster name (1-%d letters, digits, - and _, starting with a letter or digit: NamePrefix is the cluster's name and defaults to the component name)", a.NamePrefix, maxClusterName)
	}
	return nil
}

// serviceCIDR parses the Kubernetes service range: IPv4, /12 to /24 (EKS CreateCluster's
// kubernetesNetworkConfig.serviceIpv4Cidr).
func serviceCIDR(s string) (netip.Prefix, error) {
	svc, err := netip.ParsePrefix(s)
	if err != nil || !svc.Addr().Is4() || svc.Bits() < 12 || svc.Bits() > 24 {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 CIDR from /12 to /24", s)
	}
	return svc, nil
}

// checkServiceCIDR is the rule between the service range and the VPC's CIDR, for a plain VPCCIDR
// in Validate and for an Output once it resolves.
func checkServiceCIDR(service, vpc string) error {
	vpcCIDR, err := netip.ParsePrefix(vpc)
	if err != nil {
		return fielderr.New("VPCCIDR", "%q is not a CIDR", vpc)
	}
	svc, err := serviceCIDR(service)
	if err != nil {
		return fielderr.New("ServiceIPv4CIDR", "%s", err)
	}
	if svc.Overlaps(vpcCIDR) {
		return fielderr.New("ServiceIPv4CIDR", "%s overlaps VPCCIDR %s (pods could not reach VPC addresses in the overlap)", svc, vpcCIDR)
	}
	return nil
}

func (e AccessEntry) validate() error {
	if a, err := arn.Parse(e.PrincipalARN); err != nil || a.Service != "iam" || (a.ResourceType() != "role" && a.ResourceType() != "user") {
		return fielderr.New("PrincipalARN", "%q is not an IAM role or user ARN (want arn:aws:iam::<account>:role/<name>)", e.PrincipalARN)
	}
	for j, p := range e.AccessPolicies {
		path := fielderr.Index("AccessPolicies", j)
		if !strings.HasPrefix(p.PolicyARN, "arn:aws:eks::aws:cluster-access-policy/") {
			return fielderr.New(path+".PolicyARN", "%q is not an EKS access policy (want arn:aws:eks::aws:cluster-access-policy/<name>)", p.PolicyARN)
		}
		switch {
		case p.ScopeType != ScopeCluster && p.ScopeType != ScopeNamespace:
			return fielderr.New(path+".ScopeType", "%q is not an access scope (allowed: cluster, namespace)", p.ScopeType)
		case p.ScopeType == ScopeNamespace && len(p.Namespaces) == 0:
			return fielderr.New(path+".Namespaces", "the namespace scope needs at least one namespace")
		case p.ScopeType == ScopeCluster && len(p.Namespaces) > 0:
			return fielderr.New(path+".Namespaces", "%q are set but ScopeType is cluster", p.Namespaces)
		}
	}
	return nil
}

// al2023Types are the AMI types whose managed-group release versions carry the Kubernetes version
// (1.33.5-20261015); Bottlerocket's carry the Bottlerocket OS version.
var al2023Types = []string{"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"}

func (g NodeGroup) validate(version string) error {
	switch {
	case g.Name == "" || strings.ContainsAny(g.Name, " /:"):
		return fielderr.New("Name", "%q must be non-empty, without spaces, slashes or colons", g.Name)
	case !slices.Contains(NodeGroupKinds, g.Kind):
		return fielderr.New("Kind", "%q is not a node group kind (allowed: Managed, SelfManaged)", g.Kind)
	case len(g.InstanceTypes) == 0:
		return fielderr.New("InstanceTypes", "at least one instance type is required")
	case g.MaxSize < 1:
		return fielderr.New("MaxSize", "%d must be at least 1", g.MaxSize)
	case g.MinSize < 0 || g.MinSize > g.MaxSize:
		return fielderr.New("MinSize", "%d must be between 0 and MaxSize %d", g.MinSize, g.MaxSize)
	case g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize:
		return fielderr.New("DesiredSize", "%d is outside MinSize %d to MaxSize %d", g.DesiredSize, g.MinSize, g.MaxSize)
	case g.Kind == Managed && g.ReleaseVersion == "":
		return fielderr.New("ReleaseVersion", "is required for a Managed group (the pinned AMI release, e.g. %s.5-20261015)", version)
	case g.Kind == Managed && slices.Contains(al2023Types, g.AMIType) && !strings.HasPrefix(g.ReleaseVersion, version+"."):
		// EKS refuses a release for another Kubernetes version than the group's, which is the
		// cluster's Version (UpdateNodegroupVersion / CreateNodegroup releaseVersion)
		return fielderr.New("ReleaseVersion", "%q is not a release for Kubernetes %s (want %s.<patch>-<date>, from the SSM parameter /aws/service/eks/optimized-ami/%s/amazon-linux-2023/x86_64/standard/recommended/release_version)", g.ReleaseVersion, version, version, version)
	case g.Kind == SelfManaged && !ec2host.AMIIDRe.MatchString(g.AMIID):
		return fielderr.New("AMIID", "%q is not an AMI id (ami- and 8 or 17 hex digits); a SelfManaged group needs a pinned image", g.AMIID)
	case g.Kind == Managed && g.AMIID != "":
		return fielderr.New("AMIID", "%q is set on a Managed group, which runs the EKS release ReleaseVersion (use a SelfManaged group for a custom image)", g.AMIID)
	case g.Kind == SelfManaged && g.ReleaseVersion != "":
		return fielderr.New("ReleaseVersion", "%q is set on a SelfManaged group, which runs AMIID", g.ReleaseVersion)
	case !slices.Contains(AMITypes, g.AMIType):
		return fielderr.New("AMIType", "%q is not an AMI type (allowed: %s)", g.AMIType, strings.Join(AMITypes, ", "))
	case g.Kind == SelfManaged && slices.Contains(bottlerocketTypes, g.AMIType):
		return fielderr.New("AMIType", "%q is refused on a SelfManaged group: its user data is AL2023's nodeadm NodeConfig, not Bottlerocket's TOML settings (run Bottlerocket in a Managed group)", g.AMIType)
	case g.MaxUnavailable < 1 || g.MaxUnavailable > 100 || g.MaxUnavailable > g.MaxSize:
		return fielderr.New("MaxUnavailable", "%d must be from 1 to MaxSize %d (and at most 100)", g.MaxUnavailable, g.MaxSize)
	case g.DiskSizeGiB < 20 || g.DiskSizeGiB > 16384:
		return fielderr.New("DiskSizeGiB", "%d is outside 20 to 16384 (gp3 limits)", g.DiskSizeGiB)
	case g.MetadataHopLimit != 1 && g.MetadataHopLimit != 2:
		return fielderr.New("MetadataHopLimit", "%d must be 1 or 2", g.MetadataHopLimit)
	}
	for i, t := range g.Taints {
		if t.Key == "" || !slices.Contains(TaintEffects, t.Effect) {
			return fielderr.New(fielderr.Index("Taints", i), "%q needs a key and an effect of %s", t.Key, strings.Join(TaintEffects, ", "))
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
