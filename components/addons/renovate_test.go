package addons

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/renovate"
)

func renovateDeps(t *testing.T, file string) []map[string]string {
	t.Helper()
	c, err := renovate.Load("../../renovate.json")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := c.Matching("components/addons/" + file)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var deps []map[string]string
	for _, m := range ms {
		d, err := m.Extract(string(b))
		if err != nil {
			t.Fatal(err)
		}
		deps = append(deps, d...)
	}
	return deps
}

// TestRenovateMatchesTheChartsTable: Renovate's charts manager finds every chart of the Charts
// table with its repository and version (a refactor of the table that breaks the match fails).
func TestRenovateMatchesTheChartsTable(t *testing.T) {
	found := map[string]bool{}
	for _, d := range renovateDeps(t, "charts.go") {
		if d["registryUrl"] == "" || d["depName"] == "" {
			continue
		}
		for key, ch := range Charts {
			if ch.Repository == d["registryUrl"] && ch.Chart == d["depName"] && ch.Version == d["currentValue"] {
				found[key] = true
			}
		}
	}
	for key, ch := range Charts {
		if !found[key] {
			t.Errorf("renovate.json matches no %s %s from %s in charts.go", ch.Chart, ch.Version, ch.Repository)
		}
	}
}

// TestRenovateMatchesThePinnedImages: every image tag the component pins is found with its image.
func TestRenovateMatchesThePinnedImages(t *testing.T) {
	want := map[string]string{
		keycloakImage:                       keycloakTag,
		etcdRegistry + "/" + etcdRepository: etcdTag,
		postgresRepository:                  postgresTag,
	}
	got := map[string]string{}
	files, _ := filepath.Glob("*.go")
	comments := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		comments += strings.Count(string(b), "// renovate: ")
		for _, d := range renovateDeps(t, f) {
			if d["datasource"] == "docker" {
				got[d["depName"]] = d["currentValue"]
			}
		}
	}
	for image, tag := range want {
		if got[image] != tag {
			t.Errorf("renovate.json finds %s at %q, want %q", image, got[image], tag)
		}
	}
	if len(got) != comments {
		t.Errorf("%d renovate comments, %d matched: a comment is no longer on the line above its constant", comments, len(got))
	}
}
