package cache

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/mocks"
)

func TestDefaults(t *testing.T) {
	a := (&CacheArgs{}).withDefaults()
	if a.EngineVersion != DefaultEngineVersion || a.NodeType != "cache.t4g.small" || a.Replicas != 0 || *a.MultiAZ ||
		a.SnapshotRetentionDays != 1 || a.SnapshotWindow != "03:00-04:00" || a.MaintenanceWindow != "sun:05:00-sun:06:00" ||
		a.SecretRecoveryWindowDays != 30 || a.NamePrefix != "" || a.Protect {
		t.Errorf("defaults %+v", a)
	}
	if a.CPUThresholdPercent != 80 || a.EngineCPUThresholdPercent != 90 || a.MemoryThresholdPercent != 80 ||
		a.EvictionsThreshold != 1000 || a.ConnectionsThreshold != 1000 || a.ReplicationLagThresholdSeconds != 30 {
		t.Errorf("alarm defaults %+v", a)
	}
	r := (&CacheArgs{Replicas: 1}).withDefaults()
	if !*r.MultiAZ {
		t.Error("with a replica, Multi-AZ defaults to on")
	}
	off := false
	in := &CacheArgs{Replicas: 2, MultiAZ: &off, Tags: map[string]string{"a": "b"}, AllowedCIDRs: []string{"10.0.0.0/8"}}
	c := in.withDefaults()
	if *c.MultiAZ {
		t.Error("an explicit MultiAZ false is kept")
	}
	*c.MultiAZ = true
	c.Tags["a"] = "changed"
	c.AllowedCIDRs[0] = "changed"
	if *in.MultiAZ || in.Tags["a"] != "b" || in.AllowedCIDRs[0] != "10.0.0.0/8" {
		t.Error("withDefaults shares state with the caller's Args")
	}
	var nilArgs *CacheArgs
	if err := nilArgs.Validate("catalog"); err == nil {
		t.Error("nil Args validate")
	}
	if path, _, _ := fielderr.Split(baseArgs().Validate("")); path != "name" {
		t.Errorf("an empty component name: %v", baseArgs().Validate(""))
	}
}

// One failing and one passing case per rule; the error names the field, the bad value and what
// is allowed, on one line.
func TestValidate(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name  string
		edit  func(a *CacheArgs)
		field string // "" when valid
		msg   string
	}{
		{"valid", func(a *CacheArgs) {}, "", ""},
		{"service missing", func(a *CacheArgs) { a.Service = "" }, "Service", "is required"},
		{"service upper case", func(a *CacheArgs) { a.Service = "Catalog" }, "Service", `"Catalog": use lower-case`},
		{"service with a digit start", func(a *CacheArgs) { a.Service = "1catalog" }, "Service", "starting with a letter"},
		{"service too long", func(a *CacheArgs) { a.Service = strings.Repeat("s", 24) }, "Service", "is 41 characters, at most 40"},
		{"service at the limit", func(a *CacheArgs) { a.Service = strings.Repeat("s", 23) }, "", ""},
		{"service with double hyphen", func(a *CacheArgs) { a.Service = "cat--alog" }, "Service", "two hyphens"},
		{"prefix with a dot", func(a *CacheArgs) { a.NamePrefix = "prod." }, "NamePrefix", `"prod."`},
		{"prefix starting with a digit", func(a *CacheArgs) { a.NamePrefix = "1-" }, "NamePrefix", "must start with a letter"},
		{"prefix ending in a hyphen joins", func(a *CacheArgs) { a.NamePrefix = "dev-" }, "", ""},
		{"no prefix", func(a *CacheArgs) { a.NamePrefix = "" }, "", ""},
		{"owner missing", func(a *CacheArgs) { a.Owner = " " }, "Owner", "is required"},
		{"owner too long", func(a *CacheArgs) { a.Owner = strings.Repeat("o", 257) }, "Owner", "at most 256"},
		{"no alarm topic", func(a *CacheArgs) { a.AlarmTopicARN = nil }, "AlarmTopicARN", "is required"},
		{"no VPC", func(a *CacheArgs) { a.VPCID = nil }, "VPCID", "is required"},
		{"no subnets", func(a *CacheArgs) { a.SubnetIDs = nil }, "SubnetIDs", "is required"},
		{"no allowed groups", func(a *CacheArgs) { a.AllowedSecurityGroupIDs = nil }, "AllowedSecurityGroupIDs", "is required"},
		{"empty subnets", func(a *CacheArgs) { a.SubnetIDs = pulumi.StringArray{} }, "SubnetIDs", "is empty"},
		{"empty allowed groups", func(a *CacheArgs) { a.AllowedSecurityGroupIDs = pulumi.StringArray{} }, "AllowedSecurityGroupIDs", "is empty"},
		{"groups as an output", func(a *CacheArgs) {
			a.AllowedSecurityGroupIDs = pulumi.StringArray{pulumi.String(nodesSG)}.ToStringArrayOutput()
		}, "", ""},
		{"CIDR not a CIDR", func(a *CacheArgs) { a.AllowedCIDRs = []string{"10.8.0.0"} }, "AllowedCIDRs[0]", "is not a CIDR"},
		{"CIDR with host bits", func(a *CacheArgs) { a.AllowedCIDRs = []string{"10.8.0.1/22"} }, "AllowedCIDRs[0]", "use 10.8.0.0/22"},
		{"CIDR everything", func(a *CacheArgs) { a.AllowedCIDRs = []string{"10.8.0.0/22", "0.0.0.0/0"} }, "AllowedCIDRs[1]", "every address"},
		{"CIDR everything v6", func(a *CacheArgs) { a.AllowedCIDRs = []string{"::/0"} }, "AllowedCIDRs[0]", "every address"},
		{"CIDR twice", func(a *CacheArgs) { a.AllowedCIDRs = []string{"10.8.0.0/22", "10.8.0.0/22"} }, "AllowedCIDRs[1]", "listed twice"},
		{"CIDRs v4 and v6", func(a *CacheArgs) { a.AllowedCIDRs = []string{"10.8.0.0/22", "fd00::/64"} }, "", ""},
		{"version not a version", func(a *CacheArgs) { a.EngineVersion = "8.2.1" }, "EngineVersion", "<major>.<minor>"},
		{"version 6", func(a *CacheArgs) { a.EngineVersion = "6.2" }, "EngineVersion", "major version must be one of [7 8]"},
		{"version 7.0", func(a *CacheArgs) { a.EngineVersion = "7.0" }, "EngineVersion", "7.2 on ElastiCache"},
		{"version 7.2", func(a *CacheArgs) { a.EngineVersion = "7.2" }, "", ""},
		{"version 8.0", func(a *CacheArgs) { a.EngineVersion = "8.0" }, "", ""},
		{"node type bad", func(a *CacheArgs) { a.NodeType = "t4g.small" }, "NodeType", `"t4g.small" is not an ElastiCache node type`},
		{"node type r7g", func(a *CacheArgs) { a.NodeType = "cache.r7g.xlarge" }, "", ""},
		{"replicas negative", func(a *CacheArgs) { a.Replicas = -1 }, "Replicas", "-1: allowed are 0 to 5"},
		{"replicas six", func(a *CacheArgs) { a.Replicas = 6 }, "Replicas", "6: allowed are 0 to 5"},
		{"replicas five", func(a *CacheArgs) { a.Replicas = 5 }, "", ""},
		{"multi-AZ without a replica", func(a *CacheArgs) { a.MultiAZ = &yes }, "MultiAZ", "needs at least 1 replica"},
		{"multi-AZ with a replica", func(a *CacheArgs) { a.MultiAZ = &yes; a.Replicas = 1 }, "", ""},
		{"multi-AZ off with replicas", func(a *CacheArgs) { a.MultiAZ = &no; a.Replicas = 1 }, "", ""},
		{"snapshot window bad", func(a *CacheArgs) { a.SnapshotWindow = "3:00-4:00" }, "SnapshotWindow", "hh:mm-hh:mm"},
		{"snapshot window short", func(a *CacheArgs) { a.SnapshotWindow = "03:00-03:30" }, "SnapshotWindow", "is 30 minutes, at least 60"},
		{"snapshot window over midnight", func(a *CacheArgs) { a.SnapshotWindow = "23:30-00:30" }, "", ""},
		{"maintenance window bad day", func(a *CacheArgs) { a.MaintenanceWindow = "sun:05:00-xyz:06:00" }, "MaintenanceWindow", "ddd:hh:mm-ddd:hh:mm"},
		{"maintenance window short", func(a *CacheArgs) { a.MaintenanceWindow = "sun:05:00-sun:05:59" }, "MaintenanceWindow", "is 59 minutes"},
		{"maintenance window too long", func(a *CacheArgs) { a.MaintenanceWindow = "sun:05:00-mon:06:00" }, "MaintenanceWindow", "at most 24 hours"},
		{"maintenance window over the week's end", func(a *CacheArgs) { a.MaintenanceWindow = "sat:23:00-sun:01:00" }, "", ""},
		{"windows overlap", func(a *CacheArgs) { a.MaintenanceWindow = "tue:03:30-tue:04:30" }, "SnapshotWindow", `overlaps MaintenanceWindow "tue:03:30-tue:04:30"`},
		{"windows overlap over midnight", func(a *CacheArgs) {
			a.SnapshotWindow = "23:30-00:30"
			a.MaintenanceWindow = "mon:00:00-mon:01:00"
		}, "SnapshotWindow", "overlaps"},
		{"windows overlap over the week's end", func(a *CacheArgs) {
			a.SnapshotWindow = "00:00-01:00"
			a.MaintenanceWindow = "sat:23:30-sun:00:30"
		}, "SnapshotWindow", "overlaps"},
		{"windows touch", func(a *CacheArgs) { a.MaintenanceWindow = "wed:04:00-wed:05:00" }, "", ""},
		{"retention too long", func(a *CacheArgs) { a.SnapshotRetentionDays = 36 }, "SnapshotRetentionDays", "36: allowed are 1 to 35"},
		{"retention negative", func(a *CacheArgs) { a.SnapshotRetentionDays = -1 }, "SnapshotRetentionDays", "allowed are 1 to 35"},
		{"retention 35", func(a *CacheArgs) { a.SnapshotRetentionDays = 35 }, "", ""},
		{"recovery window short", func(a *CacheArgs) { a.SecretRecoveryWindowDays = 6 }, "SecretRecoveryWindowDays", "6: allowed are 7 to 30"},
		{"recovery window 7", func(a *CacheArgs) { a.SecretRecoveryWindowDays = 7 }, "", ""},
		{"cpu over 100", func(a *CacheArgs) { a.CPUThresholdPercent = 101 }, "CPUThresholdPercent", "allowed are 1 to 100"},
		{"engine cpu negative", func(a *CacheArgs) { a.EngineCPUThresholdPercent = -5 }, "EngineCPUThresholdPercent", "allowed are 1 to 100"},
		{"memory over 100", func(a *CacheArgs) { a.MemoryThresholdPercent = 200 }, "MemoryThresholdPercent", "allowed are 1 to 100"},
		{"evictions negative", func(a *CacheArgs) { a.EvictionsThreshold = -1 }, "EvictionsThreshold", "allowed are 1"},
		{"connections too many", func(a *CacheArgs) { a.ConnectionsThreshold = 70000 }, "ConnectionsThreshold", "allowed are 1 to 65000"},
		{"lag negative", func(a *CacheArgs) { a.ReplicationLagThresholdSeconds = -1 }, "ReplicationLagThresholdSeconds", "allowed are 1"},
		{"thresholds set", func(a *CacheArgs) {
			a.CPUThresholdPercent, a.EngineCPUThresholdPercent, a.MemoryThresholdPercent = 50, 60, 70
			a.EvictionsThreshold, a.ConnectionsThreshold, a.ReplicationLagThresholdSeconds = 1, 65000, 5
		}, "", ""},
		{"tag key empty", func(a *CacheArgs) { a.Tags = map[string]string{"": "x"} }, `Tags[""]`, "1 to 128"},
		{"tag aws prefix", func(a *CacheArgs) { a.Tags = map[string]string{"aws:x": "y"} }, `Tags["aws:x"]`, "reserved"},
		{"tag value too long", func(a *CacheArgs) { a.Tags = map[string]string{"k": strings.Repeat("v", 257)} }, `Tags["k"]`, "at most 256"},
		{"tag owner differs", func(a *CacheArgs) { a.Tags = map[string]string{"Owner": "someone"} }, `Tags["Owner"]`, `differs from Owner "team-catalog"`},
		{"tag service differs", func(a *CacheArgs) { a.Tags = map[string]string{"Service": "orders"} }, `Tags["Service"]`, "differs from Service"},
		{"tag owner same", func(a *CacheArgs) { a.Tags = map[string]string{"Owner": "team-catalog", "Team": "x"} }, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.edit(a)
			err := a.Validate("catalog")
			if c.field == "" {
				if err != nil {
					t.Fatalf("valid Args: %v", err)
				}
				return
			}
			path, msg, ok := fielderr.Split(err)
			if !ok {
				t.Fatalf("err = %v, want a *fielderr.Error of %s", err, c.field)
			}
			if path != c.field || !strings.Contains(msg, c.msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %q, want field %s and %q", err, c.field, c.msg)
			}
		})
	}
}

// NewCache refuses invalid Args with the component's name and the field, creating nothing.
func TestNewCacheRefusesInvalidArgs(t *testing.T) {
	a := baseArgs()
	a.Replicas = 9
	_, err := runCache(t, a)
	if err == nil || !strings.Contains(err.Error(), `cache "catalog": Replicas: 9: allowed are 0 to 5`) {
		t.Errorf("err = %v", err)
	}
}

func TestFamily(t *testing.T) {
	for in, want := range map[string]string{"7.2": "valkey7", "8.0": "valkey8", "8.2": "valkey8", "8.10": "valkey8"} {
		if got, err := Family(in); err != nil || got != want {
			t.Errorf("Family(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "8", "8.x", "v8.2", "9.0", "10.0", "7.1", "8.2.0", " 8.2"} {
		if got, err := Family(bad); err == nil {
			t.Errorf("Family(%q) = %q, want an error", bad, got)
		}
	}
}

// runCache runs NewCache under the recorder and returns its error.
func runCache(t *testing.T, a *CacheArgs) (*Cache, error) {
	t.Helper()
	var c *Cache
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		c, err = NewCache(ctx, "catalog", a)
		return err
	}, pulumi.WithMocks("test", "test", mocks.New(region, account)))
	return c, err
}
