package database

import (
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/protect"
)

// PerformanceInsightsRetentionDays is Performance Insights' retention: 7 days, its free tier
// (CreateDBInstance, PerformanceInsightsRetentionPeriod: "7 (default)").
const PerformanceInsightsRetentionDays = 7

// DatabaseInsightsMode is CloudWatch Database Insights' mode, standard: the Performance Insights
// console reached its end of life on 31 July 2026 and its data is shown by the Standard mode of
// Database Insights, which keeps the Performance Insights API and retention ("Turning Performance
// Insights on and off", Amazon RDS User Guide, and "Turning on the Standard mode of Database
// Insights for Amazon RDS", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.TurningOnStandard.html:
// --database-insights-mode standard with Performance Insights on). It is set explicitly so that
// the mode RDS applies by default shows as no change.
const DatabaseInsightsMode = "standard"

// StorageType is the storage of every instance: General Purpose SSD gp3.
const StorageType = "gp3"

// Parameters are the offering's PostgreSQL settings, in every parameter group: TLS required
// (rds.force_ssl, "Requiring an SSL/TLS connection to a PostgreSQL DB instance", Amazon RDS User
// Guide, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.Requiring.html),
// connections, disconnections and lock waits logged, and statements slower than one second
// (log_min_duration_statement is in milliseconds,
// https://www.postgresql.org/docs/17/runtime-config-logging.html). All are dynamic: they apply
// without a reboot.
var Parameters = []struct{ Name, Value string }{
	{"rds.force_ssl", "1"},
	{"log_connections", "1"},
	{"log_disconnections", "1"},
	{"log_lock_waits", "1"},
	{"log_min_duration_statement", "1000"},
}

// parameters creates the parameter group of the engine's family. Its name carries the family, so
// that a major upgrade (a new family, which replaces the group) creates the new group before the
// instances move to it and the old one is deleted.
func (d *Database) parameters(ctx *pulumi.Context) error {
	family, err := ParameterGroupFamily(d.args.EngineVersion)
	if err != nil { // validated: unreachable
		return err
	}
	var params rds.ParameterGroupParameterArray
	for _, p := range Parameters {
		params = append(params, rds.ParameterGroupParameterArgs{
			Name:        pulumi.String(p.Name),
			Value:       pulumi.String(p.Value),
			ApplyMethod: pulumi.String("immediate"),
		})
	}
	name := d.name + "-params"
	d.parameterGroup, err = rds.NewParameterGroup(ctx, name, &rds.ParameterGroupArgs{
		Name:        pulumi.String(d.args.Identifier() + "-" + family),
		Family:      pulumi.String(family),
		Description: pulumi.String("PostgreSQL settings of " + d.args.Identifier() + " (" + family + ")"),
		Parameters:  params,
		Tags:        d.tags(name),
	}, d.opts...)
	return err
}

// primary creates the primary DB instance.
func (d *Database) primary(ctx *pulumi.Context) error {
	a := d.args
	args := &rds.InstanceArgs{
		Identifier:               pulumi.String(a.Identifier()),
		Engine:                   pulumi.String(Engine),
		EngineVersion:            pulumi.String(a.EngineVersion),
		AllowMajorVersionUpgrade: pulumi.Bool(a.AllowMajorVersionUpgrade),
		AutoMinorVersionUpgrade:  pulumi.Bool(false),
		ApplyImmediately:         pulumi.Bool(a.ApplyImmediately),
		InstanceClass:            pulumi.String(a.InstanceClass),
		DbName:                   pulumi.String(a.DatabaseName()),
		Username:                 pulumi.String(MasterUsername),
		ManageMasterUserPassword: pulumi.Bool(true),
		MasterUserSecretKmsKeyId: d.keyARN,
		Port:                     pulumi.Int(Port),
		DbSubnetGroupName:        d.subnetGroup.Name,
		VpcSecurityGroupIds:      pulumi.StringArray{d.securityGroup.ID().ToStringOutput()},
		PubliclyAccessible:       pulumi.Bool(false),
		MultiAz:                  pulumi.Bool(a.MultiAZ),
		BackupRetentionPeriod:    pulumi.Int(a.BackupRetentionDays),
		BackupWindow:             pulumi.String(a.BackupWindow),
		MaintenanceWindow:        pulumi.String(a.MaintenanceWindow),
		CopyTagsToSnapshot:       pulumi.Bool(true),
		DeleteAutomatedBackups:   pulumi.Bool(!a.Protect),
		DeletionProtection:       pulumi.Bool(a.Protect),
		SkipFinalSnapshot:        pulumi.Bool(!a.Protect),
		Tags:                     d.tags(d.name),
	}
	if a.Protect {
		args.FinalSnapshotIdentifier = pulumi.String(a.Identifier() + "-final")
	}
	d.storage(args)
	d.common(args)
	var err error
	d.Instance, err = rds.NewInstance(ctx, d.name, args, protect.Options(a.Protect, d.opts)...)
	return err
}

// storage sets the encrypted, autoscaling gp3 storage.
func (d *Database) storage(args *rds.InstanceArgs) {
	args.StorageType = pulumi.String(StorageType)
	args.AllocatedStorage = pulumi.Int(d.args.AllocatedStorageGiB)
	args.MaxAllocatedStorage = pulumi.Int(d.args.MaxAllocatedStorageGiB)
	args.StorageEncrypted = pulumi.Bool(true)
	args.KmsKeyId = d.keyARN
}

// common sets what the primary and the readers share: IAM authentication, the parameter group,
// Performance Insights with the key in Database Insights' standard mode.
func (d *Database) common(args *rds.InstanceArgs) {
	args.IamDatabaseAuthenticationEnabled = pulumi.Bool(true)
	args.ParameterGroupName = d.parameterGroup.Name
	args.PerformanceInsightsEnabled = pulumi.Bool(true)
	args.PerformanceInsightsKmsKeyId = d.keyARN
	args.PerformanceInsightsRetentionPeriod = pulumi.Int(PerformanceInsightsRetentionDays)
	args.DatabaseInsightsMode = pulumi.String(DatabaseInsightsMode)
}

// readers creates the read replicas of the primary. replicateSourceDb is the primary's
// identifier, as the provider asks for a replica in the same region, and the replica then takes
// its source's DB subnet group (pulumi-aws v6.83.4 sdk/go/aws/rds/instance.go, InstanceArgs
// ReplicateSourceDb and DbSubnetGroupName). A replica sets no master user ("Cannot be specified
// for a replica", Username), no final snapshot ("Must not be provided when deleting a read
// replica", FinalSnapshotIdentifier), no engine version (RDS upgrades in-Region replicas with
// their primary on a major upgrade: "Upgrading the PostgreSQL DB engine for Amazon RDS",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.html)
// and no automated backups. It keeps its own security group, encrypted storage with the key,
// deletion protection, parameter group and Performance Insights.
func (d *Database) readers(ctx *pulumi.Context) error {
	a := d.args
	for i := 1; i <= a.Readers; i++ {
		name := d.name + "-reader-" + strconv.Itoa(i)
		args := &rds.InstanceArgs{
			Identifier:              pulumi.String(a.ReaderIdentifier(i)),
			ReplicateSourceDb:       d.Instance.Identifier,
			AutoMinorVersionUpgrade: pulumi.Bool(false),
			ApplyImmediately:        pulumi.Bool(a.ApplyImmediately),
			InstanceClass:           pulumi.String(a.InstanceClass),
			VpcSecurityGroupIds:     pulumi.StringArray{d.securityGroup.ID().ToStringOutput()},
			PubliclyAccessible:      pulumi.Bool(false),
			MaintenanceWindow:       pulumi.String(a.MaintenanceWindow),
			CopyTagsToSnapshot:      pulumi.Bool(true),
			DeletionProtection:      pulumi.Bool(a.Protect),
			SkipFinalSnapshot:       pulumi.Bool(true),
			Tags:                    d.tags(name),
		}
		d.storage(args)
		d.common(args)
		r, err := rds.NewInstance(ctx, name, args, protect.Options(a.Protect, d.opts)...)
		if err != nil {
			return err
		}
		d.Readers = append(d.Readers, r)
	}
	return nil
}
