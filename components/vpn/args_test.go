package vpn

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Peers' public keys: base64 of 32 bytes, as `wg pubkey` prints them.
const (
	aliceKey = "K9gGyX8OAK8aH8Myj6djqSaXI8jbj6xPk69x2xhtbpA="
	bobKey   = "gbY32PzSxtpjWeaWMROhFw3nleS3JbhNHgtM/Z7FjOk="
)

func baseArgs() *VPNGatewayArgs {
	return &VPNGatewayArgs{
		VPCID:        pulumi.String("vpc-0123"),
		VPCCIDR:      pulumi.String("10.30.0.0/16"),
		SubnetID:     pulumi.String("subnet-public-a"),
		AMIID:        "ami-0a1b2c3d4e5f60718",
		AllowedCIDRs: []string{"198.51.100.0/24", "2001:db8::/32"},
		Peers: []Peer{
			{Name: "alice", PublicKey: aliceKey, AllowedIP: "10.99.0.2/32"},
			{Name: "bob", PublicKey: bobKey, AllowedIP: "10.99.0.3/32"},
		},
		RouteTableIDs: pulumi.StringArray{pulumi.String("rtb-private-a"), pulumi.String("rtb-private-b"), pulumi.String("rtb-database")},
		Tags:          map[string]string{"Team": "platform"},
	}
}

func TestDefaults(t *testing.T) {
	a := baseArgs()
	d := a.withDefaults()
	if d.InstanceType != "t3.small" || d.ClientCIDR != "10.99.0.0/24" || d.ListenPort != 51820 || d.RootVolumeSizeGiB != 20 || d.AllowAnySource || d.Protect {
		t.Errorf("defaults: %+v", d)
	}
	// the defaults are secure: the copy is independent of the caller's slices
	d.Peers[0].Name = "changed"
	d.AllowedCIDRs[0] = "0.0.0.0/0"
	if a.Peers[0].Name != "alice" || a.AllowedCIDRs[0] != "198.51.100.0/24" {
		t.Error("withDefaults shares the caller's slices")
	}
	given := baseArgs()
	given.InstanceType, given.ClientCIDR, given.ListenPort, given.RootVolumeSizeGiB = "t4g.small", "172.16.30.0/24", 443+50000, 30
	if g := given.withDefaults(); g.InstanceType != "t4g.small" || g.ClientCIDR != "172.16.30.0/24" || g.ListenPort != 50443 || g.RootVolumeSizeGiB != 30 {
		t.Errorf("given values overridden: %+v", g)
	}
	var none *VPNGatewayArgs
	if n := none.withDefaults(); n.ListenPort != 51820 || n.ClientCIDR != DefaultClientCIDR {
		t.Errorf("nil args: %+v", n)
	}
	if err := none.withDefaults().validate(); err == nil || err.Error() != "VPCID: is required" {
		t.Errorf("nil args validate: %v", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*VPNGatewayArgs)
		want   string
	}{
		{"no vpc", func(a *VPNGatewayArgs) { a.VPCID = nil }, "VPCID: is required"},
		{"no subnet", func(a *VPNGatewayArgs) { a.SubnetID = nil }, "SubnetID: is required"},
		{"bad vpc cidr", func(a *VPNGatewayArgs) { a.VPCCIDR = pulumi.String("10.30.0.0") }, `VPCCIDR: "10.30.0.0" is not an IPv4 CIDR`},
		{"missing ami", func(a *VPNGatewayArgs) { a.AMIID = "" }, `AMIID: "" is not an AMI id (ami- and 8 or 17 hex digits)`},
		{"bad ami", func(a *VPNGatewayArgs) { a.AMIID = "ami-12345" }, `AMIID: "ami-12345" is not an AMI id`},
		{"ami by name", func(a *VPNGatewayArgs) { a.AMIID = "al2023-ami-2023.8" }, `AMIID: "al2023-ami-2023.8"`},
		{"instance type", func(a *VPNGatewayArgs) { a.InstanceType = "small" }, `InstanceType: "small" is not an EC2 instance type`},
		{"client cidr not a cidr", func(a *VPNGatewayArgs) { a.ClientCIDR = "vpn" }, `ClientCIDR: "vpn" is not an IPv4 CIDR`},
		{"client cidr ipv6", func(a *VPNGatewayArgs) { a.ClientCIDR = "fd00::/64" }, `ClientCIDR: "fd00::/64" is not an IPv4 CIDR`},
		{"client cidr too small", func(a *VPNGatewayArgs) { a.ClientCIDR = "10.99.0.0/30" }, "ClientCIDR: 10.99.0.0/30 is /30: allowed are /16 to /29"},
		{"client cidr too large", func(a *VPNGatewayArgs) { a.ClientCIDR = "10.0.0.0/8" }, "ClientCIDR: 10.0.0.0/8 is /8: allowed are /16 to /29"},
		{"client cidr host bits", func(a *VPNGatewayArgs) { a.ClientCIDR = "10.99.0.1/24" }, "ClientCIDR: 10.99.0.1/24 is not a network address (did you mean 10.99.0.0/24?)"},
		{"client cidr overlaps vpc", func(a *VPNGatewayArgs) { a.ClientCIDR = "10.30.200.0/24" }, "ClientCIDR: 10.30.200.0/24 overlaps VPCCIDR 10.30.0.0/16"},
		{"client cidr contains vpc", func(a *VPNGatewayArgs) { a.ClientCIDR = "10.30.0.0/16" }, "overlaps VPCCIDR"},
		{"privileged port", func(a *VPNGatewayArgs) { a.ListenPort = 500 }, "ListenPort: 500 is outside 1024 to 65535"},
		{"port too high", func(a *VPNGatewayArgs) { a.ListenPort = 70000 }, "ListenPort: 70000 is outside 1024 to 65535"},
		{"no allowed cidrs", func(a *VPNGatewayArgs) { a.AllowedCIDRs = nil }, "AllowedCIDRs: is empty: name the networks that may reach UDP 51820"},
		{"allowed cidr not a cidr", func(a *VPNGatewayArgs) { a.AllowedCIDRs = []string{"office"} }, `AllowedCIDRs[0]: "office" is not a CIDR`},
		{"allowed cidr host bits", func(a *VPNGatewayArgs) { a.AllowedCIDRs = []string{"198.51.100.7/24"} }, "AllowedCIDRs[0]: 198.51.100.7/24 is not a network address (did you mean 198.51.100.0/24?)"},
		{"open to ipv4 internet", func(a *VPNGatewayArgs) { a.AllowedCIDRs = append(a.AllowedCIDRs, "0.0.0.0/0") }, "AllowedCIDRs[2]: 0.0.0.0/0 opens the VPN port to the internet: name the networks, or set AllowAnySource"},
		{"open to ipv6 internet", func(a *VPNGatewayArgs) { a.AllowedCIDRs = []string{"::/0"} }, "AllowedCIDRs[0]: ::/0 opens the VPN port to the internet"},
		{"allowed cidr twice", func(a *VPNGatewayArgs) { a.AllowedCIDRs = []string{"198.51.100.0/24", "198.51.100.0/24"} }, "AllowedCIDRs[1]: 198.51.100.0/24 is listed twice"},
		{"peer name", func(a *VPNGatewayArgs) { a.Peers[0].Name = "Alice Laptop" }, `Peers[0].Name: "Alice Laptop" is not a DNS label`},
		{"peer name empty", func(a *VPNGatewayArgs) { a.Peers[1].Name = "" }, `Peers[1].Name: "" is not a DNS label`},
		{"peer name twice", func(a *VPNGatewayArgs) { a.Peers[1].Name = "alice" }, `Peers[1].Name: "alice" is used twice`},
		{"peer key empty", func(a *VPNGatewayArgs) { a.Peers[0].PublicKey = "" }, `Peers[0].PublicKey: (alice): "" is not a WireGuard key`},
		{"peer key not base64", func(a *VPNGatewayArgs) { a.Peers[0].PublicKey = strings.Repeat("!", 44) }, "is not a WireGuard key (44 characters of base64 of 32 bytes"},
		{"peer key 31 bytes", func(a *VPNGatewayArgs) { a.Peers[0].PublicKey = "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eA==" }, "is not a WireGuard key"},
		{"peer key hex", func(a *VPNGatewayArgs) { a.Peers[0].PublicKey = strings.Repeat("ab", 32) }, "is not a WireGuard key"},
		{"peer key twice", func(a *VPNGatewayArgs) { a.Peers[1].PublicKey = aliceKey }, "Peers[1].PublicKey: (bob) is another peer's key"},
		{"peer ip without prefix", func(a *VPNGatewayArgs) { a.Peers[0].AllowedIP = "10.99.0.2" }, `Peers[0].AllowedIP: (alice) "10.99.0.2" is not an IPv4 /32 (such as 10.99.0.2/32)`},
		{"peer ip a range", func(a *VPNGatewayArgs) { a.Peers[0].AllowedIP = "10.99.0.0/24" }, `"10.99.0.0/24" is not an IPv4 /32`},
		{"peer ip ipv6", func(a *VPNGatewayArgs) { a.Peers[0].AllowedIP = "fd00::2/128" }, `"fd00::2/128" is not an IPv4 /32`},
		{"peer ip outside", func(a *VPNGatewayArgs) { a.Peers[0].AllowedIP = "10.98.0.2/32" }, "Peers[0].AllowedIP: (alice) 10.98.0.2/32 is outside ClientCIDR 10.99.0.0/24"},
		{"peer ip network", func(a *VPNGatewayArgs) { a.Peers[0].AllowedIP = "10.99.0.0/32" }, "10.99.0.0/32 is the network or broadcast address of ClientCIDR 10.99.0.0/24"},
		{"peer ip broadcast", func(a *VPNGatewayArgs) { a.Peers[0].AllowedIP = "10.99.0.255/32" }, "10.99.0.255/32 is the network or broadcast address"},
		{"peer ip is the server", func(a *VPNGatewayArgs) { a.Peers[1].AllowedIP = "10.99.0.1/32" }, "Peers[1].AllowedIP: (bob) 10.99.0.1/32 is the server's own address"},
		{"peer ip twice", func(a *VPNGatewayArgs) { a.Peers[1].AllowedIP = "10.99.0.2/32" }, "Peers[1].AllowedIP: (bob) 10.99.0.2/32 is also peer alice's"},
		{"broadcast of a /29", func(a *VPNGatewayArgs) {
			a.ClientCIDR = "10.99.0.8/29"
			a.Peers = []Peer{{Name: "alice", PublicKey: aliceKey, AllowedIP: "10.99.0.15/32"}}
		}, "10.99.0.15/32 is the network or broadcast address of ClientCIDR 10.99.0.8/29"},
		{"no route tables", func(a *VPNGatewayArgs) { a.RouteTableIDs = nil }, "RouteTableIDs: is empty: give the route tables of the subnets clients reach"},
		{"nil route table", func(a *VPNGatewayArgs) { a.RouteTableIDs = append(a.RouteTableIDs, nil) }, "RouteTableIDs[3]: is nil"},
		{"zone id without name", func(a *VPNGatewayArgs) { a.PrivateZoneID = pulumi.String("Z123") }, "PrivateZoneName: is empty but PrivateZoneID is set: give both or neither"},
		{"zone name without id", func(a *VPNGatewayArgs) { a.PrivateZoneName = "prod.internal" }, `PrivateZoneID: is not set but PrivateZoneName is "prod.internal"`},
		{"bad zone name", func(a *VPNGatewayArgs) {
			a.PrivateZoneID, a.PrivateZoneName = pulumi.String("Z123"), "Prod_Internal"
		}, `PrivateZoneName: "Prod_Internal" is not a fully qualified domain`},
		{"root volume", func(a *VPNGatewayArgs) { a.RootVolumeSizeGiB = 4 }, "RootVolumeSizeGiB: 4 is outside 8 to 16384"},
		{"kms alias", func(a *VPNGatewayArgs) { a.KMSKeyARN = pulumi.String("arn:aws:kms:eu-west-1:111122223333:alias/hosts") }, `KMSKeyARN: "arn:aws:kms:eu-west-1:111122223333:alias/hosts" is not a KMS key ARN`},
		{"kms key id", func(a *VPNGatewayArgs) { a.KMSKeyARN = pulumi.String("0b5e2f43-1a2b-4c3d-8e9f-0123456789ab") }, `KMSKeyARN: "0b5e2f43-1a2b-4c3d-8e9f-0123456789ab" is not a KMS key ARN`},
		{"kms another service", func(a *VPNGatewayArgs) {
			a.KMSKeyARN = pulumi.String("arn:aws:secretsmanager:eu-west-1:111122223333:secret:key/x")
		}, "is not a KMS key ARN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.withDefaults().validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("validate() = %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") || strings.HasSuffix(err.Error(), ".") {
				t.Errorf("not a one-line Go error: %q", err)
			}
		})
	}
}

// The peers must fit a Standard SSM parameter (4096 bytes): 35 peers with short names do, 40 with
// long names do not, and the error says how many bytes they take.
func TestPeersSize(t *testing.T) {
	peers := func(n int, name string) []Peer {
		var ps []Peer
		for i := range n {
			key := sha256.Sum256([]byte{byte(i)})
			ps = append(ps, Peer{Name: fmt.Sprintf(name, i), PublicKey: base64.StdEncoding.EncodeToString(key[:]), AllowedIP: fmt.Sprintf("10.99.0.%d/32", i+2)})
		}
		return ps
	}
	a := baseArgs()
	a.Peers = peers(35, "laptop-%02d")
	if err := a.withDefaults().validate(); err != nil {
		t.Errorf("35 short peers: %v", err)
	}
	a.Peers = peers(40, "engineering-laptop-of-person-%02d")
	n := len(peersConf(a.Peers))
	want := fmt.Sprintf("Peers: 40 peers take %d bytes in the peers' SSM parameter, over the 4096 bytes of a Standard parameter (shorten their names or remove peers)", n)
	if err := a.withDefaults().validate(); n <= maxPeersBytes || err == nil || err.Error() != want {
		t.Errorf("40 long peers (%d bytes): %v", n, err)
	}
	if err := a.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate: %v", err)
	}
}

func TestValidArgs(t *testing.T) {
	ok := []struct {
		name   string
		mutate func(*VPNGatewayArgs)
	}{
		{"base", func(*VPNGatewayArgs) {}},
		{"no peers yet", func(a *VPNGatewayArgs) { a.Peers = nil }},
		{"open on purpose", func(a *VPNGatewayArgs) { a.AllowedCIDRs, a.AllowAnySource = []string{"0.0.0.0/0", "::/0"}, true }},
		{"smallest range", func(a *VPNGatewayArgs) {
			a.ClientCIDR = "10.99.0.8/29"
			a.Peers = []Peer{{Name: "alice", PublicKey: aliceKey, AllowedIP: "10.99.0.10/32"}, {Name: "bob-2", PublicKey: bobKey, AllowedIP: "10.99.0.14/32"}}
		}},
		{"largest range", func(a *VPNGatewayArgs) {
			a.ClientCIDR = "172.16.0.0/16"
			a.Peers = []Peer{{Name: "alice", PublicKey: aliceKey, AllowedIP: "172.16.255.254/32"}}
		}},
		{"private zone", func(a *VPNGatewayArgs) { a.PrivateZoneID, a.PrivateZoneName = pulumi.String("Z123"), "prod.internal" }},
		{"8-digit ami", func(a *VPNGatewayArgs) { a.AMIID = "ami-0a1b2c3d" }},
	}
	for _, c := range ok {
		a := baseArgs()
		c.mutate(a)
		if err := a.withDefaults().validate(); err != nil {
			t.Errorf("%s: valid args rejected: %v", c.name, err)
		}
	}
}

// A VPCCIDR from another resource or stack is checked once it resolves: the overlap with the
// client range fails the client configuration instead of being missed.
func TestVPCCIDROutputIsCheckedWhenItResolves(t *testing.T) {
	a := baseArgs()
	a.ClientCIDR, a.Peers = "10.30.1.0/24", nil
	a.VPCCIDR = pulumi.String("10.30.0.0/16").ToStringOutput()
	if err := a.Validate(); err != nil {
		t.Fatalf("an Output cannot be checked up front: %v", err)
	}
	if _, err := clientConfig("prod-vpn", *a, "key", "203.0.113.10:51820", "10.30.0.0/16"); err == nil || !strings.Contains(err.Error(), "ClientCIDR: 10.30.1.0/24 overlaps VPCCIDR 10.30.0.0/16") {
		t.Errorf("overlap not reported: %v", err)
	}
}

func TestAddresses(t *testing.T) {
	for cidr, want := range map[string][2]string{
		"10.99.0.0/24":  {"10.99.0.1/24", "10.99.0.255"},
		"10.99.0.8/29":  {"10.99.0.9/29", "10.99.0.15"},
		"172.16.0.0/16": {"172.16.0.1/16", "172.16.255.255"},
		"10.99.4.0/22":  {"10.99.4.1/22", "10.99.7.255"},
	} {
		if got := serverAddress(cidr); got != want[0] {
			t.Errorf("serverAddress(%s) = %s, want %s", cidr, got, want[0])
		}
		if got := lastAddr(netip.MustParsePrefix(cidr)).String(); got != want[1] {
			t.Errorf("lastAddr(%s) = %s, want %s", cidr, got, want[1])
		}
	}
}
