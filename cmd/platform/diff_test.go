package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
)

// writeBaseline previews a stack, lets edit change the document, and writes it as a baseline file.
func writeBaseline(t *testing.T, stack string, edit func(*preview.Document)) string {
	t.Helper()
	code, out, stderr := runCmd("preview", "--stack", stack, "--json")
	if code != exitOK {
		t.Fatalf("preview: %d %s", code, stderr)
	}
	var doc preview.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	edit(&doc)
	b, _ := json.Marshal(&doc)
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDiffAgainstItsOwnGraphIsClean(t *testing.T) {
	path := writeBaseline(t, "dev", func(*preview.Document) {})
	code, out, stderr := runCmd("diff", "--stack", "dev", "--against", path)
	if code != exitOK || !strings.Contains(out, "0 to create, 0 to update, 0 to replace, 0 renamed without alias, 0 to delete") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
}

// A baseline where the subnet had another CIDR and was protected: today's graph replaces it.
func TestDiffBlocksReplacingAProtectedResource(t *testing.T) {
	path := writeBaseline(t, "dev", func(d *preview.Document) {
		s := d.Get("aws:ec2/subnet:Subnet", "dev-private-eu-west-1a")
		s.Inputs["cidrBlock"] = "10.10.64.0/19"
		s.Protect = true
	})
	code, out, stderr := runCmd("diff", "--stack", "dev", "--against", path)
	if code != exitBlocked {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitBlocked, out, stderr)
	}
	if !strings.Contains(out, "replace  aws:ec2/subnet:Subnet dev-private-eu-west-1a  BLOCKED: the resource is protected") ||
		!strings.Contains(out, `cidrBlock: "10.10.64.0/19" -> "10.10.0.0/19" (forces replacement)`) {
		t.Errorf("report:\n%s", out)
	}
	if !strings.HasPrefix(stderr, "error: 1 change(s) would delete or replace") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestDiffTwoEnvironments(t *testing.T) {
	code, out, stderr := runCmd("diff", "--stack", "dev", "--stack", "production", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Counts []struct {
			Type string `json:"type"`
			A, B int
		} `json:"counts"`
		Settings []struct{ Path string } `json:"settings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range rep.Counts {
		if c.Type == "aws:ec2/natGateway:NatGateway" && c.A == 1 && c.B == 3 {
			found = true
		}
	}
	if !found || len(rep.Settings) == 0 {
		t.Errorf("env diff = %s", out)
	}
}

func TestDiffUsage(t *testing.T) {
	for _, args := range [][]string{{"diff"}, {"diff", "--stack", "dev"}, {"diff", "--stack", "dev", "--against", "/nonexistent.json"}} {
		if code, _, stderr := runCmd(args...); code != exitFailure || !strings.HasPrefix(stderr, "error: ") {
			t.Errorf("%v: exit %d %q", args, code, stderr)
		}
	}
}

// A baseline from before the layers (every resource in the AWS layer's project, the Kubernetes
// provider under the cluster): the services layer's resources move, none is deleted, created or
// renamed, and nothing blocks; a baseline resource with no counterpart is still a delete.
func TestDiffAgainstAPreLayerBaselineMoves(t *testing.T) {
	const services = "::flowmart-platform-services::"
	moved := 0
	path := writeBaseline(t, "production", func(d *preview.Document) {
		d.Layers = nil
		var kept []*preview.Resource
		for _, r := range d.Resources {
			if r.Layer == "cluster-services" {
				switch r.Type {
				case "pulumi:pulumi:Stack", "pulumi:pulumi:StackReference", "pulumi:providers:aws", "pulumi:providers:cloudflare":
					continue // the services layer's own: not in a single-project state
				}
				moved++
			}
			r.Layer = ""
			r.URN = strings.Replace(r.URN, services, "::flowmart-platform::", 1)
			r.Parent = strings.Replace(r.Parent, services, "::flowmart-platform::", 1)
			if r.Type == "pulumi:providers:kubernetes" {
				r.URN = "urn:pulumi:production::flowmart-platform::flowmart:cluster:Cluster$pulumi:providers:kubernetes::production-k8s"
			}
			kept = append(kept, r)
		}
		kept = append(kept, &preview.Resource{URN: "urn:pulumi:production::flowmart-platform::aws:s3/bucket:Bucket::gone", Type: "aws:s3/bucket:Bucket", Name: "gone", Custom: true, Inputs: map[string]any{}})
		d.Resources = kept
	})
	code, out, stderr := runCmd("diff", "--stack", "production", "--against", path, "--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	var rep struct {
		Changes []struct{ Kind, Type, Name string } `json:"changes"`
		Moves   []struct{ From, To, Layer string }  `json:"moves"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Moves) != moved || moved < 50 {
		t.Errorf("%d moves, want %d", len(rep.Moves), moved)
	}
	for _, m := range rep.Moves {
		if m.Layer != "cluster-services" || !strings.Contains(m.To, services) || strings.Contains(m.From, services) {
			t.Errorf("move %+v", m)
		}
	}
	kinds := map[string]int{}
	for _, c := range rep.Changes {
		kinds[c.Kind]++
		if c.Kind == "delete" && c.Name != "gone" {
			t.Errorf("deletes %s %s", c.Type, c.Name)
		}
	}
	if kinds["delete"] != 1 || kinds["rename"] != 0 || kinds["replace"] != 0 || kinds["create"] != 4 {
		t.Errorf("changes by kind %v, want the one delete and the services layer's stack, reference and two providers created", kinds)
	}
	_, text, _ := runCmd("diff", "--stack", "production", "--against", path)
	if !strings.Contains(text, "resource(s) move to the cluster-services layer: run `pulumi state move`") ||
		!strings.Contains(text, "-> move     flowmart:addons:PlatformAddons production") {
		t.Errorf("text report:\n%s", text)
	}
}
