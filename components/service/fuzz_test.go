package service

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

// Shape bits of the fuzz input.
const (
	fuzzNil       = 1 << iota // nil Args
	fuzzZero                  // zero Args
	fuzzNoRes                 // no resources
	fuzzDuplicate             // the first resource twice
	fuzzLong                  // the string repeated into a very long one
	fuzzNilInputs             // nil inputs (cluster, namespace id, endpoints, policy)
)

var fuzzStrings = []func(a *ServiceArgs, s string){
	func(a *ServiceArgs, s string) { a.Service = s },
	func(a *ServiceArgs, s string) { a.Owner = s },
	func(a *ServiceArgs, s string) { a.Namespace = s },
	func(a *ServiceArgs, s string) { a.ServiceAccount = s },
	func(a *ServiceArgs, s string) { a.NamePrefix = s },
	func(a *ServiceArgs, s string) { a.Tags = map[string]string{s: s} },
	func(a *ServiceArgs, s string) { a.ClusterARN = pulumi.String(s) },
	func(a *ServiceArgs, s string) { a.Resources[0].Name = s },
	func(a *ServiceArgs, s string) { a.Resources[0].Kind = s },
	func(a *ServiceArgs, s string) {
		a.Resources[0].Attributes = map[string]pulumi.StringInput{s: pulumi.String(s)}
	},
	func(a *ServiceArgs, s string) { a.AccessPolicy = pulumi.String(s) },
}

func fuzzArgs(shape, field uint8, s string) *ServiceArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := args()
	if shape&fuzzLong != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if i := int(field); i < len(fuzzStrings) {
		fuzzStrings[i](a, s)
	}
	if shape&fuzzDuplicate != 0 {
		a.Resources = append(a.Resources, a.Resources[0])
	}
	if shape&fuzzNoRes != 0 {
		a.Resources = nil
	}
	if shape&fuzzNilInputs != 0 {
		a.ClusterName, a.DiscoveryNamespaceID, a.AccessPolicy = nil, nil, nil
		for i := range a.Resources {
			a.Resources[i].Endpoint, a.Resources[i].Port = nil, nil
		}
	}
	if shape&fuzzZero != 0 {
		a = &ServiceArgs{}
	}
	return a
}

func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, a *ServiceArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS("eu-west-1", func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewService(ctx, "fuzz", a, p)
		return err
	}))
}

// FuzzNewService: whatever the Args, NewService returns nil or an error, in a preview and in an
// update; it never panics.
func FuzzNewService(f *testing.F) {
	f.Add(uint8(0), uint8(255), "")
	f.Add(uint8(fuzzNil), uint8(255), "")
	f.Add(uint8(fuzzZero), uint8(255), "")
	f.Add(uint8(fuzzDuplicate), uint8(7), "ünïcode")
	f.Add(uint8(fuzzNoRes|fuzzLong), uint8(4), "p")
	f.Add(uint8(fuzzNilInputs), uint8(6), "not-an-arn")
	f.Fuzz(func(t *testing.T, shape, field uint8, s string) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, fuzzArgs(shape, field, s))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic.
func TestNewServiceDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}, dryRun, args())
		}
	}
}
