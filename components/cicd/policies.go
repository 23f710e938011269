package cicd

import (
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/tags"
)

// MaxManagedPolicyChars is IAM's limit on a managed policy document (characters, whitespace
// excluded); each deploy policy group must stay under it.
const MaxManagedPolicyChars = 6144

// Scope is what a deploy role's permissions are limited to.
type Scope struct {
	AccountID     string   // the account every ARN names
	Regions       []string // the regions of the regional services
	IAMNamePrefix string   // the IAM roles, policies and instance profiles the role may manage
	StateBucket   string   // ARN of the state bucket
	StateKey      string   // ARN of the state bucket's KMS key
	RoleName      string   // the deploy role itself, which may assume itself (see SelfAssume)
	Environment   string   // the environment (and stack): its Stack tag, its runner project
	NamePrefix    string   // the identity's NamePrefix: its roles, policies and keys are off limits
	BoundaryARN   string   // the workload boundary every role the deploy role creates must carry
	SecretsKey    string   // ARN of the environment's secrets provider key, which the role uses
	IdentityKeys  []string // ARNs of the identity's keys (state and secrets keys): never managed
}

// PolicyGroup is one managed policy of a deploy role.
type PolicyGroup struct {
	Name     string // suffix of the policy name, e.g. "network"
	Document iampolicy.Document
}

// PolicyGroupNames are the deploy role's managed policies, in the order they are attached. The
// permissions are split so that each stays under IAM's managed-policy size limit.
var PolicyGroupNames = []string{"network", "kubernetes", "data", "edge", "iam", "state", "runner", "offerings"}

// PassedToServices are the services the deploy role may pass its stacks' roles to: the EKS cluster
// role, node roles through instance profiles, Pod Identity roles, the flow-log role, backups,
// maintenance-window tasks, and ECR (the registry's repository creation templates name a custom
// role, which CreateRepositoryCreationTemplate passes to ecr.amazonaws.com: Service
// Authorization Reference, Amazon ECR, API operations table, CreateRepositoryCreationTemplate,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html).
// codebuild.amazonaws.com is the in-VPC runner's service role (CreateProject takes
// codebuild:CreateProject and iam:PassRole of its serviceRole: AWS CodeBuild User Guide, "AWS
// CodeBuild permissions reference",
// https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-permissions-reference.html).
var PassedToServices = []string{"eks.amazonaws.com", "ec2.amazonaws.com", "pods.eks.amazonaws.com", "vpc-flow-logs.amazonaws.com", "backup.amazonaws.com", "ssm.amazonaws.com", "ecr.amazonaws.com", "codebuild.amazonaws.com"}

// ServiceLinkedRoles are the service-linked roles a first deploy in a fresh account creates.
// inspector2.amazonaws.com is Amazon Inspector's, which turning on the registry's enhanced
// scanning creates (Amazon ECR User Guide, "IAM permissions required for enhanced scanning",
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html).
var ServiceLinkedRoles = []string{"eks.amazonaws.com", "eks-nodegroup.amazonaws.com", "autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com", "backup.amazonaws.com", "inspector2.amazonaws.com", "rds.amazonaws.com", "elasticache.amazonaws.com"}

// InspectorActions are what turning the registry's enhanced scanning on and off calls in Amazon
// Inspector: the ECR User Guide's policy for enabling enhanced scanning
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html) lists
// inspector2:Enable, inspector2:Disable and inspector2:ListAccountPermissions to turn it on and
// off (ListFindings and ListCoverage, which read findings, are left to the read-only roles). The
// Service Authorization Reference ("Actions, resources, and condition keys for Amazon Inspector2",
// actions table) lists no resource type for them, so they are granted on "*" under the region condition.
var InspectorActions = []string{"inspector2:Enable", "inspector2:Disable", "inspector2:ListAccountPermissions"}

// ECRRegistryActions are the registry-level ECR actions the deploy role needs: enhanced scanning,
// pull-through cache rules and repository creation templates. The Service Authorization
// Reference lists no resource type for any of them
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html),
// so they are granted on "*" under the region condition.
var ECRRegistryActions = []string{
	"ecr:PutRegistryScanningConfiguration", "ecr:CreatePullThroughCacheRule",
	"ecr:DeletePullThroughCacheRule", "ecr:UpdatePullThroughCacheRule",
	"ecr:CreateRepositoryCreationTemplate", "ecr:UpdateRepositoryCreationTemplate",
	"ecr:DeleteRepositoryCreationTemplate",
}

// SNSTopicActions and SNSSubscriptionActions are what the stacks' alarm topics and their
// subscriptions need. The Service Authorization Reference (Amazon SNS, actions table,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html) gives
// every one of them a resource type: topic* (required) for CreateTopic, DeleteTopic,
// SetTopicAttributes and Subscribe, topic (optional) for TagResource, UntagResource,
// Unsubscribe and SetSubscriptionAttributes. The topic actions are granted on the account's SNS
// ARNs in the scope's regions, arn:aws:sns:<region>:<account>:*. An issue's review reads the same
// reference as listing no resource type for Unsubscribe and SetSubscriptionAttributes, so they
// are granted on "*" under the region condition, which works under either reading (statement
// AlarmSubscriptions); no SNS write action other than these two is on "*". Without Unsubscribe and
// SetSubscriptionAttributes a subscription (production's e-mail alarms) could be created but
// never changed, replaced or destroyed.
var (
	SNSTopicActions        = []string{"sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:UntagResource"}
	SNSSubscriptionActions = []string{"sns:Unsubscribe", "sns:SetSubscriptionAttributes"}
)

// TerminationQueueActions are what the node termination handler's queue (aws:sqs/queue:Queue,
// named <cluster>-node-termination plus the provider's suffix) and its aws:sqs/queuePolicy need:
// create, read, change, tag and delete, on the account's queues of the scope's regions
// (arn:aws:sqs:<region>:<account>:<queue name>). The SQS Developer Guide, "Amazon SQS API
// permissions: Actions and resource reference"
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html),
// gives sqs:CreateQueue, sqs:DeleteQueue and the attribute actions on
// arn:aws:sqs:region:account_id:queue_name, the resource granted here.
var TerminationQueueActions = []string{
	"sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
	"sqs:GetQueueUrl", "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags",
}

// TerminationEventActions are what the EventBridge rules on the default bus
// (aws:cloudwatch/eventRule:EventRule) and their targets (EventTarget) need, on the account's
// rules of the scope's regions (arn:aws:events:<region>:<account>:rule/<name>, the default bus's
// rule ARN). The names are the EventBridge API operations'; the Service Authorization Reference
// page for Amazon EventBridge
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html)
// was not found with the search tool, so the names and their rule resource type are unconfirmed.
// The ASG lifecycle hooks need nothing more: autoscaling:PutLifecycleHook,
// DeleteLifecycleHook and DescribeLifecycleHooks match AutoScalingWrite's "autoscaling:Put*" and
// "autoscaling:Delete*" and NetworkRead's "autoscaling:Describe*" (TestLifecycleHookPermissions).
var TerminationEventActions = []string{
	"events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:EnableRule", "events:DisableRule",
	"events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule",
	"events:TagResource", "events:UntagResource", "events:ListTagsForResource",
}

// ResolverQueryLogActions are the Route 53 Resolver query logging configuration
// (aws:route53/resolverQueryLogConfig) and its VPC association, granted on the account's
// resolver-query-log-config ARNs of the scope's regions; ResolverQueryLogListActions, which name
// no configuration, on "*" under the region condition. The action names are the Route 53 Resolver
// API operations' (CreateResolverQueryLogConfig etc., Route 53 API Reference,
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_CreateResolverQueryLogConfig.html);
// neither the Route 53 Developer Guide's query-logging permissions page nor the Service
// Authorization Reference page for Route 53 Resolver
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53resolver.html)
// was found with the search tool, so which resource type each takes is unconfirmed.
// LogDeliveryActions are the CloudWatch Logs side (see the LogsDelivery statement).
var (
	ResolverQueryLogActions = []string{
		"route53resolver:CreateResolverQueryLogConfig", "route53resolver:DeleteResolverQueryLogConfig",
		"route53resolver:GetResolverQueryLogConfig", "route53resolver:AssociateResolverQueryLogConfig",
		"route53resolver:DisassociateResolverQueryLogConfig", "route53resolver:TagResource",
		"route53resolver:UntagResource", "route53resolver:ListTagsForResource",
	}
	ResolverQueryLogListActions = []string{
		"route53resolver:GetResolverQueryLogConfigAssociation", "route53resolver:ListResolverQueryLogConfigs",
		"route53resolver:ListResolverQueryLogConfigAssociations",
	}
	LogDeliveryActions = []string{
		"logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
		"logs:ListLogDeliveries", "logs:PutResourcePolicy",
	}
)

// DeployPolicies returns the permissions of a deploy role: what the platform program creates
// (ec2, eks, ecr, kms, logs, iam under the prefix, secretsmanager, ssm, backup, route53, sns,
// cloudwatch, acm, autoscaling, elasticloadbalancing, sts) and the state bucket, with no
// "service:*" action. Writes name ARNs of the account and regions; the few actions AWS only
// allows on "*" carry an aws:RequestedRegion condition.
func DeployPolicies(s Scope) []PolicyGroup {
	docs := map[string]iampolicy.Document{
		"network":    networkPolicy(s),
		"kubernetes": kubernetesPolicy(s),
		"data":       dataPolicy(s),
		"edge":       edgePolicy(s),
		"iam":        iamPolicy(s),
		"state":      deployStatePolicy(s),
		"runner":     runnerPolicy(s),
		"offerings":  offeringsPolicy(s),
	}
	out := make([]PolicyGroup, 0, len(PolicyGroupNames))
	for _, n := range PolicyGroupNames {
		out = append(out, PolicyGroup{Name: n, Document: docs[n]})
	}
	return out
}

// regional returns the ARN pattern arn:aws:<service>:<region>:<account>:<resource> per region.
func (s Scope) regional(service, resource string) []string {
	out := make([]string, 0, len(s.Regions))
	for _, r := range s.Regions {
		out = append(out, "arn:aws:"+service+":"+r+":"+s.AccountID+":"+resource)
	}
	return out
}

// awsOwned returns the pattern of a resource AWS owns (no account), e.g. public AMIs, per region.
func (s Scope) awsOwned(service, resource string) []string {
	out := make([]string, 0, len(s.Regions))
	for _, r := range s.Regions {
		out = append(out, "arn:aws:"+service+":"+r+"::"+resource)
	}
	return out
}

// inRegions is the condition of a statement on "*": only requests to the scope's regions.
func (s Scope) inRegions() map[string]any {
	return map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": s.Regions}}
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// read is a statement of read-only actions on every resource of the scope's regions (the
// condition keeps "Describe*"-style wildcards from reaching any other region).
func (s Scope) read(sid string, actions ...string) iampolicy.Statement {
	return iampolicy.Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: []string{"*"}, Condition: s.inRegions()}
}

func networkPolicy(s Scope) iampolicy.Document {
	return iampolicy.New(
		s.read("NetworkRead", "ec2:Describe*", "ec2:Get*", "autoscaling:Describe*", "elasticloadbalancing:Describe*"),
		iampolicy.Allow("EC2Write", []string{
			"ec2:Create*", "ec2:Delete*", "ec2:Modify*", "ec2:Associate*", "ec2:Disassociate*",
			"ec2:Attach*", "ec2:Detach*", "ec2:Authorize*", "ec2:Revoke*", "ec2:Allocate*",
			"ec2:Release*", "ec2:Replace*", "ec2:Update*", "ec2:Enable*", "ec2:Disable*",
			"ec2:RunInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances",
			"ec2:TerminateInstances", "ec2:ImportKeyPair",
		}, concat(s.regional("ec2", "*"), s.awsOwned("ec2", "image/*"), s.awsOwned("ec2", "snapshot/*"))...),
		iampolicy.Allow("AutoScalingWrite", []string{
			"autoscaling:Create*", "autoscaling:Delete*", "autoscaling:Update*", "autoscaling:Put*",
			"autoscaling:Attach*", "autoscaling:Detach*", "autoscaling:Set*", "autoscaling:Suspend*",
			"autoscaling:Resume*", "autoscaling:StartInstanceRefresh", "autoscaling:CancelInstanceRefresh",
			"autoscaling:EnableMetricsCollection", "autoscaling:DisableMetricsCollection",
		}, s.regional("autoscaling", "*")...),
		iampolicy.Allow("LoadBalancingWrite", []string{
			"elasticloadbalancing:Create*", "elasticloadbalancing:Delete*", "elasticloadbalancing:Modify*",
			"elasticloadbalancing:Add*", "elasticloadbalancing:Remove*", "elasticloadbalancing:Register*",
			"elasticloadbalancing:Deregister*", "elasticloadbalancing:Set*",
		}, s.regional("elasticloadbalancing", "*")...),
	)
}

func kubernetesPolicy(s Scope) iampolicy.Document {
	return iampolicy.New(
		s.read("KubernetesRead", "eks:Describe*", "eks:List*", "ecr:Describe*", "ecr:List*", "ecr:Get*", "ecr:BatchGet*", "ecr:BatchCheck*"),
		iampolicy.Allow("EKSWrite", []string{
			"eks:Create*", "eks:Delete*", "eks:Update*", "eks:Associate*", "eks:Disassociate*",
			"eks:TagResource", "eks:UntagResource",
		}, s.regional("eks", "*")...),
		iampolicy.Allow("ECRWrite", []string{
			"ecr:CreateRepository", "ecr:DeleteRepository", "ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy",
			"ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy", "ecr:PutImageTagMutability",
			"ecr:PutImageScanningConfiguration", "ecr:TagResource", "ecr:UntagResource",
		}, s.regional("ecr", "repository/*")...),
		iampolicy.Allow("ECRToken", []string{"ecr:GetAuthorizationToken"}, "*"),
		iampolicy.Statement{Sid: "ECRRegistry", Effect: "Allow", Action: ECRRegistryActions, Resource: []string{"*"}, Condition: s.inRegions()},
		iampolicy.Statement{Sid: "EnhancedScanning", Effect: "Allow", Action: InspectorActions, Resource: []string{"*"}, Condition: s.inRegions()},
		iampolicy.Allow("TerminationQueue", TerminationQueueActions, s.regional("sqs", "*")...),
		iampolicy.Allow("TerminationEvents", TerminationEventActions, s.regional("events", "rule/*")...),
	)
}

func dataPolicy(s Scope) iampolicy.Document {
	return iampolicy.New(
		s.read("DataRead", "kms:Describe*", "kms:List*", "kms:Get*", "logs:Describe*", "logs:List*", "logs:Get*",
			"cloudwatch:Describe*", "cloudwatch:List*", "cloudwatch:Get*", "sns:List*", "sns:Get*",
			"backup:Describe*", "backup:List*", "backup:Get*", "secretsmanager:List*", "secretsmanager:GetRandomPassword",
			"ssm:Describe*", "ssm:List*", "ssm:GetCommandInvocation"),
		iampolicy.Statement{Sid: "DataCreate", Effect: "Allow", Action: []string{"kms:CreateKey", "backup-storage:MountCapsule",
			"ssm:CreatePatchBaseline", "ssm:CreateMaintenanceWindow"},
			Resource: []string{"*"}, Condition: s.inRegions()},
		iampolicy.Allow("KMSWrite", []string{
			"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias", "kms:EnableKeyRotation", "kms:DisableKeyRotation",
			"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:PutKeyPolicy", "kms:TagResource",
			"kms:UntagResource", "kms:UpdateKeyDescription", "kms:CreateGrant", "kms:RetireGrant",
			"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*",
		}, concat(s.regional("kms", "key/*"), s.regional("kms", "alias/*"))...),
		iampolicy.Allow("LogsWrite", []string{
			"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
			"logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup",
			"logs:AssociateKmsKey", "logs:DisassociateKmsKey",
		}, s.regional("logs", "*")...),
		// Log deliveries (Resolver query logging to CloudWatch Logs; see ResolverQueryLogActions):
		// the CloudWatch Logs User Guide, "Logs sent to CloudWatch Logs"
		// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html),
		// lists logs:CreateLogDelivery, logs:PutResourcePolicy, logs:DescribeResourcePolicies and
		// logs:DescribeLogGroups (the Describe* are in DataRead). Get/Update/Delete/ListLogDeliveries
		// are what the brief's reading of the Route 53 guide adds for changing and removing the
		// configuration; that page was not found here, so these four are unconfirmed. The log
		// delivery actions have no resource type: "*" under the region condition.
		iampolicy.Statement{Sid: "LogsDelivery", Effect: "Allow", Action: LogDeliveryActions,
			Resource: []string{"*"}, Condition: s.inRegions()},
		iampolicy.Allow("AlarmsWrite", []string{
			"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource",
			"cloudwatch:EnableAlarmActions", "cloudwatch:DisableAlarmActions",
		}, s.regional("cloudwatch", "alarm:*")...),
		iampolicy.Allow("AlarmTopics", SNSTopicActions, s.regional("sns", "*")...),
		// Two readings of the Service Authorization Reference disagree on sns:Unsubscribe and
		// sns:SetSubscriptionAttributes: an issue's review reads them as allowed only on "*" (no
		// resource type); the other reading (see SNSSubscriptionActions) gives them an optional
		// topic resource type. "*" under the region condition works under both readings (under the
		// second it is merely broader than needed); no other statement grants them.
		iampolicy.Statement{Sid: "AlarmSubscriptions", Effect: "Allow", Action: SNSSubscriptionActions,
			Resource: []string{"*"}, Condition: s.inRegions()},
		iampolicy.Allow("BackupWrite", []string{
			"backup:Create*", "backup:Delete*", "backup:Update*", "backup:Put*", "backup:TagResource", "backup:UntagResource",
		}, s.regional("backup", "*")...),
		iampolicy.Allow("SecretsWrite", []string{
			"secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:PutSecretValue",
			"secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource",
			"secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret", "secretsmanager:RestoreSecret",
			"secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
			"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:GetResourcePolicy",
		}, s.regional("secretsmanager", "secret:*")...),
		// Parameters, associations, documents, and the SQL Server host's patch baseline, patch group
		// and maintenance window.
		iampolicy.Allow("SSMWrite", []string{
			"ssm:Create*", "ssm:Delete*", "ssm:Update*", "ssm:Put*", "ssm:Register*", "ssm:Deregister*",
			"ssm:GetParameter*", "ssm:GetPatchBaseline*", "ssm:GetMaintenanceWindow*", "ssm:GetDocument",
			"ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:LabelParameterVersion",
		}, s.regional("ssm", "*")...),
		// AWS's public parameters (AMI and add-on ids), read only.
		iampolicy.Allow("SSMPublicParameters", []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"},
			s.awsOwned("ssm", "parameter/aws/service/*")...),
		// The sa password's rotation (README, "Rotating secrets", run with the deploy role) runs
		// AWS-RunPowerShellScript on the SQL Server host, and on no other instance: SendCommand is authorized against the document and against every instance of
		// the request, so the document and the instances are separate statements, the instances
		// only those tagged with the stack (the provider's default tags put Stack=<stack> on
		// every instance the stack creates). The tag condition is the one the AWS Systems Manager
		// User Guide documents for Run Command ("Restricting access to root-level commands through
		// SSM Agent", ssm:resourceTag/<key>,
		// https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-restrict-root-level-commands.html).
		iampolicy.Allow("SSMRunCommandDocument", []string{"ssm:SendCommand"}, s.awsOwned("ssm", "document/"+RunCommandDocument)...),
		iampolicy.Statement{Sid: "SSMRunCommandOwnInstances", Effect: "Allow", Action: []string{"ssm:SendCommand"},
			Resource:  s.regional("ec2", "instance/*"),
			Condition: map[string]any{"StringEquals": map[string]any{"ssm:resourceTag/" + tags.KeyStack: s.Environment}}},
		// The same with the global key aws:ResourceTag/<key> (IAM User Guide, "AWS global condition
		// context keys"), which the issue's review names: either key, the instance must carry the
		// stack's tag.
		iampolicy.Statement{Sid: "SSMRunCommandOwnInstancesByGlobalKey", Effect: "Allow", Action: []string{"ssm:SendCommand"},
			Resource:  s.regional("ec2", "instance/*"),
			Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/" + tags.KeyStack: s.Environment}}},
		// The identity's own keys (the state key and the secrets provider keys) are used, never
		// managed: no key policy, deletion, disabling, grant or alias change on them.
		iampolicy.Statement{Sid: "NotTheIdentityKeys", Effect: "Deny", Action: IdentityKeyAdminActions,
			Resource: append([]string{s.StateKey}, s.IdentityKeys...)},
		iampolicy.Statement{Sid: "NotTheIdentityAliases", Effect: "Deny", Action: []string{"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"},
			Resource: concat(s.regional("kms", "alias/"+s.NamePrefix+"-secrets-*"), s.regional("kms", "alias/"+s.NamePrefix+"-pulumi-state"))},
	)
}

// SecretsKeyDeployActions are what a deploy role does with its environment's secrets provider key
// (in its identity policy and in the key policy).
var SecretsKeyDeployActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}

// RunCommandDocument is the only SSM document the deploy role may send: the AWS-owned
// AWS-RunPowerShellScript, which the sa password's rotation runs on the SQL Server host (`platform
// health` reaches SQL Server from a probe pod and sends no command).
const RunCommandDocument = "AWS-RunPowerShellScript"

// IdentityKeyAdminActions are what the deploy role may not do to the identity's own keys.
var IdentityKeyAdminActions = []string{
	"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation",
	"kms:CreateGrant", "kms:UpdateKeyDescription", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
	"kms:TagResource", "kms:UntagResource",
}

func edgePolicy(s Scope) iampolicy.Document {
	return iampolicy.New(
		s.read("CertificateRead", "acm:Describe*", "acm:List*", "acm:Get*"),
		// Route 53 is global (its requests are not in the stack's region): exact read actions.
		iampolicy.Allow("ZoneRead", []string{
			"route53:GetHostedZone", "route53:ListHostedZones", "route53:ListHostedZonesByName", "route53:ListHostedZonesByVPC",
			"route53:ListResourceRecordSets", "route53:GetChange", "route53:ListTagsForResource", "route53:GetDNSSEC",
		}, "*"),
		iampolicy.Statement{Sid: "CertificateRequest", Effect: "Allow", Action: []string{"acm:RequestCertificate"},
			Resource: []string{"*"}, Condition: s.inRegions()},
		iampolicy.Allow("CertificateWrite", []string{
			"acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:DeleteCertificate",
			"acm:UpdateCertificateOptions",
		}, s.regional("acm", "certificate/*")...),
		// Only private hosted zones (a request naming a VPC): public DNS is Cloudflare's.
		iampolicy.Statement{Sid: "PrivateZoneCreate", Effect: "Allow", Action: []string{"route53:CreateHostedZone"},
			Resource: []string{"*"}, Condition: map[string]any{"Null": map[string]any{"route53:VPCs": "false"}}},
		iampolicy.Allow("ZoneWrite", []string{
			"route53:ChangeResourceRecordSets", "route53:ChangeTagsForResource", "route53:DeleteHostedZone",
			"route53:UpdateHostedZoneComment", "route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone",
		}, "arn:aws:route53:::hostedzone/*"),
		iampolicy.Allow("ResolverQueryLogging", ResolverQueryLogActions, s.regional("route53resolver", "resolver-query-log-config/*")...),
		iampolicy.Statement{Sid: "ResolverQueryLoggingList", Effect: "Allow", Action: ResolverQueryLogListActions,
			Resource: []string{"*"}, Condition: s.inRegions()},
	)
}

func iamPolicy(s Scope) iampolicy.Document {
	p := "arn:aws:iam::" + s.AccountID + ":"
	var oidc []string
	for _, r := range s.Regions {
		oidc = append(oidc, p+"oidc-provider/oidc.eks."+r+".amazonaws.com/id/*")
	}
	return iampolicy.New(
		// IAM is global: exact read actions rather than a region condition.
		iampolicy.Allow("IAMRead", []string{
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags",
			"iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags",
			"iam:GetInstanceProfile", "iam:ListInstanceProfilesForRole", "iam:ListInstanceProfileTags",
			"iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviderTags",
			"iam:GetServiceLinkedRoleDeletionStatus",
		}, "*"),
		// Roles only under the stack's prefix, and a role only ever gets permissions while it
		// carries the workload boundary: CreateRole, PutRolePermissionsBoundary, PutRolePolicy and
		// AttachRolePolicy are conditioned on iam:PermissionsBoundary, which the Service
		// Authorization Reference lists for each of them (IAM, actions table,
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
		// So every role the deploy role makes or changes can do at most what the boundary allows.
		iampolicy.Statement{Sid: "OwnRolesWithTheBoundary", Effect: "Allow", Action: BoundedRoleActions,
			Resource:  []string{p + "role/" + s.IAMNamePrefix + "*"},
			Condition: map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": s.BoundaryARN}}},
		// What only removes or describes permissions, or changes trust and tags, under the prefix.
		iampolicy.Allow("OwnRoles", OwnRoleActions, p+"role/"+s.IAMNamePrefix+"*"),
		iampolicy.Allow("OwnPoliciesAndProfiles", []string{
			"iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion",
			"iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
			"iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile",
			"iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile",
		}, p+"policy/"+s.IAMNamePrefix+"*", p+"instance-profile/"+s.IAMNamePrefix+"*"),
		// A boundary is never removed, and the identity (its roles, its deploy policies and the
		// workload boundaries: IdentityNamePatterns) is never changed by a deploy role, whatever
		// another statement allows.
		iampolicy.Statement{Sid: "BoundaryStays", Effect: "Deny", Action: []string{"iam:DeleteRolePermissionsBoundary"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "NotTheIdentity", Effect: "Deny", Action: IAMWriteActions, Resource: identityARNs(p, s.NamePrefix)},
		// The EKS clusters' IRSA providers: their issuer URL, not a name, identifies them.
		iampolicy.Allow("ClusterOIDCProviders", []string{
			"iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
			"iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
			"iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider",
		}, oidc...),
		iampolicy.Statement{Sid: "PassOwnRoles", Effect: "Allow", Action: []string{"iam:PassRole"},
			Resource:  []string{p + "role/" + s.IAMNamePrefix + "*"},
			Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": PassedToServices}}},
		iampolicy.Statement{Sid: "ServiceLinkedRoles", Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole"},
			Resource:  []string{p + "role/aws-service-role/*"},
			Condition: map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": ServiceLinkedRoles}}},
	)
}

// IdentityNamePatterns are the IAM names of the identity whose NamePrefix is name, as patterns:
// its roles (deploy, CI push, preview, drift) and its managed policies (the deploy policies and the
// workload boundaries), each "role/..." or "policy/...". Other names under <NamePrefix>- (such as
// a runner's flowmart-runner-<env> project) are not the identity's.
func IdentityNamePatterns(name string) []string {
	return []string{
		"role/" + DeployRoleName(name, "*"), "role/" + CIPushRoleName(name, "*"), "role/" + PreviewRoleName(name), "role/" + DriftRoleName(name),
		"policy/" + DeployRoleName(name, "*"), "policy/" + WorkloadBoundaryName(name, "*"),
	}
}

// identityARNs are IdentityNamePatterns as ARNs under p (arn:aws:iam::<account>:).
func identityARNs(p, name string) []string {
	out := IdentityNamePatterns(name)
	for i, n := range out {
		out[i] = p + n
	}
	return out
}

// BoundedRoleActions are the role actions that give a role permissions; the deploy role may call
// them only on a role that carries (or is given) the workload boundary.
var BoundedRoleActions = []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy"}

// OwnRoleActions are the other role actions on the stack's own roles: none adds a permission a
// role could use beyond its boundary (UpdateAssumeRolePolicy changes who may assume a role, whose
// permissions stay capped by the boundary).
var OwnRoleActions = []string{
	"iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
	"iam:TagRole", "iam:UntagRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
}

// IAMWriteActions are every IAM action that changes an identity or a policy, as action patterns:
// what the deploy role may never do to the identity's own roles and policies, and what the
// workload boundary denies outright (with iam:PassRole).
var IAMWriteActions = []string{
	"iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Remove*",
	"iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*", "iam:Upload*", "iam:PassRole",
}

// statePolicy gives the Pulumi state: objects read (and written when write), the key to decrypt
// (and encrypt when write). Every role also needs sts:GetCallerIdentity, which the AWS provider
// calls first.
func statePolicy(bucket, key string, write bool) iampolicy.Document {
	objects := []string{"s3:GetObject", "s3:GetObjectVersion"}
	crypto := []string{"kms:Decrypt", "kms:DescribeKey"}
	if write {
		objects = append(objects, "s3:PutObject", "s3:DeleteObject")
		crypto = append(crypto, "kms:Encrypt", "kms:GenerateDataKey")
	}
	return iampolicy.New(
		iampolicy.Allow("StateBucket", []string{"s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"}, bucket),
		iampolicy.Allow("StateObjects", objects, bucket+"/*"),
		iampolicy.Allow("StateKey", crypto, key),
		iampolicy.Allow("CallerIdentity", []string{"sts:GetCallerIdentity"}, "*"),
	)
}

// deployStatePolicy is the state bucket read and written, the secrets provider key (Pulumi's
// awskms provider encrypts a stack's data key with kms:Encrypt when the stack is created or its
// provider changed, and decrypts it with kms:Decrypt on every run: pkg/secrets/cloud/manager.go
// of pulumi v3.274.1, generateNewDataKey and newCloudSecretsManager), and the role assuming
// itself: the stacks' AWS provider assumes assumeRoleArn (the deploy role) with the credentials
// the workflow got for that same role.
func deployStatePolicy(s Scope) iampolicy.Document {
	doc := statePolicy(s.StateBucket, s.StateKey, true)
	if s.SecretsKey != "" {
		doc.Statement = append(doc.Statement, iampolicy.Allow("SecretsProviderKey", SecretsKeyDeployActions, s.SecretsKey))
	}
	if s.RoleName != "" {
		doc.Statement = append(doc.Statement, iampolicy.Allow("AssumeSelf", []string{"sts:AssumeRole", "sts:TagSession"},
			"arn:aws:iam::"+s.AccountID+":role/"+s.RoleName))
	}
	return doc
}

// runnerPolicy is the in-VPC GitHub Actions runner of the environment: its CodeBuild project
// (flowmart-runner-<environment>, see RunnerProjectName) and webhook, and the account's
// CodeConnections connection the project uses. The AWS CodeBuild User Guide's "AWS CodeBuild
// permissions reference" gives CreateWebhook, BatchGetProjects and the project actions the
// resource arn:aws:codebuild:<region>:<account>:project/<name>, and CreateProject
// codebuild:CreateProject with iam:PassRole
// (https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-permissions-reference.html), and
// codeconnections:PassConnection and UseConnection the Connection resource type
// (arn:aws:codeconnections:<region>:<account>:connection/<id>; AWS CodeConnections, permission-only
// actions, https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodeconnections.html;
// its codeconnections:PassedToService values list CodePipeline, CodeGuru Reviewer and Proton, not
// CodeBuild, so no such condition is set). The runner's service role is passed to
// codebuild.amazonaws.com by PassOwnRoles (PassedToServices).
func runnerPolicy(s Scope) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Allow("RunnerProject", RunnerProjectActions, s.regional("codebuild", "project/"+RunnerProjectName(s.Environment))...),
		iampolicy.Allow("RunnerConnection", RunnerConnectionActions, s.regional("codeconnections", "connection/*")...),
		// a connection made before the service's rename keeps an arn:aws:codestar-connections ARN,
		// and IAM matches an action's prefix to the ARN's (components/runner, servicePolicy)
		iampolicy.Allow("RunnerConnectionOldPrefix", RunnerConnectionOldPrefixActions, s.regional("codestar-connections", "connection/*")...),
	)
}

// offeringsPolicy is what the self-service offerings (components/database, cache, queue, service)
// create beyond the other groups: RDS instances, read replicas, subnet and parameter groups and the
// final snapshot; ElastiCache replication groups (their cache clusters), subnet and parameter
// groups and the final snapshot; Cloud Map HTTP namespaces, services and instances. The offering
// queues are the TerminationQueue statement's (the account's queues), their keys KMSWrite's, the
// RDS-managed master secret (rds!db-...) and the cache's auth secret SecretsWrite's, the services'
// roles the iam group's (under the prefix and the boundary), Pod Identity associations the
// kubernetes group's eks:Create*. RDS and ElastiCache resources are granted on the account's ARNs
// of the scope's regions (arn:aws:rds:<region>:<account>:db:..., :subgrp:, :pg:, :og:, :snapshot:;
// arn:aws:elasticache:<region>:<account>:replicationgroup:..., :cluster:, :subnetgroup:,
// :parametergroup:, :snapshot:), as the Service Authorization Reference pages for Amazon RDS
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html) and
// Amazon ElastiCache (.../list_amazonelasticache.html) give them resource types; the action names
// are the RDS and ElastiCache API operations', not re-read action by action here. Cloud Map's
// Create*Namespace and GetOperation take no resource type, so Cloud Map is on "*" in the
// scope's regions. The service-linked roles RDS and ElastiCache create on first use are in
// ServiceLinkedRoles.
func offeringsPolicy(s Scope) iampolicy.Document {
	return iampolicy.New(
		s.read("OfferingsRead", "rds:Describe*", "rds:ListTagsForResource", "elasticache:Describe*",
			"elasticache:ListTagsForResource", "servicediscovery:Get*", "servicediscovery:List*"),
		iampolicy.Allow("DatabaseWrite", OfferingDatabaseActions, s.regional("rds", "*")...),
		iampolicy.Allow("CacheWrite", OfferingCacheActions, s.regional("elasticache", "*")...),
		iampolicy.Statement{Sid: "DiscoveryWrite", Effect: "Allow", Action: OfferingDiscoveryActions,
			Resource: []string{"*"}, Condition: s.inRegions()},
	)
}

// OfferingDatabaseActions are the RDS writes of components/database.
var OfferingDatabaseActions = []string{
	"rds:CreateDBInstance", "rds:CreateDBInstanceReadReplica", "rds:ModifyDBInstance", "rds:DeleteDBInstance",
	"rds:RebootDBInstance", "rds:PromoteReadReplica", "rds:CreateDBSnapshot",
	"rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup",
	"rds:CreateDBParameterGroup", "rds:ModifyDBParameterGroup", "rds:DeleteDBParameterGroup", "rds:ResetDBParameterGroup",
	"rds:AddTagsToResource", "rds:RemoveTagsFromResource",
}

// OfferingCacheActions are the ElastiCache writes of components/cache.
var OfferingCacheActions = []string{
	"elasticache:CreateReplicationGroup", "elasticache:ModifyReplicationGroup", "elasticache:DeleteReplicationGroup",
	"elasticache:IncreaseReplicaCount", "elasticache:DecreaseReplicaCount",
	"elasticache:CreateCacheCluster", "elasticache:DeleteCacheCluster", "elasticache:CreateSnapshot",
	"elasticache:CreateCacheSubnetGroup", "elasticache:ModifyCacheSubnetGroup", "elasticache:DeleteCacheSubnetGroup",
	"elasticache:CreateCacheParameterGroup", "elasticache:ModifyCacheParameterGroup", "elasticache:DeleteCacheParameterGroup",
	"elasticache:ResetCacheParameterGroup", "elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource",
}

// OfferingDiscoveryActions are the Cloud Map writes of components/service (HTTP namespaces only:
// no Route 53 record is made, so no route53 action is needed).
var OfferingDiscoveryActions = []string{
	"servicediscovery:CreateHttpNamespace", "servicediscovery:UpdateHttpNamespace", "servicediscovery:DeleteNamespace",
	"servicediscovery:CreateService", "servicediscovery:UpdateService", "servicediscovery:DeleteService",
	"servicediscovery:RegisterInstance", "servicediscovery:DeregisterInstance",
	"servicediscovery:TagResource", "servicediscovery:UntagResource",
}

// RunnerProjectActions are the CodeBuild actions on the runner's project and its webhook
// (aws:codebuild/project:Project and aws:codebuild/webhook:Webhook read the project back with
// BatchGetProjects).
var RunnerProjectActions = []string{
	"codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:DeleteProject", "codebuild:BatchGetProjects",
	"codebuild:CreateWebhook", "codebuild:UpdateWebhook", "codebuild:DeleteWebhook",
}

// RunnerConnectionActions are what naming the account's GitHub connection on the runner's project
// takes.
var RunnerConnectionActions = []string{"codeconnections:PassConnection", "codeconnections:UseConnection"}

// RunnerConnectionOldPrefixActions are RunnerConnectionActions for a connection whose ARN has the
// codestar-connections prefix.
var RunnerConnectionOldPrefixActions = []string{"codestar-connections:PassConnection", "codestar-connections:UseConnection"}

// CIPushPolicy is the CI push role's own policy: ecr:GetAuthorizationToken, which ECR only grants
// through an identity policy and only on "*" (Amazon ECR User Guide, "Private repository policies
// in Amazon ECR": "Amazon ECR requires that users have permission to make calls to the
// ecr:GetAuthorizationToken API through an IAM policy",
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html; the Service
// Authorization Reference lists no resource type for it). Pushing itself is granted by the
// repository policies of the stack's repositories, which name the role: for a role of the
// repository's own account "a user or role only needs to be allowed permission for an action
// through either a repository policy or an IAM policy" (same page), so the role can push to those
// repositories and to no other (not to the pull-through cache's).
func CIPushPolicy() iampolicy.Document {
	return iampolicy.New(iampolicy.Allow("ECRToken", []string{"ecr:GetAuthorizationToken"}, "*"))
}

// TrustPolicy lets GitHub's OIDC tokens for exactly the given subjects (the sub claim, e.g.
// repo:flowmart/platform:environment:production; StringEquals against a list matches any of
// them) and the STS audience assume a role.
func TrustPolicy(oidcProviderARN string, subjects ...string) iampolicy.Document {
	var sub any = subjects
	if len(subjects) == 1 {
		sub = subjects[0]
	}
	return iampolicy.New(iampolicy.Statement{
		Sid:       "GitHubActions",
		Effect:    "Allow",
		Principal: map[string]any{"Federated": oidcProviderARN},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]any{"StringEquals": map[string]any{
			GitHubOIDCHost + ":aud": GitHubOIDCAudience,
			GitHubOIDCHost + ":sub": sub,
		}},
	})
}

// SelfAssume is the trust statement that lets a role assume itself, and nothing else in the
// account: a stack's assumeRoleArn names the deploy role, which the workflow already holds. (A
// role cannot name itself as principal before it exists, hence the account and a condition.)
func SelfAssume(accountID, roleName string) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "AssumeSelf",
		Effect:    "Allow",
		Principal: map[string]any{"AWS": "arn:aws:iam::" + accountID + ":root"},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": "arn:aws:iam::" + accountID + ":role/" + roleName}},
	}
}
