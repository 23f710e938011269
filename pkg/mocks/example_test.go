package mocks_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
)

// teamMocks is a team's own mocks reusing FlowMart's: it answers the AMI lookup its program
// makes and hands every other lookup and every resource to the embedded *mocks.Mocks.
type teamMocks struct{ *mocks.Mocks }

func (m teamMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token == "aws:ec2/getAmi:getAmi" {
		return resource.PropertyMap{"id": resource.NewProperty("ami-0123456789abcdef0")}, nil
	}
	return m.Mocks.Call(args)
}

// A program with an explicit AWS provider and a VPC runs under the mocks (here embedded in a
// team's own): the VPC gets an EC2 id and an ARN in the mocks' region and account.
func ExampleNew() {
	m := teamMocks{mocks.New("eu-west-1", "111122223333")}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		ami, err := ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{Owners: []string{"amazon"}}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		vpc, err := ec2.NewVpc(ctx, "main", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		pulumi.All(vpc.ID(), vpc.Arn).ApplyT(func(v []any) error {
			fmt.Println("ami:", ami.Id)
			fmt.Println("vpc:", v[0])
			fmt.Println("arn:", v[1])
			return nil
		})
		return nil
	}, pulumi.WithMocks("shop", "dev", m))
	if err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// ami: ami-0123456789abcdef0
	// vpc: vpc-fb068e6c4040cd02f
	// arn: arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-fb068e6c4040cd02f
}
