package addons

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// argoCD installs Argo CD; TLS ends at the load balancer, so the server runs without TLS inside.
func (c *PlatformAddons) argoCD(ctx *pulumi.Context) error {
	ad := c.args.ArgoCD
	if !ad.On() {
		return nil
	}
	host := c.host("argocd")
	var deps []pulumi.Resource
	if sec := c.sso.consoleSecret(argoCDClient); sec != nil {
		deps = append(deps, sec)
	}
	rel, err := c.install(ctx, release{
		key: "argocd", chart: chartArgoCD, namespace: nsArgoCD, name: "argocd",
		values: MergeValues(map[string]any{
			"fullnameOverride": "argocd",
			"global":           map[string]any{"domain": host},
			"configs":          map[string]any{"params": map[string]any{"server.insecure": true}},
			"server":           map[string]any{"replicas": ad.Replicas, "ingress": map[string]any{"enabled": false}},
			"repoServer":       map[string]any{"replicas": ad.Replicas},
			"applicationSet":   map[string]any{"replicas": ad.Replicas},
		}, c.argoCDSSOValues()),
		override:  ad.Values,
		dependsOn: deps,
	})
	if err != nil {
		return err
	}
	c.urls["argocd"] = pulumi.String("https://" + host).ToStringOutput()
	// An admin console: on the internal load balancer only (reached over the VPN).
	return c.exposeOn(ctx, internalEdge, c.name+"-argocd-ingress", nsArgoCD, "argocd-server", host, "argocd-server", 80, []string{"/"}, rel)
}

const imageUpdaterServiceAccount = "argocd-image-updater"

// imageUpdater installs Argo CD Image Updater, reading ECR through Pod Identity: the seed's
// "watches the registry and deploys updated pods".
func (c *PlatformAddons) imageUpdater(ctx *pulumi.Context) error {
	ad := c.args.ImageUpdater
	if !ad.On() {
		return nil
	}
	if _, err := c.namespace(ctx, nsArgoCD); err != nil {
		return err
	}
	assoc, err := c.podIdentity(ctx, "image-updater", nsArgoCD, imageUpdaterServiceAccount,
		pulumi.String(ecrReadPolicy(c.args.Region).String()))
	if err != nil {
		return err
	}
	values := map[string]any{
		"fullnameOverride": "argocd-image-updater",
		"replicaCount":     ad.Replicas,
		"serviceAccount":   map[string]any{"create": true, "name": imageUpdaterServiceAccount},
	}
	if r := c.args.ECRRegistry; r != "" {
		//nolint:gosec // G101: "credentials" names the image updater's login script, not a secret
		values["config"] = map[string]any{"registries": []any{map[string]any{
			"name": "ECR", "api_url": "https://" + r, "prefix": r, "ping": true, "insecure": false,
			"credentials": "ext:/scripts/ecr-login.sh", "credsexpire": "10h",
		}}}
		values["authScripts"] = map[string]any{"enabled": true, "scripts": map[string]any{
			"ecr-login.sh": fmt.Sprintf("#!/bin/sh\naws ecr --region %s get-authorization-token --output text --query 'authorizationData[].authorizationToken' | base64 -d\n", c.args.Region),
		}}
	}
	deps := []pulumi.Resource{assoc}
	if argo := c.Releases["argocd"]; argo != nil {
		deps = append(deps, argo)
	}
	_, err = c.install(ctx, release{
		key: "image-updater", chart: chartImageUpdater, namespace: nsArgoCD, name: "argocd-image-updater",
		values: values, override: ad.Values, dependsOn: deps,
	})
	return err
}

// apisix installs APISIX as the API gateway: standalone (routes from YAML, no etcd) or on the
// chart's etcd run as 3 persistent replicas, never the single-node development etcd.
func (c *PlatformAddons) apisix(ctx *pulumi.Context) error {
	ad := c.args.APISIX
	if !ad.On() {
		return nil
	}
	host := c.host("api")
	values := map[string]any{
		"fullnameOverride":   "apisix",
		"replicaCount":       ad.Replicas,
		"service":            map[string]any{"type": "ClusterIP"},
		"ingress":            map[string]any{"enabled": false},
		"ingress-controller": map[string]any{"enabled": false},
		"apisix": map[string]any{
			"ssl": map[string]any{"enabled": false},
			// apisix 2.12.5+: the rules of the chart's apisix.yaml ConfigMap are
			// apisix.deployment.standalone.config, or an existing ConfigMap replaces it
			// (apache/apisix-helm-chart #717).
			"deployment": map[string]any{"mode": "standalone", "role": "data_plane", "standalone": map[string]any{
				"config":            apisixRules(ad.Routes),
				"existingConfigMap": ad.ConfigMap,
			}},
			// no Admin API in standalone: the rules are the configuration
			"admin": map[string]any{"enabled": false},
		},
		"etcd": map[string]any{"enabled": false},
	}
	var deps []pulumi.Resource
	if ad.Mode == APISIXEtcd {
		if _, err := c.namespace(ctx, nsAPISIX); err != nil {
			return err
		}
		admin, err := c.password(ctx, "apisix-admin")
		if err != nil {
			return err
		}
		viewer, err := c.password(ctx, "apisix-viewer")
		if err != nil {
			return err
		}
		sec, err := c.secret(ctx, "apisix-admin", nsAPISIX, "apisix-admin-keys", pulumi.StringMap{"admin": admin, "viewer": viewer})
		if err != nil {
			return err
		}
		deps = append(deps, sec)
		values["apisix"] = map[string]any{
			"ssl":        map[string]any{"enabled": false},
			"deployment": map[string]any{"mode": "traditional", "role": "traditional"},
			"admin": map[string]any{
				"enabled":     true,
				"credentials": map[string]any{"secretName": "apisix-admin-keys"}, //nolint:gosec // G101: a reference to a Kubernetes Secret by name, no value
				// the Admin API answers pods of the cluster only (VPC CNI: pod addresses are
				// in the VPC), not the chart's 127.0.0.1/24
				"allow": map[string]any{"ipList": []any{c.args.checkedVPCCIDR()}},
			},
		}
		deps = c.volumeDeps(deps...) // etcd's persistent volumes
		values["etcd"] = map[string]any{
			"enabled":      true,
			"replicaCount": 3,
			"persistence":  map[string]any{"enabled": true, "size": "8Gi"},
			// pinned: the chart's default is bitnamilegacy/etcd:latest
			"image": map[string]any{"registry": etcdRegistry, "repository": etcdRepository, "tag": etcdTag},
		}
	}
	rel, err := c.install(ctx, release{
		key: "apisix", chart: chartAPISIX, namespace: nsAPISIX, name: "apisix",
		values: values, override: ad.Values, dependsOn: deps,
	})
	if err != nil {
		return err
	}
	c.urls["apisix"] = pulumi.String("https://" + host).ToStringOutput()
	return c.expose(ctx, c.name+"-apisix-ingress", nsAPISIX, "apisix-gateway", host, "apisix-gateway", 80, "/", rel)
}

// apisixRules renders the standalone rules (apisix.yaml without its #END, which the chart adds)
// from the routes: a route per entry with a round-robin upstream of one node.
func apisixRules(routes []APISIXRoute) string {
	if len(routes) == 0 {
		return "routes: []\n"
	}
	var b strings.Builder
	b.WriteString("routes:\n")
	for _, r := range routes {
		fmt.Fprintf(&b, "  - id: %q\n    uri: %q\n", r.ID, r.URI)
		if r.Host != "" {
			fmt.Fprintf(&b, "    host: %q\n", r.Host)
		}
		fmt.Fprintf(&b, "    upstream:\n      type: roundrobin\n      nodes:\n        %q: 1\n", r.Upstream)
	}
	return b.String()
}

// Keycloak's database: a CloudNativePG cluster; the operator generates the application user's
// password into the Secret <cluster>-app, which Keycloak reads.
const (
	keycloakDBCluster = "keycloak-db"
	keycloakDBName    = "keycloak"
	keycloakAdminObj  = "keycloak-admin"
)

// keycloak installs the CloudNativePG operator, a Postgres cluster with persistent volumes, and
// Keycloak (keycloakx, official image) in production mode on it, behind the TLS load balancer.
func (c *PlatformAddons) keycloak(ctx *pulumi.Context) error {
	ad := c.args.Keycloak
	if !ad.On() {
		return nil
	}
	host := c.host("auth")
	operator, err := c.install(ctx, release{
		key: "cnpg", chart: chartCloudNativePG, namespace: nsCNPG, name: "cnpg",
		values:   map[string]any{"fullnameOverride": "cnpg", "replicaCount": 1},
		override: ad.OperatorValues,
	})
	if err != nil {
		return err
	}
	ns, err := c.namespace(ctx, nsKeycloak)
	if err != nil {
		return err
	}
	dbOpts := append(append([]pulumi.ResourceOption(nil), c.k8sOpts...), pulumi.DependsOn(c.volumeDeps(operator, ns)),
		pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "20m", Update: "20m"}))
	if c.args.Protect {
		dbOpts = append(dbOpts, pulumi.Protect(true))
	}
	db, err := apiextensions.NewCustomResource(ctx, c.name+"-keycloak-db", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("postgresql.cnpg.io/v1"),
		Kind:       pulumi.String("Cluster"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(keycloakDBCluster),
			Namespace: pulumi.String(nsKeycloak),
			// Ready: the operator's condition once every instance runs and the primary accepts
			// connections (cloudnative-pg v1.27.0 api/v1/cluster_types.go ConditionClusterReady).
			// pulumi.com/waitFor makes the provider await it (pulumi-kubernetes v4.32.0
			// provider/pkg/metadata/overrides.go), so Keycloak, which DependsOn the cluster, starts
			// on a database that is up rather than on a Cluster object just created.
			Annotations: pulumi.StringMap{"pulumi.com/waitFor": pulumi.String("condition=Ready")},
		},
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"instances": ad.DatabaseInstances,
			"imageName": postgresImage,
			"storage":   map[string]any{"size": fmt.Sprintf("%dGi", ad.DatabaseStorageGiB)},
			"bootstrap": map[string]any{"initdb": map[string]any{"database": keycloakDBName, "owner": keycloakDBName}},
		}},
	}, dbOpts...)
	if err != nil {
		return err
	}
	pw, err := c.password(ctx, "keycloak-admin")
	if err != nil {
		return err
	}
	admin, err := c.secret(ctx, "keycloak-admin", nsKeycloak, keycloakAdminObj, pulumi.StringMap{
		"username": pulumi.String("admin"),
		"password": pw,
	})
	if err != nil {
		return err
	}
	command := []any{"/opt/keycloak/bin/kc.sh", "start"}
	values := map[string]any{
		"fullnameOverride": keycloakFullname,
		"replicas":         ad.Replicas,
		"image":            map[string]any{"repository": keycloakImage, "tag": keycloakTag},
		"http":             map[string]any{"relativePath": "/"},
		"proxy":            map[string]any{"enabled": false},
		"dbchecker":        map[string]any{"enabled": true},
		"database": map[string]any{
			"vendor":            "postgres",
			"hostname":          keycloakDBCluster + "-rw",
			"port":              5432,
			"database":          keycloakDBName,
			"username":          keycloakDBName,
			"existingSecret":    keycloakDBCluster + "-app",
			"existingSecretKey": "password",
		},
	}
	deps := []pulumi.Resource{db, admin}
	var clients []ssoClient
	if c.sso != nil && c.sso.keycloakSecret != nil {
		realm, err := c.realmConfigMap(ctx)
		if err != nil {
			return err
		}
		deps = append(deps, realm, c.sso.keycloakSecret)
		clients = c.sso.clients
		command = append(command, "--import-realm")
		values["extraVolumes"] = fmt.Sprintf("- name: realm\n  configMap:\n    name: %s\n", realmObj)
		values["extraVolumeMounts"] = fmt.Sprintf("- name: realm\n  mountPath: %s\n  readOnly: true\n", realmImportDir)
	}
	values["command"] = command
	adminHost := c.host("auth-admin")
	values["extraEnv"] = keycloakEnv(host, adminHost, clients)
	rel, err := c.install(ctx, release{
		key: "keycloak", chart: chartKeycloak, namespace: nsKeycloak, name: "keycloak",
		values: values, override: ad.Values, timeout: 900, dependsOn: deps,
	})
	if err != nil {
		return err
	}
	c.urls["keycloak"] = pulumi.String("https://" + host).ToStringOutput()
	c.urls["keycloak-admin"] = pulumi.String("https://" + adminHost + "/admin/").ToStringOutput()
	c.passwords["keycloak"] = pw
	// Public: only what logins need, the realms' endpoints and the static resources (Keycloak,
	// "Configuring a reverse proxy", exposed path recommendations,
	// https://www.keycloak.org/server/reverseproxy). The admin console and its API (/admin/), and
	// everything else, only on the admin host of the internal load balancer.
	if err := c.exposeOn(ctx, publicEdge, c.name+"-keycloak-ingress", nsKeycloak, "keycloak", host, keycloakFullname+"-http", 80,
		keycloakPublicPaths, rel); err != nil {
		return err
	}
	return c.exposeOn(ctx, internalEdge, c.name+"-keycloak-admin-ingress", nsKeycloak, "keycloak-admin", adminHost, keycloakFullname+"-http", 80,
		[]string{"/"}, rel)
}

// keycloakPublicPaths are the path prefixes of Keycloak served on the internet-facing load balancer.
var keycloakPublicPaths = []string{"/realms/", "/resources/"}

// keycloakFullname is the keycloakx chart's fullname (fullnameOverride): its Services are
// <fullname>-http and <fullname>-headless (codecentric/helm-charts keycloakx-7.1.3
// charts/keycloakx/templates/service-http.yaml, service-headless.yaml).
const keycloakFullname = "keycloak"

// keycloakDNSQuery is the name JGroups' DNS_PING resolves to find the other Keycloak pods: the
// chart's headless Service. The chart's default cache stack is kubernetes (cache.stack default sets
// KC_CACHE_STACK=kubernetes, keycloakx-7.1.3 templates/statefulset.yaml), which discovers members
// through DNS and needs -Djgroups.dns.query (the chart's README, "DNS_PING Service Discovery").
const keycloakDNSQuery = keycloakFullname + "-headless." + nsKeycloak + ".svc.cluster.local"

// keycloakEnv is the chart's extraEnv (a YAML string): the public and admin host names, HTTP
// behind the TLS load balancer with X-Forwarded-* headers, JGroups DNS discovery of the other
// pods, the bootstrap admin from the component's Secret, and the OIDC clients' secrets that the
// realm file's placeholders name. KC_HOSTNAME_ADMIN puts the admin console on its own host
// (Keycloak, "Configuring the hostname (v2)", https://www.keycloak.org/server/hostname).
func keycloakEnv(host, adminHost string, clients []ssoClient) string {
	var b strings.Builder
	fmt.Fprintf(&b, `- name: KC_HOSTNAME
  value: https://%s
- name: KC_HOSTNAME_ADMIN
  value: https://%s
- name: KC_HTTP_ENABLED
  value: "true"
- name: KC_PROXY_HEADERS
  value: xforwarded
- name: KC_HEALTH_ENABLED
  value: "true"
- name: JAVA_OPTS_APPEND
  value: -Djgroups.dns.query=%s
- name: KC_BOOTSTRAP_ADMIN_USERNAME
  valueFrom:
    secretKeyRef:
      name: %s
      key: username
- name: KC_BOOTSTRAP_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: %s
      key: password
`, host, adminHost, keycloakDNSQuery, keycloakAdminObj, keycloakAdminObj)
	for _, cl := range clients {
		fmt.Fprintf(&b, `- name: %s
  valueFrom:
    secretKeyRef:
      name: %s
      key: %s
`, cl.env, ssoClientsObj, cl.id)
	}
	return b.String()
}
