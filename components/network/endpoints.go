package network

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/cidr"
)

// endpoints creates the S3 gateway endpoint on every private and database route table, and the
// interface endpoints (ecr.api, ecr.dkr and the optional ones) in the private subnets, with private
// DNS and a security group that admits HTTPS from the VPC and from each of EndpointClientCIDRs.
//
// Every range has an ingress rule of its own (vpc.SecurityGroupIngressRule), so adding a client
// range adds a rule and leaves the VPC's rule and the group alone. The group's description still
// says "from inside the VPC only": a description change replaces a security group
// (pkg/diff/upstream/forcenew.json, aws:ec2/securityGroup:SecurityGroup description), and with it
// every endpoint's group, for a word; the rules' descriptions say what each admits.
func (n *Network) endpoints(ctx *pulumi.Context) error {
	var routeTables pulumi.StringArray
	for _, tier := range []cidr.Tier{cidr.Private, cidr.Database} {
		for _, az := range n.args.AvailabilityZones {
			routeTables = append(routeTables, n.RouteTables[tier][az].ID().ToStringOutput())
		}
	}
	s3 := n.name + "-endpoint-s3"
	if _, err := ec2.NewVpcEndpoint(ctx, s3, &ec2.VpcEndpointArgs{
		VpcId:           n.VPC.ID(),
		ServiceName:     pulumi.String("com.amazonaws." + n.args.Region + ".s3"),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   routeTables,
		Tags:            n.tags(s3),
	}, n.opts...); err != nil {
		return err
	}

	sgName := n.name + "-endpoints"
	sg, err := ec2.NewSecurityGroup(ctx, sgName, &ec2.SecurityGroupArgs{
		VpcId:       n.VPC.ID(),
		Description: pulumi.String("Interface VPC endpoints: HTTPS from inside the VPC only"),
		Tags:        n.tags(sgName),
	}, n.opts...)
	if err != nil {
		return err
	}
	n.sg = sg
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, sgName+"-https", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID(),
		Description:     pulumi.String("HTTPS to the endpoints from the VPC"),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        pulumi.String(n.args.CIDRBlock),
		Tags:            n.tags(sgName + "-https"),
	}, n.opts...); err != nil {
		return err
	}
	for i, client := range n.args.EndpointClientCIDRs {
		name := fmt.Sprintf("%s-https-client-%d", sgName, i)
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: sg.ID(),
			Description:     pulumi.String("HTTPS to the endpoints from routed clients " + client + " (such as VPN clients)"),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			CidrIpv4:        pulumi.String(client),
			Tags:            n.tags(name),
		}, n.opts...); err != nil {
			return err
		}
	}

	var subnets pulumi.StringArray
	for _, az := range n.args.AvailabilityZones {
		subnets = append(subnets, n.Subnets[cidr.Private][az].ID().ToStringOutput())
	}
	for _, service := range append(append([]string(nil), RequiredEndpoints...), n.args.InterfaceEndpoints...) {
		name := n.name + "-endpoint-" + strings.ReplaceAll(service, ".", "-")
		if _, err := ec2.NewVpcEndpoint(ctx, name, &ec2.VpcEndpointArgs{
			VpcId:             n.VPC.ID(),
			ServiceName:       pulumi.String("com.amazonaws." + n.args.Region + "." + service),
			VpcEndpointType:   pulumi.String("Interface"),
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         subnets,
			SecurityGroupIds:  pulumi.StringArray{sg.ID().ToStringOutput()},
			Tags:              n.tags(name),
		}, n.opts...); err != nil {
			return err
		}
	}
	return nil
}
