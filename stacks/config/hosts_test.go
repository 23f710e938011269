package config_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/flowmart/platform/stacks/config"
)

// Every environment gets both hosts with its own sizes, edition, retention and VPN client range,
// and the private zone defaults to <environment>.internal.
func TestHostsPerEnvironment(t *testing.T) {
	for env, want := range map[string]struct {
		edition, instanceType, clientCIDR string
		retention                         int
	}{
		"dev":        {"Developer", "r6i.large", "172.16.10.0/24", 7},
		"staging":    {"Standard", "r6i.xlarge", "172.16.20.0/24", 14},
		"production": {"Standard", "r6i.2xlarge", "172.16.30.0/24", 35},
	} {
		c, err := parse(stackValues(t, env))
		if err != nil {
			t.Fatal(err)
		}
		s := c.SQLServer
		if s.Edition != want.edition || s.InstanceType != want.instanceType || s.BackupRetentionDays != want.retention || s.AvailabilityZone != "eu-west-1a" {
			t.Errorf("%s: sql server %s %s retention %d az %s", env, s.Edition, s.InstanceType, s.BackupRetentionDays, s.AvailabilityZone)
		}
		if s.Volumes.Data == nil || s.Volumes.Log == nil {
			t.Errorf("%s: the stack file sizes no data or log volume", env)
		}
		if c.VPN.ClientCIDR != want.clientCIDR || len(c.VPN.AllowedCIDRs) == 0 || len(c.VPN.Peers) == 0 {
			t.Errorf("%s: vpn %+v", env, c.VPN)
		}
		// the interface endpoints admit the VPN's range (the network's one client range)
		if n := c.NetworkArgs(); !slices.Equal(n.EndpointClientCIDRs, []string{want.clientCIDR}) {
			t.Errorf("%s: network endpoint client ranges %v, want the VPN's %s", env, n.EndpointClientCIDRs, want.clientCIDR)
		}
		// and the VPN takes no key from another host: it makes its own
		if g := c.VPNArgs(); g.KMSKeyARN != nil {
			t.Errorf("%s: the VPN is given a key %v", env, g.KMSKeyARN)
		}
		if c.Network.PrivateZoneName != env+".internal" || !c.Network.DatabaseEgress {
			t.Errorf("%s: zone %q database egress %v", env, c.Network.PrivateZoneName, c.Network.DatabaseEgress)
		}
	}
}

// The defaults apply when the stack file leaves the keys out.
func TestHostDefaults(t *testing.T) {
	v := maps.Clone(stackValues(t, "staging"))
	v["flowmart-platform:sqlServer"] = `{"amiId":"ami-0b7c3e9f25d1a4068","availabilityZone":"eu-west-1b"}`
	v["flowmart-platform:vpn"] = `{"amiId":"ami-0f4e2d7c1b9a83650","allowedCidrs":["198.51.100.0/24"]}`
	c, err := parse(v)
	if err != nil {
		t.Fatal(err)
	}
	if c.SQLServer.Edition != "Standard" || c.SQLServer.InstanceType != "r6i.xlarge" || c.SQLServer.BackupRetentionDays != 14 || c.SQLServer.AvailabilityZone != "eu-west-1b" {
		t.Errorf("sql server defaults %+v", c.SQLServer)
	}
	if c.VPN.ClientCIDR != "172.16.20.0/24" {
		t.Errorf("vpn client range default %s", c.VPN.ClientCIDR)
	}
}

// Each rule of the sqlServer, vpn and privateZoneName keys, with one failing case: one line naming
// the key and the bad value.
func TestHostValidation(t *testing.T) {
	const p = "flowmart-platform:"
	sql := func(fields string) string { return `{"amiId":"ami-0b7c3e9f25d1a4068"` + fields + `}` }
	vpn := func(fields string) string {
		return `{"amiId":"ami-0f4e2d7c1b9a83650","allowedCidrs":["198.51.100.0/24"]` + fields + `}`
	}
	cases := []struct {
		env    string
		set    map[string]string
		key    string
		substr string
	}{
		{"dev", map[string]string{p + "sqlServer": ""}, "sqlServer.amiId", "required key is missing"},
		{"dev", map[string]string{p + "sqlServer": sql(`,"edition":"Datacenter"`)}, "sqlServer.edition", `"Datacenter" is not one of Developer, Standard, Enterprise`},
		{"production", map[string]string{p + "sqlServer": sql(`,"edition":"Developer"`)}, "sqlServer.edition", `"Developer" is licensed for development and test only`},
		{"dev", map[string]string{p + "sqlServer": sql(`,"availabilityZone":"eu-west-1c"`)}, "sqlServer.availabilityZone", `"eu-west-1c" is not one of availabilityZones`},
		{"dev", map[string]string{p + "sqlServer": sql(`,"backupRetentionDays":-3`)}, "sqlServer.backupRetentionDays", "-3 is outside 1 to 36500"},
		{"dev", map[string]string{p + "sqlServer": sql(`,"onPremisesCidrs":["office"]`)}, "sqlServer.onPremisesCidrs[0]", `"office" is not a CIDR`},
		{"dev", map[string]string{p + "sqlServer": sql(`,"onPremisesCidrs":["0.0.0.0/0"]`)}, "sqlServer.onPremisesCidrs[0]", "is the whole internet: SQL Server is never open to it"},
		{"dev", map[string]string{p + "sqlServer": sql(`,"onPremisesCidrs":["10.10.4.0/24"]`)}, "sqlServer.onPremisesCidrs[0]", "overlaps vpcCidr 10.10.0.0/16"},
		{"dev", map[string]string{p + "sqlServer": sql(`,"volumes":{"data":{"sizeGiB":100},"logs":{"sizeGiB":10}}`)}, "sqlServer", `unknown field "logs"`},
		{"dev", map[string]string{p + "sqlServer": sql(`,"volumes":{"data":"100"}`)}, "sqlServer.volumes.data", "is a string, want an object"},
		{"dev", map[string]string{p + "sqlServer": sql(`,"volumes":{"data":{"sizeGiB":"big"}}`)}, "sqlServer.volumes.data.sizeGiB", "is a string, want a whole number"},
		{"dev", map[string]string{p + "vpn": vpn(`,"listenPort":51820.5`)}, "vpn.listenPort", "is a number, want a whole number"},
		{"dev", map[string]string{p + "vpn": ""}, "vpn.amiId", "required key is missing"},
		{"dev", map[string]string{p + "vpn": vpn(`,"clientCidr":"nope"`)}, "vpn.clientCidr", `"nope" is not an IPv4 CIDR`},
		{"dev", map[string]string{p + "vpn": vpn(`,"clientCidr":"10.10.200.0/24"`)}, "vpn.clientCidr", "overlaps vpcCidr 10.10.0.0/16"},
		{"dev", map[string]string{p + "vpn": vpn(`,"clientCidr":"172.20.5.0/24"`)}, "vpn.clientCidr", "overlaps the cluster's service range"},
		{"dev", map[string]string{p + "vpn": vpn(`,"clientCidr":"172.16.10.1/24"`)}, "vpn.clientCidr", "172.16.10.1/24 is not a network address (did you mean 172.16.10.0/24?)"},
		{"dev", map[string]string{p + "vpn": `{"amiId":"ami-0f4e2d7c1b9a83650"}`}, "vpn.allowedCidrs", "required key is missing"},
		{"dev", map[string]string{p + "vpn": `{"amiId":"ami-0f4e2d7c1b9a83650","allowedCidrs":["0.0.0.0/0"]}`}, "vpn.allowedCidrs[0]", "opens the VPN port to the internet"},
		{"dev", map[string]string{p + "vpn": `{"amiId":"ami-0f4e2d7c1b9a83650","allowedCidrs":["198.51.100.0/33"]}`}, "vpn.allowedCidrs[0]", `"198.51.100.0/33" is not a CIDR`},
		{"dev", map[string]string{p + "privateZoneName": "internal"}, "privateZoneName", "not a fully qualified domain"},
		{"dev", map[string]string{p + "privateZoneName": "dev.shop.example.com"}, "privateZoneName", "would shadow the public domain"},
	}
	for _, c := range cases {
		v := maps.Clone(stackValues(t, c.env))
		for k, val := range c.set {
			if val == "" {
				delete(v, k)
			} else {
				v[k] = val
			}
		}
		_, err := parse(v)
		var cerr *config.Error
		if !errors.As(err, &cerr) || cerr.Key != c.key || !strings.Contains(err.Error(), c.substr) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %v: err = %v, want key %s and %q", c.env, c.set, err, c.key, c.substr)
		}
	}
	// the escape hatch: a VPN open to any source when asked for explicitly
	v := maps.Clone(stackValues(t, "dev"))
	v[p+"vpn"] = `{"amiId":"ami-0f4e2d7c1b9a83650","allowedCidrs":["0.0.0.0/0"],"allowAnySource":true}`
	if _, err := parse(v); err != nil {
		t.Errorf("allowAnySource: %v", err)
	}
}
