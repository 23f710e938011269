package mocks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// seen is an output as the program sees it.
func seen(ctx *pulumi.Context, o pulumi.Output) string {
	r, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
	switch {
	case err != nil:
		return "error: " + err.Error()
	case !r.Known:
		return Unknown
	}
	return fmt.Sprint(r.Value)
}

// Each mode degrades a VPC's answer as documented, in a preview and in an update; the provider
// is answered unchanged, and so is a lookup's failure.
func TestDegradedModes(t *testing.T) {
	type view struct{ id, arn, cidr, account string }
	want := map[string]view{
		"Empty/preview":          {Unknown, Unknown, Unknown, ""},
		"Empty/update":           {"", "", "10.0.0.0/16", ""},
		"NoOutputs/preview":      {"vpc-", Unknown, "10.0.0.0/16", ""},
		"NoOutputs/update":       {"vpc-", "", "10.0.0.0/16", ""},
		"UnknownOutputs/preview": {Unknown, Unknown, "10.0.0.0/16", ""},
		"UnknownOutputs/update":  {"", "", "10.0.0.0/16", ""},
	}
	for _, mode := range Modes {
		for _, dryRun := range []bool{true, false} {
			name := mode.String() + "/update"
			if dryRun {
				name = mode.String() + "/preview"
			}
			t.Run(name, func(t *testing.T) {
				var got view
				var providerID string
				err := pulumi.RunErr(func(ctx *pulumi.Context) error {
					p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String(testRegion)})
					if err != nil {
						return err
					}
					providerID = seen(ctx, p.ID().ToStringOutput())
					vpc, err := ec2.NewVpc(ctx, "main", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")}, pulumi.Provider(p))
					if err != nil {
						return err
					}
					got = view{seen(ctx, vpc.ID().ToStringOutput()), seen(ctx, vpc.Arn), seen(ctx, vpc.CidrBlock.ToStringPtrOutput().Elem()), ""}
					id := aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{}, pulumi.Provider(p))
					got.account = seen(ctx, id.AccountId())
					_, err = ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{}, pulumi.Provider(p))
					if err == nil || !strings.Contains(err.Error(), "no mock answer") {
						t.Errorf("a lookup the mocks fail still fails: %v", err)
					}
					return nil
				}, pulumi.WithMocks("proj", "test", Degraded{Monitor: New(testRegion, testAccount), Mode: mode}), func(info *pulumi.RunInfo) {
					info.DryRun = dryRun
				})
				if err != nil {
					t.Fatal(err)
				}
				w := want[name]
				if strings.HasSuffix(w.id, "-") && strings.HasPrefix(got.id, w.id) {
					got.id = w.id
				}
				if got != w {
					t.Errorf("got %+v, want %+v", got, w)
				}
				if providerID == "" || providerID == Unknown {
					t.Errorf("provider id %q: providers are answered unchanged", providerID)
				}
			})
		}
	}
}
