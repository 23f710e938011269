package cluster

import (
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

// A program given a cluster's outputs (a StackReference to the program that created it) builds
// with NewKubernetesProvider the very kubeconfig and provider the Cluster builds for itself; with
// SkipKubernetesProvider the Cluster builds the same kubeconfig and no Kubernetes provider.
func TestNewKubernetesProviderMatchesTheClusters(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/platform/deploy"
	args := baseArgs()
	args.KubeconfigRoleARN, args.KubeconfigProfile = pulumi.String(role), "flowmart-prod"
	own := runCluster(t, args, true)

	var given pulumi.StringPtrInput
	var provider *kubernetes.Provider
	doc, err := preview.Run(func(ctx *pulumi.Context) error {
		err := ctx.RegisterStackTransformation(func(a *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
			if p, ok := a.Props.(*kubernetes.ProviderArgs); ok {
				given = p.Kubeconfig
			}
			return nil
		})
		if err != nil {
			return err
		}
		p, kc, err := NewKubernetesProvider(ctx, "prod-k8s", KubernetesProviderArgs{
			ClusterName: pulumi.String(own.name), Endpoint: pulumi.String(own.endpoint),
			CertificateAuthority: pulumi.String(own.ca), ClusterARN: pulumi.String(own.clusterARN),
			RoleARN: pulumi.String(role), Profile: "flowmart-prod",
		})
		provider = p
		ctx.Export("kubeconfig", kc)
		ctx.Export("kubeconfigText", pulumi.Unsecret(kc))
		ctx.Export("providerKubeconfig", pulumi.Unsecret(given.ToStringPtrOutput()))
		return err
	}, preview.Options{Project: "services", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	text, _ := doc.Outputs["kubeconfigText"].(string)
	if text == "" || text != own.kubeconfig {
		t.Errorf("kubeconfig from the outputs:\n%s\nthe cluster's:\n%s", text, own.kubeconfig)
	}
	if p, _ := doc.Outputs["providerKubeconfig"].(*string); p == nil || *p != own.provider {
		t.Errorf("provider kubeconfig %v, the cluster's provider got %q", doc.Outputs["providerKubeconfig"], own.provider)
	}
	if doc.Outputs["kubeconfig"] != preview.Secret || provider == nil {
		t.Errorf("the kubeconfig output is %v (want secret), provider %v", doc.Outputs["kubeconfig"], provider)
	}
	p := doc.Get("pulumi:providers:kubernetes", "prod-k8s")
	if p == nil || p.Inputs["enableServerSideApply"] != true {
		t.Errorf("provider %+v, want server-side apply as the cluster's", p)
	}

	args.SkipKubernetesProvider = true
	skipped := runCluster(t, args, true)
	if skipped.kubeconfig != own.kubeconfig || !skipped.secret {
		t.Errorf("SkipKubernetesProvider changed the kubeconfig:\n%s", skipped.kubeconfig)
	}
	if n := len(skipped.doc.Find("pulumi:providers:kubernetes")); n != 0 {
		t.Errorf("SkipKubernetesProvider: %d Kubernetes providers", n)
	}
}
