package mocks

import "testing"

// An RDS instance is answered as RDS describes it: its identifier as id, the db ARN, the
// address <identifier>.<12 characters>.<region>.rds.amazonaws.com and endpoint address:port, a
// DbiResourceId, and with manageMasterUserPassword a secret named rds!db-<uuid> encrypted with
// the key given; a replica (no managed password) has no secret. Subnet and parameter groups are
// keyed by name with their subgrp and pg ARNs.
func TestRDSOutputs(t *testing.T) {
	m := New(testRegion, testAccount)
	const key = "arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab"
	id, db := register(t, m, "aws:rds/instance:Instance", "orders", map[string]any{
		"identifier": "dev-orders-db", "manageMasterUserPassword": true, "masterUserSecretKmsKeyId": key})
	if id != "dev-orders-db" || db["arn"] != "arn:aws:rds:eu-west-1:111122223333:db:dev-orders-db" || db["port"] != 5432.0 {
		t.Errorf("instance %s %v", id, db)
	}
	matches(t, "address", db["address"].(string), `dev-orders-db\.c[0-9a-f]{11}\.eu-west-1\.rds\.amazonaws\.com`)
	if db["endpoint"] != db["address"].(string)+":5432" {
		t.Errorf("endpoint %v", db["endpoint"])
	}
	matches(t, "resourceId", db["resourceId"].(string), `db-[0-9A-Z]{26}`)
	secrets := db["masterUserSecrets"].([]any)
	if len(secrets) != 1 {
		t.Fatalf("secrets %v", secrets)
	}
	s := secrets[0].(map[string]any)
	matches(t, "secretArn", s["secretArn"].(string), `arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-[0-9a-f-]{36}-[0-9a-f]{6}`)
	if s["kmsKeyId"] != key || s["secretStatus"] != "active" {
		t.Errorf("secret %v", s)
	}

	_, replica := register(t, m, "aws:rds/instance:Instance", "orders-reader-1", map[string]any{
		"identifier": "dev-orders-db-reader-1", "replicateSourceDb": "dev-orders-db"})
	if len(replica["masterUserSecrets"].([]any)) != 0 {
		t.Errorf("a replica has no managed secret: %v", replica["masterUserSecrets"])
	}
	// One account and region share the host name's middle part, as RDS's do.
	if a, b := db["address"].(string), replica["address"].(string); a[len("dev-orders-db"):] != b[len("dev-orders-db-reader-1"):] {
		t.Errorf("addresses %s %s", a, b)
	}
	_, auto := register(t, m, "aws:rds/instance:Instance", "unnamed", nil)
	matches(t, "auto-named identifier", auto["identifier"].(string), `unnamed-[0-9a-f]{7}`)

	id, sg := register(t, m, "aws:rds/subnetGroup:SubnetGroup", "orders-subnets", map[string]any{"name": "dev-orders-db"})
	if id != "dev-orders-db" || sg["arn"] != "arn:aws:rds:eu-west-1:111122223333:subgrp:dev-orders-db" {
		t.Errorf("subnet group %s %v", id, sg)
	}
	id, pg := register(t, m, "aws:rds/parameterGroup:ParameterGroup", "orders-params", map[string]any{"name": "dev-orders-db-postgres17"})
	if id != "dev-orders-db-postgres17" || pg["arn"] != "arn:aws:rds:eu-west-1:111122223333:pg:dev-orders-db-postgres17" {
		t.Errorf("parameter group %s %v", id, pg)
	}
}
