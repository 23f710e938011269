package addons

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
)

// fuzzBase is a valid PlatformAddonsArgs (without its provider) the fuzz target mutates.
func fuzzBase() *PlatformAddonsArgs {
	return &PlatformAddonsArgs{
		ClusterName:    pulumi.String("flowmart-test"),
		ClusterARN:     pulumi.String("arn:aws:eks:eu-west-1:111122223333:cluster/flowmart-test"),
		Region:         "eu-west-1",
		VPCID:          pulumi.String("vpc-0a1b2c3d4e5f60718"),
		VPCCIDR:        pulumi.String("10.10.0.0/16"),
		Domain:         "dev.shop.example.com",
		CertificateARN: pulumi.String("arn:aws:acm:eu-west-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"),
		ECRRegistry:    "111122223333.dkr.ecr.eu-west-1.amazonaws.com",
		Routes: []Route{
			{Name: "storefront", Host: "shop.dev.shop.example.com", Namespace: "storefront", Service: "storefront", Port: 8080},
			{Name: "checkout", Host: "checkout.dev.shop.example.com", Namespace: "checkout", Service: "checkout-api", Port: 80, Path: "/api"},
		},
		Tags: map[string]string{"team": "platform"},
	}
}

// Shape bits of the fuzz input: which structural change the Args get.
const (
	fuzzNil         = 1 << iota // nil Args
	fuzzZero                    // zero Args (the provider still set)
	fuzzEmpty                   // empty slices and maps
	fuzzNilMaps                 // nil slices and maps
	fuzzDuplicate               // the first route twice
	fuzzLong                    // the string repeated into a very long one
	fuzzAlternative             // traefik, APISIX on etcd, protected, Values everywhere
	fuzzNilInputs               // nil pulumi inputs (cluster name, VPC, certificate)
	fuzzDisabled                // bits from here: add-ons turned off one by one
)

func (a *PlatformAddonsArgs) addons() []*Addon {
	return []*Addon{&a.LoadBalancerController, &a.Ingress, &a.ArgoCD, &a.ImageUpdater, &a.APISIX.Addon,
		&a.Keycloak.Addon, &a.MetricsServer, &a.Monitoring.Addon, &a.Logging.Addon}
}

func fuzzRoute(a *PlatformAddonsArgs) *Route {
	if len(a.Routes) == 0 {
		a.Routes = []Route{{}}
	}
	return &a.Routes[0]
}

var fuzzStrings = []func(a *PlatformAddonsArgs, s string){
	func(a *PlatformAddonsArgs, s string) { a.Region = s },
	func(a *PlatformAddonsArgs, s string) { a.Domain = s },
	func(a *PlatformAddonsArgs, s string) { a.ECRRegistry = s },
	func(a *PlatformAddonsArgs, s string) { a.IngressController = IngressController(s) },
	func(a *PlatformAddonsArgs, s string) { a.APISIX.Mode = APISIXMode(s) },
	func(a *PlatformAddonsArgs, s string) { a.ClusterName = pulumi.String(s) },
	func(a *PlatformAddonsArgs, s string) { a.VPCID = pulumi.String(s) },
	func(a *PlatformAddonsArgs, s string) { a.VPCCIDR = pulumi.String(s) },
	func(a *PlatformAddonsArgs, s string) { a.CertificateARN = pulumi.String(s) },
	func(a *PlatformAddonsArgs, s string) { fuzzRoute(a).Name = s },
	func(a *PlatformAddonsArgs, s string) { fuzzRoute(a).Host = s },
	func(a *PlatformAddonsArgs, s string) { fuzzRoute(a).Namespace = s },
	func(a *PlatformAddonsArgs, s string) { fuzzRoute(a).Service = s },
	func(a *PlatformAddonsArgs, s string) { fuzzRoute(a).Path = s },
	func(a *PlatformAddonsArgs, s string) { a.Tags = map[string]string{s: s} },
	func(a *PlatformAddonsArgs, s string) { a.ArgoCD.Values = map[string]any{s: s} },
	func(a *PlatformAddonsArgs, s string) {
		a.Ingress.Values = map[string]any{"controller": map[string]any{s: []any{s, nil}}, "nil": nil}
	},
}

var fuzzInts = []func(a *PlatformAddonsArgs, n int){
	func(a *PlatformAddonsArgs, n int) { a.Ingress.Replicas = n },
	func(a *PlatformAddonsArgs, n int) { a.ArgoCD.Replicas = n },
	func(a *PlatformAddonsArgs, n int) { a.APISIX.Replicas = n },
	func(a *PlatformAddonsArgs, n int) { a.Keycloak.Replicas = n },
	func(a *PlatformAddonsArgs, n int) { a.Keycloak.DatabaseInstances = n },
	func(a *PlatformAddonsArgs, n int) { a.Keycloak.DatabaseStorageGiB = n },
	func(a *PlatformAddonsArgs, n int) { a.Monitoring.RetentionDays = n },
	func(a *PlatformAddonsArgs, n int) { a.Monitoring.StorageGiB = n },
	func(a *PlatformAddonsArgs, n int) { a.Logging.RetentionDays = n },
	func(a *PlatformAddonsArgs, n int) { fuzzRoute(a).Port = n },
}

// fuzzArgs derives Args from the fuzz input: a valid base with one string field and one number
// field replaced, and the structural changes shape asks for. An index past the setters changes
// nothing.
func fuzzArgs(shape uint32, strField uint8, s string, intField uint8, n int64) *PlatformAddonsArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzBase()
	if shape&fuzzZero != 0 {
		a = &PlatformAddonsArgs{}
	}
	if shape&fuzzLong != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if i := int(strField); i < len(fuzzStrings) {
		fuzzStrings[i](a, s)
	}
	if i := int(intField); i < len(fuzzInts) {
		fuzzInts[i](a, int(n))
	}
	if shape&fuzzEmpty != 0 {
		a.Routes, a.Tags = []Route{}, map[string]string{}
		for _, ad := range a.addons() {
			ad.Values = map[string]any{}
		}
	}
	if shape&fuzzNilMaps != 0 {
		a.Routes, a.Tags = nil, nil
		for _, ad := range a.addons() {
			ad.Values = nil
		}
	}
	if shape&fuzzDuplicate != 0 && len(a.Routes) > 0 {
		a.Routes = append(a.Routes, a.Routes[0])
	}
	if shape&fuzzAlternative != 0 {
		a.IngressController, a.APISIX.Mode, a.Protect = IngressTraefik, APISIXEtcd, true
		for _, ad := range a.addons() {
			ad.Values = map[string]any{"replicaCount": 2, "extra": map[string]any{"k": "v"}}
		}
	}
	if shape&fuzzNilInputs != 0 {
		a.ClusterName, a.ClusterARN, a.VPCID, a.CertificateARN, a.VPCCIDR = nil, nil, nil, nil, nil
	}
	off := false
	for i, ad := range a.addons() {
		if shape&(fuzzDisabled<<i) != 0 {
			ad.Enabled = &off
		}
	}
	return a
}

// fuzzRun runs NewPlatformAddons under monitor with an AWS and a Kubernetes provider: it must
// return nil or a one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *PlatformAddonsArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		if args != nil && args.KubernetesProvider == nil {
			args.KubernetesProvider = k8s
		}
		_, err = NewPlatformAddons(ctx, "fuzz", args, pulumi.Provider(p))
		return err
	})
}

// FuzzNewPlatformAddons: whatever the Args, NewPlatformAddons returns nil or an error, in a
// preview and in an update; it never panics.
func FuzzNewPlatformAddons(f *testing.F) {
	f.Add(uint32(0), uint8(255), "", uint8(255), int64(0))                                // the valid base
	f.Add(uint32(fuzzNil), uint8(255), "", uint8(255), int64(0))                          // nil Args
	f.Add(uint32(fuzzZero), uint8(255), "", uint8(255), int64(0))                         // zero Args
	f.Add(uint32(fuzzEmpty|fuzzDuplicate), uint8(14), "ünïcode", uint8(0), int64(3))      // empty slices, a duplicate route, unicode tags
	f.Add(uint32(fuzzNilMaps|fuzzLong), uint8(15), "a", uint8(255), int64(0))             // nil maps, a very long Values key
	f.Add(uint32(fuzzAlternative|0x1fd*fuzzDisabled), uint8(16), "x", uint8(0), int64(2)) // traefik, etcd, every add-on but ingress off
	f.Add(uint32(fuzzNilInputs), uint8(1), "", uint8(9), int64(-1)<<62)                   // nil inputs, empty domain, a negative port
	f.Fuzz(func(t *testing.T, shape uint32, strField uint8, s string, intField uint8, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New("eu-west-1", "111122223333"), dryRun, fuzzArgs(shape, strField, s, intField, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update.
func TestNewPlatformAddonsDegradedOutputs(t *testing.T) {
	for _, mode := range mocks.Modes {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.Degraded{Monitor: mocks.New("eu-west-1", "111122223333"), Mode: mode}, dryRun, fuzzBase())
		}
	}
}
