package workflowtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the repository, seen from this package's directory.
const repoRoot = "../.."

// platformBin is the real `platform` command, built once by TestMain.
var platformBin string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		for _, tool := range []string{"bash", "git"} {
			if _, err := exec.LookPath(tool); err != nil {
				fmt.Fprintf(os.Stderr, "workflowtest: %s is not on PATH (the scripts need it): %v\n", tool, err)
				return 1
			}
		}
		dir, err := os.MkdirTemp("", "workflowtest-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer func() { _ = os.RemoveAll(dir) }()
		if err := ensureJQ(dir); err != nil {
			fmt.Fprintln(os.Stderr, "workflowtest:", err)
			return 1
		}
		platformBin = filepath.Join(dir, "platform")
		build := exec.Command("go", "build", "-o", platformBin, "github.com/flowmart/platform/cmd/platform")
		build.Dir = repoRoot
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "workflowtest: go build ./cmd/platform: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}())
}

// ensureJQ makes `jq` available to the scripts: the system's (ubuntu-24.04 runners have it, as
// the workflows rely on), or, on a machine with only Go (the README's `go test ./...`), gojq
// (github.com/itchyny/gojq, a jq implementation in Go, pinned as a tool in go.mod) built into dir
// as jq, first on PATH. WORKFLOWTEST_JQ=gojq forces the second, to check the scripts' filters
// against both.
func ensureJQ(dir string) error {
	if _, err := exec.LookPath("jq"); err == nil && os.Getenv("WORKFLOWTEST_JQ") != "gojq" {
		return nil
	}
	bin := filepath.Join(dir, "jqbin")
	if err := os.MkdirAll(bin, 0o750); err != nil {
		return err
	}
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "jq"), "github.com/itchyny/gojq/cmd/gojq")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("jq is not on PATH and gojq could not be built: %w\n%s", err, out)
	}
	return os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// fakePulumi is the `pulumi` on PATH: it appends one line per call to $FAKE_DIR/pulumi.log
// (layer, arguments, PLATFORM_ASSUME_ROLE_ARN, whether PULUMI_CONFIG_PASSPHRASE is set) and answers
// from files in $FAKE_DIR: history.json (+ history.exit), preview-<layer>.json (+ preview.exit),
// outputs-<layer>.json, export-<layer>.json (stack export), up.exit, refresh.exit; locked holds how many more previews fail on the
// DIY backend's lock message.
const fakePulumi = `#!/usr/bin/env bash
set -u
d=$FAKE_DIR
layer=aws
case "$PWD" in */cluster-services) layer=services ;; esac
printf '%s\t%s\tPLATFORM_ASSUME_ROLE_ARN=%s\tPULUMI_CONFIG_PASSPHRASE=%s\n' "$layer" "$*" "${PLATFORM_ASSUME_ROLE_ARN-<unset>}" "${PULUMI_CONFIG_PASSPHRASE+set}" >>"$d/pulumi.log"
status() { cat "$d/$1.exit" 2>/dev/null || echo 0; }
flag() { local want=$1 prev="" a; shift; for a in "$@"; do [ "$prev" = "$want" ] && { echo "$a"; return; }; prev=$a; done; }
case "$1" in
stack)
  case "${2:-}" in
  select) exit 0 ;;
  history) cat "$d/history.json"; exit "$(status history)" ;;
  output) cat "$d/outputs-$layer.json"; exit 0 ;;
  export) cat "$d/export-$layer.json" 2>/dev/null || echo '{"version": 3, "deployment": {"resources": []}}'; exit 0 ;;
  esac
  ;;
preview)
  if [ -f "$d/locked" ] && [ "$(cat "$d/locked")" -gt 0 ]; then
    echo $(( $(cat "$d/locked") - 1 )) >"$d/locked"
    echo "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with ` + "`pulumi cancel`" + `." >&2
    exit 255
  fi
  plan=$(flag --save-plan "$@")
  if [ -n "$plan" ]; then echo "{\"fakePlanOf\": \"$layer\", \"pid\": $$}" >"$plan"; fi
  cat "$d/preview-$layer.json" 2>/dev/null
  exit "$(status preview)"
  ;;
up)
  plan=$(flag --plan "$@")
  if [ -n "$plan" ]; then printf 'applied\t%s\n' "$(cat "$plan")" >>"$d/pulumi.log"; fi
  exit "$(status up)"
  ;;
refresh)
  echo "Previewing refresh (fake)"
  exit "$(status refresh)"
  ;;
esac
exit 0
`

// fakeAWS is the `aws` on PATH: it records its arguments and succeeds. No script may need it; a
// call shows in aws.log.
const fakeAWS = `#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_DIR/aws.log"
`

// fakeHealth is a PLATFORM_BIN for `stack.sh health`: it records its arguments and the outputs
// file it was given, and exits with $FAKE_DIR/health.exit.
const fakeHealth = `#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_DIR/platform.log"
prev=""
for a in "$@"; do
  if [ "$prev" = --outputs ]; then cp "$a" "$FAKE_DIR/outputs-seen.json"; echo "$a" >"$FAKE_DIR/outputs-path"; fi
  prev=$a
done
exit "$(cat "$FAKE_DIR/health.exit" 2>/dev/null || echo 0)"
`

// env is one test's world: a git repository laid out like this one (a root project, cluster-
// services/, policy/), a fake bin directory first on PATH, and the files the fakes read.
type env struct {
	t      *testing.T
	repo   string // the checkout the scripts run in
	fake   string // FAKE_DIR
	temp   string // RUNNER_TEMP
	output string // GITHUB_OUTPUT
	vars   map[string]string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	base := t.TempDir()
	e := &env{t: t, repo: filepath.Join(base, "repo"), fake: filepath.Join(base, "fake"), temp: filepath.Join(base, "runner-temp")}
	bin := filepath.Join(base, "bin")
	for _, d := range []string{e.repo, e.fake, e.temp, bin, filepath.Join(e.repo, "cluster-services"), filepath.Join(e.repo, "policy")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	e.write(filepath.Join(bin, "pulumi"), fakePulumi, 0o755)
	e.write(filepath.Join(bin, "aws"), fakeAWS, 0o755)
	e.write(filepath.Join(e.fake, "platform-health"), fakeHealth, 0o755)
	e.write(filepath.Join(e.repo, "Pulumi.yaml"), "name: flowmart-platform\nruntime: go\n", 0o644)
	e.write(filepath.Join(e.repo, "cluster-services", "Pulumi.yaml"), "name: flowmart-platform-services\nruntime: go\nstackConfigDir: ..\n", 0o644)
	e.write(filepath.Join(e.repo, "policy", "PulumiPolicy.yaml"), "runtime: go\n", 0o644)
	e.git("init", "--quiet", "--initial-branch=main")
	e.commit("first")
	e.output = filepath.Join(base, "github-output")
	e.write(e.output, "", 0o644)
	e.vars = map[string]string{
		"PATH":               bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME":               base,
		"FAKE_DIR":           e.fake,
		"RUNNER_TEMP":        e.temp,
		"GITHUB_OUTPUT":      e.output,
		"PLATFORM_BIN":       platformBin,
		"PULUMI_BACKEND_URL": "s3://flowmart-state-dev?region=eu-west-1",
		"GIT_CONFIG_GLOBAL":  filepath.Join(base, "gitconfig"),
		// Never wait in tests: a locked stack is retried at once.
		"PLATFORM_LOCK_POLL_SECONDS": "0",
	}
	e.write(filepath.Join(base, "gitconfig"), "[user]\n\tname = Test\n\temail = test@flowmart.example\n[init]\n\tdefaultBranch = main\n", 0o644)
	return e
}

func (e *env) write(path, content string, mode os.FileMode) {
	e.t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		e.t.Fatal(err)
	}
}

// fakeFile writes a file the fakes read.
func (e *env) fakeFile(name, content string) { e.write(filepath.Join(e.fake, name), content, 0o644) }

func (e *env) git(args ...string) string {
	e.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = e.repo
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@flowmart.example", "GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@flowmart.example")
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (e *env) commit(msg string) string {
	e.t.Helper()
	e.git("add", "-A")
	e.git("commit", "--quiet", "--allow-empty", "-m", msg)
	return e.git("rev-parse", "HEAD")
}

// result of one script run.
type result struct {
	code           int
	stdout, stderr string
}

// script runs .github/scripts/<name> in the repository with the env's variables plus extra
// ("K=V"; "K=" unsets K), as GitHub runs a step: bash --noprofile --norc -eo pipefail.
func (e *env) script(name string, extra []string, args ...string) result {
	e.t.Helper()
	path, err := filepath.Abs(filepath.Join(repoRoot, ".github", "scripts", name))
	if err != nil {
		e.t.Fatal(err)
	}
	return e.bash(`"$SCRIPT" "$@"`, append(extra, "SCRIPT="+path), args...)
}

// bash runs a step's script text in the repository.
func (e *env) bash(text string, extra []string, args ...string) result {
	e.t.Helper()
	cmd := exec.Command("bash", append([]string{"--noprofile", "--norc", "-eo", "pipefail", "-c", text, "step"}, args...)...)
	cmd.Dir = e.repo
	vars := map[string]string{}
	for k, v := range e.vars {
		vars[k] = v
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		if v == "" {
			delete(vars, k)
			continue
		}
		vars[k] = v
	}
	cmd.Env = nil
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		e.t.Fatalf("bash: %v", err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// pulumiCalls are the lines of the fake pulumi's log.
func (e *env) pulumiCalls() []string {
	b, err := os.ReadFile(filepath.Join(e.fake, "pulumi.log"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// calls returns the logged pulumi calls whose arguments start with prefix ("preview", "up").
func (e *env) calls(prefix string) []string {
	var out []string
	for _, l := range e.pulumiCalls() {
		f := strings.Split(l, "\t")
		if len(f) > 1 && strings.HasPrefix(f[1], prefix) {
			out = append(out, l)
		}
	}
	return out
}

// sha returns the value of sha= in $GITHUB_OUTPUT and whether it was written.
func (e *env) sha() (string, bool) {
	const key = "sha"
	b, err := os.ReadFile(e.output)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			return v, true
		}
	}
	return "", false
}

// testdata reads a fixture, replacing each old, new pair.
func testdata(t *testing.T, name string, replace ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer(replace...).Replace(string(b))
}

// preview fixtures for a layer: the project name in the URNs is the layer's.
func previewFixture(t *testing.T, name, layer string) string {
	project := "flowmart-platform"
	if layer == "services" {
		project = "flowmart-platform-services"
	}
	return testdata(t, name, "PROJECT", project)
}
