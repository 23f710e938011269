package cicd

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	typeOIDC       = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	typeRole       = "aws:iam/role:Role"
	typePolicy     = "aws:iam/policy:Policy"
	typeAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeRolePolicy = "aws:iam/rolePolicy:RolePolicy"
	account        = "777788889999"
)

// build runs a program that creates one DeployIdentity called flowmart under the mock recorder.
func build(t *testing.T, args *DeployIdentityArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		id, err := NewDeployIdentity(ctx, "flowmart", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("oidc", id.OIDCProviderARN)
		ctx.Export("deploy", id.DeployRoleARNs)
		ctx.Export("ciPush", id.CIPushRoleARNs)
		ctx.Export("preview", id.PreviewRoleARN)
		ctx.Export("drift", id.DriftRoleARN)
		ctx.Export("secretsKeys", id.SecretsKeyARNs)
		ctx.Export("boundaries", id.WorkloadBoundaryARNs)
		ctx.Export("secretsProviders", id.SecretsProviderURLs)
		return nil
	}, preview.Options{Project: "flowmart-bootstrap", Stack: "production", Region: "eu-west-1", Account: account, Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// secretsKey is the ARN of an environment's secrets key, from the identity's output.
func secretsKey(t *testing.T, doc *preview.Document, env string) string {
	t.Helper()
	keys, ok := doc.Outputs["secretsKeys"].(map[string]string)
	if !ok || !strings.HasPrefix(keys[env], "arn:aws:kms:eu-west-1:"+account+":key/") {
		t.Fatalf("secrets key ARNs %v", doc.Outputs["secretsKeys"])
	}
	return keys[env]
}

// parse reads a policy document input.
func parse(t *testing.T, r *preview.Resource, key string) iampolicy.Document {
	t.Helper()
	s, ok := r.Inputs[key].(string)
	if !ok {
		t.Fatalf("%s: %s is %T %v", r.Name, key, r.Inputs[key], r.Inputs[key])
	}
	var d iampolicy.Document
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatalf("%s: %s is not a policy: %v: %s", r.Name, key, err, s)
	}
	return d
}

// condition returns Condition[operator][key].
func condition(s iampolicy.Statement, operator, key string) any {
	m, _ := s.Condition[operator].(map[string]any)
	return m[key]
}

func TestProductionIdentity(t *testing.T) {
	args := baseArgs()
	args.Protect = true
	args.Environments[0].PlanEnvironment = "plan-production"
	for _, deploy := range []bool{false, true} {
		doc := build(t, args, deploy)
		comp := doc.Get("flowmart:cicd:DeployIdentity", "flowmart")
		if comp == nil {
			t.Fatal("no DeployIdentity component")
		}
		for _, r := range doc.Resources {
			if r.Custom && r.Type != "pulumi:providers:aws" && r.Parent != comp.URN {
				t.Errorf("deploy=%v: %s %s is not a child of the identity", deploy, r.Type, r.Name)
			}
		}

		provider := doc.Get(typeOIDC, "flowmart-github-oidc")
		if provider == nil || provider.Inputs["url"] != "https://token.actions.githubusercontent.com" || !provider.Protect {
			t.Fatalf("deploy=%v: oidc provider %+v", deploy, provider)
		}
		if got := provider.Inputs["clientIdLists"]; !slices.Equal(toStrings(got), []string{"sts.amazonaws.com"}) {
			t.Errorf("client ids %v", got)
		}
		if _, ok := provider.Inputs["thumbprintLists"]; ok {
			t.Errorf("thumbprints pinned: %v", provider.Inputs["thumbprintLists"])
		}
		oidcARN, _ := doc.Outputs["oidc"].(string)
		if !strings.HasPrefix(oidcARN, "arn:aws:iam::"+account+":oidc-provider/") {
			t.Fatalf("oidc output %q", oidcARN)
		}

		// Every role's sessions outlast a 150-minute job (configure-aws-credentials asks for 3 h).
		for _, r := range doc.Find(typeRole) {
			if r.Inputs["maxSessionDuration"] != 10800.0 {
				t.Errorf("%s: maxSessionDuration %v, want 10800", r.Name, r.Inputs["maxSessionDuration"])
			}
		}
		role := doc.Get(typeRole, "flowmart-deploy-production")
		if role == nil || role.Inputs["name"] != "flowmart-deploy-production" || !role.Protect {
			t.Fatalf("deploy role %+v", role)
		}
		if !slices.Contains(role.Dependencies, provider.URN) {
			t.Error("deploy role does not wait for the OIDC provider")
		}
		trust := parse(t, role, "assumeRolePolicy")
		if len(trust.Statement) != 2 {
			t.Fatalf("trust: %+v", trust)
		}
		gh := trust.Statement[0]
		if gh.Principal["Federated"] != oidcARN || !slices.Equal(gh.Action, []string{"sts:AssumeRoleWithWebIdentity"}) ||
			condition(gh, "StringEquals", "token.actions.githubusercontent.com:sub") != "repo:flowmart/platform:environment:production" ||
			condition(gh, "StringEquals", "token.actions.githubusercontent.com:aud") != "sts.amazonaws.com" || len(gh.Condition) != 1 {
			t.Errorf("GitHub trust: %+v", gh)
		}
		self := trust.Statement[1]
		if self.Principal["AWS"] != "arn:aws:iam::"+account+":root" || condition(self, "ArnEquals", "aws:PrincipalArn") != "arn:aws:iam::"+account+":role/flowmart-deploy-production" {
			t.Errorf("self trust: %+v", self)
		}

		var policies []*preview.Resource
		for _, p := range doc.Find(typePolicy) {
			if strings.HasPrefix(p.Name, "flowmart-deploy-") {
				policies = append(policies, p)
			}
		}
		if len(policies) != len(PolicyGroupNames) || len(doc.Find(typeAttachment)) != len(PolicyGroupNames) {
			t.Fatalf("%d deploy policies, %d attachments, want %d", len(policies), len(doc.Find(typeAttachment)), len(PolicyGroupNames))
		}
		for i, p := range policies {
			want := "flowmart-deploy-production-" + PolicyGroupNames[i]
			if p.Name != want || p.Inputs["name"] != want || p.Protect {
				t.Errorf("policy %d: %s %v", i, p.Name, p.Inputs["name"])
			}
			a := doc.Get(typeAttachment, want)
			if a == nil || a.Inputs["role"] != "flowmart-deploy-production" || !slices.Contains(a.Dependencies, p.URN) {
				t.Errorf("attachment of %s: %+v", want, a)
			}
			checkDeployDocument(t, PolicyGroupNames[i], parse(t, p, "policy"))
		}

		// The read-only roles: GitHub Environments only (previews, production's plan, drift), and
		// themselves (PLATFORM_ASSUME_ROLE_ARN); no managed policy at all.
		for _, c := range []struct {
			name string
			subs []string
		}{
			{"flowmart-preview", []string{"repo:flowmart/platform:environment:preview-production", "repo:flowmart/platform:environment:plan-production"}},
			{"flowmart-drift", []string{"repo:flowmart/platform:environment:drift-production"}},
		} {
			r := doc.Get(typeRole, c.name)
			if r == nil {
				t.Fatalf("no role %s", c.name)
			}
			trust := parse(t, r, "assumeRolePolicy")
			if len(trust.Statement) != 2 || !slices.Equal(toStrings(condition(trust.Statement[0], "StringEquals", "token.actions.githubusercontent.com:sub")), c.subs) ||
				condition(trust.Statement[1], "ArnEquals", "aws:PrincipalArn") != "arn:aws:iam::"+account+":role/"+c.name {
				t.Errorf("%s trust: %+v", c.name, trust)
			}
			read := parse(t, doc.Get(typeRolePolicy, c.name+"-read"), "policy")
			if !hasAction(read, "kms:Decrypt", "arn:aws:kms:eu-west-1:777788889999:key/state") || !hasAction(read, "s3:GetObject", "arn:aws:s3:::flowmart-pulumi-state-777788889999/*") ||
				!hasAction(read, "sts:AssumeRole", "arn:aws:iam::"+account+":role/"+c.name) {
				t.Errorf("%s cannot read the state or assume itself: %+v", c.name, read)
			}
			if keyARN := secretsKey(t, doc, "production"); !hasAction(read, "kms:Decrypt", keyARN) {
				t.Errorf("%s cannot decrypt the secrets key %v: %+v", c.name, keyARN, read)
			}
		}
		if len(doc.Find(typeAttachment)) != len(PolicyGroupNames) {
			t.Errorf("the read-only roles have a managed policy")
		}

		deployARNs := doc.Outputs["deploy"].(map[string]string)
		if deployARNs["production"] != "arn:aws:iam::"+account+":role/flowmart-deploy-production" || doc.Outputs["preview"] != "arn:aws:iam::"+account+":role/flowmart-preview" ||
			doc.Outputs["drift"] != "arn:aws:iam::"+account+":role/flowmart-drift" {
			t.Errorf("outputs: %v", doc.Outputs)
		}

		// The identity passes the platform's own rules (no "service:*", no unconditioned write on "*").
		doc.EvaluatePolicy(policy.Context{Environment: policy.Production})
		for _, v := range doc.Violations {
			t.Errorf("deploy=%v: %s %s: %s", deploy, v.Policy, v.Resource, v.Message)
		}
	}
}

// checkDeployDocument checks one deploy policy: no wildcard service, every ARN in the account and
// region, IAM only under the prefix, and under IAM's size limit.
func checkDeployDocument(t *testing.T, group string, d iampolicy.Document) {
	t.Helper()
	if n := documentSize(d); n > MaxManagedPolicyChars {
		t.Errorf("%s: %d characters, over IAM's %d", group, n, MaxManagedPolicyChars)
	}
	for _, s := range d.Statement {
		for _, a := range s.Action {
			if a == "*" || strings.HasSuffix(a, ":*") {
				t.Errorf("%s %s: action %q", group, s.Sid, a)
			}
		}
		for _, r := range s.Resource {
			if r == "*" {
				continue
			}
			parts := strings.SplitN(r, ":", 6)
			if len(parts) != 6 || (parts[3] != "" && parts[3] != "eu-west-1") || (parts[4] != "" && parts[4] != account) {
				t.Errorf("%s %s: resource %q outside the account and region", group, s.Sid, r)
			}
			if parts[2] == "iam" && s.Effect == "Allow" && !strings.Contains(r, ":role/production-") && !strings.Contains(r, ":policy/production-") &&
				!strings.Contains(r, ":instance-profile/production-") && !strings.Contains(r, ":oidc-provider/oidc.eks.eu-west-1.amazonaws.com/") &&
				!strings.HasSuffix(r, ":role/aws-service-role/*") && !strings.HasSuffix(r, ":role/flowmart-deploy-production") {
				t.Errorf("%s %s: IAM resource %q outside the prefix", group, s.Sid, r)
			}
		}
	}
	wants := map[string][2]string{
		"network":    {"ec2:RunInstances", "arn:aws:ec2:eu-west-1::image/*"},
		"kubernetes": {"eks:Create*", "arn:aws:eks:eu-west-1:777788889999:*"},
		"data":       {"ssm:SendCommand", "arn:aws:ssm:eu-west-1::document/AWS-RunPowerShellScript"},
		"edge":       {"route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/*"},
		"iam":        {"iam:PassRole", "arn:aws:iam::777788889999:role/production-*"},
		"state":      {"s3:PutObject", "arn:aws:s3:::flowmart-pulumi-state-777788889999/*"},
		"runner":     {"codebuild:CreateWebhook", "arn:aws:codebuild:eu-west-1:777788889999:project/flowmart-runner-production"},
		"offerings":  {"rds:CreateDBInstance", "arn:aws:rds:eu-west-1:777788889999:*"},
	}
	if w := wants[group]; !hasAction(d, w[0], w[1]) {
		t.Errorf("%s: no %s on %s", group, w[0], w[1])
	}
}

func hasAction(d iampolicy.Document, action, resource string) bool {
	for _, s := range d.Statement {
		if s.Effect == "Allow" && slices.Contains(s.Action, action) && slices.Contains(s.Resource, resource) {
			return true
		}
	}
	return false
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i], _ = e.(string)
		}
		return out
	case string:
		return []string{x}
	}
	return nil
}

// An existing OIDC provider is reused, several environments get one role each, nothing is
// protected by default and a permissions boundary reaches every role.
func TestGivenProviderAndEnvironments(t *testing.T) {
	args := baseArgs()
	args.OIDCProviderARN = pulumi.String("arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com")
	args.Environments = []Environment{{Name: "dev"}, {Name: "staging", IAMNamePrefix: "stg-"}}
	args.PermissionsBoundaryARN = pulumi.String("arn:aws:iam::777788889999:policy/boundary")
	doc := build(t, args, true)
	if doc.Find(typeOIDC) != nil {
		t.Error("an OIDC provider was created although one was given")
	}
	if got := len(doc.Find(typeRole)); got != 6 {
		t.Fatalf("%d roles, want 2 deploy + 2 CI push + preview + drift", got)
	}
	for _, r := range doc.Find(typeRole) {
		if r.Protect || r.Inputs["permissionsBoundary"] != "arn:aws:iam::777788889999:policy/boundary" {
			t.Errorf("%s: protect %v boundary %v", r.Name, r.Protect, r.Inputs["permissionsBoundary"])
		}
		trust := parse(t, r, "assumeRolePolicy")
		if trust.Statement[0].Principal["Federated"] != "arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com" {
			t.Errorf("%s trusts %v", r.Name, trust.Statement[0].Principal)
		}
	}
	staging := parse(t, doc.Get(typePolicy, "flowmart-deploy-staging-iam"), "policy")
	if !hasAction(staging, "iam:CreateRole", "arn:aws:iam::777788889999:role/stg-*") || hasAction(staging, "iam:CreateRole", "arn:aws:iam::777788889999:role/dev-*") {
		t.Errorf("staging IAM scope: %+v", staging)
	}
	drift := parse(t, doc.Get(typeRolePolicy, "flowmart-drift-read"), "policy")
	if !hasAction(drift, "ssm:GetParameter", "arn:aws:ssm:eu-west-1:777788889999:parameter/stg-*") || !hasAction(drift, "ssm:GetParameter", "arn:aws:ssm:eu-west-1:777788889999:parameter/AmazonCloudWatch-dev-*") {
		t.Errorf("drift String parameters: %+v", drift)
	}
	subs := toStrings(condition(parse(t, doc.Get(typeRole, "flowmart-drift"), "assumeRolePolicy").Statement[0], "StringEquals", "token.actions.githubusercontent.com:sub"))
	if !slices.Equal(subs, []string{"repo:flowmart/platform:environment:drift-dev", "repo:flowmart/platform:environment:drift-staging"}) {
		t.Errorf("drift subjects %v", subs)
	}
	// each environment its own key and boundary; the staging deploy role uses only its own key
	stagingState := parse(t, doc.Get(typePolicy, "flowmart-deploy-staging-state"), "policy")
	for env, own := range map[string]bool{"dev": false, "staging": true} {
		arn := secretsKey(t, doc, env)
		if hasAction(stagingState, "kms:Decrypt", arn) != own {
			t.Errorf("staging deploy role decrypts %s's key: %v", env, !own)
		}
	}
	if doc.Get(typePolicy, "flowmart-workload-boundary-dev") == nil || doc.Get(typePolicy, "flowmart-workload-boundary-staging") == nil {
		t.Error("one workload boundary per environment")
	}
	if doc.Outputs["oidc"] != "arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("oidc output %v", doc.Outputs["oidc"])
	}
	arns := doc.Outputs["deploy"].(map[string]string)
	if len(arns) != 2 || arns["staging"] != "arn:aws:iam::777788889999:role/flowmart-deploy-staging" {
		t.Errorf("deploy role ARNs %v", arns)
	}
}

// Every region of the scope gets its ARNs and its requested-region condition.
func TestPoliciesCoverEveryRegion(t *testing.T) {
	s := Scope{AccountID: account, Regions: []string{"eu-west-1", "us-east-1"}, IAMNamePrefix: "production-",
		StateBucket: "arn:aws:s3:::state", StateKey: "arn:aws:kms:eu-west-1:777788889999:key/k", RoleName: "flowmart-deploy-production"}
	groups := DeployPolicies(s)
	if len(groups) != len(PolicyGroupNames) {
		t.Fatalf("%d groups", len(groups))
	}
	for _, g := range groups {
		if n := documentSize(g.Document); n > MaxManagedPolicyChars {
			t.Errorf("%s: %d characters with two regions", g.Name, n)
		}
		for _, st := range g.Document.Statement {
			if regions := condition(st, "StringEquals", "aws:RequestedRegion"); regions != nil && !slices.Equal(toStrings(regions), s.Regions) {
				t.Errorf("%s %s: regions %v", g.Name, st.Sid, regions)
			}
		}
	}
	network := groups[0].Document
	if !hasAction(network, "ec2:CreateVpc", "arn:aws:ec2:us-east-1:777788889999:*") && !hasAction(network, "ec2:Create*", "arn:aws:ec2:us-east-1:777788889999:*") {
		t.Errorf("us-east-1 missing: %+v", network)
	}
	iamDoc := groups[4].Document
	if !hasAction(iamDoc, "iam:CreateOpenIDConnectProvider", "arn:aws:iam::777788889999:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/*") {
		t.Errorf("cluster OIDC providers of us-east-1 missing")
	}
	state := groups[5].Document
	if !hasAction(state, "sts:AssumeRole", "arn:aws:iam::777788889999:role/flowmart-deploy-production") {
		t.Errorf("the deploy role cannot assume itself: %+v", state)
	}
}

func TestInvalidArgsFailTheProgram(t *testing.T) {
	_, err := preview.Run(func(ctx *pulumi.Context) error {
		_, err := NewDeployIdentity(ctx, "x", &DeployIdentityArgs{Repository: "nope"})
		return err
	}, preview.Options{Project: "flowmart-bootstrap", Stack: "test", Region: "eu-west-1", Account: account})
	if err == nil || !strings.Contains(err.Error(), `deploy identity "x": Repository: "nope"`) {
		t.Fatalf("err = %v", err)
	}
}
