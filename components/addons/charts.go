package addons

import "strings"

// Chart is one Helm chart pinned to an exact version.
type Chart struct {
	// Repository is the chart repository URL, or an OCI registry (oci://...).
	Repository string
	// Chart is the chart's name in the repository.
	Chart string
	// Version is the exact chart version: never a range.
	Version string
}

// Chart keys of the charts table.
const (
	chartLoadBalancerController = "aws-load-balancer-controller"
	chartNGINX                  = "nginx-ingress"
	chartTraefik                = "traefik"
	chartArgoCD                 = "argo-cd"
	chartImageUpdater           = "argocd-image-updater"
	chartAPISIX                 = "apisix"
	chartCloudNativePG          = "cloudnative-pg"
	chartKeycloak               = "keycloakx"
	chartMetricsServer          = "metrics-server"
	chartPrometheusStack        = "kube-prometheus-stack"
	chartPrometheusCRDs         = "prometheus-operator-crds"
	chartFluentBit              = "aws-for-fluent-bit"

	chartNodeTerminationHandler = "aws-node-termination-handler"
)

// Charts is the one table of every chart the component installs, pinned exactly. A chart upgrade
// is a one-line change here, reviewed like any other: the values keys each version accepts and
// the versions each repository has published are in chartfacts.json (cmd/chartfacts writes it
// from the chart's sources at the tag), and the tests check every key the component sets against
// it. Renovate proposes the bumps (renovate.json matches the lines below: keep one chart per line,
// repository, chart, version in that order).
var Charts = map[string]Chart{
	chartLoadBalancerController: {"https://aws.github.io/eks-charts", "aws-load-balancer-controller", "3.5.0"},
	// F5 NGINX Ingress Controller: kubernetes/ingress-nginx is retired (no fixes since March 2026).
	chartNGINX:           {"https://helm.nginx.com/stable", "nginx-ingress", "2.6.4"},
	chartTraefik:         {"https://traefik.github.io/charts", "traefik", "41.3.0"},
	chartArgoCD:          {"https://argoproj.github.io/argo-helm", "argo-cd", "10.1.1"},
	chartImageUpdater:    {"https://argoproj.github.io/argo-helm", "argocd-image-updater", "1.2.4"},
	chartAPISIX:          {"https://charts.apiseven.com", "apisix", "2.14.0"},
	chartCloudNativePG:   {"https://cloudnative-pg.github.io/charts", "cloudnative-pg", "0.29.0"},
	chartKeycloak:        {"https://codecentric.github.io/helm-charts", "keycloakx", "7.1.11"},
	chartMetricsServer:   {"https://kubernetes-sigs.github.io/metrics-server/", "metrics-server", "3.13.1"},
	chartPrometheusStack: {"https://prometheus-community.github.io/helm-charts", "kube-prometheus-stack", "88.5.3"},
	// The Prometheus Operator's CRDs as templates, so a bump upgrades them (kube-prometheus-stack
	// keeps its own in crds/, which Helm never upgrades): the operator version of the stack's
	// chart (appVersion v0.93.1 of both).
	chartPrometheusCRDs: {"https://prometheus-community.github.io/helm-charts", "prometheus-operator-crds", "31.0.1"},
	chartFluentBit:      {"https://aws.github.io/eks-charts", "aws-for-fluent-bit", "0.2.0"},

	chartNodeTerminationHandler: {"oci://public.ecr.aws/aws-ec2/helm", "aws-node-termination-handler", "0.27.6"}, // termination.go: why OCI
}

// CRDSource is where a chart's crds/ files are at its pinned version. Helm installs a chart's
// crds/ once and never upgrades them, so for these charts the component applies the files itself,
// from the chart's repository at the commit of the pinned version (a yaml/v2 ConfigGroup that
// server-side applies them, so a bump upgrades them), and the release skips its crds/. The
// commits and files are those of chartfacts.json (a test keeps them equal): a chart bump
// regenerates the facts and copies them here. kube-prometheus-stack's CRDs come from its
// companion chart prometheus-operator-crds instead.
type CRDSource struct {
	Repo   string   // GitHub owner/name
	Commit string   // the commit of the pinned chart version
	Files  []string // the files of the chart's crds/ (a symbolic link followed)
}

// URLs are the files' addresses at the commit.
func (s CRDSource) URLs() []string {
	urls := make([]string, len(s.Files))
	for i, f := range s.Files {
		urls[i] = "https://raw.githubusercontent.com/" + s.Repo + "/" + s.Commit + "/" + f
	}
	return urls
}

// chartCRDs are the CRD files of the charts that keep CRDs in crds/.
var chartCRDs = map[string]CRDSource{
	chartLoadBalancerController: {
		Repo: "aws/eks-charts", Commit: "5239609242f3430be50fb0b714a24d3ef2b47983",
		Files: []string{
			"stable/aws-load-balancer-controller/crds/crds.yaml",
			"stable/aws-load-balancer-controller/crds/gateway-crds.yaml",
		},
	},
	chartNGINX: {
		Repo: "nginx/kubernetes-ingress", Commit: "f92a24e4fd2b52c72739c4a1f4f9bb6424bf5731",
		Files: []string{
			"config/crd/bases/appprotect.f5.com_aplogconfs.yaml",
			"config/crd/bases/appprotect.f5.com_appolicies.yaml",
			"config/crd/bases/appprotect.f5.com_apusersigs.yaml",
			"config/crd/bases/appprotectdos.f5.com_apdoslogconfs.yaml",
			"config/crd/bases/appprotectdos.f5.com_apdospolicy.yaml",
			"config/crd/bases/appprotectdos.f5.com_dosprotectedresources.yaml",
			"config/crd/bases/externaldns.nginx.org_dnsendpoints.yaml",
			"config/crd/bases/k8s.nginx.org_globalconfigurations.yaml",
			"config/crd/bases/k8s.nginx.org_policies.yaml",
			"config/crd/bases/k8s.nginx.org_transportservers.yaml",
			"config/crd/bases/k8s.nginx.org_virtualserverroutes.yaml",
			"config/crd/bases/k8s.nginx.org_virtualservers.yaml",
		},
	},
	chartTraefik: {
		Repo: "traefik/traefik-helm-chart", Commit: "a8a66d0098703627b2cf352c66b1725c196a734a",
		Files: []string{
			"traefik/crds/hub.traefik.io_accesscontrolpolicies.yaml",
			"traefik/crds/hub.traefik.io_aiservices.yaml",
			"traefik/crds/hub.traefik.io_apiauths.yaml",
			"traefik/crds/hub.traefik.io_apibundles.yaml",
			"traefik/crds/hub.traefik.io_apicatalogitems.yaml",
			"traefik/crds/hub.traefik.io_apiplans.yaml",
			"traefik/crds/hub.traefik.io_apiportalauths.yaml",
			"traefik/crds/hub.traefik.io_apiportals.yaml",
			"traefik/crds/hub.traefik.io_apiratelimits.yaml",
			"traefik/crds/hub.traefik.io_apis.yaml",
			"traefik/crds/hub.traefik.io_apiversions.yaml",
			"traefik/crds/hub.traefik.io_contentitems.yaml",
			"traefik/crds/hub.traefik.io_managedapplications.yaml",
			"traefik/crds/hub.traefik.io_managedsubscriptions.yaml",
			"traefik/crds/hub.traefik.io_uplinks.yaml",
			"traefik/crds/traefik.io_ingressroutes.yaml",
			"traefik/crds/traefik.io_ingressroutetcps.yaml",
			"traefik/crds/traefik.io_ingressrouteudps.yaml",
			"traefik/crds/traefik.io_middlewares.yaml",
			"traefik/crds/traefik.io_middlewaretcps.yaml",
			"traefik/crds/traefik.io_serverstransports.yaml",
			"traefik/crds/traefik.io_serverstransporttcps.yaml",
			"traefik/crds/traefik.io_tlsoptions.yaml",
			"traefik/crds/traefik.io_tlsstores.yaml",
			"traefik/crds/traefik.io_traefikservices.yaml",
		},
	},
}

// Images the component pins itself (the charts pin the rest).
const (
	// keycloakImage is the official Keycloak image: the Bitnami images are frozen since 2025-08.
	keycloakImage = "quay.io/keycloak/keycloak"
	// renovate: datasource=docker depName=quay.io/keycloak/keycloak
	keycloakTag = "26.5.6" // the appVersion of keycloakx 7.1.11
	// The etcd image of APISIX's etcd mode: the default of the chart's etcd dependency (bitnami/charts
	// etcd/12.0.18 values.yaml image), pinned instead of the apisix chart's bitnamilegacy/etcd:latest.
	etcdRegistry   = "docker.io"
	etcdRepository = "bitnami/etcd"
	// renovate: datasource=docker depName=docker.io/bitnami/etcd
	etcdTag = "3.6.4-debian-12-r3"
	// postgresImage is the CloudNativePG operand image.
	postgresImage      = postgresRepository + ":" + postgresTag
	postgresRepository = "ghcr.io/cloudnative-pg/postgresql"
	// renovate: datasource=docker depName=ghcr.io/cloudnative-pg/postgresql
	postgresTag = "17.5"
)

// ValuesPath writes a path of Helm values keys the way chartfacts.json records them: the keys
// joined by dots, a key that itself holds a dot or a slash in brackets (configs.params.[server.insecure]).
func ValuesPath(keys ...string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		if strings.ContainsAny(k, "./[]") {
			k = "[" + k + "]"
		}
		parts[i] = k
	}
	return strings.Join(parts, ".")
}
