package runner

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	typeProject    = "aws:codebuild/project:Project"
	typeWebhook    = "aws:codebuild/webhook:Webhook"
	typeSG         = "aws:ec2/securityGroup:SecurityGroup"
	typeEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeRole       = "aws:iam/role:Role"
	typeRolePolicy = "aws:iam/rolePolicy:RolePolicy"
	typeLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	typeKMSKey     = "aws:kms/key:Key"

	testConnection = "arn:aws:codeconnections:eu-west-1:111122223333:connection/6f8b1c2d-3e4f-4a5b-8c9d-0e1f2a3b4c5d"
	testBoundary   = "arn:aws:iam::111122223333:policy/production-boundary"
)

var modes = []struct {
	name   string
	deploy bool
}{{"preview", false}, {"deploy", true}}

// baseArgs is the runner of a production stack: two private subnets, the cluster's security
// group, a permissions boundary and a team tag.
func baseArgs() *RunnerArgs {
	return &RunnerArgs{
		Repository:             "flowmart/platform",
		ConnectionARN:          pulumi.String(testConnection),
		VPCID:                  pulumi.String("vpc-0123456789abcdef0"),
		VPCCIDR:                pulumi.String("10.30.0.0/16"),
		SubnetIDs:              pulumi.StringArray{pulumi.String("subnet-0aaaaaaaaaaaaaaaa"), pulumi.String("subnet-0bbbbbbbbbbbbbbbb")},
		ClusterSecurityGroupID: pulumi.String("sg-0c1c2c3c4c5c6c7c8"),
		ProjectName:            "flowmart-runner-production",
		LogRetentionDays:       365,
		PermissionsBoundaryARN: pulumi.String(testBoundary),
		Tags:                   map[string]string{"Team": "platform"},
	}
}

// build runs a program that creates one Runner "production-runner" under the mock recorder and
// exports every output.
func build(t *testing.T, args *RunnerArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		r, err := NewRunner(ctx, "production-runner", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("projectName", r.ProjectName)
		ctx.Export("projectArn", r.ProjectARN)
		ctx.Export("runsOnLabel", r.RunsOnLabel)
		ctx.Export("securityGroupId", r.SecurityGroupID)
		ctx.Export("roleArn", r.RoleARN)
		ctx.Export("projectTimeout", r.Project.BuildTimeout)
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func get(t *testing.T, doc *preview.Document, typ, name string) *preview.Resource {
	t.Helper()
	r := doc.Get(typ, name)
	if r == nil {
		t.Fatalf("no %s %s", typ, name)
	}
	return r
}

// Every child is named from the component's name, parented to it, and tagged with its own Name
// over the component's Tags; the type token and the names are public API.
func TestChildrenNamesParentsTags(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		comp := get(t, doc, runnerType, "production-runner")
		if !strings.Contains(comp.URN, "flowmart:ci:Runner::production-runner") {
			t.Errorf("component URN %s", comp.URN)
		}
		want := []struct {
			typ, name string
			tagged    bool
		}{
			{typeSG, "production-runner-sg", true},
			{typeEgress, "production-runner-egress-vpc", true},
			{typeEgress, "production-runner-egress-internet", true},
			{typeIngress, "production-runner-cluster-api", true},
			{typeKMSKey, "production-runner-logs", true},
			{typeLogGroup, "production-runner-logs", true},
			{typeRole, "production-runner", true},
			{typeRolePolicy, "production-runner", false},
			{typeProject, "production-runner", true},
			{typeWebhook, "production-runner", false},
		}
		children := doc.Children(comp.URN)
		if len(children) != len(want) {
			var got []string
			for _, c := range children {
				got = append(got, c.Type+" "+c.Name)
			}
			t.Fatalf("%s: %d children, want %d: %v", m.name, len(children), len(want), got)
		}
		for _, w := range want {
			r := get(t, doc, w.typ, w.name)
			if r.Parent != comp.URN {
				t.Errorf("%s: %s %s parent %s", m.name, w.typ, w.name, r.Parent)
			}
			if !strings.Contains(r.Provider, "pulumi:providers:aws::aws") {
				t.Errorf("%s: %s %s does not use the given provider: %q", m.name, w.typ, w.name, r.Provider)
			}
			if !w.tagged {
				continue
			}
			tags, _ := r.Inputs["tags"].(map[string]any)
			if tags["Name"] != w.name || tags["Team"] != "platform" {
				t.Errorf("%s: %s %s tags %v", m.name, w.typ, w.name, tags)
			}
		}
	}
}

// No ingress on the runner's group; egress is TCP 443 only, to the VPC's CIDR and to 0.0.0.0/0,
// each rule described; the cluster's group admits 443 from the runner's group, and only with
// ClusterSecurityGroupID.
func TestSecurityGroupRules(t *testing.T) {
	doc := build(t, baseArgs(), true)
	sg := get(t, doc, typeSG, "production-runner-sg")
	if sg.Inputs["ingress"] != nil || sg.Inputs["egress"] != nil || sg.Inputs["vpcId"] != "vpc-0123456789abcdef0" {
		t.Errorf("security group inputs %v: no inline rules, in the VPC", sg.Inputs)
	}
	sgID := fmt.Sprint(doc.Outputs["securityGroupId"])
	for _, r := range doc.Find(typeIngress) {
		if r.Inputs["securityGroupId"] == sgID {
			t.Errorf("ingress rule %s on the runner's own group: %v", r.Name, r.Inputs)
		}
	}
	egress := doc.Find(typeEgress)
	got := map[string]string{}
	for _, r := range egress {
		in := r.Inputs
		if in["securityGroupId"] != sgID || in["ipProtocol"] != "tcp" || in["fromPort"] != 443.0 || in["toPort"] != 443.0 {
			t.Errorf("egress %s is not TCP 443 from the runner's group: %v", r.Name, in)
		}
		if d, _ := in["description"].(string); d == "" {
			t.Errorf("egress %s has no description", r.Name)
		}
		if in["cidrIpv6"] != nil || in["prefixListId"] != nil || in["referencedSecurityGroupId"] != nil {
			t.Errorf("egress %s reaches more than a CIDR: %v", r.Name, in)
		}
		got[r.Name], _ = in["cidrIpv4"].(string)
	}
	want := map[string]string{"production-runner-egress-vpc": "10.30.0.0/16", "production-runner-egress-internet": "0.0.0.0/0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("egress destinations %v, want %v", got, want)
	}
	api := get(t, doc, typeIngress, "production-runner-cluster-api").Inputs
	if api["securityGroupId"] != "sg-0c1c2c3c4c5c6c7c8" || api["referencedSecurityGroupId"] != sgID ||
		api["ipProtocol"] != "tcp" || api["fromPort"] != 443.0 || api["toPort"] != 443.0 || api["cidrIpv4"] != nil {
		t.Errorf("cluster API rule %v, want TCP 443 on the cluster's group from the runner's", api)
	}

	a := baseArgs()
	a.ClusterSecurityGroupID = nil
	if n := len(build(t, a, false).Find(typeIngress)); n != 0 {
		t.Errorf("without ClusterSecurityGroupID: %d ingress rules, want none", n)
	}
}

// The project: the pinned Amazon Linux 2023 image, small compute, source GITHUB at the
// repository through the connection, no buildspec and no artifacts, the private subnets with the
// runner's group, logs to its group only, a timeout longer than a job, the service role; it
// waits for the role's policy.
func TestProject(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		p := get(t, doc, typeProject, "production-runner")
		in := p.Inputs
		if in["name"] != "flowmart-runner-production" || in["buildTimeout"] != 180.0 {
			t.Errorf("%s: name %v, timeout %v", m.name, in["name"], in["buildTimeout"])
		}
		env := in["environment"].(map[string]any)
		wantEnv := map[string]any{
			"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux-x86_64-standard:6.0",
			"computeType": "BUILD_GENERAL1_SMALL", "imagePullCredentialsType": "CODEBUILD", "privilegedMode": false,
		}
		if !reflect.DeepEqual(env, wantEnv) {
			t.Errorf("%s: environment %v, want %v", m.name, env, wantEnv)
		}
		src := in["source"].(map[string]any)
		wantSrc := map[string]any{
			"type": "GITHUB", "location": "https://github.com/flowmart/platform",
			"auth": map[string]any{"type": "CODECONNECTIONS", "resource": testConnection},
		}
		if !reflect.DeepEqual(src, wantSrc) {
			t.Errorf("%s: source %v, want %v (no buildspec: CodeBuild runs the runner's commands)", m.name, src, wantSrc)
		}
		if art := in["artifacts"].(map[string]any); !reflect.DeepEqual(art, map[string]any{"type": "NO_ARTIFACTS"}) {
			t.Errorf("%s: artifacts %v", m.name, art)
		}
		vpc := in["vpcConfig"].(map[string]any)
		if vpc["vpcId"] != "vpc-0123456789abcdef0" ||
			!reflect.DeepEqual(vpc["subnets"], []any{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}) {
			t.Errorf("%s: vpc config %v", m.name, vpc)
		}
		logs := in["logsConfig"].(map[string]any)
		if cw := logs["cloudwatchLogs"].(map[string]any); cw["status"] != "ENABLED" || (m.deploy && cw["groupName"] != "/aws/codebuild/flowmart-runner-production") {
			t.Errorf("%s: CloudWatch logs %v", m.name, cw)
		}
		if s3 := logs["s3Logs"].(map[string]any); s3["status"] != "DISABLED" {
			t.Errorf("%s: S3 logs %v", m.name, s3)
		}
		if !m.deploy {
			continue
		}
		if sgs := vpc["securityGroupIds"].([]any); len(sgs) != 1 || sgs[0] != fmt.Sprint(doc.Outputs["securityGroupId"]) {
			t.Errorf("security groups %v, want only the runner's %v", sgs, doc.Outputs["securityGroupId"])
		}
		if in["serviceRole"] != doc.Outputs["roleArn"] {
			t.Errorf("service role %v, want %v", in["serviceRole"], doc.Outputs["roleArn"])
		}
		policy := get(t, doc, typeRolePolicy, "production-runner")
		if !slices.Contains(p.Dependencies, policy.URN) {
			t.Errorf("the project does not wait for the role's policy: %v", p.Dependencies)
		}
	}
}

// The webhook: one filter group, EVENT WORKFLOW_JOB_QUEUED, build type BUILD, on the project; no
// scope configuration, so it is the repository's webhook.
func TestWebhook(t *testing.T) {
	doc := build(t, baseArgs(), true)
	in := get(t, doc, typeWebhook, "production-runner").Inputs
	want := []any{map[string]any{"filters": []any{map[string]any{"type": "EVENT", "pattern": "WORKFLOW_JOB_QUEUED"}}}}
	if !reflect.DeepEqual(in["filterGroups"], want) {
		t.Errorf("filter groups %v, want %v", in["filterGroups"], want)
	}
	if in["buildType"] != "BUILD" || in["projectName"] != "flowmart-runner-production" || in["scopeConfiguration"] != nil || in["manualCreation"] != nil {
		t.Errorf("webhook %v", in)
	}
}

// The outputs: the project's name and ARN, the runs-on prefix codebuild-<project>, the
// security group and the role.
func TestOutputs(t *testing.T) {
	doc := build(t, baseArgs(), true)
	want := map[string]any{
		"projectName": "flowmart-runner-production",
		"projectArn":  "arn:aws:codebuild:eu-west-1:111122223333:project/flowmart-runner-production",
		"runsOnLabel": "codebuild-flowmart-runner-production",
	}
	for k, v := range want {
		if doc.Outputs[k] != v {
			t.Errorf("%s = %v, want %v", k, doc.Outputs[k], v)
		}
	}
	if sg := fmt.Sprint(doc.Outputs["securityGroupId"]); !regexp.MustCompile(`^sg-[0-9a-f]{17}$`).MatchString(sg) {
		t.Errorf("securityGroupId %v", doc.Outputs["securityGroupId"])
	}
	if role, _ := doc.Outputs["roleArn"].(string); !strings.HasPrefix(role, "arn:aws:iam::111122223333:role/production-runner-") {
		t.Errorf("roleArn %v", doc.Outputs["roleArn"])
	}
	comp := get(t, doc, runnerType, "production-runner")
	if got := len(doc.Children(comp.URN)); got == 0 {
		t.Fatal("no children")
	}
}

// The log group is /aws/codebuild/<project>, kept LogRetentionDays and encrypted with the
// runner's key, whose policy lets CloudWatch Logs of the region use it for that group only. A
// given key replaces the runner's own.
func TestLogGroupAndKey(t *testing.T) {
	doc := build(t, baseArgs(), true)
	lg := get(t, doc, typeLogGroup, "production-runner-logs").Inputs
	key := get(t, doc, typeKMSKey, "production-runner-logs")
	keyARN := "arn:aws:kms:eu-west-1:111122223333:key/"
	if lg["name"] != "/aws/codebuild/flowmart-runner-production" || lg["retentionInDays"] != 365.0 || !strings.HasPrefix(lg["kmsKeyId"].(string), keyARN) {
		t.Errorf("log group %v", lg)
	}
	if key.Inputs["enableKeyRotation"] != true || key.Protect {
		t.Errorf("key rotation %v, protect %v", key.Inputs["enableKeyRotation"], key.Protect)
	}
	var kp struct {
		Statement []struct {
			Sid       string
			Principal map[string]any
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(key.Inputs["policy"].(string)), &kp); err != nil {
		t.Fatal(err)
	}
	var logs bool
	for _, s := range kp.Statement {
		if s.Sid != "CloudWatchLogs" {
			continue
		}
		logs = true
		arns := s.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
		if s.Principal["Service"] != "logs.eu-west-1.amazonaws.com" ||
			!reflect.DeepEqual(arns, []any{"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/codebuild/flowmart-runner-production"}) {
			t.Errorf("logs statement %+v", s)
		}
	}
	if !logs {
		t.Errorf("the key policy has no CloudWatch Logs statement: %s", key.Inputs["policy"])
	}

	a := baseArgs()
	a.Protect = true
	if !get(t, build(t, a, false), typeKMSKey, "production-runner-logs").Protect {
		t.Error("Protect does not protect the runner's key")
	}
	a = baseArgs()
	const given = "arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab"
	a.LogKMSKeyARN = pulumi.String(given)
	doc = build(t, a, true)
	if len(doc.Find(typeKMSKey)) != 0 || get(t, doc, typeLogGroup, "production-runner-logs").Inputs["kmsKeyId"] != given {
		t.Errorf("with LogKMSKeyARN: %d keys, log group key %v", len(doc.Find(typeKMSKey)), get(t, doc, typeLogGroup, "production-runner-logs").Inputs["kmsKeyId"])
	}
}

// The mandatory policy rules (log retention and encryption, no "*" actions, no write on "*"
// without a condition, described security group rules...) find nothing in a production runner
// (Protect set, as a production stack sets it: FM-PROT-001 asks for protected keys there).
func TestPolicyRules(t *testing.T) {
	a := baseArgs()
	a.Protect = true
	doc := build(t, a, true)
	doc.EvaluatePolicy(policy.Context{Environment: policy.Production})
	for _, v := range doc.Violations {
		if v.Enforcement == policy.Mandatory {
			t.Errorf("%s on %s: %s", v.Policy, v.Resource, v.Message)
		}
	}
	// the rules did run: without Protect, production's protection rule finds the key
	doc = build(t, baseArgs(), true)
	doc.EvaluatePolicy(policy.Context{Environment: policy.Production})
	var found bool
	for _, v := range doc.Violations {
		found = found || (v.Policy == "FM-PROT-001" && v.Resource == "production-runner-logs")
	}
	if !found {
		t.Errorf("FM-PROT-001 does not find the unprotected key: %v", doc.Violations)
	}
}

// runProgram runs NewRunner "production-runner" under the recorder and returns the document and
// the program's error.
func runProgram(t *testing.T, args *RunnerArgs) (*preview.Document, error) {
	t.Helper()
	return preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		_, err := NewRunner(ctx, "production-runner", args, provider)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: "eu-west-1", Account: "111122223333"})
}

// runProgramDeploy is runProgram as an update, where Outputs resolve.
func runProgramDeploy(t *testing.T, args *RunnerArgs) (*preview.Document, error) {
	t.Helper()
	return preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		_, err := NewRunner(ctx, "production-runner", args, provider)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: "eu-west-1", Account: "111122223333", Deploy: true})
}
