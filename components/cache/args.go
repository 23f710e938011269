package cache

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// Engine is the only engine of the offering.
const Engine = "valkey"

// DefaultEngineVersion is the Valkey version a cache runs unless CacheArgs.EngineVersion says
// otherwise: a version the ElastiCache "Supported engines and versions" page lists for node-based
// clusters (Valkey 7.2, 8.0, 8.1, 8.2, 9.0, 9.1 at the time of writing,
// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html), written as the
// provider takes a Valkey version, <major>.<minor> (terraform-provider-aws
// internal/service/elasticache/engine_version.go validValkeyVersionString, `^[7-9]\.[[:digit:]]+$`).
// It is pinned: a new version reaches a cache only through a reviewed change of this constant or
// of EngineVersion, and is applied in place (an upgrade is an update; only a downgrade replaces
// the replication group, engine_version.go customizeDiffEngineVersionForceNewOnDowngrade).
const DefaultEngineVersion = "8.2"

// Port is the port Valkey listens on, the only port the security group opens.
const Port = 6379

// Defaults of optional settings.
const (
	DefaultNodeType                 = "cache.t4g.small"
	DefaultSnapshotRetentionDays    = 1
	DefaultSnapshotWindow           = "03:00-04:00"
	DefaultMaintenanceWindow        = "sun:05:00-sun:06:00"
	DefaultSecretRecoveryWindowDays = 30

	DefaultCPUThresholdPercent            = 80
	DefaultEngineCPUThresholdPercent      = 90
	DefaultMemoryThresholdPercent         = 80
	DefaultEvictionsThreshold             = 1000
	DefaultConnectionsThreshold           = 1000
	DefaultReplicationLagThresholdSeconds = 30
)

// Limits.
const (
	// MaxReplicas is the most read replicas of a cluster-mode-disabled replication group: one
	// primary and up to five replicas (Amazon ElastiCache User Guide, "Understanding Valkey and
	// Redis OSS replication": "up to five read replicas",
	// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Replication.Redis.Groups.html).
	MaxReplicas = 5
	// MaxSnapshotRetentionDays is the longest ElastiCache keeps automatic snapshots (AWS Config
	// rule elasticache-automatic-backup-check-enabled: "Valid values are 1 to 35",
	// https://docs.aws.amazon.com/config/latest/developerguide/elasticache-automatic-backup-check-enabled.html;
	// the ElastiCache API's SnapshotRetentionLimit: "The maximum value allowed is 35 days").
	MaxSnapshotRetentionDays = 35
	// maxIDLength is the longest replication group id (CreateReplicationGroup
	// ReplicationGroupId: 1 to 40 letters, digits or hyphens, starting with a letter, without
	// two consecutive hyphens nor a hyphen at the end).
	maxIDLength       = 40
	minRecoveryWindow = 7
	maxRecoveryWindow = 30
	// maxConnections is maxclients on ElastiCache, 65000 and not modifiable (Amazon ElastiCache
	// User Guide, "Engine specific parameters").
	maxConnections = 65000
	// minWindowMinutes is the shortest snapshot or maintenance window: "The minimum snapshot
	// window is a 60 minute period", "The minimum maintenance window is a 60 minute period"
	// (pulumi-aws v6.83.4 sdk/go/aws/elasticache/replicationGroup.go, ReplicationGroupArgs
	// SnapshotWindow and MaintenanceWindow). The 24-hour upper bound of a maintenance window and
	// the rule that the two windows do not overlap are the platform's, not AWS's (the API states
	// neither): a snapshot taken while a node is patched or replaced is the one most likely to
	// be late or missing.
	minWindowMinutes = 60
)

// Tag keys the component sets itself.
const (
	TagOwner   = "Owner"
	TagService = "Service"
)

// CacheArgs configures a Cache. Fields that decide which resources exist are plain values; values
// passed into children are inputs.
type CacheArgs struct {
	// Service is the owning service's name: lower-case letters, digits and hyphens, starting with
	// a letter. It names the replication group <NamePrefix><Service>-cache (at most 40
	// characters) and everything around it. Required; changing it replaces the cache.
	Service string
	// Owner is the owning team, tagged Owner on every resource. Required.
	Owner string
	// NamePrefix starts every physical name (the stacks pass "<stack>-"): lower-case letters,
	// digits and hyphens. Defaults to "".
	NamePrefix string
	// Tags are added to every resource. Defaults to none (Owner and Service are always set and
	// may not be overridden here).
	Tags map[string]string
	// Protect protects the replication group, the auth-token secret and the created KMS key from
	// deletion, and makes a deletion take a final snapshot <NamePrefix><Service>-cache-final.
	// Defaults to false.
	Protect bool
	// KMSKeyARN encrypts the cache at rest and the auth-token secret. Defaults to a new key with
	// rotation (alias/<NamePrefix><Service>-cache).
	KMSKeyARN pulumi.StringPtrInput
	// AlarmTopicARN is the owning team's paging topic: every alarm's alarm and OK action.
	// Required.
	AlarmTopicARN pulumi.StringInput
	// VPCID is the VPC of the cache's security group. Required.
	VPCID pulumi.StringInput
	// SubnetIDs are the database subnets the subnet group spans (one per availability zone, for
	// Multi-AZ). Required.
	SubnetIDs pulumi.StringArrayInput
	// AllowedSecurityGroupIDs may reach the cache on 6379 (the cluster's node security group).
	// Required.
	AllowedSecurityGroupIDs pulumi.StringArrayInput
	// AllowedCIDRs may reach the cache on 6379 (the VPN client range, for people); IPv4 or IPv6,
	// never a default route. Defaults to none.
	AllowedCIDRs []string
	// EngineVersion is the Valkey version, <major>.<minor>, major 7 or 8. Defaults to
	// DefaultEngineVersion. Raising it is an in-place upgrade; lowering it replaces the cache.
	EngineVersion string
	// NodeType is the node type of every node. Defaults to cache.t4g.small.
	NodeType string
	// Replicas is the number of read replicas, 0 to 5 (production sets 1 or more). Defaults to 0.
	Replicas int
	// MultiAZ turns on automatic failover and Multi-AZ, which need at least one replica.
	// Defaults to on exactly when Replicas is at least 1.
	MultiAZ *bool
	// SnapshotRetentionDays is how long daily snapshots are kept, 1 to 35. Defaults to 1 day.
	SnapshotRetentionDays int
	// SnapshotWindow is the daily snapshot window, hh:mm-hh:mm in UTC, at least 60 minutes, not
	// overlapping MaintenanceWindow. Defaults to 03:00-04:00.
	SnapshotWindow string
	// MaintenanceWindow is the weekly maintenance window, ddd:hh:mm-ddd:hh:mm in UTC, 60
	// minutes to 24 hours. Defaults to sun:05:00-sun:06:00.
	MaintenanceWindow string
	// SecretRecoveryWindowDays is how long a deleted auth-token secret can be restored, 7 to 30.
	// Defaults to 30 days.
	SecretRecoveryWindowDays int
	// CPUThresholdPercent alarms on a node's host CPUUtilization above it, 1 to 100. Defaults to 80.
	CPUThresholdPercent int
	// EngineCPUThresholdPercent alarms on a node's EngineCPUUtilization (Valkey's thread) above
	// it, 1 to 100. Defaults to 90.
	EngineCPUThresholdPercent int
	// MemoryThresholdPercent alarms on DatabaseMemoryUsagePercentage above it, 1 to 100.
	// Defaults to 80.
	MemoryThresholdPercent int
	// EvictionsThreshold alarms when a node evicts more keys than this in 5 minutes, at least 1.
	// Defaults to 1000.
	EvictionsThreshold int
	// ConnectionsThreshold alarms on CurrConnections above it, 1 to 65000. Defaults to 1000.
	ConnectionsThreshold int
	// ReplicationLagThresholdSeconds alarms on a replica's ReplicationLag above it (with
	// replicas only), at least 1. Defaults to 30 seconds.
	ReplicationLagThresholdSeconds int
}

// withDefaults returns a copy of the Args with every unset optional field at its default.
func (a *CacheArgs) withDefaults() CacheArgs {
	var c CacheArgs
	if a != nil {
		c = *a
	}
	c.Tags = maps.Clone(c.Tags)
	c.AllowedCIDRs = slices.Clone(c.AllowedCIDRs)
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	defS := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	defS(&c.EngineVersion, DefaultEngineVersion)
	defS(&c.NodeType, DefaultNodeType)
	defS(&c.SnapshotWindow, DefaultSnapshotWindow)
	defS(&c.MaintenanceWindow, DefaultMaintenanceWindow)
	def(&c.SnapshotRetentionDays, DefaultSnapshotRetentionDays)
	def(&c.SecretRecoveryWindowDays, DefaultSecretRecoveryWindowDays)
	def(&c.CPUThresholdPercent, DefaultCPUThresholdPercent)
	def(&c.EngineCPUThresholdPercent, DefaultEngineCPUThresholdPercent)
	def(&c.MemoryThresholdPercent, DefaultMemoryThresholdPercent)
	def(&c.EvictionsThreshold, DefaultEvictionsThreshold)
	def(&c.ConnectionsThreshold, DefaultConnectionsThreshold)
	def(&c.ReplicationLagThresholdSeconds, DefaultReplicationLagThresholdSeconds)
	if c.MultiAZ == nil {
		on := c.Replicas >= 1
		c.MultiAZ = &on
	} else {
		v := *c.MultiAZ
		c.MultiAZ = &v
	}
	return c
}

// Validate checks the Args of the cache called name as NewCache does (defaults applied) and
// returns the first problem as a *fielderr.Error naming the field, or nil. NewCache runs it before
// registering anything.
func (a *CacheArgs) Validate(name string) error {
	if name == "" {
		return fielderr.New("name", "is empty: the component's name starts every child's name")
	}
	c := a.withDefaults()
	return c.validate()
}

var (
	labelRE   = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	prefixRE  = regexp.MustCompile(`^[a-z0-9-]*$`)
	versionRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)$`)
	// nodeTypeRE is an ElastiCache node type: cache.<family>.<size>.
	nodeTypeRE = regexp.MustCompile(`^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$`)
)

// supportedMajors are the Valkey major versions the component knows the parameter group family
// of (valkey7, valkey8: Amazon ElastiCache User Guide, "Engine specific parameters",
// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html).
var supportedMajors = []int{7, 8}

func (a *CacheArgs) validate() error {
	checks := []func() error{
		a.validateNames,
		a.validateInputs,
		a.validateCIDRs,
		a.validateEngine,
		a.validateReplicas,
		a.validateWindows,
		a.validateNumbers,
		a.validateTags,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (a *CacheArgs) validateNames() error {
	if a.Service == "" {
		return fielderr.New("Service", "is required: the owning service's name")
	}
	if !labelRE.MatchString(a.Service) {
		return fielderr.New("Service", "%q: use lower-case letters, digits and hyphens, starting with a letter", a.Service)
	}
	if !prefixRE.MatchString(a.NamePrefix) {
		return fielderr.New("NamePrefix", "%q: use lower-case letters, digits and hyphens", a.NamePrefix)
	}
	id := replicationGroupID(a.NamePrefix, a.Service)
	switch {
	case len(id) > maxIDLength:
		return fielderr.New("Service", "%q: the replication group id %q is %d characters, at most %d are allowed (shorten Service or NamePrefix)", a.Service, id, len(id), maxIDLength)
	case !labelRE.MatchString(id):
		return fielderr.New("NamePrefix", "%q: the replication group id %q must start with a letter", a.NamePrefix, id)
	case strings.Contains(id, "--"):
		return fielderr.New("Service", "%q: the replication group id %q may not contain two hyphens in a row", a.Service, id)
	}
	if strings.TrimSpace(a.Owner) == "" {
		return fielderr.New("Owner", "is required: the owning team, tagged %s", TagOwner)
	}
	if len(a.Owner) > 256 {
		return fielderr.New("Owner", "is %d characters, a tag value allows at most 256", len(a.Owner))
	}
	return nil
}

func (a *CacheArgs) validateInputs() error {
	switch {
	case a.AlarmTopicARN == nil:
		return fielderr.New("AlarmTopicARN", "is required: the owning team's paging topic")
	case a.VPCID == nil:
		return fielderr.New("VPCID", "is required: the VPC of the cache's security group")
	case a.SubnetIDs == nil:
		return fielderr.New("SubnetIDs", "is required: the database subnets")
	case a.AllowedSecurityGroupIDs == nil:
		return fielderr.New("AllowedSecurityGroupIDs", "is required: the security groups allowed on %d (the cluster's nodes)", Port)
	case knownEmpty(a.SubnetIDs):
		return fielderr.New("SubnetIDs", "is empty: give the database subnets")
	case knownEmpty(a.AllowedSecurityGroupIDs):
		return fielderr.New("AllowedSecurityGroupIDs", "is empty: give the security groups allowed on %d (the cluster's nodes)", Port)
	}
	return nil
}

// knownEmpty says whether an array input is a literal list without elements (an Output's length
// is not known when the program runs).
func knownEmpty(in pulumi.StringArrayInput) bool {
	l, ok := in.(pulumi.StringArray)
	return ok && len(l) == 0
}

func (a *CacheArgs) validateCIDRs() error {
	seen := map[netip.Prefix]bool{}
	for i, c := range a.AllowedCIDRs {
		path := fielderr.Index("AllowedCIDRs", i)
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return fielderr.New(path, "%q is not a CIDR such as 10.8.0.0/22", c)
		}
		if p != p.Masked() {
			return fielderr.New(path, "%q has host bits set; use %s", c, p.Masked())
		}
		if p.Bits() == 0 {
			return fielderr.New(path, "%q opens the cache to every address; allow only private networks", c)
		}
		if seen[p] {
			return fielderr.New(path, "%q is listed twice", c)
		}
		seen[p] = true
	}
	return nil
}

func (a *CacheArgs) validateEngine() error {
	if _, err := Family(a.EngineVersion); err != nil {
		return fielderr.New("EngineVersion", "%s", err)
	}
	if !nodeTypeRE.MatchString(a.NodeType) {
		return fielderr.New("NodeType", "%q is not an ElastiCache node type such as %s", a.NodeType, DefaultNodeType)
	}
	return nil
}

// Family returns the parameter group family of a Valkey version ("8.2" -> "valkey8"), or an error
// saying which versions are allowed.
func Family(version string) (string, error) {
	m := versionRE.FindStringSubmatch(version)
	if m == nil {
		return "", fmt.Errorf("%q is not a Valkey version <major>.<minor> such as %s", version, DefaultEngineVersion)
	}
	major, err := strconv.Atoi(m[1])
	if err != nil || !slices.Contains(supportedMajors, major) {
		return "", fmt.Errorf("%q: the major version must be one of %v", version, supportedMajors)
	}
	if major == 7 && m[2] != "2" {
		return "", fmt.Errorf("%q: Valkey 7 is 7.2 on ElastiCache", version)
	}
	return fmt.Sprintf("%s%d", Engine, major), nil
}

func (a *CacheArgs) validateReplicas() error {
	if a.Replicas < 0 || a.Replicas > MaxReplicas {
		return fielderr.New("Replicas", "%d: allowed are 0 to %d read replicas", a.Replicas, MaxReplicas)
	}
	// automaticFailoverEnabled: "If enabled, numCacheClusters must be greater than 1";
	// multiAzEnabled: "If true, automaticFailoverEnabled must also be enabled" (pulumi-aws
	// v6.83.4 sdk/go/aws/elasticache/replicationGroup.go, ReplicationGroupArgs).
	if *a.MultiAZ && a.Replicas < 1 {
		return fielderr.New("MultiAZ", "true needs at least 1 replica (Replicas is 0): automatic failover promotes a replica")
	}
	return nil
}

func (a *CacheArgs) validateWindows() error {
	snap, err := parseDailyWindow(a.SnapshotWindow)
	if err != nil {
		return fielderr.New("SnapshotWindow", "%q: %s", a.SnapshotWindow, err)
	}
	maint, err := parseWeeklyWindow(a.MaintenanceWindow)
	if err != nil {
		return fielderr.New("MaintenanceWindow", "%q: %s", a.MaintenanceWindow, err)
	}
	if overlaps(snap, maint) {
		return fielderr.New("SnapshotWindow", "%q overlaps MaintenanceWindow %q; choose windows that do not overlap", a.SnapshotWindow, a.MaintenanceWindow)
	}
	return nil
}

func (a *CacheArgs) validateNumbers() error {
	for _, n := range []struct {
		field     string
		v, lo, hi int
	}{
		{"SnapshotRetentionDays", a.SnapshotRetentionDays, 1, MaxSnapshotRetentionDays},
		{"SecretRecoveryWindowDays", a.SecretRecoveryWindowDays, minRecoveryWindow, maxRecoveryWindow},
		{"CPUThresholdPercent", a.CPUThresholdPercent, 1, 100},
		{"EngineCPUThresholdPercent", a.EngineCPUThresholdPercent, 1, 100},
		{"MemoryThresholdPercent", a.MemoryThresholdPercent, 1, 100},
		{"EvictionsThreshold", a.EvictionsThreshold, 1, 1 << 30},
		{"ConnectionsThreshold", a.ConnectionsThreshold, 1, maxConnections},
		{"ReplicationLagThresholdSeconds", a.ReplicationLagThresholdSeconds, 1, 86400},
	} {
		if n.v < n.lo || n.v > n.hi {
			return fielderr.New(n.field, "%d: allowed are %d to %d", n.v, n.lo, n.hi)
		}
	}
	return nil
}

func (a *CacheArgs) validateTags() error {
	for _, k := range slices.Sorted(maps.Keys(a.Tags)) {
		v := a.Tags[k]
		path := "Tags[" + strconv.Quote(k) + "]"
		switch {
		case k == "" || len(k) > 128:
			return fielderr.New(path, "a tag key must be 1 to 128 characters")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return fielderr.New(path, "the aws: prefix is reserved by AWS")
		case len(v) > 256:
			return fielderr.New(path, "the value is %d characters, at most 256 are allowed", len(v))
		case k == TagOwner && v != a.Owner:
			return fielderr.New(path, "%q differs from Owner %q; set the owner in Owner", v, a.Owner)
		case k == TagService && v != a.Service:
			return fielderr.New(path, "%q differs from Service %q; the Service tag is set from Service", v, a.Service)
		}
	}
	return nil
}

// replicationGroupID is the replication group's id, the start of every physical name.
func replicationGroupID(prefix, service string) string { return prefix + service + "-cache" }

// window is a span of minutes from the start of the week (Sunday 00:00 UTC); end may pass the
// week's end.
type window struct{ start, end int }

const (
	dayMinutes  = 24 * 60
	weekMinutes = 7 * dayMinutes
)

var days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// parseClock reads hh:mm.
func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

// parseDailyWindow reads hh:mm-hh:mm (the end may be on the next day) as minutes of the day.
func parseDailyWindow(s string) (window, error) {
	from, to, ok := strings.Cut(s, "-")
	a, okA := parseClock(from)
	b, okB := parseClock(to)
	if !ok || !okA || !okB {
		return window{}, fmt.Errorf("use hh:mm-hh:mm in UTC, such as %s", DefaultSnapshotWindow)
	}
	if b <= a {
		b += dayMinutes
	}
	if b-a < minWindowMinutes {
		return window{}, fmt.Errorf("is %d minutes, at least %d are required", b-a, minWindowMinutes)
	}
	return window{a, b}, nil
}

// parseWeeklyWindow reads ddd:hh:mm-ddd:hh:mm as minutes of the week.
func parseWeeklyWindow(s string) (window, error) {
	bad := fmt.Errorf("use ddd:hh:mm-ddd:hh:mm in UTC, such as %s", DefaultMaintenanceWindow)
	from, to, ok := strings.Cut(strings.ToLower(s), "-")
	if !ok {
		return window{}, bad
	}
	at := func(p string) (int, bool) {
		d, clock, ok := strings.Cut(p, ":")
		i := slices.Index(days, d)
		m, okC := parseClock(clock)
		return i*dayMinutes + m, ok && i >= 0 && okC
	}
	a, okA := at(from)
	b, okB := at(to)
	if !okA || !okB {
		return window{}, bad
	}
	if b <= a {
		b += weekMinutes
	}
	switch {
	case b-a < minWindowMinutes:
		return window{}, fmt.Errorf("is %d minutes, at least %d are required", b-a, minWindowMinutes)
	case b-a > dayMinutes:
		return window{}, fmt.Errorf("is %d minutes, at most 24 hours are allowed", b-a)
	}
	return window{a, b}, nil
}

// overlaps says whether a daily window, on any day of the week, overlaps a weekly one.
func overlaps(daily, weekly window) bool {
	for d := -1; d <= 7; d++ { // a window may cross midnight or the week's end
		s, e := daily.start+d*dayMinutes, daily.end+d*dayMinutes
		for _, shift := range []int{-weekMinutes, 0, weekMinutes} {
			if s < weekly.end+shift && weekly.start+shift < e {
				return true
			}
		}
	}
	return false
}
