package mocks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Password is the value the mocks give every random password (the result of a
// random.RandomPassword). It is returned as a secret, so it must never appear in a preview
// document, a user data script or an output in plain text: tests search for exactly this value.
const Password = "0fflinePreviewMockPassw0rdXyZ123"

// k8sID is the id Kubernetes resources get: "<namespace>/<name>", or the name for cluster-scoped ones.
func k8sID(r *target, h string) string {
	meta, _ := r.Inputs["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if name == "" || name == Unknown {
		name = r.Name + "-" + h[:8]
	}
	if ns, ok := meta["namespace"].(string); ok && ns != "" && ns != Unknown {
		return ns + "/" + name
	}
	return name
}

func k8sObject(m *Mocks, r *target, h string) (string, map[string]any) {
	return k8sID(r, h), map[string]any{}
}

// addonsOutputs are the computed outputs of the PlatformAddons component's resource types.
var addonsOutputs = map[string]outputFunc{
	"pulumi:providers:kubernetes": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
	},
	"pulumi:providers:random": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
	},
	"random:index/randomPassword:RandomPassword": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return "none", map[string]any{
			"result":     resource.MakeSecret(resource.NewStringProperty(Password)),
			"bcryptHash": resource.MakeSecret(resource.NewStringProperty("$2a$10$" + h[:53])),
		}
	},
	"kubernetes:helm.sh/v3:Release": func(m *Mocks, r *target, h string) (string, map[string]any) {
		ns, _ := r.Inputs["namespace"].(string)
		name, _ := r.Inputs["name"].(string)
		chart, _ := r.Inputs["chart"].(string)
		version, _ := r.Inputs["version"].(string)
		return ns + "/" + name, map[string]any{"status": map[string]any{
			"name": name, "namespace": ns, "chart": chart, "version": version,
			"status": "deployed", "revision": 1,
		}}
	},
	"kubernetes:core/v1:Namespace":             k8sObject,
	"kubernetes:core/v1:Secret":                k8sObject,
	"kubernetes:networking.k8s.io/v1:Ingress":  k8sObject,
	"kubernetes:postgresql.cnpg.io/v1:Cluster": k8sObject,
	// A LoadBalancer Service gets the NLB's DNS name from the AWS Load Balancer Controller.
	"kubernetes:core/v1:Service": func(m *Mocks, r *target, h string) (string, map[string]any) {
		out := map[string]any{}
		if spec, _ := r.Inputs["spec"].(map[string]any); spec["type"] == "LoadBalancer" {
			host := fmt.Sprintf("k8s-ingress-ingressl-%s-%s.elb.%s.amazonaws.com", h[:10], h[10:26], m.region)
			out["status"] = map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"hostname": host}}}}
		}
		return k8sID(r, h), out
	},
	"aws:eks/podIdentityAssociation:PodIdentityAssociation": func(m *Mocks, r *target, h string) (string, map[string]any) {
		cluster, _ := r.Inputs["clusterName"].(string)
		id := "a-" + h[:17]
		return cluster + "," + id, map[string]any{
			"associationId":  id,
			"associationArn": fmt.Sprintf("arn:aws:eks:%s:%s:podidentityassociation/%s/%s", m.region, m.account, cluster, id),
		}
	},
}
