package registry

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// TagStatus selects the images a lifecycle rule applies to.
type TagStatus string

const (
	// TagUntagged selects images without a tag.
	TagUntagged TagStatus = "untagged"
	// TagTagged selects images with a tag starting with one of the rule's TagPrefixes.
	TagTagged TagStatus = "tagged"
	// TagAny selects every image; it must be the last rule.
	TagAny TagStatus = "any"
)

// TagStatuses lists the allowed tag statuses.
var TagStatuses = []TagStatus{TagUntagged, TagTagged, TagAny}

// CountType says how a lifecycle rule counts images.
type CountType string

const (
	// ImageCountMoreThan keeps the newest CountNumber images and expires the rest.
	ImageCountMoreThan CountType = "imageCountMoreThan"
	// SinceImagePushed expires images pushed more than CountNumber days ago.
	SinceImagePushed CountType = "sinceImagePushed"
)

// CountTypes lists the allowed count types.
var CountTypes = []CountType{ImageCountMoreThan, SinceImagePushed}

// LifecycleRule is one typed ECR lifecycle rule; the component renders the policy JSON from it.
// Priorities follow the order of the rules (1, 2, ...).
type LifecycleRule struct {
	// Description is shown in the ECR console. Defaults to none.
	Description string
	// TagStatus selects the images. Required.
	TagStatus TagStatus
	// TagPrefixes restrict a TagTagged rule to tags starting with one of them. Required for
	// TagTagged, not allowed otherwise.
	TagPrefixes []string
	// CountType says how CountNumber is read. Required.
	CountType CountType
	// CountNumber is the number of images (ImageCountMoreThan) or days (SinceImagePushed). Required.
	CountNumber int
}

// DefaultLifecycleRules returns the lifecycle of a repository that sets none: untagged images
// expire after 14 days, the newest 30 release- images are kept, and the newest 50 images overall.
func DefaultLifecycleRules() []LifecycleRule {
	return []LifecycleRule{
		{Description: "Expire untagged images after 14 days", TagStatus: TagUntagged, CountType: SinceImagePushed, CountNumber: 14},
		{Description: "Keep the last 30 release images", TagStatus: TagTagged, TagPrefixes: []string{"release-"}, CountType: ImageCountMoreThan, CountNumber: 30},
		{Description: "Keep the last 50 images", TagStatus: TagAny, CountType: ImageCountMoreThan, CountNumber: 50},
	}
}

// Repository is one ECR repository, usually one per service image.
type Repository struct {
	// Name is the repository name, e.g. storefront or team/storefront. Required.
	Name string
	// ImmutableTags overrides RegistryArgs.ImmutableTags for this repository. Defaults to the
	// registry's setting.
	ImmutableTags *bool
	// LifecycleRules replace the default lifecycle. Defaults to DefaultLifecycleRules().
	LifecycleRules []LifecycleRule
	// ScanOnPush scans every pushed image for vulnerabilities. Defaults to true.
	ScanOnPush *bool
}

// PullThroughCache mirrors a public registry under a repository prefix, to avoid its rate limits.
type PullThroughCache struct {
	// Prefix is the ECR repository prefix images are cached under, e.g. ecr-public. Required.
	Prefix string
	// UpstreamURL is the public registry, one of UpstreamRegistries; each is mirrored at most
	// once. Required.
	UpstreamURL string
	// LifecycleRules are the lifecycle of the repositories the cache creates (through its
	// repository creation template). Defaults to DefaultCacheLifecycleRules().
	LifecycleRules []LifecycleRule
}

// UpstreamRegistries are the upstream registries a pull-through cache rule may use: those that
// need no credentials (others would need a Secrets Manager secret).
var UpstreamRegistries = []string{"public.ecr.aws", "registry.k8s.io", "quay.io"}

// RegistryArgs configures a Registry. Fields that decide which resources exist are plain values.
type RegistryArgs struct {
	// Repositories are the repositories to create, at least one. Required.
	Repositories []Repository
	// ImmutableTags makes image tags immutable in every repository, so a tag always names the
	// image that was tested. Defaults to true.
	ImmutableTags *bool
	// KMSKeyARN is the KMS key that encrypts the repositories. Defaults to a new key with rotation.
	KMSKeyARN pulumi.StringPtrInput
	// EnhancedScanning turns on ENHANCED (Amazon Inspector) scanning on push. It is account-wide:
	// the registry scanning configuration is one per account and region and covers every
	// repository of the account, other teams' included, and the deploying principal needs
	// Inspector permissions (inspector2:Enable, ...). Defaults to false: the registry creates no
	// scanning configuration at all and leaves the account's as it is (repositories still scan on
	// push with basic scanning, Repository.ScanOnPush).
	EnhancedScanning bool
	// PullPrincipalARNs are the IAM roles (e.g. the cluster's node roles) allowed to pull from every
	// repository. Defaults to none.
	PullPrincipalARNs pulumi.StringArrayInput
	// PushPrincipalARNs are the IAM roles (e.g. the CI role) allowed to push to and pull from every
	// repository. Defaults to none.
	PushPrincipalARNs pulumi.StringArrayInput
	// PullThroughCacheRules mirror public registries. Defaults to none.
	PullThroughCacheRules []PullThroughCache
	// CachePullRoleNames are IAM role names (e.g. the cluster's node role) that get the
	// cache-pull policy (CachePullPolicyARN) attached, by a key that names the attachment
	// (name+"-cache-pull-<key>"). Defaults to none: attach CachePullPolicyARN yourself.
	CachePullRoleNames map[string]pulumi.StringInput
	// ForceDelete lets a repository be deleted while it still holds images. Defaults to false.
	ForceDelete bool
	// Protect protects the repositories and the created KMS key from deletion. Defaults to false.
	Protect bool
	// NamePrefix starts every physical name the registry derives (the created KMS key's alias,
	// alias/<NamePrefix>-ecr-key), so that two registries in one account and region never
	// collide: 1-242 letters, digits, - and _. Repository names are Repositories[].Name and
	// pull-through cache prefixes are PullThroughCacheRules[].Prefix, as given: they are what
	// images are pulled by. Defaults to the component name.
	NamePrefix string
	// Tags are added to every resource of the registry. Defaults to none (the provider's default
	// tags still apply).
	Tags map[string]string
}

func (a *RegistryArgs) withDefaults() RegistryArgs {
	var c RegistryArgs
	if a != nil {
		c = *a
	}
	if c.ImmutableTags == nil {
		c.ImmutableTags = pulumi.BoolRef(true)
	}
	c.Repositories = slices.Clone(c.Repositories)
	for i, r := range c.Repositories {
		if r.ImmutableTags == nil {
			r.ImmutableTags = c.ImmutableTags
		}
		if r.ScanOnPush == nil {
			r.ScanOnPush = pulumi.BoolRef(true)
		}
		if r.LifecycleRules == nil {
			r.LifecycleRules = DefaultLifecycleRules()
		}
		c.Repositories[i] = r
	}
	c.PullThroughCacheRules = slices.Clone(c.PullThroughCacheRules)
	for i, rule := range c.PullThroughCacheRules {
		if rule.LifecycleRules == nil {
			rule.LifecycleRules = DefaultCacheLifecycleRules()
		}
		c.PullThroughCacheRules[i] = rule
	}
	return c
}

// withName is withDefaults for the registry called name: NamePrefix defaults to name (only the
// constructor knows it; Validate checks a NamePrefix that is set).
func (a *RegistryArgs) withName(name string) RegistryArgs {
	c := a.withDefaults()
	if c.NamePrefix == "" {
		c.NamePrefix = name
	}
	return c
}

// A KMS alias name is 1-256 characters of letters, digits, /, _ and -, including its alias/
// prefix, and must not start with alias/aws/ (AWS KMS API Reference, CreateAlias, AliasName:
// https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html). NamePrefix is one
// segment of alias/<NamePrefix>-ecr-key, so it holds no "/" (nor, then, the reserved alias/aws/).
const (
	aliasStart    = "alias/"
	keyAliasEnd   = "-ecr-key"
	maxAliasName  = 256
	maxNamePrefix = maxAliasName - len(aliasStart) - len(keyAliasEnd)
)

var namePrefixRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

var (
	// RepositoryNameRe is the name pattern ECR accepts.
	RepositoryNameRe = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	cachePrefixRe    = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
)

// ValidRepositoryName reports why name is not an ECR repository name, or nil.
func ValidRepositoryName(name string) error {
	if len(name) < 2 || len(name) > 256 || !RepositoryNameRe.MatchString(name) {
		return fmt.Errorf("%q is not an ECR repository name (2-256 lower-case letters, digits, and . _ - / between them)", name)
	}
	return nil
}

// ValidUpstream reports why a pull-through cache rule is not allowed, or nil.
func ValidUpstream(rule PullThroughCache) error {
	if len(rule.Prefix) < 2 || len(rule.Prefix) > 30 || !cachePrefixRe.MatchString(rule.Prefix) {
		return fielderr.New("Prefix", "%q is not a repository prefix (2-30 lower-case letters, digits, and . _ - between them)", rule.Prefix)
	}
	if !slices.Contains(UpstreamRegistries, rule.UpstreamURL) {
		return fielderr.New("UpstreamURL", "%q is not a registry that needs no credentials (allowed: %s)", rule.UpstreamURL, strings.Join(UpstreamRegistries, ", "))
	}
	return nil
}

// ValidateLifecycle reports why rules do not make a valid ECR lifecycle policy, or nil. Priorities
// are the rules' positions, so they are unique; a TagTagged rule needs prefixes, counts are
// positive, and at most one TagAny rule exists, as the last one (ECR evaluates it last).
func ValidateLifecycle(rules []LifecycleRule) error {
	if len(rules) == 0 {
		return fmt.Errorf("no rules (give at least one, or leave the rules unset for the defaults)")
	}
	seen := map[int]bool{}
	for i, r := range rules {
		p := i + 1
		if seen[p] {
			return fielderr.New(fielderr.Index("", i), "priority %d is used twice", p)
		}
		seen[p] = true
		if !slices.Contains(TagStatuses, r.TagStatus) {
			return fielderr.New(fielderr.Index("", i)+".TagStatus", "%q is not a tag status (allowed: untagged, tagged, any)", r.TagStatus)
		}
		if !slices.Contains(CountTypes, r.CountType) {
			return fielderr.New(fielderr.Index("", i)+".CountType", "%q is not a count type (allowed: imageCountMoreThan, sinceImagePushed)", r.CountType)
		}
		if r.CountNumber < 1 {
			return fielderr.New(fielderr.Index("", i)+".CountNumber", "%d must be at least 1", r.CountNumber)
		}
		if r.TagStatus == TagTagged && len(r.TagPrefixes) == 0 {
			return fielderr.New(fielderr.Index("", i)+".TagPrefixes", "tag status tagged needs tag prefixes")
		}
		if r.TagStatus != TagTagged && len(r.TagPrefixes) > 0 {
			return fielderr.New(fielderr.Index("", i)+".TagPrefixes", "%q only apply to tag status tagged, not %s", r.TagPrefixes, r.TagStatus)
		}
		for _, prefix := range r.TagPrefixes {
			if prefix == "" {
				return fielderr.New(fielderr.Index("", i)+".TagPrefixes", "a tag prefix is empty")
			}
		}
		if r.TagStatus == TagAny && i != len(rules)-1 {
			return fielderr.New(fielderr.Index("", i)+".TagStatus", "any must be the last rule (highest priority number), found at %d of %d", p, len(rules))
		}
	}
	return nil
}

// Validate checks the Args after defaults and returns the first problem as a *fielderr.Error
// naming the field. NewRegistry runs it before registering anything.
func (a *RegistryArgs) Validate() error {
	d := a.withDefaults()
	return d.validate()
}

func (a RegistryArgs) validate() error {
	if len(a.Repositories) == 0 {
		return fielderr.New("Repositories", "is empty: at least one repository is required")
	}
	names := map[string]bool{}
	children := map[string]string{}
	for i, r := range a.Repositories {
		if err := ValidRepositoryName(r.Name); err != nil {
			return fielderr.In(fielderr.Index("Repositories", i)+".Name", err)
		}
		if names[r.Name] {
			return fielderr.New(fielderr.Index("Repositories", i)+".Name", "%q is listed twice", r.Name)
		}
		names[r.Name] = true
		child := childName(r.Name)
		if other, ok := children[child]; ok {
			return fielderr.New(fielderr.Index("Repositories", i)+".Name", "%q and %q give the same resource name %q", other, r.Name, child)
		}
		children[child] = r.Name
		if err := ValidateLifecycle(r.LifecycleRules); err != nil {
			return fielderr.In(fielderr.Index("Repositories", i)+".LifecycleRules", err)
		}
	}
	prefixes, upstreams := map[string]bool{}, map[string]string{}
	for i, rule := range a.PullThroughCacheRules {
		if err := ValidUpstream(rule); err != nil {
			return fielderr.In(fielderr.Index("PullThroughCacheRules", i), err)
		}
		if prefixes[rule.Prefix] {
			return fielderr.New(fielderr.Index("PullThroughCacheRules", i), "prefix %q is used twice", rule.Prefix)
		}
		prefixes[rule.Prefix] = true
		if other, ok := upstreams[rule.UpstreamURL]; ok {
			return fielderr.New(fielderr.Index("PullThroughCacheRules", i)+".UpstreamURL", "%q is already mirrored by prefix %q (one prefix per upstream registry)", rule.UpstreamURL, other)
		}
		upstreams[rule.UpstreamURL] = rule.Prefix
		if err := ValidateLifecycle(rule.LifecycleRules); err != nil {
			return fielderr.In(fielderr.Index("PullThroughCacheRules", i)+".LifecycleRules", err)
		}
		for _, r := range a.Repositories {
			if r.Name == rule.Prefix || strings.HasPrefix(r.Name, rule.Prefix+"/") {
				return fielderr.New(fielderr.Index("PullThroughCacheRules", i), "prefix %q overlaps repository %q", rule.Prefix, r.Name)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(a.CachePullRoleNames)) {
		if len(a.PullThroughCacheRules) == 0 {
			return fielderr.New("CachePullRoleNames", "key %q is given without PullThroughCacheRules (there is no cache to pull through)", k)
		}
		if !cachePrefixRe.MatchString(k) {
			return fielderr.New("CachePullRoleNames", "key %q is not an attachment name (lower-case letters, digits, and . _ - between them)", k)
		}
		if a.CachePullRoleNames[k] == nil {
			return fielderr.New("CachePullRoleNames", "key %q has no role name", k)
		}
	}
	if a.NamePrefix != "" && (len(a.NamePrefix) > maxNamePrefix || !namePrefixRe.MatchString(a.NamePrefix)) {
		return fielderr.New("NamePrefix", "%q is not a name prefix (1-%d letters, digits, - and _: it names the KMS alias %s<NamePrefix>%s; it defaults to the component name)", a.NamePrefix, maxNamePrefix, aliasStart, keyAliasEnd)
	}
	return nil
}

// childName is the resource-name form of a repository name ("team/web" -> "team-web").
func childName(repository string) string {
	return strings.ReplaceAll(repository, "/", "-")
}
