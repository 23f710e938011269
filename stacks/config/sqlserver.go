package config

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/flowmart/platform/components/sqlserver"
)

// KeySQLServer is the SQL Server host's key.
const KeySQLServer = "sqlServer"

var sqlServerKeys = []keySpec{{KeySQLServer, typeObject, false}}

// SQLServerConfig is the `sqlServer` object: the SQL Server host of the stack.
type SQLServerConfig struct {
	// AMIID is the pinned Windows Server + SQL Server license-included AMI. Required.
	AMIID string `json:"amiId"`
	// AllowAMIReplacement lets a changed amiId replace the host on this deploy (set it once).
	AllowAMIReplacement bool `json:"allowAmiReplacement,omitempty"`
	// Edition is the SQL Server edition of that AMI; defaults per environment (defaults.go).
	Edition string `json:"edition,omitempty"`
	// InstanceType defaults per environment (memory-optimized).
	InstanceType string `json:"instanceType,omitempty"`
	// AvailabilityZone is the zone of the database subnet the host and its volumes live in;
	// defaults to the first of availabilityZones by name.
	AvailabilityZone  string `json:"availabilityZone,omitempty"`
	RootVolumeSizeGiB int    `json:"rootVolumeSizeGiB,omitempty"`
	// Volumes size the data, log, tempdb and backup volumes; an unset one keeps the component's
	// default.
	Volumes                   SQLServerVolumesConfig `json:"volumes,omitempty"`
	BackupRetentionDays       int                    `json:"backupRetentionDays,omitempty"`
	BackupSchedule            string                 `json:"backupSchedule,omitempty"`
	MaintenanceWindowSchedule string                 `json:"maintenanceWindowSchedule,omitempty"`
	PatchApproveAfterDays     int                    `json:"patchApproveAfterDays,omitempty"`
	// OnPremisesCIDRs may reach 1433 and 5022 for replication with on-premise SQL Servers.
	OnPremisesCIDRs    []string                  `json:"onPremisesCidrs,omitempty"`
	AlarmSubscriptions []AlarmSubscriptionConfig `json:"alarmSubscriptions,omitempty"`
}

// SQLServerVolumesConfig is sqlServer.volumes.
type SQLServerVolumesConfig struct {
	Data   *VolumeConfig `json:"data,omitempty"`
	Log    *VolumeConfig `json:"log,omitempty"`
	TempDB *VolumeConfig `json:"tempdb,omitempty"`
	Backup *VolumeConfig `json:"backup,omitempty"`
}

// VolumeConfig sizes one gp3 volume; an unset field takes that volume's default in components/sqlserver.
type VolumeConfig struct {
	SizeGiB         int `json:"sizeGiB"`
	IOPS            int `json:"iops,omitempty"`
	ThroughputMiBps int `json:"throughputMiBps,omitempty"`
}

// AlarmSubscriptionConfig is one entry of sqlServer.alarmSubscriptions: who is paged.
type AlarmSubscriptionConfig struct {
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
}

func readSQLServer(r *reader) SQLServerConfig {
	var c SQLServerConfig
	r.object(KeySQLServer, &c)
	return c
}

// validateSQLServer checks the stack's rules (required AMI, no Developer edition in production,
// the host's zone among the network's, on-premise ranges outside the VPC); the rest is the
// SQLServerHost's own (validateComponents).
func (c *Config) validateSQLServer() error {
	s := c.SQLServer
	key := func(path string) string { return KeySQLServer + "." + path }
	if s.AMIID == "" {
		return errorf(key("amiId"), "required key is missing (the pinned Windows Server + SQL Server license-included AMI id, ami-<hex>: a newer AMI is adopted only by changing it)")
	}
	if c.Environment == Production && s.Edition == string(sqlserver.Developer) {
		return errorf(key("edition"), "%q is licensed for development and test only, not production (allowed in production: Standard, Enterprise)", s.Edition)
	}
	if !slices.Contains(c.Network.AvailabilityZones, s.AvailabilityZone) {
		return errorf(key("availabilityZone"), "%q is not one of availabilityZones %q", s.AvailabilityZone, c.Network.AvailabilityZones)
	}
	for i, cidr := range s.OnPremisesCIDRs {
		p, err := netip.ParsePrefix(cidr)
		k := key(fmt.Sprintf("onPremisesCidrs[%d]", i))
		if err == nil && p.Bits() > 0 && p.Overlaps(c.Network.VPCCIDR) { // /0: the component refuses the internet
			return errorf(k, "%q overlaps vpcCidr %s (on-premise networks are outside the VPC)", cidr, c.Network.VPCCIDR)
		}
	}
	return nil
}
