package config

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/pkg/cidr"
	"github.com/flowmart/platform/pkg/dnsname"
)

// NetworkConfig is the configuration of the Network component.
type NetworkConfig struct {
	VPCCIDR              netip.Prefix
	AvailabilityZones    []string
	NATStrategy          network.NATStrategy
	NATEIPAllocationIDs  []string
	DatabaseEgress       bool
	InterfaceEndpoints   []string
	FlowLogRetentionDays int
	// PrivateZoneName is the private hosted zone for service discovery; defaults to
	// "<environment>.internal" (.internal is the top-level domain reserved for private use, so the
	// name can never collide with a public one).
	PrivateZoneName string
}

var networkKeys = []keySpec{
	{KeyVPCCIDR, typeString, false},
	{KeyAvailabilityZones, typeArray, false},
	{KeyNATStrategy, typeString, false},
	{KeyNATEIPAllocationIDs, typeArray, false},
	{KeyDatabaseEgress, typeBoolean, false},
	{KeyInterfaceEndpoints, typeArray, false},
	{KeyFlowLogRetentionDays, typeInteger, false},
	{KeyPrivateZoneName, typeString, false},
}

func readNetwork(r *reader) NetworkConfig {
	var n NetworkConfig
	if s := r.str(KeyVPCCIDR); s != "" {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			r.fail(errorf(KeyVPCCIDR, "%q is not a CIDR (want an IPv4 CIDR such as 10.10.0.0/16)", s))
		}
		n.VPCCIDR = p
	}
	n.AvailabilityZones = r.strs(KeyAvailabilityZones)
	n.NATStrategy = network.NATStrategy(r.str(KeyNATStrategy))
	n.NATEIPAllocationIDs = r.strs(KeyNATEIPAllocationIDs)
	n.DatabaseEgress = r.boolean(KeyDatabaseEgress)
	n.InterfaceEndpoints = r.strs(KeyInterfaceEndpoints)
	n.FlowLogRetentionDays = r.integer(KeyFlowLogRetentionDays)
	n.PrivateZoneName = r.str(KeyPrivateZoneName)
	return n
}

func (c *Config) validateNetwork() error {
	n := c.Network
	if !n.VPCCIDR.IsValid() {
		return errorf(KeyVPCCIDR, "required key is missing (an IPv4 /16 to /20 such as 10.10.0.0/16)")
	}
	if err := cidr.CheckVPC(n.VPCCIDR); err != nil {
		return errorf(KeyVPCCIDR, "%s", err)
	}
	if len(n.AvailabilityZones) < 2 {
		return errorf(KeyAvailabilityZones, "%q lists %d zone(s); EKS and the subnet plan need at least 2 distinct zones of %s", n.AvailabilityZones, len(n.AvailabilityZones), c.Region)
	}
	seen := map[string]bool{}
	for _, az := range n.AvailabilityZones {
		letter := strings.TrimPrefix(az, c.Region)
		if !strings.HasPrefix(az, c.Region) || len(letter) != 1 || letter[0] < 'a' || letter[0] > 'f' {
			return errorf(KeyAvailabilityZones, "%q is not a zone of region %s (allowed: %sa to %sf)", az, c.Region, c.Region, c.Region)
		}
		if seen[az] {
			return errorf(KeyAvailabilityZones, "%q is listed twice", az)
		}
		seen[az] = true
	}
	if !slices.Contains(network.NATStrategies, n.NATStrategy) {
		return errorf(KeyNATStrategy, "%q is not a NAT strategy (allowed: %s)", n.NATStrategy, joinNAT())
	}
	if want := n.NATStrategy.Count(len(n.AvailabilityZones)); len(n.NATEIPAllocationIDs) > 0 && len(n.NATEIPAllocationIDs) != want {
		return errorf(KeyNATEIPAllocationIDs, "lists %d allocation id(s) but natStrategy %s with %d zones needs %d", len(n.NATEIPAllocationIDs), n.NATStrategy, len(n.AvailabilityZones), want)
	}
	for _, id := range n.NATEIPAllocationIDs {
		if !eipAllocRe.MatchString(id) {
			return errorf(KeyNATEIPAllocationIDs, "%q is not an Elastic IP allocation id (want eipalloc-<hex>)", id)
		}
	}
	if n.DatabaseEgress && n.NATStrategy == network.NATNone {
		return errorf(KeyDatabaseEgress, "true needs a NAT gateway but natStrategy is None")
	}
	for i, e := range n.InterfaceEndpoints {
		if !slices.Contains(network.OptionalEndpoints, e) {
			return errorf(KeyInterfaceEndpoints, "%q is not a supported interface endpoint (allowed: %s; ecr.api and ecr.dkr are always created)", e, strings.Join(network.OptionalEndpoints, ", "))
		}
		if slices.Contains(n.InterfaceEndpoints[:i], e) {
			return errorf(KeyInterfaceEndpoints, "%q is listed twice", e)
		}
	}
	if !slices.Contains(retentionSet, n.FlowLogRetentionDays) {
		return errorf(KeyFlowLogRetentionDays, "%d is not a CloudWatch Logs retention (allowed: %s)", n.FlowLogRetentionDays, joinInts(retentionSet))
	}
	if err := dnsname.Check(n.PrivateZoneName, false); err != nil {
		return errorf(KeyPrivateZoneName, "%s (want a private zone name such as %s.internal)", err, c.Environment)
	}
	if n.PrivateZoneName == c.Domain || strings.HasSuffix(c.Domain, "."+n.PrivateZoneName) {
		return errorf(KeyPrivateZoneName, "%q would shadow the public domain %s inside the VPC (use a name outside it, such as %s.internal)", n.PrivateZoneName, c.Domain, c.Environment)
	}
	return nil
}
