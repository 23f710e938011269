package infra_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/certificate"
	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/components/registry"
	"github.com/flowmart/platform/pkg/fielderr"

	"example.com/acme/platform/infra"
)

// awsProvider is the program's provider alone, for tests that call one constructor.
func awsProvider(ctx *pulumi.Context) (pulumi.ResourceOption, error) {
	p, err := aws.NewProvider(ctx, "acme-prod-aws", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
	return pulumi.Provider(p), err
}

// Stand-ins for the inputs one component takes from another.
var (
	vpcID    = pulumi.String("vpc-0123456789abcdef0")
	subnets  = pulumi.StringArray{pulumi.String("subnet-0123456789abcdef0")}
	nodeRole = pulumi.String("arn:aws:iam::210987654321:role/acme-prod-nodes")
)

// One mistake per component, as a consumer would make it in its environment: Validate on the
// component's Args names the field and says what is allowed, in one line; the constructor refuses
// the same Args with the same line, before registering anything; and the program's up-front
// Environment.Validate stops before the first resource.
func TestOneBadArgsPerComponent(t *testing.T) {
	cases := []struct {
		component string
		mutate    func(*infra.Environment)
		validate  func(infra.Environment) error
		construct func(*pulumi.Context, infra.Environment) error
		typ       string // the component's type token
		path      string // the field Validate names
		msg       string // the start of what it says
	}{
		{
			component: "network",
			mutate:    func(e *infra.Environment) { e.AvailabilityZones = []string{"us-east-1a", "us-west-2b"} },
			validate:  func(e infra.Environment) error { return infra.NetworkArgs(e).Validate() },
			construct: func(ctx *pulumi.Context, e infra.Environment) error {
				onAWS, err := awsProvider(ctx)
				if err == nil {
					_, err = network.NewNetwork(ctx, e.Name, infra.NetworkArgs(e), onAWS)
				}
				return err
			},
			typ:  "flowmart:network:Network",
			path: "AvailabilityZones",
			msg:  `"us-west-2b" is not a zone of region us-east-1`,
		},
		{
			component: "cluster",
			mutate:    func(e *infra.Environment) { e.NodeReleaseVersion = "1.32.9-20261015" },
			validate: func(e infra.Environment) error {
				return infra.ClusterArgs(e, vpcID, pulumi.String(e.VPCCIDR), subnets).Validate()
			},
			construct: func(ctx *pulumi.Context, e infra.Environment) error {
				onAWS, err := awsProvider(ctx)
				if err == nil {
					_, err = cluster.NewCluster(ctx, e.Name, infra.ClusterArgs(e, vpcID, pulumi.String(e.VPCCIDR), subnets), onAWS)
				}
				return err
			},
			typ:  "flowmart:cluster:Cluster",
			path: "NodeGroups[0].ReleaseVersion",
			msg:  `"1.32.9-20261015"`,
		},
		{
			component: "registry",
			mutate:    func(e *infra.Environment) { e.Repositories = []string{"web", "Billing"} },
			validate:  func(e infra.Environment) error { return infra.RegistryArgs(e, nodeRole).Validate() },
			construct: func(ctx *pulumi.Context, e infra.Environment) error {
				onAWS, err := awsProvider(ctx)
				if err == nil {
					_, err = registry.NewRegistry(ctx, e.Name, infra.RegistryArgs(e, nodeRole), onAWS)
				}
				return err
			},
			typ:  "flowmart:registry:Registry",
			path: "Repositories[1].Name",
			msg:  `"acme/Billing"`,
		},
		{
			component: "certificate",
			mutate:    func(e *infra.Environment) { e.Domain = "https://acme.example.com" },
			validate:  func(e infra.Environment) error { return infra.CertificateArgs(e).Validate() },
			construct: func(ctx *pulumi.Context, e infra.Environment) error {
				onAWS, err := aws.NewProvider(ctx, "acme-prod-aws", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
				if err != nil {
					return err
				}
				cf, err := cloudflare.NewProvider(ctx, "acme-prod-cloudflare", &cloudflare.ProviderArgs{ApiToken: pulumi.String("t")})
				if err == nil {
					_, err = certificate.NewCertificate(ctx, e.Name, infra.CertificateArgs(e), pulumi.Providers(onAWS, cf))
				}
				return err
			},
			typ:  "flowmart:certificate:Certificate",
			path: "Domain",
			msg:  `"https://acme.example.com"`,
		},
	}
	for _, c := range cases {
		t.Run(c.component, func(t *testing.T) {
			good := testEnv()
			if err := c.validate(good); err != nil {
				t.Fatalf("the environment's own Args: %v", err)
			}
			env := testEnv()
			c.mutate(&env)

			// 1. Validate on the Args: a *fielderr.Error with the field's path.
			err := c.validate(env)
			var fe *fielderr.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Validate: %v (%T), want a *fielderr.Error", err, err)
			}
			path, msg, _ := fielderr.Split(err)
			if path != c.path || !strings.HasPrefix(msg, c.msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Validate: path %q, message %q; want path %q, a message starting %q, one line", path, msg, c.path, c.msg)
			}
			t.Logf("Validate: %v", err)
			line := c.component + ` "acme-prod": ` + err.Error()

			// 2. The constructor: the same line, nothing of the component registered.
			rs, cerr := run(t, func(ctx *pulumi.Context) error { return c.construct(ctx, env) }, true)
			if cerr == nil || !strings.Contains(cerr.Error(), line) {
				t.Errorf("constructor: %v, want %q", cerr, line)
			}
			if n := len(ofType(rs, c.typ)); n != 0 {
				t.Errorf("%d %s registered with bad Args", n, c.typ)
			}

			// 3. The whole program: the same line from Environment.Validate, nothing registered.
			rs, perr := run(t, infra.Program(env), true)
			if perr == nil || !strings.Contains(perr.Error(), line) {
				t.Errorf("program: %v, want %q", perr, line)
			}
			if len(rs) != 0 {
				t.Errorf("%d resources registered before the error, want none", len(rs))
			}
		})
	}
}

func TestProductionValidates(t *testing.T) {
	if err := testEnv().Validate(); err != nil {
		t.Fatal(err)
	}
}
