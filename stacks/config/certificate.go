package config

import "regexp"

// Certificate keys.
const (
	KeyCloudflareZoneID   = "cloudflareZoneId"
	KeyCloudflareAPIToken = "cloudflareApiToken" // secret
)

var certificateKeys = []keySpec{
	{KeyCloudflareZoneID, typeString, false},
	{KeyCloudflareAPIToken, typeString, true},
}

var zoneIDRe = regexp.MustCompile(`^[0-9a-f]{32}$`)

// CertificateConfig is the configuration of the Certificate component and its Cloudflare
// provider. The certificate is for Config.Domain and its wildcard.
type CertificateConfig struct {
	// ZoneID is the Cloudflare zone holding Config.Domain.
	ZoneID string
	// HasAPIToken says the secret cloudflareApiToken is set; its value is only ever read as a
	// secret output (see Secret).
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
	if !c.Certificate.HasAPIToken {
		return errorf(KeyCloudflareAPIToken, "required key is missing (set it with `pulumi config set --secret %s <token>`; the token needs Zone DNS edit on the zone)", KeyCloudflareAPIToken)
	}
	return nil
}
