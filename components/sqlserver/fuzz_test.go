package sqlserver

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

// fuzzBase is a valid, production-like SQLServerHostArgs the fuzz target mutates.
func fuzzBase() *SQLServerHostArgs {
	return &SQLServerHostArgs{
		AMIID:               "ami-0a1b2c3d4e5f60718",
		Edition:             Standard,
		VPCID:               pulumi.String("vpc-0a1b2c3d4e5f60718"),
		SubnetID:            pulumi.String("subnet-0db1a2b3c4d5e6f70"),
		AvailabilityZone:    "eu-west-1a",
		NodeSecurityGroupID: pulumi.String("sg-0node0123456789ab"),
		VPNClientCIDR:       "10.8.0.0/22",
		OnPremisesCIDRs:     []string{"192.168.0.0/16", "2001:db8::/32"},
		BackupRetentionDays: 35,
		AlarmSubscriptions:  []AlarmSubscription{{ProtocolEmail, "dba@flowmart.example"}, {ProtocolHTTPS, "https://events.pagerduty.com/integration/abc/enqueue"}},
		PrivateZoneID:       pulumi.String("Z0123456789ABCDEFGHIJ"),
		PrivateZoneName:     "production.internal",
		Tags:                map[string]string{"Team": "data"},
	}
}

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args
	fuzzEmpty                   // empty slices and maps
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first network and subscription twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // Enterprise, a key, protected, AMI replacement allowed, a host name
	fuzzNilInputs               // nil VPC, subnet, node group and zone inputs
)

var fuzzStrings = []func(a *SQLServerHostArgs, s string){
	func(a *SQLServerHostArgs, s string) { a.AMIID = s },
	func(a *SQLServerHostArgs, s string) { a.Edition = Edition(s) },
	func(a *SQLServerHostArgs, s string) { a.InstanceType = s },
	func(a *SQLServerHostArgs, s string) { a.AvailabilityZone = s },
	func(a *SQLServerHostArgs, s string) { a.SubnetID = pulumi.String(s) },
	func(a *SQLServerHostArgs, s string) { a.VPNClientCIDR = s },
	func(a *SQLServerHostArgs, s string) { a.OnPremisesCIDRs = append(a.OnPremisesCIDRs, s) },
	func(a *SQLServerHostArgs, s string) { a.KMSKeyARN = pulumi.StringPtr(s) },
	func(a *SQLServerHostArgs, s string) { a.MaintenanceWindowSchedule = s },
	func(a *SQLServerHostArgs, s string) { a.BackupSchedule = s },
	func(a *SQLServerHostArgs, s string) {
		a.AlarmSubscriptions = []AlarmSubscription{{s, "dba@flowmart.example"}}
	},
	func(a *SQLServerHostArgs, s string) { a.AlarmSubscriptions = []AlarmSubscription{{ProtocolEmail, s}} },
	func(a *SQLServerHostArgs, s string) { a.AlarmSubscriptions = []AlarmSubscription{{ProtocolHTTPS, s}} },
	func(a *SQLServerHostArgs, s string) { a.PrivateZoneName = s },
	func(a *SQLServerHostArgs, s string) { a.HostName = s },
	func(a *SQLServerHostArgs, s string) { a.Tags = map[string]string{s: s} },
}

var fuzzInts = []func(a *SQLServerHostArgs, n int){
	func(a *SQLServerHostArgs, n int) { a.RootVolumeSizeGiB = n },
	func(a *SQLServerHostArgs, n int) { a.DataVolume.SizeGiB = n },
	func(a *SQLServerHostArgs, n int) { a.LogVolume.IOPS = n },
	func(a *SQLServerHostArgs, n int) { a.TempDBVolume.ThroughputMiBps = n },
	func(a *SQLServerHostArgs, n int) { a.BackupVolume = Volume{SizeGiB: n, IOPS: n, ThroughputMiBps: n} },
	func(a *SQLServerHostArgs, n int) { a.SecretRecoveryWindowDays = n },
	func(a *SQLServerHostArgs, n int) { a.PatchApproveAfterDays = n },
	func(a *SQLServerHostArgs, n int) { a.MaintenanceWindowHours = n },
	func(a *SQLServerHostArgs, n int) { a.MaintenanceWindowCutoffHours = n },
	func(a *SQLServerHostArgs, n int) { a.BackupRetentionDays = n },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string and one number field
// replaced, and the structural changes shape asks for. An index past the setters changes nothing.
func fuzzArgs(shape uint8, strField uint8, s string, intField uint8, n int64) *SQLServerHostArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzBase()
	if shape&fuzzZero != 0 {
		a = &SQLServerHostArgs{}
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
		a.OnPremisesCIDRs, a.AlarmSubscriptions, a.Tags = []string{}, []AlarmSubscription{}, map[string]string{}
	}
	if shape&fuzzNilMaps != 0 {
		a.OnPremisesCIDRs, a.AlarmSubscriptions, a.Tags = nil, nil, nil
	}
	if shape&fuzzDuplicate != 0 {
		if len(a.OnPremisesCIDRs) > 0 {
			a.OnPremisesCIDRs = append(a.OnPremisesCIDRs, a.OnPremisesCIDRs[0])
		}
		if len(a.AlarmSubscriptions) > 0 {
			a.AlarmSubscriptions = append(a.AlarmSubscriptions, a.AlarmSubscriptions[0])
		}
	}
	if shape&fuzzAlternative != 0 {
		a.Edition, a.Protect, a.AllowAMIReplacement = Enterprise, true, true
		a.KMSKeyARN = pulumi.StringPtr("arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab")
		a.HostName = "mssql"
	}
	if shape&fuzzNilInputs != 0 {
		a.VPCID, a.SubnetID, a.NodeSecurityGroupID, a.PrivateZoneID, a.KMSKeyARN = nil, nil, nil, nil, nil
	}
	return a
}

// fuzzRun runs NewSQLServerHost under monitor with an AWS provider: it must return nil or a
// one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *SQLServerHostArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS("eu-west-1", func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewSQLServerHost(ctx, "fuzz", args, p)
		return err
	}))
}

// FuzzNewSQLServerHost: whatever the Args, NewSQLServerHost returns nil or an error, in a preview
// and in an update; it never panics.
func FuzzNewSQLServerHost(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", uint8(255), int64(0))                              // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", uint8(255), int64(0))                        // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", uint8(255), int64(0))                       // zero Args
	f.Add(uint8(fuzzDuplicate), uint8(14), "ünïcode", uint8(0), int64(-1))             // duplicates, a unicode host name, a negative size
	f.Add(uint8(fuzzEmpty|fuzzLong), uint8(15), "k", uint8(1), int64(1)<<40)           // empty slices, a very long tag, a huge volume
	f.Add(uint8(fuzzAlternative), uint8(8), "cron(0 2 ? * SUN *)", uint8(7), int64(4)) // Enterprise, a key, a schedule
	f.Add(uint8(fuzzNilMaps|fuzzNilInputs), uint8(12), "http://x", uint8(9), int64(1)) // nil slices and inputs, a plain-http endpoint
	f.Fuzz(func(t *testing.T, shape uint8, strField uint8, s string, intField uint8, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, fuzzArgs(shape, strField, s, intField, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestNewSQLServerHostDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}, dryRun, fuzzBase())
		}
	}
}
