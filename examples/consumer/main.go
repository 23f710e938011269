// Command acme-platform is the Pulumi program of Acme's environment: pulumi preview / pulumi up in
// this directory (Pulumi.yaml) run it. The shape of the environment is Go code (infra.Production);
// what differs per account comes from the stack configuration.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"example.com/acme/platform/infra"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		env := infra.Production()
		env.AccountID = cfg.Require("accountId")
		env.DeployRoleARN = cfg.Require("deployRoleArn")
		env.CloudflareZoneID = cfg.Require("cloudflareZoneId")
		env.CloudflareAPIToken = cfg.RequireSecret("cloudflareApiToken")
		return infra.Program(env)(ctx)
	})
}
