package policy

import (
	"strings"
	"testing"
)

// childOf puts a recorded resource under a component, as the components register their children:
// the URN carries the component's type before the resource's own.
func childOf(componentType string, r Resource) Resource {
	r.Parent = "urn:pulumi:production::acme::" + componentType + "::production"
	r.URN = "urn:pulumi:production::acme::" + componentType + "$" + r.Type + "::" + r.Name
	return r
}

// own is a resource of the importer's own program, outside any component.
func own(r Resource) Resource {
	r.Parent = "urn:pulumi:production::acme::pulumi:pulumi:Stack::acme-production"
	r.URN = "urn:pulumi:production::acme::" + r.Type + "::" + r.Name
	return r
}

// A violation tells an importer what to write: the component's Args field (and the stack key the
// stacks map onto it) on a component's child, the resource's input on a resource of its own.
func TestFixHintsNameTheArgsField(t *testing.T) {
	openCluster := with(cluster, "vpcConfig.endpointPublicAccess", true)
	worldCluster := with(openCluster, "vpcConfig.publicAccessCidrs", l{"0.0.0.0/0"})
	mutable := with(repo, "imageTagMutability", "MUTABLE")
	unscanned := with(repo, "imageScanningConfiguration", m{"scanOnPush": false})
	volume := res(TypeVolume, "production-sqlserver-data", m{"encrypted": true})
	logGroup := res(TypeLogGroup, "production-logs", m{"name": "/aws/eks/production/containers", "retentionInDays": 30})
	privateZone := res(TypeRoute53Zone, "production-private-zone", m{"name": "production.internal", "vpcs": l{m{"vpcId": "vpc-1"}}})
	cases := []struct {
		policy string
		r      Resource
		want   string
	}{
		{"FM-PROT-001", childOf("flowmart:sqlserver:SQLServerHost", volume), "(set SQLServerHostArgs.Protect; the stacks set it when environment is production)"},
		{"FM-PROT-001", childOf("flowmart:registry:Registry", repo), "(set RegistryArgs.Protect;"},
		{"FM-PROT-001", childOf("flowmart:cluster:Cluster", cluster), "(set ClusterArgs.Protect;"},
		{"FM-PROT-001", childOf("flowmart:certificate:Certificate", res(TypeCertificate, "production-cert", m{})), "(set CertificateArgs.Protect;"},
		{"FM-PROT-001", childOf("flowmart:vpn:VPNGateway", res(TypeSecret, "production-vpn-private-key", m{})), "(set VPNGatewayArgs.Protect;"},
		{"FM-PROT-001", own(repo), "(register it with pulumi.Protect(true))"},
		{"FM-EKS-002", childOf("flowmart:cluster:Cluster", openCluster), "(set ClusterArgs.EndpointPublicAccess false or ClusterArgs.PublicAccessCIDRs; stack keys cluster.endpointPublicAccess, cluster.publicAccessCidrs)"},
		{"FM-EKS-002", own(openCluster), "(set vpcConfig.endpointPublicAccess false or vpcConfig.publicAccessCidrs)"},
		{"FM-EKS-002", childOf("flowmart:cluster:Cluster", worldCluster), "includes 0.0.0.0/0 (remove it from ClusterArgs.PublicAccessCIDRs; stack key cluster.publicAccessCidrs)"},
		{"FM-EKS-002", own(worldCluster), "(remove it from vpcConfig.publicAccessCidrs)"},
		{"FM-EKS-004", childOf("flowmart:cluster:Cluster", with(cluster, "enabledClusterLogTypes", l{"api"})), "lacks audit, authenticator, controllerManager, scheduler (add them to ClusterArgs.LogTypes"},
		{"FM-LOG-002", childOf("flowmart:network:Network", with(logGroup, "kmsKeyId", nil)), "(set NetworkArgs.LogKMSKeyARN, or leave it unset"},
		{"FM-LOG-002", childOf("flowmart:cluster:Cluster", with(logGroup, "kmsKeyId", nil)), "(set ClusterArgs.LogKMSKeyARN, or leave it unset"},
		{"FM-LOG-002", childOf("flowmart:addons:PlatformAddons", with(logGroup, "kmsKeyId", nil)), "(set PlatformAddonsArgs.Logging.KMSKeyARN, or leave it unset"},
		{"FM-LOG-002", own(with(logGroup, "kmsKeyId", nil)), "(set kmsKeyId to a customer managed key"},
		{"FM-DNS-001", childOf("flowmart:network:Network", privateZone), "(a network.Network with PrivateZoneName always has one"},
		{"FM-DNS-001", own(privateZone), "(add an aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation with resourceId set to the VPC)"},
		{"FM-EKS-005", childOf("flowmart:cluster:Cluster", with(cluster, "version", "1.24")), "(set ClusterArgs.Version; stack key cluster.version)"},
		{"FM-EKS-005", own(with(cluster, "version", "1.24")), "(set version)"},
		{"FM-ECR-001", childOf("flowmart:registry:Registry", unscanned), "(set RegistryArgs.Repositories[].ScanOnPush true, or leave it unset: it defaults to true; stack key repositories[].scanOnPush)"},
		{"FM-ECR-001", own(unscanned), "(set imageScanningConfiguration.scanOnPush true)"},
		{"FM-ECR-002", childOf("flowmart:registry:Registry", mutable), "(set RegistryArgs.ImmutableTags and any Repositories[].ImmutableTags override true"},
		{"FM-ECR-002", own(mutable), "(set imageTagMutability IMMUTABLE)"},
		{"FM-NET-001", own(vpc), "a network.Network always has one)"},
	}
	for _, c := range cases {
		t.Run(c.policy+"/"+c.r.URN, func(t *testing.T) {
			rule, _ := Lookup(c.policy)
			vs := EvaluateRules([]Rule{rule}, Context{Environment: Production}, []Resource{c.r})
			if len(vs) != 1 {
				t.Fatalf("%d violations, want 1: %+v", len(vs), vs)
			}
			if !strings.Contains(vs[0].Message, c.want) {
				t.Errorf("message %q, want it to contain %q", vs[0].Message, c.want)
			}
		})
	}
}

// No message tells an importer to call the stacks' internals (cfg.Protected(), a Config method).
func TestNoMessageNamesTheStacksInternals(t *testing.T) {
	for _, c := range ruleCases() {
		if !c.fail {
			continue
		}
		rule, _ := Lookup(c.policy)
		for _, r := range []Resource{c.r, childOf("flowmart:cluster:Cluster", c.r), childOf("flowmart:registry:Registry", c.r), childOf("flowmart:sqlserver:SQLServerHost", c.r)} {
			for _, v := range EvaluateRules([]Rule{rule}, Context{Environment: c.env}, append([]Resource{r}, c.others...)) {
				for _, bad := range []string{"cfg.", "Protected()", "config.Config", "stacks/config"} {
					if strings.Contains(v.Message, bad) {
						t.Errorf("%s %s: %q names %s", c.policy, c.name, v.Message, bad)
					}
				}
			}
		}
	}
}

func TestComponentOfAResource(t *testing.T) {
	for _, c := range []struct{ urn, want string }{
		{"urn:pulumi:prod::p::flowmart:cluster:Cluster$aws:eks/cluster:Cluster::prod-eks", "flowmart:cluster:Cluster"},
		{"urn:pulumi:prod::p::flowmart:addons:PlatformAddons$flowmart:certificate:DNSRecords$cloudflare:index/record:Record::r", "flowmart:certificate:DNSRecords"},
		{"urn:pulumi:prod::p::acme:index:Wrapper$flowmart:registry:Registry$aws:ecr/repository:Repository::r", "flowmart:registry:Registry"},
		{"urn:pulumi:prod::p::flowmart:test:Component$aws:ecr/repository:Repository::r", ""},
		{"urn:pulumi:prod::p::aws:ecr/repository:Repository::r", ""},
		{"not-a-urn", ""},
	} {
		if got := component(Resource{URN: c.urn}); got != c.want {
			t.Errorf("component(%s) = %q, want %q", c.urn, got, c.want)
		}
	}
}
