// Package addons provides PlatformAddons: the platform services of an EKS cluster, each a pinned
// helm.v3.Release on the cluster's Kubernetes provider — the AWS Load Balancer Controller, a
// public and an internal ingress controller, each behind a TLS network load balancer carrying the
// environment's ACM certificate, Argo CD and Argo CD Image Updater, APISIX, Keycloak on a CloudNativePG Postgres,
// metrics-server, kube-prometheus-stack and Fluent Bit to CloudWatch Logs — plus one Ingress per
// application route.
//
// Every release is atomic and cleans up on failure, so a failed upgrade rolls back by itself; its
// chart, repository and version come from the one Charts table; its namespace is created
// explicitly; its values are the component's defaults with the add-on's Values deep-merged over
// them (MergeValues).
//
// # Safe destroy
//
// Load balancers that Kubernetes objects ask for are AWS resources the AWS Load Balancer
// Controller creates and deletes; if the controller (or the network) goes first, they are
// orphaned and the VPC's deletion fails with DependencyViolation (pulumi-eks #194). The component
// orders deletion through the dependency graph, which Pulumi destroys in reverse:
//
//   - every release except the controller's DependsOn the controller's release, and so do the
//     load balancer Service and every Ingress: all of them are deleted before the controller;
//   - the network load balancer belongs to one Service the component creates itself (the charts'
//     own Services are turned off). The controller puts a finalizer on it and the Kubernetes
//     provider waits until the object is gone, that is until the controller has deleted the load
//     balancer and its target groups; the Service's delete timeout is 20 minutes for that;
//   - the controller's release only depends on the cluster (its provider and inputs), so it stays
//     until everything above is gone, and the cluster and network go after it.
//
// # Physical names
//
// The one AWS name the add-ons set is the container log group /aws/eks/<ClusterName>/containers:
// it derives from the cluster's name (Cluster.ClusterName, itself unique in the account and
// region, see the cluster's NamePrefix), not from the component name, so PlatformAddons has no
// NamePrefix of its own. The Pod Identity roles and their inline policies are auto-named by
// Pulumi from their resource names plus a random suffix; the Pod Identity associations are keyed
// by service account within the cluster. Every other name is inside the cluster, whose names are
// its own and fixed (one PlatformAddons per cluster): the namespaces ingress, argocd, apisix,
// keycloak, cnpg-system, monitoring and logging (plus the routes' Namespace), the Helm releases
// aws-load-balancer-controller, nginx-ingress and nginx-ingress-internal (or traefik and
// traefik-internal), argocd, argocd-image-updater, apisix, cnpg, keycloak, metrics-server,
// prometheus-operator-crds, kube-prometheus-stack and aws-for-fluent-bit, the Services ingress/ingress-lb and
// ingress/ingress-internal-lb, the Ingresses argocd-server, apisix-gateway, keycloak,
// keycloak-admin and grafana (plus each route's Name), the Secrets apisix-admin-keys,
// keycloak-admin, grafana-admin, keycloak-sso-clients, argocd-oidc and grafana-oidc, the ConfigMap
// keycloak-realm, and the CloudNativePG cluster keycloak-db. With their options: the StorageClass
// gp3 (and the patch of gp2), the Secrets argocd/gitops-repository and
// monitoring/alertmanager-receivers, the Argo CD Application argocd/root, the ImageUpdater
// argocd/platform-images and, with Traefik, the Middleware ingress/forwarded-https.
//
// # Admin consoles and single sign-on
//
// Argo CD, Grafana and Keycloak's admin console are served by a second, internal ingress
// controller behind an internal NLB whose source ranges are the VPC and AdminCIDRs (the VPN); the
// public controller serves Keycloak's login endpoints, APISIX and the routes. With SSO (on with
// Keycloak) a realm declared as code gives Argo CD and Grafana OIDC clients with generated secrets;
// their local admins remain as break-glass accounts. The network load balancer is created and named by the AWS
// Load Balancer Controller.
package addons

import (
	"fmt"
	"slices"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	yamlv2 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/yaml/v2"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/tags"
)

// platformAddonsType is part of every URN: never rename without an alias.
const platformAddonsType = "flowmart:addons:PlatformAddons"

// Namespaces of the add-ons.
const (
	nsKubeSystem = "kube-system"
	nsIngress    = "ingress"
	nsArgoCD     = "argocd"
	nsAPISIX     = "apisix"
	nsKeycloak   = "keycloak"
	nsCNPG       = "cnpg-system"
	nsMonitoring = "monitoring"
	nsLogging    = "logging"
)

// deleteTimeout is how long the load balancer Service and the Ingresses may take to go: the
// controller deletes the AWS load balancer before the finalizer is lifted.
const deleteTimeout = "20m"

// PlatformAddons is the set of platform services of a cluster.
type PlatformAddons struct {
	pulumi.ResourceState

	// LoadBalancerHostname is the DNS name of the internet-facing network load balancer: the CNAME
	// target of Hosts.
	LoadBalancerHostname pulumi.StringOutput `pulumi:"loadBalancerHostname"`
	// InternalLoadBalancerHostname is the DNS name of the internal network load balancer of the
	// admin consoles (private addresses, reached over the VPN): the CNAME target of InternalHosts.
	InternalLoadBalancerHostname pulumi.StringOutput `pulumi:"internalLoadBalancerHostname"`
	ArgoCDURL                    pulumi.StringOutput `pulumi:"argocdUrl"`
	APIURL                       pulumi.StringOutput `pulumi:"apiUrl"`
	KeycloakURL                  pulumi.StringOutput `pulumi:"keycloakUrl"`
	// KeycloakAdminURL is Keycloak's admin console, on the internal load balancer.
	KeycloakAdminURL pulumi.StringOutput `pulumi:"keycloakAdminUrl"`
	GrafanaURL       pulumi.StringOutput `pulumi:"grafanaUrl"`
	// KeycloakAdminPassword and GrafanaAdminPassword are the generated admin passwords, secret.
	KeycloakAdminPassword pulumi.StringOutput `pulumi:"keycloakAdminPassword"`
	GrafanaAdminPassword  pulumi.StringOutput `pulumi:"grafanaAdminPassword"`

	// Hosts are the host names served through the internet-facing load balancer (platform
	// add-ons, then routes), known at plan time: the stack creates a DNS record for each.
	Hosts []string
	// InternalHosts are the host names of the admin consoles (argocd., grafana., auth-admin.),
	// served only through the internal load balancer: the stack points their records at
	// InternalLoadBalancerHostname.
	InternalHosts []string

	// Releases holds every installed Helm release by add-on key, an escape hatch: "lbc" (AWS Load
	// Balancer Controller), "ingress" and "ingress-internal" (the IngressController's chart, public
	// and internal), "argocd", "image-updater",
	// "apisix", "cnpg" (the CloudNativePG operator, with Keycloak), "keycloak", "metrics-server",
	// "monitoring" (kube-prometheus-stack), "monitoring-crds" (prometheus-operator-crds) and
	// "fluent-bit". A disabled add-on has no key. The key is also the release's child name suffix
	// (name+"-"+key); a chart that keeps CRDs in crds/ has them in the ConfigGroup name+"-"+key+"-crds".
	Releases map[string]*helmv3.Release
	// IngressService is the LoadBalancer Service in front of the public ingress controller.
	IngressService *corev1.Service
	// InternalIngressService is the LoadBalancer Service (internal scheme, source ranges the VPC
	// and AdminCIDRs) in front of the internal ingress controller.
	InternalIngressService *corev1.Service

	name    string
	args    PlatformAddonsArgs
	awsOpts []pulumi.ResourceOption // AWS children: the provider comes from the component's opts
	k8sOpts []pulumi.ResourceOption // Kubernetes children: the cluster's provider

	namespaces map[string]*corev1.Namespace
	lbc        *helmv3.Release // the load balancer controller, nil when disabled
	storage    pulumi.Resource // the default StorageClass, nil when disabled
	ingress    *helmv3.Release // the public ingress controller, nil when disabled
	// ingressInternal is the internal ingress controller (admin consoles), nil when disabled.
	ingressInternal *helmv3.Release
	sso             *ssoClients // the OIDC clients' secrets, nil without SSO
	// crdGroups are the CRDs applied per chart (chartCRDs), once each.
	crdGroups map[string]pulumi.Resource
	urls      map[string]pulumi.StringOutput
	passwords map[string]pulumi.StringOutput
}

// NewPlatformAddons installs the add-ons. Children are named name+"-<add-on>[-<part>]".
func NewPlatformAddons(ctx *pulumi.Context, name string, args *PlatformAddonsArgs, opts ...pulumi.ResourceOption) (*PlatformAddons, error) {
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("platform addons %q: %w", name, err)
	}
	c := &PlatformAddons{
		name: name, args: a,
		Releases:   map[string]*helmv3.Release{},
		namespaces: map[string]*corev1.Namespace{},
		urls:       map[string]pulumi.StringOutput{},
		passwords:  map[string]pulumi.StringOutput{},
	}
	if err := ctx.RegisterComponentResource(platformAddonsType, name, c, opts...); err != nil {
		return nil, err
	}
	c.awsOpts = []pulumi.ResourceOption{pulumi.Parent(c)}
	c.k8sOpts = []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(a.KubernetesProvider)}

	steps := []func(*pulumi.Context) error{
		c.storageClasses,
		c.loadBalancerController,
		c.ingressController,
		c.singleSignOn,
		c.argoCD,
		c.imageUpdater,
		c.apisix,
		c.keycloak,
		c.metricsServer,
		c.monitoring,
		c.logging,
		c.nodeTerminationHandler,
		c.routes,
		c.gitOps,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("platform addons %q: %w", name, err)
		}
	}
	return c, c.registerOutputs(ctx)
}

func (c *PlatformAddons) tags(resource string) pulumi.StringMap {
	return tags.Named(c.args.Tags, resource)
}

// host returns label.<Domain>.
func (c *PlatformAddons) host(label string) string { return label + "." + c.args.Domain }

// namespace creates a namespace once and returns it; kube-system exists already and gives nil.
func (c *PlatformAddons) namespace(ctx *pulumi.Context, ns string) (*corev1.Namespace, error) {
	if ns == nsKubeSystem {
		return nil, nil
	}
	if n, ok := c.namespaces[ns]; ok {
		return n, nil
	}
	labels := pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("pulumi")}
	if slices.Contains(ipTargetNamespaces, ns) {
		labels[readinessGateLabel] = pulumi.String("enabled")
	}
	n, err := corev1.NewNamespace(ctx, c.name+"-ns-"+ns, &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:   pulumi.String(ns),
			Labels: labels,
		},
	}, c.k8sOpts...)
	if err != nil {
		return nil, err
	}
	c.namespaces[ns] = n
	return n, nil
}

// release is one add-on's Helm release.
type release struct {
	key       string // child name suffix and Releases key
	chart     string // key of Charts
	namespace string
	name      string // the Helm release name
	values    map[string]any
	override  map[string]any
	timeout   int // seconds
	dependsOn []pulumi.Resource
}

// crds applies a chart's CRDs from its pinned commit (chartCRDs), before its release; nil for a
// chart without CRDs in crds/.
func (c *PlatformAddons) crds(ctx *pulumi.Context, r release) (pulumi.Resource, error) {
	src, ok := chartCRDs[r.chart]
	if !ok {
		return nil, nil
	}
	// The public and the internal ingress controllers are two releases of one chart: its CRDs are
	// applied once, named after the first release.
	if g, done := c.crdGroups[r.chart]; done {
		return g, nil
	}
	g, err := yamlv2.NewConfigGroup(ctx, c.name+"-"+r.key+"-crds", &yamlv2.ConfigGroupArgs{
		Files: pulumi.ToStringArray(src.URLs()),
	}, c.k8sOpts...)
	if err != nil {
		return nil, err
	}
	if c.crdGroups == nil {
		c.crdGroups = map[string]pulumi.Resource{}
	}
	c.crdGroups[r.chart] = g
	return g, nil
}

// install creates a release: pinned chart, explicit namespace, atomic, cleaned up on failure, and
// ordered after the load balancer controller.
func (c *PlatformAddons) install(ctx *pulumi.Context, r release) (*helmv3.Release, error) {
	ch, ok := Charts[r.chart]
	if !ok { // the charts table and its callers are in this package: unreachable
		return nil, fmt.Errorf("no chart %q in the charts table", r.chart)
	}
	ns, err := c.namespace(ctx, r.namespace)
	if err != nil {
		return nil, err
	}
	deps := append([]pulumi.Resource(nil), r.dependsOn...)
	if ns != nil {
		deps = append(deps, ns)
	}
	if c.lbc != nil {
		deps = append(deps, c.lbc)
	}
	if r.timeout == 0 {
		r.timeout = 600
	}
	crds, err := c.crds(ctx, r)
	if err != nil {
		return nil, err
	}
	if crds != nil {
		deps = append(deps, crds)
	}
	args := &helmv3.ReleaseArgs{
		Name:            pulumi.String(r.name),
		Namespace:       pulumi.String(r.namespace),
		CreateNamespace: pulumi.Bool(false),
		Chart:           pulumi.String(ch.Chart),
		Version:         pulumi.String(ch.Version),
		RepositoryOpts:  &helmv3.RepositoryOptsArgs{Repo: pulumi.String(ch.Repository)},
		Atomic:          pulumi.Bool(true),
		CleanupOnFail:   pulumi.Bool(true),
		Timeout:         pulumi.Int(r.timeout),
		MaxHistory:      pulumi.Int(10),
		SkipCrds:        pulumi.Bool(crds != nil),
		Values:          toMap(MergeValues(MergeValues(r.values, mirrorValues(r.chart, r.values, c.args.ImageMirrors)), r.override)),
	}
	if strings.HasPrefix(ch.Repository, "oci://") { // an OCI registry has no index: the chart is its full reference (OCI support of helm.v3.Release, pulumi-kubernetes #1892)
		args.Chart, args.RepositoryOpts = pulumi.String(ch.Repository+"/"+ch.Chart), nil
	}
	rel, err := helmv3.NewRelease(ctx, c.name+"-"+r.key, args, append(c.k8sOpts, pulumi.DependsOn(deps))...)
	if err != nil {
		return nil, err
	}
	c.Releases[r.key] = rel
	return rel, nil
}

// expose creates an Ingress for host on the public ingress controller, after the controllers and
// deps.
func (c *PlatformAddons) expose(ctx *pulumi.Context, child, namespace, objName, host, service string, port int, path string, deps ...pulumi.Resource) error {
	return c.exposeOn(ctx, publicEdge, child, namespace, objName, host, service, port, []string{path}, deps...)
}

// exposeOn creates an Ingress for host and paths on the public or the internal ingress
// controller, after the controllers and deps, and lists host in Hosts or InternalHosts.
func (c *PlatformAddons) exposeOn(ctx *pulumi.Context, e edge, child, namespace, objName, host, service string, port int, paths []string, deps ...pulumi.Resource) error {
	ctrl := c.ingress
	if e.internal {
		ctrl = c.ingressInternal
	}
	if ctrl == nil {
		return nil
	}
	deps = append(deps, ctrl)
	if c.lbc != nil {
		deps = append(deps, c.lbc)
	}
	if ns := c.namespaces[namespace]; ns != nil {
		deps = append(deps, ns)
	}
	var httpPaths networkingv1.HTTPIngressPathArray
	for _, p := range paths {
		httpPaths = append(httpPaths, &networkingv1.HTTPIngressPathArgs{
			Path:     pulumi.String(p),
			PathType: pulumi.String("Prefix"),
			Backend: &networkingv1.IngressBackendArgs{
				Service: &networkingv1.IngressServiceBackendArgs{
					Name: pulumi.String(service),
					Port: &networkingv1.ServiceBackendPortArgs{Number: pulumi.Int(port)},
				},
			},
		})
	}
	_, err := networkingv1.NewIngress(ctx, child, &networkingv1.IngressArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(objName),
			Namespace:   pulumi.String(namespace),
			Annotations: backendAnnotations(c.args.IngressController),
		},
		Spec: &networkingv1.IngressSpecArgs{
			IngressClassName: pulumi.String(ingressSpecs[c.args.IngressController].className(e)),
			Rules: networkingv1.IngressRuleArray{&networkingv1.IngressRuleArgs{
				Host: pulumi.String(host),
				Http: &networkingv1.HTTPIngressRuleValueArgs{Paths: httpPaths},
			}},
		},
	}, append(c.k8sOpts, pulumi.DependsOn(deps), pulumi.Timeouts(&pulumi.CustomTimeouts{Delete: deleteTimeout}))...)
	if err == nil {
		if e.internal {
			c.InternalHosts = append(c.InternalHosts, host)
		} else if !slices.Contains(c.Hosts, host) {
			c.Hosts = append(c.Hosts, host)
		}
	}
	return err
}

// password generates an admin password; only its secret output is ever used.
func (c *PlatformAddons) password(ctx *pulumi.Context, key string) (pulumi.StringOutput, error) {
	pw, err := random.NewRandomPassword(ctx, c.name+"-"+key+"-password", &random.RandomPasswordArgs{
		Length:  pulumi.Int(32),
		Special: pulumi.Bool(false),
	}, pulumi.Parent(c))
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return pulumi.ToSecret(pw.Result).(pulumi.StringOutput), nil
}

// secret creates a Kubernetes Secret from (secret) string values, for charts to reference.
func (c *PlatformAddons) secret(ctx *pulumi.Context, key, namespace, objName string, data pulumi.StringMap) (*corev1.Secret, error) {
	var deps []pulumi.Resource
	if ns := c.namespaces[namespace]; ns != nil {
		deps = append(deps, ns)
	}
	return corev1.NewSecret(ctx, c.name+"-"+key+"-secret", &corev1.SecretArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(objName),
			Namespace: pulumi.String(namespace),
		},
		Type:       pulumi.String("Opaque"),
		StringData: data,
	}, append(c.k8sOpts, pulumi.DependsOn(deps))...)
}

// routes creates one Ingress per application route, and the routes' namespaces.
func (c *PlatformAddons) routes(ctx *pulumi.Context) error {
	for _, r := range c.args.Routes {
		if _, err := c.namespace(ctx, r.Namespace); err != nil {
			return err
		}
		if err := c.expose(ctx, c.name+"-route-"+r.Name, r.Namespace, r.Name, r.Host, r.Service, r.Port, r.Path); err != nil {
			return err
		}
	}
	return nil
}

func (c *PlatformAddons) url(key string) pulumi.StringOutput {
	if u, ok := c.urls[key]; ok {
		return u
	}
	return pulumi.String("").ToStringOutput()
}

func (c *PlatformAddons) secretOutput(key string) pulumi.StringOutput {
	if p, ok := c.passwords[key]; ok {
		return p
	}
	return pulumi.ToSecret(pulumi.String("")).(pulumi.StringOutput)
}

// loadBalancerAddress is the address the ingress Service's load balancer answers on: the host name
// of its first ingress point, or its IP when only an IP is set. A Service whose status has no
// address yet (the controller has not provisioned the load balancer) is an error naming it,
// rather than an empty name a DNS record would point to.
func loadBalancerAddress(s *corev1.ServiceStatus, service string) (string, error) {
	if s != nil && s.LoadBalancer != nil {
		for _, in := range s.LoadBalancer.Ingress {
			if in.Hostname != nil && *in.Hostname != "" {
				return *in.Hostname, nil
			}
			if in.Ip != nil && *in.Ip != "" {
				return *in.Ip, nil
			}
		}
	}
	return "", fmt.Errorf("the Service %s/%s has no load balancer address yet (status.loadBalancer.ingress is empty): "+
		"the AWS Load Balancer Controller has not provisioned its load balancer; check the controller, then run pulumi up again",
		nsIngress, service)
}

// hostnameOf is the load balancer address of svc once known, "" without a Service.
func (c *PlatformAddons) hostnameOf(svc *corev1.Service, service string) pulumi.StringOutput {
	if svc == nil {
		return pulumi.String("").ToStringOutput()
	}
	name := c.name
	return svc.Status.ApplyT(func(s *corev1.ServiceStatus) (string, error) {
		addr, err := loadBalancerAddress(s, service)
		if err != nil {
			return "", fmt.Errorf("platform addons %q: %w", name, err)
		}
		return addr, nil
	}).(pulumi.StringOutput)
}

func (c *PlatformAddons) registerOutputs(ctx *pulumi.Context) error {
	c.LoadBalancerHostname = c.hostnameOf(c.IngressService, publicEdge.service)
	c.InternalLoadBalancerHostname = c.hostnameOf(c.InternalIngressService, internalEdge.service)
	c.ArgoCDURL = c.url("argocd")
	c.APIURL = c.url("apisix")
	c.KeycloakURL = c.url("keycloak")
	c.KeycloakAdminURL = c.url("keycloak-admin")
	c.GrafanaURL = c.url("monitoring")
	c.KeycloakAdminPassword = c.secretOutput("keycloak")
	c.GrafanaAdminPassword = c.secretOutput("monitoring")
	return ctx.RegisterResourceOutputs(c, pulumi.Map{
		"loadBalancerHostname":         c.LoadBalancerHostname,
		"internalLoadBalancerHostname": c.InternalLoadBalancerHostname,
		"argocdUrl":                    c.ArgoCDURL,
		"apiUrl":                       c.APIURL,
		"keycloakUrl":                  c.KeycloakURL,
		"grafanaUrl":                   c.GrafanaURL,
		"keycloakAdminPassword":        c.KeycloakAdminPassword,
		"grafanaAdminPassword":         c.GrafanaAdminPassword,
		"hosts":                        pulumi.ToStringArray(c.Hosts),
		"internalHosts":                pulumi.ToStringArray(c.InternalHosts),
	})
}

// Namespace returns the namespace resource the add-ons created for ns (a platform namespace or a
// route's), and nil when they created none: a resource of the caller's in that namespace depends
// on it.
func (c *PlatformAddons) Namespace(ns string) pulumi.Resource {
	if n, ok := c.namespaces[ns]; ok {
		return n
	}
	return nil
}
