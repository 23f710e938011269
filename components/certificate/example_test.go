package certificate_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/certificate"
	"github.com/flowmart/platform/pkg/preview"
)

// A wildcard certificate for an environment's domain, validated through Cloudflare, and a DNS
// record pointing a host at a load balancer.
func ExampleNewCertificate() {
	program := func(ctx *pulumi.Context) error {
		awsProvider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		cf, err := cloudflare.NewProvider(ctx, "cloudflare", &cloudflare.ProviderArgs{
			ApiToken: pulumi.ToSecret(pulumi.String("token-from-config")).(pulumi.StringOutput),
		})
		if err != nil {
			return err
		}
		zone := pulumi.String("0123456789abcdef0123456789abcdef")
		cert, err := certificate.NewCertificate(ctx, "shop", &certificate.CertificateArgs{
			Domain: "dev.shop.example.com",
			ZoneID: zone,
		}, pulumi.Providers(awsProvider, cf))
		if err != nil {
			return err
		}
		_, err = certificate.NewDNSRecords(ctx, "shop-hosts", &certificate.DNSRecordsArgs{
			ZoneID:  zone,
			Records: []certificate.DNSRecord{{Name: "api.dev.shop.example.com", Target: pulumi.String("lb.elb.amazonaws.com")}},
		}, pulumi.Provider(cf))
		ctx.Export("certificateArn", cert.ValidatedCertificateARN)
		return err
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "dev", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := doc.Find("aws:acm/certificate:Certificate")[0]
	fmt.Println(c.Inputs["domainName"], c.Inputs["subjectAlternativeNames"], c.Inputs["validationMethod"])
	for _, r := range doc.Find("cloudflare:index/record:Record") {
		fmt.Println(r.Name, r.Inputs["type"], "proxied:", r.Inputs["proxied"])
	}
	fmt.Println(len(doc.Find("aws:acm/certificateValidation:CertificateValidation")), "certificate validation")
	// Output:
	// dev.shop.example.com [*.dev.shop.example.com] DNS
	// shop-validation-dev-shop-example-com CNAME proxied: false
	// shop-hosts-api-dev-shop-example-com CNAME proxied: false
	// 1 certificate validation
}
