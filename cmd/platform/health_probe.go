package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/flowmart/platform/pkg/dnsname"
)

// The probes are short-lived Jobs: one pod, BusyBox pinned by digest, created, waited for and
// deleted by the check. The SQL Server probe's pod runs `nc -z -w <s> <host> <port>` (BusyBox's nc
// in its netcat 1.10 mode: -z connects and closes, -w bounds the connect; busybox networking/nc.c,
// CONFIG_NC_110_COMPAT "default y", whose help lists -z; docker-library/busybox builds its images
// from `make defconfig`, latest-1/glibc/Dockerfile.builder). The pod runs on a node, so
// its connection comes from the nodes' security group, the one the host's security group admits
// on 1433 (components/sqlserver/security.go): the check crosses the same boundary as the
// applications do.
const (
	// probeImage is BusyBox 1.37.0 by digest: the index digest public repositories pin for
	// docker.io/library/busybox:1.37.0 and mirror.gcr.io/library/busybox:1.37.0; ECR Public's
	// docker/library repositories mirror Docker's official images. Not pulled from here (no
	// registry is reachable): check with `docker buildx imagetools inspect` when bumping it. When
	// the stack has a pull-through cache of public.ecr.aws (output registryMirrorUrls), the image
	// is pulled through it.
	probeImage        = "public.ecr.aws/docker/library/busybox:1.37.0@sha256:bdf57e528e45e4433820e045b29b4597825a1c9e38353532d90a01445013f82e"
	probeConnectSecs  = 5
	probeDeadline     = 2 * time.Minute  // from creation to a finished Job, image pull included
	probeTTLSeconds   = 600              // the Job deletes itself if the delete below never ran
	probeDeleteBudget = 20 * time.Second // the delete, even after the check's own deadline
	outMirrorURLs     = "registryMirrorUrls"
	probeLabel        = "app.kubernetes.io/name"
	probeLabelValue   = "platform-health"
)

// probeImageFor rewrites image to the stack's pull-through cache of its registry, if any:
// MirrorURLs maps an upstream registry to the cache's prefix (components/registry: an image
// registry.k8s.io/pause:3.10 is pulled as <prefix>/pause:3.10).
func probeImageFor(image string, mirrors any) string {
	m, _ := mirrors.(map[string]any)
	host, rest, ok := strings.Cut(image, "/")
	if !ok {
		return image
	}
	if prefix, _ := m[host].(string); prefix != "" {
		return strings.TrimSuffix(prefix, "/") + "/" + rest
	}
	return image
}

// probeNamespace is the first platform namespace the stack creates (kube-system is the cluster's).
func probeNamespace(e expectations) string {
	for _, ns := range e.namespaces() {
		if ns != "kube-system" {
			return ns
		}
	}
	return ""
}

// probeJob is the Job's manifest: one try (backoffLimit 0), bounded by activeDeadlineSeconds,
// no service account token, a non-root user and the Pod Security "restricted" settings.
func probeJob(name, image, component string, command []string) map[string]any {
	labels := map[string]any{probeLabel: probeLabelValue, "app.kubernetes.io/component": component + "-probe"}
	cmd := make([]any, len(command))
	for i, w := range command {
		cmd[i] = w
	}
	return map[string]any{
		"apiVersion": "batch/v1",
		"kind":       "Job",
		"metadata":   map[string]any{"name": name, "labels": labels},
		"spec": map[string]any{
			"backoffLimit":            0,
			"activeDeadlineSeconds":   int(probeDeadline.Seconds()),
			"ttlSecondsAfterFinished": probeTTLSeconds,
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{
					"restartPolicy":                "Never",
					"automountServiceAccountToken": false,
					"securityContext": map[string]any{
						"runAsNonRoot": true, "runAsUser": 65534, "runAsGroup": 65534,
						"seccompProfile": map[string]any{"type": "RuntimeDefault"},
					},
					"containers": []any{map[string]any{
						"name":                     "probe",
						"image":                    image,
						"command":                  cmd,
						"terminationMessagePolicy": "FallbackToLogsOnError",
						"securityContext": map[string]any{
							"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
							"capabilities": map[string]any{"drop": []any{"ALL"}},
						},
						"resources": map[string]any{
							"requests": map[string]any{"cpu": "10m", "memory": "16Mi"},
							"limits":   map[string]any{"memory": "32Mi"},
						},
					}},
				},
			},
		},
	}
}

// jobStatus is the part of a Job the probe reads.
type jobStatus struct {
	Status struct {
		Succeeded  int `json:"succeeded"`
		Failed     int `json:"failed"`
		Conditions []struct {
			Type    string `json:"type"`
			Status  string `json:"status"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"conditions"`
	} `json:"status"`
}

// finished reports whether the Job ended and how: a Complete or Failed condition, or the counts.
func (j jobStatus) finished() (done, ok bool, reason string) {
	for _, c := range j.Status.Conditions {
		if c.Status != "True" {
			continue
		}
		switch c.Type {
		case "Complete":
			return true, true, ""
		case "Failed":
			return true, false, strings.TrimSpace(c.Reason + " " + c.Message)
		}
	}
	switch {
	case j.Status.Succeeded > 0:
		return true, true, ""
	case j.Status.Failed > 0:
		return true, false, "pod failed"
	}
	return false, false, ""
}

// podState says what the probe's pod is doing, for the report: waiting (ImagePullBackOff...),
// or terminated with its exit code and message.
func podState(ctx context.Context, k *kubeClient, ns, job string) string {
	var pods struct {
		Items []struct {
			Status struct {
				Phase             string `json:"phase"`
				ContainerStatuses []struct {
					State struct {
						Waiting *struct {
							Reason string `json:"reason"`
						} `json:"waiting"`
						Terminated *struct {
							ExitCode int    `json:"exitCode"`
							Reason   string `json:"reason"`
							Message  string `json:"message"`
						} `json:"terminated"`
					} `json:"state"`
				} `json:"containerStatuses"`
			} `json:"status"`
		} `json:"items"`
	}
	// The Job controller labels its pods job-name=<job> (batch/v1 Job, "Job labels").
	sel := url.QueryEscape("job-name=" + job)
	if err := k.getJSON(ctx, "/api/v1/namespaces/"+ns+"/pods?labelSelector="+sel, &pods); err != nil || len(pods.Items) == 0 {
		return "no pod"
	}
	p := pods.Items[len(pods.Items)-1].Status
	for _, cs := range p.ContainerStatuses {
		switch {
		case cs.State.Waiting != nil && cs.State.Waiting.Reason != "":
			return "pod waiting: " + cs.State.Waiting.Reason
		case cs.State.Terminated != nil:
			t := cs.State.Terminated
			s := fmt.Sprintf("exit %d", t.ExitCode)
			if msg := strings.TrimSpace(t.Message); msg != "" {
				s += ": " + lastLine(msg)
			}
			return s
		}
	}
	return "pod " + strings.ToLower(p.Phase)
}

func randomSuffix() string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return strconv.FormatInt(time.Now().UnixNano()%1e8, 36)
	}
	return hex.EncodeToString(b)
}

// sqlProbeCheck runs `nc -z` to the SQL Server host's private name and port from a pod. Host
// names are never printed: only the output's key, the namespace and the port.
func sqlProbeCheck(cfg healthConfig, k func() *kubeClient, gate func() string) check {
	c := check{name: "sqlserver from pod", gate: gate}
	endpoint, _ := cfg.outputs[outSQLEndpoint].(string)
	if endpoint == "" {
		c.skip = fmt.Sprintf("output %s is not set (no SQL Server host)", outSQLEndpoint)
		return c
	}
	port, perr := portOf(cfg.outputs[outSQLPort])
	ns := cfg.probeNamespace
	var bad error
	switch {
	case dnsname.Check(strings.ToLower(endpoint), false) != nil && !ipv4Re.MatchString(endpoint):
		bad = fmt.Errorf("output %s is not a host name", outSQLEndpoint)
	case perr != nil:
		bad = perr
	case ns == "" || !dnsname.IsLabel(ns):
		bad = errors.New("no platform namespace to run the probe in (the stack creates none)")
	}
	if bad != nil {
		c.once = true
		c.try = func(context.Context) (string, error) { return "", bad }
		return c
	}
	p := probeRun{
		prefix:    "sql",
		namespace: ns,
		image:     probeImageFor(cfg.probeImage, cfg.outputs[outMirrorURLs]),
		command:   []string{"nc", "-z", "-w", strconv.Itoa(probeConnectSecs), endpoint, strconv.Itoa(port)},
		redact:    func(s string) string { return strings.ReplaceAll(s, endpoint, "<"+outSQLEndpoint+">") },
	}
	c.try = func(ctx context.Context) (string, error) {
		name, failure, err := runProbeJob(ctx, cfg, k(), p)
		switch {
		case err != nil:
			return "", err
		case failure != "":
			return "", fmt.Errorf("port %d of %s not reachable from a pod in %s: %s", port, outSQLEndpoint, ns, failure)
		}
		return fmt.Sprintf("port %d of %s reachable from a pod in %s (Job %s)", port, outSQLEndpoint, ns, name), nil
	}
	return c
}

// probeRun is one probe Job: its one pod runs command once.
type probeRun struct {
	prefix    string // the Job is named platform-health-<prefix>-<random>
	namespace string
	image     string
	command   []string
	redact    func(string) string // hides private values in what the pod reports
}

// runProbeJob creates the Job, waits for it until cfg.probeDeadline, and deletes it (with its
// pod) whatever happened. failure is empty when the pod's command succeeded, else what the pod
// reported (exit code and last output line, or why it never ran); err is a problem of the API or
// a Job that did not finish in time.
func runProbeJob(ctx context.Context, cfg healthConfig, k *kubeClient, p probeRun) (name, failure string, err error) {
	name = "platform-health-" + p.prefix + "-" + randomSuffix()
	jobs := "/apis/batch/v1/namespaces/" + p.namespace + "/jobs"
	if _, err := k.do(ctx, http.MethodPost, jobs, probeJob(name, p.image, p.prefix, p.command)); err != nil {
		return name, "", fmt.Errorf("creating the probe Job in %s: %w", p.namespace, err)
	}
	defer func() {
		// Background propagation deletes the pod too; a fresh context, so a timed-out check
		// still cleans up.
		dctx, cancel := context.WithTimeout(context.Background(), probeDeleteBudget)
		defer cancel()
		_, _ = k.do(dctx, http.MethodDelete, jobs+"/"+name+"?propagationPolicy=Background", nil)
	}()
	deadline, cancel := context.WithTimeout(ctx, cfg.probeDeadline)
	defer cancel()
	for {
		var j jobStatus
		gerr := k.getJSON(deadline, jobs+"/"+name, &j)
		if gerr == nil {
			if done, ok, reason := j.finished(); done {
				if ok {
					return name, "", nil
				}
				return name, p.redact(podState(deadline, k, p.namespace, name)) + " (" + reason + ")", nil
			}
		} else if deadline.Err() == nil {
			return name, "", gerr
		}
		if serr := cfg.sleep(deadline, cfg.poll); serr != nil || deadline.Err() != nil {
			sctx, scancel := context.WithTimeout(context.Background(), probeDeleteBudget)
			state := p.redact(podState(sctx, k, p.namespace, name))
			scancel()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return name, "", fmt.Errorf("probe Job %s still running when the try ended (%s)", name, state)
			}
			return name, "", fmt.Errorf("probe Job %s did not finish within %s (%s)", name, cfg.probeDeadline, state)
		}
	}
}
