package config

import "github.com/flowmart/platform/components/registry"

// Registry keys.
const (
	KeyRepositories = "repositories"
	KeyRegistry     = "registry"
)

var registryKeys = []keySpec{
	{KeyRepositories, typeArray, false},
	{KeyRegistry, typeObject, false},
}

// RegistryConfig is the configuration of the Registry component: the `repositories` list and the
// `registry` object.
type RegistryConfig struct {
	Repositories []RepositoryConfig
	// ImmutableTags is registry.immutableTags; defaults per environment (defaults.go).
	ImmutableTags *bool
	// EnhancedScanning is registry.enhancedScanning.
	EnhancedScanning bool
	// CIPushRoleARN is registry.ciPushRoleArn, the role CI pushes images with (the bootstrap's
	// CI push role, arn:aws:iam::<account>:role/flowmart-ecr-push-<environment>); empty gives none.
	CIPushRoleARN string
	// PullThroughCache is registry.pullThroughCache.
	PullThroughCache []PullThroughCacheConfig
	// ForceDelete lets repositories holding images be deleted; set per environment (defaults.go),
	// never in production.
	ForceDelete bool
}

// RepositoryConfig is one entry of `repositories`.
type RepositoryConfig struct {
	Name          string                `json:"name"`
	ImmutableTags *bool                 `json:"immutableTags,omitempty"`
	ScanOnPush    *bool                 `json:"scanOnPush,omitempty"`
	Lifecycle     []LifecycleRuleConfig `json:"lifecycle,omitempty"`
}

// LifecycleRuleConfig is one lifecycle rule of a repository, in priority order.
type LifecycleRuleConfig struct {
	Description string   `json:"description,omitempty"`
	TagStatus   string   `json:"tagStatus"`
	TagPrefixes []string `json:"tagPrefixes,omitempty"`
	CountType   string   `json:"countType"`
	CountNumber int      `json:"countNumber"`
}

// PullThroughCacheConfig is one entry of registry.pullThroughCache.
type PullThroughCacheConfig struct {
	Prefix      string `json:"prefix"`
	UpstreamURL string `json:"upstreamUrl"`
}

// registryObject is the `registry` key as users write it.
type registryObject struct {
	ImmutableTags    *bool                    `json:"immutableTags,omitempty"`
	EnhancedScanning bool                     `json:"enhancedScanning,omitempty"`
	CIPushRoleARN    string                   `json:"ciPushRoleArn,omitempty"`
	PullThroughCache []PullThroughCacheConfig `json:"pullThroughCache,omitempty"`
}

func readRegistry(r *reader) RegistryConfig {
	var c RegistryConfig
	r.object(KeyRepositories, &c.Repositories)
	var o registryObject
	r.object(KeyRegistry, &o)
	c.ImmutableTags = o.ImmutableTags
	c.EnhancedScanning = o.EnhancedScanning
	c.CIPushRoleARN = o.CIPushRoleARN
	c.PullThroughCache = o.PullThroughCache
	return c
}

// LifecycleRules converts a repository's rules to the component's typed rules; nil keeps the
// component's defaults.
func (rc RepositoryConfig) LifecycleRules() []registry.LifecycleRule {
	if rc.Lifecycle == nil {
		return nil
	}
	out := make([]registry.LifecycleRule, len(rc.Lifecycle))
	for i, l := range rc.Lifecycle {
		out[i] = registry.LifecycleRule{
			Description: l.Description,
			TagStatus:   registry.TagStatus(l.TagStatus),
			TagPrefixes: l.TagPrefixes,
			CountType:   registry.CountType(l.CountType),
			CountNumber: l.CountNumber,
		}
	}
	return out
}

// validateRegistry checks the stack's rules: repositories are required, the CI role is an IAM
// role of the stack's account, and no cache prefix is also a repository. The rest is the
// Registry's own (validateComponents).
func (c *Config) validateRegistry() error {
	g := c.Registry
	if len(g.Repositories) == 0 {
		return errorf(KeyRepositories, "required key is missing (a list of {name: storefront, ...}, one per service image)")
	}
	if g.CIPushRoleARN != "" {
		account, ok := roleAccount(g.CIPushRoleARN)
		if !ok {
			return errorf(KeyRegistry+".ciPushRoleArn", "%q is not an IAM role ARN (want arn:aws:iam::<account>:role/<name>)", g.CIPushRoleARN)
		}
		if account != c.AccountID {
			return errorf(KeyRegistry+".ciPushRoleArn", "%q is in account %s, not in accountId %s", g.CIPushRoleARN, account, c.AccountID)
		}
	}
	return nil
}
