package addons

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	helmRelease = "kubernetes:helm.sh/v3:Release"
	k8sIngress  = "kubernetes:networking.k8s.io/v1:Ingress"
	k8sService  = "kubernetes:core/v1:Service"
	k8sNS       = "kubernetes:core/v1:Namespace"
	k8sSecret   = "kubernetes:core/v1:Secret"
	iamRole     = "aws:iam/role:Role"
	iamPolicy   = "aws:iam/rolePolicy:RolePolicy"
	podIdentity = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
	certARN     = "arn:aws:acm:eu-west-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
)

var opts = preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333"}

func testArgs() *PlatformAddonsArgs {
	return &PlatformAddonsArgs{
		ClusterName:    pulumi.String("flowmart-test"),
		ClusterARN:     pulumi.String("arn:aws:eks:eu-west-1:111122223333:cluster/flowmart-test"),
		Region:         "eu-west-1",
		VPCID:          pulumi.String("vpc-0a1b2c3d4e5f60718"),
		VPCCIDR:        pulumi.String("10.10.0.0/16"),
		Domain:         "dev.shop.example.com",
		CertificateARN: pulumi.String(certARN),
		ECRRegistry:    "111122223333.dkr.ecr.eu-west-1.amazonaws.com",
		Routes: []Route{
			{Name: "storefront", Host: "shop.dev.shop.example.com", Namespace: "storefront", Service: "storefront", Port: 8080},
			{Name: "checkout", Host: "checkout.dev.shop.example.com", Namespace: "checkout", Service: "checkout-api", Port: 80, Path: "/api"},
		},
	}
}

// run builds the component under mocks; mutate adjusts the args.
func run(t *testing.T, o preview.Options, mutate func(*PlatformAddonsArgs)) (*preview.Document, *PlatformAddons) {
	t.Helper()
	doc, comp, err := runErr(o, mutate)
	if err != nil {
		t.Fatal(err)
	}
	return doc, comp
}

func previewErr(mutate func(*PlatformAddonsArgs)) (*preview.Document, error) {
	doc, _, err := runErr(opts, mutate)
	return doc, err
}

func runErr(o preview.Options, mutate func(*PlatformAddonsArgs)) (*preview.Document, *PlatformAddons, error) {
	var comp *PlatformAddons
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		a := testArgs()
		a.KubernetesProvider = k8s
		if mutate != nil {
			mutate(a)
		}
		comp, err = NewPlatformAddons(ctx, "test", a, provider)
		if err != nil {
			return err
		}
		ctx.Export("loadBalancerHostname", comp.LoadBalancerHostname)
		ctx.Export("internalLoadBalancerHostname", comp.InternalLoadBalancerHostname)
		ctx.Export("keycloakAdminUrl", comp.KeycloakAdminURL)
		ctx.Export("argocdUrl", comp.ArgoCDURL)
		ctx.Export("keycloakAdminPassword", comp.KeycloakAdminPassword)
		ctx.Export("grafanaAdminPassword", comp.GrafanaAdminPassword)
		return nil
	}, o)
	return doc, comp, err
}

func get(t *testing.T, doc *preview.Document, typ, name string) *preview.Resource {
	t.Helper()
	r := doc.Get(typ, name)
	if r == nil {
		t.Fatalf("no %s %s", typ, name)
	}
	return r
}

// path walks nested maps of inputs.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

var exactVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)

func TestReleasesPinnedAtomicOrdered(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		o := opts
		o.Deploy = deploy
		doc, _ := run(t, o, nil)
		comp := get(t, doc, "flowmart:addons:PlatformAddons", "test")
		k8sProvider := get(t, doc, "pulumi:providers:kubernetes", "k8s")
		lbc := get(t, doc, helmRelease, "test-lbc")
		want := map[string]string{ // release child -> namespace
			"test-lbc": "kube-system", "test-ingress": "ingress", "test-ingress-internal": "ingress", "test-argocd": "argocd", "test-image-updater": "argocd",
			"test-apisix": "apisix", "test-cnpg": "cnpg-system", "test-keycloak": "keycloak",
			"test-metrics-server": "kube-system", "test-monitoring": "monitoring", "test-monitoring-crds": "monitoring",
			"test-fluent-bit": "logging",
		}
		releases := doc.Find(helmRelease)
		if len(releases) != len(want) {
			t.Fatalf("deploy=%v: %d releases, want %d", deploy, len(releases), len(want))
		}
		charts := map[string]bool{}
		for _, r := range releases {
			in := r.Inputs
			charts[in["chart"].(string)] = true
			if ns, ok := want[r.Name]; !ok || in["namespace"] != ns {
				t.Errorf("%s: namespace %v, want %q", r.Name, in["namespace"], ns)
			}
			if v, _ := in["version"].(string); !exactVersion.MatchString(v) {
				t.Errorf("%s: version %q is not pinned exactly", r.Name, v)
			}
			ch := Charts[chartFor(in["chart"].(string))]
			if in["version"] != ch.Version || path(in, "repositoryOpts", "repo") != ch.Repository {
				t.Errorf("%s: %v %v does not come from the charts table", r.Name, in["version"], path(in, "repositoryOpts", "repo"))
			}
			if in["atomic"] != true || in["cleanupOnFail"] != true || in["createNamespace"] != false {
				t.Errorf("%s: atomic %v cleanupOnFail %v createNamespace %v", r.Name, in["atomic"], in["cleanupOnFail"], in["createNamespace"])
			}
			if r.Parent != comp.URN || !strings.HasPrefix(r.Provider, k8sProvider.URN+"::") {
				t.Errorf("%s: parent %s provider %s", r.Name, r.Parent, r.Provider)
			}
			if r.Name != "test-lbc" && !slices.Contains(r.Dependencies, lbc.URN) {
				t.Errorf("%s: not ordered after the load balancer controller: %v", r.Name, r.Dependencies)
			}
			if ns := doc.Get(k8sNS, "test-ns-"+want[r.Name]); ns != nil && !slices.Contains(r.Dependencies, ns.URN) {
				t.Errorf("%s: does not depend on its namespace", r.Name)
			}
		}
		if charts["ingress-nginx"] || !charts["nginx-ingress"] {
			t.Errorf("ingress controller charts %v: want F5 nginx-ingress, never ingress-nginx", charts)
		}
		if doc.Get(k8sNS, "test-ns-kube-system") != nil {
			t.Error("kube-system must not be created")
		}
	}
}

// chartFor returns the charts-table key of a chart name.
func chartFor(chart string) string {
	for k, c := range Charts {
		// a chart from an OCI registry is installed by its full reference
		if c.Chart == chart || c.Repository+"/"+c.Chart == chart {
			return k
		}
	}
	return ""
}

func TestLoadBalancerControllerIdentity(t *testing.T) {
	doc, _ := run(t, opts, nil)
	lbc := get(t, doc, helmRelease, "test-lbc")
	v := lbc.Inputs["values"]
	if path(v, "clusterName") != "flowmart-test" || path(v, "region") != "eu-west-1" || path(v, "vpcId") != "vpc-0a1b2c3d4e5f60718" ||
		path(v, "serviceAccount", "name") != "aws-load-balancer-controller" {
		t.Errorf("controller values: %v", v)
	}
	assoc := get(t, doc, podIdentity, "test-lbc-pod-identity")
	if assoc.Inputs["namespace"] != "kube-system" || assoc.Inputs["serviceAccount"] != "aws-load-balancer-controller" ||
		assoc.Inputs["clusterName"] != "flowmart-test" || !slices.Contains(lbc.Dependencies, assoc.URN) {
		t.Errorf("pod identity: %v", assoc.Inputs)
	}
	var trust iampolicy.Document
	mustJSON(t, get(t, doc, iamRole, "test-lbc-role").Inputs["assumeRolePolicy"], &trust)
	if trust.Statement[0].Principal["Service"] != "pods.eks.amazonaws.com" || !slices.Equal(trust.Statement[0].Action, []string{"sts:AssumeRole", "sts:TagSession"}) {
		t.Errorf("trust policy: %+v", trust)
	}
	var pol iampolicy.Document
	mustJSON(t, get(t, doc, iamPolicy, "test-lbc-policy").Inputs["policy"], &pol)
	for _, s := range pol.Statement {
		if !slices.Contains(s.Resource, "*") {
			continue
		}
		readOnly := true
		for _, a := range s.Action {
			verb := a[strings.Index(a, ":")+1:]
			if !strings.HasPrefix(verb, "Describe") && !strings.HasPrefix(verb, "Get") && !strings.HasPrefix(verb, "List") {
				readOnly = false
			}
		}
		if !readOnly && !strings.Contains(mustString(t, s.Condition), "elbv2.k8s.aws/cluster") {
			t.Errorf("statement %s writes on * without the cluster tag condition: %v", s.Sid, s.Action)
		}
	}
	if !strings.Contains(mustString(t, pol), "vpc/vpc-0a1b2c3d4e5f60718") {
		t.Error("security group rules are not limited to the cluster's VPC")
	}
}

func TestImageUpdaterAndLoggingPolicies(t *testing.T) {
	doc, _ := run(t, opts, nil)
	var ecr iampolicy.Document
	mustJSON(t, get(t, doc, iamPolicy, "test-image-updater-policy").Inputs["policy"], &ecr)
	allowed := []string{"ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:ListImages", "ecr:DescribeRepositories", "ecr:GetDownloadUrlForLayer"}
	for _, s := range ecr.Statement {
		for _, a := range s.Action {
			if !slices.Contains(allowed, a) {
				t.Errorf("image updater may %s", a)
			}
		}
	}
	assoc := get(t, doc, podIdentity, "test-image-updater-pod-identity")
	if assoc.Inputs["namespace"] != "argocd" || assoc.Inputs["serviceAccount"] != "argocd-image-updater" {
		t.Errorf("image updater identity: %v", assoc.Inputs)
	}
	iu := get(t, doc, helmRelease, "test-image-updater")
	if !strings.Contains(mustString(t, iu.Inputs["values"]), "111122223333.dkr.ecr.eu-west-1.amazonaws.com") {
		t.Error("image updater does not watch the ECR registry")
	}

	lg := get(t, doc, "aws:cloudwatch/logGroup:LogGroup", "test-logs")
	if lg.Inputs["retentionInDays"] != 30.0 || lg.Inputs["name"] != "/aws/eks/flowmart-test/containers" {
		t.Errorf("log group: %v", lg.Inputs)
	}
	var logs iampolicy.Document
	mustJSON(t, get(t, doc, iamPolicy, "test-fluent-bit-policy").Inputs["policy"], &logs)
	arn := "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/flowmart-test/containers"
	if len(logs.Statement) != 1 || !slices.Equal(logs.Statement[0].Resource, []string{arn, arn + ":log-stream:*"}) {
		t.Errorf("log shipping policy: %+v", logs)
	}
	fb := get(t, doc, helmRelease, "test-fluent-bit")
	if path(fb.Inputs["values"], "cloudWatchLogs", "logGroupName") != "/aws/eks/flowmart-test/containers" {
		t.Errorf("fluent bit values: %v", fb.Inputs["values"])
	}
}

func TestIngressServiceCarriesCertificate(t *testing.T) {
	o := opts
	o.Deploy = true
	doc, _ := run(t, o, nil)
	svc := get(t, doc, k8sService, "test-ingress-lb")
	ann := path(svc.Inputs, "metadata", "annotations").(map[string]any)
	p := "service.beta.kubernetes.io/aws-load-balancer-"
	want := map[string]string{
		p + "type": "external", p + "nlb-target-type": "ip", p + "scheme": "internet-facing",
		p + "ssl-cert": certARN, p + "ssl-ports": "443",
		p + "ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
		p + "attributes":             "load_balancing.cross_zone.enabled=true", p + "proxy-protocol": "*",
	}
	for k, v := range want {
		if ann[k] != v {
			t.Errorf("annotation %s = %v, want %q", k, ann[k], v)
		}
	}
	ports := path(svc.Inputs, "spec", "ports").([]any)
	if path(ports[0], "port") != 443.0 || path(ports[0], "targetPort") != float64(nginxBackendPort) || path(ports[1], "port") != 80.0 || path(ports[1], "targetPort") != float64(nginxRedirectPort) {
		t.Errorf("ports: %v", ports)
	}
	if path(svc.Inputs, "spec", "type") != "LoadBalancer" {
		t.Errorf("service type %v", path(svc.Inputs, "spec", "type"))
	}
	for _, dep := range []string{"test-lbc", "test-ingress"} {
		if !slices.Contains(svc.Dependencies, get(t, doc, helmRelease, dep).URN) {
			t.Errorf("the load balancer service is not deleted before %s", dep)
		}
	}
	rel := get(t, doc, helmRelease, "test-ingress")
	entries := path(rel.Inputs["values"], "controller", "config", "entries")
	if path(rel.Inputs["values"], "controller", "service", "create") != false || path(entries, "proxy-protocol") != "True" ||
		path(entries, "set-real-ip-from") != "10.10.0.0/16" || !strings.Contains(path(entries, "http-snippets").(string), "return 308 https://") {
		t.Errorf("ingress controller values: %v", rel.Inputs["values"])
	}
	if !strings.HasPrefix(doc.Outputs["loadBalancerHostname"].(string), "k8s-ingress-") ||
		!strings.HasSuffix(doc.Outputs["loadBalancerHostname"].(string), ".elb.eu-west-1.amazonaws.com") {
		t.Errorf("hostname output %v", doc.Outputs["loadBalancerHostname"])
	}
	if doc.Outputs["argocdUrl"] != "https://argocd.dev.shop.example.com" {
		t.Errorf("argocd url %v", doc.Outputs["argocdUrl"])
	}
}

func TestTraefikController(t *testing.T) {
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.IngressController = IngressTraefik })
	rel := get(t, doc, helmRelease, "test-ingress")
	if rel.Inputs["chart"] != "traefik" || path(rel.Inputs["values"], "service", "enabled") != false {
		t.Errorf("traefik release: %v", rel.Inputs)
	}
	svc := get(t, doc, k8sService, "test-ingress-lb")
	if path(svc.Inputs, "spec", "selector", "app.kubernetes.io/name") != "traefik" {
		t.Errorf("selector %v", path(svc.Inputs, "spec", "selector"))
	}
	internal := []string{"test-argocd-ingress", "test-keycloak-admin-ingress", "test-grafana-ingress"}
	for _, ing := range doc.Find(k8sIngress) {
		want := "traefik"
		if slices.Contains(internal, ing.Name) {
			want = "traefik-internal"
		}
		if path(ing.Inputs, "spec", "ingressClassName") != want {
			t.Errorf("%s: class %v, want %s", ing.Name, path(ing.Inputs, "spec", "ingressClassName"), want)
		}
	}
	// Each Traefik serves its own class only, and the internal one no unannotated IngressRoute.
	pub, in := get(t, doc, helmRelease, "test-ingress").Inputs["values"], get(t, doc, helmRelease, "test-ingress-internal").Inputs["values"]
	if path(pub, "providers", "kubernetesIngress", "ingressClass") != "traefik" || path(pub, "ingressClass", "isDefaultClass") != true ||
		path(in, "providers", "kubernetesIngress", "ingressClass") != "traefik-internal" || path(in, "providers", "kubernetesCRD", "ingressClass") != "traefik-internal" ||
		path(in, "ingressClass", "name") != "traefik-internal" || path(in, "ingressClass", "isDefaultClass") != false {
		t.Errorf("traefik classes: public %v, internal %v", pub, in)
	}
	if sel := path(get(t, doc, k8sService, "test-ingress-internal-lb").Inputs, "spec", "selector", "app.kubernetes.io/instance"); sel != "traefik-internal-ingress" {
		t.Errorf("internal selector %v", sel)
	}
}

func TestIngresses(t *testing.T) {
	doc, comp := run(t, opts, nil)
	lbc := get(t, doc, helmRelease, "test-lbc")
	hosts := map[string]string{
		"test-argocd-ingress": "argocd.dev.shop.example.com", "test-apisix-ingress": "api.dev.shop.example.com",
		"test-keycloak-ingress": "auth.dev.shop.example.com", "test-grafana-ingress": "grafana.dev.shop.example.com",
		"test-keycloak-admin-ingress": "auth-admin.dev.shop.example.com",
		"test-route-storefront":       "shop.dev.shop.example.com", "test-route-checkout": "checkout.dev.shop.example.com",
	}
	internal := []string{"test-argocd-ingress", "test-grafana-ingress", "test-keycloak-admin-ingress"}
	if n := len(doc.Find(k8sIngress)); n != len(hosts) {
		t.Errorf("%d ingresses, want %d", n, len(hosts))
	}
	for name, host := range hosts {
		ing := get(t, doc, k8sIngress, name)
		rule := path(ing.Inputs, "spec", "rules").([]any)[0]
		class, ctrl := "nginx", get(t, doc, helmRelease, "test-ingress")
		if slices.Contains(internal, name) {
			class, ctrl = "nginx-internal", get(t, doc, helmRelease, "test-ingress-internal")
		}
		if path(rule, "host") != host || path(ing.Inputs, "spec", "ingressClassName") != class {
			t.Errorf("%s: rule %v class %v, want %s", name, rule, path(ing.Inputs, "spec", "ingressClassName"), class)
		}
		if !slices.Contains(ing.Dependencies, lbc.URN) || !slices.Contains(ing.Dependencies, ctrl.URN) {
			t.Errorf("%s: not after the controllers", name)
		}
	}
	route := get(t, doc, k8sIngress, "test-route-checkout")
	p := path(route.Inputs, "spec", "rules").([]any)[0]
	backend := path(p, "http", "paths").([]any)[0]
	if path(route.Inputs, "metadata", "namespace") != "checkout" || path(backend, "path") != "/api" ||
		path(backend, "backend", "service", "name") != "checkout-api" || path(backend, "backend", "service", "port", "number") != 80.0 {
		t.Errorf("checkout route: %v", route.Inputs)
	}
	if doc.Get(k8sNS, "test-ns-storefront") == nil || doc.Get(k8sNS, "test-ns-checkout") == nil {
		t.Error("route namespaces are not created")
	}
	wantHosts := []string{"api.dev.shop.example.com", "auth.dev.shop.example.com", "shop.dev.shop.example.com", "checkout.dev.shop.example.com"}
	wantInternal := []string{"argocd.dev.shop.example.com", "auth-admin.dev.shop.example.com", "grafana.dev.shop.example.com"}
	if !slices.Equal(comp.Hosts, wantHosts) || !slices.Equal(comp.InternalHosts, wantInternal) {
		t.Errorf("hosts %v and internal %v, want %v and %v", comp.Hosts, comp.InternalHosts, wantHosts, wantInternal)
	}
}

func TestPasswordsOnlyAsSecrets(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		o := opts
		o.Deploy = deploy
		doc, _ := run(t, o, func(a *PlatformAddonsArgs) { a.APISIX.Mode = APISIXEtcd })
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), preview.MockPassword) {
			t.Errorf("deploy=%v: a generated password appears in the preview", deploy)
		}
		for _, k := range []string{"keycloakAdminPassword", "grafanaAdminPassword"} {
			if doc.Outputs[k] != preview.Secret {
				t.Errorf("output %s = %v, want secret", k, doc.Outputs[k])
			}
		}
		for _, name := range []string{"test-keycloak-admin-secret", "test-grafana-admin-secret", "test-apisix-admin-secret"} {
			s := get(t, doc, k8sSecret, name)
			if s.Inputs["stringData"] != preview.Secret {
				t.Errorf("%s: stringData %v is not secret", name, s.Inputs["stringData"])
			}
		}
		kps := get(t, doc, helmRelease, "test-monitoring")
		if path(kps.Inputs["values"], "grafana", "admin", "existingSecret") != "grafana-admin" {
			t.Errorf("grafana admin secret: %v", path(kps.Inputs["values"], "grafana", "admin"))
		}
	}
}

func TestKeycloakOnPostgres(t *testing.T) {
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.Protect = true; a.Keycloak.DatabaseStorageGiB = 20 })
	kc := get(t, doc, helmRelease, "test-keycloak")
	v := kc.Inputs["values"]
	if path(v, "database", "vendor") != "postgres" || path(v, "database", "existingSecret") != "keycloak-db-app" {
		t.Errorf("keycloak database: %v", path(v, "database"))
	}
	cmd := mustString(t, path(v, "command"))
	if !strings.Contains(cmd, `"start"`) || strings.Contains(cmd, "start-dev") {
		t.Errorf("keycloak command %s", cmd)
	}
	if path(v, "image", "repository") != "quay.io/keycloak/keycloak" {
		t.Errorf("image %v", path(v, "image"))
	}
	env := path(v, "extraEnv").(string)
	for _, want := range []string{"KC_PROXY_HEADERS\n  value: xforwarded", "KC_HOSTNAME\n  value: https://auth.dev.shop.example.com", "KC_HTTP_ENABLED\n  value: \"true\"", "name: keycloak-admin"} {
		if !strings.Contains(env, want) {
			t.Errorf("extraEnv lacks %q", want)
		}
	}
	db := get(t, doc, "kubernetes:postgresql.cnpg.io/v1:Cluster", "test-keycloak-db")
	if !db.Protect || path(db.Inputs, "spec", "storage", "size") != "20Gi" || !slices.Contains(kc.Dependencies, db.URN) {
		t.Errorf("database: protect %v inputs %v", db.Protect, db.Inputs)
	}
	if !slices.Contains(db.Dependencies, get(t, doc, helmRelease, "test-cnpg").URN) {
		t.Error("database does not wait for the CloudNativePG operator")
	}
}

func TestAPISIXModes(t *testing.T) {
	doc, _ := run(t, opts, nil)
	v := get(t, doc, helmRelease, "test-apisix").Inputs["values"]
	if path(v, "etcd", "enabled") != false || path(v, "apisix", "deployment", "mode") != "standalone" {
		t.Errorf("standalone apisix: %v", v)
	}
	doc, _ = run(t, opts, func(a *PlatformAddonsArgs) { a.APISIX.Mode = APISIXEtcd })
	v = get(t, doc, helmRelease, "test-apisix").Inputs["values"]
	if path(v, "etcd", "enabled") != true || path(v, "etcd", "replicaCount") != 3.0 || path(v, "etcd", "persistence", "enabled") != true {
		t.Errorf("etcd apisix is not replicated and persistent: %v", path(v, "etcd"))
	}
}

func TestDisabledAddonsAndValuesOverride(t *testing.T) {
	off := pulumi.BoolRef(false)
	doc, comp := run(t, opts, func(a *PlatformAddonsArgs) {
		a.ImageUpdater.Enabled = off
		a.ArgoCD.Enabled = off
		a.Logging.Enabled = off
		a.Monitoring.Values = map[string]any{"grafana": map[string]any{"persistence": map[string]any{"enabled": true}}}
	})
	for _, name := range []string{"test-argocd", "test-image-updater", "test-fluent-bit"} {
		if doc.Get(helmRelease, name) != nil {
			t.Errorf("%s installed while disabled", name)
		}
	}
	if doc.Get(k8sIngress, "test-argocd-ingress") != nil || slices.Contains(comp.InternalHosts, "argocd.dev.shop.example.com") {
		t.Error("argocd exposed while disabled")
	}
	v := get(t, doc, helmRelease, "test-monitoring").Inputs["values"]
	if path(v, "grafana", "persistence", "enabled") != true || path(v, "grafana", "admin", "existingSecret") != "grafana-admin" {
		t.Errorf("override not merged over defaults: %v", path(v, "grafana"))
	}
}

func mustJSON(t *testing.T, v any, out any) {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%v is not a string", v)
	}
	if err := json.Unmarshal([]byte(s), out); err != nil {
		t.Fatal(err)
	}
}

func mustString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
