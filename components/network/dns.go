package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// privateZone creates the private hosted zone of the VPC when PrivateZoneName is set. Hosts in the
// VPC resolve its records through the VPC resolver; nothing outside the VPC sees them.
func (n *Network) privateZone(ctx *pulumi.Context) error {
	if n.args.PrivateZoneName == "" {
		return nil
	}
	name := n.name + "-private-zone"
	zone, err := route53.NewZone(ctx, name, &route53.ZoneArgs{
		Name:    pulumi.String(n.args.PrivateZoneName),
		Comment: pulumi.String("Service discovery inside VPC " + n.name + " (managed by Pulumi)"),
		Vpcs:    route53.ZoneVpcArray{&route53.ZoneVpcArgs{VpcId: n.VPC.ID()}},
		Tags:    n.tags(name),
	}, n.opts...)
	n.zone = zone
	return err
}
