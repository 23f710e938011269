package config

import (
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// Where each component's Args fields come from in the stack file.
var (
	networkSection = section{fields: map[string]target{
		"Region":               {key: KeyRegion},
		"CIDRBlock":            {key: KeyVPCCIDR},
		"AvailabilityZones":    {key: KeyAvailabilityZones},
		"NATStrategy":          {key: KeyNATStrategy},
		"NATEIPAllocationIDs":  {key: KeyNATEIPAllocationIDs},
		"DatabaseEgress":       {key: KeyDatabaseEgress},
		"InterfaceEndpoints":   {key: KeyInterfaceEndpoints},
		"FlowLogRetentionDays": {key: KeyFlowLogRetentionDays},
		"PrivateZoneName":      {key: KeyPrivateZoneName},
		// the one entry NetworkArgs puts there is the VPN's client range
		"EndpointClientCIDRs[0]": {key: KeyVPN + ".clientCidr"},
	}}
	clusterSection = section{key: KeyCluster, typ: typeOf[ClusterConfig](), fields: map[string]target{
		"VPCCIDR":           {key: KeyVPCCIDR},
		"KubeconfigRoleARN": {key: KeyAssumeRoleARN},
	}}
	registrySection = section{key: KeyRegistry, typ: typeOf[registryObject](), fields: map[string]target{
		"Repositories":          {key: KeyRepositories, typ: typeOf[[]RepositoryConfig]()},
		"PullThroughCacheRules": {key: KeyRegistry + ".pullThroughCache", typ: typeOf[[]PullThroughCacheConfig]()},
		"PushPrincipalARNs":     {key: KeyRegistry + ".ciPushRoleArn"},
	}, renames: map[string]string{"LifecycleRules": "Lifecycle"}}
	certificateSection = section{fields: map[string]target{
		"Domain": {key: KeyDomain},
		"ZoneID": {key: KeyCloudflareZoneID},
	}}
	addonsSection = section{key: KeyAddons, typ: typeOf[AddonsConfig](), fields: map[string]target{
		"Region":                                {key: KeyRegion},
		"Domain":                                {key: KeyDomain},
		"VPCCIDR":                               {key: KeyVPCCIDR},
		"Routes":                                {key: KeyRoutes, typ: typeOf[[]RouteConfig]()},
		"Keycloak.DatabaseInstances":            {key: KeyAddons + ".keycloakDatabaseInstances"},
		"Keycloak.DatabaseStorageGiB":           {key: KeyAddons + ".keycloakDatabaseStorageGiB"},
		"Monitoring.RetentionDays":              {key: KeyAddons + ".prometheusRetentionDays"},
		"Monitoring.StorageGiB":                 {key: KeyAddons + ".prometheusStorageGiB"},
		"Logging.RetentionDays":                 {key: KeyAddons + ".logRetentionDays"},
		"APISIX.Mode":                           {key: KeyAddons + ".apisixMode"},
		"Keycloak.OperatorValues":               {key: KeyAddons + ".cloudnativePg.values"},
		"GitOps":                                {key: KeyGitOps, typ: typeOf[GitOpsConfig]()},
		"GitOps.Password":                       {key: KeyGitOpsRepositoryToken},
		"Monitoring.Alerts":                     {key: KeyAlerting, typ: typeOf[AlertingConfig]()},
		"Monitoring.Alerts.PagerDutyRoutingKey": {key: KeyAlertingPagerDutyRoutingKey},
		"Monitoring.Alerts.Slack.WebhookURL":    {key: KeyAlertingSlackWebhookURL},
		"Monitoring.Alerts.Email.Password":      {key: KeyAlertingSMTPPassword},
		"Monitoring.Alerts.Webhook.URL":         {key: KeyAlertingWebhookURL},
		"AdminCIDRs[0]":                         {key: KeyVPN + ".clientCidr"},
		"APISIX.ConfigMap":                      {key: KeyAddons + ".apisixConfigMap"},
		"ImageMirrors":                          {key: KeyRegistry + ".pullThroughCache"},
	}, renames: map[string]string{"RepositoryURL": "RepoURL"}}
	sqlServerSection = section{key: KeySQLServer, typ: typeOf[SQLServerConfig](), fields: map[string]target{
		"VPNClientCIDR":   {key: KeyVPN + ".clientCidr"},
		"PrivateZoneName": {key: KeyPrivateZoneName},
		"DataVolume":      {key: KeySQLServer + ".volumes.data", typ: typeOf[VolumeConfig]()},
		"LogVolume":       {key: KeySQLServer + ".volumes.log", typ: typeOf[VolumeConfig]()},
		"TempDBVolume":    {key: KeySQLServer + ".volumes.tempdb", typ: typeOf[VolumeConfig]()},
		"BackupVolume":    {key: KeySQLServer + ".volumes.backup", typ: typeOf[VolumeConfig]()},
	}}
	vpnSection = section{key: KeyVPN, typ: typeOf[VPNConfig](), fields: map[string]target{
		"VPCCIDR":         {key: KeyVPCCIDR},
		"PrivateZoneName": {key: KeyPrivateZoneName},
	}}
)

// standIn stands for an input another component provides: validation runs before any resource
// exists, and every rule about a wired value is checked by the component once it resolves.
var standIn = pulumi.String("stand-in")

// validateComponents runs every component's own Validate over the Args the configuration maps
// to, and reports the first problem under its config key.
func (c *Config) validateComponents() error {
	n := c.NetworkArgs()
	if err := n.Validate(); err != nil {
		return networkSection.keyError(err)
	}
	cl := c.ClusterArgs()
	cl.VPCID, cl.SubnetIDs = standIn, pulumi.StringArray{standIn}
	if err := cl.Validate(); err != nil {
		return clusterSection.keyError(c.clusterAccessEntryIndex(err))
	}
	reg := c.RegistryArgs()
	if err := reg.Validate(); err != nil {
		return registrySection.keyError(err)
	}
	cert := c.CertificateArgs()
	if err := cert.Validate(); err != nil {
		return certificateSection.keyError(err)
	}
	pa := c.AddonsArgs()
	pa.KubernetesProvider, pa.ClusterName, pa.VPCID, pa.CertificateARN = &pulumi.ProviderResourceState{}, standIn, standIn, standIn
	c.AddonsSecrets(&pa, func(string) pulumi.StringInput { return standIn })
	// the ARN the stack's cluster gets: its name (the stack) in the stack's account and region
	pa.ClusterARN = pulumi.String("arn:aws:eks:" + c.Region + ":" + c.AccountID + ":cluster/" + c.Stack)
	if pa.NodeTerminationHandler.Enabled {
		pa.NodeTerminationHandler.QueueURL = standIn
	}
	if err := pa.Validate(); err != nil {
		return addonsSection.keyError(err)
	}
	gw := c.VPNArgs()
	gw.VPCID, gw.SubnetID, gw.RouteTableIDs = standIn, standIn, []pulumi.StringInput{standIn}
	if gw.PrivateZoneName != "" {
		gw.PrivateZoneID = standIn
	}
	if err := gw.Validate(); err != nil {
		return vpnSection.keyError(err)
	}
	sql := c.SQLServerArgs()
	sql.VPCID, sql.SubnetID, sql.NodeSecurityGroupID, sql.PrivateZoneID = standIn, standIn, standIn, standIn
	if err := sql.Validate(); err != nil {
		return sqlServerSection.keyError(err)
	}
	return nil
}

// clusterAccessEntryIndex maps AccessEntries[i] of the Args back to cluster.accessEntries: the
// deploying role ClusterArgs puts first is assumeRoleArn.
func (c *Config) clusterAccessEntryIndex(err error) error {
	if !c.deployRoleEntryAdded() {
		return err
	}
	path, msg, ok := fielderr.Split(err)
	if !ok || !strings.HasPrefix(path, "AccessEntries[") {
		return err
	}
	end := strings.Index(path, "]")
	i, convErr := strconv.Atoi(path[len("AccessEntries["):end])
	if convErr != nil {
		return err
	}
	if i == 0 {
		return errorf(KeyAssumeRoleARN, "%s", msg)
	}
	return &fielderr.Error{Path: "AccessEntries[" + strconv.Itoa(i-1) + "]" + path[end+1:], Msg: msg}
}
