// Package registry provides Registry: the ECR repositories of the platform's service images, with
// immutable tags, scan on push, KMS encryption, typed lifecycle policies, repository policies
// that give exact pull and push actions to given roles, and optional pull-through caches of
// public registries, usable end to end: a repository creation template per cache prefix (the
// registry's key, immutability, a lifecycle), the permission for a first cached pull as a managed
// policy attached to given roles, and the mirror URL per upstream registry. Image pulls from the
// cluster use the Network's ECR endpoints.
//
// # Physical names
//
// The registry derives one name that must be unique in its account and region: the alias of the
// KMS key it creates, alias/<NamePrefix>-ecr-key (NamePrefix defaults to the component name).
// Repositories are named Repositories[].Name and pull-through cache rules by their Prefix, as
// given, since images are pulled by those names: two registries in one account and region need
// distinct repository names and prefixes (Validate cannot see another stack's); a cache prefix
// also names its repository creation template. Enhanced scanning is one setting of the whole
// account's registry, not a name. The KMS key, the lifecycle and repository policies have no name
// of their own (ids, or the repository's); the cache templates' role and the cache-pull policy
// are auto-named by Pulumi from their resource names (<name>-cache-template-<random>, ...).
package registry

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
	"github.com/flowmart/platform/pkg/tags"
)

// registryType is part of every URN: never rename without an alias.
const registryType = "flowmart:registry:Registry"

// PullActions are the actions a pulling principal gets on every repository.
var PullActions = []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}

// PushActions are the actions a pushing principal gets on every repository (pulls included).
var PushActions = append(append([]string(nil), PullActions...),
	"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload")

// Registry is a set of ECR repositories with their encryption key, lifecycle and access policies.
type Registry struct {
	pulumi.ResourceState

	// RepositoryURLs are the repositories' URLs (<account>.dkr.ecr.<region>.amazonaws.com/<name>)
	// by repository name.
	RepositoryURLs pulumi.StringMapOutput `pulumi:"repositoryUrls"`
	// RepositoryARNs are the repositories' ARNs by repository name.
	RepositoryARNs pulumi.StringMapOutput `pulumi:"repositoryArns"`
	// KMSKeyARN is the ARN of the key that encrypts the repositories.
	KMSKeyARN pulumi.StringOutput `pulumi:"kmsKeyArn"`
	// MirrorURLs are the pull-through caches' image prefixes by upstream registry, e.g.
	// registry.k8s.io: <account>.dkr.ecr.<region>.amazonaws.com/k8s (an image
	// registry.k8s.io/pause:3.10 is pulled as <that>/pause:3.10). Empty without cache rules.
	MirrorURLs pulumi.StringMapOutput `pulumi:"mirrorUrls"`
	// CachePullPolicyARN is the managed policy a principal needs for a first pull through the
	// caches (CachePullPolicy), attached to CachePullRoleNames; empty without cache rules.
	CachePullPolicyARN pulumi.StringOutput `pulumi:"cachePullPolicyArn"`

	// Repositories holds the underlying repositories by name, an escape hatch.
	Repositories map[string]*ecr.Repository

	name      string
	args      RegistryArgs
	opts      []pulumi.ResourceOption // child options: parent is the registry
	keyARN    pulumi.StringInput
	policy    pulumi.StringOutput // repository policy document, when hasPolicy
	hasPolicy bool
}

// NewRegistry creates a Registry. Children are named name+"-<repository>[-lifecycle|-policy]",
// with "/" in repository names replaced by "-", name+"-cache-<prefix>" (the cache rule and its
// repository creation template), name+"-cache-template" (the templates' role and its policy),
// name+"-cache-pull" (the cache-pull policy) and name+"-cache-pull-<key>" (its attachments).
func NewRegistry(ctx *pulumi.Context, name string, args *RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	a := args.withName(name)
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("registry %q: %w", name, err)
	}
	r := &Registry{name: name, args: a, Repositories: map[string]*ecr.Repository{}}
	if err := ctx.RegisterComponentResource(registryType, name, r, opts...); err != nil {
		return nil, err
	}
	r.opts = []pulumi.ResourceOption{pulumi.Parent(r)}

	steps := []func(*pulumi.Context) error{
		r.kmsKey,
		r.accessPolicy,
		r.repositories,
		r.scanning,
		r.pullThroughCache,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("registry %q: %w", name, err)
		}
	}
	return r, r.registerOutputs(ctx)
}

func (r *Registry) tags(resource string) pulumi.StringMap {
	return tags.Named(r.args.Tags, resource)
}

// kmsKey uses the given key or creates one with yearly rotation. The registry creates nothing
// that names its account before the key, so the key's policy is the one KMS writes itself: the
// platform's key policy (kmskey), with no service statement.
func (r *Registry) kmsKey(ctx *pulumi.Context) error {
	if r.args.KMSKeyARN != nil {
		r.keyARN = r.args.KMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	name := r.name + "-ecr-key"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "Encrypts the ECR repositories of " + r.name,
		Alias:       aliasStart + r.args.NamePrefix + keyAliasEnd,
		Tags:        r.tags(name),
	}, protect.Options(r.args.Protect, r.opts), r.opts)
	if err != nil {
		return err
	}
	r.keyARN = key.Arn
	return nil
}

// given reports whether a principal list was given: nil and a literal empty list were not.
func given(in pulumi.StringArrayInput) bool {
	if in == nil {
		return false
	}
	if arr, ok := in.(pulumi.StringArray); ok && len(arr) == 0 {
		return false
	}
	return true
}

func orEmpty(in pulumi.StringArrayInput) pulumi.StringArrayOutput {
	if in == nil {
		return pulumi.StringArray{}.ToStringArrayOutput()
	}
	return in.ToStringArrayOutput()
}

// RepositoryPolicy is the policy every repository gets: exact pull actions for pull principals,
// exact push actions for push principals. It fails when both lists are empty (ECR rejects a
// policy without statements).
func RepositoryPolicy(pull, push []string) (iampolicy.Document, error) {
	var statements []iampolicy.Statement
	if p := unique(pull); len(p) > 0 {
		statements = append(statements, iampolicy.Statement{Sid: "Pull", Effect: "Allow",
			Principal: map[string]any{"AWS": p}, Action: PullActions})
	}
	if p := unique(push); len(p) > 0 {
		statements = append(statements, iampolicy.Statement{Sid: "Push", Effect: "Allow",
			Principal: map[string]any{"AWS": p}, Action: PushActions})
	}
	if len(statements) == 0 {
		return iampolicy.Document{}, fmt.Errorf("PullPrincipalARNs and PushPrincipalARNs are both empty: a repository policy needs at least one principal")
	}
	return iampolicy.New(statements...), nil
}

func unique(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// accessPolicy renders the repository policy once the principals are known.
func (r *Registry) accessPolicy(ctx *pulumi.Context) error {
	if !given(r.args.PullPrincipalARNs) && !given(r.args.PushPrincipalARNs) {
		return nil
	}
	r.hasPolicy = true
	r.policy = pulumi.All(orEmpty(r.args.PullPrincipalARNs), orEmpty(r.args.PushPrincipalARNs)).ApplyT(func(v []any) (string, error) {
		doc, err := RepositoryPolicy(v[0].([]string), v[1].([]string))
		if err != nil {
			return "", fmt.Errorf("registry %q: %w", r.name, err)
		}
		return doc.String(), nil
	}).(pulumi.StringOutput)
	return nil
}

// repositories creates each repository with its lifecycle policy and, when principals are given,
// its repository policy.
func (r *Registry) repositories(ctx *pulumi.Context) error {
	for _, spec := range r.args.Repositories {
		name := r.name + "-" + childName(spec.Name)
		mutability := "MUTABLE"
		if *spec.ImmutableTags {
			mutability = "IMMUTABLE"
		}
		repo, err := ecr.NewRepository(ctx, name, &ecr.RepositoryArgs{
			Name:               pulumi.String(spec.Name),
			ImageTagMutability: pulumi.String(mutability),
			ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
				ScanOnPush: pulumi.Bool(*spec.ScanOnPush),
			},
			EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{
				&ecr.RepositoryEncryptionConfigurationArgs{EncryptionType: pulumi.String("KMS"), KmsKey: r.keyARN},
			},
			ForceDelete: pulumi.Bool(r.args.ForceDelete),
			Tags:        r.tags(name),
		}, protect.Options(r.args.Protect, r.opts)...)
		if err != nil {
			return err
		}
		r.Repositories[spec.Name] = repo
		policy, err := LifecyclePolicyJSON(spec.LifecycleRules)
		if err != nil {
			return fmt.Errorf("repository %s: %w", spec.Name, err)
		}
		if _, err := ecr.NewLifecyclePolicy(ctx, name+"-lifecycle", &ecr.LifecyclePolicyArgs{
			Repository: repo.Name,
			Policy:     pulumi.String(policy),
		}, r.opts...); err != nil {
			return err
		}
		if !r.hasPolicy {
			continue
		}
		if _, err := ecr.NewRepositoryPolicy(ctx, name+"-policy", &ecr.RepositoryPolicyArgs{
			Repository: repo.Name,
			Policy:     r.policy,
		}, r.opts...); err != nil {
			return err
		}
	}
	return nil
}

// scanning turns on enhanced scanning, only when asked: the registry scanning configuration is one
// setting of the whole account's registry in the region (PutRegistryScanningConfiguration), so a
// registry that did not opt in creates none and leaves the account's setting as it is.
func (r *Registry) scanning(ctx *pulumi.Context) error {
	if !r.args.EnhancedScanning {
		return nil
	}
	_, err := ecr.NewRegistryScanningConfiguration(ctx, r.name+"-scanning", &ecr.RegistryScanningConfigurationArgs{
		ScanType: pulumi.String("ENHANCED"),
		Rules: ecr.RegistryScanningConfigurationRuleArray{
			&ecr.RegistryScanningConfigurationRuleArgs{
				ScanFrequency: pulumi.String("SCAN_ON_PUSH"),
				RepositoryFilters: ecr.RegistryScanningConfigurationRuleRepositoryFilterArray{
					&ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs{Filter: pulumi.String("*"), FilterType: pulumi.String("WILDCARD")},
				},
			},
		},
	}, r.opts...)
	return err
}

func (r *Registry) registerOutputs(ctx *pulumi.Context) error {
	urls, arns := pulumi.StringMap{}, pulumi.StringMap{}
	for name, repo := range r.Repositories {
		urls[name] = repo.RepositoryUrl
		arns[name] = repo.Arn
	}
	r.RepositoryURLs = urls.ToStringMapOutput()
	r.RepositoryARNs = arns.ToStringMapOutput()
	r.KMSKeyARN = r.keyARN.ToStringOutput()
	return ctx.RegisterResourceOutputs(r, pulumi.Map{
		"repositoryUrls":     r.RepositoryURLs,
		"repositoryArns":     r.RepositoryARNs,
		"kmsKeyArn":          r.KMSKeyARN,
		"mirrorUrls":         r.MirrorURLs,
		"cachePullPolicyArn": r.CachePullPolicyARN,
	})
}
