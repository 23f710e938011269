package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/registry"
	"github.com/flowmart/platform/stacks/config"
)

// newRegistry creates the stack's ECR repositories: pullPrincipals (the cluster's node roles) may
// pull, the CI role of the config may push. Images reach the nodes through the Network's ECR
// endpoints.
func newRegistry(ctx *pulumi.Context, cfg *config.Config, pullPrincipals pulumi.StringArrayInput, opts []pulumi.ResourceOption) (*registry.Registry, error) {
	args := cfg.RegistryArgs()
	args.PullPrincipalARNs = pullPrincipals
	return registry.NewRegistry(ctx, cfg.Stack, &args, opts...)
}

func exportRegistry(ctx *pulumi.Context, reg *registry.Registry) {
	ctx.Export("repositoryUrls", reg.RepositoryURLs)
	ctx.Export("repositoryArns", reg.RepositoryARNs)
}
