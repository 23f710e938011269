package config

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/addons"
	"github.com/flowmart/platform/components/certificate"
	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/components/registry"
	"github.com/flowmart/platform/components/sqlserver"
	"github.com/flowmart/platform/components/vpn"
	"github.com/flowmart/platform/pkg/tags"
)

// This file is the one place the configuration is mapped onto the components' Args. Each XArgs
// sets what the stack file decides; the inputs one component takes from another (ids, subnets,
// providers) are wired by stacks/, which creates them. Rules about Args live in the components'
// Validate; validateComponents runs them before anything is registered, with stand-ins for the
// wired inputs, and reports each error under the config key it comes from.

// NetworkArgs returns the network's component arguments.
func (c *Config) NetworkArgs() network.NetworkArgs {
	n := c.Network
	return network.NetworkArgs{
		Region:               c.Region,
		CIDRBlock:            n.VPCCIDR.String(),
		AvailabilityZones:    n.AvailabilityZones,
		NATStrategy:          n.NATStrategy,
		NATEIPAllocationIDs:  n.NATEIPAllocationIDs,
		DatabaseEgress:       n.DatabaseEgress,
		InterfaceEndpoints:   n.InterfaceEndpoints,
		FlowLogRetentionDays: n.FlowLogRetentionDays,
		PrivateZoneName:      n.PrivateZoneName,
		// VPN clients resolve AWS service names through the VPC resolver, so those with
		// private-DNS endpoints (sts, ssm, logs, ecr...) lead to the endpoints: they must admit
		// the client range (routed, not NATed) as they admit the VPC. A plain config value, not
		// the gateway's output: the gateway is built on the network.
		EndpointClientCIDRs: c.vpnClientCIDRs(),
		// FlowMart's own name for the group, from before the component dropped the brand from its
		// default: changing it would replace every stack's flow-log group
		FlowLogGroupName: "/flowmart/" + c.Stack + "/vpc-flow-logs",
		Protect:          c.Protected(),
	}
}

// vpnClientCIDRs is the VPN's client range as a list, empty when there is none.
func (c *Config) vpnClientCIDRs() []string {
	if c.VPN.ClientCIDR == "" {
		return nil
	}
	return []string{c.VPN.ClientCIDR}
}

// AdminPolicyARN is the EKS access policy the deploying role gets.
const AdminPolicyARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

// ClusterArgs returns the cluster's component arguments; the stack adds the VPC and subnets. The
// deploying role, when the stack assumes one, is an explicit cluster-admin access entry (the
// first), and the kubeconfig assumes it too.
func (c *Config) ClusterArgs() cluster.ClusterArgs {
	k := c.Cluster
	a := cluster.ClusterArgs{
		Version:              k.Version,
		VPCCIDR:              pulumi.String(c.Network.VPCCIDR.String()),
		EndpointPublicAccess: k.EndpointPublicAccess,
		PublicAccessCIDRs:    k.PublicAccessCIDRs,
		LogRetentionDays:     k.LogRetentionDays,
		UpgradePolicy:        k.UpgradePolicy,
		EnableIRSA:           k.EnableIRSA,
		AddonVersions:        k.AddonVersions,
		AddonConfiguration:   k.addonConfiguration(),
		Protect:              c.Protected(),
		// the provider's default tags, which do not reach what the node groups launch
		DefaultTags: tags.Standard(c.Project, string(c.Environment), c.Stack, c.Tags),
	}
	if c.AssumeRoleARN != "" {
		a.KubeconfigRoleARN = pulumi.StringPtr(c.AssumeRoleARN)
	}
	if c.deployRoleEntryAdded() {
		a.AccessEntries = append(a.AccessEntries, cluster.AccessEntry{PrincipalARN: c.AssumeRoleARN, AccessPolicies: []cluster.AccessPolicy{{PolicyARN: AdminPolicyARN}}})
	}
	for _, e := range k.AccessEntries {
		ae := cluster.AccessEntry{PrincipalARN: e.PrincipalARN, KubernetesGroups: e.KubernetesGroups}
		for _, p := range e.AccessPolicies {
			ae.AccessPolicies = append(ae.AccessPolicies, cluster.AccessPolicy{PolicyARN: p.PolicyARN, ScopeType: p.ScopeType, Namespaces: p.Namespaces})
		}
		a.AccessEntries = append(a.AccessEntries, ae)
	}
	for _, p := range k.PodIdentities {
		a.PodIdentities = append(a.PodIdentities, cluster.PodIdentity{Namespace: p.Namespace, ServiceAccount: p.ServiceAccount, ManagedPolicyARNs: p.ManagedPolicyARNs})
	}
	for _, g := range k.NodeGroups {
		ng := cluster.NodeGroup{
			Name: g.Name, Kind: cluster.NodeGroupKind(g.Kind), InstanceTypes: g.InstanceTypes,
			MinSize: g.MinSize, MaxSize: g.MaxSize, DesiredSize: g.DesiredSize,
			ReleaseVersion: g.ReleaseVersion, AMIID: g.AMIID, AMIType: g.AMIType, Labels: g.Labels,
			MaxUnavailable: g.MaxUnavailable, DiskSizeGiB: g.DiskSizeGiB, MetadataHopLimit: g.MetadataHopLimit,
			Tags: g.Tags,
		}
		for _, t := range g.Taints {
			ng.Taints = append(ng.Taints, cluster.Taint{Key: t.Key, Value: t.Value, Effect: t.Effect})
		}
		a.NodeGroups = append(a.NodeGroups, ng)
	}
	return a
}

// deployRoleEntryAdded says ClusterArgs puts the assumed role first in the access entries (unless
// cluster.accessEntries lists it already).
func (c *Config) deployRoleEntryAdded() bool {
	return c.AssumeRoleARN != "" && !slices.ContainsFunc(c.Cluster.AccessEntries, func(e AccessEntryConfig) bool { return e.PrincipalARN == c.AssumeRoleARN })
}

// RegistryArgs returns the registry's component arguments; the stack adds the principals that
// pull (the cluster's node roles).
func (c *Config) RegistryArgs() registry.RegistryArgs {
	g := c.Registry
	repos := make([]registry.Repository, len(g.Repositories))
	for i, r := range g.Repositories {
		repos[i] = registry.Repository{Name: r.Name, ImmutableTags: r.ImmutableTags, ScanOnPush: r.ScanOnPush, LifecycleRules: r.LifecycleRules()}
	}
	var push pulumi.StringArrayInput
	if g.CIPushRoleARN != "" {
		push = pulumi.StringArray{pulumi.String(g.CIPushRoleARN)}
	}
	caches := make([]registry.PullThroughCache, len(g.PullThroughCache))
	for i, p := range g.PullThroughCache {
		caches[i] = registry.PullThroughCache{Prefix: p.Prefix, UpstreamURL: p.UpstreamURL}
	}
	return registry.RegistryArgs{
		Repositories:          repos,
		ImmutableTags:         g.ImmutableTags,
		EnhancedScanning:      g.EnhancedScanning,
		PushPrincipalARNs:     push,
		PullThroughCacheRules: caches,
		ForceDelete:           g.ForceDelete,
		Protect:               c.Protected(),
	}
}

// CertificateArgs returns the certificate's component arguments: the domain and its wildcard,
// validated in the Cloudflare zone.
func (c *Config) CertificateArgs() certificate.CertificateArgs {
	return certificate.CertificateArgs{Domain: c.Domain, ZoneID: pulumi.String(c.Certificate.ZoneID), Protect: c.Protected()}
}

// AddonsArgs returns the add-ons' component arguments; the stack adds the cluster's provider and
// name, the VPC id and the validated certificate; the VPN's client range may reach the admin
// consoles. One `replicas` sizes every add-on that scales
// (the load balancer controller, metrics-server and monitoring at most 2, the image updater and
// Fluent Bit's operator 1).
func (c *Config) AddonsArgs() addons.PlatformAddonsArgs {
	a := c.Addons
	ecr := ""
	if c.AccountID != "" {
		ecr = fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", c.AccountID, c.Region)
	}
	return addons.PlatformAddonsArgs{
		Region:                 c.Region,
		VPCCIDR:                pulumi.String(c.Network.VPCCIDR.String()),
		Domain:                 c.Domain,
		ECRRegistry:            ecr,
		ImageMirrors:           c.imageMirrors(ecr),
		IngressController:      addons.IngressController(a.IngressController),
		LoadBalancerController: a.LoadBalancerController.Addon(min(a.Replicas, 2)),
		Ingress:                a.Ingress.Addon(a.Replicas),
		ArgoCD:                 a.ArgoCD.Addon(a.Replicas),
		ImageUpdater:           a.ImageUpdater.Addon(1),
		APISIX:                 addons.APISIXArgs{Addon: a.APISIX.Addon(a.Replicas), Mode: addons.APISIXMode(a.APISIXMode), ConfigMap: a.APISIXConfigMap},
		Keycloak: addons.KeycloakArgs{
			Addon:              a.Keycloak.Addon(a.Replicas),
			DatabaseInstances:  a.KeycloakDatabaseInstances,
			DatabaseStorageGiB: a.KeycloakDatabaseStorageGiB,
			OperatorValues:     a.CloudNativePG.Values,
		},
		MetricsServer: a.MetricsServer.Addon(min(a.Replicas, 2)),
		Monitoring: addons.MonitoringArgs{
			Addon:         a.Monitoring.Addon(min(a.Replicas, 2)),
			RetentionDays: a.PrometheusRetentionDays,
			StorageGiB:    a.PrometheusStorageGiB,
		},
		Logging:      addons.LoggingArgs{Addon: a.Logging.Addon(0), RetentionDays: a.LogRetentionDays},
		Routes:       a.ComponentRoutes(),
		StorageClass: addons.StorageClassArgs{Enabled: a.StorageClass.Enabled},
		GitOps: addons.GitOpsArgs{
			RepositoryURL:     c.GitOps.RepoURL,
			Revision:          c.GitOps.Revision,
			Path:              c.GitOps.Path,
			Username:          c.GitOps.Username,
			ImageRepositories: c.GitOps.ImageRepositories,
		},
		SSO: addons.SSOArgs{Enabled: a.SSO.Enabled, Realm: a.SSO.Realm, AdminGroup: a.SSO.AdminGroup},
		// The admin consoles' internal load balancer admits the VPC and the VPN's clients.
		AdminCIDRs: adminCIDRs(c.VPN.ClientCIDR),
		// self-managed nodes are drained by the termination handler; the stack adds its queue
		NodeTerminationHandler: addons.NodeTerminationHandlerArgs{Enabled: c.Cluster.HasSelfManagedGroups()},
		Protect:                c.Protected(),
	}
}

// adminCIDRs are the ranges besides the VPC that reach the admin consoles: the VPN's clients.
func adminCIDRs(vpnClientCIDR string) []string {
	if vpnClientCIDR == "" {
		return nil
	}
	return []string{vpnClientCIDR}
}

// AddonsSecrets completes AddonsArgs with the secrets the configuration sets: the repository
// token and the receivers (whose structure comes from `alerting`). secret returns a key's value
// as a secret input (Secret in a program; a stand-in for validation).
func (c *Config) AddonsSecrets(args *addons.PlatformAddonsArgs, secret func(key string) pulumi.StringInput) {
	if c.GitOps.HasToken {
		args.GitOps.Password = secret(KeyGitOpsRepositoryToken)
	}
	al := c.Alerting
	var r addons.AlertingArgs
	if al.PagerDuty && al.HasPagerDutyRoutingKey {
		r.PagerDutyRoutingKey = secret(KeyAlertingPagerDutyRoutingKey)
	}
	if al.Slack != nil {
		r.Slack = &addons.SlackReceiver{Channel: al.Slack.Channel}
		if al.HasSlackWebhookURL {
			r.Slack.WebhookURL = secret(KeyAlertingSlackWebhookURL)
		}
	}
	if e := al.Email; e != nil {
		r.Email = &addons.EmailReceiver{To: e.To, From: e.From, SmartHost: e.SmartHost, Username: e.Username}
		if al.HasSMTPPassword {
			r.Email.Password = secret(KeyAlertingSMTPPassword)
		}
	}
	if al.Webhook {
		r.Webhook = &addons.WebhookReceiver{}
		if al.HasWebhookURL {
			r.Webhook.URL = secret(KeyAlertingWebhookURL)
		}
	}
	args.Monitoring.Alerts = r
}

// imageMirrors maps each registry.pullThroughCache upstream to its cache in the stack's registry
// (<account>.dkr.ecr.<region>.amazonaws.com/<prefix>), so the add-ons pull through it; none
// without an account id (the registry host is not known).
func (c *Config) imageMirrors(ecr string) map[string]string {
	if ecr == "" || len(c.Registry.PullThroughCache) == 0 {
		return nil
	}
	m := make(map[string]string, len(c.Registry.PullThroughCache))
	for _, p := range c.Registry.PullThroughCache {
		m[p.UpstreamURL] = ecr + "/" + p.Prefix
	}
	return m
}

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
		VPCCIDR:             pulumi.String(c.Network.VPCCIDR.String()),
		AMIID:               v.AMIID,
		AllowAMIReplacement: v.AllowAMIReplacement,
		InstanceType:        v.InstanceType,
		ClientCIDR:          v.ClientCIDR,
		ListenPort:          v.ListenPort,
		AllowedCIDRs:        v.AllowedCIDRs,
		AllowAnySource:      v.AllowAnySource,
		PrivateZoneName:     c.Network.PrivateZoneName,
		// the name every stack's parameter was created with, before the component dropped the
		// brand from its default (a new name would replace it and change the host's user data)
		PeersParameterName: "/flowmart/" + c.Stack + "-vpn/wireguard/peers",
		Protect:            c.Protected(),
	}
	for _, p := range v.Peers {
		a.Peers = append(a.Peers, vpn.Peer{Name: p.Name, PublicKey: p.PublicKey, AllowedIP: p.AllowedIP})
	}
	return a
}
