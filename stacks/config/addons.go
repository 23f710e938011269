package config

import "github.com/flowmart/platform/components/addons"

// Add-on keys.
const (
	KeyAddons = "addons"
	KeyRoutes = "routes"
)

var addonsKeys = []keySpec{
	{KeyAddons, typeObject, false},
	{KeyRoutes, typeArray, false},
}

// AddonToggle is one add-on's entry of the `addons` object.
type AddonToggle struct {
	// Enabled installs the add-on; unset means true.
	Enabled *bool `json:"enabled,omitempty"`
	// Values are Helm values merged over the component's own.
	Values map[string]any `json:"values,omitempty"`
}

// ValuesConfig is an add-on entry that only takes Helm values.
type ValuesConfig struct {
	Values map[string]any `json:"values,omitempty"`
}

// ToggleConfig is an entry that can only be turned off.
type ToggleConfig struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// Addon converts the entry to the component's Addon with the given replicas.
func (t AddonToggle) Addon(replicas int) addons.Addon {
	return addons.Addon{Enabled: t.Enabled, Replicas: replicas, Values: t.Values}
}

// AddonsConfig is the configuration of the PlatformAddons component: the `addons` object (sizes
// default per environment, defaults.go) and the `routes` list.
type AddonsConfig struct {
	IngressController string `json:"ingressController,omitempty"`
	APISIXMode        string `json:"apisixMode,omitempty"`
	// APISIXConfigMap names the Git-managed ConfigMap (key apisix.yaml, in the apisix namespace)
	// standalone APISIX reads its routes from; empty serves no route.
	APISIXConfigMap            string `json:"apisixConfigMap,omitempty"`
	Replicas                   int    `json:"replicas,omitempty"`
	PrometheusRetentionDays    int    `json:"prometheusRetentionDays,omitempty"`
	PrometheusStorageGiB       int    `json:"prometheusStorageGiB,omitempty"`
	LogRetentionDays           int    `json:"logRetentionDays,omitempty"`
	KeycloakDatabaseStorageGiB int    `json:"keycloakDatabaseStorageGiB,omitempty"`
	KeycloakDatabaseInstances  int    `json:"keycloakDatabaseInstances,omitempty"`

	LoadBalancerController AddonToggle `json:"loadBalancerController"`
	Ingress                AddonToggle `json:"ingress"`
	ArgoCD                 AddonToggle `json:"argocd"`
	ImageUpdater           AddonToggle `json:"imageUpdater"`
	APISIX                 AddonToggle `json:"apisix"`
	Keycloak               AddonToggle `json:"keycloak"`
	MetricsServer          AddonToggle `json:"metricsServer"`
	Monitoring             AddonToggle `json:"monitoring"`
	Logging                AddonToggle `json:"logging"`
	// CloudNativePG is the Keycloak database's operator: its Helm values only (it runs with
	// Keycloak).
	CloudNativePG ValuesConfig `json:"cloudnativePg"`
	// StorageClass turns the platform's default gp3 StorageClass off where the cluster has one.
	StorageClass ToggleConfig `json:"storageClass"`

	// SSO is single sign-on for Argo CD and Grafana through Keycloak.
	SSO SSOConfig `json:"sso"`

	// Routes is the `routes` key.
	Routes []RouteConfig `json:"-"`
}

// SSOConfig is `addons.sso`: the Keycloak realm Argo CD and Grafana log in through.
type SSOConfig struct {
	// Enabled declares the realm and the consoles' OIDC clients; unset means on with Keycloak.
	Enabled *bool `json:"enabled,omitempty"`
	// Realm is the realm's name; defaults to the component's (platform).
	Realm string `json:"realm,omitempty"`
	// AdminGroup is the realm group of Argo CD and Grafana admins; defaults to the component's
	// (platform-admins).
	AdminGroup string `json:"adminGroup,omitempty"`
}

// RouteConfig is one entry of `routes`.
type RouteConfig struct {
	Name      string `json:"name"`
	Host      string `json:"host"`
	Namespace string `json:"namespace"`
	Service   string `json:"service"`
	Port      int    `json:"port"`
	Path      string `json:"path,omitempty"`
}

// ComponentRoutes converts the routes to the component's type.
func (a AddonsConfig) ComponentRoutes() []addons.Route {
	out := make([]addons.Route, len(a.Routes))
	for i, r := range a.Routes {
		out[i] = addons.Route{Name: r.Name, Host: r.Host, Namespace: r.Namespace, Service: r.Service, Port: r.Port, Path: r.Path}
	}
	return out
}

func readAddons(r *reader) AddonsConfig {
	var a AddonsConfig
	r.object(KeyAddons, &a)
	r.object(KeyRoutes, &a.Routes)
	return a
}

// validateAddons checks the stack's rules: one `replicas` within what every add-on it sizes
// allows, and no etcd-mode APISIX in production. The rest is PlatformAddons' own
// (validateComponents).
func (c *Config) validateAddons() error {
	a := c.Addons
	key := func(field string) string { return KeyAddons + "." + field }
	if a.Replicas < 1 || a.Replicas > 10 {
		return errorf(key("replicas"), "%d is outside 1 to 10", a.Replicas)
	}
	if c.Environment == Production && a.APISIXMode != string(addons.APISIXStandalone) {
		return errorf(key("apisixMode"), "%q is not allowed in production: the chart's bundled etcd is for development (allowed: standalone)", a.APISIXMode)
	}
	return nil
}
