package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/flowmart/platform/pkg/dnsname"
)

// exitUnhealthy is the exit status of `platform health` when a check fails after its retries.
const exitUnhealthy = 5

// AddonNamespaces are the namespaces whose deployments, stateful sets and daemon sets `platform
// health` waits to be rolled out (components/addons creates them; kube-system holds the cluster's
// own add-ons). A namespace without workloads (an add-on turned off) is skipped.
var AddonNamespaces = []string{"kube-system", "ingress", "argocd", "apisix", "keycloak", "cnpg-system", "monitoring", "logging"}

// endpointOutputs are the stack outputs holding the HTTPS endpoints checked, in report order.
var endpointOutputs = []struct{ name, key string }{
	{"argocd", "argocdUrl"}, {"apisix", "apiUrl"}, {"keycloak", "keycloakUrl"}, {"grafana", "grafanaUrl"},
}

// Stack outputs the health check reads. Only URLs, the instance id and the port are ever printed:
// the file comes from `--show-secrets`, so secretness is lost and every other value (the
// kubeconfig, passwords, host names) stays unprinted.
const (
	outKubeconfig       = "kubeconfig"
	outRegion           = "region"
	outSQLInstanceID    = "sqlServerInstanceId"
	outSQLEndpoint      = "sqlServerEndpoint"
	outSQLPort          = "sqlServerPort"
	secretPlaceholder   = "[secret]"
	ssmDocument         = "AWS-RunPowerShellScript"
	maxHealthDetailSize = 200
)

// commandRunner runs an external command and returns its standard output; an error carries the
// command's last line of standard error. Tests replace it.
type commandRunner interface {
	Run(ctx context.Context, name string, args ...string) ([]byte, error)
}

// execRunner runs commands for real.
type execRunner struct{}

func (execRunner) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...) //nolint:gosec // G204: kubectl or aws, fixed by the checks; arguments go to the program without a shell

	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := lastLine(stderr.String()); msg != "" {
			return out, fmt.Errorf("%s: %s", name, msg)
		}
		return out, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// healthConfig is one run of the health check with its dependencies.
type healthConfig struct {
	stack      string
	outputs    map[string]any
	namespaces []string
	attempts   int           // tries per check
	interval   time.Duration // pause between tries
	timeout    time.Duration // limit of one try
	poll       time.Duration // pause between SSM invocation polls
	run        commandRunner
	client     *http.Client
	sleep      func(context.Context, time.Duration) error
	tempDir    string
}

// checkResult is one reported line.
type checkResult struct {
	name     string
	status   string // ok, FAIL or skip
	detail   string
	attempts int
}

// check is one named check; skip, when set, says why it does not run.
type check struct {
	name string
	skip string
	try  func(ctx context.Context) (string, error)
}

// healthCmd is `platform health --stack <s> --outputs <file>`.
func healthCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stack := fs.String("stack", "", "stack whose outputs are checked (for the report)")
	outputsFile := fs.String("outputs", "", "file of `pulumi stack output --json --show-secrets`")
	namespaces := fs.String("namespaces", strings.Join(AddonNamespaces, ","), "comma-separated namespaces whose workloads must be rolled out")
	attempts := fs.Int("retries", 3, "tries per check")
	interval := fs.Duration("interval", 15*time.Second, "pause between tries")
	timeout := fs.Duration("timeout", 3*time.Minute, "limit of one try of one check")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "error: %s\n%s\n", oneLine(err), usageSummary)
		return exitFailure
	}
	switch {
	case *stack == "" || *outputsFile == "":
		fmt.Fprintf(stderr, "error: health needs --stack <name> and --outputs <file>\n%s\n", usageSummary)
		return exitFailure
	case *attempts < 1 || *timeout <= 0 || *interval < 0:
		fmt.Fprintf(stderr, "error: --retries must be at least 1, --timeout positive and --interval not negative\n")
		return exitFailure
	}
	outputs, err := readOutputs(*outputsFile)
	if err != nil {
		fmt.Fprintf(stderr, "error: --outputs %s: %s\n", *outputsFile, oneLine(err))
		return exitFailure
	}
	return health(healthConfig{
		stack:      *stack,
		outputs:    outputs,
		namespaces: splitList(*namespaces),
		attempts:   *attempts,
		interval:   *interval,
		timeout:    *timeout,
		poll:       5 * time.Second,
		run:        execRunner{},
		client:     &http.Client{},
		sleep:      sleepContext,
		tempDir:    os.TempDir(),
	}, stdout, stderr)
}

// readOutputs reads the JSON object `pulumi stack output --json --show-secrets` prints.
func readOutputs(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("not the JSON object of `pulumi stack output --json --show-secrets`: %w", err)
	}
	return out, nil
}

// health runs every check, prints one line each and a summary, and returns the exit status.
func health(cfg healthConfig, stdout, stderr io.Writer) int {
	kubeconfig, cleanup, kerr := writeKubeconfig(cfg)
	defer cleanup()

	checks := []check{clusterCheck(cfg, kubeconfig, kerr)}
	checks = append(checks, rolloutChecks(cfg, kubeconfig, kerr)...)
	checks = append(checks, endpointChecks(cfg)...)
	checks = append(checks, sqlServerCheck(cfg))

	fmt.Fprintf(stdout, "health of stack %s: %d checks, %d tries each, %s per try\n", cfg.stack, len(checks), cfg.attempts, cfg.timeout)
	failed, skipped := 0, 0
	for _, c := range checks {
		r := runCheck(cfg, c)
		switch r.status {
		case "FAIL":
			failed++
		case "skip":
			skipped++
		}
		line := fmt.Sprintf("%-4s  %-22s %s", r.status, r.name, r.detail)
		if r.attempts > 1 {
			line += fmt.Sprintf(" (%d tries)", r.attempts)
		}
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintf(stdout, "%d ok, %d failed, %d skipped\n", len(checks)-failed-skipped, failed, skipped)
	if failed > 0 {
		fmt.Fprintf(stderr, "error: %d health check(s) failed on stack %s\n", failed, cfg.stack)
		return exitUnhealthy
	}
	return exitOK
}

// runCheck tries a check up to cfg.attempts times, each try limited to cfg.timeout.
func runCheck(cfg healthConfig, c check) checkResult {
	if c.skip != "" {
		return checkResult{name: c.name, status: "skip", detail: c.skip}
	}
	var lastErr error
	for attempt := 1; attempt <= cfg.attempts; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
		detail, err := c.try(ctx)
		if err != nil && ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("timed out after %s: %w", cfg.timeout, err)
		}
		cancel()
		if err == nil {
			return checkResult{name: c.name, status: "ok", detail: detail, attempts: attempt}
		}
		lastErr = err
		if attempt < cfg.attempts {
			_ = cfg.sleep(context.Background(), cfg.interval)
		}
	}
	return checkResult{name: c.name, status: "FAIL", detail: shorten(oneLine(lastErr)), attempts: cfg.attempts}
}

// writeKubeconfig writes the kubeconfig output to a file only the current user can read, and
// returns its path and how to remove it.
func writeKubeconfig(cfg healthConfig) (string, func(), error) {
	none := func() {}
	v, ok := cfg.outputs[outKubeconfig]
	if !ok || v == nil || v == "" {
		return "", none, fmt.Errorf("output %s is missing", outKubeconfig)
	}
	var text []byte
	switch k := v.(type) {
	case string:
		if k == secretPlaceholder {
			return "", none, fmt.Errorf("output %s is %s: pass the file of `pulumi stack output --json --show-secrets`", outKubeconfig, secretPlaceholder)
		}
		text = []byte(k)
	default: // a kubeconfig exported as an object
		b, err := json.Marshal(k)
		if err != nil {
			return "", none, fmt.Errorf("output %s cannot be written: %w", outKubeconfig, err)
		}
		text = b
	}
	f, err := os.CreateTemp(cfg.tempDir, "kubeconfig-*")
	if err != nil {
		return "", none, err
	}
	path := f.Name()
	cleanup := func() { _ = os.Remove(path) }
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		cleanup()
		return "", none, err
	}
	if _, err := f.Write(text); err != nil {
		_ = f.Close()
		cleanup()
		return "", none, err
	}
	if err := f.Close(); err != nil {
		cleanup()
		return "", none, err
	}
	return path, cleanup, nil
}

// clusterCheck asks the API server's /readyz through kubectl.
func clusterCheck(cfg healthConfig, kubeconfig string, kerr error) check {
	c := check{name: "cluster"}
	if kerr != nil {
		c.try = func(context.Context) (string, error) { return "", kerr }
		return c
	}
	c.try = func(ctx context.Context) (string, error) {
		out, err := cfg.run.Run(ctx, "kubectl", "--kubeconfig", kubeconfig, "get", "--raw=/readyz")
		if err != nil {
			return "", err
		}
		if got := strings.TrimSpace(string(out)); got != "ok" {
			return "", fmt.Errorf("/readyz answered %q, not ok", shorten(got))
		}
		return "API server /readyz ok", nil
	}
	return c
}

// rolloutChecks wait, per namespace, for every deployment, stateful set and daemon set.
func rolloutChecks(cfg healthConfig, kubeconfig string, kerr error) []check {
	var out []check
	for _, ns := range cfg.namespaces {
		c := check{name: "rollout " + ns}
		switch {
		case kerr != nil:
			c.skip = "no kubeconfig (see the cluster check)"
		case !dnsname.IsLabel(ns):
			c.try = func(context.Context) (string, error) { return "", fmt.Errorf("%q is not a namespace name", ns) }
		default:
			c.try = func(ctx context.Context) (string, error) { return rollout(ctx, cfg, kubeconfig, ns) }
		}
		out = append(out, c)
	}
	return out
}

func rollout(ctx context.Context, cfg healthConfig, kubeconfig, ns string) (string, error) {
	out, err := cfg.run.Run(ctx, "kubectl", "--kubeconfig", kubeconfig, "--namespace", ns,
		"get", "deployments,statefulsets,daemonsets", "--output", "name")
	if err != nil {
		return "", err
	}
	objects := strings.Fields(string(out))
	if len(objects) == 0 {
		return "no workloads", nil
	}
	wait := fmt.Sprintf("--timeout=%ds", max(1, int(cfg.timeout.Seconds())))
	for _, obj := range objects {
		if _, err := cfg.run.Run(ctx, "kubectl", "--kubeconfig", kubeconfig, "--namespace", ns, "rollout", "status", obj, wait); err != nil {
			return "", fmt.Errorf("%s not rolled out: %w", obj, err)
		}
	}
	return fmt.Sprintf("%d workload(s) rolled out", len(objects)), nil
}

// endpointChecks ask each HTTPS endpoint once per try: a verified certificate and a status under
// 500 count as healthy (a 302 to the login page, a 401 or a 404 on / prove the service answers).
func endpointChecks(cfg healthConfig) []check {
	client := *cfg.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	var out []check
	for _, e := range endpointOutputs {
		c := check{name: "https " + e.name}
		raw, ok := cfg.outputs[e.key].(string)
		switch {
		case !ok || raw == "":
			c.skip = fmt.Sprintf("output %s is not set (add-on turned off)", e.key)
		default:
			u, err := url.Parse(raw)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				c.try = func(context.Context) (string, error) {
					return "", fmt.Errorf("output %s is not an https:// URL", e.key)
				}
				break
			}
			target := u.String()
			c.try = func(ctx context.Context) (string, error) { return probe(ctx, &client, target) }
		}
		out = append(out, c)
	}
	return out
}

func probe(ctx context.Context, client *http.Client, target string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", target, unwrapURLError(err))
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode >= 500 {
		return "", fmt.Errorf("%s answered %s", target, resp.Status)
	}
	return fmt.Sprintf("%s answered %d, certificate valid", target, resp.StatusCode), nil
}

// unwrapURLError drops the "Get <url>:" prefix net/http adds (the URL is printed once already).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

var ipv4Re = regexp.MustCompile(`^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$`)

// sqlServerCheck runs Test-NetConnection on the SQL Server host through SSM Run Command and waits
// for the invocation: the private name resolves and the port answers from inside the VPC.
func sqlServerCheck(cfg healthConfig) check {
	c := check{name: "sqlserver"}
	instance, _ := cfg.outputs[outSQLInstanceID].(string)
	endpoint, _ := cfg.outputs[outSQLEndpoint].(string)
	region, _ := cfg.outputs[outRegion].(string)
	if instance == "" {
		c.skip = fmt.Sprintf("output %s is not set (no SQL Server host)", outSQLInstanceID)
		return c
	}
	port, perr := portOf(cfg.outputs[outSQLPort])
	var bad error
	switch {
	case !strings.HasPrefix(instance, "i-") || strings.ContainsAny(instance, " \t'\""):
		bad = fmt.Errorf("output %s is not an EC2 instance id", outSQLInstanceID)
	case dnsname.Check(strings.ToLower(endpoint), false) != nil && !ipv4Re.MatchString(endpoint):
		bad = fmt.Errorf("output %s is not a host name", outSQLEndpoint)
	case perr != nil:
		bad = perr
	}
	if bad != nil {
		c.try = func(context.Context) (string, error) { return "", bad }
		return c
	}
	var regionArgs []string
	if region != "" {
		regionArgs = []string{"--region", region}
	}
	script := fmt.Sprintf("$r = Test-NetConnection -ComputerName '%s' -Port %d -WarningAction SilentlyContinue; "+
		"if ($r.TcpTestSucceeded) { 'TcpTestSucceeded=True' } else { 'TcpTestSucceeded=False'; exit 1 }", endpoint, port)
	params, _ := json.Marshal(map[string][]string{"commands": {script}})
	c.try = func(ctx context.Context) (string, error) {
		args := append([]string{"ssm", "send-command"}, regionArgs...)
		args = append(args, "--instance-ids", instance, "--document-name", ssmDocument,
			"--comment", "platform health "+cfg.stack, "--parameters", string(params),
			"--query", "Command.CommandId", "--output", "text")
		out, err := cfg.run.Run(ctx, "aws", args...)
		if err != nil {
			return "", err
		}
		id := strings.TrimSpace(string(out))
		if id == "" || strings.ContainsAny(id, " \n") {
			return "", fmt.Errorf("ssm send-command returned no command id")
		}
		return waitInvocation(ctx, cfg, regionArgs, id, instance, port)
	}
	return c
}

// waitInvocation polls the command invocation until it ends or the try times out.
func waitInvocation(ctx context.Context, cfg healthConfig, regionArgs []string, id, instance string, port int) (string, error) {
	for {
		args := append([]string{"ssm", "get-command-invocation"}, regionArgs...)
		args = append(args, "--command-id", id, "--instance-id", instance, "--output", "json")
		out, err := cfg.run.Run(ctx, "aws", args...)
		switch {
		case err == nil:
			if detail, done, err := invocationResult(out, id, instance, port); done {
				return detail, err
			}
		case ctx.Err() != nil:
			// the try's deadline passed while asking: the command did not finish in time
			return "", fmt.Errorf("command %s on %s still running", id, instance)
		case !strings.Contains(err.Error(), "InvocationDoesNotExist"):
			return "", err
		}
		// Pending, InProgress, Delayed, or not registered yet: ask again.
		if err := cfg.sleep(ctx, cfg.poll); err != nil {
			return "", fmt.Errorf("command %s on %s still running", id, instance)
		}
	}
}

// invocationResult reads one get-command-invocation answer: done when the command has ended, with
// the check's detail or error.
func invocationResult(out []byte, id, instance string, port int) (detail string, done bool, err error) {
	var inv struct {
		Status                string `json:"Status"`
		StatusDetails         string `json:"StatusDetails"`
		StandardOutputContent string `json:"StandardOutputContent"`
	}
	if jerr := json.Unmarshal(out, &inv); jerr != nil {
		return "", true, fmt.Errorf("ssm get-command-invocation: unreadable answer")
	}
	switch inv.Status {
	case "Success":
		if !strings.Contains(inv.StandardOutputContent, "TcpTestSucceeded=True") {
			return "", true, fmt.Errorf("command %s succeeded without TcpTestSucceeded=True", id)
		}
		return fmt.Sprintf("port %d reachable from %s through SSM", port, instance), true, nil
	case "Failed", "TimedOut", "Cancelled", "Cancelling", "Undeliverable", "Terminated", "DeliveryTimedOut", "ExecutionTimedOut": //nolint:misspell // SSM's own spelling of the statuses
		if strings.Contains(inv.StandardOutputContent, "TcpTestSucceeded=False") {
			return "", true, fmt.Errorf("port %d not reachable from %s (Test-NetConnection failed)", port, instance)
		}
		return "", true, fmt.Errorf("command %s on %s ended %s (%s)", id, instance, inv.Status, inv.StatusDetails)
	}
	return "", false, nil // Pending, InProgress, Delayed
}

func portOf(v any) (int, error) {
	var p int
	switch x := v.(type) {
	case float64:
		p = int(x)
		if float64(p) != x {
			p = 0
		}
	case string:
		p, _ = strconv.Atoi(x)
	case nil:
		p = 1433
	}
	if p < 1 || p > 65535 {
		return 0, fmt.Errorf("output %s is not a port number", outSQLPort)
	}
	return p, nil
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return shorten(strings.TrimSpace(lines[len(lines)-1]))
}

func shorten(s string) string {
	if len(s) > maxHealthDetailSize {
		return s[:maxHealthDetailSize] + "…"
	}
	return s
}
