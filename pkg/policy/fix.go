package policy

import "strings"

// A violation's fix hint names what the reader writes: on a child of one of the platform's
// components, the component's Args field (and the stack configuration key the stacks map onto it);
// on a resource of the reader's own, the resource's input. Components are recognized by their type
// tokens, which are public contracts; this package imports no component.

// Type tokens of the components whose Args the rules' hints name.
const (
	networkType  = "flowmart:network:Network"
	clusterType  = "flowmart:cluster:Cluster"
	registryType = "flowmart:registry:Registry"
	addonsType   = "flowmart:addons:PlatformAddons"
)

// argsTypes are the Args type of each component, by its type token.
var argsTypes = map[string]string{
	networkType:                        "NetworkArgs",
	clusterType:                        "ClusterArgs",
	registryType:                       "RegistryArgs",
	"flowmart:certificate:Certificate": "CertificateArgs",
	"flowmart:certificate:DNSRecords":  "DNSRecordsArgs",
	"flowmart:sqlserver:SQLServerHost": "SQLServerHostArgs",
	"flowmart:vpn:VPNGateway":          "VPNGatewayArgs",
	addonsType:                         "PlatformAddonsArgs",
	"flowmart:cicd:DeployIdentity":     "DeployIdentityArgs",
}

// protectable are the components with a Protect field.
var protectable = []string{
	clusterType, registryType, "flowmart:certificate:Certificate",
	"flowmart:sqlserver:SQLServerHost", "flowmart:vpn:VPNGateway", "flowmart:addons:PlatformAddons",
	"flowmart:cicd:DeployIdentity",
}

// component returns the type token of the nearest component r is a child of, or "" for a resource
// outside the components. The URN carries the types of every ancestor:
// urn:pulumi:<stack>::<project>::<ancestor type>$...$<type>::<name>.
func component(r Resource) string {
	parts := strings.SplitN(r.URN, "::", 4)
	if len(parts) < 4 {
		return ""
	}
	chain := strings.Split(parts[2], "$")
	for i := len(chain) - 2; i >= 0; i-- {
		if _, ok := argsTypes[chain[i]]; ok {
			return chain[i]
		}
	}
	return ""
}

// hint returns the fix of a violation on r: byComponent[its component] when it has one, else raw
// (the resource's own input). Either is returned in parentheses, ready to end a message.
func hint(r Resource, byComponent map[string]string, raw string) string {
	if h, ok := byComponent[component(r)]; ok {
		return " (" + h + ")"
	}
	return " (" + raw + ")"
}

// protectHint is FM-PROT-001's fix: the component's Protect field, or pulumi.Protect.
func protectHint(r Resource) string {
	c := component(r)
	for _, p := range protectable {
		if p == c {
			return " (set " + argsTypes[c] + ".Protect; the stacks set it when environment is production)"
		}
	}
	return " (register it with pulumi.Protect(true))"
}
