package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testToken    = "k8s-aws-v1.not-a-real-token"
	testPassword = "hunter2-not-for-logs"
	testSQLHost  = "sql.production.flowmart.internal"
	testMirror   = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-public"
	testRealm    = "platform"
)

// fakeRunner answers the kubeconfig's credential plugin (`aws eks get-token`), and records every
// call with its environment.
type fakeRunner struct {
	mu     sync.Mutex
	answer func(call []string) (string, error)
	calls  [][]string
	envs   [][]string
}

func (f *fakeRunner) Run(ctx context.Context, env []string, name string, args ...string) ([]byte, error) {
	f.mu.Lock()
	f.calls = append(f.calls, append([]string{name}, args...))
	f.envs = append(f.envs, env)
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := f.answer(append([]string{name}, args...))
	return []byte(out), err
}

// getToken answers `aws eks get-token` with an ExecCredential, as the AWS CLI prints it.
func getToken(call []string) (string, error) {
	if len(call) > 2 && call[0] == "aws" && call[1] == "eks" && call[2] == "get-token" {
		return fmt.Sprintf(`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":%q,"token":%q}}`,
			time.Now().Add(14*time.Minute).UTC().Format(time.RFC3339), testToken), nil
	}
	return "", errors.New("unexpected command " + strings.Join(call, " "))
}

// kubeconfigFor renders the kubeconfig components/cluster exports, for server with ca.
func kubeconfigFor(server string, ca []byte) string {
	b, _ := json.Marshal(map[string]any{
		"apiVersion": "v1", "kind": "Config", "current-context": "production",
		"clusters": []any{map[string]any{"name": "production", "cluster": map[string]any{
			"server": server, "certificate-authority-data": base64.StdEncoding.EncodeToString(ca)}}},
		"contexts": []any{map[string]any{"name": "production", "context": map[string]any{"cluster": "production", "user": "production"}}},
		"users": []any{map[string]any{"name": "production", "user": map[string]any{"exec": map[string]any{
			"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
			"args": []any{"eks", "get-token", "--cluster-name", "production", "--region", "eu-west-1", "--output", "json"},
			"env":  []any{map[string]any{"name": "AWS_PROFILE", "value": "flowmart-production"}},
		}}}},
	})
	return string(b)
}

// otherCA is a self-signed certificate that signed nothing the test servers present.
func otherCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func serverCA(s *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}

// fakeKube is a Kubernetes API server speaking the REST paths `platform health` uses.
type fakeKube struct {
	mu         sync.Mutex
	readyz     string
	workloads  map[string]map[string][]map[string]any // namespace -> resource -> items
	postgres   map[string]map[string]any              // namespace/name -> Cluster
	jobs       map[string]string                      // by probe (sql, apisix): succeeded (the default), failed or running
	jobGets    map[string]int
	created    []map[string]any
	createdIn  []string
	deleted    []string
	apisixPods []map[string]any
	requests   []string
}

func (f *fakeKube) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.RequestURI())
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"kind":"Status","message":"Unauthorized"}`))
		return
	}
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	js := func(v any) { w.Header().Set("Content-Type", "application/json"); _ = json.NewEncoder(w).Encode(v) }
	notFound := func() {
		w.WriteHeader(http.StatusNotFound)
		js(map[string]any{"kind": "Status", "message": r.URL.Path + " not found"})
	}
	switch {
	case r.URL.Path == "/readyz":
		_, _ = w.Write([]byte(f.readyz))
	case len(p) == 6 && p[0] == "apis" && p[1] == "apps" && r.Method == http.MethodGet:
		js(map[string]any{"items": orEmpty(f.workloads[p[4]][p[5]])})
	case len(p) == 7 && p[1] == "postgresql.cnpg.io":
		c, ok := f.postgres[p[4]+"/"+p[6]]
		if !ok {
			notFound()
			return
		}
		js(c)
	case len(p) == 6 && p[1] == "batch" && r.Method == http.MethodPost:
		var job map[string]any
		_ = json.NewDecoder(r.Body).Decode(&job)
		f.created = append(f.created, job)
		f.createdIn = append(f.createdIn, p[4])
		w.WriteHeader(http.StatusCreated)
		js(job)
	case len(p) == 7 && p[1] == "batch" && r.Method == http.MethodGet:
		f.jobGets[p[6]]++
		status := map[string]any{"active": 1}
		switch outcome := f.outcome(p[6]); {
		case outcome == "succeeded" && f.jobGets[p[6]] > 1: // running at first
			status = map[string]any{"succeeded": 1, "conditions": []any{map[string]any{"type": "Complete", "status": "True"}}}
		case outcome == "failed":
			status = map[string]any{"failed": 1, "conditions": []any{map[string]any{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}}}
		}
		js(map[string]any{"status": status})
	case len(p) == 7 && p[1] == "batch" && r.Method == http.MethodDelete:
		f.deleted = append(f.deleted, p[4]+"/"+p[6]+"?"+r.URL.RawQuery)
		js(map[string]any{"kind": "Status", "status": "Success"})
	case len(p) == 5 && p[0] == "api" && p[4] == "pods":
		sel := r.URL.Query().Get("labelSelector")
		switch {
		case strings.HasPrefix(sel, "job-name=platform-health-"):
			job := strings.TrimPrefix(sel, "job-name=")
			state := map[string]any{"waiting": map[string]any{"reason": "ImagePullBackOff"}}
			if f.outcome(job) == "failed" {
				msg := "nc: " + testSQLHost + " (10.20.3.4:1433): Connection timed out\n"
				if strings.HasPrefix(job, "platform-health-apisix-") {
					msg = `{"status":"ok"}` + "\nwget: server returned error: HTTP/1.1 503 Service Unavailable\n"
				}
				state = map[string]any{"terminated": map[string]any{"exitCode": 1, "reason": "Error", "message": msg}}
			}
			js(map[string]any{"items": []any{map[string]any{"status": map[string]any{"phase": "Pending",
				"containerStatuses": []any{map[string]any{"state": state}}}}}})
		case sel == apisixSelector && p[3] == "apisix":
			js(map[string]any{"items": orEmpty(f.apisixPods)})
		default:
			notFound()
		}
	default:
		notFound()
	}
}

// outcome is how the probe Job named job ends.
func (f *fakeKube) outcome(job string) string {
	for prefix, o := range f.jobs {
		if strings.HasPrefix(job, "platform-health-"+prefix+"-") {
			return o
		}
	}
	return "succeeded"
}

// createdJob returns the Job created for the probe prefix, as JSON, and its name.
func (f *fakeKube) createdJob(t *testing.T, prefix string) (string, string) {
	t.Helper()
	for _, j := range f.created {
		name := j["metadata"].(map[string]any)["name"].(string)
		if strings.HasPrefix(name, "platform-health-"+prefix+"-") {
			b, _ := json.Marshal(j)
			return string(b), name
		}
	}
	t.Fatalf("no %s probe Job among %d", prefix, len(f.created))
	return "", ""
}

func orEmpty(items []map[string]any) []map[string]any {
	if items == nil {
		return []map[string]any{}
	}
	return items
}

func (f *fakeKube) saw(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

// helm is the annotations Helm puts on every object of a release.
func helm(release, ns string) map[string]any {
	return map[string]any{"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": ns}
}

func deployment(name string, replicas, available int, ann map[string]any) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"name": name, "generation": 2, "annotations": ann},
		"spec":     map[string]any{"replicas": replicas},
		"status":   map[string]any{"observedGeneration": 2, "replicas": replicas, "updatedReplicas": replicas, "readyReplicas": available, "availableReplicas": available},
	}
}

func statefulSet(name string, replicas, ready int, ann map[string]any) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"name": name, "generation": 1, "annotations": ann},
		"spec":     map[string]any{"replicas": replicas, "updateStrategy": map[string]any{"type": "RollingUpdate"}},
		"status": map[string]any{"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready, "updatedReplicas": replicas,
			"currentRevision": name + "-1", "updateRevision": name + "-1"},
	}
}

func daemonSet(name string, desired, ready int, ann map[string]any) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"name": name, "generation": 1, "annotations": ann},
		"spec":     map[string]any{"updateStrategy": map[string]any{"type": "RollingUpdate"}},
		"status": map[string]any{"observedGeneration": 1, "desiredNumberScheduled": desired, "numberReady": ready,
			"updatedNumberScheduled": desired, "numberAvailable": ready},
	}
}

func healthyKube() *fakeKube {
	return &fakeKube{
		readyz:  "ok",
		jobs:    map[string]string{},
		jobGets: map[string]int{},
		workloads: map[string]map[string][]map[string]any{
			"kube-system": {
				"deployments": {deployment("coredns", 2, 2, nil)},
				"daemonsets":  {daemonSet("aws-node", 3, 3, nil)},
			},
			"ingress": {"deployments": {deployment("nginx-ingress-controller", 2, 2, helm("nginx-ingress", "ingress"))}},
			"argocd": {
				"deployments":  {deployment("argocd-server", 2, 2, helm("argocd", "argocd"))},
				"statefulsets": {statefulSet("argocd-application-controller", 1, 1, helm("argocd", "argocd"))},
			},
			"apisix":   {"deployments": {deployment("apisix", 2, 2, helm("apisix", "apisix"))}},
			"keycloak": {"statefulsets": {statefulSet("keycloak", 2, 2, helm("keycloak", "keycloak"))}},
			// the operator's own StatefulSets carry no Helm annotations; the release's Deployment does
			"monitoring": {
				"deployments":  {deployment("kube-prometheus-stack-grafana", 1, 1, helm("kube-prometheus-stack", "monitoring"))},
				"statefulsets": {statefulSet("prometheus-kube-prometheus-stack-prometheus", 1, 1, nil)},
			},
		},
		postgres: map[string]map[string]any{"keycloak/keycloak-db": {
			"spec":   map[string]any{"instances": 3},
			"status": map[string]any{"readyInstances": 3, "conditions": []any{map[string]any{"type": "Ready", "status": "True"}}},
		}},
		apisixPods: []map[string]any{
			{"metadata": map[string]any{"name": "apisix-7d9f-abcde"}, "spec": map[string]any{"containers": []any{map[string]any{
				"ports": []any{map[string]any{"name": "http", "containerPort": 9080}, map[string]any{"name": "status", "containerPort": 7085}}}}},
				"status": map[string]any{"phase": "Running", "podIP": "10.20.8.11"}},
			{"metadata": map[string]any{"name": "apisix-7d9f-fghij"}, "spec": map[string]any{"containers": []any{map[string]any{
				"ports": []any{map[string]any{"name": "status", "containerPort": 7085}}}}},
				"status": map[string]any{"phase": "Running", "podIP": "10.20.9.12"}},
		},
	}
}

func testExpectations() expectations {
	return expectations{
		releases: []expectedRelease{
			{"nginx-ingress", "ingress", "nginx-ingress"},
			{"argocd", "argocd", "argo-cd"},
			{"apisix", "apisix", "apisix"},
			{"keycloak", "keycloak", "keycloakx"},
			{"prometheus-operator-crds", "monitoring", "prometheus-operator-crds"},
			{"kube-prometheus-stack", "monitoring", "kube-prometheus-stack"},
		},
		eksAddons: []string{"vpc-cni", "coredns"},
		postgres:  []string{"keycloak/keycloak-db"},
		realm:     testRealm,
	}
}

// addonServer answers the add-ons' health endpoints; mode breaks one of them.
func addonServer(t *testing.T, mode map[string]string) *httptest.Server {
	t.Helper()
	var s *httptest.Server
	s = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		m := mode[path]
		switch {
		case m == "404":
			http.NotFound(w, r)
		case m == "500":
			w.WriteHeader(http.StatusInternalServerError)
		case path == "/healthz" && r.URL.Query().Get("full") == "true":
			_, _ = fmt.Fprintln(w, "ok")
		case path == "/realms/"+testRealm+"/.well-known/openid-configuration":
			issuer := s.URL + "/realms/" + testRealm
			if m == "wrong-issuer" {
				issuer = "http://keycloak.keycloak.svc:8080/realms/" + testRealm
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": issuer, "authorization_endpoint": issuer + "/protocol/openid-connect/auth"})
		case path == "/api/health":
			if m == "db-failing" {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"database": "failing", "version": "12.1.0"}`))
				return
			}
			_, _ = w.Write([]byte(`{"commit": "abc", "database": "ok", "version": "12.1.0"}`))
		case path == "/.platform-health/no-route":
			if m == "nginx-404" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error_msg":"404 Route Not Found"}`))
		case path == "/login":
			_, _ = w.Write([]byte("<html>login</html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

type fixture struct {
	kube   *fakeKube
	api    *httptest.Server
	addons *httptest.Server
	runner *fakeRunner
	cfg    healthConfig
	slept  []time.Duration
}

func newFixture(t *testing.T, kube *fakeKube, mode map[string]string) *fixture {
	t.Helper()
	f := &fixture{kube: kube, runner: &fakeRunner{answer: getToken}}
	f.api = httptest.NewTLSServer(kube)
	t.Cleanup(f.api.Close)
	f.addons = addonServer(t, mode)
	f.cfg = healthConfig{
		stack: "production",
		outputs: map[string]any{
			"kubeconfig":            kubeconfigFor(f.api.URL, serverCA(f.api)),
			"region":                "eu-west-1",
			"argocdUrl":             f.addons.URL,
			"apiUrl":                f.addons.URL,
			"keycloakUrl":           f.addons.URL + "/",
			"grafanaUrl":            f.addons.URL,
			"keycloakAdminPassword": testPassword,
			"sqlServerEndpoint":     testSQLHost,
			"sqlServerPort":         1433.0,
			"registryMirrorUrls":    map[string]any{"public.ecr.aws": testMirror},
		},
		expect:         testExpectations(),
		probeNamespace: probeNamespace(testExpectations()),
		probeImage:     probeImage,
		attempts:       2,
		interval:       time.Second,
		timeout:        5 * time.Second,
		probeDeadline:  5 * time.Second,
		poll:           time.Millisecond,
		run:            f.runner,
		client:         f.addons.Client(),
	}
	f.cfg.sleep = func(ctx context.Context, d time.Duration) error {
		f.slept = append(f.slept, d)
		return ctx.Err()
	}
	return f
}

// runHealth runs the check and returns the exit status, the lines of stdout by check name and
// everything printed.
func runHealth(t *testing.T, cfg healthConfig) (int, map[string]string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := health(cfg, &out, &errb)
	all := out.String() + errb.String()
	for _, secret := range []string{testToken, testPassword, testSQLHost, "certificate-authority-data"} {
		if strings.Contains(all, secret) {
			t.Errorf("output shows a secret or private value %q:\n%s", secret, all)
		}
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out.String(), "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || (f[0] != "ok" && f[0] != "FAIL" && f[0] != "skip") {
			continue
		}
		name := f[1]
		switch name {
		case "workloads", "https":
			name += " " + f[2]
		case "sqlserver", "apisix":
			name += " " + f[2]
			if f[2] == "from" {
				name += " " + f[3]
			}
		}
		lines[name] = l
	}
	return code, lines, all
}

func TestHealthAllChecksPass(t *testing.T) {
	f := newFixture(t, healthyKube(), nil)
	code, lines, all := runHealth(t, f.cfg)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, all)
	}
	want := map[string]string{
		"cluster":               "API server /readyz ok",
		"workloads kube-system": "2 workload(s) ready",
		"workloads argocd":      "2 workload(s) ready, releases argocd",
		"workloads monitoring":  "releases prometheus-operator-crds, kube-prometheus-stack",
		"workloads keycloak":    "1 workload(s) ready, releases keycloak",
		"sqlserver from pod":    "port 1433 of sqlServerEndpoint reachable from a pod in ingress",
		"apisix status":         "/status/ready answered 2xx on 2 pod(s), asked from a pod",
		"https argocd":          "/healthz?full=true answered 200, certificate valid",
		"https keycloak":        "/realms/platform/.well-known/openid-configuration answered 200",
		"https grafana":         "/api/health answered 200",
		"https apisix":          "/.platform-health/no-route answered the expected 404 from APISIX",
	}
	for name, w := range want {
		if !strings.HasPrefix(lines[name], "ok") || !strings.Contains(lines[name], w) {
			t.Errorf("%s: %q, want ok with %q", name, lines[name], w)
		}
	}
	if !strings.Contains(all, "13 ok, 0 failed, 0 skipped") {
		t.Errorf("summary:\n%s", all)
	}
	// The credential plugin ran once (the token is kept until it expires), with its environment.
	if len(f.runner.calls) != 1 || !slices.Contains(f.runner.envs[0], "AWS_PROFILE=flowmart-production") {
		t.Errorf("credential plugin calls %v with %v", f.runner.calls, f.runner.envs)
	}
	// The SQL Server probe: in the first platform namespace, BusyBox by digest through the
	// stack's pull-through cache, nc to the private name and port, one try, bounded, then deleted.
	img := `"image":"` + testMirror + `/docker/library/busybox:1.37.0@sha256:bdf57e528e45e4433820e045b29b4597825a1c9e38353532d90a01445013f82e"`
	job, name := f.kube.createdJob(t, "sql")
	for _, w := range []string{img,
		`"command":["nc","-z","-w","5","` + testSQLHost + `","1433"]`,
		`"backoffLimit":0`, `"activeDeadlineSeconds":120`, `"restartPolicy":"Never"`, `"automountServiceAccountToken":false`,
		`"runAsNonRoot":true`, `"allowPrivilegeEscalation":false`,
	} {
		if !strings.Contains(job, w) {
			t.Errorf("SQL Server probe Job lacks %s:\n%s", w, job)
		}
	}
	// The APISIX probe: wget on each pod's status port, the addresses as arguments of a fixed script.
	ajob, aname := f.kube.createdJob(t, "apisix")
	for _, w := range []string{img, `"command":["sh","-c","for a in \"$@\"; do wget -q -T 5 -O - \"http://$a/status/ready\" || exit 1; echo; done","probe","10.20.8.11:7085","10.20.9.12:7085"]`} {
		if !strings.Contains(ajob, w) {
			t.Errorf("APISIX probe Job lacks %s:\n%s", w, ajob)
		}
	}
	if !slices.Equal(f.kube.createdIn, []string{"ingress", "apisix"}) {
		t.Errorf("Jobs created in %v", f.kube.createdIn)
	}
	want2 := []string{"ingress/" + name + "?propagationPolicy=Background", "apisix/" + aname + "?propagationPolicy=Background"}
	if !slices.Equal(f.kube.deleted, want2) {
		t.Errorf("deleted %v, want %v", f.kube.deleted, want2)
	}
}

// Each add-on endpoint's failure modes are unhealthy: a 404 (unless the check expects it), a
// 500, a wrong issuer, Grafana's database failing, a 404 from something other than APISIX.
func TestHealthEndpointFailures(t *testing.T) {
	for _, c := range []struct {
		name  string
		mode  map[string]string
		check string
		want  string
	}{
		{"argocd 404", map[string]string{"/healthz": "404"}, "https argocd", "/healthz?full=true answered 404 Not Found, want 200"},
		{"argocd 500", map[string]string{"/healthz": "500"}, "https argocd", "answered 500 Internal Server Error, want 200"},
		{"keycloak 404", map[string]string{"/realms/platform/.well-known/openid-configuration": "404"}, "https keycloak", "answered 404 Not Found, want 200"},
		{"keycloak wrong issuer", map[string]string{"/realms/platform/.well-known/openid-configuration": "wrong-issuer"}, "https keycloak",
			`issuer "http://keycloak.keycloak.svc:8080/realms/platform", want "https://127.0.0.1:`},
		{"grafana 404", map[string]string{"/api/health": "404"}, "https grafana", "/api/health answered 404 Not Found, want 200"},
		{"grafana database", map[string]string{"/api/health": "db-failing"}, "https grafana", "/api/health answered 503 Service Unavailable, want 200"},
		{"apisix 500", map[string]string{"/.platform-health/no-route": "500"}, "https apisix", "answered 500 Internal Server Error, want 404"},
		{"another 404", map[string]string{"/.platform-health/no-route": "nginx-404"}, "https apisix", "the 404 is not APISIX's"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, healthyKube(), c.mode)
			code, lines, all := runHealth(t, f.cfg)
			if code != exitUnhealthy {
				t.Fatalf("exit %d, want %d:\n%s", code, exitUnhealthy, all)
			}
			if l := lines[c.check]; !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, c.want) || !strings.HasSuffix(l, "(2 tries)") {
				t.Errorf("%s: %q, want FAIL with %q after 2 tries", c.check, l, c.want)
			}
			for name, l := range lines {
				if name != c.check && !strings.HasPrefix(l, "ok") {
					t.Errorf("another check did not pass: %s", l)
				}
			}
			if !strings.Contains(all, "error: 1 health check(s) failed on stack production") {
				t.Errorf("stderr:\n%s", all)
			}
		})
	}
}

// Grafana's body is read too: a 200 whose database is not ok fails.
func TestHealthGrafanaBody(t *testing.T) {
	e := endpoints(testRealm)[2]
	if e.name != "grafana" {
		t.Fatalf("endpoint %s", e.name)
	}
	if err := e.body("", []byte(`{"database":"failing"}`)); err == nil || !strings.Contains(err.Error(), `database "failing", not ok`) {
		t.Errorf("failing database: %v", err)
	}
	if err := e.body("", []byte(`<html>`)); err == nil {
		t.Error("a page that is not JSON passed")
	}
	if err := endpoints(testRealm)[0].body("", []byte("<html>Argo CD</html>")); err == nil {
		t.Error("Argo CD's UI page passed for /healthz")
	}
}

func TestHealthWorkloadFailures(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(k *fakeKube)
		check  string
		want   string
	}{
		{"empty namespace", func(k *fakeKube) { delete(k.workloads, "argocd") }, "workloads argocd", "no Deployment, StatefulSet or DaemonSet in namespace argocd"},
		{"release without workloads", func(k *fakeKube) {
			k.workloads["argocd"] = map[string][]map[string]any{"deployments": {deployment("stray", 1, 1, nil)}}
		}, "workloads argocd", "release argocd has no workload"},
		{"deployment not available", func(k *fakeKube) {
			k.workloads["argocd"]["deployments"] = []map[string]any{deployment("argocd-server", 2, 1, helm("argocd", "argocd"))}
		}, "workloads argocd", "deployment/argocd-server 1 of 2 updated replicas available"},
		{"stateful set not ready", func(k *fakeKube) {
			k.workloads["keycloak"]["statefulsets"] = []map[string]any{statefulSet("keycloak", 2, 0, helm("keycloak", "keycloak"))}
		}, "workloads keycloak", "statefulset/keycloak 0 of 2 replicas ready"},
		{"daemon set not ready", func(k *fakeKube) {
			k.workloads["kube-system"]["daemonsets"] = []map[string]any{daemonSet("aws-node", 3, 2, nil)}
		}, "workloads kube-system", "daemonset/aws-node 2 of 3 pods ready"},
		{"EKS add-on missing", func(k *fakeKube) { delete(k.workloads["kube-system"], "deployments") }, "workloads kube-system", "EKS add-on coredns has no deployment/coredns"},
		{"postgres not ready", func(k *fakeKube) {
			k.postgres["keycloak/keycloak-db"]["status"] = map[string]any{"readyInstances": 2, "conditions": []any{map[string]any{"type": "Ready", "status": "False"}}}
		}, "workloads keycloak", "postgres cluster keycloak-db: 2 of 3 instances ready"},
		{"postgres missing", func(k *fakeKube) { delete(k.postgres, "keycloak/keycloak-db") }, "workloads keycloak", "postgres cluster keycloak-db: GET /apis/postgresql.cnpg.io/v1/namespaces/keycloak/clusters/keycloak-db answered 404"},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := healthyKube()
			c.mutate(k)
			f := newFixture(t, k, nil)
			code, lines, all := runHealth(t, f.cfg)
			if code != exitUnhealthy {
				t.Fatalf("exit %d, want %d:\n%s", code, exitUnhealthy, all)
			}
			if l := lines[c.check]; !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, c.want) {
				t.Errorf("%s: %q, want FAIL with %q\n%s", c.check, l, c.want, all)
			}
			if n := strings.Count(all, "\nFAIL"); n != 1 {
				t.Errorf("%d failed lines, want 1:\n%s", n, all)
			}
		})
	}
}

func TestWorkloadNotReady(t *testing.T) {
	var one int32 = 1
	mk := func(kind string, f func(w *workload)) workload {
		w := workload{kind: kind}
		w.Metadata.Generation = 1
		w.Status.ObservedGeneration = 1
		f(&w)
		return w
	}
	for _, c := range []struct {
		w    workload
		want string
	}{
		{mk("deployment", func(w *workload) { w.Metadata.Generation = 2 }), "generation not observed yet"},
		{mk("deployment", func(w *workload) {
			w.Spec.Replicas = &one
			w.Status.Replicas, w.Status.UpdatedReplicas, w.Status.AvailableReplicas = 2, 1, 1
		}), "1 old replicas pending termination"},
		{mk("deployment", func(w *workload) {
			w.Status.Conditions = append(w.Status.Conditions, struct {
				Type   string `json:"type"`
				Status string `json:"status"`
				Reason string `json:"reason"`
			}{"Progressing", "False", "ProgressDeadlineExceeded"})
		}), "exceeded its progress deadline"},
		{mk("deployment", func(w *workload) { w.Status.Replicas, w.Status.UpdatedReplicas, w.Status.AvailableReplicas = 1, 1, 1 }), ""}, // replicas default to 1
		{mk("statefulset", func(w *workload) {
			w.Status.ReadyReplicas, w.Status.CurrentRevision, w.Status.UpdateRevision = 1, "a", "b"
		}), "rolling update not complete"},
		{mk("statefulset", func(w *workload) {
			w.Spec.UpdateStrategy.Type = "OnDelete"
			w.Status.ReadyReplicas, w.Status.CurrentRevision, w.Status.UpdateRevision = 1, "a", "b"
		}), ""},
		{mk("daemonset", func(w *workload) {
			w.Status.DesiredNumberScheduled, w.Status.NumberReady, w.Status.UpdatedNumberScheduled, w.Status.NumberAvailable = 3, 3, 2, 3
		}), "2 of 3 pods updated"},
		{mk("daemonset", func(w *workload) {}), ""}, // no node to run on: nothing desired
	} {
		if got := c.w.notReady(); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.w.kind, c.w.Status, got, c.want)
		}
	}
}

func TestHealthSQLProbe(t *testing.T) {
	t.Run("port closed", func(t *testing.T) {
		k := healthyKube()
		k.jobs["sql"] = "failed"
		f := newFixture(t, k, nil)
		code, lines, all := runHealth(t, f.cfg)
		l := lines["sqlserver from pod"]
		if code != exitUnhealthy || !strings.HasPrefix(l, "FAIL") ||
			!strings.Contains(l, "port 1433 of sqlServerEndpoint not reachable from a pod in ingress: exit 1: nc: <sqlServerEndpoint> (10.20.3.4:1433): Connection timed out (BackoffLimitExceeded") {
			t.Errorf("exit %d, line %q\n%s", code, l, all)
		}
		if len(k.deleted) != 3 || len(k.created) != 3 { // one SQL Server Job per try and the APISIX one, each deleted
			t.Errorf("created %d, deleted %v", len(k.created), k.deleted)
		}
	})
	t.Run("never finishes", func(t *testing.T) {
		k := healthyKube()
		k.jobs["sql"] = "running"
		f := newFixture(t, k, nil)
		f.cfg.probeDeadline = 300 * time.Millisecond
		f.cfg.poll = 20 * time.Millisecond
		f.cfg.sleep = sleepContext
		f.cfg.attempts = 1
		code, lines, all := runHealth(t, f.cfg)
		l := lines["sqlserver from pod"]
		if code != exitUnhealthy || !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "did not finish within 300ms (pod waiting: ImagePullBackOff)") {
			t.Errorf("exit %d, line %q\n%s", code, l, all)
		}
		if len(k.deleted) != 2 || !strings.HasPrefix(k.deleted[0], "ingress/platform-health-sql-") {
			t.Errorf("the Job was not deleted: %v", k.deleted)
		}
	})
	t.Run("no SQL Server", func(t *testing.T) {
		f := newFixture(t, healthyKube(), nil)
		delete(f.cfg.outputs, "sqlServerEndpoint")
		code, lines, all := runHealth(t, f.cfg)
		if code != exitOK || !strings.HasPrefix(lines["sqlserver from pod"], "skip") || f.kube.saw("POST /apis/batch/v1/namespaces/ingress") != 0 {
			t.Errorf("exit %d:\n%s", code, all)
		}
	})
	t.Run("no cache", func(t *testing.T) {
		if got := probeImageFor(probeImage, nil); got != probeImage {
			t.Errorf("without a cache: %s", got)
		}
		if got := probeImageFor(probeImage, map[string]any{"registry.k8s.io": "x/k8s"}); got != probeImage {
			t.Errorf("with another registry's cache: %s", got)
		}
	})
	for name, outputs := range map[string]map[string]any{
		"injected endpoint": {"sqlServerEndpoint": "x; rm -rf /"},
		"bad port":          {"sqlServerPort": "99999"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, healthyKube(), nil)
			for k, v := range outputs {
				f.cfg.outputs[k] = v
			}
			code, lines, _ := runHealth(t, f.cfg)
			if n := f.kube.saw("POST /apis/batch/v1/namespaces/ingress"); code != exitUnhealthy || !strings.HasPrefix(lines["sqlserver from pod"], "FAIL") || n != 0 {
				t.Errorf("exit %d, %q, %d jobs", code, lines["sqlserver from pod"], n)
			}
		})
	}
}

func TestHealthAPISIXStatus(t *testing.T) {
	t.Run("not ready", func(t *testing.T) {
		k := healthyKube()
		k.jobs["apisix"] = "failed"
		f := newFixture(t, k, nil)
		code, lines, _ := runHealth(t, f.cfg)
		if l := lines["apisix status"]; code != exitUnhealthy || !strings.HasPrefix(l, "FAIL") ||
			!strings.Contains(l, "/status/ready not ok on every APISIX pod: exit 1: wget: server returned error: HTTP/1.1 503 Service Unavailable") {
			t.Errorf("exit %d, %q", code, l)
		}
	})
	t.Run("status API off", func(t *testing.T) {
		k := healthyKube()
		for _, p := range k.apisixPods {
			p["spec"] = map[string]any{"containers": []any{map[string]any{"ports": []any{map[string]any{"name": "http", "containerPort": 9080}}}}}
		}
		f := newFixture(t, k, nil)
		code, lines, _ := runHealth(t, f.cfg)
		if l := lines["apisix status"]; code != exitOK || !strings.HasPrefix(l, "skip") || !strings.Contains(l, "status API is off") || f.kube.saw("POST /apis/batch/v1/namespaces/apisix") != 0 {
			t.Errorf("exit %d, %q", code, l)
		}
	})
	t.Run("no pods", func(t *testing.T) {
		k := healthyKube()
		k.apisixPods = nil
		f := newFixture(t, k, nil)
		code, lines, _ := runHealth(t, f.cfg)
		if l := lines["apisix status"]; code != exitUnhealthy || !strings.Contains(l, "no APISIX pod in namespace apisix") {
			t.Errorf("exit %d, %q", code, l)
		}
	})
	t.Run("pod without address", func(t *testing.T) {
		k := healthyKube()
		k.apisixPods[1]["status"] = map[string]any{"phase": "Pending"}
		f := newFixture(t, k, nil)
		code, lines, _ := runHealth(t, f.cfg)
		if l := lines["apisix status"]; code != exitUnhealthy || !strings.Contains(l, "pod apisix-7d9f-fghij has no address (pending)") {
			t.Errorf("exit %d, %q", code, l)
		}
	})
}

// An API nobody answers at: one line naming the endpoint and the cause, exit 5, no other check
// and no other request; the tries are the gate's (apiReachAttempts, apiReachInterval apart).
func TestHealthUnreachableAPIFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String()
	_ = l.Close() // a closed port: connection refused
	f := newFixture(t, healthyKube(), nil)
	f.cfg.outputs["kubeconfig"] = kubeconfigFor(closed, serverCA(f.api))
	var out, errb bytes.Buffer
	code := health(f.cfg, &out, &errb)
	want := "error: the cluster API " + closed + " is not reachable from here (connection refused): run on the in-VPC runner or over the VPN\n"
	if code != exitUnhealthy || errb.String() != want || out.Len() != 0 {
		t.Errorf("exit %d\nstdout %q\nstderr %q\nwant   %q", code, out.String(), errb.String(), want)
	}
	if want := []time.Duration{apiReachInterval, apiReachInterval}; !slices.Equal(f.slept, want) {
		t.Errorf("pauses %v, want %v (%d tries)", f.slept, want, apiReachAttempts)
	}
	if f.kube.saw("") != 0 || len(f.runner.calls) != 0 {
		t.Errorf("requests or credential plugin runs after the gate failed: %v %v", f.kube.requests, f.runner.calls)
	}
}

// The bound of the fail-fast, from the constants: every try and pause fits in the gate's budget,
// and the budget in two minutes.
func TestReachBound(t *testing.T) {
	tries := time.Duration(apiReachAttempts)*apiTryTimeout + time.Duration(apiReachAttempts-1)*apiReachInterval
	if tries > apiReachBudget || apiReachBudget > 2*time.Minute || apiDialTimeout > apiTryTimeout {
		t.Errorf("tries %s, budget %s, dial %s: the gate must end within 2 minutes", tries, apiReachBudget, apiDialTimeout)
	}
}

func TestClassifyDialError(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "ABC.gr7.eu-west-1.eks.amazonaws.com", IsNotFound: true}}, "not reachable: DNS: no such host ABC.gr7.eu-west-1.eks.amazonaws.com"},
		{fmt.Errorf("dial tcp 10.0.1.5:443: %w", os.ErrDeadlineExceeded), "not reachable: timed out"},
		{errors.New("net/http: TLS handshake timeout"), "not reachable: TLS handshake timed out"},
		{errors.New("x509: certificate signed by unknown authority"), "x509: certificate signed by unknown authority"},
	} {
		got := classifyDialError(c.err)
		if got.Error() != c.want || errors.Is(got, errUnreachable) != strings.HasPrefix(c.want, "not reachable") {
			t.Errorf("%v: %v", c.err, got)
		}
	}
	if got := unreachableLine("https://ABC.gr7.eu-west-1.eks.amazonaws.com", classifyDialError(&net.DNSError{Err: "no such host", Name: "ABC.gr7.eu-west-1.eks.amazonaws.com", IsNotFound: true})); got !=
		"the cluster API https://ABC.gr7.eu-west-1.eks.amazonaws.com is not reachable from here (DNS: no such host ABC.gr7.eu-west-1.eks.amazonaws.com): run on the in-VPC runner or over the VPN" {
		t.Errorf("line %q", got)
	}
}

// A reachable API that does not accept the caller, or credentials that cannot be had: the cluster
// check fails with the reason and the Kubernetes checks are skipped, not retried for an hour.
func TestHealthClusterFailures(t *testing.T) {
	for _, c := range []struct {
		name    string
		setup   func(f *fixture)
		want    string
		retried bool
	}{
		{"no credentials", func(f *fixture) {
			f.runner.answer = func([]string) (string, error) { return "", errors.New("aws: Unable to locate credentials") }
		}, "kubeconfig credentials (aws eks get-token): aws: Unable to locate credentials", true},
		{"no access entry", func(f *fixture) {
			f.runner.answer = func([]string) (string, error) {
				return `{"kind":"ExecCredential","status":{"token":"k8s-aws-v1.other-role"}}`, nil
			}
		}, "GET /readyz answered 401: Unauthorized", true},
		{"not ready", func(f *fixture) { f.kube.readyz = "[-]etcd failed: reason withheld" }, `/readyz answered "[-]etcd failed`, true},
		{"no kubeconfig", func(f *fixture) { delete(f.cfg.outputs, "kubeconfig") }, "output kubeconfig is missing", false},
		{"secret placeholder", func(f *fixture) { f.cfg.outputs["kubeconfig"] = "[secret]" }, "pass the file of `pulumi stack output --json --show-secrets`", false},
		{"untrusted API certificate", func(f *fixture) {
			f.cfg.outputs["kubeconfig"] = kubeconfigFor(f.api.URL, otherCA(t))
		}, "x509: certificate signed by unknown authority", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, healthyKube(), nil)
			c.setup(f)
			code, lines, all := runHealth(t, f.cfg)
			if l := lines["cluster"]; code != exitUnhealthy || !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, c.want) {
				t.Errorf("exit %d, cluster %q, want %q\n%s", code, l, c.want, all)
			}
			// A bad kubeconfig or certificate is the same on every try; an answer may change.
			if retried := strings.HasSuffix(lines["cluster"], "(2 tries)"); retried != c.retried {
				t.Errorf("cluster retried %v, want %v: %q", retried, c.retried, lines["cluster"])
			}
			for _, name := range []string{"workloads argocd", "sqlserver from pod", "apisix status"} {
				if !strings.HasPrefix(lines[name], "skip") || !strings.Contains(lines[name], "the cluster check failed") {
					t.Errorf("%s: %q, want skip", name, lines[name])
				}
			}
			if f.kube.saw("GET /apis") != 0 || f.kube.saw("POST") != 0 || f.kube.saw("GET /api/") != 0 {
				t.Errorf("Kubernetes checks ran: %v", f.kube.requests)
			}
		})
	}
}

// A check that fails once and then passes is healthy, and says it needed a second try.
func TestHealthRetries(t *testing.T) {
	k := healthyKube()
	f := newFixture(t, k, nil)
	calls := 0
	f.addons.Config.Handler = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/health" {
				calls++
				if calls == 1 {
					w.WriteHeader(http.StatusBadGateway)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}(f.addons.Config.Handler)
	code, lines, all := runHealth(t, f.cfg)
	if code != exitOK || !strings.HasPrefix(lines["https grafana"], "ok") || !strings.HasSuffix(lines["https grafana"], "(2 tries)") {
		t.Fatalf("exit %d, grafana %q:\n%s", code, lines["https grafana"], all)
	}
	if !slices.Contains(f.slept, time.Second) {
		t.Errorf("no pause of --interval between tries: %v", f.slept)
	}
}

// Outputs an environment does not have are skipped, not failed: an add-on turned off.
func TestHealthSkipsAbsentOutputs(t *testing.T) {
	f := newFixture(t, healthyKube(), nil)
	delete(f.cfg.outputs, "apiUrl")
	f.cfg.outputs["grafanaUrl"] = ""
	code, lines, all := runHealth(t, f.cfg)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, all)
	}
	for _, name := range []string{"https apisix", "https grafana"} {
		if !strings.HasPrefix(lines[name], "skip") {
			t.Errorf("%s: %q", name, lines[name])
		}
	}
	if !strings.Contains(all, "11 ok, 0 failed, 2 skipped") {
		t.Errorf("summary:\n%s", all)
	}
}

// The expectations come from the stack's own program: the releases, EKS add-ons, Postgres
// clusters and realm of production's graph.
func TestExpectationsFromPreview(t *testing.T) {
	e, err := loadExpectations("../..", "production")
	if err != nil {
		t.Fatal(err)
	}
	if e.realm != "platform" {
		t.Errorf("realm %q", e.realm)
	}
	for _, r := range []expectedRelease{
		{"argocd", "argocd", "argo-cd"}, {"apisix", "apisix", "apisix"}, {"keycloak", "keycloak", "keycloakx"},
		{"prometheus-operator-crds", "monitoring", "prometheus-operator-crds"}, {"aws-for-fluent-bit", "logging", "aws-for-fluent-bit"},
	} {
		if !slices.Contains(e.releases, r) {
			t.Errorf("release %v missing from %v", r, e.releases)
		}
	}
	if !slices.Equal(e.postgres, []string{"keycloak/keycloak-db"}) {
		t.Errorf("postgres %v", e.postgres)
	}
	for _, a := range e.eksAddons {
		if _, ok := eksAddonWorkloads[a]; !ok {
			t.Errorf("EKS add-on %s has no expected workloads", a)
		}
	}
	if len(e.eksAddons) != 5 {
		t.Errorf("EKS add-ons %v", e.eksAddons)
	}
	want := []string{"kube-system", "ingress", "argocd", "apisix", "keycloak", "cnpg-system", "monitoring", "logging"}
	if got := e.namespaces(); !slices.Equal(got, want) {
		t.Errorf("namespaces %v, want %v", got, want)
	}
	if ns := probeNamespace(e); ns != "ingress" {
		t.Errorf("probe namespace %q", ns)
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String()
	_ = l.Close()
	ca := httptest.NewTLSServer(http.NotFoundHandler())
	defer ca.Close()
	aws := write("aws.json", `{"kubeconfig":`+mustJSON(kubeconfigFor(closed, serverCA(ca)))+`}`)
	services := write("services.json", `{"argocdUrl":"https://argocd.example.com"}`)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"health"}, exitFailure, "health needs --stack <name> and --outputs <file>"},
		{[]string{"health", "--stack", "dev"}, exitFailure, "health needs --stack"},
		{[]string{"health", "--stack", "dev", "--outputs", filepath.Join(dir, "none.json")}, exitFailure, "--outputs"},
		{[]string{"health", "--stack", "dev", "--outputs", write("bad.json", "[secret]")}, exitFailure, "not the JSON object of `pulumi stack output --json --show-secrets`"},
		{[]string{"health", "--stack", "dev", "--outputs", aws, "--retries", "0"}, exitFailure, "--retries must be at least 1"},
		{[]string{"health", "--stack", "dev", "--outputs", aws, "--probe-image", "busybox:latest"}, exitFailure, "not pinned by digest"},
		{[]string{"health", "--stack", "dev", "--outputs", aws, "--dir", dir}, exitFailure, "--dir " + dir + ": the expected workloads come from the stack's offline preview"},
		{[]string{"health", "--bogus"}, exitFailure, "flag provided but not defined"},
		// Both layers' outputs, the API unreachable: one line, exit 5, well before any retry.
		{[]string{"health", "--stack", "dev", "--dir", "../..", "--outputs", aws, "--outputs", services}, exitUnhealthy,
			"error: the cluster API " + closed + " is not reachable from here (connection refused): run on the in-VPC runner or over the VPN"},
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

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
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
	// A kubeconfig exported as an object is read as one; this one has no context.
	if _, err := newKubeClient(o, nil); err == nil || !strings.Contains(err.Error(), "current-context") {
		t.Errorf("kubeconfig object without a context: %v", err)
	}
}

// An endpoint is healthy only over HTTPS with a certificate valid for its name.
func TestHealthEndpointURLs(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(f *fixture)
		check string
		want  string
		tries string
	}{
		{"plain http", func(f *fixture) { f.cfg.outputs["grafanaUrl"] = "http://grafana.example.com" }, "https grafana", "output grafanaUrl is not an https:// URL", ""},
		{"untrusted certificate", func(f *fixture) {
			f.cfg.client = &http.Client{}
			f.cfg.outputs["apiUrl"], f.cfg.outputs["keycloakUrl"], f.cfg.outputs["grafanaUrl"] = "", "", ""
		}, "https argocd", "x509: certificate signed by unknown authority", " (2 tries)"},
		{"certificate for another name", func(f *fixture) {
			f.cfg.outputs["keycloakUrl"] = strings.Replace(f.addons.URL, "127.0.0.1", "localhost", 1)
		}, "https keycloak", "x509: certificate is valid for", " (2 tries)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, healthyKube(), nil)
			c.setup(f)
			code, lines, all := runHealth(t, f.cfg)
			l := lines[c.check]
			if code != exitUnhealthy || !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, c.want) {
				t.Errorf("%s: %q, want FAIL with %q\n%s", c.check, l, c.want, all)
			}
			if (c.tries != "" && !strings.HasSuffix(l, c.tries)) || (c.tries == "" && strings.HasSuffix(l, "tries)")) {
				t.Errorf("%s: %q, want the suffix %q", c.check, l, c.tries)
			}
		})
	}
}
