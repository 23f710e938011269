package vpn

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// routes sends ClientCIDR from each given route table to the host's primary network interface,
// so the private and database subnets answer clients directly (routed mode: no NAT).
func (g *VPNGateway) routes(ctx *pulumi.Context) error {
	for i, table := range g.args.RouteTableIDs {
		if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-route-%d", g.name, i), &ec2.RouteArgs{
			RouteTableId:         table,
			DestinationCidrBlock: pulumi.String(g.args.ClientCIDR),
			NetworkInterfaceId:   g.Instance.PrimaryNetworkInterfaceId,
		}, g.opts...); err != nil {
			return err
		}
	}
	return nil
}

// clusterAccess admits clients to the Kubernetes API: TCP 443 from ClientCIDR on the cluster
// security group. Clients keep their own addresses (routed mode), so the rule is by CIDR.
func (g *VPNGateway) clusterAccess(ctx *pulumi.Context) error {
	if g.args.ClusterSecurityGroupID == nil {
		return nil
	}
	name := g.name + "-cluster-api"
	_, err := vpc.NewSecurityGroupIngressRule(ctx, name, &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: g.args.ClusterSecurityGroupID.ToStringPtrOutput().Elem(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        pulumi.String(g.args.ClientCIDR),
		Description:     pulumi.String("VPN clients of " + g.name + " (" + g.args.ClientCIDR + ") to the Kubernetes API"),
		Tags:            g.tags(name),
	}, g.opts...)
	return err
}

// dnsRecord names the host's private address vpn.<zone> in the private zone, when one is given.
func (g *VPNGateway) dnsRecord(ctx *pulumi.Context) error {
	if g.args.PrivateZoneID == nil {
		return nil
	}
	_, err := route53.NewRecord(ctx, g.name+"-dns", &route53.RecordArgs{
		ZoneId:  g.args.PrivateZoneID.ToStringPtrOutput().Elem(),
		Name:    pulumi.String("vpn." + g.args.PrivateZoneName),
		Type:    pulumi.String("A"),
		Ttl:     pulumi.Int(300),
		Records: pulumi.StringArray{g.Instance.PrivateIp},
	}, g.opts...)
	return err
}
