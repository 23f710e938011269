package database_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/database"
	"github.com/flowmart/platform/pkg/preview"
)

// The production database of the orders service: protected, Multi-AZ with one reader, 35 days
// of point-in-time recovery, reachable from the cluster's nodes and the VPN, paging the orders
// team. In a real program the ids come from the Network and Cluster components and the topic
// from the team's paging configuration.
func ExampleNewDatabase() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		db, err := database.NewDatabase(ctx, "production-orders", &database.DatabaseArgs{
			Service:                 "orders",
			Owner:                   "team-orders",
			NamePrefix:              "production-",
			VPCID:                   pulumi.String("vpc-0a1b2c3d4e5f60718"),
			SubnetIDs:               pulumi.ToStringArray([]string{"subnet-0db1a2b3c4d5e6f70", "subnet-0db1a2b3c4d5e6f71"}),
			AllowedSecurityGroupIDs: pulumi.ToStringArray([]string{"sg-0a1b2c3d4e5f60718"}),
			AllowedCIDRs:            []string{"10.8.0.0/22"},
			AlarmTopicARN:           pulumi.String("arn:aws:sns:eu-west-1:111122223333:team-orders-paging"),
			Protect:                 true,
			MultiAZ:                 true,
			Readers:                 1,
			BackupRetentionDays:     35,
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("endpoint", pulumi.Sprintf("%s:%d", db.Endpoint, db.Port))
		ctx.Export("policy", db.AccessPolicy())
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "production", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range doc.Find("aws:rds/instance:Instance") {
		in := r.Inputs
		fmt.Println(r.Name, in["identifier"], in["engineVersion"], in["instanceClass"], "protected:", r.Protect,
			"iam auth:", in["iamDatabaseAuthenticationEnabled"], "public:", in["publiclyAccessible"])
	}
	fmt.Println(len(doc.Find("aws:cloudwatch/metricAlarm:MetricAlarm")), "alarms")
	fmt.Println(doc.Get("aws:rds/parameterGroup:ParameterGroup", "production-orders-params").Inputs["family"])
	// Output:
	// production-orders production-orders-db 17.7 db.t4g.medium protected: true iam auth: true public: false
	// production-orders-reader-1 production-orders-db-reader-1 <nil> db.t4g.medium protected: true iam auth: true public: false
	// 6 alarms
	// postgres17
}
