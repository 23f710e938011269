// Package sqlserver provides SQLServerHost: SQL Server on a Windows Server EC2 instance from a
// pinned license-included AMI, kept on EC2 (not RDS) for replication with on-premises servers.
//
// The databases live on four separate encrypted gp3 volumes (data D:, log L:, tempdb T:, backup
// B:), attached to an instance whose root volume holds only Windows and SQL Server, so the host can
// be rebuilt without losing data. A newer AMI never replaces the host on its own: the instance
// ignores changes to its AMI, and a deliberate rebuild is `pulumi up --replace <instance urn>`;
// the new instance re-attaches the same volumes and its boot script keeps their contents.
//
// Around the instance: a security group that admits SQL Server only from the cluster's nodes, the
// VPN clients and the on-premises networks; administration through SSM Session Manager (no key
// pair, no RDP); the sa password generated, stored KMS-encrypted in Secrets Manager and read by the
// host at boot (never in user data); SSM patching of Windows and of SQL Server (its cumulative
// updates, through Microsoft Update) in a weekly maintenance window; max server memory set from
// the instance's memory; the CloudWatch agent, pinned, for memory and disk metrics; alarms to a
// KMS-encrypted SNS topic, and EC2 recovery on a failed system status check; daily
// application-consistent (VSS) AWS Backup recovery points of the instance, with the AWS VSS
// components kept installed by SSM; and an A record in the private zone.
//
// # Physical names
//
// The names the host sets, unique in its account and region, all start with NamePrefix, which
// defaults to HostResourceName of the component name ("production-sqlserver" for the stacks'
// "production-sqlserver"): the KMS alias alias/<NamePrefix>, the backup vault, plan and
// selection <NamePrefix>, the patch baseline <NamePrefix>-windows, the patch group <NamePrefix>
// (the instance's "Patch Group" tag), the maintenance window <NamePrefix>-patching and its target
// <NamePrefix>, the CloudWatch agent's SSM parameter AmazonCloudWatch-<NamePrefix> (the managed
// CloudWatchAgentServerPolicy reads only parameters named AmazonCloudWatch-*), the SSM
// associations <NamePrefix>-host-config, -cwagent-install, -cwagent-configure and -vss-install,
// the alarm topic <NamePrefix>-alarms and the alarms <NamePrefix>-cpu, -status-check,
// -system-recovery, -memory and -disk-<volume>. The DNS record is HostName.PrivateZoneName, in the given zone; the maintenance
// window's task (install-patches) and the plan's rule (daily) are named within their window and
// plan. Everything else is auto-named by Pulumi from its resource name plus a random suffix (the
// instance and backup roles, their inline policy, the instance profile, the security group, the
// sa secret) or named by AWS (the instance, volumes, key, alarm subscriptions get ids), so it
// never collides.
package sqlserver

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/tags"
)

// sqlServerHostType is part of every URN: never rename without an alias.
const sqlServerHostType = "flowmart:sqlserver:SQLServerHost"

// Port is the SQL Server port clients connect to.
const Port = 1433

// MirroringPort is the availability-group / database-mirroring endpoint's port.
const MirroringPort = 5022

// SQLServerHost is a SQL Server host with its volumes, access, patching, monitoring and backups.
type SQLServerHost struct {
	pulumi.ResourceState

	// PrivateDNSName is the host's name in the private zone, e.g. sqlserver.production.internal.
	PrivateDNSName pulumi.StringOutput `pulumi:"privateDnsName"`
	// Port is SQL Server's port, 1433.
	Port pulumi.IntOutput `pulumi:"port"`
	// SecretARN is the Secrets Manager secret holding {"username":"sa","password":...}.
	SecretARN pulumi.StringOutput `pulumi:"secretArn"`
	// SecurityGroupID is the host's security group.
	SecurityGroupID pulumi.IDOutput `pulumi:"securityGroupId"`
	// InstanceID is the EC2 instance (the target of `aws ssm start-session`).
	InstanceID pulumi.IDOutput `pulumi:"instanceId"`
	// PrivateIP is the instance's private address.
	PrivateIP pulumi.StringOutput `pulumi:"privateIp"`
	// AlarmTopicARN is the SNS topic the host's alarms publish to.
	AlarmTopicARN pulumi.StringOutput `pulumi:"alarmTopicArn"`
	// BackupVaultName is the AWS Backup vault holding the host's recovery points.
	BackupVaultName pulumi.StringOutput `pulumi:"backupVaultName"`
	// KMSKeyARN is the key encrypting the volumes, the secret, the vault and the topic.
	KMSKeyARN pulumi.StringOutput `pulumi:"kmsKeyArn"`

	// Instance is the underlying EC2 instance, an escape hatch.
	Instance *ec2.Instance

	name          string
	args          SQLServerHostArgs
	opts          []pulumi.ResourceOption // child options: parent is the host
	role          *iam.Role
	roleDeps      []pulumi.Resource // the instance role's policies: the instance waits for them
	vssDeps       []pulumi.Resource // what a VSS backup needs (policy, components): the selection waits
	profile       *iam.InstanceProfile
	keyARN        pulumi.StringOutput
	secret        *secretsmanager.Secret
	secretVersion *secretsmanager.SecretVersion
	securityGroup *ec2.SecurityGroup
	volumes       []*ebs.Volume // in drives() order
	topic         *sns.Topic
	vault         *backup.Vault
}

// NewSQLServerHost creates a SQLServerHost. Children are named name+"-<role>" (the volumes and
// their attachments name+"-data|-log|-tempdb|-backup"); the instance, its security group, role and
// instance profile are HostResourceName(name).
func NewSQLServerHost(ctx *pulumi.Context, name string, args *SQLServerHostArgs, opts ...pulumi.ResourceOption) (*SQLServerHost, error) {
	a := args.withName(name)
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("sqlserver %q: %w", name, err)
	}
	h := &SQLServerHost{name: name, args: a}
	if err := ctx.RegisterComponentResource(sqlServerHostType, name, h, opts...); err != nil {
		return nil, err
	}
	h.opts = []pulumi.ResourceOption{pulumi.Parent(h)}
	steps := []func(*pulumi.Context) error{
		h.instanceRole,
		h.encryptionKey,
		h.adminPassword,
		h.secretAccess,
		h.securityGroups,
		h.dataVolumes,
		h.instance,
		h.attachVolumes,
		h.dnsRecord,
		h.patching,
		h.hostConfiguration,
		h.monitoringAgent,
		h.vssComponents,
		h.alarms,
		h.backups,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("sqlserver %q: %w", name, err)
		}
	}
	return h, h.registerOutputs(ctx)
}

// hostName is the resource name of the instance, its security group and role:
// name+"-sqlserver", or name itself when it already says sqlserver. It always contains
// "sqlserver", which is how the policy rules recognize the host. The physical names AWS shows
// (alarms, topic, vault, patch group, ...) start with physicalName() instead, NamePrefix, whose
// default is the same name.
func (h *SQLServerHost) hostName() string { return HostResourceName(h.name) }

// physicalName is the start of every physical name of the host: NamePrefix.
func (h *SQLServerHost) physicalName() string { return h.args.NamePrefix }

// HostResourceName is the resource name of the instance of a SQLServerHost named name:
// "production" and "production-sqlserver" both give "production-sqlserver".
func HostResourceName(name string) string {
	if strings.Contains(strings.ToLower(name), "sqlserver") {
		return name
	}
	return name + "-sqlserver"
}

func (h *SQLServerHost) tags(resource string, extra ...map[string]string) pulumi.StringMap {
	return tags.Named(h.args.Tags, resource, extra...)
}

// with returns the child options plus extra ones.
func (h *SQLServerHost) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption(nil), h.opts...), extra...)
}

func (h *SQLServerHost) registerOutputs(ctx *pulumi.Context) error {
	h.Port = pulumi.Int(Port).ToIntOutput()
	h.SecretARN = h.secret.Arn
	h.SecurityGroupID = h.securityGroup.ID()
	h.InstanceID = h.Instance.ID()
	h.PrivateIP = h.Instance.PrivateIp
	h.AlarmTopicARN = h.topic.Arn
	h.BackupVaultName = h.vault.Name
	h.KMSKeyARN = h.keyARN
	return ctx.RegisterResourceOutputs(h, pulumi.Map{
		"privateDnsName":  h.PrivateDNSName,
		"port":            h.Port,
		"secretArn":       h.SecretARN,
		"securityGroupId": h.SecurityGroupID,
		"instanceId":      h.InstanceID,
		"privateIp":       h.PrivateIP,
		"alarmTopicArn":   h.AlarmTopicARN,
		"backupVaultName": h.BackupVaultName,
		"kmsKeyArn":       h.KMSKeyARN,
	})
}
