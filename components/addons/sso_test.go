package addons

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

// adminHostLabels are the host labels of the admin consoles.
var adminHostLabels = []string{"argocd", "grafana", "auth-admin"}

// exposureProblems checks every Ingress of a graph: an admin console (an admin host, or a path of
// Keycloak's public host other than the login endpoints) must sit behind an internal load
// balancer, or one with source ranges none of which is the whole internet. Each Ingress is traced
// to its load balancer Service through its IngressClass, the controller release serving that
// class, and the Service selecting that release's pods.
func exposureProblems(doc *preview.Document, domain string) []string {
	// class -> the Service in front of the controller serving it
	lbOf := map[string]*preview.Resource{}
	for _, rel := range doc.Find(helmRelease) {
		v := rel.Inputs["values"]
		var class, instance string
		switch rel.Inputs["chart"] {
		case "nginx-ingress":
			class, _ = path(v, "controller", "ingressClass", "name").(string)
			instance = rel.Inputs["name"].(string)
		case "traefik":
			class, _ = path(v, "ingressClass", "name").(string)
			instance = rel.Inputs["name"].(string) + "-" + rel.Inputs["namespace"].(string)
		default:
			continue
		}
		for _, svc := range doc.Find(k8sService) {
			if path(svc.Inputs, "spec", "type") == "LoadBalancer" && path(svc.Inputs, "spec", "selector", "app.kubernetes.io/instance") == instance {
				lbOf[class] = svc
			}
		}
	}
	var out []string
	for _, ing := range doc.Find(k8sIngress) {
		class, _ := path(ing.Inputs, "spec", "ingressClassName").(string)
		for _, rule := range path(ing.Inputs, "spec", "rules").([]any) {
			host, _ := path(rule, "host").(string)
			admin := slices.ContainsFunc(adminHostLabels, func(l string) bool { return host == l+"."+domain })
			if host == "auth."+domain {
				for _, p := range path(rule, "http", "paths").([]any) {
					if !slices.Contains(keycloakPublicPaths, path(p, "path").(string)) {
						admin = true // "/" or "/admin/": the admin console on the public host
					}
				}
			}
			if !admin {
				continue
			}
			svc := lbOf[class]
			if svc == nil {
				out = append(out, fmt.Sprintf("%s (%s): class %q has no load balancer", ing.Name, host, class))
				continue
			}
			scheme := path(svc.Inputs, "metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme")
			ranges, _ := path(svc.Inputs, "spec", "loadBalancerSourceRanges").([]any)
			open := len(ranges) == 0 || slices.Contains(ranges, any("0.0.0.0/0"))
			if scheme != "internal" && open {
				out = append(out, fmt.Sprintf("%s (%s): on the internet-facing %s without source ranges", ing.Name, host, svc.Name))
			}
			if scheme != "internal" {
				out = append(out, fmt.Sprintf("%s (%s): on the %v load balancer %s, want internal", ing.Name, host, scheme, svc.Name))
			}
		}
	}
	return out
}

// No admin console on an internet-facing load balancer without source ranges, with either
// ingress controller; and the check fails on the exposure this change removed.
func TestAdminConsolesInternalOnly(t *testing.T) {
	for _, ctrl := range IngressControllers {
		doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.IngressController = ctrl; a.AdminCIDRs = []string{"10.99.0.0/24"} })
		if p := exposureProblems(doc, "dev.shop.example.com"); len(p) != 0 {
			t.Errorf("%s: %v", ctrl, p)
		}
		svc := get(t, doc, k8sService, "test-ingress-internal-lb")
		if r := path(svc.Inputs, "spec", "loadBalancerSourceRanges"); !slices.Equal(r.([]any), []any{"10.10.0.0/16", "10.99.0.0/24"}) {
			t.Errorf("%s: internal source ranges %v, want the VPC and the VPN", ctrl, r)
		}
		if path(svc.Inputs, "metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-ssl-cert") != certARN {
			t.Errorf("%s: the internal load balancer has no certificate", ctrl)
		}
		// The public Keycloak host: login endpoints only.
		kc := get(t, doc, k8sIngress, "test-keycloak-ingress")
		var paths []string
		for _, p := range path(path(kc.Inputs, "spec", "rules").([]any)[0], "http", "paths").([]any) {
			paths = append(paths, path(p, "path").(string))
		}
		if !slices.Equal(paths, []string{"/realms/", "/resources/"}) {
			t.Errorf("%s: public Keycloak paths %v", ctrl, paths)
		}
		// The failing case: the consoles as they were, on the public controller.
		for _, name := range []string{"test-argocd-ingress", "test-grafana-ingress"} {
			get(t, doc, k8sIngress, name).Inputs["spec"].(map[string]any)["ingressClassName"] = ingressSpecs[ctrl].class
		}
		rule := path(kc.Inputs, "spec", "rules").([]any)[0]
		rule.(map[string]any)["http"].(map[string]any)["paths"] = []any{map[string]any{"path": "/"}}
		p := exposureProblems(doc, "dev.shop.example.com")
		if len(p) != 6 || !strings.Contains(strings.Join(p, "\n"), "test-argocd-ingress (argocd.dev.shop.example.com): on the internet-facing test-ingress-lb without source ranges") {
			t.Errorf("%s: the public consoles are not caught: %v", ctrl, p)
		}
	}
}

// The internal load balancer's name is an output of its own, the target of InternalHosts.
func TestInternalHostnameOutput(t *testing.T) {
	o := opts
	o.Deploy = true
	doc, _ := run(t, o, nil)
	in, _ := doc.Outputs["internalLoadBalancerHostname"].(string)
	pub, _ := doc.Outputs["loadBalancerHostname"].(string)
	if !strings.HasSuffix(in, ".elb.eu-west-1.amazonaws.com") || in == pub {
		t.Errorf("internal hostname %q, public %q", in, pub)
	}
	if doc.Outputs["keycloakAdminUrl"] != "https://auth-admin.dev.shop.example.com/admin/" {
		t.Errorf("keycloak admin url %v", doc.Outputs["keycloakAdminUrl"])
	}
}

// Keycloak forms one cache across replicas (JGroups DNS discovery on the chart's headless
// Service) and starts on a database the provider has seen Ready.
func TestKeycloakClusterAndDatabaseReadiness(t *testing.T) {
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.Keycloak.Replicas = 3 })
	kc := get(t, doc, helmRelease, "test-keycloak")
	v := kc.Inputs["values"]
	env := path(v, "extraEnv").(string)
	for _, want := range []string{
		"- name: JAVA_OPTS_APPEND\n  value: -Djgroups.dns.query=keycloak-headless.keycloak.svc.cluster.local\n",
		"- name: KC_HOSTNAME_ADMIN\n  value: https://auth-admin.dev.shop.example.com\n",
	} {
		if !strings.Contains(env, want) {
			t.Errorf("extraEnv lacks %q", want)
		}
	}
	if path(v, "replicas") != 3.0 || path(v, "fullnameOverride") != "keycloak" {
		t.Errorf("replicas %v fullname %v (the headless Service is <fullname>-headless)", path(v, "replicas"), path(v, "fullnameOverride"))
	}
	db := get(t, doc, "kubernetes:postgresql.cnpg.io/v1:Cluster", "test-keycloak-db")
	if path(db.Inputs, "metadata", "annotations", "pulumi.com/waitFor") != "condition=Ready" || !slices.Contains(kc.Dependencies, db.URN) {
		t.Errorf("database readiness: annotations %v, keycloak after it %v", path(db.Inputs, "metadata", "annotations"), slices.Contains(kc.Dependencies, db.URN))
	}
}

func TestSingleSignOn(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		o := opts
		o.Deploy = deploy
		doc, _ := run(t, o, nil)

		// The realm, declared as code, with no secret in it.
		cm := get(t, doc, "kubernetes:core/v1:ConfigMap", "test-keycloak-realm")
		var realm realmFile
		if err := json.Unmarshal([]byte(path(cm.Inputs, "data", "platform-realm.json").(string)), &realm); err != nil {
			t.Fatal(err)
		}
		if realm.Realm != "platform" || len(realm.Groups) != 1 || realm.Groups[0].Name != "platform-admins" || len(realm.Clients) != 2 {
			t.Fatalf("realm %+v", realm)
		}
		want := map[string][2]string{
			"argocd":  {"${ARGOCD_CLIENT_SECRET}", "https://argocd.dev.shop.example.com/auth/callback"},
			"grafana": {"${GRAFANA_CLIENT_SECRET}", "https://grafana.dev.shop.example.com/login/generic_oauth"},
		}
		for _, cl := range realm.Clients {
			w := want[cl.ClientID]
			if cl.Secret != w[0] || !slices.Equal(cl.RedirectURIs, []string{w[1]}) || cl.PublicClient || cl.DirectAccessGrantsEnabled ||
				cl.ImplicitFlowEnabled || !cl.StandardFlowEnabled || cl.ProtocolMappers[0].Config["claim.name"] != "groups" {
				t.Errorf("client %+v", cl)
			}
		}
		if !cm.DeleteBeforeReplace {
			t.Error("the realm ConfigMap has a fixed name: it must be deleted before it is replaced")
		}

		// Keycloak imports it, with the client secrets from its Secret.
		kc := get(t, doc, helmRelease, "test-keycloak")
		v := kc.Inputs["values"]
		if cmd := mustString(t, path(v, "command")); !strings.Contains(cmd, `"--import-realm"`) {
			t.Errorf("command %s", cmd)
		}
		if !strings.Contains(path(v, "extraVolumes").(string), "name: keycloak-realm") || !strings.Contains(path(v, "extraVolumeMounts").(string), "mountPath: /opt/keycloak/data/import") {
			t.Errorf("realm volume %v %v", path(v, "extraVolumes"), path(v, "extraVolumeMounts"))
		}
		env := path(v, "extraEnv").(string)
		if !strings.Contains(env, "- name: ARGOCD_CLIENT_SECRET\n  valueFrom:\n    secretKeyRef:\n      name: keycloak-sso-clients\n      key: argocd\n") ||
			!strings.Contains(env, "- name: GRAFANA_CLIENT_SECRET\n") {
			t.Errorf("client secrets not in Keycloak's environment: %s", env)
		}
		for _, dep := range []string{"test-keycloak-realm"} {
			if !slices.Contains(kc.Dependencies, get(t, doc, "kubernetes:core/v1:ConfigMap", dep).URN) {
				t.Errorf("keycloak does not wait for %s", dep)
			}
		}
		if !slices.Contains(kc.Dependencies, get(t, doc, k8sSecret, "test-keycloak-sso-clients-secret").URN) {
			t.Error("keycloak does not wait for its client secrets")
		}

		// Every client secret is generated and secret wherever it appears.
		for _, name := range []string{"test-keycloak-sso-clients-secret", "test-argocd-oidc-secret", "test-grafana-oidc-secret"} {
			if s := get(t, doc, k8sSecret, name); s.Inputs["stringData"] != preview.Secret {
				t.Errorf("%s: stringData %v is not secret", name, s.Inputs["stringData"])
			}
		}
		for _, name := range []string{"test-argocd-oidc-password", "test-grafana-oidc-password"} {
			get(t, doc, "random:index/randomPassword:RandomPassword", name)
		}
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), preview.MockPassword) {
			t.Error("a client secret appears in plain text in the graph")
		}

		// Argo CD: OIDC through Keycloak, the admin group as role:admin, no one else with rights.
		argo := get(t, doc, helmRelease, "test-argocd")
		av := argo.Inputs["values"]
		oidc := path(av, "configs", "cm", "oidc.config").(string)
		for _, w := range []string{"issuer: https://auth.dev.shop.example.com/realms/platform\n", "clientID: argocd\n", "clientSecret: $argocd-oidc:clientSecret\n"} {
			if !strings.Contains(oidc, w) {
				t.Errorf("oidc.config lacks %q: %s", w, oidc)
			}
		}
		if path(av, "configs", "rbac", "policy.csv") != "g, platform-admins, role:admin\n" || path(av, "configs", "rbac", "policy.default") != "" ||
			path(av, "configs", "rbac", "scopes") != "[groups]" || path(av, "dex", "enabled") != false ||
			path(av, "configs", "params", "server.insecure") != true {
			t.Errorf("argo cd rbac and params: %v", path(av, "configs"))
		}
		argoSecret := get(t, doc, k8sSecret, "test-argocd-oidc-secret")
		if path(argoSecret.Inputs, "metadata", "labels", "app.kubernetes.io/part-of") != "argocd" || path(argoSecret.Inputs, "metadata", "name") != "argocd-oidc" ||
			!slices.Contains(argo.Dependencies, argoSecret.URN) {
			t.Errorf("argo cd client secret %v", argoSecret.Inputs["metadata"])
		}

		// Grafana: generic OAuth with the admin group as Admin, its secret from the environment.
		kps := get(t, doc, helmRelease, "test-monitoring")
		g := path(kps.Inputs["values"], "grafana")
		oauth := path(g, "grafana.ini", "auth.generic_oauth")
		if path(oauth, "enabled") != true || path(oauth, "client_id") != "grafana" ||
			path(oauth, "auth_url") != "https://auth.dev.shop.example.com/realms/platform/protocol/openid-connect/auth" ||
			path(oauth, "role_attribute_path") != "contains(groups[*], 'platform-admins') && 'Admin' || 'Viewer'" ||
			path(oauth, "client_secret") != nil {
			t.Errorf("grafana oauth %v", oauth)
		}
		if path(g, "envValueFrom", "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", "secretKeyRef", "name") != "grafana-oidc" ||
			path(g, "grafana.ini", "server", "root_url") != "https://grafana.dev.shop.example.com" || path(g, "admin", "existingSecret") != "grafana-admin" {
			t.Errorf("grafana values %v", g)
		}
	}
}

// Without single sign-on the consoles keep local logins only and no realm is declared.
func TestWithoutSingleSignOn(t *testing.T) {
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.SSO.Enabled = pulumi.BoolRef(false) })
	if doc.Get("kubernetes:core/v1:ConfigMap", "test-keycloak-realm") != nil || doc.Get(k8sSecret, "test-argocd-oidc-secret") != nil {
		t.Error("realm or client secrets declared without single sign-on")
	}
	if path(get(t, doc, helmRelease, "test-argocd").Inputs["values"], "configs", "cm", "oidc.config") != nil {
		t.Error("argo cd configured for OIDC without single sign-on")
	}
	kc := get(t, doc, helmRelease, "test-keycloak")
	if strings.Contains(mustString(t, path(kc.Inputs["values"], "command")), "import-realm") {
		t.Error("keycloak imports a realm without single sign-on")
	}
	// Grafana alone: one client in the realm.
	doc, _ = run(t, opts, func(a *PlatformAddonsArgs) {
		a.ArgoCD.Enabled = pulumi.BoolRef(false)
		a.ImageUpdater.Enabled = pulumi.BoolRef(false)
	})
	var realm realmFile
	mustJSON(t, path(get(t, doc, "kubernetes:core/v1:ConfigMap", "test-keycloak-realm").Inputs, "data", "platform-realm.json"), &realm)
	if len(realm.Clients) != 1 || realm.Clients[0].ClientID != "grafana" {
		t.Errorf("clients %+v", realm.Clients)
	}
}
