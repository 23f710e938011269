// Command policy is the Pulumi policy pack of the platform: every rule of pkg/policy as a stack
// validation policy, so `pulumi preview --policy-pack ./policy` enforces on a real deploy what
// `platform preview` checks offline.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/flowmart/platform/policy/pack"
)

func main() {
	if err := policyx.Main(func(ctx *pulumi.Context) (policyx.PolicyPack, error) {
		pctx, err := pack.StackContext(ctx.Stack(), ".")
		if err != nil {
			return nil, err
		}
		return pack.New(pctx)
	}); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}
