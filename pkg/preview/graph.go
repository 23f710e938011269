// Package preview runs a Pulumi program offline under the SDK's mock monitor, records every
// resource registration, and renders the resulting graph as a tree or as the JSON document that
// pull-request tooling reads. It is also the mock recorder the component tests use.
package preview

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/flowmart/platform/pkg/mocks"
)

// Document is the JSON preview of a stack: a public contract. Extend it; never rename or drop fields.
type Document struct {
	Project   string         `json:"project"`
	Stack     string         `json:"stack"`
	Resources []*Resource    `json:"resources"`
	Outputs   map[string]any `json:"outputs"`
	// CriticalPath is set by `platform preview --critical-path`.
	CriticalPath *CriticalPath `json:"criticalPath,omitempty"`
	// Violations are the policy rules' findings (pkg/policy), waived ones included and marked;
	// EvaluatePolicy fills them ([] when none).
	Violations []Violation `json:"violations"`
	// Layers summarizes each Pulumi project of an environment previewed by RunLayers, in deploy
	// order; absent for a single program.
	Layers []LayerSummary `json:"layers,omitempty"`

	policy  *policySummary       // what EvaluatePolicy ran, for the tree's summary
	exports resource.PropertyMap // the outputs with their secretness, for a StackReference
}

// Resource is one registered resource, in registration order.
type Resource struct {
	URN                 string         `json:"urn"`
	Type                string         `json:"type"`
	Name                string         `json:"name"`
	Custom              bool           `json:"custom"`
	Parent              string         `json:"parent"`
	Provider            string         `json:"provider"`
	Protect             bool           `json:"protect"`
	RetainOnDelete      bool           `json:"retainOnDelete"`
	DeleteBeforeReplace bool           `json:"deleteBeforeReplace"`
	IgnoreChanges       []string       `json:"ignoreChanges"`
	Aliases             []string       `json:"aliases,omitempty"`
	Dependencies        []string       `json:"dependencies"`
	Inputs              map[string]any `json:"inputs"`
	// Layer names the layer (project) of the resource in a document made by RunLayers.
	Layer string `json:"layer,omitempty"`

	seq int // position in program order
}

// Placeholders printed instead of values that must not or cannot be shown (the ones pkg/mocks
// shows its output functions).
const (
	Secret  = mocks.Secret
	Unknown = mocks.Unknown
)

// MockPassword is the value the offline preview gives every random password: mocks.Password.
const MockPassword = mocks.Password

// MockRandomBytes returns the bytes the offline preview gives the RandomBytes resource with a
// URN: mocks.RandomBytes.
func MockRandomBytes(urn string, length int) []byte { return mocks.RandomBytes(urn, length) }

// Find returns the resources of a type, in registration order.
func (d *Document) Find(typ string) []*Resource {
	var out []*Resource
	for _, r := range d.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Get returns the resource with a type and name, or nil.
func (d *Document) Get(typ, name string) *Resource {
	for _, r := range d.Resources {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// ByURN returns the resource with a URN, or nil.
func (d *Document) ByURN(urn string) *Resource {
	for _, r := range d.Resources {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

// Children returns the resources whose parent is urn.
func (d *Document) Children(urn string) []*Resource {
	var out []*Resource
	for _, r := range d.Resources {
		if r.Parent == urn {
			out = append(out, r)
		}
	}
	return out
}
