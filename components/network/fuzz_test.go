package network

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

// fuzzBase is a valid NetworkArgs the fuzz target mutates.
func fuzzBase() *NetworkArgs {
	return &NetworkArgs{
		Region: "eu-west-1", CIDRBlock: "10.30.0.0/16", AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"},
		InterfaceEndpoints: []string{"sts", "logs"}, PrivateZoneName: "test.internal",
		Tags: map[string]string{"team": "platform"},
	}
}

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args
	fuzzEmpty                   // empty slices and maps
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first zone and endpoint twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // one NAT with its Elastic IP, database egress, every endpoint, three zones
	fuzzNoNAT                   // no NAT gateway
)

var fuzzStrings = []func(a *NetworkArgs, s string){
	func(a *NetworkArgs, s string) { a.Region = s },
	func(a *NetworkArgs, s string) { a.CIDRBlock = s },
	func(a *NetworkArgs, s string) { a.AvailabilityZones = append(a.AvailabilityZones, s) },
	func(a *NetworkArgs, s string) { a.AvailabilityZones = []string{a.Region + s, a.Region + "b"} },
	func(a *NetworkArgs, s string) { a.NATStrategy = NATStrategy(s) },
	func(a *NetworkArgs, s string) { a.NATEIPAllocationIDs = []string{s, s} },
	func(a *NetworkArgs, s string) { a.InterfaceEndpoints = append(a.InterfaceEndpoints, s) },
	func(a *NetworkArgs, s string) { a.PrivateZoneName = s },
	func(a *NetworkArgs, s string) { a.Tags = map[string]string{s: s} },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string field replaced, the
// flow log retention set to n when it is not 0, and the structural changes shape asks for. A field
// index past the setters changes nothing.
func fuzzArgs(shape uint8, field uint8, s string, n int64) *NetworkArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzBase()
	if shape&fuzzZero != 0 {
		a = &NetworkArgs{}
	}
	if shape&fuzzAlternative != 0 {
		a.NATStrategy, a.NATEIPAllocationIDs, a.DatabaseEgress = NATSingle, []string{"eipalloc-0123456789abcdef0"}, true
		a.InterfaceEndpoints = append([]string(nil), OptionalEndpoints...)
		a.AvailabilityZones = append(a.AvailabilityZones, a.Region+"c")
	}
	if shape&fuzzNoNAT != 0 {
		a.NATStrategy, a.NATEIPAllocationIDs = NATNone, nil
	}
	if shape&fuzzLong != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if i := int(field); i < len(fuzzStrings) {
		fuzzStrings[i](a, s)
	}
	if n != 0 {
		a.FlowLogRetentionDays = int(n)
	}
	if shape&fuzzEmpty != 0 {
		a.InterfaceEndpoints, a.NATEIPAllocationIDs, a.Tags = []string{}, []string{}, map[string]string{}
	}
	if shape&fuzzNilMaps != 0 {
		a.InterfaceEndpoints, a.NATEIPAllocationIDs, a.Tags = nil, nil, nil
	}
	if shape&fuzzDuplicate != 0 {
		if len(a.AvailabilityZones) > 0 {
			a.AvailabilityZones = append(a.AvailabilityZones, a.AvailabilityZones[0])
		}
		if len(a.InterfaceEndpoints) > 0 {
			a.InterfaceEndpoints = append(a.InterfaceEndpoints, a.InterfaceEndpoints[0])
		}
	}
	return a
}

// fuzzRun runs NewNetwork under monitor with an AWS provider in eu-west-1: it must return nil
// or a one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *NetworkArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS("eu-west-1", func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewNetwork(ctx, "fuzz", args, p)
		return err
	}))
}

// FuzzNewNetwork: whatever the Args, NewNetwork returns nil or an error, in a preview and in an
// update; it never panics.
func FuzzNewNetwork(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", int64(0))                                      // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", int64(0))                                // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", int64(0))                               // zero Args
	f.Add(uint8(fuzzEmpty|fuzzDuplicate), uint8(7), "ünïcode.internal", int64(-1)) // duplicate zones, a unicode zone name, a negative retention
	f.Add(uint8(fuzzNilMaps|fuzzLong), uint8(8), "k", int64(1)<<40)                // nil slices, a very long tag, a huge retention
	f.Add(uint8(fuzzAlternative), uint8(255), "", int64(0))                        // one NAT on an existing EIP, every endpoint, three zones
	f.Add(uint8(fuzzNoNAT), uint8(1), "10.30.0.0/20", int64(7))                    // no NAT, the smallest VPC
	f.Fuzz(func(t *testing.T, shape uint8, field uint8, s string, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, fuzzArgs(shape, field, s, n))
		}
	})
}

// Missing, empty or unknown outputs of every child and of the region lookup (mocks.Degraded): no
// panic, in a preview or an update.
func TestNewNetworkDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			a := fuzzArgs(fuzzAlternative, 255, "", 0)
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}, dryRun, a)
		}
	}
}
