package addons

import (
	"strconv"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TLS ends at the network load balancer, so the ingress controller receives plain HTTP; its
// backends must still learn that the client spoke HTTPS on 443 (X-Forwarded-Proto, -Port), or
// Keycloak (KC_PROXY_HEADERS=xforwarded) and Argo CD build http:// and :80 redirect URLs. And the
// controller must publish the load balancer's address in the Ingresses' status.
//
// F5 NGINX Ingress Controller (nginx/kubernetes-ingress v5.3.4, the app of chart 2.4.4, and
// unchanged through v5.5.4 / chart 2.6.4):
//   - internal/configs/version1/nginx.ingress.tmpl sets "X-Forwarded-Proto https" when the
//     ConfigMap key redirect-to-https is True (internal/configs/configmaps.go), else $scheme;
//   - it sets "X-Forwarded-Port $server_port", the port the Ingress's server listens on: 80
//     unless the Ingress has the nginx.org/listen-ports annotation (internal/configs/annotations.go,
//     config_params.go: Ports defaults to [80]). Every Ingress the component creates carries
//     nginx.org/listen-ports: "443" (IngressBackendAnnotations), the load balancer's 443 targets
//     that plain-HTTP listener, and the controller's own default server moves to the same port
//     (chart values controller.defaultHTTPListenerPort, controller.defaultHTTPSListenerPort) so an
//     unknown host on 443 gets nginx's 404 rather than another host's site;
//   - the chart passes -external-service only for its own Service unless
//     controller.reportIngressStatus.externalService names one (templates/_helpers.tpl): it names
//     the component's Service ingress-lb, whose load balancer address then fills Ingress status.
//
// Traefik (chart traefik 37.1.1, Traefik v3.5): websecure is a plain-HTTP entry point, so a
// headers Middleware (traefik.io/v1alpha1, customRequestHeaders) on that entry point
// (ports.websecure.http.middlewares since chart 41) sets the two headers, and
// providers.kubernetesIngress.publishedService.pathOverride copies ingress-lb's address into
// Ingress status (traefik/values.yaml at v37.1.1).
const (
	// nginxBackendPort is the pod port the load balancer's 443 sends plain HTTP to.
	nginxBackendPort = 443
	// nginxDefaultTLSPort is where the chart's default TLS server goes, out of the way; nothing
	// targets it.
	nginxDefaultTLSPort = 8443
	// traefikForwardedMiddleware is the Middleware setting the headers on websecure.
	traefikForwardedMiddleware = "forwarded-https"
)

// IngressBackendAnnotations are the annotations an Ingress needs on the given controller for its
// backends to see X-Forwarded-Port 443: with nginx, the Ingress's server must listen on the port
// the load balancer's 443 targets. Routes and the add-ons' Ingresses carry them; an Ingress an
// application deploys itself (through Argo CD) must carry them too.
func IngressBackendAnnotations(controller IngressController) map[string]string {
	if controller == IngressNGINX || controller == "" {
		return map[string]string{"nginx.org/listen-ports": strconv.Itoa(nginxBackendPort)}
	}
	return nil
}

// backendAnnotations is IngressBackendAnnotations as an input, nil when there are none.
func backendAnnotations(controller IngressController) pulumi.StringMapInput {
	if a := IngressBackendAnnotations(controller); len(a) > 0 {
		return pulumi.ToStringMap(a)
	}
	return nil
}

// nginxForwardedValues are the nginx chart values for the forwarded headers and Ingress status:
// each controller reports the address of its own edge's load balancer Service.
func nginxForwardedValues(e edge) map[string]any {
	return map[string]any{"controller": map[string]any{
		"defaultHTTPListenerPort":  nginxBackendPort,
		"defaultHTTPSListenerPort": nginxDefaultTLSPort,
		"reportIngressStatus":      map[string]any{"enable": true, "externalService": e.service},
		"config":                   map[string]any{"entries": map[string]any{"redirect-to-https": "True"}},
	}}
}

// traefikForwardedValues are the Traefik chart values for the forwarded headers and Ingress status
// (the address of the edge's own load balancer Service).
func traefikForwardedValues(e edge) map[string]any {
	return map[string]any{
		"ports": map[string]any{"websecure": map[string]any{"http": map[string]any{
			"middlewares": []any{nsIngress + "-" + traefikForwardedMiddleware + e.suffix + "@kubernetescrd"},
		}}},
		"providers": map[string]any{"kubernetesIngress": map[string]any{
			"publishedService": map[string]any{"enabled": true, "pathOverride": nsIngress + "/" + e.service},
		}},
	}
}

// forwardedHeaders creates Traefik's headers Middleware of an edge once its release (and CRDs)
// exist; nginx needs nothing beyond its values. The internal Traefik reads only CRD objects of its
// own class (providers.kubernetesCRD.ingressClass), so its Middleware carries that class.
func (c *PlatformAddons) forwardedHeaders(ctx *pulumi.Context, controller pulumi.Resource, e edge) error {
	if c.args.IngressController != IngressTraefik {
		return nil
	}
	meta := &metav1.ObjectMetaArgs{
		Name:      pulumi.String(traefikForwardedMiddleware + e.suffix),
		Namespace: pulumi.String(nsIngress),
	}
	if e.internal {
		meta.Annotations = pulumi.StringMap{"kubernetes.io/ingress.class": pulumi.String(ingressSpecs[IngressTraefik].className(e))}
	}
	_, err := apiextensions.NewCustomResource(ctx, c.name+"-"+e.key+"-forwarded-https", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("traefik.io/v1alpha1"),
		Kind:       pulumi.String("Middleware"),
		Metadata:   meta,
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"headers": map[string]any{"customRequestHeaders": map[string]any{
				"X-Forwarded-Proto": "https",
				"X-Forwarded-Port":  strconv.Itoa(443),
			}},
		}},
	}, append(c.k8sOpts, pulumi.DependsOn([]pulumi.Resource{controller}))...)
	return err
}
