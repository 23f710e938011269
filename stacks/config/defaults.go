package config

import (
	"slices"

	"github.com/flowmart/platform/components/network"
)

// envDefaults are the values a stack gets when its file does not set a key. This table is the one
// place environment defaults live: Pulumi.yaml declares types and descriptions only.
type envDefaults struct {
	NATStrategy          network.NATStrategy
	FlowLogRetentionDays int
}

var defaults = map[Environment]envDefaults{
	Dev:        {NATStrategy: network.NATSingle, FlowLogRetentionDays: 30},
	Staging:    {NATStrategy: network.NATSingle, FlowLogRetentionDays: 90},
	Production: {NATStrategy: network.NATOnePerAZ, FlowLogRetentionDays: 365},
}

// applyDefaults fills unset values from the environment's defaults. An unknown environment gets
// none: Validate reports it.
func (c *Config) applyDefaults() {
	c.applyRegistryDefaults()
	c.applyAddonsDefaults()
	c.applyGitOpsDefaults()
	c.applyClusterDefaults()
	c.applySQLServerDefaults()
	c.applyVPNDefaults()
	c.applyRunnerDefaults()
	d, ok := defaults[c.Environment]
	if !ok {
		return
	}
	if c.Network.NATStrategy == "" {
		c.Network.NATStrategy = d.NATStrategy
	}
	if c.Network.FlowLogRetentionDays == 0 {
		c.Network.FlowLogRetentionDays = d.FlowLogRetentionDays
	}
	if c.Network.PrivateZoneName == "" {
		c.Network.PrivateZoneName = string(c.Environment) + ".internal"
	}
}

// registryDefaults are the Registry's per-environment defaults: tags are immutable where images
// are promoted (staging, production), and only dev repositories may be deleted with their images.
type registryDefaults struct {
	ImmutableTags bool
	ForceDelete   bool
}

var registryDefaultsByEnv = map[Environment]registryDefaults{
	Dev:        {ImmutableTags: false, ForceDelete: true},
	Staging:    {ImmutableTags: true, ForceDelete: false},
	Production: {ImmutableTags: true, ForceDelete: false},
}

func (c *Config) applyRegistryDefaults() {
	d, ok := registryDefaultsByEnv[c.Environment]
	if !ok {
		return
	}
	if c.Registry.ImmutableTags == nil {
		v := d.ImmutableTags
		c.Registry.ImmutableTags = &v
	}
	c.Registry.ForceDelete = d.ForceDelete
}

// addonsDefaults are the PlatformAddons sizes per environment: dev is small, production is HA.
type addonsDefaults struct {
	IngressController          string
	APISIXMode                 string
	Replicas                   int
	PrometheusRetentionDays    int
	PrometheusStorageGiB       int
	LogRetentionDays           int
	KeycloakDatabaseStorageGiB int
	KeycloakDatabaseInstances  int
}

var addonsDefaultsByEnv = map[Environment]addonsDefaults{
	Dev:        {"nginx", "standalone", 1, 7, 20, 7, 5, 1},
	Staging:    {"nginx", "standalone", 2, 15, 50, 30, 10, 2},
	Production: {"nginx", "standalone", 3, 30, 100, 90, 20, 3},
}

func (c *Config) applyAddonsDefaults() {
	d, ok := addonsDefaultsByEnv[c.Environment]
	if !ok {
		return
	}
	a := &c.Addons
	setString := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setString(&a.IngressController, d.IngressController)
	setString(&a.APISIXMode, d.APISIXMode)
	setInt(&a.Replicas, d.Replicas)
	setInt(&a.PrometheusRetentionDays, d.PrometheusRetentionDays)
	setInt(&a.PrometheusStorageGiB, d.PrometheusStorageGiB)
	setInt(&a.LogRetentionDays, d.LogRetentionDays)
	setInt(&a.KeycloakDatabaseStorageGiB, d.KeycloakDatabaseStorageGiB)
	setInt(&a.KeycloakDatabaseInstances, d.KeycloakDatabaseInstances)
}

// clusterDefaults are the cluster's per-environment defaults: control-plane log retention and
// upgrade policy (standard support in dev and staging, extended support in production so an
// upgrade is planned rather than forced). Node groups have no default: every stack sizes and pins
// its own in its stack file.
type clusterDefaults struct {
	LogRetentionDays int
	UpgradePolicy    string
}

var clusterDefaultsByEnv = map[Environment]clusterDefaults{
	Dev:        {30, "STANDARD"},
	Staging:    {90, "STANDARD"},
	Production: {365, "EXTENDED"},
}

func (c *Config) applyClusterDefaults() {
	d, ok := clusterDefaultsByEnv[c.Environment]
	if !ok {
		return
	}
	if c.Cluster.LogRetentionDays == 0 {
		c.Cluster.LogRetentionDays = d.LogRetentionDays
	}
	if c.Cluster.UpgradePolicy == "" {
		c.Cluster.UpgradePolicy = d.UpgradePolicy
	}
}

// sqlServerDefaults are the SQL Server host's per-environment defaults: Developer edition (free,
// not for production) in dev, Standard elsewhere; larger hosts and longer backup retention as the
// environment gets closer to customers. Volume sizes are set in each stack file.
type sqlServerDefaults struct {
	Edition             string
	InstanceType        string
	BackupRetentionDays int
}

var sqlServerDefaultsByEnv = map[Environment]sqlServerDefaults{
	Dev:        {"Developer", "r6i.large", 7},
	Staging:    {"Standard", "r6i.xlarge", 14},
	Production: {"Standard", "r6i.2xlarge", 35},
}

func (c *Config) applySQLServerDefaults() {
	s := &c.SQLServer
	if s.AvailabilityZone == "" && len(c.Network.AvailabilityZones) > 0 {
		s.AvailabilityZone = slices.Min(c.Network.AvailabilityZones)
	}
	d, ok := sqlServerDefaultsByEnv[c.Environment]
	if !ok {
		return
	}
	if s.Edition == "" {
		s.Edition = d.Edition
	}
	if s.InstanceType == "" {
		s.InstanceType = d.InstanceType
	}
	if s.BackupRetentionDays == 0 {
		s.BackupRetentionDays = d.BackupRetentionDays
	}
}

// vpnClientCIDRByEnv gives each environment its own VPN client range, outside every VPC
// (10.x) and the cluster service range (172.20.0.0/16), so one laptop can hold tunnels to all three.
var vpnClientCIDRByEnv = map[Environment]string{
	Dev:        "172.16.10.0/24",
	Staging:    "172.16.20.0/24",
	Production: "172.16.30.0/24",
}

func (c *Config) applyVPNDefaults() {
	if c.VPN.ClientCIDR == "" {
		c.VPN.ClientCIDR = vpnClientCIDRByEnv[c.Environment]
	}
}

// runnerLogRetentionDaysByEnv is how long the runner's build logs (every CI job's output on the
// runner) are kept: the environment's default for the cluster's control-plane logs
// (clusterDefaultsByEnv), so a deploy job's log lives as long as the API audit log it matches.
var runnerLogRetentionDaysByEnv = map[Environment]int{
	Dev:        30,
	Staging:    90,
	Production: 365,
}

func (c *Config) applyRunnerDefaults() {
	c.Runner.LogRetentionDays = runnerLogRetentionDaysByEnv[c.Environment]
}
