package runner

import (
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/known"
	"github.com/flowmart/platform/pkg/logretention"
)

// Defaults of RunnerArgs.
const (
	// DefaultImage is the CodeBuild managed image of the runner: Amazon Linux 2023, x86_64,
	// standard 6.0. The AWS CodeBuild User Guide lists "Amazon Linux 2023 x86_64 standard:6.0"
	// beside 5.0 among the current images ("Available runtimes",
	// https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html), and its
	// definition is aws/aws-codebuild-docker-images al/x86_64/standard/6.0/Dockerfile (FROM
	// public.ecr.aws/amazonlinux/amazonlinux:2023). A major version is pinned: CodeBuild caches
	// the newest minor and patch of it ("Docker images provided by CodeBuild",
	// https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-available.html).
	DefaultImage = "aws/codebuild/amazonlinux-x86_64-standard:6.0"
	// DefaultComputeType is the smallest general-purpose container (3 GB, 2 vCPUs): a deploy job
	// runs pulumi, kubectl and helm clients, the work happens in AWS and in the cluster.
	DefaultComputeType = "BUILD_GENERAL1_SMALL"
	// DefaultBuildTimeoutMinutes is how long CodeBuild lets one runner build (one job) live. A
	// runner build lasts as long as its job, and CodeBuild's own default is 60 minutes
	// (pulumi-aws v6.83.4 go/aws/codebuild/project.go, ProjectArgs.BuildTimeout), shorter than
	// the 150 minutes a job may take; 180 minutes also match the jobs' 3-hour role sessions.
	DefaultBuildTimeoutMinutes = 180
	// DefaultLogRetentionDays is how long the runner's build logs are kept.
	DefaultLogRetentionDays = 90
)

// ComputeTypes are the EC2 container compute types a runner may use (the BUILD_GENERAL1 family
// pulumi-aws v6.83.4 documents on ProjectEnvironment.ComputeType, go/aws/codebuild/
// pulumiTypes.go:1643). The Lambda types are left out: the build timeout a job of 150 minutes
// needs "is not available on the Lambda compute type" (ProjectArgs.BuildTimeout, project.go:442).
var ComputeTypes = []string{
	"BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE",
	"BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE",
}

// RunnerArgs configures a Runner. Fields that decide which resources exist are plain values.
type RunnerArgs struct {
	// Repository is the GitHub repository, "<owner>/<name>", whose workflow jobs the runner takes.
	// The webhook is created on this repository only (a repository webhook: no scope
	// configuration), so jobs of other repositories never reach the project. Required.
	Repository string
	// ConnectionARN is the AWS CodeConnections connection to GitHub the project authenticates with
	// (arn:<partition>:codeconnections:<region>:<account>:connection/<id>, or the older
	// codestar-connections service name, which the console still gives new connections). The
	// connection is created once per account and approved by a person in the console (Developer
	// Tools > Settings > Connections > Update pending connection, which installs the AWS Connector
	// GitHub App on the repository); see the package documentation for why it is an input.
	// Required.
	ConnectionARN pulumi.StringInput
	// VPCID is the VPC of the runner's security group. Required.
	VPCID pulumi.StringInput
	// VPCCIDR is the VPC's CIDR, the destination of the egress rule to the cluster API and the
	// interface endpoints. Required.
	VPCCIDR pulumi.StringInput
	// SubnetIDs are the private subnets the builds run in (their route to the internet goes through
	// a NAT gateway), at least one, such as Network.PrivateSubnetIDs. Required.
	SubnetIDs pulumi.StringArrayInput
	// ClusterSecurityGroupID is the EKS cluster security group; when given, it admits TCP 443 from
	// the runner's security group so jobs reach the private Kubernetes API. Defaults to no rule.
	ClusterSecurityGroupID pulumi.StringPtrInput
	// ProjectName is the CodeBuild project's name, part of every job's runs-on label
	// (codebuild-<ProjectName>-<run id>-<attempt>): 2-150 letters, digits, '-' and '_', starting
	// with a letter or digit. Changing it replaces the project, its webhook and its log group.
	// Defaults to the component name.
	ProjectName string
	// Image is the CodeBuild managed image of the builds (aws/codebuild/...). Defaults to
	// DefaultImage, Amazon Linux 2023 x86_64 standard 6.0.
	Image string
	// ComputeType is one of ComputeTypes; changing it updates the project in place. Defaults to
	// BUILD_GENERAL1_SMALL.
	ComputeType string
	// BuildTimeoutMinutes is the longest a runner build (one job) may run, 5 to 2160. Defaults to
	// 180 minutes.
	BuildTimeoutMinutes int
	// LogRetentionDays is how long the build logs are kept (/aws/codebuild/<ProjectName>), one of
	// logretention.Days. Defaults to 90 days.
	LogRetentionDays int
	// LogKMSKeyARN is the customer managed key that encrypts the log group; its key policy must let
	// logs.<region>.amazonaws.com use it for that group. Defaults to a key of the runner's own
	// (<name>-logs: yearly rotation, 30-day deletion window, protected with Protect).
	LogKMSKeyARN pulumi.StringPtrInput
	// PermissionsBoundaryARN is a permissions boundary set on the service role. Defaults to none.
	PermissionsBoundaryARN pulumi.StringPtrInput
	// Protect protects the runner's own log key. Defaults to false.
	Protect bool
	// Tags are added to every resource that takes tags. Defaults to none (the provider's default
	// tags still apply).
	Tags map[string]string
}

func (a *RunnerArgs) withDefaults() RunnerArgs {
	var c RunnerArgs
	if a != nil {
		c = *a
	}
	if c.Image == "" {
		c.Image = DefaultImage
	}
	if c.ComputeType == "" {
		c.ComputeType = DefaultComputeType
	}
	if c.BuildTimeoutMinutes == 0 {
		c.BuildTimeoutMinutes = DefaultBuildTimeoutMinutes
	}
	if c.LogRetentionDays == 0 {
		c.LogRetentionDays = DefaultLogRetentionDays
	}
	if ids, ok := c.SubnetIDs.(pulumi.StringArray); ok {
		c.SubnetIDs = slices.Clone(ids)
	}
	return c
}

// withName is withDefaults for the runner called name: ProjectName defaults to name.
func (a *RunnerArgs) withName(name string) RunnerArgs {
	c := a.withDefaults()
	if c.ProjectName == "" {
		c.ProjectName = name
	}
	return c
}

var (
	// projectNameRe is CodeBuild's rule for a project name: the pattern
	// [A-Za-z0-9][A-Za-z0-9\-_]{1,254} (AWS CodeBuild API Reference, CreateProject, name:
	// https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html), with the
	// 150-character length limit of a project name that PublicProject gives
	// (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_PublicProject.html).
	projectNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{1,149}$`)
	// repositoryRe is a GitHub "<owner>/<name>": an owner of 1-39 letters, digits and inner
	// hyphens, a repository name of letters, digits, '.', '-' and '_' (as components/cicd checks).
	repositoryRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)
	// imageRe is a CodeBuild managed image identifier, aws/codebuild/<name>:<tag>.
	imageRe = regexp.MustCompile(`^aws/codebuild/[a-z0-9._-]+:[A-Za-z0-9._-]+$`)
)

// Validate checks the Args of the runner called name after defaults and returns the first
// problem as a *fielderr.Error naming the field. NewRunner runs it before registering anything.
func (a *RunnerArgs) Validate(name string) error {
	d := a.withName(name)
	return d.validate()
}

func (a RunnerArgs) validate() error {
	if !repositoryRe.MatchString(a.Repository) || strings.HasSuffix(a.Repository, "/.") || strings.HasSuffix(a.Repository, "/..") {
		return fielderr.New("Repository", "%q is not a GitHub repository (want <owner>/<name>, e.g. flowmart/platform)", a.Repository)
	}
	if a.ConnectionARN == nil {
		return fielderr.New("ConnectionARN", "is required (the CodeConnections connection to GitHub, approved once in the console)")
	}
	if s, ok := known.String(a.ConnectionARN); ok {
		if err := checkConnectionARN(s); err != nil {
			return err
		}
	}
	if a.VPCID == nil {
		return fielderr.New("VPCID", "is required")
	}
	if a.VPCCIDR == nil {
		return fielderr.New("VPCCIDR", "is required (such as Network.VPCCIDR)")
	}
	if a.SubnetIDs == nil {
		return fielderr.New("SubnetIDs", "is required (the private subnets the builds run in, such as Network.PrivateSubnetIDs)")
	}
	if ids, ok := a.SubnetIDs.(pulumi.StringArray); ok {
		if err := checkSubnetCount(len(ids)); err != nil {
			return err
		}
		for i, id := range ids {
			if id == nil {
				return fielderr.New(fielderr.Index("SubnetIDs", i), "is nil")
			}
		}
	}
	if !projectNameRe.MatchString(a.ProjectName) {
		return fielderr.New("ProjectName", "%q is not a CodeBuild project name (2-150 letters, digits, '-' and '_', starting with a letter or digit; it defaults to the component name)", a.ProjectName)
	}
	if !imageRe.MatchString(a.Image) {
		return fielderr.New("Image", "%q is not a CodeBuild managed image (aws/codebuild/<name>:<version>, such as %s)", a.Image, DefaultImage)
	}
	if !slices.Contains(ComputeTypes, a.ComputeType) {
		return fielderr.New("ComputeType", "%q is not a runner compute type (allowed: %s)", a.ComputeType, strings.Join(ComputeTypes, ", "))
	}
	if a.BuildTimeoutMinutes < 5 || a.BuildTimeoutMinutes > 2160 {
		return fielderr.New("BuildTimeoutMinutes", "%d is outside 5 to 2160", a.BuildTimeoutMinutes)
	}
	if err := logretention.Check(a.LogRetentionDays); err != nil {
		return fielderr.New("LogRetentionDays", "%s", err)
	}
	if key, ok := known.StringPtr(a.LogKMSKeyARN); ok {
		if p, err := arn.Parse(key); err != nil || p.Service != "kms" || !strings.HasPrefix(p.Resource, "key/") {
			return fielderr.New("LogKMSKeyARN", "%q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)", key)
		}
	}
	if b, ok := known.StringPtr(a.PermissionsBoundaryARN); ok {
		if p, err := arn.Parse(b); err != nil || p.Service != "iam" || !strings.HasPrefix(p.Resource, "policy/") {
			return fielderr.New("PermissionsBoundaryARN", "%q is not an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)", b)
		}
	}
	return nil
}

// checkSubnetCount is the rule on the number of subnets, for a plain list in Validate and a list
// of Outputs once it resolves.
func checkSubnetCount(n int) error {
	if n == 0 {
		return fielderr.New("SubnetIDs", "is empty: give the private subnets the builds run in (at least one)")
	}
	return nil
}

// connectionServices are the two service names of a connection ARN: AWS CodeConnections, and
// CodeStar Connections, its former name, under which the console still creates connections
// ("Permissions and examples for AWS CodeConnections",
// https://docs.aws.amazon.com/dtconsole/latest/userguide/security_iam_id-based-policy-examples-connections.html).
// The IAM actions take the same prefix as the ARN.
var connectionServices = []string{"codeconnections", "codestar-connections"}

// checkConnectionARN reports why s is not a connection ARN.
func checkConnectionARN(s string) error {
	p, err := arn.Parse(s)
	if err != nil || !slices.Contains(connectionServices, p.Service) || !strings.HasPrefix(p.Resource, "connection/") || len(p.Resource) == len("connection/") {
		return fielderr.New("ConnectionARN", "%q is not a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>, or codestar-connections)", s)
	}
	return nil
}
