package addons

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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
	if a.Routes[0].Path != "/" || a.Routes[1].Path != "/api" {
		t.Errorf("paths %q %q", a.Routes[0].Path, a.Routes[1].Path)
	}
	in := testArgs()
	in.withDefaults()
	if in.Routes[0].Path != "" {
		t.Error("withDefaults modified the caller's routes")
	}
	var nilArgs *PlatformAddonsArgs
	if err := nilArgs.withDefaults().validate(); err == nil || err.Error() != "KubernetesProvider is required" {
		t.Errorf("nil args: %v", err)
	}
}

func TestValidate(t *testing.T) {
	off := pulumi.BoolRef(false)
	cases := []struct {
		name   string
		mutate func(*PlatformAddonsArgs)
		want   string
	}{
		{"ok", func(a *PlatformAddonsArgs) {}, ""},
		{"no cluster", func(a *PlatformAddonsArgs) { a.ClusterName = nil }, "ClusterName is required"},
		{"no certificate", func(a *PlatformAddonsArgs) { a.CertificateARN = nil }, "CertificateARN is required"},
		{"bad cidr", func(a *PlatformAddonsArgs) { a.VPCCIDR = "10.10.0.0" }, `VPCCIDR "10.10.0.0" is not an IPv4 CIDR`},
		{"bad domain", func(a *PlatformAddonsArgs) { a.Domain = "Shop" }, `Domain: "Shop" is not a fully qualified domain`},
		{"bad registry", func(a *PlatformAddonsArgs) { a.ECRRegistry = "docker.io" }, `ECRRegistry "docker.io" is not an ECR registry host`},
		{"retired controller", func(a *PlatformAddonsArgs) { a.IngressController = "ingress-nginx" }, `IngressController "ingress-nginx" is not one of nginx, traefik`},
		{"bad apisix mode", func(a *PlatformAddonsArgs) { a.APISIX.Mode = "dev" }, `APISIX.Mode "dev" is not one of standalone, etcd`},
		{"bad replicas", func(a *PlatformAddonsArgs) { a.Ingress.Replicas = -1 }, "Ingress.Replicas -1 is outside 1 to 20"},
		{"bad retention", func(a *PlatformAddonsArgs) { a.Logging.RetentionDays = 10 }, "Logging.RetentionDays 10 is not a CloudWatch Logs retention"},
		{"routes without ingress", func(a *PlatformAddonsArgs) { a.Ingress.Enabled = off }, "Routes has 2 route(s) but Ingress is disabled"},
		{"updater without argo", func(a *PlatformAddonsArgs) { a.ArgoCD.Enabled = off }, "ImageUpdater is enabled but ArgoCD is disabled"},
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
		{"bad path", func(a *PlatformAddonsArgs) { a.Routes[1].Path = "api" }, `Routes[1].Path: "api" must start with /`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			c.mutate(&a)
			err := a.validate()
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

func TestRouteErrorFields(t *testing.T) {
	err := ValidateRoutes("dev.shop.example.com", []Route{{Name: "a", Host: "a.dev.shop.example.com", Namespace: "a", Service: "a", Port: 99999}})
	var re *RouteError
	if !errors.As(err, &re) || re.Index != 0 || re.Field != "Port" {
		t.Errorf("got %#v", err)
	}
}

func TestNewPlatformAddonsRejectsBadArgs(t *testing.T) {
	_, err := previewErr(func(a *PlatformAddonsArgs) { a.Routes[1].Host = a.Routes[0].Host })
	if err == nil || !strings.Contains(err.Error(), `platform addons "test": Routes[1].Host`) {
		t.Errorf("got %v", err)
	}
}
