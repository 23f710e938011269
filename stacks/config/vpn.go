package config

import "net/netip"

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

// validateVPN checks the stack's rules (required keys, the client range outside the cluster's
// service range); the rest is the VPNGateway's own (validateComponents).
func (c *Config) validateVPN() error {
	v := c.VPN
	key := func(path string) string { return KeyVPN + "." + path }
	if v.AMIID == "" {
		return errorf(key("amiId"), "required key is missing (the pinned Amazon Linux 2023 AMI id, ami-<hex>)")
	}
	if p, err := netip.ParsePrefix(v.ClientCIDR); err == nil && p.Overlaps(clusterServiceCIDR) {
		return errorf(key("clientCidr"), "%q overlaps the cluster's service range %s", v.ClientCIDR, clusterServiceCIDR)
	}
	if len(v.AllowedCIDRs) == 0 {
		return errorf(key("allowedCidrs"), "required key is missing (the networks allowed to reach the WireGuard port; 0.0.0.0/0 only with allowAnySource true)")
	}
	return nil
}
