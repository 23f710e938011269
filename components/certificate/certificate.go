// Package certificate provides Certificate: an ACM certificate for a domain and its wildcard,
// validated by DNS records in Cloudflare that are planned from the inputs (one per distinct base
// name, so a domain and its wildcard never create the same record twice), and DNSRecords, the
// helper that points host names at a load balancer.
//
// Resources of this package need two providers: the AWS provider for ACM and a Cloudflare
// provider for the records, e.g. pulumi.Providers(awsProvider, cloudflareProvider).
//
// # Physical names
//
// Nothing here is named after the component, so there is no NamePrefix: an ACM certificate has
// no name (ACM gives it an ARN), the validation records are the names ACM asks for
// (_<hash>.<domain>), and DNSRecords creates the host names it is given, in the given Cloudflare
// zone. ACM asks for the same validation record for every certificate of a name in one account,
// and the records never overwrite (AllowOverwrite is off): two stacks in one account need
// distinct domains, or one Certificate they share.
package certificate

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/tags"
)

// certificateType is part of every URN: never rename without an alias.
const certificateType = "flowmart:certificate:Certificate"

// Certificate is a DNS-validated ACM certificate with its Cloudflare validation records.
type Certificate struct {
	pulumi.ResourceState

	// ValidatedCertificateARN is the certificate's ARN once ACM has validated it: consumers (load
	// balancers, ingresses) that use it wait for the validation.
	ValidatedCertificateARN pulumi.StringOutput `pulumi:"validatedCertificateArn"`
	// CertificateARN is the certificate's ARN as soon as it is requested, before validation.
	CertificateARN pulumi.StringOutput `pulumi:"certificateArn"`
	// Domain is the certificate's apex domain.
	Domain pulumi.StringOutput `pulumi:"domain"`

	// Certificate is the underlying ACM certificate, an escape hatch.
	Certificate *acm.Certificate
	// ValidationRecords holds the Cloudflare validation records by base name.
	ValidationRecords map[string]*cloudflare.Record

	name       string
	args       CertificateArgs
	opts       []pulumi.ResourceOption // child options: parent is the certificate
	validation *acm.CertificateValidation
}

// NewCertificate creates a Certificate. Children are named name+"-cert",
// name+"-validation-<base name>" and name+"-validation".
func NewCertificate(ctx *pulumi.Context, name string, args *CertificateArgs, opts ...pulumi.ResourceOption) (*Certificate, error) {
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("certificate %q: %w", name, err)
	}
	c := &Certificate{name: name, args: a, ValidationRecords: map[string]*cloudflare.Record{}}
	if err := ctx.RegisterComponentResource(certificateType, name, c, opts...); err != nil {
		return nil, err
	}
	c.opts = []pulumi.ResourceOption{pulumi.Parent(c)}

	steps := []func(*pulumi.Context) error{
		c.certificate,
		c.validationRecords,
		c.validate,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("certificate %q: %w", name, err)
		}
	}
	return c, c.registerOutputs(ctx)
}

func (c *Certificate) certificate(ctx *pulumi.Context) error {
	name := c.name + "-cert"
	opts := c.opts
	if c.args.Protect {
		opts = append(append([]pulumi.ResourceOption(nil), opts...), pulumi.Protect(true))
	}
	cert, err := acm.NewCertificate(ctx, name, &acm.CertificateArgs{
		DomainName:              pulumi.String(c.args.Domain),
		SubjectAlternativeNames: pulumi.ToStringArray(c.args.SubjectAlternativeNames),
		ValidationMethod:        pulumi.String("DNS"),
		KeyAlgorithm:            pulumi.String(string(c.args.KeyAlgorithm)),
		Options: &acm.CertificateOptionsArgs{
			CertificateTransparencyLoggingPreference: pulumi.String("ENABLED"),
		},
		Tags: tags.Named(c.args.Tags, name),
	}, opts...)
	c.Certificate = cert
	return err
}

// validationRecords creates one CNAME per distinct base name, planned from the inputs so the
// records are known at preview time; their name and content come from ACM once the certificate
// is requested. They stay after validation: ACM re-checks them at every renewal.
func (c *Certificate) validationRecords(ctx *pulumi.Context) error {
	for _, base := range ValidationBases(c.args.names()) {
		option := c.Certificate.DomainValidationOptions.ApplyT(func(opts []acm.CertificateDomainValidationOption) (acm.CertificateDomainValidationOption, error) {
			return selectOption(opts, base)
		}).(acm.CertificateDomainValidationOptionOutput)
		name := c.name + "-validation-" + sanitize(base)
		record, err := cloudflare.NewRecord(ctx, name, &cloudflare.RecordArgs{
			ZoneId:         c.args.ZoneID,
			Name:           option.ResourceRecordName().Elem().ApplyT(trimDot).(pulumi.StringOutput),
			Type:           pulumi.String("CNAME"),
			Content:        option.ResourceRecordValue().Elem().ApplyT(trimDot).(pulumi.StringOutput),
			Proxied:        pulumi.Bool(false),
			Ttl:            pulumi.Int(c.args.TTL),
			AllowOverwrite: pulumi.Bool(false),
			Comment:        pulumi.String("ACM DNS validation of " + base + "; kept for renewals"),
		}, c.opts...)
		if err != nil {
			return err
		}
		c.ValidationRecords[base] = record
	}
	return nil
}

// selectOption returns ACM's validation option for a base name: the one of the name itself, or of
// its wildcard when only the wildcard is in the certificate.
func selectOption(opts []acm.CertificateDomainValidationOption, base string) (acm.CertificateDomainValidationOption, error) {
	for _, o := range opts {
		if o.DomainName != nil && strings.TrimPrefix(*o.DomainName, "*.") == base {
			return o, nil
		}
	}
	return acm.CertificateDomainValidationOption{}, fmt.Errorf("ACM returned no DNS validation option for %s", base)
}

func trimDot(s string) string { return strings.TrimSuffix(s, ".") }

// validate waits for ACM to validate the certificate through the records.
func (c *Certificate) validate(ctx *pulumi.Context) error {
	var fqdns pulumi.StringArray
	var deps []pulumi.Resource
	for _, base := range ValidationBases(c.args.names()) {
		record := c.ValidationRecords[base]
		fqdns = append(fqdns, record.Hostname)
		deps = append(deps, record)
	}
	validation, err := acm.NewCertificateValidation(ctx, c.name+"-validation", &acm.CertificateValidationArgs{
		CertificateArn:        c.Certificate.Arn,
		ValidationRecordFqdns: fqdns,
	}, append(c.opts, pulumi.DependsOn(deps))...)
	c.validation = validation
	return err
}

func (c *Certificate) registerOutputs(ctx *pulumi.Context) error {
	c.ValidatedCertificateARN = c.validation.CertificateArn
	c.CertificateARN = c.Certificate.Arn
	c.Domain = pulumi.String(c.args.Domain).ToStringOutput()
	return ctx.RegisterResourceOutputs(c, pulumi.Map{
		"validatedCertificateArn": c.ValidatedCertificateARN,
		"certificateArn":          c.CertificateARN,
		"domain":                  c.Domain,
	})
}
