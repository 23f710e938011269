package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"
)

// Limits of the reachability gate: before any other Kubernetes check, `platform health` asks the
// API server once per try, each try limited to apiTryTimeout, at most
// apiReachAttempts tries apiReachInterval apart, the whole gate under apiReachBudget; the gate
// sends no credentials, so the AWS CLI never runs before the API is known to answer. When no try
// gets an HTTP answer the run stops with one line. Worst case: apiReachBudget (90 s), itself above
// 3 × 20 s + 2 × 5 s = 70 s of tries and pauses; the old loop (3 tries of up to 3 minutes for
// each of 9 Kubernetes checks, 15 s apart) could take about 85 minutes.
const (
	apiDialTimeout   = 10 * time.Second // TCP connect; TLS handshake has its own, the same
	apiTryTimeout    = 20 * time.Second // one GET /readyz
	apiReachAttempts = 3
	apiReachInterval = 5 * time.Second
	apiReachBudget   = 90 * time.Second
	apiMaxBody       = 8 << 20 // the largest answer read (lists of workloads)
	// execAPIVersion is what the kubeconfig's exec entry asks for (components/cluster/kubeconfig.go)
	// and what `aws eks get-token` prints.
	execAPIVersion = "client.authentication.k8s.io/v1beta1"
)

// errUnreachable marks an error that proves nothing answered at the API's address: DNS failed,
// the connection was refused, or the connection or TLS handshake timed out.
var errUnreachable = errors.New("not reachable")

// kubeClient speaks the few REST paths of the Kubernetes API that `platform health` needs, with
// the kubeconfig's CA and the bearer token of its exec plugin (`aws eks get-token`).
type kubeClient struct {
	server string // https://host[:port], no trailing slash
	http   *http.Client
	cred   credentialSource
}

// credentialSource gives the bearer token of a request.
type credentialSource interface {
	token(ctx context.Context) (string, error)
}

// staticToken is a kubeconfig's users[].user.token.
type staticToken string

func (t staticToken) token(context.Context) (string, error) { return string(t), nil }

// execToken runs the kubeconfig's exec plugin (client-go's credential plugin protocol,
// https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins)
// and keeps the token until a minute before its expirationTimestamp.
type execToken struct {
	run     commandRunner
	command string
	args    []string
	env     []string

	mu      sync.Mutex
	cached  string
	expires time.Time
}

func (e *execToken) token(ctx context.Context) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cached != "" && time.Now().Before(e.expires.Add(-time.Minute)) {
		return e.cached, nil
	}
	out, err := e.run.Run(ctx, e.env, e.command, e.args...)
	if err != nil {
		return "", fmt.Errorf("kubeconfig credentials (%s %s): %w", e.command, strings.Join(e.args[:min(2, len(e.args))], " "), err)
	}
	var cred struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Status     struct {
			Token               string    `json:"token"`
			ExpirationTimestamp time.Time `json:"expirationTimestamp"`
		} `json:"status"`
	}
	if err := json.Unmarshal(out, &cred); err != nil || cred.Kind != "ExecCredential" || cred.Status.Token == "" {
		return "", fmt.Errorf("kubeconfig credentials: %s printed no ExecCredential with a token", e.command)
	}
	e.cached = cred.Status.Token
	e.expires = cred.Status.ExpirationTimestamp
	if e.expires.IsZero() {
		e.expires = time.Now().Add(5 * time.Minute)
	}
	return e.cached, nil
}

// kubeconfigFile is the part of a kubeconfig the client reads.
type kubeconfigFile struct {
	CurrentContext string `yaml:"current-context"`
	Clusters       []struct {
		Name    string `yaml:"name"`
		Cluster struct {
			Server                   string `yaml:"server"`
			CertificateAuthorityData string `yaml:"certificate-authority-data"`
			InsecureSkipTLSVerify    bool   `yaml:"insecure-skip-tls-verify"`
		} `yaml:"cluster"`
	} `yaml:"clusters"`
	Contexts []struct {
		Name    string `yaml:"name"`
		Context struct {
			Cluster string `yaml:"cluster"`
			User    string `yaml:"user"`
		} `yaml:"context"`
	} `yaml:"contexts"`
	Users []struct {
		Name string `yaml:"name"`
		User struct {
			Token string `yaml:"token"`
			Exec  *struct {
				APIVersion string   `yaml:"apiVersion"`
				Command    string   `yaml:"command"`
				Args       []string `yaml:"args"`
				Env        []struct {
					Name  string `yaml:"name"`
					Value string `yaml:"value"`
				} `yaml:"env"`
			} `yaml:"exec"`
		} `yaml:"user"`
	} `yaml:"users"`
}

// kubeconfigText returns the kubeconfig output as text: a string, or an object exported as one.
func kubeconfigText(outputs map[string]any) ([]byte, error) {
	v, ok := outputs[outKubeconfig]
	if !ok || v == nil || v == "" {
		return nil, fmt.Errorf("output %s is missing", outKubeconfig)
	}
	switch k := v.(type) {
	case string:
		if k == secretPlaceholder {
			return nil, fmt.Errorf("output %s is %s: pass the file of `pulumi stack output --json --show-secrets`", outKubeconfig, secretPlaceholder)
		}
		return []byte(k), nil
	default:
		b, err := json.Marshal(k)
		if err != nil {
			return nil, fmt.Errorf("output %s cannot be read: %w", outKubeconfig, err)
		}
		return b, nil
	}
}

// newKubeClient builds the client of the kubeconfig output's current context. Errors name the
// kubeconfig field; no value of the kubeconfig is printed.
func newKubeClient(outputs map[string]any, run commandRunner) (*kubeClient, error) {
	text, err := kubeconfigText(outputs)
	if err != nil {
		return nil, err
	}
	var kc kubeconfigFile
	if err := yaml.Unmarshal(text, &kc); err != nil {
		return nil, fmt.Errorf("output %s is not a kubeconfig", outKubeconfig)
	}
	ctxName := kc.CurrentContext
	clusterName, userName := "", ""
	for _, c := range kc.Contexts {
		if c.Name == ctxName || (ctxName == "" && len(kc.Contexts) == 1) {
			clusterName, userName = c.Context.Cluster, c.Context.User
		}
	}
	if clusterName == "" {
		return nil, fmt.Errorf("output %s: current-context %q names no context", outKubeconfig, ctxName)
	}
	kcl := &kubeClient{}
	var caData string
	found := false
	for _, c := range kc.Clusters {
		if c.Name != clusterName {
			continue
		}
		found = true
		if c.Cluster.InsecureSkipTLSVerify {
			return nil, fmt.Errorf("output %s: insecure-skip-tls-verify is set; the cluster's CA is required", outKubeconfig)
		}
		u, err := url.Parse(c.Cluster.Server)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("output %s: clusters[].cluster.server is not an https:// URL", outKubeconfig)
		}
		kcl.server = strings.TrimSuffix(u.String(), "/")
		caData = c.Cluster.CertificateAuthorityData
	}
	if !found {
		return nil, fmt.Errorf("output %s: no cluster named %q", outKubeconfig, clusterName)
	}
	pool := x509.NewCertPool()
	pem, err := base64.StdEncoding.DecodeString(caData)
	if err != nil || !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("output %s: clusters[].cluster.certificate-authority-data is not a base64 PEM certificate", outKubeconfig)
	}
	for _, u := range kc.Users {
		if u.Name != userName {
			continue
		}
		switch {
		case u.User.Exec != nil:
			ex := u.User.Exec
			if ex.APIVersion != execAPIVersion {
				return nil, fmt.Errorf("output %s: users[].user.exec.apiVersion %q is not %s", outKubeconfig, ex.APIVersion, execAPIVersion)
			}
			if ex.Command == "" {
				return nil, fmt.Errorf("output %s: users[].user.exec.command is empty", outKubeconfig)
			}
			t := &execToken{run: run, command: ex.Command, args: ex.Args}
			for _, e := range ex.Env {
				t.env = append(t.env, e.Name+"="+e.Value)
			}
			kcl.cred = t
		case u.User.Token != "":
			kcl.cred = staticToken(u.User.Token)
		}
	}
	if kcl.cred == nil {
		return nil, fmt.Errorf("output %s: user %q has neither exec nor token credentials", outKubeconfig, userName)
	}
	dialer := &net.Dialer{Timeout: apiDialTimeout}
	kcl.http = &http.Client{
		Transport: &http.Transport{
			DialContext:         dialer.DialContext,
			TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: apiDialTimeout,
			Proxy:               http.ProxyFromEnvironment,
		},
		// The API never redirects the paths used here; a redirect would drop the token anyway.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return kcl, nil
}

// apiStatusError is an HTTP answer of the API other than the one expected.
type apiStatusError struct {
	method, path string
	code         int
	message      string // the Status object's message, or the start of the body
}

func (e *apiStatusError) Error() string {
	if e.message != "" {
		return fmt.Sprintf("%s %s answered %d: %s", e.method, e.path, e.code, e.message)
	}
	return fmt.Sprintf("%s %s answered %d", e.method, e.path, e.code)
}

// do sends one request and returns the body of a 2xx answer; any other answer is an
// *apiStatusError, and a failure to reach the server wraps errUnreachable.
func (k *kubeClient) do(ctx context.Context, method, path string, body any) ([]byte, error) {
	return k.send(ctx, method, path, body, true)
}

// send is do, with or without the bearer token.
func (k *kubeClient) send(ctx context.Context, method, path string, body any, auth bool) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.server+path, rd)
	if err != nil {
		return nil, err
	}
	if auth {
		tok, err := k.cred.token(ctx)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return nil, classifyDialError(unwrapURLError(err))
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, apiMaxBody))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", method, trimQuery(path), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &apiStatusError{method: method, path: trimQuery(path), code: resp.StatusCode, message: statusMessage(b)}
	}
	return b, nil
}

// getJSON GETs path and decodes the answer into v.
func (k *kubeClient) getJSON(ctx context.Context, path string, v any) error {
	b, err := k.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("GET %s: unreadable answer: %w", trimQuery(path), err)
	}
	return nil
}

func trimQuery(path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		return path[:i]
	}
	return path
}

// statusMessage is the message of a metav1.Status answer, else the body's first line, short.
func statusMessage(b []byte) string {
	var st struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &st) == nil && st.Kind == "Status" && st.Message != "" {
		return shorten(st.Message)
	}
	return shorten(strings.TrimSpace(firstLine(string(b))))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// classifyDialError wraps errUnreachable around errors that prove nothing answered: no DNS
// answer, connection refused or reset before an answer, a connect or TLS handshake timeout, an
// unreachable network. Other errors (a certificate the CA did not sign) pass unchanged.
func classifyDialError(err error) error {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return fmt.Errorf("%w: DNS: %s", errUnreachable, dnsCause(dns))
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: connection refused", errUnreachable)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Errorf("%w: no route to the address", errUnreachable)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("%w: timed out", errUnreachable)
	case errors.As(err, &op) && op.Timeout():
		return fmt.Errorf("%w: %s timed out", errUnreachable, op.Op)
	case strings.Contains(err.Error(), "TLS handshake timeout"):
		return fmt.Errorf("%w: TLS handshake timed out", errUnreachable)
	}
	return err
}

func dnsCause(d *net.DNSError) string {
	switch {
	case d.IsNotFound:
		return "no such host " + d.Name
	case d.IsTimeout:
		return "lookup of " + d.Name + " timed out"
	}
	return d.Err + " (" + d.Name + ")"
}

// readyz asks the API server whether it is ready: 200 and "ok", as /readyz answers
// (https://kubernetes.io/docs/reference/using-api/health-checks/).
func (k *kubeClient) readyz(ctx context.Context) error {
	b, err := k.do(ctx, http.MethodGet, "/readyz", nil)
	if err != nil {
		return err
	}
	if got := strings.TrimSpace(string(b)); got != "ok" {
		return fmt.Errorf("/readyz answered %q, not ok", shorten(got))
	}
	return nil
}

// reach is the gate before the Kubernetes checks: nil as soon as one try gets any HTTP answer
// (even an error status: the API is reachable, the cluster check says more), errUnreachable
// when no try got one, or another error (a certificate the kubeconfig's CA did not sign). It
// sends no token, so it never runs the credential plugin: whether the API answers is known
// before whether the caller may use it (an anonymous /readyz is answered 200 by the
// system:public-info-viewer role, or 401/403: an answer either way).
func reach(k *kubeClient, sleep func(context.Context, time.Duration) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), apiReachBudget)
	defer cancel()
	var last error
	for attempt := 1; attempt <= apiReachAttempts; attempt++ {
		tctx, tcancel := context.WithTimeout(ctx, apiTryTimeout)
		_, err := k.send(tctx, http.MethodGet, "/readyz", nil, false)
		if err != nil && tctx.Err() != nil && !errors.Is(err, errUnreachable) {
			err = fmt.Errorf("%w: timed out after %s (%s)", errUnreachable, apiTryTimeout, oneLine(err))
		}
		tcancel()
		var st *apiStatusError
		switch {
		case err == nil, errors.As(err, &st):
			return nil
		case !errors.Is(err, errUnreachable):
			return err // TLS: retrying does not help
		}
		last = err
		if attempt < apiReachAttempts {
			if serr := sleep(ctx, apiReachInterval); serr != nil {
				break
			}
		}
	}
	return last
}

// unreachableLine is the one line printed when the gate fails.
func unreachableLine(server string, err error) string {
	cause := strings.TrimPrefix(oneLine(err), errUnreachable.Error()+": ")
	return fmt.Sprintf("the cluster API %s is not reachable from here (%s): run on the in-VPC runner or over the VPN", server, cause)
}
