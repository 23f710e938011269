package mocks

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// clusterOutputs are the computed outputs of the Cluster component's resource types.
// KMS keys (registryOutputs) and Pod Identity associations (addonsOutputs) are in other tables.
var clusterOutputs = map[string]outputFunc{
	"aws:eks/cluster:Cluster": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		issuer := fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", m.region, strings.ToUpper(h[:32]))
		ca := base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMIIC offline preview CA " + h[:16] + "\n-----END CERTIFICATE-----\n"))
		vpc, _ := r.Inputs["vpcConfig"].(map[string]any)
		out := map[string]any{
			"name":                 name,
			"arn":                  fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", m.region, m.account, name),
			"endpoint":             fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", strings.ToUpper(h[:32]), m.region),
			"certificateAuthority": map[string]any{"data": ca},
			"identities":           []any{map[string]any{"oidcs": []any{map[string]any{"issuer": issuer}}}},
			"status":               "ACTIVE",
			"platformVersion":      "eks.12",
			"kubernetesNetworkConfig": map[string]any{
				"ipFamily": "ipv4", "serviceIpv4Cidr": "172.20.0.0/16",
			},
		}
		vc := map[string]any{"clusterSecurityGroupId": "sg-" + h[32:49], "vpcId": "vpc-" + h[40:57]}
		for k, v := range vpc {
			vc[k] = v
		}
		out["vpcConfig"] = vc
		return name, out
	},
	"aws:eks/nodeGroup:NodeGroup": func(m *Mocks, r *target, h string) (string, map[string]any) {
		ng, _ := r.Inputs["nodeGroupName"].(string)
		return "cluster:" + ng, map[string]any{
			"arn":    fmt.Sprintf("arn:aws:eks:%s:%s:nodegroup/cluster/%s/%s", m.region, m.account, ng, h[:36]),
			"status": "ACTIVE",
		}
	},
	"aws:eks/addon:Addon": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name, _ := r.Inputs["addonName"].(string)
		return "cluster:" + name, map[string]any{"arn": fmt.Sprintf("arn:aws:eks:%s:%s:addon/cluster/%s/%s", m.region, m.account, name, h[:36])}
	},
	"aws:eks/accessEntry:AccessEntry": func(m *Mocks, r *target, h string) (string, map[string]any) {
		p, _ := r.Inputs["principalArn"].(string)
		return "cluster:" + p, map[string]any{"accessEntryArn": fmt.Sprintf("arn:aws:eks:%s:%s:access-entry/cluster/%s", m.region, m.account, h[:36])}
	},
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return "cluster#" + h[:16], map[string]any{"associatedAt": "2026-11-24T00:00:00Z"}
	},
	"aws:ec2/launchTemplate:LaunchTemplate": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "lt-" + h[:17]
		return id, map[string]any{"arn": fmt.Sprintf("arn:aws:ec2:%s:%s:launch-template/%s", m.region, m.account, id), "latestVersion": 1, "defaultVersion": 1}
	},
	"aws:autoscaling/group:Group": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%s:autoScalingGroupName/%s", m.region, m.account, h[:36], name)}
	},
	"aws:iam/instanceProfile:InstanceProfile": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:iam::%s:instance-profile/%s", m.account, name)}
	},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return autoName(r, h), nil
	},
	// the node termination handler's queue: its id is its URL (SQS GetQueueUrl)
	"aws:sqs/queue:Queue": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", m.region, m.account, name)
		return url, map[string]any{"name": name, "url": url, "arn": fmt.Sprintf("arn:aws:sqs:%s:%s:%s", m.region, m.account, name)}
	},
	"aws:cloudwatch/eventRule:EventRule": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", m.region, m.account, name)}
	},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": func(m *Mocks, r *target, h string) (string, map[string]any) {
		arn := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/oidc.eks.%s.amazonaws.com/id/%s", m.account, m.region, strings.ToUpper(h[:32]))
		return arn, map[string]any{"arn": arn}
	},
}
