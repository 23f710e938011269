package preview

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var testOptions = Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333"}

// Invokes reports every lookup, even those Run answers (caller identity), and none for a program
// that takes everything as inputs.
func TestInvokesRecordsEveryLookup(t *testing.T) {
	calls, err := Invokes(func(ctx *pulumi.Context) error {
		_, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
		return err
	}, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls, []string{"aws:index/getCallerIdentity:getCallerIdentity"}) {
		t.Errorf("calls %v", calls)
	}

	calls, err = Invokes(func(ctx *pulumi.Context) error {
		_, err := ec2.NewVpc(ctx, "v", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		return err
	}, testOptions)
	if err != nil || len(calls) != 0 {
		t.Errorf("a program without lookups: calls %v, err %v", calls, err)
	}
}

// RunWithAWS gives the program one explicit AWS provider in the options' region, which its
// resources use.
func TestRunWithAWSPassesOneProvider(t *testing.T) {
	doc, err := RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		_, err := ec2.NewVpc(ctx, "v", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")}, provider)
		return err
	}, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	ps := doc.Find("pulumi:providers:aws")
	if len(ps) != 1 || ps[0].Name != "aws" || ps[0].Inputs["region"] != "eu-west-1" {
		t.Fatalf("providers %+v", ps)
	}
	vpc := doc.Get("aws:ec2/vpc:Vpc", "v")
	if vpc == nil || !strings.HasPrefix(vpc.Provider, ps[0].URN+"::") { // a provider reference is <urn>::<id>
		t.Errorf("vpc provider %q, want %s", vpc.Provider, ps[0].URN)
	}
}
