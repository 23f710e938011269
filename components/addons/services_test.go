package addons

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	k8sStorageClass      = "kubernetes:storage.k8s.io/v1:StorageClass"
	k8sStorageClassPatch = "kubernetes:storage.k8s.io/v1:StorageClassPatch"
	argoApplication      = "kubernetes:argoproj.io/v1alpha1:Application"
	imageUpdaterCR       = "kubernetes:argocd-image-updater.argoproj.io/v1alpha1:ImageUpdater"
	traefikMiddleware    = "kubernetes:traefik.io/v1alpha1:Middleware"
)

// Plaintexts the tests hand in as secrets; none may appear in a preview.
const (
	gitToken       = "ghp-plain-git-token-do-not-print"
	pagerKey       = "pd-plain-routing-key-do-not-print"
	slackURL       = "https://hooks.slack.com/services/T0/B0/plain-do-not-print"
	webhookURL     = "https://hooks.example.com/alerts?token=plain-do-not-print"
	smtpPassword   = "smtp-plain-password-do-not-print"
	defaultMarkKey = "storageclass.kubernetes.io/is-default-class"
)

func withGitOps(a *PlatformAddonsArgs) {
	a.GitOps = GitOpsArgs{
		RepositoryURL:     "https://github.com/flowmart/deploy.git",
		Path:              "environments/dev",
		Password:          pulumi.String(gitToken),
		ImageRepositories: []string{"storefront", "team/checkout"},
	}
}

func withAlerts(a *PlatformAddonsArgs) {
	a.Monitoring.Alerts = AlertingArgs{
		PagerDutyRoutingKey: pulumi.String(pagerKey),
		Slack:               &SlackReceiver{WebhookURL: pulumi.String(slackURL), Channel: "#platform-alerts"},
		Email: &EmailReceiver{To: []string{"ops@example.com"}, From: "alertmanager@example.com",
			SmartHost: "email-smtp.eu-west-1.amazonaws.com:587", Username: "AKIAEXAMPLE", Password: pulumi.String(smtpPassword)},
		Webhook: &WebhookReceiver{URL: pulumi.String(webhookURL)},
	}
}

func annotation(r *preview.Resource, key string) any {
	return path(r.Inputs, "metadata", "annotations", key)
}

// Exactly one default StorageClass: the encrypted gp3 class of the EBS CSI driver, binding where
// the pod runs; gp2 is patched to not default before it exists; every release or database that
// claims volumes waits for it.
func TestOneEncryptedGP3DefaultStorageClass(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		o := opts
		o.Deploy = deploy
		doc, _ := run(t, o, func(a *PlatformAddonsArgs) { a.APISIX.Mode = APISIXEtcd })
		var defaults []string
		for _, typ := range []string{k8sStorageClass, k8sStorageClassPatch} {
			for _, r := range doc.Find(typ) {
				if annotation(r, defaultMarkKey) == "true" {
					defaults = append(defaults, path(r.Inputs, "metadata", "name").(string))
				}
			}
		}
		if !slices.Equal(defaults, []string{"gp3"}) {
			t.Fatalf("deploy=%v: default classes %v, want exactly [gp3]", deploy, defaults)
		}
		gp3 := get(t, doc, k8sStorageClass, "test-storage-gp3")
		in := gp3.Inputs
		if in["provisioner"] != "ebs.csi.aws.com" || path(in, "parameters", "type") != "gp3" || path(in, "parameters", "encrypted") != "true" ||
			in["volumeBindingMode"] != "WaitForFirstConsumer" || in["allowVolumeExpansion"] != true {
			t.Errorf("gp3 class: %v", in)
		}
		gp2 := get(t, doc, k8sStorageClassPatch, "test-storage-gp2")
		if path(gp2.Inputs, "metadata", "name") != "gp2" || annotation(gp2, defaultMarkKey) != "false" || gp2.Inputs["provisioner"] != nil {
			t.Errorf("gp2 patch: %v", gp2.Inputs)
		}
		if !slices.Contains(gp3.Dependencies, gp2.URN) {
			t.Error("gp3 becomes default before gp2 stops being one")
		}
		for _, claimer := range []*preview.Resource{
			get(t, doc, "kubernetes:postgresql.cnpg.io/v1:Cluster", "test-keycloak-db"),
			get(t, doc, helmRelease, "test-monitoring"),
			get(t, doc, helmRelease, "test-apisix"),
		} {
			if !slices.Contains(claimer.Dependencies, gp3.URN) {
				t.Errorf("%s claims volumes before the default class exists", claimer.Name)
			}
		}
	}
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.StorageClass.Enabled = pulumi.BoolRef(false) })
	if n := len(doc.Find(k8sStorageClass)) + len(doc.Find(k8sStorageClassPatch)); n != 0 {
		t.Errorf("%d storage class resources while disabled", n)
	}
}

// The ingress controller's pods are the NLB's IP targets: their namespace, and only it, carries
// the load balancer controller's readiness-gate label, before the controller is installed.
func TestReadinessGateOnIPTargetNamespaces(t *testing.T) {
	doc, _ := run(t, opts, nil)
	for _, ns := range doc.Find(k8sNS) {
		label := path(ns.Inputs, "metadata", "labels", "elbv2.k8s.aws/pod-readiness-gate-inject")
		want := any(nil)
		if path(ns.Inputs, "metadata", "name") == "ingress" {
			want = "enabled"
		}
		if label != want {
			t.Errorf("%s: readiness gate label %v, want %v", ns.Name, label, want)
		}
	}
	ing := get(t, doc, helmRelease, "test-ingress")
	if !slices.Contains(ing.Dependencies, get(t, doc, k8sNS, "test-ns-ingress").URN) {
		t.Error("the controller's pods may start before their namespace is labeled")
	}
}

func TestGitOpsBootstrap(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		o := opts
		o.Deploy = deploy
		doc, _ := run(t, o, withGitOps)
		if b, _ := json.Marshal(doc); strings.Contains(string(b), gitToken) {
			t.Fatalf("deploy=%v: the repository token appears in the preview", deploy)
		}
		repo := get(t, doc, k8sSecret, "test-argocd-repository")
		if path(repo.Inputs, "metadata", "labels", "argocd.argoproj.io/secret-type") != "repository" ||
			path(repo.Inputs, "metadata", "namespace") != "argocd" || repo.Inputs["stringData"] != preview.Secret {
			t.Errorf("repository secret: %v", repo.Inputs)
		}
		argo := get(t, doc, helmRelease, "test-argocd")
		root := get(t, doc, argoApplication, "test-argocd-root")
		spec := root.Inputs["spec"]
		if path(spec, "source", "repoURL") != "https://github.com/flowmart/deploy.git" || path(spec, "source", "path") != "environments/dev" ||
			path(spec, "source", "targetRevision") != "main" || path(spec, "destination", "server") != "https://kubernetes.default.svc" ||
			path(spec, "syncPolicy", "automated", "selfHeal") != true {
			t.Errorf("root application spec: %v", spec)
		}
		if !slices.Contains(root.Dependencies, argo.URN) || !slices.Contains(root.Dependencies, repo.URN) {
			t.Errorf("root application is not after Argo CD and its repository: %v", root.Dependencies)
		}
		iu := get(t, doc, imageUpdaterCR, "test-image-updater-images")
		spec = iu.Inputs["spec"]
		if path(spec, "writeBackConfig", "method") != "git" || path(spec, "writeBackConfig", "gitConfig", "branch") != "main" {
			t.Errorf("write-back: %v", path(spec, "writeBackConfig"))
		}
		refs := path(spec, "applicationRefs").([]any)
		if len(refs) != 2 || path(refs[1], "namePattern") != "team-checkout" ||
			path(refs[1], "images").([]any)[0].(map[string]any)["imageName"] != "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/checkout" {
			t.Errorf("application refs: %v", refs)
		}
		updater := get(t, doc, helmRelease, "test-image-updater")
		if !slices.Contains(iu.Dependencies, updater.URN) {
			t.Error("the ImageUpdater resource is created before the chart installs its CRD")
		}
		if path(updater.Inputs["values"], "replicaCount") != 1.0 {
			t.Errorf("image updater replicas: %v", path(updater.Inputs["values"], "replicaCount"))
		}
	}
	doc, _ := run(t, opts, nil)
	for _, typ := range []string{argoApplication, imageUpdaterCR} {
		if n := len(doc.Find(typ)); n != 0 {
			t.Errorf("%d %s without GitOps", n, typ)
		}
	}
	if doc.Get(k8sSecret, "test-argocd-repository") != nil {
		t.Error("a repository secret without GitOps")
	}
}

func receiverNames(v any) []string {
	var out []string
	for _, r := range path(v, "alertmanager", "config", "receivers").([]any) {
		out = append(out, r.(map[string]any)["name"].(string))
	}
	return out
}

// routeTo returns the receivers the routes send a severity to, in order.
func routeTo(v any, severity string) []string {
	var out []string
	for _, r := range path(v, "alertmanager", "config", "route", "routes").([]any) {
		for _, m := range r.(map[string]any)["matchers"].([]any) {
			if strings.HasPrefix(m.(string), "severity") && strings.Contains(m.(string), severity) {
				out = append(out, r.(map[string]any)["receiver"].(string))
			}
		}
	}
	return out
}

func TestAlertmanagerReceiversBySeverity(t *testing.T) {
	cases := []struct {
		name              string
		mutate            func(*PlatformAddonsArgs)
		receivers         []string
		critical, warning []string
	}{
		{"pager and chat", withAlerts, []string{"null", "pager", "chat"}, []string{"pager", "chat"}, []string{"chat"}},
		{"pager only", func(a *PlatformAddonsArgs) { a.Monitoring.Alerts.PagerDutyRoutingKey = pulumi.String(pagerKey) },
			[]string{"null", "pager"}, []string{"pager"}, []string{"pager"}},
		{"chat only", func(a *PlatformAddonsArgs) { withAlerts(a); a.Monitoring.Alerts.PagerDutyRoutingKey = nil },
			[]string{"null", "chat"}, []string{"chat"}, []string{"chat"}},
	}
	for _, c := range cases {
		for _, deploy := range []bool{false, true} {
			o := opts
			o.Deploy = deploy
			doc, _ := run(t, o, c.mutate)
			b, _ := json.Marshal(doc)
			for _, plain := range []string{pagerKey, slackURL, webhookURL, smtpPassword} {
				if strings.Contains(string(b), plain) {
					t.Fatalf("%s deploy=%v: %q appears in the preview", c.name, deploy, plain)
				}
			}
			kps := get(t, doc, helmRelease, "test-monitoring")
			v := kps.Inputs["values"]
			if got := receiverNames(v); !slices.Equal(got, c.receivers) {
				t.Errorf("%s: receivers %v, want %v", c.name, got, c.receivers)
			}
			if got := routeTo(v, "critical"); !slices.Equal(got, c.critical) {
				t.Errorf("%s: critical goes to %v, want %v", c.name, got, c.critical)
			}
			if got := routeTo(v, "warning"); !slices.Equal(got, c.warning) {
				t.Errorf("%s: warning goes to %v, want %v", c.name, got, c.warning)
			}
			if s := path(v, "alertmanager", "alertmanagerSpec", "secrets"); !slices.Equal(s.([]any), []any{"alertmanager-receivers"}) {
				t.Errorf("%s: mounted secrets %v", c.name, s)
			}
			sec := get(t, doc, k8sSecret, "test-alertmanager-secret")
			if sec.Inputs["stringData"] != preview.Secret || !slices.Contains(kps.Dependencies, sec.URN) {
				t.Errorf("%s: receivers secret %v, release deps %v", c.name, sec.Inputs, kps.Dependencies)
			}
			if path(v, "alertmanager", "alertmanagerSpec", "replicas") != 1.0 {
				t.Errorf("%s: the receivers replaced the chart values around them: %v", c.name, path(v, "alertmanager"))
			}
		}
	}
	doc, _ := run(t, opts, withAlerts)
	recv := path(get(t, doc, helmRelease, "test-monitoring").Inputs["values"], "alertmanager", "config", "receivers").([]any)
	pager, chat := recv[1].(map[string]any), recv[2].(map[string]any)
	pd := pager["pagerduty_configs"].([]any)[0].(map[string]any)
	slack := chat["slack_configs"].([]any)[0].(map[string]any)
	email := chat["email_configs"].([]any)[0].(map[string]any)
	hook := chat["webhook_configs"].([]any)[0].(map[string]any)
	dir := "/etc/alertmanager/secrets/alertmanager-receivers/"
	if pd["routing_key_file"] != dir+"pagerduty-routing-key" || slack["api_url_file"] != dir+"slack-api-url" || slack["channel"] != "#platform-alerts" ||
		email["auth_password_file"] != dir+"smtp-password" || email["to"] != "ops@example.com" || email["require_tls"] != true ||
		hook["url_file"] != dir+"webhook-url" {
		t.Errorf("receivers: %v", recv)
	}
	doc, _ = run(t, opts, nil)
	if doc.Get(k8sSecret, "test-alertmanager-secret") != nil || path(get(t, doc, helmRelease, "test-monitoring").Inputs["values"], "alertmanager", "config") != nil {
		t.Error("receivers configured without any set")
	}
}

// TLS ends at the NLB: nginx tells backends https and 443 and fills Ingress status from the
// component's Service; every Ingress listens where the NLB's 443 arrives.
func TestNGINXForwardedHeadersAndStatus(t *testing.T) {
	doc, _ := run(t, opts, nil)
	v := get(t, doc, helmRelease, "test-ingress").Inputs["values"]
	ctrl := path(v, "controller")
	if path(ctrl, "config", "entries", "redirect-to-https") != "True" || path(ctrl, "defaultHTTPListenerPort") != 443.0 ||
		path(ctrl, "defaultHTTPSListenerPort") != float64(nginxDefaultTLSPort) ||
		path(ctrl, "reportIngressStatus", "enable") != true || path(ctrl, "reportIngressStatus", "externalService") != "ingress-lb" {
		t.Errorf("nginx values: %v", ctrl)
	}
	if path(ctrl, "config", "entries", "proxy-protocol") != "True" {
		t.Error("the forwarded settings replaced the controller's other ConfigMap entries")
	}
	// The internal controller (admin consoles) says the same, and reports its own load balancer.
	ictrl := path(get(t, doc, helmRelease, "test-ingress-internal").Inputs["values"], "controller")
	if path(ictrl, "config", "entries", "redirect-to-https") != "True" || path(ictrl, "defaultHTTPListenerPort") != 443.0 ||
		path(ictrl, "reportIngressStatus", "externalService") != "ingress-internal-lb" {
		t.Errorf("internal nginx values: %v", ictrl)
	}
	for _, ing := range doc.Find(k8sIngress) {
		if annotation(ing, "nginx.org/listen-ports") != "443" {
			t.Errorf("%s: listen-ports %v, want 443", ing.Name, annotation(ing, "nginx.org/listen-ports"))
		}
	}
	ports := path(get(t, doc, k8sService, "test-ingress-lb").Inputs, "spec", "ports").([]any)
	if path(ports[0], "port") != 443.0 || path(ports[0], "targetPort") != 443.0 {
		t.Errorf("the NLB's 443 does not reach the Ingresses' listener: %v", ports)
	}
}

func TestTraefikForwardedHeadersAndStatus(t *testing.T) {
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.IngressController = IngressTraefik })
	rel := get(t, doc, helmRelease, "test-ingress")
	v := rel.Inputs["values"]
	if mw := path(v, "ports", "websecure", "http", "middlewares"); !slices.Equal(mw.([]any), []any{"ingress-forwarded-https@kubernetescrd"}) {
		t.Errorf("websecure middlewares %v", mw)
	}
	if path(v, "ports", "websecure", "port") != 8443.0 || path(v, "providers", "kubernetesIngress", "publishedService", "pathOverride") != "ingress/ingress-lb" {
		t.Errorf("traefik values: %v", v)
	}
	mw := get(t, doc, traefikMiddleware, "test-ingress-forwarded-https")
	hdr := path(mw.Inputs, "spec", "headers", "customRequestHeaders")
	if path(hdr, "X-Forwarded-Proto") != "https" || path(hdr, "X-Forwarded-Port") != "443" ||
		path(mw.Inputs, "metadata", "namespace") != "ingress" || path(mw.Inputs, "metadata", "name") != "forwarded-https" {
		t.Errorf("middleware: %v", mw.Inputs)
	}
	if !slices.Contains(mw.Dependencies, rel.URN) {
		t.Error("the middleware is created before Traefik's CRDs")
	}
	for _, ing := range doc.Find(k8sIngress) {
		if annotation(ing, "nginx.org/listen-ports") != nil {
			t.Errorf("%s: nginx annotation on traefik", ing.Name)
		}
	}
	// The internal Traefik reads only CRD objects of its class, so it has a Middleware of its own
	// (reporting its own load balancer's address), and nothing else has one.
	irel := get(t, doc, helmRelease, "test-ingress-internal")
	iv := irel.Inputs["values"]
	if mw := path(iv, "ports", "websecure", "http", "middlewares"); !slices.Equal(mw.([]any), []any{"ingress-forwarded-https-internal@kubernetescrd"}) {
		t.Errorf("internal websecure middlewares %v", mw)
	}
	if path(iv, "providers", "kubernetesIngress", "publishedService", "pathOverride") != "ingress/ingress-internal-lb" {
		t.Errorf("internal traefik publishes %v", path(iv, "providers", "kubernetesIngress", "publishedService"))
	}
	imw := get(t, doc, traefikMiddleware, "test-ingress-internal-forwarded-https")
	if path(imw.Inputs, "metadata", "name") != "forwarded-https-internal" ||
		path(imw.Inputs, "metadata", "annotations", "kubernetes.io/ingress.class") != "traefik-internal" ||
		!slices.Contains(imw.Dependencies, irel.URN) {
		t.Errorf("internal middleware: %v", imw.Inputs)
	}
	if n := len(doc.Find(traefikMiddleware)); n != 2 {
		t.Errorf("%d middlewares, want one per Traefik", n)
	}
	doc, _ = run(t, opts, nil)
	if len(doc.Find(traefikMiddleware)) != 0 {
		t.Error("a traefik middleware with nginx")
	}
}

func TestCloudNativePGOperatorValues(t *testing.T) {
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) {
		a.Keycloak.OperatorValues = map[string]any{"monitoring": map[string]any{"podMonitorEnabled": true}}
	})
	v := get(t, doc, helmRelease, "test-cnpg").Inputs["values"]
	if path(v, "monitoring", "podMonitorEnabled") != true || path(v, "fullnameOverride") != "cnpg" {
		t.Errorf("operator values: %v", v)
	}
}

func TestValidateServices(t *testing.T) {
	off := pulumi.BoolRef(false)
	cases := []struct {
		name   string
		mutate func(*PlatformAddonsArgs)
		want   string
	}{
		{"gitops ok", withGitOps, ""},
		{"alerts ok", withAlerts, ""},
		{"logging replicas", func(a *PlatformAddonsArgs) { a.Logging.Replicas = 2 }, "Logging.Replicas: 2 does not apply: Fluent Bit runs as a DaemonSet"},
		{"updater replicas", func(a *PlatformAddonsArgs) { a.ImageUpdater.Replicas = 2 }, "ImageUpdater.Replicas: 2 is outside 1 to 1"},
		{"path without repository", func(a *PlatformAddonsArgs) { a.GitOps.Path = "environments/dev" }, "GitOps.RepositoryURL: is required with Path"},
		{"ssh repository", func(a *PlatformAddonsArgs) {
			withGitOps(a)
			a.GitOps.RepositoryURL = "git@github.com:flowmart/deploy.git"
		},
			`GitOps.RepositoryURL: "git@github.com:flowmart/deploy.git" is not an HTTPS repository URL`},
		{"credentials in url", func(a *PlatformAddonsArgs) {
			withGitOps(a)
			a.GitOps.RepositoryURL = "https://x:tok@github.com/flowmart/deploy.git"
		},
			"is not an HTTPS repository URL without credentials"},
		{"no path", func(a *PlatformAddonsArgs) { withGitOps(a); a.GitOps.Path = "" }, "GitOps.Path: is required with RepositoryURL"},
		{"escaping path", func(a *PlatformAddonsArgs) { withGitOps(a); a.GitOps.Path = "../other" }, `GitOps.Path: "../other" is not a clean relative path`},
		{"bad revision", func(a *PlatformAddonsArgs) { withGitOps(a); a.GitOps.Revision = "main branch" }, `GitOps.Revision: "main branch" is not a branch name`},
		{"argo off", func(a *PlatformAddonsArgs) { withGitOps(a); a.ArgoCD.Enabled = off; a.ImageUpdater.Enabled = off }, "ArgoCD.Enabled: false but GitOps.RepositoryURL is set"},
		{"images without token", func(a *PlatformAddonsArgs) { withGitOps(a); a.GitOps.Password = nil }, "GitOps.Password: is required with ImageRepositories"},
		{"images without updater", func(a *PlatformAddonsArgs) { withGitOps(a); a.ImageUpdater.Enabled = off }, "GitOps.ImageRepositories: lists 2 repositories but ImageUpdater is disabled"},
		{"images without registry", func(a *PlatformAddonsArgs) { withGitOps(a); a.ECRRegistry = "" }, "GitOps.ImageRepositories: needs ECRRegistry"},
		{"bad image repository", func(a *PlatformAddonsArgs) { withGitOps(a); a.GitOps.ImageRepositories[0] = "Store Front" },
			`GitOps.ImageRepositories[0]: "Store Front" is not an ECR repository name`},
		{"same application twice", func(a *PlatformAddonsArgs) {
			withGitOps(a)
			a.GitOps.ImageRepositories = []string{"team/app", "team-app"}
		},
			`GitOps.ImageRepositories[1]: "team-app" is the same application as ImageRepositories[0]`},
		{"slack without url", func(a *PlatformAddonsArgs) { a.Monitoring.Alerts.Slack = &SlackReceiver{} }, "Monitoring.Alerts.Slack.WebhookURL: is required"},
		{"bad channel", func(a *PlatformAddonsArgs) { withAlerts(a); a.Monitoring.Alerts.Slack.Channel = "alerts" }, `Monitoring.Alerts.Slack.Channel: "alerts" is not a channel`},
		{"no recipients", func(a *PlatformAddonsArgs) { withAlerts(a); a.Monitoring.Alerts.Email.To = nil }, "Monitoring.Alerts.Email.To: is required"},
		{"bad recipient", func(a *PlatformAddonsArgs) { withAlerts(a); a.Monitoring.Alerts.Email.To = []string{"ops"} }, `Monitoring.Alerts.Email.To[0]: "ops" is not an e-mail address`},
		{"bad smarthost", func(a *PlatformAddonsArgs) { withAlerts(a); a.Monitoring.Alerts.Email.SmartHost = "smtp.example.com" },
			`Monitoring.Alerts.Email.SmartHost: "smtp.example.com" is not host:port`},
		{"user without password", func(a *PlatformAddonsArgs) { withAlerts(a); a.Monitoring.Alerts.Email.Password = nil }, `Monitoring.Alerts.Email.Password: is required with Username "AKIAEXAMPLE"`},
		{"webhook without url", func(a *PlatformAddonsArgs) { a.Monitoring.Alerts.Webhook = &WebhookReceiver{} }, "Monitoring.Alerts.Webhook.URL: is required"},
		{"alerts without monitoring", func(a *PlatformAddonsArgs) { withAlerts(a); a.Monitoring.Enabled = off }, "Monitoring.Enabled: false but Monitoring.Alerts sets receivers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			c.mutate(&a)
			err := a.Validate()
			if _, _, ok := fielderr.Split(err); err != nil && !ok {
				t.Errorf("%T is not a *fielderr.Error naming the field", err)
			}
			switch {
			case c.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("error %v, want %q", err, c.want)
			case err != nil && (strings.Contains(err.Error(), "\n") || strings.HasSuffix(err.Error(), ".")):
				t.Errorf("error %q is not one line without a final period", err)
			}
		})
	}
}
