package cicd

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// boundaryPassedToService is the one service a workload may pass the stack's roles to: EC2, for
// AWS Backup's restores of an instance with its profile.
const boundaryPassedToService = "ec2.amazonaws.com" //nolint:gosec // G101: a service principal, not a credential

// BoundaryScope is what an environment's workload boundary is about.
type BoundaryScope struct {
	AccountID     string   // the account every ARN names
	Regions       []string // the regions the workloads act in
	IAMNamePrefix string   // the environment's roles: the only ones a workload may pass (to EC2)
	StateBucket   string   // ARN of the state bucket: never reachable from a workload
	// Keys are the identity's keys (state and secrets provider keys): never usable by a workload.
	Keys []string
}

// WorkloadActions are what the platform's workload roles may do at most, in the environment's
// regions (a boundary grants nothing by itself: a role's own policies still decide, the boundary
// only caps them). They are named by verb, never "service:*" (FM-IAM-001), and cover what the
// roles the components create need (`grep -rn iam.NewRole components/`):
//
//   - the EKS cluster role (AmazonEKSClusterPolicy: ec2, elasticloadbalancing, autoscaling, kms);
//   - the node role (AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy,
//     AmazonEC2ContainerRegistryReadOnly, AmazonSSMManagedInstanceCore: ec2, eks, eks-auth, ecr,
//     ssm, ssmmessages, ec2messages);
//   - the Pod Identity roles: the load balancer controller (ec2, elasticloadbalancing, acm),
//     Fluent Bit (logs), the image updater (ecr), the node termination handler (sqs,
//     autoscaling, ec2);
//   - the SQL Server host (AmazonSSMManagedInstanceCore, CloudWatchAgentServerPolicy,
//     AWSEC2VssSnapshotPolicy, its secret: ssm, cloudwatch, logs, ec2, secretsmanager, kms) and
//     the VPN host (ssm, its key in Secrets Manager);
//   - the flow-log role (logs), the AWS Backup role (AWSBackupServiceRolePolicyForBackup and
//     ForRestores for EC2 and EBS with Windows VSS: ec2, ebs, backup, kms, tag, ssm
//     SendCommand), the registry's cache role (ecr CreateRepository and BatchImportUpstreamImage,
//     kms);
//   - the in-VPC runner's CodeBuild service role (components/runner: logs CreateLogStream and
//     PutLogEvents, its network interfaces: ec2, and the GitHub connection: GetConnection and
//     GetConnectionToken under the connection ARN's own prefix, codeconnections or the older
//     codestar-connections; Connection resource type in the Service Authorization Reference,
//     https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodeconnections.html).
//
// An action a managed policy grants but this list does not is denied to the workload: a new
// workload that needs more adds it here, reviewed.
var WorkloadActions = []string{
	"ec2:Describe*", "ec2:Get*", "ec2:Create*", "ec2:Delete*", "ec2:Modify*", "ec2:Attach*", "ec2:Detach*",
	"ec2:Assign*", "ec2:Unassign*", "ec2:Authorize*", "ec2:Revoke*", "ec2:Copy*", "ec2:RegisterImage",
	"ec2:DeregisterImage", "ec2:RunInstances", "ec2:TerminateInstances", "ec2:StartInstances", "ec2:StopInstances",
	"ec2:ResetSnapshotAttribute",
	"ebs:List*", "ebs:Get*", "ebs:Start*", "ebs:Put*", "ebs:Complete*",
	"elasticloadbalancing:Describe*", "elasticloadbalancing:Create*", "elasticloadbalancing:Delete*",
	"elasticloadbalancing:Modify*", "elasticloadbalancing:Add*", "elasticloadbalancing:Remove*",
	"elasticloadbalancing:Register*", "elasticloadbalancing:Deregister*", "elasticloadbalancing:Set*",
	"autoscaling:Describe*", "autoscaling:UpdateAutoScalingGroup", "autoscaling:SetDesiredCapacity",
	"autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling:CompleteLifecycleAction",
	"autoscaling:RecordLifecycleActionHeartbeat",
	"eks:Describe*", "eks:List*", "eks-auth:AssumeRoleForPodIdentity",
	"ecr:Describe*", "ecr:List*", "ecr:Get*", "ecr:BatchGet*", "ecr:BatchCheck*", "ecr:CreateRepository",
	"ecr:BatchImportUpstreamImage", "ecr:TagResource",
	"logs:Describe*", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:PutRetentionPolicy",
	"cloudwatch:PutMetricData", "cloudwatch:Describe*", "cloudwatch:List*", "cloudwatch:Get*",
	"ssm:Describe*", "ssm:Get*", "ssm:List*", "ssm:Put*", "ssm:UpdateAssociationStatus",
	"ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation", "ssm:SendCommand", "ssm:CancelCommand",
	"ssmmessages:Create*", "ssmmessages:Open*",
	"ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
	"ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
	"backup:Describe*", "backup:Get*", "backup:List*", "backup:CopyIntoBackupVault", "backup:CopyFromBackupVault",
	"backup:StartBackupJob", "backup:StartRestoreJob", "backup-storage:MountCapsule",
	"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
	// the self-service offerings' Pod Identity roles (stacks/offerings.go): a service sends to and
	// extends the visibility of its own queues, and connects to its database as its IAM user
	"sqs:SendMessage", "sqs:ChangeMessageVisibility", "rds-db:connect",
	"acm:DescribeCertificate", "acm:ListCertificates", "acm:GetCertificate", "tag:GetResources",
	"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret",
	"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey",
	"kms:CreateGrant", "kms:RetireGrant", "kms:ListGrants",
	"codeconnections:GetConnection", "codeconnections:GetConnectionToken",
	"codestar-connections:GetConnection", "codestar-connections:GetConnectionToken",
}

// BoundaryDeniedIAMActions are the IAM writes the boundary denies to every workload: all of
// IAMWriteActions except iam:CreateServiceLinkedRole (which the load balancer controller and the
// EKS cluster role may call for elasticloadbalancing.amazonaws.com, and which creates only a role
// AWS defines) and iam:PassRole (allowed below to EC2 only, for AWS Backup's restores); boundary
// changes (PutRolePermissionsBoundary, DeleteRolePermissionsBoundary) are among them.
var BoundaryDeniedIAMActions = []string{
	"iam:Add*", "iam:Attach*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Remove*",
	"iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*", "iam:Upload*",
	"iam:CreateAccessKey", "iam:CreateAccountAlias", "iam:CreateGroup", "iam:CreateInstanceProfile",
	"iam:CreateLoginProfile", "iam:CreateOpenIDConnectProvider", "iam:CreatePolicy", "iam:CreatePolicyVersion",
	"iam:CreateRole", "iam:CreateSAMLProvider", "iam:CreateServiceSpecificCredential", "iam:CreateUser",
	"iam:CreateVirtualMFADevice",
}

// WorkloadBoundary is the permissions boundary of every role a deploy role creates: at most the
// WorkloadActions in the environment's regions, service-linked roles of ServiceLinkedRoles, and
// passing the environment's own roles to EC2 (restoring an instance with its profile); and, denied
// whatever a role's policies say, IAM writes (BoundaryDeniedIAMActions), every Organizations and
// Account action, and the Pulumi state (the state bucket, the state key and the secrets provider
// keys). sts is not granted at all, so a workload role assumes no other role.
func WorkloadBoundary(s BoundaryScope) iampolicy.Document {
	scope := Scope{AccountID: s.AccountID, Regions: s.Regions}
	p := "arn:aws:iam::" + s.AccountID + ":"
	return iampolicy.New(
		iampolicy.Statement{Sid: "WorkloadActions", Effect: "Allow", Action: WorkloadActions, Resource: []string{"*"}, Condition: scope.inRegions()},
		iampolicy.Statement{Sid: "ServiceLinkedRoles", Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole"},
			Resource:  []string{p + "role/aws-service-role/*"},
			Condition: map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": ServiceLinkedRoles}}},
		iampolicy.Statement{Sid: "PassOwnRolesToEC2", Effect: "Allow", Action: []string{"iam:PassRole"},
			Resource:  []string{p + "role/" + s.IAMNamePrefix + "*"},
			Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": boundaryPassedToService}}},
		iampolicy.Statement{Sid: "NoIAMWrites", Effect: "Deny", Action: BoundaryDeniedIAMActions, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "NoOrganizationsOrAccount", Effect: "Deny", Action: []string{"organizations:*", "account:*"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "NoState", Effect: "Deny", Action: []string{"s3:*"}, Resource: []string{s.StateBucket, s.StateBucket + "/*"}},
		iampolicy.Statement{Sid: "NoIdentityKeys", Effect: "Deny", Action: []string{"kms:*"}, Resource: s.Keys},
	)
}

// PermissionsBoundary is a stack transformation that sets permissionsBoundary to boundaryARN on
// every aws:iam/role:Role the program registers after it, whatever the component set: the deploy
// role may create a role only with that boundary (OwnRolesWithTheBoundary). Register it first in
// the program: ctx.RegisterStackTransformation(cicd.PermissionsBoundary(arn)).
//
// It is a (legacy) stack transformation rather than a transform (ctx.RegisterResourceTransform):
// a transformation runs in the program for every resource the Go SDK registers, also under
// pulumi.WithMocks, so the offline preview, the goldens and the tests see the boundary; the mock
// monitor of the Go SDK v3.274.1 does not run transforms (go/pulumi/mocks.go:51-54,
// MockResourceMonitorWithTransforms: "The mock monitor does not run transforms"). Both see only
// resources registered through this SDK; the stacks have no remote component.
func PermissionsBoundary(boundaryARN pulumi.StringInput) pulumi.ResourceTransformation {
	return func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if args.Type != "aws:iam/role:Role" {
			return nil
		}
		var props iam.RoleArgs
		switch p := args.Props.(type) {
		case *iam.RoleArgs:
			if p != nil {
				props = *p
			}
		case iam.RoleArgs:
			props = p
		default: // not the SDK's own arguments: leave the role as it is (never reached by iam.NewRole)
			return nil
		}
		props.PermissionsBoundary = boundaryARN
		return &pulumi.ResourceTransformationResult{Props: &props, Opts: args.Opts}
	}
}
