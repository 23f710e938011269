package mocks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Mode is a way of answering worse than a provider normally does, for tests that a program
// survives missing, empty or unknown outputs without a panic.
type Mode int

const (
	// Empty answers every resource with an empty id and an empty state: during DryRun its id and
	// every output are unknown; in an update the id is "" and each output is its input's value
	// (as the SDK resolves an output the provider left out) or the zero value.
	Empty Mode = iota + 1
	// NoOutputs answers with the id and the inputs only, none of the computed outputs: an output
	// that is not an input (an ARN, an endpoint, a Service's status) is unknown during DryRun and
	// the zero value (empty string, nil, empty list) in an update.
	NoOutputs
	// UnknownOutputs answers with the inputs and every computed output unknown, and no id: what a
	// preview of a create sees from a real provider. Meant for DryRun; in an update it answers
	// like NoOutputs with an empty id.
	UnknownOutputs
)

// Modes lists every Mode, for table tests.
var Modes = []Mode{Empty, NoOutputs, UnknownOutputs}

func (m Mode) String() string {
	switch m {
	case Empty:
		return "Empty"
	case NoOutputs:
		return "NoOutputs"
	case UnknownOutputs:
		return "UnknownOutputs"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Degraded wraps a mock monitor (usually *Mocks) and degrades its answers as Mode says.
// Providers ("pulumi:providers:..." resources) are answered unchanged, so that the program gets
// past them into its own resources. A lookup the monitor answers returns an empty result in
// every mode (the SDK has no unknown lookup results: each field is its zero value); a lookup it
// fails still fails.
//
//	err := pulumi.RunErr(program, pulumi.WithMocks("project", "stack",
//		mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mocks.NoOutputs}))
type Degraded struct {
	Monitor pulumi.MockResourceMonitor
	Mode    Mode
}

var _ pulumi.MockResourceMonitor = Degraded{}

// NewResource implements pulumi.MockResourceMonitor.
func (d Degraded) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := d.Monitor.NewResource(args)
	if err != nil || strings.HasPrefix(args.TypeToken, "pulumi:providers:") {
		return id, state, err
	}
	switch d.Mode {
	case Empty:
		return "", resource.PropertyMap{}, nil
	case NoOutputs:
		return id, inputsOnly(args.Inputs), nil
	case UnknownOutputs:
		out := inputsOnly(args.Inputs)
		for k, v := range state {
			if in, ok := args.Inputs[k]; !ok || !in.DeepEquals(v) {
				out[k] = resource.MakeComputed(resource.NewStringProperty(""))
			}
		}
		return "", out, nil
	}
	return id, state, nil
}

// Call implements pulumi.MockResourceMonitor.
func (d Degraded) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if _, err := d.Monitor.Call(args); err != nil {
		return nil, err
	}
	return resource.PropertyMap{}, nil
}

func inputsOnly(inputs resource.PropertyMap) resource.PropertyMap {
	if inputs == nil {
		return resource.PropertyMap{}
	}
	return inputs.Copy()
}
