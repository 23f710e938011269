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
	g := cfg.Registry
	repos := make([]registry.Repository, len(g.Repositories))
	for i, r := range g.Repositories {
		repos[i] = registry.Repository{
			Name:           r.Name,
			ImmutableTags:  r.ImmutableTags,
			ScanOnPush:     r.ScanOnPush,
			LifecycleRules: r.LifecycleRules(),
		}
	}
	var push pulumi.StringArrayInput
	if g.CIPushRoleARN != "" {
		push = pulumi.StringArray{pulumi.String(g.CIPushRoleARN)}
	}
	caches := make([]registry.PullThroughCache, len(g.PullThroughCache))
	for i, c := range g.PullThroughCache {
		caches[i] = registry.PullThroughCache{Prefix: c.Prefix, UpstreamURL: c.UpstreamURL}
	}
	return registry.NewRegistry(ctx, cfg.Stack, &registry.RegistryArgs{
		Repositories:          repos,
		ImmutableTags:         g.ImmutableTags,
		EnhancedScanning:      g.EnhancedScanning,
		PullPrincipalARNs:     pullPrincipals,
		PushPrincipalARNs:     push,
		PullThroughCacheRules: caches,
		ForceDelete:           g.ForceDelete,
		Protect:               cfg.Protected(),
	}, opts...)
}

func exportRegistry(ctx *pulumi.Context, reg *registry.Registry) {
	ctx.Export("repositoryUrls", reg.RepositoryURLs)
	ctx.Export("repositoryArns", reg.RepositoryARNs)
}
