package cache_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cache"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

// The catalog service's production cache: one replica (so automatic failover and Multi-AZ are
// on), reachable from the cluster's nodes and the VPN, protected, its alarms paging the catalog
// team. In a real program the IDs come from the Network and Cluster components, the topic from
// the team's paging topic.
func ExampleNewCache() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		c, err := cache.NewCache(ctx, "production-catalog-cache", &cache.CacheArgs{
			Service:                 "catalog",
			Owner:                   "team-catalog",
			NamePrefix:              "production-",
			AlarmTopicARN:           pulumi.String("arn:aws:sns:eu-west-1:111122223333:production-team-catalog-paging"),
			VPCID:                   pulumi.String("vpc-0a1b2c3d4e5f60718"),
			SubnetIDs:               pulumi.ToStringArray([]string{"subnet-0db1a2b3c4d5e6f70", "subnet-0db1a2b3c4d5e6f71"}),
			AllowedSecurityGroupIDs: pulumi.ToStringArray([]string{"sg-0a1b2c3d4e5f60718"}),
			AllowedCIDRs:            []string{"10.8.0.0/22"},
			Replicas:                1,
			Protect:                 true,
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("cache", pulumi.Sprintf("%s:%d", c.Endpoint, c.Port))
		ctx.Export("policy", c.AccessStatements().ApplyT(func(v any) string {
			return iampolicy.New(v.([]iampolicy.Statement)...).String()
		}))
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "production", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	g := doc.Get("aws:elasticache/replicationGroup:ReplicationGroup", "production-catalog-cache-group")
	fmt.Println(g.Inputs["replicationGroupId"], g.Inputs["engine"], g.Inputs["engineVersion"], g.Inputs["nodeType"], "nodes:", g.Inputs["numCacheClusters"])
	fmt.Println("TLS:", g.Inputs["transitEncryptionMode"], "at rest:", g.Inputs["atRestEncryptionEnabled"], "failover:", g.Inputs["automaticFailoverEnabled"], "multi-AZ:", g.Inputs["multiAzEnabled"], "protected:", g.Protect)
	fmt.Println("auth token:", g.Inputs["authToken"], "snapshots:", g.Inputs["snapshotWindow"], "maintenance:", g.Inputs["maintenanceWindow"])
	fmt.Println(len(doc.Find("aws:cloudwatch/metricAlarm:MetricAlarm")), "alarms")
	fmt.Println(doc.Outputs["cache"])
	fmt.Println(doc.Outputs["policy"])
	// Output:
	// production-catalog-cache valkey 8.2 cache.t4g.small nodes: 2
	// TLS: required at rest: true failover: true multi-AZ: true protected: true
	// auth token: [secret] snapshots: 03:00-04:00 maintenance: sun:05:00-sun:06:00
	// 12 alarms
	// master.production-catalog-cache.914371.euw1.cache.amazonaws.com:6379
	// {"Version":"2012-10-17","Statement":[{"Sid":"CacheAuthToken","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["arn:aws:secretsmanager:eu-west-1:111122223333:secret:production-catalog-cache-auth-a8a851"]},{"Sid":"CacheAuthTokenKey","Effect":"Allow","Action":["kms:Decrypt"],"Resource":["arn:aws:kms:eu-west-1:111122223333:key/e47aa5ee-9729-375c-a537-a81a8706085f"],"Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"}}}]}
}
