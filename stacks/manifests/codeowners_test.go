package manifests

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// PlatformTeam owns the offerings, the policies, the composition and the allow-lists.
const platformTeam = "@flowmart/platform-engineers"

type ownerRule struct {
	pattern string
	owners  []string
}

// codeOwners reads .github/CODEOWNERS as GitHub does for the patterns it uses: "*", a directory
// ("/stacks/") and a file ("/services/orders.yaml"), anchored at the root.
func codeOwners(t *testing.T, root string) []ownerRule {
	t.Helper()
	f, err := os.Open(filepath.Join(root, ".github", "CODEOWNERS"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var rules []ownerRule
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			t.Fatalf("CODEOWNERS: %q has no owner", line)
		}
		rules = append(rules, ownerRule{pattern: fields[0], owners: fields[1:]})
	}
	return rules
}

func (r ownerRule) matches(path string) bool {
	switch {
	case r.pattern == "*":
		return true
	case strings.HasSuffix(r.pattern, "/"):
		return strings.HasPrefix("/"+path, r.pattern)
	default:
		return "/"+path == r.pattern
	}
}

// ownersOf is GitHub's answer: the last matching pattern's owners.
func ownersOf(rules []ownerRule, path string) []string {
	var owners []string
	for _, r := range rules {
		if r.matches(path) {
			owners = r.owners
		}
	}
	return owners
}

// TestCodeOwners keeps CODEOWNERS in step with the manifests: each services/<name>.yaml is its
// owner team's alone, no line names a manifest that does not exist, and the offerings, policies,
// composition and allow-lists are the platform engineers'.
func TestCodeOwners(t *testing.T) {
	dir, err := FindDir(".")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(dir)
	rules := codeOwners(t, root)
	ms, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no manifests in services/")
	}
	manifests := map[string]bool{}
	for _, m := range ms {
		manifests["/"+m.File] = true
		got := ownersOf(rules, m.File)
		if want := "@flowmart/" + m.Owner; len(got) != 1 || got[0] != want {
			t.Errorf("CODEOWNERS gives %s to %v, want only %s (its owner): add the line %q", m.File, got, want, "/"+m.File+" "+want)
		}
	}
	for _, r := range rules {
		if strings.HasPrefix(r.pattern, "/services/") && !manifests[r.pattern] {
			t.Errorf("CODEOWNERS names %s, which is no manifest: remove the line", r.pattern)
		}
	}
	for _, p := range []string{"components/database/database.go", "components/cache/args.go", "pkg/policy/data.go", "policy/main.go", "stacks/offerings.go", "stacks/config/offerings.go", ".github/CODEOWNERS", "services/new-service.yaml"} {
		if got := ownersOf(rules, p); len(got) != 1 || got[0] != platformTeam {
			t.Errorf("CODEOWNERS gives %s to %v, want %s", p, got, platformTeam)
		}
	}
}

func TestOwnerMatching(t *testing.T) {
	rules := []ownerRule{{"*", []string{"@a"}}, {"/stacks/", []string{"@b"}}, {"/services/x.yaml", []string{"@c"}}}
	for path, want := range map[string]string{"README.md": "@a", "stacks/x.go": "@b", "services/x.yaml": "@c", "services/y.yaml": "@a", "stacksx/y": "@a"} {
		if got := ownersOf(rules, path); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %v, want %s", path, got, want)
		}
	}
}
