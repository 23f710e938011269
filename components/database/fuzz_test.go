package database

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
	fuzzEmpty                   // empty slices and maps
	fuzzNilInputs               // nil VPC, subnets, allowed groups, topic
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // production: protected, Multi-AZ, readers, a given key, a major upgrade
)

var fuzzStrings = []func(a *DatabaseArgs, s string){
	func(a *DatabaseArgs, s string) { a.Service = s },
	func(a *DatabaseArgs, s string) { a.Owner = s },
	func(a *DatabaseArgs, s string) { a.NamePrefix = s },
	func(a *DatabaseArgs, s string) { a.EngineVersion = s },
	func(a *DatabaseArgs, s string) { a.InstanceClass = s },
	func(a *DatabaseArgs, s string) { a.IAMUsername = s },
	func(a *DatabaseArgs, s string) { a.BackupWindow = s },
	func(a *DatabaseArgs, s string) { a.MaintenanceWindow = s },
	func(a *DatabaseArgs, s string) { a.AllowedCIDRs = append(a.AllowedCIDRs, s) },
	func(a *DatabaseArgs, s string) { a.KMSKeyARN = pulumi.StringPtr(s) },
	func(a *DatabaseArgs, s string) { a.AlarmTopicARN = pulumi.String(s) },
	func(a *DatabaseArgs, s string) { a.SubnetIDs = pulumi.StringArray{pulumi.String(s)} },
	func(a *DatabaseArgs, s string) { a.Tags = map[string]string{s: s} },
}

var fuzzInts = []func(a *DatabaseArgs, n int){
	func(a *DatabaseArgs, n int) { a.AllocatedStorageGiB = n },
	func(a *DatabaseArgs, n int) { a.MaxAllocatedStorageGiB = n },
	func(a *DatabaseArgs, n int) { a.BackupRetentionDays = n },
	func(a *DatabaseArgs, n int) { a.Readers = n },
	func(a *DatabaseArgs, n int) { a.CPUAlarmPercent = n },
	func(a *DatabaseArgs, n int) { a.FreeableMemoryAlarmMiB = n },
	func(a *DatabaseArgs, n int) { a.FreeStorageAlarmGiB = n },
	func(a *DatabaseArgs, n int) { a.ConnectionsAlarm = n },
	func(a *DatabaseArgs, n int) { a.ReplicaLagAlarmSeconds = n },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string and one number field
// replaced, and the structural changes shape asks for. An index past the setters changes nothing.
func fuzzArgs(shape, strField uint8, s string, intField uint8, n int64) *DatabaseArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := baseArgs()
	if shape&fuzzZero != 0 {
		a = &DatabaseArgs{}
	}
	if shape&fuzzAlternative != 0 {
		a.Protect, a.MultiAZ, a.Readers = true, true, 2
		a.KMSKeyARN = pulumi.StringPtr(givenKey)
		a.EngineVersion, a.AllowMajorVersionUpgrade = "17.7", true
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
		a.AllowedCIDRs, a.Tags, a.SubnetIDs, a.AllowedSecurityGroupIDs = []string{}, map[string]string{}, pulumi.StringArray{}, pulumi.StringArray{}
	}
	if shape&fuzzNilInputs != 0 {
		a.VPCID, a.SubnetIDs, a.AllowedSecurityGroupIDs, a.AlarmTopicARN = nil, nil, nil, nil
	}
	return a
}

// fuzzRun runs NewDatabase under monitor with an AWS provider, exporting the access policy (an
// output computed from the instance's): it must return nil or a one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *DatabaseArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS(region, func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		d, err := NewDatabase(ctx, "fuzz", args, p)
		if err != nil {
			return err
		}
		ctx.Export("secretArn", d.SecretARN)
		ctx.Export("readerEndpoint", d.ReaderEndpoint)
		// An instance ARN the mocks leave empty fails ConnectStatements: an error, not a panic.
		d.AccessPolicy().ApplyT(func(string) error { return nil })
		return nil
	}))
}

// FuzzNewDatabase: whatever the Args, NewDatabase returns nil or an error, in a preview and in an
// update; it never panics.
func FuzzNewDatabase(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", uint8(255), int64(0))                         // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", uint8(255), int64(0))                   // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", uint8(255), int64(0))                  // zero Args
	f.Add(uint8(fuzzAlternative), uint8(3), "16.11", uint8(3), int64(5))          // production, readers, a major version
	f.Add(uint8(fuzzEmpty|fuzzLong), uint8(0), "ünïcode", uint8(0), int64(1)<<40) // empty lists, a very long service, huge storage
	f.Add(uint8(fuzzNilInputs), uint8(8), "0.0.0.0/0", uint8(2), int64(-1))       // nil inputs, the internet, negative retention
	f.Add(uint8(fuzzAlternative), uint8(9), "not-an-arn", uint8(1), int64(21))    // a bad key ARN, max storage barely above
	f.Fuzz(func(t *testing.T, shape, strField uint8, s string, intField uint8, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New(region, account), dryRun, fuzzArgs(shape, strField, s, intField, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update, with readers (the reader endpoint, the replicas' source) and the managed secret's list.
func TestNewDatabaseDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New(region, account), Mode: mode}, dryRun, prodArgs())
		}
	}
}
