package stacks

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/flowmart/platform/pkg/renovate"
)

// TestRenovateMatchesTheStackPins: every managed node group release version in the stack files is
// found by Renovate's release manager, every AMI under an amiFilter comment by the AMI manager,
// and the built-in managers for go.mod and the workflows are enabled.
func TestRenovateMatchesTheStackPins(t *testing.T) {
	c, err := renovate.Load("../renovate.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"custom.regex", "gomod", "github-actions"} {
		if !slices.Contains(c.EnabledManagers, m) {
			t.Errorf("renovate.json does not enable %s", m)
		}
	}
	releaseRe := regexp.MustCompile(`releaseVersion: ([0-9.]+-[0-9]{8})`)
	annotatedAMIRe := regexp.MustCompile(`# renovate: amiFilter=.+\n\s*amiId: (ami-[0-9a-f]+)`)
	for _, env := range []string{"dev", "staging", "production"} {
		file := "Pulumi." + env + ".yaml"
		b, err := os.ReadFile("../" + file)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := c.Matching(file)
		if err != nil {
			t.Fatal(err)
		}
		releases, amis := map[string]bool{}, map[string]bool{}
		for _, m := range ms {
			deps, err := m.Extract(string(b))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range deps {
				switch m.DatasourceTemplate {
				case "github-releases":
					releases[d["kubelet"]+"-"+d["currentValue"]] = true
				case "aws-machine-image":
					amis[d["currentValue"]] = true
				}
			}
		}
		pinned := releaseRe.FindAllStringSubmatch(string(b), -1)
		if len(pinned) == 0 {
			t.Errorf("%s: no releaseVersion pin to check", file)
		}
		for _, p := range pinned {
			if !releases[p[1]] {
				t.Errorf("%s: releaseVersion %s is not matched by renovate.json", file, p[1])
			}
		}
		for _, p := range annotatedAMIRe.FindAllStringSubmatch(string(b), -1) {
			if !amis[p[1]] {
				t.Errorf("%s: AMI %s under an amiFilter comment is not matched", file, p[1])
			}
		}
	}
}
