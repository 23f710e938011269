package sqlserver

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/ec2host"
	"github.com/flowmart/platform/pkg/protect"
)

// PatchGroupTag is the tag SSM Patch Manager selects a patch group by.
const PatchGroupTag = "Patch Group"

// EditionTag is the instance tag naming the SQL Server edition.
const EditionTag = "SQLServerEdition"

// patchGroup is the host's patch group name (a patch group is registered with one baseline per
// operating system in an account and region, so it is a physical name).
func (h *SQLServerHost) patchGroup() string { return h.physicalName() }

// instance creates the EC2 instance: the pinned AMI (changes to it are ignored, so a new AMI never
// replaces the host; rebuild with `pulumi up --replace <urn>`, the data volumes survive), in the
// database subnet without a public IP or key pair, IMDSv2 only with a hop limit of 1, EBS
// optimized, detailed monitoring, an encrypted gp3 root volume, termination protection when
// Protect. Its user data reads the sa password from Secrets Manager at boot and prepares the
// volumes; it holds the secret's ARN and the volume ids, never the password.
//
// Changes to the user data are ignored, like the AMI (unless AllowAMIReplacement): EC2Launch runs
// it at the first boot only, and the provider applies a changed user data to a running instance
// by stopping and starting it (userDataReplaceOnChange false; pkg/diff/conditions.go), which
// would restart SQL Server for a script that never runs again. A new version of the script thus
// reaches a new instance only (AllowAMIReplacement); what a running host must get from it comes
// through SSM (the host-configuration association).
func (h *SQLServerHost) instance(ctx *pulumi.Context) error {
	name := h.hostName()
	ids := make([]any, 0, len(h.volumes)+1)
	ids = append(ids, h.secret.Arn)
	for _, v := range h.volumes {
		ids = append(ids, v.ID().ToStringOutput())
	}
	drives := h.args.drives()
	script := pulumi.All(ids...).ApplyT(func(v []any) string {
		disks := make([]bootDisk, len(drives))
		for i, d := range drives {
			disks[i] = bootDisk{Device: d.device, VolumeID: v[i+1].(string), Letter: d.letter, Label: d.label}
		}
		return userData(h.name, h.args.Edition, v[0].(string), disks)
	}).(pulumi.StringOutput)
	deps := append([]pulumi.Resource{h.secretVersion}, h.roleDeps...)
	metadata := ec2host.MetadataOptions()
	metadata.InstanceMetadataTags = pulumi.String("disabled") // "Patch Group" has a space, which instance metadata tags refuse
	inst, err := ec2.NewInstance(ctx, name, &ec2.InstanceArgs{
		Ami:                      pulumi.String(h.args.AMIID),
		InstanceType:             pulumi.String(h.args.InstanceType),
		SubnetId:                 h.args.SubnetID,
		AvailabilityZone:         pulumi.String(h.args.AvailabilityZone),
		VpcSecurityGroupIds:      pulumi.StringArray{h.securityGroup.ID()},
		IamInstanceProfile:       h.profile.Name,
		AssociatePublicIpAddress: pulumi.Bool(false),
		EbsOptimized:             pulumi.Bool(true),
		Monitoring:               pulumi.Bool(true),
		DisableApiTermination:    pulumi.Bool(h.args.Protect),
		GetPasswordData:          pulumi.Bool(false),
		MetadataOptions:          metadata,
		RootBlockDevice:          ec2host.RootVolume(h.args.RootVolumeSizeGiB, h.keyARN, h.tags(name+"-root")),
		UserData:                 script,
		Tags: h.tags(name, map[string]string{
			PatchGroupTag: h.patchGroup(),
			EditionTag:    string(h.args.Edition),
		}),
	}, protect.Options(h.args.Protect, h.opts, pulumi.IgnoreChanges(ignored(h.args.AllowAMIReplacement)), pulumi.DependsOn(deps))...)
	h.Instance = inst
	return err
}

// ignored is the instance's ignoreChanges: the AMI and the user data, unless allowReplacement
// lets this deploy rebuild the host on a new AMI with the current boot script.
func ignored(allowReplacement bool) []string {
	if allowReplacement {
		return ec2host.AMIIgnored(true)
	}
	return append(ec2host.AMIIgnored(false), "userData")
}
