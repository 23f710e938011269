package sqlserver

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// VSS components, installed by SSM Distributor. AWS Backup does not install them: "AWS Backup
// doesn't automatically install the AwsVssComponents package on your instance" ("Create VSS
// snapshots using AWS Backup", Amazon EC2 User Guide,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-vss-snapshots-backup.html). The EC2
// User Guide installs them with the AWS-ConfigureAWSPackage document, action Install, name
// AwsVssComponents, and recommends the latest version "to improve reliability and performance
// of application-consistent snapshots" (awsdocs/amazon-ec2-user-guide-windows, commit 90bf9e1,
// doc_source/application-consistent-snapshots-getting-started.md, "Download and install VSS
// components"), so the package is not pinned: the association installs the newest one and, on
// its schedule, keeps it installed and current.
const (
	VSSPackage = "AwsVssComponents"
	// VSSSchedule re-applies the VSS association: State Manager runs an association when it is
	// created and then on its schedule ("State Manager associations", AWS Systems Manager User
	// Guide, systems-manager-state.md), which reinstalls a removed package and updates it. Rate
	// expressions of associations run from 30 minutes to less than 31 days, with a singular unit
	// for 1 ("Reference: Cron and rate expressions for Systems Manager",
	// reference-cron-and-rate-expressions.md, the same commit); the host's associations use
	// rate(1 day).
	VSSSchedule = "rate(1 day)"
)

// vssComponents associates the instance with AWS-ConfigureAWSPackage installing AwsVssComponents
// (the VSS requester and provider that an AWS Backup job with WindowsVSS calls), once at creation
// and then daily. Creation waits up to 20 minutes for it to succeed, and the backup selection
// waits for the association, so that the first backup already runs with VSS.
func (h *SQLServerHost) vssComponents(ctx *pulumi.Context) error {
	vss, err := ssm.NewAssociation(ctx, h.name+"-vss-install", &ssm.AssociationArgs{
		AssociationName:              pulumi.String(h.physicalName() + "-vss-install"),
		Name:                         pulumi.String(installDocument),
		Parameters:                   pulumi.StringMap{"action": pulumi.String("Install"), "name": pulumi.String(VSSPackage)},
		Targets:                      h.instanceTarget(),
		ScheduleExpression:           pulumi.String(VSSSchedule),
		WaitForSuccessTimeoutSeconds: pulumi.Int(agentInstallTimeoutSeconds),
	}, h.opts...)
	if err != nil {
		return err
	}
	h.vssDeps = append(h.vssDeps, vss)
	return nil
}

// instanceTarget is the target of the host's associations: its instance.
func (h *SQLServerHost) instanceTarget() ssm.AssociationTargetArray {
	return ssm.AssociationTargetArray{&ssm.AssociationTargetArgs{
		Key: pulumi.String("InstanceIds"), Values: pulumi.StringArray{h.Instance.ID()},
	}}
}
