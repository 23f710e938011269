package cluster_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/pkg/preview"
)

// An EKS cluster with a self-managed system group and a managed workload group, in another team's
// program. The example runs under the offline mocks; in a real program the body is what goes
// inside pulumi.Run, with the subnets from a Network.
func ExampleNewCluster() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		cl, err := cluster.NewCluster(ctx, "shop", &cluster.ClusterArgs{
			Version:   "1.33",
			VPCID:     pulumi.String("vpc-0a1b2c3d4e5f60718"),
			VPCCIDR:   pulumi.String("10.40.0.0/16"),
			SubnetIDs: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60718", "subnet-1a2b3c4d5e6f70819"}),
			AccessEntries: []cluster.AccessEntry{{
				PrincipalARN:   "arn:aws:iam::111122223333:role/deploy",
				AccessPolicies: []cluster.AccessPolicy{{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}},
			}},
			NodeGroups: []cluster.NodeGroup{
				{Name: "system", Kind: cluster.SelfManaged, InstanceTypes: []string{"m6i.large"}, MinSize: 2, MaxSize: 4, AMIID: "ami-0c4f2e8a91d3b5e70",
					Taints: []cluster.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NO_SCHEDULE"}}},
				{Name: "workload", Kind: cluster.Managed, InstanceTypes: []string{"m6i.xlarge"}, MinSize: 2, MaxSize: 10, ReleaseVersion: "1.33.5-20261015"},
			},
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", cl.Kubeconfig)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "dev", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range doc.Find("aws:eks/addon:Addon") {
		fmt.Println(a.Inputs["addonName"], a.Inputs["addonVersion"])
	}
	fmt.Println(len(doc.Find("aws:eks/nodeGroup:NodeGroup")), "managed group,", len(doc.Find("aws:autoscaling/group:Group")), "auto-scaling group, kubeconfig", doc.Outputs["kubeconfig"])
	// Output:
	// vpc-cni v1.20.4-eksbuild.1
	// kube-proxy v1.33.5-eksbuild.2
	// eks-pod-identity-agent v1.3.9-eksbuild.3
	// coredns v1.12.4-eksbuild.1
	// aws-ebs-csi-driver v1.50.1-eksbuild.1
	// 1 managed group, 1 auto-scaling group, kubeconfig [secret]
}
