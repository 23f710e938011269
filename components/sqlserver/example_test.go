package sqlserver_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/sqlserver"
	"github.com/flowmart/platform/pkg/preview"
)

// A production SQL Server Standard host in a database subnet, reachable from the cluster's nodes,
// the VPN and an on-premises network it replicates with, protected, with daily backups kept 35
// days and alarms to the DBA mailbox. In a real program the IDs come from the Network and Cluster
// components.
func ExampleNewSQLServerHost() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		host, err := sqlserver.NewSQLServerHost(ctx, "production-sqlserver", &sqlserver.SQLServerHostArgs{
			AMIID:               "ami-0a1b2c3d4e5f60718",
			Edition:             sqlserver.Standard,
			VPCID:               pulumi.String("vpc-0a1b2c3d4e5f60718"),
			SubnetID:            pulumi.String("subnet-0db1a2b3c4d5e6f70"),
			AvailabilityZone:    "eu-west-1a",
			NodeSecurityGroupID: pulumi.String("sg-0a1b2c3d4e5f60718"),
			VPNClientCIDR:       "10.8.0.0/22",
			OnPremisesCIDRs:     []string{"192.168.0.0/16"},
			BackupRetentionDays: 35,
			AlarmSubscriptions:  []sqlserver.AlarmSubscription{{Protocol: sqlserver.ProtocolEmail, Endpoint: "dba@flowmart.example"}},
			PrivateZoneID:       pulumi.String("Z0123456789ABCDEFGHIJ"),
			PrivateZoneName:     "production.internal",
			Protect:             true,
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("sqlServer", pulumi.Sprintf("%s:%d", host.PrivateDNSName, host.Port))
		ctx.Export("sqlServerSecret", host.SecretARN)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "production", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	inst := doc.Get("aws:ec2/instance:Instance", "production-sqlserver")
	fmt.Println(inst.Name, inst.Inputs["instanceType"], "ignores changes to", inst.IgnoreChanges, "protected:", inst.Protect)
	for _, v := range doc.Find("aws:ebs/volume:Volume") {
		fmt.Println(v.Name, v.Inputs["type"], v.Inputs["size"], "GiB encrypted:", v.Inputs["encrypted"], "protected:", v.Protect)
	}
	for _, r := range doc.Find("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		fmt.Println(r.Name, r.Inputs["fromPort"])
	}
	fmt.Println(len(doc.Find("aws:cloudwatch/metricAlarm:MetricAlarm")), "alarms, secret version", doc.Get("aws:secretsmanager/secretVersion:SecretVersion", "production-sqlserver-sa").Inputs["secretString"])
	fmt.Println(doc.Outputs["sqlServer"])
	// Output:
	// production-sqlserver r6i.xlarge ignores changes to [ami userData] protected: true
	// production-sqlserver-data gp3 500 GiB encrypted: true protected: true
	// production-sqlserver-log gp3 200 GiB encrypted: true protected: true
	// production-sqlserver-tempdb gp3 100 GiB encrypted: true protected: true
	// production-sqlserver-backup gp3 1000 GiB encrypted: true protected: true
	// production-sqlserver-sql-from-nodes 1433
	// production-sqlserver-sql-from-vpn 1433
	// production-sqlserver-sql-from-onprem-192-168-0-0-16 1433
	// production-sqlserver-mirroring-from-onprem-192-168-0-0-16 5022
	// 8 alarms, secret version [secret]
	// sqlserver.production.internal:1433
}
