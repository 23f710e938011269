package config_test

import (
	"slices"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
)

// The token is a secure value in every stack file: the loader sees the placeholder only, and the
// key is marked secret.
func TestCertificatePerEnvironment(t *testing.T) {
	zones := map[string]bool{}
	for _, env := range []string{"dev", "staging", "production"} {
		v := stackValues(t, env)
		if v["flowmart-platform:cloudflareApiToken"] != "[secret]" {
			t.Errorf("%s: cloudflareApiToken is not a secure value", env)
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

func TestTokenIsDeclaredSecret(t *testing.T) {
	sf := stackSecretKeys(t, "production")
	if !slices.Contains(sf, "flowmart-platform:cloudflareApiToken") {
		t.Errorf("secret keys %v", sf)
	}
}

func stackSecretKeys(t *testing.T, stack string) []string {
	t.Helper()
	sf, err := preview.LoadStackFile("../..", stack, "")
	if err != nil {
		t.Fatal(err)
	}
	return sf.SecretKeys
}
