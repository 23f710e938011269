package sqlserver

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/protect"
)

// backups creates a KMS-encrypted AWS Backup vault, a daily plan keeping recovery points
// BackupRetentionDays with Windows VSS (application-consistent SQL Server snapshots), and a
// selection of the instance and its data, log and backup volumes (tempdb is rebuilt at every
// start), backed up by a role with the AWS managed backup and restore policies.
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
	resources := pulumi.StringArray{h.Instance.Arn}
	for i, d := range h.args.drives() {
		if d.backup {
			resources = append(resources, h.volumes[i].Arn)
		}
	}
	_, err = backup.NewSelection(ctx, h.name+"-backup-selection", &backup.SelectionArgs{
		Name:       pulumi.String(h.physicalName()),
		PlanId:     plan.ID(),
		IamRoleArn: role.Arn,
		Resources:  resources,
	}, h.with(pulumi.DependsOn(deps))...)
	return err
}
