package config

import (
	"fmt"
	"net/netip"
)

// KeyVPN is the VPN gateway's key.
const KeyVPN = "vpn"

var vpnKeys = []keySpec{{KeyVPN, typeObject, false}}

// VPNConfig is the `vpn` object: the WireGuard gateway of the stack.
type VPNConfig struct {
	// AMIID is the pinned Amazon Linux 2023 AMI. Required.
	AMIID string `json:"amiId"`
	// AllowAMIReplacement lets a changed amiId replace the host on this deploy (set it once).
	AllowAMIReplacement bool `json:"allowAmiReplacement,omitempty"`
	// InstanceType defaults to the component's (t3.small).
	InstanceType string `json:"instanceType,omitempty"`
	// ClientCIDR is the address range of VPN clients; defaults per environment (defaults.go).
	ClientCIDR string `json:"clientCidr,omitempty"`
	// ListenPort is WireGuard's UDP port; defaults to 51820.
	ListenPort int `json:"listenPort,omitempty"`
	// AllowedCIDRs may reach the UDP port. Required.
	AllowedCIDRs []string `json:"allowedCidrs"`
	// AllowAnySource allows 0.0.0.0/0 in AllowedCIDRs (road warriors on changing addresses).
	AllowAnySource bool `json:"allowAnySource,omitempty"`
	// Peers are the clients: {name, publicKey, allowedIp}.
	Peers []VPNPeerConfig `json:"peers,omitempty"`
}

// VPNPeerConfig is one entry of vpn.peers.
type VPNPeerConfig struct {
	Name      string `json:"name"`
	PublicKey string `json:"publicKey"`
	AllowedIP string `json:"allowedIp"`
}

func readVPN(r *reader) VPNConfig {
	var c VPNConfig
	r.object(KeyVPN, &c)
	return c
}

// clusterServiceCIDR is the Kubernetes service range EKS uses by default; VPN clients must not
// take it either.
var clusterServiceCIDR = netip.MustParsePrefix("172.20.0.0/16")

func (c *Config) validateVPN() error {
	v := c.VPN
	key := func(path string) string { return KeyVPN + "." + path }
	if v.AMIID == "" {
		return errorf(key("amiId"), "required key is missing (the pinned Amazon Linux 2023 AMI id, ami-<hex>)")
	}
	p, err := netip.ParsePrefix(v.ClientCIDR)
	if err != nil {
		return errorf(key("clientCidr"), "%q is not a CIDR (want a private range such as 172.16.30.0/24)", v.ClientCIDR)
	}
	if p.Overlaps(c.Network.VPCCIDR) {
		return errorf(key("clientCidr"), "%q overlaps vpcCidr %s (clients need addresses outside the VPC)", v.ClientCIDR, c.Network.VPCCIDR)
	}
	if p.Overlaps(clusterServiceCIDR) {
		return errorf(key("clientCidr"), "%q overlaps the cluster's service range %s", v.ClientCIDR, clusterServiceCIDR)
	}
	if len(v.AllowedCIDRs) == 0 {
		return errorf(key("allowedCidrs"), "required key is missing (the networks allowed to reach the WireGuard port; 0.0.0.0/0 only with allowAnySource true)")
	}
	for i, cidr := range v.AllowedCIDRs {
		a, err := netip.ParsePrefix(cidr)
		k := key(fmt.Sprintf("allowedCidrs[%d]", i))
		switch {
		case err != nil:
			return errorf(k, "%q is not a CIDR", cidr)
		case a.Bits() == 0 && !v.AllowAnySource:
			return errorf(k, "%q opens the VPN port to the internet (name the office networks, or set vpn.allowAnySource true)", cidr)
		}
	}
	return c.validateVPNArgs()
}
