package service_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/service"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

// The orders service's database registered in Cloud Map, and its Pod Identity role allowed to
// connect to it as its IAM user, nothing else.
func ExampleNewService() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		_, err = service.NewService(ctx, "dev-orders", &service.ServiceArgs{
			Service: "orders", Owner: "orders-team", NamePrefix: "dev-",
			ClusterName:          pulumi.String("flowmart-dev"),
			ClusterARN:           pulumi.String("arn:aws:eks:eu-west-1:111122223333:cluster/flowmart-dev"),
			DiscoveryNamespaceID: pulumi.String("ns-0123456789abcdef"),
			Resources: []service.Resource{{
				Name: "database", Kind: service.KindDatabase,
				Endpoint: pulumi.String("dev-orders-db.c0ffee.eu-west-1.rds.amazonaws.com"), Port: pulumi.Int(5432),
				ARN: pulumi.String("arn:aws:rds:eu-west-1:111122223333:db:dev-orders-db"),
			}},
			AccessPolicy: service.Policy(pulumi.ToOutput([]iampolicy.Statement{
				iampolicy.Allow("ConnectAsOrders", []string{"rds-db:connect"}, "arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABCDEFGHIJKL/orders"),
			})),
		}, pulumi.Provider(provider))
		return err
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "dev", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range doc.Resources {
		if r.Custom && r.Type != "pulumi:providers:aws" {
			fmt.Println(r.Type, r.Name)
		}
	}
	// Output:
	// aws:servicediscovery/service:Service dev-orders-database
	// aws:servicediscovery/instance:Instance dev-orders-database
	// aws:iam/role:Role dev-orders-app
	// aws:iam/rolePolicy:RolePolicy dev-orders-app-access
	// aws:eks/podIdentityAssociation:PodIdentityAssociation dev-orders-app
}
