package cluster

import (
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// kubeconfig renders a kubeconfig that authenticates with `aws eks get-token`: no token is stored,
// and the text depends only on the cluster's name, endpoint, CA and region, so it never churns.
func kubeconfig(name, endpoint, ca, region string) string {
	cfg := map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"current-context": name,
		"clusters": []any{map[string]any{"name": name, "cluster": map[string]any{
			"server": endpoint, "certificate-authority-data": ca,
		}}},
		"contexts": []any{map[string]any{"name": name, "context": map[string]any{"cluster": name, "user": name}}},
		"users": []any{map[string]any{"name": name, "user": map[string]any{"exec": map[string]any{
			"apiVersion": "client.authentication.k8s.io/v1beta1",
			"command":    "aws",
			"args":       []string{"eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"},
		}}}},
	}
	b, _ := json.Marshal(cfg) // maps of strings: cannot fail
	return string(b)
}

// kubernetesProvider builds the secret kubeconfig and a Kubernetes provider on it. The region
// comes from the cluster's ARN.
func (c *Cluster) kubernetesProvider(ctx *pulumi.Context) error {
	cl := c.EKSCluster
	c.Kubeconfig = pulumi.ToSecret(pulumi.All(cl.Name, cl.Endpoint, cl.CertificateAuthority.Data().Elem(), cl.Arn).ApplyT(func(v []any) string {
		return kubeconfig(v[0].(string), v[1].(string), v[2].(string), regionOf(v[3].(string)))
	})).(pulumi.StringOutput)
	p, err := kubernetes.NewProvider(ctx, c.name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig:            c.Kubeconfig,
		EnableServerSideApply: pulumi.Bool(true),
	}, append(c.opts, pulumi.DependsOn(c.nodes))...)
	c.Provider = p
	return err
}

// regionOf returns the region field of an ARN.
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}
