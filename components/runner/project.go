package runner

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The webhook's one filter group: the event of a queued GitHub Actions job. CodeBuild's GitHub
// events include WORKFLOW_JOB_QUEUED ("GitHub webhook events",
// https://docs.aws.amazon.com/codebuild/latest/userguide/github-webhook.html), and pulumi-aws
// v6.83.4 documents it on WebhookFilterGroupFilter.Pattern (go/aws/codebuild/pulumiTypes.go:5543).
// No filter restricts the repository: the filter types of that provider are EVENT, BASE_REF,
// HEAD_REF, ACTOR_ACCOUNT_ID, FILE_PATH, COMMIT_MESSAGE, WORKFLOW_NAME, TAG_NAME and RELEASE_NAME
// (pulumiTypes.go:5545), and none is needed: without a scope configuration (organization or
// global webhooks) the webhook is created on the project's one repository.
const (
	filterTypeEvent     = "EVENT"
	eventJobQueued      = "WORKFLOW_JOB_QUEUED"
	webhookBuildType    = "BUILD"
	sourceTypeGitHub    = "GITHUB"
	authCodeConnections = "CODECONNECTIONS"
)

// RepositoryURL is the HTTPS URL of a GitHub repository "<owner>/<name>", the project's source
// location.
func RepositoryURL(repository string) string { return "https://github.com/" + repository }

// project creates the CodeBuild project: source GITHUB at the repository's URL through the
// connection (auth CODECONNECTIONS), no buildspec (CodeBuild runs the runner's own commands), no
// artifacts, a Linux container of Image and ComputeType pulled with CodeBuild's credentials (a
// managed image requires them: ProjectEnvironment.ImagePullCredentialsType), the private subnets
// and the runner's security group, and logs to the runner's log group only (S3 logs off). It
// waits for the role's policy: CodeBuild checks the role's EC2 permissions when a project in a
// VPC is created (the reason aws/aws-cdk 390baf1 made the project depend on that policy).
func (r *Runner) project(ctx *pulumi.Context) error {
	p, err := codebuild.NewProject(ctx, r.name, &codebuild.ProjectArgs{
		Name:         pulumi.String(r.args.ProjectName),
		Description:  pulumi.String("GitHub Actions runner for " + r.args.Repository + " inside the VPC (jobs with runs-on " + RunsOnPrefix(r.args.ProjectName) + "-<run id>-<attempt>)"),
		ServiceRole:  r.role.Arn,
		BuildTimeout: pulumi.Int(r.args.BuildTimeoutMinutes),
		Source: &codebuild.ProjectSourceArgs{
			Type:     pulumi.String(sourceTypeGitHub),
			Location: pulumi.String(RepositoryURL(r.args.Repository)),
			Auth: &codebuild.ProjectSourceAuthArgs{
				Type:     pulumi.String(authCodeConnections),
				Resource: r.args.ConnectionARN,
			},
		},
		Artifacts: &codebuild.ProjectArtifactsArgs{Type: pulumi.String("NO_ARTIFACTS")},
		Environment: &codebuild.ProjectEnvironmentArgs{
			Type:                     pulumi.String("LINUX_CONTAINER"),
			Image:                    pulumi.String(r.args.Image),
			ComputeType:              pulumi.String(r.args.ComputeType),
			ImagePullCredentialsType: pulumi.String("CODEBUILD"),
			PrivilegedMode:           pulumi.Bool(false),
		},
		VpcConfig: &codebuild.ProjectVpcConfigArgs{
			VpcId:            r.args.VPCID,
			Subnets:          r.args.SubnetIDs,
			SecurityGroupIds: pulumi.StringArray{r.securityGroup.ID().ToStringOutput()},
		},
		LogsConfig: &codebuild.ProjectLogsConfigArgs{
			CloudwatchLogs: &codebuild.ProjectLogsConfigCloudwatchLogsArgs{
				Status:    pulumi.String("ENABLED"),
				GroupName: r.logGroup.Name,
			},
			S3Logs: &codebuild.ProjectLogsConfigS3LogsArgs{Status: pulumi.String("DISABLED")},
		},
		Tags: r.tags(r.name),
	}, append(r.opts, pulumi.DependsOn([]pulumi.Resource{r.rolePolicy}))...)
	if err != nil {
		return err
	}
	r.Project = p
	return nil
}

// webhookOnJobs creates the webhook that starts one build per queued job (build type BUILD).
// CodeBuild creates the repository webhook in GitHub itself, through the project's connection.
func (r *Runner) webhookOnJobs(ctx *pulumi.Context) error {
	w, err := codebuild.NewWebhook(ctx, r.name, &codebuild.WebhookArgs{
		ProjectName: r.Project.Name,
		BuildType:   pulumi.String(webhookBuildType),
		FilterGroups: codebuild.WebhookFilterGroupArray{
			&codebuild.WebhookFilterGroupArgs{
				Filters: codebuild.WebhookFilterGroupFilterArray{
					&codebuild.WebhookFilterGroupFilterArgs{
						Type:    pulumi.String(filterTypeEvent),
						Pattern: pulumi.String(eventJobQueued),
					},
				},
			},
		},
	}, r.opts...)
	if err != nil {
		return err
	}
	r.webhook = w
	return nil
}
