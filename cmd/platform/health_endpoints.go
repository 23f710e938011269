package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// endpoint is one add-on's health endpoint: the output holding its base URL, the path asked,
// the status it must answer (any other, 404 included, is unhealthy) and a check of the body.
type endpoint struct {
	name, output, path string
	status             int
	body               func(base string, body []byte) error
}

// endpoints are the add-ons' own health endpoints, each at its pinned version:
//
//   - Argo CD v3.4.4 (argo-cd chart 10.1.1): the API server's mux serves /healthz
//     (argoproj/argo-cd@v3.4.4:server/server.go:1249) through util/healthz/healthz.go, which
//     answers 200 and "ok\n", or 503 when the server is unavailable or terminating; ?full=true
//     also lists the clusters, catching a corrupted informer (server/server.go:421-436).
//   - Keycloak: the realm's OpenID Connect discovery document, whose issuer must be identical to
//     the URL it is fetched under (OpenID Connect Discovery 1.0, section 4.3): keycloakUrl plus
//     /realms/<realm>, as the add-ons' OIDC clients expect (components/addons/sso.go).
//   - Grafana: /api/health answers 200 and {"database": "ok", ...}, or 503 and "failing" when the
//     database cannot be reached (grafana/grafana pkg/api/http_server.go, apiHealthHandler).
//   - APISIX 3.16.0 (apisix chart 2.14.0): a path no route matches is answered by APISIX itself
//     with 404 and {"error_msg":"404 Route Not Found"} (apache/apisix@3.16.0:apisix/init.lua:
//     744-745): the expected 404 proves the request crossed the load balancer, the ingress
//     controller and reached APISIX's router. The status API is checked apart (apisixStatusCheck).
func endpoints(realm string) []endpoint {
	return []endpoint{
		{name: "argocd", output: "argocdUrl", path: "/healthz?full=true", status: http.StatusOK,
			body: func(_ string, b []byte) error {
				if got := strings.TrimSpace(string(b)); got != "ok" {
					return fmt.Errorf("answered %q, not ok", shorten(got))
				}
				return nil
			}},
		{name: "keycloak", output: "keycloakUrl", path: "/realms/" + realm + "/.well-known/openid-configuration", status: http.StatusOK,
			body: func(base string, b []byte) error {
				var doc struct {
					Issuer string `json:"issuer"`
				}
				if err := json.Unmarshal(b, &doc); err != nil {
					return fmt.Errorf("answered no discovery document (not JSON)")
				}
				if want := base + "/realms/" + realm; doc.Issuer != want {
					return fmt.Errorf("issuer %q, want %q", shorten(doc.Issuer), want)
				}
				return nil
			}},
		{name: "grafana", output: "grafanaUrl", path: "/api/health", status: http.StatusOK,
			body: func(_ string, b []byte) error {
				var h struct {
					Database string `json:"database"`
				}
				if err := json.Unmarshal(b, &h); err != nil {
					return fmt.Errorf("answered no health document (not JSON)")
				}
				if h.Database != "ok" {
					return fmt.Errorf("database %q, not ok", shorten(h.Database))
				}
				return nil
			}},
		{name: "apisix", output: "apiUrl", path: "/.platform-health/no-route", status: http.StatusNotFound,
			body: func(_ string, b []byte) error {
				var r struct {
					ErrorMsg string `json:"error_msg"`
				}
				if err := json.Unmarshal(b, &r); err != nil || r.ErrorMsg != "404 Route Not Found" {
					return fmt.Errorf("the 404 is not APISIX's (no error_msg \"404 Route Not Found\"): another server answered")
				}
				return nil
			}},
	}
}

// endpointChecks ask each add-on's health endpoint under the URL its output holds, with a
// certificate valid for the name; redirects are not followed (a login page is not health).
func endpointChecks(cfg healthConfig) []check {
	client := *cfg.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	var out []check
	for _, e := range endpoints(cfg.expect.realm) {
		c := check{name: "https " + e.name}
		raw, ok := cfg.outputs[e.output].(string)
		switch {
		case !ok || raw == "":
			c.skip = fmt.Sprintf("output %s is not set (add-on turned off)", e.output)
		default:
			u, err := url.Parse(raw)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				c.once = true
				c.try = func(context.Context) (string, error) {
					return "", fmt.Errorf("output %s is not an https:// URL", e.output)
				}
				break
			}
			base := strings.TrimSuffix(u.String(), "/")
			c.try = func(ctx context.Context) (string, error) { return askEndpoint(ctx, &client, base, e) }
		}
		out = append(out, c)
	}
	return out
}

func askEndpoint(ctx context.Context, client *http.Client, base string, e endpoint) (string, error) {
	target := base + e.path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json, text/plain")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", target, unwrapURLError(err))
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return "", fmt.Errorf("%s: reading the answer: %w", target, err)
	}
	if resp.StatusCode != e.status {
		return "", fmt.Errorf("%s answered %s, want %d", target, resp.Status, e.status)
	}
	if err := e.body(base, body); err != nil {
		return "", fmt.Errorf("%s %w", target, err)
	}
	if e.status != http.StatusOK {
		return fmt.Sprintf("%s answered the expected %d from APISIX, certificate valid", target, e.status), nil
	}
	return fmt.Sprintf("%s answered %d, certificate valid", target, e.status), nil
}

// The APISIX status API (apache/apisix@3.16.0: docs/en/latest/status-api.md; apisix/cli/
// ngx_tpl.lua:557-570 serves /status and /status/ready only when config.yaml has an
// apisix.status section; /status/ready answers 200 {"status":"ok"} when every worker has loaded
// its configuration, 503 otherwise, apisix/init.lua:1051-1075). Chart apisix 2.14.0 renders that
// section, on 0.0.0.0:7085, and declares the container port "status", only for the role
// traditional with config_provider yaml (templates/configmap.yaml:172-177,
// templates/deployment.yaml:157-161). No Service of the chart exposes 7085, and the API server's
// pod proxy cannot reach it either: the nodes' security group admits the control plane on 443
// and 10250 only (components/cluster/security.go). A probe pod can (node to node, every port):
// BusyBox's wget asks every APISIX pod, and exits non-zero on any answer but 2xx.
const (
	apisixStatusPortName = "status"
	apisixStatusPath     = "/status/ready"
	apisixNamespace      = "apisix" // components/addons: release apisix in namespace apisix
	apisixSelector       = "app.kubernetes.io/name=apisix,app.kubernetes.io/instance=apisix"
	// apisixProbeScript asks each "ip:port" argument; the addresses are arguments, not code.
	apisixProbeScript = `for a in "$@"; do wget -q -T 5 -O - "http://$a` + apisixStatusPath + `" || exit 1; echo; done`
)

// apisixStatusCheck asks /status/ready of every APISIX pod from a probe pod; skipped when the
// stack has no APISIX, and when the pods declare no status port (the status API is off).
func apisixStatusCheck(cfg healthConfig, k func() *kubeClient, gate func() string) check {
	c := check{name: "apisix status", gate: gate}
	if !cfg.expect.hasRelease(apisixNamespace, "apisix") {
		c.skip = "no APISIX release in the stack"
		return c
	}
	image := probeImageFor(cfg.probeImage, cfg.outputs[outMirrorURLs])
	c.try = func(ctx context.Context) (string, error) { return apisixStatus(ctx, cfg, k(), image) }
	return c
}

// statusAPIOff is the skip reason when no pod declares the status port.
const statusAPIOff = "the APISIX pods declare no status port: the status API is off (chart apisix 2.14.0 renders it for role traditional with config_provider yaml only)"

func apisixStatus(ctx context.Context, cfg healthConfig, k *kubeClient, image string) (string, error) {
	var pods struct {
		Items []struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
			Spec struct {
				Containers []struct {
					Ports []struct {
						Name          string `json:"name"`
						ContainerPort int    `json:"containerPort"`
					} `json:"ports"`
				} `json:"containers"`
			} `json:"spec"`
			Status struct {
				Phase string `json:"phase"`
				PodIP string `json:"podIP"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := k.getJSON(ctx, "/api/v1/namespaces/"+apisixNamespace+"/pods?labelSelector="+url.QueryEscape(apisixSelector), &pods); err != nil {
		return "", err
	}
	if len(pods.Items) == 0 {
		return "", fmt.Errorf("no APISIX pod in namespace %s", apisixNamespace)
	}
	var targets []string
	for _, p := range pods.Items {
		port := 0
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				if cp.Name == apisixStatusPortName {
					port = cp.ContainerPort
				}
			}
		}
		switch {
		case port == 0:
			continue
		case !ipv4Re.MatchString(p.Status.PodIP) || port > 65535:
			return "", fmt.Errorf("pod %s has no address (%s)", p.Metadata.Name, strings.ToLower(p.Status.Phase))
		}
		targets = append(targets, fmt.Sprintf("%s:%d", p.Status.PodIP, port))
	}
	if len(targets) == 0 {
		return "", &skipError{reason: statusAPIOff}
	}
	run := probeRun{
		prefix:    "apisix",
		namespace: apisixNamespace,
		image:     image,
		command:   append([]string{"sh", "-c", apisixProbeScript, "probe"}, targets...),
		redact:    func(s string) string { return s },
	}
	name, failure, err := runProbeJob(ctx, cfg, k, run)
	switch {
	case err != nil:
		return "", err
	case failure != "":
		return "", fmt.Errorf("%s not ok on every APISIX pod: %s", apisixStatusPath, failure)
	}
	return fmt.Sprintf("%s answered 2xx on %d pod(s), asked from a pod (Job %s)", apisixStatusPath, len(targets), name), nil
}
