package policy

import "fmt"

// Route 53 query logging (a QueryLog) logs only the queries that Route 53 receives for a public
// hosted zone. Queries for a private zone are answered by the VPC's Route 53 Resolver, and are
// logged by Resolver query logging: a query logging configuration associated with the VPC
// (Amazon Route 53 Developer Guide, "Public DNS query logging",
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/query-logs.html, and "Resolver query
// logging", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs.html).
var dnsRules = []Rule{
	{
		// KICS "CloudWatch Logging Disabled" (assets/queries/terraform/aws/cloudwatch_logging_disabled,
		// v2.2.0) asks every aws_route53_zone for an aws_route53_query_log, which AWS accepts for
		// public zones only; for a private zone this is the check that means the same.
		ID:          "FM-DNS-001",
		Description: "private hosted zones have Route 53 Resolver query logging on every VPC they serve",
		Enforcement: Mandatory,
		Mirrors:     []string{"KICS 7dbba512-e244-42dc-98bb-422339827967"},
		Types:       []string{TypeRoute53Zone},
		Check: func(_ Context, r Resource, all []Resource) []string {
			vpcs := r.Inputs["vpcs"]
			if anyUnknown(vpcs) || len(list(vpcs)) == 0 {
				return none // unknown yet, or a public zone
			}
			var out []string
			for i, e := range list(vpcs) {
				id := get(object(e), "vpcId")
				if queryLogged(r, id, all) {
					continue
				}
				out = append(out, fmt.Sprintf("vpcs[%d] (%s) has no Route 53 Resolver query logging: queries for this private zone are not logged", i, show(id))+hint(r, map[string]string{
					networkType: "a network.Network with PrivateZoneName always has one; was it removed?",
				}, "add an aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation with resourceId set to the VPC"))
			}
			return out
		},
	},
}

// queryLogged reports whether a Resolver query log configuration is associated with the VPC the
// zone names with id: an association whose resourceId is id, or, when either value is unknown
// during a preview, one that depends on a VPC the zone depends on too.
func queryLogged(zone Resource, id any, all []Resource) bool {
	vpcs := map[string]bool{}
	for _, o := range ofType(all, TypeVPC) {
		if dependsOn(zone, o.URN) {
			vpcs[o.URN] = true
		}
	}
	for _, a := range ofType(all, TypeResolverQueryLogAssociation) {
		cfg := a.Inputs["resolverQueryLogConfigId"]
		if !unknown(cfg) && str(cfg) == "" {
			continue
		}
		res := a.Inputs["resourceId"]
		if !unknown(id) && !unknown(res) && str(id) != "" {
			if str(res) == str(id) {
				return true
			}
			continue
		}
		for _, d := range a.Dependencies {
			if vpcs[d] {
				return true
			}
		}
	}
	return false
}
