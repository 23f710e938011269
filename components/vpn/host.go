package vpn

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/ec2host"
	"github.com/flowmart/platform/pkg/protect"
)

// host creates the WireGuard instance: the pinned AMI (changes ignored, so a newer AMI never
// replaces it on its own; AMIID says how to move on purpose), IMDSv2 only with a hop limit of 1,
// a gp3 root volume encrypted with the gateway's key, source/destination check off (it forwards
// clients' packets), no public address of its own (the Elastic IP gives it one), no key pair (SSM
// only), detailed monitoring, simplified automatic recovery left on explicitly (recovery.go), and
// user data that holds no secret and no peer.
//
// The root volume's key is ignored like the AMI (hostIgnoreChanges): rootBlockDevice.kmsKeyId
// forces a replacement (pkg/diff/upstream/forcenew.json, aws:ec2/instance:Instance), and a
// gateway created before it had a key of its own has its root volume on the account's default
// EBS key. Such a gateway keeps running on it, untouched, until a deploy with AllowAMIReplacement
// rebuilds it on its key; a new gateway starts on it.
//
// User data depends on this package's code, the gateway's settings and the secret's ARN, never on
// the peers (they are in the peers' parameter), so a change of peers leaves the host alone. A
// change of user data (a new version of this package, or of ClientCIDR or ListenPort) does not
// replace the host (UserDataReplaceOnChange is false): the provider stops and starts it in place,
// and the new script does not run, since cloud-init runs user data at first boot only. To apply
// a new script, `pulumi up --replace <host URN>`; the key, the Elastic IP and the routes follow
// the new host.
func (g *VPNGateway) host(ctx *pulumi.Context) error {
	name := g.name + "-host"
	userData := g.secret.Arn.ApplyT(func(arn string) string {
		return userData(g.name, g.args, arn)
	}).(pulumi.StringOutput)
	deps := append([]pulumi.Resource{g.secretVersion, g.peers}, g.roleDeps...)
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
		MetadataOptions:          ec2host.MetadataOptions(),
		RootBlockDevice:          ec2host.RootVolume(g.args.RootVolumeSizeGiB, g.keyARN, g.tags(name+"-root")),
		MaintenanceOptions:       &ec2.InstanceMaintenanceOptionsArgs{AutoRecovery: pulumi.String("default")},
		UserData:                 userData,
		UserDataReplaceOnChange:  pulumi.Bool(false),
		Tags:                     g.tags(name),
	}, append(append([]pulumi.ResourceOption(nil), g.opts...),
		pulumi.IgnoreChanges(hostIgnoreChanges(g.args.AllowAMIReplacement)),
		pulumi.DependsOn(deps))...)
	return err
}

// hostIgnoreChanges is the host's ignoreChanges: the AMI and the root volume's key, so that
// neither a newly pinned AMI nor a key the volume was not created with replaces the host on its
// own, unless allowReplacement lets this deploy rebuild it (then nothing is ignored).
func hostIgnoreChanges(allowReplacement bool) []string {
	ignored := ec2host.AMIIgnored(allowReplacement)
	if len(ignored) == 0 {
		return nil
	}
	return append(ignored, "rootBlockDevice.kmsKeyId")
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
	}, protect.Options(g.args.Protect, g.opts)...)
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
// the private key from the secret secretARN. It holds no secret and no peer:
//
//   - the key is fetched through the instance role straight into /etc/wireguard/wg0.conf (mode
//     600, never in a file of its own or on a command line), which describes the interface only;
//   - wg-peers.service runs /usr/local/sbin/wg-peers, which reads the peers' SSM parameter and
//     applies it with `wg syncconf` on the interface's own settings (`wg-quick strip wg0`, which
//     keeps the private key and port), then keeps it as /etc/wireguard/peers.conf (mode 600):
//     peers are added, changed and removed without touching the interface or the sessions of
//     unchanged peers. It runs whenever wg-quick@wg0 starts (at boot, just after the interface)
//     and every minute from wg-peers.timer; a failed run (the role not ready yet, a value wg
//     refuses) changes nothing and the next one tries again. Peers need no route of their own:
//     their /32 addresses lie in ClientCIDR, which wg0's address already routes;
//   - dnsmasq forwards DNS from the tunnel address only to the VPC resolver (169.254.169.253),
//     which answers nothing but queries from inside the VPC: clients' queries reach it from the
//     host. It binds that one address (bind-interfaces: not the wildcard, where
//     systemd-resolved's stub also listens), so it starts after wg-quick@wg0 and restarts with
//     it. Only clients reach the address: the security group admits nothing but WireGuard.
//
// The MTU is pinned to 1420 (1500 minus WireGuard's overhead): wg-quick would derive it from the
// instance's 9001-byte jumbo MTU, too large for the internet.
func userData(name string, a VPNGatewayArgs, secretARN string) string {
	return fmt.Sprintf(`#!/bin/bash
# WireGuard VPN gateway %[1]s, written by Pulumi (components/vpn). This script holds no secret:
# the server's private key is read at boot from Secrets Manager through the instance role, and
# the peers every minute from the SSM parameter %[7]s.
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

retry dnf install -y wireguard-tools dnsmasq

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
EOF
unset server_key
chmod 600 /etc/wireguard/wg0.conf

# Peers: from the SSM parameter, applied live when wg0 starts and every minute.
cat > /usr/local/sbin/wg-peers <<'EOF'
#!/bin/bash
# Applies the peers of WireGuard gateway %[1]s from the SSM parameter %[7]s to wg0, live:
# wg syncconf keeps the interface's private key and port (from wg0.conf) and the sessions of
# unchanged peers. Written by Pulumi (components/vpn).
set -euo pipefail
umask 077
new="$(mktemp /etc/wireguard/.peers.XXXXXX)"
trap 'rm -f "$new"' EXIT
aws ssm get-parameter --region %[2]s --name '%[7]s' --query Parameter.Value --output text > "$new"
chmod 600 "$new"
interface="$(wg-quick strip wg0)"
wg syncconf wg0 <(printf '%%s\n\n' "$interface"; cat "$new")
mv -f "$new" /etc/wireguard/peers.conf
EOF
chmod 700 /usr/local/sbin/wg-peers
cat > /etc/systemd/system/wg-peers.service <<'EOF'
[Unit]
Description=WireGuard peers of %[1]s from the SSM parameter %[7]s
Requires=wg-quick@wg0.service
After=wg-quick@wg0.service network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/wg-peers
TimeoutStartSec=50

[Install]
WantedBy=wg-quick@wg0.service
EOF
cat > /etc/systemd/system/wg-peers.timer <<'EOF'
[Unit]
Description=WireGuard peers of %[1]s, every minute

[Timer]
OnCalendar=minutely
AccuracySec=1s

[Install]
WantedBy=timers.target
EOF

# DNS for clients: the VPC resolver only answers from inside the VPC, so the host forwards.
cat > /etc/dnsmasq.conf <<'EOF'
# DNS forwarder of WireGuard gateway %[1]s for its clients, written by Pulumi (components/vpn):
# on the tunnel address only, to the VPC resolver.
listen-address=%[6]s
bind-interfaces
no-resolv
no-hosts
server=169.254.169.253
user=dnsmasq
group=dnsmasq
EOF
install -d /etc/systemd/system/dnsmasq.service.d
cat > /etc/systemd/system/dnsmasq.service.d/wireguard.conf <<'EOF'
[Unit]
# dnsmasq binds wg0's address: it starts after the tunnel and restarts with it
Requires=wg-quick@wg0.service
After=wg-quick@wg0.service
EOF

systemctl daemon-reload
systemctl enable wg-peers.service
systemctl enable --now wg-quick@wg0
systemctl enable --now wg-peers.timer dnsmasq.service
`, name, arn.Region(secretARN), secretARN, serverAddress(a.ClientCIDR), a.ListenPort, serverIP(a.ClientCIDR), peersParameter(name, a))
}
