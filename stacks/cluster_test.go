package stacks

import (
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
)

// Every stack: one EKS cluster with node groups, access entries, the pinned core add-ons, a Pod
// Identity association and a secret kubeconfig; production's API endpoint is not public.
func TestClusterPerEnvironment(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		cls := doc.Find("aws:eks/cluster:Cluster")
		if len(cls) != 1 {
			t.Fatalf("%s: %d clusters", env, len(cls))
		}
		nodes := len(doc.Find("aws:eks/nodeGroup:NodeGroup")) + len(doc.Find("aws:autoscaling/group:Group"))
		if nodes == 0 || len(doc.Find("aws:eks/accessEntry:AccessEntry")) == 0 || len(doc.Find("aws:eks/podIdentityAssociation:PodIdentityAssociation")) == 0 {
			t.Errorf("%s: node groups %d, access entries or pod identities missing", env, nodes)
		}
		addons := map[string]bool{}
		for _, a := range doc.Find("aws:eks/addon:Addon") {
			if v, _ := a.Inputs["addonVersion"].(string); v == "" {
				t.Errorf("%s: add-on %s not pinned", env, a.Name)
			}
			addons[a.Inputs["addonName"].(string)] = true
		}
		for _, want := range []string{"vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"} {
			if !addons[want] {
				t.Errorf("%s: no %s add-on", env, want)
			}
		}
		if doc.Outputs["kubeconfig"] != preview.Secret {
			t.Errorf("%s: kubeconfig output %v", env, doc.Outputs["kubeconfig"])
		}
		vpc := cls[0].Inputs["vpcConfig"].(map[string]any)
		if env == "production" && vpc["endpointPublicAccess"] != false {
			t.Errorf("production API endpoint is public: %v", vpc)
		}
		if env == "production" && !cls[0].Protect {
			t.Error("production cluster is not protected")
		}
	}
}

// Every stack: pinned releases of the load balancer controller, a maintained ingress controller,
// Argo CD, APISIX, Keycloak, metrics-server and kube-prometheus-stack; the validated certificate on
// the load balancer Service; an Ingress per configured route.
func TestAddonsPerEnvironment(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		charts := map[string]bool{}
		for _, r := range doc.Find("kubernetes:helm.sh/v3:Release") {
			v, _ := r.Inputs["version"].(string)
			if v == "" || strings.ContainsAny(v, "^~*x") {
				t.Errorf("%s: release %s not pinned: %q", env, r.Name, v)
			}
			charts[r.Inputs["chart"].(string)] = true
		}
		for _, want := range []string{"aws-load-balancer-controller", "nginx-ingress", "argo-cd", "apisix", "keycloakx", "metrics-server", "kube-prometheus-stack"} {
			if !charts[want] {
				t.Errorf("%s: no %s release (have %v)", env, want, charts)
			}
		}
		if charts["ingress-nginx"] {
			t.Errorf("%s: the retired ingress-nginx is installed", env)
		}
		found := false
		for _, s := range doc.Find("kubernetes:core/v1:Service") {
			md, _ := s.Inputs["metadata"].(map[string]any)
			ann, _ := md["annotations"].(map[string]any)
			if cert, _ := ann["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"].(string); strings.HasPrefix(cert, "arn:aws:acm:") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no load balancer Service carries the ACM certificate", env)
		}
		routes := 0
		for _, i := range doc.Find("kubernetes:networking.k8s.io/v1:Ingress") {
			if strings.Contains(i.Name, "-route-") {
				routes++
			}
		}
		if routes < 2 {
			t.Errorf("%s: %d route Ingresses", env, routes)
		}
	}
}

// The termination handler starts only once its queue and its Pod Identity exist (EKS injects a
// pod's credentials when the pod is created), and only where self-managed nodes run.
func TestTerminationHandlerWaitsForItsIdentity(t *testing.T) {
	doc, _ := previewJSON(t, "production")
	rel := doc.Get("kubernetes:helm.sh/v3:Release", "production-node-termination-handler")
	if rel == nil {
		t.Fatal("production has a self-managed group but no termination handler")
	}
	for _, dep := range []struct{ typ, name string }{
		{"aws:sqs/queue:Queue", "production-node-termination"},
		{"aws:eks/podIdentityAssociation:PodIdentityAssociation", "production-pod-kube-system-aws-node-termination-handler"},
	} {
		// in the AWS layer: the release waits for it through the services layer's reference to
		// the AWS layer, which waits for the whole stack
		r := doc.Get(dep.typ, dep.name)
		if r == nil || r.Layer != string(AWSLayer) || !waitsFor(doc, rel, r.URN) {
			t.Errorf("the handler's release does not wait for %s %s: %v", dep.typ, dep.name, rel.Dependencies)
		}
	}
	if dev, _ := previewJSON(t, "dev"); dev.Get("kubernetes:helm.sh/v3:Release", "dev-node-termination-handler") != nil {
		t.Error("dev has no self-managed group but installs the termination handler")
	}
}
