package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/components/runner"
	"github.com/flowmart/platform/stacks/config"
)

// newRunner creates the stack's in-VPC CI runner, <stack>-runner: the CodeBuild project
// flowmart-runner-<stack> (config.RunnerArgs) in the network's private subnets, which the
// cluster security group admits on 443 so jobs reach the private Kubernetes API. It returns nil
// when runner.enabled is false. Its service role gets no access entry: jobs reach the cluster
// with the role they assume through GitHub OIDC.
func newRunner(ctx *pulumi.Context, cfg *config.Config, net *network.Network, cl *cluster.Cluster, opts []pulumi.ResourceOption) (*runner.Runner, error) {
	if !cfg.Runner.On() {
		return nil, nil
	}
	args := cfg.RunnerArgs()
	args.VPCID = net.VPCID.ToStringOutput()
	args.VPCCIDR = net.VPCCIDR
	args.SubnetIDs = net.PrivateSubnetIDs
	args.ClusterSecurityGroupID = cl.ClusterSecurityGroupID.ToStringPtrOutput()
	return runner.NewRunner(ctx, cfg.Stack+"-runner", &args, opts...)
}

// exportRunner exports the runner's project name and the fixed part of its jobs' runs-on label
// (codebuild-flowmart-runner-<stack>; a job appends -${{ github.run_id }}-${{ github.run_attempt }}),
// which resolves once the webhook exists. Nothing is exported without a runner.
func exportRunner(ctx *pulumi.Context, r *runner.Runner) {
	if r == nil {
		return
	}
	ctx.Export("runnerProjectName", r.ProjectName)
	ctx.Export("runnerLabel", r.RunsOnLabel)
}
