package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testKubeconfig = "apiVersion: v1\nkind: Config\n# SECRET-KUBECONFIG\n"
	testPassword   = "hunter2-not-for-logs"
)

// fakeRunner answers external commands from a script keyed by the command's words, and records
// every call and what the kubeconfig file looked like when kubectl ran.
type fakeRunner struct {
	mu      sync.Mutex
	answer  func(call []string) (string, error)
	calls   [][]string
	kubeErr []string // problems with the kubeconfig file seen by kubectl
}

func (f *fakeRunner) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	call := append([]string{name}, args...)
	f.mu.Lock()
	f.calls = append(f.calls, call)
	if name == "kubectl" && len(args) > 1 && args[0] == "--kubeconfig" {
		info, err := os.Stat(args[1])
		switch {
		case err != nil:
			f.kubeErr = append(f.kubeErr, err.Error())
		case info.Mode().Perm() != 0o600:
			f.kubeErr = append(f.kubeErr, "mode "+info.Mode().Perm().String())
		default:
			if b, _ := os.ReadFile(args[1]); string(b) != testKubeconfig {
				f.kubeErr = append(f.kubeErr, "content "+string(b))
			}
		}
	}
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := f.answer(call)
	return []byte(out), err
}

func (f *fakeRunner) count(words ...string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if has(c, words...) {
			n++
		}
	}
	return n
}

// has reports whether call contains every word.
func has(call []string, words ...string) bool {
	for _, w := range words {
		found := false
		for _, c := range call {
			if c == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// healthyAnswers is a cluster where everything is fine; override answers to break one check.
func healthyAnswers(polls *int) func([]string) (string, error) {
	return func(call []string) (string, error) {
		switch {
		case has(call, "get", "--raw=/readyz"):
			return "ok", nil
		case has(call, "get", "deployments,statefulsets,daemonsets"):
			if has(call, "logging") {
				return "", nil // no workloads
			}
			return "deployment.apps/server\nstatefulset.apps/db\n", nil
		case has(call, "rollout", "status"):
			return "successfully rolled out", nil
		case has(call, "ssm", "send-command"):
			return "cmd-0123\n", nil
		case has(call, "ssm", "get-command-invocation"):
			*polls++
			if *polls == 1 {
				return "", errors.New("aws: An error occurred (InvocationDoesNotExist) when calling the GetCommandInvocation operation")
			}
			if *polls == 2 {
				return `{"Status":"InProgress"}`, nil
			}
			return `{"Status":"Success","StandardOutputContent":"TcpTestSucceeded=True\r\n"}`, nil
		}
		return "", errors.New("unexpected command " + strings.Join(call, " "))
	}
}

type endpoints struct {
	ok, notFound, redirect, broken *httptest.Server
}

func newEndpoints(t *testing.T) endpoints {
	t.Helper()
	serve := func(status int) *httptest.Server {
		s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status == http.StatusFound {
				http.Redirect(w, r, "https://login.invalid/", status)
				return
			}
			w.WriteHeader(status)
		}))
		t.Cleanup(s.Close)
		return s
	}
	return endpoints{ok: serve(200), notFound: serve(404), redirect: serve(302), broken: serve(503)}
}

func testOutputs(e endpoints) map[string]any {
	return map[string]any{
		"kubeconfig":            testKubeconfig,
		"region":                "eu-west-1",
		"argocdUrl":             e.ok.URL,
		"apiUrl":                e.notFound.URL,
		"keycloakUrl":           e.redirect.URL,
		"grafanaUrl":            e.ok.URL + "/login",
		"keycloakAdminPassword": testPassword,
		"sqlServerInstanceId":   "i-0123456789abcdef0",
		"sqlServerEndpoint":     "sql.production.flowmart.internal",
		"sqlServerPort":         1433.0,
	}
}

func testConfig(t *testing.T, outputs map[string]any, r *fakeRunner, client *http.Client) healthConfig {
	return healthConfig{
		stack:      "production",
		outputs:    outputs,
		namespaces: []string{"argocd", "logging"},
		attempts:   2,
		interval:   time.Second,
		timeout:    2 * time.Second,
		poll:       time.Millisecond,
		run:        r,
		client:     client,
		sleep:      func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		tempDir:    t.TempDir(),
	}
}

// runHealth runs the check and returns the exit status and the lines of stdout by check name.
func runHealth(t *testing.T, cfg healthConfig) (int, map[string]string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := health(cfg, &out, &errb)
	all := out.String() + errb.String()
	for _, secret := range []string{"SECRET-KUBECONFIG", testPassword, "sql.production.flowmart.internal"} {
		if strings.Contains(all, secret) {
			t.Errorf("output shows a secret or private value %q:\n%s", secret, all)
		}
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out.String(), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || (f[0] != "ok" && f[0] != "FAIL" && f[0] != "skip") {
			continue
		}
		name := f[1]
		if (name == "rollout" || name == "https") && len(f) > 2 {
			name += " " + f[2]
		}
		lines[name] = l
	}
	entries, _ := os.ReadDir(cfg.tempDir)
	if len(entries) != 0 {
		t.Errorf("the kubeconfig file was left behind: %v", entries)
	}
	return code, lines, all
}

func TestHealthAllChecksPass(t *testing.T) {
	e := newEndpoints(t)
	polls := 0
	r := &fakeRunner{answer: healthyAnswers(&polls)}
	code, lines, all := runHealth(t, testConfig(t, testOutputs(e), r, e.ok.Client()))
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, all)
	}
	want := map[string]string{
		"cluster":         "ok    cluster                API server /readyz ok",
		"rollout argocd":  "ok    rollout argocd         2 workload(s) rolled out",
		"rollout logging": "ok    rollout logging        no workloads",
		"https argocd":    "answered 200, certificate valid",
		"https apisix":    "answered 404, certificate valid",
		"https keycloak":  "answered 302, certificate valid",
		"https grafana":   "/login answered 200",
		"sqlserver":       "port 1433 reachable from i-0123456789abcdef0 through SSM",
	}
	for name, w := range want {
		if !strings.Contains(lines[name], w) || !strings.HasPrefix(lines[name], "ok") {
			t.Errorf("%s: %q, want %q", name, lines[name], w)
		}
	}
	if !strings.Contains(all, "8 ok, 0 failed, 0 skipped") {
		t.Errorf("summary:\n%s", all)
	}
	if len(r.kubeErr) != 0 {
		t.Errorf("kubeconfig file: %v", r.kubeErr)
	}
	// The SSM command runs Test-NetConnection on the private name and port, with the region.
	var send []string
	for _, c := range r.calls {
		if has(c, "send-command") {
			send = c
		}
	}
	joined := strings.Join(send, " ")
	for _, w := range []string{"--instance-ids i-0123456789abcdef0", "--document-name AWS-RunPowerShellScript", "--region eu-west-1",
		"Test-NetConnection -ComputerName 'sql.production.flowmart.internal' -Port 1433"} {
		if !strings.Contains(joined, w) {
			t.Errorf("send-command lacks %q: %s", w, joined)
		}
	}
	if polls != 3 {
		t.Errorf("%d invocation polls, want 3 (not yet registered, in progress, success)", polls)
	}
	if n := r.count("rollout", "status", "--namespace", "argocd"); n != 2 {
		t.Errorf("%d rollout waits in argocd, want one per workload", n)
	}
}

func TestHealthFailures(t *testing.T) {
	e := newEndpoints(t)
	cases := []struct {
		name    string
		outputs func(map[string]any)
		answer  func(next func([]string) (string, error)) func([]string) (string, error)
		client  *http.Client
		check   string // the failing line
		want    string
		skipped []string
	}{
		{name: "cluster unreachable", check: "cluster", want: "kubectl: Unable to connect to the server",
			answer: func(next func([]string) (string, error)) func([]string) (string, error) {
				return func(c []string) (string, error) {
					if has(c, "--raw=/readyz") {
						return "", errors.New("kubectl: Unable to connect to the server: dial tcp: i/o timeout")
					}
					return next(c)
				}
			}},
		{name: "cluster not ready", check: "cluster", want: `/readyz answered "[-]etcd failed`,
			answer: func(next func([]string) (string, error)) func([]string) (string, error) {
				return func(c []string) (string, error) {
					if has(c, "--raw=/readyz") {
						return "[-]etcd failed: reason withheld", nil
					}
					return next(c)
				}
			}},
		{name: "no kubeconfig", check: "cluster", want: "output kubeconfig is missing",
			outputs: func(o map[string]any) { delete(o, "kubeconfig") }, skipped: []string{"rollout argocd", "rollout logging"}},
		{name: "secret placeholder", check: "cluster", want: "pass the file of `pulumi stack output --json --show-secrets`",
			outputs: func(o map[string]any) { o["kubeconfig"] = "[secret]" }},
		{name: "rollout stuck", check: "rollout argocd", want: "statefulset.apps/db not rolled out: kubectl: error: timed out waiting for the condition",
			answer: func(next func([]string) (string, error)) func([]string) (string, error) {
				return func(c []string) (string, error) {
					if has(c, "rollout", "status", "statefulset.apps/db") {
						return "", errors.New("kubectl: error: timed out waiting for the condition")
					}
					return next(c)
				}
			}},
		{name: "endpoint 503", check: "https apisix", want: "answered 503 Service Unavailable",
			outputs: func(o map[string]any) { o["apiUrl"] = e.broken.URL }},
		{name: "untrusted certificate", check: "https argocd", want: "x509: certificate signed by unknown authority", client: &http.Client{},
			outputs: func(o map[string]any) { o["apiUrl"], o["keycloakUrl"], o["grafanaUrl"] = "", "", "" }},
		{name: "certificate for another name", check: "https keycloak", want: "x509: certificate is valid for",
			outputs: func(o map[string]any) { o["keycloakUrl"] = strings.Replace(e.ok.URL, "127.0.0.1", "localhost", 1) }},
		{name: "plain http", check: "https grafana", want: "output grafanaUrl is not an https:// URL",
			outputs: func(o map[string]any) { o["grafanaUrl"] = "http://grafana.example.com" }},
		{name: "port closed", check: "sqlserver", want: "port 1433 not reachable from i-0123456789abcdef0 (Test-NetConnection failed)",
			answer: func(next func([]string) (string, error)) func([]string) (string, error) {
				return func(c []string) (string, error) {
					if has(c, "get-command-invocation") {
						return `{"Status":"Failed","StandardOutputContent":"TcpTestSucceeded=False"}`, nil
					}
					return next(c)
				}
			}},
		{name: "ssm unavailable", check: "sqlserver", want: "aws: An error occurred (InvalidInstanceId)",
			answer: func(next func([]string) (string, error)) func([]string) (string, error) {
				return func(c []string) (string, error) {
					if has(c, "send-command") {
						return "", errors.New("aws: An error occurred (InvalidInstanceId) when calling the SendCommand operation: Instances not in a valid state")
					}
					return next(c)
				}
			}},
		{name: "invocation never ends", check: "sqlserver", want: "still running",
			answer: func(next func([]string) (string, error)) func([]string) (string, error) {
				return func(c []string) (string, error) {
					if has(c, "get-command-invocation") {
						return `{"Status":"InProgress"}`, nil
					}
					return next(c)
				}
			}},
		{name: "injected endpoint", check: "sqlserver", want: "output sqlServerEndpoint is not a host name",
			outputs: func(o map[string]any) { o["sqlServerEndpoint"] = "x'; Remove-Item C:\\ -Recurse; '" }},
		{name: "bad port", check: "sqlserver", want: "output sqlServerPort is not a port number",
			outputs: func(o map[string]any) { o["sqlServerPort"] = "99999" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			outputs := testOutputs(e)
			if c.outputs != nil {
				c.outputs(outputs)
			}
			polls := 0
			answer := healthyAnswers(&polls)
			if c.answer != nil {
				answer = c.answer(answer)
			}
			client := e.ok.Client()
			if c.client != nil {
				client = c.client
			}
			r := &fakeRunner{answer: answer}
			cfg := testConfig(t, outputs, r, client)
			if c.name == "invocation never ends" {
				cfg.timeout = 500 * time.Millisecond // long enough for send-command on a loaded machine; the polls never end
				cfg.sleep = sleepContext
			}
			code, lines, all := runHealth(t, cfg)
			if code != exitUnhealthy {
				t.Fatalf("exit %d, want %d:\n%s", code, exitUnhealthy, all)
			}
			if l := lines[c.check]; !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, c.want) || !strings.HasSuffix(l, "(2 tries)") {
				t.Errorf("%s: %q, want FAIL with %q after 2 tries\n%s", c.check, l, c.want, all)
			}
			for name, l := range lines {
				if name != c.check && strings.HasPrefix(l, "FAIL") {
					t.Errorf("another check failed: %s", l)
				}
			}
			for _, s := range c.skipped {
				if !strings.HasPrefix(lines[s], "skip") {
					t.Errorf("%s: %q, want skip", s, lines[s])
				}
			}
			if !strings.Contains(all, "error: 1 health check(s) failed on stack production") {
				t.Errorf("stderr:\n%s", all)
			}
		})
	}
}

// A check that fails once and then passes is healthy, and says it needed a second try.
func TestHealthRetries(t *testing.T) {
	e := newEndpoints(t)
	polls, readyz := 0, 0
	next := healthyAnswers(&polls)
	r := &fakeRunner{answer: func(c []string) (string, error) {
		if has(c, "--raw=/readyz") {
			readyz++
			if readyz == 1 {
				return "", errors.New("kubectl: connection refused")
			}
		}
		return next(c)
	}}
	cfg := testConfig(t, testOutputs(e), r, e.ok.Client())
	var slept []time.Duration
	cfg.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	code, lines, all := runHealth(t, cfg)
	if code != exitOK || !strings.HasSuffix(lines["cluster"], "(2 tries)") || !strings.HasPrefix(lines["cluster"], "ok") {
		t.Fatalf("exit %d, cluster %q:\n%s", code, lines["cluster"], all)
	}
	if len(slept) == 0 || slept[0] != time.Second {
		t.Errorf("no pause of --interval between tries: %v", slept)
	}
}

// Outputs an environment does not have are skipped, not failed: an add-on turned off, no SQL Server.
func TestHealthSkipsAbsentOutputs(t *testing.T) {
	e := newEndpoints(t)
	outputs := testOutputs(e)
	for _, k := range []string{"apiUrl", "sqlServerInstanceId"} {
		delete(outputs, k)
	}
	outputs["grafanaUrl"] = ""
	polls := 0
	code, lines, all := runHealth(t, testConfig(t, outputs, &fakeRunner{answer: healthyAnswers(&polls)}, e.ok.Client()))
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, all)
	}
	for _, name := range []string{"https apisix", "https grafana", "sqlserver"} {
		if !strings.HasPrefix(lines[name], "skip") {
			t.Errorf("%s: %q", name, lines[name])
		}
	}
	if !strings.Contains(all, "5 ok, 0 failed, 3 skipped") {
		t.Errorf("summary:\n%s", all)
	}
}

func TestHealthCommandLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"health"}, exitFailure, "health needs --stack <name> and --outputs <file>"},
		{[]string{"health", "--stack", "dev"}, exitFailure, "health needs --stack"},
		{[]string{"health", "--stack", "dev", "--outputs", filepath.Join(dir, "none.json")}, exitFailure, "--outputs"},
		{[]string{"health", "--stack", "dev", "--outputs", write("bad.json", "[secret]")}, exitFailure, "not the JSON object of `pulumi stack output --json --show-secrets`"},
		{[]string{"health", "--stack", "dev", "--outputs", write("o.json", "{}"), "--retries", "0"}, exitFailure, "--retries must be at least 1"},
		{[]string{"health", "--bogus"}, exitFailure, "flag provided but not defined"},
		// Without a kubeconfig the cluster check fails before any command runs: exit 5.
		{[]string{"health", "--stack", "dev", "--outputs", write("empty.json", "{}"), "--retries", "1", "--interval", "0s"}, exitUnhealthy, "error: 1 health check(s) failed on stack dev"},
	} {
		code, out, stderr := runCmd(c.args...)
		if code != c.code || !strings.Contains(out+stderr, c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", c.args, code, c.code, c.want, out, stderr)
		}
		if strings.Count(stderr, "error:") > 1 {
			t.Errorf("%v: more than one error line: %s", c.args, stderr)
		}
	}
}

func TestReadOutputsKeepsTypes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "o.json")
	b, _ := json.Marshal(map[string]any{"sqlServerPort": 1433, "kubeconfig": map[string]any{"apiVersion": "v1"}})
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := readOutputs(p)
	if err != nil {
		t.Fatal(err)
	}
	if port, err := portOf(o["sqlServerPort"]); err != nil || port != 1433 {
		t.Errorf("port %d %v", port, err)
	}
	if port, err := portOf(nil); err != nil || port != 1433 {
		t.Errorf("default port %d %v", port, err)
	}
	cfg := healthConfig{outputs: o, tempDir: t.TempDir()}
	path, cleanup, err := writeKubeconfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	info, _ := os.Stat(path)
	text, _ := os.ReadFile(path)
	if info.Mode().Perm() != 0o600 || string(text) != `{"apiVersion":"v1"}` {
		t.Errorf("kubeconfig object written as %s with mode %v", text, info.Mode().Perm())
	}
}
