// Package stacks composes the components into one environment, in two Pulumi projects (layers):
// the AWS layer (RunAWS, the root project flowmart-platform) creates the network, the cluster, the
// hosts, the registry, the certificate, the alarm pager and the in-VPC CI runner with AWS APIs
// alone, and exports what the cluster-services layer needs; the cluster-services layer (RunServices, the project
// flowmart-platform-services in cluster-services/) reads those outputs through a StackReference
// and installs the platform add-ons and their DNS records on the cluster. Each layer loads and
// validates the stack's configuration (one stack file for both), creates its own explicit
// providers and exports its outputs.
package stacks

import (
	"os"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cicd"
	"github.com/flowmart/platform/pkg/tags"
	"github.com/flowmart/platform/stacks/config"
)

// RunAWS is the Pulumi program of the AWS layer of every stack (main.go at the repository root).
// Nothing in it talks to the Kubernetes API: a GitHub-hosted runner deploys it with AWS (and
// Cloudflare) APIs alone.
func RunAWS(ctx *pulumi.Context) error { return runAWS(ctx, manifestsIn("")) }

// runAWS is the AWS layer with the service manifests load gives.
func runAWS(ctx *pulumi.Context, load manifestLoader) error {
	cfg, err := config.Load(ctx)
	if err != nil {
		return err
	}
	if err := workloadBoundary(ctx, cfg); err != nil {
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
	run, err := newRunner(ctx, cfg, net, cl, opts)
	if err != nil {
		return err
	}
	// The services/*.yaml manifests: each team's paging topic, offerings, discovery entries and
	// Pod Identity role (stacks/offerings.go).
	ps, err := newPlatformServices(ctx, cfg, load, net, cl, opts)
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
	exportHosts(ctx, net, sql, gw)
	exportRunner(ctx, run)
	exportPlatformServices(ctx, ps)
	return nil
}

// RunServices is the Pulumi program of the cluster-services layer of every stack
// (cluster-services/main.go): the platform add-ons, their routes and the DNS records of the
// platform hosts, on the cluster the AWS layer of the same stack created. It runs where the
// cluster's API is reachable: the in-VPC runner, or a desk on the VPN.
func RunServices(ctx *pulumi.Context) error { return runServices(ctx, manifestsIn("")) }

// runServices is the services layer with the service manifests load gives.
func runServices(ctx *pulumi.Context, load manifestLoader) error {
	cfg, err := config.Load(ctx)
	if err != nil {
		return err
	}
	if err := workloadBoundary(ctx, cfg); err != nil {
		return err
	}
	aws, err := awsProvider(ctx, cfg)
	if err != nil {
		return err
	}
	opts := []pulumi.ResourceOption{pulumi.Provider(aws)}
	layer, err := readAWSLayer(ctx, cfg.Stack)
	if err != nil {
		return err
	}
	k8s, err := kubernetesProvider(ctx, cfg, layer)
	if err != nil {
		return err
	}
	cf, err := cloudflareProvider(ctx, cfg)
	if err != nil {
		return err
	}
	pa, err := newAddons(ctx, cfg, addonsCluster{
		Name: layer.ClusterName, ARN: layer.ClusterARN, TerminationQueueURL: layer.TerminationQueueURL, Provider: k8s,
	}, layer, opts, cf)
	if err != nil {
		return err
	}
	// Each service's namespace and <service>-platform ConfigMap (stacks/offerings_services.go).
	if err := newServiceConfigMaps(ctx, cfg, load, layer.Offerings, k8s, pa); err != nil {
		return err
	}
	exportAddons(ctx, pa)
	return nil
}

// workloadBoundary makes every role a layer creates carry its environment's workload boundary
// (the bootstrap makes it): the deploy role may create no other. Both layers create roles (the
// services layer its add-ons' Pod Identity roles).
func workloadBoundary(ctx *pulumi.Context, cfg *config.Config) error {
	return ctx.RegisterStackTransformation(cicd.PermissionsBoundary(pulumi.String(cicd.WorkloadBoundaryARN(cfg.AccountID, cicd.PlatformNamePrefix, cfg.Stack))))
}

// AssumeRoleEnv names the environment variable that, when set, replaces config assumeRoleArn as
// the role the aws providers of both layers assume. Preview and drift jobs set it to their own
// role, so the program keeps the deploy's provider shape (config assumeRoleArn stays, and with it
// the deploying role's cluster-admin access entry) without the deploy role's rights.
const AssumeRoleEnv = "PLATFORM_ASSUME_ROLE_ARN"

// assumeRoleARN is the role the aws provider assumes: $PLATFORM_ASSUME_ROLE_ARN when it is set,
// else config assumeRoleArn; empty for none.
func assumeRoleARN(cfg *config.Config) string {
	if r := os.Getenv(AssumeRoleEnv); r != "" {
		return r
	}
	return cfg.AssumeRoleARN
}

// awsProvider is the one AWS provider of a layer, named "aws" in both. allowedAccountIds makes
// every call fail unless the credentials resolve to the stack's account, so a production stack
// can never touch the dev account; the standard tags ride on every resource as default tags.
// Both layers build it from the same configuration (the tags' Project and the session name are
// the configuration's namespace, flowmart-platform), so resources moved from one layer to the
// other keep an identical provider.
func awsProvider(ctx *pulumi.Context, cfg *config.Config) (*aws.Provider, error) {
	args := &aws.ProviderArgs{
		Region:            pulumi.String(cfg.Region),
		AllowedAccountIds: pulumi.StringArray{pulumi.String(cfg.AccountID)},
		DefaultTags: &aws.ProviderDefaultTagsArgs{
			Tags: pulumi.ToStringMap(tags.Standard(cfg.Project, string(cfg.Environment), cfg.Stack, cfg.Tags)),
		},
	}
	if role := assumeRoleARN(cfg); role != "" {
		assume := &aws.ProviderAssumeRoleArgs{
			RoleArn:     pulumi.String(role),
			SessionName: pulumi.String("pulumi-" + cfg.Project + "-" + cfg.Stack),
		}
		if cfg.HasAssumeRoleExternalID {
			assume.ExternalId = config.Secret(ctx, config.KeyAssumeRoleExternalID)
		}
		args.AssumeRole = assume
	}
	return aws.NewProvider(ctx, "aws", args)
}
