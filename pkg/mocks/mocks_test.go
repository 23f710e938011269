package mocks

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	testRegion  = "eu-west-1"
	testAccount = "111122223333"
	stackURN    = "urn:pulumi:test::proj::pulumi:pulumi:Stack::proj-test"
)

// register answers a registration as the SDK's mock monitor makes it: a top-level resource
// (the stack as its parent) of a type with inputs. It returns the state as Plain shows it.
func register(t *testing.T, m pulumi.MockResourceMonitor, typ, name string, inputs map[string]any) (string, map[string]any) {
	t.Helper()
	id, state := registerRaw(t, m, typ, name, inputs)
	return id, Plain(state)
}

func registerRaw(t *testing.T, m pulumi.MockResourceMonitor, typ, name string, inputs map[string]any) (string, resource.PropertyMap) {
	t.Helper()
	props := resource.NewPropertyMapFromMap(inputs)
	obj, err := plugin.MarshalProperties(props, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	id, state, err := m.NewResource(pulumi.MockResourceArgs{
		TypeToken: typ, Name: name, Inputs: props, Custom: true,
		RegisterRPC: &pulumirpc.RegisterResourceRequest{Type: typ, Name: name, Parent: stackURN, Custom: true, Object: obj},
	})
	if err != nil {
		t.Fatalf("%s %s: %v", typ, name, err)
	}
	return id, state
}

func matches(t *testing.T, what, got, pattern string) {
	t.Helper()
	if !regexp.MustCompile("^" + pattern + "$").MatchString(got) {
		t.Errorf("%s = %q, want the AWS format %s", what, got, pattern)
	}
}

// EC2 resource ids are the resource prefix, a hyphen and 17 hexadecimal characters (the "longer
// IDs" every account has used since 2018):
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html. Their ARNs follow the
// general format arn:partition:service:region:account-id:resource-type/resource-id
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html), with the resource
// types of the EC2 section of the Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
func TestEC2IdentifiersAndARNs(t *testing.T) {
	m := New(testRegion, testAccount)
	cases := []struct {
		typ, prefix, arnKind string
		inputs               map[string]any
	}{
		{"aws:ec2/vpc:Vpc", "vpc", "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"}},
		{"aws:ec2/subnet:Subnet", "subnet", "subnet", nil},
		{"aws:ec2/securityGroup:SecurityGroup", "sg", "security-group", nil},
		{"aws:ec2/internetGateway:InternetGateway", "igw", "internet-gateway", nil},
		{"aws:ec2/routeTable:RouteTable", "rtb", "route-table", nil},
		{"aws:ec2/flowLog:FlowLog", "fl", "vpc-flow-log", nil},
		{"aws:ec2/instance:Instance", "i", "instance", nil},
		{"aws:ebs/volume:Volume", "vol", "volume", nil},
		{"aws:ec2/launchTemplate:LaunchTemplate", "lt", "launch-template", nil},
		{"aws:ec2/vpcEndpoint:VpcEndpoint", "vpce", "vpc-endpoint", map[string]any{"serviceName": "com.amazonaws.eu-west-1.ecr.api"}},
		{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "sgr", "security-group-rule", nil},
		{"aws:ec2/natGateway:NatGateway", "nat", "", nil},
		{"aws:ec2/eip:Eip", "eipalloc", "", nil},
		{"aws:ec2/routeTableAssociation:RouteTableAssociation", "rtbassoc", "", nil},
	}
	for _, c := range cases {
		id, out := register(t, m, c.typ, "x", c.inputs)
		matches(t, c.typ+" id", id, c.prefix+"-[0-9a-f]{17}")
		if c.arnKind != "" {
			matches(t, c.typ+" arn", out["arn"].(string), "arn:aws:ec2:eu-west-1:111122223333:"+c.arnKind+"/"+regexp.QuoteMeta(id))
		}
	}

	// A VPC's defaults are EC2 ids too, and the owner is the account.
	_, vpc := register(t, m, "aws:ec2/vpc:Vpc", "main", map[string]any{"cidrBlock": "10.0.0.0/16"})
	matches(t, "defaultSecurityGroupId", vpc["defaultSecurityGroupId"].(string), "sg-[0-9a-f]{17}")
	matches(t, "mainRouteTableId", vpc["mainRouteTableId"].(string), "rtb-[0-9a-f]{17}")
	if vpc["ownerId"] != testAccount || vpc["cidrBlock"] != "10.0.0.0/16" {
		t.Errorf("vpc state %v: the owner is the account and the inputs are returned", vpc)
	}
	// Elastic IPs and NAT gateways get documentation addresses (RFC 5737), never a routable one.
	_, eip := register(t, m, "aws:ec2/eip:Eip", "nat-a", nil)
	matches(t, "eip publicIp", eip["publicIp"].(string), `203\.0\.113\.[0-9]{1,3}`)
	// An interface endpoint's DNS name: vpce-<id>-<suffix>.<service>.<region>.vpce.amazonaws.com
	// (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html).
	id, ep := register(t, m, "aws:ec2/vpcEndpoint:VpcEndpoint", "ecr-api", map[string]any{"serviceName": "com.amazonaws.eu-west-1.ecr.api", "vpcEndpointType": "Interface"})
	dns := ep["dnsEntries"].([]any)[0].(map[string]any)["dnsName"].(string)
	matches(t, "endpoint dnsName", dns, regexp.QuoteMeta(id)+`-[0-9a-f]{8}\.ecr\.api\.eu-west-1\.vpce\.amazonaws\.com`)
	_, gw := register(t, m, "aws:ec2/vpcEndpoint:VpcEndpoint", "s3", map[string]any{"serviceName": "com.amazonaws.eu-west-1.s3", "vpcEndpointType": "Gateway"})
	matches(t, "gateway endpoint prefixListId", gw["prefixListId"].(string), "pl-[0-9a-f]{8}")
}

// ARNs and identifiers of the other services, each in the format its documentation gives.
func TestServiceARNs(t *testing.T) {
	m := New(testRegion, testAccount)

	// IAM is global: no region in its ARNs (arn:aws:iam::account:role/name); a role's unique id
	// starts with AROA (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
	id, role := register(t, m, "aws:iam/role:Role", "deploy", map[string]any{"name": "flowmart-deploy"})
	if id != "flowmart-deploy" || role["arn"] != "arn:aws:iam::111122223333:role/flowmart-deploy" {
		t.Errorf("role %s %v", id, role)
	}
	matches(t, "role uniqueId", role["uniqueId"].(string), "AROA[0-9A-Z]{17}")
	// Without a name, the auto-name: the logical name and a random suffix.
	id, _ = register(t, m, "aws:iam/role:Role", "nodes", nil)
	matches(t, "auto-named role", id, "nodes-[0-9a-f]{7}")

	// KMS key ids are UUIDs; ARN arn:aws:kms:region:account:key/key-id
	// (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id).
	uuid := "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
	id, key := register(t, m, "aws:kms/key:Key", "k", nil)
	matches(t, "kms key id", id, uuid)
	matches(t, "kms key arn", key["arn"].(string), "arn:aws:kms:eu-west-1:111122223333:key/"+uuid)

	// ECR: arn:aws:ecr:region:account:repository/name, URL account.dkr.ecr.region.amazonaws.com/name
	// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Repositories.html).
	_, repo := register(t, m, "aws:ecr/repository:Repository", "shop", map[string]any{"name": "shop/api"})
	if repo["arn"] != "arn:aws:ecr:eu-west-1:111122223333:repository/shop/api" ||
		repo["repositoryUrl"] != "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/api" || repo["registryId"] != testAccount {
		t.Errorf("repository %v", repo)
	}

	// CloudWatch Logs: arn:aws:logs:region:account:log-group:name.
	_, lg := register(t, m, "aws:cloudwatch/logGroup:LogGroup", "flow", map[string]any{"name": "/aws/vpc/flow"})
	if lg["arn"] != "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vpc/flow" {
		t.Errorf("log group %v", lg)
	}

	// Secrets Manager appends a hyphen and 6 random characters to the name in the ARN
	// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html).
	id, sec := register(t, m, "aws:secretsmanager/secret:Secret", "sa", map[string]any{"name": "prod-sqlserver-sa"})
	matches(t, "secret arn", id, `arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod-sqlserver-sa-[0-9A-Za-z]{6}`)
	if sec["arn"] != id {
		t.Errorf("secret arn %v, id %s", sec["arn"], id)
	}

	// SNS topics: arn:aws:sns:region:account:name, and the ARN is the id.
	id, _ = register(t, m, "aws:sns/topic:Topic", "alarms", map[string]any{"name": "alarms"})
	if id != "arn:aws:sns:eu-west-1:111122223333:alarms" {
		t.Errorf("topic id %s", id)
	}

	// S3 bucket ARNs have neither region nor account: arn:aws:s3:::name.
	_, b := register(t, m, "aws:s3/bucketV2:BucketV2", "state", map[string]any{"bucket": "flowmart-state"})
	if b["arn"] != "arn:aws:s3:::flowmart-state" || b["bucketRegionalDomainName"] != "flowmart-state.s3.eu-west-1.amazonaws.com" {
		t.Errorf("bucket %v", b)
	}

	// ACM: arn:aws:acm:region:account:certificate/uuid, pending DNS validation with one CNAME per
	// base name (a domain and its wildcard share it).
	id, cert := register(t, m, "aws:acm/certificate:Certificate", "cert", map[string]any{
		"domainName": "shop.example.com", "subjectAlternativeNames": []any{"*.shop.example.com"}})
	matches(t, "certificate arn", id, "arn:aws:acm:eu-west-1:111122223333:certificate/"+uuid)
	opts := cert["domainValidationOptions"].([]any)
	if len(opts) != 2 || opts[0].(map[string]any)["resourceRecordName"] != opts[1].(map[string]any)["resourceRecordName"] {
		t.Errorf("validation options %v", opts)
	}
	matches(t, "validation record", opts[0].(map[string]any)["resourceRecordName"].(string), `_[0-9a-f]{32}\.shop\.example\.com\.`)

	// EKS: arn:aws:eks:region:account:cluster/name; the endpoint and the OIDC issuer of the region
	// (https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html).
	_, eks := register(t, m, "aws:eks/cluster:Cluster", "prod", map[string]any{"name": "prod"})
	if eks["arn"] != "arn:aws:eks:eu-west-1:111122223333:cluster/prod" {
		t.Errorf("cluster arn %v", eks["arn"])
	}
	matches(t, "cluster endpoint", eks["endpoint"].(string), `https://[0-9A-F]{32}\.gr7\.eu-west-1\.eks\.amazonaws\.com`)
	issuer := eks["identities"].([]any)[0].(map[string]any)["oidcs"].([]any)[0].(map[string]any)["issuer"].(string)
	matches(t, "oidc issuer", issuer, `https://oidc\.eks\.eu-west-1\.amazonaws\.com/id/[0-9A-F]{32}`)

	// Route 53 hosted zone ids: Z and upper-case alphanumerics; the ARN has no region or account.
	id, zone := register(t, m, "aws:route53/zone:Zone", "internal", map[string]any{"name": "prod.internal"})
	matches(t, "zone id", id, "Z[0-9A-Z]{20}")
	if zone["arn"] != "arn:aws:route53:::hostedzone/"+id {
		t.Errorf("zone arn %v", zone["arn"])
	}

	// A type without an entry: its name and a hash as id, an ARN built from its token.
	id, gen := register(t, m, "aws:dynamodb/table:Table", "jobs", nil)
	matches(t, "generic id", id, "jobs-[0-9a-f]{8}")
	if gen["arn"] != "arn:aws:dynamodb:eu-west-1:111122223333:table/"+id {
		t.Errorf("generic arn %v", gen["arn"])
	}
}

// Kubernetes objects: namespace/name ids; a LoadBalancer Service gets its NLB's host name from the
// AWS Load Balancer Controller (name-hash.elb.region.amazonaws.com), any other Service no status.
func TestKubernetes(t *testing.T) {
	m := New(testRegion, testAccount)
	id, lb := register(t, m, "kubernetes:core/v1:Service", "ingress", map[string]any{
		"metadata": map[string]any{"name": "ingress-lb", "namespace": "ingress"}, "spec": map[string]any{"type": "LoadBalancer"}})
	if id != "ingress/ingress-lb" {
		t.Errorf("service id %s", id)
	}
	host := lb["status"].(map[string]any)["loadBalancer"].(map[string]any)["ingress"].([]any)[0].(map[string]any)["hostname"].(string)
	matches(t, "load balancer host", host, `k8s-ingress-ingressl-[0-9a-f]{10}-[0-9a-f]{16}\.elb\.eu-west-1\.amazonaws\.com`)
	if _, cip := register(t, m, "kubernetes:core/v1:Service", "internal", map[string]any{"spec": map[string]any{"type": "ClusterIP"}}); cip["status"] != nil {
		t.Errorf("a ClusterIP service has no load balancer status: %v", cip["status"])
	}
	id, _ = register(t, m, "kubernetes:core/v1:Namespace", "ns", map[string]any{"metadata": map[string]any{"name": "argocd"}})
	if id != "argocd" {
		t.Errorf("namespace id %s", id)
	}
}

// Secrets stay secret: random passwords and bytes are returned as secrets, and a secret input is
// never copied into a computed output.
func TestSecrets(t *testing.T) {
	m := New(testRegion, testAccount)
	_, state := registerRaw(t, m, "random:index/randomPassword:RandomPassword", "pw", nil)
	if !state["result"].IsSecret() || state["result"].SecretValue().Element.StringValue() != Password {
		t.Errorf("password %v", state["result"])
	}
	_, state = registerRaw(t, m, "random:index/randomBytes:RandomBytes", "key", map[string]any{"length": 1e300})
	if !state["base64"].IsSecret() || len(state["hex"].SecretValue().Element.StringValue()) != 2*maxRandomBytes {
		t.Errorf("random bytes of an absurd length are capped at %d bytes and secret", maxRandomBytes)
	}
	_, state = registerRaw(t, m, "random:index/randomBytes:RandomBytes", "key32", map[string]any{"length": 32})
	if got := state["hex"].SecretValue().Element.StringValue(); len(got) != 64 {
		t.Errorf("32 random bytes: %d hex digits", len(got))
	}
	// The zero value answers too (for an empty region and account).
	if id, _ := register(t, &Mocks{}, "aws:ec2/vpc:Vpc", "zero", nil); !strings.HasPrefix(id, "vpc-") {
		t.Errorf("zero Mocks: vpc id %q", id)
	}
	// A role named by a secret (never done, but possible) is auto-named rather than named
	// "[secret]" in its ARN.
	id, _ := register(t, m, "aws:iam/role:Role", "r", map[string]any{"name": resource.MakeSecret(resource.NewProperty("hidden"))})
	if strings.Contains(id, "hidden") || strings.Contains(id, Secret) {
		t.Errorf("role id %q", id)
	}
}

// The same program gets the same answers from any Mocks; two resources never share an id.
func TestDeterministic(t *testing.T) {
	a, _ := register(t, New(testRegion, testAccount), "aws:ec2/vpc:Vpc", "main", nil)
	b, _ := register(t, New(testRegion, testAccount), "aws:ec2/vpc:Vpc", "main", nil)
	c, _ := register(t, New(testRegion, testAccount), "aws:ec2/vpc:Vpc", "other", nil)
	if a != b || a == c {
		t.Errorf("ids %s %s %s", a, b, c)
	}
	// The region and the account are the mocks'.
	_, out := register(t, New("us-east-2", "444455556666"), "aws:ec2/vpc:Vpc", "main", nil)
	if !strings.HasPrefix(out["arn"].(string), "arn:aws:ec2:us-east-2:444455556666:vpc/") {
		t.Errorf("arn %v", out["arn"])
	}
}

// A component resource gets no id; a read gets the id it asked for and the state it gave.
func TestComponentsAndReads(t *testing.T) {
	m := New(testRegion, testAccount)
	id, _, err := m.NewResource(pulumi.MockResourceArgs{TypeToken: "flowmart:network:Network", Name: "n",
		RegisterRPC: &pulumirpc.RegisterResourceRequest{Parent: stackURN}})
	if err != nil || id != "" {
		t.Errorf("component id %q, err %v", id, err)
	}
	state := resource.PropertyMap{"cidrBlock": resource.NewProperty("10.1.0.0/16")}
	id, got, err := m.NewResource(pulumi.MockResourceArgs{TypeToken: "aws:ec2/vpc:Vpc", Name: "existing", ID: "vpc-0123456789abcdef0",
		Inputs: state, ReadRPC: &pulumirpc.ReadResourceRequest{Id: "vpc-0123456789abcdef0", Parent: stackURN}})
	if err != nil || id != "vpc-0123456789abcdef0" || !got.DeepEquals(state) {
		t.Errorf("read: %s %v %v", id, got, err)
	}
}

// An Elastic IP association reports the address of the EIP it names and the interface of the
// instance, as EC2 does.
func TestEIPAssociation(t *testing.T) {
	m := New(testRegion, testAccount)
	alloc, eip := register(t, m, "aws:ec2/eip:Eip", "vpn", nil)
	inst, _ := register(t, m, "aws:ec2/instance:Instance", "vpn", nil)
	_, assoc := register(t, m, "aws:ec2/eipAssociation:EipAssociation", "vpn", map[string]any{"allocationId": alloc, "instanceId": inst})
	if assoc["publicIp"] != eip["publicIp"] {
		t.Errorf("association address %v, eip %v", assoc["publicIp"], eip["publicIp"])
	}
	matches(t, "networkInterfaceId", assoc["networkInterfaceId"].(string), "eni-[0-9a-f]{17}")
	// An allocation from outside the program: no address to report.
	if _, out := register(t, m, "aws:ec2/eipAssociation:EipAssociation", "other", map[string]any{"allocationId": "eipalloc-0123456789abcdef0"}); out["publicIp"] != nil {
		t.Errorf("unknown allocation %v", out)
	}
}

// GitHub's OIDC provider and the clusters' IRSA providers have their own ARNs; IAM policies and
// the state bucket's sub-resources are keyed as AWS keys them.
func TestCICDOutputs(t *testing.T) {
	m := New(testRegion, "777788889999")
	id, out := register(t, m, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "flowmart-github-oidc", map[string]any{"url": githubOIDCURL})
	if want := "arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com"; id != want || out["arn"] != want {
		t.Errorf("GitHub provider: %s %v", id, out)
	}
	id, _ = register(t, m, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "prod-oidc", map[string]any{"url": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"})
	matches(t, "cluster OIDC provider", id, `arn:aws:iam::777788889999:oidc-provider/oidc\.eks\.eu-west-1\.amazonaws\.com/id/[0-9A-F]{32}`)

	id, out = register(t, m, "aws:iam/policy:Policy", "p", map[string]any{"name": "flowmart-deploy-production-iam"})
	if id != "arn:aws:iam::777788889999:policy/flowmart-deploy-production-iam" || out["arn"] != id {
		t.Errorf("policy: %s %v", id, out)
	}
	matches(t, "policy id", out["policyId"].(string), "ANPA[0-9A-Z]{17}")
	if id, _ := register(t, m, "aws:s3/bucketPolicy:BucketPolicy", "state", map[string]any{"bucket": "flowmart-pulumi-state"}); id != "flowmart-pulumi-state" {
		t.Errorf("bucket policy id %s", id)
	}
	if id, _ := register(t, m, "aws:s3/bucketVersioningV2:BucketVersioningV2", "state", nil); !regexp.MustCompile(`^state-[0-9a-f]{8}$`).MatchString(id) {
		t.Errorf("versioning id without a bucket %s", id)
	}
}

// The caller identity, region and partition come from the mocks; any other lookup fails.
func TestCalls(t *testing.T) {
	m := New(testRegion, testAccount)
	id, err := m.Call(pulumi.MockCallArgs{Token: "aws:index/getCallerIdentity:getCallerIdentity"})
	if err != nil || id["accountId"].StringValue() != testAccount {
		t.Errorf("caller identity %v %v", id, err)
	}
	matches(t, "caller arn", id["arn"].StringValue(), `arn:aws:sts::111122223333:assumed-role/[^/]+/[^/]+`)
	if r, _ := m.Call(pulumi.MockCallArgs{Token: "aws:index/getRegion:getRegion"}); r["name"].StringValue() != testRegion {
		t.Errorf("region %v", r)
	}
	if p, _ := m.Call(pulumi.MockCallArgs{Token: "aws:index/getPartition:getPartition"}); p["partition"].StringValue() != "aws" {
		t.Errorf("partition %v", p)
	}
	_, err = m.Call(pulumi.MockCallArgs{Token: "aws:ec2/getAmi:getAmi"})
	if !errors.Is(err, ErrNoAnswer) || !strings.Contains(err.Error(), "aws:ec2/getAmi:getAmi") {
		t.Errorf("unknown lookup: %v", err)
	}
}

// The URN is the engine's: from the parent's URN, the parent's type in it unless it is the stack.
func TestURN(t *testing.T) {
	got := URN(pulumi.MockResourceArgs{TypeToken: "aws:ec2/vpc:Vpc", Name: "v",
		RegisterRPC: &pulumirpc.RegisterResourceRequest{Parent: "urn:pulumi:dev::shop::flowmart:network:Network::n"}})
	if want := "urn:pulumi:dev::shop::flowmart:network:Network$aws:ec2/vpc:Vpc::v"; got != want {
		t.Errorf("URN %s, want %s", got, want)
	}
	got = URN(pulumi.MockResourceArgs{TypeToken: "aws:ec2/vpc:Vpc", Name: "v", RegisterRPC: &pulumirpc.RegisterResourceRequest{Parent: stackURN}})
	if want := "urn:pulumi:test::proj::aws:ec2/vpc:Vpc::v"; got != want {
		t.Errorf("URN %s, want %s", got, want)
	}
	// Nothing at all (a hand-made MockResourceArgs) still gives a URN, never a panic.
	if URN(pulumi.MockResourceArgs{TypeToken: "aws:ec2/vpc:Vpc", Name: "v"}) == "" {
		t.Error("empty URN")
	}
}

type fakeT struct{ fatal string }

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
}

// Run turns a panic of the program into a test failure with the value, and returns the
// program's error otherwise.
func TestRun(t *testing.T) {
	ft := &fakeT{}
	_ = Run(ft, New(testRegion, testAccount), true, func(ctx *pulumi.Context) error {
		var s []string
		_ = s[3]
		return nil
	})
	if !strings.Contains(ft.fatal, "panic (DryRun true): runtime error: index out of range") {
		t.Errorf("fatal %q", ft.fatal)
	}
	ft = &fakeT{}
	err := Run(ft, New(testRegion, testAccount), false, func(ctx *pulumi.Context) error { return errors.New("bad args") })
	if ft.fatal != "" || err == nil || !strings.Contains(err.Error(), "bad args") {
		t.Errorf("fatal %q, err %v", ft.fatal, err)
	}
}

type fakeTB struct {
	fakeT
	errors, logs []string
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

// Survives logs a one-line error (refusing bad Args is fine), fails on an error spanning lines,
// and fails on a panic.
func TestSurvives(t *testing.T) {
	m := New(testRegion, testAccount)
	ft := &fakeTB{}
	Survives(ft, m, true, func(*pulumi.Context) error { return errors.New("Domain: is required") })
	if len(ft.errors) != 0 || len(ft.logs) != 1 || !strings.Contains(ft.logs[0], "Domain: is required") {
		t.Errorf("one-line error: errors %q logs %q", ft.errors, ft.logs)
	}
	ft = &fakeTB{}
	Survives(ft, m, false, func(*pulumi.Context) error { return errors.New("first\nsecond") })
	if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], "spans lines") {
		t.Errorf("multi-line error not failed: %q", ft.errors)
	}
	ft = &fakeTB{}
	Survives(ft, m, true, func(*pulumi.Context) error { var p *struct{ x int }; return fmt.Errorf("%d", p.x) })
	if !strings.Contains(ft.fatal, "panic (DryRun true)") {
		t.Errorf("panic not failed: %q", ft.fatal)
	}
}
