package sqlserver

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/alarmtopic"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
)

// cloudWatchAlarmsStatement lets CloudWatch encrypt alarm notifications for the KMS-encrypted SNS
// topic: CloudWatch calls KMS as itself, so the key policy must name it (Amazon SNS Developer
// Guide, "Enable compatibility between event sources from AWS services and encrypted topics").
var cloudWatchAlarmsStatement = alarmtopic.CloudWatchKeyStatement

// KeyPolicy is the policy of the key the host creates: the platform's key policy (kmskey: the
// account's IAM policies decide who uses it), and CloudWatch may encrypt alarm notifications for
// the KMS-encrypted SNS topic.
func KeyPolicy(partition, account string) iampolicy.Document {
	return kmskey.Policy(partition, account, cloudWatchAlarmsStatement)
}

// encryptionKey creates the host's KMS key with rotation, unless one is given. Its policy names
// the account, taken from the instance role's ARN so that the component makes no lookup.
func (h *SQLServerHost) encryptionKey(ctx *pulumi.Context) error {
	if h.args.KMSKeyARN != nil {
		h.keyARN = h.args.KMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	name := h.name + "-key"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description:       "SQL Server host " + h.name + ": volumes, sa secret, backups, alarm topic",
		Alias:             "alias/" + h.physicalName(),
		AccountARN:        h.role.Arn,
		ServiceStatements: []iampolicy.Statement{cloudWatchAlarmsStatement},
		Tags:              h.tags(name),
	}, protect.Options(h.args.Protect, h.opts), h.opts)
	if err != nil {
		return err
	}
	h.keyARN = key.Arn
	return nil
}

// dataVolumes creates the four SQL Server volumes, encrypted gp3 in the host's availability zone.
// They are separate resources so that a rebuilt instance keeps them; the data, log and backup
// volumes take a final snapshot if they are ever deleted.
func (h *SQLServerHost) dataVolumes(ctx *pulumi.Context) error {
	for _, d := range h.args.drives() {
		name := h.name + "-" + d.key
		vol, err := ebs.NewVolume(ctx, name, &ebs.VolumeArgs{
			AvailabilityZone: pulumi.String(h.args.AvailabilityZone),
			Type:             pulumi.String("gp3"),
			Size:             pulumi.Int(d.volume.SizeGiB),
			Iops:             pulumi.Int(d.volume.IOPS),
			Throughput:       pulumi.Int(d.volume.ThroughputMiBps),
			Encrypted:        pulumi.Bool(true),
			KmsKeyId:         h.keyARN,
			FinalSnapshot:    pulumi.Bool(d.backup),
			Tags: h.tags(name, map[string]string{
				"SQLServerVolume": d.key,
				"Drive":           d.letter + ":",
			}),
		}, protect.Options(h.args.Protect, h.opts)...)
		if err != nil {
			return err
		}
		h.volumes = append(h.volumes, vol)
	}
	return nil
}

// attachVolumes attaches each volume to the instance at its device name (xvdf to xvdi). The
// instance is stopped before a volume is detached, so SQL Server never loses a disk while running.
func (h *SQLServerHost) attachVolumes(ctx *pulumi.Context) error {
	for i, d := range h.args.drives() {
		_, err := ec2.NewVolumeAttachment(ctx, h.name+"-"+d.key, &ec2.VolumeAttachmentArgs{
			DeviceName:                  pulumi.String(d.device),
			InstanceId:                  h.Instance.ID(),
			VolumeId:                    h.volumes[i].ID(),
			StopInstanceBeforeDetaching: pulumi.Bool(true),
		}, h.opts...)
		if err != nil {
			return err
		}
	}
	return nil
}
