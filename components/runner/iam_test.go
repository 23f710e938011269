package runner

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// statement is a policy statement as the tests read it back.
type statement struct {
	Sid       string
	Effect    string
	Principal map[string]any
	Action    []string
	Resource  []string
	Condition map[string]map[string]any
}

func statements(t *testing.T, policy any) map[string]statement {
	t.Helper()
	var doc struct{ Statement []statement }
	if err := json.Unmarshal([]byte(policy.(string)), &doc); err != nil {
		t.Fatalf("policy %v: %v", policy, err)
	}
	out := map[string]statement{}
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement %s is %s", s.Sid, s.Effect)
		}
		out[s.Sid] = s
	}
	return out
}

// The role trusts CodeBuild for this project only (aws:SourceAccount, aws:SourceArn) and carries
// the permissions boundary.
func TestServiceRoleTrustAndBoundary(t *testing.T) {
	doc := build(t, baseArgs(), true)
	role := get(t, doc, typeRole, "production-runner").Inputs
	if role["permissionsBoundary"] != testBoundary {
		t.Errorf("permissions boundary %v, want %s", role["permissionsBoundary"], testBoundary)
	}
	var trust struct{ Statement []statement }
	if err := json.Unmarshal([]byte(role["assumeRolePolicy"].(string)), &trust); err != nil {
		t.Fatal(err)
	}
	want := statement{
		Effect: "Allow", Principal: map[string]any{"Service": "codebuild.amazonaws.com"}, Action: []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": "111122223333"},
			"ArnLike":      {"aws:SourceArn": "arn:aws:codebuild:eu-west-1:111122223333:project/flowmart-runner-production"},
		},
	}
	if len(trust.Statement) != 1 || !reflect.DeepEqual(trust.Statement[0], want) {
		t.Errorf("trust %+v, want %+v", trust.Statement, want)
	}

	a := baseArgs()
	a.PermissionsBoundaryARN = nil
	if b := get(t, build(t, a, true), typeRole, "production-runner").Inputs["permissionsBoundary"]; b != nil {
		t.Errorf("without PermissionsBoundaryARN the boundary is %v", b)
	}
}

// The role's one policy, statement by statement: its log group, its connection, the network
// interfaces of a VPC project; nothing else (no EKS, no STS, no KMS, no S3, no IAM).
func TestServiceRolePolicy(t *testing.T) {
	doc := build(t, baseArgs(), true)
	if n := len(doc.Find(typeRolePolicy)); n != 1 {
		t.Fatalf("%d role policies, want one", n)
	}
	if n := len(doc.Find("aws:iam/rolePolicyAttachment:RolePolicyAttachment")); n != 0 {
		t.Errorf("%d managed policies attached, want none", n)
	}
	if n := len(doc.Find("aws:eks/accessEntry:AccessEntry")); n != 0 {
		t.Errorf("%d access entries, want none: jobs reach the cluster with their OIDC role", n)
	}
	rp := get(t, doc, typeRolePolicy, "production-runner").Inputs
	if !strings.HasPrefix(rp["role"].(string), "production-runner-") {
		t.Errorf("policy on role %v", rp["role"])
	}
	got := statements(t, rp["policy"])
	const group = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/codebuild/flowmart-runner-production"
	const enis = "arn:aws:ec2:eu-west-1:111122223333:network-interface/*"
	subnetARNs := []any{
		"arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0aaaaaaaaaaaaaaaa",
		"arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0bbbbbbbbbbbbbbbb",
	}
	want := map[string]statement{
		"Logs": {Sid: "Logs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{group, group + ":*"}},
		"GitHubConnection": {Sid: "GitHubConnection", Effect: "Allow",
			Action: []string{"codeconnections:GetConnectionToken", "codeconnections:GetConnection"}, Resource: []string{testConnection}},
		"VPCNetworkInterfaces": {Sid: "VPCNetworkInterfaces", Effect: "Allow", Action: []string{
			"ec2:CreateNetworkInterface", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
			"ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"}, Resource: []string{"*"}},
		"DeleteNetworkInterfaces": {Sid: "DeleteNetworkInterfaces", Effect: "Allow", Action: []string{"ec2:DeleteNetworkInterface"},
			Resource: []string{enis}, Condition: map[string]map[string]any{"StringEquals": {"ec2:Subnet": subnetARNs}}},
		"NetworkInterfacePermission": {Sid: "NetworkInterfacePermission", Effect: "Allow", Action: []string{"ec2:CreateNetworkInterfacePermission"},
			Resource: []string{enis}, Condition: map[string]map[string]any{"StringEquals": {
				"ec2:Subnet":            subnetARNs,
				"ec2:AuthorizedService": "codebuild.amazonaws.com",
			}}},
	}
	if len(got) != len(want) {
		t.Errorf("%d statements, want %d: %v", len(got), len(want), got)
	}
	for sid, w := range want {
		if g, ok := got[sid]; !ok || !reflect.DeepEqual(g, w) {
			t.Errorf("statement %s:\n got %+v\nwant %+v", sid, g, w)
		}
	}
	for _, s := range got {
		for _, a := range s.Action {
			service, _, _ := strings.Cut(a, ":")
			if !map[string]bool{"logs": true, "codeconnections": true, "ec2": true}[service] {
				t.Errorf("statement %s grants %s", s.Sid, a)
			}
		}
	}
}

// A connection made in the console has a codestar-connections ARN: the actions take that prefix,
// as IAM matches the ARN's own.
func TestCodeStarConnectionPrefix(t *testing.T) {
	a := baseArgs()
	const conn = "arn:aws:codestar-connections:eu-west-1:111122223333:connection/6f8b1c2d-3e4f-4a5b-8c9d-0e1f2a3b4c5d"
	a.ConnectionARN = pulumi.String(conn)
	doc := build(t, a, true)
	s := statements(t, get(t, doc, typeRolePolicy, "production-runner").Inputs["policy"])["GitHubConnection"]
	want := []string{"codestar-connections:GetConnectionToken", "codestar-connections:GetConnection"}
	if !reflect.DeepEqual(s.Action, want) || !reflect.DeepEqual(s.Resource, []string{conn}) {
		t.Errorf("connection statement %+v, want %v on %s", s, want, conn)
	}
	if auth := get(t, doc, typeProject, "production-runner").Inputs["source"].(map[string]any)["auth"].(map[string]any); auth["resource"] != conn {
		t.Errorf("project auth %v", auth)
	}
}

// servicePolicy refuses what is not a connection ARN (an unknown ConnectionARN that resolves to
// something else at deploy time), with one line naming the field.
func TestServicePolicyRefusesAnotherARN(t *testing.T) {
	s := scope{Partition: "aws", Region: "eu-west-1", Account: "111122223333", ProjectName: "p",
		LogGroupARN: "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/codebuild/p", SubnetIDs: []string{"subnet-1"}}
	for _, bad := range []string{"", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:github", "arn:aws:codeconnections:eu-west-1:111122223333:host/x"} {
		s.ConnectionARN = bad
		_, err := servicePolicy(s)
		if path, _, ok := fielderr.Split(err); !ok || path != "ConnectionARN" || strings.Contains(err.Error(), "\n") {
			t.Errorf("ConnectionARN %q: %v", bad, err)
		}
	}
	s.ConnectionARN = testConnection
	if _, err := servicePolicy(s); err != nil {
		t.Errorf("a connection ARN is refused: %v", err)
	}
}

// Subnets given as an Output (Network.PrivateSubnetIDs) reach the project and the role's policy
// once resolved; an empty list is refused then, naming SubnetIDs.
func TestSubnetsAsOutput(t *testing.T) {
	a := baseArgs()
	a.SubnetIDs = pulumi.ToStringArray([]string{"subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"}).ToStringArrayOutput()
	doc := build(t, a, true)
	vpc := get(t, doc, typeProject, "production-runner").Inputs["vpcConfig"].(map[string]any)
	if !reflect.DeepEqual(vpc["subnets"], []any{"subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"}) {
		t.Errorf("project subnets %v", vpc["subnets"])
	}
	cond := statements(t, get(t, doc, typeRolePolicy, "production-runner").Inputs["policy"])["NetworkInterfacePermission"].Condition
	if got := cond["StringEquals"]["ec2:Subnet"].([]any); len(got) != 2 || got[1] != "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0ccccccccccccccc2" {
		t.Errorf("policy subnets %v", got)
	}

	a.SubnetIDs = pulumi.ToStringArray([]string{}).ToStringArrayOutput()
	if _, err := runProgramDeploy(t, a); err == nil || !strings.Contains(err.Error(), "SubnetIDs: is empty") || strings.Contains(err.Error(), "\n") {
		t.Errorf("an empty resolved subnet list: %v", err)
	}
}
