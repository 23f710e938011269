package certificate

import (
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/dnsname"
	"github.com/flowmart/platform/pkg/fielderr"
)

// KeyAlgorithm is the certificate's key algorithm.
type KeyAlgorithm string

const (
	// RSA2048 is an RSA 2048-bit key, understood by every client.
	RSA2048 KeyAlgorithm = "RSA_2048"
	// ECPrime256v1 is an ECDSA P-256 key: smaller and faster handshakes.
	ECPrime256v1 KeyAlgorithm = "EC_prime256v1"
)

// KeyAlgorithms lists the allowed key algorithms.
var KeyAlgorithms = []KeyAlgorithm{RSA2048, ECPrime256v1}

// maxNames is ACM's default quota of domain names in one certificate.
const maxNames = 10

// CertificateArgs configures a Certificate. Fields that decide which resources exist are plain
// values.
type CertificateArgs struct {
	// Domain is the certificate's apex domain, e.g. dev.shop.example.com. Required.
	Domain string
	// SubjectAlternativeNames are further names in the certificate; a wildcard covers one label.
	// Defaults to the wildcard "*."+Domain.
	SubjectAlternativeNames []string
	// KeyAlgorithm is RSA2048 or ECPrime256v1. Defaults to RSA2048.
	KeyAlgorithm KeyAlgorithm
	// ZoneID is the Cloudflare zone that holds the validation records. Required.
	ZoneID pulumi.StringInput
	// TTL is the validation records' TTL in seconds (60 to 86400). Defaults to 60.
	TTL int
	// Protect protects the certificate from deletion. Defaults to false.
	Protect bool
	// Tags are added to the certificate. Defaults to none (the provider's default tags still apply).
	Tags map[string]string
}

func (a *CertificateArgs) withDefaults() CertificateArgs {
	var c CertificateArgs
	if a != nil {
		c = *a
	}
	c.SubjectAlternativeNames = slices.Clone(c.SubjectAlternativeNames)
	if c.SubjectAlternativeNames == nil && c.Domain != "" {
		c.SubjectAlternativeNames = []string{"*." + c.Domain}
	}
	if c.KeyAlgorithm == "" {
		c.KeyAlgorithm = RSA2048
	}
	if c.TTL == 0 {
		c.TTL = 60
	}
	return c
}

// validTTL reports whether ttl is a Cloudflare TTL for an unproxied record.
func validTTL(ttl int) bool { return ttl >= 60 && ttl <= 86400 }

// Validate checks the Args after defaults and returns the first problem as a *fielderr.Error
// naming the field. NewCertificate runs it before registering anything.
func (a *CertificateArgs) Validate() error {
	d := a.withDefaults()
	return d.validate()
}

func (a CertificateArgs) validate() error {
	if a.Domain == "" {
		return fielderr.New("Domain", "is required")
	}
	if err := dnsname.Check(a.Domain, false); err != nil {
		return fielderr.In("Domain", err)
	}
	seen := map[string]bool{a.Domain: true}
	for i, san := range a.SubjectAlternativeNames {
		if err := dnsname.Check(san, true); err != nil {
			return fielderr.In(fielderr.Index("SubjectAlternativeNames", i), err)
		}
		if seen[san] {
			return fielderr.New(fielderr.Index("SubjectAlternativeNames", i), "%q is listed twice (or is the Domain)", san)
		}
		seen[san] = true
	}
	if n := 1 + len(a.SubjectAlternativeNames); n > maxNames {
		return fielderr.New("SubjectAlternativeNames", "%d names in all, ACM allows %d by default", n, maxNames)
	}
	if !slices.Contains(KeyAlgorithms, a.KeyAlgorithm) {
		return fielderr.New("KeyAlgorithm", "%q is not one of RSA_2048, EC_prime256v1", a.KeyAlgorithm)
	}
	if a.ZoneID == nil {
		return fielderr.New("ZoneID", "is required (the Cloudflare zone of %s)", a.Domain)
	}
	if !validTTL(a.TTL) {
		return fielderr.New("TTL", "%d is not between 60 and 86400 seconds", a.TTL)
	}
	return nil
}

// names returns every name of the certificate, the domain first.
func (a CertificateArgs) names() []string {
	return append([]string{a.Domain}, a.SubjectAlternativeNames...)
}

// ValidationBases returns the distinct base names (a wildcard's "*." removed) of the names, in
// order of first appearance: ACM asks for one validation record per base name, so a domain and
// its wildcard share one record.
func ValidationBases(names []string) []string {
	var out []string
	for _, n := range names {
		base := strings.TrimPrefix(n, "*.")
		if !slices.Contains(out, base) {
			out = append(out, base)
		}
	}
	return out
}

// sanitize turns a host name into a resource-name suffix ("*.a.b" -> "wildcard-a-b").
func sanitize(host string) string {
	host = strings.Replace(host, "*", "wildcard", 1)
	return strings.ReplaceAll(host, ".", "-")
}
