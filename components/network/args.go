package network

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/flowmart/platform/pkg/cidr"
	"github.com/flowmart/platform/pkg/dnsname"
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

// OptionalEndpoints are the further interface endpoints a network may add.
var OptionalEndpoints = []string{
	"sts", "logs", "ssm", "ssmmessages", "ec2messages", "secretsmanager", "kms", "ec2",
	"elasticloadbalancing", "autoscaling", "monitoring",
}

// NetworkArgs configures a Network. Fields that decide which resources exist are plain values.
type NetworkArgs struct {
	// Region is the AWS region of the provider, used to name endpoint services. Required.
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
	// FlowLogRetentionDays is how long VPC flow logs are kept. Defaults to 365 days.
	FlowLogRetentionDays int
	// PrivateZoneName is the name of a private Route 53 hosted zone associated with the VPC, for
	// service discovery (e.g. production.internal: hosts register sqlserver.production.internal,
	// so applications never hard-code an IP). Defaults to no zone.
	PrivateZoneName string
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
	if c.NATStrategy == "" {
		c.NATStrategy = NATOnePerAZ
	}
	if c.FlowLogRetentionDays == 0 {
		c.FlowLogRetentionDays = 365
	}
	return c
}

func (a NetworkArgs) validate() error {
	if a.Region == "" {
		return fmt.Errorf("Region is required")
	}
	vpc, err := netip.ParsePrefix(a.CIDRBlock)
	if err != nil {
		return fmt.Errorf("CIDRBlock %q is not a CIDR", a.CIDRBlock)
	}
	if err := cidr.CheckVPC(vpc); err != nil {
		return fmt.Errorf("CIDRBlock: %w", err)
	}
	if len(a.AvailabilityZones) < 2 {
		return fmt.Errorf("AvailabilityZones %q: at least 2 are required", a.AvailabilityZones)
	}
	for _, az := range a.AvailabilityZones {
		if !strings.HasPrefix(az, a.Region) {
			return fmt.Errorf("AvailabilityZones: %q is not in region %s", az, a.Region)
		}
	}
	if _, err := cidr.Plan(vpc, a.AvailabilityZones, cidr.Tiers); err != nil {
		return fmt.Errorf("AvailabilityZones: %w", err)
	}
	if !slices.Contains(NATStrategies, a.NATStrategy) {
		return fmt.Errorf("NATStrategy %q is not one of None, Single, OnePerAZ", a.NATStrategy)
	}
	if n := len(a.NATEIPAllocationIDs); n > 0 && n != a.NATStrategy.Count(len(a.AvailabilityZones)) {
		return fmt.Errorf("NATEIPAllocationIDs has %d ids, NATStrategy %s with %d AZs needs %d", n, a.NATStrategy, len(a.AvailabilityZones), a.NATStrategy.Count(len(a.AvailabilityZones)))
	}
	if a.DatabaseEgress && a.NATStrategy == NATNone {
		return fmt.Errorf("DatabaseEgress needs a NAT gateway, but NATStrategy is None")
	}
	for _, e := range a.InterfaceEndpoints {
		if !slices.Contains(OptionalEndpoints, e) {
			return fmt.Errorf("InterfaceEndpoints: %q is not one of %s", e, strings.Join(OptionalEndpoints, ", "))
		}
	}
	if a.PrivateZoneName != "" {
		if err := dnsname.Check(a.PrivateZoneName, false); err != nil {
			return fmt.Errorf("PrivateZoneName: %w", err)
		}
	}
	if a.FlowLogRetentionDays < 1 {
		return fmt.Errorf("FlowLogRetentionDays %d must be positive", a.FlowLogRetentionDays)
	}
	return nil
}
