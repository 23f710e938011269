package registry

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

const (
	ecrRepo      = "aws:ecr/repository:Repository"
	ecrLifecycle = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	ecrPolicy    = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	kmsKey       = "aws:kms/key:Key"
)

func baseArgs() *RegistryArgs {
	return &RegistryArgs{Repositories: []Repository{{Name: "storefront"}, {Name: "checkout"}}}
}

func TestDefaults(t *testing.T) {
	a := baseArgs().withDefaults()
	if !*a.ImmutableTags {
		t.Error("ImmutableTags does not default to true")
	}
	for _, r := range a.Repositories {
		if !*r.ImmutableTags || !*r.ScanOnPush || len(r.LifecycleRules) != 3 {
			t.Errorf("%s: immutable %v scan %v rules %d", r.Name, *r.ImmutableTags, *r.ScanOnPush, len(r.LifecycleRules))
		}
	}
	mutable := &RegistryArgs{ImmutableTags: pulumi.BoolRef(false), Repositories: []Repository{{Name: "a1"}, {Name: "b1", ImmutableTags: pulumi.BoolRef(true)}}}
	d := mutable.withDefaults()
	if *d.Repositories[0].ImmutableTags || !*d.Repositories[1].ImmutableTags {
		t.Errorf("per-repository override not applied: %v %v", *d.Repositories[0].ImmutableTags, *d.Repositories[1].ImmutableTags)
	}
	var nilArgs *RegistryArgs
	if err := nilArgs.withDefaults().validate(); err == nil || !strings.Contains(err.Error(), "Repositories: is empty") {
		t.Errorf("nil args: %v", err)
	}
}

func TestValidate(t *testing.T) {
	rule := func(s TagStatus, c CountType, n int, prefixes ...string) LifecycleRule {
		return LifecycleRule{TagStatus: s, CountType: c, CountNumber: n, TagPrefixes: prefixes}
	}
	cases := []struct {
		name   string
		mutate func(*RegistryArgs)
		want   string
	}{
		{"upper case", func(a *RegistryArgs) { a.Repositories[0].Name = "Storefront" }, `Repositories[0].Name: "Storefront" is not an ECR repository name`},
		{"one char", func(a *RegistryArgs) { a.Repositories[0].Name = "s" }, `"s" is not an ECR repository name`},
		{"trailing slash", func(a *RegistryArgs) { a.Repositories[0].Name = "team/" }, `"team/" is not an ECR repository name`},
		{"double separator", func(a *RegistryArgs) { a.Repositories[0].Name = "store--front" }, `"store--front" is not an ECR repository name`},
		{"too long", func(a *RegistryArgs) { a.Repositories[0].Name = strings.Repeat("a", 257) }, "is not an ECR repository name"},
		{"duplicate", func(a *RegistryArgs) { a.Repositories[1].Name = "storefront" }, `Repositories[1].Name: "storefront" is listed twice`},
		{"same child name", func(a *RegistryArgs) {
			a.Repositories = []Repository{{Name: "team/web"}, {Name: "team-web"}}
		}, `give the same resource name "team-web"`},
		{"no rules", func(a *RegistryArgs) { a.Repositories[0].LifecycleRules = []LifecycleRule{} }, "no rules"},
		{"tagged without prefixes", func(a *RegistryArgs) {
			a.Repositories[0].LifecycleRules = []LifecycleRule{rule(TagTagged, ImageCountMoreThan, 5)}
		}, "Repositories[0].LifecycleRules[0].TagPrefixes: tag status tagged needs tag prefixes"},
		{"prefixes on untagged", func(a *RegistryArgs) {
			a.Repositories[0].LifecycleRules = []LifecycleRule{rule(TagUntagged, SinceImagePushed, 5, "x")}
		}, "only apply to tag status tagged"},
		{"zero count", func(a *RegistryArgs) {
			a.Repositories[0].LifecycleRules = []LifecycleRule{rule(TagUntagged, SinceImagePushed, 0)}
		}, "LifecycleRules[0].CountNumber: 0 must be at least 1"},
		{"any not last", func(a *RegistryArgs) {
			a.Repositories[0].LifecycleRules = []LifecycleRule{rule(TagAny, ImageCountMoreThan, 5), rule(TagUntagged, SinceImagePushed, 1)}
		}, "LifecycleRules[0].TagStatus: any must be the last rule"},
		{"two any", func(a *RegistryArgs) {
			a.Repositories[0].LifecycleRules = []LifecycleRule{rule(TagAny, ImageCountMoreThan, 5), rule(TagAny, ImageCountMoreThan, 9)}
		}, "LifecycleRules[0].TagStatus: any must be the last rule"},
		{"bad status", func(a *RegistryArgs) {
			a.Repositories[0].LifecycleRules = []LifecycleRule{rule("all", ImageCountMoreThan, 5)}
		}, `LifecycleRules[0].TagStatus: "all" is not a tag status`},
		{"bad count type", func(a *RegistryArgs) {
			a.Repositories[0].LifecycleRules = []LifecycleRule{rule(TagUntagged, "days", 5)}
		}, `LifecycleRules[0].CountType: "days" is not a count type`},
		{"docker hub cache", func(a *RegistryArgs) {
			a.PullThroughCacheRules = []PullThroughCache{{Prefix: "docker-hub", UpstreamURL: "registry-1.docker.io"}}
		}, `PullThroughCacheRules[0].UpstreamURL: "registry-1.docker.io" is not a registry that needs no credentials`},
		{"bad cache prefix", func(a *RegistryArgs) {
			a.PullThroughCacheRules = []PullThroughCache{{Prefix: "ECR", UpstreamURL: "public.ecr.aws"}}
		}, `PullThroughCacheRules[0].Prefix: "ECR" is not a repository prefix`},
		{"duplicate cache prefix", func(a *RegistryArgs) {
			a.PullThroughCacheRules = []PullThroughCache{{Prefix: "k8s", UpstreamURL: "registry.k8s.io"}, {Prefix: "k8s", UpstreamURL: "quay.io"}}
		}, `prefix "k8s" is used twice`},
		{"cache prefix overlaps repository", func(a *RegistryArgs) {
			a.Repositories[0].Name = "quay/tools"
			a.PullThroughCacheRules = []PullThroughCache{{Prefix: "quay", UpstreamURL: "quay.io"}}
		}, `prefix "quay" overlaps repository "quay/tools"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.withDefaults().validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("validate() = %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
		})
	}
	ok := baseArgs()
	ok.Repositories = append(ok.Repositories, Repository{Name: "team/web-app.v2"})
	ok.PullThroughCacheRules = []PullThroughCache{{Prefix: "ecr-public", UpstreamURL: "public.ecr.aws"}, {Prefix: "k8s", UpstreamURL: "registry.k8s.io"}}
	if err := ok.withDefaults().validate(); err != nil {
		t.Fatalf("valid args rejected: %v", err)
	}
}

// lifecycleDoc is the ECR lifecycle policy as a reader of the JSON sees it.
type lifecycleDoc struct {
	Rules []struct {
		RulePriority int    `json:"rulePriority"`
		Description  string `json:"description"`
		Selection    struct {
			TagStatus     string   `json:"tagStatus"`
			TagPrefixList []string `json:"tagPrefixList"`
			CountType     string   `json:"countType"`
			CountUnit     string   `json:"countUnit"`
			CountNumber   int      `json:"countNumber"`
		} `json:"selection"`
		Action struct {
			Type string `json:"type"`
		} `json:"action"`
	} `json:"rules"`
}

func TestDefaultLifecycleJSON(t *testing.T) {
	s, err := LifecyclePolicyJSON(DefaultLifecycleRules())
	if err != nil {
		t.Fatal(err)
	}
	var doc lifecycleDoc
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	if len(doc.Rules) != 3 {
		t.Fatalf("rules: %s", s)
	}
	r := doc.Rules
	if r[0].RulePriority != 1 || r[0].Selection.TagStatus != "untagged" || r[0].Selection.CountType != "sinceImagePushed" || r[0].Selection.CountUnit != "days" || r[0].Selection.CountNumber != 14 {
		t.Errorf("rule 1: %+v", r[0])
	}
	if r[1].RulePriority != 2 || r[1].Selection.TagStatus != "tagged" || !slices.Equal(r[1].Selection.TagPrefixList, []string{"release-"}) || r[1].Selection.CountType != "imageCountMoreThan" || r[1].Selection.CountUnit != "" || r[1].Selection.CountNumber != 30 {
		t.Errorf("rule 2: %+v", r[1])
	}
	if r[2].RulePriority != 3 || r[2].Selection.TagStatus != "any" || r[2].Selection.CountNumber != 50 || r[2].Selection.TagPrefixList != nil {
		t.Errorf("rule 3: %+v", r[2])
	}
	for _, rule := range r {
		if rule.Action.Type != "expire" || rule.Description == "" {
			t.Errorf("rule %d: action %q description %q", rule.RulePriority, rule.Action.Type, rule.Description)
		}
	}
	if _, err := LifecyclePolicyJSON([]LifecycleRule{{TagStatus: TagTagged, CountType: ImageCountMoreThan, CountNumber: 1}}); err == nil {
		t.Error("invalid rules rendered")
	}
}

func TestRepositoryPolicyExactActions(t *testing.T) {
	doc, err := RepositoryPolicy([]string{"arn:aws:iam::111122223333:role/node", "arn:aws:iam::111122223333:role/node"}, []string{"arn:aws:iam::111122223333:role/ci"})
	if err != nil {
		t.Fatal(err)
	}
	checkPolicy(t, doc.String(), []string{"arn:aws:iam::111122223333:role/node"}, []string{"arn:aws:iam::111122223333:role/ci"})
	if _, err := RepositoryPolicy(nil, []string{}); err == nil || !strings.Contains(err.Error(), "both empty") {
		t.Errorf("empty principals: %v", err)
	}
	only, _ := RepositoryPolicy(nil, []string{"arn:aws:iam::111122223333:role/ci"})
	if len(only.Statement) != 1 || only.Statement[0].Sid != "Push" {
		t.Errorf("push only: %+v", only)
	}
}

// checkPolicy parses a repository policy and checks its principals and exact actions.
func checkPolicy(t *testing.T, policy string, pull, push []string) {
	t.Helper()
	var doc struct {
		Statement []struct {
			Sid       string
			Effect    string
			Principal struct{ AWS []string }
			Action    []string
			Resource  []string
		}
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatalf("%s: %v", policy, err)
	}
	if strings.Contains(policy, "ecr:*") || strings.Contains(policy, `"*"`) {
		t.Errorf("wildcard in policy: %s", policy)
	}
	want := map[string]struct{ principals, actions []string }{
		"Pull": {pull, []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}},
		"Push": {push, []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability",
			"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"}},
	}
	if len(doc.Statement) != 2 {
		t.Fatalf("statements: %s", policy)
	}
	for _, s := range doc.Statement {
		w, ok := want[s.Sid]
		if !ok || s.Effect != "Allow" || !slices.Equal(s.Principal.AWS, w.principals) || !slices.Equal(s.Action, w.actions) || s.Resource != nil {
			t.Errorf("statement %s: %+v", s.Sid, s)
		}
	}
}

// build runs a program that creates one Registry under the mock recorder.
func build(t *testing.T, args *RegistryArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		reg, err := NewRegistry(ctx, "prod", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("urls", reg.RepositoryURLs)
		ctx.Export("arns", reg.RepositoryARNs)
		ctx.Export("key", reg.KMSKeyARN)
		ctx.Export("mirrors", reg.MirrorURLs)
		ctx.Export("cachePull", reg.CachePullPolicyARN)
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Production settings: immutable tags, scan on push, a new rotating KMS key, protected, no force
// delete; pull for node roles and push for CI with exact actions.
func TestProductionRegistry(t *testing.T) {
	args := baseArgs()
	args.Protect = true
	args.Repositories[1].LifecycleRules = []LifecycleRule{{TagStatus: TagAny, CountType: ImageCountMoreThan, CountNumber: 10}}
	args.PullPrincipalARNs = pulumi.StringArray{pulumi.String("arn:aws:iam::111122223333:role/prod-nodes")}
	args.PushPrincipalARNs = pulumi.StringArray{pulumi.String("arn:aws:iam::111122223333:role/flowmart-ci")}
	doc := build(t, args, true)

	comp := doc.Get("flowmart:registry:Registry", "prod")
	if comp == nil {
		t.Fatal("no Registry component")
	}
	key := doc.Get(kmsKey, "prod-ecr-key")
	if key == nil || key.Inputs["enableKeyRotation"] != true || !key.Protect || key.Parent != comp.URN {
		t.Fatalf("kms key: %+v", key)
	}
	if a := doc.Get("aws:kms/alias:Alias", "prod-ecr-key"); a == nil || a.Inputs["name"] != "alias/prod-ecr-key" {
		t.Errorf("kms alias: %+v", a)
	}
	keyARN := "arn:aws:kms:eu-west-1:111122223333:key/"
	repos := doc.Find(ecrRepo)
	if len(repos) != 2 {
		t.Fatalf("%d repositories, want 2", len(repos))
	}
	for _, r := range repos {
		in := r.Inputs
		enc := in["encryptionConfigurations"].([]any)[0].(map[string]any)
		if in["imageTagMutability"] != "IMMUTABLE" || in["forceDelete"] != false || !r.Protect || r.Parent != comp.URN ||
			in["imageScanningConfiguration"].(map[string]any)["scanOnPush"] != true ||
			enc["encryptionType"] != "KMS" || !strings.HasPrefix(enc["kmsKey"].(string), keyARN) {
			t.Errorf("%s: %+v protect=%v", r.Name, in, r.Protect)
		}
		if tags := in["tags"].(map[string]any); tags["Name"] != r.Name {
			t.Errorf("%s: tags %v", r.Name, tags)
		}
		if !slices.Contains(r.Dependencies, key.URN) {
			t.Errorf("%s does not depend on the key", r.Name)
		}
	}
	if got := len(doc.Find(ecrLifecycle)); got != 2 {
		t.Fatalf("%d lifecycle policies, want one per repository", got)
	}
	var lc lifecycleDoc
	custom := doc.Get(ecrLifecycle, "prod-checkout-lifecycle")
	if err := json.Unmarshal([]byte(custom.Inputs["policy"].(string)), &lc); err != nil || len(lc.Rules) != 1 || lc.Rules[0].Selection.CountNumber != 10 {
		t.Errorf("custom lifecycle: %v %+v", err, lc)
	}
	if custom.Inputs["repository"] != "checkout" || custom.Protect {
		t.Errorf("custom lifecycle inputs: %+v", custom)
	}
	policies := doc.Find(ecrPolicy)
	if len(policies) != 2 {
		t.Fatalf("%d repository policies, want 2", len(policies))
	}
	for _, p := range policies {
		checkPolicy(t, p.Inputs["policy"].(string), []string{"arn:aws:iam::111122223333:role/prod-nodes"}, []string{"arn:aws:iam::111122223333:role/flowmart-ci"})
	}
	if doc.Find("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration") != nil || doc.Find("aws:ec2/vpcEndpoint:VpcEndpoint") != nil {
		t.Error("unexpected scanning configuration or VPC endpoint")
	}
	urls := doc.Outputs["urls"].(map[string]string)
	arns := doc.Outputs["arns"].(map[string]string)
	if urls["storefront"] != "111122223333.dkr.ecr.eu-west-1.amazonaws.com/storefront" || arns["checkout"] != "arn:aws:ecr:eu-west-1:111122223333:repository/checkout" {
		t.Errorf("outputs: %v %v", urls, arns)
	}
}

// Dev settings: mutable tags, force delete, nothing protected; a given key, enhanced scanning,
// pull-through caches, and no repository policy without principals.
func TestDevRegistry(t *testing.T) {
	args := baseArgs()
	args.ImmutableTags = pulumi.BoolRef(false)
	args.ForceDelete = true
	args.Repositories[0].ScanOnPush = pulumi.BoolRef(false)
	args.KMSKeyARN = pulumi.String("arn:aws:kms:eu-west-1:111122223333:key/given")
	args.EnhancedScanning = true
	args.PullPrincipalARNs = pulumi.StringArray{}
	args.PullThroughCacheRules = []PullThroughCache{{Prefix: "ecr-public", UpstreamURL: "public.ecr.aws"}, {Prefix: "k8s", UpstreamURL: "registry.k8s.io"}}
	for _, deploy := range []bool{false, true} {
		doc := build(t, args, deploy)
		if doc.Find(kmsKey) != nil || doc.Find(ecrPolicy) != nil {
			t.Errorf("deploy=%v: key or policy created", deploy)
		}
		for _, r := range doc.Find(ecrRepo) {
			in := r.Inputs
			enc := in["encryptionConfigurations"].([]any)[0].(map[string]any)
			if in["imageTagMutability"] != "MUTABLE" || in["forceDelete"] != true || r.Protect || enc["kmsKey"] != "arn:aws:kms:eu-west-1:111122223333:key/given" {
				t.Errorf("deploy=%v %s: %+v", deploy, r.Name, in)
			}
			scan := in["imageScanningConfiguration"].(map[string]any)["scanOnPush"]
			if scan != (r.Name != "prod-storefront") {
				t.Errorf("%s: scanOnPush %v", r.Name, scan)
			}
		}
		scanning := doc.Find("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")
		if len(scanning) != 1 || scanning[0].Inputs["scanType"] != "ENHANCED" {
			t.Fatalf("scanning: %+v", scanning)
		}
		rule := scanning[0].Inputs["rules"].([]any)[0].(map[string]any)
		if rule["scanFrequency"] != "SCAN_ON_PUSH" || rule["repositoryFilters"].([]any)[0].(map[string]any)["filter"] != "*" {
			t.Errorf("scanning rule: %v", rule)
		}
		caches := doc.Find("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
		if len(caches) != 2 || caches[0].Name != "prod-cache-ecr-public" || caches[0].Inputs["upstreamRegistryUrl"] != "public.ecr.aws" || caches[1].Inputs["ecrRepositoryPrefix"] != "k8s" {
			t.Errorf("caches: %+v", caches)
		}
		if doc.Outputs["key"] != "arn:aws:kms:eu-west-1:111122223333:key/given" {
			t.Errorf("key output %v", doc.Outputs["key"])
		}
	}
}

// Repository names with "/" give child names with "-"; the URN names are public API.
func TestChildNames(t *testing.T) {
	doc := build(t, &RegistryArgs{Repositories: []Repository{{Name: "team/web"}}}, false)
	for _, want := range [][2]string{{ecrRepo, "prod-team-web"}, {ecrLifecycle, "prod-team-web-lifecycle"}, {kmsKey, "prod-ecr-key"}} {
		if doc.Get(want[0], want[1]) == nil {
			t.Errorf("no %s %s", want[0], want[1])
		}
	}
	if r := doc.Get(ecrRepo, "prod-team-web"); r.Inputs["name"] != "team/web" {
		t.Errorf("repository name %v", r.Inputs["name"])
	}
}

func TestInvalidArgsFailTheProgram(t *testing.T) {
	_, err := preview.Run(func(ctx *pulumi.Context) error {
		_, err := NewRegistry(ctx, "x", &RegistryArgs{Repositories: []Repository{{Name: "Bad"}}})
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333"})
	if err == nil || !strings.Contains(err.Error(), `registry "x": Repositories[0].Name: "Bad"`) {
		t.Fatalf("err = %v", err)
	}
}
