package diff

import (
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
)

type (
	M = map[string]any
	L = []any
)

// compareOne compares a baseline holding one resource of type typ with inputs old against the
// same resource with inputs next. With provider set, the resource sits under a provider resource
// with those inputs (the same in both graphs). It returns the resource's change, or a zero Change.
func compareOne(t *testing.T, typ string, old, next, provider M) Change {
	t.Helper()
	graph := func(inputs M) *preview.Document {
		r := res(typ, "production-thing", false, inputs)
		d := &preview.Document{Project: "flowmart-platform", Stack: "production", Resources: []*preview.Resource{r}}
		if provider != nil {
			p := res("pulumi:providers:kubernetes", "production-k8s", false, provider)
			r.Provider = p.URN + "::1fb30d8d-6c5f-1713-3198-bfb3cfbe5b89"
			d.Resources = append([]*preview.Resource{p}, r)
		}
		return d
	}
	b, cur := graph(old), clone(t, graph(next))
	rep := Compare(b, cur, nil)
	switch len(rep.Changes) {
	case 0:
		return Change{}
	case 1:
		return rep.Changes[0]
	}
	t.Fatalf("changes = %+v, want at most one", rep.Changes)
	return Change{}
}

type replacementCase struct {
	name     string
	typ      string
	old, new M
	provider M
	want     Kind // "" for no change
	// conservative: the condition cannot be decided offline, the report says so
	conservative bool
}

func runReplacementCases(t *testing.T, cases []replacementCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := compareOne(t, tc.typ, tc.old, tc.new, tc.provider)
			if c.Kind != tc.want {
				t.Fatalf("%s: kind %q, want %q (%+v)", tc.typ, c.Kind, tc.want, c)
			}
			note := strings.Contains(strings.Join(c.Inputs, "\n"), "(forces replacement; not decidable offline: ")
			if note != tc.conservative {
				t.Errorf("inputs %q: conservative note %v, want %v", c.Inputs, note, tc.conservative)
			}
			if tc.want == Replace && !strings.Contains(strings.Join(c.Inputs, "\n"), "(forces replacement") {
				t.Errorf("inputs %q: no input marked as forcing the replacement", c.Inputs)
			}
		})
	}
}

// One case per semantics, each way. Expected values come from upstream/forcenew-evidence.json,
// whose evidence line is cited.
func TestSemantics(t *testing.T) {
	runReplacementCases(t, []replacementCase{
		// attr. aws:ec2/subnet:Subnet cidrBlock: hashicorp/terraform-provider-aws v5.51.1
		// (8889457f4cb7) internal/service/ec2/vpc_subnet.go:80 and main 5f2286d6d836 (6.47.1)
		// internal/service/ec2/vpc_subnet.go:89 (ForceNew: true).
		{name: "attr changed", typ: "aws:ec2/subnet:Subnet",
			old: M{"cidrBlock": "10.30.0.0/19"}, new: M{"cidrBlock": "10.30.32.0/19"}, want: Replace},
		// attr, an input not listed for the type: aws:ec2/subnet:Subnet lists availabilityZone,
		// availabilityZoneId, cidrBlock, ipv6Native, outpostArn, vpcId (forcenew.json).
		{name: "unlisted attr changed", typ: "aws:ec2/subnet:Subnet",
			old: M{"mapPublicIpOnLaunch": false}, new: M{"mapPublicIpOnLaunch": true}, want: Update},

		// block-count. aws:eks/accessPolicyAssociation:AccessPolicyAssociation accessScope:
		// v5.51.1 (8889457f4cb7) internal/service/eks/access_policy_association.go:51 and main
		// 5f2286d6d836 access_policy_association.go:57 (ForceNew: true), block-count.
		{name: "block added", typ: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
			old: M{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"},
			new: M{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "accessScope": M{}}, want: Replace},
		{name: "block removed", typ: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
			old: M{"accessScope": M{"type": "cluster"}}, new: M{}, want: Replace},
		// aws:ecr/repository:Repository encryptionConfigurations[]: v5.51.1 (8889457f4cb7)
		// internal/service/ecr/repository.go:72 and main 5f2286d6d836 repository.go:81 (ForceNew:
		// true), block-count; a list here.
		{name: "list block added", typ: "aws:ecr/repository:Repository",
			old: M{"encryptionConfigurations": L{}}, new: M{"encryptionConfigurations": L{M{"encryptionType": "AES256"}}}, want: Replace},

		// list element. aws:ecr/repository:Repository encryptionConfigurations[].kmsKey: v5.51.1
		// (8889457f4cb7) internal/service/ecr/repository.go:67 and main 5f2286d6d836
		// repository.go:76 (ForceNew: true), attr.
		{name: "list element field changed", typ: "aws:ecr/repository:Repository",
			old: M{"encryptionConfigurations": L{M{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:eu-west-1:777788889999:key/a"}}},
			new: M{"encryptionConfigurations": L{M{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:eu-west-1:777788889999:key/b"}}}, want: Replace},

		// set-any. aws:acm/certificate:Certificate validationOptions[]: v5.51.1 (8889457f4cb7)
		// internal/service/acm/certificate.go:240 and main 5f2286d6d836 certificate.go:262
		// (ForceNew: true), set-any.
		{name: "set element changed", typ: "aws:acm/certificate:Certificate",
			old: M{"validationOptions": L{M{"domainName": "shop.example.com", "validationDomain": "example.com"}}},
			new: M{"validationOptions": L{M{"domainName": "shop.example.com", "validationDomain": "shop.example.com"}}}, want: Replace},
		{name: "set reordered", typ: "aws:acm/certificate:Certificate",
			old: M{"validationOptions": L{M{"domainName": "a.example.com"}, M{"domainName": "b.example.com"}}},
			new: M{"validationOptions": L{M{"domainName": "b.example.com"}, M{"domainName": "a.example.com"}}}, want: Update},
		// aws:ec2/instance:Instance ebsBlockDevices[]: "derived: ebs_block_device is a TypeSet
		// holding ForceNew ebs_block_device.delete_on_termination (SDKv2 diffSet re-creates
		// changed elements)", set-any.
		{name: "set element added", typ: "aws:ec2/instance:Instance",
			old: M{"ebsBlockDevices": L{M{"deviceName": "xvdf", "volumeSize": 100.0}}},
			new: M{"ebsBlockDevices": L{M{"deviceName": "xvdf", "volumeSize": 100.0}, M{"deviceName": "xvdg", "volumeSize": 50.0}}}, want: Replace},
	})
}

// Conditional paths, each way, with the condition cited in conditions.go.
func TestConditionalPaths(t *testing.T) {
	runReplacementCases(t, []replacementCase{
		// aws:ssm/parameter:Parameter tier: v5.51.1 (8889457f4cb7) internal/service/ssm/parameter.go:127
		// and main 5f2286d6d836 parameter.go:161 (customdiff.ForceNewIfChange): Advanced to Standard.
		{name: "tier downgraded", typ: "aws:ssm/parameter:Parameter", old: M{"tier": "Advanced"}, new: M{"tier": "Standard"}, want: Replace},
		{name: "tier upgraded", typ: "aws:ssm/parameter:Parameter", old: M{"tier": "Standard"}, new: M{"tier": "Advanced"}, want: Update},
		// aws:ec2/vpc:Vpc instanceTenancy: v5.51.1 (8889457f4cb7) internal/service/ec2/vpc_.go:517 and
		// main 5f2286d6d836 vpc_.go:523 (diff.ForceNew() in CustomizeDiff): all but dedicated to default.
		{name: "tenancy to dedicated", typ: "aws:ec2/vpc:Vpc", old: M{"instanceTenancy": "default"}, new: M{"instanceTenancy": "dedicated"}, want: Replace},
		{name: "tenancy to default", typ: "aws:ec2/vpc:Vpc", old: M{"instanceTenancy": "dedicated"}, new: M{"instanceTenancy": "default"}, want: Update},
		// aws:ec2/instance:Instance userData: v5.51.1 (8889457f4cb7) internal/service/ec2/ec2_instance.go:898
		// and main 5f2286d6d836 ec2_instance.go:172 (customdiff.ForceNewIf): with userDataReplaceOnChange.
		{name: "user data, replace on change", typ: "aws:ec2/instance:Instance",
			old: M{"userData": "a", "userDataReplaceOnChange": true}, new: M{"userData": "b", "userDataReplaceOnChange": true}, want: Replace},
		{name: "user data", typ: "aws:ec2/instance:Instance", old: M{"userData": "a"}, new: M{"userData": "b"}, want: Update},
		// aws:eks/cluster:Cluster encryptionConfig: v5.51.1 (8889457f4cb7) internal/service/eks/cluster.go:48
		// and main 5f2286d6d836 cluster.go:64 (customdiff.ForceNewIfChange): removing it replaces, a
		// new key ARN does not (encryptionConfig.provider.keyArn is not in forcenew.json).
		{name: "envelope encryption removed", typ: "aws:eks/cluster:Cluster",
			old: M{"encryptionConfig": M{"provider": M{"keyArn": "arn:aws:kms:eu-west-1:777788889999:key/a"}, "resources": L{"secrets"}}},
			new: M{}, want: Replace},
		{name: "envelope encryption key changed", typ: "aws:eks/cluster:Cluster",
			old: M{"encryptionConfig": M{"provider": M{"keyArn": "arn:aws:kms:eu-west-1:777788889999:key/a"}, "resources": L{"secrets"}}},
			new: M{"encryptionConfig": M{"provider": M{"keyArn": "arn:aws:kms:eu-west-1:777788889999:key/b"}, "resources": L{"secrets"}}}, want: Update},
		// random:index/randomPassword:RandomPassword keepers: hashicorp/terraform-provider-random
		// f6ac5f9adf99 (v3.7.1) resource_password.go:577 RequiresReplaceIfValuesNotNull.
		{name: "keeper changed", typ: "random:index/randomPassword:RandomPassword",
			old: M{"keepers": M{"rotation": "1"}}, new: M{"keepers": M{"rotation": "2"}}, want: Replace},
		{name: "keepers with only null values added", typ: "random:index/randomPassword:RandomPassword",
			old: M{"length": 32.0}, new: M{"length": 32.0, "keepers": M{"later": nil}}, want: Update},
		{name: "keeper removed", typ: "random:index/randomPassword:RandomPassword",
			old: M{"keepers": M{"rotation": "1", "owner": "a"}}, new: M{"keepers": M{"rotation": "1"}}, want: Replace},
		// overrideSpecial: f6ac5f9adf99 (v3.7.1) resource_password.go:714 RequiresReplaceIf(unless "" -> null).
		{name: "override special changed", typ: "random:index/randomPassword:RandomPassword",
			old: M{"overrideSpecial": "!#"}, new: M{"overrideSpecial": "%"}, want: Replace},
		{name: "override special empty to null", typ: "random:index/randomPassword:RandomPassword",
			old: M{"overrideSpecial": "", "length": 32.0}, new: M{"length": 32.0}, want: Update},
		// aws:ec2/instance:Instance instanceType: v5.51.1 (8889457f4cb7) internal/service/ec2/ec2_instance.go:904
		// and main 5f2286d6d836 ec2_instance.go:182 (customdiff.ForceNewIf): replaced when the types
		// share no CPU architecture, which needs the EC2 API: conservative.
		{name: "instance type changed", typ: "aws:ec2/instance:Instance",
			old: M{"instanceType": "r6i.2xlarge"}, new: M{"instanceType": "r6i.4xlarge"}, want: Replace, conservative: true},
		// aws:elasticache/replicationGroup:ReplicationGroup engineVersion: v5.51.1 (8889457f4cb7)
		// engine_version.go:148 and main 5f2286d6d836 :192 (diff.ForceNew() in CustomizeDiff), the
		// body engineVersionForceNewOnDowngrade: only a downgrade replaces.
		{name: "valkey minor upgrade", typ: "aws:elasticache/replicationGroup:ReplicationGroup",
			old: M{"engineVersion": "8.1"}, new: M{"engineVersion": "8.2"}, want: Update},
		{name: "valkey major upgrade", typ: "aws:elasticache/replicationGroup:ReplicationGroup",
			old: M{"engineVersion": "7.2"}, new: M{"engineVersion": "8.0"}, want: Update},
		{name: "valkey downgrade", typ: "aws:elasticache/replicationGroup:ReplicationGroup",
			old: M{"engineVersion": "8.2"}, new: M{"engineVersion": "8.1"}, want: Replace},
		{name: "valkey 8.10 is above 8.9", typ: "aws:elasticache/replicationGroup:ReplicationGroup",
			old: M{"engineVersion": "8.9"}, new: M{"engineVersion": "8.10"}, want: Update},
		{name: "redis 6.x", typ: "aws:elasticache/replicationGroup:ReplicationGroup",
			old: M{"engineVersion": "6.x"}, new: M{"engineVersion": "7.1"}, want: Replace, conservative: true},
		// pulumi:providers:kubernetes kubeconfig: pulumi/pulumi-kubernetes v4.32.0
		// provider/pkg/provider/provider.go:505-509,548-556 DiffConfig: replaced when the active
		// cluster changes.
		{name: "kubeconfig, same cluster", typ: "pulumi:providers:kubernetes",
			old: M{"kubeconfig": kubeconfigFor("https://a.example.com", "alice")}, new: M{"kubeconfig": kubeconfigFor("https://a.example.com", "bob")}, want: Update},
		{name: "kubeconfig, another cluster", typ: "pulumi:providers:kubernetes",
			old: M{"kubeconfig": kubeconfigFor("https://a.example.com", "alice")}, new: M{"kubeconfig": kubeconfigFor("https://b.example.com", "alice")}, want: Replace},
		{name: "kubeconfig unreadable", typ: "pulumi:providers:kubernetes",
			old: M{"kubeconfig": preview.Secret}, new: M{"kubeconfig": kubeconfigFor("https://a.example.com", "alice")}, want: Replace, conservative: true},
		// clusterIdentifier: v4.32.0 provider.go:490-492 "replace when clusterIdentifier is updated";
		// unchanged, it cancels the provider's replacements (provider.go:493-502).
		{name: "cluster identifier updated", typ: "pulumi:providers:kubernetes",
			old: M{"clusterIdentifier": "a"}, new: M{"clusterIdentifier": "b"}, want: Replace},
		{name: "cluster identifier added", typ: "pulumi:providers:kubernetes",
			old: M{}, new: M{"clusterIdentifier": "a"}, want: Update},
		{name: "cluster identifier kept", typ: "pulumi:providers:kubernetes",
			old: M{"clusterIdentifier": "a", "kubeconfig": kubeconfigFor("https://a.example.com", "alice")},
			new: M{"clusterIdentifier": "a", "kubeconfig": kubeconfigFor("https://b.example.com", "alice")}, want: Update},
	})
}

func kubeconfigFor(server, user string) string {
	return `apiVersion: v1
kind: Config
current-context: ctx
contexts:
- name: ctx
  context: {cluster: eks, user: ` + user + `}
clusters:
- name: eks
  cluster: {server: "` + server + `", certificate-authority-data: "Q0E="}
users:
- name: ` + user + `
  user: {token: t}
`
}

// The differences the review of the old hand-written table found.
func TestReplacementRegressions(t *testing.T) {
	runReplacementCases(t, []replacementCase{
		// False alarm: aws:eks/cluster:Cluster lists no vpcConfig path in forcenew.json
		// (tfResource aws_eks_cluster, read from v5.51.1 8889457f4cb7 and main 5f2286d6d836
		// internal/service/eks/cluster.go): new subnets are an update.
		{name: "EKS subnets", typ: "aws:eks/cluster:Cluster",
			old: M{"vpcConfig": M{"subnetIds": L{"subnet-a", "subnet-b"}}}, new: M{"vpcConfig": M{"subnetIds": L{"subnet-a", "subnet-c"}}}, want: Update},
		// False alarm: aws:acm/certificate:Certificate lists certificateAuthorityArn, domainName,
		// keyAlgorithm, subjectAlternativeNames, validationMethod, validationOptions[...]: an
		// imported certificate's privateKey and certificateBody are updated in place.
		{name: "ACM imported certificate", typ: "aws:acm/certificate:Certificate",
			old: M{"privateKey": "a", "certificateBody": "a"}, new: M{"privateKey": "b", "certificateBody": "b"}, want: Update},
		// Missed: aws:ec2/instance:Instance ebsOptimized: v5.51.1 (8889457f4cb7)
		// internal/service/ec2/ec2_instance.go:309 and main 5f2286d6d836 ec2_instance.go:461 (ForceNew: true).
		{name: "instance ebsOptimized", typ: "aws:ec2/instance:Instance",
			old: M{"ebsOptimized": false}, new: M{"ebsOptimized": true}, want: Replace},
		// Missed: cloudflare:index/record:Record name: cloudflare/terraform-provider-cloudflare
		// fee2d58e92b6 (v4.51.0) internal/sdkv2provider/schema_cloudflare_record.go:24 ForceNew.
		{name: "Cloudflare record name", typ: "cloudflare:index/record:Record",
			old: M{"name": "shop.example.com", "type": "CNAME"}, new: M{"name": "www.shop.example.com", "type": "CNAME"}, want: Replace},
		// Missed: type, schema_cloudflare_record.go:41 ForceNew.
		{name: "Cloudflare record type", typ: "cloudflare:index/record:Record",
			old: M{"name": "shop.example.com", "type": "CNAME"}, new: M{"name": "shop.example.com", "type": "A"}, want: Replace},
		// Missed: aws:eks/nodeGroup:NodeGroup launchTemplate.id: v5.51.1 (8889457f4cb7)
		// internal/service/eks/node_group.go:113 and main 5f2286d6d836 node_group.go:117 (ForceNew: true).
		{name: "node group launch template", typ: "aws:eks/nodeGroup:NodeGroup",
			old: M{"launchTemplate": M{"id": "lt-a", "version": "1"}}, new: M{"launchTemplate": M{"id": "lt-b", "version": "1"}}, want: Replace},
		// The version is not listed for the node group: a new launch template version rolls the nodes in place.
		{name: "node group launch template version", typ: "aws:eks/nodeGroup:NodeGroup",
			old: M{"launchTemplate": M{"id": "lt-a", "version": "1"}}, new: M{"launchTemplate": M{"id": "lt-a", "version": "2"}}, want: Update},
		// Missed: accessScope (block-count, access_policy_association.go:51 / :57) and
		// accessScope.namespaces: v5.51.1 (8889457f4cb7) access_policy_association.go (ForceNew)
		// and main 5f2286d6d836 access_policy_association.go:63 (ForceNew: true).
		{name: "access scope namespaces", typ: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
			old: M{"accessScope": M{"type": "namespace", "namespaces": L{"shop"}}}, new: M{"accessScope": M{"type": "namespace", "namespaces": L{"shop", "search"}}}, want: Replace},
		// Missed: aws:ecr/lifecyclePolicy:LifecyclePolicy policy: v5.51.1 (8889457f4cb7)
		// internal/service/ecr/lifecycle_policy.go:45 and main 5f2286d6d836 lifecycle_policy.go:47 (ForceNew: true).
		{name: "ECR lifecycle policy", typ: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
			old: M{"policy": `{"rules":[]}`}, new: M{"policy": `{"rules":[{"rulePriority":1}]}`}, want: Replace},
		// Missed: aws:backup/plan:Plan name: v5.51.1 (8889457f4cb7) internal/service/backup/plan.go:72
		// and main 5f2286d6d836 plan.go:88 (ForceNew: true).
		{name: "backup plan name", typ: "aws:backup/plan:Plan",
			old: M{"name": "production-sqlserver"}, new: M{"name": "production-sqlserver-daily"}, want: Replace},
		// Kubernetes Secret data: pulumi/pulumi-kubernetes v4.32.0 diff.go:28-29 (secret,
		// enableSecretMutable unset): replaced unless the provider sets enableSecretMutable (and
		// the Secret is not immutable); type replaces either way (diff.go:155-156).
		{name: "Secret data", typ: "kubernetes:core/v1:Secret",
			old: M{"data": M{"password": "YQ=="}}, new: M{"data": M{"password": "Yg=="}}, provider: M{"kubeconfig": preview.Secret}, want: Replace},
		{name: "Secret data, mutable secrets", typ: "kubernetes:core/v1:Secret",
			old: M{"data": M{"password": "YQ=="}}, new: M{"data": M{"password": "Yg=="}}, provider: M{"enableSecretMutable": true}, want: Update},
		{name: "Secret stringData, mutable secrets set as a string", typ: "kubernetes:core/v1:Secret",
			old: M{"stringData": M{"password": "a"}}, new: M{"stringData": M{"password": "b"}}, provider: M{"enableSecretMutable": "true"}, want: Update},
		{name: "immutable Secret data, mutable secrets", typ: "kubernetes:core/v1:Secret",
			old: M{"immutable": true, "data": M{"password": "YQ=="}}, new: M{"immutable": true, "data": M{"password": "Yg=="}}, provider: M{"enableSecretMutable": true}, want: Replace},
		{name: "Secret type, mutable secrets", typ: "kubernetes:core/v1:Secret",
			old: M{"type": "Opaque"}, new: M{"type": "kubernetes.io/tls"}, provider: M{"enableSecretMutable": true}, want: Replace},
	})
}

// pulumi:providers:aws region: pulumi/pulumi-aws provider/resources.go (v6 line, commit
// 00ba5ea53c25) Config "region": ForcesProviderReplace: tfbridge.True() -> every resource of that
// provider is replaced.
func TestProviderRegionReplacesEverythingUnderIt(t *testing.T) {
	const awsRef = "urn:pulumi:production::flowmart-platform::pulumi:providers:aws::aws::2b8c1ce8-17be-2b38-8d44-9706bf53289d"
	b := baseline()
	aws := res("pulumi:providers:aws", "aws", false, M{"region": "eu-west-1", "allowedAccountIds": L{"777788889999"}})
	cf := res("pulumi:providers:cloudflare", "cloudflare", false, M{"apiToken": preview.Secret})
	rec := res("cloudflare:index/record:Record", "production-shop", false, M{"name": "shop.example.com", "type": "CNAME"})
	rec.Provider = cf.URN + "::4312faf8-1c31-f96f-257e-71b2769e4d89"
	for _, r := range b.Resources {
		r.Provider = awsRef
	}
	b.Resources = append([]*preview.Resource{aws, cf}, append(b.Resources, rec)...)
	cur := clone(t, b)
	cur.Get("pulumi:providers:aws", "aws").Inputs["region"] = "eu-central-1"
	cur.Get("aws:iam/role:Role", "production-flow-logs").Inputs["description"] = "flow logs (eu-central-1)"
	added := res("aws:iam/role:Role", "production-new", false, M{})
	added.Provider = awsRef
	cur.Resources = append(cur.Resources, added)

	rep := Compare(b, cur, stateful)
	kinds := map[string]Change{}
	for _, c := range rep.Changes {
		kinds[c.Name] = c
	}
	if c := kinds["aws"]; c.Kind != Replace || len(c.Inputs) != 1 || c.Inputs[0] != `region: "eu-west-1" -> "eu-central-1" (forces replacement)` {
		t.Errorf("aws provider: %+v", c)
	}
	for _, name := range []string{"production-private-eu-west-1a", "production-sqlserver", "production-storefront", "production-flow-logs"} {
		if c := kinds[name]; c.Kind != Replace || !strings.Contains(c.Why, "replaced with its provider pulumi:providers:aws aws") {
			t.Errorf("%s: %+v, want replaced with the provider", name, c)
		}
	}
	// the SQL Server host and the repository are protected: the cascade blocks
	if c := kinds["production-sqlserver"]; !c.Blocking || !strings.Contains(c.Why, "protected") || rep.Blocking != 2 {
		t.Errorf("blocking = %d, sqlserver %+v", rep.Blocking, c)
	}
	if c := kinds["production-flow-logs"]; len(c.Inputs) != 1 || !strings.HasPrefix(c.Inputs[0], "description:") {
		t.Errorf("flow logs role keeps its input line: %+v", c)
	}
	if c := kinds["production-new"]; c.Kind != Create {
		t.Errorf("a created resource stays created: %+v", c)
	}
	if c, ok := kinds["production-shop"]; ok {
		t.Errorf("a resource under another provider is untouched: %+v", c)
	}
	var sb strings.Builder
	if err := rep.WriteText(&sb, "baseline", "stack production"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"5 to replace",
		"+- replace  aws:ec2/instance:Instance production-sqlserver  BLOCKED: replaced with its provider pulumi:providers:aws aws; the resource is protected\n",
		"+- replace  aws:ec2/subnet:Subnet production-private-eu-west-1a  (replaced with its provider pulumi:providers:aws aws)\n",
	} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, sb.String())
		}
	}
}

// A kubernetes provider pointed at another cluster replaces what it manages (v4.32.0
// provider.go:505-509,548-556).
func TestKubernetesProviderCascade(t *testing.T) {
	p := res("pulumi:providers:kubernetes", "production-k8s", false, M{"kubeconfig": kubeconfigFor("https://a.example.com", "alice")})
	s := res("kubernetes:core/v1:Secret", "production-grafana-admin-secret", false, M{"type": "Opaque", "stringData": preview.Secret})
	s.Provider = p.URN + "::1fb30d8d-6c5f-1713-3198-bfb3cfbe5b89"
	b := &preview.Document{Project: "flowmart-platform", Stack: "production", Resources: []*preview.Resource{p, s}}
	cur := clone(t, b)
	cur.Get("pulumi:providers:kubernetes", "production-k8s").Inputs["kubeconfig"] = kubeconfigFor("https://b.example.com", "alice")
	rep := Compare(b, cur, nil)
	if len(rep.Changes) != 2 || rep.Changes[0].Kind != Replace || rep.Changes[1].Kind != Replace || rep.Changes[1].Name != "production-grafana-admin-secret" {
		t.Fatalf("changes = %+v", rep.Changes)
	}
}

// The semantics on their own, on rules that are not in the facts.
func TestRuleDecide(t *testing.T) {
	for _, tc := range []struct {
		r        rule
		old, new M
		want     bool
	}{
		{rule{path: "a.b", semantics: semAttr}, M{"a": M{"b": 1.0}}, M{"a": M{"b": 2.0}}, true},
		{rule{path: "a.b", semantics: semAttr}, M{"a": M{"b": 1.0, "c": 1.0}}, M{"a": M{"b": 1.0, "c": 2.0}}, false},
		{rule{path: "a.b", semantics: semAttr}, M{"a": M{"b": preview.Unknown}}, M{"a": M{"b": 2.0}}, false},
		// a field inside a block is decided by its own path, not by the block's count
		{rule{path: "blk", semantics: semBlockCount}, M{"blk": M{"x": 1.0}}, M{"blk": M{"x": 2.0}}, false},
		{rule{path: "blk", semantics: semBlockCount}, M{}, M{"blk": M{"x": 1.0}}, true},
		{rule{path: "blk[]", semantics: semBlockCount}, M{"blk": L{M{}}}, M{"blk": L{M{}, M{}}}, true},
		{rule{path: "outer.inner", semantics: semBlockCount}, M{"outer": M{}}, M{"outer": M{"inner": M{}}}, true},
		// list elements paired by index; an element added without the field is no change of it
		{rule{path: "l[].y", semantics: semAttr}, M{"l": L{M{"y": 1.0}}}, M{"l": L{M{"y": 1.0}, M{"z": 1.0}}}, false},
		{rule{path: "l[].y", semantics: semAttr}, M{"l": L{M{"y": 1.0}}}, M{"l": L{M{"y": 1.0}, M{"y": 1.0}}}, true},
		{rule{path: "s[]", semantics: semSetAny}, M{"s": L{"a", "b"}}, M{"s": L{"b", "a"}}, false},
		{rule{path: "s[]", semantics: semSetAny}, M{"s": L{"a", "b"}}, M{"s": L{"a", "a"}}, true},
		{rule{path: "s[]", semantics: semSetAny}, M{}, M{"s": L{}}, false},
		// a key holding dots
		{rule{path: "metadata.annotations.pulumi.com/x", semantics: semAttr}, M{"metadata": M{"annotations": M{"pulumi.com/x": "1"}}}, M{"metadata": M{"annotations": M{"pulumi.com/x": "2"}}}, true},
		{rule{path: "metadata.annotations.pulumi.com/x", semantics: semAttr}, M{"metadata": M{"annotations": M{"pulumi.com/x": "1", "a": "1"}}}, M{"metadata": M{"annotations": M{"pulumi.com/x": "1", "a": "2"}}}, false},
	} {
		if got := tc.r.decide(change{old: tc.old, new: tc.new}).forces; got != tc.want {
			t.Errorf("%s %s: %v -> %v: forces %v, want %v", tc.r.semantics, tc.r.path, tc.old, tc.new, got, tc.want)
		}
	}
}

func TestOverlaps(t *testing.T) {
	for _, tc := range []struct {
		rule, path string
		want       bool
	}{
		{"cidrBlock", "cidrBlock", true},
		{"spec.template", "spec.template.spec.containers", true},
		{"rootBlockDevice.encrypted", "rootBlockDevice", true},
		{"validationOptions[].domainName", "validationOptions", true},
		{"validationOptions[]", "validationOptions", true},
		{"name", "namePrefix", false},
		{"validationOptions[].domainName", "validationOptions.domainName", false},
		{"a", "", true},
	} {
		if got := overlaps(tc.rule, tc.path); got != tc.want {
			t.Errorf("overlaps(%q, %q) = %v, want %v", tc.rule, tc.path, got, tc.want)
		}
	}
}
