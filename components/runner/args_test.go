package runner

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// Every optional field gets its documented default; given values are kept; the subnets are a
// copy.
func TestDefaults(t *testing.T) {
	a := (&RunnerArgs{SubnetIDs: pulumi.StringArray{pulumi.String("subnet-1")}}).withName("dev-runner")
	if a.ProjectName != "dev-runner" || a.Image != "aws/codebuild/amazonlinux-x86_64-standard:6.0" ||
		a.ComputeType != "BUILD_GENERAL1_SMALL" || a.BuildTimeoutMinutes != 180 || a.LogRetentionDays != 90 {
		t.Errorf("defaults %+v", a)
	}
	given := &RunnerArgs{ProjectName: "flowmart-runner-dev", Image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
		ComputeType: "BUILD_GENERAL1_MEDIUM", BuildTimeoutMinutes: 60, LogRetentionDays: 30,
		SubnetIDs: pulumi.StringArray{pulumi.String("subnet-1")}}
	g := given.withName("dev-runner")
	if g.ProjectName != "flowmart-runner-dev" || g.Image != given.Image || g.ComputeType != "BUILD_GENERAL1_MEDIUM" ||
		g.BuildTimeoutMinutes != 60 || g.LogRetentionDays != 30 {
		t.Errorf("given values changed: %+v", g)
	}
	g.SubnetIDs.(pulumi.StringArray)[0] = pulumi.String("subnet-2")
	if given.SubnetIDs.(pulumi.StringArray)[0] != pulumi.String("subnet-1") {
		t.Error("withDefaults shares the caller's subnet slice")
	}
	var none *RunnerArgs
	if d := none.withName("x"); d.ProjectName != "x" || d.Image != DefaultImage {
		t.Errorf("nil Args: %+v", d)
	}
}

// validArgs is the smallest valid Args.
func validArgs() *RunnerArgs {
	return &RunnerArgs{
		Repository:    "flowmart/platform",
		ConnectionARN: pulumi.String(testConnection),
		VPCID:         pulumi.String("vpc-0123456789abcdef0"),
		VPCCIDR:       pulumi.String("10.30.0.0/16"),
		SubnetIDs:     pulumi.StringArray{pulumi.String("subnet-0aaaaaaaaaaaaaaaa")},
	}
}

// One failing and one passing value per field: the error names the field, shows the bad value
// and says what is allowed, on one line.
func TestValidate(t *testing.T) {
	if err := validArgs().Validate("dev-runner"); err != nil {
		t.Fatalf("valid Args: %v", err)
	}
	cases := []struct {
		field    string
		bad, ok  func(a *RunnerArgs)
		contains string // part of the message: the bad value or what is allowed
	}{
		{"Repository", func(a *RunnerArgs) { a.Repository = "platform" }, func(a *RunnerArgs) { a.Repository = "flow-mart/platform.v2" }, `"platform" is not a GitHub repository (want <owner>/<name>`},
		{"Repository", func(a *RunnerArgs) { a.Repository = "flowmart/.." }, func(a *RunnerArgs) { a.Repository = "flowmart/..x" }, `"flowmart/.."`},
		{"Repository", func(a *RunnerArgs) { a.Repository = "-flowmart/platform" }, func(a *RunnerArgs) { a.Repository = "f/p" }, `"-flowmart/platform"`},
		{"ConnectionARN", func(a *RunnerArgs) { a.ConnectionARN = nil }, func(a *RunnerArgs) {}, "is required"},
		{"ConnectionARN", func(a *RunnerArgs) {
			a.ConnectionARN = pulumi.String("arn:aws:secretsmanager:eu-west-1:111122223333:secret:github-token")
		}, func(a *RunnerArgs) {
			a.ConnectionARN = pulumi.String("arn:aws:codestar-connections:eu-west-1:111122223333:connection/abc")
		}, "is not a CodeConnections connection ARN"},
		{"ConnectionARN", func(a *RunnerArgs) {
			a.ConnectionARN = pulumi.String("arn:aws:codeconnections:eu-west-1:111122223333:connection/")
		}, func(a *RunnerArgs) {
			a.ConnectionARN = pulumi.String(testConnection)
		}, `"arn:aws:codeconnections:eu-west-1:111122223333:connection/"`},
		{"VPCID", func(a *RunnerArgs) { a.VPCID = nil }, func(a *RunnerArgs) { a.VPCID = pulumi.String("vpc-1") }, "is required"},
		{"VPCCIDR", func(a *RunnerArgs) { a.VPCCIDR = nil }, func(a *RunnerArgs) { a.VPCCIDR = pulumi.String("10.0.0.0/16") }, "is required"},
		{"SubnetIDs", func(a *RunnerArgs) { a.SubnetIDs = nil }, func(a *RunnerArgs) {
			a.SubnetIDs = pulumi.StringArray{pulumi.String("subnet-1"), pulumi.String("subnet-2")}
		}, "is required (the private subnets"},
		{"SubnetIDs", func(a *RunnerArgs) { a.SubnetIDs = pulumi.StringArray{} }, func(a *RunnerArgs) {
			a.SubnetIDs = pulumi.ToStringArray([]string{"subnet-1"}).ToStringArrayOutput()
		}, "is empty: give the private subnets"},
		{"SubnetIDs[1]", func(a *RunnerArgs) { a.SubnetIDs = pulumi.StringArray{pulumi.String("subnet-1"), nil} }, func(a *RunnerArgs) {}, "is nil"},
		{"ProjectName", func(a *RunnerArgs) { a.ProjectName = "flowmart runner" }, func(a *RunnerArgs) { a.ProjectName = "flowmart-runner_dev" }, `"flowmart runner" is not a CodeBuild project name (2-150 letters, digits, '-' and '_'`},
		{"ProjectName", func(a *RunnerArgs) { a.ProjectName = "-runner" }, func(a *RunnerArgs) { a.ProjectName = "0runner" }, `"-runner"`},
		{"ProjectName", func(a *RunnerArgs) { a.ProjectName = strings.Repeat("r", 151) }, func(a *RunnerArgs) { a.ProjectName = strings.Repeat("r", 150) }, "2-150"},
		{"Image", func(a *RunnerArgs) { a.Image = "ubuntu:latest" }, func(a *RunnerArgs) { a.Image = "aws/codebuild/standard:7.0" }, `"ubuntu:latest" is not a CodeBuild managed image`},
		{"ComputeType", func(a *RunnerArgs) { a.ComputeType = "BUILD_LAMBDA_1GB" }, func(a *RunnerArgs) { a.ComputeType = "BUILD_GENERAL1_2XLARGE" }, `"BUILD_LAMBDA_1GB" is not a runner compute type (allowed: BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM`},
		{"BuildTimeoutMinutes", func(a *RunnerArgs) { a.BuildTimeoutMinutes = 2161 }, func(a *RunnerArgs) { a.BuildTimeoutMinutes = 2160 }, "2161 is outside 5 to 2160"},
		{"BuildTimeoutMinutes", func(a *RunnerArgs) { a.BuildTimeoutMinutes = 4 }, func(a *RunnerArgs) { a.BuildTimeoutMinutes = 5 }, "4 is outside"},
		{"LogRetentionDays", func(a *RunnerArgs) { a.LogRetentionDays = 10 }, func(a *RunnerArgs) { a.LogRetentionDays = 14 }, "10 is not a CloudWatch Logs retention (allowed: 1, 3, 5"},
		{"LogKMSKeyARN", func(a *RunnerArgs) { a.LogKMSKeyARN = pulumi.String("alias/logs") }, func(a *RunnerArgs) {
			a.LogKMSKeyARN = pulumi.String("arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab")
		}, `"alias/logs" is not a KMS key ARN`},
		{"PermissionsBoundaryARN", func(a *RunnerArgs) {
			a.PermissionsBoundaryARN = pulumi.String("arn:aws:iam::111122223333:role/boundary")
		}, func(a *RunnerArgs) { a.PermissionsBoundaryARN = pulumi.String(testBoundary) }, "is not an IAM policy ARN"},
	}
	for _, c := range cases {
		bad := validArgs()
		c.bad(bad)
		err := bad.Validate("dev-runner")
		path, msg, ok := fielderr.Split(err)
		if !ok || path != c.field || !strings.Contains(msg, c.contains) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want %s: ...%s...", c.field, err, c.field, c.contains)
		}
		good := validArgs()
		c.ok(good)
		if err := good.Validate("dev-runner"); err != nil {
			t.Errorf("%s: a valid value is refused: %v", c.field, err)
		}
	}
	// the component's name is the default project name, so a bad name is reported as ProjectName
	if path, _, _ := fielderr.Split(validArgs().Validate("dev runner")); path != "ProjectName" {
		t.Errorf("a component name with a space: %v", validArgs().Validate("dev runner"))
	}
}

// Unknown inputs (a StackReference output, an ARN from another resource) are not judged before
// they resolve: ConnectionARN is checked again where the role's policy is built.
func TestValidateLeavesUnknownInputs(t *testing.T) {
	a := validArgs()
	a.ConnectionARN = pulumi.String("x").ToStringOutput().ApplyT(func(s string) string { return s }).(pulumi.StringOutput)
	if err := a.Validate("dev-runner"); err != nil {
		t.Errorf("an Output ConnectionARN is refused before it resolves: %v", err)
	}
}

// NewRunner refuses bad Args before registering anything, with the component's name and the
// field in one line.
func TestNewRunnerRefusesBadArgs(t *testing.T) {
	a := baseArgs()
	a.Repository = "platform"
	err := func() error {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic: %v", r)
			}
		}()
		_, err := runProgram(t, a)
		return err
	}()
	if err == nil || !strings.Contains(err.Error(), `runner "production-runner": Repository: "platform" is not a GitHub repository`) {
		t.Errorf("error %v", err)
	}
}
