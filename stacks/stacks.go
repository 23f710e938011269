// Package stacks composes the components into one environment: it loads and validates the stack's
// configuration, creates the one AWS provider every component uses, wires the components together
// and exports the stack outputs.
package stacks

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cicd"
	"github.com/flowmart/platform/pkg/tags"
	"github.com/flowmart/platform/stacks/config"
)

// Run is the Pulumi program of every stack.
func Run(ctx *pulumi.Context) error {
	cfg, err := config.Load(ctx)
	if err != nil {
		return err
	}
	// Every role the stack creates carries its environment's workload boundary (the bootstrap
	// makes it): the deploy role may create no other.
	if err := ctx.RegisterStackTransformation(cicd.PermissionsBoundary(pulumi.String(cicd.WorkloadBoundaryARN(cfg.AccountID, cicd.PlatformNamePrefix, cfg.Stack)))); err != nil {
		return err
	}
	aws, err := awsProvider(ctx, cfg)
	if err != nil {
		return err
	}
	opts := []pulumi.ResourceOption{pulumi.Provider(aws)}

	net, err := newNetwork(ctx, cfg, opts)
	if err != nil {
		return err
	}
	// Components in dependency order, each wired in its own file (stacks/<component>.go). Only
	// real data dependencies order them, so the engine builds the rest in parallel.
	cl, err := newCluster(ctx, cfg, net, opts)
	if err != nil {
		return err
	}
	sql, err := newSQLServer(ctx, cfg, net, cl, opts)
	if err != nil {
		return err
	}
	if err := newAlarmPager(ctx, cfg, sql.AlarmTopicARN, opts); err != nil {
		return err
	}
	gw, err := newVPN(ctx, cfg, net, cl, opts)
	if err != nil {
		return err
	}
	reg, err := newRegistry(ctx, cfg, cl.NodeRoleARNs, cl.NodeRoleName, opts)
	if err != nil {
		return err
	}
	cf, err := cloudflareProvider(ctx, cfg)
	if err != nil {
		return err
	}
	cert, err := newCertificate(ctx, cfg, opts, cf)
	if err != nil {
		return err
	}
	pa, err := newAddons(ctx, cfg, addonsCluster{Name: cl.ClusterName, ARN: cl.ClusterARN, TerminationQueueURL: cl.TerminationQueueURL, Provider: cl.Provider}, net, cert, opts, cf)
	if err != nil {
		return err
	}

	ctx.Export("environment", pulumi.String(string(cfg.Environment)))
	ctx.Export("region", pulumi.String(cfg.Region))
	ctx.Export("accountId", pulumi.String(cfg.AccountID))
	exportNetwork(ctx, net)
	exportCluster(ctx, cl)
	exportRegistry(ctx, reg)
	exportCertificate(ctx, cert)
	exportAddons(ctx, pa)
	exportHosts(ctx, net, sql, gw)
	return nil
}

// awsProvider is the one AWS provider of the stack. allowedAccountIds makes every call fail unless
// the credentials resolve to the stack's account, so a production stack can never touch the dev
// account; the standard tags ride on every resource as default tags.
func awsProvider(ctx *pulumi.Context, cfg *config.Config) (*aws.Provider, error) {
	args := &aws.ProviderArgs{
		Region:            pulumi.String(cfg.Region),
		AllowedAccountIds: pulumi.StringArray{pulumi.String(cfg.AccountID)},
		DefaultTags: &aws.ProviderDefaultTagsArgs{
			Tags: pulumi.ToStringMap(tags.Standard(cfg.Project, string(cfg.Environment), cfg.Stack, cfg.Tags)),
		},
	}
	if cfg.AssumeRoleARN != "" {
		role := &aws.ProviderAssumeRoleArgs{
			RoleArn:     pulumi.String(cfg.AssumeRoleARN),
			SessionName: pulumi.String("pulumi-" + cfg.Project + "-" + cfg.Stack),
		}
		if cfg.HasAssumeRoleExternalID {
			role.ExternalId = config.Secret(ctx, config.KeyAssumeRoleExternalID)
		}
		args.AssumeRole = role
	}
	return aws.NewProvider(ctx, "aws", args)
}
