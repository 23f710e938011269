package preview

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/flowmart/platform/pkg/mocks"
)

// recorder is the mock resource monitor: it records every registration and answers with the
// realistic, deterministic computed outputs of pkg/mocks.
type recorder struct {
	project, stack string
	mocks          *mocks.Mocks
	refs           map[string]StackOutputs // the stacks a StackReference may read

	mu        sync.Mutex
	resources []*Resource
	order     map[string][]int // type+"\x00"+name -> program-order sequence numbers
	next      int
}

func newRecorder(project, stack, region, account string) *recorder {
	return &recorder{project: project, stack: stack, mocks: mocks.New(region, account), order: map[string][]int{}}
}

// transformation notes the program order of every registration: it runs synchronously in
// ctx.RegisterResource, while the monitor sees registrations in whatever order their inputs resolve.
func (m *recorder) transformation(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := args.Type + "\x00" + args.Name
	m.order[key] = append(m.order[key], m.next)
	m.next++
	return nil
}

func (m *recorder) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// aliasURN returns the full URN an alias stands for: unset parts of a spec default to the
// resource's current name, type, parent, stack and project.
func (m *recorder) aliasURN(a *pulumirpc.Alias, parent, typ, name string) string {
	if u := a.GetUrn(); u != "" {
		return u
	}
	spec := a.GetSpec()
	if spec.GetName() != "" {
		name = spec.GetName()
	}
	if spec.GetType() != "" {
		typ = spec.GetType()
	}
	switch {
	case spec.GetNoParent():
		parent = ""
	case spec.GetParentUrn() != "":
		parent = spec.GetParentUrn()
	}
	stack, project := m.stack, m.project
	if spec.GetStack() != "" {
		stack = spec.GetStack()
	}
	if spec.GetProject() != "" {
		project = spec.GetProject()
	}
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(stack), tokens.PackageName(project), parentType, tokens.Type(typ), name))
}

// NewResource implements pulumi.MockResourceMonitor.
func (m *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	if rpc == nil && args.ReadRPC != nil && args.TypeToken == StackReferenceType {
		return m.readStackReference(args)
	}
	if rpc == nil {
		return "", nil, fmt.Errorf("resource %s %s: reads of existing resources are not supported offline", args.TypeToken, args.Name)
	}
	// The monitor drops unknown inputs; unmarshal again keeping them, so they show as unknown.
	inputs, err := plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{
		KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true,
	})
	if err != nil {
		return "", nil, err
	}
	deps := append([]string(nil), rpc.GetDependencies()...)
	for _, pd := range rpc.GetPropertyDependencies() {
		deps = append(deps, pd.GetUrns()...)
	}
	var aliases []string
	for _, a := range rpc.GetAliases() {
		aliases = append(aliases, m.aliasURN(a, rpc.GetParent(), args.TypeToken, args.Name))
	}
	r := &Resource{
		URN:                 m.urn(rpc.GetParent(), args.TypeToken, args.Name),
		Type:                args.TypeToken,
		Name:                args.Name,
		Custom:              args.Custom,
		Parent:              rpc.GetParent(),
		Provider:            rpc.GetProvider(),
		Protect:             rpc.GetProtect(),
		RetainOnDelete:      rpc.GetRetainOnDelete(),
		DeleteBeforeReplace: rpc.GetDeleteBeforeReplace(),
		IgnoreChanges:       append([]string{}, rpc.GetIgnoreChanges()...),
		Aliases:             aliases,
		Dependencies:        sortedUnique(deps),
		Inputs:              mocks.Plain(inputs),
	}
	id, state, err := m.mocks.NewResource(args)
	if err != nil {
		return "", nil, err
	}
	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return id, state, nil
}

// Call implements pulumi.MockResourceMonitor for the few lookups that are answered from the
// stack's configuration (pkg/mocks). Any other lookup fails: offline previews never depend on the
// live cloud.
func (m *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	out, err := m.mocks.Call(args)
	if errors.Is(err, mocks.ErrNoAnswer) {
		return nil, fmt.Errorf("the offline preview has no answer for the lookup %s: components must take such values as inputs", args.Token)
	}
	return out, err
}

// graph returns the recorded resources in program order, the root stack first.
func (m *recorder) graph() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	used := map[string]int{}
	for _, r := range m.resources {
		key := r.Type + "\x00" + r.Name
		seqs := m.order[key]
		r.seq = len(m.order) + m.next // unknown order: last, then by URN
		if i := used[key]; i < len(seqs) {
			r.seq = seqs[i]
			used[key]++
		}
	}
	out := append([]*Resource(nil), m.resources...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].seq != out[j].seq {
			return out[i].seq < out[j].seq
		}
		return out[i].URN < out[j].URN
	})
	stack := &Resource{
		URN:           m.urn("", string(resource.RootStackType), m.project+"-"+m.stack),
		Type:          string(resource.RootStackType),
		Name:          m.project + "-" + m.stack,
		IgnoreChanges: []string{},
		Dependencies:  []string{},
		Inputs:        map[string]any{},
	}
	return append([]*Resource{stack}, out...)
}
