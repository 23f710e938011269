package cluster

import (
	"os"
	"testing"

	"github.com/flowmart/platform/pkg/renovate"
)

// TestRenovateMatchesTheAddonVersions: Renovate's EKS add-on manager finds every pinned add-on
// version with its Kubernetes version (the aws-eks-addon datasource needs both).
func TestRenovateMatchesTheAddonVersions(t *testing.T) {
	c, err := renovate.Load("../../renovate.json")
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.Matching("components/cluster/versions.go")
	if err != nil {
		t.Fatal(err)
	}
	var ms []renovate.Manager
	for _, m := range all {
		if m.DatasourceTemplate == "aws-eks-addon" {
			ms = append(ms, m)
		}
	}
	if len(ms) != 1 {
		t.Fatalf("%d aws-eks-addon managers of versions.go, want 1", len(ms))
	}
	b, err := os.ReadFile("versions.go")
	if err != nil {
		t.Fatal(err)
	}
	deps, err := ms[0].Extract(string(b))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, v := range addonVersions {
		want += len(v)
	}
	if len(deps) != want {
		t.Errorf("%d add-on versions matched, %d pinned", len(deps), want)
	}
	for _, d := range deps {
		if addonVersions[d["kubernetesVersion"]][d["depName"]] != d["currentValue"] || d["currentValue"] == "" {
			t.Errorf("matched %v, pinned %q", d, addonVersions[d["kubernetesVersion"]][d["depName"]])
		}
	}
}
