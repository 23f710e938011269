package mocks

import (
	"fmt"
	"strings"
)

// hostOutputs are the computed outputs of the types both EC2 hosts (SQLServerHost, VPNGateway)
// use: the instance, Secrets Manager secrets, SSM parameters and Route 53 private DNS. Each host's
// own types are in outputs_sqlserver.go and outputs_vpn.go.
var hostOutputs = map[string]outputFunc{
	"aws:ec2/instance:Instance": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "i-" + h[:17]
		ip := testNetIP("10.0.100", h)
		out := map[string]any{
			"arn":                       fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", m.region, m.account, id),
			"privateIp":                 ip,
			"privateDns":                fmt.Sprintf("ip-%s.%s.compute.internal", strings.ReplaceAll(ip, ".", "-"), m.region),
			"primaryNetworkInterfaceId": "eni-" + h[17:34],
			"instanceState":             "running",
			"outpostArn":                "",
			"publicIp":                  "",
			"publicDns":                 "",
		}
		return id, out
	},
	"aws:secretsmanager/secret:Secret": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		arn := fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", m.region, m.account, name, h[:6])
		return arn, map[string]any{"arn": arn, "name": name}
	},
	"aws:secretsmanager/secretVersion:SecretVersion": func(m *Mocks, r *target, h string) (string, map[string]any) {
		secret, _ := r.Inputs["secretId"].(string)
		version := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
		return secret + "|" + version, map[string]any{"arn": secret, "versionId": version, "versionStages": []any{"AWSCURRENT"}}
	},
	"aws:ssm/parameter:Parameter": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/%s", m.region, m.account, strings.TrimPrefix(name, "/")), "version": 1, "tier": "Standard"}
	},
	"aws:route53/zone:Zone": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "Z" + strings.ToUpper(h[:20])
		return id, map[string]any{
			"zoneId":      id,
			"arn":         "arn:aws:route53:::hostedzone/" + id,
			"nameServers": []any{"ns-0.awsdns-00.com.", "ns-512.awsdns-00.net."},
		}
	},
	"aws:route53/record:Record": func(m *Mocks, r *target, h string) (string, map[string]any) {
		zone, _ := r.Inputs["zoneId"].(string)
		name, _ := r.Inputs["name"].(string)
		typ, _ := r.Inputs["type"].(string)
		return zone + "_" + name + "_" + typ, map[string]any{"fqdn": name}
	},
}
