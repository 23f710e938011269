package config_test

import (
	"testing"
)

// The token is never in a stack file in plain text: the offline preview sees the placeholder only.
func TestCertificatePerEnvironment(t *testing.T) {
	zones := map[string]bool{}
	for _, env := range []string{"dev", "staging", "production"} {
		v := stackValues(t, env)
		if v["flowmart-platform:cloudflareApiToken"] != "[secret]" {
			t.Errorf("%s: cloudflareApiToken is not the secret placeholder", env)
		}
		c, err := parse(v)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if !c.Certificate.HasAPIToken || len(c.Certificate.ZoneID) != 32 {
			t.Errorf("%s: %+v", env, c.Certificate)
		}
		zones[c.Certificate.ZoneID] = true
	}
	if len(zones) != 3 {
		t.Errorf("environments share a zone: %v", zones)
	}
}
