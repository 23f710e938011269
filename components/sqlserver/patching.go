package sqlserver

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PatchDocument is the SSM document the maintenance window runs.
const PatchDocument = "AWS-RunPatchBaseline"

// SQL Server's own updates (cumulative and security updates) are application patches on the
// Windows baseline: an approval rule with PATCH_SET APPLICATION and the product, with its product
// family, which "must be a supported member of the selected product family" ("About patching
// applications released by Microsoft on Windows Server", AWS Systems Manager User Guide,
// patch-manager-patching-windows-applications.md, awsdocs/aws-systems-manager-user-guide commit
// dd495cc, whose examples pair PRODUCT_FAMILY and PRODUCT with PATCH_SET APPLICATION and name
// "SQL Server" as a family). PRODUCT is the wildcard, "which matches all values" (AWS Systems
// Manager API Reference, PatchFilter), so every SQL Server version the AMI may carry is covered.
const (
	ApplicationPatchSet = "APPLICATION"
	SQLServerFamily     = "SQL Server"
	AllProducts         = "*"
)

// patching creates the host's Windows patch baseline (Critical and Important security updates,
// critical updates, and SQL Server's updates, each approved PatchApproveAfterDays after release),
// registers it for the host's patch group (the instance's "Patch Group" tag), and a maintenance
// window that runs AWS-RunPatchBaseline (Install, reboot if needed) on the instance: SQL Server's
// cumulative updates are installed in that window with the operating system's. Patch Manager
// sees them because the host opts in to Microsoft Update (hostConfigScript).
func (h *SQLServerHost) patching(ctx *pulumi.Context) error {
	days := pulumi.Int(h.args.PatchApproveAfterDays)
	baseline, err := ssm.NewPatchBaseline(ctx, h.name+"-patch-baseline", &ssm.PatchBaselineArgs{
		Name:            pulumi.String(h.physicalName() + "-windows"),
		Description:     pulumi.String("SQL Server host " + h.name + ": Critical and Important security updates, critical updates, SQL Server updates"),
		OperatingSystem: pulumi.String("WINDOWS"),
		ApprovalRules: ssm.PatchBaselineApprovalRuleArray{
			&ssm.PatchBaselineApprovalRuleArgs{
				ApproveAfterDays: days,
				ComplianceLevel:  pulumi.String("CRITICAL"),
				PatchFilters: ssm.PatchBaselineApprovalRulePatchFilterArray{
					&ssm.PatchBaselineApprovalRulePatchFilterArgs{Key: pulumi.String("CLASSIFICATION"), Values: pulumi.ToStringArray([]string{"SecurityUpdates"})},
					&ssm.PatchBaselineApprovalRulePatchFilterArgs{Key: pulumi.String("MSRC_SEVERITY"), Values: pulumi.ToStringArray([]string{"Critical", "Important"})},
				},
			},
			&ssm.PatchBaselineApprovalRuleArgs{
				ApproveAfterDays: days,
				ComplianceLevel:  pulumi.String("HIGH"),
				PatchFilters: ssm.PatchBaselineApprovalRulePatchFilterArray{
					&ssm.PatchBaselineApprovalRulePatchFilterArgs{Key: pulumi.String("CLASSIFICATION"), Values: pulumi.ToStringArray([]string{"CriticalUpdates"})},
				},
			},
			&ssm.PatchBaselineApprovalRuleArgs{
				ApproveAfterDays: days,
				ComplianceLevel:  pulumi.String("HIGH"),
				PatchFilters: ssm.PatchBaselineApprovalRulePatchFilterArray{
					&ssm.PatchBaselineApprovalRulePatchFilterArgs{Key: pulumi.String("PATCH_SET"), Values: pulumi.ToStringArray([]string{ApplicationPatchSet})},
					&ssm.PatchBaselineApprovalRulePatchFilterArgs{Key: pulumi.String("PRODUCT_FAMILY"), Values: pulumi.ToStringArray([]string{SQLServerFamily})},
					&ssm.PatchBaselineApprovalRulePatchFilterArgs{Key: pulumi.String("PRODUCT"), Values: pulumi.ToStringArray([]string{AllProducts})},
				},
			},
		},
		Tags: h.tags(h.name + "-patch-baseline"),
	}, h.opts...)
	if err != nil {
		return err
	}
	if _, err := ssm.NewPatchGroup(ctx, h.name+"-patch-group", &ssm.PatchGroupArgs{
		BaselineId: baseline.ID(),
		PatchGroup: pulumi.String(h.patchGroup()),
	}, h.opts...); err != nil {
		return err
	}
	name := h.name + "-patching"
	window, err := ssm.NewMaintenanceWindow(ctx, name, &ssm.MaintenanceWindowArgs{
		Name:                     pulumi.String(h.physicalName() + "-patching"),
		Description:              pulumi.String("Patching of SQL Server host " + h.name),
		Schedule:                 pulumi.String(h.args.MaintenanceWindowSchedule),
		Duration:                 pulumi.Int(h.args.MaintenanceWindowHours),
		Cutoff:                   pulumi.Int(h.args.MaintenanceWindowCutoffHours),
		AllowUnassociatedTargets: pulumi.Bool(false),
		Enabled:                  pulumi.Bool(true),
		Tags:                     h.tags(name),
	}, h.opts...)
	if err != nil {
		return err
	}
	target, err := ssm.NewMaintenanceWindowTarget(ctx, name, &ssm.MaintenanceWindowTargetArgs{
		WindowId:     window.ID(),
		Name:         pulumi.String(h.physicalName()),
		Description:  pulumi.String("SQL Server host " + h.name),
		ResourceType: pulumi.String("INSTANCE"),
		Targets: ssm.MaintenanceWindowTargetTargetArray{
			&ssm.MaintenanceWindowTargetTargetArgs{Key: pulumi.String("InstanceIds"), Values: pulumi.StringArray{h.Instance.ID()}},
		},
	}, h.opts...)
	if err != nil {
		return err
	}
	param := func(name, value string) ssm.MaintenanceWindowTaskTaskInvocationParametersRunCommandParametersParameterInput {
		return &ssm.MaintenanceWindowTaskTaskInvocationParametersRunCommandParametersParameterArgs{
			Name: pulumi.String(name), Values: pulumi.ToStringArray([]string{value}),
		}
	}
	_, err = ssm.NewMaintenanceWindowTask(ctx, name, &ssm.MaintenanceWindowTaskArgs{
		WindowId:       window.ID(),
		Name:           pulumi.String("install-patches"),
		Description:    pulumi.String("Install approved patches on SQL Server host " + h.name + ", reboot if needed"),
		TaskType:       pulumi.String("RUN_COMMAND"),
		TaskArn:        pulumi.String(PatchDocument),
		Priority:       pulumi.Int(1),
		MaxConcurrency: pulumi.String("1"),
		MaxErrors:      pulumi.String("0"),
		Targets: ssm.MaintenanceWindowTaskTargetArray{
			&ssm.MaintenanceWindowTaskTargetArgs{Key: pulumi.String("WindowTargetIds"), Values: pulumi.StringArray{target.ID()}},
		},
		TaskInvocationParameters: &ssm.MaintenanceWindowTaskTaskInvocationParametersArgs{
			RunCommandParameters: &ssm.MaintenanceWindowTaskTaskInvocationParametersRunCommandParametersArgs{
				TimeoutSeconds: pulumi.Int(600),
				Parameters: ssm.MaintenanceWindowTaskTaskInvocationParametersRunCommandParametersParameterArray{
					param("Operation", "Install"),
					param("RebootOption", "RebootIfNeeded"),
				},
			},
		},
	}, h.opts...)
	return err
}
