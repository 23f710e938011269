// Command flowmart-platform-services is the Pulumi program of the FlowMart platform's
// cluster-services layer (stacks.RunServices): the platform add-ons, their routes and DNS records,
// on the cluster of the AWS layer (the program at the repository root) of the same stack.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/stacks"
)

func main() { pulumi.Run(stacks.RunServices) }
