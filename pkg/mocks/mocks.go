package mocks

import (
	"errors"
	"fmt"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Mocks is a pulumi.MockResourceMonitor answering every resource with realistic, deterministic
// computed outputs for its type, in one region and account, and the caller identity, region and
// partition lookups; see the package documentation. It is safe for concurrent use (the SDK calls
// it from many goroutines). Create it with New; the zero value is not usable.
type Mocks struct {
	region, account string

	mu  sync.Mutex
	ids map[string]string // type+"\x00"+id -> URN hash of the resource answered with that id
}

var _ pulumi.MockResourceMonitor = (*Mocks)(nil)

// New returns mocks for a program deploying into region (e.g. "eu-west-1") of the AWS account
// accountID (12 digits): ARNs, endpoints, owner ids and the caller identity use them. Neither is
// checked: the mocks answer what they are given, so a test can use the values its stack uses.
func New(region, accountID string) *Mocks {
	return &Mocks{region: region, account: accountID, ids: map[string]string{}}
}

// Region is the region the mocks answer for.
func (m *Mocks) Region() string { return m.region }

// AccountID is the AWS account the mocks answer for.
func (m *Mocks) AccountID() string { return m.account }

// ErrNoAnswer is the error (wrapped, with the lookup's token) of every lookup the mocks do not
// answer: nothing should depend on a live lookup.
var ErrNoAnswer = errors.New("no mock answer for the lookup")

// target is what an output function sees of a resource: its URN, type, name and inputs as Plain
// gives them (a secret input is Secret, an unknown one Unknown, never its value).
type target struct {
	URN, Type, Name string
	Inputs          map[string]any
}

// NewResource implements pulumi.MockResourceMonitor: the id and the state (the inputs, with the
// computed outputs of the type over them) of a registered resource. A component resource gets
// an empty id. A read of an existing resource (a Get function) is answered with the id asked for
// and the state it was given: the mocks know nothing of resources outside the program.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.RegisterRPC == nil && args.ReadRPC != nil {
		return args.ID, args.Inputs.Copy(), nil
	}
	r := &target{URN: URN(args), Type: args.TypeToken, Name: args.Name, Inputs: Plain(args.Inputs)}
	if rpc := args.RegisterRPC; rpc != nil {
		// The monitor drops unknown inputs from args.Inputs; read them again keeping them, so an
		// output function can tell an unknown input from an absent one.
		inputs, err := plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{
			KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true,
		})
		if err != nil {
			return "", nil, err
		}
		r.Inputs = Plain(inputs)
	}
	id, out := m.computed(r)
	if !args.Custom {
		id = ""
	}
	state := args.Inputs.Copy()
	if state == nil {
		state = resource.PropertyMap{}
	}
	for k, v := range resource.NewPropertyMapFromMap(out) {
		state[k] = v
	}
	if id != "" {
		m.mu.Lock()
		if m.ids == nil {
			m.ids = map[string]string{}
		}
		m.ids[r.Type+"\x00"+id] = urnHash(r.URN)
		m.mu.Unlock()
	}
	return id, state, nil
}

// hashOf returns the URN hash of the resource of a type the mocks answered with id, or "" when
// there is none (an id from outside the program).
func (m *Mocks) hashOf(typ, id string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ids[typ+"\x00"+id]
}

// Call implements pulumi.MockResourceMonitor for the lookups answered from the mocks' region and
// account: aws:index/getCallerIdentity, getRegion and getPartition (the aws partition). Any
// other lookup fails with an error wrapping ErrNoAnswer.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": m.account,
			"arn":       fmt.Sprintf("arn:aws:sts::%s:assumed-role/deploy/pulumi", m.account),
			"userId":    "AROAEXAMPLEOFFLINE:pulumi",
			"id":        m.account,
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{"name": m.region, "id": m.region}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}), nil
	}
	return nil, fmt.Errorf("%w %s: components must take such values as inputs", ErrNoAnswer, args.Token)
}

// URN returns the URN the engine gives the resource of a registration (or read): derived from
// its parent's URN, which carries the stack and project (every resource a program registers has
// a parent, the stack at the top). Without a parent the stack and project parts are empty.
func URN(args pulumi.MockResourceArgs) string {
	parent := args.RegisterRPC.GetParent()
	if args.RegisterRPC == nil {
		parent = args.ReadRPC.GetParent()
	}
	p := resource.URN(parent)
	var stack tokens.QName
	var project tokens.PackageName
	parentType := tokens.Type("")
	if p.IsValid() {
		stack, project = p.Stack(), p.Project()
		if p.QualifiedType() != resource.RootStackType {
			parentType = p.QualifiedType()
		}
	}
	return string(resource.NewURN(stack, project, parentType, tokens.Type(args.TypeToken), args.Name))
}
