// Package network provides Network: the VPC of an environment, with public, private and database
// subnets in every availability zone, NAT, routing, VPC endpoints for ECR and S3, flow logs and a
// locked default security group.
//
// # Physical names
//
// The network sets names that must be unique in its account and region: the flow-log group,
// FlowLogGroupName, which defaults to /vpc-flow-logs/<NamePrefix> (NamePrefix defaults to the
// component name; no company name is part of it), and with a private zone the DNS query-log
// group /dns-queries/<NamePrefix>. The private hosted zone is named
// PrivateZoneName, as given (private zones of one name may coexist, one per VPC). Everything
// else is named by AWS (the VPC, subnets, route tables, gateways, Elastic IPs, endpoints, the
// flow log and the log key get ids) or auto-named by Pulumi from its resource name plus a random
// suffix (the endpoints' security group, the flow-log role and its inline policy, the Resolver
// query logging configuration), so it never collides.
// The Name tags carry the resource names; tags need not be unique.
package network

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/cidr"
	"github.com/flowmart/platform/pkg/tags"
)

// networkType is part of every URN: never rename without an alias.
const networkType = "flowmart:network:Network"

// Network is a VPC with its subnets, gateways, routes, endpoints and flow logs.
type Network struct {
	pulumi.ResourceState

	VPCID                   pulumi.IDOutput          `pulumi:"vpcId"`
	VPCCIDR                 pulumi.StringOutput      `pulumi:"vpcCidr"`
	AvailabilityZones       pulumi.StringArrayOutput `pulumi:"availabilityZones"`
	PublicSubnetIDs         pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	PrivateSubnetIDs        pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	DatabaseSubnetIDs       pulumi.StringArrayOutput `pulumi:"databaseSubnetIds"`
	PublicRouteTableIDs     pulumi.StringArrayOutput `pulumi:"publicRouteTableIds"`
	PrivateRouteTableIDs    pulumi.StringArrayOutput `pulumi:"privateRouteTableIds"`
	DatabaseRouteTableIDs   pulumi.StringArrayOutput `pulumi:"databaseRouteTableIds"`
	EndpointSecurityGroupID pulumi.IDOutput          `pulumi:"endpointSecurityGroupId"`
	NATPublicIPs            pulumi.StringArrayOutput `pulumi:"natPublicIps"`
	// PrivateZoneID and PrivateZoneName are the private hosted zone's; empty without
	// NetworkArgs.PrivateZoneName.
	PrivateZoneID   pulumi.StringOutput `pulumi:"privateZoneId"`
	PrivateZoneName pulumi.StringOutput `pulumi:"privateZoneName"`

	// VPC is the underlying VPC, an escape hatch for settings the Args do not cover.
	VPC *ec2.Vpc
	// Subnets holds every subnet by tier and AZ name, e.g. Subnets[cidr.Private]["eu-west-1a"].
	Subnets map[cidr.Tier]map[string]*ec2.Subnet
	// RouteTables holds every route table by tier and AZ name.
	RouteTables map[cidr.Tier]map[string]*ec2.RouteTable

	name string
	args NetworkArgs
	opts []pulumi.ResourceOption // child options: parent is the network
	igw  *ec2.InternetGateway
	nats map[string]*ec2.NatGateway // by AZ name
	eips []pulumi.StringOutput
	sg   *ec2.SecurityGroup
	zone *route53.Zone
	// logKeyARN encrypts the log groups: LogKMSKeyARN or the key logKey creates
	logKeyARN pulumi.StringOutput

	regionChecked pulumi.StringOutput // the provider's region, once it equals Region
}

// NewNetwork creates a Network. Children are named name+"-<role>[-<az>]".
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	a := args.withName(name)
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	n := &Network{name: name, args: a}
	if err := ctx.RegisterComponentResource(networkType, name, n, opts...); err != nil {
		return nil, err
	}
	n.opts = []pulumi.ResourceOption{pulumi.Parent(n)}

	steps := []func(*pulumi.Context) error{
		n.checkRegion,
		n.vpc,
		n.defaultSecurityGroup,
		n.subnets,
		n.internetGateway,
		n.natGateways,
		n.routes,
		n.endpoints,
		n.logKey,
		n.flowLogs,
		n.privateZone,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("network %q: %w", name, err)
		}
	}
	return n, n.registerOutputs(ctx)
}

func (n *Network) tags(resource string, extra ...map[string]string) pulumi.StringMap {
	return tags.Named(n.args.Tags, resource, extra...)
}

// checkRegion compares Region with the region of the AWS provider the network runs with (the
// provider's own answer, no AWS call). The VPC's CIDR waits for the check, so with a mismatch
// nothing is created and the update fails with one line naming both regions: endpoint service
// names and zones would otherwise point at another region.
func (n *Network) checkRegion(ctx *pulumi.Context) error {
	want := n.args.Region
	n.regionChecked = aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, pulumi.Parent(n)).Name().ApplyT(func(got string) (string, error) {
		if got != "" && got != want {
			return "", fmt.Errorf("network %q: Region %q is not the region of its AWS provider (%s): set Region to %s or pass a provider for %s", n.name, want, got, got, want)
		}
		return got, nil
	}).(pulumi.StringOutput)
	return nil
}

func (n *Network) vpc(ctx *pulumi.Context) error {
	name := n.name + "-vpc"
	cidrBlock := n.args.CIDRBlock
	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock:          n.regionChecked.ApplyT(func(string) string { return cidrBlock }).(pulumi.StringOutput),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               n.tags(name),
	}, n.opts...)
	n.VPC = vpc
	return err
}

// defaultSecurityGroup adopts the VPC's default security group and removes all its rules, so
// nothing attached to it by accident gets any traffic.
func (n *Network) defaultSecurityGroup(ctx *pulumi.Context) error {
	name := n.name + "-default-sg"
	_, err := ec2.NewDefaultSecurityGroup(ctx, name, &ec2.DefaultSecurityGroupArgs{
		VpcId: n.VPC.ID(),
		Tags:  n.tags(name),
	}, n.opts...)
	return err
}

// subnetTags are the role tags the AWS Load Balancer Controller uses to discover subnets.
var subnetTags = map[cidr.Tier]map[string]string{
	cidr.Public:  {"kubernetes.io/role/elb": "1"},
	cidr.Private: {"kubernetes.io/role/internal-elb": "1"},
}

// subnetTiers are the tiers a Network creates, in creation order.
var subnetTiers = []cidr.Tier{cidr.Public, cidr.Private, cidr.Database}

func (n *Network) subnets(ctx *pulumi.Context) error {
	plan, err := cidr.Plan(netip.MustParsePrefix(n.args.CIDRBlock), n.args.AvailabilityZones, subnetTiers)
	if err != nil {
		return err
	}
	n.Subnets = map[cidr.Tier]map[string]*ec2.Subnet{}
	for _, s := range plan {
		name := fmt.Sprintf("%s-%s-%s", n.name, s.Tier, s.AZ)
		subnet, err := ec2.NewSubnet(ctx, name, &ec2.SubnetArgs{
			VpcId:               n.VPC.ID(),
			AvailabilityZone:    pulumi.String(s.AZ),
			CidrBlock:           pulumi.String(s.CIDR.String()),
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                n.tags(name, map[string]string{"Tier": string(s.Tier)}, subnetTags[s.Tier]),
		}, n.opts...)
		if err != nil {
			return err
		}
		if n.Subnets[s.Tier] == nil {
			n.Subnets[s.Tier] = map[string]*ec2.Subnet{}
		}
		n.Subnets[s.Tier][s.AZ] = subnet
	}
	return nil
}

func (n *Network) internetGateway(ctx *pulumi.Context) error {
	name := n.name + "-igw"
	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{
		VpcId: n.VPC.ID(),
		Tags:  n.tags(name),
	}, n.opts...)
	n.igw = igw
	return err
}

// natAZs returns the AZs that get a NAT gateway.
func (n *Network) natAZs() []string {
	return n.args.AvailabilityZones[:n.args.NATStrategy.Count(len(n.args.AvailabilityZones))]
}

// natGateways creates the NAT gateways in the public subnets, each with a new or given Elastic IP.
// With NATSingle the gateway sits in the first AZ under the same name it has with NATOnePerAZ, so
// moving from one strategy to the other never replaces it.
func (n *Network) natGateways(ctx *pulumi.Context) error {
	n.nats = map[string]*ec2.NatGateway{}
	for i, az := range n.natAZs() {
		var allocation pulumi.StringInput
		if len(n.args.NATEIPAllocationIDs) > 0 {
			allocation = pulumi.String(n.args.NATEIPAllocationIDs[i])
		} else {
			eipName := fmt.Sprintf("%s-nat-eip-%s", n.name, az)
			eip, err := ec2.NewEip(ctx, eipName, &ec2.EipArgs{
				Domain: pulumi.String("vpc"),
				Tags:   n.tags(eipName),
			}, append(n.opts, pulumi.DependsOn([]pulumi.Resource{n.igw}))...)
			if err != nil {
				return err
			}
			allocation = eip.AllocationId
		}
		name := fmt.Sprintf("%s-nat-%s", n.name, az)
		nat, err := ec2.NewNatGateway(ctx, name, &ec2.NatGatewayArgs{
			AllocationId:     allocation,
			SubnetId:         n.Subnets[cidr.Public][az].ID(),
			ConnectivityType: pulumi.String("public"),
			Tags:             n.tags(name),
		}, append(n.opts, pulumi.DependsOn([]pulumi.Resource{n.igw}))...)
		if err != nil {
			return err
		}
		n.nats[az] = nat
		n.eips = append(n.eips, nat.PublicIp)
	}
	return nil
}

// natFor returns the NAT gateway private subnets of an AZ route through, or nil.
func (n *Network) natFor(az string) *ec2.NatGateway {
	if nat, ok := n.nats[az]; ok {
		return nat
	}
	if azs := n.natAZs(); len(azs) > 0 {
		return n.nats[azs[0]]
	}
	return nil
}

// routes creates one route table per tier and AZ, associates it with its subnet, and adds the
// default route: public to the internet gateway, private to its NAT, database to its NAT only
// with DatabaseEgress.
func (n *Network) routes(ctx *pulumi.Context) error {
	n.RouteTables = map[cidr.Tier]map[string]*ec2.RouteTable{}
	for _, tier := range subnetTiers {
		n.RouteTables[tier] = map[string]*ec2.RouteTable{}
		for _, az := range n.args.AvailabilityZones {
			name := fmt.Sprintf("%s-%s-rt-%s", n.name, tier, az)
			rt, err := ec2.NewRouteTable(ctx, name, &ec2.RouteTableArgs{
				VpcId: n.VPC.ID(),
				Tags:  n.tags(name, map[string]string{"Tier": string(tier)}),
			}, n.opts...)
			if err != nil {
				return err
			}
			n.RouteTables[tier][az] = rt
			if _, err := ec2.NewRouteTableAssociation(ctx, name, &ec2.RouteTableAssociationArgs{
				RouteTableId: rt.ID(),
				SubnetId:     n.Subnets[tier][az].ID(),
			}, n.opts...); err != nil {
				return err
			}
			route := &ec2.RouteArgs{RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0")}
			switch nat := n.natFor(az); {
			case tier == cidr.Public:
				route.GatewayId = n.igw.ID()
			case tier == cidr.Private && nat != nil, tier == cidr.Database && n.args.DatabaseEgress && nat != nil:
				route.NatGatewayId = nat.ID()
			default:
				continue
			}
			if _, err := ec2.NewRoute(ctx, name+"-default", route, n.opts...); err != nil {
				return err
			}
		}
	}
	return nil
}

// ids returns the ids of a tier's resources in AZ-name order.
func ids[R interface{ ID() pulumi.IDOutput }](n *Network, m map[string]R) pulumi.StringArrayOutput {
	var out pulumi.StringArray
	for _, az := range n.args.AvailabilityZones {
		out = append(out, m[az].ID().ToStringOutput())
	}
	return out.ToStringArrayOutput()
}

func (n *Network) registerOutputs(ctx *pulumi.Context) error {
	n.VPCID = n.VPC.ID()
	n.VPCCIDR = n.VPC.CidrBlock
	n.AvailabilityZones = pulumi.ToStringArray(n.args.AvailabilityZones).ToStringArrayOutput()
	n.PublicSubnetIDs = ids(n, n.Subnets[cidr.Public])
	n.PrivateSubnetIDs = ids(n, n.Subnets[cidr.Private])
	n.DatabaseSubnetIDs = ids(n, n.Subnets[cidr.Database])
	n.PublicRouteTableIDs = ids(n, n.RouteTables[cidr.Public])
	n.PrivateRouteTableIDs = ids(n, n.RouteTables[cidr.Private])
	n.DatabaseRouteTableIDs = ids(n, n.RouteTables[cidr.Database])
	n.EndpointSecurityGroupID = n.sg.ID()
	n.NATPublicIPs = pulumi.StringArray(toInputs(n.eips)).ToStringArrayOutput()
	n.PrivateZoneID, n.PrivateZoneName = pulumi.String("").ToStringOutput(), pulumi.String("").ToStringOutput()
	if n.zone != nil {
		n.PrivateZoneID, n.PrivateZoneName = n.zone.ZoneId, n.zone.Name
	}
	return ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":                   n.VPCID,
		"vpcCidr":                 n.VPCCIDR,
		"availabilityZones":       n.AvailabilityZones,
		"publicSubnetIds":         n.PublicSubnetIDs,
		"privateSubnetIds":        n.PrivateSubnetIDs,
		"databaseSubnetIds":       n.DatabaseSubnetIDs,
		"publicRouteTableIds":     n.PublicRouteTableIDs,
		"privateRouteTableIds":    n.PrivateRouteTableIDs,
		"databaseRouteTableIds":   n.DatabaseRouteTableIDs,
		"endpointSecurityGroupId": n.EndpointSecurityGroupID,
		"natPublicIps":            n.NATPublicIPs,
		"privateZoneId":           n.PrivateZoneID,
		"privateZoneName":         n.PrivateZoneName,
	})
}

func toInputs(outs []pulumi.StringOutput) []pulumi.StringInput {
	in := make([]pulumi.StringInput, len(outs))
	for i, o := range outs {
		in[i] = o
	}
	return in
}
