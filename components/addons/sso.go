package addons

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Single sign-on: one realm with a confidential OIDC client per admin console. Each client's
// secret is a generated password that exists only as secret outputs and Kubernetes Secrets: one
// in the keycloak namespace, which Keycloak reads into environment variables that the realm file
// names as placeholders (Keycloak resolves ${VAR} in realm files it imports, "Importing and
// exporting realms", https://www.keycloak.org/server/importExport), and one beside each console.
const (
	ssoClientsObj = "keycloak-sso-clients" // Secret in keycloak: argocd, grafana
	argoCDOIDCObj = "argocd-oidc"          // Secret in argocd: clientSecret
	grafanaOIDC   = "grafana-oidc"         // Secret in monitoring: client-secret
	argoCDClient  = "argocd"
	grafanaClient = "grafana"
)

// ssoClient is one console's OIDC client.
type ssoClient struct {
	id     string // the client id, also the key in the keycloak Secret
	env    string // the environment variable Keycloak reads the secret from
	secret pulumi.StringOutput
}

// ssoClients are the OIDC clients of the enabled consoles.
type ssoClients struct {
	clients []ssoClient
	// keycloakSecret holds every client secret for Keycloak's realm import.
	keycloakSecret *corev1.Secret
	// consoleSecrets are the per-console Secrets, by client id.
	consoleSecrets map[string]*corev1.Secret
}

func (s *ssoClients) has(id string) bool {
	if s == nil {
		return false
	}
	for _, c := range s.clients {
		if c.id == id {
			return true
		}
	}
	return false
}

// consoleSecret is the Secret of a console's client, nil without one.
func (s *ssoClients) consoleSecret(id string) *corev1.Secret {
	if s == nil {
		return nil
	}
	return s.consoleSecrets[id]
}

// issuer is the realm's OIDC issuer, on Keycloak's public host.
func (c *PlatformAddons) issuer() string {
	return "https://" + c.host("auth") + "/realms/" + c.args.SSO.Realm
}

// singleSignOn generates the OIDC client secrets of the enabled consoles and their Secrets. It
// runs before the consoles and Keycloak, which read them.
func (c *PlatformAddons) singleSignOn(ctx *pulumi.Context) error {
	if !c.args.ssoOn() {
		return nil
	}
	s := &ssoClients{consoleSecrets: map[string]*corev1.Secret{}}
	type console struct {
		on        bool
		id, env   string
		namespace string
		obj, key  string
		labels    map[string]string
	}
	consoles := []console{
		// Argo CD reads $<secret>:<key> from a Secret labeled part-of argocd (Argo CD user
		// management, "Sensitive Data and SSO Client Secrets"; argo-helm argo-cd 8.3.0 values.yaml
		// configs.cm: "Alternatively $<some_K8S_secret>:...").
		{c.args.ArgoCD.On(), argoCDClient, "ARGOCD_CLIENT_SECRET", nsArgoCD, argoCDOIDCObj, "clientSecret",
			map[string]string{"app.kubernetes.io/part-of": "argocd"}},
		{c.args.Monitoring.On(), grafanaClient, "GRAFANA_CLIENT_SECRET", nsMonitoring, grafanaOIDC, "client-secret", nil},
	}
	all := pulumi.StringMap{}
	for _, k := range consoles {
		if !k.on {
			continue
		}
		pw, err := c.password(ctx, k.id+"-oidc")
		if err != nil {
			return err
		}
		if _, err := c.namespace(ctx, k.namespace); err != nil {
			return err
		}
		sec, err := c.labeledSecret(ctx, k.id+"-oidc", k.namespace, k.obj, k.labels, pulumi.StringMap{k.key: pw})
		if err != nil {
			return err
		}
		s.clients = append(s.clients, ssoClient{id: k.id, env: k.env, secret: pw})
		s.consoleSecrets[k.id] = sec
		all[k.id] = pw
	}
	if len(s.clients) == 0 {
		return nil
	}
	if _, err := c.namespace(ctx, nsKeycloak); err != nil {
		return err
	}
	sec, err := c.secret(ctx, "keycloak-sso-clients", nsKeycloak, ssoClientsObj, all)
	if err != nil {
		return err
	}
	s.keycloakSecret = sec
	c.sso = s
	return nil
}

// labeledSecret is secret with labels on the object.
func (c *PlatformAddons) labeledSecret(ctx *pulumi.Context, key, namespace, objName string, labels map[string]string, data pulumi.StringMap) (*corev1.Secret, error) {
	var deps []pulumi.Resource
	if ns := c.namespaces[namespace]; ns != nil {
		deps = append(deps, ns)
	}
	return corev1.NewSecret(ctx, c.name+"-"+key+"-secret", &corev1.SecretArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(objName),
			Namespace: pulumi.String(namespace),
			Labels:    pulumi.ToStringMap(labels),
		},
		Type:       pulumi.String("Opaque"),
		StringData: data,
	}, append(c.k8sOpts, pulumi.DependsOn(deps))...)
}

// argoCDSSOValues are Argo CD's OIDC login through Keycloak and the RBAC that maps the admin group
// to role:admin (argo-helm argo-cd 8.3.0 values.yaml: configs.cm "oidc.config", configs.rbac
// "policy.csv", "policy.default", "scopes"; dex.enabled). Dex is off: Keycloak is the OIDC
// provider. The local admin stays enabled as the break-glass account.
func (c *PlatformAddons) argoCDSSOValues() map[string]any {
	if !c.sso.has(argoCDClient) {
		return nil
	}
	oidc := fmt.Sprintf(`name: Keycloak
issuer: %s
clientID: %s
clientSecret: $%s:clientSecret
requestedScopes: ["openid", "profile", "email"]
requestedIDTokenClaims:
  groups:
    essential: true
`, c.issuer(), argoCDClient, argoCDOIDCObj)
	return map[string]any{
		"configs": map[string]any{
			"cm": map[string]any{
				"url":           "https://" + c.host("argocd"),
				"oidc.config":   oidc,
				"admin.enabled": true,
			},
			"rbac": map[string]any{
				"policy.default": "",
				"policy.csv":     fmt.Sprintf("g, %s, role:admin\n", c.args.SSO.AdminGroup),
				"scopes":         "[groups]",
			},
		},
		"dex": map[string]any{"enabled": false},
	}
}

// grafanaSSOValues are Grafana's generic OAuth login through Keycloak, with the admin group as
// Admin and everyone else as Viewer (grafana.ini [auth.generic_oauth]; the secret comes from the
// environment, GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET, through the grafana chart 9.3.4 envValueFrom,
// so that no secret is in the rendered grafana.ini, which the chart's assertNoLeakedSecrets
// checks). The local admin stays as the break-glass account.
func (c *PlatformAddons) grafanaSSOValues() map[string]any {
	if !c.sso.has(grafanaClient) {
		return nil
	}
	oidc := c.issuer() + "/protocol/openid-connect"
	return map[string]any{
		"grafana.ini": map[string]any{"auth.generic_oauth": map[string]any{
			"enabled":                    true,
			"name":                       "Keycloak",
			"client_id":                  grafanaClient,
			"scopes":                     "openid email profile",
			"auth_url":                   oidc + "/auth",
			"token_url":                  oidc + "/token",
			"api_url":                    oidc + "/userinfo",
			"use_pkce":                   true,
			"allow_sign_up":              true,
			"login_attribute_path":       "preferred_username",
			"email_attribute_path":       "email",
			"name_attribute_path":        "name",
			"role_attribute_path":        fmt.Sprintf("contains(groups[*], '%s') && 'Admin' || 'Viewer'", c.args.SSO.AdminGroup),
			"allow_assign_grafana_admin": false,
		}},
		"envValueFrom": map[string]any{
			"GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET": map[string]any{"secretKeyRef": map[string]any{"name": grafanaOIDC, "key": "client-secret"}},
		},
	}
}
