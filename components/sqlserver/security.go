package sqlserver

import (
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// sgRule is one security group rule of the host.
type sgRule struct {
	suffix, desc string
	port         int
	cidr         string                // a CIDR, or
	group        pulumi.StringPtrInput // a referenced security group
}

// cidrSlug turns a CIDR into a child-name suffix ("10.50.0.0/16" -> "10-50-0-0-16"): rules are
// named by what they admit, so adding or removing a network never renames another rule.
func cidrSlug(cidr string) string {
	return strings.Trim(strings.NewReplacer(".", "-", "/", "-", ":", "-").Replace(cidr), "-")
}

// securityGroups creates the host's security group. In: 1433 from the cluster's nodes, the VPN
// clients and the on-premises networks, 5022 (mirroring / availability groups) from the
// on-premises networks only; never RDP, never the internet. Out: HTTPS and HTTP (SSM, Secrets
// Manager, CloudWatch, Windows Update, through the NAT gateway), 1433 and 5022 to the on-premises
// networks. Every rule is described.
func (h *SQLServerHost) securityGroups(ctx *pulumi.Context) error {
	name := h.hostName()
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       h.args.VPCID,
		Description: pulumi.String("SQL Server host " + h.name + ": 1433 from the cluster, VPN and on-premises only"),
		Tags:        h.tags(name),
	}, h.opts...)
	if err != nil {
		return err
	}
	h.securityGroup = sg
	ingress := []sgRule{{suffix: "sql-from-nodes", desc: "SQL Server from the cluster's nodes", port: Port, group: h.args.NodeSecurityGroupID.ToStringOutput()}}
	if c := h.args.VPNClientCIDR; c != "" {
		ingress = append(ingress, sgRule{suffix: "sql-from-vpn", desc: "SQL Server from VPN clients " + c, port: Port, cidr: c})
	}
	egress := []sgRule{
		{suffix: "https-out", desc: "HTTPS to AWS APIs (SSM, Secrets Manager, CloudWatch, S3) and Windows Update through the NAT gateway", port: 443, cidr: "0.0.0.0/0"},
		{suffix: "http-out", desc: "HTTP to Windows Update and certificate revocation lists through the NAT gateway", port: 80, cidr: "0.0.0.0/0"},
	}
	for _, c := range h.args.OnPremisesCIDRs {
		s := cidrSlug(c)
		ingress = append(ingress,
			sgRule{suffix: "sql-from-onprem-" + s, desc: "SQL Server replication from on-premises " + c, port: Port, cidr: c},
			sgRule{suffix: "mirroring-from-onprem-" + s, desc: "Availability group / mirroring endpoint from on-premises " + c, port: MirroringPort, cidr: c})
		egress = append(egress,
			sgRule{suffix: "sql-to-onprem-" + s, desc: "SQL Server replication to on-premises " + c, port: Port, cidr: c},
			sgRule{suffix: "mirroring-to-onprem-" + s, desc: "Availability group / mirroring endpoint on-premises " + c, port: MirroringPort, cidr: c})
	}
	for _, r := range ingress {
		name := h.name + "-" + r.suffix
		args := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           sg.ID(),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(r.port),
			ToPort:                    pulumi.Int(r.port),
			Description:               pulumi.String(r.desc),
			ReferencedSecurityGroupId: r.group,
			Tags:                      h.tags(name),
		}
		args.CidrIpv4, args.CidrIpv6 = cidrArgs(r.cidr)
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name, args, h.opts...); err != nil {
			return err
		}
	}
	for _, r := range egress {
		name := h.name + "-" + r.suffix
		args := &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: sg.ID(),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(r.port),
			ToPort:          pulumi.Int(r.port),
			Description:     pulumi.String(r.desc),
			Tags:            h.tags(name),
		}
		args.CidrIpv4, args.CidrIpv6 = cidrArgs(r.cidr)
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name, args, h.opts...); err != nil {
			return err
		}
	}
	return nil
}

// cidrArgs returns the IPv4 or IPv6 CIDR input of a rule (both nil without a CIDR).
func cidrArgs(cidr string) (v4, v6 pulumi.StringPtrInput) {
	if cidr == "" {
		return nil, nil
	}
	if p, err := netip.ParsePrefix(cidr); err == nil && p.Addr().Is6() {
		return nil, pulumi.String(cidr)
	}
	return pulumi.String(cidr), nil
}
