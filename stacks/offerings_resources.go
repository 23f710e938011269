package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/service"
	"github.com/flowmart/platform/stacks/config"
	"github.com/flowmart/platform/stacks/manifests"
)

// offered is what a service's offerings give its discovery entries and its Pod Identity role.
type offered struct {
	Resources []service.Resource
	// Statements are the offerings' AccessStatements, each an output of []iampolicy.Statement.
	Statements []pulumi.Input
}

// newOfferings: WIP until components/database, cache and queue are merged (no offerings yet).
func newOfferings(ctx *pulumi.Context, cfg *config.Config, s *manifests.Sized, where offeringNetwork, keyARN, topicARN pulumi.StringOutput, opts []pulumi.ResourceOption) (*offered, error) {
	return &offered{}, nil
}

// wrap puts the manifest's file in front of a component's error.
func wrap(s *manifests.Sized, err error) error { return fmt.Errorf("%s: %w", s.File, err) }
