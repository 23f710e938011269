package config

// Offerings: the sizes service owners may ask for in their manifests (services/<name>.yaml) and
// the defaults every offering gets per environment. This table is the one place platform
// engineers change them (CODEOWNERS gives this file to @flowmart/platform-engineers); the
// manifests only choose within it (stacks/manifests validates against it).

// OfferingDefaults are one environment's allow-lists and defaults for the self-service offerings.
type OfferingDefaults struct {
	// DatabaseInstanceClasses are the RDS for PostgreSQL instance classes a manifest may ask for,
	// smallest first.
	DatabaseInstanceClasses []string
	// DatabaseStorageGiB is the allowed allocated storage range; gp3 needs at least 20 GiB
	// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage).
	DatabaseMinStorageGiB, DatabaseMaxStorageGiB int
	// DatabaseMaxReaders is the most read replicas a manifest may ask for.
	DatabaseMaxReaders int
	// Database is what a manifest that names no size for the environment gets.
	Database DatabaseSize
	// DatabaseMultiAZ runs the primary Multi-AZ (a standby in another zone).
	DatabaseMultiAZ bool
	// DatabaseMinBackupRetentionDays is the shortest backup retention a manifest may ask for;
	// RDS allows 0 to 35 days (0 turns backups off, never allowed here).
	DatabaseMinBackupRetentionDays int

	// CacheNodeTypes are the ElastiCache node types a manifest may ask for, smallest first.
	CacheNodeTypes []string
	// CacheMaxReplicas is the most replicas a manifest may ask for (ElastiCache allows 0 to 5 per
	// node group).
	CacheMaxReplicas int
	// Cache is what a manifest that names no size for the environment gets.
	Cache CacheSize

	// Protect protects every offering's stateful resources (pulumi protect).
	Protect bool
}

// DatabaseSize is one environment's database size.
type DatabaseSize struct {
	InstanceClass       string
	StorageGiB          int
	Readers             int
	BackupRetentionDays int
}

// CacheSize is one environment's cache size.
type CacheSize struct {
	NodeType string
	Replicas int
}

// Burstable classes for dev and staging; memory-optimized (Graviton) for production. Every class
// is one RDS for PostgreSQL supports (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html)
// and every node type one ElastiCache supports for Valkey
// (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html).
var offeringDefaults = map[Environment]OfferingDefaults{
	Dev: {
		DatabaseInstanceClasses: []string{"db.t4g.micro", "db.t4g.small", "db.t4g.medium"},
		DatabaseMinStorageGiB:   20, DatabaseMaxStorageGiB: 100, DatabaseMaxReaders: 0,
		Database:                       DatabaseSize{InstanceClass: "db.t4g.micro", StorageGiB: 20, BackupRetentionDays: 1},
		DatabaseMinBackupRetentionDays: 1,
		CacheNodeTypes:                 []string{"cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium"},
		CacheMaxReplicas:               0,
		Cache:                          CacheSize{NodeType: "cache.t4g.micro"},
	},
	Staging: {
		DatabaseInstanceClasses: []string{"db.t4g.small", "db.t4g.medium", "db.t4g.large", "db.r6g.large"},
		DatabaseMinStorageGiB:   20, DatabaseMaxStorageGiB: 500, DatabaseMaxReaders: 1,
		Database:                       DatabaseSize{InstanceClass: "db.t4g.small", StorageGiB: 20, BackupRetentionDays: 7},
		DatabaseMinBackupRetentionDays: 7,
		CacheNodeTypes:                 []string{"cache.t4g.small", "cache.t4g.medium", "cache.r7g.large"},
		CacheMaxReplicas:               1,
		Cache:                          CacheSize{NodeType: "cache.t4g.small"},
	},
	Production: {
		DatabaseInstanceClasses: []string{"db.r6g.large", "db.r6g.xlarge", "db.r6g.2xlarge", "db.r7g.large", "db.r7g.xlarge", "db.r7g.2xlarge"},
		DatabaseMinStorageGiB:   100, DatabaseMaxStorageGiB: 2000, DatabaseMaxReaders: 3,
		Database:                       DatabaseSize{InstanceClass: "db.r6g.large", StorageGiB: 100, Readers: 1, BackupRetentionDays: 35},
		DatabaseMultiAZ:                true,
		DatabaseMinBackupRetentionDays: 7,
		CacheNodeTypes:                 []string{"cache.r7g.large", "cache.r7g.xlarge", "cache.r7g.2xlarge"},
		CacheMaxReplicas:               5,
		Cache:                          CacheSize{NodeType: "cache.r7g.large", Replicas: 1},
		Protect:                        true,
	},
}

// Offerings returns the environment's offering allow-lists and defaults, and false for an
// unknown environment.
func Offerings(env Environment) (OfferingDefaults, bool) {
	d, ok := offeringDefaults[env]
	return d, ok
}
