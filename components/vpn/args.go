package vpn

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/dnsname"
	"github.com/flowmart/platform/pkg/ec2host"
	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/known"
)

// Defaults of VPNGatewayArgs.
const (
	DefaultInstanceType      = "t3.small"
	DefaultClientCIDR        = "10.99.0.0/24"
	DefaultListenPort        = 51820
	DefaultRootVolumeSizeGiB = 20
)

// Peer is one WireGuard client of the gateway.
type Peer struct {
	// Name identifies the peer in the server's configuration: a DNS label (lower-case letters,
	// digits, inner hyphens), unique. Required.
	Name string
	// PublicKey is the peer's WireGuard public key (`wg pubkey`): 44 characters of base64 of
	// 32 bytes, unique. Required. The peer keeps its private key; it is never given here.
	PublicKey string
	// AllowedIP is the peer's tunnel address, a /32 inside ClientCIDR that is neither the network,
	// the broadcast nor the server's own first address, unique. Required.
	AllowedIP string
}

// VPNGatewayArgs configures a VPNGateway. Fields that decide which resources exist are plain values.
type VPNGatewayArgs struct {
	// VPCID is the VPC of the gateway's security group. Required.
	VPCID pulumi.StringInput
	// VPCCIDR is the VPC's CIDR (a plain value, Network.VPCCIDR or a StackReference output), routed
	// through the tunnel by the client configuration; ClientCIDR must not overlap it (checked by
	// Validate when plain, when ClientConfig resolves otherwise). Required.
	VPCCIDR pulumi.StringInput
	// SubnetID is the public subnet the host runs in (its route table has the internet gateway).
	// Required.
	SubnetID pulumi.StringInput
	// AMIID pins the Amazon Linux 2023 image (ami- and 8 or 17 hex digits). Required: nothing
	// floats. Changes to it are ignored (ignoreChanges ami), so a new AMI never replaces the host on
	// its own. `pulumi up --replace <host URN>` rebuilds the host, but on the AMI it runs: Pulumi
	// keeps an ignored input's recorded value even when replacing. To move to a new AMI, set AMIID
	// and AllowAMIReplacement for one deploy (the key, the Elastic IP and the peers stay).
	AMIID string
	// AllowAMIReplacement stops ignoring changes to AMIID and to the root volume's key, so a
	// changed AMIID, or a root volume on another key than KMSKeyARN's (a gateway created before
	// the gateway had a key of its own: its root volume is on the account's default EBS key),
	// replaces the host on the next deploy. Set it for that deploy only. Defaults to false.
	AllowAMIReplacement bool
	// InstanceType is the EC2 instance type. Defaults to t3.small.
	InstanceType string
	// ClientCIDR is the tunnel's IPv4 range, from /16 to /29, outside the VPC: the server takes its
	// first address, peers the others. It is routed (not NATed) into the VPC, so security groups
	// see clients' own addresses. Defaults to 10.99.0.0/24.
	ClientCIDR string
	// ListenPort is WireGuard's UDP port, 1024 to 65535. Defaults to 51820.
	ListenPort int
	// AllowedCIDRs are the networks that may reach ListenPort (IPv4 or IPv6), at least one.
	// Required: there is no default, so the port is never open to the internet by accident.
	AllowedCIDRs []string
	// AllowAnySource lets AllowedCIDRs include 0.0.0.0/0 or ::/0, for clients on changing
	// addresses. WireGuard answers no packet that is not authenticated with a peer's key, so an
	// open port reveals nothing to a scanner; that is why opening it is possible, but naming the
	// networks stays the default. Defaults to false.
	AllowAnySource bool
	// Peers are the clients. Their [Peer] sections (public keys and tunnel addresses, no secret)
	// are kept in the SSM parameter /<NamePrefix>/wireguard/peers, at most 4096 bytes (a
	// Standard parameter: about 35 peers with short names). Changing peers updates that parameter
	// only; the host reads it every minute and applies it live (`wg syncconf`), so the change takes
	// effect within a minute, other peers' sessions stay up, and nothing is replaced. Defaults to
	// none.
	Peers []Peer
	// RouteTableIDs are the route tables (private and database) that get a route to ClientCIDR
	// through the host, one ec2.Route per entry, at least one: without them nothing in the VPC can
	// answer a client. Required.
	RouteTableIDs pulumi.StringArray
	// ClusterSecurityGroupID is the EKS cluster security group; when given, it admits TCP 443 from
	// ClientCIDR so clients reach the Kubernetes API. Defaults to no rule.
	ClusterSecurityGroupID pulumi.StringPtrInput
	// PrivateZoneID and PrivateZoneName name a private Route 53 zone that gets an A record
	// vpn.<zone> to the host's private address; give both or neither. Defaults to no record.
	PrivateZoneID   pulumi.StringPtrInput
	PrivateZoneName string
	// KMSKeyARN is the customer managed key that encrypts the private-key secret and the root
	// volume (which keeps the key in /etc/wireguard/wg0.conf); the instance role may decrypt with
	// it only through Secrets Manager. Give an environment's key here, never another host's: the
	// gateway must outlive any other component. Changing it re-encrypts the secret in place; the
	// root volume keeps the key it was created with (see AllowAMIReplacement). Defaults to a key
	// of the gateway's own (<name>-key: yearly rotation, 30-day deletion window, protected with
	// Protect).
	KMSKeyARN pulumi.StringPtrInput
	// RootVolumeSizeGiB is the encrypted gp3 root volume, 8 to 16384 GiB. Defaults to 20 GiB.
	RootVolumeSizeGiB int
	// Protect protects the server's key (random bytes and secret) and the Elastic IP: every
	// client's configuration names both. Defaults to false.
	Protect bool
	// Tags are added to every resource that takes tags. Defaults to none (the provider's default
	// tags still apply).
	Tags map[string]string
	// NamePrefix names the one physical name the gateway sets, the peers' SSM parameter
	// /<NamePrefix>/wireguard/peers (unique in an account and region) unless PeersParameterName
	// is given, and is written into the host's scripts: letters, digits, '.', '-' and '_'.
	// Changing it on a running gateway replaces the parameter and changes the host's user data,
	// as ClientCIDR does. Defaults to the component name.
	NamePrefix string
	// PeersParameterName is the full name of the peers' SSM parameter, for a gateway whose
	// parameter was created under another name (the FlowMart stacks keep
	// /flowmart/<name>/wireguard/peers): a hierarchy of at most 15 levels of letters, digits, '.',
	// '-' and '_', at most 1011 characters. Defaults to /<NamePrefix>/wireguard/peers.
	PeersParameterName string
}

func (a *VPNGatewayArgs) withDefaults() VPNGatewayArgs {
	var c VPNGatewayArgs
	if a != nil {
		c = *a
	}
	if c.InstanceType == "" {
		c.InstanceType = DefaultInstanceType
	}
	if c.ClientCIDR == "" {
		c.ClientCIDR = DefaultClientCIDR
	}
	if c.ListenPort == 0 {
		c.ListenPort = DefaultListenPort
	}
	if c.RootVolumeSizeGiB == 0 {
		c.RootVolumeSizeGiB = DefaultRootVolumeSizeGiB
	}
	c.AllowedCIDRs = slices.Clone(c.AllowedCIDRs)
	c.Peers = slices.Clone(c.Peers)
	c.RouteTableIDs = slices.Clone(c.RouteTableIDs)
	return c
}

var (
	instanceTypeRe = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
)

// withName is withDefaults for the gateway called name: NamePrefix defaults to name (only the
// constructor knows it; Validate checks a NamePrefix that is set).
func (a *VPNGatewayArgs) withName(name string) VPNGatewayArgs {
	c := a.withDefaults()
	if c.NamePrefix == "" {
		c.NamePrefix = name
	}
	return c
}

// An SSM parameter name holds a-zA-Z0-9_.- and "/" between hierarchy levels, and is at most 1011
// characters: the 2048 of PutParameter's Name include 1037 for the ARN and system attributes
// (AWS Systems Manager API Reference, PutParameter, Name:
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
// NamePrefix is one level of /<NamePrefix>/wireguard/peers, so it holds no "/"; the
// scripts quote it, which the same characters keep safe.
const maxParameterName = 1011

var maxNamePrefix = maxParameterName - len(peersParameterName(""))

// parameterNameRe is a hierarchical SSM parameter name (PutParameter, Name; at most 15 levels).
var parameterNameRe = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+)+$`)

// Validate checks the Args after defaults and returns the first problem as a *fielderr.Error
// naming the field. NewVPNGateway runs it before registering anything.
func (a *VPNGatewayArgs) Validate() error {
	d := a.withDefaults()
	return d.validate()
}

func (a VPNGatewayArgs) validate() error {
	if a.VPCID == nil {
		return fielderr.New("VPCID", "is required")
	}
	if a.SubnetID == nil {
		return fielderr.New("SubnetID", "is required (a public subnet)")
	}
	if a.VPCCIDR == nil {
		return fielderr.New("VPCCIDR", "is required (such as Network.VPCCIDR)")
	}
	if !ec2host.AMIIDRe.MatchString(a.AMIID) {
		return fielderr.New("AMIID", "%q is not an AMI id (ami- and 8 or 17 hex digits): pin an Amazon Linux 2023 image", a.AMIID)
	}
	if !instanceTypeRe.MatchString(a.InstanceType) {
		return fielderr.New("InstanceType", "%q is not an EC2 instance type (such as t3.small)", a.InstanceType)
	}
	client, err := netip.ParsePrefix(a.ClientCIDR)
	switch {
	case err != nil || !client.Addr().Is4():
		return fielderr.New("ClientCIDR", "%q is not an IPv4 CIDR", a.ClientCIDR)
	case client.Bits() < 16 || client.Bits() > 29:
		return fielderr.New("ClientCIDR", "%s is /%d: allowed are /16 to /29", client, client.Bits())
	case client != client.Masked():
		return fielderr.New("ClientCIDR", "%s is not a network address (did you mean %s?)", client, client.Masked())
	}
	if vpc, ok := known.String(a.VPCCIDR); ok {
		if _, err := checkClientCIDR(client, vpc); err != nil {
			return err
		}
	}
	if a.ListenPort < 1024 || a.ListenPort > 65535 {
		return fielderr.New("ListenPort", "%d is outside 1024 to 65535", a.ListenPort)
	}
	if err := a.validateAllowedCIDRs(); err != nil {
		return err
	}
	if err := validatePeers(a.Peers, client); err != nil {
		return err
	}
	if n := len(peersConf(a.Peers)); n > maxPeersBytes {
		return fielderr.New("Peers", "%d peers take %d bytes in the peers' SSM parameter, over the %d bytes of a Standard parameter (shorten their names or remove peers)", len(a.Peers), n, maxPeersBytes)
	}
	if len(a.RouteTableIDs) == 0 {
		return fielderr.New("RouteTableIDs", "is empty: give the route tables of the subnets clients reach (private, database), or nothing can answer them")
	}
	for i, id := range a.RouteTableIDs {
		if id == nil {
			return fielderr.New(fielderr.Index("RouteTableIDs", i), "is nil")
		}
	}
	switch {
	case a.PrivateZoneID != nil && a.PrivateZoneName == "":
		return fielderr.New("PrivateZoneName", "is empty but PrivateZoneID is set: give both or neither")
	case a.PrivateZoneID == nil && a.PrivateZoneName != "":
		return fielderr.New("PrivateZoneID", "is not set but PrivateZoneName is %q: give both or neither", a.PrivateZoneName)
	case a.PrivateZoneName != "":
		if err := dnsname.Check(a.PrivateZoneName, false); err != nil {
			return fielderr.In("PrivateZoneName", err)
		}
	}
	if key, ok := known.StringPtr(a.KMSKeyARN); ok {
		if p, err := arn.Parse(key); err != nil || p.Service != "kms" || !strings.HasPrefix(p.Resource, "key/") {
			return fielderr.New("KMSKeyARN", "%q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias: the role's policy names the key)", key)
		}
	}
	if a.RootVolumeSizeGiB < 8 || a.RootVolumeSizeGiB > 16384 {
		return fielderr.New("RootVolumeSizeGiB", "%d is outside 8 to 16384", a.RootVolumeSizeGiB)
	}
	if p := a.PeersParameterName; p != "" && (len(p) > maxParameterName || !parameterNameRe.MatchString(p) || strings.Count(p, "/") > 15) {
		return fielderr.New("PeersParameterName", "%q is not an SSM parameter name (a path /a/b/c of at most 15 levels of letters, digits, '.', '-' and '_', at most %d characters)", p, maxParameterName)
	}
	if a.NamePrefix != "" && (len(a.NamePrefix) > maxNamePrefix || !gatewayNameRe.MatchString(a.NamePrefix)) {
		return fielderr.New("NamePrefix", "%q is not a name prefix (1-%d letters, digits, '.', '-' and '_': it names the SSM parameter %s; it defaults to the component name)", a.NamePrefix, maxNamePrefix, peersParameterName("<NamePrefix>"))
	}
	return nil
}

// checkClientCIDR is the rule between the client range and the VPC's CIDR, for a plain VPCCIDR in
// Validate and an Output once it resolves; it returns the VPC's network.
func checkClientCIDR(client netip.Prefix, vpc string) (netip.Prefix, error) {
	vpcCIDR, err := netip.ParsePrefix(vpc)
	if err != nil || !vpcCIDR.Addr().Is4() {
		return netip.Prefix{}, fielderr.New("VPCCIDR", "%q is not an IPv4 CIDR", vpc)
	}
	if client.Overlaps(vpcCIDR.Masked()) {
		return netip.Prefix{}, fielderr.New("ClientCIDR", "%s overlaps VPCCIDR %s: clients need addresses outside the VPC", client, vpcCIDR)
	}
	return vpcCIDR.Masked(), nil
}

func (a VPNGatewayArgs) validateAllowedCIDRs() error {
	if len(a.AllowedCIDRs) == 0 {
		return fielderr.New("AllowedCIDRs", "is empty: name the networks that may reach UDP %d (0.0.0.0/0 only with AllowAnySource)", a.ListenPort)
	}
	seen := map[netip.Prefix]bool{}
	for i, s := range a.AllowedCIDRs {
		p, err := netip.ParsePrefix(s)
		switch {
		case err != nil:
			return fielderr.New(fielderr.Index("AllowedCIDRs", i), "%q is not a CIDR", s)
		case p != p.Masked():
			return fielderr.New(fielderr.Index("AllowedCIDRs", i), "%s is not a network address (did you mean %s?)", p, p.Masked())
		case p.Bits() == 0 && !a.AllowAnySource:
			return fielderr.New(fielderr.Index("AllowedCIDRs", i), "%s opens the VPN port to the internet: name the networks, or set AllowAnySource", p)
		case seen[p]:
			return fielderr.New(fielderr.Index("AllowedCIDRs", i), "%s is listed twice", p)
		}
		seen[p] = true
	}
	return nil
}

// ValidPublicKey reports why key is not a WireGuard public key (base64 of 32 bytes), or nil.
func ValidPublicKey(key string) error {
	b, err := base64.StdEncoding.DecodeString(key)
	if len(key) != 44 || err != nil || len(b) != 32 {
		return fmt.Errorf("%q is not a WireGuard key (44 characters of base64 of 32 bytes, as `wg pubkey` prints)", key)
	}
	return nil
}

func validatePeers(peers []Peer, client netip.Prefix) error {
	server := client.Addr().Next()
	broadcast := lastAddr(client)
	names, keys, ips := map[string]bool{}, map[string]bool{}, map[netip.Addr]string{}
	for i, p := range peers {
		if !dnsname.IsLabel(p.Name) {
			return fielderr.New(fielderr.Index("Peers", i)+".Name", "%q is not a DNS label (lower-case letters, digits and inner hyphens, 1-63 characters)", p.Name)
		}
		if names[p.Name] {
			return fielderr.New(fielderr.Index("Peers", i)+".Name", "%q is used twice", p.Name)
		}
		names[p.Name] = true
		if err := ValidPublicKey(p.PublicKey); err != nil {
			return fielderr.New(fielderr.Index("Peers", i)+".PublicKey", "(%s): %s", p.Name, err)
		}
		if keys[p.PublicKey] {
			return fielderr.New(fielderr.Index("Peers", i)+".PublicKey", "(%s) is another peer's key", p.Name)
		}
		keys[p.PublicKey] = true
		ip, err := netip.ParsePrefix(p.AllowedIP)
		switch {
		case err != nil || !ip.Addr().Is4() || ip.Bits() != 32:
			return fielderr.New(fielderr.Index("Peers", i)+".AllowedIP", "(%s) %q is not an IPv4 /32 (such as %s/32)", p.Name, p.AllowedIP, server.Next())
		case !client.Contains(ip.Addr()):
			return fielderr.New(fielderr.Index("Peers", i)+".AllowedIP", "(%s) %s is outside ClientCIDR %s", p.Name, ip, client)
		case ip.Addr() == client.Addr() || ip.Addr() == broadcast:
			return fielderr.New(fielderr.Index("Peers", i)+".AllowedIP", "(%s) %s is the network or broadcast address of ClientCIDR %s", p.Name, ip, client)
		case ip.Addr() == server:
			return fielderr.New(fielderr.Index("Peers", i)+".AllowedIP", "(%s) %s is the server's own address", p.Name, ip)
		}
		if other, ok := ips[ip.Addr()]; ok {
			return fielderr.New(fielderr.Index("Peers", i)+".AllowedIP", "(%s) %s is also peer %s's", p.Name, ip, other)
		}
		ips[ip.Addr()] = p.Name
	}
	return nil
}

// lastAddr returns the last (broadcast) address of an IPv4 prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := 32 - p.Bits()
	for i := 3; i >= 0 && host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	return netip.AddrFrom4(b)
}

// serverAddress is the server's tunnel address: the first host of ClientCIDR, with its prefix
// length (10.99.0.1/24).
func serverAddress(clientCIDR string) string {
	p := netip.MustParsePrefix(clientCIDR)
	return netip.PrefixFrom(p.Addr().Next(), p.Bits()).String()
}

// serverIP is the server's tunnel address alone (10.99.0.1): where its DNS forwarder listens.
func serverIP(clientCIDR string) string {
	return netip.MustParsePrefix(clientCIDR).Addr().Next().String()
}
