package addons

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// fakeProvider stands in for the Kubernetes provider in pure validation tests.
type fakeProvider struct{ pulumi.ProviderResourceState }

func validArgs() PlatformAddonsArgs {
	a := testArgs()
	a.KubernetesProvider = &fakeProvider{}
	return a.withDefaults()
}

func TestDefaults(t *testing.T) {
	a := validArgs()
	if a.IngressController != IngressNGINX || a.APISIX.Mode != APISIXStandalone {
		t.Errorf("controller %q mode %q", a.IngressController, a.APISIX.Mode)
	}
	if a.Keycloak.Replicas != 1 || a.Keycloak.DatabaseInstances != 1 || a.Keycloak.DatabaseStorageGiB != 10 ||
		a.Monitoring.RetentionDays != 15 || a.Monitoring.StorageGiB != 50 || a.Logging.RetentionDays != 30 {
		t.Errorf("sizes: %+v %+v %+v", a.Keycloak, a.Monitoring, a.Logging)
	}
	if !a.ArgoCD.On() || !a.Logging.On() {
		t.Error("add-ons are not enabled by default")
	}
	if !a.ssoOn() || a.SSO.Realm != "platform" || a.SSO.AdminGroup != "platform-admins" || len(a.AdminCIDRs) != 0 {
		t.Errorf("sso %+v admin ranges %v", a.SSO, a.AdminCIDRs)
	}
	noKeycloak := testArgs()
	noKeycloak.Keycloak.Enabled = pulumi.BoolRef(false)
	if d := noKeycloak.withDefaults(); d.ssoOn() {
		t.Error("single sign-on defaults to on without Keycloak")
	}
	if a.Routes[0].Path != "/" || a.Routes[1].Path != "/api" {
		t.Errorf("paths %q %q", a.Routes[0].Path, a.Routes[1].Path)
	}
	in := testArgs()
	in.withDefaults()
	if in.Routes[0].Path != "" {
		t.Error("withDefaults modified the caller's routes")
	}
	var nilArgs *PlatformAddonsArgs
	if err := nilArgs.withDefaults().validate(); err == nil || !strings.HasPrefix(err.Error(), "KubernetesProvider: is required") {
		t.Errorf("nil args: %v", err)
	}
}

var okAPISIXRoute = APISIXRoute{ID: "checkout", URI: "/checkout/*", Upstream: "checkout-api.checkout.svc:80"}

func TestValidate(t *testing.T) {
	off := pulumi.BoolRef(false)
	cases := []struct {
		name   string
		mutate func(*PlatformAddonsArgs)
		want   string
	}{
		{"ok", func(a *PlatformAddonsArgs) {}, ""},
		{"no cluster", func(a *PlatformAddonsArgs) { a.ClusterName = nil }, "ClusterName: is required"},
		{"no cluster ARN", func(a *PlatformAddonsArgs) { a.ClusterARN = nil }, "ClusterARN: is required"},
		{"cluster ARN of a role", func(a *PlatformAddonsArgs) { a.ClusterARN = pulumi.String("arn:aws:iam::111122223333:role/x") }, "ClusterARN: \"arn:aws:iam::111122223333:role/x\" is not an EKS cluster ARN"},
		{"no certificate", func(a *PlatformAddonsArgs) { a.CertificateARN = nil }, "CertificateARN: is required"},
		{"bad cidr", func(a *PlatformAddonsArgs) { a.VPCCIDR = pulumi.String("10.10.0.0") }, `VPCCIDR: "10.10.0.0" is not an IPv4 CIDR`},
		{"bad domain", func(a *PlatformAddonsArgs) { a.Domain = "Shop" }, `Domain: "Shop" is not a fully qualified domain`},
		{"bad registry", func(a *PlatformAddonsArgs) { a.ECRRegistry = "docker.io" }, `ECRRegistry: "docker.io" is not an ECR registry host`},
		{"retired controller", func(a *PlatformAddonsArgs) { a.IngressController = "ingress-nginx" }, `IngressController: "ingress-nginx" is not a supported ingress controller (allowed: nginx, traefik`},
		{"bad apisix mode", func(a *PlatformAddonsArgs) { a.APISIX.Mode = "dev" }, `APISIX.Mode: "dev" is not an APISIX mode (allowed: standalone, etcd)`},
		{"bad replicas", func(a *PlatformAddonsArgs) { a.Ingress.Replicas = -1 }, "Ingress.Replicas: -1 is outside 1 to 20"},
		{"bad retention", func(a *PlatformAddonsArgs) { a.Logging.RetentionDays = 10 }, "Logging.RetentionDays: 10 is not a CloudWatch Logs retention"},
		{"routes without ingress", func(a *PlatformAddonsArgs) { a.Ingress.Enabled = off }, "Ingress.Enabled: false but Routes lists 2 route(s)"},
		{"updater without argo", func(a *PlatformAddonsArgs) { a.ArgoCD.Enabled = off }, "ImageUpdater.Enabled: true but ArgoCD is disabled"},
		{"duplicate host", func(a *PlatformAddonsArgs) { a.Routes[1].Host = a.Routes[0].Host },
			`Routes[1].Host: "shop.dev.shop.example.com" is used twice (also by Routes[0])`},
		{"duplicate name", func(a *PlatformAddonsArgs) { a.Routes[1].Name = "storefront" }, `Routes[1].Name: "storefront" is used twice`},
		{"host outside domain", func(a *PlatformAddonsArgs) { a.Routes[0].Host = "shop.example.org" },
			`Routes[0].Host: "shop.example.org" is not dev.shop.example.com or a name under it`},
		{"suffix without dot", func(a *PlatformAddonsArgs) { a.Routes[0].Host = "evildev.shop.example.com" }, "is not dev.shop.example.com or a name under it"},
		{"domain itself", func(a *PlatformAddonsArgs) { a.Routes[0].Host = "dev.shop.example.com" }, ""},
		{"reserved host", func(a *PlatformAddonsArgs) { a.Routes[0].Host = "grafana.dev.shop.example.com" }, `Routes[0].Host: "grafana.dev.shop.example.com" is reserved`},
		{"bad host", func(a *PlatformAddonsArgs) { a.Routes[0].Host = "Shop_1.dev.shop.example.com" }, `Routes[0].Host: "Shop_1.dev.shop.example.com" has an invalid label`},
		{"port zero", func(a *PlatformAddonsArgs) { a.Routes[0].Port = 0 }, "Routes[0].Port: 0 is outside 1 to 65535"},
		{"port too big", func(a *PlatformAddonsArgs) { a.Routes[1].Port = 70000 }, "Routes[1].Port: 70000 is outside 1 to 65535"},
		{"bad name", func(a *PlatformAddonsArgs) { a.Routes[0].Name = "Store Front" }, `Routes[0].Name: "Store Front" is not a DNS label`},
		{"bad namespace", func(a *PlatformAddonsArgs) { a.Routes[0].Namespace = "" }, `Routes[0].Namespace: "" is not a Kubernetes namespace name`},
		{"platform namespace", func(a *PlatformAddonsArgs) { a.Routes[0].Namespace = "argocd" }, `Routes[0].Namespace: "argocd" is a namespace of the platform's add-ons`},
		{"bad path", func(a *PlatformAddonsArgs) { a.Routes[1].Path = "api" }, `Routes[1].Path: "api" must start with /`},
		{"admin host as route", func(a *PlatformAddonsArgs) { a.Routes[0].Host = "auth-admin.dev.shop.example.com" }, `Routes[0].Host: "auth-admin.dev.shop.example.com" is reserved`},
		{"sso without keycloak", func(a *PlatformAddonsArgs) { a.Keycloak.Enabled = off; a.SSO.Enabled = pulumi.BoolRef(true) },
			"SSO.Enabled: true but Keycloak is disabled"},
		{"no keycloak, no sso", func(a *PlatformAddonsArgs) { a.Keycloak.Enabled = off; a.SSO.Enabled = nil }, ""},
		{"master realm", func(a *PlatformAddonsArgs) { a.SSO.Realm = "master" }, `SSO.Realm: "master" is not a realm name`},
		{"group with a comma", func(a *PlatformAddonsArgs) { a.SSO.AdminGroup = "admins, role:admin" }, `SSO.AdminGroup: "admins, role:admin" is not a group name`},
		{"group with a quote", func(a *PlatformAddonsArgs) { a.SSO.AdminGroup = "a') || ('b" }, "SSO.AdminGroup"},
		{"vpn range", func(a *PlatformAddonsArgs) { a.AdminCIDRs = []string{"10.99.0.0/24"} }, ""},
		{"bad admin range", func(a *PlatformAddonsArgs) { a.AdminCIDRs = []string{"10.99.0.0/24", "vpn"} }, `AdminCIDRs[1]: "vpn" is not an IPv4 CIDR`},
		{"admin range with host bits", func(a *PlatformAddonsArgs) { a.AdminCIDRs = []string{"10.99.0.1/24"} }, `AdminCIDRs[0]: "10.99.0.1/24" is not an IPv4 CIDR`},
		{"admin range the internet", func(a *PlatformAddonsArgs) { a.AdminCIDRs = []string{"0.0.0.0/0"} }, `AdminCIDRs[0]: "0.0.0.0/0" is the whole internet`},
		{"apisix routes", func(a *PlatformAddonsArgs) { a.APISIX.Routes = []APISIXRoute{okAPISIXRoute} }, ""},
		{"apisix configmap", func(a *PlatformAddonsArgs) { a.APISIX.ConfigMap = "apisix-routes" }, ""},
		{"apisix configmap and routes", func(a *PlatformAddonsArgs) {
			a.APISIX.ConfigMap = "apisix-routes"
			a.APISIX.Routes = []APISIXRoute{okAPISIXRoute}
		}, `APISIX.Routes: lists 1 route(s) and ConfigMap is "apisix-routes"`},
		{"apisix routes in etcd mode", func(a *PlatformAddonsArgs) {
			a.APISIX.Mode = APISIXEtcd
			a.APISIX.ConfigMap = "apisix-routes"
		}, `APISIX.Mode: "etcd" keeps routes in etcd`},
		{"apisix bad configmap", func(a *PlatformAddonsArgs) { a.APISIX.ConfigMap = "Routes!" }, `APISIX.ConfigMap: "Routes!" is not a ConfigMap name`},
		{"apisix bad upstream", func(a *PlatformAddonsArgs) {
			r := okAPISIXRoute
			r.Upstream = "http://checkout"
			a.APISIX.Routes = []APISIXRoute{r}
		}, `APISIX.Routes[0].Upstream: "http://checkout" is not host:port`},
		{"apisix bad uri", func(a *PlatformAddonsArgs) {
			r := okAPISIXRoute
			r.URI = "api/*"
			a.APISIX.Routes = []APISIXRoute{r}
		}, `APISIX.Routes[0].URI: "api/*" is not a path`},
		{"apisix duplicate id", func(a *PlatformAddonsArgs) { a.APISIX.Routes = []APISIXRoute{okAPISIXRoute, okAPISIXRoute} },
			`APISIX.Routes[1].ID: "checkout" is used twice`},
		{"mirror ok", func(a *PlatformAddonsArgs) { a.ImageMirrors = testMirrors }, ""},
		{"mirror with scheme", func(a *PlatformAddonsArgs) {
			a.ImageMirrors = map[string]string{"quay.io": "https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/quay"}
		},
			`ImageMirrors[quay.io]: "https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/quay" is not a repository prefix`},
		{"mirror bad host", func(a *PlatformAddonsArgs) {
			a.ImageMirrors = map[string]string{"Quay": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/quay"}
		},
			`ImageMirrors: "Quay" is not a registry host`},
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

func TestRouteErrorNamesTheField(t *testing.T) {
	a := validArgs()
	a.Routes[0].Port = 99999
	path, msg, ok := fielderr.Split(a.Validate())
	if !ok || path != "Routes[0].Port" || msg != "99999 is outside 1 to 65535" {
		t.Errorf("got %q %q %v", path, msg, ok)
	}
}

func TestNewPlatformAddonsRejectsBadArgs(t *testing.T) {
	_, err := previewErr(func(a *PlatformAddonsArgs) { a.Routes[1].Host = a.Routes[0].Host })
	if err == nil || !strings.Contains(err.Error(), `platform addons "test": Routes[1].Host`) {
		t.Errorf("got %v", err)
	}
}

// A VPCCIDR from another resource or stack cannot be checked by Validate; the ingress controller
// never trusts a bad one: its release fails with the field named, and a good one reaches the
// controller's values.
func TestVPCCIDROutputIsCheckedBeforeTheIngressTrustsIt(t *testing.T) {
	a := validArgs()
	a.VPCCIDR = pulumi.String("10.10.0.0").ToStringOutput()
	if err := a.Validate(); err != nil {
		t.Fatalf("an Output cannot be checked up front: %v", err)
	}
	_, err := previewErr(func(a *PlatformAddonsArgs) { a.VPCCIDR = pulumi.String("10.10.0.0").ToStringOutput() })
	if err == nil || !strings.Contains(err.Error(), `VPCCIDR: "10.10.0.0" is not an IPv4 CIDR`) {
		t.Errorf("bad VPCCIDR output: %v", err)
	}
	doc, err := previewErr(func(a *PlatformAddonsArgs) { a.VPCCIDR = pulumi.String("10.77.0.0/16").ToStringOutput() })
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range doc.Find("kubernetes:helm.sh/v3:Release") {
		if b, _ := json.Marshal(r.Inputs["values"]); strings.Contains(string(b), `"10.77.0.0/16"`) {
			found = true
		}
	}
	if !found {
		t.Error("no release trusts the VPC's CIDR from the Output")
	}
}
