package diff

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestUpstreamFactsInSync keeps the embedded facts what shared/upstream gave: (a) their sha256 is
// the one recorded in upstream/PROVENANCE.md, so an edit by hand fails; (b) where shared/upstream
// sits next to the repository (not on CI), they are byte-for-byte its files and PROVENANCE.md
// quotes its README; (c) the two files agree with each other and with conditions.go.
func TestUpstreamFactsInSync(t *testing.T) {
	prov, err := os.ReadFile(filepath.Join("upstream", "PROVENANCE.md"))
	if err != nil {
		t.Fatal(err)
	}
	embedded := map[string][]byte{"forcenew.json": forceNewJSON, "forcenew-evidence.json": forceNewEvidenceJSON}

	// (a)
	recorded := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| (forcenew(?:-evidence)?\\.json) \\| `([0-9a-f]{64})` \\|$").FindAllStringSubmatch(string(prov), -1) {
		recorded[m[1]] = m[2]
	}
	for _, name := range sortedKeys(embedded) {
		sum := sha256.Sum256(embedded[name])
		switch got := hex.EncodeToString(sum[:]); {
		case recorded[name] == "":
			t.Errorf("upstream/PROVENANCE.md records no sha256 for %s", name)
		case got != recorded[name]:
			t.Errorf("embedded upstream/%s has sha256 %s, PROVENANCE.md records %s: facts are copied from shared/upstream, never edited by hand", name, got, recorded[name])
		}
	}

	// (b)
	if dir := sharedUpstream(t); dir == "" {
		t.Log("shared/upstream is not next to the repository (as on CI): byte comparison skipped, hashes and consistency checked")
	} else {
		for _, name := range sortedKeys(embedded) {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Errorf("%s: %v", dir, err)
				continue
			}
			if !bytes.Equal(b, embedded[name]) {
				t.Errorf("upstream/%s differs from %s: copy it and record its sha256 in PROVENANCE.md", name, filepath.Join(dir, name))
			}
		}
		readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		if q := quoteFrom(string(readme), "## forcenew.json"); q == "" || !strings.Contains(string(prov), q) {
			t.Errorf("upstream/PROVENANCE.md does not quote %s from \"## forcenew.json\" on, verbatim", filepath.Join(dir, "README.md"))
		}
		t.Logf("embedded facts compared byte for byte with %s", dir)
	}

	// (c)
	f, err := parseFacts(forceNewJSON, forceNewEvidenceJSON, conditions)
	if err != nil {
		t.Fatal(err)
	}
	checkEvidenceLines(t, f)
}

// sharedUpstream returns shared/upstream next to the repository (../../../shared/upstream from
// this package), found from the module root so that it does not depend on where the package sits;
// "" when it is not there.
func sharedUpstream(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
	shared := filepath.Join(filepath.Dir(dir), "shared", "upstream")
	switch st, err := os.Stat(shared); {
	case errors.Is(err, fs.ErrNotExist):
		return ""
	case err != nil:
		t.Fatal(err)
	case !st.IsDir():
		t.Fatalf("%s is not a directory", shared)
	}
	return shared
}

// quoteFrom returns text from the line starting with heading to the end, as PROVENANCE.md quotes
// it ("> " before each line, ">" alone for an empty one).
func quoteFrom(text, heading string) string {
	i := strings.Index(text, "\n"+heading)
	if i < 0 {
		return ""
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(text[i+1:], "\n"), "\n") {
		if line == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + line + "\n")
		}
	}
	return b.String()
}

// withoutFileLine are the paths whose evidence names no file and line (PROVENANCE.md, "Notes on
// the data"). A new one fails the test; so does one that gains a file:line (remove it here).
var withoutFileLine = map[string]string{
	"aws:ec2/instance:Instance ebsBlockDevices[]":                          "derived from the set's ForceNew fields",
	"aws:ec2/instance:Instance networkInterfaces[]":                        "derived from the set's ForceNew fields",
	"aws:eks/cluster:Cluster remoteNetworkConfig":                          "a pull request and a changelog entry",
	"aws:eks/cluster:Cluster remoteNetworkConfig.remoteNodeNetworks.cidrs": "a pull request and a changelog entry",
	"aws:eks/cluster:Cluster remoteNetworkConfig.remotePodNetworks.cidrs":  "a pull request and a changelog entry",
	"aws:rds/instance:Instance name":                                       "pulumi-aws resources.go, no line",
	"pulumi:providers:aws region":                                          "pulumi-aws resources.go, no line",
}

// An evidence line names a repository, a commit or tag, and a file with its line.
var (
	evidenceRepo     = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+ `)
	evidenceRevision = regexp.MustCompile(`\b(v\d+\.\d+\.\d+|[0-9a-f]{7,40})\b`)
	evidenceFileLine = regexp.MustCompile(`[A-Za-z0-9_./-]+\.[a-z]+:\d+`)
)

func checkEvidenceLines(t *testing.T, f *factTable) {
	t.Helper()
	for _, typ := range sortedKeys(f.evidence) {
		for _, p := range sortedKeys(f.evidence[typ].Paths) {
			pe := f.evidence[typ].Paths[p]
			ok := false
			for _, line := range pe.Evidence {
				if evidenceRepo.MatchString(line) && evidenceRevision.MatchString(line) && evidenceFileLine.MatchString(line) {
					ok = true
				}
			}
			_, known := withoutFileLine[typ+" "+p]
			switch {
			case !ok && !known:
				t.Errorf("%s %s: no evidence line names repository, commit or tag, and file:line: %q", typ, p, pe.Evidence)
			case ok && known:
				t.Errorf("%s %s: now has a file:line, remove it from withoutFileLine", typ, p)
			}
		}
	}
}

func TestParseFactsRejectsInconsistentFiles(t *testing.T) {
	const okEvidence = `"evidence": ["o/r v1.2.3 f.go:1"]`
	noConds := map[string]map[string]condition{}
	for _, tc := range []struct {
		name, forceNew, evidence string
		conds                    map[string]map[string]condition
		want                     string
	}{
		{"path without evidence", `{"t": ["a", "b"]}`, `{"t": {"kind": "sdkv2", "tfResource": "x", "paths": {"a": {"kind": "forcenew", "semantics": "attr", ` + okEvidence + `}}}}`, noConds, "t b: in forcenew.json, no evidence"},
		{"evidence without path", `{"t": []}`, `{"t": {"paths": {"a": {"kind": "forcenew", ` + okEvidence + `}}}}`, noConds, "t a: evidence for a path forcenew.json does not list"},
		{"type without evidence", `{"t": [], "u": []}`, `{"t": {"paths": {}}}`, noConds, "u: in forcenew.json, not in forcenew-evidence.json"},
		{"evidence type without paths", `{"t": []}`, `{"t": {"paths": {}}, "u": {"paths": {}}}`, noConds, "u: in forcenew-evidence.json, not in forcenew.json"},
		{"unknown semantics", `{"t": ["a"]}`, `{"t": {"tfResource": "x", "paths": {"a": {"kind": "forcenew", "semantics": "sometimes", ` + okEvidence + `}}}}`, noConds, `semantics "sometimes"`},
		{"no semantics on a Terraform type", `{"t": ["a"]}`, `{"t": {"tfResource": "x", "paths": {"a": {"kind": "forcenew", ` + okEvidence + `}}}}`, noConds, "no semantics on a type bridged from x"},
		{"unknown kind", `{"t": ["a"]}`, `{"t": {"paths": {"a": {"kind": "maybe", ` + okEvidence + `}}}}`, noConds, `kind "maybe"`},
		{"conditional without its condition", `{"t": ["a"]}`, `{"t": {"paths": {"a": {"kind": "conditional", ` + okEvidence + `}}}}`, noConds, "no condition is implemented"},
		{"condition for a forcenew path", `{"t": ["a"]}`, `{"t": {"paths": {"a": {"kind": "forcenew", ` + okEvidence + `}}}}`, map[string]map[string]condition{"t": {"a": {}}}, "mark it refines"},
		{"condition for no path", `{"t": []}`, `{"t": {"paths": {}}}`, map[string]map[string]condition{"t": {"b": {}}}, "the facts do not list"},
		{"no evidence line", `{"t": ["a"]}`, `{"t": {"paths": {"a": {"kind": "forcenew", "evidence": []}}}}`, noConds, "no evidence line"},
		{"unknown field", `{"t": ["a"]}`, `{"t": {"paths": {"a": {"kind": "forcenew", "why": "", ` + okEvidence + `}}}}`, noConds, `unknown field "why"`},
	} {
		_, err := parseFacts([]byte(tc.forceNew), []byte(tc.evidence), tc.conds)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	if _, err := parseFacts([]byte(`{"t": ["a"]}`), []byte(`{"t": {"paths": {"a": {"kind": "conditional", `+okEvidence+`}}}}`),
		map[string]map[string]condition{"t": {"a": {decide: func(change) verdict { return verdict{} }}}}); err != nil {
		t.Errorf("consistent files: %v", err)
	}
}
