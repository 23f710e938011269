package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/stacks"
)

type violationJSON struct {
	Policy       string `json:"policy"`
	URN          string `json:"urn"`
	Resource     string `json:"resource"`
	Message      string `json:"message"`
	Enforcement  string `json:"enforcement"`
	Waived       bool   `json:"waived"`
	WaiverReason string `json:"waiverReason"`
}

func violationsOf(t *testing.T, out string) []violationJSON {
	t.Helper()
	var doc struct {
		Violations *[]violationJSON `json:"violations"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	if doc.Violations == nil {
		t.Fatal(`the document has no "violations" list`)
	}
	return *doc.Violations
}

// The three stacks have no violation at all; the tree ends with the policy summary.
func TestStacksHaveNoViolations(t *testing.T) {
	for _, stack := range []string{"dev", "staging", "production"} {
		code, out, stderr := runCmd("preview", "--stack", stack, "--json")
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", stack, code, stderr)
		}
		for _, v := range violationsOf(t, out) {
			if !v.Waived {
				t.Errorf("%s: %s %s: %s (%s)", stack, v.Policy, v.Resource, v.Message, v.Enforcement)
			}
		}
	}
	code, out, _ := runCmd("preview", "--stack", "production")
	i := strings.Index(out, "\nPolicies: ")
	if code != exitOK || i < 0 || strings.Contains(out[i:], "Resources:") {
		t.Fatalf("tree does not end with the policy summary:\n%s", out)
	}
	if !strings.Contains(out[i:], "rules evaluated (environment production)") || !strings.Contains(out[i:], "0  mandatory violations") {
		t.Errorf("summary: %s", out[i:])
	}
}

// A mandatory violation exits 3 after printing the report; waivers with a reason turn it into a
// reported, waived finding and the preview passes.
func TestMandatoryViolationExit3AndWaivers(t *testing.T) {
	prod, err := os.ReadFile("../../Pulumi.production.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "  flowmart-platform:registry:\n"
	if !strings.Contains(string(prod), anchor) {
		t.Fatalf("Pulumi.production.yaml has no %q", anchor)
	}
	mutable := strings.Replace(string(prod), anchor, anchor+"    immutableTags: false\n", 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi.production.yaml")
	if err := os.WriteFile(path, []byte(mutable), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, stderr := runCmd("preview", "--config-file", path, "--json")
	if code != exitPolicy {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitPolicy, stderr)
	}
	// the stack file's own waivers (the VPN gateway's Elastic IP) stay waived
	var vs []violationJSON
	stackWaived := 0
	for _, v := range violationsOf(t, out) {
		if v.Waived {
			stackWaived++
			continue
		}
		vs = append(vs, v)
	}
	if len(vs) == 0 {
		t.Fatal("no violations in the JSON")
	}
	for _, v := range vs {
		if v.Policy != "FM-ECR-002" || v.Enforcement != "mandatory" || v.Waived || !strings.Contains(v.URN, "aws:ecr/repository:Repository::") || v.Resource == "" {
			t.Errorf("unexpected violation %+v", v)
		}
	}
	if want := fmt.Sprintf("error: %d mandatory policy violation(s)\n", len(vs)); stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}

	code, out, _ = runCmd("preview", "--config-file", path)
	if code != exitPolicy || !strings.Contains(out, "mandatory  FM-ECR-002  production-storefront: imageTagMutability is \"MUTABLE\"") {
		t.Errorf("tree: exit %d, lacks the violation line:\n%s", code, out)
	}

	// Waive every one (one by URN, the others by name): reported as waived, exit 0.
	const waivers = "  flowmart-platform:policyWaivers:\n"
	if !strings.Contains(mutable, waivers) {
		t.Fatalf("Pulumi.production.yaml has no %q", waivers)
	}
	var b strings.Builder
	b.WriteString(waivers)
	for i, v := range vs {
		res := v.Resource
		if i == 0 {
			res = v.URN
		}
		fmt.Fprintf(&b, "    - policy: FM-ECR-002\n      resource: %q\n      reason: images are rebuilt for each tag during the migration\n", res)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(mutable, waivers, b.String(), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCmd("preview", "--config-file", path, "--json")
	if code != exitOK {
		t.Fatalf("waived: exit %d: %s", code, stderr)
	}
	waived := violationsOf(t, out)
	if len(waived) != len(vs)+stackWaived {
		t.Fatalf("waived run reports %d violations, want %d", len(waived), len(vs)+stackWaived)
	}
	for _, v := range waived {
		if v.Policy != "FM-ECR-002" {
			continue
		}
		if !v.Waived || v.WaiverReason != "images are rebuilt for each tag during the migration" {
			t.Errorf("not waived: %+v", v)
		}
	}
	code, out, _ = runCmd("preview", "--config-file", path)
	_, summary, found := strings.Cut(out, "\nPolicies")
	if !found {
		t.Fatalf("no policy summary in:\n%s", out)
	}
	if code != exitOK || !strings.Contains(summary, fmt.Sprintf("%4d  waived", len(vs)+stackWaived)) ||
		!strings.Contains(summary, "FM-ECR-002  production-storefront: images are rebuilt") ||
		!strings.Contains(summary, "waived     FM-ECR-002  production-storefront:") {
		t.Errorf("tree summary:\n%s", summary)
	}

	// A waiver without a reason is a configuration error naming the entry.
	noReason := strings.Replace(mutable, waivers, waivers+"    - policy: FM-ECR-002\n      resource: production-storefront\n", 1)
	if err := os.WriteFile(path, []byte(noReason), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCmd("preview", "--config-file", path)
	if code != exitConfig || !strings.HasPrefix(stderr, "error: policyWaivers[0].reason: is empty") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("waiver without reason: exit %d %q", code, stderr)
	}
}

// Every stateful resource of production is protected, found by enumerating policy.StatefulTypes
// over the production graph; dev protects nothing, so it can be torn down.
func TestProductionProtectsStatefulResources(t *testing.T) {
	for _, env := range []string{"production", "dev"} {
		doc, err := stacks.Preview("../..", env, "")
		if err != nil {
			t.Fatal(err)
		}
		all := doc.PolicyResources()
		seen := map[string]int{}
		for _, r := range all {
			if !policy.Stateful(r, all) {
				continue
			}
			seen[r.Type]++
			if r.Protect != (env == "production") {
				t.Errorf("%s: %s %s protect = %v", env, r.Type, r.Name, r.Protect)
			}
		}
		// The stateful resources the stacks hold today; the SQL Server host, its volumes, secrets
		// and backup vault join this list as their components land.
		for _, typ := range []string{policy.TypeEKSCluster, policy.TypeKMSKey, policy.TypeECRRepository, policy.TypeCertificate} {
			if seen[typ] == 0 {
				t.Errorf("%s: no %s in the graph", env, typ)
			}
		}
	}
}
