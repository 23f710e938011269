package registry

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

// fuzzBase is a valid RegistryArgs the fuzz target mutates.
func fuzzBase() *RegistryArgs {
	return &RegistryArgs{
		Repositories: []Repository{
			{Name: "storefront"},
			{Name: "shop/checkout", LifecycleRules: []LifecycleRule{
				{TagStatus: TagUntagged, CountType: SinceImagePushed, CountNumber: 7},
				{TagStatus: TagTagged, TagPrefixes: []string{"release-"}, CountType: ImageCountMoreThan, CountNumber: 20},
			}},
		},
		PullPrincipalARNs:     pulumi.StringArray{pulumi.String("arn:aws:iam::111122223333:role/nodes")},
		PushPrincipalARNs:     pulumi.StringArray{pulumi.String("arn:aws:iam::111122223333:role/ci")},
		PullThroughCacheRules: []PullThroughCache{{Prefix: "ecr-public", UpstreamURL: "public.ecr.aws"}},
		Tags:                  map[string]string{"team": "platform"},
	}
}

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args
	fuzzEmpty                   // empty slices and maps
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first repository, rule and cache rule twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // mutable tags, enhanced scanning, force delete, protect, a key
	fuzzNilInputs               // nil principals and key
)

func fuzzRepository(a *RegistryArgs) *Repository {
	if len(a.Repositories) == 0 {
		a.Repositories = []Repository{{}}
	}
	return &a.Repositories[0]
}

func fuzzRule(a *RegistryArgs) *LifecycleRule {
	r := fuzzRepository(a)
	if len(r.LifecycleRules) == 0 {
		r.LifecycleRules = []LifecycleRule{{}}
	}
	return &r.LifecycleRules[0]
}

var fuzzStrings = []func(a *RegistryArgs, s string){
	func(a *RegistryArgs, s string) { fuzzRepository(a).Name = s },
	func(a *RegistryArgs, s string) { a.Repositories = append(a.Repositories, Repository{Name: s}) },
	func(a *RegistryArgs, s string) { fuzzRule(a).TagStatus = TagStatus(s) },
	func(a *RegistryArgs, s string) { fuzzRule(a).CountType = CountType(s) },
	func(a *RegistryArgs, s string) { fuzzRule(a).TagPrefixes = []string{s} },
	func(a *RegistryArgs, s string) { fuzzRule(a).Description = s },
	func(a *RegistryArgs, s string) {
		a.PullThroughCacheRules = append(a.PullThroughCacheRules, PullThroughCache{Prefix: s, UpstreamURL: "quay.io"})
	},
	func(a *RegistryArgs, s string) {
		a.PullThroughCacheRules = []PullThroughCache{{Prefix: "mirror", UpstreamURL: s}}
	},
	func(a *RegistryArgs, s string) { a.PullPrincipalARNs = pulumi.StringArray{pulumi.String(s)} },
	func(a *RegistryArgs, s string) {
		a.PushPrincipalARNs = pulumi.StringArray{pulumi.String(s), pulumi.String(s)}
	},
	func(a *RegistryArgs, s string) { a.KMSKeyARN = pulumi.StringPtr(s) },
	func(a *RegistryArgs, s string) { a.Tags = map[string]string{s: s} },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string field replaced, the
// first lifecycle rule's count set to n when it is not 0, and the structural changes shape asks
// for. A field index past the setters changes nothing.
func fuzzArgs(shape uint8, field uint8, s string, n int64) *RegistryArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzBase()
	if shape&fuzzZero != 0 {
		a = &RegistryArgs{}
	}
	if shape&fuzzLong != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if i := int(field); i < len(fuzzStrings) {
		fuzzStrings[i](a, s)
	}
	if n != 0 {
		fuzzRule(a).CountNumber = int(n)
	}
	if shape&fuzzEmpty != 0 {
		a.PullThroughCacheRules, a.Tags = []PullThroughCache{}, map[string]string{}
		a.PullPrincipalARNs, a.PushPrincipalARNs = pulumi.StringArray{}, pulumi.StringArray{}
		for i := range a.Repositories {
			a.Repositories[i].LifecycleRules = []LifecycleRule{}
		}
	}
	if shape&fuzzNilMaps != 0 {
		a.PullThroughCacheRules, a.Tags = nil, nil
		for i := range a.Repositories {
			a.Repositories[i].LifecycleRules = nil
		}
	}
	if shape&fuzzDuplicate != 0 && len(a.Repositories) > 0 {
		r := &a.Repositories[0]
		if len(r.LifecycleRules) > 0 {
			r.LifecycleRules = append(r.LifecycleRules, r.LifecycleRules[0])
		}
		a.Repositories = append(a.Repositories, a.Repositories[0])
		if len(a.PullThroughCacheRules) > 0 {
			a.PullThroughCacheRules = append(a.PullThroughCacheRules, a.PullThroughCacheRules[0])
		}
	}
	if shape&fuzzAlternative != 0 {
		off := false
		a.ImmutableTags, a.EnhancedScanning, a.ForceDelete, a.Protect = &off, true, true, true
		a.KMSKeyARN = pulumi.StringPtr("arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
		for i := range a.Repositories {
			a.Repositories[i].ScanOnPush = &off
		}
	}
	if shape&fuzzNilInputs != 0 {
		a.PullPrincipalARNs, a.PushPrincipalARNs, a.KMSKeyARN = nil, nil, nil
	}
	return a
}

// fuzzRun runs NewRegistry under monitor with an AWS provider: it must return nil or a
// one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *RegistryArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS("eu-west-1", func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewRegistry(ctx, "fuzz", args, p)
		return err
	}))
}

// FuzzNewRegistry: whatever the Args, NewRegistry returns nil or an error, in a preview and in an
// update; it never panics.
func FuzzNewRegistry(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", int64(0))                                    // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", int64(0))                              // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", int64(0))                             // zero Args
	f.Add(uint8(fuzzDuplicate), uint8(1), "ünïcode", int64(-1))                  // duplicates, a unicode name, a negative count
	f.Add(uint8(fuzzEmpty|fuzzNilInputs|fuzzLong), uint8(11), "k", int64(1)<<40) // empty slices, nil principals, a long tag, a huge count
	f.Add(uint8(fuzzNilMaps|fuzzAlternative), uint8(9), "", int64(0))            // nil slices, mutable, enhanced scanning, empty push principals
	f.Fuzz(func(t *testing.T, shape uint8, field uint8, s string, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, fuzzArgs(shape, field, s, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestNewRegistryDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}, dryRun, fuzzBase())
		}
	}
}
