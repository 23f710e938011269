package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
)

// queryLogGroupName is the DNS query-log group's name (with a private zone).
func (n *Network) queryLogGroupName() string { return queryLogGroupPrefix + n.args.NamePrefix }

// logKey creates the customer managed key that encrypts the network's log groups, unless
// LogKMSKeyARN is given. Its policy is the platform's key policy plus the statement CloudWatch
// Logs needs to encrypt exactly these groups (kmskey.LogsStatement); the VPC's ARN names the
// account and partition, Region the logs service principal.
func (n *Network) logKey(ctx *pulumi.Context) error {
	if n.args.LogKMSKeyARN != nil {
		n.logKeyARN = n.args.LogKMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	groups := []string{n.args.FlowLogGroupName}
	if n.args.PrivateZoneName != "" {
		groups = append(groups, n.queryLogGroupName())
	}
	name := n.name + "-network-logs"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "Encrypts the CloudWatch log groups of network " + n.name + " (VPC flow logs, DNS queries)",
		AccountARN:  n.VPC.Arn,
		Region:      pulumi.String(n.args.Region),
		ServiceStatementsFor: func(s kmskey.Scope) []iampolicy.Statement {
			return []iampolicy.Statement{kmskey.LogsStatement(s, groups...)}
		},
		Tags: n.tags(name),
	}, protect.Options(n.args.Protect, n.opts), nil)
	if err != nil {
		return err
	}
	n.logKeyARN = key.Arn
	return nil
}

// flowLogs sends the VPC's flow logs (all traffic) to a log group with retention (named
// FlowLogGroupName) encrypted with the log key, through a role that only the flow logs service
// of this account can assume and that can only write to that group.
func (n *Network) flowLogs(ctx *pulumi.Context) error {
	name := n.name + "-flow-logs"
	group, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(n.args.FlowLogGroupName),
		RetentionInDays: pulumi.Int(n.args.FlowLogRetentionDays),
		KmsKeyId:        n.logKeyARN,
		Tags:            n.tags(name),
	}, n.opts...)
	if err != nil {
		return err
	}
	trust := iampolicy.Render(func(v []string) iampolicy.Document {
		return iampolicy.AssumeRole("vpc-flow-logs.amazonaws.com", map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": v[0]},
		})
	}, n.VPC.OwnerId)
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("Delivers VPC flow logs of " + n.name + " to CloudWatch Logs"),
		AssumeRolePolicy: trust,
		Tags:             n.tags(name),
	}, n.opts...)
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: iampolicy.Render(func(v []string) iampolicy.Document {
			return iampolicy.New(iampolicy.Allow("WriteFlowLogs",
				[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				v[0], v[0]+":*"))
		}, group.Arn),
	}, n.opts...); err != nil {
		return err
	}
	_, err = ec2.NewFlowLog(ctx, name, &ec2.FlowLogArgs{
		VpcId:              n.VPC.ID(),
		TrafficType:        pulumi.String("ALL"),
		LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination:     group.Arn,
		IamRoleArn:         role.Arn,
		Tags:               n.tags(name),
	}, n.opts...)
	return err
}
