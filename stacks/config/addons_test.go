package config_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/flowmart/platform/stacks/config"
)

const (
	keyAddons = "flowmart-platform:addons"
	keyRoutes = "flowmart-platform:routes"
)

func TestAddonsPerEnvironment(t *testing.T) {
	cases := map[string]struct {
		mode                         string
		replicas, retention, storage int
		logs, routes                 int
	}{
		"dev":        {"etcd", 1, 7, 20, 7, 2},
		"staging":    {"standalone", 2, 15, 50, 30, 2},
		"production": {"standalone", 3, 30, 100, 90, 3},
	}
	for env, want := range cases {
		c, err := parse(stackValues(t, env))
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		a := c.Addons
		if a.IngressController != "nginx" || a.APISIXMode != want.mode || a.Replicas != want.replicas ||
			a.PrometheusRetentionDays != want.retention || a.PrometheusStorageGiB != want.storage ||
			a.LogRetentionDays != want.logs || len(a.Routes) != want.routes {
			t.Errorf("%s: %+v", env, a)
		}
		// The admin consoles admit the environment's VPN clients; single sign-on is on by default.
		args := c.AddonsArgs()
		if len(args.AdminCIDRs) != 1 || args.AdminCIDRs[0] != c.VPN.ClientCIDR || c.VPN.ClientCIDR == "" || args.SSO.Enabled != nil {
			t.Errorf("%s: admin ranges %v (vpn %q), sso %+v", env, args.AdminCIDRs, c.VPN.ClientCIDR, args.SSO)
		}
	}
	c, err := mutate(t, "dev", map[string]string{keyAddons: `{"sso":{"adminGroup":"ops","realm":"shop"}}`})
	if err != nil {
		t.Fatal(err)
	}
	if s := c.AddonsArgs().SSO; s.AdminGroup != "ops" || s.Realm != "shop" {
		t.Errorf("sso %+v", s)
	}
}

func TestAddonsDefaultsPerEnvironment(t *testing.T) {
	cases := map[string][]int{ // replicas, prometheus days, GiB, log days, db GiB, db instances
		"dev":        {1, 7, 20, 7, 5, 1},
		"staging":    {2, 15, 50, 30, 10, 2},
		"production": {3, 30, 100, 90, 20, 3},
	}
	for env, want := range cases {
		c, err := mutate(t, env, map[string]string{keyAddons: ""})
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		a := c.Addons
		got := []int{a.Replicas, a.PrometheusRetentionDays, a.PrometheusStorageGiB, a.LogRetentionDays, a.KeycloakDatabaseStorageGiB, a.KeycloakDatabaseInstances}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: defaults %v, want %v", env, got, want)
				break
			}
		}
		if a.IngressController != "nginx" || a.APISIXMode != "standalone" {
			t.Errorf("%s: controller %q mode %q", env, a.IngressController, a.APISIXMode)
		}
	}
}

func TestAddonsValuesAndToggles(t *testing.T) {
	c, err := mutate(t, "dev", map[string]string{keyAddons: `{"logging":{"enabled":false},"monitoring":{"values":{"grafana":{"replicas":2}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addons.Logging.Addon(1).On() || !c.Addons.Monitoring.Addon(1).On() {
		t.Error("toggles not read")
	}
	if g, _ := c.Addons.Monitoring.Values["grafana"].(map[string]any); g["replicas"] != 2.0 {
		t.Errorf("values %v", c.Addons.Monitoring.Values)
	}
}

func TestAddonsErrors(t *testing.T) {
	route := func(name, host string, port int) string {
		return `{"name":"` + name + `","host":"` + host + `","namespace":"shop","service":"web","port":` + strconv.Itoa(port) + `}`
	}
	cases := []struct {
		name, env string
		set       map[string]string
		key, want string
	}{
		{"retired controller", "dev", map[string]string{keyAddons: `{"ingressController":"ingress-nginx"}`},
			"addons.ingressController", `"ingress-nginx" is not a supported ingress controller (allowed: nginx, traefik;`},
		{"unknown field", "dev", map[string]string{keyAddons: `{"ingresController":"nginx"}`}, "addons", `unknown field "ingresController"`},
		{"etcd in production", "production", map[string]string{keyAddons: `{"apisixMode":"etcd"}`},
			"addons.apisixMode", `"etcd" is not allowed in production`},
		{"bad mode", "dev", map[string]string{keyAddons: `{"apisixMode":"dev"}`}, "addons.apisixMode", `"dev" is not an APISIX mode`},
		{"bad log retention", "dev", map[string]string{keyAddons: `{"logRetentionDays":10}`}, "addons.logRetentionDays", "10 is not a CloudWatch Logs retention"},
		{"too many replicas", "dev", map[string]string{keyAddons: `{"replicas":50}`}, "addons.replicas", "50 is outside 1 to 10"},
		{"routes without ingress", "dev", map[string]string{keyAddons: `{"ingress":{"enabled":false}}`}, "addons.ingress.enabled", "routes need the ingress controller"},
		{"values not an object", "dev", map[string]string{keyAddons: `{"argocd":{"values":[1]}}`}, "addons.argocd.values", "is an array, want an object"},
		{"duplicate host", "dev", map[string]string{keyRoutes: "[" + route("a", "a.dev.shop.example.com", 80) + "," + route("b", "a.dev.shop.example.com", 80) + "]"},
			"routes[1].host", `"a.dev.shop.example.com" is used twice (also by routes[0])`},
		{"host outside domain", "dev", map[string]string{keyRoutes: "[" + route("a", "a.staging.shop.example.com", 80) + "]"},
			"routes[0].host", `"a.staging.shop.example.com" is not dev.shop.example.com or a name under it`},
		{"bad port", "dev", map[string]string{keyRoutes: "[" + route("a", "a.dev.shop.example.com", 0) + "]"}, "routes[0].port", "0 is outside 1 to 65535"},
		{"reserved host", "staging", map[string]string{keyRoutes: "[" + route("a", "argocd.staging.shop.example.com", 80) + "]"}, "routes[0].host", "is reserved for the platform"},
		{"not a list", "dev", map[string]string{keyRoutes: `{"name":"a"}`}, "routes", "is an object, want a list"},
		{"bad admin group", "dev", map[string]string{keyAddons: `{"sso":{"adminGroup":"Admins, role:admin"}}`}, "addons.sso.adminGroup", `"Admins, role:admin" is not a group name`},
		{"master realm", "dev", map[string]string{keyAddons: `{"sso":{"realm":"master"}}`}, "addons.sso.realm", `"master" is not a realm name`},
		{"sso without keycloak", "dev", map[string]string{keyAddons: `{"keycloak":{"enabled":false},"sso":{"enabled":true}}`}, "addons.sso.enabled", "keycloak is disabled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := mutate(t, c.env, c.set)
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Key != c.key || !strings.Contains(ce.Msg, c.want) {
				t.Fatalf("got %v, want %s: ...%s", err, c.key, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// TestAddonsPullThroughTheRegistryCaches: the add-ons' image mirrors are the stack's
// registry.pullThroughCache rules under the stack's registry, and the APISIX ConfigMap is mapped.
func TestAddonsPullThroughTheRegistryCaches(t *testing.T) {
	c, err := parse(stackValues(t, "production"))
	if err != nil {
		t.Fatal(err)
	}
	a := c.AddonsArgs()
	want := map[string]string{
		"public.ecr.aws":  "777788889999.dkr.ecr.eu-west-1.amazonaws.com/ecr-public",
		"registry.k8s.io": "777788889999.dkr.ecr.eu-west-1.amazonaws.com/k8s",
	}
	if len(a.ImageMirrors) != len(want) {
		t.Fatalf("mirrors %v, want %v", a.ImageMirrors, want)
	}
	for host, prefix := range want {
		if a.ImageMirrors[host] != prefix {
			t.Errorf("mirror of %s is %q, want %q", host, a.ImageMirrors[host], prefix)
		}
	}
	c, err = mutate(t, "staging", map[string]string{keyAddons: `{"apisixConfigMap":"apisix-routes"}`})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.AddonsArgs().APISIX.ConfigMap; got != "apisix-routes" {
		t.Errorf("APISIX.ConfigMap %q", got)
	}
	_, err = mutate(t, "dev", map[string]string{keyAddons: `{"apisixMode":"etcd","apisixConfigMap":"apisix-routes"}`})
	if err == nil || !strings.HasPrefix(err.Error(), "addons.apisixMode: ") {
		t.Errorf("etcd with a ConfigMap: %v", err)
	}
}
