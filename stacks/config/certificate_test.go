package config_test

import (
	"testing"

	"github.com/flowmart/platform/pkg/preview"
)

// The token is never in a stack file: CI jobs give the Cloudflare provider CLOUDFLARE_API_TOKEN
// from their GitHub Environment, and only a desk deploy sets cloudflareApiToken (as a secret).
func TestCertificatePerEnvironment(t *testing.T) {
	zones := map[string]bool{}
	for _, env := range []string{"dev", "staging", "production"} {
		v := stackValues(t, env)
		if tok := v["flowmart-platform:cloudflareApiToken"]; tok != "" {
			t.Errorf("%s: cloudflareApiToken is %q; the stack files hold no token", env, tok)
		}
		c, err := parse(v)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if c.Certificate.HasAPIToken || len(c.Certificate.ZoneID) != 32 {
			t.Errorf("%s: %+v", env, c.Certificate)
		}
		zones[c.Certificate.ZoneID] = true

		// a desk deploy's secret token is seen as set, its value never read here
		v["flowmart-platform:cloudflareApiToken"] = preview.Secret
		if c, err := parse(v); err != nil || !c.Certificate.HasAPIToken {
			t.Errorf("%s: with the secret token: %+v %v", env, c, err)
		}
	}
	if len(zones) != 3 {
		t.Errorf("environments share a zone: %v", zones)
	}
}
