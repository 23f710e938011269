package registry

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	ecrTemplate  = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"
	ecrCacheRule = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
	iamRole      = "aws:iam/role:Role"
	iamRolePol   = "aws:iam/rolePolicy:RolePolicy"
	iamPolicy    = "aws:iam/policy:Policy"
	iamAttach    = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	base         = "arn:aws:ecr:eu-west-1:111122223333:repository/"
)

func cacheArgs() *RegistryArgs {
	a := baseArgs()
	a.Protect = true
	a.Tags = map[string]string{"Team": "platform"}
	a.PullThroughCacheRules = []PullThroughCache{{Prefix: "ecr-public", UpstreamURL: "public.ecr.aws"}, {Prefix: "k8s", UpstreamURL: "registry.k8s.io"}}
	a.CachePullRoleNames = map[string]pulumi.StringInput{"nodes": pulumi.String("prod-nodes-1a2b3c4")}
	return a
}

func policyOf(t *testing.T, r *preview.Resource, key string) iampolicy.Document {
	t.Helper()
	if r == nil {
		t.Fatal("no such resource")
	}
	var d iampolicy.Document
	if err := json.Unmarshal([]byte(r.Inputs[key].(string)), &d); err != nil {
		t.Fatalf("%s: %s: %v", r.Name, key, err)
	}
	return d
}

// A first pull through a cache needs ecr:CreateRepository and ecr:BatchImportUpstreamImage on
// the prefix's repositories (ECR User Guide, pull-through-cache-iam), and nothing more.
func TestCachePullPolicy(t *testing.T) {
	d := CachePullPolicy(base, []string{"ecr-public", "k8s"})
	if len(d.Statement) != 1 {
		t.Fatalf("%+v", d)
	}
	s := d.Statement[0]
	if !slices.Equal(s.Action, []string{"ecr:CreateRepository", "ecr:BatchImportUpstreamImage"}) ||
		!slices.Equal(s.Resource, []string{base + "ecr-public/*", base + "k8s/*"}) || s.Effect != "Allow" {
		t.Errorf("%+v", s)
	}
	tp := TemplatePolicy(base, "arn:aws:kms:eu-west-1:111122223333:key/k", []string{"k8s"})
	if len(tp.Statement) != 2 || !slices.Equal(tp.Statement[0].Action, TemplateECRActions) || !slices.Equal(tp.Statement[0].Resource, []string{base + "k8s/*"}) ||
		!slices.Equal(tp.Statement[1].Action, []string{"kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"}) ||
		!slices.Equal(tp.Statement[1].Resource, []string{"arn:aws:kms:eu-west-1:111122223333:key/k"}) {
		t.Errorf("template policy %+v", tp)
	}
	if b, err := repositoryBase(base + "team/web"); err != nil || b != base {
		t.Errorf("repositoryBase = %q, %v", b, err)
	}
	if _, err := repositoryBase("arn:aws:s3:::bucket"); err == nil {
		t.Error("repositoryBase accepted a bucket ARN")
	}
	if h := registryHost("111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/web"); h != "111122223333.dkr.ecr.eu-west-1.amazonaws.com" {
		t.Error(h)
	}
}

// Each cache prefix gets a repository creation template (the registry's key, its tag
// immutability, the cache lifecycle, the custom role ECR needs for KMS), created before its
// rule; the role is ECR's only and may create only the prefixes' repositories and use only the
// registry's key; the cache-pull policy is attached to the given role; the mirror URLs are the
// registry host and the prefix, by upstream.
func TestPullThroughCacheEndToEnd(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		doc := build(t, cacheArgs(), deploy)
		comp := doc.Get("flowmart:registry:Registry", "prod")
		key := doc.Get(kmsKey, "prod-ecr-key")
		role := doc.Get(iamRole, "prod-cache-template")
		if role == nil || role.Parent != comp.URN || role.Inputs["name"] != nil {
			t.Fatalf("deploy=%v: template role %+v", deploy, role)
		}
		trust := policyOf(t, role, "assumeRolePolicy")
		if len(trust.Statement) != 1 || trust.Statement[0].Principal["Service"] != "ecr.amazonaws.com" || !slices.Equal(trust.Statement[0].Action, []string{"sts:AssumeRole"}) {
			t.Errorf("deploy=%v: trust %+v", deploy, trust)
		}
		rolePolicy := doc.Get(iamRolePol, "prod-cache-template")
		if !slices.Contains(rolePolicy.Dependencies, role.URN) {
			t.Errorf("deploy=%v: role policy does not depend on the role", deploy)
		}
		if deploy {
			tp := policyOf(t, rolePolicy, "policy")
			if !slices.Equal(tp.Statement[0].Resource, []string{base + "ecr-public/*", base + "k8s/*"}) ||
				len(tp.Statement[1].Resource) != 1 || !strings.HasPrefix(tp.Statement[1].Resource[0], "arn:aws:kms:eu-west-1:111122223333:key/") {
				t.Errorf("template role policy %+v", tp)
			}
		}
		wantLifecycle, _ := LifecyclePolicyJSON(DefaultCacheLifecycleRules())
		templates := doc.Find(ecrTemplate)
		if len(templates) != 2 {
			t.Fatalf("deploy=%v: %d templates, want one per prefix", deploy, len(templates))
		}
		for i, prefix := range []string{"ecr-public", "k8s"} {
			tpl := doc.Get(ecrTemplate, "prod-cache-"+prefix)
			if tpl == nil || tpl.Parent != comp.URN {
				t.Fatalf("deploy=%v: template %s: %+v", deploy, prefix, tpl)
			}
			in := tpl.Inputs
			enc := in["encryptionConfigurations"].([]any)[0].(map[string]any)
			if in["prefix"] != prefix || !slices.Equal(toStrings(in["appliedFors"]), []string{"PULL_THROUGH_CACHE"}) || in["imageTagMutability"] != "IMMUTABLE" ||
				enc["encryptionType"] != "KMS" || in["lifecyclePolicy"] != wantLifecycle || in["resourceTags"].(map[string]any)["Team"] != "platform" {
				t.Errorf("deploy=%v: template %s: %+v", deploy, prefix, in)
			}
			if !slices.Contains(tpl.Dependencies, key.URN) || !slices.Contains(tpl.Dependencies, role.URN) || !slices.Contains(tpl.Dependencies, rolePolicy.URN) {
				t.Errorf("deploy=%v: template %s does not wait for the key, the role and its policy: %v", deploy, prefix, tpl.Dependencies)
			}
			if deploy && (!strings.HasPrefix(enc["kmsKey"].(string), "arn:aws:kms:eu-west-1:111122223333:key/") || !strings.HasPrefix(in["customRoleArn"].(string), "arn:aws:iam::111122223333:role/prod-cache-template-")) {
				t.Errorf("template %s: key %v role %v", prefix, enc["kmsKey"], in["customRoleArn"])
			}
			rule := doc.Find(ecrCacheRule)[i]
			if rule.Name != "prod-cache-"+prefix || !slices.Contains(rule.Dependencies, tpl.URN) {
				t.Errorf("deploy=%v: rule %s does not wait for its template", deploy, rule.Name)
			}
		}
		pull := doc.Get(iamPolicy, "prod-cache-pull")
		if pull == nil || pull.Parent != comp.URN {
			t.Fatalf("deploy=%v: cache-pull policy %+v", deploy, pull)
		}
		if deploy {
			if got := policyOf(t, pull, "policy"); got.String() != CachePullPolicy(base, []string{"ecr-public", "k8s"}).String() {
				t.Errorf("cache-pull policy %s", got)
			}
		}
		attach := doc.Get(iamAttach, "prod-cache-pull-nodes")
		if attach == nil || attach.Inputs["role"] != "prod-nodes-1a2b3c4" || !slices.Contains(attach.Dependencies, pull.URN) {
			t.Fatalf("deploy=%v: attachment %+v", deploy, attach)
		}
		if deploy {
			mirrors := doc.Outputs["mirrors"].(map[string]string)
			if len(mirrors) != 2 || mirrors["public.ecr.aws"] != "111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-public" || mirrors["registry.k8s.io"] != "111122223333.dkr.ecr.eu-west-1.amazonaws.com/k8s" {
				t.Errorf("mirror URLs %v", mirrors)
			}
			if doc.Outputs["cachePull"] != attach.Inputs["policyArn"] || !strings.HasPrefix(doc.Outputs["cachePull"].(string), "arn:aws:iam::111122223333:policy/prod-cache-pull-") {
				t.Errorf("cache-pull output %v, attached %v", doc.Outputs["cachePull"], attach.Inputs["policyArn"])
			}
		}
	}
}

// Mutable registries give mutable cached repositories, and a rule's own lifecycle replaces the
// default.
func TestCacheTemplateFollowsTheRegistry(t *testing.T) {
	a := cacheArgs()
	a.ImmutableTags = pulumi.BoolRef(false)
	a.PullThroughCacheRules[1].LifecycleRules = []LifecycleRule{{TagStatus: TagAny, CountType: ImageCountMoreThan, CountNumber: 5}}
	doc := build(t, a, true)
	want, _ := LifecyclePolicyJSON(a.PullThroughCacheRules[1].LifecycleRules)
	if tpl := doc.Get(ecrTemplate, "prod-cache-k8s"); tpl.Inputs["imageTagMutability"] != "MUTABLE" || tpl.Inputs["lifecyclePolicy"] != want {
		t.Errorf("template %+v", tpl.Inputs)
	}
}

// Without cache rules there is no template, role, policy or attachment, and the outputs are
// empty.
func TestNoCacheNoCacheResources(t *testing.T) {
	doc := build(t, baseArgs(), true)
	for _, typ := range []string{ecrTemplate, ecrCacheRule, iamRole, iamRolePol, iamPolicy, iamAttach} {
		if got := doc.Find(typ); got != nil {
			t.Errorf("%s created without cache rules: %d", typ, len(got))
		}
	}
	if m := doc.Outputs["mirrors"].(map[string]string); len(m) != 0 || doc.Outputs["cachePull"] != "" {
		t.Errorf("outputs %v %v", m, doc.Outputs["cachePull"])
	}
}

// Enhanced scanning is account-wide and opt-in: by default the registry creates no registry
// scanning configuration at all; with the flag, one ENHANCED configuration.
func TestEnhancedScanningOptIn(t *testing.T) {
	const scanning = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
	if got := build(t, cacheArgs(), true).Find(scanning); got != nil {
		t.Errorf("a scanning configuration without opting in: %+v", got)
	}
	a := cacheArgs()
	a.EnhancedScanning = true
	if got := build(t, a, true).Find(scanning); len(got) != 1 || got[0].Inputs["scanType"] != "ENHANCED" {
		t.Errorf("opted in: %+v", got)
	}
}

func TestCacheValidate(t *testing.T) {
	for _, c := range []struct {
		name, path, want string
		change           func(*RegistryArgs)
	}{
		{"upstream twice", "PullThroughCacheRules[1].UpstreamURL", `"registry.k8s.io" is already mirrored by prefix "ecr-public"`,
			func(a *RegistryArgs) { a.PullThroughCacheRules[0].UpstreamURL = "registry.k8s.io" }},
		{"bad cache lifecycle", "PullThroughCacheRules[0].LifecycleRules[0].CountNumber", "0 must be at least 1",
			func(a *RegistryArgs) {
				a.PullThroughCacheRules[0].LifecycleRules = []LifecycleRule{{TagStatus: TagAny, CountType: ImageCountMoreThan}}
			}},
		{"roles without caches", "CachePullRoleNames", `key "nodes" is given without PullThroughCacheRules`,
			func(a *RegistryArgs) { a.PullThroughCacheRules = nil }},
		{"bad key", "CachePullRoleNames", `key "Nodes/1" is not an attachment name`,
			func(a *RegistryArgs) {
				a.CachePullRoleNames = map[string]pulumi.StringInput{"Nodes/1": pulumi.String("r")}
			}},
		{"nil role", "CachePullRoleNames", `key "nodes" has no role name`,
			func(a *RegistryArgs) { a.CachePullRoleNames = map[string]pulumi.StringInput{"nodes": nil} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := cacheArgs()
			c.change(a)
			err := a.Validate()
			path, _, ok := fielderr.Split(err)
			if err == nil || !ok || path != c.path || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Validate() = %v (path %q), want %s: %s", err, path, c.path, c.want)
			}
		})
	}
	if err := cacheArgs().Validate(); err != nil {
		t.Errorf("valid args: %v", err)
	}
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, len(l))
	for i, e := range l {
		out[i], _ = e.(string)
	}
	return out
}
