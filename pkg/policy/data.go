package policy

import (
	"fmt"
	"strings"
)

// Rules for the self-service offerings (components/database, components/cache,
// components/queue): a PostgreSQL instance on RDS, a Valkey replication group on ElastiCache and
// SQS queues. The inputs are the pulumi-aws v6 names of aws:rds/instance:Instance,
// aws:elasticache/replicationGroup:ReplicationGroup and aws:sqs/queue:Queue. Mirrors name the
// AWS Security Hub Foundational Security Best Practices controls (FSBP), the AWS Config managed
// rules and the Control Tower proactive controls (CT) each re-implements
// (https://docs.aws.amazon.com/controltower/latest/controlreference/rds-rules.html).

// replica reports whether an RDS instance is a read replica (replicateSourceDb set): it takes
// its storage encryption, Multi-AZ standby and backups from its source.
func replica(r Resource) bool {
	v := r.Inputs["replicateSourceDb"]
	return unknown(v) || str(v) != ""
}

// OfferingComponentPrefix starts the type tokens of the offerings' components
// (flowmart:data:Database, flowmart:data:Cache, flowmart:data:Queue).
const OfferingComponentPrefix = "flowmart:data:"

// inOffering reports whether r is a child (at any depth) of an offering's component: the URN
// carries every ancestor's type (urn:pulumi:<stack>::<project>::<ancestor>$...$<type>::<name>).
func inOffering(r Resource) bool {
	parts := strings.SplitN(r.URN, "::", 4)
	if len(parts) < 4 {
		return false
	}
	chain := strings.Split(parts[2], "$")
	for _, t := range chain[:len(chain)-1] {
		if strings.HasPrefix(t, OfferingComponentPrefix) {
			return true
		}
	}
	return false
}

// offeringTypes are the resources that make up an offering for a team: each names its owner.
var offeringTypes = []string{TypeRDSInstance, TypeElastiCacheReplicationGroup, TypeSQSQueue}

// boolRule is a rule that an input is true (in production only, when production is set).
func boolRule(id, desc string, mirrors []string, typ, input, why string, production bool, skip func(Resource) bool) Rule {
	return Rule{
		ID: id, Description: desc, Enforcement: Mandatory, Mirrors: mirrors, Types: []string{typ},
		Check: func(ctx Context, r Resource, _ []Resource) []string {
			if (production && !ctx.Production()) || (skip != nil && skip(r)) {
				return none
			}
			v := r.Inputs[input]
			if unknown(v) || isTrue(v) {
				return none
			}
			return []string{fmt.Sprintf("%s is %s: %s", input, shown(v), why)}
		},
	}
}

func shown(v any) string {
	if v == nil {
		return "not set"
	}
	return fmt.Sprint(v)
}

var dataRules = []Rule{
	boolRule("FM-RDS-001", "RDS instances encrypt their storage", []string{"FSBP RDS.3", "AWS Config RDS_STORAGE_ENCRYPTED"},
		TypeRDSInstance, "storageEncrypted", "set storageEncrypted true with the offering's customer key (kmsKeyId); it cannot be turned on later without a replacement", false, replica),
	boolRule("FM-RDS-002", "RDS instances use IAM database authentication", []string{"FSBP RDS.10", "CT.RDS.PR.7", "AWS Config RDS_INSTANCE_IAM_AUTHENTICATION_ENABLED"},
		TypeRDSInstance, "iamDatabaseAuthenticationEnabled", "services connect with an IAM auth token from their Pod Identity role, never the master password (set iamDatabaseAuthenticationEnabled true)", false, nil),
	{
		ID: "FM-RDS-003", Description: "RDS instances are not publicly accessible", Enforcement: Mandatory,
		Mirrors: []string{"FSBP RDS.2", "AWS Config RDS_INSTANCE_PUBLIC_ACCESS_CHECK"}, Types: []string{TypeRDSInstance},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			if v := r.Inputs["publiclyAccessible"]; isTrue(v) {
				return []string{"publiclyAccessible is true: the database is reached from the cluster's nodes and the VPN only (set it false)"}
			}
			return none
		},
	},
	boolRule("FM-RDS-004", "RDS instances have deletion protection in production", []string{"FSBP RDS.8", "CT.RDS.PR.13", "AWS Config RDS_INSTANCE_DELETION_PROTECTION_ENABLED"},
		TypeRDSInstance, "deletionProtection", "a production database must not be deleted by a routine change (set deletionProtection true)", true, nil),
	boolRule("FM-RDS-005", "RDS instances are Multi-AZ in production", []string{"FSBP RDS.5", "CT.RDS.PR.1", "AWS Config RDS_MULTI_AZ_SUPPORT"},
		TypeRDSInstance, "multiAz", "a production primary keeps a standby in another zone (set multiAz true)", true, replica),
	{
		ID: "FM-RDS-006", Description: "RDS instances keep at least 7 days of backups in production", Enforcement: Mandatory,
		Mirrors: []string{"FSBP RDS.11", "CT.RDS.PR.8", "AWS Config DB_INSTANCE_BACKUP_ENABLED"}, Types: []string{TypeRDSInstance},
		Check: func(ctx Context, r Resource, _ []Resource) []string {
			if !ctx.Production() || replica(r) {
				return none
			}
			v := r.Inputs["backupRetentionPeriod"]
			if unknown(v) {
				return none
			}
			if n, ok := number(v); ok && n >= 7 {
				return none
			}
			return []string{fmt.Sprintf("backupRetentionPeriod is %s: point-in-time recovery in production needs at least 7 days (allowed: 7 to 35)", shown(v))}
		},
	},
	boolRule("FM-EC-001", "ElastiCache replication groups encrypt in transit", []string{"FSBP ElastiCache.5", "AWS Config ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT"},
		TypeElastiCacheReplicationGroup, "transitEncryptionEnabled", "clients connect with TLS (set transitEncryptionEnabled true)", false, nil),
	boolRule("FM-EC-002", "ElastiCache replication groups encrypt at rest", []string{"FSBP ElastiCache.4", "AWS Config ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST"},
		TypeElastiCacheReplicationGroup, "atRestEncryptionEnabled", "snapshots and swap are encrypted with the offering's customer key (set atRestEncryptionEnabled true and kmsKeyId)", false, nil),
	boolRule("FM-EC-003", "ElastiCache replication groups fail over automatically in production", []string{"FSBP ElastiCache.3", "AWS Config ELASTICACHE_REPL_GRP_AUTO_FAILOVER_ENABLED"},
		TypeElastiCacheReplicationGroup, "automaticFailoverEnabled", "a production cache promotes a replica in another zone when its primary fails (set automaticFailoverEnabled true, with a replica)", true, nil),
	{
		ID: "FM-SQS-001", Description: "SQS queues are encrypted at rest, an offering's with a customer managed KMS key", Enforcement: Mandatory,
		Mirrors: []string{"FSBP SQS.1", "CKV_AWS_27"}, Types: []string{TypeSQSQueue},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["kmsMasterKeyId"]
			if unknown(v) || str(v) != "" {
				return none
			}
			if inOffering(r) {
				return []string{"kmsMasterKeyId is not set: an offering's messages are encrypted with its customer key, whose use the service's role is granted"}
			}
			if sse := r.Inputs["sqsManagedSseEnabled"]; unknown(sse) || isTrue(sse) {
				return none
			}
			return []string{"neither kmsMasterKeyId nor sqsManagedSseEnabled is set: messages are stored unencrypted"}
		},
	},
	{
		ID: "FM-SQS-002", Description: "an offering's SQS queues send failed messages to a dead-letter queue", Enforcement: Mandatory,
		Mirrors: []string{"AWS Well-Architected REL05-BP01 (dead-letter queues)"}, Types: []string{TypeSQSQueue},
		Check: func(_ Context, r Resource, all []Resource) []string {
			if !inOffering(r) {
				return none // a platform queue (the cluster's interruption queue) has its own consumer
			}
			if v := r.Inputs["redrivePolicy"]; unknown(v) || str(v) != "" {
				return none
			}
			if deadLetterQueue(r, all) {
				return none
			}
			for _, p := range ofType(all, TypeSQSRedrivePolicy) {
				if dependsOn(p, r.URN) {
					return none
				}
			}
			return []string{"no redrivePolicy: a message that keeps failing is retried until it expires instead of moving to a dead-letter queue (set redrivePolicy with deadLetterTargetArn and maxReceiveCount)"}
		},
	},
	{
		ID: "FM-TAG-001", Description: "offerings (RDS, ElastiCache, an offering's SQS queues) are tagged with their owning team", Enforcement: Mandatory,
		Mirrors: []string{"AWS Config REQUIRED_TAGS", "seed 002: distributed ownership"}, Types: offeringTypes,
		Check: func(_ Context, r Resource, _ []Resource) []string {
			if r.Type == TypeSQSQueue && !inOffering(r) {
				return none // a platform queue is the platform's
			}
			tags := r.Inputs["tags"]
			if unknown(tags) {
				return none
			}
			if v := object(tags)["Owner"]; unknown(v) || strings.TrimSpace(str(v)) != "" {
				return none
			}
			return []string{"no Owner tag: alarms, costs and reviews name the owning team (set tags.Owner to the service manifest's owner)"}
		},
	},
}

// deadLetterQueue reports whether q is another queue's dead-letter queue: it allows redrives
// (redriveAllowPolicy), another queue or redrive policy depends on it, or it is named so.
func deadLetterQueue(q Resource, all []Resource) bool {
	if v := q.Inputs["redriveAllowPolicy"]; unknown(v) || str(v) != "" {
		return true
	}
	for _, o := range all {
		if (o.Type == TypeSQSQueue || o.Type == TypeSQSRedrivePolicy) && o.URN != q.URN && dependsOn(o, q.URN) {
			return true
		}
	}
	name := strings.TrimSuffix(str(q.Inputs["name"]), ".fifo")
	return strings.HasSuffix(name, "-dlq") || strings.HasSuffix(strings.TrimSuffix(q.Name, ".fifo"), "-dlq")
}
