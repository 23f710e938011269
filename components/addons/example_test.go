package addons_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/addons"
	"github.com/flowmart/platform/pkg/preview"
)

// The platform add-ons on an existing cluster, with one application route. In a real program the
// Kubernetes provider is cluster.Provider and the certificate ARN the Certificate's
// ValidatedCertificateARN.
func ExampleNewPlatformAddons() {
	program := func(ctx *pulumi.Context) error {
		awsProvider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		pa, err := addons.NewPlatformAddons(ctx, "shop", &addons.PlatformAddonsArgs{
			KubernetesProvider: k8s,
			ClusterName:        pulumi.String("shop"),
			ClusterARN:         pulumi.String("arn:aws:eks:eu-west-1:111122223333:cluster/shop"),
			Region:             "eu-west-1",
			VPCID:              pulumi.String("vpc-0a1b2c3d4e5f60718"),
			VPCCIDR:            pulumi.String("10.40.0.0/16"),
			Domain:             "dev.shop.example.com",
			CertificateARN:     pulumi.String("arn:aws:acm:eu-west-1:111122223333:certificate/0b0c0d0e-1111-2222-3333-444455556666"),
			Routes: []addons.Route{
				{Name: "storefront", Host: "www.dev.shop.example.com", Namespace: "storefront", Service: "storefront", Port: 8080},
			},
		}, pulumi.Provider(awsProvider))
		if err != nil {
			return err
		}
		ctx.Export("argocdUrl", pa.ArgoCDURL)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "dev", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range doc.Find("kubernetes:helm.sh/v3:Release")[:4] {
		fmt.Println(r.Inputs["chart"], r.Inputs["version"] != "", "atomic:", r.Inputs["atomic"])
	}
	fmt.Println(doc.Outputs["argocdUrl"])
	// Output:
	// aws-load-balancer-controller true atomic: true
	// nginx-ingress true atomic: true
	// nginx-ingress true atomic: true
	// argo-cd true atomic: true
	// https://argocd.dev.shop.example.com
}
