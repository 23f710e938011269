// Package ec2host holds what the platform's EC2 hosts (the SQL Server host and the VPN gateway)
// build the same way: the pinned-AMI rules (the AMI id pattern, the ignoreChanges that keeps a new
// AMI from replacing a host), IMDSv2-only instance metadata and the encrypted gp3 root volume.
// What differs per host (subnets, roles and their policies, user data, tags) stays in its
// component.
package ec2host

import (
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AMIIDRe matches an AMI id: "ami-" and 8 (older images) or 17 lower-case hex digits. Node
// groups' self-managed images are checked with it too.
var AMIIDRe = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)

// AMIIgnored is a host's ignoreChanges: the AMI ("ami"), so that a newly pinned AMI never
// replaces the host on its own, unless allowReplacement lets this deploy move it onto the new
// image (then nothing is ignored).
func AMIIgnored(allowReplacement bool) []string {
	if allowReplacement {
		return nil
	}
	return []string{"ami"}
}

// MetadataOptions is IMDSv2 only (session tokens required) with a hop limit of 1, so that no
// container or forwarded packet on the host reaches the instance role's credentials. The caller
// may set more fields on the result (InstanceMetadataTags).
func MetadataOptions() *ec2.InstanceMetadataOptionsArgs {
	return &ec2.InstanceMetadataOptionsArgs{
		HttpEndpoint:            pulumi.String("enabled"),
		HttpTokens:              pulumi.String("required"),
		HttpPutResponseHopLimit: pulumi.Int(1),
	}
}

// RootVolume is an encrypted gp3 root volume of sizeGiB, deleted with the instance (the hosts'
// state lives on separate volumes or in Secrets Manager and SSM, never on the root volume). A nil
// kmsKeyID encrypts it with the account's default EBS key.
func RootVolume(sizeGiB int, kmsKeyID pulumi.StringPtrInput, tags pulumi.StringMapInput) *ec2.InstanceRootBlockDeviceArgs {
	return &ec2.InstanceRootBlockDeviceArgs{
		VolumeType:          pulumi.String("gp3"),
		VolumeSize:          pulumi.Int(sizeGiB),
		Encrypted:           pulumi.Bool(true),
		KmsKeyId:            kmsKeyID,
		DeleteOnTermination: pulumi.Bool(true),
		Tags:                tags,
	}
}
