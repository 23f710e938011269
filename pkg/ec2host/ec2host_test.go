package ec2host

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestAMIIDRe(t *testing.T) {
	for id, ok := range map[string]bool{
		"ami-0abcdef1234567890":  true,  // 17 hex digits, today's ids
		"ami-12345678":           true,  // 8 hex digits, older ids
		"ami-0ABCDEF1234567890":  false, // upper case
		"ami-0abcdef123456789":   false, // 16 digits
		"ami-1234567":            false,
		"ami-0abcdef12345678901": false,
		"ami-0abcdef123456789g":  false,
		"0abcdef1234567890":      false,
		"ami-":                   false,
		"":                       false,
		"\tami-12345678":         false, // leading whitespace
		"ami-12345678\n":         false,
	} {
		if AMIIDRe.MatchString(id) != ok {
			t.Errorf("AMIIDRe.MatchString(%q) = %v, want %v", id, !ok, ok)
		}
	}
}

func TestAMIIgnored(t *testing.T) {
	for _, c := range []struct {
		allow bool
		want  []string
	}{{false, []string{"ami"}}, {true, nil}} {
		if got := AMIIgnored(c.allow); !slices.Equal(got, c.want) {
			t.Errorf("AMIIgnored(%v) = %v, want %v", c.allow, got, c.want)
		}
	}
}

func TestMetadataOptionsAreIMDSv2WithHopLimitOne(t *testing.T) {
	m := MetadataOptions()
	if m.HttpEndpoint != pulumi.String("enabled") || m.HttpTokens != pulumi.String("required") || m.HttpPutResponseHopLimit != pulumi.Int(1) {
		t.Errorf("metadata options %+v", m)
	}
	if m.InstanceMetadataTags != nil || m.HttpProtocolIpv6 != nil {
		t.Errorf("unexpected fields set: %+v", m)
	}
	if MetadataOptions() == m {
		t.Error("MetadataOptions returns a shared value: a caller's change would reach the other host")
	}
}

func TestRootVolume(t *testing.T) {
	tags := pulumi.StringMap{"Name": pulumi.String("h-root")}
	for _, c := range []struct {
		name string
		key  pulumi.StringPtrInput
	}{
		{"default EBS key", nil},
		{"given key", pulumi.String("arn:aws:kms:eu-west-1:111122223333:key/k")},
	} {
		r := RootVolume(60, c.key, tags)
		if r.VolumeType != pulumi.String("gp3") || r.VolumeSize != pulumi.Int(60) || r.Encrypted != pulumi.Bool(true) || r.DeleteOnTermination != pulumi.Bool(true) {
			t.Errorf("%s: root volume %+v", c.name, r)
		}
		if r.KmsKeyId != c.key {
			t.Errorf("%s: kmsKeyId %v, want %v", c.name, r.KmsKeyId, c.key)
		}
		if r.Tags == nil || r.Iops != nil || r.Throughput != nil {
			t.Errorf("%s: tags %v iops %v throughput %v", c.name, r.Tags, r.Iops, r.Throughput)
		}
	}
}
