package database

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// Defaults are the documented ones, on a copy: the caller's Args are not modified.
func TestDefaults(t *testing.T) {
	in := baseArgs()
	d := in.withDefaults()
	if d.EngineVersion != DefaultEngineVersion || d.InstanceClass != "db.t4g.medium" || d.AllocatedStorageGiB != 20 || d.MaxAllocatedStorageGiB != 40 ||
		d.BackupRetentionDays != 7 || d.Readers != 0 || d.MultiAZ || d.Protect || d.IAMUsername != "orders" ||
		d.BackupWindow != DefaultBackupWindow || d.MaintenanceWindow != DefaultMaintenanceWindow ||
		d.CPUAlarmPercent != 80 || d.FreeableMemoryAlarmMiB != 256 || d.FreeStorageAlarmGiB != 2 || d.ConnectionsAlarm != 300 || d.ReplicaLagAlarmSeconds != 60 {
		t.Errorf("defaults %+v", d)
	}
	if in.EngineVersion != "" || in.IAMUsername != "" {
		t.Error("withDefaults modified the caller's Args")
	}
	d.Tags["x"] = "y"
	if _, ok := in.Tags["x"]; ok {
		t.Error("the tags are shared with the caller")
	}
	// Autoscaling defaults to twice the storage, capped at the gp3 maximum.
	big := baseArgs()
	big.AllocatedStorageGiB = 40000
	if d := big.withDefaults(); d.MaxAllocatedStorageGiB != MaxStorageGiB {
		t.Errorf("max storage %d", d.MaxAllocatedStorageGiB)
	}
	if err := (*DatabaseArgs)(nil).Validate("orders"); err == nil {
		t.Error("nil Args validate")
	}
	if got, _ := ParameterGroupFamily("16.11"); got != "postgres16" {
		t.Errorf("family %q", got)
	}
	if n := (DatabaseArgs{Service: "order-history"}).DatabaseName(); n != "order_history" {
		t.Errorf("database name %q", n)
	}
}

// Each rule: one passing and one failing case; the error names the field and the bad value.
func TestValidate(t *testing.T) {
	cases := []struct {
		name  string
		set   func(a *DatabaseArgs)
		field string // "" passes
		value string // in the message
	}{
		{"service ok", func(a *DatabaseArgs) { a.Service = "order-history2" }, "", ""},
		{"service upper case", func(a *DatabaseArgs) { a.Service = "Orders" }, "Service", `"Orders"`},
		{"service leading digit", func(a *DatabaseArgs) { a.Service = "1orders" }, "Service", `"1orders"`},
		{"service double hyphen", func(a *DatabaseArgs) { a.Service = "order--history" }, "Service", `"order--history"`},
		{"service trailing hyphen", func(a *DatabaseArgs) { a.Service = "orders-" }, "Service", `"orders-"`},
		{"service too long for a reader identifier", func(a *DatabaseArgs) { a.Service = strings.Repeat("a", 48) }, "Service", "db-reader-5"},
		{"service longest that fits", func(a *DatabaseArgs) { a.Service = strings.Repeat("a", 63-len("dev-")-len("-db-reader-5")) }, "", ""},
		{"prefix bad", func(a *DatabaseArgs) { a.NamePrefix = "Dev_" }, "NamePrefix", `"Dev_"`},
		{"prefix without hyphen ok", func(a *DatabaseArgs) { a.NamePrefix = "dev" }, "", ""},
		{"owner missing", func(a *DatabaseArgs) { a.Owner = " " }, "Owner", "required"},
		{"topic missing", func(a *DatabaseArgs) { a.AlarmTopicARN = nil }, "AlarmTopicARN", "required"},
		{"vpc missing", func(a *DatabaseArgs) { a.VPCID = nil }, "VPCID", "required"},
		{"subnets missing", func(a *DatabaseArgs) { a.SubnetIDs = nil }, "SubnetIDs", "required"},
		{"version ok", func(a *DatabaseArgs) { a.EngineVersion = "16.11" }, "", ""},
		{"version format", func(a *DatabaseArgs) { a.EngineVersion = "17" }, "EngineVersion", `"17"`},
		{"version three parts", func(a *DatabaseArgs) { a.EngineVersion = "17.7.1" }, "EngineVersion", `"17.7.1"`},
		{"version unsupported major", func(a *DatabaseArgs) { a.EngineVersion = "12.22" }, "EngineVersion", `"12.22"`},
		{"major upgrade with a version", func(a *DatabaseArgs) { a.EngineVersion, a.AllowMajorVersionUpgrade = "17.7", true }, "", ""},
		{"major upgrade without a version", func(a *DatabaseArgs) { a.AllowMajorVersionUpgrade = true }, "AllowMajorVersionUpgrade", "without EngineVersion"},
		{"class ok", func(a *DatabaseArgs) { a.InstanceClass = "db.r7g.2xlarge" }, "", ""},
		{"class without db.", func(a *DatabaseArgs) { a.InstanceClass = "r7g.large" }, "InstanceClass", `"r7g.large"`},
		{"storage minimum", func(a *DatabaseArgs) { a.AllocatedStorageGiB = 20 }, "", ""},
		{"storage below gp3 minimum", func(a *DatabaseArgs) { a.AllocatedStorageGiB = 19 }, "AllocatedStorageGiB", "19"},
		{"storage above maximum", func(a *DatabaseArgs) { a.AllocatedStorageGiB, a.MaxAllocatedStorageGiB = 65537, 65538 }, "AllocatedStorageGiB", "65537"},
		{"max storage ok", func(a *DatabaseArgs) { a.MaxAllocatedStorageGiB = 1000 }, "", ""},
		{"max storage not above storage", func(a *DatabaseArgs) { a.AllocatedStorageGiB, a.MaxAllocatedStorageGiB = 100, 100 }, "MaxAllocatedStorageGiB", "100"},
		{"max storage above maximum", func(a *DatabaseArgs) { a.MaxAllocatedStorageGiB = 70000 }, "MaxAllocatedStorageGiB", "70000"},
		{"retention 35", func(a *DatabaseArgs) { a.BackupRetentionDays = 35 }, "", ""},
		{"retention 36", func(a *DatabaseArgs) { a.BackupRetentionDays = 36 }, "BackupRetentionDays", "36"},
		{"retention negative", func(a *DatabaseArgs) { a.BackupRetentionDays = -1 }, "BackupRetentionDays", "point-in-time"},
		{"backup window ok", func(a *DatabaseArgs) { a.BackupWindow = "23:00-23:30" }, "", ""},
		{"backup window bad", func(a *DatabaseArgs) { a.BackupWindow = "25:00-26:00" }, "BackupWindow", `"25:00-26:00"`},
		{"maintenance window ok", func(a *DatabaseArgs) { a.MaintenanceWindow = "sat:22:00-sat:23:00" }, "", ""},
		{"maintenance window bad", func(a *DatabaseArgs) { a.MaintenanceWindow = "sunday 3am" }, "MaintenanceWindow", `"sunday 3am"`},
		{"readers 5", func(a *DatabaseArgs) { a.Readers = 5 }, "", ""},
		{"readers 6", func(a *DatabaseArgs) { a.Readers = 6 }, "Readers", "6"},
		{"readers negative", func(a *DatabaseArgs) { a.Readers = -1 }, "Readers", "-1"},
		{"iam user ok", func(a *DatabaseArgs) { a.IAMUsername = "orders_app" }, "", ""},
		{"iam user bad", func(a *DatabaseArgs) { a.IAMUsername = "Orders App" }, "IAMUsername", `"Orders App"`},
		{"iam user is the master", func(a *DatabaseArgs) { a.IAMUsername = MasterUsername }, "IAMUsername", "master user"},
		{"iam user pg_ prefix", func(a *DatabaseArgs) { a.IAMUsername = "pg_monitor" }, "IAMUsername", "reserved"},
		{"iam user rds_ prefix", func(a *DatabaseArgs) { a.IAMUsername = "rds_iam" }, "IAMUsername", "reserved"},
		{"iam user postgres", func(a *DatabaseArgs) { a.Service = "shop"; a.IAMUsername = "postgres" }, "IAMUsername", "reserved"},
		{"service postgres (its database and user)", func(a *DatabaseArgs) { a.Service = "postgres" }, "IAMUsername", "reserved"},
		{"service template1", func(a *DatabaseArgs) { a.Service = "template1" }, "Service", `"template1"`},
		{"service template1 with its own user still refused", func(a *DatabaseArgs) { a.Service, a.IAMUsername = "template1", "tpl" }, "Service", "database name"},
		{"cidr ipv6 ok", func(a *DatabaseArgs) { a.AllowedCIDRs = []string{"10.8.0.0/22", "fd00::/64"} }, "", ""},
		{"cidr internet", func(a *DatabaseArgs) { a.AllowedCIDRs = []string{"0.0.0.0/0"} }, "AllowedCIDRs[0]", "whole internet"},
		{"cidr not canonical", func(a *DatabaseArgs) { a.AllowedCIDRs = []string{"10.8.0.1/22"} }, "AllowedCIDRs[0]", "10.8.0.0/22"},
		{"cidr twice", func(a *DatabaseArgs) { a.AllowedCIDRs = []string{"10.8.0.0/22", "10.8.0.0/22"} }, "AllowedCIDRs[1]", "twice"},
		{"cidr garbage", func(a *DatabaseArgs) { a.AllowedCIDRs = []string{"vpn"} }, "AllowedCIDRs[0]", `"vpn"`},
		{"cpu alarm ok", func(a *DatabaseArgs) { a.CPUAlarmPercent = 100 }, "", ""},
		{"cpu alarm above 100", func(a *DatabaseArgs) { a.CPUAlarmPercent = 101 }, "CPUAlarmPercent", "101"},
		{"memory alarm negative", func(a *DatabaseArgs) { a.FreeableMemoryAlarmMiB = -5 }, "FreeableMemoryAlarmMiB", "-5"},
		{"storage alarm negative", func(a *DatabaseArgs) { a.FreeStorageAlarmGiB = -1 }, "FreeStorageAlarmGiB", "-1"},
		{"connections alarm negative", func(a *DatabaseArgs) { a.ConnectionsAlarm = -1 }, "ConnectionsAlarm", "-1"},
		{"lag alarm too long", func(a *DatabaseArgs) { a.ReplicaLagAlarmSeconds = 90000 }, "ReplicaLagAlarmSeconds", "90000"},
		{"optional inputs unset", func(a *DatabaseArgs) { a.AllowedSecurityGroupIDs, a.AllowedCIDRs, a.KMSKeyARN = nil, nil, nil }, "", ""},
		{"given key", func(a *DatabaseArgs) { a.KMSKeyARN = pulumi.StringPtr(givenKey) }, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.set(a)
			err := a.Validate("orders")
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			path, msg, ok := fielderr.Split(err)
			if !ok || path != c.field || !strings.Contains(msg, c.value) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want field %s with %s", err, c.field, c.value)
			}
		})
	}
}

// NewDatabase refuses invalid Args with the component's name and the field, before registering
// anything.
func TestNewDatabaseRefusesInvalidArgs(t *testing.T) {
	a := baseArgs()
	a.BackupRetentionDays = 40
	_, err := buildErr(a)
	if err == nil || !strings.Contains(err.Error(), `database "orders": BackupRetentionDays: 40 is outside 1 to 35`) {
		t.Errorf("error %v", err)
	}
}

// Alarms applies the defaults itself: zero Args give the documented thresholds.
func TestAlarmsOfZeroArgs(t *testing.T) {
	var a DatabaseArgs
	got := map[string]float64{}
	for _, al := range a.Alarms(false) {
		got[al.Metric] = al.Threshold
	}
	for _, al := range a.Alarms(true) {
		got[al.Metric] = al.Threshold
	}
	want := map[string]float64{"CPUUtilization": 80, "FreeableMemory": 256 << 20, "FreeStorageSpace": 2 << 30, "DatabaseConnections": 300, "ReplicaLag": 60}
	if len(got) != len(want) {
		t.Errorf("alarms %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s threshold %v, want %v", k, got[k], v)
		}
	}
}
