package addons

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestAPISIXStandaloneRoutesFromConfiguration: standalone APISIX serves the configured routes
// (never the chart's /hi demo route), or reads them from a Git-managed ConfigMap, with no Admin API.
func TestAPISIXStandaloneRoutesFromConfiguration(t *testing.T) {
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) {
		a.APISIX.Routes = []APISIXRoute{okAPISIXRoute, {ID: "shop", URI: "/*", Host: "api.dev.shop.example.com", Upstream: "storefront.storefront.svc:8080"}}
	})
	v := get(t, doc, helmRelease, "test-apisix").Inputs["values"]
	rules, _ := path(v, "apisix", "deployment", "standalone", "config").(string)
	var parsed struct {
		Routes []struct {
			ID       string `yaml:"id"`
			URI      string `yaml:"uri"`
			Host     string `yaml:"host"`
			Upstream struct {
				Type  string         `yaml:"type"`
				Nodes map[string]int `yaml:"nodes"`
			} `yaml:"upstream"`
		} `yaml:"routes"`
	}
	if err := yaml.Unmarshal([]byte(rules), &parsed); err != nil {
		t.Fatalf("rules %q: %v", rules, err)
	}
	if len(parsed.Routes) != 2 || parsed.Routes[0].URI != "/checkout/*" || parsed.Routes[0].Upstream.Nodes["checkout-api.checkout.svc:80"] != 1 ||
		parsed.Routes[1].Host != "api.dev.shop.example.com" || parsed.Routes[1].Upstream.Type != "roundrobin" {
		t.Errorf("rules: %+v", parsed)
	}
	if path(v, "apisix", "admin", "enabled") != false || path(v, "apisix", "deployment", "mode") != "standalone" || path(v, "etcd", "enabled") != false {
		t.Errorf("standalone values: %v", path(v, "apisix"))
	}

	doc, _ = run(t, opts, nil)
	v = get(t, doc, helmRelease, "test-apisix").Inputs["values"]
	if rules := path(v, "apisix", "deployment", "standalone", "config"); rules != "routes: []\n" {
		t.Errorf("default rules %q: want no route, never the chart's /hi demo", rules)
	}

	doc, _ = run(t, opts, func(a *PlatformAddonsArgs) { a.APISIX.ConfigMap = "apisix-routes" })
	v = get(t, doc, helmRelease, "test-apisix").Inputs["values"]
	if path(v, "apisix", "deployment", "standalone", "existingConfigMap") != "apisix-routes" {
		t.Errorf("existingConfigMap: %v", path(v, "apisix", "deployment", "standalone"))
	}
}

// TestAPISIXEtcdPinnedAndAdminAllowList: etcd mode runs the etcd dependency's own pinned image
// (not latest, not bitnamilegacy) and its Admin API answers the VPC only.
func TestAPISIXEtcdPinnedAndAdminAllowList(t *testing.T) {
	doc, _ := run(t, opts, keysScenarios["apisix-etcd"])
	v := get(t, doc, helmRelease, "test-apisix").Inputs["values"]
	img, _ := path(v, "etcd", "image").(map[string]any)
	repo, _ := img["repository"].(string)
	if img["tag"] == "latest" || img["tag"] == "" || strings.HasPrefix(repo, "bitnamilegacy/") {
		t.Errorf("etcd image %v: want a pinned tag, not bitnamilegacy", img)
	}
	found := false
	for _, fi := range loadFacts(t).Charts[chartAPISIX].Images {
		if fi.Path == "etcd.image" && fi.Repository == repo && fi.Registry == img["registry"] && fi.Tag == img["tag"] {
			found = true
		}
	}
	if !found {
		t.Errorf("etcd image %v is not the default of the pinned etcd chart in chartfacts.json", img)
	}
	allow, _ := path(v, "apisix", "admin", "allow", "ipList").([]any)
	if len(allow) != 1 || allow[0] != "10.10.0.0/16" {
		t.Errorf("admin allow-list %v: want the VPC CIDR only", allow)
	}
}
