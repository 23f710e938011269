package cache

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args
	fuzzEmpty                   // empty slices and maps, empty input arrays
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first CIDR twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // a key, protected, replicas, Multi-AZ forced on
	fuzzNilInputs               // nil VPC, subnets, groups, topic and key inputs
)

var fuzzStrings = []func(a *CacheArgs, s string){
	func(a *CacheArgs, s string) { a.Service = s },
	func(a *CacheArgs, s string) { a.Owner = s },
	func(a *CacheArgs, s string) { a.NamePrefix = s },
	func(a *CacheArgs, s string) { a.EngineVersion = s },
	func(a *CacheArgs, s string) { a.NodeType = s },
	func(a *CacheArgs, s string) { a.SnapshotWindow = s },
	func(a *CacheArgs, s string) { a.MaintenanceWindow = s },
	func(a *CacheArgs, s string) { a.AllowedCIDRs = append(a.AllowedCIDRs, s) },
	func(a *CacheArgs, s string) { a.KMSKeyARN = pulumi.StringPtr(s) },
	func(a *CacheArgs, s string) { a.AlarmTopicARN = pulumi.String(s) },
	func(a *CacheArgs, s string) { a.SubnetIDs = pulumi.StringArray{pulumi.String(s)} },
	func(a *CacheArgs, s string) { a.AllowedSecurityGroupIDs = pulumi.StringArray{pulumi.String(s)} },
	func(a *CacheArgs, s string) { a.Tags = map[string]string{s: s} },
	func(a *CacheArgs, s string) { a.Tags = map[string]string{TagOwner: s} },
}

var fuzzInts = []func(a *CacheArgs, n int){
	func(a *CacheArgs, n int) { a.Replicas = n },
	func(a *CacheArgs, n int) { a.SnapshotRetentionDays = n },
	func(a *CacheArgs, n int) { a.SecretRecoveryWindowDays = n },
	func(a *CacheArgs, n int) { a.CPUThresholdPercent = n },
	func(a *CacheArgs, n int) { a.EngineCPUThresholdPercent = n },
	func(a *CacheArgs, n int) { a.MemoryThresholdPercent = n },
	func(a *CacheArgs, n int) { a.EvictionsThreshold = n },
	func(a *CacheArgs, n int) { a.ConnectionsThreshold = n },
	func(a *CacheArgs, n int) { a.ReplicationLagThresholdSeconds = n },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string and one number field
// replaced, and the structural changes shape asks for. An index past the setters changes nothing.
func fuzzArgs(shape uint8, strField uint8, s string, intField uint8, n int64) *CacheArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := prodArgs()
	if shape&fuzzZero != 0 {
		a = &CacheArgs{}
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
		a.AllowedCIDRs, a.Tags = []string{}, map[string]string{}
		a.SubnetIDs, a.AllowedSecurityGroupIDs = pulumi.StringArray{}, pulumi.StringArray{}
	}
	if shape&fuzzNilMaps != 0 {
		a.AllowedCIDRs, a.Tags = nil, nil
	}
	if shape&fuzzDuplicate != 0 && len(a.AllowedCIDRs) > 0 {
		a.AllowedCIDRs = append(a.AllowedCIDRs, a.AllowedCIDRs[0])
	}
	if shape&fuzzAlternative != 0 {
		on := true
		a.KMSKeyARN, a.Protect, a.Replicas, a.MultiAZ = pulumi.StringPtr(givenKey), true, a.Replicas+1, &on
	}
	if shape&fuzzNilInputs != 0 {
		a.VPCID, a.SubnetIDs, a.AllowedSecurityGroupIDs, a.AlarmTopicARN, a.KMSKeyARN = nil, nil, nil, nil, nil
	}
	return a
}

// fuzzRun runs NewCache under monitor with an AWS provider: it must return nil or a one-line
// error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *CacheArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS(region, func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		c, err := NewCache(ctx, "fuzz", args, p)
		if err != nil {
			return err
		}
		ctx.Export("access", c.AccessStatements())
		return nil
	}))
}

// FuzzNewCache: whatever the Args, NewCache returns nil or an error, in a preview and in an
// update; it never panics.
func FuzzNewCache(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", uint8(255), int64(0))                              // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", uint8(255), int64(0))                        // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", uint8(255), int64(0))                       // zero Args
	f.Add(uint8(fuzzDuplicate), uint8(0), "ünïcode", uint8(0), int64(-1))              // duplicates, a unicode service, negative replicas
	f.Add(uint8(fuzzEmpty|fuzzLong), uint8(12), "k", uint8(1), int64(1)<<40)           // empty slices, a very long tag, a huge retention
	f.Add(uint8(fuzzAlternative), uint8(6), "sun:03:30-sun:04:30", uint8(0), int64(5)) // overlapping windows, five replicas, a key
	f.Add(uint8(fuzzNilMaps|fuzzNilInputs), uint8(7), "0.0.0.0/0", uint8(7), int64(1)) // nil inputs, a default route
	f.Add(uint8(fuzzAlternative), uint8(8), "not-an-arn", uint8(255), int64(0))        // a key that is not an ARN
	f.Fuzz(func(t *testing.T, shape uint8, strField uint8, s string, intField uint8, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New(region, account), dryRun, fuzzArgs(shape, strField, s, intField, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestNewCacheDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New(region, account), Mode: mode}, dryRun, prodArgs())
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New(region, account), Mode: mode}, dryRun, baseArgs())
		}
	}
}
