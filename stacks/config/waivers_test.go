package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/flowmart/platform/stacks/config"
)

func TestPolicyWaivers(t *testing.T) {
	const key = "flowmart-platform:policyWaivers"
	c, err := mutate(t, "dev", map[string]string{key: `[{"policy":"FM-EC2-003","resource":"dev-vpn-eip","reason":"the VPN gateway needs a stable public IP"}]`})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Waivers) != 1 || c.Waivers[0].Policy != "FM-EC2-003" || c.Waivers[0].Resource != "dev-vpn-eip" || c.Waivers[0].Reason == "" {
		t.Fatalf("waivers %+v", c.Waivers)
	}
	bad := []struct{ value, key, msg string }{
		{`[{"policy":"FM-EC2-003","resource":"dev-vpn-eip"}]`, "policyWaivers[0].reason", "is empty"},
		{`[{"policy":"FM-EC2-003","resource":"a","reason":"r"},{"policy":"FM-EC2-003","resource":"b","reason":"  "}]`, "policyWaivers[1].reason", "is empty"},
		{`[{"policy":"CKV_AWS_88","resource":"dev-vpn-eip","reason":"r"}]`, "policyWaivers[0].policy", `"CKV_AWS_88" is not a rule id`},
		{`[{"resource":"dev-vpn-eip","reason":"r"}]`, "policyWaivers[0].policy", "is empty"},
		{`[{"policy":"FM-EC2-003","reason":"r"}]`, "policyWaivers[0].resource", "is empty"},
		{`[{"policy":"FM-EC2-003","resource":"x","reason":"r","until":"2026"}]`, "policyWaivers", `unknown field "until"`},
		{`{"policy":"FM-EC2-003"}`, "policyWaivers", "is an object, want a list"},
	}
	for _, b := range bad {
		_, err := mutate(t, "dev", map[string]string{key: b.value})
		var cerr *config.Error
		if !errors.As(err, &cerr) || cerr.Key != b.key || !strings.Contains(cerr.Msg, b.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want %s: ...%s...", b.value, err, b.key, b.msg)
		}
	}
	// Every stack's own waivers are valid and each says why.
	for _, env := range []string{"dev", "staging", "production"} {
		c, err := parse(stackValues(t, env))
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		for _, w := range c.Waivers {
			if len(strings.Fields(w.Reason)) < 3 {
				t.Errorf("%s: waiver %+v has no real reason", env, w)
			}
		}
	}
}
