package sqlserver

import (
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

const managedPolicy = "arn:aws:iam::aws:policy/"

// VSSPolicy is the AWS managed policy (arn:aws:iam::aws:policy/AWSEC2VssSnapshotPolicy) that lets
// the AWS VSS components on the instance create and tag the snapshots and the AMI of a
// VSS-enabled backup ("Use an IAM managed policy to grant permissions for VSS based snapshots",
// Amazon EC2 User Guide, https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/vss-iam-reqs.html;
// the prerequisites page, application-consistent-snapshots-prereqs.html, names it for the
// instance profile). Without it an AWS Backup job with WindowsVSS falls back to a
// crash-consistent backup.
const VSSPolicy = "AWSEC2VssSnapshotPolicy"

// Managed policies of the instance role: SSM (Session Manager, patching, associations), the
// CloudWatch agent (metrics, and reading its AmazonCloudWatch-* configuration parameter) and VSS
// snapshots (application-consistent backups).
var instancePolicies = []string{"AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy", VSSPolicy}

// Managed policies of the AWS Backup role.
var backupPolicies = []string{
	"service-role/AWSBackupServiceRolePolicyForBackup",
	"service-role/AWSBackupServiceRolePolicyForRestores",
}

// SecretActions are the only actions the host gets on its password secret and key.
var SecretActions = []string{"secretsmanager:GetSecretValue", "kms:Decrypt"}

// attach attaches AWS managed policies to a role, one attachment per policy.
func (h *SQLServerHost) attach(ctx *pulumi.Context, prefix string, role *iam.Role, policies ...string) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, p := range policies {
		a, err := iam.NewRolePolicyAttachment(ctx, prefix+"-"+strings.ToLower(p[strings.LastIndex(p, "/")+1:]), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(managedPolicy + p),
		}, h.opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// instanceRole creates the instance's role (EC2 trust) with the SSM, CloudWatch agent and VSS
// snapshot managed policies, and its instance profile. There is no key pair: administration is Session Manager.
func (h *SQLServerHost) instanceRole(ctx *pulumi.Context) error {
	name := h.hostName()
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("SQL Server host " + h.name + ": SSM Session Manager, patching, CloudWatch agent, its sa secret"),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com", nil).String()),
		Tags:             h.tags(name),
	}, h.opts...)
	if err != nil {
		return err
	}
	h.role = role
	if h.roleDeps, err = h.attach(ctx, name, role, instancePolicies...); err != nil {
		return err
	}
	h.vssDeps = append(h.vssDeps, h.roleDeps[slices.Index(instancePolicies, VSSPolicy)])
	h.profile, err = iam.NewInstanceProfile(ctx, name, &iam.InstanceProfileArgs{
		Role: role.Name,
		Tags: h.tags(name),
	}, h.opts...)
	return err
}

// secretAccess lets the host read its password secret and decrypt it, and nothing else.
func (h *SQLServerHost) secretAccess(ctx *pulumi.Context) error {
	name := h.hostName() + "-secret"
	policy, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role: h.role.Name,
		Policy: iampolicy.Render(func(v []string) iampolicy.Document {
			return iampolicy.New(
				iampolicy.Allow("ReadSAPassword", SecretActions[:1], v[0]),
				iampolicy.Allow("DecryptSAPassword", SecretActions[1:], v[1]),
			)
		}, h.secret.Arn, h.keyARN),
	}, h.opts...)
	h.roleDeps = append(h.roleDeps, policy)
	return err
}

// backupRole creates the role AWS Backup assumes to back up and restore the host.
func (h *SQLServerHost) backupRole(ctx *pulumi.Context) (*iam.Role, []pulumi.Resource, error) {
	name := h.name + "-backup-role"
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("AWS Backup of SQL Server host " + h.name),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("backup.amazonaws.com", nil).String()),
		Tags:             h.tags(name),
	}, h.opts...)
	if err != nil {
		return nil, nil, err
	}
	deps, err := h.attach(ctx, name, role, backupPolicies...)
	return role, deps, err
}
