package addons

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
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

// ingressSpec is how one ingress controller is installed and fronted by a load balancer. Each
// controller is installed twice (see edges): the public one and the internal one, with their own
// release, IngressClass and load balancer, so that a host served by one is unknown to the other.
type ingressSpec struct {
	chart   string
	release string // Helm release name of the public controller
	class   string // IngressClass name of the public controller
	// selector selects the pods of the controller released as release, for its load balancer Service.
	selector func(release string) map[string]string
	// httpsTarget is the pod port plain HTTP arrives on once the NLB has ended TLS on 443;
	// httpTarget is the pod port of port 80, which answers with a redirect to HTTPS.
	httpsTarget, httpTarget int
	values                  func(a PlatformAddonsArgs, e edge) map[string]any
}

// edge is one of the two ways in: the internet-facing load balancer (application routes,
// Keycloak's login endpoints, APISIX) or the internal one (the admin consoles), reachable from the
// VPC and AdminCIDRs (the VPN) only.
type edge struct {
	internal bool
	key      string // child name suffix and Releases key: "ingress", "ingress-internal"
	suffix   string // added to the release and IngressClass names: "", "-internal"
	service  string // the LoadBalancer Service's name
}

var (
	publicEdge   = edge{key: "ingress", service: "ingress-lb"}
	internalEdge = edge{internal: true, key: "ingress-internal", suffix: "-internal", service: "ingress-internal-lb"}
)

func (s ingressSpec) releaseName(e edge) string { return s.release + e.suffix }
func (s ingressSpec) className(e edge) string   { return s.class + e.suffix }

// nginxRedirectPort is an extra nginx listener that only redirects to HTTPS: port 80 of the load
// balancer targets it, port 443 (TLS ended at the NLB) targets the normal HTTP listener.
const nginxRedirectPort = 8880

var ingressSpecs = map[IngressController]ingressSpec{
	IngressNGINX: {
		chart: chartNGINX, release: "nginx-ingress", class: "nginx",
		// nginx/kubernetes-ingress charts/nginx-ingress/templates/_helpers.tpl, nginx-ingress.selectorLabels
		selector: func(release string) map[string]string {
			return map[string]string{"app.kubernetes.io/name": "nginx-ingress", "app.kubernetes.io/instance": release}
		},
		httpsTarget: nginxBackendPort, httpTarget: nginxRedirectPort,
		values: func(a PlatformAddonsArgs, e edge) map[string]any {
			return MergeValues(map[string]any{"controller": map[string]any{
				"replicaCount":   a.Ingress.Replicas,
				"enableSnippets": false,
				// F5's telemetry reporting (on by default in the chart) stays off.
				"telemetryReporting": map[string]any{"enable": false},
				// The controller serves only Ingresses of its own class (-ingress-class).
				"ingressClass": map[string]any{"name": "nginx" + e.suffix, "create": true, "setAsDefaultIngress": !e.internal},
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
			}}, nginxForwardedValues(e))
		},
	},
	IngressTraefik: {
		chart: chartTraefik, release: "traefik", class: "traefik",
		// traefik/traefik-helm-chart v37.1.1 traefik/templates/_helpers.tpl: traefik.labelselector,
		// the instance label is <release>-<namespace>.
		selector: func(release string) map[string]string {
			return map[string]string{"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": release + "-" + nsIngress}
		},
		httpsTarget: 8443, httpTarget: 8000,
		values: func(a PlatformAddonsArgs, e edge) map[string]any {
			trusted := map[string]any{"trustedIPs": []any{a.checkedVPCCIDR()}}
			class := "traefik" + e.suffix
			// Without providers.kubernetesIngress.ingressClass a Traefik serves every IngressClass
			// of its controller, the other instance's too (traefik-helm-chart v37.1.1 values.yaml).
			providers := map[string]any{"kubernetesIngress": map[string]any{"ingressClass": class}}
			if e.internal {
				providers["kubernetesCRD"] = map[string]any{"ingressClass": class}
			}
			return MergeValues(map[string]any{
				"deployment":   map[string]any{"replicas": a.Ingress.Replicas},
				"service":      map[string]any{"enabled": false},
				"ingressClass": map[string]any{"enabled": true, "isDefaultClass": !e.internal, "name": class},
				"providers":    providers,
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
			}, traefikForwardedValues(e))
		},
	},
}

// IngressAnnotations are the annotations of the internet-facing load balancer Service: an NLB
// made by the AWS Load Balancer Controller, IP targets, TLS 1.3 with the certificate on 443,
// cross-zone, and PROXY protocol so the controller sees client IPs.
func IngressAnnotations(certificateARN pulumi.StringInput) pulumi.StringMap {
	return loadBalancerAnnotations(certificateARN, "internet-facing")
}

// InternalIngressAnnotations are those of the internal load balancer of the admin consoles: the
// same NLB with scheme internal (private addresses only).
func InternalIngressAnnotations(certificateARN pulumi.StringInput) pulumi.StringMap {
	return loadBalancerAnnotations(certificateARN, "internal")
}

func loadBalancerAnnotations(certificateARN pulumi.StringInput, scheme string) pulumi.StringMap {
	p := "service.beta.kubernetes.io/aws-load-balancer-"
	return pulumi.StringMap{
		p + "type":                    pulumi.String("external"),
		p + "nlb-target-type":         pulumi.String("ip"),
		p + "scheme":                  pulumi.String(scheme),
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

// ingressServiceName is the name of the LoadBalancer Service in front of the public ingress
// controller, in the ingress namespace.
const ingressServiceName = "ingress-lb"

// ingressController installs the public and the internal ingress controllers, each without a
// Service of its own and then with the LoadBalancer Service in front of it.
func (c *PlatformAddons) ingressController(ctx *pulumi.Context) error {
	ad := c.args.Ingress
	if !ad.On() {
		return nil
	}
	for _, e := range []edge{publicEdge, internalEdge} {
		rel, svc, err := c.ingressEdge(ctx, e)
		if err != nil {
			return err
		}
		if e.internal {
			c.ingressInternal, c.InternalIngressService = rel, svc
		} else {
			c.ingress, c.IngressService = rel, svc
		}
	}
	return nil
}

// ingressEdge installs one controller and its load balancer Service: internet-facing, or internal
// with source ranges limited to the VPC and AdminCIDRs.
func (c *PlatformAddons) ingressEdge(ctx *pulumi.Context, e edge) (*helmv3.Release, *corev1.Service, error) {
	spec := ingressSpecs[c.args.IngressController]
	rel, err := c.install(ctx, release{
		key: e.key, chart: spec.chart, namespace: nsIngress, name: spec.releaseName(e),
		values: spec.values(c.args, e), override: c.args.Ingress.Values,
	})
	if err != nil {
		return nil, nil, err
	}
	if err := c.forwardedHeaders(ctx, rel, e); err != nil {
		return nil, nil, err
	}
	deps := []pulumi.Resource{rel, c.namespaces[nsIngress]}
	if c.lbc != nil {
		deps = append(deps, c.lbc)
	}
	annotations := IngressAnnotations(c.args.CertificateARN)
	var sourceRanges pulumi.StringArrayInput
	if e.internal {
		annotations = InternalIngressAnnotations(c.args.CertificateARN)
		ranges := pulumi.StringArray{c.args.checkedVPCCIDR()}
		for _, r := range c.args.AdminCIDRs {
			ranges = append(ranges, pulumi.String(r))
		}
		sourceRanges = ranges
	}
	// pulumi-eks #194: the Service is deleted (and the provider waits for the controller's
	// finalizer, i.e. for the NLB to be gone) before the controllers and the network.
	svc, err := corev1.NewService(ctx, c.name+"-"+e.key+"-lb", &corev1.ServiceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(e.service),
			Namespace:   pulumi.String(nsIngress),
			Annotations: annotations,
		},
		Spec: &corev1.ServiceSpecArgs{
			Type:                     pulumi.String("LoadBalancer"),
			LoadBalancerClass:        pulumi.String("service.k8s.aws/nlb"),
			ExternalTrafficPolicy:    pulumi.String("Local"),
			LoadBalancerSourceRanges: sourceRanges,
			Selector:                 pulumi.ToStringMap(spec.selector(spec.releaseName(e))),
			Ports: corev1.ServicePortArray{
				&corev1.ServicePortArgs{Name: pulumi.String("https"), Port: pulumi.Int(443), TargetPort: pulumi.Int(spec.httpsTarget), Protocol: pulumi.String("TCP")},
				&corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(80), TargetPort: pulumi.Int(spec.httpTarget), Protocol: pulumi.String("TCP")},
			},
		},
	}, append(c.k8sOpts, pulumi.DependsOn(deps), pulumi.Timeouts(&pulumi.CustomTimeouts{Delete: deleteTimeout}))...)
	return rel, svc, err
}
