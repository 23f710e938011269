package addons

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
	chartFluentBit              = "aws-for-fluent-bit"

	chartNodeTerminationHandler = "aws-node-termination-handler"
)

// Charts is the one table of every chart the component installs, pinned exactly. A chart upgrade
// is a one-line change here, reviewed like any other.
var Charts = map[string]Chart{
	chartLoadBalancerController: {"https://aws.github.io/eks-charts", "aws-load-balancer-controller", "1.14.0"},
	// F5 NGINX Ingress Controller: kubernetes/ingress-nginx is retired (no fixes since March 2026).
	chartNGINX:           {"https://helm.nginx.com/stable", "nginx-ingress", "2.4.4"},
	chartTraefik:         {"https://traefik.github.io/charts", "traefik", "37.1.1"},
	chartArgoCD:          {"https://argoproj.github.io/argo-helm", "argo-cd", "8.3.0"},
	chartImageUpdater:    {"https://argoproj.github.io/argo-helm", "argocd-image-updater", "0.12.3"},
	chartAPISIX:          {"https://charts.apiseven.com", "apisix", "2.12.2"},
	chartCloudNativePG:   {"https://cloudnative-pg.github.io/charts", "cloudnative-pg", "0.26.0"},
	chartKeycloak:        {"https://codecentric.github.io/helm-charts", "keycloakx", "7.1.0"},
	chartMetricsServer:   {"https://kubernetes-sigs.github.io/metrics-server/", "metrics-server", "3.13.0"},
	chartPrometheusStack: {"https://prometheus-community.github.io/helm-charts", "kube-prometheus-stack", "77.0.0"},
	chartFluentBit:       {"https://aws.github.io/eks-charts", "aws-for-fluent-bit", "0.1.35"},

	chartNodeTerminationHandler: {"oci://public.ecr.aws/aws-ec2/helm", "aws-node-termination-handler", "0.27.6"}, // termination.go: why OCI
}

// Images the component pins itself (the charts pin the rest).
const (
	// keycloakImage is the official Keycloak image: the Bitnami images are frozen since 2025-08.
	keycloakImage = "quay.io/keycloak/keycloak"
	keycloakTag   = "26.3.3"
	// postgresImage is the CloudNativePG operand image.
	postgresImage = "ghcr.io/cloudnative-pg/postgresql:17.5"
)
