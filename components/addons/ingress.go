package addons

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

const lbcServiceAccount = "aws-load-balancer-controller"

// loadBalancerController installs the AWS Load Balancer Controller in kube-system with its IAM
// policy bound through Pod Identity. Every later release and Ingress depends on it.
func (c *PlatformAddons) loadBalancerController(ctx *pulumi.Context) error {
	ad := c.args.LoadBalancerController
	if !ad.On() {
		return nil
	}
	policy := iampolicy.Render(func(v []string) iampolicy.Document {
		return loadBalancerControllerPolicy(v[0])
	}, c.args.VPCID)
	assoc, err := c.podIdentity(ctx, "lbc", nsKubeSystem, lbcServiceAccount, policy)
	if err != nil {
		return err
	}
	rel, err := c.install(ctx, release{
		key: "lbc", chart: chartLoadBalancerController, namespace: nsKubeSystem, name: "aws-load-balancer-controller",
		values: map[string]any{
			"clusterName":  c.args.ClusterName,
			"region":       c.args.Region,
			"vpcId":        c.args.VPCID,
			"replicaCount": ad.Replicas,
			"serviceAccount": map[string]any{
				"create": true,
				"name":   lbcServiceAccount,
			},
		},
		override:  ad.Values,
		dependsOn: []pulumi.Resource{assoc},
	})
	c.lbc = rel
	return err
}

// ingressSpec is how one ingress controller is installed and fronted by the load balancer.
type ingressSpec struct {
	chart   string
	release string // Helm release name
	class   string // IngressClass name
	// selector selects the controller's pods for the load balancer Service.
	selector map[string]string
	// httpsTarget is the pod port plain HTTP arrives on once the NLB has ended TLS on 443;
	// httpTarget is the pod port of port 80, which answers with a redirect to HTTPS.
	httpsTarget, httpTarget int
	values                  func(a PlatformAddonsArgs) map[string]any
}

// nginxRedirectPort is an extra nginx listener that only redirects to HTTPS: port 80 of the load
// balancer targets it, port 443 (TLS ended at the NLB) targets the normal HTTP listener.
const nginxRedirectPort = 8880

var ingressSpecs = map[IngressController]ingressSpec{
	IngressNGINX: {
		chart: chartNGINX, release: "nginx-ingress", class: "nginx",
		selector:    map[string]string{"app.kubernetes.io/name": "nginx-ingress", "app.kubernetes.io/instance": "nginx-ingress"},
		httpsTarget: 80, httpTarget: nginxRedirectPort,
		values: func(a PlatformAddonsArgs) map[string]any {
			return map[string]any{"controller": map[string]any{
				"replicaCount":   a.Ingress.Replicas,
				"enableSnippets": false,
				// F5's telemetry reporting (on by default in the chart) stays off.
				"telemetryReporting": map[string]any{"enable": false},
				"ingressClass":       map[string]any{"name": "nginx", "create": true, "setAsDefaultIngress": true},
				// The component's own Service fronts the pods (safe destroy, known hostname).
				"service": map[string]any{"create": false},
				"config": map[string]any{"entries": map[string]any{
					// Real client IPs: the NLB sends PROXY protocol v2, trusted from the VPC only.
					"proxy-protocol":   "True",
					"real-ip-header":   "proxy_protocol",
					"set-real-ip-from": a.checkedVPCCIDR(),
					"ssl-redirect":     "False",
					"http-snippets": fmt.Sprintf("server {\n  listen %d proxy_protocol;\n  return 308 https://$host$request_uri;\n}\n",
						nginxRedirectPort),
				}},
			}}
		},
	},
	IngressTraefik: {
		chart: chartTraefik, release: "traefik", class: "traefik",
		selector:    map[string]string{"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-" + nsIngress},
		httpsTarget: 8443, httpTarget: 8000,
		values: func(a PlatformAddonsArgs) map[string]any {
			trusted := map[string]any{"trustedIPs": []any{a.checkedVPCCIDR()}}
			return map[string]any{
				"deployment":   map[string]any{"replicas": a.Ingress.Replicas},
				"service":      map[string]any{"enabled": false},
				"ingressClass": map[string]any{"enabled": true, "isDefaultClass": true, "name": "traefik"},
				"ports": map[string]any{
					// traefik 41: redirections and TLS of an entry point are under its http
					// (ports.<name>.http.redirections, ports.<name>.http.tls in values.yaml at v41.3.0).
					"web": map[string]any{
						"port":          8000,
						"proxyProtocol": trusted,
						"http": map[string]any{"redirections": map[string]any{"entryPoint": map[string]any{
							"to": "websecure", "scheme": "https", "permanent": true,
						}}},
					},
					// TLS ends at the NLB: websecure receives plain HTTP.
					"websecure": map[string]any{
						"port":          8443,
						"proxyProtocol": trusted,
						"http":          map[string]any{"tls": map[string]any{"enabled": false}},
					},
				},
			}
		},
	},
}

// IngressAnnotations are the annotations of the load balancer Service: an internet-facing NLB
// made by the AWS Load Balancer Controller, IP targets, TLS 1.3 with the certificate on 443,
// cross-zone, and PROXY protocol so the controller sees client IPs.
func IngressAnnotations(certificateARN pulumi.StringInput) pulumi.StringMap {
	p := "service.beta.kubernetes.io/aws-load-balancer-"
	return pulumi.StringMap{
		p + "type":                    pulumi.String("external"),
		p + "nlb-target-type":         pulumi.String("ip"),
		p + "scheme":                  pulumi.String("internet-facing"),
		p + "ssl-cert":                certificateARN,
		p + "ssl-ports":               pulumi.String("443"),
		p + "ssl-negotiation-policy":  pulumi.String("ELBSecurityPolicy-TLS13-1-2-2021-06"),
		p + "attributes":              pulumi.String("load_balancing.cross_zone.enabled=true"),
		p + "proxy-protocol":          pulumi.String("*"),
		p + "backend-protocol":        pulumi.String("tcp"),
		p + "healthcheck-protocol":    pulumi.String("tcp"),
		p + "target-group-attributes": pulumi.String("deregistration_delay.timeout_seconds=30"),
	}
}

// ingressServiceName is the name of the LoadBalancer Service in front of the ingress controller,
// in the ingress namespace.
const ingressServiceName = "ingress-lb"

// ingressController installs the ingress controller without a Service of its own, then the
// LoadBalancer Service in front of it.
func (c *PlatformAddons) ingressController(ctx *pulumi.Context) error {
	ad := c.args.Ingress
	if !ad.On() {
		return nil
	}
	spec := ingressSpecs[c.args.IngressController]
	rel, err := c.install(ctx, release{
		key: "ingress", chart: spec.chart, namespace: nsIngress, name: spec.release,
		values: spec.values(c.args), override: ad.Values,
	})
	if err != nil {
		return err
	}
	c.ingress = rel
	deps := []pulumi.Resource{rel, c.namespaces[nsIngress]}
	if c.lbc != nil {
		deps = append(deps, c.lbc)
	}
	// pulumi-eks #194: the Service is deleted (and the provider waits for the controller's
	// finalizer, i.e. for the NLB to be gone) before the controllers and the network.
	svc, err := corev1.NewService(ctx, c.name+"-ingress-lb", &corev1.ServiceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(ingressServiceName),
			Namespace:   pulumi.String(nsIngress),
			Annotations: IngressAnnotations(c.args.CertificateARN),
		},
		Spec: &corev1.ServiceSpecArgs{
			Type:                  pulumi.String("LoadBalancer"),
			LoadBalancerClass:     pulumi.String("service.k8s.aws/nlb"),
			ExternalTrafficPolicy: pulumi.String("Local"),
			Selector:              pulumi.ToStringMap(spec.selector),
			Ports: corev1.ServicePortArray{
				&corev1.ServicePortArgs{Name: pulumi.String("https"), Port: pulumi.Int(443), TargetPort: pulumi.Int(spec.httpsTarget), Protocol: pulumi.String("TCP")},
				&corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(80), TargetPort: pulumi.Int(spec.httpTarget), Protocol: pulumi.String("TCP")},
			},
		},
	}, append(c.k8sOpts, pulumi.DependsOn(deps), pulumi.Timeouts(&pulumi.CustomTimeouts{Delete: deleteTimeout}))...)
	c.IngressService = svc
	return err
}
