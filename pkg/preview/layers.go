package preview

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// StackReferenceType is the type token of a StackReference, a read of another stack's outputs
// (pulumi.NewStackReference).
const StackReferenceType = "pulumi:pulumi:StackReference"

// DefaultOrganization is the organization of StackReference names when Options.Organization is
// empty: the DIY backend's only one, "organization" (pulumi/pulumi@v3.274.1
// pkg/backend/diy/backend.go:186-187).
const DefaultOrganization = "organization"

// Layer is one Pulumi project of an environment made of several, each deployed as its own stack
// of the same name; a later layer reads an earlier one through a StackReference.
type Layer struct {
	// Name labels the layer's resources in the document (Resource.Layer).
	Name    string
	Project string
	Program pulumi.RunFunc
}

// LayerSummary is one layer of a document made by RunLayers.
type LayerSummary struct {
	Name    string `json:"name"`
	Project string `json:"project"`
	// Stack is the fully qualified name other layers reference it by: <organization>/<project>/<stack>.
	Stack string `json:"stack"`
	// Resources counts the layer's resources, its root stack included.
	Resources int `json:"resources"`
	// Outputs lists the names the layer exports, sorted.
	Outputs []string `json:"outputs"`
	// References lists the stacks the layer reads through a StackReference, sorted.
	References []string `json:"references"`
}

// StackOutputs is one stack as a StackReference of the offline preview reads it.
type StackOutputs struct {
	// StackURN is the URN of the stack's root resource: a reference waits for the whole stack.
	StackURN string
	// Outputs are the stack's exports, secrets as secret values.
	Outputs resource.PropertyMap
}

// StackOutputs returns the document's stack as a StackReference reads it: its exports with their
// secretness, an unknown one (a dry run) as the Unknown placeholder.
func (d *Document) StackOutputs() StackOutputs {
	urn := ""
	if len(d.Resources) > 0 && d.Resources[0].Type == string(resource.RootStackType) {
		urn = d.Resources[0].URN
	}
	return StackOutputs{StackURN: urn, Outputs: d.exports.Copy()}
}

// FullyQualifiedStack is the StackReference name of project's stack in org.
func FullyQualifiedStack(org, project, stack string) string {
	return org + "/" + project + "/" + stack
}

// RunLayers runs the layers of one stack in order under the mocks, each as its own project with
// the same options (configuration, region, account), and answers a layer's StackReference to an
// earlier layer (<Organization>/<project>/<stack>) with that layer's outputs of this same run, so
// the wiring between layers is exercised, not bypassed. A reference waits for the whole stack it
// reads (its dependency is that stack's root resource): the services of a later layer deploy after
// the earlier layer. The document holds every layer's resources in layer order, each marked with
// its layer, the union of their outputs (one layer's output name must not repeat another's) and
// a Layers summary; its Project is the first layer's.
func RunLayers(layers []Layer, o Options) (*Document, error) {
	if len(layers) == 0 {
		return nil, fmt.Errorf("no layer to run")
	}
	first := layers[0].Project
	if o.Region == "" {
		o.Region = o.Config[first+":region"]
	}
	if o.Account == "" {
		o.Account = o.Config[first+":accountId"]
	}
	org := o.Organization
	if org == "" {
		org = DefaultOrganization
	}
	refs := map[string]StackOutputs{}
	for k, v := range o.StackReferences {
		refs[k] = v
	}
	out := &Document{Project: first, Stack: o.Stack, Outputs: map[string]any{}, exports: resource.PropertyMap{}}
	owner := map[string]string{} // output name -> layer
	for _, l := range layers {
		lo := o
		lo.Project = l.Project
		lo.StackReferences = refs
		doc, err := Run(l.Program, lo)
		if err != nil {
			return nil, fmt.Errorf("layer %s (project %s): %w", l.Name, l.Project, err)
		}
		sum := LayerSummary{Name: l.Name, Project: l.Project, Stack: FullyQualifiedStack(org, l.Project, o.Stack), Resources: len(doc.Resources), Outputs: []string{}, References: []string{}}
		for _, r := range doc.Resources {
			r.Layer = l.Name
			if r.Type == StackReferenceType {
				sum.References = append(sum.References, r.Name)
			}
		}
		for k, v := range doc.Outputs {
			if prev, dup := owner[k]; dup {
				return nil, fmt.Errorf("layers %s and %s both export %s", prev, l.Name, k)
			}
			owner[k] = l.Name
			out.Outputs[k] = v
			out.exports[resource.PropertyKey(k)] = doc.exports[resource.PropertyKey(k)]
			sum.Outputs = append(sum.Outputs, k)
		}
		sort.Strings(sum.Outputs)
		sort.Strings(sum.References)
		out.Resources = append(out.Resources, doc.Resources...)
		out.Layers = append(out.Layers, sum)
		refs[sum.Stack] = doc.StackOutputs()
	}
	return out, nil
}

// LayerOf returns the resources of one layer, in registration order.
func (d *Document) LayerOf(name string) []*Resource {
	var out []*Resource
	for _, r := range d.Resources {
		if r.Layer == name {
			out = append(out, r)
		}
	}
	return out
}

// readStackReference answers a StackReference read from the stacks of Options.StackReferences
// and records it, waiting for the stack it reads, with the state the engine's builtin provider
// gives a read of another stack: {name, outputs, secretOutputNames sorted}
// (pulumi/pulumi@v3.274.1 pkg/resource/deploy/builtins.go:424-441). A stack the run does not know fails, as the engine
// fails for a stack that does not exist.
func (m *recorder) readStackReference(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.ReadRPC
	name := args.ID
	if v, ok := args.Inputs["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	ref, ok := m.refs[name]
	if !ok {
		return "", nil, fmt.Errorf("stack reference %s: no such stack in the offline preview (only the layers run before this one)", name)
	}
	secret := []resource.PropertyValue{}
	keys := make([]string, 0, len(ref.Outputs))
	for k := range ref.Outputs {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ref.Outputs[resource.PropertyKey(k)].IsSecret() {
			secret = append(secret, resource.NewStringProperty(k))
		}
	}
	parentType := tokens.Type("")
	if p := resource.URN(rpc.GetParent()); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	r := &Resource{
		URN:           string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(args.TypeToken), args.Name)),
		Type:          args.TypeToken,
		Name:          args.Name,
		Custom:        true,
		Parent:        rpc.GetParent(),
		Provider:      rpc.GetProvider(),
		IgnoreChanges: []string{},
		Dependencies:  sortedUnique(append(append([]string(nil), rpc.GetDependencies()...), ref.StackURN)),
		Inputs:        map[string]any{"name": name},
	}
	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return name, resource.PropertyMap{
		"name":              resource.NewStringProperty(name),
		"outputs":           resource.NewObjectProperty(ref.Outputs.Copy()),
		"secretOutputNames": resource.NewArrayProperty(secret),
	}, nil
}
