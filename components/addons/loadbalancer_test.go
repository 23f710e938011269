package addons

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/flowmart/platform/pkg/mocks"
)

func TestLoadBalancerAddress(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := []struct {
		name   string
		status *corev1.ServiceStatus
		want   string
	}{
		{"host name", &corev1.ServiceStatus{LoadBalancer: &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{Hostname: str("k8s-ingress.elb.eu-west-1.amazonaws.com")}}}}, "k8s-ingress.elb.eu-west-1.amazonaws.com"},
		{"host name before IP", &corev1.ServiceStatus{LoadBalancer: &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{Hostname: str("lb.example.com"), Ip: str("192.0.2.10")}}}}, "lb.example.com"},
		{"IP only", &corev1.ServiceStatus{LoadBalancer: &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{Ip: str("192.0.2.10")}}}}, "192.0.2.10"},
		{"empty first entry", &corev1.ServiceStatus{LoadBalancer: &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{Hostname: str("")}, {Hostname: str("lb.example.com")}}}}, "lb.example.com"},
		{"no status", nil, ""},
		{"empty status", &corev1.ServiceStatus{}, ""},
		{"no ingress", &corev1.ServiceStatus{LoadBalancer: &corev1.LoadBalancerStatus{}}, ""},
		{"empty ingress", &corev1.ServiceStatus{LoadBalancer: &corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{}}}}, ""},
	}
	for _, c := range cases {
		got, err := loadBalancerAddress(c.status, ingressServiceName)
		if c.want == "" {
			if err == nil || !strings.Contains(err.Error(), "the Service ingress/ingress-lb has no load balancer address yet") {
				t.Errorf("%s: %q, %v; want the no-address error", c.name, got, err)
			}
			continue
		}
		if got != c.want || err != nil {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

// statuslessServices answers Services without a status, as a Kubernetes API server does before
// the load balancer controller has filled it in (and as plain mocks do).
type statuslessServices struct{ *mocks.Mocks }

func (m statuslessServices) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := m.Mocks.NewResource(args)
	if args.TypeToken == "kubernetes:core/v1:Service" {
		delete(state, "status")
	}
	return id, state, err
}

// A Service without a load balancer address: no panic; in an update the hostname output fails
// with one line naming the Service (so pulumi up stops there rather than pointing a CNAME at an
// empty name), in a preview it stays unknown.
func TestServiceWithoutLoadBalancerStatus(t *testing.T) {
	for _, dryRun := range []bool{true, false} {
		var hostname string
		var known bool
		var outErr error
		err := mocks.Run(t, statuslessServices{mocks.New("eu-west-1", "111122223333")}, dryRun, func(ctx *pulumi.Context) error {
			p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
			if err != nil {
				return err
			}
			k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{})
			if err != nil {
				return err
			}
			a := fuzzBase()
			a.KubernetesProvider = k8s
			c, err := NewPlatformAddons(ctx, "test", a, pulumi.Provider(p))
			if err != nil {
				return err
			}
			r, err := internals.UnsafeAwaitOutput(ctx.Context(), c.LoadBalancerHostname)
			hostname, _ = r.Value.(string)
			known, outErr = r.Known, err
			return nil
		})
		if dryRun {
			if err != nil || outErr != nil || known {
				t.Errorf("preview: err %v, output %q known %v err %v; want no error and an unknown hostname", err, hostname, known, outErr)
			}
			continue
		}
		want := `platform addons "test": the Service ingress/ingress-lb has no load balancer address yet`
		if outErr == nil || !strings.Contains(outErr.Error(), want) || strings.Contains(outErr.Error(), "\n") {
			t.Errorf("update: hostname %q, output error %v; want one line containing %q", hostname, outErr, want)
		}
		// The run stops at the first of the two load balancers without an address.
		public := want
		internal := strings.Replace(want, "ingress-lb", "ingress-internal-lb", 1)
		if err == nil || (!strings.Contains(err.Error(), public) && !strings.Contains(err.Error(), internal)) {
			t.Errorf("update: the run succeeded or failed otherwise (%v); want it to fail with %q or %q", err, public, internal)
		}
	}
}
