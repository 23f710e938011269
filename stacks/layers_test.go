package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	sdkconfig "github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cicd"
	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// layerGet returns the resource of a layer with a type and name, or nil.
func layerGet(doc *preview.Document, layer Layer, typ, name string) *preview.Resource {
	for _, r := range doc.LayerOf(string(layer)) {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// waitsFor reports whether r is created after the resource target: through its dependencies and
// its provider, transitively, where a dependency on a component or a stack is one on everything
// below it (as the engine waits, and the critical path counts).
func waitsFor(doc *preview.Document, r *preview.Resource, target string) bool {
	children := map[string][]string{}
	for _, x := range doc.Resources {
		children[x.Parent] = append(children[x.Parent], x.URN)
	}
	seen := map[string]bool{}
	var visit func(urn string) bool
	visit = func(urn string) bool {
		if urn == target {
			return true
		}
		if seen[urn] {
			return false
		}
		seen[urn] = true
		x := doc.ByURN(urn)
		if x == nil {
			return false
		}
		deps := append([]string(nil), x.Dependencies...)
		if x.Provider != "" {
			deps = append(deps, x.Provider[:strings.LastIndex(x.Provider, "::")])
		}
		if !x.Custom {
			deps = append(deps, children[urn]...)
		}
		for _, d := range deps {
			if visit(d) {
				return true
			}
		}
		return false
	}
	for _, d := range r.Dependencies {
		if visit(d) {
			return true
		}
	}
	return false
}

// offlineOptions are the preview options of a stack's own file.
func offlineOptions(t *testing.T, stack string) preview.Options {
	t.Helper()
	sf, err := preview.LoadStackFile("..", stack, "")
	if err != nil {
		t.Fatal(err)
	}
	values, secretKeys, _ := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
	return preview.Options{Project: sf.Project, Stack: stack, Config: values, SecretKeys: secretKeys}
}

// The services layer reads organization/flowmart-platform/<its own stack>, and only the AWS layer
// of the same run answers it: the values the add-ons get are the AWS layer's outputs.
func TestServicesLayerReadsItsOwnStacksAWSLayer(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		refs := doc.Find(preview.StackReferenceType)
		if len(refs) != 1 {
			t.Fatalf("%s: %d stack references, want 1", env, len(refs))
		}
		ref := refs[0]
		want := "organization/flowmart-platform/" + env
		if ref.Name != want || ref.Inputs["name"] != want || ref.Layer != string(ServicesLayer) || AWSLayerStack(env) != want {
			t.Errorf("%s: the services layer references %q (inputs %v, layer %s), want %q", env, ref.Name, ref.Inputs, ref.Layer, want)
		}
		awsStack := doc.LayerOf(string(AWSLayer))[0]
		if awsStack.Type != "pulumi:pulumi:Stack" || awsStack.URN != "urn:pulumi:"+env+"::flowmart-platform::pulumi:pulumi:Stack::flowmart-platform-"+env {
			t.Fatalf("%s: the AWS layer starts with %s %s", env, awsStack.Type, awsStack.URN)
		}
		if !dependsOn(ref, awsStack.URN) {
			t.Errorf("%s: the reference does not wait for the AWS layer's stack: %v", env, ref.Dependencies)
		}
		if len(doc.Layers) != 2 || doc.Layers[0].Stack != want || doc.Layers[1].Project != "flowmart-platform-services" ||
			len(doc.Layers[1].References) != 1 || doc.Layers[1].References[0] != want || len(doc.Layers[0].References) != 0 {
			t.Errorf("%s: layers summary %+v", env, doc.Layers)
		}
		if n := doc.Layers[0].Resources + doc.Layers[1].Resources; n != len(doc.Resources) {
			t.Errorf("%s: the layers count %d resources, the document has %d", env, n, len(doc.Resources))
		}
		// The wiring: the add-ons' inputs are the AWS layer's outputs, through the reference.
		k8s := layerGet(doc, ServicesLayer, "pulumi:providers:kubernetes", env+"-k8s")
		if k8s == nil || !dependsOn(k8s, ref.URN) {
			t.Fatalf("%s: the services layer's Kubernetes provider does not come from the reference: %+v", env, k8s)
		}
		for _, r := range doc.LayerOf(string(ServicesLayer)) {
			if r.Type == "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.Inputs["clusterName"] != doc.Outputs["clusterName"] {
				t.Errorf("%s: %s is for cluster %v, the AWS layer's is %v", env, r.Name, r.Inputs["clusterName"], doc.Outputs["clusterName"])
			}
		}
		lbc := layerGet(doc, ServicesLayer, "kubernetes:helm.sh/v3:Release", env+"-lbc")
		if lbc == nil || !strings.Contains(string(mustJSON(t, lbc.Inputs)), fmt.Sprint(doc.Outputs["vpcId"])) {
			t.Errorf("%s: the load balancer controller is not given the AWS layer's VPC %v", env, doc.Outputs["vpcId"])
		}
	}
}

// A services layer whose AWS layer lacks an output it needs stops before building anything, on
// one line naming the stack and the output; without any AWS layer, its reference fails.
func TestServicesLayerMissingOutput(t *testing.T) {
	o := offlineOptions(t, "dev")
	aws, err := preview.Run(RunAWS, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range ServicesLayerInputs {
		t.Run(key, func(t *testing.T) {
			outs := aws.StackOutputs()
			if _, ok := outs.Outputs[resource.PropertyKey(key)]; !ok {
				t.Fatalf("the AWS layer does not export %s", key)
			}
			delete(outs.Outputs, resource.PropertyKey(key))
			so := o
			so.Project = config.ServicesProject
			so.StackReferences = map[string]preview.StackOutputs{"organization/flowmart-platform/dev": outs}
			for _, deploy := range []bool{false, true} {
				so.Deploy = deploy
				_, err := preview.Run(RunServices, so)
				want := "stack organization/flowmart-platform/dev has no output " + key + ": deploy the AWS layer first"
				if err == nil || err.Error() != want {
					t.Errorf("deploy=%v: err = %v, want %q", deploy, err, want)
				}
			}
		})
	}
	so := o
	so.Project = config.ServicesProject
	if _, err := preview.Run(RunServices, so); err == nil || !strings.Contains(err.Error(), "organization/flowmart-platform/dev") {
		t.Errorf("without an AWS layer: err = %v", err)
	}
	// an output of another shape (an AWS layer of another program version)
	outs := aws.StackOutputs()
	outs.Outputs["clusterEndpoint"] = resource.NewNumberProperty(443)
	so.StackReferences = map[string]preview.StackOutputs{"organization/flowmart-platform/dev": outs}
	want := "stack organization/flowmart-platform/dev: output clusterEndpoint is a float64, want a string: deploy the AWS layer of this program version first"
	if _, err := preview.Run(RunServices, so); err == nil || err.Error() != want {
		t.Errorf("a number for clusterEndpoint: err = %v, want %q", err, want)
	}
}

// The AWS layer talks to AWS (and Cloudflare) alone: no Kubernetes or Helm resource, provider or
// anything using one, so a GitHub-hosted runner deploys it without reaching the cluster's API.
func TestAWSLayerHasNoKubernetes(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		aws := doc.LayerOf(string(AWSLayer))
		if len(aws) < 100 {
			t.Fatalf("%s: the AWS layer has %d resources", env, len(aws))
		}
		for _, r := range aws {
			pkg := strings.SplitN(r.Type, ":", 2)[0]
			if pkg == "kubernetes" || pkg == "helm" || strings.HasPrefix(r.Type, "pulumi:providers:kubernetes") ||
				strings.HasPrefix(r.Type, "pulumi:providers:helm") || strings.Contains(r.Provider, "pulumi:providers:kubernetes") ||
				r.Type == "flowmart:addons:PlatformAddons" {
				t.Errorf("%s: the AWS layer has %s %s (provider %q)", env, r.Type, r.Name, r.Provider)
			}
			if r.Custom && !strings.HasPrefix(r.Type, "pulumi:") && pkg != "aws" && pkg != "cloudflare" && pkg != "random" && pkg != "tls" {
				t.Errorf("%s: the AWS layer has %s %s of package %s", env, r.Type, r.Name, pkg)
			}
		}
	}
}

// Everything Kubernetes is in the services layer, on its one Kubernetes provider; so are the
// add-ons and the platform hosts' DNS records.
func TestServicesLayerHasEverythingKubernetes(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		k8s := layerGet(doc, ServicesLayer, "pulumi:providers:kubernetes", env+"-k8s")
		if k8s == nil || len(doc.Find("pulumi:providers:kubernetes")) != 1 {
			t.Fatalf("%s: want one Kubernetes provider, in the services layer", env)
		}
		if k8s.URN != "urn:pulumi:"+env+"::flowmart-platform-services::pulumi:providers:kubernetes::"+env+"-k8s" {
			t.Errorf("%s: the Kubernetes provider's URN %s is not the one `pulumi state move` gives the moved provider", env, k8s.URN)
		}
		releases := 0
		for _, r := range doc.Resources {
			if strings.HasPrefix(r.Type, "kubernetes:") {
				if r.Layer != string(ServicesLayer) || !strings.HasPrefix(r.Provider, k8s.URN+"::") {
					t.Errorf("%s: %s %s in layer %s, provider %q", env, r.Type, r.Name, r.Layer, r.Provider)
				}
				if r.Type == "kubernetes:helm.sh/v3:Release" {
					releases++
				}
			}
		}
		pa := layerGet(doc, ServicesLayer, "flowmart:addons:PlatformAddons", env)
		dns := layerGet(doc, ServicesLayer, "flowmart:certificate:DNSRecords", env+"-addons-dns")
		if releases < 5 || pa == nil || dns == nil {
			t.Errorf("%s: services layer has %d releases, add-ons %v, DNS records %v", env, releases, pa != nil, dns != nil)
		}
		if u := "urn:pulumi:" + env + "::flowmart-platform-services::flowmart:addons:PlatformAddons::" + env; pa != nil && pa.URN != u {
			t.Errorf("%s: add-ons URN %s, want %s", env, pa.URN, u)
		}
	}
}

// Both layers use explicit providers only for the packages that reach an API: every aws,
// kubernetes and cloudflare resource names a provider registered in its own layer, and both
// Pulumi.yaml disable those default providers (random, which calls no API, keeps its default).
func TestLayersUseExplicitProvidersOnly(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		for _, r := range doc.Resources {
			switch strings.SplitN(r.Type, ":", 2)[0] {
			case "aws", "kubernetes", "cloudflare":
			default:
				continue
			}
			i := strings.LastIndex(r.Provider, "::")
			if i < 0 {
				t.Errorf("%s: %s %s has no explicit provider", env, r.Type, r.Name)
				continue
			}
			p := doc.ByURN(r.Provider[:i])
			if p == nil || p.Layer != r.Layer || strings.Contains(p.Name, "default") {
				t.Errorf("%s: %s %s (layer %s) uses provider %q", env, r.Type, r.Name, r.Layer, r.Provider)
			}
		}
	}
	for _, file := range []string{"../Pulumi.yaml", "../cluster-services/Pulumi.yaml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "pulumi:disable-default-providers:\n    value: [\"aws\", \"kubernetes\", \"cloudflare\"]") {
			t.Errorf("%s does not disable the default providers", file)
		}
	}
}

// PLATFORM_ASSUME_ROLE_ARN, when set, is the role both layers' aws providers assume; the deploying
// role of config assumeRoleArn keeps its cluster-admin access entry (and so the preview shows no
// delete of it) and the kubeconfig's role.
func TestAssumeRoleFromEnvironment(t *testing.T) {
	const deployRole = "arn:aws:iam::111122223333:role/flowmart-deploy-dev"
	previewRole := "arn:aws:iam::111122223333:role/" + cicd.PreviewRoleName(identityName)
	for _, tc := range []struct{ env, want string }{{"", deployRole}, {previewRole, previewRole}} {
		t.Setenv(AssumeRoleEnv, tc.env)
		doc, _ := previewJSON(t, "dev")
		for _, layer := range Layers {
			p := layerGet(doc, layer, "pulumi:providers:aws", "aws")
			if got := inputPath(p.Inputs, "assumeRole", "roleArn"); got != tc.want {
				t.Errorf("%s=%q: %s layer's provider assumes %v, want %s", AssumeRoleEnv, tc.env, layer, got, tc.want)
			}
		}
		entry := doc.Get("aws:eks/accessEntry:AccessEntry", "dev-access-flowmart-deploy-dev")
		if entry == nil || entry.Inputs["principalArn"] != deployRole {
			t.Errorf("%s=%q: the cluster-admin access entry is %+v, want principal %s", AssumeRoleEnv, tc.env, entry, deployRole)
		}
	}
}

// The services layer's Kubernetes provider gets exactly the kubeconfig the AWS layer's cluster
// exports (the one the single-project program gave its provider): after `pulumi state move` the
// copied provider's inputs do not change, so no Kubernetes resource is replaced.
func TestServicesProviderKubeconfigIsTheClusters(t *testing.T) {
	t.Setenv(AssumeRoleEnv, "") // a deploy: the job's environment names no other role
	for _, env := range envs {
		aws, got := servicesProviderKubeconfig(t, env, true)
		exported := aws.StackOutputs().Outputs["kubeconfig"]
		if !exported.IsSecret() {
			t.Fatalf("%s: the AWS layer's kubeconfig output is not secret", env)
		}
		want := exported.SecretValue().Element.StringValue()
		if got != want || !strings.Contains(want, `"--role-arn","arn:aws:iam::`) {
			t.Errorf("%s: the services layer's provider kubeconfig\n%v\nthe AWS layer's\n%s", env, got, want)
		}
	}
}

// cluster-services/Pulumi.yaml as the CLI loads it (the SDK's own project loader, which checks the
// project schema): project flowmart-platform-services, Go, the default providers disabled, and
// its stack files are the root's, which load as that project's stacks with the AWS layer's keys.
func TestServicesProjectFile(t *testing.T) {
	path, err := filepath.Abs("../cluster-services/Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	proj, err := workspace.LoadProject(path)
	if err != nil {
		t.Fatal(err)
	}
	if proj.Name.String() != config.ServicesProject || proj.Runtime.Name() != "go" || proj.StackConfigDir != ".." {
		t.Errorf("project %s runtime %s stackConfigDir %q", proj.Name, proj.Runtime.Name(), proj.StackConfigDir)
	}
	if _, ok := proj.Config["pulumi:disable-default-providers"]; !ok {
		t.Error("the default providers are not disabled")
	}
	for _, env := range envs {
		stackPath := workspace.ProjectStackPath(path, proj, tokens.QName(env))
		want, _ := filepath.Abs("../Pulumi." + env + ".yaml")
		if filepath.Clean(stackPath) != want {
			t.Errorf("%s: the services layer's stack file is %s, want %s", env, stackPath, want)
		}
		ps, err := workspace.LoadProjectStack(nil, proj, stackPath)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if _, ok := ps.Config[sdkconfig.MustMakeKey(config.Project, "environment")]; !ok {
			t.Errorf("%s: the shared stack file has no %s:environment", env, config.Project)
		}
	}
}

// servicesKubeconfig runs a stack's AWS layer, then its services layer on those outputs, and
// returns the kubeconfig the services layer gives its Kubernetes provider.
func servicesKubeconfig(t *testing.T, env string) string {
	t.Helper()
	_, kc := servicesProviderKubeconfig(t, env, false)
	return kc
}

// servicesProviderKubeconfig is servicesKubeconfig in a preview or (deploy) an update, returning
// the AWS layer's document too.
func servicesProviderKubeconfig(t *testing.T, env string, deploy bool) (*preview.Document, string) {
	t.Helper()
	o := offlineOptions(t, env)
	o.Deploy = deploy
	aws, err := preview.Run(RunAWS, o)
	if err != nil {
		t.Fatal(err)
	}
	var given pulumi.StringPtrInput
	so := o
	so.Project = config.ServicesProject
	so.StackReferences = map[string]preview.StackOutputs{AWSLayerStack(env): aws.StackOutputs()}
	doc, err := preview.Run(func(ctx *pulumi.Context) error {
		err := ctx.RegisterStackTransformation(func(a *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
			if p, ok := a.Props.(*kubernetes.ProviderArgs); ok {
				given = p.Kubeconfig
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := RunServices(ctx); err != nil {
			return err
		}
		ctx.Export("providerKubeconfig", pulumi.Unsecret(given.ToStringPtrOutput()))
		return nil
	}, so)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := doc.Outputs["providerKubeconfig"].(*string)
	if got == nil {
		t.Fatalf("%s: the services layer's Kubernetes provider has no kubeconfig", env)
	}
	return aws, *got
}

// A preview or drift job sets PLATFORM_ASSUME_ROLE_ARN to its own role: the services layer's
// kubeconfig then signs its tokens as that role (the one with a read-only access entry), never as
// the deploy role the job cannot assume; without the variable it is config assumeRoleArn's. Only
// the user's exec arguments change: the clusters and contexts stay the deploy's, so the
// kubernetes provider plans an update of itself, never a replacement of every Kubernetes
// resource (pulumi-kubernetes' DiffConfig replaces "iff the active cluster in the kubeconfig
// changes": pulumi/pulumi-kubernetes provider/pkg/provider/provider.go, DiffConfig).
func TestServicesKubeconfigAssumesTheJobsRole(t *testing.T) {
	clusterPart := func(kc string) string {
		var v map[string]any
		if err := json.Unmarshal([]byte(kc), &v); err != nil {
			t.Fatalf("kubeconfig is not JSON: %v", err)
		}
		b, _ := json.Marshal([]any{v["clusters"], v["contexts"], v["current-context"]})
		return string(b)
	}
	for _, env := range envs {
		sf, err := preview.LoadStackFile("..", env, "")
		if err != nil {
			t.Fatal(err)
		}
		account := sf.Config[config.Project+":"+config.KeyAccountID]
		deployRole := sf.Config[config.Project+":"+config.KeyAssumeRoleARN]
		if deployRole != "arn:aws:iam::"+account+":role/"+cicd.DeployRoleName(identityName, env) {
			t.Fatalf("%s: assumeRoleArn %q is not bootstrap's deploy role", env, deployRole)
		}
		for _, role := range []string{
			"arn:aws:iam::" + account + ":role/" + cicd.PreviewRoleName(identityName),
			"arn:aws:iam::" + account + ":role/" + cicd.DriftRoleName(identityName),
			"", // a deploy
		} {
			t.Setenv(AssumeRoleEnv, "")
			deployClusters := clusterPart(servicesKubeconfig(t, env))
			t.Setenv(AssumeRoleEnv, role)
			want := role
			if role == "" {
				want = deployRole
			}
			kc := servicesKubeconfig(t, env)
			if !strings.Contains(kc, `"--role-arn","`+want+`"`) {
				t.Errorf("%s, %s=%q: the kubeconfig does not assume %s:\n%s", env, AssumeRoleEnv, role, want, kc)
			}
			if got := clusterPart(kc); got != deployClusters || !strings.Contains(got, "https://") {
				t.Errorf("%s, %s=%q: the kubeconfig's clusters changed:\n%s\nthe deploy's\n%s", env, AssumeRoleEnv, role, got, deployClusters)
			}
			if role != "" && strings.Contains(kc, deployRole) {
				t.Errorf("%s, %s=%q: the kubeconfig still names the deploy role %s", env, AssumeRoleEnv, role, deployRole)
			}
		}
	}
}
