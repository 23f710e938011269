package addons

import "strings"

// imageRef is an image map of a chart's values and the image it names by default: Registry is
// the map's registry key ("" when the chart has none and the host is part of Repository).
type imageRef struct {
	Path       string // values path of the map (dot-separated)
	Registry   string
	Repository string
}

// chartImages are the image maps of each pinned chart with a default repository, as
// chartfacts.json records them (a test keeps them equal: a bump that adds or moves an image
// fails it). Traefik's image map has no defaults in values.yaml (its templates default to
// docker.io/traefik), so it has none here.
var chartImages = map[string][]imageRef{
	chartNodeTerminationHandler: {
		{"image", "", "public.ecr.aws/aws-ec2/aws-node-termination-handler"},
	},
	chartLoadBalancerController: {
		{"image", "", "public.ecr.aws/eks/aws-load-balancer-controller"},
	},
	chartNGINX: {
		{"controller.appprotect.configManager.image", "", "private-registry.nginx.com/nap/waf-config-mgr"},
		{"controller.appprotect.enforcer.image", "", "private-registry.nginx.com/nap/waf-enforcer"},
		{"controller.appprotect.ipIntelligence.image", "", "private-registry.nginx.com/nap/waf-ip-intelligence"},
		{"controller.image", "", "nginx/nginx-ingress"},
	},
	chartArgoCD: {
		{"dex.image", "", "ghcr.io/dexidp/dex"},
		{"global.image", "", "quay.io/argoproj/argocd"},
		{"redis-ha.haproxy.image", "", "ecr-public.aws.com/docker/library/haproxy"},
		{"redis-ha.image", "", "ecr-public.aws.com/docker/library/redis"},
		{"redis.exporter.image", "", "ghcr.io/oliver006/redis_exporter"},
		{"redis.image", "", "ecr-public.aws.com/docker/library/redis"},
		{"server.extensions.image", "", "quay.io/argoprojlabs/argocd-extension-installer"},
	},
	chartImageUpdater: {
		{"image", "", "quay.io/argoprojlabs/argocd-image-updater"},
	},
	chartAPISIX: {
		{"etcd.image", "docker.io", "bitnamilegacy/etcd"},
		{"etcd.volumePermissions.image", "docker.io", "bitnami/os-shell"},
		{"image", "", "apache/apisix"},
	},
	chartCloudNativePG: {
		{"image", "", "ghcr.io/cloudnative-pg/cloudnative-pg"},
	},
	chartKeycloak: {
		{"dbchecker.image", "", "docker.io/busybox"},
		{"image", "", "quay.io/keycloak/keycloak"},
		{"test.image", "", "docker.io/seleniarm/standalone-chromium"},
	},
	chartMetricsServer: {
		{"addonResizer.image", "", "registry.k8s.io/autoscaling/addon-resizer"},
		{"image", "", "registry.k8s.io/metrics-server/metrics-server"},
	},
	chartPrometheusStack: {
		{"alertmanager.alertmanagerSpec.image", "quay.io", "prometheus/alertmanager"},
		{"crds.upgradeJob.image.busybox", "docker.io", "busybox"},
		{"crds.upgradeJob.image.kubectl", "registry.k8s.io", "kubectl"},
		{"grafana.downloadDashboardsImage", "docker.io", "curlimages/curl"},
		{"grafana.image", "docker.io", "grafana/grafana"},
		{"grafana.imageRenderer.image", "docker.io", "grafana/grafana-image-renderer"},
		{"grafana.initChownData.image", "docker.io", "library/busybox"},
		{"grafana.sidecar.image", "quay.io", "kiwigrid/k8s-sidecar"},
		{"grafana.testFramework.image", "docker.io", "bats/bats"},
		{"kube-state-metrics.image", "registry.k8s.io", "kube-state-metrics/kube-state-metrics"},
		{"kube-state-metrics.kubeRBACProxy.image", "quay.io", "brancz/kube-rbac-proxy"},
		{"prometheus-node-exporter.image", "quay.io", "prometheus/node-exporter"},
		{"prometheus-node-exporter.kubeRBACProxy.image", "quay.io", "brancz/kube-rbac-proxy"},
		{"prometheus-node-exporter.permissionInitContainer.image", "quay.io", "prometheus/busybox"},
		{"prometheus.prometheusSpec.image", "quay.io", "prometheus/prometheus"},
		{"prometheusOperator.admissionWebhooks.deployment.image", "quay.io", "prometheus-operator/admission-webhook"},
		{"prometheusOperator.admissionWebhooks.patch.image", "ghcr.io", "jkroepke/kube-webhook-certgen"},
		{"prometheusOperator.image", "quay.io", "prometheus-operator/prometheus-operator"},
		{"prometheusOperator.prometheusConfigReloader.image", "quay.io", "prometheus-operator/prometheus-config-reloader"},
		{"prometheusOperator.thanosImage", "quay.io", "thanos/thanos"},
		{"thanosRuler.thanosRulerSpec.image", "quay.io", "thanos/thanos"},
	},
	chartFluentBit: {
		{"image", "", "public.ecr.aws/aws-observability/aws-for-fluent-bit"},
	}}

// imageHost splits an image reference into its registry host and path; a reference without a
// host is Docker Hub's, an official image under library/.
func imageHost(ref string) (host, rest string) {
	first, after, found := strings.Cut(ref, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first, after
	}
	if !found {
		return "docker.io", "library/" + ref
	}
	return "docker.io", ref
}

// mirrorValues are the values that point every image of a chart whose registry has a mirror at
// the mirror: the registry key set to the mirror prefix where the chart has one, else the
// repository prefixed. values are the component's own (an image it pins itself is mirrored as it
// pins it). Tags stay the chart's or the component's.
func mirrorValues(chart string, values map[string]any, mirrors map[string]string) map[string]any {
	out := map[string]any{}
	if len(mirrors) == 0 {
		return out
	}
	for _, img := range chartImages[chart] {
		keys := strings.Split(img.Path, ".")
		registry, repository := img.Registry, img.Repository
		if set, ok := lookup(values, keys...).(map[string]any); ok {
			if r, ok := set["registry"].(string); ok {
				registry = r
			}
			if r, ok := set["repository"].(string); ok {
				repository = r
			}
		}
		if registry != "" {
			mirror, ok := mirrors[registry]
			if !ok {
				continue
			}
			if registry == "docker.io" && !strings.Contains(repository, "/") {
				repository = "library/" + repository
			}
			put(out, map[string]any{"registry": mirror, "repository": repository}, keys...)
			continue
		}
		host, rest := imageHost(repository)
		if mirror, ok := mirrors[host]; ok {
			put(out, map[string]any{"repository": mirror + "/" + rest}, keys...)
		}
	}
	return out
}

func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func put(m map[string]any, v any, keys ...string) {
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}
