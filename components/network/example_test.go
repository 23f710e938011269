package network_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/pkg/preview"
)

// A VPC across three zones with a NAT gateway per zone, in another team's program. The example
// runs under the offline mocks; in a real program the body is what goes inside pulumi.Run.
func ExampleNewNetwork() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		net, err := network.NewNetwork(ctx, "shop", &network.NetworkArgs{
			Region:             "eu-west-1",
			CIDRBlock:          "10.40.0.0/16",
			AvailabilityZones:  []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"},
			NATStrategy:        network.NATOnePerAZ,
			InterfaceEndpoints: []string{"sts", "logs"},
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("privateSubnetIds", net.PrivateSubnetIDs)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "dev", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range doc.Find("aws:ec2/subnet:Subnet")[:3] {
		fmt.Println(s.Name, s.Inputs["cidrBlock"])
	}
	fmt.Println(len(doc.Find("aws:ec2/natGateway:NatGateway")), "NAT gateways,", len(doc.Find("aws:ec2/vpcEndpoint:VpcEndpoint")), "endpoints")
	// Output:
	// shop-private-eu-west-1a 10.40.0.0/19
	// shop-public-eu-west-1a 10.40.192.0/23
	// shop-database-eu-west-1a 10.40.208.0/23
	// 3 NAT gateways, 5 endpoints
}
