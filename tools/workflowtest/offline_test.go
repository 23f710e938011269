package workflowtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePlatform is a PLATFORM_BIN for offline-preview.sh: `preview` prints an empty graph, `diff`
// records the baseline it was given and exits with $FAKE_DIR/diff.exit.
const fakePlatform = `#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_DIR/platform.log"
case "$1" in
preview) echo '{"project": "flowmart-platform", "stack": "dev", "resources": [], "violations": []}' ;;
diff)
  prev=""
  for a in "$@"; do [ "$prev" = --against ] && cp "$a" "$FAKE_DIR/baseline-seen.json"; prev=$a; done
  echo "Changes from baseline: 0 created, 0 deleted"
  exit "$(cat "$FAKE_DIR/diff.exit" 2>/dev/null || echo 0)"
  ;;
esac
`

// offlineEnv is a repository whose main branch has (or not) a golden for dev, and a pull request
// branch with its own, different golden checked out.
func offlineEnv(t *testing.T, baseHasGolden bool) *env {
	e := newEnv(t)
	e.write(filepath.Join(e.fake, "platform"), fakePlatform, 0o755)
	e.vars["PLATFORM_BIN"] = filepath.Join(e.fake, "platform")
	golden := filepath.Join(e.repo, "stacks", "testdata", "dev.golden.json")
	if err := os.MkdirAll(filepath.Dir(golden), 0o750); err != nil {
		t.Fatal(err)
	}
	if baseHasGolden {
		e.write(golden, `{"reviewed": "main"}`, 0o644)
		e.commit("golden on main")
	}
	e.git("checkout", "--quiet", "-b", "pr")
	e.write(golden, `{"reviewed": "the pull request itself"}`, 0o644)
	e.commit("the pull request's golden")
	return e
}

func (e *env) platformCalls() string {
	b, _ := os.ReadFile(filepath.Join(e.fake, "platform.log"))
	return string(b)
}

// Without a golden at the base (or without a base at all), nothing is compared and the guard
// fails closed: diff=7, never the pull request's own golden.
func TestOfflineGuardFailsClosedWithoutBaseGolden(t *testing.T) {
	for _, c := range []struct {
		name  string
		extra []string
	}{
		{"base without golden", []string{"GOLDEN_REF=main"}},
		{"GOLDEN_REF unset", []string{"GOLDEN_REF="}},
		{"GOLDEN_REF unknown", []string{"GOLDEN_REF=origin/nope"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := offlineEnv(t, false)
			out := filepath.Join(e.temp, "report")
			r := e.script("offline-preview.sh", c.extra, "dev", out)
			if r.code != 0 || !strings.Contains(r.stdout, "preview=0\n") || !strings.Contains(r.stdout, "diff=7\n") {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(e.platformCalls(), "diff ") {
				t.Errorf("platform diff ran against something: %s", e.platformCalls())
			}
			summary, _ := os.ReadFile(filepath.Join(out, "summary-dev.md"))
			if !strings.Contains(string(summary), "❌ no golden at the base: nothing to compare with (fails closed)") {
				t.Errorf("summary:\n%s", summary)
			}
		})
	}
}

// With a golden at the base, the diff runs against the base's golden, not the pull request's.
func TestOfflineGuardComparesWithTheBaseGolden(t *testing.T) {
	e := offlineEnv(t, true)
	out := filepath.Join(e.temp, "report")
	r := e.script("offline-preview.sh", []string{"GOLDEN_REF=main"}, "dev", out)
	if r.code != 0 || !strings.Contains(r.stdout, "diff=0\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	seen, err := os.ReadFile(filepath.Join(e.fake, "baseline-seen.json"))
	if err != nil || string(seen) != `{"reviewed": "main"}` {
		t.Fatalf("baseline given to platform diff: %q (%v)", seen, err)
	}
	if !strings.Contains(e.platformCalls(), "diff --stack dev --against "+filepath.Join(out, "base-dev.golden.json")) {
		t.Errorf("platform calls: %s", e.platformCalls())
	}

	// A blocking diff shows as diff=4 for the workflow's failing step.
	e.fakeFile("diff.exit", "4")
	r = e.script("offline-preview.sh", []string{"GOLDEN_REF=main"}, "dev", out)
	if !strings.Contains(r.stdout, "diff=4\n") {
		t.Fatalf("stdout %q", r.stdout)
	}
}

// The workflow's check fails on any diff status other than 0, so 7 fails the pull request.
func TestOfflineCheckStepFailsOnSeven(t *testing.T) {
	j := readWorkflows(t)["pull-request.yml"].Jobs["offline-preview"]
	var check step
	for _, s := range j.Steps {
		if strings.HasPrefix(s.Name, "Fail on a blocking violation") {
			check = s
		}
	}
	e := newEnv(t)
	for _, c := range []struct {
		preview, diff string
		code          int
	}{{"0", "0", 0}, {"0", "7", 1}, {"0", "4", 1}, {"3", "0", 1}} {
		r := e.bash(check.Run, []string{"PREVIEW=" + c.preview, "DIFF=" + c.diff})
		if r.code != c.code {
			t.Errorf("preview=%s diff=%s: exit %d, want %d (%s)", c.preview, c.diff, r.code, c.code, r.stdout)
		}
	}
}
