package addons

import "strings"

// Chart is one Helm chart pinned to an exact version.
type Chart struct {
	// Repository is the chart repository URL.
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
}

// Images the component pins itself (the charts pin the rest).
const (
	// keycloakImage is the official Keycloak image: the Bitnami images are frozen since 2025-08.
	keycloakImage = "quay.io/keycloak/keycloak"
	keycloakTag   = "26.5.6" // the appVersion of keycloakx 7.1.11
	// postgresImage is the CloudNativePG operand image.
	postgresImage = "ghcr.io/cloudnative-pg/postgresql:17.5"
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
