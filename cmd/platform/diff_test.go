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
