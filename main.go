// Command flowmart-platform is the Pulumi program of the FlowMart platform's AWS layer (stacks.RunAWS);
// cluster-services/ holds the cluster-services layer.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/stacks"
)

func main() { pulumi.Run(stacks.RunAWS) }
