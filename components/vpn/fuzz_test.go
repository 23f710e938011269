package vpn

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

// fuzzBase is a valid VPNGatewayArgs the fuzz target mutates: two peers, routes, the cluster's
// security group and a private zone.
func fuzzBase() *VPNGatewayArgs {
	return &VPNGatewayArgs{
		VPCID:        pulumi.String("vpc-0123456789abcdef0"),
		VPCCIDR:      pulumi.String("10.30.0.0/16"),
		SubnetID:     pulumi.String("subnet-0123456789abcdef0"),
		AMIID:        "ami-0a1b2c3d4e5f60718",
		AllowedCIDRs: []string{"198.51.100.0/24", "2001:db8::/32"},
		Peers: []Peer{
			{Name: "alice", PublicKey: "K9gGyX8OAK8aH8Myj6djqSaXI8jbj6xPk69x2xhtbpA=", AllowedIP: "10.99.0.2/32"},
			{Name: "bob", PublicKey: "gbY32PzSxtpjWeaWMROhFw3nleS3JbhNHgtM/Z7FjOk=", AllowedIP: "10.99.0.3/32"},
		},
		RouteTableIDs:          pulumi.StringArray{pulumi.String("rtb-0123456789abcdef0"), pulumi.String("rtb-0123456789abcdef1")},
		ClusterSecurityGroupID: pulumi.StringPtr("sg-0123456789abcdef0"),
		PrivateZoneID:          pulumi.StringPtr("Z0123456789ABCDEFGHIJ"),
		PrivateZoneName:        "production.internal",
		Tags:                   map[string]string{"Team": "platform"},
	}
}

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args
	fuzzEmpty                   // empty slices and maps
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first peer, network and route table twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // any source, a key, protected, AMI replacement, no zone, no cluster
	fuzzNilInputs               // nil VPC, subnet, route tables and optional inputs
)

func fuzzPeer(a *VPNGatewayArgs) *Peer {
	if len(a.Peers) == 0 {
		a.Peers = []Peer{{}}
	}
	return &a.Peers[0]
}

var fuzzStrings = []func(a *VPNGatewayArgs, s string){
	func(a *VPNGatewayArgs, s string) { a.VPCCIDR = pulumi.String(s) },
	func(a *VPNGatewayArgs, s string) { a.AMIID = s },
	func(a *VPNGatewayArgs, s string) { a.InstanceType = s },
	func(a *VPNGatewayArgs, s string) { a.ClientCIDR = s },
	func(a *VPNGatewayArgs, s string) { a.AllowedCIDRs = append(a.AllowedCIDRs, s) },
	func(a *VPNGatewayArgs, s string) { fuzzPeer(a).Name = s },
	func(a *VPNGatewayArgs, s string) { fuzzPeer(a).PublicKey = s },
	func(a *VPNGatewayArgs, s string) { fuzzPeer(a).AllowedIP = s },
	func(a *VPNGatewayArgs, s string) { a.RouteTableIDs = append(a.RouteTableIDs, pulumi.String(s)) },
	func(a *VPNGatewayArgs, s string) { a.RouteTableIDs = pulumi.StringArray{nil} },
	func(a *VPNGatewayArgs, s string) { a.ClusterSecurityGroupID = pulumi.StringPtr(s) },
	func(a *VPNGatewayArgs, s string) { a.PrivateZoneID = pulumi.StringPtr(s) },
	func(a *VPNGatewayArgs, s string) { a.PrivateZoneName = s },
	func(a *VPNGatewayArgs, s string) { a.KMSKeyARN = pulumi.StringPtr(s) },
	func(a *VPNGatewayArgs, s string) { a.Tags = map[string]string{s: s} },
}

var fuzzInts = []func(a *VPNGatewayArgs, n int){
	func(a *VPNGatewayArgs, n int) { a.ListenPort = n },
	func(a *VPNGatewayArgs, n int) { a.RootVolumeSizeGiB = n },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string and one number field
// replaced, and the structural changes shape asks for. An index past the setters changes nothing.
func fuzzArgs(shape uint8, strField uint8, s string, intField uint8, n int64) *VPNGatewayArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzBase()
	if shape&fuzzZero != 0 {
		a = &VPNGatewayArgs{}
	}
	if shape&fuzzLong != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if i := int(strField); i < len(fuzzStrings) {
		fuzzStrings[i](a, s)
	}
	if i := int(intField); i < len(fuzzInts) {
		fuzzInts[i](a, int(n))
	}
	if shape&fuzzEmpty != 0 {
		a.AllowedCIDRs, a.Peers, a.RouteTableIDs, a.Tags = []string{}, []Peer{}, pulumi.StringArray{}, map[string]string{}
	}
	if shape&fuzzNilMaps != 0 {
		a.AllowedCIDRs, a.Peers, a.RouteTableIDs, a.Tags = nil, nil, nil, nil
	}
	if shape&fuzzDuplicate != 0 {
		if len(a.Peers) > 0 {
			a.Peers = append(a.Peers, a.Peers[0])
		}
		if len(a.AllowedCIDRs) > 0 {
			a.AllowedCIDRs = append(a.AllowedCIDRs, a.AllowedCIDRs[0])
		}
		if len(a.RouteTableIDs) > 0 {
			a.RouteTableIDs = append(a.RouteTableIDs, a.RouteTableIDs[0])
		}
	}
	if shape&fuzzAlternative != 0 {
		a.AllowAnySource, a.AllowedCIDRs = true, []string{"0.0.0.0/0", "::/0"}
		a.Protect, a.AllowAMIReplacement = true, true
		a.KMSKeyARN = pulumi.StringPtr("arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab")
		a.PrivateZoneID, a.PrivateZoneName, a.ClusterSecurityGroupID = nil, "", nil
	}
	if shape&fuzzNilInputs != 0 {
		a.VPCID, a.SubnetID, a.RouteTableIDs, a.ClusterSecurityGroupID, a.PrivateZoneID, a.KMSKeyARN = nil, nil, nil, nil, nil, nil
	}
	return a
}

// fuzzRun runs NewVPNGateway under monitor with an AWS provider: it must return nil or a
// one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *VPNGatewayArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS("eu-west-1", func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewVPNGateway(ctx, "fuzz", args, p)
		return err
	}))
}

// FuzzNewVPNGateway: whatever the Args, NewVPNGateway returns nil or an error, in a preview and
// in an update; it never panics.
func FuzzNewVPNGateway(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", uint8(255), int64(0))                           // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", uint8(255), int64(0))                     // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", uint8(255), int64(0))                    // zero Args
	f.Add(uint8(fuzzDuplicate), uint8(5), "ünïcode", uint8(0), int64(-1))           // duplicates, a unicode peer name, a negative port
	f.Add(uint8(fuzzEmpty|fuzzLong), uint8(14), "k", uint8(1), int64(1)<<40)        // no peers or routes, a very long tag, a huge volume
	f.Add(uint8(fuzzAlternative), uint8(3), "10.99.0.0/24", uint8(0), int64(51821)) // any source, a key, no zone, another port
	f.Add(uint8(fuzzNilMaps|fuzzNilInputs), uint8(9), "", uint8(255), int64(0))     // nil slices and inputs, a nil route table
	f.Fuzz(func(t *testing.T, shape uint8, strField uint8, s string, intField uint8, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, fuzzArgs(shape, strField, s, intField, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestNewVPNGatewayDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}, dryRun, fuzzBase())
		}
	}
}
