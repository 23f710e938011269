package policy

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

var computeRules = []Rule{
	{
		ID:          "FM-EC2-001",
		Description: "instances and launch templates require IMDSv2 (httpTokens required)",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_79", "AVD-AWS-0028", "AVD-AWS-0130", "FSBP EC2.8", "FSBP EC2.170"},
		Types:       []string{TypeInstance, TypeLaunchTemplate},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := get(r.Inputs, "metadataOptions", "httpTokens")
			if unknown(v) || str(v) == "required" {
				return none
			}
			if get(r.Inputs, "metadataOptions", "httpEndpoint") == "disabled" {
				return none
			}
			return []string{fmt.Sprintf("metadataOptions.httpTokens is %q, not \"required\": IMDSv1 lets SSRF steal the role's credentials", str(v))}
		},
	},
	{
		ID:          "FM-EC2-002",
		Description: "every EBS volume and block device is encrypted",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_3", "CKV_AWS_8", "AVD-AWS-0026", "AVD-AWS-0131", "FSBP EC2.3"},
		Types:       []string{TypeVolume, TypeInstance, TypeLaunchTemplate},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			var out []string
			check := func(where string, v any) {
				if unknown(v) || isTrue(v) {
					return
				}
				out = append(out, where+".encrypted is not true")
			}
			switch r.Type {
			case TypeVolume:
				check("volume", r.Inputs["encrypted"])
			case TypeInstance:
				root := r.Inputs["rootBlockDevice"]
				if unknown(root) {
					break
				}
				check("rootBlockDevice", get(object(root), "encrypted"))
				for i, d := range list(r.Inputs["ebsBlockDevices"]) {
					check(fmt.Sprintf("ebsBlockDevices[%d]", i), get(object(d), "encrypted"))
				}
			case TypeLaunchTemplate:
				for i, d := range list(r.Inputs["blockDeviceMappings"]) {
					ebs := get(object(d), "ebs")
					if ebs == nil || unknown(ebs) {
						continue // an instance store or the AMI's own mapping
					}
					check(fmt.Sprintf("blockDeviceMappings[%d].ebs", i), get(object(ebs), "encrypted"))
				}
			}
			return out
		},
	},
	{
		ID:          "FM-EC2-003",
		Description: "no instance has a public IP address (waive it per host, e.g. the VPN gateway)",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_88", "AVD-AWS-0009", "FSBP EC2.9"},
		Types:       []string{TypeInstance, TypeLaunchTemplate, TypeEIP, TypeEIPAssociation},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			in := r.Inputs
			switch r.Type {
			case TypeInstance:
				if isTrue(in["associatePublicIpAddress"]) {
					return []string{"associatePublicIpAddress is true"}
				}
			case TypeLaunchTemplate:
				for i, n := range list(in["networkInterfaces"]) {
					if isTrue(get(object(n), "associatePublicIpAddress")) {
						return []string{fmt.Sprintf("networkInterfaces[%d].associatePublicIpAddress is true", i)}
					}
				}
			case TypeEIP:
				for _, k := range []string{"instance", "networkInterface"} {
					if v := in[k]; str(v) != "" {
						return []string{"Elastic IP is attached to an instance (" + k + " is set)"}
					}
				}
			case TypeEIPAssociation:
				if str(in["instanceId"]) != "" {
					return []string{"Elastic IP association gives an instance a public IP"}
				}
				if str(in["networkInterfaceId"]) != "" {
					return []string{"Elastic IP association gives a network interface a public IP"}
				}
			}
			return none
		},
	},
	{
		ID:          "FM-EC2-004",
		Description: "no secret in instance or launch template user data",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_46", "AVD-AWS-0029"},
		Types:       []string{TypeInstance, TypeLaunchTemplate},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			var out []string
			for _, k := range []string{"userData", "userDataBase64"} {
				v := r.Inputs[k]
				if str(v) == Secret {
					out = append(out, k+" holds a secret value: anyone with ec2:DescribeInstanceAttribute can read user data (fetch it from Secrets Manager at boot)")
					continue
				}
				if what := secretIn(str(v)); what != "" {
					out = append(out, fmt.Sprintf("%s contains %s (fetch secrets from Secrets Manager at boot)", k, what))
				}
			}
			return out
		},
	},
	{
		ID:          "FM-EC2-005",
		Description: "instances have detailed monitoring enabled",
		Enforcement: Advisory,
		Mirrors:     []string{"CKV_AWS_126"},
		Types:       []string{TypeInstance},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["monitoring"]
			if unknown(v) || isTrue(v) {
				return none
			}
			return []string{"monitoring is not true: metrics only every 5 minutes"}
		},
	},
}

// secretPatterns are what a secret in user data looks like. A password assignment only counts
// with a literal value: PASSWORD=$(aws secretsmanager ...) is the right way to do it.
var secretPatterns = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`), "a private key"},
	{regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`), "an AWS access key id"},
	{regexp.MustCompile(`(?i)aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}`), "an AWS secret access key"},
	{regexp.MustCompile(`(?i)\bPrivateKey\s*=\s*[A-Za-z0-9+/]{42,44}=`), "a WireGuard private key"},
	{regexp.MustCompile(`(?i)\b\w*(password|passwd|pwd)\s*[=:]\s*["']?[^\s"'$(){}<>\[\]]{4,}`), "a password assignment"},
	{regexp.MustCompile(`\[secret\]`), "a secret value"},
}

// secretIn returns what kind of secret user data holds, or "". Base64 user data is decoded first.
func secretIn(s string) string {
	if s == "" || s == Unknown {
		return ""
	}
	texts := []string{s}
	if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s)); err == nil && utf8.Valid(b) {
		texts = append(texts, string(b))
	}
	for _, t := range texts {
		for _, p := range secretPatterns {
			if p.re.MatchString(t) {
				return p.what
			}
		}
	}
	return ""
}
