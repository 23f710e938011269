package addons

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/dnsname"
	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/known"
	"github.com/flowmart/platform/pkg/logretention"
)

// IngressController names the ingress controller behind the load balancer.
type IngressController string

const (
	// IngressNGINX is the F5 NGINX Ingress Controller (chart nginx-ingress from helm.nginx.com), the
	// maintained nginx; the retired kubernetes/ingress-nginx is deliberately not offered.
	IngressNGINX IngressController = "nginx"
	// IngressTraefik is Traefik Proxy (chart traefik from traefik.github.io).
	IngressTraefik IngressController = "traefik"
)

// IngressControllers lists the allowed ingress controllers.
var IngressControllers = []IngressController{IngressNGINX, IngressTraefik}

// APISIXMode says where APISIX keeps its configuration.
type APISIXMode string

const (
	// APISIXStandalone reads routes from a YAML file (a ConfigMap managed through Git): no etcd.
	APISIXStandalone APISIXMode = "standalone"
	// APISIXEtcd uses the chart's etcd, run as 3 persistent replicas and never as the chart's
	// single-node development default.
	APISIXEtcd APISIXMode = "etcd"
)

// APISIXModes lists the allowed modes.
var APISIXModes = []APISIXMode{APISIXStandalone, APISIXEtcd}

// platformNamespaces are the namespaces of the add-ons, which routes may not take over.
var platformNamespaces = []string{nsKubeSystem, nsIngress, nsArgoCD, nsAPISIX, nsKeycloak, nsCNPG, nsMonitoring, nsLogging}

// PlatformNamespaces returns the namespaces of the add-ons: no service (services/*.yaml) may run
// in one, and the platform owns them.
func PlatformNamespaces() []string { return slices.Clone(platformNamespaces) }

// ReservedHosts are the host labels under Domain the component uses itself: auth is Keycloak's
// public login host, auth-admin its admin console (internal only).
var ReservedHosts = []string{"argocd", "api", "auth", "auth-admin", "grafana"}

// Addon is the part of the configuration every add-on shares.
type Addon struct {
	// Enabled installs the add-on. Defaults to true.
	Enabled *bool
	// Replicas is the number of replicas of the add-on's main workload. Defaults to 1.
	Replicas int
	// Values are Helm values deep-merged over the component's own (a null value removes a key, a
	// list replaces the whole list): the escape hatch for settings the Args do not cover. Defaults
	// to none.
	Values map[string]any
}

// On reports whether the add-on is installed.
func (a Addon) On() bool { return a.Enabled == nil || *a.Enabled }

// APISIXArgs configures APISIX.
type APISIXArgs struct {
	Addon
	// Mode is where APISIX keeps its configuration. Defaults to APISIXStandalone (no etcd).
	Mode APISIXMode
	// ConfigMap names a ConfigMap in the apisix namespace that holds the standalone rules under
	// the key apisix.yaml, managed through Git (an Argo CD application, say): APISIX reads its
	// routes from it. Standalone only; not with Routes. Defaults to none: the rules are Routes.
	ConfigMap string
	// Routes are the standalone rules' routes when ConfigMap is not set. Standalone only.
	// Defaults to none: APISIX serves no route (never the chart's demo route).
	Routes []APISIXRoute
}

// APISIXRoute is one route of APISIX's standalone rules: requests for URI (and Host, when set)
// go to Upstream.
type APISIXRoute struct {
	// ID identifies the route; a DNS label. Required.
	ID string
	// URI is the path, a trailing * matching any suffix (/api/*). Required.
	URI string
	// Host restricts the route to one host name. Defaults to any host.
	Host string
	// Upstream is the backend as host:port (a Service, such as checkout.checkout.svc:80). Required.
	Upstream string
}

// KeycloakArgs configures Keycloak and its Postgres database.
type KeycloakArgs struct {
	Addon
	// DatabaseInstances is the number of Postgres instances (one primary, the rest streaming
	// replicas). Defaults to 1.
	DatabaseInstances int
	// DatabaseStorageGiB is the volume size of each Postgres instance. Defaults to 10 GiB.
	DatabaseStorageGiB int
	// OperatorValues are Helm values merged over the CloudNativePG operator's (release cnpg), as
	// Addon.Values. Defaults to none.
	OperatorValues map[string]any
}

// SSOArgs configures single sign-on: a Keycloak realm, declared as code and imported when
// Keycloak starts, with one OIDC client each for Argo CD and Grafana, which log in through it.
type SSOArgs struct {
	// Enabled declares the realm and logs Argo CD and Grafana in through it; it needs Keycloak.
	// Defaults to true when Keycloak is enabled.
	Enabled *bool
	// Realm is the realm of the platform's people, a lower-case name. Defaults to "platform".
	Realm string
	// AdminGroup is the realm group whose members are Argo CD admins (role:admin) and Grafana
	// Admins; everyone else signed in is an Argo CD user without rights and a Grafana Viewer.
	// Defaults to "platform-admins".
	AdminGroup string
}

// MonitoringArgs configures kube-prometheus-stack.
type MonitoringArgs struct {
	Addon
	// RetentionDays is how long Prometheus keeps metrics. Defaults to 15 days.
	RetentionDays int
	// StorageGiB is the size of the Prometheus volume. Defaults to 50 GiB.
	StorageGiB int
	// Alerts are Alertmanager's receivers, routed by severity. Defaults to none.
	Alerts AlertingArgs
}

// LoggingArgs configures Fluent Bit and its CloudWatch log group. Fluent Bit is a DaemonSet (one
// pod per node), so Replicas does not apply and must be left 0.
type LoggingArgs struct {
	Addon
	// RetentionDays is how long container logs are kept (a CloudWatch Logs retention value).
	// Defaults to 30 days.
	RetentionDays int
	// KMSKeyARN is the customer managed KMS key that encrypts the container log group; its key
	// policy must let logs.<Region>.amazonaws.com use it for that group. Defaults to a new key with
	// rotation whose policy allows it for the container log groups of the account's clusters
	// (/aws/eks/*/containers), protected with Protect.
	KMSKeyARN pulumi.StringPtrInput
}

// Route exposes one application through the ingress controller.
type Route struct {
	// Name names the Ingress (name+"-route-"+Name); a DNS label. Required.
	Name string
	// Host is the fully qualified host, Domain or a name under it. Required.
	Host string
	// Namespace is the application's namespace; the component creates it. Required.
	Namespace string
	// Service is the application's Service. Required.
	Service string
	// Port is the Service port, 1 to 65535. Required.
	Port int
	// Path is the path prefix routed to the Service. Defaults to "/".
	Path string
}

// PlatformAddonsArgs configures PlatformAddons. Fields that decide which resources exist are plain.
type PlatformAddonsArgs struct {
	// KubernetesProvider is the cluster's Kubernetes provider; every Kubernetes resource and Helm
	// release uses it. Required.
	KubernetesProvider pulumi.ProviderResource
	// ClusterName is the EKS cluster's name (Pod Identity associations, controller values). Required.
	ClusterName pulumi.StringInput
	// ClusterARN is the EKS cluster's ARN (Cluster.ClusterARN): every Pod Identity role of the
	// add-ons trusts that cluster only (aws:SourceAccount and aws:SourceArn). Required.
	ClusterARN pulumi.StringInput
	// Region is the AWS region of the cluster. Required.
	Region string
	// VPCID is the cluster's VPC, for the load balancer controller. Required.
	VPCID pulumi.StringInput
	// VPCCIDR is the VPC's IPv4 CIDR (a plain value, Network.VPCCIDR or a StackReference output):
	// the ingress controller trusts PROXY protocol headers (the real client IP) only from load
	// balancer addresses inside it. Checked by Validate when plain, before the ingress release is
	// installed when an Output. Required.
	VPCCIDR pulumi.StringInput
	// Domain is the environment's domain; add-ons are served on argocd., api., auth. and grafana.
	// under it. Required.
	Domain string
	// CertificateARN is the validated ACM certificate for Domain and its wildcard, attached to the
	// load balancer's TLS listener. Required.
	CertificateARN pulumi.StringInput
	// ImageMirrors maps an upstream registry host (quay.io, registry.k8s.io, public.ecr.aws) to
	// the repository prefix of a pull-through cache of it
	// (<account>.dkr.ecr.<region>.amazonaws.com/<prefix>): every chart image from that host is
	// pulled through the cache. Defaults to none: images come from their upstreams.
	ImageMirrors map[string]string
	// ECRRegistry is the registry host Argo CD Image Updater watches
	// (<account>.dkr.ecr.<region>.amazonaws.com). Defaults to none: public registries only.
	ECRRegistry string

	// IngressController is the controller behind the load balancer. Defaults to IngressNGINX.
	IngressController IngressController
	// LoadBalancerController is the AWS Load Balancer Controller. Disable it only where the cluster
	// already runs one. Defaults to enabled.
	LoadBalancerController Addon
	// Ingress is the ingress controller and its load balancer. Defaults to enabled.
	Ingress Addon
	// ArgoCD is Argo CD on argocd.<Domain>. Defaults to enabled.
	ArgoCD Addon
	// GitOps bootstraps Argo CD from a repository (root application, image write-back). Defaults
	// to none.
	GitOps GitOpsArgs
	// ImageUpdater is Argo CD Image Updater, reading ECR through Pod Identity. Its Replicas is the
	// chart's replicaCount and must be 1 (the updater does not run as more). Defaults to enabled.
	ImageUpdater Addon
	// APISIX is the API gateway on api.<Domain>. Defaults to enabled, standalone.
	APISIX APISIXArgs
	// Keycloak is Keycloak on auth.<Domain> with its Postgres (CloudNativePG). Defaults to enabled.
	Keycloak KeycloakArgs
	// MetricsServer is metrics-server. Defaults to enabled.
	MetricsServer Addon
	// Monitoring is kube-prometheus-stack with Grafana on grafana.<Domain>. Defaults to enabled.
	Monitoring MonitoringArgs
	// Logging is Fluent Bit shipping container logs to CloudWatch Logs. Defaults to enabled.
	Logging LoggingArgs
	// Routes expose applications, one Ingress each. Defaults to none.
	Routes []Route
	// StorageClass is the cluster's default StorageClass (encrypted gp3). Defaults to enabled.
	StorageClass StorageClassArgs

	// SSO is single sign-on for Argo CD and Grafana through Keycloak. Defaults to enabled with
	// Keycloak.
	SSO SSOArgs
	// AdminCIDRs are the IPv4 ranges, besides VPCCIDR, allowed to reach the internal load balancer
	// that alone serves the admin consoles (Argo CD, Grafana, Keycloak's admin console): the VPN's
	// client range. Defaults to none (the VPC only).
	AdminCIDRs []string
	// NodeTerminationHandler drains self-managed nodes before they terminate. Defaults to disabled.
	NodeTerminationHandler NodeTerminationHandlerArgs

	// Protect protects the stateful resources (the Keycloak database, the log key). Defaults to
	// false.
	Protect bool
	// Tags are added to every AWS resource of the component. Defaults to none (the provider's
	// default tags still apply).
	Tags map[string]string
}

func (a *PlatformAddonsArgs) withDefaults() PlatformAddonsArgs {
	var c PlatformAddonsArgs
	if a != nil {
		c = *a
	}
	if c.IngressController == "" {
		c.IngressController = IngressNGINX
	}
	for _, ad := range []*Addon{&c.LoadBalancerController, &c.Ingress, &c.ArgoCD, &c.ImageUpdater,
		&c.APISIX.Addon, &c.Keycloak.Addon, &c.MetricsServer, &c.Monitoring.Addon} {
		if ad.Replicas == 0 {
			ad.Replicas = 1
		}
	}
	if c.APISIX.Mode == "" {
		c.APISIX.Mode = APISIXStandalone
	}
	if c.Keycloak.DatabaseInstances == 0 {
		c.Keycloak.DatabaseInstances = 1
	}
	if c.Keycloak.DatabaseStorageGiB == 0 {
		c.Keycloak.DatabaseStorageGiB = 10
	}
	if c.Monitoring.RetentionDays == 0 {
		c.Monitoring.RetentionDays = 15
	}
	if c.Monitoring.StorageGiB == 0 {
		c.Monitoring.StorageGiB = 50
	}
	if c.Logging.RetentionDays == 0 {
		c.Logging.RetentionDays = 30
	}
	if c.SSO.Enabled == nil {
		c.SSO.Enabled = pulumi.BoolRef(c.Keycloak.On())
	}
	if c.SSO.Realm == "" {
		c.SSO.Realm = "platform"
	}
	if c.SSO.AdminGroup == "" {
		c.SSO.AdminGroup = "platform-admins"
	}
	c.AdminCIDRs = slices.Clone(c.AdminCIDRs)
	c.GitOps = c.GitOps.withDefaults()
	c.GitOps.ImageRepositories = slices.Clone(c.GitOps.ImageRepositories)
	c.APISIX.Routes = slices.Clone(c.APISIX.Routes)
	c.ImageMirrors = maps.Clone(c.ImageMirrors)
	c.Routes = slices.Clone(c.Routes)
	for i := range c.Routes {
		if c.Routes[i].Path == "" {
			c.Routes[i].Path = "/"
		}
	}
	return c
}

var ecrHostRe = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$`)

// Validate checks the Args after defaults and returns the first problem as a *fielderr.Error
// naming the field (Routes[1].Host, Logging.RetentionDays). NewPlatformAddons runs it before
// registering anything.
func (a *PlatformAddonsArgs) Validate() error {
	d := a.withDefaults()
	return d.validate()
}

func (a PlatformAddonsArgs) validate() error {
	switch {
	case a.KubernetesProvider == nil:
		return fielderr.New("KubernetesProvider", "is required (the cluster's provider, such as Cluster.Provider)")
	case a.ClusterName == nil:
		return fielderr.New("ClusterName", "is required (such as Cluster.ClusterName)")
	case a.ClusterARN == nil:
		return fielderr.New("ClusterARN", "is required (such as Cluster.ClusterARN: the add-ons' Pod Identity roles trust that cluster only)")
	case a.Region == "":
		return fielderr.New("Region", "is required (the cluster's AWS region, such as eu-west-1)")
	case a.VPCID == nil:
		return fielderr.New("VPCID", "is required (such as Network.VPCID)")
	case a.VPCCIDR == nil:
		return fielderr.New("VPCCIDR", "is required (such as Network.VPCCIDR)")
	case a.CertificateARN == nil:
		return fielderr.New("CertificateARN", "is required (such as Certificate.ValidatedCertificateARN)")
	}
	if err := a.NodeTerminationHandler.validate(); err != nil {
		return err
	}
	if v, ok := known.String(a.ClusterARN); ok {
		if _, err := iampolicy.PodIdentityTrust(v); err != nil {
			return fielderr.New("ClusterARN", "%s", err)
		}
	}
	if v, ok := known.String(a.VPCCIDR); ok {
		if err := checkVPCCIDR(v); err != nil {
			return err
		}
	}
	if err := dnsname.Check(a.Domain, false); err != nil {
		return fielderr.New("Domain", "%s", err)
	}
	if a.ECRRegistry != "" && !ecrHostRe.MatchString(a.ECRRegistry) {
		return fielderr.New("ECRRegistry", "%q is not an ECR registry host (want <account>.dkr.ecr.<region>.amazonaws.com)", a.ECRRegistry)
	}
	if !slices.Contains(IngressControllers, a.IngressController) {
		return fielderr.New("IngressController", "%q is not a supported ingress controller (allowed: %s; the retired kubernetes/ingress-nginx is not offered)", a.IngressController, joinStrings(IngressControllers))
	}
	if !slices.Contains(APISIXModes, a.APISIX.Mode) {
		return fielderr.New("APISIX.Mode", "%q is not an APISIX mode (allowed: %s)", a.APISIX.Mode, joinStrings(APISIXModes))
	}
	if err := validateAPISIX(a.APISIX); err != nil {
		return err
	}
	for _, host := range sortedKeys(anyMap(a.ImageMirrors)) {
		if err := checkMirror(host, a.ImageMirrors[host]); err != nil {
			return err
		}
	}
	sizes := []struct {
		field string
		v     int
		min   int
		max   int
	}{
		{"LoadBalancerController.Replicas", a.LoadBalancerController.Replicas, 1, 10},
		{"Ingress.Replicas", a.Ingress.Replicas, 1, 20},
		{"ArgoCD.Replicas", a.ArgoCD.Replicas, 1, 10},
		{"ImageUpdater.Replicas", a.ImageUpdater.Replicas, 1, 1},
		{"APISIX.Replicas", a.APISIX.Replicas, 1, 20},
		{"Keycloak.Replicas", a.Keycloak.Replicas, 1, 10},
		{"Keycloak.DatabaseInstances", a.Keycloak.DatabaseInstances, 1, 5},
		{"Keycloak.DatabaseStorageGiB", a.Keycloak.DatabaseStorageGiB, 1, 16384},
		{"MetricsServer.Replicas", a.MetricsServer.Replicas, 1, 5},
		{"Monitoring.Replicas", a.Monitoring.Replicas, 1, 5},
		{"Monitoring.RetentionDays", a.Monitoring.RetentionDays, 1, 3650},
		{"Monitoring.StorageGiB", a.Monitoring.StorageGiB, 1, 16384},
		{"Logging.Replicas", a.Logging.Replicas, 0, 0},
	}
	for _, s := range sizes {
		if s.field == "Logging.Replicas" && s.v != 0 {
			return fielderr.New(s.field, "%d does not apply: Fluent Bit runs as a DaemonSet, one pod per node (leave it 0)", s.v)
		}
		if s.v < s.min || s.v > s.max {
			return fielderr.New(s.field, "%d is outside %d to %d", s.v, s.min, s.max)
		}
	}
	if err := logretention.Check(a.Logging.RetentionDays); err != nil {
		return fielderr.New("Logging.RetentionDays", "%s", err)
	}
	if !a.Ingress.On() && len(a.Routes) > 0 {
		return fielderr.New("Ingress.Enabled", "false but Routes lists %d route(s): routes need the ingress controller", len(a.Routes))
	}
	if a.ImageUpdater.On() && !a.ArgoCD.On() {
		return fielderr.New("ImageUpdater.Enabled", "true but ArgoCD is disabled: the image updater drives Argo CD applications")
	}
	if err := a.validateSSO(); err != nil {
		return err
	}
	for i, c := range a.AdminCIDRs {
		if p, err := netip.ParsePrefix(c); err != nil || !p.Addr().Is4() || p.Masked() != p {
			return fielderr.New(fielderr.Index("AdminCIDRs", i), "%q is not an IPv4 CIDR (such as the VPN's client range 10.99.0.0/24)", c)
		}
		if p, _ := netip.ParsePrefix(c); p.Bits() == 0 {
			return fielderr.New(fielderr.Index("AdminCIDRs", i), "%q is the whole internet: the admin consoles are reachable from inside only", c)
		}
	}
	if err := a.Monitoring.Alerts.validate(a.Monitoring.On()); err != nil {
		return err
	}
	if err := a.validateGitOps(); err != nil {
		return err
	}
	return validateRoutes(a.Domain, a.Routes)
}

// ssoNameRe is a realm or group name: it goes into the realm file, Argo CD's RBAC CSV and
// Grafana's JMESPath role expression, so it is kept to characters none of them interpret.
var ssoNameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func (a PlatformAddonsArgs) validateSSO() error {
	if !a.ssoOn() {
		return nil
	}
	if !a.Keycloak.On() {
		return fielderr.New("SSO.Enabled", "true but Keycloak is disabled: single sign-on is Keycloak's")
	}
	if !ssoNameRe.MatchString(a.SSO.Realm) || a.SSO.Realm == "master" {
		return fielderr.New("SSO.Realm", "%q is not a realm name (lower-case letters, digits and inner hyphens, 1-63 characters, not master)", a.SSO.Realm)
	}
	if !ssoNameRe.MatchString(a.SSO.AdminGroup) {
		return fielderr.New("SSO.AdminGroup", "%q is not a group name (lower-case letters, digits and inner hyphens, 1-63 characters)", a.SSO.AdminGroup)
	}
	return nil
}

var mirrorPrefixRe = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+$`)

// checkMirror checks one ImageMirrors entry: a registry host and a repository prefix under a host.
func checkMirror(host, prefix string) error {
	field := "ImageMirrors[" + host + "]"
	if err := dnsname.Check(host, false); err != nil {
		return fielderr.New("ImageMirrors", "%q is not a registry host: %s", host, err)
	}
	if !mirrorPrefixRe.MatchString(prefix) {
		return fielderr.New(field, "%q is not a repository prefix under a registry host (want such as 111122223333.dkr.ecr.eu-west-1.amazonaws.com/quay, no scheme, no trailing slash)", prefix)
	}
	return nil
}

// ssoOn reports whether single sign-on is declared (after defaults).
func (a PlatformAddonsArgs) ssoOn() bool { return a.SSO.Enabled != nil && *a.SSO.Enabled }

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

var (
	upstreamRe   = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[0-9]{1,5}$`)
	apisixURIRe  = regexp.MustCompile(`^/[A-Za-z0-9._~/-]*\*?$`)
	configMapRe  = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$`)
	routeIDField = func(i int, f string) string { return fielderr.Index("APISIX.Routes", i) + "." + f }
)

// validateAPISIX checks where APISIX's standalone rules come from.
func validateAPISIX(a APISIXArgs) error {
	if a.Mode != APISIXStandalone && (a.ConfigMap != "" || len(a.Routes) > 0) {
		return fielderr.New("APISIX.Mode", "%q keeps routes in etcd (set through the Admin API): ConfigMap and Routes are for standalone", a.Mode)
	}
	if a.ConfigMap != "" {
		if !configMapRe.MatchString(a.ConfigMap) {
			return fielderr.New("APISIX.ConfigMap", "%q is not a ConfigMap name (a DNS subdomain)", a.ConfigMap)
		}
		if len(a.Routes) > 0 {
			return fielderr.New("APISIX.Routes", "lists %d route(s) and ConfigMap is %q: the routes come from one of them", len(a.Routes), a.ConfigMap)
		}
	}
	ids := map[string]int{}
	for i, r := range a.Routes {
		if !dnsname.IsLabel(r.ID) {
			return fielderr.New(routeIDField(i, "ID"), "%q is not a DNS label", r.ID)
		}
		if j, dup := ids[r.ID]; dup {
			return fielderr.New(routeIDField(i, "ID"), "%q is used twice (also by APISIX.Routes[%d])", r.ID, j)
		}
		ids[r.ID] = i
		if !apisixURIRe.MatchString(r.URI) {
			return fielderr.New(routeIDField(i, "URI"), "%q is not a path (starts with /, may end with *)", r.URI)
		}
		if r.Host != "" {
			if err := dnsname.Check(r.Host, false); err != nil {
				return fielderr.New(routeIDField(i, "Host"), "%s", err)
			}
		}
		if !upstreamRe.MatchString(r.Upstream) {
			return fielderr.New(routeIDField(i, "Upstream"), "%q is not host:port", r.Upstream)
		}
	}
	return nil
}

// checkVPCCIDR is the rule for VPCCIDR, for a plain value in Validate and an Output once it
// resolves.
func checkVPCCIDR(v string) error {
	if p, err := netip.ParsePrefix(v); err != nil || !p.Addr().Is4() {
		return fielderr.New("VPCCIDR", "%q is not an IPv4 CIDR", v)
	}
	return nil
}

// checkedVPCCIDR is VPCCIDR once it is known to be an IPv4 CIDR: an Output from another stack is
// checked before the ingress controller trusts it.
func (a PlatformAddonsArgs) checkedVPCCIDR() pulumi.StringOutput {
	return a.VPCCIDR.ToStringOutput().ApplyT(func(v string) (string, error) {
		if err := checkVPCCIDR(v); err != nil {
			return "", fmt.Errorf("platform addons: %w", err)
		}
		return v, nil
	}).(pulumi.StringOutput)
}

// validateRoutes checks routes against the domain and each other.
func validateRoutes(domain string, routes []Route) error {
	names := map[string]int{}
	hosts := map[string]int{}
	for i, r := range routes {
		bad := func(field, format string, args ...any) error {
			return fielderr.New(fielderr.Index("Routes", i)+"."+field, format, args...)
		}
		if !dnsname.IsLabel(r.Name) {
			return bad("Name", "%q is not a DNS label (lower-case letters, digits and inner hyphens, 1-63 characters)", r.Name)
		}
		if j, dup := names[r.Name]; dup {
			return bad("Name", "%q is used twice (also by Routes[%d])", r.Name, j)
		}
		names[r.Name] = i
		if err := dnsname.Check(r.Host, false); err != nil {
			return bad("Host", "%s", err)
		}
		if r.Host != domain && !strings.HasSuffix(r.Host, "."+domain) {
			return bad("Host", "%q is not %s or a name under it", r.Host, domain)
		}
		for _, reserved := range ReservedHosts {
			if r.Host == reserved+"."+domain {
				return bad("Host", "%q is reserved for the platform (reserved: %s under %s)", r.Host, strings.Join(ReservedHosts, ", "), domain)
			}
		}
		if j, dup := hosts[r.Host]; dup {
			return bad("Host", "%q is used twice (also by Routes[%d])", r.Host, j)
		}
		hosts[r.Host] = i
		if !dnsname.IsLabel(r.Namespace) {
			return bad("Namespace", "%q is not a Kubernetes namespace name (a DNS label)", r.Namespace)
		}
		if slices.Contains(platformNamespaces, r.Namespace) {
			return bad("Namespace", "%q is a namespace of the platform's add-ons (choose the application's own)", r.Namespace)
		}
		if !dnsname.IsLabel(r.Service) {
			return bad("Service", "%q is not a Kubernetes Service name (a DNS label)", r.Service)
		}
		if r.Port < 1 || r.Port > 65535 {
			return bad("Port", "%d is outside 1 to 65535", r.Port)
		}
		if r.Path != "" && !strings.HasPrefix(r.Path, "/") {
			return bad("Path", "%q must start with /", r.Path)
		}
	}
	return nil
}

func joinStrings[S ~string](v []S) string {
	s := make([]string, len(v))
	for i, e := range v {
		s[i] = string(e)
	}
	return strings.Join(s, ", ")
}
