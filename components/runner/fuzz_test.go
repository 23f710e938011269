package runner

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

var fuzzStrings = []func(a *RunnerArgs, s string){
	func(a *RunnerArgs, s string) { a.Repository = s },
	func(a *RunnerArgs, s string) { a.ConnectionARN = pulumi.String(s) },
	func(a *RunnerArgs, s string) { a.VPCCIDR = pulumi.String(s) },
	func(a *RunnerArgs, s string) { a.SubnetIDs = pulumi.StringArray{pulumi.String(s)} },
	func(a *RunnerArgs, s string) { a.SubnetIDs = pulumi.ToStringArray([]string{}).ToStringArrayOutput() },
	func(a *RunnerArgs, s string) { a.ProjectName = s },
	func(a *RunnerArgs, s string) { a.Image = s },
	func(a *RunnerArgs, s string) { a.ComputeType = s },
	func(a *RunnerArgs, s string) { a.LogKMSKeyARN = pulumi.String(s) },
	func(a *RunnerArgs, s string) { a.PermissionsBoundaryARN = pulumi.String(s) },
	func(a *RunnerArgs, s string) { a.ClusterSecurityGroupID = pulumi.String(s) },
	func(a *RunnerArgs, s string) { a.Tags = map[string]string{s: s} },
}

// fuzzArgs is the valid base with one string field set to s and the two numbers to n and m;
// shape 1 gives nil Args, 2 zero Args, 4 nil inputs and slices, 8 a very long s.
func fuzzArgs(shape, field uint8, s string, n, m int64) *RunnerArgs {
	switch {
	case shape&1 != 0:
		return nil
	case shape&2 != 0:
		return &RunnerArgs{}
	}
	a := baseArgs()
	if shape&8 != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if int(field) < len(fuzzStrings) {
		fuzzStrings[field](a, s)
	}
	a.BuildTimeoutMinutes, a.LogRetentionDays = int(n), int(m)
	if shape&4 != 0 {
		a.ConnectionARN, a.VPCID, a.VPCCIDR, a.SubnetIDs, a.ClusterSecurityGroupID, a.LogKMSKeyARN, a.PermissionsBoundaryARN = nil, nil, nil, nil, nil, nil, nil
	}
	return a
}

// fuzzRun runs NewRunner under monitor with an AWS provider: nil or a one-line error, no panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *RunnerArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS("eu-west-1", func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewRunner(ctx, "fuzz", args, p)
		return err
	}))
}

// FuzzNewRunner: whatever the Args, NewRunner returns nil or an error, in a preview and in an
// update; it never panics.
func FuzzNewRunner(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", int64(0), int64(0))
	f.Add(uint8(1), uint8(255), "", int64(0), int64(0))
	f.Add(uint8(2), uint8(255), "", int64(0), int64(0))
	f.Add(uint8(4), uint8(255), "", int64(0), int64(0))
	f.Add(uint8(8), uint8(1), "arn:aws:codeconnections:eu-west-1:1:connection/ü", int64(-1), int64(1)<<40)
	f.Add(uint8(0), uint8(3), "", int64(2160), int64(3653))
	f.Fuzz(func(t *testing.T, shape, field uint8, s string, n, m int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, fuzzArgs(shape, field, s, n, m))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestNewRunnerDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}, dryRun, baseArgs())
		}
	}
}
