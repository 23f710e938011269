package runner

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
)

// logKey creates the customer managed key that encrypts the build logs, unless LogKMSKeyARN is
// given: the platform's key policy plus the statement CloudWatch Logs needs to encrypt exactly
// this log group (kmskey.LogsStatement). The security group's ARN names the account, partition
// and region.
func (r *Runner) logKey(ctx *pulumi.Context) error {
	if r.args.LogKMSKeyARN != nil {
		r.logKeyARN = r.args.LogKMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	group := LogGroupName(r.args.ProjectName)
	name := r.name + "-logs"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "Encrypts the build logs of GitHub Actions runner " + r.args.ProjectName,
		AccountARN:  r.securityGroup.Arn,
		Region:      r.securityGroup.Arn.ApplyT(arn.Region).(pulumi.StringOutput),
		ServiceStatementsFor: func(s kmskey.Scope) []iampolicy.Statement {
			return []iampolicy.Statement{kmskey.LogsStatement(s, group)}
		},
		Tags: r.tags(name),
	}, protect.Options(r.args.Protect, r.opts), nil)
	if err != nil {
		return err
	}
	r.logKeyARN = key.Arn
	return nil
}

// logs creates the builds' log group, /aws/codebuild/<ProjectName>, with LogRetentionDays and
// the log key.
func (r *Runner) logs(ctx *pulumi.Context) error {
	name := r.name + "-logs"
	group, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(LogGroupName(r.args.ProjectName)),
		RetentionInDays: pulumi.Int(r.args.LogRetentionDays),
		KmsKeyId:        r.logKeyARN,
		Tags:            r.tags(name),
	}, r.opts...)
	if err != nil {
		return err
	}
	r.logGroup = group
	return nil
}
