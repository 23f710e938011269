package stacks

import (
	"os"

	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/certificate"
	"github.com/flowmart/platform/stacks/config"
)

// CloudflareTokenEnv is the environment variable the Cloudflare provider takes its API token
// from when apiToken is not set (pulumi-cloudflare sdk v5.49.1, go/cloudflare/provider.go:32:
// "Alternatively, can be configured using the `CLOUDFLARE_API_TOKEN` environment variable"; the
// Go SDK does not read it itself, so the token never enters the provider's inputs or the state).
// Each job gets it from its GitHub Environment: the DNS-edit token for deploys, a read-only token
// for previews.
const CloudflareTokenEnv = "CLOUDFLARE_API_TOKEN" //nolint:gosec // G101: the variable's name, not a token

// cloudflareProvider is the one Cloudflare provider of the stack. With the secret
// cloudflareApiToken set (a deploy from a desk) it is authenticated with it, a secret output that
// never appears in plain text in the state, the preview or the logs; without it the provider reads
// CLOUDFLARE_API_TOKEN from its environment. A deploy (not a preview) with neither stops here with
// one line naming both (see cloudflareTokenCheck); the offline preview needs neither.
func cloudflareProvider(ctx *pulumi.Context, cfg *config.Config) (*cloudflare.Provider, error) {
	if err := cloudflareTokenCheck(cfg.Certificate.HasAPIToken, ctx.DryRun(), ctx.RunningWithMocks(), os.Getenv(CloudflareTokenEnv)); err != nil {
		return nil, err
	}
	args := &cloudflare.ProviderArgs{}
	if cfg.Certificate.HasAPIToken {
		args.ApiToken = config.Secret(ctx, config.KeyCloudflareAPIToken)
	}
	return cloudflare.NewProvider(ctx, "cloudflare", args)
}

// cloudflareTokenCheck refuses a real deploy (not a preview, not under mocks, where nothing
// reaches Cloudflare) that has neither the secret cloudflareApiToken nor a CLOUDFLARE_API_TOKEN:
// without it the provider would fail on its first record with a message of its own.
func cloudflareTokenCheck(hasKey, dryRun, mocks bool, env string) error {
	if hasKey || dryRun || mocks || env != "" {
		return nil
	}
	return config.MissingCloudflareToken(CloudflareTokenEnv)
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
