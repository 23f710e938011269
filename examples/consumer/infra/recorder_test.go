package infra_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
)

// recorder is this team's mock monitor: the library's mocks answer every resource and lookup as
// AWS would (ids, ARNs in the region and account, endpoints), and the recorder keeps what the
// program registered, for assertions.
type recorder struct {
	*mocks.Mocks

	mu        sync.Mutex
	resources []recorded
}

// recorded is one registration as the engine would see it.
type recorded struct {
	URN      string
	Type     string
	Name     string
	Custom   bool
	Provider string // "<provider urn>::<provider id>", empty for a component
	Parent   string // URN of the parent, the stack's for a top-level resource
	Protect  bool
	Inputs   resource.PropertyMap
	State    resource.PropertyMap // inputs plus the computed outputs the mocks answered
	// PropertyDependencies are the URNs each input waits for.
	PropertyDependencies map[string][]string
}

func newRecorder(region, account string) *recorder {
	return &recorder{Mocks: mocks.New(region, account)}
}

// NewResource records the registration and hands the answer to the library's mocks.
func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := r.Mocks.NewResource(args)
	rec := recorded{
		URN: mocks.URN(args), Type: args.TypeToken, Name: args.Name, Custom: args.Custom,
		Provider: args.Provider, Inputs: args.Inputs, State: state,
		PropertyDependencies: map[string][]string{},
	}
	if rpc := args.RegisterRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Protect = rpc.GetProtect()
		for k, deps := range rpc.GetPropertyDependencies() {
			rec.PropertyDependencies[k] = deps.GetUrns()
		}
	}
	r.mu.Lock()
	r.resources = append(r.resources, rec)
	r.mu.Unlock()
	return id, state, err
}

// run runs the program under the recorder, as a preview (dryRun) or an update would, and returns
// what it registered. The project and stack name the URNs.
func run(t *testing.T, program pulumi.RunFunc, dryRun bool) ([]recorded, error) {
	t.Helper()
	r := newRecorder("us-east-1", testAccount)
	err := pulumi.RunErr(program, pulumi.WithMocks("acme-platform", "prod", r), func(info *pulumi.RunInfo) {
		info.DryRun = dryRun
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.resources...), err
}

// ofType returns the recorded resources of a type token.
func ofType(rs []recorded, typ string) []recorded {
	var out []recorded
	for _, r := range rs {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// one returns the single resource of a type, failing the test otherwise.
func one(t *testing.T, rs []recorded, typ string) recorded {
	t.Helper()
	got := ofType(rs, typ)
	if len(got) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(got), typ)
	}
	return got[0]
}

// isProvider reports whether a resource is a provider instance (pulumi:providers:<package>).
func (r recorded) isProvider() bool { return strings.HasPrefix(r.Type, "pulumi:providers:") }

// str returns a string input (or output, from the state) at a path, "" when absent or not a string.
func str(m resource.PropertyMap, path ...string) string {
	v := resource.NewObjectProperty(m)
	for _, k := range path {
		if !v.IsObject() {
			return ""
		}
		v = v.ObjectValue()[resource.PropertyKey(k)]
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return ""
	}
	return v.StringValue()
}
