package addons

import (
	"slices"
	"strings"
	"testing"
)

const testECR = "111122223333.dkr.ecr.eu-west-1.amazonaws.com"

// testMirrors are the pull-through caches a stack may have (registry.UpstreamRegistries).
var testMirrors = map[string]string{
	"quay.io":         testECR + "/quay",
	"registry.k8s.io": testECR + "/k8s",
	"public.ecr.aws":  testECR + "/ecr-public",
}

// TestChartImagesMatchFacts: the image maps the mirrors rewrite are those of the pinned charts'
// values (the first source's where a subchart's default is overridden by the parent): a bump
// that adds, moves or re-homes an image fails here until chartImages is updated.
func TestChartImagesMatchFacts(t *testing.T) {
	f := loadFacts(t)
	for key := range Charts {
		var want []imageRef
		seen := map[string]bool{}
		for _, img := range f.Charts[key].Images {
			if img.Repository == "" || seen[img.Path] {
				continue
			}
			seen[img.Path] = true
			want = append(want, imageRef{img.Path, img.Registry, img.Repository})
		}
		got := chartImages[key]
		slices.SortFunc(got, func(a, b imageRef) int { return strings.Compare(a.Path, b.Path) })
		if !slices.Equal(got, want) {
			t.Errorf("%s: chartImages %v, chartfacts.json %v", key, got, want)
		}
	}
}

// imageStrings collects every registry, repository and image string of Helm values.
func imageStrings(v any, key string, out *[]string) {
	switch t := v.(type) {
	case map[string]any:
		reg, _ := t["registry"].(string)
		if repo, ok := t["repository"].(string); ok && reg != "" {
			*out = append(*out, reg+"/"+repo)
		}
		for k, e := range t {
			imageStrings(e, k, out)
		}
	case string:
		if key == "repository" || key == "image" || key == "imageName" || key == "registry" {
			*out = append(*out, t)
		}
	}
}

// TestImagesPullThroughMirrors: with mirrors set, no image in any release's values names a
// cached upstream directly, and every image map of a chart whose default is on a cached upstream
// is overridden to the mirror (so the chart's own default is not used either).
func TestImagesPullThroughMirrors(t *testing.T) {
	for _, scenario := range []string{"defaults", "apisix-etcd"} {
		doc, _ := run(t, opts, func(a *PlatformAddonsArgs) {
			if m := keysScenarios[scenario]; m != nil {
				m(a)
			}
			a.ImageMirrors = testMirrors
		})
		for _, r := range doc.Find(helmRelease) {
			key := chartFor(r.Inputs["chart"].(string))
			var images []string
			imageStrings(r.Inputs["values"], "", &images)
			for _, img := range images {
				for host := range testMirrors {
					if strings.HasPrefix(img, host+"/") || img == host {
						t.Errorf("%s %s: image %q is pulled from %s, not its mirror", scenario, r.Name, img, host)
					}
				}
			}
			for _, ref := range chartImages[key] {
				host := ref.Registry
				if host == "" {
					host, _ = imageHost(ref.Repository)
				}
				mirror, cached := testMirrors[host]
				if !cached {
					continue
				}
				m, _ := path(r.Inputs["values"], strings.Split(ref.Path, ".")...).(map[string]any)
				got, _ := m["repository"].(string)
				if ref.Registry != "" {
					got, _ = m["registry"].(string)
				}
				if !strings.HasPrefix(got, mirror) {
					t.Errorf("%s %s: %s is %v, want it under %s", scenario, r.Name, ref.Path, m, mirror)
				}
			}
		}
	}
	// and without mirrors the values name upstreams (the test above would fail without them)
	doc, _ := run(t, opts, nil)
	var images []string
	imageStrings(get(t, doc, helmRelease, "test-keycloak").Inputs["values"], "", &images)
	if !slices.Contains(images, keycloakImage) {
		t.Errorf("keycloak images without mirrors: %v", images)
	}
}

func TestMirrorValues(t *testing.T) {
	cases := []struct {
		name, chart string
		values      map[string]any
		path        []string
		want        string
	}{
		{"repository with host", chartMetricsServer, nil, []string{"image", "repository"}, testECR + "/k8s/metrics-server/metrics-server"},
		{"registry key", chartPrometheusStack, nil, []string{"prometheus", "prometheusSpec", "image", "registry"}, testECR + "/quay"},
		{"subchart", chartPrometheusStack, nil, []string{"kube-state-metrics", "image", "registry"}, testECR + "/k8s"},
		{"the component's own pin", chartKeycloak, map[string]any{"image": map[string]any{"repository": keycloakImage}}, []string{"image", "repository"}, testECR + "/quay/keycloak/keycloak"},
		{"uncached host untouched", chartCloudNativePG, nil, []string{"image"}, ""},
	}
	for _, c := range cases {
		got := lookup(mirrorValues(c.chart, c.values, testMirrors), c.path...)
		if c.want == "" && got != nil || c.want != "" && got != c.want {
			t.Errorf("%s: %v, want %q", c.name, got, c.want)
		}
	}
	if len(mirrorValues(chartMetricsServer, nil, nil)) != 0 {
		t.Error("values without mirrors")
	}
	for _, c := range []struct{ ref, host, rest string }{
		{"quay.io/keycloak/keycloak", "quay.io", "keycloak/keycloak"},
		{"nginx/nginx-ingress", "docker.io", "nginx/nginx-ingress"},
		{"busybox", "docker.io", "library/busybox"},
		{"localhost:5000/x", "localhost:5000", "x"},
	} {
		if h, r := imageHost(c.ref); h != c.host || r != c.rest {
			t.Errorf("imageHost(%q) = %q %q", c.ref, h, r)
		}
	}
}
