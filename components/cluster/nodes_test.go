package cluster

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

const (
	typeQueue       = "aws:sqs/queue:Queue"
	typeQueuePolicy = "aws:sqs/queuePolicy:QueuePolicy"
	typeEventRule   = "aws:cloudwatch/eventRule:EventRule"
	typeEventTarget = "aws:cloudwatch/eventTarget:EventTarget"
	typeHook        = "aws:autoscaling/lifecycleHook:LifecycleHook"
	typeLT          = "aws:ec2/launchTemplate:LaunchTemplate"
	typeRolePolicy  = "aws:iam/rolePolicy:RolePolicy"
	typePIA         = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
)

func buildOutputs(t *testing.T, args *ClusterArgs) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		c, err := NewCluster(ctx, "prod", args, provider)
		if err == nil {
			ctx.Export("terminationQueueUrl", c.TerminationQueueURL)
			ctx.Export("clusterArn", c.ClusterARN)
		}
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

type policyDoc struct {
	Statement []struct {
		Sid       string
		Effect    string
		Principal map[string]any
		Action    []string
		Resource  []string
		Condition map[string]map[string]any
	}
}

func parsePolicy(t *testing.T, v any) policyDoc {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("policy is %T, want a JSON string", v)
	}
	var d policyDoc
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatalf("policy %s: %v", s, err)
	}
	return d
}

// A self-managed group gets the whole drain path of NTH's queue-processor mode: an encrypted
// queue fed by the four EventBridge rules (and only by them), a termination lifecycle hook on the
// group, and a Pod Identity role with exactly NTH's documented actions.
func TestDrainForSelfManagedGroups(t *testing.T) {
	args := baseArgs()
	args.NodeGroups = []NodeGroup{managedGroup(), selfGroup()}
	doc := buildOutputs(t, args)
	comp := doc.Get(clusterType, "prod")
	q := doc.Get(typeQueue, "prod-node-termination")
	if q.Parent != comp.URN || q.Inputs["sqsManagedSseEnabled"] != true || q.Inputs["messageRetentionSeconds"] != 300.0 {
		t.Errorf("queue parent %s inputs %v", q.Parent, q.Inputs)
	}
	queueARN := "arn:aws:sqs:eu-west-1:111122223333:"
	rules := doc.Find(typeEventRule)
	var patterns []string
	for _, r := range rules {
		var p struct {
			Source     []string `json:"source"`
			DetailType []string `json:"detail-type"`
		}
		if err := json.Unmarshal([]byte(r.Inputs["eventPattern"].(string)), &p); err != nil {
			t.Fatal(err)
		}
		patterns = append(patterns, p.Source[0]+"/"+p.DetailType[0])
		tgt := doc.Get(typeEventTarget, r.Name)
		if tgt == nil || !strings.HasPrefix(tgt.Inputs["arn"].(string), queueARN+"prod-node-termination") || tgt.Inputs["rule"] == "" {
			t.Errorf("rule %s target %v", r.Name, tgt)
		}
	}
	slices.Sort(patterns)
	want := []string{
		"aws.autoscaling/EC2 Instance-terminate Lifecycle Action",
		"aws.ec2/EC2 Instance Rebalance Recommendation",
		"aws.ec2/EC2 Instance State-change Notification",
		"aws.ec2/EC2 Spot Instance Interruption Warning",
	}
	if !slices.Equal(patterns, want) {
		t.Errorf("event patterns %v, want %v", patterns, want)
	}
	qp := parsePolicy(t, doc.Get(typeQueuePolicy, "prod-node-termination").Inputs["policy"])
	s := qp.Statement[0]
	src, _ := s.Condition["ArnEquals"]["aws:SourceArn"].([]any)
	if len(qp.Statement) != 1 || s.Principal["Service"] != "events.amazonaws.com" || !slices.Equal(s.Action, []string{"sqs:SendMessage"}) || len(src) != len(rules) {
		t.Errorf("queue policy %+v", qp)
	}
	for _, a := range src {
		if !strings.HasPrefix(a.(string), "arn:aws:events:eu-west-1:111122223333:rule/prod-node-termination-") {
			t.Errorf("queue policy source %v is not one of the cluster's rules", a)
		}
	}

	hooks := doc.Find(typeHook)
	if len(hooks) != 1 {
		t.Fatalf("%d lifecycle hooks, want 1 (the self-managed group only)", len(hooks))
	}
	h := hooks[0]
	asgName, _ := h.Inputs["autoscalingGroupName"].(string)
	if h.Name != "prod-system-drain" || !strings.HasPrefix(asgName, "prod-system-") || h.Parent != comp.URN ||
		h.Inputs["lifecycleTransition"] != "autoscaling:EC2_INSTANCE_TERMINATING" || h.Inputs["defaultResult"] != "CONTINUE" || h.Inputs["heartbeatTimeout"] != 300.0 {
		t.Errorf("lifecycle hook %s %v", h.Name, h.Inputs)
	}

	const nth = "prod-pod-kube-system-aws-node-termination-handler"
	pol := parsePolicy(t, doc.Get(typeRolePolicy, nth).Inputs["policy"])
	var actions []string
	for _, st := range pol.Statement {
		actions = append(actions, st.Action...)
		switch st.Sid {
		case "ReadQueue":
			if len(st.Resource) != 1 || !strings.HasPrefix(st.Resource[0], queueARN+"prod-node-termination") {
				t.Errorf("queue actions on %v", st.Resource)
			}
		case "CompleteLifecycleActions":
			if len(st.Resource) != 1 || !strings.Contains(st.Resource[0], ":autoScalingGroupName/prod-system") {
				t.Errorf("lifecycle actions on %v", st.Resource)
			}
		}
	}
	slices.Sort(actions)
	// NTH README (v1.25.6), "IAM Policy for aws-node-termination-handler Deployment"
	wantActions := []string{"autoscaling:CompleteLifecycleAction", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags",
		"ec2:DescribeInstances", "sqs:DeleteMessage", "sqs:ReceiveMessage"}
	if !slices.Equal(actions, wantActions) {
		t.Errorf("termination handler actions %v, want %v", actions, wantActions)
	}
	pia := doc.Get(typePIA, nth)
	if pia.Inputs["namespace"] != TerminationHandlerNamespace || pia.Inputs["serviceAccount"] != TerminationHandlerServiceAccount {
		t.Errorf("association %v", pia.Inputs)
	}
	if url, _ := doc.Outputs["terminationQueueUrl"].(string); !strings.HasPrefix(url, "https://sqs.eu-west-1.amazonaws.com/111122223333/prod-node-termination") {
		t.Errorf("terminationQueueUrl %v", doc.Outputs["terminationQueueUrl"])
	}
}

// Managed groups are drained by EKS: no queue, rules, hooks or handler role, and an empty queue URL.
func TestNoDrainWithoutSelfManagedGroups(t *testing.T) {
	doc := buildOutputs(t, baseArgs())
	for _, typ := range []string{typeQueue, typeQueuePolicy, typeEventRule, typeEventTarget, typeHook} {
		if n := len(doc.Find(typ)); n != 0 {
			t.Errorf("%d %s without a self-managed group", n, typ)
		}
	}
	if doc.Get(typePIA, "prod-pod-kube-system-aws-node-termination-handler") != nil {
		t.Error("termination handler role without a self-managed group")
	}
	if doc.Outputs["terminationQueueUrl"] != "" {
		t.Errorf("terminationQueueUrl %v, want empty", doc.Outputs["terminationQueueUrl"])
	}
}

func TestMinHealthyPercentage(t *testing.T) {
	for _, c := range []struct{ desired, maxUnavailable, want int }{
		{3, 1, 66}, {4, 1, 75}, {10, 3, 70}, {2, 1, 50}, {1, 1, 0}, {6, 6, 0}, {0, 1, 0},
	} {
		g := NodeGroup{DesiredSize: c.desired, MaxUnavailable: c.maxUnavailable}
		if got := minHealthyPercentage(g); got != c.want {
			t.Errorf("desired %d maxUnavailable %d: %d, want %d", c.desired, c.maxUnavailable, got, c.want)
		}
	}
	// EC2 Auto Scaling keeps ceil(desired*percentage/100) in service: exactly desired-maxUnavailable
	for d := 1; d <= 60; d++ {
		for m := 1; m <= d; m++ {
			p := minHealthyPercentage(NodeGroup{DesiredSize: d, MaxUnavailable: m})
			if kept := (d*p + 99) / 100; kept != d-m {
				t.Fatalf("desired %d maxUnavailable %d: %d%% keeps %d in service, want %d", d, m, p, kept, d-m)
			}
		}
	}
}

// MaxUnavailable reaches a self-managed group's instance refresh (it was fixed at 90 %).
func TestSelfManagedRefreshHonoursMaxUnavailable(t *testing.T) {
	for _, c := range []struct{ maxUnavailable, want int }{{1, 66}, {2, 33}} {
		args := baseArgs()
		g := selfGroup() // DesiredSize defaults to MinSize 3
		g.MaxUnavailable = c.maxUnavailable
		args.NodeGroups = []NodeGroup{g}
		doc := build(t, args, false)
		ir := doc.Get(asgType, "prod-system").Inputs["instanceRefresh"].(map[string]any)
		if ir["strategy"] != "Rolling" || ir["preferences"].(map[string]any)["minHealthyPercentage"] != float64(c.want) {
			t.Errorf("maxUnavailable %d: instance refresh %v, want minHealthyPercentage %d", c.maxUnavailable, ir, c.want)
		}
	}
}

func tagMap(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("tags are %T", v)
	}
	return m
}

// The provider's default tags (CostCenter, Owner, Environment...) reach what the node groups
// launch: every tag specification of both kinds' launch templates, and the self-managed ASG's
// propagated tags; the group's tags win over the cluster's, which win over the defaults.
func TestLaunchedResourcesCarryTheStandardTags(t *testing.T) {
	args := baseArgs()
	args.DefaultTags = map[string]string{"CostCenter": "ecommerce", "Owner": "platform-team", "Environment": "production", "Team": "default"}
	args.Tags = map[string]string{"Team": "platform"}
	sg := selfGroup()
	sg.Tags = map[string]string{"Pool": "system"}
	args.NodeGroups = []NodeGroup{managedGroup(), sg}
	doc := build(t, args, false)
	for _, name := range []string{"prod-general", "prod-system"} {
		lt := doc.Get(typeLT, name)
		specs := lt.Inputs["tagSpecifications"].([]any)
		var kinds []string
		for _, s := range specs {
			m := s.(map[string]any)
			kinds = append(kinds, m["resourceType"].(string))
			tags := tagMap(t, m["tags"])
			for k, want := range map[string]string{"CostCenter": "ecommerce", "Owner": "platform-team", "Environment": "production", "Team": "platform", "Name": name} {
				if tags[k] != want {
					t.Errorf("%s %s tag %s = %v, want %s", name, m["resourceType"], k, tags[k], want)
				}
			}
		}
		if !slices.Equal(kinds, []string{"instance", "volume", "network-interface"}) {
			t.Errorf("%s tag specifications %v", name, kinds)
		}
	}
	if p := tagMap(t, doc.Get(typeLT, "prod-system").Inputs["tagSpecifications"].([]any)[0].(map[string]any)["tags"])["Pool"]; p != "system" {
		t.Errorf("group tag Pool = %v", p)
	}
	got := map[string]any{}
	for _, tag := range doc.Get(asgType, "prod-system").Inputs["tags"].([]any) {
		m := tag.(map[string]any)
		if m["propagateAtLaunch"] != true {
			t.Errorf("asg tag %v not propagated", m)
		}
		got[m["key"].(string)] = m["value"]
	}
	for k, want := range map[string]string{"CostCenter": "ecommerce", "Owner": "platform-team", "Environment": "production", "Team": "platform",
		"Name": "prod-system", TerminationHandlerManagedTag: "", "kubernetes.io/cluster/prod": "owned"} {
		if got[k] != want {
			t.Errorf("asg tag %s = %v, want %q", k, got[k], want)
		}
	}
	// the resources the provider tags itself keep their tags as before (no default tags copied)
	if tags := tagMap(t, doc.Get(typeLT, "prod-general").Inputs["tags"]); tags["CostCenter"] != nil {
		t.Errorf("launch template's own tags copy the default tags: %v", tags)
	}
}

// DiskSizeGiB sizes AL2023's root volume and Bottlerocket's data volume, never Bottlerocket's OS
// volume.
func TestDiskDevicePerAMIFamily(t *testing.T) {
	args := baseArgs()
	br := managedGroup()
	br.Name, br.AMIType, br.ReleaseVersion, br.DiskSizeGiB = "bottlerocket", "BOTTLEROCKET_ARM_64", "1.20.3-5d9ac849", 80
	args.NodeGroups = []NodeGroup{managedGroup(), br}
	doc := build(t, args, false)
	for name, want := range map[string]string{"prod-general": "/dev/xvda", "prod-bottlerocket": "/dev/xvdb"} {
		bdm := doc.Get(typeLT, name).Inputs["blockDeviceMappings"].([]any)
		if len(bdm) != 1 || bdm[0].(map[string]any)["deviceName"] != want {
			t.Errorf("%s block devices %v, want one on %s", name, bdm, want)
		}
	}
	if sz := doc.Get(typeLT, "prod-bottlerocket").Inputs["blockDeviceMappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any)["volumeSize"]; sz != 80.0 {
		t.Errorf("bottlerocket data volume %v GiB", sz)
	}
}

func TestAddonConfiguration(t *testing.T) {
	cases := []struct{ name, addon, user, want string }{
		{"vpc-cni default", "vpc-cni", "", `{"env":{"ENABLE_PREFIX_DELEGATION":"true","WARM_PREFIX_TARGET":"1"}}`},
		{"coredns default", "coredns", "", `{"replicaCount":2}`},
		{"no default", "kube-proxy", "", ""},
		{"user over default", "coredns", `{"replicaCount":3}`, `{"replicaCount":3}`},
		{"nested merge", "vpc-cni", `{"env":{"WARM_PREFIX_TARGET":"2"},"enableNetworkPolicy":"true"}`,
			`{"enableNetworkPolicy":"true","env":{"ENABLE_PREFIX_DELEGATION":"true","WARM_PREFIX_TARGET":"2"}}`},
		{"null removes", "vpc-cni", `{"env":{"ENABLE_PREFIX_DELEGATION":null,"WARM_PREFIX_TARGET":null}}`, `{"env":{}}`},
		{"user only", "aws-ebs-csi-driver", `{"controller":{"replicaCount":2}}`, `{"controller":{"replicaCount":2}}`},
	}
	for _, c := range cases {
		got, err := addonConfiguration(c.addon, c.user)
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestAddonConfigurationOnTheAddons(t *testing.T) {
	args := baseArgs()
	args.AddonConfiguration = map[string]string{"coredns": `{"replicaCount": 3}`}
	doc := build(t, args, false)
	for name, want := range map[string]any{
		"prod-vpc-cni":    `{"env":{"ENABLE_PREFIX_DELEGATION":"true","WARM_PREFIX_TARGET":"1"}}`,
		"prod-coredns":    `{"replicaCount":3}`,
		"prod-kube-proxy": nil,
	} {
		if got := doc.Get("aws:eks/addon:Addon", name).Inputs["configurationValues"]; got != want {
			t.Errorf("%s configurationValues %v, want %v", name, got, want)
		}
	}
}

// Every Pod Identity role of the cluster trusts EKS Pod Identity of this cluster only.
func TestPodIdentityRolesTrustThisClusterOnly(t *testing.T) {
	args := fullArgs()
	doc := buildOutputs(t, args)
	arn := doc.Outputs["clusterArn"]
	if arn != "arn:aws:eks:eu-west-1:111122223333:cluster/prod" {
		t.Fatalf("clusterArn output %v", arn)
	}
	n := 0
	for _, r := range doc.Find("aws:iam/role:Role") {
		if !strings.HasPrefix(r.Name, "prod-pod-") {
			continue
		}
		n++
		tr := parsePolicy(t, r.Inputs["assumeRolePolicy"]).Statement[0]
		if tr.Principal["Service"] != "pods.eks.amazonaws.com" || tr.Condition["StringEquals"]["aws:SourceAccount"] != "111122223333" {
			t.Errorf("%s trust %+v", r.Name, tr)
		}
		src, _ := tr.Condition["ArnLike"]["aws:SourceArn"].([]any)
		if len(src) != 2 || src[0] != arn || src[1] != "arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/*" {
			t.Errorf("%s aws:SourceArn %v", r.Name, src)
		}
	}
	// the EBS CSI driver's, the configured one and the termination handler's
	if n != 3 {
		t.Errorf("%d Pod Identity roles, want 3", n)
	}
}

func TestNodeAndAddonValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*ClusterArgs)
		want   string
	}{
		{"bottlerocket self-managed", func(a *ClusterArgs) {
			g := selfGroup()
			g.AMIType = "BOTTLEROCKET_x86_64"
			a.NodeGroups = []NodeGroup{g}
		},
			`NodeGroups[0].AMIType: "BOTTLEROCKET_x86_64" is refused on a SelfManaged group: its user data is AL2023's nodeadm NodeConfig`},
		{"bottlerocket managed", func(a *ClusterArgs) {
			a.NodeGroups[0].AMIType, a.NodeGroups[0].ReleaseVersion = "BOTTLEROCKET_x86_64", "1.20.3-5d9ac849"
		}, ""},
		{"max unavailable over max size", func(a *ClusterArgs) { a.NodeGroups[0].MaxUnavailable = 5 }, "NodeGroups[0].MaxUnavailable: 5 must be from 1 to MaxSize 4"},
		{"max unavailable at max size", func(a *ClusterArgs) { a.NodeGroups[0].MaxUnavailable = 4 }, ""},
		{"configuration of an unknown add-on", func(a *ClusterArgs) { a.AddonConfiguration = map[string]string{"core-dns": "{}"} },
			`AddonConfiguration["core-dns"]: "core-dns" is not a core add-on of the cluster`},
		{"configuration not JSON", func(a *ClusterArgs) { a.AddonConfiguration = map[string]string{"coredns": "replicaCount: 3"} },
			`AddonConfiguration["coredns"]: "replicaCount: 3" is not JSON`},
		{"configuration an array", func(a *ClusterArgs) { a.AddonConfiguration = map[string]string{"coredns": "[1]"} },
			`AddonConfiguration["coredns"]: "[1]" is not a JSON object`},
		{"configuration two values", func(a *ClusterArgs) { a.AddonConfiguration = map[string]string{"coredns": "{} {}"} },
			`AddonConfiguration["coredns"]: "{} {}" has more than one JSON value`},
		{"configuration ok", func(a *ClusterArgs) {
			a.AddonConfiguration = map[string]string{"vpc-cni": `{"env":{"WARM_PREFIX_TARGET":"2"}}`}
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}
