package database

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/cidr"
	"github.com/flowmart/platform/pkg/fielderr"
)

// DefaultEngineVersion is the PostgreSQL version every database of the offering runs unless its
// Args.EngineVersion says otherwise: 17.7, the minor version Amazon RDS names as the target of the
// mandatory upgrade of PostgreSQL 17.1-17.4 after their end of standard support on 31 May 2026
// (AWS Health notice quoted in "RDS for PostgreSQL minor version deprecation, May 2026",
// https://lucaberton.com/blog/aws-rds-postgresql-minor-version-deprecation-may-2026/, table
// "PostgreSQL 17 | 17.1, 17.2, 17.3, 17.4 | 17.7+"; the versions RDS offers are listed in the RDS
// for PostgreSQL release notes, "Amazon RDS for PostgreSQL updates",
// https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-versions.html).
// Platform engineers bump it here, once, for every database; a database never follows it on its
// own across a major version (see AllowMajorVersionUpgrade).
const DefaultEngineVersion = "17.7"

// SupportedMajorVersions are the PostgreSQL major versions the offering accepts; each has the
// parameter group family "postgres<major>" (the DBParameterGroupFamily RDS reports for them, e.g.
// "postgres14" for 14.10 in `aws rds describe-db-engine-versions --engine postgres`, quoted in
// aws/aws-cdk commit f53faf67d6b9).
var SupportedMajorVersions = []int{16, 17}

// Defaults of optional settings.
const (
	DefaultInstanceClass       = "db.t4g.medium"
	DefaultAllocatedStorageGiB = 20
	DefaultBackupRetentionDays = 7
	// DefaultBackupWindow and DefaultMaintenanceWindow are UTC and do not overlap (RDS requires it).
	DefaultBackupWindow      = "02:00-03:00" //nolint:gosec // G101: a time window (hh:mm-hh:mm), not a credential
	DefaultMaintenanceWindow = "sun:03:30-sun:04:30"
	// Alarm thresholds.
	DefaultCPUAlarmPercent        = 80
	DefaultFreeableMemoryAlarmMiB = 256
	DefaultFreeStorageAlarmGiB    = 2
	DefaultConnectionsAlarm       = 300 // db.t4g.medium (4 GiB) allows about 400: LEAST(DBInstanceClassMemory/9531392, 5000)
	DefaultReplicaLagAlarmSeconds = 60
)

// Limits of Amazon RDS for PostgreSQL, each from its documentation.
const (
	// gp3 storage of RDS for PostgreSQL: "General Purpose (SSD) storage (gp2, gp3): Must be an
	// integer from 20 to 65536" (Amazon RDS API Reference, CreateDBInstance, AllocatedStorage,
	// RDS for PostgreSQL;
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
	MinStorageGiB = 20
	MaxStorageGiB = 65536
	// Backup retention: "Must be a value from 0 to 35", and 0 disables automated backups (and so
	// point-in-time recovery) and is refused for a source of read replicas (CreateDBInstance,
	// BackupRetentionPeriod). The offering refuses 0.
	MinBackupRetentionDays = 1
	MaxBackupRetentionDays = 35
	// Read replicas: "Each DB instance can have up to 15 read replicas" for PostgreSQL
	// (CreateDBInstanceReadReplica, SourceDBInstanceIdentifier,
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html).
	// The offering allows at most MaxReaders, a platform limit below AWS's.
	AWSMaxReadReplicas = 15
	MaxReaders         = 5
	// IdentifierMaxLength: a DB instance identifier "Must contain from 1 to 63 letters, numbers,
	// or hyphens. First character must be a letter. Can't end with a hyphen or contain two
	// consecutive hyphens" (CreateDBInstance, DBInstanceIdentifier).
	IdentifierMaxLength = 63
	// PostgreSQL identifiers (role names) are at most NAMEDATALEN-1 = 63 bytes
	// (https://www.postgresql.org/docs/17/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS).
	maxRoleName = 63
)

// DatabaseArgs configures a Database. Fields that decide which resources exist are plain values;
// values passed into children are inputs.
type DatabaseArgs struct {
	// Service is the owning service's name: the identifier is <NamePrefix><Service>-db, the
	// initial database <Service> with - as _, the IAM user Service unless IAMUsername says
	// otherwise. Lower-case letters, digits and single inner hyphens, starting with a letter. Required.
	Service string
	// Owner is the owning team, tagged Owner on every resource. Required.
	Owner string
	// NamePrefix starts every physical name ("dev-"): lower-case letters, digits and hyphens,
	// starting with a letter. Defaults to none.
	NamePrefix string
	// Tags are added to every resource. Defaults to none (the provider's default tags still apply).
	Tags map[string]string
	// Protect protects the instances and the created key from deletion in Pulumi, turns on RDS
	// deletion protection and takes a final snapshot <NamePrefix><Service>-db-final when the
	// primary is deleted. Defaults to false (no final snapshot: an unprotected database is for
	// environments that are torn down).
	Protect bool
	// KMSKeyARN encrypts the storage, the master user secret and Performance Insights. Defaults to
	// a new key with rotation (pkg/kmskey), alias alias/<NamePrefix><Service>-db.
	KMSKeyARN pulumi.StringPtrInput
	// AlarmTopicARN is the owning team's paging topic: every alarm notifies it when it fires and
	// when it recovers. Required.
	AlarmTopicARN pulumi.StringInput
	// VPCID is the VPC of the database's security group. Required.
	VPCID pulumi.StringInput
	// SubnetIDs are the database subnets of the DB subnet group (at least two zones). Required.
	SubnetIDs pulumi.StringArrayInput
	// AllowedSecurityGroupIDs may reach PostgreSQL on 5432 (the cluster's node security group).
	// Defaults to none.
	AllowedSecurityGroupIDs pulumi.StringArrayInput
	// AllowedCIDRs may reach PostgreSQL on 5432 (the VPN client range, for people). Defaults to none.
	AllowedCIDRs []string

	// EngineVersion is the PostgreSQL version (major.minor, such as 17.7). Defaults to
	// DefaultEngineVersion. Automatic minor upgrades are off: the version changes only here.
	EngineVersion string
	// AllowMajorVersionUpgrade lets this deploy move the database to EngineVersion's major
	// version (RDS refuses a major upgrade without it). It needs EngineVersion set explicitly, so
	// that a change of DefaultEngineVersion never upgrades a database across a major version on
	// its own. Defaults to false.
	AllowMajorVersionUpgrade bool
	// ApplyImmediately applies modifications (class, version, storage) at deploy time rather than
	// in the next maintenance window. Defaults to false.
	ApplyImmediately bool
	// InstanceClass is the DB instance class of the primary and the readers. Defaults to db.t4g.medium.
	InstanceClass string
	// AllocatedStorageGiB is the gp3 storage, 20 to 65536 GiB. Defaults to 20.
	AllocatedStorageGiB int
	// MaxAllocatedStorageGiB is where storage autoscaling stops, more than AllocatedStorageGiB and
	// at most 65536. Defaults to twice AllocatedStorageGiB (capped at 65536).
	MaxAllocatedStorageGiB int
	// BackupRetentionDays is how long automated backups (point-in-time recovery) are kept, 1 to
	// 35. Defaults to 7.
	BackupRetentionDays int
	// BackupWindow is the daily backup window, hh24:mi-hh24:mi UTC. Defaults to 02:00-03:00.
	BackupWindow string
	// MaintenanceWindow is the weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi UTC. Defaults
	// to sun:03:30-sun:04:30.
	MaintenanceWindow string
	// MultiAZ runs a synchronous standby in another zone. Defaults to false.
	MultiAZ bool
	// Readers is the number of read replicas, 0 to 5. Defaults to 0.
	Readers int
	// IAMUsername is the PostgreSQL role the service connects as with IAM authentication (created
	// by the service's migration with GRANT rds_iam). Defaults to Service.
	IAMUsername string

	// CPUAlarmPercent fires when an instance's CPU is above it for 15 minutes, 1 to 100. Defaults to 80.
	CPUAlarmPercent int
	// FreeableMemoryAlarmMiB fires when the primary's freeable memory is below it. Defaults to 256.
	FreeableMemoryAlarmMiB int
	// FreeStorageAlarmGiB fires when the primary's free storage is below it. Defaults to 2.
	FreeStorageAlarmGiB int
	// ConnectionsAlarm fires when the primary has more connections. Defaults to 300.
	ConnectionsAlarm int
	// ReplicaLagAlarmSeconds fires when a reader lags more. Defaults to 60.
	ReplicaLagAlarmSeconds int
}

func (a *DatabaseArgs) withDefaults() DatabaseArgs {
	var c DatabaseArgs
	if a != nil {
		c = *a
	}
	c.Tags = maps.Clone(c.Tags)
	c.AllowedCIDRs = slices.Clone(c.AllowedCIDRs)
	if c.EngineVersion == "" {
		c.EngineVersion = DefaultEngineVersion
	}
	if c.InstanceClass == "" {
		c.InstanceClass = DefaultInstanceClass
	}
	if c.AllocatedStorageGiB == 0 {
		c.AllocatedStorageGiB = DefaultAllocatedStorageGiB
	}
	if c.MaxAllocatedStorageGiB == 0 {
		c.MaxAllocatedStorageGiB = min(2*c.AllocatedStorageGiB, MaxStorageGiB)
	}
	if c.BackupRetentionDays == 0 {
		c.BackupRetentionDays = DefaultBackupRetentionDays
	}
	if c.BackupWindow == "" {
		c.BackupWindow = DefaultBackupWindow
	}
	if c.MaintenanceWindow == "" {
		c.MaintenanceWindow = DefaultMaintenanceWindow
	}
	if c.IAMUsername == "" {
		c.IAMUsername = c.Service
	}
	if c.CPUAlarmPercent == 0 {
		c.CPUAlarmPercent = DefaultCPUAlarmPercent
	}
	if c.FreeableMemoryAlarmMiB == 0 {
		c.FreeableMemoryAlarmMiB = DefaultFreeableMemoryAlarmMiB
	}
	if c.FreeStorageAlarmGiB == 0 {
		c.FreeStorageAlarmGiB = DefaultFreeStorageAlarmGiB
	}
	if c.ConnectionsAlarm == 0 {
		c.ConnectionsAlarm = DefaultConnectionsAlarm
	}
	if c.ReplicaLagAlarmSeconds == 0 {
		c.ReplicaLagAlarmSeconds = DefaultReplicaLagAlarmSeconds
	}
	return c
}

// Names a service cannot take. Role names beginning with pg_ are reserved for PostgreSQL's
// system roles ("Database Roles", https://www.postgresql.org/docs/17/database-roles.html), RDS
// keeps rdsadmin and the rds_* roles (rds_superuser, rds_iam: "Understanding PostgreSQL roles
// and permissions", Amazon RDS User Guide,
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html),
// and every RDS for PostgreSQL instance has the databases postgres, template0, template1 and
// rdsadmin.
var (
	reservedRoles     = []string{"postgres", "rdsadmin", "public"}
	reservedDatabases = []string{"postgres", "template0", "template1", "rdsadmin"}
)

var (
	// serviceRe: lower-case RDS identifier characters, no leading digit, no trailing or double hyphen.
	serviceRe    = regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9])*$`)
	namePrefixRe = regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9]|-$)*$`)
	// identifierRe is the RDS identifier rule, lower case (RDS stores identifiers lower-cased, so
	// an upper-case letter would show as a change on every deploy).
	identifierRe    = regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9])*$`)
	versionRe       = regexp.MustCompile(`^([1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
	classRe         = regexp.MustCompile(`^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	roleRe          = regexp.MustCompile(`^[a-z_][a-z0-9_-]*$`)
	backupWindowRe  = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$`)
	maintenanceWinR = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// longestSuffix is the longest suffix the database adds to <NamePrefix><Service> in an RDS
// identifier: a reader, "-db-reader-5".
var longestSuffix = readerIdentifierSuffix(MaxReaders)

// MajorVersion returns the major version of a version such as 17.7 (17), or an error. From
// PostgreSQL 10 on, RDS numbers versions major.minor, the major being the integer part ("PostgreSQL
// version numbers", Amazon RDS User Guide,
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.VersionID.html).
func MajorVersion(version string) (int, error) {
	m := versionRe.FindStringSubmatch(version)
	if m == nil {
		return 0, fmt.Errorf("%q is not a PostgreSQL version major.minor (such as %s)", version, DefaultEngineVersion)
	}
	return strconv.Atoi(m[1])
}

// ParameterGroupFamily is the DB parameter group family of a PostgreSQL version: postgres<major>.
func ParameterGroupFamily(version string) (string, error) {
	major, err := MajorVersion(version)
	if err != nil {
		return "", err
	}
	return "postgres" + strconv.Itoa(major), nil
}

// Validate checks the Args of the database called name after defaults and returns the first
// problem as a *fielderr.Error naming the field. NewDatabase runs it before registering anything.
// name is the offerings' common signature (cache and queue take it too); no default of a
// database derives from its name, so it decides nothing here.
func (a *DatabaseArgs) Validate(name string) error {
	_ = name
	d := a.withDefaults()
	return d.validate(a != nil && a.EngineVersion != "")
}

func (a DatabaseArgs) validate(explicitVersion bool) error {
	if !serviceRe.MatchString(a.Service) {
		return fielderr.New("Service", "%q is not a service name (lower-case letters, digits and single inner hyphens, starting with a letter: it starts the RDS identifier)", a.Service)
	}
	if a.NamePrefix != "" && !namePrefixRe.MatchString(a.NamePrefix) {
		return fielderr.New("NamePrefix", "%q is not a name prefix (lower-case letters, digits and hyphens, starting with a letter, no double hyphen)", a.NamePrefix)
	}
	if id := a.NamePrefix + a.Service + longestSuffix; len(id) > IdentifierMaxLength || !identifierRe.MatchString(id) {
		return fielderr.New("Service", "%q with NamePrefix %q makes the RDS identifier %q, which is not 1-%d letters, digits and single hyphens starting with a letter", a.Service, a.NamePrefix, id, IdentifierMaxLength)
	}
	if strings.TrimSpace(a.Owner) == "" {
		return fielderr.New("Owner", "is required (the owning team, tagged Owner)")
	}
	required := []struct {
		field string
		set   bool
	}{
		{"AlarmTopicARN", a.AlarmTopicARN != nil},
		{"VPCID", a.VPCID != nil},
		{"SubnetIDs", a.SubnetIDs != nil},
	}
	for _, r := range required {
		if !r.set {
			return fielderr.New(r.field, "is required")
		}
	}
	major, err := MajorVersion(a.EngineVersion)
	if err != nil {
		return fielderr.New("EngineVersion", "%s", err)
	}
	if !slices.Contains(SupportedMajorVersions, major) {
		return fielderr.New("EngineVersion", "%q is PostgreSQL %d; the offering supports majors %v", a.EngineVersion, major, SupportedMajorVersions)
	}
	if a.AllowMajorVersionUpgrade && !explicitVersion {
		return fielderr.New("AllowMajorVersionUpgrade", "is set without EngineVersion: name the version to upgrade to (the default %s never crosses a major version on its own)", DefaultEngineVersion)
	}
	if !classRe.MatchString(a.InstanceClass) {
		return fielderr.New("InstanceClass", "%q is not a DB instance class (db.<family>.<size>, such as %s)", a.InstanceClass, DefaultInstanceClass)
	}
	if a.AllocatedStorageGiB < MinStorageGiB || a.AllocatedStorageGiB > MaxStorageGiB {
		return fielderr.New("AllocatedStorageGiB", "%d is outside %d to %d (gp3 on RDS for PostgreSQL)", a.AllocatedStorageGiB, MinStorageGiB, MaxStorageGiB)
	}
	if a.MaxAllocatedStorageGiB <= a.AllocatedStorageGiB || a.MaxAllocatedStorageGiB > MaxStorageGiB {
		return fielderr.New("MaxAllocatedStorageGiB", "%d must be more than AllocatedStorageGiB %d and at most %d", a.MaxAllocatedStorageGiB, a.AllocatedStorageGiB, MaxStorageGiB)
	}
	if a.BackupRetentionDays < MinBackupRetentionDays || a.BackupRetentionDays > MaxBackupRetentionDays {
		return fielderr.New("BackupRetentionDays", "%d is outside %d to %d (0 would disable point-in-time recovery)", a.BackupRetentionDays, MinBackupRetentionDays, MaxBackupRetentionDays)
	}
	if !backupWindowRe.MatchString(a.BackupWindow) {
		return fielderr.New("BackupWindow", "%q is not hh24:mi-hh24:mi in UTC (such as %s)", a.BackupWindow, DefaultBackupWindow)
	}
	if !maintenanceWinR.MatchString(a.MaintenanceWindow) {
		return fielderr.New("MaintenanceWindow", "%q is not ddd:hh24:mi-ddd:hh24:mi in UTC (such as %s)", a.MaintenanceWindow, DefaultMaintenanceWindow)
	}
	if a.Readers < 0 || a.Readers > MaxReaders {
		return fielderr.New("Readers", "%d is outside 0 to %d (the platform's limit; RDS allows %d)", a.Readers, MaxReaders, AWSMaxReadReplicas)
	}
	if len(a.IAMUsername) > maxRoleName || !roleRe.MatchString(a.IAMUsername) {
		return fielderr.New("IAMUsername", "%q is not a PostgreSQL role name (1-%d lower-case letters, digits, _ and -, not starting with a digit or -)", a.IAMUsername, maxRoleName)
	}
	if a.IAMUsername == MasterUsername {
		return fielderr.New("IAMUsername", "%q is the master user: the service connects as a role of its own", a.IAMUsername)
	}
	if slices.Contains(reservedRoles, a.IAMUsername) || strings.HasPrefix(a.IAMUsername, "pg_") || strings.HasPrefix(a.IAMUsername, "rds_") {
		return fielderr.New("IAMUsername", "%q is reserved (pg_*, rds_* and %v are PostgreSQL's or RDS's roles): name the service's own role", a.IAMUsername, reservedRoles)
	}
	if slices.Contains(reservedDatabases, a.DatabaseName()) {
		return fielderr.New("Service", "%q makes the database name %q, which PostgreSQL or RDS already uses (%v)", a.Service, a.DatabaseName(), reservedDatabases)
	}
	seen := map[string]bool{}
	for i, c := range a.AllowedCIDRs {
		if err := cidr.ValidateSource(c, "a database"); err != nil {
			return fielderr.In(fielderr.Index("AllowedCIDRs", i), err)
		}
		if seen[c] {
			return fielderr.New(fielderr.Index("AllowedCIDRs", i), "%q is listed twice", c)
		}
		seen[c] = true
	}
	alarms := []struct {
		field     string
		v, lo, hi int
	}{
		{"CPUAlarmPercent", a.CPUAlarmPercent, 1, 100},
		{"FreeableMemoryAlarmMiB", a.FreeableMemoryAlarmMiB, 1, 1 << 20},
		{"FreeStorageAlarmGiB", a.FreeStorageAlarmGiB, 1, MaxStorageGiB},
		{"ConnectionsAlarm", a.ConnectionsAlarm, 1, 1 << 20},
		{"ReplicaLagAlarmSeconds", a.ReplicaLagAlarmSeconds, 1, 86400},
	}
	for _, al := range alarms {
		if al.v < al.lo || al.v > al.hi {
			return fielderr.New(al.field, "%d is outside %d to %d", al.v, al.lo, al.hi)
		}
	}
	return nil
}
