package stacks

import (
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/certificate"
	"github.com/flowmart/platform/stacks/config"
)

// cloudflareProvider is the one Cloudflare provider of the stack, authenticated with the secret
// cloudflareApiToken (config validation guarantees it is set). The token stays a secret output:
// it never appears in plain text in the state, the preview or the logs.
func cloudflareProvider(ctx *pulumi.Context) (*cloudflare.Provider, error) {
	return cloudflare.NewProvider(ctx, "cloudflare", &cloudflare.ProviderArgs{
		ApiToken: config.Secret(ctx, config.KeyCloudflareAPIToken),
	})
}

// newCertificate creates the environment's certificate for its domain and wildcard, validated
// through records in its Cloudflare zone; ACM resources use the AWS provider of opts, records the
// Cloudflare provider.
func newCertificate(ctx *pulumi.Context, cfg *config.Config, opts []pulumi.ResourceOption, cf *cloudflare.Provider) (*certificate.Certificate, error) {
	args := cfg.CertificateArgs()
	return certificate.NewCertificate(ctx, cfg.Stack, &args, append(append([]pulumi.ResourceOption(nil), opts...), pulumi.Providers(cf))...)
}

func exportCertificate(ctx *pulumi.Context, cert *certificate.Certificate) {
	ctx.Export("certificateArn", cert.ValidatedCertificateARN)
}
