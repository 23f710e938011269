// Package runner provides Runner: an AWS CodeBuild project that serves as a GitHub Actions
// self-hosted runner inside the platform's VPC, so that the jobs which talk to a private
// Kubernetes API (the cluster-services layer's preview and deploy, `platform health`, the drift
// check) run where that API is reachable, without exposing anything to the internet and with no
// long-lived credential.
//
// How it works (AWS CodeBuild User Guide, "Tutorial: Configure a CodeBuild-hosted GitHub Actions
// runner", https://docs.aws.amazon.com/codebuild/latest/userguide/action-runner.html): a webhook
// on the repository with the event WORKFLOW_JOB_QUEUED makes CodeBuild start one build per queued
// job whose runs-on label is codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }};
// the build registers an ephemeral runner for that job, runs it and ends. CodeBuild replaces the
// project's buildspec with the runner's own commands unless a job asks for buildspec-override
// ("Label overrides supported with the CodeBuild-hosted GitHub Actions runner",
// https://docs.aws.amazon.com/codebuild/latest/userguide/sample-github-action-runners-update-labels.html),
// so the project sets none. When one workflow run has several jobs on the runner, each job adds
// a label of its own (the same page), so that GitHub gives every job the runner started for it.
//
// # What the runner may do
//
// Every step of every job on the runner could use the CodeBuild service role, so the role holds
// only what running the build needs: writing its own log group, using the one GitHub connection,
// and the network-interface actions CodeBuild documents for a project in a VPC. It has no
// Kubernetes access entry and no deploy right: jobs get their AWS role through GitHub OIDC
// (aws-actions/configure-aws-credentials), exactly as on a GitHub-hosted runner, and reach the
// cluster with that role's access entry.
//
// # The GitHub connection
//
// The project authenticates to GitHub with an AWS CodeConnections connection (a GitHub App), the
// method CodeBuild documents for runners ("GitHub App connections for GitHub and GitHub
// Enterprise Server", https://docs.aws.amazon.com/codebuild/latest/userguide/connections-github-app.html).
// A connection made by an API call, Pulumi included, stays PENDING until a person completes the
// handshake with GitHub in the console ("A connection created through the AWS CLI or AWS
// CloudFormation is in PENDING status by default ... You must use the console to update a pending
// connection": Developer Tools console User Guide, "Update a pending connection",
// https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-update.html); a pending
// connection cannot be used. CodeBuild's CreateWebhook calls GitHub through it, so a
// webhook created in the same deploy as a pending connection fails. The connection is therefore
// an input (ConnectionARN): made and approved once per account before the first deploy, it also
// outlives any stack, so destroying a stack never revokes the approval that other environments
// of the account use. It is not a secret.
//
// # Network
//
// The builds run in the given private subnets with a security group of the runner's own: no
// ingress at all (nothing connects to a runner: it polls GitHub), and egress on TCP 443 only, to
// the VPC's CIDR (the EKS API endpoint's network interfaces and the interface VPC endpoints) and
// to 0.0.0.0/0 (GitHub, Pulumi's plugin downloads, the AWS APIs without an endpoint), which leaves
// the VPC through the NAT gateway of the private subnets. DNS to the VPC resolver needs no rule:
// security groups do not filter traffic to the Amazon DNS server (Amazon VPC User Guide,
// "Security group rules": https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
//
// # Physical names
//
// The project is named ProjectName (unique in an account and region) and its log group
// /aws/codebuild/<ProjectName>, CodeBuild's own default name for it. The security group, its
// rules, the role and its policy are auto-named by Pulumi from their resource names; the KMS key
// gets an id.
package runner

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/tags"
)

// runnerType is part of every URN: never rename without an alias.
const runnerType = "flowmart:ci:Runner"

// RunsOnPrefix is what a job's runs-on label starts with for a project: codebuild-<project>; the
// job appends -${{ github.run_id }}-${{ github.run_attempt }}.
func RunsOnPrefix(projectName string) string { return "codebuild-" + projectName }

// LogGroupName is the log group of a project's builds: CodeBuild's default,
// /aws/codebuild/<project>.
func LogGroupName(projectName string) string { return "/aws/codebuild/" + projectName }

// Runner is a CodeBuild project in the VPC's private subnets with its webhook, security group,
// service role and encrypted log group.
type Runner struct {
	pulumi.ResourceState

	// ProjectName is the CodeBuild project's name.
	ProjectName pulumi.StringOutput `pulumi:"projectName"`
	// ProjectARN is the CodeBuild project's ARN.
	ProjectARN pulumi.StringOutput `pulumi:"projectArn"`
	// RunsOnLabel is the start of a job's runs-on label, codebuild-<project>; a job uses
	// codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}. It resolves once the
	// webhook exists.
	RunsOnLabel pulumi.StringOutput `pulumi:"runsOnLabel"`
	// SecurityGroupID is the runner's security group (for rules admitting the runner elsewhere).
	SecurityGroupID pulumi.IDOutput `pulumi:"securityGroupId"`
	// RoleARN is the CodeBuild service role.
	RoleARN pulumi.StringOutput `pulumi:"roleArn"`

	// Project is the underlying CodeBuild project, an escape hatch.
	Project *codebuild.Project

	name          string
	args          RunnerArgs
	opts          []pulumi.ResourceOption // child options: parent is the runner
	securityGroup *ec2.SecurityGroup
	logKeyARN     pulumi.StringOutput
	logGroup      *cloudwatch.LogGroup
	role          *iam.Role
	rolePolicy    *iam.RolePolicy
	webhook       *codebuild.Webhook
}

// NewRunner creates a Runner. Children are named name+"-<role>": -sg, -egress-vpc,
// -egress-internet, -cluster-api (with ClusterSecurityGroupID), -logs (the key, unless
// LogKMSKeyARN is given, and the log group); the role, its policy, the project and the webhook
// are called name.
func NewRunner(ctx *pulumi.Context, name string, args *RunnerArgs, opts ...pulumi.ResourceOption) (*Runner, error) {
	a := args.withName(name)
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("runner %q: %w", name, err)
	}
	r := &Runner{name: name, args: a}
	if err := ctx.RegisterComponentResource(runnerType, name, r, opts...); err != nil {
		return nil, err
	}
	r.opts = []pulumi.ResourceOption{pulumi.Parent(r)}
	steps := []func(*pulumi.Context) error{
		r.securityGroups,
		r.clusterAccess,
		r.logKey,
		r.logs,
		r.serviceRole,
		r.project,
		r.webhookOnJobs,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("runner %q: %w", name, err)
		}
	}
	return r, r.registerOutputs(ctx)
}

func (r *Runner) tags(resource string) pulumi.StringMap { return tags.Named(r.args.Tags, resource) }

func (r *Runner) registerOutputs(ctx *pulumi.Context) error {
	r.ProjectName = r.Project.Name
	r.ProjectARN = r.Project.Arn
	// a label is only served once the webhook exists: consumers wait for it
	r.RunsOnLabel = pulumi.All(r.Project.Name, r.webhook.ID()).ApplyT(func(v []any) string {
		return RunsOnPrefix(v[0].(string))
	}).(pulumi.StringOutput)
	r.SecurityGroupID = r.securityGroup.ID()
	r.RoleARN = r.role.Arn
	return ctx.RegisterResourceOutputs(r, pulumi.Map{
		"projectName":     r.ProjectName,
		"projectArn":      r.ProjectARN,
		"runsOnLabel":     r.RunsOnLabel,
		"securityGroupId": r.SecurityGroupID,
		"roleArn":         r.RoleARN,
	})
}
