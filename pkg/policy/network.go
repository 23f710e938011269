package policy

import (
	"fmt"
	"strings"
)

var networkRules = []Rule{
	{
		ID:          "FM-NET-001",
		Description: "every VPC has a flow log",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV2_AWS_11", "AVD-AWS-0178", "FSBP EC2.6"},
		Types:       []string{TypeVPC},
		Check: func(_ Context, r Resource, all []Resource) []string {
			if len(ownedBy(r, all, TypeFlowLog)) > 0 {
				return none
			}
			return []string{"VPC has no flow log (add an aws:ec2/flowLog:FlowLog with vpcId set to it; a network.Network always has one)"}
		},
	},
	{
		ID:          "FM-NET-002",
		Description: "every VPC's default security group is managed and has no rules",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV2_AWS_12", "FSBP EC2.2"},
		Types:       []string{TypeVPC, TypeDefaultSecurityGroup},
		Check: func(_ Context, r Resource, all []Resource) []string {
			if r.Type == TypeVPC {
				if len(ownedBy(r, all, TypeDefaultSecurityGroup)) == 0 {
					return []string{"VPC's default security group is not managed (adopt it with an aws:ec2/defaultSecurityGroup:DefaultSecurityGroup without rules; a network.Network always does)"}
				}
				return none
			}
			var out []string
			for _, k := range []string{"ingress", "egress"} {
				if n := len(list(r.Inputs[k])); n > 0 && !unknown(r.Inputs[k]) {
					out = append(out, fmt.Sprintf("default security group has %d %s rule(s); it must allow nothing", n, k))
				}
			}
			return out
		},
	},
	{
		ID:          "FM-NET-003",
		Description: "no subnet assigns public IPs on launch",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_130", "AVD-AWS-0164", "FSBP EC2.15"},
		Types:       []string{TypeSubnet},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			if isTrue(r.Inputs["mapPublicIpOnLaunch"]) {
				return []string{"mapPublicIpOnLaunch is true: every instance launched here gets a public IP"}
			}
			return none
		},
	},
	{
		ID:          "FM-NET-004",
		Description: "no ingress from 0.0.0.0/0 or ::/0 to SSH, RDP, SQL Server or all ports",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277", "AVD-AWS-0107", "FSBP EC2.13", "FSBP EC2.14", "FSBP EC2.19"},
		Types:       []string{TypeSecurityGroup, TypeSecurityGroupRule, TypeIngressRule},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			var out []string
			for _, rule := range ingressRules(r) {
				if msg := openToWorld(rule); msg != "" {
					out = append(out, msg)
				}
			}
			return out
		},
	},
	{
		ID:          "FM-NET-005",
		Description: "every security group and security group rule has a description",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_23", "AVD-AWS-0099", "AVD-AWS-0124"},
		Types:       []string{TypeSecurityGroup, TypeDefaultSecurityGroup, TypeSecurityGroupRule, TypeIngressRule, TypeEgressRule},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			var out []string
			if r.Type != TypeDefaultSecurityGroup && undescribed(r.Inputs["description"]) {
				out = append(out, "has no description")
			}
			if r.Type == TypeSecurityGroup || r.Type == TypeDefaultSecurityGroup {
				for _, k := range []string{"ingress", "egress"} {
					for i, e := range list(r.Inputs[k]) {
						if m := object(e); m != nil && undescribed(m["description"]) {
							out = append(out, fmt.Sprintf("%s[%d] has no description", k, i))
						}
					}
				}
			}
			return out
		},
	},
}

func undescribed(v any) bool {
	if unknown(v) {
		return false
	}
	s := strings.TrimSpace(str(v))
	return s == "" || s == "Managed by Pulumi" || s == "Managed by Terraform"
}

// ownedBy returns the resources of a type that belong to r: they depend on r's URN, or, when they
// depend on no resource of r's type at all, they share r's parent component. The dependency is how
// a flow log's vpcId, unknown during a preview, is still traced to its VPC.
func ownedBy(r Resource, all []Resource, typ string) []Resource {
	sameType := map[string]bool{}
	for _, o := range all {
		if o.Type == r.Type {
			sameType[o.URN] = true
		}
	}
	var out []Resource
	for _, o := range ofType(all, typ) {
		if dependsOn(o, r.URN) {
			out = append(out, o)
			continue
		}
		onOther := false
		for _, d := range o.Dependencies {
			if sameType[d] {
				onOther = true
				break
			}
		}
		if !onOther && r.Parent != "" && o.Parent == r.Parent {
			out = append(out, o)
		}
	}
	return out
}

// sgRule is one ingress rule in a common shape, whatever resource it came from.
type sgRule struct {
	where    string // "" for a rule resource, "ingress[2]" for an inline rule
	protocol any
	from, to any
	cidrs    []any
}

// ingressRules extracts the ingress rules a resource declares: a SecurityGroup's inline ingress,
// a SecurityGroupRule of type ingress, or a SecurityGroupIngressRule.
func ingressRules(r Resource) []sgRule {
	in := r.Inputs
	switch r.Type {
	case TypeIngressRule:
		return []sgRule{{protocol: in["ipProtocol"], from: in["fromPort"], to: in["toPort"], cidrs: []any{in["cidrIpv4"], in["cidrIpv6"]}}}
	case TypeSecurityGroupRule:
		if str(in["type"]) != "ingress" {
			return nil
		}
		return []sgRule{{protocol: in["protocol"], from: in["fromPort"], to: in["toPort"], cidrs: append(list(in["cidrBlocks"]), list(in["ipv6CidrBlocks"])...)}}
	case TypeSecurityGroup:
		var out []sgRule
		for i, e := range list(in["ingress"]) {
			m := object(e)
			if m == nil {
				continue
			}
			out = append(out, sgRule{where: fmt.Sprintf("ingress[%d]", i), protocol: m["protocol"], from: m["fromPort"], to: m["toPort"], cidrs: append(list(m["cidrBlocks"]), list(m["ipv6CidrBlocks"])...)})
		}
		return out
	}
	return nil
}

// adminPorts are the ports never open to the internet.
var adminPorts = []struct {
	port int
	name string
}{{22, "SSH"}, {3389, "RDP"}, {1433, "SQL Server"}, {1434, "SQL Server browser"}}

// openToWorld returns why an ingress rule is open to the internet on a dangerous port, or "".
func openToWorld(r sgRule) string {
	world := ""
	for _, c := range r.cidrs {
		if s := str(c); s == "0.0.0.0/0" || s == "::/0" {
			world = s
			break
		}
	}
	if world == "" {
		return ""
	}
	prefix := ""
	if r.where != "" {
		prefix = r.where + ": "
	}
	if unknown(r.protocol) || unknown(r.from) || unknown(r.to) {
		return ""
	}
	if p := strings.ToLower(str(r.protocol)); p == "-1" || p == "all" {
		return fmt.Sprintf("%singress from %s on all ports and protocols", prefix, world)
	}
	if n, ok := number(r.protocol); ok && n == -1 {
		return fmt.Sprintf("%singress from %s on all ports and protocols", prefix, world)
	}
	from, okf := number(r.from)
	to, okt := number(r.to)
	if !okf || !okt {
		return ""
	}
	if from <= 0 && to >= 65535 {
		return fmt.Sprintf("%singress from %s on all ports", prefix, world)
	}
	var hit []string
	for _, p := range adminPorts {
		if float64(p.port) >= from && float64(p.port) <= to {
			hit = append(hit, fmt.Sprintf("%d (%s)", p.port, p.name))
		}
	}
	if len(hit) == 0 {
		return ""
	}
	return fmt.Sprintf("%singress from %s to port %s", prefix, world, strings.Join(hit, ", "))
}
