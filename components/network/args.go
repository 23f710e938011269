package network

import (
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/cidr"
	"github.com/flowmart/platform/pkg/dnsname"
	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/logretention"
)

// NATStrategy says how private subnets reach the internet.
type NATStrategy string

const (
	// NATNone creates no NAT gateway: private and database subnets have no internet route.
	NATNone NATStrategy = "None"
	// NATSingle creates one NAT gateway in the first AZ (by name) for the whole VPC.
	NATSingle NATStrategy = "Single"
	// NATOnePerAZ creates a NAT gateway in every AZ, so an AZ outage never cuts another AZ's egress.
	NATOnePerAZ NATStrategy = "OnePerAZ"
)

// NATStrategies lists the allowed strategies.
var NATStrategies = []NATStrategy{NATNone, NATSingle, NATOnePerAZ}

// Count returns how many NAT gateways the strategy creates for n AZs.
func (s NATStrategy) Count(n int) int {
	switch s {
	case NATSingle:
		return 1
	case NATOnePerAZ:
		return n
	default:
		return 0
	}
}

// RequiredEndpoints are the interface endpoints every network gets: nodes pull images from ECR
// without crossing the NAT gateway.
var RequiredEndpoints = []string{"ecr.api", "ecr.dkr"}

// OptionalEndpoints are the further interface endpoints a network may add. eks-auth is EKS Pod
// Identity's (com.amazonaws.<region>.eks-auth, with private DNS): nodes without a NAT route reach
// it only through the endpoint (Amazon EKS User Guide, "Deploy private clusters with limited
// internet access", the table of interface endpoints:
// https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html).
var OptionalEndpoints = []string{
	"sts", "logs", "ssm", "ssmmessages", "ec2messages", "secretsmanager", "kms", "ec2",
	"elasticloadbalancing", "autoscaling", "monitoring", "eks-auth",
}

// NetworkArgs configures a Network. Fields that decide which resources exist are plain values.
type NetworkArgs struct {
	// Region is the AWS region of the provider, used to name endpoint services and to check the
	// zones. Required; NewNetwork checks it against the region of the AWS provider it runs with and
	// fails before creating the VPC when they differ.
	Region string
	// CIDRBlock is the VPC's IPv4 CIDR, a /16 to /20. Required.
	CIDRBlock string
	// AvailabilityZones are the AZ names to spread subnets over, at least two. Required. Subnet
	// CIDRs are keyed by AZ name, so adding an AZ never moves an existing subnet.
	AvailabilityZones []string
	// NATStrategy decides the NAT gateways. Defaults to one NAT gateway per AZ.
	NATStrategy NATStrategy
	// NATEIPAllocationIDs are existing Elastic IP allocations for the NAT gateways, in AZ-name order,
	// for egress IPs that outlive the stack. Defaults to new Elastic IPs.
	NATEIPAllocationIDs []string
	// DatabaseEgress gives database subnets a route to the NAT gateway. Defaults to no internet route.
	DatabaseEgress bool
	// InterfaceEndpoints are interface endpoints to add to ecr.api and ecr.dkr, from
	// OptionalEndpoints. Defaults to none.
	InterfaceEndpoints []string
	// EndpointClientCIDRs are IPv4 ranges outside the VPC whose traffic is routed into it, not
	// NATed (a VPN's client range): each gets its own ingress rule on the interface endpoints'
	// security group, TCP 443 (<name>-endpoints-https-client-<i>), so those clients reach the
	// AWS APIs that private DNS resolves to the endpoints. Each is a network address of /8 to
	// /32 outside CIDRBlock (the VPC is admitted already), listed once. Defaults to none: the
	// endpoints admit the VPC only.
	EndpointClientCIDRs []string
	// FlowLogRetentionDays is how long VPC flow logs are kept. Defaults to 365 days.
	FlowLogRetentionDays int
	// FlowLogGroupName is the CloudWatch Logs group the VPC flow logs go to: 1-512 of letters,
	// digits and . - _ / #, not starting with aws/. Set it to keep an existing group (networks
	// created before it existed used /flowmart/<name>/vpc-flow-logs). Defaults to
	// "/vpc-flow-logs/<NamePrefix>".
	FlowLogGroupName string
	// PrivateZoneName is the name of a private Route 53 hosted zone associated with the VPC, for
	// service discovery (e.g. production.internal: hosts register sqlserver.production.internal,
	// so applications never hard-code an IP). With it the VPC also gets Route 53 Resolver query
	// logging (every DNS query the VPC's resolver answers, the zone's included) into the log
	// group /dns-queries/<NamePrefix>, kept FlowLogRetentionDays. Defaults to no zone.
	PrivateZoneName string
	// LogKMSKeyARN is the customer managed KMS key that encrypts the network's log groups (flow
	// logs, DNS queries); its key policy must let logs.<region>.amazonaws.com use it for them.
	// Defaults to a new key with rotation whose policy allows exactly that.
	LogKMSKeyARN pulumi.StringPtrInput
	// Protect protects the network's stateful resources (the log key it creates: without it the
	// logs cannot be read). Defaults to false.
	Protect bool
	// NamePrefix is in every physical name the network sets (the flow-log group's default name,
	// /vpc-flow-logs/<NamePrefix>), so that two networks in one account and region never
	// collide: 1-497 letters, digits and . - _ #. Every other resource of the network is named
	// by AWS (ids) or by Pulumi (a random suffix). Defaults to the component name.
	NamePrefix string
	// Tags are added to every resource of the network. Defaults to none (the provider's default tags
	// still apply).
	Tags map[string]string
}

func (a *NetworkArgs) withDefaults() NetworkArgs {
	var c NetworkArgs
	if a != nil {
		c = *a
	}
	c.AvailabilityZones = slices.Clone(c.AvailabilityZones)
	sort.Strings(c.AvailabilityZones)
	c.EndpointClientCIDRs = slices.Clone(c.EndpointClientCIDRs)
	if c.NATStrategy == "" {
		c.NATStrategy = NATOnePerAZ
	}
	if c.FlowLogRetentionDays == 0 {
		c.FlowLogRetentionDays = 365
	}
	if c.FlowLogGroupName == "" && c.NamePrefix != "" {
		c.FlowLogGroupName = flowLogGroupPrefix + c.NamePrefix
	}
	return c
}

// withName is withDefaults for the network called name: NamePrefix defaults to name (only the
// constructor knows it; Validate checks a NamePrefix that is set).
func (a *NetworkArgs) withName(name string) NetworkArgs {
	var c NetworkArgs
	if a != nil {
		c = *a
	}
	if c.NamePrefix == "" {
		c.NamePrefix = name
	}
	return c.withDefaults()
}

// Validate checks the Args after defaults, with everything AWS would refuse later, and returns
// the first problem as a *fielderr.Error naming the field. NewNetwork runs it before registering
// anything.
func (a *NetworkArgs) Validate() error {
	d := a.withDefaults()
	return d.validate()
}

var eipAllocRe = regexp.MustCompile(`^eipalloc-[0-9a-f]{8,17}$`)

// Physical names. A CloudWatch Logs group name is 1-512 characters of [\.\-_/#A-Za-z0-9] and
// must not start with aws/ (Amazon CloudWatch Logs API Reference, CreateLogGroup, logGroupName:
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
// NamePrefix is one segment of the default group name, so it holds no "/".
const (
	flowLogGroupPrefix  = "/vpc-flow-logs/"
	queryLogGroupPrefix = "/dns-queries/" // no longer than flowLogGroupPrefix: maxNamePrefix holds for both
	maxLogGroupName     = 512
	maxNamePrefix       = maxLogGroupName - len(flowLogGroupPrefix)
)

var (
	logGroupNameRe = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]+$`)
	namePrefixRe   = regexp.MustCompile(`^[.\-_#A-Za-z0-9]+$`)
)

func (a NetworkArgs) validate() error {
	if a.Region == "" {
		return fielderr.New("Region", "is required (the AWS provider's region, such as eu-west-1)")
	}
	vpc, err := netip.ParsePrefix(a.CIDRBlock)
	if err != nil {
		return fielderr.New("CIDRBlock", "%q is not a CIDR (want an IPv4 /16 to /20 such as 10.10.0.0/16)", a.CIDRBlock)
	}
	if err := cidr.CheckVPC(vpc); err != nil {
		return fielderr.New("CIDRBlock", "%s", err)
	}
	if len(a.AvailabilityZones) < 2 {
		return fielderr.New("AvailabilityZones", "%q lists %d zone(s); EKS and the subnet plan need at least 2 distinct zones of %s", a.AvailabilityZones, len(a.AvailabilityZones), a.Region)
	}
	for _, az := range a.AvailabilityZones {
		letter := strings.TrimPrefix(az, a.Region)
		if !strings.HasPrefix(az, a.Region) || len(letter) != 1 || letter[0] < 'a' || letter[0] > 'f' {
			return fielderr.New("AvailabilityZones", "%q is not a zone of region %s (allowed: %sa to %sf)", az, a.Region, a.Region, a.Region)
		}
	}
	if _, err := cidr.Plan(vpc, a.AvailabilityZones, cidr.Tiers); err != nil {
		return fielderr.New("AvailabilityZones", "%s", err)
	}
	if !slices.Contains(NATStrategies, a.NATStrategy) {
		return fielderr.New("NATStrategy", "%q is not a NAT strategy (allowed: None, Single, OnePerAZ)", a.NATStrategy)
	}
	if n, want := len(a.NATEIPAllocationIDs), a.NATStrategy.Count(len(a.AvailabilityZones)); n > 0 && n != want {
		return fielderr.New("NATEIPAllocationIDs", "lists %d allocation id(s) but NATStrategy %s with %d zones needs %d", n, a.NATStrategy, len(a.AvailabilityZones), want)
	}
	for i, id := range a.NATEIPAllocationIDs {
		if !eipAllocRe.MatchString(id) {
			return fielderr.New(fielderr.Index("NATEIPAllocationIDs", i), "%q is not an Elastic IP allocation id (want eipalloc-<hex>)", id)
		}
		if slices.Contains(a.NATEIPAllocationIDs[:i], id) {
			return fielderr.New(fielderr.Index("NATEIPAllocationIDs", i), "%q is listed twice (an Elastic IP attaches to one NAT gateway)", id)
		}
	}
	if a.DatabaseEgress && a.NATStrategy == NATNone {
		return fielderr.New("DatabaseEgress", "true needs a NAT gateway but NATStrategy is None")
	}
	for i, e := range a.InterfaceEndpoints {
		if !slices.Contains(OptionalEndpoints, e) {
			return fielderr.New(fielderr.Index("InterfaceEndpoints", i), "%q is not a supported interface endpoint (allowed: %s; ecr.api and ecr.dkr are always created)", e, strings.Join(OptionalEndpoints, ", "))
		}
		if slices.Contains(a.InterfaceEndpoints[:i], e) {
			return fielderr.New(fielderr.Index("InterfaceEndpoints", i), "%q is listed twice", e)
		}
	}
	if err := validateEndpointClientCIDRs(a.EndpointClientCIDRs, vpc.Masked()); err != nil {
		return err
	}
	if a.PrivateZoneName != "" {
		if err := dnsname.Check(a.PrivateZoneName, false); err != nil {
			return fielderr.New("PrivateZoneName", "%s (want a private zone name such as production.internal)", err)
		}
	}
	if err := logretention.Check(a.FlowLogRetentionDays); err != nil {
		return fielderr.New("FlowLogRetentionDays", "%s", err)
	}
	// NamePrefix first: a valid one always gives a valid default FlowLogGroupName
	if a.NamePrefix != "" && (len(a.NamePrefix) > maxNamePrefix || !namePrefixRe.MatchString(a.NamePrefix)) {
		return fielderr.New("NamePrefix", "%q is not a name prefix (1-%d letters, digits and . - _ #: it names the flow-log group %s<NamePrefix>; it defaults to the component name)", a.NamePrefix, maxNamePrefix, flowLogGroupPrefix)
	}
	if a.FlowLogGroupName != "" && (len(a.FlowLogGroupName) > maxLogGroupName || !logGroupNameRe.MatchString(a.FlowLogGroupName) || strings.HasPrefix(a.FlowLogGroupName, "aws/")) {
		return fielderr.New("FlowLogGroupName", "%q is not a CloudWatch Logs group name (1-%d letters, digits and . - _ / #, not starting with aws/)", a.FlowLogGroupName, maxLogGroupName)
	}
	return nil
}

// validateEndpointClientCIDRs checks the ranges admitted to the endpoints besides the VPC: IPv4
// network addresses of /8 to /32 (a shorter prefix admits a good part of the internet), outside
// the VPC and listed once.
func validateEndpointClientCIDRs(cidrs []string, vpc netip.Prefix) error {
	seen := map[netip.Prefix]bool{}
	for i, s := range cidrs {
		field := fielderr.Index("EndpointClientCIDRs", i)
		p, err := netip.ParsePrefix(s)
		switch {
		case err != nil || !p.Addr().Is4():
			return fielderr.New(field, "%q is not an IPv4 CIDR (such as a VPN client range, 10.99.0.0/24)", s)
		case p != p.Masked():
			return fielderr.New(field, "%s is not a network address (did you mean %s?)", p, p.Masked())
		case p.Bits() < 8:
			return fielderr.New(field, "%s is a /%d: allowed are /8 to /32 (a client range, not the internet)", p, p.Bits())
		case p.Overlaps(vpc):
			return fielderr.New(field, "%s overlaps CIDRBlock %s: the VPC is admitted already, give ranges outside it", p, vpc)
		case seen[p]:
			return fielderr.New(field, "%s is listed twice", p)
		}
		seen[p] = true
	}
	return nil
}
