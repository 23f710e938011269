package config

import (
	"testing"

	"github.com/flowmart/platform/pkg/fielderr"
)

func TestKeyFor(t *testing.T) {
	cases := []struct {
		s         section
		path      string
		key, rest string
	}{
		{networkSection, "CIDRBlock", "vpcCidr", ""},
		{networkSection, "NATEIPAllocationIDs[1]", "natEipAllocationIds[1]", ""},
		{networkSection, "Tags", "", "Tags"},
		{networkSection, "EndpointClientCIDRs[0]", "vpn.clientCidr", ""},
		{clusterSection, "NodeGroups[2].AMIID", "cluster.nodeGroups[2].amiId", ""},
		{clusterSection, "AccessEntries[0].AccessPolicies[1].ScopeType", "cluster.accessEntries[0].accessPolicies[1].scopeType", ""},
		{clusterSection, `AddonVersions["coredns"]`, "cluster.addonVersions.coredns", ""},
		{clusterSection, `AddonConfiguration["vpc-cni"]`, "cluster.addonConfiguration.vpc-cni", ""},
		{clusterSection, "NodeGroups[1].MaxUnavailable", "cluster.nodeGroups[1].maxUnavailable", ""},
		{clusterSection, "DefaultTags", "cluster", "DefaultTags"},
		{addonsSection, "NodeTerminationHandler.QueueURL", "addons", "NodeTerminationHandler.QueueURL"},
		{clusterSection, "VPCCIDR", "vpcCidr", ""},
		{clusterSection, "ServiceIPv4CIDR", "cluster", "ServiceIPv4CIDR"},
		{registrySection, "Repositories[1].LifecycleRules[0].CountNumber", "repositories[1].lifecycle[0].countNumber", ""},
		{registrySection, "PullThroughCacheRules[0].UpstreamURL", "registry.pullThroughCache[0].upstreamUrl", ""},
		{addonsSection, "Routes[3].Host", "routes[3].host", ""},
		{addonsSection, "Monitoring.RetentionDays", "addons.prometheusRetentionDays", ""},
		{addonsSection, "ArgoCD.Replicas", "addons.argocd", "Replicas"},
		{addonsSection, "SSO.AdminGroup", "addons.sso.adminGroup", ""},
		{addonsSection, "SSO.Enabled", "addons.sso.enabled", ""},
		{addonsSection, "AdminCIDRs[0]", "vpn.clientCidr", ""},
		{addonsSection, "APISIX.ConfigMap", "addons.apisixConfigMap", ""},
		{addonsSection, "ImageMirrors[quay.io]", "registry.pullThroughCache[quay.io]", ""},
		{sqlServerSection, "DataVolume.ThroughputMiBps", "sqlServer.volumes.data.throughputMiBps", ""},
		{sqlServerSection, "AlarmSubscriptions[0].Endpoint", "sqlServer.alarmSubscriptions[0].endpoint", ""},
		{vpnSection, "Peers[1].PublicKey", "vpn.peers[1].publicKey", ""},
	}
	for _, c := range cases {
		key, rest := c.s.keyFor(c.path)
		if key != c.key || rest != c.rest {
			t.Errorf("keyFor(%q) = %q, %q; want %q, %q", c.path, key, rest, c.key, c.rest)
		}
	}
}

func TestKeyErrorWritesConfigWords(t *testing.T) {
	err := clusterSection.keyError(fielderr.New("NodeGroups[0].DesiredSize", "%d is outside MinSize %d to MaxSize %d", 5, 1, 2))
	if err.Error() != "cluster.nodeGroups[0].desiredSize: 5 is outside minSize 1 to maxSize 2" {
		t.Errorf("got %q", err)
	}
	// the network's endpoint rule for the VPN range is reported under the key it comes from
	err = networkSection.keyError(fielderr.New("EndpointClientCIDRs[0]", "%s overlaps CIDRBlock %s: give ranges outside the VPC", "10.10.200.0/24", "10.10.0.0/16"))
	if err.Error() != "vpn.clientCidr: 10.10.200.0/24 overlaps vpcCidr 10.10.0.0/16: give ranges outside the VPC" {
		t.Errorf("got %q", err)
	}
	err = addonsSection.keyError(fielderr.New("APISIX.Mode", "%q is not an APISIX mode", "dev"))
	if err.Error() != `addons.apisixMode: "dev" is not an APISIX mode` {
		t.Errorf("an acronym in prose was rewritten: %q", err)
	}
}
