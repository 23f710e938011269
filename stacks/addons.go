package stacks

import (
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/addons"
	"github.com/flowmart/platform/components/certificate"
	"github.com/flowmart/platform/stacks/config"
)

// addonsCluster is what the add-ons take from the cluster.
type addonsCluster struct {
	// Name is the EKS cluster's name.
	Name pulumi.StringInput
	// ARN is the EKS cluster's ARN, which the add-ons' Pod Identity roles trust.
	ARN pulumi.StringInput
	// TerminationQueueURL is the queue the node termination handler drains self-managed nodes
	// from (Cluster.TerminationQueueURL).
	TerminationQueueURL pulumi.StringInput
	// Provider is the cluster's Kubernetes provider.
	Provider pulumi.ProviderResource
}

// newAddons installs the platform add-ons on the cluster (the services layer; the VPC and the
// certificate come from the AWS layer), behind a load balancer carrying the
// environment's validated certificate, and points a Cloudflare CNAME at the load balancer for
// every host they serve: api, auth and the configured routes at the internet-facing one, the admin
// consoles (argocd, grafana, auth-admin) at the internal one. AWS resources use
// the AWS provider of opts, records the Cloudflare provider.
func newAddons(ctx *pulumi.Context, cfg *config.Config, cluster addonsCluster, layer *awsLayer, opts []pulumi.ResourceOption, cf *cloudflare.Provider) (*addons.PlatformAddons, error) {
	args := cfg.AddonsArgs()
	args.KubernetesProvider = cluster.Provider
	args.ClusterName = cluster.Name
	args.ClusterARN = cluster.ARN
	if args.NodeTerminationHandler.Enabled {
		args.NodeTerminationHandler.QueueURL = cluster.TerminationQueueURL
	}
	args.VPCID = layer.VPCID
	args.VPCCIDR = layer.VPCCIDR
	args.CertificateARN = layer.CertificateARN
	cfg.AddonsSecrets(&args, func(key string) pulumi.StringInput { return config.Secret(ctx, key) })
	pa, err := addons.NewPlatformAddons(ctx, cfg.Stack, &args, opts...)
	if err != nil {
		return nil, err
	}
	if len(pa.Hosts)+len(pa.InternalHosts) == 0 {
		return pa, nil
	}
	records := make([]certificate.DNSRecord, 0, len(pa.Hosts)+len(pa.InternalHosts))
	for _, h := range pa.Hosts {
		records = append(records, certificate.DNSRecord{Name: h, Target: pa.LoadBalancerHostname})
	}
	// The admin consoles' names resolve publicly to the internal load balancer's private
	// addresses: reachable over the VPN (routed into the VPC), from nowhere else.
	for _, h := range pa.InternalHosts {
		records = append(records, certificate.DNSRecord{Name: h, Target: pa.InternalLoadBalancerHostname})
	}
	_, err = certificate.NewDNSRecords(ctx, cfg.Stack+"-addons-dns", &certificate.DNSRecordsArgs{
		ZoneID:  pulumi.String(cfg.Certificate.ZoneID),
		Records: records,
	}, append(append([]pulumi.ResourceOption(nil), opts...), pulumi.Providers(cf))...)
	return pa, err
}

func exportAddons(ctx *pulumi.Context, pa *addons.PlatformAddons) {
	ctx.Export("loadBalancerHostname", pa.LoadBalancerHostname)
	ctx.Export("internalLoadBalancerHostname", pa.InternalLoadBalancerHostname)
	ctx.Export("argocdUrl", pa.ArgoCDURL)
	ctx.Export("apiUrl", pa.APIURL)
	ctx.Export("keycloakUrl", pa.KeycloakURL)
	ctx.Export("keycloakAdminUrl", pa.KeycloakAdminURL)
	ctx.Export("grafanaUrl", pa.GrafanaURL)
	ctx.Export("keycloakAdminPassword", pa.KeycloakAdminPassword)
	ctx.Export("grafanaAdminPassword", pa.GrafanaAdminPassword)
	ctx.Export("platformHosts", pulumi.ToStringArray(pa.Hosts))
	ctx.Export("adminHosts", pulumi.ToStringArray(pa.InternalHosts))
}
