package stacks

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/components/sqlserver"
	"github.com/flowmart/platform/components/vpn"
	"github.com/flowmart/platform/pkg/cidr"
	"github.com/flowmart/platform/stacks/config"
)

// newSQLServer creates the SQL Server host in the database subnet of its zone: nodes and VPN
// clients reach it on 1433, and it registers sqlserver.<privateZoneName> in the network's zone.
func newSQLServer(ctx *pulumi.Context, cfg *config.Config, net *network.Network, cl *cluster.Cluster, opts []pulumi.ResourceOption) (*sqlserver.SQLServerHost, error) {
	args := cfg.SQLServerArgs()
	args.VPCID = net.VPCID.ToStringOutput()
	args.SubnetID = net.Subnets[cidr.Database][args.AvailabilityZone].ID().ToStringOutput()
	args.NodeSecurityGroupID = cl.NodeSecurityGroupID.ToStringOutput()
	args.PrivateZoneID = net.PrivateZoneID
	return sqlserver.NewSQLServerHost(ctx, cfg.Stack+"-sqlserver", &args, opts...)
}

// newVPN creates the WireGuard gateway in the first public subnet, routes the client range from
// every private and database route table through it, lets clients reach the cluster API, and
// registers vpn.<privateZoneName>. It takes nothing from the SQL Server host: its private key and
// root volume are encrypted with the gateway's own KMS key, so the VPN exists (and on-call reaches
// the environment) whatever becomes of the other hosts. The interface endpoints admit its client
// range through the network (cfg.NetworkArgs: EndpointClientCIDRs is vpn.clientCidr).
func newVPN(ctx *pulumi.Context, cfg *config.Config, net *network.Network, cl *cluster.Cluster, opts []pulumi.ResourceOption) (*vpn.VPNGateway, error) {
	args := cfg.VPNArgs()
	azs := slices.Sorted(slices.Values(cfg.Network.AvailabilityZones)) // zone-name order, as the network plans them
	args.VPCID = net.VPCID.ToStringOutput()
	args.SubnetID = net.Subnets[cidr.Public][azs[0]].ID().ToStringOutput()
	for _, tier := range []cidr.Tier{cidr.Private, cidr.Database} {
		for _, az := range azs {
			args.RouteTableIDs = append(args.RouteTableIDs, net.RouteTables[tier][az].ID().ToStringOutput())
		}
	}
	args.ClusterSecurityGroupID = cl.ClusterSecurityGroupID.ToStringPtrOutput()
	args.PrivateZoneID = net.PrivateZoneID.ToStringPtrOutput()
	return vpn.NewVPNGateway(ctx, cfg.Stack+"-vpn", &args, opts...)
}

func exportHosts(ctx *pulumi.Context, net *network.Network, sql *sqlserver.SQLServerHost, gw *vpn.VPNGateway) {
	ctx.Export("privateZoneId", net.PrivateZoneID)
	ctx.Export("privateZoneName", net.PrivateZoneName)
	ctx.Export("sqlServerEndpoint", sql.PrivateDNSName)
	ctx.Export("sqlServerPort", sql.Port)
	ctx.Export("sqlServerInstanceId", sql.InstanceID)
	ctx.Export("sqlServerSecretArn", sql.SecretARN)
	ctx.Export("sqlServerSecurityGroupId", sql.SecurityGroupID)
	ctx.Export("sqlServerAlarmTopicArn", sql.AlarmTopicARN)
	ctx.Export("sqlServerBackupVault", sql.BackupVaultName)
	ctx.Export("vpnPublicIp", gw.PublicIP)
	ctx.Export("vpnEndpoint", gw.Endpoint)
	ctx.Export("vpnClientCidr", gw.ClientCIDR)
	ctx.Export("vpnServerPublicKey", gw.ServerPublicKey)
	ctx.Export("vpnClientDns", gw.ClientDNS)
	ctx.Export("vpnClientConfig", gw.ClientConfig)
	// the gateway itself, for an SSM session when a tunnel will not come up
	ctx.Export("vpnInstanceId", gw.InstanceID)
}
