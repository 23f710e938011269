package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/stacks/config"
)

// newCluster creates the EKS cluster on the network's private subnets, protected in production,
// with the deploying role as an explicit cluster-admin access entry (config.ClusterArgs) and no
// Kubernetes provider (the services layer builds it from the exported outputs).
func newCluster(ctx *pulumi.Context, cfg *config.Config, net *network.Network, opts []pulumi.ResourceOption) (*cluster.Cluster, error) {
	args := cfg.ClusterArgs()
	args.VPCID = net.VPCID.ToStringOutput()
	args.SubnetIDs = net.PrivateSubnetIDs
	// The AWS layer never talks to the cluster's API; the services layer builds the provider.
	args.SkipKubernetesProvider = true
	return cluster.NewCluster(ctx, cfg.Stack, &args, opts...)
}

func exportCluster(ctx *pulumi.Context, cl *cluster.Cluster) {
	ctx.Export("clusterName", cl.ClusterName)
	ctx.Export("clusterArn", cl.ClusterARN)
	ctx.Export("clusterEndpoint", cl.Endpoint)
	ctx.Export("clusterCertificateAuthority", cl.CertificateAuthority)
	ctx.Export("clusterOidcIssuerUrl", cl.OIDCIssuerURL)
	ctx.Export("terminationQueueUrl", cl.TerminationQueueURL)
	ctx.Export("kubeconfig", cl.Kubeconfig)
	ctx.Export("nodeSecurityGroupId", cl.NodeSecurityGroupID)
}
