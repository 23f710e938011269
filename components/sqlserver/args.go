package sqlserver

import (
	"maps"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/alarmtopic"
	"github.com/flowmart/platform/pkg/cidr"
	"github.com/flowmart/platform/pkg/dnsname"
	"github.com/flowmart/platform/pkg/ec2host"
	"github.com/flowmart/platform/pkg/fielderr"
)

// Edition is the SQL Server edition of the license-included AMI.
type Edition string

const (
	// Developer is free and licensed for development and test only: the dev environment's edition.
	Developer Edition = "Developer"
	// Standard is the production edition for most workloads.
	Standard Edition = "Standard"
	// Enterprise is the production edition for large or highly available workloads.
	Enterprise Edition = "Enterprise"
)

// Editions lists the allowed editions.
var Editions = []Edition{Developer, Standard, Enterprise}

// Alarm subscription protocols.
const (
	ProtocolEmail = "email"
	ProtocolHTTPS = "https"
)

// AlarmSubscription sends the host's alarms to a pager or a mailbox.
type AlarmSubscription struct {
	// Protocol is "email" or "https". Required.
	Protocol string
	// Endpoint is an e-mail address, or an https:// URL (e.g. a paging service's webhook). Required.
	Endpoint string
}

// Volume sizes one gp3 EBS volume. A zero field takes the volume's default.
type Volume struct {
	// SizeGiB is the size, 1 to 16384 GiB.
	SizeGiB int
	// IOPS is the provisioned IOPS, 3000 (the gp3 baseline) to 16000; above 3000 at most 500 per GiB.
	IOPS int
	// ThroughputMiBps is the provisioned throughput, 125 to 1000 MiB/s and at most IOPS/4.
	ThroughputMiBps int
}

// gp3 limits.
const (
	gp3MinSizeGiB       = 1
	gp3MaxSizeGiB       = 16384
	gp3BaselineIOPS     = 3000
	gp3MaxIOPS          = 16000
	gp3MaxIOPSPerGiB    = 500
	gp3MinThroughput    = 125
	gp3MaxThroughput    = 1000
	gp3IOPSPerMiBps     = 4
	rootMinSizeGiB      = 30 // a Windows Server root volume
	maxRecoveryWindow   = 30
	minRecoveryWindow   = 7
	maxApproveAfterDays = 360
	maxRetentionDays    = 36500 // AWS Backup keeps a recovery point at most 100 years
)

// Default volumes, sized for a small OLTP database; each field can be overridden alone.
var (
	DefaultDataVolume   = Volume{SizeGiB: 500, IOPS: 6000, ThroughputMiBps: 250}
	DefaultLogVolume    = Volume{SizeGiB: 200, IOPS: 4000, ThroughputMiBps: 250}
	DefaultTempDBVolume = Volume{SizeGiB: 100, IOPS: 3000, ThroughputMiBps: 250}
	DefaultBackupVolume = Volume{SizeGiB: 1000, IOPS: 3000, ThroughputMiBps: 250}
)

// Defaults of optional settings.
const (
	DefaultInstanceType              = "r6i.xlarge"
	DefaultRootVolumeSizeGiB         = 100
	DefaultPatchApproveAfterDays     = 7
	DefaultMaintenanceWindowSchedule = "cron(0 3 ? * SUN *)"
	DefaultMaintenanceWindowHours    = 3
	DefaultMaintenanceWindowCutoff   = 1
	DefaultBackupSchedule            = "cron(0 1 * * ? *)"
	DefaultSecretRecoveryWindowDays  = 30
	DefaultHostName                  = "sqlserver"
)

// SQLServerHostArgs configures a SQLServerHost. Fields that decide which resources exist are plain
// values; values passed into children are inputs.
type SQLServerHostArgs struct {
	// AMIID is the Windows Server + SQL Server license-included AMI (ami- and 8 or 17 hex digits).
	// Required: nothing floats. A newer AMI in config never replaces the host by itself: the
	// instance ignores changes to its AMI (and `pulumi up --replace` would rebuild it on the AMI
	// it runs, since Pulumi keeps an ignored input's recorded value). To move to a new AMI, set
	// AMIID and AllowAMIReplacement for one deploy; the databases survive because they live on
	// separate volumes.
	AMIID string
	// AllowAMIReplacement stops ignoring changes to AMIID and to the user data, so a changed AMIID
	// replaces the host on the next deploy, booting the current boot script (with the same AMIID,
	// a changed boot script alone stops and starts the host in place). Set it for that deploy only (in production, after `pulumi state unprotect`
	// of the instance, and after a fresh backup). Defaults to false.
	AllowAMIReplacement bool
	// Edition is the SQL Server edition of AMIID: Developer (dev only), Standard or Enterprise.
	// Required: it must match the AMI, which decides what is installed and billed.
	Edition Edition
	// InstanceType is the EC2 instance type. Defaults to r6i.xlarge (memory optimized).
	InstanceType string
	// VPCID is the VPC of the host's security group. Required.
	VPCID pulumi.StringInput
	// SubnetID is the database subnet the host runs in. Required.
	SubnetID pulumi.StringInput
	// AvailabilityZone is SubnetID's availability zone, e.g. eu-west-1a: the EBS volumes are
	// created there. Required.
	AvailabilityZone string
	// NodeSecurityGroupID is the cluster nodes' security group, allowed to reach SQL Server on
	// 1433. Required.
	NodeSecurityGroupID pulumi.StringInput
	// VPNClientCIDR is the VPN clients' range, allowed to reach SQL Server on 1433. Defaults to no
	// VPN access.
	VPNClientCIDR string
	// OnPremisesCIDRs are the on-premises networks that replicate with this host: allowed in and
	// out on 1433 and 5022 (the availability-group / mirroring endpoint). Defaults to none.
	OnPremisesCIDRs []string
	// RootVolumeSizeGiB is the encrypted gp3 system volume (C:). Defaults to 100 GiB.
	RootVolumeSizeGiB int
	// DataVolume (D:, xvdf) holds the database files. Defaults to DefaultDataVolume.
	DataVolume Volume
	// LogVolume (L:, xvdg) holds the transaction logs. Defaults to DefaultLogVolume.
	LogVolume Volume
	// TempDBVolume (T:, xvdh) holds tempdb. Defaults to DefaultTempDBVolume.
	TempDBVolume Volume
	// BackupVolume (B:, xvdi) holds native SQL Server backups. Defaults to DefaultBackupVolume.
	BackupVolume Volume
	// KMSKeyARN encrypts the volumes, the password secret, the backup vault and the alarm topic;
	// its key policy must let cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*.
	// Defaults to a new key with rotation.
	KMSKeyARN pulumi.StringPtrInput
	// SecretRecoveryWindowDays is how long a deleted sa password secret can be restored, 7 to 30.
	// Defaults to 30 days.
	SecretRecoveryWindowDays int
	// PatchApproveAfterDays is how long after release Critical and Important security updates,
	// critical updates and SQL Server's updates are approved, 1 to 360. Defaults to 7 days.
	PatchApproveAfterDays int
	// MaintenanceWindowSchedule is when patches are installed (a cron() or rate() expression, UTC).
	// Defaults to Sundays at 03:00: cron(0 3 ? * SUN *).
	MaintenanceWindowSchedule string
	// MaintenanceWindowHours is the patching window's length, 1 to 24. Defaults to 3 hours.
	MaintenanceWindowHours int
	// MaintenanceWindowCutoffHours is how long before the window's end no new task starts, less
	// than MaintenanceWindowHours. Defaults to 1 hour.
	MaintenanceWindowCutoffHours int
	// CloudWatchAgentVersion is the AmazonCloudWatchAgent package version SSM installs (a version
	// SSM Distributor publishes, such as 1.300057.1b1168; see DefaultCloudWatchAgentVersion for
	// how to list them). Defaults to DefaultCloudWatchAgentVersion.
	CloudWatchAgentVersion string
	// BackupSchedule is when AWS Backup takes its daily VSS-consistent backup (a cron()
	// expression, UTC). Defaults to 01:00 every day: cron(0 1 * * ? *).
	BackupSchedule string
	// BackupRetentionDays is how long AWS Backup keeps a recovery point, 1 to 36500. Required.
	BackupRetentionDays int
	// AlarmSubscriptions receive the host's alarms and recoveries. Defaults to none (subscribe to
	// the AlarmTopicARN output elsewhere).
	AlarmSubscriptions []AlarmSubscription
	// PrivateZoneID is the private Route 53 zone (created by the Network component) the host
	// registers in. Required.
	PrivateZoneID pulumi.StringInput
	// PrivateZoneName is PrivateZoneID's name, e.g. production.internal. Required.
	PrivateZoneName string
	// HostName is the host's label in the private zone. Defaults to sqlserver
	// (sqlserver.<PrivateZoneName>).
	HostName string
	// NamePrefix starts every physical name the host sets: the KMS alias alias/<NamePrefix>, the
	// backup vault, plan and selection <NamePrefix>, the patch baseline <NamePrefix>-windows, the
	// patch group <NamePrefix> (the instance's "Patch Group" tag), the maintenance window
	// <NamePrefix>-patching and its target <NamePrefix>, the CloudWatch agent's SSM parameter
	// AmazonCloudWatch-<NamePrefix>, the SSM associations <NamePrefix>-host-config,
	// -cwagent-install, -cwagent-configure and -vss-install, the alarm topic
	// <NamePrefix>-alarms and the alarms <NamePrefix>-<alarm>; 3-50
	// letters, digits, - and _ (an AWS Backup vault name). The resource names do not change with
	// it. Defaults to HostResourceName of the component name: the component name, with -sqlserver
	// appended unless it says sqlserver already.
	NamePrefix string
	// Protect protects the instance, its volumes, the password secret, the created KMS key and
	// the backup vault from deletion, and turns on EC2 termination protection. Defaults to false.
	Protect bool
	// Tags are added to every resource of the host. Defaults to none (the provider's default tags
	// still apply).
	Tags map[string]string
}

func (a *SQLServerHostArgs) withDefaults() SQLServerHostArgs {
	var c SQLServerHostArgs
	if a != nil {
		c = *a
	}
	c.OnPremisesCIDRs = slices.Clone(c.OnPremisesCIDRs)
	c.AlarmSubscriptions = slices.Clone(c.AlarmSubscriptions)
	c.Tags = maps.Clone(c.Tags)
	if c.InstanceType == "" {
		c.InstanceType = DefaultInstanceType
	}
	if c.RootVolumeSizeGiB == 0 {
		c.RootVolumeSizeGiB = DefaultRootVolumeSizeGiB
	}
	c.DataVolume = c.DataVolume.withDefaults(DefaultDataVolume)
	c.LogVolume = c.LogVolume.withDefaults(DefaultLogVolume)
	c.TempDBVolume = c.TempDBVolume.withDefaults(DefaultTempDBVolume)
	c.BackupVolume = c.BackupVolume.withDefaults(DefaultBackupVolume)
	if c.SecretRecoveryWindowDays == 0 {
		c.SecretRecoveryWindowDays = DefaultSecretRecoveryWindowDays
	}
	if c.PatchApproveAfterDays == 0 {
		c.PatchApproveAfterDays = DefaultPatchApproveAfterDays
	}
	if c.MaintenanceWindowSchedule == "" {
		c.MaintenanceWindowSchedule = DefaultMaintenanceWindowSchedule
	}
	if c.MaintenanceWindowHours == 0 {
		c.MaintenanceWindowHours = DefaultMaintenanceWindowHours
	}
	if c.MaintenanceWindowCutoffHours == 0 {
		c.MaintenanceWindowCutoffHours = DefaultMaintenanceWindowCutoff
	}
	if c.BackupSchedule == "" {
		c.BackupSchedule = DefaultBackupSchedule
	}
	if c.CloudWatchAgentVersion == "" {
		c.CloudWatchAgentVersion = DefaultCloudWatchAgentVersion
	}
	if c.HostName == "" {
		c.HostName = DefaultHostName
	}
	return c
}

// withName is withDefaults for the host called name: NamePrefix defaults to HostResourceName(name)
// (only the constructor knows the name; Validate checks a NamePrefix that is set).
func (a *SQLServerHostArgs) withName(name string) SQLServerHostArgs {
	c := a.withDefaults()
	if c.NamePrefix == "" {
		c.NamePrefix = HostResourceName(name)
	}
	return c
}

func (v Volume) withDefaults(d Volume) Volume {
	if v.SizeGiB == 0 {
		v.SizeGiB = d.SizeGiB
	}
	if v.IOPS == 0 {
		v.IOPS = d.IOPS
	}
	if v.ThroughputMiBps == 0 {
		v.ThroughputMiBps = d.ThroughputMiBps
	}
	return v
}

var (
	azRe           = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)*-[0-9]+[a-z]$`)
	instanceTypeRe = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	scheduleRe     = regexp.MustCompile(`^(cron|rate)\([^()]+\)$`)
	cronRe         = regexp.MustCompile(`^cron\([^()]+\)$`)
	agentVersionRe = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(b[0-9]+)?$`)
)

// ValidateVolume reports why v is not a valid gp3 volume, or nil: 1-16384 GiB, 3000-16000 IOPS
// (above the 3000 baseline at most 500 per GiB), 125-1000 MiB/s and at most IOPS/4 MiB/s.
func ValidateVolume(v Volume) error {
	switch {
	case v.SizeGiB < gp3MinSizeGiB || v.SizeGiB > gp3MaxSizeGiB:
		return fielderr.New("SizeGiB", "%d is outside %d to %d", v.SizeGiB, gp3MinSizeGiB, gp3MaxSizeGiB)
	case v.IOPS < gp3BaselineIOPS || v.IOPS > gp3MaxIOPS:
		return fielderr.New("IOPS", "%d is outside %d to %d", v.IOPS, gp3BaselineIOPS, gp3MaxIOPS)
	case v.IOPS > gp3BaselineIOPS && v.IOPS > gp3MaxIOPSPerGiB*v.SizeGiB:
		return fielderr.New("IOPS", "%d is more than %d per GiB of a %d GiB volume (at most %d)", v.IOPS, gp3MaxIOPSPerGiB, v.SizeGiB, max(gp3BaselineIOPS, gp3MaxIOPSPerGiB*v.SizeGiB))
	case v.ThroughputMiBps < gp3MinThroughput || v.ThroughputMiBps > gp3MaxThroughput:
		return fielderr.New("ThroughputMiBps", "%d is outside %d to %d", v.ThroughputMiBps, gp3MinThroughput, gp3MaxThroughput)
	case v.ThroughputMiBps > v.IOPS/gp3IOPSPerMiBps:
		return fielderr.New("ThroughputMiBps", "%d is more than IOPS/4 (at most %d with %d IOPS)", v.ThroughputMiBps, v.IOPS/gp3IOPSPerMiBps, v.IOPS)
	}
	return nil
}

// Validate checks the Args after defaults and returns the first problem as a *fielderr.Error
// naming the field. NewSQLServerHost runs it before registering anything.
func (a *SQLServerHostArgs) Validate() error {
	d := a.withDefaults()
	return d.validate()
}

func (a SQLServerHostArgs) validate() error {
	required := []struct {
		field string
		set   bool
	}{
		{"VPCID", a.VPCID != nil},
		{"SubnetID", a.SubnetID != nil},
		{"NodeSecurityGroupID", a.NodeSecurityGroupID != nil},
		{"PrivateZoneID", a.PrivateZoneID != nil},
	}
	for _, r := range required {
		if !r.set {
			return fielderr.New(r.field, "is required")
		}
	}
	if !ec2host.AMIIDRe.MatchString(a.AMIID) {
		return fielderr.New("AMIID", "%q is not an AMI id (ami- and 8 or 17 lower-case hex digits); the host needs a pinned image", a.AMIID)
	}
	if !slices.Contains(Editions, a.Edition) {
		return fielderr.New("Edition", "%q is not one of Developer, Standard, Enterprise", a.Edition)
	}
	if !instanceTypeRe.MatchString(a.InstanceType) {
		return fielderr.New("InstanceType", "%q is not an EC2 instance type (such as r6i.xlarge)", a.InstanceType)
	}
	if !azRe.MatchString(a.AvailabilityZone) {
		return fielderr.New("AvailabilityZone", "%q is not an availability zone (such as eu-west-1a, the zone of SubnetID)", a.AvailabilityZone)
	}
	if a.VPNClientCIDR != "" {
		if err := cidr.ValidateSource(a.VPNClientCIDR, "SQL Server"); err != nil {
			return fielderr.In("VPNClientCIDR", err)
		}
	}
	seen := map[string]bool{}
	for i, c := range a.OnPremisesCIDRs {
		if err := cidr.ValidateSource(c, "SQL Server"); err != nil {
			return fielderr.In(fielderr.Index("OnPremisesCIDRs", i), err)
		}
		if seen[c] {
			return fielderr.New(fielderr.Index("OnPremisesCIDRs", i), "%q is listed twice", c)
		}
		seen[c] = true
	}
	if a.RootVolumeSizeGiB < rootMinSizeGiB || a.RootVolumeSizeGiB > gp3MaxSizeGiB {
		return fielderr.New("RootVolumeSizeGiB", "%d is outside %d to %d", a.RootVolumeSizeGiB, rootMinSizeGiB, gp3MaxSizeGiB)
	}
	for _, d := range a.drives() {
		if err := ValidateVolume(d.volume); err != nil {
			return fielderr.In(d.field, err)
		}
	}
	if a.SecretRecoveryWindowDays < minRecoveryWindow || a.SecretRecoveryWindowDays > maxRecoveryWindow {
		return fielderr.New("SecretRecoveryWindowDays", "%d is outside %d to %d", a.SecretRecoveryWindowDays, minRecoveryWindow, maxRecoveryWindow)
	}
	if a.PatchApproveAfterDays < 1 || a.PatchApproveAfterDays > maxApproveAfterDays {
		return fielderr.New("PatchApproveAfterDays", "%d is outside 1 to %d", a.PatchApproveAfterDays, maxApproveAfterDays)
	}
	if !scheduleRe.MatchString(a.MaintenanceWindowSchedule) {
		return fielderr.New("MaintenanceWindowSchedule", "%q is not a cron() or rate() expression (such as %s)", a.MaintenanceWindowSchedule, DefaultMaintenanceWindowSchedule)
	}
	if a.MaintenanceWindowHours < 1 || a.MaintenanceWindowHours > 24 {
		return fielderr.New("MaintenanceWindowHours", "%d is outside 1 to 24", a.MaintenanceWindowHours)
	}
	if a.MaintenanceWindowCutoffHours < 0 || a.MaintenanceWindowCutoffHours >= a.MaintenanceWindowHours {
		return fielderr.New("MaintenanceWindowCutoffHours", "%d must be at least 0 and less than MaintenanceWindowHours %d", a.MaintenanceWindowCutoffHours, a.MaintenanceWindowHours)
	}
	if !cronRe.MatchString(a.BackupSchedule) {
		return fielderr.New("BackupSchedule", "%q is not a cron() expression (such as %s)", a.BackupSchedule, DefaultBackupSchedule)
	}
	if !agentVersionRe.MatchString(a.CloudWatchAgentVersion) {
		return fielderr.New("CloudWatchAgentVersion", "%q is not an AmazonCloudWatchAgent package version (such as %s): the agent is pinned", a.CloudWatchAgentVersion, DefaultCloudWatchAgentVersion)
	}
	if a.BackupRetentionDays < 1 || a.BackupRetentionDays > maxRetentionDays {
		return fielderr.New("BackupRetentionDays", "%d is outside 1 to %d (it is required)", a.BackupRetentionDays, maxRetentionDays)
	}
	for i, s := range a.AlarmSubscriptions {
		if err := s.validate(); err != nil {
			return fielderr.In(fielderr.Index("AlarmSubscriptions", i), err)
		}
	}
	if err := dnsname.Check(a.PrivateZoneName, false); err != nil {
		return fielderr.In("PrivateZoneName", err)
	}
	if !dnsname.IsLabel(a.HostName) {
		return fielderr.New("HostName", "%q is not a DNS label (lower-case letters, digits and inner hyphens, 1-63 characters)", a.HostName)
	}
	if a.NamePrefix != "" && (len(a.NamePrefix) < minNamePrefix || len(a.NamePrefix) > maxNamePrefix || !namePrefixRe.MatchString(a.NamePrefix)) {
		return fielderr.New("NamePrefix", "%q is not a name prefix (%d-%d letters, digits, - and _: it is the backup vault's name and starts the host's other names; it defaults to the component name, with -sqlserver unless it says sqlserver)", a.NamePrefix, minNamePrefix, maxNamePrefix)
	}
	return nil
}

// NamePrefix feeds these names (the longest suffix is -cwagent-configure, 18 characters):
//   - AWS Backup vault <p>: ^[a-zA-Z0-9\-\_]{2,50}$ (AWS Backup API Reference, CreateBackupVault,
//     https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html); the
//     backup plan (BackupPlanName) and selection (SelectionName) <p>: 1-50 of letters, digits
//     and - _ . (CreateBackupPlan, CreateBackupSelection);
//   - SSM maintenance window <p>-patching, its target <p>, the patch baseline <p>-windows and the
//     associations <p>-host-config, -cwagent-*, -vss-install: ^[a-zA-Z0-9_\-.]{3,128}$ (AWS
//     Systems Manager API Reference, CreateMaintenanceWindow, RegisterTargetWithMaintenanceWindow,
//     CreatePatchBaseline, CreateAssociation AssociationName);
//   - the patch group <p>: 1-256 characters (RegisterPatchBaselineForPatchGroup);
//   - the SSM parameter AmazonCloudWatch-<p>: a-zA-Z0-9_.- , up to 1011 characters (PutParameter);
//   - the SNS topic <p>-alarms: 1-256 of letters, digits, - and _ (Amazon SNS API Reference,
//     CreateTopic);
//   - the alarms <p>-<alarm>: 1-255 characters (Amazon CloudWatch API Reference,
//     PutMetricAlarm AlarmName);
//   - the KMS alias alias/<p>: 1-256 of letters, digits, / _ - (AWS KMS API Reference,
//     CreateAlias).
//
// The strictest is the vault: 2-50 of letters, digits, - and _; the window target's 3-character
// minimum raises the lower bound to 3.
const (
	minNamePrefix = 3
	maxNamePrefix = 50
)

var namePrefixRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func (s AlarmSubscription) validate() error { return alarmtopic.Subscription(s).Validate() }

// drive is one of the four SQL Server volumes: where it is attached and what Windows calls it.
type drive struct {
	key    string // child-name suffix and tag value
	field  string // the Args field
	device string // EC2 device name
	letter string // Windows drive letter
	label  string // NTFS label, and the folder SQL Server uses
	backup bool   // takes a final snapshot if deleted (tempdb is rebuilt at every start)
	volume Volume
}

// drives lists the SQL Server volumes in device order.
func (a SQLServerHostArgs) drives() []drive {
	return []drive{
		{"data", "DataVolume", "xvdf", "D", "SQLData", true, a.DataVolume},
		{"log", "LogVolume", "xvdg", "L", "SQLLogs", true, a.LogVolume},
		{"tempdb", "TempDBVolume", "xvdh", "T", "TempDB", false, a.TempDBVolume},
		{"backup", "BackupVolume", "xvdi", "B", "SQLBackup", true, a.BackupVolume},
	}
}
