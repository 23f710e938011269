package runner_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/runner"
	"github.com/flowmart/platform/pkg/preview"
)

// An in-VPC runner for one repository, admitted to the cluster's private API. Jobs that talk to
// the cluster run on it with runs-on: <runsOnLabel>-${{ github.run_id }}-${{ github.run_attempt }}.
func ExampleNewRunner() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		r, err := runner.NewRunner(ctx, "dev-runner", &runner.RunnerArgs{
			Repository:             "flowmart/platform",
			ConnectionARN:          pulumi.String("arn:aws:codeconnections:eu-west-1:111122223333:connection/6f8b1c2d-3e4f-4a5b-8c9d-0e1f2a3b4c5d"),
			VPCID:                  pulumi.String("vpc-0a1b2c3d4e5f60718"),
			VPCCIDR:                pulumi.String("10.10.0.0/16"),
			SubnetIDs:              pulumi.StringArray{pulumi.String("subnet-0a1b2c3d4e5f60718"), pulumi.String("subnet-0a1b2c3d4e5f60719")},
			ClusterSecurityGroupID: pulumi.String("sg-0a1b2c3d4e5f60718"),
			ProjectName:            "flowmart-runner-dev",
			LogRetentionDays:       30,
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("runsOnLabel", r.RunsOnLabel)
		ctx.Export("projectArn", r.ProjectARN)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "dev", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := doc.Get("aws:codebuild/project:Project", "dev-runner").Inputs
	env := p["environment"].(map[string]any)
	fmt.Println(p["name"], env["image"], env["computeType"], "timeout", p["buildTimeout"])
	for _, r := range doc.Find("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		fmt.Println(r.Name, r.Inputs["ipProtocol"], r.Inputs["fromPort"], "to", r.Inputs["cidrIpv4"])
	}
	hook := doc.Get("aws:codebuild/webhook:Webhook", "dev-runner").Inputs
	fmt.Println("webhook:", hook["filterGroups"], hook["buildType"])
	fmt.Println("runs-on:", doc.Outputs["runsOnLabel"])
	fmt.Println(doc.Outputs["projectArn"])
	// Output:
	// flowmart-runner-dev aws/codebuild/amazonlinux-x86_64-standard:6.0 BUILD_GENERAL1_SMALL timeout 180
	// dev-runner-egress-vpc tcp 443 to 10.10.0.0/16
	// dev-runner-egress-internet tcp 443 to 0.0.0.0/0
	// webhook: [map[filters:[map[pattern:WORKFLOW_JOB_QUEUED type:EVENT]]]] BUILD
	// runs-on: codebuild-flowmart-runner-dev
	// arn:aws:codebuild:eu-west-1:111122223333:project/flowmart-runner-dev
}
