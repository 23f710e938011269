package certificate

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

const (
	acmCert       = "aws:acm/certificate:Certificate"
	acmValidation = "aws:acm/certificateValidation:CertificateValidation"
	cfRecord      = "cloudflare:index/record:Record"
	zone          = "023e105f4ecef8ad9ca31a8372d0c353"
)

func baseArgs() *CertificateArgs {
	return &CertificateArgs{Domain: "dev.shop.example.com", ZoneID: pulumi.String(zone)}
}

func TestDefaults(t *testing.T) {
	a := baseArgs().withDefaults()
	if !slices.Equal(a.SubjectAlternativeNames, []string{"*.dev.shop.example.com"}) || a.KeyAlgorithm != RSA2048 || a.TTL != 60 {
		t.Errorf("defaults: %+v", a)
	}
	none := &CertificateArgs{Domain: "a.example.com", SubjectAlternativeNames: []string{}}
	if got := none.withDefaults().SubjectAlternativeNames; len(got) != 0 {
		t.Errorf("explicit empty SANs replaced: %v", got)
	}
	var nilArgs *CertificateArgs
	if err := nilArgs.withDefaults().validate(); err == nil || err.Error() != "Domain: is required" {
		t.Errorf("nil args: %v", err)
	}
}

func TestValidationBases(t *testing.T) {
	cases := []struct {
		names []string
		want  []string
	}{
		{[]string{"example.com", "*.example.com"}, []string{"example.com"}},
		{[]string{"example.com", "*.api.example.com"}, []string{"example.com", "api.example.com"}},
		{[]string{"example.com", "*.example.com", "api.example.com", "*.api.example.com"}, []string{"example.com", "api.example.com"}},
	}
	for _, c := range cases {
		if got := ValidationBases(c.names); !slices.Equal(got, c.want) {
			t.Errorf("ValidationBases(%v) = %v, want %v", c.names, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*CertificateArgs)
		want   string
	}{
		{"one label", func(a *CertificateArgs) { a.Domain = "localhost" }, `Domain: "localhost" is not a fully qualified domain`},
		{"upper case", func(a *CertificateArgs) { a.Domain = "Shop.example.com" }, `invalid label "Shop"`},
		{"wildcard domain", func(a *CertificateArgs) { a.Domain = "*.example.com" }, `Domain: "*.example.com" has an invalid label "*"`},
		{"trailing dot", func(a *CertificateArgs) { a.Domain = "example.com." }, `invalid label ""`},
		{"inner wildcard", func(a *CertificateArgs) { a.SubjectAlternativeNames = []string{"api.*.example.com"} }, `SubjectAlternativeNames[0]: "api.*.example.com" has an invalid label "*"`},
		{"duplicate san", func(a *CertificateArgs) { a.SubjectAlternativeNames = []string{"dev.shop.example.com"} }, "is listed twice (or is the Domain)"},
		{"too many", func(a *CertificateArgs) {
			a.SubjectAlternativeNames = nil
			for _, l := range "abcdefghij" {
				a.SubjectAlternativeNames = append(a.SubjectAlternativeNames, string(l)+".example.com")
			}
		}, "11 names in all, ACM allows 10"},
		{"key", func(a *CertificateArgs) { a.KeyAlgorithm = "RSA_4096" }, `KeyAlgorithm: "RSA_4096" is not one of`},
		{"missing zone", func(a *CertificateArgs) { a.ZoneID = nil }, "ZoneID: is required"},
		{"ttl", func(a *CertificateArgs) { a.TTL = 30 }, "TTL: 30 is not between 60 and 86400"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.withDefaults().validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("validate() = %v, want %q", err, c.want)
			}
		})
	}
	if err := baseArgs().withDefaults().validate(); err != nil {
		t.Fatalf("valid args rejected: %v", err)
	}
}

func TestValidateDNSRecords(t *testing.T) {
	target := pulumi.String("k8s-ingress-1234.eu-west-1.elb.amazonaws.com")
	cases := []struct {
		name string
		args DNSRecordsArgs
		want string
	}{
		{"missing zone", DNSRecordsArgs{Records: []DNSRecord{{Name: "a.example.com", Target: target}}}, "ZoneID: is required"},
		{"no records", DNSRecordsArgs{ZoneID: pulumi.String(zone)}, "Records: is empty"},
		{"bad name", DNSRecordsArgs{ZoneID: pulumi.String(zone), Records: []DNSRecord{{Name: "API.example.com", Target: target}}}, `Records[0].Name: "API.example.com" has an invalid label`},
		{"duplicate", DNSRecordsArgs{ZoneID: pulumi.String(zone), Records: []DNSRecord{{Name: "a.example.com", Target: target}, {Name: "a.example.com", Target: target}}}, `Records[1].Name: "a.example.com" is listed twice`},
		{"same resource name", DNSRecordsArgs{ZoneID: pulumi.String(zone), Records: []DNSRecord{{Name: "a-b.example.com", Target: target}, {Name: "a.b.example.com", Target: target}}}, `give the same resource name "a-b-example-com"`},
		{"no target", DNSRecordsArgs{ZoneID: pulumi.String(zone), Records: []DNSRecord{{Name: "a.example.com"}}}, "Records[0].Target: required"},
		{"ttl", DNSRecordsArgs{ZoneID: pulumi.String(zone), TTL: 100000, Records: []DNSRecord{{Name: "a.example.com", Target: target}}}, "TTL: 100000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.args.withDefaults().validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("validate() = %v, want %q", err, c.want)
			}
		})
	}
}

// build runs a program with an AWS and a Cloudflare provider and fn's components.
func build(t *testing.T, deploy bool, fn func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error) *preview.Document {
	t.Helper()
	doc, err := preview.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		cf, err := cloudflare.NewProvider(ctx, "cloudflare", &cloudflare.ProviderArgs{ApiToken: pulumi.ToSecret(pulumi.String("cf-token-plaintext")).(pulumi.StringOutput)})
		if err != nil {
			return err
		}
		return fn(ctx, pulumi.Providers(p, cf))
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func certificate(args *CertificateArgs) func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
	return func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
		c, err := NewCertificate(ctx, "dev", args, opts...)
		if err != nil {
			return err
		}
		ctx.Export("validated", c.ValidatedCertificateARN)
		ctx.Export("arn", c.CertificateARN)
		ctx.Export("domain", c.Domain)
		return nil
	}
}

// Apex and wildcard: one certificate, one validation record (they share the CNAME), one
// validation that waits on it, with the record's name and content from ACM without the dot.
func TestApexAndWildcard(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		args := baseArgs()
		args.Protect = true
		doc := build(t, deploy, certificate(args))
		comp := doc.Get("flowmart:certificate:Certificate", "dev")
		cert := doc.Get(acmCert, "dev-cert")
		if comp == nil || cert == nil || cert.Parent != comp.URN {
			t.Fatalf("deploy=%v: component %v cert %v", deploy, comp, cert)
		}
		in := cert.Inputs
		if in["domainName"] != "dev.shop.example.com" || !slices.Equal(in["subjectAlternativeNames"].([]any), []any{"*.dev.shop.example.com"}) ||
			in["validationMethod"] != "DNS" || in["keyAlgorithm"] != "RSA_2048" || !cert.Protect ||
			in["options"].(map[string]any)["certificateTransparencyLoggingPreference"] != "ENABLED" {
			t.Errorf("certificate: %+v protect=%v", in, cert.Protect)
		}
		if !strings.HasPrefix(cert.Provider, doc.Find("pulumi:providers:aws")[0].URN+"::") {
			t.Errorf("certificate provider %q", cert.Provider)
		}
		records := doc.Find(cfRecord)
		if len(records) != 1 {
			t.Fatalf("deploy=%v: %d validation records, want 1", deploy, len(records))
		}
		rec := records[0]
		if rec.Name != "dev-validation-dev-shop-example-com" || rec.Parent != comp.URN || rec.Protect ||
			!strings.HasPrefix(rec.Provider, doc.Find("pulumi:providers:cloudflare")[0].URN+"::") {
			t.Errorf("record %s parent %s provider %s", rec.Name, rec.Parent, rec.Provider)
		}
		r := rec.Inputs
		if r["type"] != "CNAME" || r["proxied"] != false || r["ttl"] != 60.0 || r["allowOverwrite"] != false || r["zoneId"] != zone {
			t.Errorf("record inputs: %+v", r)
		}
		name, _ := r["name"].(string)
		content, _ := r["content"].(string)
		if !strings.HasPrefix(name, "_") || !strings.HasSuffix(name, ".dev.shop.example.com") || !strings.HasSuffix(content, ".acm-validations.aws") {
			t.Errorf("record name %q content %q: want ACM's values without the trailing dot", name, content)
		}
		v := doc.Get(acmValidation, "dev-validation")
		if v == nil || v.Parent != comp.URN || !slices.Contains(v.Dependencies, rec.URN) || !slices.Contains(v.Dependencies, cert.URN) {
			t.Fatalf("validation: %+v", v)
		}
		if fqdns := v.Inputs["validationRecordFqdns"].([]any); len(fqdns) != 1 || fqdns[0] != name {
			t.Errorf("validation fqdns %v, record %q", fqdns, name)
		}
		arn := doc.Outputs["arn"].(string)
		if !strings.HasPrefix(arn, "arn:aws:acm:eu-west-1:111122223333:certificate/") || doc.Outputs["validated"] != arn || doc.Outputs["domain"] != "dev.shop.example.com" {
			t.Errorf("outputs: %v", doc.Outputs)
		}
	}
}

// Two distinct base names give two records; an EC key and a longer TTL are passed through.
func TestTwoBaseNames(t *testing.T) {
	args := baseArgs()
	args.SubjectAlternativeNames = []string{"*.dev.shop.example.com", "*.api.dev.shop.example.com"}
	args.KeyAlgorithm = ECPrime256v1
	args.TTL = 120
	doc := build(t, true, certificate(args))
	records := doc.Find(cfRecord)
	var names []string
	for _, r := range records {
		names = append(names, r.Name)
		if r.Inputs["proxied"] != false || r.Inputs["ttl"] != 120.0 || strings.HasSuffix(r.Inputs["name"].(string), ".") {
			t.Errorf("%s: %+v", r.Name, r.Inputs)
		}
	}
	if !slices.Equal(names, []string{"dev-validation-dev-shop-example-com", "dev-validation-api-dev-shop-example-com"}) {
		t.Fatalf("records %v", names)
	}
	if !strings.HasSuffix(records[1].Inputs["name"].(string), ".api.dev.shop.example.com") {
		t.Errorf("wildcard-only base picked the wrong option: %v", records[1].Inputs["name"])
	}
	if c := doc.Get(acmCert, "dev-cert"); c.Inputs["keyAlgorithm"] != "EC_prime256v1" || c.Protect {
		t.Errorf("certificate: %+v protect=%v", c.Inputs, c.Protect)
	}
	v := doc.Get(acmValidation, "dev-validation")
	for _, r := range records {
		if !slices.Contains(v.Dependencies, r.URN) {
			t.Errorf("validation does not wait on %s", r.Name)
		}
	}
	if len(v.Inputs["validationRecordFqdns"].([]any)) != 2 {
		t.Errorf("fqdns %v", v.Inputs["validationRecordFqdns"])
	}
}

// The Cloudflare token given to the provider never appears in the preview.
func TestTokenStaysSecret(t *testing.T) {
	doc := build(t, true, certificate(baseArgs()))
	p := doc.Find("pulumi:providers:cloudflare")[0]
	if p.Inputs["apiToken"] != preview.Secret {
		t.Errorf("apiToken = %v", p.Inputs["apiToken"])
	}
}

func TestDNSRecords(t *testing.T) {
	doc := build(t, true, func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
		d, err := NewDNSRecords(ctx, "dev-hosts", &DNSRecordsArgs{
			ZoneID: pulumi.String(zone),
			Records: []DNSRecord{
				{Name: "www.dev.shop.example.com", Target: pulumi.String("k8s-web-1234.eu-west-1.elb.amazonaws.com")},
				{Name: "api.dev.shop.example.com", Target: pulumi.String("k8s-api-5678.eu-west-1.elb.amazonaws.com"), Proxied: true},
			},
		}, opts...)
		if err != nil {
			return err
		}
		ctx.Export("hostnames", d.Hostnames)
		return nil
	})
	comp := doc.Get("flowmart:certificate:DNSRecords", "dev-hosts")
	records := doc.Find(cfRecord)
	if comp == nil || len(records) != 2 {
		t.Fatalf("component %v, %d records", comp, len(records))
	}
	www := doc.Get(cfRecord, "dev-hosts-www-dev-shop-example-com")
	api := doc.Get(cfRecord, "dev-hosts-api-dev-shop-example-com")
	if www == nil || api == nil || www.Parent != comp.URN {
		t.Fatalf("records %v %v", www, api)
	}
	if www.Inputs["type"] != "CNAME" || www.Inputs["proxied"] != false || www.Inputs["ttl"] != 300.0 || www.Inputs["content"] != "k8s-web-1234.eu-west-1.elb.amazonaws.com" || www.Inputs["name"] != "www.dev.shop.example.com" {
		t.Errorf("www: %+v", www.Inputs)
	}
	if api.Inputs["proxied"] != true || api.Inputs["ttl"] != 1.0 {
		t.Errorf("api: %+v", api.Inputs)
	}
	if h := doc.Outputs["hostnames"].(map[string]string); h["www.dev.shop.example.com"] != "www.dev.shop.example.com" {
		t.Errorf("hostnames %v", h)
	}
}
