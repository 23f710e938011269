package mocks

import "testing"

// A replication group answers with its id (lower case), its ARN, TLS-style primary and reader
// endpoints in the region, and one member cluster <id>-00N per node.
func TestReplicationGroupOutputs(t *testing.T) {
	m := New(testRegion, testAccount)
	id, g := register(t, m, "aws:elasticache/replicationGroup:ReplicationGroup", "orders", map[string]any{
		"replicationGroupId": "Prod-Catalog-Cache", "numCacheClusters": 2, "engineVersion": "8.2",
	})
	if id != "prod-catalog-cache" || g["arn"] != "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:prod-catalog-cache" {
		t.Errorf("id %q arn %v", id, g["arn"])
	}
	matches(t, "primary endpoint", g["primaryEndpointAddress"].(string), `^master\.prod-catalog-cache\.[0-9a-f]{6}\.euw1\.cache\.amazonaws\.com$`)
	matches(t, "reader endpoint", g["readerEndpointAddress"].(string), `^replica\.prod-catalog-cache\.[0-9a-f]{6}\.euw1\.cache\.amazonaws\.com$`)
	members, _ := g["memberClusters"].([]any)
	if len(members) != 2 || members[0] != "prod-catalog-cache-001" || members[1] != "prod-catalog-cache-002" {
		t.Errorf("memberClusters %v", members)
	}
	if g["engineVersionActual"] != "8.2.0" || g["replicasPerNodeGroup"] != float64(1) {
		t.Errorf("engineVersionActual %v replicasPerNodeGroup %v", g["engineVersionActual"], g["replicasPerNodeGroup"])
	}

	id, sg := register(t, m, "aws:elasticache/subnetGroup:SubnetGroup", "subnets", map[string]any{"name": "prod-catalog-cache"})
	if id != "prod-catalog-cache" || sg["arn"] != "arn:aws:elasticache:eu-west-1:111122223333:subnetgroup:prod-catalog-cache" {
		t.Errorf("subnet group %s %v", id, sg)
	}
	id, pg := register(t, m, "aws:elasticache/parameterGroup:ParameterGroup", "params", map[string]any{"name": "prod-catalog-cache-valkey8", "family": "valkey8"})
	if id != "prod-catalog-cache-valkey8" || pg["arn"] != "arn:aws:elasticache:eu-west-1:111122223333:parametergroup:prod-catalog-cache-valkey8" {
		t.Errorf("parameter group %s %v", id, pg)
	}
}

func TestRegionCode(t *testing.T) {
	for in, want := range map[string]string{"eu-west-1": "euw1", "us-east-1": "use1", "ap-southeast-2": "apse2", "eu-central-1": "euc1", "ca-central-1": "cac1", "local": "local"} {
		if got := regionCode(in); got != want {
			t.Errorf("regionCode(%q) = %q, want %q", in, got, want)
		}
	}
}
