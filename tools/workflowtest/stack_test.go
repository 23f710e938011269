package workflowtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The rollback target: the history as the DIY backend prints it (newest first, "version": 0 on
// every entry, testdata/history-newest-first.json) gives the newest successful update of another
// commit, not the oldest.
func TestPreviousPicksNewestSuccessfulUpdateOfAnotherCommit(t *testing.T) {
	e := newEnv(t)
	head := e.git("rev-parse", "HEAD")
	e.fakeFile("history.json", testdata(t, "history-newest-first.json", "HEAD_SHA", head, "HEAD_SHORT", head[:12]))
	r := e.script("stack.sh", nil, "previous", "dev", "aws")
	if r.code != 0 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	sha, _ := e.sha()
	// Newest first: HEAD failed, a refresh, bbbb failed, aaaa succeeded (the answer), then older.
	if sha != strings.Repeat("a", 40) {
		t.Fatalf("sha=%q, want the newest successful update of another commit (aaaa…)", sha)
	}
	if !strings.Contains(r.stdout, "previous successful deploy of dev (aws): "+strings.Repeat("a", 40)) {
		t.Errorf("stdout: %q", r.stdout)
	}
	calls := e.calls("stack history")
	if len(calls) != 1 || !strings.Contains(calls[0], "--stack dev --json --page-size 100") || !strings.HasPrefix(calls[0], "aws\t") {
		t.Errorf("history calls: %q", calls)
	}
}

// The selection the issue measured (sort_by(.version) | last) picks the oldest success of this
// very fixture: the fixture has the shape that breaks it.
func TestOldSelectionPicksTheOldestOnTheRealShape(t *testing.T) {
	head := strings.Repeat("f", 40)
	in := testdata(t, "history-newest-first.json", "HEAD_SHA", head, "HEAD_SHORT", head[:12])
	cmd := exec.Command("jq", "-r", "--arg", "head", head, `[ .[] | select(.kind == "update" and .result == "succeeded")
            | select((.environment["git.head"] // "") != "" and .environment["git.head"] != $head) ]
      | sort_by(.version) | last | .environment["git.head"] // empty`)
	cmd.Stdin = strings.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != strings.Repeat("8", 40) {
		t.Fatalf("old selection gave %q; the fixture no longer shows the bug", got)
	}
}

// Without any "version" key at all the order of the list still decides.
func TestPreviousWithoutVersionField(t *testing.T) {
	e := newEnv(t)
	head := e.git("rev-parse", "HEAD")
	h := testdata(t, "history-newest-first.json", "HEAD_SHA", head, "HEAD_SHORT", head[:12])
	h = strings.ReplaceAll(h, `"version": 0,`, "")
	if strings.Contains(h, "version") {
		t.Fatal("fixture still has a version")
	}
	e.fakeFile("history.json", h)
	if r := e.script("stack.sh", nil, "previous", "dev", "services"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if sha, _ := e.sha(); sha != strings.Repeat("a", 40) {
		t.Fatalf("sha=%q", sha)
	}
	if calls := e.calls("stack history"); len(calls) != 1 || !strings.HasPrefix(calls[0], "services\t") {
		t.Errorf("the services layer's history is read in cluster-services/: %q", calls)
	}
}

// No history, or none of another commit: one warning line, sha= empty, exit 0 (the deploy goes on
// without an automatic rollback).
func TestPreviousWithoutCandidate(t *testing.T) {
	for _, c := range []struct{ name, history string }{
		{"a stack with no history", "[]"},
		{"every entry of HEAD", ""},
		{"only failures and refreshes of other commits", `[
  {"version": 0, "kind": "update", "startTime": "2026-12-04T09:00:00.000Z", "message": "", "environment": {"git.head": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}, "config": {}, "result": "failed", "endTime": "2026-12-04T09:10:00.000Z", "resourceChanges": {}},
  {"version": 0, "kind": "refresh", "startTime": "2026-12-04T05:00:00.000Z", "message": "", "environment": {"git.head": "cccccccccccccccccccccccccccccccccccccccc"}, "config": {}, "result": "succeeded", "endTime": "2026-12-04T05:10:00.000Z", "resourceChanges": {}},
  {"version": 0, "kind": "update", "startTime": "2026-12-03T09:00:00.000Z", "message": "", "environment": {}, "config": {}, "result": "succeeded", "endTime": "2026-12-03T09:10:00.000Z", "resourceChanges": {}},
  {"version": 0, "kind": "update", "startTime": "2026-12-02T09:00:00.000Z", "message": "", "environment": {"git.head": "dddddddddddddddddddddddddddddddddddddddd"}, "config": {}, "result": "in-progress"}
]`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			head := e.git("rev-parse", "HEAD")
			h := c.history
			if h == "" {
				h = strings.NewReplacer("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", head, "9999999999999999999999999999999999999999", head,
					"8888888888888888888888888888888888888888", head).Replace(testdata(t, "history-newest-first.json", "HEAD_SHA", head, "HEAD_SHORT", head[:12]))
			}
			e.fakeFile("history.json", h)
			r := e.script("stack.sh", nil, "previous", "production", "aws")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			sha, written := e.sha()
			if !written || sha != "" {
				t.Fatalf("sha=%q written=%v, want an empty sha=", sha, written)
			}
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "::warning::production (aws) has no earlier successful update of another commit") {
				t.Fatalf("want one warning line, got %q", r.stdout)
			}
		})
	}
}

// A history that cannot be read fails the step: no guess, no sha.
func TestPreviousFailsWhenHistoryFails(t *testing.T) {
	e := newEnv(t)
	e.fakeFile("history.json", "")
	e.fakeFile("history.exit", "255")
	r := e.script("stack.sh", nil, "previous", "dev", "aws")
	if r.code == 0 {
		t.Fatal("exit 0 with a failing pulumi stack history")
	}
	if _, written := e.sha(); written {
		t.Error("sha= written although the history could not be read")
	}
}

// The preview gating: a replace of a stateful resource fails the preview step (exit 4, one line
// naming it) and the up refuses to run without a guarded plan; an update passes and the up applies
// the very plan the preview saved, with the policy pack.
func TestPreviewGatesTheUp(t *testing.T) {
	for _, layer := range []string{"aws", "services"} {
		t.Run(layer, func(t *testing.T) {
			e := newEnv(t)
			out := filepath.Join(e.temp, "plan")

			e.fakeFile("preview-"+layer+".json", previewFixture(t, "preview-replace-sqlserver.json", layer))
			r := e.script("stack.sh", nil, "preview", "dev", layer, out)
			if r.code != 4 {
				t.Fatalf("replace of the SQL Server host: exit %d, want 4\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, `blocked: replace aws:ec2/instance:Instance "dev-sqlserver": the resource holds state that would be lost (replaced for ami)`) {
				t.Errorf("no blocked line:\n%s", r.stdout)
			}
			summary, err := os.ReadFile(filepath.Join(out, "summary-dev-"+layer+".md"))
			if err != nil || !strings.Contains(string(summary), "❌ guard failed (exit 4)") || !strings.Contains(string(summary), "| replace | `aws:ec2/instance:Instance` | `dev-sqlserver` |") {
				t.Errorf("summary: %v\n%s", err, summary)
			}
			r = e.script("stack.sh", nil, "up", "dev", layer, out)
			if r.code != 3 || len(e.calls("up")) != 0 {
				t.Fatalf("up after a refused preview: exit %d, up calls %q\n%s", r.code, e.calls("up"), r.stderr)
			}

			e.fakeFile("preview-"+layer+".json", previewFixture(t, "preview-update.json", layer))
			r = e.script("stack.sh", nil, "preview", "dev", layer, out)
			if r.code != 0 || !strings.Contains(r.stdout, "guard: stack dev: 1 update, no protected or stateful resource deleted or replaced") {
				t.Fatalf("an update: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			r = e.script("stack.sh", nil, "up", "dev", layer, out)
			if r.code != 0 {
				t.Fatalf("up: exit %d\n%s", r.code, r.stderr)
			}
			root, _ := filepath.EvalSymlinks(e.repo)
			previews, ups := e.calls("preview"), e.calls("up")
			if len(previews) != 2 || len(ups) != 1 {
				t.Fatalf("previews %q, ups %q", previews, ups)
			}
			plan := filepath.Join(out, "plan-dev-"+layer+".json")
			for _, want := range []string{layer + "\tpreview --stack dev --json --non-interactive --policy-pack " + root + "/policy --save-plan " + plan} {
				if !strings.HasPrefix(previews[1], want) {
					t.Errorf("preview call %q, want prefix %q", previews[1], want)
				}
			}
			if !strings.HasPrefix(ups[0], layer+"\tup --stack dev --yes --non-interactive --diff --policy-pack "+root+"/policy --plan "+plan+" --message deploy ") {
				t.Errorf("up call %q", ups[0])
			}
			// The plan applied is the one the last (guarded) preview wrote.
			log := strings.Join(e.pulumiCalls(), "\n")
			if !strings.Contains(log, "applied\t{\"fakePlanOf\": \""+layer+"\"") {
				t.Errorf("the up did not read the saved plan:\n%s", log)
			}
		})
	}
}

// The guard fails closed: a preview that exits 0 without its JSON, or with text, or of another
// stack, is refused (exit 2) and nothing is applied.
func TestPreviewFailsClosed(t *testing.T) {
	for _, c := range []struct{ name, output string }{
		{"no output", ""},
		{"text instead of JSON", "Previewing update (dev):\n ~ aws:ec2/securityGroup:SecurityGroup dev-nodes update\n"},
		{"another stack", strings.ReplaceAll(previewFixture(t, "preview-update.json", "aws"), "urn:pulumi:dev::", "urn:pulumi:staging::")},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			out := filepath.Join(e.temp, "plan")
			e.fakeFile("preview-aws.json", c.output)
			r := e.script("stack.sh", nil, "preview", "dev", "aws", out)
			if r.code != 2 || !strings.Contains(r.stdout, "error: --engine-preview ") {
				t.Fatalf("exit %d, want 2\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if r := e.script("stack.sh", nil, "up", "dev", "aws", out); r.code != 3 || len(e.calls("up")) != 0 {
				t.Fatalf("up ran after a refused preview: exit %d", r.code)
			}
		})
	}
}

// A failing `pulumi preview` fails the step with its own status, before the guard.
func TestPreviewFailurePassesThrough(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(e.temp, "plan")
	e.fakeFile("preview-aws.json", previewFixture(t, "preview-update.json", "aws"))
	e.fakeFile("preview.exit", "255")
	r := e.script("stack.sh", nil, "preview", "dev", "aws", out)
	if r.code != 255 || strings.Contains(r.stdout, "guard:") {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "summary-dev-aws.md")); !strings.Contains(string(b), "❌ failed (exit 255)") {
		t.Errorf("summary: %s", b)
	}
}

// Production: the deploy's own preview must plan the approved operations (APPROVED_PREVIEW, the
// plan-production job's artifact), else exit 6 and nothing applied.
func TestApprovedPreview(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(e.temp, "plan")
	update := strings.ReplaceAll(previewFixture(t, "preview-update.json", "aws"), "::dev", "::production")
	update = strings.ReplaceAll(update, "urn:pulumi:dev::", "urn:pulumi:production::")
	approved := filepath.Join(e.temp, "approved-preview-production-aws.json")
	e.write(approved, update, 0o644)

	e.fakeFile("preview-aws.json", update)
	r := e.script("stack.sh", []string{"APPROVED_PREVIEW=" + approved}, "preview", "production", "aws", out)
	if r.code != 0 || !strings.Contains(r.stdout, "the operations are those of the approved preview") {
		t.Fatalf("same operations: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	more := strings.Replace(update, `"op": "update"`, `"op": "delete"`, 1)
	e.fakeFile("preview-aws.json", more)
	r = e.script("stack.sh", []string{"APPROVED_PREVIEW=" + approved}, "preview", "production", "aws", out)
	if r.code != 6 || !strings.Contains(r.stdout, "not in the approved preview: delete urn:pulumi:production::flowmart-platform::flowmart:cluster:Cluster$aws:ec2/securityGroup:SecurityGroup::production-nodes") || !strings.Contains(r.stdout, "in the approved preview only: update ") {
		t.Fatalf("another operation: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := e.script("stack.sh", nil, "up", "production", "aws", out); r.code != 3 || len(e.calls("up")) != 0 {
		t.Fatalf("up after a differing preview: exit %d", r.code)
	}
}

// Another run holding the stack's lock: the preview waits and tries again, up to the limit.
func TestPreviewWaitsForTheLock(t *testing.T) {
	e := newEnv(t)
	out := filepath.Join(e.temp, "plan")
	e.fakeFile("preview-aws.json", previewFixture(t, "preview-update.json", "aws"))
	e.fakeFile("locked", "2")
	r := e.script("stack.sh", nil, "preview", "dev", "aws", out)
	if r.code != 0 || len(e.calls("preview")) != 3 || strings.Count(r.stderr, "the stack is locked by another run: waiting") != 2 {
		t.Fatalf("exit %d, %d previews\n%s", r.code, len(e.calls("preview")), r.stderr)
	}

	e2 := newEnv(t)
	e2.fakeFile("preview-aws.json", previewFixture(t, "preview-update.json", "aws"))
	e2.fakeFile("locked", "5")
	r = e2.script("stack.sh", []string{"PLATFORM_LOCK_WAIT_SECONDS=2"}, "preview", "dev", "aws", filepath.Join(e2.temp, "plan"))
	if r.code != 255 || len(e2.calls("preview")) != 3 || !strings.Contains(r.stderr, "the stack is currently locked") {
		t.Fatalf("lock never released: exit %d, %d previews\n%s", r.code, len(e2.calls("preview")), r.stderr)
	}
}

// The health check reads the outputs of both layers (the services layer's win) and its exit
// status passes through: 5 (unhealthy) fails the step with 5, so the job's rollback runs.
func TestHealthPassesExitStatusThrough(t *testing.T) {
	for _, status := range []string{"0", "5", "2"} {
		t.Run("exit "+status, func(t *testing.T) {
			e := newEnv(t)
			e.fakeFile("outputs-aws.json", `{"kubeconfig": "apiVersion: v1\nkind: Config\n", "region": "eu-west-1", "sqlServerInstanceId": "i-0123456789abcdef0", "argocdUrl": "https://old.example"}`)
			e.fakeFile("outputs-services.json", `{"argocdUrl": "https://argocd.dev.flowmart.example", "grafanaUrl": "https://grafana.dev.flowmart.example"}`)
			e.fakeFile("health.exit", status)
			deployed := filepath.Join(e.temp, "rollback")
			if err := os.MkdirAll(deployed, 0o750); err != nil {
				t.Fatal(err)
			}
			r := e.script("stack.sh", []string{"PLATFORM_BIN=" + filepath.Join(e.fake, "platform-health")}, "health", "dev", deployed)
			if want := map[string]int{"0": 0, "5": 5, "2": 2}[status]; r.code != want {
				t.Fatalf("exit %d, want %d\n%s", r.code, want, r.stderr)
			}
			args, _ := os.ReadFile(filepath.Join(e.fake, "platform.log"))
			if !strings.HasPrefix(string(args), "health --stack dev --outputs ") || !strings.HasSuffix(strings.TrimSpace(string(args)), " --dir "+deployed) {
				t.Errorf("platform called with %q", args)
			}
			seen, _ := os.ReadFile(filepath.Join(e.fake, "outputs-seen.json"))
			for _, want := range []string{`"argocdUrl": "https://argocd.dev.flowmart.example"`, `"sqlServerInstanceId": "i-0123456789abcdef0"`, `"grafanaUrl"`, `"kubeconfig"`} {
				if !strings.Contains(string(seen), want) {
					t.Errorf("merged outputs lack %s:\n%s", want, seen)
				}
			}
			path, _ := os.ReadFile(filepath.Join(e.fake, "outputs-path"))
			if _, err := os.Stat(strings.TrimSpace(string(path))); !os.IsNotExist(err) {
				t.Errorf("the outputs file (secrets) is left behind: %v", err)
			}
			outputs := e.calls("stack output")
			if len(outputs) != 2 || !strings.HasPrefix(outputs[0], "aws\tstack output --stack dev --json --show-secrets") || !strings.HasPrefix(outputs[1], "services\t") {
				t.Errorf("stack output calls %q", outputs)
			}
		})
	}
}

// The drift check needs its own role for the program's providers, and passes refresh's status.
func TestDrift(t *testing.T) {
	e := newEnv(t)
	log := filepath.Join(e.temp, "refresh.txt")
	r := e.script("stack.sh", []string{"PLATFORM_ASSUME_ROLE_ARN="}, "drift", "dev", "services", log)
	if r.code != 2 || len(e.pulumiCalls()) != 0 || !strings.Contains(r.stderr, "PLATFORM_ASSUME_ROLE_ARN is not set") {
		t.Fatalf("without the drift role: exit %d, calls %q", r.code, e.pulumiCalls())
	}
	role := "arn:aws:iam::111111111111:role/flowmart-drift-dev"
	e.fakeFile("refresh.exit", "255")
	r = e.script("stack.sh", []string{"PLATFORM_ASSUME_ROLE_ARN=" + role}, "drift", "dev", "services", log)
	calls := e.calls("refresh")
	if r.code != 255 || len(calls) != 1 || !strings.HasPrefix(calls[0], "services\trefresh --stack dev --preview-only --expect-no-changes --run-program") ||
		!strings.Contains(calls[0], "PLATFORM_ASSUME_ROLE_ARN="+role) || !strings.Contains(r.stdout, "Previewing refresh (fake)") {
		t.Fatalf("exit %d, calls %q, stdout %q", r.code, calls, r.stdout)
	}
}

// The drift refresh leaves out the secret versions (the drift role may not read secret values;
// refreshing one reads it) and nothing else; a stack export of the real shape (deployment.resources
// with urn and type) names them.
func TestDriftExcludesSecretValues(t *testing.T) {
	e := newEnv(t)
	sa := "urn:pulumi:production::flowmart-platform::flowmart:sqlserver:SQLServerHost$aws:secretsmanager/secretVersion:SecretVersion::production-sqlserver-sa"
	vpn := "urn:pulumi:production::flowmart-platform::flowmart:vpn:VPNGateway$aws:secretsmanager/secretVersion:SecretVersion::production-vpn-private-key"
	secret := "urn:pulumi:production::flowmart-platform::flowmart:sqlserver:SQLServerHost$aws:secretsmanager/secret:Secret::production-sqlserver-sa"
	e.fakeFile("export-aws.json", `{"version": 3, "deployment": {"manifest": {}, "resources": [
		{"urn": "urn:pulumi:production::flowmart-platform::pulumi:pulumi:Stack::flowmart-platform-production", "type": "pulumi:pulumi:Stack"},
		{"urn": "`+secret+`", "type": "aws:secretsmanager/secret:Secret"},
		{"urn": "`+sa+`", "type": "aws:secretsmanager/secretVersion:SecretVersion"},
		{"urn": "`+vpn+`", "type": "aws:secretsmanager/secretVersion:SecretVersion"}]}}`)
	role := "arn:aws:iam::777788889999:role/flowmart-drift"
	r := e.script("stack.sh", []string{"PLATFORM_ASSUME_ROLE_ARN=" + role}, "drift", "production", "aws", filepath.Join(e.temp, "refresh.txt"))
	calls := e.calls("refresh")
	if r.code != 0 || len(calls) != 1 {
		t.Fatalf("exit %d, calls %q, stderr %s", r.code, calls, r.stderr)
	}
	if !strings.Contains(calls[0], "--exclude "+sa) || !strings.Contains(calls[0], "--exclude "+vpn) || strings.Contains(calls[0], "--exclude "+secret) ||
		strings.Count(calls[0], "--exclude") != 2 {
		t.Errorf("refresh call %q", calls[0])
	}
	// A layer without secret versions excludes nothing.
	r = e.script("stack.sh", []string{"PLATFORM_ASSUME_ROLE_ARN=" + role}, "drift", "production", "services", filepath.Join(e.temp, "refresh.txt"))
	if calls := e.calls("refresh"); r.code != 0 || len(calls) != 2 || strings.Contains(calls[1], "--exclude") {
		t.Errorf("services layer: exit %d, calls %q", r.code, calls)
	}
}

// checkout refuses a commit that is not on the checked-out branch.
func TestCheckoutOnlyReviewedCommits(t *testing.T) {
	e := newEnv(t)
	e.git("checkout", "--quiet", "-b", "feature")
	e.write(filepath.Join(e.repo, "x.txt"), "x", 0o644)
	feature := e.commit("unreviewed")
	e.git("checkout", "--quiet", "main")
	r := e.script("stack.sh", nil, "checkout", feature, filepath.Join(e.temp, "rollback"))
	if r.code != 1 || !strings.Contains(r.stdout, "only reviewed commits of the default branch are deployed") {
		t.Fatalf("exit %d: %s", r.code, r.stdout)
	}
	first := e.git("rev-parse", "HEAD")
	r = e.script("stack.sh", nil, "checkout", first, filepath.Join(e.temp, "rollback"))
	if r.code != 0 || !strings.Contains(r.stdout, "checked out "+first) {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestUsage(t *testing.T) {
	e := newEnv(t)
	for _, args := range [][]string{{}, {"bogus", "dev"}, {"previous"}, {"preview", "dev", "aws"}, {"up", "dev"}, {"previous", "dev", "network"}} {
		r := e.script("stack.sh", nil, args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d", args, r.code)
		}
	}
}

// A commit from before the split has no services layer: one line, exit 1, nothing run.
func TestPreviewOfAMissingLayer(t *testing.T) {
	e := newEnv(t)
	if err := os.RemoveAll(filepath.Join(e.repo, "cluster-services")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(e.temp, "plan")
	r := e.script("stack.sh", nil, "preview", "dev", "services", out)
	if r.code != 1 || !strings.Contains(r.stderr, "this checkout has no services layer") || len(e.pulumiCalls()) != 0 {
		t.Fatalf("exit %d, stderr %q, calls %q", r.code, r.stderr, e.pulumiCalls())
	}
	if b, _ := os.ReadFile(filepath.Join(out, "summary-dev-services.md")); !strings.Contains(string(b), "this commit has no services layer") {
		t.Errorf("summary %q", b)
	}
}

// The real `platform health`, called as stack.sh calls it (both layers' outputs merged, --dir the
// checkout deployed): outputs without a kubeconfig fail at once with exit 5, passed through.
func TestHealthWithTheRealCommand(t *testing.T) {
	e := newEnv(t)
	e.fakeFile("outputs-aws.json", `{"region": "eu-west-1"}`)
	e.fakeFile("outputs-services.json", `{}`)
	deployed, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	r := e.script("stack.sh", nil, "health", "dev", deployed)
	if r.code != 5 || !strings.Contains(r.stdout, "FAIL  cluster") || !strings.Contains(r.stdout, "output kubeconfig is missing") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
