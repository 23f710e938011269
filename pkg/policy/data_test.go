package policy

import "testing"

// offeringRes is a resource of an offering's component, as flowmart:data:Queue registers it.
func offeringRes(typ, name string, inputs map[string]any, deps ...string) Resource {
	r := res(typ, name, inputs, deps...)
	r.URN = "urn:pulumi:production::flowmart-platform::flowmart:data:Queue$" + typ + "::" + name
	return r
}

// Recorded inputs of the offerings as the components register them.
var (
	rdsInstance = res(TypeRDSInstance, "production-orders-db", m{
		"identifier": "production-orders-db", "engine": "postgres", "engineVersion": "17.5", "instanceClass": "db.r6g.large",
		"storageEncrypted": true, "kmsKeyId": "arn:aws:kms:eu-west-1:777788889999:key/5", "iamDatabaseAuthenticationEnabled": true,
		"publiclyAccessible": false, "deletionProtection": true, "multiAz": true, "backupRetentionPeriod": 35,
		"manageMasterUserPassword": true, "tags": m{"Owner": "orders-team"},
	})
	rdsReplica = res(TypeRDSInstance, "production-orders-db-reader-1", m{
		"identifier": "production-orders-db-reader-1", "replicateSourceDb": Unknown, "instanceClass": "db.r6g.large",
		"iamDatabaseAuthenticationEnabled": true, "publiclyAccessible": false, "deletionProtection": true, "tags": m{"Owner": "orders-team"},
	})
	cacheGroup = res(TypeElastiCacheReplicationGroup, "production-catalog-cache", m{
		"replicationGroupId": "production-catalog-cache", "engine": "valkey", "nodeType": "cache.r7g.large", "numCacheClusters": 3,
		"transitEncryptionEnabled": true, "atRestEncryptionEnabled": true, "kmsKeyId": "arn:aws:kms:eu-west-1:777788889999:key/6",
		"automaticFailoverEnabled": true, "multiAzEnabled": true, "tags": m{"Owner": "catalog-team"},
	})
	deadLetter = offeringRes(TypeSQSQueue, "production-checkout-payments-dlq", m{
		"name": "production-checkout-payments-dlq.fifo", "fifoQueue": true, "kmsMasterKeyId": "arn:aws:kms:eu-west-1:777788889999:key/7",
		"tags": m{"Owner": "checkout-team"},
	})
	sqsQueue = offeringRes(TypeSQSQueue, "production-checkout-payments", m{
		"name": "production-checkout-payments.fifo", "fifoQueue": true, "kmsMasterKeyId": "arn:aws:kms:eu-west-1:777788889999:key/7",
		"redrivePolicy":            `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:777788889999:production-checkout-payments-dlq.fifo","maxReceiveCount":3}`,
		"visibilityTimeoutSeconds": 120, "tags": m{"Owner": "checkout-team"},
	}, deadLetter.URN)
)

func dataRuleCases() []ruleCase {
	plainQueue := with(with(sqsQueue, "redrivePolicy", nil), "name", "production-checkout-events")
	plainQueue.URN, plainQueue.Name, plainQueue.Dependencies = "urn:pulumi:production::flowmart-platform::flowmart:data:Queue$"+TypeSQSQueue+"::production-checkout-events", "production-checkout-events", nil
	platformQueue := res(TypeSQSQueue, "production-node-termination", m{"sqsManagedSseEnabled": true, "messageRetentionSeconds": 300, "tags": m{"Name": "production-node-termination"}})
	redrive := res(TypeSQSRedrivePolicy, "production-checkout-events-redrive", m{"queueUrl": Unknown, "redrivePolicy": Unknown}, plainQueue.URN, deadLetter.URN)
	return []ruleCase{
		{"encrypted database", "FM-RDS-001", Dev, rdsInstance, nil, false},
		{"read replica inherits encryption", "FM-RDS-001", Dev, rdsReplica, nil, false},
		{"unencrypted database", "FM-RDS-001", Dev, with(rdsInstance, "storageEncrypted", false), nil, true},
		{"encryption left to the default", "FM-RDS-001", Dev, with(rdsInstance, "storageEncrypted", nil), nil, true},
		{"iam authentication", "FM-RDS-002", Dev, rdsInstance, nil, false},
		{"password authentication only", "FM-RDS-002", Dev, with(rdsInstance, "iamDatabaseAuthenticationEnabled", nil), nil, true},
		{"replica without iam authentication", "FM-RDS-002", Dev, with(rdsReplica, "iamDatabaseAuthenticationEnabled", false), nil, true},
		{"private database", "FM-RDS-003", Dev, rdsInstance, nil, false},
		{"publicly accessible database", "FM-RDS-003", Dev, with(rdsInstance, "publiclyAccessible", true), nil, true},
		{"deletion protection in production", "FM-RDS-004", Production, rdsInstance, nil, false},
		{"no deletion protection in dev", "FM-RDS-004", Dev, with(rdsInstance, "deletionProtection", false), nil, false},
		{"no deletion protection in production", "FM-RDS-004", Production, with(rdsInstance, "deletionProtection", false), nil, true},
		{"multi-az in production", "FM-RDS-005", Production, rdsInstance, nil, false},
		{"single-az in staging", "FM-RDS-005", Staging, with(rdsInstance, "multiAz", false), nil, false},
		{"single-az replica in production", "FM-RDS-005", Production, rdsReplica, nil, false},
		{"single-az in production", "FM-RDS-005", Production, with(rdsInstance, "multiAz", nil), nil, true},
		{"35 days of backups in production", "FM-RDS-006", Production, rdsInstance, nil, false},
		{"1 day of backups in dev", "FM-RDS-006", Dev, with(rdsInstance, "backupRetentionPeriod", 1), nil, false},
		{"1 day of backups in production", "FM-RDS-006", Production, with(rdsInstance, "backupRetentionPeriod", 1), nil, true},
		{"backups left to the default in production", "FM-RDS-006", Production, with(rdsInstance, "backupRetentionPeriod", nil), nil, true},

		{"tls", "FM-EC-001", Dev, cacheGroup, nil, false},
		{"no tls", "FM-EC-001", Dev, with(cacheGroup, "transitEncryptionEnabled", false), nil, true},
		{"at-rest encryption", "FM-EC-002", Dev, cacheGroup, nil, false},
		{"no at-rest encryption", "FM-EC-002", Dev, with(cacheGroup, "atRestEncryptionEnabled", nil), nil, true},
		{"failover in production", "FM-EC-003", Production, cacheGroup, nil, false},
		{"single node in dev", "FM-EC-003", Dev, with(cacheGroup, "automaticFailoverEnabled", false), nil, false},
		{"no failover in production", "FM-EC-003", Production, with(cacheGroup, "automaticFailoverEnabled", false), nil, true},

		{"queue with a customer key", "FM-SQS-001", Dev, sqsQueue, nil, false},
		{"queue key unknown during preview", "FM-SQS-001", Dev, with(sqsQueue, "kmsMasterKeyId", Unknown), nil, false},
		{"platform queue with SSE-SQS", "FM-SQS-001", Dev, platformQueue, nil, false},
		{"offering queue with SSE-SQS only", "FM-SQS-001", Dev, with(with(sqsQueue, "kmsMasterKeyId", nil), "sqsManagedSseEnabled", true), nil, true},
		{"platform queue unencrypted", "FM-SQS-001", Dev, with(platformQueue, "sqsManagedSseEnabled", nil), nil, true},
		{"queue with a redrive policy", "FM-SQS-002", Dev, sqsQueue, []Resource{deadLetter}, false},
		{"dead-letter queue another queue depends on", "FM-SQS-002", Dev, with(deadLetter, "name", "production-checkout-payments-failed"), []Resource{sqsQueue}, false},
		{"queue with a separate redrive policy resource", "FM-SQS-002", Dev, plainQueue, []Resource{redrive}, false},
		{"platform queue without a dead-letter queue", "FM-SQS-002", Dev, platformQueue, nil, false},
		{"queue without a dead-letter queue", "FM-SQS-002", Dev, plainQueue, nil, true},

		{"database with its owner", "FM-TAG-001", Dev, rdsInstance, nil, false},
		{"cache with its owner", "FM-TAG-001", Dev, cacheGroup, nil, false},
		{"database without an owner", "FM-TAG-001", Dev, with(rdsInstance, "tags", m{"Name": "x"}), nil, true},
		{"cache without tags", "FM-TAG-001", Dev, with(cacheGroup, "tags", nil), nil, true},
		{"platform queue without an owner", "FM-TAG-001", Dev, platformQueue, nil, false},
		{"queue with an empty owner", "FM-TAG-001", Dev, with(sqsQueue, "tags", m{"Owner": " "}), nil, true},

		{"protected database in production", "FM-PROT-001", Production, protected(rdsInstance), nil, false},
		{"unprotected database in production", "FM-PROT-001", Production, rdsInstance, nil, true},
		{"unprotected cache in production", "FM-PROT-001", Production, cacheGroup, nil, true},
		{"unprotected queue in production", "FM-PROT-001", Production, sqsQueue, nil, true},
		{"unprotected platform queue in production", "FM-PROT-001", Production, platformQueue, nil, false},
	}
}

func TestOfferingsAreStateful(t *testing.T) {
	for _, typ := range []string{TypeRDSInstance, TypeElastiCacheReplicationGroup, TypeSQSQueue} {
		if !IsStatefulType(typ) {
			t.Errorf("%s is not stateful", typ)
		}
	}
	if IsStatefulType(TypeRDSSubnetGroup) || IsStatefulType(TypeSQSRedrivePolicy) {
		t.Error("a subnet group or a redrive policy holds no data")
	}
}
