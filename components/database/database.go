// Package database provides Database, the platform's PostgreSQL offering: one service's database
// on Amazon RDS for PostgreSQL (a DB instance, aws:rds/instance:Instance, with optional read
// replicas). It is not Aurora: an RDS instance is what most services need, priced and sized by
// the instance, and the offering's knobs (version, class, storage, readers) map one to one onto
// RDS settings; an Aurora offering would be a component of its own.
//
// What a service owner gets, with every default written once here (DatabaseArgs):
//   - the engine pinned (DefaultEngineVersion), automatic minor upgrades off, so the version
//     changes only through a pull request; a major upgrade needs AllowMajorVersionUpgrade;
//   - a DB subnet group in the given database subnets and a security group of its own admitting
//     5432 only from AllowedSecurityGroupIDs (the cluster's nodes) and AllowedCIDRs (the VPN),
//     with no egress rule at all: RDS needs none from the instance's security group (replication,
//     backups and Secrets Manager rotation run on AWS's side), and no public access;
//   - gp3 storage encrypted with the customer key (KMSKeyARN, or a key of its own), autoscaling to
//     MaxAllocatedStorageGiB;
//   - IAM database authentication, and the master password managed by RDS in Secrets Manager
//     (manageMasterUserPassword, encrypted with the same key): no password is ever an input or in
//     the state. The service gets IAM access to its own database user only (AccessStatements),
//     never the master secret;
//   - automated backups with point-in-time recovery for BackupRetentionDays, snapshots carrying
//     the tags, and in production (Protect) deletion protection and a final snapshot;
//   - MultiAZ and Readers read replicas, a parameter group of the engine's family (TLS enforced,
//     connection, lock-wait and slow-statement logging), Performance Insights (7 days, the key);
//   - CloudWatch alarms to the owning team's topic: CPU, freeable memory, free storage and
//     connections of the primary, CPU and replica lag of each reader.
//
// # Physical names
//
// The primary is <NamePrefix><Service>-db, reader i (from 1) <NamePrefix><Service>-db-reader-<i>,
// the DB subnet group <NamePrefix><Service>-db, the parameter group
// <NamePrefix><Service>-db-postgres<major> (a major upgrade makes a new one before the old one
// goes), the final snapshot <NamePrefix><Service>-db-final, the alarms
// <NamePrefix><Service>-db-<alarm> and, for a created key, alias/<NamePrefix><Service>-db. The
// security group is auto-named by Pulumi. Resource names derive from the component's name.
package database

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/tags"
)

// databaseType is part of every URN: never rename without an alias.
const databaseType = "flowmart:data:Database"

// Port is PostgreSQL's port.
const Port = 5432

// Engine is the RDS engine of the offering.
const Engine = "postgres"

// MasterUsername is the master user of every database; its password lives in the secret RDS
// manages (SecretARN), for platform engineers only.
const MasterUsername = "platform_admin"

// OwnerTag is the tag naming the owning team on every resource.
const OwnerTag = "Owner"

// ServiceTag is the tag naming the owning service on every resource.
const ServiceTag = "Service"

// Database is one service's PostgreSQL database on RDS.
type Database struct {
	pulumi.ResourceState

	// Endpoint is the primary's host name (the DNS address, without the port).
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// ReaderEndpoint is the first reader's host name, or the primary's without readers.
	ReaderEndpoint pulumi.StringOutput `pulumi:"readerEndpoint"`
	// Port is PostgreSQL's port, 5432.
	Port pulumi.IntOutput `pulumi:"port"`
	// SecretARN is the master user secret RDS manages (for platform engineers, not the service).
	SecretARN pulumi.StringOutput `pulumi:"secretArn"`
	// ARN is the primary's ARN.
	ARN pulumi.StringOutput `pulumi:"arn"`
	// ResourceID is the primary's DbiResourceId, the resource of rds-db:connect.
	ResourceID pulumi.StringOutput `pulumi:"resourceId"`
	// IAMUsername is the PostgreSQL role the service connects as with IAM authentication.
	IAMUsername pulumi.StringOutput `pulumi:"iamUsername"`
	// KMSKeyARN is the key encrypting the storage, the secret and Performance Insights.
	KMSKeyARN pulumi.StringOutput `pulumi:"kmsKeyArn"`
	// SecurityGroupID is the database's security group.
	SecurityGroupID pulumi.IDOutput `pulumi:"securityGroupId"`

	// Instance is the primary DB instance, an escape hatch.
	Instance *rds.Instance
	// Readers are the read replicas, in order.
	Readers []*rds.Instance

	name           string
	args           DatabaseArgs
	opts           []pulumi.ResourceOption // child options: parent is the database
	keyARN         pulumi.StringOutput
	subnetGroup    *rds.SubnetGroup
	parameterGroup *rds.ParameterGroup
	securityGroup  *ec2.SecurityGroup
}

// NewDatabase creates a Database. Children are named name+"-<role>": name+"-key",
// name+"-subnets", name+"-params", name+"-sg", name (the primary), name+"-reader-<i>" and
// name+"-alarm-<alarm>".
func NewDatabase(ctx *pulumi.Context, name string, args *DatabaseArgs, opts ...pulumi.ResourceOption) (*Database, error) {
	a := args.withDefaults()
	if err := a.validate(args != nil && args.EngineVersion != ""); err != nil {
		return nil, fmt.Errorf("database %q: %w", name, err)
	}
	d := &Database{name: name, args: a}
	if err := ctx.RegisterComponentResource(databaseType, name, d, opts...); err != nil {
		return nil, err
	}
	d.opts = []pulumi.ResourceOption{pulumi.Parent(d)}
	steps := []func(*pulumi.Context) error{
		d.encryptionKey,
		d.subnets,
		d.securityGroups,
		d.parameters,
		d.primary,
		d.readers,
		d.alarms,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("database %q: %w", name, err)
		}
	}
	return d, d.registerOutputs(ctx)
}

// Identifier is the RDS identifier of the primary: <NamePrefix><Service>-db.
func (a DatabaseArgs) Identifier() string { return a.NamePrefix + a.Service + "-db" }

// ReaderIdentifier is the RDS identifier of reader i (from 1).
func (a DatabaseArgs) ReaderIdentifier(i int) string {
	return a.NamePrefix + a.Service + readerIdentifierSuffix(i)
}

func readerIdentifierSuffix(i int) string { return "-db-reader-" + strconv.Itoa(i) }

// DatabaseName is the initial database: Service with - as _ (PostgreSQL database names for RDS
// are letters, digits and underscores, starting with a letter: CreateDBInstance, DBName).
func (a DatabaseArgs) DatabaseName() string {
	b := []byte(a.Service)
	for i, c := range b {
		if c == '-' {
			b[i] = '_'
		}
	}
	return string(b)
}

func (d *Database) tags(resource string) pulumi.StringMap {
	return tags.Named(d.args.Tags, resource, map[string]string{OwnerTag: d.args.Owner, ServiceTag: d.args.Service})
}

// masterSecretARN is the ARN of the secret RDS manages, "" while RDS reports none (an Index of
// the list would panic on an empty one).
func masterSecretARN(secrets []rds.InstanceMasterUserSecret) string {
	for _, s := range secrets {
		if s.SecretArn != nil {
			return *s.SecretArn
		}
	}
	return ""
}

func (d *Database) registerOutputs(ctx *pulumi.Context) error {
	d.Endpoint = d.Instance.Address
	d.ReaderEndpoint = d.Instance.Address
	if len(d.Readers) > 0 {
		d.ReaderEndpoint = d.Readers[0].Address
	}
	d.Port = pulumi.Int(Port).ToIntOutput()
	d.SecretARN = d.Instance.MasterUserSecrets.ApplyT(masterSecretARN).(pulumi.StringOutput)
	d.ARN = d.Instance.Arn
	d.ResourceID = d.Instance.ResourceId
	d.IAMUsername = pulumi.String(d.args.IAMUsername).ToStringOutput()
	d.KMSKeyARN = d.keyARN
	d.SecurityGroupID = d.securityGroup.ID()
	return ctx.RegisterResourceOutputs(d, pulumi.Map{
		"endpoint":        d.Endpoint,
		"readerEndpoint":  d.ReaderEndpoint,
		"port":            d.Port,
		"secretArn":       d.SecretARN,
		"arn":             d.ARN,
		"resourceId":      d.ResourceID,
		"iamUsername":     d.IAMUsername,
		"kmsKeyArn":       d.KMSKeyARN,
		"securityGroupId": d.SecurityGroupID,
	})
}
