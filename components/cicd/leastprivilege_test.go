package cicd

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

// statementsFor returns the statements of docs with the given effect whose actions match action
// (with IAM's wildcards, both ways: a statement's "iam:Put*" matches iam:PutRolePolicy).
func statementsFor(docs []iampolicy.Document, effect, action string) []iampolicy.Statement {
	var out []iampolicy.Statement
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect == effect && slices.ContainsFunc(s.Action, func(a string) bool { return actionMatches(a, action) }) {
				out = append(out, s)
			}
		}
	}
	return out
}

func documents(groups []PolicyGroup) []iampolicy.Document {
	out := make([]iampolicy.Document, len(groups))
	for i, g := range groups {
		out[i] = g.Document
	}
	return out
}

// denied reports whether a Deny statement of docs covers action on arn.
func denied(docs []iampolicy.Document, action, arn string) bool {
	for _, s := range statementsFor(docs, "Deny", action) {
		if slices.ContainsFunc(s.Resource, func(r string) bool { return matches(r, arn) }) {
			return true
		}
	}
	return false
}

// The review's escalation paths, walked through the deploy policies: no path from the deploy role
// to a role with more than it has. Every grant that gives a role permissions (CreateRole,
// PutRolePermissionsBoundary, PutRolePolicy, AttachRolePolicy, by whatever action pattern) is
// conditioned on the workload boundary; no boundary is ever removed; PassRole reaches only the
// stack's own roles and only the listed services; the identity's own roles, policies and the
// boundary itself are out of reach; no IAM user or access key can be made; sts:AssumeRole
// reaches the role itself only.
func TestNoPathFromTheDeployRoleToMore(t *testing.T) {
	s := productionScope()
	docs := documents(DeployPolicies(s))
	own := "arn:aws:iam::" + account + ":role/production-sqlserver-1a2b3c4"
	for _, action := range BoundedRoleActions {
		grants := statementsFor(docs, "Allow", action)
		if len(grants) == 0 {
			t.Errorf("%s is not granted: the stacks cannot create their roles", action)
		}
		for _, g := range grants {
			if condition(g, "StringEquals", "iam:PermissionsBoundary") != s.BoundaryARN || len(g.Condition) != 1 {
				t.Errorf("%s %s is granted without the boundary condition: %+v", action, g.Sid, g)
			}
			if !slices.Equal(g.Resource, []string{"arn:aws:iam::" + account + ":role/production-*"}) {
				t.Errorf("%s %s on %v, not only the stack's roles", action, g.Sid, g.Resource)
			}
		}
	}
	if len(statementsFor(docs, "Allow", "iam:DeleteRolePermissionsBoundary")) != 0 || !denied(docs, "iam:DeleteRolePermissionsBoundary", own) {
		t.Error("a boundary can be removed")
	}
	for _, g := range statementsFor(docs, "Allow", "iam:PassRole") {
		services := toStrings(condition(g, "StringEquals", "iam:PassedToService"))
		if !slices.Equal(g.Resource, []string{"arn:aws:iam::" + account + ":role/production-*"}) || !slices.Equal(services, PassedToServices) {
			t.Errorf("PassRole %s: %v to %v", g.Sid, g.Resource, services)
		}
	}
	if !slices.Contains(PassedToServices, "codebuild.amazonaws.com") {
		t.Error("the runner's service role cannot be passed to CodeBuild")
	}
	// The identity: the deploy role itself, the other CI roles, the deploy policies, the boundary.
	for _, arn := range []string{
		"arn:aws:iam::" + account + ":role/flowmart-deploy-production", "arn:aws:iam::" + account + ":role/flowmart-ecr-push-production",
		"arn:aws:iam::" + account + ":role/flowmart-preview", "arn:aws:iam::" + account + ":policy/flowmart-deploy-production-iam",
		s.BoundaryARN,
	} {
		for _, action := range []string{"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:CreatePolicyVersion",
			"iam:SetDefaultPolicyVersion", "iam:DeleteRole", "iam:DetachRolePolicy", "iam:PassRole", "iam:TagRole"} {
			if !denied(docs, action, arn) {
				t.Errorf("%s on %s is not denied", action, arn)
			}
			if len(grants(DeployPolicies(s), action, arn)) > 0 && !denied(docs, action, arn) {
				t.Errorf("%s is granted on the identity's %s", action, arn)
			}
		}
	}
	// the stack's own roles (the runner's service role among them) are not the identity's
	for _, arn := range []string{own, "arn:aws:iam::" + account + ":role/production-runner-1a2b3c4"} {
		if denied(docs, "iam:CreateRole", arn) || denied(docs, "iam:PutRolePolicy", arn) {
			t.Errorf("the stack's own role %s is denied", arn)
		}
	}
	for _, action := range []string{"iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:CreateGroup"} {
		if got := statementsFor(docs, "Allow", action); len(got) > 0 {
			t.Errorf("%s is granted: %+v", action, got)
		}
	}
	for _, g := range statementsFor(docs, "Allow", "sts:AssumeRole") {
		if !slices.Equal(g.Resource, []string{"arn:aws:iam::" + account + ":role/flowmart-deploy-production"}) {
			t.Errorf("sts:AssumeRole on %v", g.Resource)
		}
	}
	// The identity's keys are used, never administered.
	for _, key := range []string{s.StateKey, s.SecretsKey} {
		for _, action := range IdentityKeyAdminActions {
			if !denied(docs, action, key) {
				t.Errorf("%s on %s is not denied", action, key)
			}
		}
	}
	if !denied(docs, "kms:UpdateAlias", "arn:aws:kms:eu-west-1:"+account+":alias/flowmart-secrets-production") {
		t.Error("the secrets key's alias can be moved to another key")
	}
	if len(grants(DeployPolicies(s), "kms:Encrypt", s.SecretsKey)) == 0 || len(grants(DeployPolicies(s), "kms:Decrypt", s.SecretsKey)) == 0 {
		t.Error("the deploy role cannot use its secrets key")
	}
}

// The boundary caps every role the deploy role creates: no IAM write a role could grow with (only
// service-linked roles of the listed services, and passing the stack's own roles to EC2), no
// boundary change, no Organizations or Account action, no sts at all, nothing on the state or the
// identity's keys; and it fits IAM's managed-policy size.
func TestWorkloadBoundary(t *testing.T) {
	b := BoundaryScope{AccountID: account, Regions: []string{"eu-west-1", "us-east-1"}, IAMNamePrefix: "production-",
		StateBucket: "arn:aws:s3:::state", Keys: []string{"arn:aws:kms:eu-west-1:777788889999:key/k", "arn:aws:kms:eu-west-1:777788889999:key/secrets"}}
	d := WorkloadBoundary(b)
	docs := []iampolicy.Document{d}
	if n := documentSize(d); n > MaxManagedPolicyChars {
		t.Errorf("%d characters, over IAM's %d", n, MaxManagedPolicyChars)
	}
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range s.Action {
			if a == "*" || strings.HasSuffix(a, ":*") || strings.HasPrefix(a, "sts:") || strings.HasPrefix(a, "organizations:") {
				t.Errorf("%s allows %s", s.Sid, a)
			}
			if strings.HasPrefix(a, "iam:") && a != "iam:CreateServiceLinkedRole" && a != "iam:PassRole" {
				t.Errorf("%s allows %s", s.Sid, a)
			}
		}
	}
	for _, action := range []string{"iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary",
		"iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy", "iam:CreateUser", "iam:CreateAccessKey"} {
		if !denied(docs, action, "arn:aws:iam::"+account+":role/production-x") {
			t.Errorf("the boundary does not deny %s", action)
		}
	}
	if denied(docs, "iam:CreateServiceLinkedRole", "arn:aws:iam::"+account+":role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing") {
		t.Error("the load balancer controller cannot create ELB's service-linked role")
	}
	for _, s := range statementsFor(docs, "Allow", "iam:PassRole") {
		if !slices.Equal(s.Resource, []string{"arn:aws:iam::" + account + ":role/production-*"}) || condition(s, "StringEquals", "iam:PassedToService") != "ec2.amazonaws.com" {
			t.Errorf("PassRole %+v", s)
		}
	}
	for _, c := range [][2]string{
		{"organizations:LeaveOrganization", "*"}, {"account:CloseAccount", "*"},
		{"s3:GetObject", "arn:aws:s3:::state/.pulumi/stacks/flowmart-platform/production.json"}, {"kms:Decrypt", b.Keys[1]},
	} {
		if !denied(docs, c[0], c[1]) {
			t.Errorf("the boundary does not deny %s on %s", c[0], c[1])
		}
	}
	for _, s := range d.Statement {
		if s.Sid == "WorkloadActions" && !slices.Equal(toStrings(condition(s, "StringEquals", "aws:RequestedRegion")), b.Regions) {
			t.Errorf("workload actions outside the regions: %+v", s.Condition)
		}
	}
}

// The transformation sets the boundary on every role registered after it, over whatever boundary
// a component chose, and touches nothing else.
func TestPermissionsBoundaryTransformation(t *testing.T) {
	const boundary = "arn:aws:iam::777788889999:policy/flowmart-workload-boundary-production"
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		if err := ctx.RegisterStackTransformation(PermissionsBoundary(pulumi.String(boundary))); err != nil {
			return err
		}
		trust := pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com", nil).String())
		if _, err := iam.NewRole(ctx, "production-plain", &iam.RoleArgs{AssumeRolePolicy: trust}, provider); err != nil {
			return err
		}
		if _, err := iam.NewRole(ctx, "production-other-boundary", &iam.RoleArgs{AssumeRolePolicy: trust,
			PermissionsBoundary: pulumi.String("arn:aws:iam::aws:policy/AdministratorAccess")}, provider); err != nil {
			return err
		}
		_, err := iam.NewPolicy(ctx, "production-policy", &iam.PolicyArgs{Policy: pulumi.String(CIPushPolicy().String())}, provider)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: "eu-west-1", Account: account})
	if err != nil {
		t.Fatal(err)
	}
	roles := doc.Find(typeRole)
	if len(roles) != 2 {
		t.Fatalf("%d roles", len(roles))
	}
	for _, r := range roles {
		if r.Inputs["permissionsBoundary"] != boundary || r.Inputs["assumeRolePolicy"] == nil {
			t.Errorf("%s: %v", r.Name, r.Inputs)
		}
	}
	if p := doc.Get(typePolicy, "production-policy"); p == nil || p.Inputs["permissionsBoundary"] != nil {
		t.Errorf("policy %+v", p)
	}
}

// Run Command reaches the stack's own instances only (those tagged Stack=<stack>), with the one
// AWS-owned document the health check uses, never any document on any instance.
func TestRunCommandOnlyOnOwnInstances(t *testing.T) {
	s := productionScope()
	docs := documents(DeployPolicies(s))
	sends := statementsFor(docs, "Allow", "ssm:SendCommand")
	if len(sends) != 3 {
		t.Fatalf("%d SendCommand statements: %+v", len(sends), sends)
	}
	for _, g := range sends {
		switch {
		case slices.Equal(g.Resource, []string{"arn:aws:ssm:eu-west-1::document/AWS-RunPowerShellScript"}):
			if len(g.Condition) != 0 {
				t.Errorf("document statement %+v", g)
			}
		case slices.Equal(g.Resource, []string{"arn:aws:ec2:eu-west-1:" + account + ":instance/*"}):
			tag := condition(g, "StringEquals", "ssm:resourceTag/Stack")
			if tag == nil {
				tag = condition(g, "StringEquals", "aws:ResourceTag/Stack")
			}
			if tag != "production" || len(g.Condition) != 1 || len(g.Condition["StringEquals"].(map[string]any)) != 1 {
				t.Errorf("instances without the stack's tag: %+v", g)
			}
		default:
			t.Errorf("SendCommand on %v", g.Resource)
		}
	}
	if got := grants(DeployPolicies(s), "ssm:SendCommand", "arn:aws:ssm:eu-west-1:"+account+":document/production-anything"); len(got) > 0 {
		t.Errorf("SendCommand of another document: %+v", got)
	}
}

// logs:PutResourcePolicy has no resource type: it is granted on "*" only under the region
// condition, by one statement.
func TestPutResourcePolicyInTheRegionOnly(t *testing.T) {
	got := statementsFor(documents(DeployPolicies(productionScope())), "Allow", "logs:PutResourcePolicy")
	if len(got) != 1 || !slices.Equal(got[0].Resource, []string{"*"}) ||
		!slices.Equal(toStrings(condition(got[0], "StringEquals", "aws:RequestedRegion")), []string{"eu-west-1"}) {
		t.Errorf("logs:PutResourcePolicy: %+v", got)
	}
}

// The runner: its CodeBuild project and webhook only, the account's connections, in the region.
func TestRunnerPermissions(t *testing.T) {
	project := "arn:aws:codebuild:eu-west-1:" + account + ":project/flowmart-runner-production"
	grantedOnlyHere(t, RunnerProjectActions, project,
		"arn:aws:codebuild:eu-west-1:"+account+":project/flowmart-runner-staging",
		"arn:aws:codebuild:eu-west-1:"+account+":project/other",
		"arn:aws:codebuild:us-east-1:"+account+":project/flowmart-runner-production")
	grantedOnlyHere(t, RunnerConnectionActions, "arn:aws:codeconnections:eu-west-1:"+account+":connection/0b5e2f43-1a2b",
		"arn:aws:codeconnections:eu-west-1:111122223333:connection/0b5e2f43-1a2b")
}

// The read-only roles, as the issue asks: no object read outside the state bucket, no secret
// value, no parameter read on "*" or on the stacks' own parameters for previews, no message or
// log event read, decrypt only with the state and secrets keys, nothing written but their own
// session; the data-plane reads denied outright.
func TestReadOnlyPolicyReadsNoData(t *testing.T) {
	base := ReadScope{AccountID: account, Regions: []string{"eu-west-1"}, StateBucket: "arn:aws:s3:::state",
		StateKey: "arn:aws:kms:eu-west-1:777788889999:key/k", SecretsKeys: []string{"arn:aws:kms:eu-west-1:777788889999:key/secrets"},
		RoleName: "flowmart-preview"}
	drift := base
	drift.RoleName, drift.StringParameterPrefixes = "flowmart-drift", []string{"production-"}
	for name, s := range map[string]ReadScope{"preview": base, "drift": drift} {
		d := ReadOnlyPolicy(s)
		docs := []iampolicy.Document{d}
		allowedOn := func(action, arn string) bool {
			for _, st := range statementsFor(docs, "Allow", action) {
				if slices.ContainsFunc(st.Resource, func(r string) bool { return matches(r, arn) }) {
					return true
				}
			}
			return false
		}
		if n := documentSize(d); n > 10240 {
			t.Errorf("%s: %d characters, over IAM's inline limit", name, n)
		}
		for _, c := range []struct {
			action, arn string
			want        bool
		}{
			{"s3:GetObject", "arn:aws:s3:::state/.pulumi/stacks/flowmart-platform/production.json", true},
			{"s3:GetObject", "arn:aws:s3:::other-bucket/data.csv", false},
			{"s3:PutObject", "arn:aws:s3:::state/.pulumi/locks/x.json", false},
			{"kms:Decrypt", s.StateKey, true},
			{"kms:Decrypt", s.SecretsKeys[0], true},
			{"kms:Decrypt", "arn:aws:kms:eu-west-1:777788889999:key/other", false},
			{"kms:Encrypt", s.SecretsKeys[0], false},
			{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:777788889999:secret:production-sqlserver-sa-AbCdEf", false},
			{"ssm:GetParameter", "arn:aws:ssm:eu-west-1::parameter/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/image_id", true},
			{"ssm:GetParameter", "arn:aws:ssm:eu-west-1:777788889999:parameter/anything", false},
			{"ssm:GetParameters", "arn:aws:ssm:eu-west-1:777788889999:parameter/production-vpn/wireguard/peers", false},
			{"ssm:GetParameter", "arn:aws:ssm:eu-west-1:777788889999:parameter/production-vpn/wireguard/peers", name == "drift"},
			{"sqs:ReceiveMessage", "arn:aws:sqs:eu-west-1:777788889999:production-node-termination", false},
			{"logs:GetLogEvents", "arn:aws:logs:eu-west-1:777788889999:log-group:/aws/eks/production/cluster:*", false},
			{"logs:FilterLogEvents", "arn:aws:logs:eu-west-1:777788889999:log-group:x:*", false},
			{"ec2:GetPasswordData", "*", false},
			{"ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:777788889999:repository/orders", false},
			{"sts:AssumeRole", "arn:aws:iam::777788889999:role/" + s.RoleName, true},
			{"sts:AssumeRole", "arn:aws:iam::777788889999:role/flowmart-deploy-production", false},
			{"ec2:DescribeInstances", "*", true},
			{"kms:GetKeyPolicy", "*", true},
		} {
			if got := allowedOn(c.action, c.arn); got != c.want {
				t.Errorf("%s: %s on %s allowed = %v, want %v", name, c.action, c.arn, got, c.want)
			}
		}
		for _, a := range DataPlaneReadActions {
			if !denied(docs, a, "arn:aws:secretsmanager:eu-west-1:777788889999:secret:x") {
				t.Errorf("%s: %s is not denied", name, a)
			}
		}
		for _, st := range d.Statement {
			if st.Effect != "Allow" {
				continue
			}
			for _, a := range st.Action {
				verb := a[strings.Index(a, ":")+1:]
				readLike := slices.ContainsFunc([]string{"Describe", "List", "Get", "BatchGet"}, func(p string) bool { return strings.HasPrefix(verb, p) })
				if !readLike && !slices.Contains([]string{"kms:Decrypt", "sts:AssumeRole", "sts:TagSession"}, a) {
					t.Errorf("%s: %s %s is not a read", name, st.Sid, a)
				}
			}
		}
	}
}

// The secrets key's policy: the account administers it, the deploy role encrypts and decrypts,
// the read-only roles only decrypt, the CI push role is not named.
func TestSecretsKeyPolicy(t *testing.T) {
	doc := build(t, baseArgs(), true)
	key := doc.Get("aws:kms/key:Key", "flowmart-secrets-production")
	if key == nil || !key.Protect || key.Inputs["enableKeyRotation"] != true {
		t.Fatalf("key %+v", key)
	}
	alias := doc.Get("aws:kms/alias:Alias", "flowmart-secrets-production")
	if alias == nil || !alias.Protect || alias.Inputs["name"] != "alias/flowmart-secrets-production" {
		t.Fatalf("alias %+v", alias)
	}
	p := parse(t, key, "policy")
	byPrincipal := map[string][]string{}
	for _, s := range p.Statement {
		for _, principal := range toStrings(s.Principal["AWS"]) {
			byPrincipal[principal] = append(byPrincipal[principal], s.Action...)
		}
	}
	role := func(n string) string { return "arn:aws:iam::" + account + ":role/" + n }
	want := map[string][]string{
		"arn:aws:iam::" + account + ":root": {"kms:*"},
		role("flowmart-deploy-production"):  SecretsKeyDeployActions,
		role("flowmart-preview"):            {"kms:Decrypt"},
		role("flowmart-drift"):              {"kms:Decrypt"},
	}
	if len(byPrincipal) != len(want) {
		t.Errorf("key policy principals %v", byPrincipal)
	}
	for principal, actions := range want {
		if !slices.Equal(byPrincipal[principal], actions) {
			t.Errorf("%s may %v, want %v", principal, byPrincipal[principal], actions)
		}
	}
	if _, ok := byPrincipal[role("flowmart-ecr-push-production")]; ok {
		t.Error("the CI push role is named by the secrets key")
	}
	for _, dep := range []string{"flowmart-deploy-production", "flowmart-preview", "flowmart-drift"} {
		if !slices.Contains(key.Dependencies, doc.Get(typeRole, dep).URN) {
			t.Errorf("the key does not wait for %s", dep)
		}
	}
	if urls := doc.Outputs["secretsProviders"].(map[string]string); urls["production"] != "awskms://alias/flowmart-secrets-production?region=eu-west-1" {
		t.Errorf("secrets provider URLs %v", urls)
	}
}
