package addons

import (
	"encoding/json"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The realm file Keycloak imports at start (kc.sh start --import-realm reads the .json files of
// /opt/keycloak/data/import and skips a realm that exists already: "Importing a realm during
// startup", https://www.keycloak.org/server/importExport). It holds no secret: each client's
// secret is a ${VAR} placeholder resolved from Keycloak's environment.
const (
	realmObj       = "keycloak-realm" // ConfigMap in keycloak
	realmImportDir = "/opt/keycloak/data/import"
)

// realmFile is the subset of Keycloak's RealmRepresentation the platform declares.
type realmFile struct {
	Realm               string        `json:"realm"`
	Enabled             bool          `json:"enabled"`
	SSLRequired         string        `json:"sslRequired"`
	RegistrationAllowed bool          `json:"registrationAllowed"`
	BruteForceProtected bool          `json:"bruteForceProtected"`
	Groups              []realmGroup  `json:"groups"`
	Clients             []realmClient `json:"clients"`
}

type realmGroup struct {
	Name string `json:"name"`
}

type realmClient struct {
	ClientID                  string            `json:"clientId"`
	Name                      string            `json:"name"`
	Enabled                   bool              `json:"enabled"`
	Protocol                  string            `json:"protocol"`
	PublicClient              bool              `json:"publicClient"`
	ClientAuthenticatorType   string            `json:"clientAuthenticatorType"`
	Secret                    string            `json:"secret"`
	StandardFlowEnabled       bool              `json:"standardFlowEnabled"`
	ImplicitFlowEnabled       bool              `json:"implicitFlowEnabled"`
	DirectAccessGrantsEnabled bool              `json:"directAccessGrantsEnabled"`
	ServiceAccountsEnabled    bool              `json:"serviceAccountsEnabled"`
	RootURL                   string            `json:"rootUrl"`
	RedirectURIs              []string          `json:"redirectUris"`
	WebOrigins                []string          `json:"webOrigins"`
	Attributes                map[string]string `json:"attributes"`
	ProtocolMappers           []realmMapper     `json:"protocolMappers"`
}

type realmMapper struct {
	Name           string            `json:"name"`
	Protocol       string            `json:"protocol"`
	ProtocolMapper string            `json:"protocolMapper"`
	Config         map[string]string `json:"config"`
}

// groupsMapper puts the user's group names (not paths) in the groups claim of the ID and access
// tokens and the userinfo answer: Argo CD's RBAC (scopes [groups]) and Grafana's role expression
// read it.
var groupsMapper = realmMapper{
	Name: "groups", Protocol: "openid-connect", ProtocolMapper: "oidc-group-membership-mapper",
	Config: map[string]string{
		"claim.name": "groups", "full.path": "false",
		"id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true",
	},
}

// realmJSON is the realm file for the enabled consoles' clients: confidential clients with the
// authorization code flow only, redirecting to the console's own callback.
func (c *PlatformAddons) realmJSON() string {
	r := realmFile{
		Realm: c.args.SSO.Realm, Enabled: true, SSLRequired: "external", BruteForceProtected: true,
		Groups: []realmGroup{{Name: c.args.SSO.AdminGroup}},
	}
	callbacks := map[string]string{
		argoCDClient:  "/auth/callback",       // Argo CD's OIDC callback
		grafanaClient: "/login/generic_oauth", // Grafana's generic OAuth callback
	}
	hosts := map[string]string{argoCDClient: c.host("argocd"), grafanaClient: c.host("grafana")}
	names := map[string]string{argoCDClient: "Argo CD", grafanaClient: "Grafana"}
	for _, cl := range c.sso.clients {
		root := "https://" + hosts[cl.id]
		r.Clients = append(r.Clients, realmClient{
			ClientID: cl.id, Name: names[cl.id], Enabled: true, Protocol: "openid-connect",
			ClientAuthenticatorType: "client-secret", Secret: "${" + cl.env + "}",
			StandardFlowEnabled: true,
			RootURL:             root, RedirectURIs: []string{root + callbacks[cl.id]}, WebOrigins: []string{root},
			Attributes:      map[string]string{"post.logout.redirect.uris": root + "/*"},
			ProtocolMappers: []realmMapper{groupsMapper},
		})
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil { // plain strings and bools only: unreachable
		return "{}"
	}
	return string(b) + "\n"
}

// realmConfigMap creates the ConfigMap Keycloak mounts at realmImportDir. Its data is the realm
// file; a change replaces it (deleted first: the name is fixed) and reaches Keycloak only for a
// realm it does not have yet.
func (c *PlatformAddons) realmConfigMap(ctx *pulumi.Context) (*corev1.ConfigMap, error) {
	var deps []pulumi.Resource
	if ns := c.namespaces[nsKeycloak]; ns != nil {
		deps = append(deps, ns)
	}
	return corev1.NewConfigMap(ctx, c.name+"-keycloak-realm", &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(realmObj),
			Namespace: pulumi.String(nsKeycloak),
		},
		Data: pulumi.StringMap{c.args.SSO.Realm + "-realm.json": pulumi.String(c.realmJSON())},
	}, append(c.k8sOpts, pulumi.DependsOn(deps), pulumi.DeleteBeforeReplace(true))...)
}
