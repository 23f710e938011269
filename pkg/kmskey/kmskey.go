// Package kmskey creates the platform's customer managed KMS keys: yearly rotation, a 30-day
// deletion window, an optional alias, and one key policy for every key.
//
// The key policy is AWS KMS's default key policy: one statement that gives the key's account
// full access and so lets the account's IAM policies decide who uses the key (AWS KMS Developer
// Guide, "Default key policy", section "Allows access to the AWS account and enables IAM policies",
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html). Least
// privilege is then kept in IAM, as the guide's "Least-privilege permissions" page
// (https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html) asks of a key
// policy that allows kms:*: every role of the platform is granted only the actions it needs on
// the one key it uses (see the components' role policies), and the services that encrypt with
// these keys (EBS, Secrets Manager, AWS Backup, ECR, EKS) act for those IAM principals through
// grants and kms:ViaService. The statement also keeps the key manageable: a policy that names only
// roles locks the account out of the key once they are gone.
//
// Only an AWS service that calls KMS as itself rather than for an IAM principal gets a statement
// of its own, when AWS requires one (CloudWatch alarms publishing to a KMS-encrypted SNS topic).
package kmskey

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/iampolicy"
)

// DeletionWindowDays is how long a deleted key can still be recovered: the longest KMS allows.
const DeletionWindowDays = 30

// AccountStatementSid is the Sid of the account statement. KMS calls the statement it writes
// itself "Enable IAM User Permissions"; the keys whose policy the platform writes have always
// called it AccountIAMPolicies, and keep that name so that no existing key policy changes.
const AccountStatementSid = "AccountIAMPolicies"

// Args configures a key.
type Args struct {
	// Description is the key's description. Required.
	Description string
	// Alias is the alias of the key ("alias/<name>"); the alias resource takes the key's resource
	// name. Defaults to no alias.
	Alias string
	// AccountARN is any ARN of the key's account and partition (a role the component creates),
	// from which the policy names the account without a lookup. Defaults to no policy input: KMS
	// then writes its default key policy itself, the same account statement.
	AccountARN pulumi.StringInput
	// ServiceStatements are the statements of AWS services that use the key as themselves
	// (Policy). They need AccountARN. Defaults to none.
	ServiceStatements []iampolicy.Statement
	// Region is the region of the key, for statements that name a regional service principal
	// (LogsStatement). Defaults to none: ServiceStatementsFor then gets an empty Scope.Region.
	Region pulumi.StringInput
	// ServiceStatementsFor builds statements that need the key's account or region (LogsStatement),
	// added after ServiceStatements. It needs AccountARN. Defaults to none.
	ServiceStatementsFor func(Scope) []iampolicy.Statement
	// Tags are the key's tags. Defaults to none.
	Tags pulumi.StringMapInput
}

// Scope is where a key lives: its partition, account and region.
type Scope struct {
	Partition, Account, Region string
}

// LogsStatement lets CloudWatch Logs in the key's region encrypt and decrypt the log groups whose
// names are given (a trailing * matches a prefix), as the CloudWatch Logs User Guide requires
// for a log group encrypted with a customer managed key ("Encrypt log data in CloudWatch Logs
// using AWS Key Management Service", step 2: the key policy names the principal
// logs.<region>.amazonaws.com, and the condition on kms:EncryptionContext:aws:logs:arn limits
// it to the log groups' ARNs,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
func LogsStatement(s Scope, logGroupNames ...string) iampolicy.Statement {
	arns := make([]string, 0, len(logGroupNames))
	for _, n := range logGroupNames {
		arns = append(arns, "arn:"+s.Partition+":logs:"+s.Region+":"+s.Account+":log-group:"+n)
	}
	return iampolicy.Statement{
		Sid: "CloudWatchLogs", Effect: "Allow",
		Principal: map[string]any{"Service": "logs." + s.Region + ".amazonaws.com"},
		Action: []string{
			"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*",
		},
		Resource:  []string{"*"},
		Condition: map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": arns}},
	}
}

// AccountStatement is the statement of KMS's default key policy for an account: its root
// principal (the account, not the root user) may do anything with the key, so that IAM policies
// in the account decide who uses it.
func AccountStatement(partition, account string) iampolicy.Statement {
	return iampolicy.Statement{
		Sid: AccountStatementSid, Effect: "Allow",
		Principal: map[string]any{"AWS": "arn:" + partition + ":iam::" + account + ":root"},
		Action:    []string{"kms:*"}, Resource: []string{"*"},
	}
}

// Policy is the key policy of a key of account in partition: the account statement, then the
// given service statements.
func Policy(partition, account string, services ...iampolicy.Statement) iampolicy.Document {
	return iampolicy.New(append([]iampolicy.Statement{AccountStatement(partition, account)}, services...)...)
}

// New creates the key called name with keyOpts and, when a.Alias is set, its alias (also called
// name) with aliasOpts.
func New(ctx *pulumi.Context, name string, a Args, keyOpts, aliasOpts []pulumi.ResourceOption) (*kms.Key, error) {
	if (len(a.ServiceStatements) > 0 || a.ServiceStatementsFor != nil) && a.AccountARN == nil {
		return nil, fmt.Errorf("kms key %q: service statements need the account (AccountARN)", name)
	}
	args := &kms.KeyArgs{
		Description:          pulumi.String(a.Description),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(DeletionWindowDays),
		Tags:                 a.Tags,
	}
	if a.AccountARN != nil {
		services, more := a.ServiceStatements, a.ServiceStatementsFor
		region := pulumi.String("").ToStringOutput()
		if a.Region != nil {
			region = a.Region.ToStringOutput()
		}
		args.Policy = pulumi.All(a.AccountARN.ToStringOutput(), region).ApplyT(func(v []any) (string, error) {
			s := v[0].(string)
			p, err := arn.Parse(s)
			if err != nil {
				return "", fmt.Errorf("kms key %q: %w", name, err)
			}
			if len(p.AccountID) != 12 {
				return "", fmt.Errorf("kms key %q: ARN %q names no account", name, s)
			}
			statements := slices.Clone(services)
			if more != nil {
				scope := Scope{Partition: p.Partition, Account: p.AccountID, Region: v[1].(string)}
				if scope.Region == "" {
					return "", fmt.Errorf("kms key %q: a statement needs the key's region (Region)", name)
				}
				statements = append(statements, more(scope)...)
			}
			return Policy(p.Partition, p.AccountID, statements...).String(), nil
		}).(pulumi.StringOutput)
	}
	key, err := kms.NewKey(ctx, name, args, keyOpts...)
	if err != nil {
		return nil, err
	}
	if a.Alias != "" {
		if _, err := kms.NewAlias(ctx, name, &kms.AliasArgs{
			Name:        pulumi.String(a.Alias),
			TargetKeyId: key.KeyId,
		}, aliasOpts...); err != nil {
			return nil, err
		}
	}
	return key, nil
}
