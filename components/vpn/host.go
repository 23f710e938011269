package vpn

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// host creates the WireGuard instance: the pinned AMI (changes ignored, so a newer AMI never
// replaces it on its own; AMIID says how to move on purpose), IMDSv2 only with a hop limit of 1,
// an encrypted gp3 root volume, source/destination check off (it forwards clients' packets), no
// public address of its own (the Elastic IP gives it one), no key pair (SSM only), detailed
// monitoring, and user data that holds no secret. A change of user data (the peers) replaces the
// host, because user data only runs at first boot; the key, the Elastic IP and the routes follow
// the new host.
func (g *VPNGateway) host(ctx *pulumi.Context) error {
	name := g.name + "-host"
	userData := g.secret.Arn.ApplyT(func(arn string) string {
		return userData(g.name, g.args, arn)
	}).(pulumi.StringOutput)
	deps := append([]pulumi.Resource{g.secretVersion}, g.roleDeps...)
	var err error
	g.Instance, err = ec2.NewInstance(ctx, name, &ec2.InstanceArgs{
		Ami:                      pulumi.String(g.args.AMIID),
		InstanceType:             pulumi.String(g.args.InstanceType),
		SubnetId:                 g.args.SubnetID,
		VpcSecurityGroupIds:      pulumi.StringArray{g.securityGroup.ID().ToStringOutput()},
		IamInstanceProfile:       g.profile.Name,
		AssociatePublicIpAddress: pulumi.Bool(false),
		SourceDestCheck:          pulumi.Bool(false),
		Monitoring:               pulumi.Bool(true),
		MetadataOptions: &ec2.InstanceMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		RootBlockDevice: &ec2.InstanceRootBlockDeviceArgs{
			VolumeType:          pulumi.String("gp3"),
			VolumeSize:          pulumi.Int(g.args.RootVolumeSizeGiB),
			Encrypted:           pulumi.Bool(true),
			DeleteOnTermination: pulumi.Bool(true),
			Tags:                g.tags(name + "-root"),
		},
		UserData:                userData,
		UserDataReplaceOnChange: pulumi.Bool(true),
		Tags:                    g.tags(name),
	}, append(append([]pulumi.ResourceOption(nil), g.opts...),
		pulumi.IgnoreChanges([]string{"ami"}),
		pulumi.DependsOn(deps))...)
	return err
}

// elasticIP gives the host its stable public address. The address is allocated on its own and
// associated separately, so it survives a replacement of the host; both are named name+"-eip",
// the name the stacks' FM-EC2-003 waiver gives.
func (g *VPNGateway) elasticIP(ctx *pulumi.Context) error {
	name := g.name + "-eip"
	var err error
	g.eip, err = ec2.NewEip(ctx, name, &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   g.tags(name),
	}, g.protected()...)
	if err != nil {
		return err
	}
	g.association, err = ec2.NewEipAssociation(ctx, name, &ec2.EipAssociationArgs{
		AllocationId: g.eip.AllocationId,
		InstanceId:   g.Instance.ID(),
	}, g.opts...)
	return err
}

// userData is the host's first-boot script for a gateway named name with validated args, reading
// the private key from the secret secretARN. It holds no secret: the key is fetched through the
// instance role straight into /etc/wireguard/wg0.conf (mode 600, never in a file of its own or on
// a command line). Peers' public keys and addresses are written as given (validation allows no
// shell metacharacter in them). The MTU is pinned to 1420 (1500 minus WireGuard's overhead):
// wg-quick would derive it from the instance's 9001-byte jumbo MTU, too large for the internet.
func userData(name string, a VPNGatewayArgs, secretARN string) string {
	var peers strings.Builder
	for _, p := range a.Peers {
		fmt.Fprintf(&peers, "\n[Peer]\n# %s\nPublicKey = %s\nAllowedIPs = %s\n", p.Name, p.PublicKey, p.AllowedIP)
	}
	return fmt.Sprintf(`#!/bin/bash
# WireGuard VPN gateway %[1]s, written by Pulumi (components/vpn). This script holds no secret:
# the server's private key is read at boot from Secrets Manager through the instance role.
set -euo pipefail

# The Elastic IP and the role's policies arrive just after launch: retry until they answer.
retry() {
  for attempt in $(seq 1 60); do
    "$@" && return 0
    echo "attempt $attempt of $1 failed, retrying in 10s" >&2
    sleep 10
  done
  return 1
}

retry dnf install -y wireguard-tools

cat > /etc/sysctl.d/90-wireguard.conf <<'EOF'
net.ipv4.ip_forward = 1
EOF
sysctl --system

install -d -m 700 /etc/wireguard
umask 077
server_key="$(retry aws secretsmanager get-secret-value --region %[2]s --secret-id '%[3]s' --query SecretString --output text)"
cat > /etc/wireguard/wg0.conf <<EOF
[Interface]
Address = %[4]s
ListenPort = %[5]d
MTU = 1420
PrivateKey = ${server_key}
%[6]sEOF
unset server_key
chmod 600 /etc/wireguard/wg0.conf

systemctl enable --now wg-quick@wg0
`, name, regionOf(secretARN), secretARN, serverAddress(a.ClientCIDR), a.ListenPort, peers.String())
}
