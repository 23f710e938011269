package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/certificate"
	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/components/registry"
)

// Program returns the Pulumi program of an environment: it validates every component's Args first,
// so a mistake stops the program before anything is registered, then creates the provider and the
// components in dependency order.
func Program(env Environment) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if err := env.Validate(); err != nil {
			return err
		}
		// One explicit AWS provider, passed to every component: its region, its account guard and
		// its default tags reach every AWS resource, and nothing falls back to ambient settings.
		awsProvider, err := aws.NewProvider(ctx, env.Name+"-aws", &aws.ProviderArgs{
			Region:            pulumi.String(env.Region),
			AllowedAccountIds: pulumi.StringArray{pulumi.String(env.AccountID)},
			AssumeRole: &aws.ProviderAssumeRoleArgs{
				RoleArn:     pulumi.String(env.DeployRoleARN),
				SessionName: pulumi.String("pulumi-" + env.Name),
			},
			DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(env.Tags)},
		})
		if err != nil {
			return err
		}
		onAWS := pulumi.Provider(awsProvider)

		net, err := network.NewNetwork(ctx, env.Name, NetworkArgs(env), onAWS)
		if err != nil {
			return err
		}
		// The cluster takes the network's outputs: its VPC, its CIDR (an Output, checked against
		// the service range once it resolves) and its private subnets.
		cl, err := cluster.NewCluster(ctx, env.Name, ClusterArgs(env, net.VPCID.ToStringOutput(), net.VPCCIDR, net.PrivateSubnetIDs), onAWS)
		if err != nil {
			return err
		}
		reg, err := registry.NewRegistry(ctx, env.Name, RegistryArgs(env, cl.NodeRoleARN), onAWS)
		if err != nil {
			return err
		}
		// ACM needs the AWS provider, the validation records a Cloudflare provider: the component
		// takes both, and each child picks the one of its package.
		cf, err := cloudflare.NewProvider(ctx, env.Name+"-cloudflare", &cloudflare.ProviderArgs{
			ApiToken: pulumi.ToSecret(env.CloudflareAPIToken).(pulumi.StringOutput),
		})
		if err != nil {
			return err
		}
		cert, err := certificate.NewCertificate(ctx, env.Name, CertificateArgs(env), pulumi.Providers(awsProvider, cf))
		if err != nil {
			return err
		}

		ctx.Export("vpcId", net.VPCID)
		ctx.Export("privateSubnetIds", net.PrivateSubnetIDs)
		ctx.Export("clusterName", cl.ClusterName)
		ctx.Export("kubeconfig", cl.Kubeconfig) // a secret
		ctx.Export("nodeRoleArn", cl.NodeRoleARN)
		ctx.Export("repositoryUrls", reg.RepositoryURLs)
		ctx.Export("certificateArn", cert.ValidatedCertificateARN)
		return nil
	}
}

// Validate checks every component's Args before anything is registered and returns the first
// problem in the components' own words: `cluster "acme-prod": NodeGroups[0].ReleaseVersion: ...`.
// The inputs one component takes from another are stand-ins here (their values are checked by the
// component when they resolve); the VPC's CIDR is the environment's own, so the cluster's service
// range is checked against it now.
func (e Environment) Validate() error {
	vpcID := pulumi.String("vpc-0123456789abcdef0")
	subnets := pulumi.StringArray{pulumi.String("subnet-0123456789abcdef0")}
	nodeRole := pulumi.String(fmt.Sprintf("arn:aws:iam::%s:role/%s-nodes", e.AccountID, e.Name))
	checks := []struct {
		component string
		validate  func() error
	}{
		{"network", NetworkArgs(e).Validate},
		{"cluster", ClusterArgs(e, vpcID, pulumi.String(e.VPCCIDR), subnets).Validate},
		{"registry", RegistryArgs(e, nodeRole).Validate},
		{"certificate", CertificateArgs(e).Validate},
	}
	for _, c := range checks {
		if err := c.validate(); err != nil {
			return fmt.Errorf("%s %q: %w", c.component, e.Name, err)
		}
	}
	return nil
}

// NetworkArgs is the environment's VPC: three tiers of subnets in every zone, a NAT gateway per
// zone.
func NetworkArgs(env Environment) *network.NetworkArgs {
	return &network.NetworkArgs{
		Region:            env.Region, // checked against the AWS provider's region
		CIDRBlock:         env.VPCCIDR,
		AvailabilityZones: env.AvailabilityZones,
		NATStrategy:       network.NATOnePerAZ,
		Protect:           env.Protect, // the key that encrypts the network's log groups
		Tags:              map[string]string{"layer": "network"},
	}
}

// clusterAdminPolicy is the EKS access policy the deploy role gets.
const clusterAdminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

// ClusterArgs is the environment's EKS cluster in the network's private subnets, with one managed
// node group pinned to an AMI release of its Kubernetes version. The deploy role is its admin, and
// the kubeconfig (kubectl's and the component's own Kubernetes provider) signs in as that role.
func ClusterArgs(env Environment, vpcID, vpcCIDR pulumi.StringInput, privateSubnetIDs pulumi.StringArrayInput) *cluster.ClusterArgs {
	return &cluster.ClusterArgs{
		Version:   env.KubernetesVersion,
		VPCID:     vpcID,
		VPCCIDR:   vpcCIDR,
		SubnetIDs: privateSubnetIDs,
		AccessEntries: []cluster.AccessEntry{{
			PrincipalARN:   env.DeployRoleARN,
			AccessPolicies: []cluster.AccessPolicy{{PolicyARN: clusterAdminPolicy}},
		}},
		KubeconfigRoleARN: pulumi.StringPtr(env.DeployRoleARN),
		NodeGroups: []cluster.NodeGroup{{
			Name:           "general",
			Kind:           cluster.Managed,
			InstanceTypes:  []string{"m6i.large"},
			MinSize:        3,
			MaxSize:        9,
			ReleaseVersion: env.NodeReleaseVersion,
		}},
		Protect: env.Protect,
		Tags:    map[string]string{"layer": "cluster"},
	}
}

// RegistryArgs is one ECR repository per service under acme/, pullable by the cluster's nodes
// only (their shared role, Cluster.NodeRoleARN).
func RegistryArgs(env Environment, nodeRoleARN pulumi.StringInput) *registry.RegistryArgs {
	repos := make([]registry.Repository, len(env.Repositories))
	for i, n := range env.Repositories {
		repos[i] = registry.Repository{Name: "acme/" + n}
	}
	return &registry.RegistryArgs{
		Repositories:      repos,
		PullPrincipalARNs: pulumi.StringArray{nodeRoleARN},
		Protect:           env.Protect,
		Tags:              map[string]string{"layer": "registry"},
	}
}

// CertificateArgs is the certificate of the environment's domain and its wildcard.
func CertificateArgs(env Environment) *certificate.CertificateArgs {
	return &certificate.CertificateArgs{
		Domain:  env.Domain,
		ZoneID:  pulumi.String(env.CloudflareZoneID),
		Protect: env.Protect,
		Tags:    map[string]string{"layer": "edge"},
	}
}
