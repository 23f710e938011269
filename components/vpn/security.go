package vpn

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/iampolicy"
)

// ssmPolicyARN lets the SSM agent register the host: sessions replace SSH.
const ssmPolicyARN = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"

// securityGroups creates the host's security group: WireGuard's UDP port from each of
// AllowedCIDRs and nothing else inbound (no SSH, no RDP: sessions go through SSM), and all egress,
// which carries both the host's own calls (SSM, Secrets Manager, package repositories) and the
// clients' traffic it forwards into the VPC. Every rule is described.
func (g *VPNGateway) securityGroups(ctx *pulumi.Context) error {
	name := g.name + "-sg"
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       g.args.VPCID,
		Description: pulumi.String("WireGuard VPN gateway " + g.name + ": its UDP port from the allowed networks only"),
		Tags:        g.tags(name),
	}, g.opts...)
	if err != nil {
		return err
	}
	g.securityGroup = sg
	id := sg.ID().ToStringOutput()
	for i, cidr := range g.args.AllowedCIDRs {
		rule := g.name + fmt.Sprintf("-wireguard-%d", i)
		args := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: id,
			IpProtocol:      pulumi.String("udp"),
			FromPort:        pulumi.Int(g.args.ListenPort),
			ToPort:          pulumi.Int(g.args.ListenPort),
			Description:     pulumi.String(fmt.Sprintf("WireGuard UDP %d from %s", g.args.ListenPort, cidr)),
			Tags:            g.tags(rule),
		}
		if netip.MustParsePrefix(cidr).Addr().Is4() {
			args.CidrIpv4 = pulumi.String(cidr)
		} else {
			args.CidrIpv6 = pulumi.String(cidr)
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, rule, args, g.opts...); err != nil {
			return err
		}
	}
	_, err = vpc.NewSecurityGroupEgressRule(ctx, g.name+"-egress", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: id,
		IpProtocol:      pulumi.String("-1"),
		CidrIpv4:        pulumi.String("0.0.0.0/0"),
		Description:     pulumi.String("Clients' traffic forwarded into the VPC, and the host to SSM, Secrets Manager and package repositories"),
		Tags:            g.tags(g.name + "-egress"),
	}, g.opts...)
	return err
}

// instanceRole creates the host's role: the SSM managed-instance policy, an inline policy that
// reads only the private-key secret and decrypts it with the gateway's key through Secrets Manager
// only, and one that reads only the peers' parameter.
func (g *VPNGateway) instanceRole(ctx *pulumi.Context) error {
	name := g.name + "-role"
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("WireGuard VPN gateway " + g.name + ": SSM sessions, its private key and its peers"),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com", nil).String()),
		Tags:             g.tags(name),
	}, g.opts...)
	if err != nil {
		return err
	}
	ssm, err := iam.NewRolePolicyAttachment(ctx, g.name+"-ssm", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(ssmPolicyARN),
	}, g.opts...)
	if err != nil {
		return err
	}
	read, err := iam.NewRolePolicy(ctx, g.name+"-read-key", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: iampolicy.Render(readKeyPolicy, g.secret.Arn, g.keyARN),
	}, g.opts...)
	if err != nil {
		return err
	}
	peers, err := iam.NewRolePolicy(ctx, g.name+"-read-peers", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: iampolicy.Render(readPeersPolicy, g.peers.Arn),
	}, g.opts...)
	if err != nil {
		return err
	}
	g.roleDeps = []pulumi.Resource{ssm, read, peers}
	g.profile, err = iam.NewInstanceProfile(ctx, g.name+"-profile", &iam.InstanceProfileArgs{
		Role: role.Name,
		Tags: g.tags(g.name + "-profile"),
	}, g.opts...)
	return err
}

// readKeyPolicy allows reading one secret ([0], its ARN) and, when a key ARN follows ([1], always
// from the gateway), decrypting with that key only on behalf of Secrets Manager in the secret's
// region.
func readKeyPolicy(v []string) iampolicy.Document {
	statements := []iampolicy.Statement{
		iampolicy.Allow("ReadPrivateKey", []string{"secretsmanager:GetSecretValue"}, v[0]),
	}
	if len(v) > 1 {
		s := iampolicy.Allow("DecryptPrivateKey", []string{"kms:Decrypt"}, v[1])
		s.Condition = map[string]any{"StringEquals": map[string]any{"kms:ViaService": "secretsmanager." + arn.Region(v[0]) + ".amazonaws.com"}}
		statements = append(statements, s)
	}
	return iampolicy.New(statements...)
}

// readPeersPolicy allows reading one SSM parameter ([0], its ARN): the peers'. A String
// parameter needs no KMS permission.
func readPeersPolicy(v []string) iampolicy.Document {
	return iampolicy.New(iampolicy.Allow("ReadPeers", []string{"ssm:GetParameter"}, v[0]))
}
