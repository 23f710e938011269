package sqlserver

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/protect"
)

// backups creates a KMS-encrypted AWS Backup vault, a daily plan keeping recovery points
// BackupRetentionDays with Windows VSS (application-consistent SQL Server snapshots), and a
// selection of the instance alone, backed up by a role with the AWS managed backup and restore
// policies.
//
// The instance alone: an EC2 recovery point is an AMI, and "when you create an AMI of an existing
// EC2 instance, a snapshot is taken for all the volumes that are attached to the instance"
// (AWS Prescriptive Guidance, "Amazon EC2 backup and recovery with snapshots and AMIs",
// https://docs.aws.amazon.com/prescriptive-guidance/latest/backup-recovery/ec2-backup.html): the
// root, data, log, tempdb and backup volumes, under one VSS freeze when WindowsVSS is on
// ("Create VSS snapshots using AWS Backup", Amazon EC2 User Guide,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-vss-snapshots-backup.html).
// Selecting the volumes as well gave each of them a second lineage of EBS recovery points, taken
// without VSS (WindowsVSS is an EC2 backup option) at their own moments: one recovery point per
// backup, consistent across the volumes, is what a SQL Server restore needs. tempdb's snapshot
// is part of the image; it is small, and SQL Server recreates tempdb at every start anyway.
//
// The selection's resources force its replacement (pkg/diff/upstream/forcenew.json): it is
// replaced, deleted first because its name is fixed; recovery points already taken stay in the
// vault. It waits for the VSS components association and the VSS policy of the instance role,
// so that the first backup is application-consistent.
func (h *SQLServerHost) backups(ctx *pulumi.Context) error {
	vault, err := backup.NewVault(ctx, h.name+"-vault", &backup.VaultArgs{
		Name:      pulumi.String(h.physicalName()),
		KmsKeyArn: h.keyARN,
		Tags:      h.tags(h.name + "-vault"),
	}, protect.Options(h.args.Protect, h.opts)...)
	if err != nil {
		return err
	}
	h.vault = vault
	plan, err := backup.NewPlan(ctx, h.name+"-backup-plan", &backup.PlanArgs{
		Name: pulumi.String(h.physicalName()),
		Rules: backup.PlanRuleArray{&backup.PlanRuleArgs{
			RuleName:         pulumi.String("daily"),
			TargetVaultName:  vault.Name,
			Schedule:         pulumi.String(h.args.BackupSchedule),
			StartWindow:      pulumi.Int(60),
			CompletionWindow: pulumi.Int(360),
			Lifecycle: &backup.PlanRuleLifecycleArgs{
				DeleteAfter: pulumi.Int(h.args.BackupRetentionDays),
			},
			RecoveryPointTags: h.tags(h.hostName()),
		}},
		AdvancedBackupSettings: backup.PlanAdvancedBackupSettingArray{&backup.PlanAdvancedBackupSettingArgs{
			ResourceType:  pulumi.String("EC2"),
			BackupOptions: pulumi.StringMap{"WindowsVSS": pulumi.String("enabled")},
		}},
		Tags: h.tags(h.name + "-backup-plan"),
	}, h.opts...)
	if err != nil {
		return err
	}
	role, deps, err := h.backupRole(ctx)
	if err != nil {
		return err
	}
	deps = append(deps, h.vssDeps...)
	_, err = backup.NewSelection(ctx, h.name+"-backup-selection", &backup.SelectionArgs{
		Name:       pulumi.String(h.physicalName()),
		PlanId:     plan.ID(),
		IamRoleArn: role.Arn,
		Resources:  pulumi.StringArray{h.Instance.Arn},
	}, h.with(pulumi.DependsOn(deps), pulumi.DeleteBeforeReplace(true))...)
	return err
}
