package registry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// A pull-through cache works end to end with three things besides its rule (Amazon ECR User
// Guide, "Sync an upstream registry with an Amazon ECR private registry"):
//
//   - the pulling principal's permission for a first cached pull: ecr:CreateRepository (the
//     cached repository does not exist yet) and ecr:BatchImportUpstreamImage (import the image),
//     both of which an identity-based policy may grant ("IAM permissions required to sync an
//     upstream registry with an Amazon ECR private registry",
//     https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html). The
//     Service Authorization Reference gives both the resource type repository* (Amazon ECR,
//     actions table and permission-only actions), so they are granted on the cache prefix's
//     repositories, arn:aws:ecr:<region>:<account>:repository/<prefix>/*, and nothing else
//     (CachePullPolicy). Pulling itself is the nodes' AmazonEC2ContainerRegistryPullOnly.
//   - a repository creation template per prefix, so that the repositories ECR creates on a first
//     pull get the registry's KMS key, tag immutability and a lifecycle policy; without one they
//     get AES256, mutable tags and no lifecycle ("Creating a repository creation template in
//     Amazon ECR", https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create.html).
//   - a custom role for those templates: "If you intend to use KMS keys, resource tags, or a
//     combination of both in one or more templates, you need to" create a custom policy and an
//     IAM role for repository creation templates (same page), trusted by ecr.amazonaws.com
//     ("Create an IAM role for repository creation templates",
//     https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create-iam.html)
//     with ecr:CreateRepository, ecr:TagResource and kms:CreateGrant, kms:RetireGrant,
//     kms:DescribeKey ("Create a custom policy for repository creation templates",
//     https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-custom.html;
//     its ecr:ReplicateImage serves replication, which the registry does not configure). The
//     pulumi-aws v6.83.4 RepositoryCreationTemplateArgs.CustomRoleArn says the same: "Required if
//     using repository tags or KMS encryption". The registry scopes the ECR actions to the
//     prefixes' repositories and the KMS actions to its key (TemplatePolicy).

// CachePullActions are the actions a principal needs for a first pull through a cache.
var CachePullActions = []string{"ecr:CreateRepository", "ecr:BatchImportUpstreamImage"}

// TemplateECRActions and TemplateKMSActions are what ECR does with a template's custom role.
var (
	TemplateECRActions = []string{"ecr:CreateRepository", "ecr:TagResource"}
	TemplateKMSActions = []string{"kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"}
)

// DefaultCacheLifecycleRules returns the lifecycle of a cached repository whose rule sets none:
// untagged images expire after 14 days, and the newest 20 images are kept (an expired image is
// pulled from upstream again on its next pull).
func DefaultCacheLifecycleRules() []LifecycleRule {
	return []LifecycleRule{
		{Description: "Expire untagged images after 14 days", TagStatus: TagUntagged, CountType: SinceImagePushed, CountNumber: 14},
		{Description: "Keep the last 20 images", TagStatus: TagAny, CountType: ImageCountMoreThan, CountNumber: 20},
	}
}

// cacheRepositories returns the ARN patterns of the cached repositories of prefixes, for a
// registry whose repository ARNs start with base (arn:aws:ecr:<region>:<account>:repository/).
func cacheRepositories(base string, prefixes []string) []string {
	out := make([]string, len(prefixes))
	for i, p := range prefixes {
		out[i] = base + p + "/*"
	}
	return out
}

// CachePullPolicy is the policy a pulling principal (the nodes) needs for a first cached pull of
// any of the prefixes; base is the registry's repository ARN prefix,
// arn:aws:ecr:<region>:<account>:repository/.
func CachePullPolicy(base string, prefixes []string) iampolicy.Document {
	return iampolicy.New(iampolicy.Allow("FirstCachedPull", CachePullActions, cacheRepositories(base, prefixes)...))
}

// TemplatePolicy is the policy of the templates' custom role: create (and tag) the prefixes'
// repositories, and use keyARN for their encryption.
func TemplatePolicy(base, keyARN string, prefixes []string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Allow("CreateCachedRepositories", TemplateECRActions, cacheRepositories(base, prefixes)...),
		iampolicy.Allow("EncryptCachedRepositories", TemplateKMSActions, keyARN),
	)
}

// repositoryBase returns arn:aws:ecr:<region>:<account>:repository/ from a repository's ARN.
func repositoryBase(arn string) (string, error) {
	i := strings.Index(arn, ":repository/")
	if i < 0 {
		return "", fmt.Errorf("%q is not an ECR repository ARN", arn)
	}
	return arn[:i+len(":repository/")], nil
}

// registryHost returns <account>.dkr.ecr.<region>.amazonaws.com from a repository's URL.
func registryHost(url string) string {
	host, _, _ := strings.Cut(url, "/")
	return host
}

// anyRepository is the first repository (Validate requires one): its ARN and URL name the
// registry's account and region.
func (r *Registry) anyRepository() *ecr.Repository {
	return r.Repositories[r.args.Repositories[0].Name]
}

func (r *Registry) prefixes() []string {
	out := make([]string, len(r.args.PullThroughCacheRules))
	for i, rule := range r.args.PullThroughCacheRules {
		out[i] = rule.Prefix
	}
	return out
}

// pullThroughCache creates, when there are cache rules, the templates' role, one template and
// one rule per prefix (the rule after its template, so that no first pull can create a
// repository the template has not shaped), and the cache-pull policy with its attachments.
func (r *Registry) pullThroughCache(ctx *pulumi.Context) error {
	r.MirrorURLs = pulumi.StringMap{}.ToStringMapOutput()
	r.CachePullPolicyARN = pulumi.String("").ToStringOutput()
	if len(r.args.PullThroughCacheRules) == 0 {
		return nil
	}
	repo := r.anyRepository()
	base := repo.Arn.ApplyT(repositoryBase).(pulumi.StringOutput)
	prefixes := r.prefixes()

	roleName := r.name + "-cache-template"
	role, err := iam.NewRole(ctx, roleName, &iam.RoleArgs{
		Description:      pulumi.String("Lets ECR create the pull-through cache repositories of " + r.name + " with its KMS key"),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ecr.amazonaws.com", nil).String()),
		Tags:             r.tags(roleName),
	}, r.opts...)
	if err != nil {
		return err
	}
	rolePolicy, err := iam.NewRolePolicy(ctx, roleName, &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: iampolicy.Render(func(v []string) iampolicy.Document { return TemplatePolicy(v[0], v[1], prefixes) }, base, r.keyARN),
	}, r.opts...)
	if err != nil {
		return err
	}

	mutability := "MUTABLE"
	if *r.args.ImmutableTags {
		mutability = "IMMUTABLE"
	}
	mirrors := pulumi.StringMap{}
	for _, rule := range r.args.PullThroughCacheRules {
		name := r.name + "-cache-" + rule.Prefix
		lifecycle, err := LifecyclePolicyJSON(rule.LifecycleRules)
		if err != nil {
			return fmt.Errorf("pull-through cache %s: %w", rule.Prefix, err)
		}
		template, err := ecr.NewRepositoryCreationTemplate(ctx, name, &ecr.RepositoryCreationTemplateArgs{
			Prefix:      pulumi.String(rule.Prefix),
			Description: pulumi.String("Repositories cached from " + rule.UpstreamURL + " by " + r.name),
			AppliedFors: pulumi.StringArray{pulumi.String("PULL_THROUGH_CACHE")},
			EncryptionConfigurations: ecr.RepositoryCreationTemplateEncryptionConfigurationArray{
				&ecr.RepositoryCreationTemplateEncryptionConfigurationArgs{EncryptionType: pulumi.String("KMS"), KmsKey: r.keyARN},
			},
			ImageTagMutability: pulumi.String(mutability),
			LifecyclePolicy:    pulumi.String(lifecycle),
			CustomRoleArn:      role.Arn,
			ResourceTags:       pulumi.ToStringMap(r.args.Tags),
		}, append(slices.Clone(r.opts), pulumi.DependsOn([]pulumi.Resource{rolePolicy}))...)
		if err != nil {
			return err
		}
		if _, err := ecr.NewPullThroughCacheRule(ctx, name, &ecr.PullThroughCacheRuleArgs{
			EcrRepositoryPrefix: pulumi.String(rule.Prefix),
			UpstreamRegistryUrl: pulumi.String(rule.UpstreamURL),
		}, append(slices.Clone(r.opts), pulumi.DependsOn([]pulumi.Resource{template}))...); err != nil {
			return err
		}
		prefix := rule.Prefix
		mirrors[rule.UpstreamURL] = repo.RepositoryUrl.ApplyT(func(url string) string { return registryHost(url) + "/" + prefix }).(pulumi.StringOutput)
	}
	r.MirrorURLs = mirrors.ToStringMapOutput()

	policyName := r.name + "-cache-pull"
	policy, err := iam.NewPolicy(ctx, policyName, &iam.PolicyArgs{
		Description: pulumi.String("First pulls through the pull-through caches of " + r.name + " (" + strings.Join(prefixes, ", ") + ")"),
		Policy:      iampolicy.Render(func(v []string) iampolicy.Document { return CachePullPolicy(v[0], prefixes) }, base),
		Tags:        r.tags(policyName),
	}, r.opts...)
	if err != nil {
		return err
	}
	r.CachePullPolicyARN = policy.Arn
	keys := make([]string, 0, len(r.args.CachePullRoleNames))
	for k := range r.args.CachePullRoleNames {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := iam.NewRolePolicyAttachment(ctx, policyName+"-"+k, &iam.RolePolicyAttachmentArgs{
			Role:      r.args.CachePullRoleNames[k],
			PolicyArn: policy.Arn,
		}, r.opts...); err != nil {
			return err
		}
	}
	return nil
}
