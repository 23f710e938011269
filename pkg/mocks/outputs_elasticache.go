package mocks

import (
	"fmt"
	"strings"
)

// elasticacheOutputs are the computed outputs of the ElastiCache types (the Cache offering).
var elasticacheOutputs = map[string]outputFunc{
	"aws:elasticache/replicationGroup:ReplicationGroup": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := strings.ToLower(stringInput(r, "replicationGroupId", r.Name+"-"+h[:7])) // ElastiCache stores ids in lower case
		nodes := 1
		if n, ok := r.Inputs["numCacheClusters"].(float64); ok && n >= 1 {
			nodes = int(n)
		}
		members := make([]any, nodes)
		for i := range members {
			members[i] = fmt.Sprintf("%s-%03d", id, i+1)
		}
		version := stringInput(r, "engineVersion", "8.2")
		// With TLS in transit, endpoints are master.<id>.<suffix>.<region code>.cache.amazonaws.com
		// and replica.<...> (Amazon ElastiCache User Guide, "Finding connection endpoints").
		host := fmt.Sprintf("%s.%s.%s.cache.amazonaws.com", id, h[:6], regionCode(m.region))
		return id, map[string]any{
			"arn":                          fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", m.region, m.account, id),
			"primaryEndpointAddress":       "master." + host,
			"readerEndpointAddress":        "replica." + host,
			"configurationEndpointAddress": "",
			"memberClusters":               members,
			"engineVersionActual":          version + ".0",
			"clusterEnabled":               false,
			"clusterMode":                  "disabled",
			"numNodeGroups":                1,
			"replicasPerNodeGroup":         nodes - 1,
			"networkType":                  "ipv4",
			"ipDiscovery":                  "ipv4",
			"globalReplicationGroupId":     "",
		}
	},
	"aws:elasticache/subnetGroup:SubnetGroup": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := strings.ToLower(autoName(r, h))
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:elasticache:%s:%s:subnetgroup:%s", m.region, m.account, name)}
	},
	"aws:elasticache/parameterGroup:ParameterGroup": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := strings.ToLower(autoName(r, h))
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:elasticache:%s:%s:parametergroup:%s", m.region, m.account, name)}
	},
}

// stringInput is a known string input of the resource, or def.
func stringInput(r *target, key, def string) string {
	if s, ok := r.Inputs[key].(string); ok && s != "" && s != Unknown && s != Secret {
		return s
	}
	return def
}

// regionCode abbreviates a region as ElastiCache endpoints do: eu-west-1 -> euw1,
// us-east-1 -> use1, ap-southeast-2 -> apse2.
func regionCode(region string) string {
	p := strings.Split(region, "-")
	if len(p) != 3 {
		return region
	}
	dirs := map[string]string{
		"north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
		"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw",
	}
	d, ok := dirs[p[1]]
	if !ok {
		d = p[1][:1]
	}
	return p[0] + d + p[2]
}
