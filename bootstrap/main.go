// Command bootstrap is the Pulumi program of the flowmart-bootstrap project: what must exist in an
// AWS account before the platform's first deploy, run once per account from a workstation with
// administrator credentials (see docs: "Bootstrap").
//
//   - the S3 bucket of the Pulumi state: versioned, SSE-KMS with a rotating key, public access
//     blocked, TLS-only bucket policy, old versions expired, bucket and key protected;
//   - the deploy identity (components/cicd): the GitHub OIDC provider, a deploy role and a CI push
//     role per GitHub Environment, read-only roles for previews and the drift check, and per
//     environment the secrets provider key (alias/flowmart-secrets-<environment>, which the stack
//     files' secretsprovider names) and the workload boundary (flowmart-workload-boundary-<environment>).
//
// Its outputs are what the repository's GitHub variables hold (backendUrl, deployRoleArns, ...);
// ciPushRoleArns are what the platform stack files' registry.ciPushRoleArn name (kept in step by
// a test), so that every repository policy names a role that exists.
package main

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cicd"
	"github.com/flowmart/platform/pkg/tags"
)

func main() {
	pulumi.Run(run)
}

// run is the program: it loads the configuration, creates the one AWS provider, the state bucket
// and the deploy identity, and exports what GitHub needs.
func run(ctx *pulumi.Context) error {
	c, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:            pulumi.String(c.Region),
		AllowedAccountIds: pulumi.StringArray{pulumi.String(c.AccountID)},
		DefaultTags: &aws.ProviderDefaultTagsArgs{
			Tags: pulumi.ToStringMap(tags.Standard(project, strings.Join(c.Environments, ","), c.Stack, c.Tags)),
		},
	})
	if err != nil {
		return err
	}
	opts := []pulumi.ResourceOption{pulumi.Provider(provider)}

	state, err := newStateBucket(ctx, c, opts)
	if err != nil {
		return err
	}
	envs := make([]cicd.Environment, len(c.Environments))
	for i, e := range c.Environments {
		envs[i] = cicd.Environment{Name: e}
		if e == productionEnvironment {
			// production's reviewer sees the plan of the exact commit before approving it: the
			// plan job runs in its own environment with the preview role
			envs[i].PlanEnvironment = "plan-" + e
		}
	}
	args := &cicd.DeployIdentityArgs{
		Repository:     c.Repository,
		AccountID:      c.AccountID,
		Regions:        []string{c.Region},
		Environments:   envs,
		StateBucketARN: state.Bucket.Arn,
		StateKMSKeyARN: state.Key.Arn,
		Protect:        c.ProtectIdentity,
	}
	if c.OIDCProviderARN != "" {
		args.OIDCProviderARN = pulumi.String(c.OIDCProviderARN)
	}
	id, err := cicd.NewDeployIdentity(ctx, c.NamePrefix, args, opts...)
	if err != nil {
		return err
	}

	ctx.Export("stateBucket", state.Bucket.Bucket)
	ctx.Export("stateKmsKeyArn", state.Key.Arn)
	ctx.Export("backendUrl", state.Bucket.Bucket.ApplyT(func(b string) string { return backendURL(b, c.Region) }))
	ctx.Export("oidcProviderArn", id.OIDCProviderARN)
	ctx.Export("deployRoleArns", id.DeployRoleARNs)
	ctx.Export("ciPushRoleArns", id.CIPushRoleARNs)
	ctx.Export("previewRoleArn", id.PreviewRoleARN)
	ctx.Export("driftRoleArn", id.DriftRoleARN)
	ctx.Export("secretsProviderUrls", id.SecretsProviderURLs)
	ctx.Export("secretsKeyArns", id.SecretsKeyARNs)
	ctx.Export("secretsKeyAliasArns", id.SecretsKeyAliasARNs)
	ctx.Export("workloadBoundaryArns", id.WorkloadBoundaryARNs)
	return nil
}

// productionEnvironment is the environment whose deploys wait for a reviewer, and whose plan is
// previewed (GitHub Environment plan-production) before the approval.
const productionEnvironment = "production"
