package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// privateZone creates the private hosted zone of the VPC when PrivateZoneName is set, and logs
// the VPC's DNS queries. Hosts in the VPC resolve its records through the VPC resolver; nothing
// outside the VPC sees them.
func (n *Network) privateZone(ctx *pulumi.Context) error {
	if n.args.PrivateZoneName == "" {
		return nil
	}
	name := n.name + "-private-zone"
	zone, err := route53.NewZone(ctx, name, &route53.ZoneArgs{
		Name:    pulumi.String(n.args.PrivateZoneName),
		Comment: pulumi.String("Service discovery inside VPC " + n.name + " (managed by Pulumi)"),
		Vpcs:    route53.ZoneVpcArray{&route53.ZoneVpcArgs{VpcId: n.VPC.ID()}},
		Tags:    n.tags(name),
	}, n.opts...)
	n.zone = zone
	if err != nil {
		return err
	}
	return n.queryLogging(ctx)
}

// queryLogging sends the DNS queries of the VPC to an encrypted log group with retention.
//
// Route 53 query logging (aws:route53/queryLog) logs only the queries Route 53 receives for a
// public hosted zone; queries for a private zone are answered by the VPC's Route 53 Resolver,
// and Resolver query logging logs the queries that originate in the VPCs a query logging
// configuration is associated with (Amazon Route 53 Developer Guide, "Public DNS query logging",
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/query-logs.html, and "Resolver query
// logging", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs.html).
// The configuration lives in the VPC's region and logs every query the resolver does not answer
// from its cache, the private zone's and all others. AWS adds the log group's resource policy
// for the log delivery when the configuration is created (CloudWatch Logs User Guide, "Logs
// sent to CloudWatch Logs",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html);
// the deploying role needs logs:CreateLogDelivery and logs:PutResourcePolicy for that, and
// Resolver delivers the logs through its service-linked role AWSServiceRoleForRoute53Resolver
// (Route 53 Developer Guide, "Using Service-Linked Roles for Amazon Route 53 Resolver",
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/using-service-linked-roles.html).
func (n *Network) queryLogging(ctx *pulumi.Context) error {
	name := n.name + "-dns-queries"
	group, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(n.queryLogGroupName()),
		RetentionInDays: pulumi.Int(n.args.FlowLogRetentionDays),
		KmsKeyId:        n.logKeyARN,
		Tags:            n.tags(name),
	}, n.opts...)
	if err != nil {
		return err
	}
	cfg, err := route53.NewResolverQueryLogConfig(ctx, name, &route53.ResolverQueryLogConfigArgs{
		DestinationArn: group.Arn,
		Tags:           n.tags(name),
	}, n.opts...)
	if err != nil {
		return err
	}
	_, err = route53.NewResolverQueryLogConfigAssociation(ctx, name, &route53.ResolverQueryLogConfigAssociationArgs{
		ResolverQueryLogConfigId: cfg.ID(),
		ResourceId:               n.VPC.ID(),
	}, n.opts...)
	return err
}
