package certificate

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
)

const fuzzZone = "023e105f4ecef8ad9ca31a8372d0c353"

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args
	fuzzEmpty                   // empty slices and maps
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first name (or record) twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // EC key, protected, proxied records
	fuzzNilInputs               // nil zone and record targets
)

func fuzzString(shape uint8, s string) string {
	if shape&fuzzLong != 0 {
		return strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	return s
}

func fuzzCertificateBase() *CertificateArgs {
	return &CertificateArgs{
		Domain:                  "dev.shop.example.com",
		SubjectAlternativeNames: []string{"*.dev.shop.example.com", "shop.example.com"},
		ZoneID:                  pulumi.String(fuzzZone),
		Tags:                    map[string]string{"team": "platform"},
	}
}

var certificateStrings = []func(a *CertificateArgs, s string){
	func(a *CertificateArgs, s string) { a.Domain = s },
	func(a *CertificateArgs, s string) { a.SubjectAlternativeNames = append(a.SubjectAlternativeNames, s) },
	func(a *CertificateArgs, s string) { a.SubjectAlternativeNames = []string{"*." + s} },
	func(a *CertificateArgs, s string) { a.KeyAlgorithm = KeyAlgorithm(s) },
	func(a *CertificateArgs, s string) { a.ZoneID = pulumi.String(s) },
	func(a *CertificateArgs, s string) { a.Tags = map[string]string{s: s} },
}

func certificateArgs(shape uint8, field uint8, s string, n int64) *CertificateArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzCertificateBase()
	if shape&fuzzZero != 0 {
		a = &CertificateArgs{}
	}
	if i := int(field); i < len(certificateStrings) {
		certificateStrings[i](a, fuzzString(shape, s))
	}
	if n != 0 {
		a.TTL = int(n)
	}
	if shape&fuzzEmpty != 0 {
		a.SubjectAlternativeNames, a.Tags = []string{}, map[string]string{}
	}
	if shape&fuzzNilMaps != 0 {
		a.SubjectAlternativeNames, a.Tags = nil, nil
	}
	if shape&fuzzDuplicate != 0 {
		a.SubjectAlternativeNames = append(a.SubjectAlternativeNames, a.Domain, "*."+a.Domain)
	}
	if shape&fuzzAlternative != 0 {
		a.KeyAlgorithm, a.Protect = ECPrime256v1, true
	}
	if shape&fuzzNilInputs != 0 {
		a.ZoneID = nil
	}
	return a
}

func fuzzRecordsBase() *DNSRecordsArgs {
	return &DNSRecordsArgs{
		ZoneID: pulumi.String(fuzzZone),
		Records: []DNSRecord{
			{Name: "www.dev.shop.example.com", Target: pulumi.String("k8s-web-1234.eu-west-1.elb.amazonaws.com")},
			{Name: "api.dev.shop.example.com", Target: pulumi.String("k8s-api-5678.eu-west-1.elb.amazonaws.com"), Proxied: true},
		},
	}
}

func fuzzRecord(a *DNSRecordsArgs) *DNSRecord {
	if len(a.Records) == 0 {
		a.Records = []DNSRecord{{}}
	}
	return &a.Records[0]
}

var recordsStrings = []func(a *DNSRecordsArgs, s string){
	func(a *DNSRecordsArgs, s string) { fuzzRecord(a).Name = s },
	func(a *DNSRecordsArgs, s string) { fuzzRecord(a).Target = pulumi.String(s) },
	func(a *DNSRecordsArgs, s string) { a.ZoneID = pulumi.String(s) },
	func(a *DNSRecordsArgs, s string) {
		a.Records = append(a.Records, DNSRecord{Name: s + ".dev.shop.example.com", Target: pulumi.String(s)})
	},
	// two names that differ only in what a resource name keeps
	func(a *DNSRecordsArgs, s string) {
		a.Records = append(a.Records, DNSRecord{Name: s, Target: pulumi.String("a")}, DNSRecord{Name: strings.ToUpper(s), Target: pulumi.String("b")})
	},
}

func recordsArgs(shape uint8, field uint8, s string, n int64) *DNSRecordsArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzRecordsBase()
	if shape&fuzzZero != 0 {
		a = &DNSRecordsArgs{}
	}
	if i := int(field); i < len(recordsStrings) {
		recordsStrings[i](a, fuzzString(shape, s))
	}
	if n != 0 {
		a.TTL = int(n)
	}
	if shape&fuzzEmpty != 0 {
		a.Records = []DNSRecord{}
	}
	if shape&fuzzNilMaps != 0 {
		a.Records = nil
	}
	if shape&fuzzDuplicate != 0 && len(a.Records) > 0 {
		a.Records = append(a.Records, a.Records[0])
	}
	if shape&fuzzAlternative != 0 {
		for i := range a.Records {
			a.Records[i].Proxied = true
		}
	}
	if shape&fuzzNilInputs != 0 {
		a.ZoneID = nil
		for i := range a.Records {
			a.Records[i].Target = nil
		}
	}
	return a
}

// fuzzRun runs construct under monitor with an AWS and a Cloudflare provider: it must
// return nil or a one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, construct func(ctx *pulumi.Context, opts pulumi.ResourceOption) error) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		cf, err := cloudflare.NewProvider(ctx, "cloudflare", &cloudflare.ProviderArgs{ApiToken: pulumi.ToSecret(pulumi.String("cf-token")).(pulumi.StringOutput)})
		if err != nil {
			return err
		}
		err = construct(ctx, pulumi.Providers(p, cf))
		return err
	})
}

// FuzzNewCertificate: whatever the Args, NewCertificate returns nil or an error, in a preview and
// in an update; it never panics.
func FuzzNewCertificate(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", int64(0))                                     // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", int64(0))                               // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", int64(0))                              // zero Args
	f.Add(uint8(fuzzEmpty|fuzzDuplicate), uint8(0), "ünïcode.example", int64(-1)) // duplicates, a unicode domain, a negative TTL
	f.Add(uint8(fuzzNilMaps|fuzzNilInputs|fuzzLong), uint8(2), "a", int64(1)<<40) // nil maps and zone, a long wildcard, a huge TTL
	f.Add(uint8(fuzzAlternative), uint8(5), "owner", int64(60))                   // EC key, protected
	f.Fuzz(func(t *testing.T, shape uint8, field uint8, s string, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, func(ctx *pulumi.Context, opts pulumi.ResourceOption) error {
				_, err := NewCertificate(ctx, "fuzz", certificateArgs(shape, field, s, n), opts)
				return err
			})
		}
	})
}

// FuzzNewDNSRecords: whatever the Args, NewDNSRecords returns nil or an error, in a preview and in
// an update; it never panics.
func FuzzNewDNSRecords(f *testing.F) {
	f.Add(uint8(0), uint8(255), "", int64(0))                                    // the valid base
	f.Add(uint8(fuzzNil), uint8(255), "", int64(0))                              // nil Args
	f.Add(uint8(fuzzZero), uint8(255), "", int64(0))                             // zero Args
	f.Add(uint8(fuzzDuplicate), uint8(4), "Web.dev.shop.example.com", int64(-1)) // duplicates, names differing in case
	f.Add(uint8(fuzzEmpty|fuzzNilInputs|fuzzLong), uint8(3), "ü", int64(1)<<40)  // no records, nil targets, long unicode
	f.Add(uint8(fuzzNilMaps|fuzzAlternative), uint8(1), "", int64(1))            // nil records, proxied, an empty target
	f.Fuzz(func(t *testing.T, shape uint8, field uint8, s string, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, func(ctx *pulumi.Context, opts pulumi.ResourceOption) error {
				_, err := NewDNSRecords(ctx, "fuzz", recordsArgs(shape, field, s, n), opts)
				return err
			})
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestCertificateAndDNSRecordsDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			m := mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}
			fuzzRun(t, m, dryRun, func(ctx *pulumi.Context, opts pulumi.ResourceOption) error {
				c, err := NewCertificate(ctx, "fuzz", fuzzCertificateBase(), opts)
				if err != nil {
					return err
				}
				// the records point at an output of the certificate, missing or unknown here
				_, err = NewDNSRecords(ctx, "fuzz-hosts", &DNSRecordsArgs{ZoneID: pulumi.String(fuzzZone),
					Records: []DNSRecord{{Name: "www.dev.shop.example.com", Target: c.Domain}}}, opts)
				return err
			})
		}
	}
}
