package config_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/flowmart/platform/stacks/config"
)

// mutate parses the dev stack file with keys set ("" deletes) and returns the error.
func mutate(t *testing.T, env string, set map[string]string) (*config.Config, error) {
	t.Helper()
	v := maps.Clone(stackValues(t, env))
	for k, val := range set {
		if val == "" {
			delete(v, k)
		} else {
			v[k] = val
		}
	}
	return parse(v)
}

func TestRegistryPerEnvironment(t *testing.T) {
	cases := map[string]struct{ immutable, forceDelete, enhanced bool }{
		"dev":        {false, true, false},
		"staging":    {true, false, true},
		"production": {true, false, true},
	}
	for env, want := range cases {
		c, err := parse(stackValues(t, env))
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		g := c.Registry
		if *g.ImmutableTags != want.immutable || g.ForceDelete != want.forceDelete || g.EnhancedScanning != want.enhanced {
			t.Errorf("%s: immutable %v forceDelete %v enhanced %v", env, *g.ImmutableTags, g.ForceDelete, g.EnhancedScanning)
		}
		if len(g.Repositories) < 6 || g.Repositories[0].Name != "storefront" || !strings.HasSuffix(g.CIPushRoleARN, ":role/flowmart-ecr-push-"+env) || len(g.PullThroughCache) == 0 {
			t.Errorf("%s: %+v", env, g)
		}
	}
	// registry.immutableTags overrides the environment's default; force delete never follows it.
	c, err := mutate(t, "production", map[string]string{"flowmart-platform:registry": `{"immutableTags":false}`})
	if err != nil || *c.Registry.ImmutableTags || c.Registry.ForceDelete {
		t.Fatalf("override: %v %+v", err, c.Registry)
	}
	c, err = mutate(t, "dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Registry.Repositories {
		rules := r.LifecycleRules()
		if (r.Name == "sandbox") != (rules != nil) {
			t.Errorf("%s: lifecycle %v", r.Name, rules)
		}
		if r.Name == "sandbox" && (len(rules) != 2 || rules[0].CountNumber != 3 || rules[1].TagStatus != "any") {
			t.Errorf("sandbox rules %+v", rules)
		}
	}
}

func TestRegistryAndCertificateErrors(t *testing.T) {
	const p = "flowmart-platform:"
	cases := []struct {
		name   string
		set    map[string]string
		key    string
		substr string
	}{
		{"missing repositories", map[string]string{p + "repositories": ""}, "repositories", "required key is missing"},
		{"empty repositories", map[string]string{p + "repositories": `[]`}, "repositories", "required key is missing"},
		{"upper-case name", map[string]string{p + "repositories": `[{"name":"Storefront"}]`}, "repositories[0].name", `"Storefront" is not an ECR repository name`},
		{"name with space", map[string]string{p + "repositories": `[{"name":"store front"}]`}, "repositories[0].name", "is not an ECR repository name"},
		{"leading slash", map[string]string{p + "repositories": `[{"name":"/storefront"}]`}, "repositories[0].name", "is not an ECR repository name"},
		{"duplicate name", map[string]string{p + "repositories": `[{"name":"orders"},{"name":"orders"}]`}, "repositories[1].name", `"orders" is listed twice`},
		{"unknown field", map[string]string{p + "repositories": `[{"name":"orders","mutable":true}]`}, "repositories", `unknown field "mutable"`},
		{"not a list", map[string]string{p + "repositories": `{"name":"orders"}`}, "repositories", "is an object, want a list"},
		{"tagged without prefixes", map[string]string{p + "repositories": `[{"name":"orders","lifecycle":[{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":5}]}]`}, "repositories[0].lifecycle[0].tagPrefixes", "tag status tagged needs tag prefixes"},
		{"any first", map[string]string{p + "repositories": `[{"name":"orders","lifecycle":[{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5},{"tagStatus":"untagged","countType":"sinceImagePushed","countNumber":1}]}]`}, "repositories[0].lifecycle[0].tagStatus", "any must be the last rule"},
		{"zero count", map[string]string{p + "repositories": `[{"name":"orders","lifecycle":[{"tagStatus":"untagged","countType":"sinceImagePushed","countNumber":0}]}]`}, "repositories[0].lifecycle[0].countNumber", "0 must be at least 1"},
		{"bad ci role", map[string]string{p + "registry": `{"ciPushRoleArn":"arn:aws:iam::111122223333:user/ci"}`}, "registry.ciPushRoleArn", "is not an IAM role ARN"},
		{"docker hub cache", map[string]string{p + "registry": `{"pullThroughCache":[{"prefix":"docker","upstreamUrl":"registry-1.docker.io"}]}`}, "registry.pullThroughCache[0].upstreamUrl", "needs no credentials"},
		{"duplicate cache prefix", map[string]string{p + "registry": `{"pullThroughCache":[{"prefix":"k8s","upstreamUrl":"registry.k8s.io"},{"prefix":"k8s","upstreamUrl":"quay.io"}]}`}, "registry.pullThroughCache[1]", `prefix "k8s" is used twice`},
		{"upstream mirrored twice", map[string]string{p + "registry": `{"pullThroughCache":[{"prefix":"k8s","upstreamUrl":"registry.k8s.io"},{"prefix":"k8s-too","upstreamUrl":"registry.k8s.io"}]}`}, "registry.pullThroughCache[1].upstreamUrl", `is already mirrored by prefix "k8s"`},
		{"cache prefix is a repository", map[string]string{p + "registry": `{"pullThroughCache":[{"prefix":"orders","upstreamUrl":"quay.io"}]}`}, "registry.pullThroughCache[0]", `prefix "orders" overlaps repository "orders"`},
		{"registry unknown field", map[string]string{p + "registry": `{"scanning":"enhanced"}`}, "registry", `unknown field "scanning"`},
		{"missing zone", map[string]string{p + "cloudflareZoneId": ""}, "cloudflareZoneId", "required key is missing"},
		{"short zone", map[string]string{p + "cloudflareZoneId": "abc123"}, "cloudflareZoneId", `"abc123" is not a Cloudflare zone id`},
		{"upper-case zone", map[string]string{p + "cloudflareZoneId": "5A1C3E0F9B2D4C6E8F0A1B2C3D4E5F60"}, "cloudflareZoneId", "32 lower-case hex digits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := mutate(t, "dev", c.set)
			var cerr *config.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			if cerr.Key != c.key || !strings.Contains(err.Error(), c.substr) {
				t.Fatalf("err = %q, want key %q and %q", err, c.key, c.substr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans several lines: %q", err)
			}
		})
	}
}
