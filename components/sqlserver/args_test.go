package sqlserver

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// baseArgs are the smallest valid arguments: every required field, nothing optional.
func baseArgs() *SQLServerHostArgs {
	return &SQLServerHostArgs{
		AMIID:               "ami-0a1b2c3d4e5f60718",
		Edition:             Standard,
		VPCID:               pulumi.String("vpc-0a1b2c3d4e5f60718"),
		SubnetID:            pulumi.String("subnet-0db1a2b3c4d5e6f70"),
		AvailabilityZone:    "eu-west-1a",
		NodeSecurityGroupID: pulumi.String("sg-0node0123456789ab"),
		BackupRetentionDays: 35,
		PrivateZoneID:       pulumi.String("Z0123456789ABCDEFGHIJ"),
		PrivateZoneName:     "production.internal",
	}
}

func TestDefaultsFillEveryOptionalSetting(t *testing.T) {
	d := baseArgs().withDefaults()
	cases := []struct {
		field     string
		got, want any
	}{
		{"InstanceType", d.InstanceType, "r6i.xlarge"},
		{"RootVolumeSizeGiB", d.RootVolumeSizeGiB, 100},
		{"DataVolume", d.DataVolume, Volume{500, 6000, 250}},
		{"LogVolume", d.LogVolume, Volume{200, 4000, 250}},
		{"TempDBVolume", d.TempDBVolume, Volume{100, 3000, 250}},
		{"BackupVolume", d.BackupVolume, Volume{1000, 3000, 250}},
		{"SecretRecoveryWindowDays", d.SecretRecoveryWindowDays, 30},
		{"PatchApproveAfterDays", d.PatchApproveAfterDays, 7},
		{"MaintenanceWindowSchedule", d.MaintenanceWindowSchedule, "cron(0 3 ? * SUN *)"},
		{"MaintenanceWindowHours", d.MaintenanceWindowHours, 3},
		{"MaintenanceWindowCutoffHours", d.MaintenanceWindowCutoffHours, 1},
		{"BackupSchedule", d.BackupSchedule, "cron(0 1 * * ? *)"},
		{"CloudWatchAgentVersion", d.CloudWatchAgentVersion, DefaultCloudWatchAgentVersion},
		{"HostName", d.HostName, "sqlserver"},
		{"Protect", d.Protect, false},
		{"VPNClientCIDR", d.VPNClientCIDR, ""},
		{"OnPremisesCIDRs", len(d.OnPremisesCIDRs), 0},
		{"AlarmSubscriptions", len(d.AlarmSubscriptions), 0},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	if err := d.validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

// A volume field left at zero takes its default alone; given values are kept, and the caller's
// args (slices and maps included) are never changed.
func TestDefaultsKeepGivenValuesAndDoNotChangeTheCaller(t *testing.T) {
	a := baseArgs()
	a.DataVolume = Volume{SizeGiB: 2000}
	a.LogVolume = Volume{IOPS: 8000, ThroughputMiBps: 500}
	a.InstanceType = "r6i.2xlarge"
	a.MaintenanceWindowHours = 4
	a.OnPremisesCIDRs = []string{"192.168.0.0/16"}
	a.Tags = map[string]string{"Team": "data"}
	d := a.withDefaults()
	if d.DataVolume != (Volume{2000, 6000, 250}) || d.LogVolume != (Volume{200, 8000, 500}) {
		t.Errorf("partial volumes: data %+v log %+v", d.DataVolume, d.LogVolume)
	}
	if d.InstanceType != "r6i.2xlarge" || d.MaintenanceWindowHours != 4 || d.MaintenanceWindowCutoffHours != 1 {
		t.Errorf("given values: %s %d %d", d.InstanceType, d.MaintenanceWindowHours, d.MaintenanceWindowCutoffHours)
	}
	d.OnPremisesCIDRs[0] = "10.0.0.0/8"
	d.Tags["Team"] = "other"
	if a.OnPremisesCIDRs[0] != "192.168.0.0/16" || a.Tags["Team"] != "data" || a.DataVolume.IOPS != 0 || a.HostName != "" {
		t.Errorf("withDefaults changed the caller's args: %+v", a)
	}
	var nilArgs *SQLServerHostArgs
	if got := nilArgs.withDefaults(); got.InstanceType != DefaultInstanceType {
		t.Errorf("nil args: %+v", got)
	}
}

func TestValidateRejectsEveryBadSetting(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*SQLServerHostArgs)
		want   string
	}{
		{"no VPC", func(a *SQLServerHostArgs) { a.VPCID = nil }, "VPCID: is required"},
		{"no subnet", func(a *SQLServerHostArgs) { a.SubnetID = nil }, "SubnetID: is required"},
		{"no node security group", func(a *SQLServerHostArgs) { a.NodeSecurityGroupID = nil }, "NodeSecurityGroupID: is required"},
		{"no private zone", func(a *SQLServerHostArgs) { a.PrivateZoneID = nil }, "PrivateZoneID: is required"},
		{"floating AMI", func(a *SQLServerHostArgs) { a.AMIID = "" }, `AMIID: "" is not an AMI id (ami- and 8 or 17 lower-case hex digits)`},
		{"AMI: name", func(a *SQLServerHostArgs) { a.AMIID = "Windows_Server-2022-English-Full-SQL_2022_Standard" }, `AMIID: "Windows_Server-2022-English-Full-SQL_2022_Standard" is not an AMI id`},
		{"AMI: 12 hex", func(a *SQLServerHostArgs) { a.AMIID = "ami-0a1b2c3d4e5f" }, `AMIID: "ami-0a1b2c3d4e5f"`},
		{"AMI: upper case", func(a *SQLServerHostArgs) { a.AMIID = "ami-0A1B2C3D" }, `AMIID: "ami-0A1B2C3D"`},
		{"no edition", func(a *SQLServerHostArgs) { a.Edition = "" }, `Edition: "" is not one of Developer, Standard, Enterprise`},
		{"express edition", func(a *SQLServerHostArgs) { a.Edition = "Express" }, `Edition: "Express" is not one of`},
		{"instance type", func(a *SQLServerHostArgs) { a.InstanceType = "xlarge" }, `InstanceType: "xlarge" is not an EC2 instance type`},
		{"no availability zone", func(a *SQLServerHostArgs) { a.AvailabilityZone = "" }, `AvailabilityZone: "" is not an availability zone`},
		{"region for zone", func(a *SQLServerHostArgs) { a.AvailabilityZone = "eu-west-1" }, `AvailabilityZone: "eu-west-1" is not an availability zone (such as eu-west-1a`},
		{"VPN: not a CIDR", func(a *SQLServerHostArgs) { a.VPNClientCIDR = "office" }, `VPNClientCIDR: "office" is not a CIDR`},
		{"VPN: is the internet", func(a *SQLServerHostArgs) { a.VPNClientCIDR = "0.0.0.0/0" }, `VPNClientCIDR: "0.0.0.0/0" is the whole internet`},
		{"VPN: not canonical", func(a *SQLServerHostArgs) { a.VPNClientCIDR = "10.8.0.1/22" }, `VPNClientCIDR: "10.8.0.1/22" is not a canonical CIDR (want 10.8.0.0/22)`},
		{"on-premises IPv6 internet", func(a *SQLServerHostArgs) { a.OnPremisesCIDRs = []string{"192.168.0.0/16", "::/0"} }, `OnPremisesCIDRs[1]: "::/0" is the whole internet`},
		{"on-premises IPv4 internet", func(a *SQLServerHostArgs) { a.OnPremisesCIDRs = []string{"0.0.0.0/0"} }, `OnPremisesCIDRs[0]: "0.0.0.0/0" is the whole internet`},
		{"on-premises not a CIDR", func(a *SQLServerHostArgs) { a.OnPremisesCIDRs = []string{"192.168.0.0"} }, `OnPremisesCIDRs[0]: "192.168.0.0" is not a CIDR`},
		{"on-premises twice", func(a *SQLServerHostArgs) { a.OnPremisesCIDRs = []string{"192.168.0.0/16", "192.168.0.0/16"} }, `OnPremisesCIDRs[1]: "192.168.0.0/16" is listed twice`},
		{"root too small", func(a *SQLServerHostArgs) { a.RootVolumeSizeGiB = 20 }, "RootVolumeSizeGiB: 20 is outside 30 to 16384"},
		{"root too large", func(a *SQLServerHostArgs) { a.RootVolumeSizeGiB = 16385 }, "RootVolumeSizeGiB: 16385 is outside 30 to 16384"},
		{"data size negative", func(a *SQLServerHostArgs) { a.DataVolume.SizeGiB = -1 }, "DataVolume.SizeGiB: -1 is outside 1 to 16384"},
		{"data size too large", func(a *SQLServerHostArgs) { a.DataVolume.SizeGiB = 16385 }, "DataVolume.SizeGiB: 16385 is outside 1 to 16384"},
		{"log IOPS below baseline", func(a *SQLServerHostArgs) { a.LogVolume.IOPS = 2999 }, "LogVolume.IOPS: 2999 is outside 3000 to 16000"},
		{"log IOPS above gp3", func(a *SQLServerHostArgs) { a.LogVolume.IOPS = 16001 }, "LogVolume.IOPS: 16001 is outside 3000 to 16000"},
		{"tempdb IOPS per GiB", func(a *SQLServerHostArgs) { a.TempDBVolume = Volume{SizeGiB: 10, IOPS: 6000} }, "TempDBVolume.IOPS: 6000 is more than 500 per GiB of a 10 GiB volume (at most 5000)"},
		{"backup throughput too low", func(a *SQLServerHostArgs) { a.BackupVolume.ThroughputMiBps = 100 }, "BackupVolume.ThroughputMiBps: 100 is outside 125 to 1000"},
		{"backup throughput too high", func(a *SQLServerHostArgs) { a.BackupVolume.ThroughputMiBps = 1001 }, "BackupVolume.ThroughputMiBps: 1001 is outside 125 to 1000"},
		{"throughput over IOPS/4", func(a *SQLServerHostArgs) { a.DataVolume = Volume{IOPS: 3000, ThroughputMiBps: 800} }, "DataVolume.ThroughputMiBps: 800 is more than IOPS/4 (at most 750 with 3000 IOPS)"},
		{"recovery window short", func(a *SQLServerHostArgs) { a.SecretRecoveryWindowDays = 6 }, "SecretRecoveryWindowDays: 6 is outside 7 to 30"},
		{"recovery window long", func(a *SQLServerHostArgs) { a.SecretRecoveryWindowDays = 31 }, "SecretRecoveryWindowDays: 31 is outside 7 to 30"},
		{"approve negative", func(a *SQLServerHostArgs) { a.PatchApproveAfterDays = -1 }, "PatchApproveAfterDays: -1 is outside 1 to 360"},
		{"approve late", func(a *SQLServerHostArgs) { a.PatchApproveAfterDays = 361 }, "PatchApproveAfterDays: 361 is outside 1 to 360"},
		{"window schedule", func(a *SQLServerHostArgs) { a.MaintenanceWindowSchedule = "weekly" }, `MaintenanceWindowSchedule: "weekly" is not a cron() or rate() expression`},
		{"window too long", func(a *SQLServerHostArgs) { a.MaintenanceWindowHours = 25 }, "MaintenanceWindowHours: 25 is outside 1 to 24"},
		{"window negative", func(a *SQLServerHostArgs) { a.MaintenanceWindowHours = -2 }, "MaintenanceWindowHours: -2 is outside 1 to 24"},
		{"cutoff equals duration", func(a *SQLServerHostArgs) { a.MaintenanceWindowCutoffHours = 3 }, "MaintenanceWindowCutoffHours: 3 must be at least 0 and less than MaintenanceWindowHours 3"},
		{"cutoff negative", func(a *SQLServerHostArgs) { a.MaintenanceWindowCutoffHours = -1 }, "MaintenanceWindowCutoffHours: -1 must be at least 0"},
		{"backup schedule rate", func(a *SQLServerHostArgs) { a.BackupSchedule = "rate(1 day)" }, `BackupSchedule: "rate(1 day)" is not a cron() expression`},
		{"agent version latest", func(a *SQLServerHostArgs) { a.CloudWatchAgentVersion = "latest" }, `CloudWatchAgentVersion: "latest" is not an AmazonCloudWatchAgent package version (such as 1.300057.1b1168): the agent is pinned`},
		{"agent version with v", func(a *SQLServerHostArgs) { a.CloudWatchAgentVersion = "v1.300057.1" }, `CloudWatchAgentVersion: "v1.300057.1"`},
		{"agent version two parts", func(a *SQLServerHostArgs) { a.CloudWatchAgentVersion = "1.300057" }, `CloudWatchAgentVersion: "1.300057"`},
		{"no retention", func(a *SQLServerHostArgs) { a.BackupRetentionDays = 0 }, "BackupRetentionDays: 0 is outside 1 to 36500 (it is required)"},
		{"retention over 100 years", func(a *SQLServerHostArgs) { a.BackupRetentionDays = 36501 }, "BackupRetentionDays: 36501 is outside 1 to 36500"},
		{"subscription protocol", func(a *SQLServerHostArgs) { a.AlarmSubscriptions = []AlarmSubscription{{"sms", "+4412345"}} }, `AlarmSubscriptions[0].Protocol: "sms" is not one of email, https`},
		{"email without @", func(a *SQLServerHostArgs) {
			a.AlarmSubscriptions = []AlarmSubscription{{ProtocolEmail, "dba@flowmart.example"}, {ProtocolEmail, "oncall"}}
		}, `AlarmSubscriptions[1].Endpoint: "oncall" is not an e-mail address`},
		{"email with @ only at the end", func(a *SQLServerHostArgs) { a.AlarmSubscriptions = []AlarmSubscription{{ProtocolEmail, "dba@"}} }, `Endpoint: "dba@"`},
		{"plain http", func(a *SQLServerHostArgs) {
			a.AlarmSubscriptions = []AlarmSubscription{{ProtocolHTTPS, "http://pager.example/hook"}}
		}, `Endpoint: "http://pager.example/hook" is not an https:// URL`},
		{"https without host", func(a *SQLServerHostArgs) { a.AlarmSubscriptions = []AlarmSubscription{{ProtocolHTTPS, "https://"}} }, `Endpoint: "https://"`},
		{"no zone name", func(a *SQLServerHostArgs) { a.PrivateZoneName = "" }, "PrivateZoneName: is empty"},
		{"single-label zone", func(a *SQLServerHostArgs) { a.PrivateZoneName = "internal" }, `PrivateZoneName: "internal" is not a fully qualified domain`},
		{"upper-case zone", func(a *SQLServerHostArgs) { a.PrivateZoneName = "Prod.internal" }, `PrivateZoneName: "Prod.internal" has an invalid label "Prod"`},
		{"host name with dot", func(a *SQLServerHostArgs) { a.HostName = "sql.server" }, `HostName: "sql.server" is not a DNS label`},
		{"host name upper case", func(a *SQLServerHostArgs) { a.HostName = "SQL" }, `HostName: "SQL" is not a DNS label`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.withDefaults().validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("validate() = %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") || strings.HasSuffix(err.Error(), ".") {
				t.Errorf("error %q is not one line without a final period", err)
			}
		})
	}
}

func TestValidateAcceptsEveryKindOfGoodSetting(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*SQLServerHostArgs)
	}{
		{"defaults", func(*SQLServerHostArgs) {}},
		{"8-hex AMI and developer edition", func(a *SQLServerHostArgs) { a.AMIID, a.Edition = "ami-0a1b2c3d", Developer }},
		{"enterprise on a larger type", func(a *SQLServerHostArgs) { a.Edition, a.InstanceType = Enterprise, "x2iedn.2xlarge" }},
		{"local zone", func(a *SQLServerHostArgs) { a.AvailabilityZone = "us-west-2-lax-1a" }},
		{"VPN: and IPv4 + IPv6 on-premises", func(a *SQLServerHostArgs) {
			a.VPNClientCIDR = "10.8.0.0/22"
			a.OnPremisesCIDRs = []string{"192.168.0.0/16", "2001:db8::/32"}
		}},
		{"gp3 extremes", func(a *SQLServerHostArgs) {
			a.DataVolume = Volume{SizeGiB: 16384, IOPS: 16000, ThroughputMiBps: 1000}
			a.TempDBVolume = Volume{SizeGiB: 1, IOPS: 3000, ThroughputMiBps: 125}
			a.LogVolume = Volume{SizeGiB: 8, IOPS: 4000, ThroughputMiBps: 1000}
		}},
		{"rate schedule and the longest window", func(a *SQLServerHostArgs) {
			a.MaintenanceWindowSchedule, a.MaintenanceWindowHours, a.MaintenanceWindowCutoffHours = "rate(7 days)", 24, 23
		}},
		{"subscriptions and host name", func(a *SQLServerHostArgs) {
			a.AlarmSubscriptions = []AlarmSubscription{{ProtocolEmail, "dba@flowmart.example"}, {ProtocolHTTPS, "https://events.pagerduty.com/integration/x/enqueue"}}
			a.HostName = "mssql-01"
		}},
		{"recovery window bounds", func(a *SQLServerHostArgs) { a.SecretRecoveryWindowDays, a.PatchApproveAfterDays = 7, 360 }},
		{"agent release without build", func(a *SQLServerHostArgs) { a.CloudWatchAgentVersion = "1.300071.0" }},
		{"agent build version", func(a *SQLServerHostArgs) { a.CloudWatchAgentVersion = "1.247360.0b252689" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			if err := a.withDefaults().validate(); err != nil {
				t.Fatalf("valid args rejected: %v", err)
			}
		})
	}
}

func TestValidateVolumeFollowsGp3Limits(t *testing.T) {
	cases := []struct {
		v    Volume
		want string // "" for valid
	}{
		{Volume{1, 3000, 125}, ""},
		{Volume{6, 3000, 750}, ""},
		{Volume{7, 3500, 875}, ""},
		{Volume{7, 3501, 875}, "IOPS: 3501 is more than 500 per GiB of a 7 GiB volume (at most 3500)"},
		{Volume{32, 16000, 1000}, ""},
		{Volume{0, 3000, 125}, "SizeGiB: 0 is outside 1 to 16384"},
		{Volume{100, 4000, 1001}, "ThroughputMiBps: 1001 is outside 125 to 1000"},
		{Volume{100, 4000, 1000}, ""},
		{Volume{100, 3999, 1000}, "ThroughputMiBps: 1000 is more than IOPS/4 (at most 999 with 3999 IOPS)"},
	}
	for _, c := range cases {
		err := ValidateVolume(c.v)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v rejected: %v", c.v, err)
		case c.want != "" && (err == nil || err.Error() != c.want):
			t.Errorf("%+v: %v, want %q", c.v, err, c.want)
		}
	}
}

// Validate reports the first problem with the field path, also for a nested volume field.
func TestValidateNamesNestedFields(t *testing.T) {
	a := baseArgs()
	a.DataVolume.ThroughputMiBps = 2000
	if err := a.Validate(); err == nil || err.Error() != "DataVolume.ThroughputMiBps: 2000 is outside 125 to 1000" {
		t.Errorf("bad volume: %v", err)
	}
	if a.HostName != "" {
		t.Error("Validate changed the caller's args")
	}
}

// The instance's name always says sqlserver, without saying it twice.
func TestHostResourceNameSaysSQLServerOnce(t *testing.T) {
	for in, want := range map[string]string{"production": "production-sqlserver", "production-sqlserver": "production-sqlserver", "dev-SQLServer-2": "dev-SQLServer-2"} {
		if got := HostResourceName(in); got != want {
			t.Errorf("HostResourceName(%q) = %q, want %q", in, got, want)
		}
	}
}
