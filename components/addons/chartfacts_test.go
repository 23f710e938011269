package addons

import (
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// chartFacts is chartfacts.json, written by cmd/chartfacts from each chart's sources at its tag.
type chartFacts struct {
	Generator string `json:"generator"`
	Charts    map[string]struct {
		Chart      string `json:"chart"`
		Repository string `json:"repository"`
		Version    string `json:"version"`
		AppVersion string `json:"appVersion"`
		Published  struct {
			From     string   `json:"from"`
			Versions []string `json:"versions"`
		} `json:"published"`
		Sources []struct {
			Prefix string   `json:"prefix"`
			Repo   string   `json:"repo"`
			Ref    string   `json:"ref"`
			Commit string   `json:"commit"`
			Files  []string `json:"files"`
		} `json:"sources"`
		CRDs *struct {
			Repo   string   `json:"repo"`
			Commit string   `json:"commit"`
			Files  []string `json:"files"`
		} `json:"crds"`
		Images []struct {
			Path       string `json:"path"`
			Registry   string `json:"registry"`
			Repository string `json:"repository"`
			Tag        string `json:"tag"`
		} `json:"images"`
		RemoteRefs []string `json:"schemaRemoteRefs"`
		Open       []string `json:"open"`
		Keys       []string `json:"keys"`
	} `json:"charts"`
}

func loadFacts(t *testing.T) chartFacts {
	t.Helper()
	b, err := os.ReadFile("chartfacts.json")
	if err != nil {
		t.Fatal(err)
	}
	var f chartFacts
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestChartFactsMatchTable: the facts are of the pinned versions (a bump without regenerating
// chartfacts.json fails here), with provenance, and each pinned version is one its repository
// has published (keycloakx 7.1.0 was tagged but never published: this test would have failed).
func TestChartFactsMatchTable(t *testing.T) {
	f := loadFacts(t)
	if !strings.Contains(f.Generator, "cmd/chartfacts") {
		t.Errorf("generator %q: want the command that wrote the file", f.Generator)
	}
	if len(f.Charts) != len(Charts) {
		t.Errorf("%d charts in chartfacts.json, %d in Charts: regenerate (go run ./cmd/chartfacts)", len(f.Charts), len(Charts))
	}
	for key, ch := range Charts {
		fc, ok := f.Charts[key]
		if !ok {
			t.Errorf("%s: no facts", key)
			continue
		}
		if fc.Chart != ch.Chart || fc.Version != ch.Version || fc.Repository != ch.Repository {
			t.Errorf("%s: facts are of %s %s from %s, Charts pins %s %s from %s: regenerate chartfacts.json",
				key, fc.Chart, fc.Version, fc.Repository, ch.Chart, ch.Version, ch.Repository)
		}
		if !slices.Contains(fc.Published.Versions, ch.Version) {
			t.Errorf("%s %s is not among the versions %s lists", key, ch.Version, fc.Published.From)
		}
		if fc.Published.Versions[0] != ch.Version {
			t.Logf("%s: pinned %s, newest published %s", key, ch.Version, fc.Published.Versions[0])
		}
		if len(fc.Sources) == 0 || len(fc.Sources[0].Commit) != 40 || fc.Sources[0].Repo == "" || len(fc.Sources[0].Files) == 0 || len(fc.Keys) == 0 {
			t.Errorf("%s: no provenance or keys: %+v", key, fc.Sources)
		}
	}
}

// TestPublishedCheckCatchesUnpublished: the check above fails for a version that was tagged but
// never published (keycloakx 7.1.0, the version pinned before).
func TestPublishedCheckCatchesUnpublished(t *testing.T) {
	fc := loadFacts(t).Charts[chartKeycloak]
	if slices.Contains(fc.Published.Versions, "7.1.0") {
		t.Errorf("keycloakx 7.1.0 is in the published list %s: the issue measured it is not", fc.Published.From)
	}
	if !slices.Contains(fc.Published.Versions, "7.1.1") || !slices.Contains(fc.Published.Versions, "7.0.1") {
		t.Errorf("published keycloakx versions %v: want 7.0.1 and 7.1.1", fc.Published.Versions)
	}
}

// freeForm are the values maps whose keys belong to the program the chart configures, not to the
// chart: the chart copies them through as they are, so no values.yaml can list them. The component
// sets keys under these paths only; each path itself must be a key of the pinned chart version. A
// key under any other path must be one the chart's values.yaml, values.schema.json or templates
// have.
var freeForm = map[string][]string{
	// the nginx ConfigMap's entries (docs.nginx.com, "ConfigMap resources"), copied into the
	// nginx-config ConfigMap as given
	chartNGINX: {"controller.config.entries"},
	// argocd-cmd-params-cm's and argocd-cm's keys (Argo CD docs, argocd-cmd-params-cm.yaml and
	// argocd-cm.yaml: url, oidc.config, ...), copied as given
	chartArgoCD: {"configs.params", "configs.cm"},
	// script file name -> script, each mounted under /scripts
	chartImageUpdater: {"authScripts.scripts"},
	// grafana.ini rendered as INI sections (Grafana's configuration file); a Prometheus
	// Operator StorageSpec (volumeClaimTemplate is a PersistentVolumeClaim)
	// grafana's envValueFrom: environment variable name -> a container env valueFrom
	chartPrometheusStack: {"grafana.[grafana.ini]", "grafana.envValueFrom", "prometheus.prometheusSpec.storageSpec"},
	// Kubernetes annotations of the CRDs
	chartPrometheusCRDs: {"crds.annotations"},
	// a Traefik entry point's redirection (doc.traefik.io, entrypoints: to, scheme, permanent)
	chartTraefik: {"ports.web.http.redirections.entryPoint"},
}

// valuesPaths flattens Helm values into the key paths they set; a list is one value (Helm
// replaces lists whole) and so is an empty map.
func valuesPaths(prefix []string, v any, out *[]string) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		if len(prefix) > 0 {
			*out = append(*out, ValuesPath(prefix...))
		}
		return
	}
	for k, e := range m {
		valuesPaths(append(append([]string(nil), prefix...), k), e, out)
	}
}

// keysScenarios cover every branch that sets values: both ingress controllers, both APISIX modes.
var keysScenarios = map[string]func(*PlatformAddonsArgs){
	"defaults": nil,
	"traefik":  func(a *PlatformAddonsArgs) { a.IngressController = IngressTraefik },
	"apisix-etcd": func(a *PlatformAddonsArgs) {
		a.APISIX.Mode = APISIXEtcd
	},
	"mirrors-and-apisix-routes": func(a *PlatformAddonsArgs) {
		a.ImageMirrors = testMirrors
		a.APISIX.Routes = []APISIXRoute{okAPISIXRoute}
	},
	// a cluster with self-managed node groups: the termination handler
	"termination-handler": func(a *PlatformAddonsArgs) {
		a.NodeTerminationHandler = NodeTerminationHandlerArgs{Enabled: true, QueueURL: pulumi.String("https://sqs.eu-west-1.amazonaws.com/111122223333/test-termination")}
	},
}

// TestValuesKeysExist: every values key the component sets, for every chart, is a key of the
// pinned chart version (a key the chart renamed or dropped fails here), or sits under one of the
// documented free-form maps.
func TestValuesKeysExist(t *testing.T) {
	f := loadFacts(t)
	names := make([]string, 0, len(keysScenarios))
	for n := range keysScenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	checked := map[string]int{}
	for _, name := range names {
		doc, _ := run(t, opts, keysScenarios[name])
		for _, r := range doc.Find(helmRelease) {
			key := chartFor(r.Inputs["chart"].(string))
			fc := f.Charts[key]
			var paths []string
			valuesPaths(nil, r.Inputs["values"], &paths)
			sort.Strings(paths)
			for _, p := range paths {
				checked[key]++
				if !acceptedKey(fc.Keys, freeForm[key], p) {
					t.Errorf("%s: %s sets %s, which %s %s does not have (values.yaml/values.schema.json at %s)",
						name, r.Name, p, fc.Chart, fc.Version, fc.Sources[0].Ref)
				}
			}
		}
	}
	for key := range Charts {
		if checked[key] == 0 {
			t.Errorf("%s: no values checked", key)
		}
	}
}

func acceptedKey(keys, free []string, p string) bool {
	if _, ok := slices.BinarySearch(keys, p); ok {
		return true
	}
	for _, ff := range free {
		if _, known := slices.BinarySearch(keys, ff); known && strings.HasPrefix(p, ff+".") {
			return true
		}
	}
	return false
}

// remoteSchemaRefs are the charts whose values.schema.json fetches remote $refs when Helm
// validates values at install time. nginx-ingress references kubernetes-json-schema on GitHub
// (35 distinct URLs at 2.6.4, every 2.x version has them) and pulumi-kubernetes v4.32.0's
// helm.v3.Release has no schema-validation skip (its ReleaseArgs: DisableOpenapiValidation is
// about the rendered manifests), so installing it needs raw.githubusercontent.com: a known
// limitation, kept visible here. Any other chart gaining remote references fails the test.
var remoteSchemaRefs = map[string]bool{chartNGINX: true}

func TestSchemaRemoteRefsAreKnown(t *testing.T) {
	f := loadFacts(t)
	for key := range Charts {
		fc := f.Charts[key]
		refs := fc.RemoteRefs
		switch {
		case len(refs) > 0 && !remoteSchemaRefs[key]:
			t.Errorf("%s %s: values.schema.json fetches %d remote $refs at install (%s...)", key, fc.Version, len(refs), refs[0])
		case len(refs) == 0 && remoteSchemaRefs[key]:
			t.Errorf("%s %s has no remote $refs any more: drop it from remoteSchemaRefs", key, fc.Version)
		}
	}
}

// TestRenamedKeyFails: the check rejects the keys the charts renamed (traefik 37 -> 41 moved an
// entry point's tls and redirections under http) and a typo, and accepts the documented
// free-form maps only under their own path.
func TestRenamedKeyFails(t *testing.T) {
	f := loadFacts(t)
	cases := []struct {
		chart, key string
		ok         bool
	}{
		{chartTraefik, "ports.websecure.tls.enabled", false},
		{chartTraefik, "ports.websecure.http.tls.enabled", true},
		{chartTraefik, "ports.web.redirections.entryPoint.to", false},
		{chartTraefik, "ports.web.http.redirections.entryPoint.to", true},
		{chartNGINX, "controller.config.entries.proxy-protocol", true},
		{chartNGINX, "controller.confg.entries.proxy-protocol", false},
		{chartNGINX, "controller.telemetryReporting.enable", true},
		{chartPrometheusStack, "grafana.fullnameOverride", true}, // read by grafana's templates
		{chartPrometheusStack, "grafana.fullnameOverrides", false},
		{chartAPISIX, "apisix.deployment.standalone.existingConfigMap", true},
	}
	for _, c := range cases {
		if got := acceptedKey(f.Charts[c.chart].Keys, freeForm[c.chart], c.key); got != c.ok {
			t.Errorf("%s %s: accepted %v, want %v", c.chart, c.key, got, c.ok)
		}
	}
}
