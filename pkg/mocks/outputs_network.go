package mocks

import (
	"fmt"
	"strings"
)

// networkOutputs are the computed outputs of the Network component's resource types.
var networkOutputs = map[string]outputFunc{
	"aws:ec2/vpc:Vpc": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "vpc-" + h[:17]
		return id, map[string]any{
			"arn":                    fmt.Sprintf("arn:aws:ec2:%s:%s:vpc/%s", m.region, m.account, id),
			"ownerId":                m.account,
			"defaultSecurityGroupId": "sg-" + h[17:34],
			"mainRouteTableId":       "rtb-" + h[17:34],
			"defaultNetworkAclId":    "acl-" + h[17:34],
		}
	},
	"aws:ec2/subnet:Subnet":                               prefixed("subnet", "subnet"),
	"aws:ec2/internetGateway:InternetGateway":             prefixed("igw", "internet-gateway"),
	"aws:ec2/routeTable:RouteTable":                       prefixed("rtb", "route-table"),
	"aws:ec2/routeTableAssociation:RouteTableAssociation": prefixed("rtbassoc", ""),
	"aws:ec2/securityGroup:SecurityGroup":                 prefixed("sg", "security-group"),
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":   prefixed("sg", "security-group"),
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "sgr-" + h[:17]
		return id, map[string]any{"securityGroupRuleId": id, "arn": fmt.Sprintf("arn:aws:ec2:%s:%s:security-group-rule/%s", m.region, m.account, id)}
	},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "sgr-" + h[:17]
		return id, map[string]any{"securityGroupRuleId": id, "arn": fmt.Sprintf("arn:aws:ec2:%s:%s:security-group-rule/%s", m.region, m.account, id)}
	},
	"aws:ec2/flowLog:FlowLog": prefixed("fl", "vpc-flow-log"),
	"aws:ec2/route:Route": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return fmt.Sprintf("r-rtb-%s1080289494", h[:17]), map[string]any{"state": "active"}
	},
	"aws:ec2/eip:Eip": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "eipalloc-" + h[:17]
		return id, map[string]any{"allocationId": id, "publicIp": testNetIP("203.0.113", h), "domain": "vpc"}
	},
	"aws:ec2/natGateway:NatGateway": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return "nat-" + h[:17], map[string]any{"publicIp": testNetIP("198.51.100", h), "privateIp": "10.0.192." + fmt.Sprint(4+int(h[0])%200)}
	},
	"aws:ec2/vpcEndpoint:VpcEndpoint": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "vpce-" + h[:17]
		svc, _ := r.Inputs["serviceName"].(string)
		out := map[string]any{
			"arn":     fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-endpoint/%s", m.region, m.account, id),
			"ownerId": m.account,
			"state":   "available",
		}
		if r.Inputs["vpcEndpointType"] == "Gateway" {
			out["prefixListId"] = "pl-" + h[:8]
		} else {
			host := strings.TrimPrefix(svc, "com.amazonaws."+m.region+".")
			out["dnsEntries"] = []any{map[string]any{
				"dnsName":      fmt.Sprintf("%s-%s.%s.%s.vpce.amazonaws.com", id, h[17:25], host, m.region),
				"hostedZoneId": "Z" + strings.ToUpper(h[:13]),
			}}
		}
		return id, out
	},
}
