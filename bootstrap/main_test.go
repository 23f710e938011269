package main

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"gopkg.in/yaml.v3"

	"github.com/flowmart/platform/components/cicd"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks"
)

var accounts = map[string]string{"dev": "111122223333", "staging": "444455556666", "production": "777788889999"}

// runStack runs the program with a stack file's configuration, optionally changed, under the mocks.
func runStack(t *testing.T, stack string, deploy bool, change map[string]string) (*preview.Document, error) {
	t.Helper()
	sf, err := preview.LoadStackFile(".", stack, "")
	if err != nil {
		t.Fatal(err)
	}
	values := maps.Clone(sf.Config)
	for k, v := range change {
		if v == "" {
			delete(values, project+":"+k)
			continue
		}
		values[project+":"+k] = v
	}
	return preview.Run(run, preview.Options{Project: sf.Project, Stack: stack, Config: values, SecretKeys: sf.SecretKeys, Deploy: deploy})
}

func parsePolicy(t *testing.T, r *preview.Resource) iampolicy.Document {
	t.Helper()
	if r == nil {
		t.Fatal("no such resource")
	}
	var d iampolicy.Document
	if err := json.Unmarshal([]byte(r.Inputs["policy"].(string)), &d); err != nil {
		t.Fatalf("%s: %v", r.Name, err)
	}
	return d
}

func TestEveryStackFile(t *testing.T) {
	for stack, account := range accounts {
		for _, deploy := range []bool{false, true} {
			doc, err := runStack(t, stack, deploy, nil)
			if err != nil {
				t.Fatalf("%s: %v", stack, err)
			}
			bucketName := "flowmart-pulumi-state-" + account + "-eu-west-1"

			bucket := doc.Get("aws:s3/bucketV2:BucketV2", "flowmart-state")
			if bucket == nil || bucket.Inputs["bucket"] != bucketName || bucket.Inputs["forceDestroy"] != false || !bucket.Protect {
				t.Fatalf("%s: bucket %+v", stack, bucket)
			}
			key := doc.Get("aws:kms/key:Key", "flowmart-state-key")
			if key == nil || key.Inputs["enableKeyRotation"] != true || !key.Protect {
				t.Fatalf("%s: key %+v", stack, key)
			}
			if a := doc.Get("aws:kms/alias:Alias", "flowmart-state-key"); a == nil || a.Inputs["name"] != "alias/flowmart-pulumi-state" {
				t.Errorf("%s: alias %+v", stack, a)
			}
			versioning := doc.Get("aws:s3/bucketVersioningV2:BucketVersioningV2", "flowmart-state")
			if versioning == nil || versioning.Inputs["bucket"] != bucketName || versioning.Inputs["versioningConfiguration"].(map[string]any)["status"] != "Enabled" {
				t.Errorf("%s: versioning %+v", stack, versioning)
			}
			sse := doc.Get("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "flowmart-state")
			rule := sse.Inputs["rules"].([]any)[0].(map[string]any)
			byDefault := rule["applyServerSideEncryptionByDefault"].(map[string]any)
			if byDefault["sseAlgorithm"] != "aws:kms" || byDefault["kmsMasterKeyId"] != doc.Outputs["stateKmsKeyArn"] || rule["bucketKeyEnabled"] != true ||
				!slices.Contains(sse.Dependencies, key.URN) {
				t.Errorf("%s: encryption %+v", stack, sse.Inputs)
			}
			pab := doc.Get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "flowmart-state")
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if pab.Inputs[k] != true {
					t.Errorf("%s: public access block %s = %v", stack, k, pab.Inputs[k])
				}
			}
			if o := doc.Get("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "flowmart-state"); o.Inputs["rule"].(map[string]any)["objectOwnership"] != "BucketOwnerEnforced" {
				t.Errorf("%s: ownership %+v", stack, o.Inputs)
			}
			lc := doc.Get("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "flowmart-state").Inputs["rules"].([]any)[0].(map[string]any)
			if lc["noncurrentVersionExpiration"].(map[string]any)["noncurrentDays"] != 90.0 || lc["status"] != "Enabled" {
				t.Errorf("%s: lifecycle %+v", stack, lc)
			}

			// The bucket policy denies non-TLS access to the same bucket the deploy role may write.
			bp := doc.Get("aws:s3/bucketPolicy:BucketPolicy", "flowmart-state")
			if !slices.Contains(bp.Dependencies, pab.URN) {
				t.Errorf("%s: bucket policy does not wait for the public access block", stack)
			}
			tls := parsePolicy(t, bp)
			deployState := parsePolicy(t, doc.Get("aws:iam/policy:Policy", "flowmart-deploy-"+stack+"-state"))
			bucketARN := deployState.Statement[0].Resource[0]
			if len(tls.Statement) != 2 || !slices.Equal(tls.Statement[0].Resource, []string{bucketARN, bucketARN + "/*"}) || tls.Statement[0].Effect != "Deny" ||
				tls.Statement[0].Condition["Bool"].(map[string]any)["aws:SecureTransport"] != "false" {
				t.Errorf("%s: TLS policy %+v (bucket %s)", stack, tls, bucketARN)
			}
			if deployState.Statement[2].Resource[0] != doc.Outputs["stateKmsKeyArn"] {
				t.Errorf("%s: the deploy role decrypts %v, not the state key %v", stack, deployState.Statement[2].Resource, doc.Outputs["stateKmsKeyArn"])
			}

			// One explicit provider for everything, and the identity under it.
			for _, r := range doc.Resources {
				if r.Custom && r.Type != "pulumi:providers:aws" && !strings.Contains(r.Provider, "pulumi:providers:aws::aws::") {
					t.Errorf("%s: %s %s does not use the explicit provider (%q)", stack, r.Type, r.Name, r.Provider)
				}
			}
			role := doc.Get("aws:iam/role:Role", cicd.DeployRoleName("flowmart", stack))
			if role == nil || !role.Protect || doc.Get("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "flowmart-github-oidc") == nil {
				t.Fatalf("%s: deploy role %+v", stack, role)
			}

			wantBackend := "s3://" + bucketName + "?region=eu-west-1&awssdk=v2"
			if doc.Outputs["backendUrl"] != wantBackend || doc.Outputs["stateBucket"] != bucketName {
				t.Errorf("%s: outputs %v", stack, doc.Outputs)
			}
			if arns := doc.Outputs["deployRoleArns"].(map[string]string); arns[stack] != "arn:aws:iam::"+account+":role/flowmart-deploy-"+stack {
				t.Errorf("%s: deploy role ARNs %v", stack, arns)
			}
			if arns := doc.Outputs["ciPushRoleArns"].(map[string]string); arns[stack] != "arn:aws:iam::"+account+":role/"+cicd.CIPushRoleName("flowmart", stack) {
				t.Errorf("%s: CI push role ARNs %v", stack, arns)
			}

			doc.EvaluatePolicy(policy.Context{Environment: policy.Production})
			for _, v := range doc.Violations {
				t.Errorf("%s: %s %s: %s", stack, v.Policy, v.Resource, v.Message)
			}
		}
	}
}

// The platform stack files name, as the role their AWS provider assumes, the deploy role this
// program creates in the same account.
func TestPlatformStacksAssumeTheDeployRole(t *testing.T) {
	for stack, account := range accounts {
		sf, err := preview.LoadStackFile("..", stack, "")
		if err != nil {
			t.Fatal(err)
		}
		got, ok := sf.Config["flowmart-platform:assumeRoleArn"]
		if !ok {
			continue // ambient credentials: the workflow's OIDC role is used as is
		}
		if want := "arn:aws:iam::" + account + ":role/" + cicd.DeployRoleName(defaultNamePrefix, stack); got != want {
			t.Errorf("Pulumi.%s.yaml: assumeRoleArn %s, but the bootstrap creates %s", stack, got, want)
		}
		if sf.Config["flowmart-platform:accountId"] != account {
			t.Errorf("Pulumi.%s.yaml: account %s, bootstrap/Pulumi.%s.yaml: %s", stack, sf.Config["flowmart-platform:accountId"], stack, account)
		}
	}
}

// Every stack file, the platform's and the bootstrap's, names its environment's KMS secrets
// provider, the very URL this program exports for that account (the key it creates behind
// alias/flowmart-secrets-<stack>); no file holds a passphrase's encryptionsalt or an encrypted
// (secure:) value, which only the old passphrase could read. The raw YAML is read, so a line
// the workspace loader ignores is caught too.
func TestStackFilesNameTheirSecretsKey(t *testing.T) {
	for stack := range accounts {
		boot, err := runStack(t, stack, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		if alias := boot.Outputs["secretsKeyAliasArns"].(map[string]string)[stack]; alias != "arn:aws:kms:eu-west-1:"+accounts[stack]+":alias/flowmart-secrets-"+stack {
			t.Errorf("%s: alias ARN output %q", stack, alias)
		}
		want := boot.Outputs["secretsProviderUrls"].(map[string]string)[stack]
		if want != "awskms://alias/flowmart-secrets-"+stack+"?region=eu-west-1" {
			t.Errorf("%s: the bootstrap exports the secrets provider %q", stack, want)
		}
		for _, path := range []string{"../Pulumi." + stack + ".yaml", "Pulumi." + stack + ".yaml"} {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var file struct {
				SecretsProvider string         `yaml:"secretsprovider"`
				EncryptionSalt  string         `yaml:"encryptionsalt"`
				Config          map[string]any `yaml:"config"`
			}
			if err := yaml.Unmarshal(raw, &file); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if file.SecretsProvider != want {
				t.Errorf("%s: secretsprovider %q, want %q", path, file.SecretsProvider, want)
			}
			if file.EncryptionSalt != "" || strings.Contains(string(raw), "encryptionsalt") {
				t.Errorf("%s: a passphrase encryptionsalt is left", path)
			}
			if strings.Contains(string(raw), "secure:") {
				t.Errorf("%s: holds an encrypted value no key of this design can read; re-create it with pulumi config set --secret", path)
			}
		}
	}
}

// Every role the platform stacks create carries the workload boundary this program makes for
// that environment, and is named under the environment's prefix: so the deploy role, which may
// create roles only there and only with that boundary, can create each of them. The stacks'
// SSM parameters are all String (the drift role reads them back; it may read no SecureString).
func TestPlatformRolesCarryTheBoundary(t *testing.T) {
	for stack := range accounts {
		boot, err := runStack(t, stack, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		boundary := boot.Outputs["workloadBoundaryArns"].(map[string]string)[stack]
		if boundary != cicd.WorkloadBoundaryARN(accounts[stack], cicd.PlatformNamePrefix, stack) {
			t.Errorf("%s: boundary output %q", stack, boundary)
		}
		platform, err := stacks.Preview("..", stack, "")
		if err != nil {
			t.Fatal(err)
		}
		roles := platform.Find("aws:iam/role:Role")
		if len(roles) == 0 {
			t.Fatalf("%s: no role", stack)
		}
		for _, r := range roles {
			if r.Inputs["permissionsBoundary"] != boundary {
				t.Errorf("%s: role %s has the boundary %v, want %s", stack, r.Name, r.Inputs["permissionsBoundary"], boundary)
			}
			name, _ := r.Inputs["name"].(string)
			if name == "" {
				name = r.Name // auto-named: the resource name and a suffix
			}
			if !strings.HasPrefix(name, stack+"-") {
				t.Errorf("%s: role %s is outside the deploy role's prefix %s-", stack, name, stack)
			}
		}
		for _, p := range platform.Find("aws:ssm/parameter:Parameter") {
			if p.Inputs["type"] != "String" {
				t.Errorf("%s: parameter %s is %v, not String", stack, p.Name, p.Inputs["type"])
			}
		}
	}
}

// actionCovered reports whether an IAM action pattern of a policy is inside one of the patterns
// (IAM compares actions case-insensitively; a pattern's * matches any run of characters). A
// statement's own wildcard ("logs:Describe*") is covered only by a pattern that covers every
// action it could match, which a pattern ending in the same or a shorter prefix and * does.
func actionCovered(action string, patterns []string) bool {
	action = strings.ToLower(action)
	for _, p := range patterns {
		p = strings.ToLower(p)
		if prefix, ok := strings.CutSuffix(p, "*"); ok && !strings.Contains(prefix, "*") {
			if strings.HasPrefix(strings.TrimSuffix(action, "*"), prefix) {
				return true
			}
			continue
		}
		if p == action {
			return true
		}
	}
	return false
}

// The workload boundary allows what the platform's workload roles are given: every action of
// every inline policy of a role of every stack's graph is inside the boundary's allowed actions,
// so no workload loses a permission to the boundary (the AWS managed policies the stacks attach
// are read by the boundary's comment, not here: their text is not in the graph).
func TestBoundaryAllowsTheWorkloadPolicies(t *testing.T) {
	allowed := append(slices.Clone(cicd.WorkloadActions), "iam:CreateServiceLinkedRole", "iam:PassRole")
	for stack := range accounts {
		platform, err := stacks.Preview("..", stack, "")
		if err != nil {
			t.Fatal(err)
		}
		policies := platform.Find("aws:iam/rolePolicy:RolePolicy")
		if len(policies) == 0 {
			t.Fatalf("%s: no role policy", stack)
		}
		for _, p := range policies {
			for _, st := range parsePolicy(t, p).Statement {
				if st.Effect != "Allow" {
					continue
				}
				for _, a := range st.Action {
					if !actionCovered(a, allowed) {
						t.Errorf("%s: %s allows %s, which the workload boundary does not", stack, p.Name, a)
					}
				}
			}
		}
	}
	for _, c := range []struct {
		action string
		want   bool
	}{{"logs:PutLogEvents", true}, {"logs:Describe*", true}, {"logs:*", false}, {"ec2:DescribeVpcs", true}, {"iam:CreateRole", false}, {"s3:GetObject", false}} {
		if got := actionCovered(c.action, allowed); got != c.want {
			t.Errorf("actionCovered(%s) = %v", c.action, got)
		}
	}
}

// roleNames returns the IAM names of the roles in a graph: the name input, or for a role Pulumi
// names, its resource name followed by the pattern of the suffix auto-naming adds.
func roleNames(doc *preview.Document) (named map[string]bool, auto []*regexp.Regexp) {
	named = map[string]bool{}
	for _, r := range doc.Find("aws:iam/role:Role") {
		if n, ok := r.Inputs["name"].(string); ok && n != "" {
			named[n] = true
			continue
		}
		auto = append(auto, regexp.MustCompile("^"+regexp.QuoteMeta(r.Name)+"-[0-9a-f]{7}$"))
	}
	return named, auto
}

// principals returns every AWS principal named by the repository policies of a graph.
func principals(t *testing.T, doc *preview.Document) []string {
	t.Helper()
	var out []string
	for _, r := range doc.Find("aws:ecr/repositoryPolicy:RepositoryPolicy") {
		for _, s := range parsePolicy(t, r).Statement {
			switch p := s.Principal["AWS"].(type) {
			case string:
				out = append(out, p)
			case []any:
				for _, e := range p {
					out = append(out, e.(string))
				}
			default:
				t.Errorf("%s: principal %v", r.Name, s.Principal)
			}
		}
	}
	return out
}

// ECR rejects a repository policy naming a principal that does not exist. Every principal named
// by every repository policy of each platform stack is a role of that stack's account created by
// the stack itself (the node role) or by this bootstrap (the CI push role, through the stack
// file's registry.ciPushRoleArn, equal to the ciPushRoleArns output).
func TestRepositoryPolicyPrincipalsExist(t *testing.T) {
	for stack, account := range accounts {
		boot, err := runStack(t, stack, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		platform, err := stacks.Preview("..", stack, "")
		if err != nil {
			t.Fatal(err)
		}
		bootNamed, bootAuto := roleNames(boot)
		platNamed, platAuto := roleNames(platform)
		named := maps.Clone(bootNamed)
		maps.Copy(named, platNamed)
		auto := append(slices.Clone(bootAuto), platAuto...)

		got := principals(t, platform)
		if len(got) == 0 {
			t.Fatalf("%s: no repository policy principal", stack)
		}
		push := boot.Outputs["ciPushRoleArns"].(map[string]string)[stack]
		if !slices.Contains(got, push) {
			t.Errorf("%s: the repository policies do not name the bootstrap's CI push role %s (they name %v)", stack, push, got)
		}
		for _, arn := range got {
			name, ok := strings.CutPrefix(arn, "arn:aws:iam::"+account+":role/")
			if !ok {
				t.Errorf("%s: principal %s is not a role of account %s", stack, arn, account)
				continue
			}
			exists := named[name] || slices.ContainsFunc(auto, func(re *regexp.Regexp) bool { return re.MatchString(name) })
			if !exists {
				t.Errorf("%s: principal %s is created neither by the stack nor by the bootstrap", stack, arn)
			}
		}
	}
}

func TestOptionalSettings(t *testing.T) {
	doc, err := runStack(t, "production", true, map[string]string{
		keyNamePrefix:       "shop",
		keyStateBucketName:  "shop-state.example",
		keyNoncurrentDays:   "30",
		keyOIDCProviderARN:  "arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com",
		keyProtectIdentity:  "false",
		keyEnvironments:     `["production","production-eu"]`,
		keyTags:             `{"CostCenter":"platform"}`,
		keyRepository:       "flowmart/infra",
		"pulumi:unused-key": "",
	})
	if err != nil {
		t.Fatal(err)
	}
	if b := doc.Get("aws:s3/bucketV2:BucketV2", "shop-state"); b == nil || b.Inputs["bucket"] != "shop-state.example" || !b.Protect {
		t.Errorf("bucket %+v", b)
	}
	if doc.Find("aws:iam/openIdConnectProvider:OpenIdConnectProvider") != nil {
		t.Error("an OIDC provider was created although one was given")
	}
	for _, name := range []string{"shop-deploy-production", "shop-deploy-production-eu", "shop-ecr-push-production", "shop-ecr-push-production-eu", "shop-preview", "shop-drift"} {
		if r := doc.Get("aws:iam/role:Role", name); r == nil || r.Protect {
			t.Errorf("role %s: %+v", name, r)
		}
	}
	lc := doc.Get("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "shop-state").Inputs["rules"].([]any)[0].(map[string]any)
	if lc["noncurrentVersionExpiration"].(map[string]any)["noncurrentDays"] != 30.0 {
		t.Errorf("lifecycle %+v", lc)
	}
	p := doc.Get("pulumi:providers:aws", "aws")
	tags := p.Inputs["defaultTags"].(map[string]any)["tags"].(map[string]any)
	if tags["CostCenter"] != "platform" || tags["Project"] != project || tags["Environment"] != "production,production-eu" || tags["ManagedBy"] != "pulumi" {
		t.Errorf("default tags %v", tags)
	}
	if got := p.Inputs["allowedAccountIds"]; len(got.([]any)) != 1 || got.([]any)[0] != "777788889999" {
		t.Errorf("allowed accounts %v", got)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		key, value, want string
	}{
		{keyAccountID, "", "flowmart-bootstrap:accountId: is required"},
		{keyAccountID, "7777", `flowmart-bootstrap:accountId: "7777" is not an AWS account id`},
		{keyRegion, "", "flowmart-bootstrap:region: is required"},
		{keyRegion, "europe", `flowmart-bootstrap:region: "europe" is not an AWS region`},
		{keyRepository, "", "flowmart-bootstrap:repository: is required"},
		{keyRepository, "platform", `Repository: "platform" is not a GitHub repository`},
		{keyEnvironments, "[]", "flowmart-bootstrap:environments: [] is not a non-empty list"},
		{keyEnvironments, `["Prod"]`, `Environments[0].Name: "Prod" is not an environment name`},
		{keyNamePrefix, "Shop_", `flowmart-bootstrap:namePrefix: "Shop_" is not a name prefix`},
		{keyStateBucketName, "State_Bucket", `flowmart-bootstrap:stateBucketName: "State_Bucket" is not an S3 bucket name`},
		{keyNoncurrentDays, "0", `flowmart-bootstrap:stateNoncurrentVersionDays: "0" is not a positive number of days`},
		{keyOIDCProviderARN, "arn:aws:iam::777788889999:oidc-provider/example.com", `flowmart-bootstrap:oidcProviderArn: "arn:aws:iam::777788889999:oidc-provider/example.com" is not the ARN of a GitHub OIDC provider`},
		{keyProtectIdentity, "maybe", `flowmart-bootstrap:protectIdentity: "maybe" is not true or false`},
		{keyTags, `{"a":1}`, `flowmart-bootstrap:tags: {"a":1} is not an object of strings`},
	}
	for _, c := range cases {
		t.Run(c.key+"="+c.value, func(t *testing.T) {
			_, err := runStack(t, "dev", false, map[string]string{c.key: c.value})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
		})
	}
}

// Pulumi.yaml declares exactly the keys the loader reads, with their types and a description, and
// no defaults (they live in config.go).
func TestPulumiYAMLInStep(t *testing.T) {
	p, err := workspace.LoadProject("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name.String() != project || p.Runtime.Name() != "go" {
		t.Errorf("project %s runtime %s", p.Name, p.Runtime.Name())
	}
	declared := map[string]string{}
	for k, v := range p.Config {
		if strings.HasPrefix(k, "pulumi:") {
			continue
		}
		declared[k] = v.TypeName()
		if v.Description == "" {
			t.Errorf("Pulumi.yaml: %s has no description", k)
		}
		if v.Default != nil {
			t.Errorf("Pulumi.yaml: %s has a default; defaults live in config.go", k)
		}
	}
	if !maps.Equal(declared, configKeys) {
		t.Errorf("Pulumi.yaml declares %v, the loader reads %v", declared, configKeys)
	}
}

func TestTLSOnlyPolicy(t *testing.T) {
	d := TLSOnlyPolicy("arn:aws:s3:::b")
	if len(d.Statement) != 2 {
		t.Fatal(d)
	}
	for _, s := range d.Statement {
		if s.Effect != "Deny" || s.Principal["AWS"] != "*" || !slices.Equal(s.Resource, []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}) || len(s.Condition) != 1 {
			t.Errorf("%+v", s)
		}
	}
	if got := d.Statement[1].Condition["NumericLessThan"].(map[string]any)["s3:TlsVersion"]; got != "1.2" {
		t.Errorf("TLS version %v", got)
	}
	if backendURL("b", "eu-west-1") != "s3://b?region=eu-west-1&awssdk=v2" {
		t.Error(backendURL("b", "eu-west-1"))
	}
}

// Each account's deploy role can turn on the registry's enhanced scanning (staging and
// production opt in): the Inspector actions and Inspector's service-linked role, and can replace
// or destroy an alarm subscription.
func TestDeployRolesCanEnableScanningAndUnsubscribe(t *testing.T) {
	has := func(d iampolicy.Document, action string) *iampolicy.Statement {
		for i, s := range d.Statement {
			if s.Effect == "Allow" && slices.Contains(s.Action, action) {
				return &d.Statement[i]
			}
		}
		return nil
	}
	for stack := range accounts {
		doc, err := runStack(t, stack, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		k8s := parsePolicy(t, doc.Get("aws:iam/policy:Policy", "flowmart-deploy-"+stack+"-kubernetes"))
		for _, a := range cicd.InspectorActions {
			if has(k8s, a) == nil {
				t.Errorf("%s: the deploy role lacks %s", stack, a)
			}
		}
		slr := has(parsePolicy(t, doc.Get("aws:iam/policy:Policy", "flowmart-deploy-"+stack+"-iam")), "iam:CreateServiceLinkedRole")
		if slr == nil || !slices.Contains(slr.Condition["StringEquals"].(map[string]any)["iam:AWSServiceName"].([]any), any("inspector2.amazonaws.com")) {
			t.Errorf("%s: Inspector's service-linked role: %+v", stack, slr)
		}
		data := parsePolicy(t, doc.Get("aws:iam/policy:Policy", "flowmart-deploy-"+stack+"-data"))
		for _, a := range []string{"sns:Unsubscribe", "sns:SetSubscriptionAttributes"} {
			// Granted on "*" (these two actions name no resource type, issue 16) in the stack's region only.
			s := has(data, a)
			if s == nil || !slices.Equal(s.Resource, []string{"*"}) {
				t.Errorf("%s: %s: %+v", stack, a, s)
				continue
			}
			if r, _ := s.Condition["StringEquals"].(map[string]any)["aws:RequestedRegion"].([]any); !slices.Equal(r, []any{"eu-west-1"}) {
				t.Errorf("%s: %s without the region condition: %+v", stack, a, s)
			}
		}
	}
}
