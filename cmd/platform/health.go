package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// exitUnhealthy is the exit status of `platform health` when a check fails after its retries, or
// when the cluster API cannot be reached at all.
const exitUnhealthy = 5

// AddonNamespaces are the namespaces of components/addons (kube-system holds the cluster's own
// add-ons), the order in which their workloads are reported.
var AddonNamespaces = []string{"kube-system", "ingress", "argocd", "apisix", "keycloak", "cnpg-system", "monitoring", "logging"}

// Stack outputs the health check reads. Only URLs, the port and the names of the outputs are
// ever printed: the file comes from `--show-secrets`, so secretness is lost and every other value
// (the kubeconfig, passwords, host names) stays unprinted.
const (
	outKubeconfig       = "kubeconfig"
	outSQLEndpoint      = "sqlServerEndpoint"
	outSQLPort          = "sqlServerPort"
	secretPlaceholder   = "[secret]"
	maxHealthDetailSize = 200
)

// commandRunner runs an external command with extra environment variables and returns its
// standard output; an error carries the command's last line of standard error. Tests replace it.
type commandRunner interface {
	Run(ctx context.Context, env []string, name string, args ...string) ([]byte, error)
}

// execRunner runs commands for real.
type execRunner struct{}

func (execRunner) Run(ctx context.Context, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...) //nolint:gosec // G204: the kubeconfig's credential plugin (aws eks get-token), arguments go to the program without a shell
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
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
	stack          string
	outputs        map[string]any
	expect         expectations  // what the stack's program says must run
	probeNamespace string        // where the SQL Server probe Job runs
	probeImage     string        // before the pull-through cache rewrite
	attempts       int           // tries per check
	interval       time.Duration // pause between tries
	timeout        time.Duration // limit of one try
	probeDeadline  time.Duration // limit of the probe Job, creation to end
	poll           time.Duration // pause between reads of the probe Job
	run            commandRunner
	client         *http.Client // the add-ons' HTTPS endpoints
	sleep          func(context.Context, time.Duration) error
}

// checkResult is one reported line.
type checkResult struct {
	name     string
	status   string // ok, FAIL or skip
	detail   string
	attempts int
}

// check is one named check; skip, when set, says why it does not run; gate, when it returns a
// reason at run time (an earlier check failed), skips it too.
type check struct {
	name string
	skip string
	gate func() string
	once bool // a try cannot succeed later (a bad output): no retry
	try  func(ctx context.Context) (string, error)
}

// skipError is returned by a try that finds its check does not apply; it is reported as skip.
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

// outputsFlag is --outputs, repeatable: the files are merged, a later one winning (the AWS layer's
// outputs and the cluster-services layer's).
type outputsFlag []string

func (o *outputsFlag) String() string     { return strings.Join(*o, ",") }
func (o *outputsFlag) Set(v string) error { *o = append(*o, v); return nil }

// healthCmd is `platform health --stack <s> --outputs <file> [--outputs <file>] [--dir <d>]`.
func healthCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stack := fs.String("stack", "", "stack checked: its stack file says what must run")
	var files outputsFlag
	fs.Var(&files, "outputs", "file of `pulumi stack output --json --show-secrets` (repeat for each layer)")
	dir := fs.String("dir", ".", "directory of Pulumi.yaml (or below it), at the commit deployed")
	attempts := fs.Int("retries", 3, "tries per check")
	interval := fs.Duration("interval", 15*time.Second, "pause between tries")
	timeout := fs.Duration("timeout", 3*time.Minute, "limit of one try of one check")
	image := fs.String("probe-image", probeImage, "image of the SQL Server probe, by digest (pulled through the stack's cache of its registry)")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "error: %s\n%s\n", oneLine(err), usageSummary)
		return exitFailure
	}
	switch {
	case *stack == "" || len(files) == 0:
		fmt.Fprintf(stderr, "error: health needs --stack <name> and --outputs <file>\n%s\n", usageSummary)
		return exitFailure
	case *attempts < 1 || *timeout <= 0 || *interval < 0:
		fmt.Fprintf(stderr, "error: --retries must be at least 1, --timeout positive and --interval not negative\n")
		return exitFailure
	case !strings.Contains(*image, "@sha256:"):
		fmt.Fprintf(stderr, "error: --probe-image %q is not pinned by digest (<image>@sha256:<digest>)\n", *image)
		return exitFailure
	}
	outputs := map[string]any{}
	for _, f := range files {
		o, err := readOutputs(f)
		if err != nil {
			fmt.Fprintf(stderr, "error: --outputs %s: %s\n", f, oneLine(err))
			return exitFailure
		}
		maps.Copy(outputs, o)
	}
	expect, err := loadExpectations(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "error: --dir %s: the expected workloads come from the stack's offline preview: %s\n", *dir, oneLine(err))
		return exitFailure
	}
	return health(healthConfig{
		stack:          *stack,
		outputs:        outputs,
		expect:         expect,
		probeNamespace: probeNamespace(expect),
		probeImage:     *image,
		attempts:       *attempts,
		interval:       *interval,
		timeout:        *timeout,
		probeDeadline:  probeDeadline,
		poll:           2 * time.Second,
		run:            execRunner{},
		client:         &http.Client{},
		sleep:          sleepContext,
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

// health reaches the cluster API first (fail fast: one line and exit 5 when nothing answers
// there), then runs every check, prints one line each and a summary, and returns the exit status.
func health(cfg healthConfig, stdout, stderr io.Writer) int {
	kc, kerr := newKubeClient(cfg.outputs, cfg.run)
	if kerr == nil {
		if err := reach(kc, cfg.sleep); errors.Is(err, errUnreachable) {
			fmt.Fprintf(stderr, "error: %s\n", unreachableLine(kc.server, err))
			return exitUnhealthy
		} else if err != nil {
			kerr = err
		}
	}
	clusterOK := false
	gate := func() string {
		if clusterOK {
			return ""
		}
		return "the cluster check failed"
	}
	k := func() *kubeClient { return kc }

	checks := []check{clusterCheck(kc, kerr, &clusterOK)}
	checks = append(checks, workloadChecks(cfg, k, gate)...)
	checks = append(checks, sqlProbeCheck(cfg, k, gate), apisixStatusCheck(cfg, k, gate))
	checks = append(checks, endpointChecks(cfg)...)

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
	if c.gate != nil {
		if why := c.gate(); why != "" {
			return checkResult{name: c.name, status: "skip", detail: why}
		}
	}
	attempts := cfg.attempts
	if c.once {
		attempts = 1
	}
	var lastErr error
	for attempt := 1; attempt <= attempts; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
		detail, err := c.try(ctx)
		if err != nil && ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("timed out after %s: %w", cfg.timeout, err)
		}
		cancel()
		var skip *skipError
		switch {
		case err == nil:
			return checkResult{name: c.name, status: "ok", detail: detail, attempts: attempt}
		case errors.As(err, &skip):
			return checkResult{name: c.name, status: "skip", detail: shorten(skip.reason)}
		}
		lastErr = err
		if attempt < attempts {
			_ = cfg.sleep(context.Background(), cfg.interval)
		}
	}
	return checkResult{name: c.name, status: "FAIL", detail: shorten(oneLine(lastErr)), attempts: attempts}
}

// clusterCheck asks the API server's /readyz; the Kubernetes checks run only when it passes.
func clusterCheck(k *kubeClient, kerr error, passed *bool) check {
	c := check{name: "cluster"}
	if kerr != nil { // the kubeconfig output or the API's certificate: the same on every try
		c.once = true
		c.try = func(context.Context) (string, error) { return "", kerr }
		return c
	}
	c.try = func(ctx context.Context) (string, error) {
		if err := k.readyz(ctx); err != nil {
			return "", err
		}
		*passed = true
		return "API server /readyz ok", nil
	}
	return c
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
