package cicd

import (
	"github.com/flowmart/platform/pkg/iampolicy"
)

// ReadScope is what a read-only role (preview or drift) may read.
type ReadScope struct {
	AccountID   string   // the account every ARN names
	Regions     []string // the regions of the regional services
	StateBucket string   // ARN of the state bucket: the only S3 objects the role reads
	StateKey    string   // ARN of the state bucket's KMS key
	SecretsKeys []string // ARNs of the environments' secrets provider keys: Decrypt only
	RoleName    string   // the role itself, which may assume itself (PLATFORM_ASSUME_ROLE_ARN)
	// StringParameterPrefixes are the environments' IAM name prefixes: the drift role reads the
	// stacks' own String parameters under them (see StackStringParameters); empty for the preview
	// role, which never refreshes.
	StringParameterPrefixes []string
}

// ReadActions are the read actions on the types the stacks manage that the Pulumi engine and the
// AWS provider call to read them back (Describe, List and Get of configuration, tags and
// policies), in the scope's regions. None reads data: no object, secret value, parameter value,
// message, log event, console output or instance password, and no ec2:Get* wildcard (which
// includes GetPasswordData and GetConsoleOutput). The action names are those of the services'
// Service Authorization Reference pages
// (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html,
// one page per service: ec2, eks, ecr, kms, logs, ssm, secretsmanager, sns, sqs, events, backup,
// route53resolver, acm, autoscaling, elasticloadbalancing, cloudwatch, codebuild,
// codeconnections, inspector2); the KMS, logs, ssm, secretsmanager and sqs choices follow the
// issue's review (kms DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags; logs
// Describe* and ListTagsForResource; secretsmanager DescribeSecret and GetResourcePolicy; sqs
// GetQueueAttributes and ListQueueTags).
var ReadActions = []string{
	"ec2:Describe*", "ec2:GetLaunchTemplateData", "ec2:GetEbsEncryptionByDefault", "ec2:GetEbsDefaultKmsKeyId",
	"ec2:GetManagedPrefixListEntries", "ec2:GetSecurityGroupsForVpc",
	"eks:Describe*", "eks:List*",
	"rds:Describe*", "rds:ListTagsForResource", "elasticache:Describe*", "elasticache:ListTagsForResource",
	"servicediscovery:GetNamespace", "servicediscovery:GetService", "servicediscovery:GetInstance",
	"servicediscovery:GetOperation", "servicediscovery:ListNamespaces", "servicediscovery:ListServices",
	"servicediscovery:ListInstances", "servicediscovery:ListTagsForResource",
	"ecr:Describe*", "ecr:List*", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:GetRegistryScanningConfiguration",
	"kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:ListAliases",
	"logs:Describe*", "logs:ListTagsForResource", "logs:ListTagsLogGroup", "logs:GetLogDelivery", "logs:ListLogDeliveries",
	"ssm:Describe*", "ssm:GetDocument", "ssm:GetPatchBaseline", "ssm:GetMaintenanceWindow", "ssm:GetMaintenanceWindowTask",
	"ssm:ListTagsForResource",
	"secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy",
	"sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListTagsForResource", "sns:ListSubscriptionsByTopic",
	"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags",
	"events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource",
	"backup:Describe*", "backup:List*", "backup:GetBackupPlan", "backup:GetBackupSelection",
	"backup:GetBackupVaultAccessPolicy", "backup:GetBackupVaultNotifications",
	"route53resolver:GetResolverQueryLogConfig", "route53resolver:GetResolverQueryLogConfigAssociation",
	"route53resolver:ListResolverQueryLogConfigs", "route53resolver:ListResolverQueryLogConfigAssociations",
	"route53resolver:ListTagsForResource",
	"acm:DescribeCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate",
	"autoscaling:Describe*", "elasticloadbalancing:Describe*",
	"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource",
	"codebuild:BatchGetProjects", "codeconnections:GetConnection", "codeconnections:ListTagsForResource",
	"inspector2:BatchGetAccountStatus", "inspector2:ListAccountPermissions",
}

// GlobalReadActions are the read actions of the global services (IAM and Route 53, whose
// requests are not in the stack's region), by exact name.
var GlobalReadActions = []string{
	"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags",
	"iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags",
	"iam:GetInstanceProfile", "iam:ListInstanceProfilesForRole", "iam:ListInstanceProfileTags",
	"iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviderTags",
	"route53:GetHostedZone", "route53:ListHostedZones", "route53:ListHostedZonesByName", "route53:ListHostedZonesByVPC",
	"route53:ListResourceRecordSets", "route53:GetChange", "route53:ListTagsForResource", "route53:GetDNSSEC",
}

// DataPlaneReadActions are denied to the read-only roles outright, whatever else a role is given:
// the reads of data rather than of configuration that the review names (secret values,
// queue messages, log events and queries) and the EC2 reads that return an instance's password
// data, console output or screenshot.
var DataPlaneReadActions = []string{
	"secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
	"sqs:ReceiveMessage",
	"logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:StartLiveTail", "logs:GetLogRecord",
	"ssm:GetParametersByPath", "ssm:GetParameterHistory",
	"ec2:GetPasswordData", "ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot",
}

// ReadOnlyPolicy is the one policy of a read-only role: what `pulumi preview` (and, for the drift
// role, `pulumi refresh --preview-only`) reads, and no more.
//
//   - the managed types' configuration (ReadActions in the regions, GlobalReadActions);
//   - AWS's public parameters (AMI and add-on ids), the only parameters a preview reads; the drift
//     role also reads the stacks' own String parameters under their prefixes and under
//     AmazonCloudWatch-<prefix> (the VPN peers and the CloudWatch agent configuration), which a
//     refresh reads back with ssm:GetParameter; the stacks create no SecureString parameter (a
//     bootstrap test keeps it so);
//   - the state: the bucket listed and its objects read, nothing written (the DIY backend takes no
//     lock for a preview or a refresh --preview-only: pulumi v3.274.1
//     pkg/backend/diy/backend.go:1213-1217 and 1258-1270), decrypted with the state key;
//   - the secrets provider keys, Decrypt only (the stack's data key, hence its config secrets and
//     the state's secret values: why staging's and production's previews run in reviewed
//     environments);
//   - itself (PLATFORM_ASSUME_ROLE_ARN names the role, so the program's provider assumes it) and
//     sts:GetCallerIdentity;
//   - and an explicit deny of DataPlaneReadActions.
func ReadOnlyPolicy(s ReadScope) iampolicy.Document {
	scope := Scope{AccountID: s.AccountID, Regions: s.Regions}
	statements := []iampolicy.Statement{
		scope.read("ManagedTypesRead", ReadActions...),
		iampolicy.Allow("GlobalRead", GlobalReadActions, "*"),
		iampolicy.Allow("PublicParameters", []string{"ssm:GetParameter", "ssm:GetParameters"}, scope.awsOwned("ssm", "parameter/aws/service/*")...),
	}
	if len(s.StringParameterPrefixes) > 0 {
		var params []string
		for _, p := range s.StringParameterPrefixes {
			params = append(params, scope.regional("ssm", "parameter/"+p+"*")...)
			params = append(params, scope.regional("ssm", "parameter/AmazonCloudWatch-"+p+"*")...)
		}
		statements = append(statements, iampolicy.Allow("StackStringParameters", []string{"ssm:GetParameter"}, params...))
	}
	statements = append(statements,
		iampolicy.Allow("StateBucket", []string{"s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"}, s.StateBucket),
		iampolicy.Allow("StateObjects", []string{"s3:GetObject", "s3:GetObjectVersion"}, s.StateBucket+"/*"),
		iampolicy.Allow("StateKey", []string{"kms:Decrypt", "kms:DescribeKey"}, s.StateKey),
	)
	if len(s.SecretsKeys) > 0 {
		statements = append(statements, iampolicy.Allow("SecretsProviderKey", []string{"kms:Decrypt"}, s.SecretsKeys...))
	}
	statements = append(statements,
		iampolicy.Allow("CallerIdentity", []string{"sts:GetCallerIdentity"}, "*"),
		iampolicy.Allow("AssumeSelf", []string{"sts:AssumeRole", "sts:TagSession"}, "arn:aws:iam::"+s.AccountID+":role/"+s.RoleName),
		iampolicy.Statement{Sid: "NoDataPlaneReads", Effect: "Deny", Action: DataPlaneReadActions, Resource: []string{"*"}},
	)
	return iampolicy.New(statements...)
}
