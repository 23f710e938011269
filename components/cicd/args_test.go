package cicd

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func baseArgs() *DeployIdentityArgs {
	return &DeployIdentityArgs{
		Repository:     "flowmart/platform",
		AccountID:      "777788889999",
		Regions:        []string{"eu-west-1"},
		Environments:   []Environment{{Name: "production"}},
		StateBucketARN: pulumi.String("arn:aws:s3:::flowmart-pulumi-state-777788889999"),
		StateKMSKeyARN: pulumi.String("arn:aws:kms:eu-west-1:777788889999:key/state"),
	}
}

func TestDefaults(t *testing.T) {
	a := baseArgs().withDefaults()
	if a.MaxSessionDurationSeconds != 10800 || a.Environments[0].IAMNamePrefix != "production-" || a.Environments[0].PlanEnvironment != "" || a.Protect {
		t.Errorf("defaults: %+v", a)
	}
	given := baseArgs()
	given.Environments = []Environment{{Name: "dev", IAMNamePrefix: "shop-dev-", PlanEnvironment: "plan-dev"}}
	given.MaxSessionDurationSeconds = 3600
	g := given.withDefaults()
	if g.Environments[0].IAMNamePrefix != "shop-dev-" || g.Environments[0].PlanEnvironment != "plan-dev" || g.MaxSessionDurationSeconds != 3600 {
		t.Errorf("given values overridden: %+v", g)
	}
	if given.Environments[0].IAMNamePrefix != "shop-dev-" || baseArgs().Environments[0].IAMNamePrefix != "" {
		t.Error("withDefaults changed the caller's args")
	}
	var nilArgs *DeployIdentityArgs
	if err := nilArgs.withDefaults().validate("flowmart"); err == nil || !strings.Contains(err.Error(), "Repository") {
		t.Errorf("nil args: %v", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*DeployIdentityArgs)
		want   string
	}{
		{"no repository", func(a *DeployIdentityArgs) { a.Repository = "" }, `Repository: "" is not a GitHub repository`},
		{"repository without owner", func(a *DeployIdentityArgs) { a.Repository = "platform" }, `Repository: "platform" is not a GitHub repository`},
		{"repository wildcard", func(a *DeployIdentityArgs) { a.Repository = "flowmart/*" }, `Repository: "flowmart/*"`},
		{"repository dot", func(a *DeployIdentityArgs) { a.Repository = "flowmart/.." }, `Repository: "flowmart/.."`},
		{"short account", func(a *DeployIdentityArgs) { a.AccountID = "12345" }, `AccountID: "12345" is not an AWS account id`},
		{"no regions", func(a *DeployIdentityArgs) { a.Regions = nil }, "Regions: is empty"},
		{"bad region", func(a *DeployIdentityArgs) { a.Regions = []string{"eu-west"} }, `Regions[0]: "eu-west" is not an AWS region`},
		{"wildcard region", func(a *DeployIdentityArgs) { a.Regions = []string{"*"} }, `Regions[0]: "*"`},
		{"duplicate region", func(a *DeployIdentityArgs) { a.Regions = []string{"eu-west-1", "eu-west-1"} }, `Regions[1]: "eu-west-1" is listed twice`},
		{"no environments", func(a *DeployIdentityArgs) { a.Environments = nil }, "Environments: is empty"},
		{"upper-case environment", func(a *DeployIdentityArgs) { a.Environments = []Environment{{Name: "Prod"}} }, `Environments[0].Name: "Prod" is not an environment name`},
		{"duplicate environment", func(a *DeployIdentityArgs) {
			a.Environments = []Environment{{Name: "dev"}, {Name: "dev"}}
		}, `Environments[1].Name: "dev" is listed twice`},
		{"wildcard prefix", func(a *DeployIdentityArgs) { a.Environments[0].IAMNamePrefix = "*" }, `Environments[0].IAMNamePrefix: "*" is not an IAM name prefix`},
		{"prefix covers own roles", func(a *DeployIdentityArgs) { a.Environments[0].IAMNamePrefix = "flow" }, `Environments[0].IAMNamePrefix: "flow" covers this identity's own role "flowmart-preview"`},
		{"role name too long", func(a *DeployIdentityArgs) {
			a.Environments = []Environment{{Name: strings.Repeat("e", 60)}}
		}, "more than IAM's 64"},
		{"wildcard plan environment", func(a *DeployIdentityArgs) { a.Environments[0].PlanEnvironment = "plan-*" }, `Environments[0].PlanEnvironment: "plan-*" is not an environment name`},
		{"prefix under the identity's", func(a *DeployIdentityArgs) { a.Environments[0].IAMNamePrefix = "flowmart-deploy-production-x" },
			`Environments[0].IAMNamePrefix: "flowmart-deploy-production-x" overlaps the identity's names "role/flowmart-deploy-*"`},
		{"prefix over the boundaries", func(a *DeployIdentityArgs) { a.Environments[0].IAMNamePrefix = "flowmart-workload-" },
			`Environments[0].IAMNamePrefix: "flowmart-workload-" overlaps the identity's names "policy/flowmart-workload-boundary-*"`},
		{"short session", func(a *DeployIdentityArgs) { a.MaxSessionDurationSeconds = 900 }, "MaxSessionDurationSeconds: 900 is outside 3600-43200"},
		{"long session", func(a *DeployIdentityArgs) { a.MaxSessionDurationSeconds = 86400 }, "MaxSessionDurationSeconds: 86400 is outside"},
		{"too many regions", func(a *DeployIdentityArgs) {
			a.Regions = []string{"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "us-east-1"}
		}, "Regions: 6 regions make the data deploy policy"},
		{"no bucket", func(a *DeployIdentityArgs) { a.StateBucketARN = nil }, "StateBucketARN: is required"},
		{"no key", func(a *DeployIdentityArgs) { a.StateKMSKeyARN = nil }, "StateKMSKeyARN: is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.withDefaults().validate("flowmart")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("validate() = %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
		})
	}
	ok := baseArgs()
	ok.Regions = []string{"eu-west-1", "us-east-1"}
	ok.Environments = []Environment{{Name: "dev"}, {Name: "staging"}, {Name: "production", IAMNamePrefix: "production-"}}
	ok.Environments[2].PlanEnvironment = "plan-production"
	ok.Environments[0].IAMNamePrefix = "flowmart-runner-dev-" // a name under the identity's prefix that is not the identity's
	if err := ok.withDefaults().validate("flowmart"); err != nil {
		t.Fatalf("valid args rejected: %v", err)
	}
}

func TestNames(t *testing.T) {
	if DeployRoleName("flowmart", "production") != "flowmart-deploy-production" || PreviewRoleName("flowmart") != "flowmart-preview" || DriftRoleName("flowmart") != "flowmart-drift" {
		t.Error("role names changed: they are public API (GitHub variables hold their ARNs)")
	}
	for _, c := range [][2]string{
		{environmentSubject("flowmart/platform", "production"), "repo:flowmart/platform:environment:production"},
		{environmentSubject("flowmart/platform", PreviewEnvironmentName("staging")), "repo:flowmart/platform:environment:preview-staging"},
		{environmentSubject("flowmart/platform", DriftEnvironmentName("dev")), "repo:flowmart/platform:environment:drift-dev"},
		// the names the shared decisions fix (issue 14): stack files, workflows and the runner use them
		{SecretsProviderURL(PlatformNamePrefix, "production", "eu-west-1"), "awskms://alias/flowmart-secrets-production?region=eu-west-1"},
		{WorkloadBoundaryARN("777788889999", PlatformNamePrefix, "dev"), "arn:aws:iam::777788889999:policy/flowmart-workload-boundary-dev"},
		{RunnerProjectName("staging"), "flowmart-runner-staging"},
	} {
		if c[0] != c[1] {
			t.Errorf("subject %q, want %q", c[0], c[1])
		}
	}
}
