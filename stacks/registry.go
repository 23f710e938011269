package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/registry"
	"github.com/flowmart/platform/stacks/config"
)

// newRegistry creates the stack's ECR repositories: pullPrincipals (the cluster's node roles) may
// pull, the CI push role of the config (the bootstrap's) may push. The node role nodeRoleName
// also gets the registry's cache-pull policy, for a first pull through the pull-through caches;
// images reach the nodes through the Network's ECR endpoints.
func newRegistry(ctx *pulumi.Context, cfg *config.Config, pullPrincipals pulumi.StringArrayInput, nodeRoleName pulumi.StringInput, opts []pulumi.ResourceOption) (*registry.Registry, error) {
	args := cfg.RegistryArgs()
	args.PullPrincipalARNs = pullPrincipals
	if len(args.PullThroughCacheRules) > 0 {
		args.CachePullRoleNames = map[string]pulumi.StringInput{"nodes": nodeRoleName}
	}
	return registry.NewRegistry(ctx, cfg.Stack, &args, opts...)
}

// exportRegistry exports the repositories and, for the add-ons' images, the pull-through caches'
// mirror URLs by upstream registry (registry.k8s.io: <account>.dkr.ecr.<region>.amazonaws.com/k8s).
func exportRegistry(ctx *pulumi.Context, reg *registry.Registry) {
	ctx.Export("repositoryUrls", reg.RepositoryURLs)
	ctx.Export("repositoryArns", reg.RepositoryARNs)
	ctx.Export("registryMirrorUrls", reg.MirrorURLs)
}
