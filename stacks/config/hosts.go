package config

import (
	"github.com/flowmart/platform/components/sqlserver"
	"github.com/flowmart/platform/components/vpn"
)

// SQLServerArgs returns the SQL Server host's component arguments; the stack adds the network,
// cluster and zone inputs. Unset volume fields keep the component's defaults.
func (c *Config) SQLServerArgs() sqlserver.SQLServerHostArgs {
	s := c.SQLServer
	a := sqlserver.SQLServerHostArgs{
		AMIID:                     s.AMIID,
		AllowAMIReplacement:       s.AllowAMIReplacement,
		Edition:                   sqlserver.Edition(s.Edition),
		InstanceType:              s.InstanceType,
		AvailabilityZone:          s.AvailabilityZone,
		VPNClientCIDR:             c.VPN.ClientCIDR,
		OnPremisesCIDRs:           s.OnPremisesCIDRs,
		RootVolumeSizeGiB:         s.RootVolumeSizeGiB,
		DataVolume:                s.Volumes.Data.volume(),
		LogVolume:                 s.Volumes.Log.volume(),
		TempDBVolume:              s.Volumes.TempDB.volume(),
		BackupVolume:              s.Volumes.Backup.volume(),
		PatchApproveAfterDays:     s.PatchApproveAfterDays,
		MaintenanceWindowSchedule: s.MaintenanceWindowSchedule,
		BackupSchedule:            s.BackupSchedule,
		BackupRetentionDays:       s.BackupRetentionDays,
		PrivateZoneName:           c.Network.PrivateZoneName,
		Protect:                   c.Protected(),
	}
	for _, sub := range s.AlarmSubscriptions {
		a.AlarmSubscriptions = append(a.AlarmSubscriptions, sqlserver.AlarmSubscription{Protocol: sub.Protocol, Endpoint: sub.Endpoint})
	}
	return a
}

func (v *VolumeConfig) volume() sqlserver.Volume {
	if v == nil {
		return sqlserver.Volume{}
	}
	return sqlserver.Volume{SizeGiB: v.SizeGiB, IOPS: v.IOPS, ThroughputMiBps: v.ThroughputMiBps}
}

// VPNArgs returns the VPN gateway's component arguments; the stack adds the network and cluster
// inputs.
func (c *Config) VPNArgs() vpn.VPNGatewayArgs {
	v := c.VPN
	a := vpn.VPNGatewayArgs{
		VPCCIDR:             c.Network.VPCCIDR.String(),
		AMIID:               v.AMIID,
		AllowAMIReplacement: v.AllowAMIReplacement,
		InstanceType:        v.InstanceType,
		ClientCIDR:          v.ClientCIDR,
		ListenPort:          v.ListenPort,
		AllowedCIDRs:        v.AllowedCIDRs,
		AllowAnySource:      v.AllowAnySource,
		PrivateZoneName:     c.Network.PrivateZoneName,
		Protect:             c.Protected(),
	}
	for _, p := range v.Peers {
		a.Peers = append(a.Peers, vpn.Peer{Name: p.Name, PublicKey: p.PublicKey, AllowedIP: p.AllowedIP})
	}
	return a
}

// validateSQLServerArgs runs the component's own checks (volume limits, schedules, subscriptions)
// and reports them under the sqlServer key.
func (c *Config) validateSQLServerArgs() error {
	if err := sqlserver.ValidateArgs(c.SQLServerArgs()); err != nil {
		return errorf(KeySQLServer, "%s", err)
	}
	return nil
}

// validateVPNArgs runs the component's own checks (peers, keys, port, ranges) under the vpn key.
func (c *Config) validateVPNArgs() error {
	if err := vpn.ValidateArgs(c.VPNArgs()); err != nil {
		return errorf(KeyVPN, "%s", err)
	}
	return nil
}
