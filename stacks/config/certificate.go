package config

import "regexp"

// Certificate keys.
const (
	KeyCloudflareZoneID   = "cloudflareZoneId"
	KeyCloudflareAPIToken = "cloudflareApiToken" // secret, optional (CLOUDFLARE_API_TOKEN otherwise)
)

var certificateKeys = []keySpec{
	{KeyCloudflareZoneID, typeString, false},
	{KeyCloudflareAPIToken, typeString, false}, // read only as a secret; optional, so not typed secret (the CLI would require it)
}

var zoneIDRe = regexp.MustCompile(`^[0-9a-f]{32}$`)

// CertificateConfig is the configuration of the Certificate component and its Cloudflare
// provider. The certificate is for Config.Domain and its wildcard.
type CertificateConfig struct {
	// ZoneID is the Cloudflare zone holding Config.Domain.
	ZoneID string
	// HasAPIToken says the secret cloudflareApiToken is set (a deploy from a desk); its value is
	// only ever read as a secret output (see Secret). Unset, the Cloudflare provider takes the
	// token from the environment variable CLOUDFLARE_API_TOKEN, which every CI job gets from its
	// GitHub Environment.
	HasAPIToken bool
}

func readCertificate(r *reader) CertificateConfig {
	return CertificateConfig{
		ZoneID:      r.str(KeyCloudflareZoneID),
		HasAPIToken: r.isSet(KeyCloudflareAPIToken),
	}
}

func (c *Config) validateCertificate() error {
	if c.Certificate.ZoneID == "" {
		return errorf(KeyCloudflareZoneID, "required key is missing (the 32-hex-digit Cloudflare zone id of %s)", c.Domain)
	}
	if !zoneIDRe.MatchString(c.Certificate.ZoneID) {
		return errorf(KeyCloudflareZoneID, "%q is not a Cloudflare zone id (want 32 lower-case hex digits)", c.Certificate.ZoneID)
	}
	return nil
}

// MissingCloudflareToken is the error of a deploy that has neither the secret cloudflareApiToken
// nor the environment variable env (CLOUDFLARE_API_TOKEN): one line naming both.
func MissingCloudflareToken(env string) error {
	return errorf(KeyCloudflareAPIToken, "is not set and %s is empty: export %s (a token with Zone DNS edit on the zone) or set it with `pulumi config set --secret %s <token>`", env, env, KeyCloudflareAPIToken)
}
