// Package cluster provides Cluster: an EKS cluster built from pulumi-aws resources (control plane,
// KMS envelope encryption, control-plane logs, access entries, pinned core add-ons, Pod Identity,
// managed and self-managed node groups, security groups) with a kubeconfig and a ready Kubernetes
// provider. Built from pulumi-aws rather than pulumi-eks so every child is visible to mocks, the
// offline preview and the policy rules (pulumi-eks's components are remote, implemented in a
// Node.js plugin, and hide their children).
//
// Every node group, managed and self-managed, runs with one node role, the cluster's
// (NodeRoleName, NodeRoleARN): a role per group would replace every managed node group of a
// running cluster, since nodeRoleArn forces the replacement of an aws.eks.NodeGroup. Attach a
// policy the nodes need to that role; give a pod its own permissions with a PodIdentity instead.
//
// # Physical names
//
// NamePrefix (the component name by default) is the EKS cluster's name, unique in its account
// and region, and so names the control-plane log group /aws/eks/<NamePrefix>/cluster (EKS writes
// to that name) and the self-managed groups' discovery tags kubernetes.io/cluster/<NamePrefix>
// and k8s.io/cluster-autoscaler/<NamePrefix>. Names inside the cluster need no prefix: managed
// node groups are called NodeGroup.Name, the add-ons by their EKS names (vpc-cni, coredns, ...),
// access entries and Pod Identity associations are keyed by principal and service account.
// Everything else is auto-named by Pulumi from its resource name plus a random suffix (the
// cluster, node and Pod Identity roles, instance profiles, launch templates, auto-scaling groups,
// the node security group) or named by AWS (the KMS key, the OIDC provider, by issuer URL), so it
// never collides.
package cluster

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/tags"
)

// clusterType is part of every URN: never rename without an alias.
const clusterType = "flowmart:cluster:Cluster"

// Cluster is an EKS cluster with its node groups, add-ons and access. Its node groups share one
// node role, NodeRoleName: changing a managed group's role would replace the group, so the role is
// the cluster's, and a policy attached to it reaches every node.
type Cluster struct {
	pulumi.ResourceState

	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// ClusterARN is the EKS cluster's ARN: Pod Identity roles made elsewhere (PlatformAddons)
	// trust only this cluster with it.
	ClusterARN           pulumi.StringOutput `pulumi:"clusterArn"`
	Endpoint             pulumi.StringOutput `pulumi:"endpoint"`
	CertificateAuthority pulumi.StringOutput `pulumi:"certificateAuthority"`
	OIDCIssuerURL        pulumi.StringOutput `pulumi:"oidcIssuerUrl"`
	// OIDCProviderARN is the IAM OIDC provider for IRSA; empty unless EnableIRSA.
	OIDCProviderARN pulumi.StringOutput `pulumi:"oidcProviderArn"`
	// NodeRoleName and NodeRoleARN are the node role every node group shares, for attaching
	// policies (iam.RolePolicyAttachment{Role: c.NodeRoleName}) and for trust or access entries.
	NodeRoleName pulumi.StringOutput `pulumi:"nodeRoleName"`
	NodeRoleARN  pulumi.StringOutput `pulumi:"nodeRoleArn"`
	// NodeRoleARNs lists the node roles: NodeRoleARN alone, since the groups share it.
	NodeRoleARNs           pulumi.StringArrayOutput `pulumi:"nodeRoleArns"`
	NodeSecurityGroupID    pulumi.IDOutput          `pulumi:"nodeSecurityGroupId"`
	ClusterSecurityGroupID pulumi.StringOutput      `pulumi:"clusterSecurityGroupId"`
	KMSKeyARN              pulumi.StringOutput      `pulumi:"kmsKeyArn"`
	// TerminationQueueURL is the SQS queue the AWS Node Termination Handler reads to drain
	// self-managed nodes before they terminate (PlatformAddons' NodeTerminationHandler); empty
	// when the cluster has no self-managed group.
	TerminationQueueURL pulumi.StringOutput `pulumi:"terminationQueueUrl"`
	// Kubeconfig is a secret kubeconfig that authenticates with `aws eks get-token`.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`

	// EKSCluster is the underlying cluster, an escape hatch.
	EKSCluster *eks.Cluster
	// Provider is a Kubernetes provider for the cluster, ready for add-ons; nil with
	// SkipKubernetesProvider.
	Provider *kubernetes.Provider

	name             string
	args             ClusterArgs
	opts             []pulumi.ResourceOption
	kmsKeyARN        pulumi.StringInput
	clusterRole      *iam.Role
	nodeRole         *iam.Role
	nodeDeps         []pulumi.Resource // node role attachments: nodes wait for them
	controlPlaneDeps []pulumi.Resource // the cluster role's policy and the log group: the cluster waits for them
	nodeSG           pulumi.IDOutput
	preNode          []pulumi.Resource // add-ons nodes wait for (vpc-cni, kube-proxy, pod identity agent)
	nodes            []pulumi.Resource
	selfGroups       []selfManagedASG // the self-managed groups' auto-scaling groups, for the drain
	oidcProvider     *iam.OpenIdConnectProvider
}

// NewCluster creates a Cluster. Children are named name+"-<role>".
func NewCluster(ctx *pulumi.Context, name string, args *ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	a := args.withName(name)
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("cluster %q: %w", name, err)
	}
	c := &Cluster{name: name, args: a}
	if err := ctx.RegisterComponentResource(clusterType, name, c, opts...); err != nil {
		return nil, err
	}
	c.opts = []pulumi.ResourceOption{pulumi.Parent(c)}
	steps := []func(*pulumi.Context) error{
		c.encryptionKey,
		c.roles,
		c.controlPlaneLogs,
		c.controlPlane,
		c.securityGroups,
		c.accessEntries,
		c.addonsBeforeNodes,
		c.nodeGroups,
		c.drain,
		c.addonsAfterNodes,
		c.podIdentities,
		c.irsa,
		c.kubernetesProvider,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("cluster %q: %w", name, err)
		}
	}
	return c, c.registerOutputs(ctx)
}

func (c *Cluster) tags(resource string) pulumi.StringMap { return tags.Named(c.args.Tags, resource) }

func (c *Cluster) registerOutputs(ctx *pulumi.Context) error {
	c.ClusterName = c.EKSCluster.Name
	c.ClusterARN = c.EKSCluster.Arn
	c.Endpoint = c.EKSCluster.Endpoint
	c.CertificateAuthority = c.EKSCluster.CertificateAuthority.Data().Elem()
	c.OIDCIssuerURL = oidcIssuer(c.EKSCluster)
	if c.oidcProvider != nil {
		c.OIDCProviderARN = c.oidcProvider.Arn
	} else {
		c.OIDCProviderARN = pulumi.String("").ToStringOutput()
	}
	c.NodeRoleName = c.nodeRole.Name
	c.NodeRoleARN = c.nodeRole.Arn
	c.NodeRoleARNs = pulumi.StringArray{c.nodeRole.Arn}.ToStringArrayOutput()
	c.NodeSecurityGroupID = c.nodeSG
	c.ClusterSecurityGroupID = c.EKSCluster.VpcConfig.ClusterSecurityGroupId().Elem()
	c.KMSKeyARN = c.kmsKeyARN.ToStringOutput()
	return ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":            c.ClusterName,
		"clusterArn":             c.ClusterARN,
		"endpoint":               c.Endpoint,
		"certificateAuthority":   c.CertificateAuthority,
		"oidcIssuerUrl":          c.OIDCIssuerURL,
		"oidcProviderArn":        c.OIDCProviderARN,
		"nodeRoleName":           c.NodeRoleName,
		"nodeRoleArn":            c.NodeRoleARN,
		"nodeRoleArns":           c.NodeRoleARNs,
		"nodeSecurityGroupId":    c.NodeSecurityGroupID,
		"clusterSecurityGroupId": c.ClusterSecurityGroupID,
		"kmsKeyArn":              c.KMSKeyARN,
		"terminationQueueUrl":    c.TerminationQueueURL,
		"kubeconfig":             c.Kubeconfig,
	})
}
