package service

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

const clusterARN = "arn:aws:eks:eu-west-1:111122223333:cluster/flowmart-dev"

func args() *ServiceArgs {
	return &ServiceArgs{
		Service: "orders", Owner: "orders-team", NamePrefix: "dev-", Tags: map[string]string{"CostCenter": "shop"},
		ClusterName: pulumi.String("flowmart-dev"), ClusterARN: pulumi.String(clusterARN),
		DiscoveryNamespaceID: pulumi.String("ns-0123456789abcdef"),
		Resources: []Resource{
			{Name: "database", Kind: KindDatabase, Endpoint: pulumi.String("dev-orders-db.abc.eu-west-1.rds.amazonaws.com"), Port: pulumi.Int(5432),
				ARN: pulumi.String("arn:aws:rds:eu-west-1:111122223333:db:dev-orders-db"), Attributes: map[string]pulumi.StringInput{"iamUsername": pulumi.String("orders")}},
			{Name: "queue-order-events", Kind: KindQueue, Endpoint: pulumi.String("https://sqs.eu-west-1.amazonaws.com/111122223333/dev-orders-order-events"),
				ARN: pulumi.String("arn:aws:sqs:eu-west-1:111122223333:dev-orders-order-events")},
		},
		AccessPolicy: Policy(pulumi.ToOutput([]iampolicy.Statement{
			iampolicy.Allow("Connect", []string{"rds-db:connect"}, "arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABC/orders"),
		}), pulumi.ToOutput([]iampolicy.Statement{
			iampolicy.Allow("Queue", []string{"sqs:SendMessage"}, "arn:aws:sqs:eu-west-1:111122223333:dev-orders-order-events"),
			iampolicy.Allow("Queue", []string{"kms:Decrypt"}, "arn:aws:kms:eu-west-1:111122223333:key/1"),
		})),
	}
}

func build(t *testing.T, a *ServiceArgs, dryRun bool) (*preview.Document, map[string]string) {
	t.Helper()
	var entries map[string]string
	doc, err := preview.Run(func(ctx *pulumi.Context) error {
		s, err := NewService(ctx, "dev-orders", a)
		if err != nil {
			return err
		}
		ctx.Export("entries", s.Entries)
		return nil
	}, preview.Options{Project: "p", Stack: "dev", Region: "eu-west-1", Account: "111122223333", Deploy: !dryRun})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ = doc.Outputs["entries"].(map[string]string)
	return doc, entries
}

func TestService(t *testing.T) {
	doc, entries := build(t, args(), false)
	svcs := doc.Find("aws:servicediscovery/service:Service")
	insts := doc.Find("aws:servicediscovery/instance:Instance")
	if len(svcs) != 2 || len(insts) != 2 {
		t.Fatalf("%d discovery services, %d instances, want 2 and 2", len(svcs), len(insts))
	}
	if svcs[0].Name != "dev-orders-database" || svcs[0].Inputs["name"] != "dev-orders-database" || svcs[0].Inputs["type"] != "HTTP" || svcs[0].Inputs["namespaceId"] != "ns-0123456789abcdef" {
		t.Errorf("discovery service %s %v", svcs[0].Name, svcs[0].Inputs)
	}
	attrs, _ := insts[0].Inputs["attributes"].(map[string]any)
	want := map[string]any{"kind": "database", "endpoint": "dev-orders-db.abc.eu-west-1.rds.amazonaws.com", "port": "5432",
		"arn": "arn:aws:rds:eu-west-1:111122223333:db:dev-orders-db", "owner": "orders-team", "iamUsername": "orders"}
	if len(attrs) != len(want) {
		t.Errorf("attributes %v, want %v", attrs, want)
	}
	for k, v := range want {
		if attrs[k] != v {
			t.Errorf("attribute %s = %v, want %v", k, attrs[k], v)
		}
	}
	if insts[0].Inputs["instanceId"] != "dev-orders-database" {
		t.Errorf("instance id %v", insts[0].Inputs["instanceId"])
	}
	// a queue has no port and no secret
	qattrs, _ := insts[1].Inputs["attributes"].(map[string]any)
	if _, ok := qattrs["port"]; ok {
		t.Errorf("queue attributes %v have a port", qattrs)
	}
	if _, ok := qattrs["secretArn"]; ok {
		t.Errorf("queue attributes %v have a secret", qattrs)
	}

	roles := doc.Find("aws:iam/role:Role")
	if len(roles) != 1 || roles[0].Inputs["name"] != "dev-orders-app" {
		t.Fatalf("roles %v", roles)
	}
	var trust iampolicy.Document
	if err := json.Unmarshal([]byte(roles[0].Inputs["assumeRolePolicy"].(string)), &trust); err != nil {
		t.Fatal(err)
	}
	if len(trust.Statement) != 1 || trust.Statement[0].Principal["Service"] != "pods.eks.amazonaws.com" || strings.Join(trust.Statement[0].Action, ",") != "sts:AssumeRole,sts:TagSession" {
		t.Errorf("trust %+v", trust)
	}
	tags, _ := roles[0].Inputs["tags"].(map[string]any)
	if tags["Owner"] != "orders-team" || tags["CostCenter"] != "shop" {
		t.Errorf("role tags %v", tags)
	}
	// exactly the access statements, nothing else, Sids unique
	policies := doc.Find("aws:iam/rolePolicy:RolePolicy")
	if len(policies) != 1 {
		t.Fatalf("%d inline policies, want 1", len(policies))
	}
	var p iampolicy.Document
	if err := json.Unmarshal([]byte(policies[0].Inputs["policy"].(string)), &p); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range p.Statement {
		got = append(got, st.Sid+" "+strings.Join(st.Action, ",")+" "+strings.Join(st.Resource, ","))
	}
	wantPolicy := []string{
		"Connect rds-db:connect arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABC/orders",
		"Queue sqs:SendMessage arn:aws:sqs:eu-west-1:111122223333:dev-orders-order-events",
		"Queue2 kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/1",
	}
	if strings.Join(got, "\n") != strings.Join(wantPolicy, "\n") {
		t.Errorf("policy statements\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantPolicy, "\n"))
	}
	if len(doc.Find("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) != 0 {
		t.Error("a managed policy is attached")
	}
	assoc := doc.Find("aws:eks/podIdentityAssociation:PodIdentityAssociation")
	if len(assoc) != 1 || assoc[0].Inputs["namespace"] != "orders" || assoc[0].Inputs["serviceAccount"] != "orders" || assoc[0].Inputs["clusterName"] != "flowmart-dev" {
		t.Fatalf("associations %v", assoc)
	}
	for _, r := range doc.Resources {
		if r.Type != serviceType && r.Type != "pulumi:pulumi:Stack" && r.Parent != doc.Find(serviceType)[0].URN {
			t.Errorf("%s %s is not a child of the service", r.Type, r.Name)
		}
	}
	if entries["database.endpoint"] != "dev-orders-db.abc.eu-west-1.rds.amazonaws.com" || entries["database.port"] != "5432" ||
		entries["queue-order-events.endpoint"] == "" || !strings.HasSuffix(entries["roleArn"], ":role/dev-orders-app") {
		t.Errorf("entries %v", entries)
	}
}

// In a preview the role's ARN is unknown; nothing fails.
func TestServicePreview(t *testing.T) {
	doc, _ := build(t, args(), true)
	if len(doc.Find("aws:eks/podIdentityAssociation:PodIdentityAssociation")) != 1 {
		t.Error("no association in a preview")
	}
}

// A service without resources gets a role with no inline policy (it can do nothing) and no
// discovery entries.
func TestServiceWithoutResources(t *testing.T) {
	a := args()
	a.Resources, a.AccessPolicy, a.DiscoveryNamespaceID = nil, nil, nil
	doc, _ := build(t, a, false)
	if len(doc.Find("aws:iam/rolePolicy:RolePolicy")) != 0 || len(doc.Find("aws:servicediscovery/service:Service")) != 0 || len(doc.Find("aws:iam/role:Role")) != 1 {
		t.Errorf("resources: %d", len(doc.Resources))
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*ServiceArgs)
		want   string
	}{
		{"service", func(a *ServiceArgs) { a.Service = "Orders" }, `Service: "Orders" is not a DNS label`},
		{"owner", func(a *ServiceArgs) { a.Owner = " " }, `Owner: is empty`},
		{"namespace", func(a *ServiceArgs) { a.Namespace = "a_b" }, `Namespace: "a_b" is not a Kubernetes namespace name`},
		{"service account", func(a *ServiceArgs) { a.ServiceAccount = "A" }, `ServiceAccount: "A" is not a Kubernetes service account name`},
		{"prefix", func(a *ServiceArgs) { a.NamePrefix = "dev/" }, `NamePrefix: "dev/" has characters other than`},
		{"role too long", func(a *ServiceArgs) { a.NamePrefix = strings.Repeat("p", 60) }, `NamePrefix: "` + strings.Repeat("p", 60) + `" makes the role name`},
		{"cluster", func(a *ServiceArgs) { a.ClusterName = nil }, `ClusterName: is required`},
		{"cluster arn", func(a *ServiceArgs) { a.ClusterARN = nil }, `ClusterARN: is required`},
		{"namespace id", func(a *ServiceArgs) { a.DiscoveryNamespaceID = nil }, `DiscoveryNamespaceID: is required: 2 resources`},
		{"resource name", func(a *ServiceArgs) { a.Resources[0].Name = "DB" }, `Resources[0].Name: "DB" is not a DNS label`},
		{"kind", func(a *ServiceArgs) { a.Resources[0].Kind = "mq" }, `Resources[0].Kind: "mq" is not one of database, cache, queue`},
		{"endpoint", func(a *ServiceArgs) { a.Resources[1].Endpoint = nil }, `Resources[1].Endpoint: is required`},
		{"arn", func(a *ServiceArgs) { a.Resources[1].ARN = nil }, `Resources[1].ARN: is required`},
		{"port", func(a *ServiceArgs) { a.Resources[0].Port = nil }, `Resources[0].Port: is required for a database`},
		{"twice", func(a *ServiceArgs) { a.Resources[1].Name = "database" }, `Resources[1].Name: "database" is already Resources[0]'s`},
		{"aws attribute", func(a *ServiceArgs) { a.Resources[0].Attributes["AWS_INSTANCE_IPV4"] = pulumi.String("10.0.0.1") }, `Resources[0].Attributes: key "AWS_INSTANCE_IPV4" starts with AWS_`},
		{"own attribute", func(a *ServiceArgs) { a.Resources[0].Attributes["endpoint"] = pulumi.String("x") }, `Resources[0].Attributes: key "endpoint" is set by the component`},
		{"discovery name", func(a *ServiceArgs) { a.Resources[0].Name = strings.Repeat("d", 60) }, `Resources[0].Name: "` + strings.Repeat("d", 60) + `" makes the discovery name`},
	}
	for _, c := range cases {
		a := args()
		c.change(a)
		err := a.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if err := args().Validate(); err != nil {
		t.Errorf("valid args: %v", err)
	}
	d := args().withDefaults()
	if d.Namespace != "orders" || d.ServiceAccount != "orders" {
		t.Errorf("defaults %q %q", d.Namespace, d.ServiceAccount)
	}
}

func TestDocumentSids(t *testing.T) {
	d := Document([]iampolicy.Statement{{Sid: "A"}, {Sid: "A"}, {}, {Sid: "B"}})
	var sids []string
	for _, s := range d.Statement {
		sids = append(sids, s.Sid)
	}
	if strings.Join(sids, ",") != "A,A1,,B" {
		t.Errorf("sids %v", sids)
	}
}
