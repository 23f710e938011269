package preview

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Options says what to preview.
type Options struct {
	Project string
	Stack   string
	// Config holds fully qualified keys ("project:key") and raw values; objects and arrays as JSON.
	Config map[string]string
	// SecretKeys lists the fully qualified keys whose values are secret.
	SecretKeys []string
	// Region and Account seed the computed outputs (ARNs, owner ids). Default to the stack's
	// "<project>:region" and "<project>:accountId" config values.
	Region, Account string
	// Deploy runs as an update rather than a preview (DryRun false); unknowns then resolve.
	Deploy bool
	// StackReferences answers the program's StackReferences, by fully qualified stack name
	// (<organization>/<project>/<stack>); a reference to any other stack fails. RunLayers fills it
	// with the earlier layers.
	StackReferences map[string]StackOutputs
	// Organization is the organization of the StackReference names RunLayers answers. Defaults
	// to DefaultOrganization.
	Organization string
}

// Run runs program under the mock monitor and returns the recorded graph and the stack outputs.
func Run(program pulumi.RunFunc, o Options) (*Document, error) {
	if o.Region == "" {
		o.Region = o.Config[o.Project+":region"]
	}
	if o.Account == "" {
		o.Account = o.Config[o.Project+":accountId"]
	}
	rec := newRecorder(o.Project, o.Stack, o.Region, o.Account)
	rec.refs = o.StackReferences
	var exports map[string]pulumi.Input
	body := func(ctx *pulumi.Context) error {
		if err := ctx.RegisterStackTransformation(rec.transformation); err != nil {
			return err
		}
		err := program(ctx)
		exports = ctx.GetCurrentExportMap()
		return err
	}
	err := pulumi.RunErr(body, pulumi.WithMocks(o.Project, o.Stack, rec), func(info *pulumi.RunInfo) {
		info.Config = o.Config
		info.ConfigSecretKeys = o.SecretKeys
		info.DryRun = !o.Deploy
	})
	if err != nil {
		return nil, unwrapProgramError(err)
	}
	outputs, raw, err := resolveOutputs(exports)
	if err != nil {
		return nil, err
	}
	return &Document{Project: o.Project, Stack: o.Stack, Resources: rec.graph(), Outputs: outputs, exports: raw}, nil
}

// resolveOutputs awaits the stack exports, printing secrets and unknowns as placeholders, and
// returns them also as a StackReference reads them: secrets as secret values, an unknown one as
// the Unknown placeholder (a reference never sees an unknown: it reads a deployed stack).
func resolveOutputs(exports map[string]pulumi.Input) (map[string]any, resource.PropertyMap, error) {
	names := make([]string, 0, len(exports))
	for k := range exports {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make(map[string]any, len(names))
	raw := make(resource.PropertyMap, len(names))
	for _, k := range names {
		res, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.ToOutput(exports[k]))
		if err != nil {
			return nil, nil, fmt.Errorf("output %s: %w", k, err)
		}
		v := resource.NewStringProperty(Unknown)
		if res.Known {
			v = resource.NewPropertyValue(res.Value)
		}
		switch {
		case res.Secret:
			out[k] = Secret
			v = resource.MakeSecret(v)
		case !res.Known:
			out[k] = Unknown
		default:
			out[k] = res.Value
		}
		raw[resource.PropertyKey(k)] = v
	}
	return out, raw, nil
}

// ProgramError is an error returned by the program itself (not by the mock machinery).
type ProgramError struct{ Err error }

func (e *ProgramError) Error() string { return e.Err.Error() }
func (e *ProgramError) Unwrap() error { return e.Err }

// unwrapProgramError turns the runtime's multi-line error list into the first error, on one line,
// keeping its type so that callers can tell configuration errors apart.
func unwrapProgramError(err error) error {
	type multi interface{ WrappedErrors() []error }
	for {
		m, ok := err.(multi)
		if !ok || len(m.WrappedErrors()) == 0 {
			break
		}
		err = m.WrappedErrors()[0]
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if msg == err.Error() {
		return &ProgramError{Err: err}
	}
	return &ProgramError{Err: oneLine{msg: msg, err: err}}
}

type oneLine struct {
	msg string
	err error
}

func (o oneLine) Error() string { return o.msg }
func (o oneLine) Unwrap() error { return o.err }

// RunWithAWS runs program under the mock recorder as a component test or an importing program
// would: with one explicit AWS provider named "aws" in o.Region, which program passes to its
// components through provider (pulumi.Provider of it).
func RunWithAWS(program func(ctx *pulumi.Context, provider pulumi.ResourceOption) error, o Options) (*Document, error) {
	region := o.Region
	if region == "" {
		region = o.Config[o.Project+":region"]
	}
	return Run(WithAWS(region, program), o)
}

// WithAWS is program with one explicit AWS provider named "aws" in region, passed to it as
// provider (pulumi.Provider of it): the program of a component test, under any monitor.
func WithAWS(region string, program func(ctx *pulumi.Context, provider pulumi.ResourceOption) error) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		return program(ctx, pulumi.Provider(p))
	}
}

// Invokes runs program under the recorder's mocks, answering no lookup at all (not even caller
// identity, region or partition), and returns the token of every lookup the program made. A
// component whose program makes none takes everything as inputs: it previews offline and deploys
// in any account without a live lookup.
func Invokes(program pulumi.RunFunc, o Options) ([]string, error) {
	m := &noLookups{recorder: newRecorder(o.Project, o.Stack, o.Region, o.Account)}
	err := pulumi.RunErr(program, pulumi.WithMocks(o.Project, o.Stack, m), func(info *pulumi.RunInfo) {
		info.DryRun = !o.Deploy
	})
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.calls...), err
}

// noLookups is the recorder with every lookup recorded and answered with nothing.
type noLookups struct {
	*recorder
	mu    sync.Mutex
	calls []string
}

// Call implements pulumi.MockResourceMonitor.
func (m *noLookups) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, args.Token)
	return resource.PropertyMap{}, nil
}
