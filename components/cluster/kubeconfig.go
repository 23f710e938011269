package cluster

import (
	"encoding/json"
	"regexp"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/known"
)

// execAPIVersion is the client-go credential plugin API of the kubeconfig's exec entry: what `aws
// eks get-token` prints (an ExecCredential of client.authentication.k8s.io/v1beta1).
const execAPIVersion = "client.authentication.k8s.io/v1beta1"

// kubeconfigCredentials are the credentials the kubeconfig's exec plugin signs its token with:
// the ambient ones when both fields are empty.
type kubeconfigCredentials struct {
	RoleARN string // --role-arn of aws eks get-token; none when empty
	Profile string // AWS_PROFILE of the plugin
}

// kubeconfig renders a kubeconfig that authenticates with `aws eks get-token`: no token is stored,
// and the text depends only on the cluster's name, endpoint, CA and region and on the credentials,
// so it never churns.
//
// The plugin's arguments follow the AWS CLI v2 reference of get-token
// (https://docs.aws.amazon.com/cli/latest/reference/eks/get-token.html): --cluster-name names
// the cluster the token is for, --role-arn is the role assumed "for credentials when signing the
// token" (optional: without it, the caller's own credentials sign), and --region and --output are
// global options. The region is always given, so the token is signed for the cluster's region
// whatever the caller's default is. The profile goes in the plugin's environment (AWS_PROFILE)
// rather than as --profile, so the argument list only grows with the role.
func kubeconfig(name, endpoint, ca, region string, creds kubeconfigCredentials) string {
	args := []string{"eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"}
	if creds.RoleARN != "" {
		args = append(args, "--role-arn", creds.RoleARN)
	}
	exec := map[string]any{
		"apiVersion": execAPIVersion,
		"command":    "aws",
		"args":       args,
	}
	if creds.Profile != "" {
		exec["env"] = []any{map[string]any{"name": "AWS_PROFILE", "value": creds.Profile}}
	}
	cfg := map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"current-context": name,
		"clusters": []any{map[string]any{"name": name, "cluster": map[string]any{
			"server": endpoint, "certificate-authority-data": ca,
		}}},
		"contexts": []any{map[string]any{"name": name, "context": map[string]any{"cluster": name, "user": name}}},
		"users":    []any{map[string]any{"name": name, "user": map[string]any{"exec": exec}}},
	}
	b, _ := json.Marshal(cfg) // maps of strings: cannot fail
	return string(b)
}

// KubernetesProviderArgs name the cluster a Kubernetes provider is for and the credentials its
// kubeconfig signs tokens with; the cluster's own outputs (ClusterName, Endpoint,
// CertificateAuthority, ClusterARN), here or read from another stack.
type KubernetesProviderArgs struct {
	ClusterName          pulumi.StringInput
	Endpoint             pulumi.StringInput
	CertificateAuthority pulumi.StringInput
	// ClusterARN gives the region the token is signed for.
	ClusterARN pulumi.StringInput
	// RoleARN and Profile are as ClusterArgs' KubeconfigRoleARN and KubeconfigProfile. Default to
	// the ambient credentials.
	RoleARN pulumi.StringPtrInput
	Profile string
}

// NewKubernetesProvider builds a cluster's secret kubeconfig and a Kubernetes provider named name
// on it (server-side apply on): the kubeconfig and provider Cluster builds for itself, for a
// program that gets the cluster from elsewhere (a StackReference to the program that created it,
// with SkipKubernetesProvider there). The kubeconfig text depends only on its inputs, so two
// programs given the same outputs build the same provider.
func NewKubernetesProvider(ctx *pulumi.Context, name string, args KubernetesProviderArgs, opts ...pulumi.ResourceOption) (*kubernetes.Provider, pulumi.StringOutput, error) {
	kc := kubeconfigOutput(args)
	p, err := kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{
		Kubeconfig:            kc,
		EnableServerSideApply: pulumi.Bool(true),
	}, opts...)
	return p, kc, err
}

// kubeconfigOutput is the secret kubeconfig of args.
func kubeconfigOutput(args KubernetesProviderArgs) pulumi.StringOutput {
	inputs := []any{args.ClusterName, args.Endpoint, args.CertificateAuthority, args.ClusterARN}
	if args.RoleARN != nil {
		inputs = append(inputs, args.RoleARN.ToStringPtrOutput())
	}
	profile := args.Profile
	return pulumi.ToSecret(pulumi.All(inputs...).ApplyT(func(v []any) string {
		creds := kubeconfigCredentials{Profile: profile}
		if len(v) > 4 {
			if r, ok := v[4].(*string); ok && r != nil {
				creds.RoleARN = *r
			}
		}
		return kubeconfig(v[0].(string), v[1].(string), v[2].(string), arn.Region(v[3].(string)), creds)
	})).(pulumi.StringOutput)
}

// kubernetesProvider builds the secret kubeconfig and, unless SkipKubernetesProvider, a
// Kubernetes provider on it, so the provider and kubectl authenticate with the same credentials
// (KubeconfigRoleARN, KubeconfigProfile). The region comes from the cluster's ARN.
func (c *Cluster) kubernetesProvider(ctx *pulumi.Context) error {
	cl := c.EKSCluster
	args := KubernetesProviderArgs{
		ClusterName: cl.Name, Endpoint: cl.Endpoint, CertificateAuthority: cl.CertificateAuthority.Data().Elem(),
		ClusterARN: cl.Arn, RoleARN: c.args.KubeconfigRoleARN, Profile: c.args.KubeconfigProfile,
	}
	if c.args.SkipKubernetesProvider {
		c.Kubeconfig = kubeconfigOutput(args)
		return nil
	}
	p, kc, err := NewKubernetesProvider(ctx, c.name+"-k8s", args, append(c.opts, pulumi.DependsOn(c.nodes))...)
	c.Provider, c.Kubeconfig = p, kc
	return err
}

// roleARNRe is an IAM role ARN: a partition, no region, a 12-digit account, an optional path
// (segments of printable ASCII) and a role name of at most 64 of IAM's name characters.
var roleARNRe = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/([\x21-\x2E\x30-\x7E]+/)*[A-Za-z0-9+=,.@_-]{1,64}$`)

// profileRe is an AWS CLI profile name as the kubeconfig's environment carries it.
var profileRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+@-]{0,63}$`)

// validateKubeconfig checks the kubeconfig's credentials: the role ARN when it is a plain value
// (an output is only known at deploy time; an empty one means no role), and the profile name.
func (a ClusterArgs) validateKubeconfig() error {
	if role, ok := known.StringPtr(a.KubeconfigRoleARN); ok && role != "" && !roleARNRe.MatchString(role) {
		return fielderr.New("KubeconfigRoleARN", "%q is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<path/>name)", role)
	}
	if a.KubeconfigProfile != "" && !profileRe.MatchString(a.KubeconfigProfile) {
		return fielderr.New("KubeconfigProfile", "%q is not a profile name (up to 64 letters, digits and _ . + @ -, starting with a letter or digit)", a.KubeconfigProfile)
	}
	return nil
}
