package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/stacks/config"
)

func newNetwork(ctx *pulumi.Context, cfg *config.Config, opts []pulumi.ResourceOption) (*network.Network, error) {
	args := cfg.NetworkArgs()
	return network.NewNetwork(ctx, cfg.Stack, &args, opts...)
}

func exportNetwork(ctx *pulumi.Context, net *network.Network) {
	ctx.Export("vpcId", net.VPCID)
	ctx.Export("vpcCidr", net.VPCCIDR)
	ctx.Export("availabilityZones", net.AvailabilityZones)
	ctx.Export("publicSubnetIds", net.PublicSubnetIDs)
	ctx.Export("privateSubnetIds", net.PrivateSubnetIDs)
	ctx.Export("databaseSubnetIds", net.DatabaseSubnetIDs)
	ctx.Export("natPublicIps", net.NATPublicIPs)
}
