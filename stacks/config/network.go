package config

import (
	"net/netip"
	"strings"

	"github.com/flowmart/platform/components/network"
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

// validateNetwork checks what only the stack knows: required keys and that the private zone
// never shadows the public domain. Every rule about the values themselves is the Network's own
// (validateComponents).
func (c *Config) validateNetwork() error {
	n := c.Network
	if !n.VPCCIDR.IsValid() {
		return errorf(KeyVPCCIDR, "required key is missing (an IPv4 /16 to /20 such as 10.10.0.0/16)")
	}
	if len(n.AvailabilityZones) == 0 {
		return errorf(KeyAvailabilityZones, "required key is missing (at least 2 zones of %s, such as %sa and %sb)", c.Region, c.Region, c.Region)
	}
	if n.PrivateZoneName == c.Domain || strings.HasSuffix(c.Domain, "."+n.PrivateZoneName) {
		return errorf(KeyPrivateZoneName, "%q would shadow the public domain %s inside the VPC (use a name outside it, such as %s.internal)", n.PrivateZoneName, c.Domain, c.Environment)
	}
	return nil
}
