package cicd

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

const fuzzAccount = "777788889999"

// fuzzBase is a valid DeployIdentityArgs the fuzz target mutates: three environments in two
// regions.
func fuzzBase() *DeployIdentityArgs {
	return &DeployIdentityArgs{
		Repository:     "flowmart/platform",
		AccountID:      fuzzAccount,
		Regions:        []string{"eu-west-1", "eu-central-1"},
		Environments:   []Environment{{Name: "dev"}, {Name: "staging"}, {Name: "production", IAMNamePrefix: "prod-"}},
		StateBucketARN: pulumi.String("arn:aws:s3:::flowmart-pulumi-state-777788889999"),
		StateKMSKeyARN: pulumi.String("arn:aws:kms:eu-west-1:777788889999:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab"),
		Tags:           map[string]string{"team": "platform"},
	}
}

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args
	fuzzEmpty                   // empty slices and maps
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first region and environment twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // an existing OIDC provider, a permissions boundary, protected
	fuzzNilInputs               // nil state bucket, key and optional inputs
)

func fuzzEnvironment(a *DeployIdentityArgs) *Environment {
	if len(a.Environments) == 0 {
		a.Environments = []Environment{{}}
	}
	return &a.Environments[0]
}

var fuzzStrings = []func(a *DeployIdentityArgs, s string){
	func(a *DeployIdentityArgs, s string) { a.Repository = s },
	func(a *DeployIdentityArgs, s string) { a.AccountID = s },
	func(a *DeployIdentityArgs, s string) { a.Regions = append(a.Regions, s) },
	func(a *DeployIdentityArgs, s string) { a.Regions = []string{s} },
	func(a *DeployIdentityArgs, s string) { fuzzEnvironment(a).Name = s },
	func(a *DeployIdentityArgs, s string) { fuzzEnvironment(a).IAMNamePrefix = s },
	func(a *DeployIdentityArgs, s string) { a.StateBucketARN = pulumi.String(s) },
	func(a *DeployIdentityArgs, s string) { a.StateKMSKeyARN = pulumi.String(s) },
	func(a *DeployIdentityArgs, s string) { a.OIDCProviderARN = pulumi.StringPtr(s) },
	func(a *DeployIdentityArgs, s string) { fuzzEnvironment(a).PlanEnvironment = s },
	func(a *DeployIdentityArgs, s string) { a.PermissionsBoundaryARN = pulumi.StringPtr(s) },
	func(a *DeployIdentityArgs, s string) { a.Tags = map[string]string{s: s} },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string field replaced, the
// maximum session set to n when it is not 0, and the structural changes shape asks for. A field
// index past the setters changes nothing.
func fuzzArgs(shape uint8, field uint8, s string, n int64) *DeployIdentityArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzBase()
	if shape&fuzzZero != 0 {
		a = &DeployIdentityArgs{}
	}
	if shape&fuzzLong != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if i := int(field); i < len(fuzzStrings) {
		fuzzStrings[i](a, s)
	}
	if n != 0 {
		a.MaxSessionDurationSeconds = int(n)
	}
	if shape&fuzzEmpty != 0 {
		a.Regions, a.Environments, a.Tags = []string{}, []Environment{}, map[string]string{}
	}
	if shape&fuzzNilMaps != 0 {
		a.Regions, a.Environments, a.Tags = nil, nil, nil
	}
	if shape&fuzzDuplicate != 0 {
		if len(a.Regions) > 0 {
			a.Regions = append(a.Regions, a.Regions[0])
		}
		if len(a.Environments) > 0 {
			a.Environments = append(a.Environments, a.Environments[0])
		}
	}
	if shape&fuzzAlternative != 0 {
		a.OIDCProviderARN = pulumi.StringPtr("arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com")
		a.PermissionsBoundaryARN = pulumi.StringPtr("arn:aws:iam::777788889999:policy/boundary")
		a.Protect = true
	}
	if shape&fuzzNilInputs != 0 {
		a.StateBucketARN, a.StateKMSKeyARN, a.OIDCProviderARN, a.PermissionsBoundaryARN = nil, nil, nil, nil
	}
	return a
}

// fuzzRun runs NewDeployIdentity under monitor with an AWS provider: it must return nil or a
// one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *DeployIdentityArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS("eu-west-1", func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewDeployIdentity(ctx, "fuzz", args, p)
		return err
	}))
}

// FuzzNewDeployIdentity: whatever the Args, NewDeployIdentity returns nil or an error, in a
// preview and in an update; it never panics.
func FuzzNewDeployIdentity(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", int64(0))                            // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", int64(0))                      // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", int64(0))                     // zero Args
	f.Add(uint8(fuzzDuplicate), uint8(4), "ünïcode", int64(-1))          // duplicates, a unicode environment, a negative session
	f.Add(uint8(fuzzEmpty|fuzzLong), uint8(11), "k", int64(1)<<40)       // no regions or environments, a long tag, a huge session
	f.Add(uint8(fuzzAlternative), uint8(9), "release/v1", int64(3600))   // existing OIDC provider, boundary, a release branch
	f.Add(uint8(fuzzNilMaps|fuzzNilInputs), uint8(5), "p", int64(43200)) // nil slices and inputs, a one-letter prefix
	f.Fuzz(func(t *testing.T, shape uint8, field uint8, s string, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", fuzzAccount), dryRun, fuzzArgs(shape, field, s, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestNewDeployIdentityDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", fuzzAccount), Mode: mode}, dryRun, fuzzArgs(fuzzAlternative, 255, "", 0))
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", fuzzAccount), Mode: mode}, dryRun, fuzzBase())
		}
	}
}
