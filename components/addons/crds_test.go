package addons

import (
	"slices"
	"strings"
	"testing"
)

const configGroup = "kubernetes:yaml/v2:ConfigGroup"

// TestCRDsUpgradeWithTheChart: every chart that keeps CRDs in crds/ (which Helm installs once and
// never upgrades) has them managed so that a bump upgrades them: kube-prometheus-stack through
// prometheus-operator-crds (CRDs as templates) with its own crds/ off, the others through a
// ConfigGroup of the crds/ files at the pinned commit with the release skipping its crds/.
func TestCRDsUpgradeWithTheChart(t *testing.T) {
	f := loadFacts(t)
	for _, scenario := range []string{"defaults", "traefik"} {
		doc, _ := run(t, opts, keysScenarios[scenario])
		for _, r := range doc.Find(helmRelease) {
			key := chartFor(r.Inputs["chart"].(string))
			fc := f.Charts[key]
			// the chart's CRDs are applied once, by the group named after its first release (the
			// public ingress controller's, which the internal one shares)
			group := doc.Get(configGroup, r.Name+"-crds")
			if group == nil && strings.HasSuffix(r.Name, "-internal") {
				group = doc.Get(configGroup, strings.TrimSuffix(r.Name, "-internal")+"-crds")
			}
			switch {
			case key == chartPrometheusStack:
				if fc.CRDs == nil {
					t.Fatalf("kube-prometheus-stack %s: facts list no crds/ files: check the generator", fc.Version)
				}
				crds := get(t, doc, helmRelease, "test-monitoring-crds")
				if path(r.Inputs["values"], "crds", "enabled") != false || !slices.Contains(r.Dependencies, crds.URN) {
					t.Errorf("%s: crds.enabled %v, depends on prometheus-operator-crds %v", r.Name, path(r.Inputs["values"], "crds", "enabled"), slices.Contains(r.Dependencies, crds.URN))
				}
				if op := f.Charts[chartPrometheusCRDs]; op.AppVersion != fc.AppVersion {
					t.Errorf("prometheus-operator-crds %s is of operator %s, kube-prometheus-stack %s runs %s", op.Version, op.AppVersion, fc.Version, fc.AppVersion)
				}
			case fc.CRDs != nil:
				src, ok := chartCRDs[key]
				if !ok {
					t.Errorf("%s %s ships CRDs in crds/ (%v) and they are not managed", key, fc.Version, fc.CRDs.Files)
					continue
				}
				if src.Repo != fc.CRDs.Repo || src.Commit != fc.CRDs.Commit || !slices.Equal(src.Files, fc.CRDs.Files) {
					t.Errorf("%s: chartCRDs %+v differs from chartfacts.json %+v: copy the facts of the pinned version", key, src, *fc.CRDs)
				}
				if group == nil || r.Inputs["skipCrds"] != true || !slices.Contains(r.Dependencies, group.URN) {
					t.Errorf("%s: skipCrds %v, CRDs group %v", r.Name, r.Inputs["skipCrds"], group != nil)
					continue
				}
				files, _ := group.Inputs["files"].([]any)
				if len(files) != len(src.Files) || files[0] != src.URLs()[0] {
					t.Errorf("%s: CRD files %v, want %v", group.Name, files, src.URLs())
				}
			default:
				if group != nil || r.Inputs["skipCrds"] == true {
					t.Errorf("%s: %s ships no crds/, yet skipCrds %v and a CRDs group %v", r.Name, key, r.Inputs["skipCrds"], group != nil)
				}
			}
		}
	}
	// one group per chart: the two ingress controllers never apply the same CRDs twice
	doc, _ := run(t, opts, nil)
	if n := len(doc.Find(configGroup)); n != len(chartCRDs)-1 { // traefik's are not used with nginx
		t.Errorf("%d CRD groups with nginx, want %d", n, len(chartCRDs)-1)
	}
	for key := range chartCRDs {
		if fc := f.Charts[key]; fc.CRDs == nil {
			t.Errorf("chartCRDs has %s, whose pinned version ships no crds/", key)
		}
	}
}
