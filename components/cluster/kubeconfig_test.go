package cluster

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/flowmart/platform/pkg/preview"
)

// kubeconfigFile is the part of a kubeconfig kubectl and the Kubernetes provider read; decoding
// refuses any other field.
type kubeconfigFile struct {
	APIVersion     string `yaml:"apiVersion"`
	Kind           string `yaml:"kind"`
	CurrentContext string `yaml:"current-context"`
	Clusters       []struct {
		Name    string `yaml:"name"`
		Cluster struct {
			Server                   string `yaml:"server"`
			CertificateAuthorityData string `yaml:"certificate-authority-data"`
		} `yaml:"cluster"`
	} `yaml:"clusters"`
	Contexts []struct {
		Name    string `yaml:"name"`
		Context struct {
			Cluster string `yaml:"cluster"`
			User    string `yaml:"user"`
		} `yaml:"context"`
	} `yaml:"contexts"`
	Users []struct {
		Name string `yaml:"name"`
		User struct {
			Exec struct {
				APIVersion string   `yaml:"apiVersion"`
				Command    string   `yaml:"command"`
				Args       []string `yaml:"args"`
				Env        []struct {
					Name  string `yaml:"name"`
					Value string `yaml:"value"`
				} `yaml:"env"`
			} `yaml:"exec"`
		} `yaml:"user"`
	} `yaml:"users"`
}

// kubeconfigRun is what a program with one Cluster gives: its outputs in plain text, the
// kubeconfig as the Kubernetes provider received it, and whether the kubeconfig output is secret.
type kubeconfigRun struct {
	kubeconfig, provider           string
	secret                         bool
	name, endpoint, ca, clusterARN string
	nodeRoleName, nodeRoleARN      string
	nodeRoleARNs                   []string
	doc                            *preview.Document
}

func runCluster(t *testing.T, args *ClusterArgs, deploy bool) kubeconfigRun {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		// the Kubernetes provider's own kubeconfig input, as the component passes it
		var given pulumi.StringPtrInput
		err := ctx.RegisterStackTransformation(func(a *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
			if p, ok := a.Props.(*kubernetes.ProviderArgs); ok && a.Type == "pulumi:providers:kubernetes" {
				given = p.Kubeconfig
			}
			return nil
		})
		if err != nil {
			return err
		}
		c, err := NewCluster(ctx, "prod", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", c.Kubeconfig)
		ctx.Export("kubeconfigText", pulumi.Unsecret(c.Kubeconfig))
		if given != nil {
			ctx.Export("providerKubeconfig", pulumi.Unsecret(given.ToStringPtrOutput()))
		}
		ctx.Export("clusterName", c.ClusterName)
		ctx.Export("endpoint", c.Endpoint)
		ctx.Export("certificateAuthority", c.CertificateAuthority)
		ctx.Export("clusterArn", c.EKSCluster.Arn)
		ctx.Export("nodeRoleName", c.NodeRoleName)
		ctx.Export("nodeRoleArn", c.NodeRoleARN)
		ctx.Export("nodeRoleArns", c.NodeRoleARNs)
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	str := func(k string) string {
		if p, ok := doc.Outputs[k].(*string); ok && p != nil { // a StringPtrOutput
			doc.Outputs[k] = *p
		}
		s, ok := doc.Outputs[k].(string)
		if !ok || s == preview.Unknown || s == preview.Secret {
			t.Fatalf("output %s = %v, want a known plain string", k, doc.Outputs[k])
		}
		return s
	}
	arns, ok := doc.Outputs["nodeRoleArns"].([]string)
	if !ok {
		t.Fatalf("nodeRoleArns = %#v", doc.Outputs["nodeRoleArns"])
	}
	providerKubeconfig := "" // none with SkipKubernetesProvider
	if _, ok := doc.Outputs["providerKubeconfig"]; ok {
		providerKubeconfig = str("providerKubeconfig")
	}
	return kubeconfigRun{
		kubeconfig: str("kubeconfigText"), provider: providerKubeconfig, secret: doc.Outputs["kubeconfig"] == preview.Secret,
		name: str("clusterName"), endpoint: str("endpoint"), ca: str("certificateAuthority"), clusterARN: str("clusterArn"),
		nodeRoleName: str("nodeRoleName"), nodeRoleARN: str("nodeRoleArn"), nodeRoleARNs: arns, doc: doc,
	}
}

func parseKubeconfig(t *testing.T, text string) kubeconfigFile {
	t.Helper()
	var k kubeconfigFile
	dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	dec.KnownFields(true)
	if err := dec.Decode(&k); err != nil {
		t.Fatalf("kubeconfig is not a kubeconfig: %v\n%s", err, text)
	}
	return k
}

// getTokenFlags checks the exec arguments are `eks get-token` followed by flag-value pairs, each
// flag once, and returns the flags.
func getTokenFlags(t *testing.T, args []string) map[string]string {
	t.Helper()
	if len(args) < 2 || args[0] != "eks" || args[1] != "get-token" || len(args)%2 != 0 {
		t.Fatalf("exec args %q are not `eks get-token` with flag-value pairs", args)
	}
	flags := map[string]string{}
	for i := 2; i < len(args); i += 2 {
		f, v := args[i], args[i+1]
		if !strings.HasPrefix(f, "--") || strings.HasPrefix(v, "--") {
			t.Fatalf("exec args %q: %q %q is not a flag and its value", args, f, v)
		}
		if _, twice := flags[f]; twice {
			t.Fatalf("exec args %q give %s twice", args, f)
		}
		flags[f] = v
	}
	return flags
}

// The kubeconfig, read as kubectl reads it: the current context leads to the cluster's endpoint
// and CA and to a user that runs `aws eks get-token` for this cluster in its region, with
// --role-arn only when KubeconfigRoleARN is set and AWS_PROFILE only when KubeconfigProfile is;
// the output is secret and the Kubernetes provider gets the very same text.
func TestKubeconfigAuthenticatesAsConfigured(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/platform/deploy"
	cases := []struct {
		name    string
		roleARN pulumi.StringPtrInput
		profile string
		want    kubeconfigCredentials
	}{
		{"ambient", nil, "", kubeconfigCredentials{}},
		{"role", pulumi.String(role), "", kubeconfigCredentials{RoleARN: role}},
		{"role output", pulumi.String(role).ToStringOutput().ApplyT(func(s string) *string { return &s }).(pulumi.StringPtrOutput), "", kubeconfigCredentials{RoleARN: role}},
		{"empty role", pulumi.StringPtr(""), "", kubeconfigCredentials{}},
		{"profile", nil, "flowmart-prod", kubeconfigCredentials{Profile: "flowmart-prod"}},
		{"role and profile", pulumi.StringPtr(role), "flowmart-prod", kubeconfigCredentials{RoleARN: role, Profile: "flowmart-prod"}},
	}
	for _, c := range cases {
		for _, deploy := range []bool{false, true} {
			args := baseArgs()
			args.KubeconfigRoleARN, args.KubeconfigProfile = c.roleARN, c.profile
			r := runCluster(t, args, deploy)
			if !r.secret {
				t.Errorf("%s: the kubeconfig output is not secret", c.name)
			}
			if r.provider != r.kubeconfig {
				t.Errorf("%s: the Kubernetes provider's kubeconfig differs from the output:\n%s\n%s", c.name, r.provider, r.kubeconfig)
			}
			k := parseKubeconfig(t, r.kubeconfig)
			if k.APIVersion != "v1" || k.Kind != "Config" || len(k.Clusters) != 1 || len(k.Contexts) != 1 || len(k.Users) != 1 {
				t.Fatalf("%s: kubeconfig %+v", c.name, k)
			}
			ctxt := k.Contexts[0]
			if ctxt.Name != k.CurrentContext || ctxt.Context.Cluster != k.Clusters[0].Name || ctxt.Context.User != k.Users[0].Name {
				t.Errorf("%s: current context %q does not lead to the cluster and user: %+v", c.name, k.CurrentContext, k)
			}
			if cl := k.Clusters[0].Cluster; cl.Server != r.endpoint || cl.CertificateAuthorityData != r.ca {
				t.Errorf("%s: server %q CA %q, want the cluster's endpoint %q and CA %q", c.name, cl.Server, cl.CertificateAuthorityData, r.endpoint, r.ca)
			}
			exec := k.Users[0].User.Exec
			if exec.APIVersion != "client.authentication.k8s.io/v1beta1" || exec.Command != "aws" {
				t.Errorf("%s: exec %q %q", c.name, exec.APIVersion, exec.Command)
			}
			flags := getTokenFlags(t, exec.Args)
			want := map[string]string{"--cluster-name": r.name, "--region": "eu-west-1", "--output": "json"} // the region the program runs in (preview.Options above)
			if c.want.RoleARN != "" {
				want["--role-arn"] = c.want.RoleARN
			}
			if want["--region"] != "eu-west-1" || len(flags) != len(want) {
				t.Errorf("%s: flags %v, want %v", c.name, flags, want)
			}
			for f, v := range want {
				if flags[f] != v {
					t.Errorf("%s: %s = %q, want %q (args %q)", c.name, f, flags[f], v, exec.Args)
				}
			}
			var env []string
			for _, e := range exec.Env {
				env = append(env, e.Name+"="+e.Value)
			}
			var wantEnv []string
			if c.want.Profile != "" {
				wantEnv = []string{"AWS_PROFILE=" + c.want.Profile}
			}
			if !slices.Equal(env, wantEnv) {
				t.Errorf("%s: exec env %q, want %q", c.name, env, wantEnv)
			}
		}
	}
}

// The kubeconfig depends on the cluster and the credentials only: inputs that leave both alone
// leave it as it is, so the Kubernetes provider never sees a change it would act on.
func TestKubeconfigIgnoresUnrelatedInputs(t *testing.T) {
	base := runCluster(t, baseArgs(), true).kubeconfig
	unrelated := map[string]func(*ClusterArgs){
		"tags":          func(a *ClusterArgs) { a.Tags = map[string]string{"Team": "platform"} },
		"node groups":   func(a *ClusterArgs) { a.NodeGroups = append(a.NodeGroups, selfGroup()) },
		"log retention": func(a *ClusterArgs) { a.LogRetentionDays = 400 },
		"irsa":          func(a *ClusterArgs) { a.EnableIRSA = true },
		"access entries": func(a *ClusterArgs) {
			a.AccessEntries = []AccessEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/team"}}
		},
	}
	for name, mutate := range unrelated {
		a := baseArgs()
		mutate(a)
		if got := runCluster(t, a, true).kubeconfig; got != base {
			t.Errorf("%s changes the kubeconfig:\n%s\n%s", name, base, got)
		}
	}
	a := baseArgs()
	a.KubeconfigProfile = "flowmart-prod"
	if runCluster(t, a, true).kubeconfig == base {
		t.Error("the profile does not reach the kubeconfig")
	}
}

func TestValidateKubeconfigCredentials(t *testing.T) {
	bad := []struct {
		name   string
		mutate func(*ClusterArgs)
		want   string
	}{
		{"user arn", func(a *ClusterArgs) { a.KubeconfigRoleARN = pulumi.String("arn:aws:iam::111122223333:user/deploy") },
			`KubeconfigRoleARN: "arn:aws:iam::111122223333:user/deploy" is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<path/>name)`},
		{"short account", func(a *ClusterArgs) { a.KubeconfigRoleARN = pulumi.StringPtr("arn:aws:iam::1111:role/deploy") }, `KubeconfigRoleARN: "arn:aws:iam::1111:role/deploy"`},
		{"region given", func(a *ClusterArgs) {
			a.KubeconfigRoleARN = pulumi.String("arn:aws:iam:eu-west-1:111122223333:role/deploy")
		}, "is not an IAM role ARN"},
		{"no name", func(a *ClusterArgs) { a.KubeconfigRoleARN = pulumi.String("arn:aws:iam::111122223333:role/") }, "is not an IAM role ARN"},
		{"name", func(a *ClusterArgs) { a.KubeconfigRoleARN = pulumi.String("deploy") }, `KubeconfigRoleARN: "deploy"`},
		{"space in name", func(a *ClusterArgs) { a.KubeconfigRoleARN = pulumi.String("arn:aws:iam::111122223333:role/de ploy") }, "is not an IAM role ARN"},
		{"profile space", func(a *ClusterArgs) { a.KubeconfigProfile = "flowmart prod" },
			`KubeconfigProfile: "flowmart prod" is not a profile name (up to 64 letters, digits and _ . + @ -, starting with a letter or digit)`},
		{"profile dash", func(a *ClusterArgs) { a.KubeconfigProfile = "-prod" }, `KubeconfigProfile: "-prod"`},
		{"profile shell", func(a *ClusterArgs) { a.KubeconfigProfile = "$(id)" }, `KubeconfigProfile: "$(id)"`},
	}
	for _, c := range bad {
		a := baseArgs()
		c.mutate(a)
		if err := a.withDefaults().validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: validate() = %v, want %q", c.name, err, c.want)
		}
	}
	good := map[string]func(*ClusterArgs){
		"role": func(a *ClusterArgs) { a.KubeconfigRoleARN = pulumi.String("arn:aws:iam::111122223333:role/deploy") },
		"role with path": func(a *ClusterArgs) {
			a.KubeconfigRoleARN = pulumi.String("arn:aws:iam::111122223333:role/platform/ci/deploy+x=y,z.@_-")
		},
		"gov partition": func(a *ClusterArgs) {
			a.KubeconfigRoleARN = pulumi.StringPtr("arn:aws-us-gov:iam::111122223333:role/deploy")
		},
		"empty role": func(a *ClusterArgs) { a.KubeconfigRoleARN = pulumi.StringPtr("") },
		// an output is only known at deploy time: not checked here
		"role output": func(a *ClusterArgs) { a.KubeconfigRoleARN = pulumi.String("not known yet").ToStringPtrOutput() },
		"profile":     func(a *ClusterArgs) { a.KubeconfigProfile = "flowmart_prod.admin@sso+1" },
	}
	for name, mutate := range good {
		a := baseArgs()
		mutate(a)
		if err := a.withDefaults().validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The node groups share the node role, and the component exports it by name and ARN: what an
// importer attaches a policy to is the role every node runs with.
func TestNodeRoleOutputs(t *testing.T) {
	args := baseArgs()
	args.NodeGroups = []NodeGroup{managedGroup(), selfGroup()}
	for _, deploy := range []bool{false, true} {
		r := runCluster(t, args, deploy)
		role := r.doc.Get("aws:iam/role:Role", "prod-nodes")
		if role == nil {
			t.Fatal("no node role prod-nodes")
		}
		if !strings.HasPrefix(r.nodeRoleName, "prod-nodes") || r.nodeRoleARN != "arn:aws:iam::111122223333:role/"+r.nodeRoleName {
			t.Errorf("node role outputs %q %q", r.nodeRoleName, r.nodeRoleARN)
		}
		if len(r.nodeRoleARNs) != 1 || r.nodeRoleARNs[0] != r.nodeRoleARN {
			t.Errorf("nodeRoleArns %v, want [%s]", r.nodeRoleARNs, r.nodeRoleARN)
		}
		groups := r.doc.Find("aws:eks/nodeGroup:NodeGroup")
		if len(groups) != 1 {
			t.Fatalf("%d managed groups", len(groups))
		}
		for _, g := range groups {
			if g.Inputs["nodeRoleArn"] != r.nodeRoleARN {
				t.Errorf("managed group %s runs as %v, not the exported role %s", g.Name, g.Inputs["nodeRoleArn"], r.nodeRoleARN)
			}
		}
		profiles := r.doc.Find("aws:iam/instanceProfile:InstanceProfile")
		if len(profiles) != 1 {
			t.Fatalf("%d instance profiles", len(profiles))
		}
		for _, p := range profiles {
			if p.Inputs["role"] != r.nodeRoleName {
				t.Errorf("self-managed profile %s holds %v, not the exported role %s", p.Name, p.Inputs["role"], r.nodeRoleName)
			}
		}
		if e := r.doc.Get("aws:eks/accessEntry:AccessEntry", "prod-access-nodes"); e == nil || e.Inputs["principalArn"] != r.nodeRoleARN {
			t.Errorf("self-managed nodes join as %v, not the exported role", e)
		}
		// the policies attached by the component are on that same role
		for _, a := range r.doc.Find("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
			if strings.HasPrefix(a.Name, "prod-nodes-") && a.Inputs["role"] != r.nodeRoleName {
				t.Errorf("%s is attached to %v", a.Name, a.Inputs["role"])
			}
		}
	}
}
