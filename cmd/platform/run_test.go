package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestPreviewJSONEveryStack(t *testing.T) {
	for _, stack := range []string{"dev", "staging", "production"} {
		code, out, stderr := runCmd("preview", "--stack", stack, "--json")
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", stack, code, stderr)
		}
		var doc struct {
			Project   string           `json:"project"`
			Stack     string           `json:"stack"`
			Resources []map[string]any `json:"resources"`
			Outputs   map[string]any   `json:"outputs"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s: stdout is not JSON: %v", stack, err)
		}
		if doc.Project != "flowmart-platform" || doc.Stack != stack || len(doc.Resources) < 10 {
			t.Fatalf("%s: project %q stack %q with %d resources", stack, doc.Project, doc.Stack, len(doc.Resources))
		}
		for _, field := range []string{"urn", "type", "name", "custom", "parent", "provider", "protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges", "dependencies", "inputs", "layer"} {
			if _, ok := doc.Resources[1][field]; !ok {
				t.Errorf("%s: resource has no %q field", stack, field)
			}
		}
		// both layers: every resource names its layer, the AWS layer's first, and the summary
		// counts them
		var layers struct {
			Layers []struct {
				Name, Project, Stack string
				Resources            int
				References           []string
			} `json:"layers"`
		}
		if err := json.Unmarshal([]byte(out), &layers); err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		var order []string // the layers in the order their resources come
		for _, r := range doc.Resources {
			l, _ := r["layer"].(string)
			if len(order) == 0 || order[len(order)-1] != l {
				order = append(order, l)
			}
			counts[l]++
		}
		if strings.Join(order, ",") != "aws,cluster-services" {
			t.Errorf("%s: resources come in layers %v, want every aws one then every cluster-services one", stack, order)
		}
		if len(layers.Layers) != 2 || layers.Layers[0].Name != "aws" || layers.Layers[0].Project != "flowmart-platform" ||
			layers.Layers[1].Name != "cluster-services" || layers.Layers[1].Project != "flowmart-platform-services" ||
			layers.Layers[0].Resources != counts["aws"] || layers.Layers[1].Resources != counts["cluster-services"] ||
			len(layers.Layers[1].References) != 1 || layers.Layers[1].References[0] != "organization/flowmart-platform/"+stack {
			t.Errorf("%s: layers %+v, resources per layer %v", stack, layers.Layers, counts)
		}
		if doc.Outputs["clusterEndpoint"] == nil || doc.Outputs["argocdUrl"] == nil {
			t.Errorf("%s: outputs of both layers expected, got %v", stack, doc.Outputs)
		}
	}
}

func TestPreviewTree(t *testing.T) {
	code, out, stderr := runCmd("preview", "--stack", "dev")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"pulumi:pulumi:Stack", "─ flowmart:network:Network", "aws:ec2/vpc:Vpc", "dev-vpc", "Resources:", "aws:ec2/subnet:Subnet",
		"flowmart-platform-services-dev", "─ pulumi:pulumi:StackReference", "organization/flowmart-platform/dev", "─ flowmart:addons:PlatformAddons",
		"Layers, deployed in this order", "reads organization/flowmart-platform/dev",
		"Previewing stack dev of projects flowmart-platform then flowmart-platform-services (offline"} {
		if !strings.Contains(out, want) {
			t.Errorf("tree lacks %q", want)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd("version")
	if code != exitOK || !strings.HasPrefix(out, "platform ") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"preview"}, {"preview", "--bogus"}} {
		code, _, stderr := runCmd(args...)
		if code != exitFailure || !strings.HasPrefix(stderr, "error: ") && len(args) > 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// A broken stack file exits 1 with one line naming the key or file.
func TestBrokenStackFiles(t *testing.T) {
	dev, err := os.ReadFile("../../Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, replacement string) string {
		if !strings.Contains(string(dev), old) {
			t.Fatalf("Pulumi.dev.yaml has no %q", old)
		}
		return strings.Replace(string(dev), old, replacement, 1)
	}
	cases := []struct {
		name, content, want string
	}{
		{"bad cidr", replace("vpcCidr: 10.10.0.0/16", "vpcCidr: 10.10.0.0/33"), `error: vpcCidr: "10.10.0.0/33" is not a CIDR`},
		{"cidr too small", replace("vpcCidr: 10.10.0.0/16", "vpcCidr: 10.10.0.0/24"), "error: vpcCidr: 10.10.0.0/24 is a /24"},
		{"unknown az", replace("- eu-west-1b", "- eu-west-1x"), `error: availabilityZones: "eu-west-1x" is not a zone of region eu-west-1`},
		{"wrong type", replace("flowLogRetentionDays: 30", "flowLogRetentionDays: thirty"), "error: flowLogRetentionDays: \"thirty\" is not of the type integer"},
		{"typo", replace("natStrategy: Single", "natStrategey: Single"), "error: natStrategey: unknown key"},
		{"broken yaml", "config:\n  flowmart-platform:region: [eu-west-1\n", "error: Pulumi.broken-yaml.yaml: cannot be read:"},
		{"empty file", "", "error: environment: required key is missing"},
		// `pulumi config set` in cluster-services/ without the namespace: neither layer reads it
		{"services namespace", replace("  flowmart-platform:natStrategy: Single", "  flowmart-platform-services:natStrategy: Single"),
			"error: flowmart-platform-services:natStrategy: no layer reads this namespace: set it as flowmart-platform:natStrategy"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "Pulumi."+strings.ReplaceAll(c.name, " ", "-")+".yaml")
			if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := runCmd("preview", "--config-file", path, "--json")
			if code != exitConfig {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitConfig, stderr)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			if !strings.HasPrefix(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr = %q, want one line starting %q", stderr, c.want)
			}
		})
	}
	code, _, stderr := runCmd("preview", "--stack", "qa")
	if code != exitConfig || !strings.HasPrefix(stderr, "error: Pulumi.qa.yaml: no such stack file") {
		t.Errorf("missing stack file: exit %d %q", code, stderr)
	}
}

func TestCriticalPathFlag(t *testing.T) {
	code, out, stderr := runCmd("preview", "--stack", "production", "--json", "--critical-path")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		CriticalPath *struct {
			Seconds int      `json:"seconds"`
			Chain   []string `json:"chain"`
		} `json:"criticalPath"`
		Resources []struct {
			URN          string   `json:"urn"`
			Dependencies []string `json:"dependencies"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	// the chain crosses the layers: the cluster (AWS layer), then the reference and a release
	if doc.CriticalPath == nil || doc.CriticalPath.Seconds <= 0 || len(doc.CriticalPath.Chain) < 2 ||
		!slices.ContainsFunc(doc.CriticalPath.Chain, func(u string) bool { return strings.Contains(u, "aws:eks/cluster:Cluster") }) ||
		!slices.ContainsFunc(doc.CriticalPath.Chain, func(u string) bool {
			return strings.Contains(u, "::flowmart-platform-services::pulumi:pulumi:StackReference::")
		}) ||
		!slices.ContainsFunc(doc.CriticalPath.Chain, func(u string) bool { return strings.Contains(u, "kubernetes:helm.sh/v3:Release") }) {
		t.Fatalf("criticalPath = %+v", doc.CriticalPath)
	}
	// the chain starts at a resource that waits for nothing
	deps := map[string][]string{}
	for _, r := range doc.Resources {
		deps[r.URN] = r.Dependencies
	}
	if first := doc.CriticalPath.Chain[0]; len(deps[first]) != 0 {
		t.Errorf("chain starts at %s, which waits for %v", first, deps[first])
	}
	// without the flag the document has no criticalPath field
	_, out, _ = runCmd("preview", "--stack", "dev", "--json")
	if strings.Contains(out, `"criticalPath"`) {
		t.Error("criticalPath present without --critical-path")
	}
	_, out, _ = runCmd("preview", "--stack", "dev", "--critical-path")
	if !strings.Contains(out, "Critical path of a first deploy:") {
		t.Error("tree lacks the critical path")
	}
}

func TestGraphCommand(t *testing.T) {
	code, out, stderr := runCmd("graph", "--stack", "dev")
	if code != exitOK || !strings.HasPrefix(out, "flowchart LR\n") || !strings.Contains(out, "network Network dev") ||
		!strings.Contains(out, `subgraph layer0["aws layer: flowmart-platform"]`) || !strings.Contains(out, `subgraph layer1["cluster-services layer: flowmart-platform-services"]`) ||
		!strings.Contains(out, "addons PlatformAddons dev") {
		t.Fatalf("exit %d %q\n%s", code, stderr, out)
	}
	if code, _, _ := runCmd("graph"); code != exitFailure {
		t.Errorf("graph without --stack: exit %d", code)
	}
}
