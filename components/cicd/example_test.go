package cicd_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cicd"
	"github.com/flowmart/platform/pkg/preview"
)

// The GitHub OIDC provider of the production account, a deploy role and a CI push role that only
// jobs of the production GitHub Environment of flowmart/platform can assume, the read-only roles
// of previews (and of production's plan) and of the drift check, production's secrets provider
// key and its workload boundary.
func ExampleNewDeployIdentity() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		id, err := cicd.NewDeployIdentity(ctx, "flowmart", &cicd.DeployIdentityArgs{
			Repository:     "flowmart/platform",
			AccountID:      "777788889999",
			Regions:        []string{"eu-west-1"},
			Environments:   []cicd.Environment{{Name: "production", PlanEnvironment: "plan-production"}},
			StateBucketARN: pulumi.String("arn:aws:s3:::flowmart-pulumi-state-777788889999-eu-west-1"),
			StateKMSKeyARN: pulumi.String("arn:aws:kms:eu-west-1:777788889999:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
			Protect:        true,
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("deployRoleArns", id.DeployRoleARNs)
		ctx.Export("ciPushRoleArns", id.CIPushRoleARNs)
		ctx.Export("secretsProviderUrls", id.SecretsProviderURLs)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "production", Region: "eu-west-1", Account: "777788889999"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range doc.Find("aws:iam/role:Role") {
		fmt.Println(r.Name, "protected:", r.Protect)
	}
	fmt.Println(len(doc.Find("aws:iam/policy:Policy")), "managed policies:", len(cicd.PolicyGroupNames), "deploy policies and the workload boundary")
	fmt.Println(doc.Outputs["deployRoleArns"])
	fmt.Println(doc.Outputs["ciPushRoleArns"])
	fmt.Println(doc.Outputs["secretsProviderUrls"])
	// Output:
	// flowmart-deploy-production protected: true
	// flowmart-ecr-push-production protected: true
	// flowmart-preview protected: true
	// flowmart-drift protected: true
	// 9 managed policies: 8 deploy policies and the workload boundary
	// map[production:arn:aws:iam::777788889999:role/flowmart-deploy-production]
	// map[production:arn:aws:iam::777788889999:role/flowmart-ecr-push-production]
	// map[production:awskms://alias/flowmart-secrets-production?region=eu-west-1]
}
