package registry_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/registry"
	"github.com/flowmart/platform/pkg/preview"
)

// Two service repositories with immutable tags, scan on push, KMS encryption and the default
// lifecycle, pullable by a node role and pushable by a CI role.
func ExampleNewRegistry() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		reg, err := registry.NewRegistry(ctx, "shop", &registry.RegistryArgs{
			Repositories:      []registry.Repository{{Name: "storefront"}, {Name: "checkout"}},
			PullPrincipalARNs: pulumi.StringArray{pulumi.String("arn:aws:iam::111122223333:role/nodes")},
			PushPrincipalARNs: pulumi.StringArray{pulumi.String("arn:aws:iam::111122223333:role/ci")},
			Protect:           true,
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("repositoryUrls", reg.RepositoryURLs)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "prod", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range doc.Find("aws:ecr/repository:Repository") {
		fmt.Println(r.Name, r.Inputs["imageTagMutability"], "protected:", r.Protect)
	}
	fmt.Println(len(doc.Find("aws:ecr/lifecyclePolicy:LifecyclePolicy")), "lifecycle policies,", len(doc.Find("aws:ecr/repositoryPolicy:RepositoryPolicy")), "repository policies")
	// Output:
	// shop-storefront IMMUTABLE protected: true
	// shop-checkout IMMUTABLE protected: true
	// 2 lifecycle policies, 2 repository policies
}

// A pull-through cache of registry.k8s.io under the prefix k8s: its repositories get the
// registry's key, immutability and lifecycle through a repository creation template, the node
// role gets the permission for a first cached pull, and the mirror URL is what images are pulled
// by.
func ExampleNewRegistry_pullThroughCache() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		reg, err := registry.NewRegistry(ctx, "shop", &registry.RegistryArgs{
			Repositories:          []registry.Repository{{Name: "storefront"}},
			PullPrincipalARNs:     pulumi.StringArray{pulumi.String("arn:aws:iam::111122223333:role/nodes")},
			PullThroughCacheRules: []registry.PullThroughCache{{Prefix: "k8s", UpstreamURL: "registry.k8s.io"}},
			CachePullRoleNames:    map[string]pulumi.StringInput{"nodes": pulumi.String("nodes")},
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("mirrorUrls", reg.MirrorURLs)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "prod", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range doc.Find("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate") {
		fmt.Println(r.Name, r.Inputs["prefix"], r.Inputs["imageTagMutability"])
	}
	fmt.Println(doc.Get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "shop-cache-pull-nodes").Inputs["role"])
	fmt.Println(doc.Outputs["mirrorUrls"])
	// Output:
	// shop-cache-k8s k8s IMMUTABLE
	// nodes
	// map[registry.k8s.io:111122223333.dkr.ecr.eu-west-1.amazonaws.com/k8s]
}
