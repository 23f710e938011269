package cluster

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

func managedGroup() NodeGroup {
	return NodeGroup{Name: "general", Kind: Managed, InstanceTypes: []string{"m6i.large"}, MinSize: 2, MaxSize: 4, ReleaseVersion: "1.33.5-20261015"}
}

func selfGroup() NodeGroup {
	return NodeGroup{Name: "system", Kind: SelfManaged, InstanceTypes: []string{"m6i.large"}, MinSize: 3, MaxSize: 6, AMIID: "ami-0c4f2e8a91d3b5e70",
		Labels: map[string]string{"role": "system"}, Taints: []Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NO_SCHEDULE"}}}
}

func baseArgs() *ClusterArgs {
	return &ClusterArgs{
		Version: "1.33", VPCID: pulumi.String("vpc-0123"), VPCCIDR: "10.30.0.0/16",
		SubnetIDs:  pulumi.StringArray{pulumi.String("subnet-a"), pulumi.String("subnet-b")},
		NodeGroups: []NodeGroup{managedGroup()},
	}
}

func TestDefaults(t *testing.T) {
	a := baseArgs().withDefaults()
	g := a.NodeGroups[0]
	if !slices.Equal(a.LogTypes, []string{"api", "audit", "authenticator"}) || a.LogRetentionDays != 90 || a.UpgradePolicy != "STANDARD" {
		t.Errorf("cluster defaults: %v %d %s", a.LogTypes, a.LogRetentionDays, a.UpgradePolicy)
	}
	if g.AMIType != "AL2023_x86_64_STANDARD" || g.DesiredSize != 2 || g.MaxUnavailable != 1 || g.DiskSizeGiB != 50 || g.MetadataHopLimit != 1 {
		t.Errorf("node group defaults: %+v", g)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*ClusterArgs)
		want   string
	}{
		{"floating version", func(a *ClusterArgs) { a.Version = "" }, `Version "" is not supported (allowed: 1.32, 1.33, 1.34)`},
		{"unknown version", func(a *ClusterArgs) { a.Version = "1.21" }, `Version "1.21" is not supported`},
		{"addon missing", func(a *ClusterArgs) {
			addonVersions["9.99"] = map[string]string{"vpc-cni": "v1"}
			a.Version = "9.99"
		}, "no pinned version of kube-proxy for Kubernetes 9.99"},
		{"no node groups", func(a *ClusterArgs) { a.NodeGroups = nil }, "at least one node group is required"},
		{"public without cidrs", func(a *ClusterArgs) { a.EndpointPublicAccess = true }, "a public endpoint needs the CIDRs"},
		{"cidrs without public", func(a *ClusterArgs) { a.PublicAccessCIDRs = []string{"10.0.0.0/8"} }, "EndpointPublicAccess is false"},
		{"bad log type", func(a *ClusterArgs) { a.LogTypes = []string{"everything"} }, `LogTypes: "everything"`},
		{"upgrade policy", func(a *ClusterArgs) { a.UpgradePolicy = "LTS" }, `UpgradePolicy "LTS"`},
		{"min over max", func(a *ClusterArgs) { a.NodeGroups[0].MinSize = 5 }, "NodeGroups[0]: sizes min 5 max 4"},
		{"desired outside", func(a *ClusterArgs) { a.NodeGroups[0].DesiredSize = 9 }, "DesiredSize 9 is outside"},
		{"unpinned managed", func(a *ClusterArgs) { a.NodeGroups[0].ReleaseVersion = "" }, "ReleaseVersion is required"},
		{"self-managed without ami", func(a *ClusterArgs) { g := selfGroup(); g.AMIID = ""; a.NodeGroups = []NodeGroup{g} }, `AMIID ""`},
		{"bad kind", func(a *ClusterArgs) { a.NodeGroups[0].Kind = "Fargate" }, `Kind "Fargate"`},
		{"hop limit", func(a *ClusterArgs) { a.NodeGroups[0].MetadataHopLimit = 3 }, "MetadataHopLimit 3"},
		{"taint effect", func(a *ClusterArgs) { a.NodeGroups[0].Taints = []Taint{{Key: "k", Effect: "NoSchedule"}} }, "Taints"},
		{"duplicate group", func(a *ClusterArgs) { a.NodeGroups = append(a.NodeGroups, managedGroup()) }, `NodeGroups[1].Name "general" is used twice`},
		{"bad principal", func(a *ClusterArgs) { a.AccessEntries = []AccessEntry{{PrincipalARN: "admin"}} }, `AccessEntries[0].PrincipalARN "admin"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.withDefaults().validate()
			delete(addonVersions, "9.99")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("validate() = %v, want %q", err, c.want)
			}
		})
	}
	if err := baseArgs().withDefaults().validate(); err != nil {
		t.Fatal(err)
	}
}

func build(t *testing.T, args *ClusterArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		c, err := NewCluster(ctx, "prod", args, pulumi.Provider(p))
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", c.Kubeconfig)
		ctx.Export("nodeRoleArns", c.NodeRoleARNs)
		ctx.Export("clusterSecurityGroupId", c.ClusterSecurityGroupID)
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestControlPlane(t *testing.T) {
	args := baseArgs()
	args.Protect = true
	args.EndpointPublicAccess = true
	args.PublicAccessCIDRs = []string{"198.51.100.0/24"}
	for _, deploy := range []bool{false, true} {
		doc := build(t, args, deploy)
		cls := doc.Find("aws:eks/cluster:Cluster")
		if len(cls) != 1 {
			t.Fatalf("%d clusters", len(cls))
		}
		c := cls[0]
		comp := doc.Get(clusterType, "prod")
		if c.Parent != comp.URN || !c.Protect || c.Inputs["version"] != "1.33" || c.Inputs["bootstrapSelfManagedAddons"] != false {
			t.Errorf("cluster: parent %s protect %v inputs %v", c.Parent, c.Protect, c.Inputs)
		}
		vpc := c.Inputs["vpcConfig"].(map[string]any)
		if vpc["endpointPrivateAccess"] != true || vpc["endpointPublicAccess"] != true || vpc["publicAccessCidrs"].([]any)[0] != "198.51.100.0/24" {
			t.Errorf("vpcConfig %v", vpc)
		}
		ac := c.Inputs["accessConfig"].(map[string]any)
		if ac["authenticationMode"] != "API" || ac["bootstrapClusterCreatorAdminPermissions"] != false {
			t.Errorf("accessConfig %v", ac)
		}
		enc := c.Inputs["encryptionConfig"].(map[string]any)
		if enc["resources"].([]any)[0] != "secrets" || !strings.HasPrefix(enc["provider"].(map[string]any)["keyArn"].(string), "arn:aws:kms:") {
			t.Errorf("encryption %v", enc)
		}
		if got := c.Inputs["enabledClusterLogTypes"]; len(got.([]any)) != 3 {
			t.Errorf("log types %v", got)
		}
		key := doc.Get("aws:kms/key:Key", "prod-secrets")
		if key.Inputs["enableKeyRotation"] != true || !key.Protect {
			t.Errorf("kms key %v protect %v", key.Inputs, key.Protect)
		}
		lg := doc.Get("aws:cloudwatch/logGroup:LogGroup", "prod-control-plane")
		if lg.Inputs["name"] != "/aws/eks/prod/cluster" || lg.Inputs["retentionInDays"] != 90.0 || !slices.Contains(c.Dependencies, lg.URN) {
			t.Errorf("log group %v, cluster deps %v", lg.Inputs, c.Dependencies)
		}
		if kc := doc.Outputs["kubeconfig"]; kc != preview.Secret {
			t.Errorf("kubeconfig output is not secret: %v", kc)
		}
	}
}

func policies(doc *preview.Document, rolePrefix string) []string {
	var out []string
	for _, a := range doc.Find("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if strings.HasPrefix(a.Name, rolePrefix+"-") {
			out = append(out, strings.TrimPrefix(a.Inputs["policyArn"].(string), "arn:aws:iam::aws:policy/"))
		}
	}
	slices.Sort(out)
	return out
}

func TestRolesHaveOnlyTheNeededPolicies(t *testing.T) {
	doc := build(t, baseArgs(), false)
	if got := policies(doc, "prod-cluster"); !slices.Equal(got, []string{"AmazonEKSClusterPolicy"}) {
		t.Errorf("cluster role policies %v", got)
	}
	want := []string{"AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore"}
	if got := policies(doc, "prod-nodes"); !slices.Equal(got, want) {
		t.Errorf("node role policies %v", got)
	}
	var trust struct {
		Statement []struct{ Principal map[string]string }
	}
	_ = json.Unmarshal([]byte(doc.Get("aws:iam/role:Role", "prod-cluster").Inputs["assumeRolePolicy"].(string)), &trust)
	if trust.Statement[0].Principal["Service"] != "eks.amazonaws.com" {
		t.Errorf("cluster trust %+v", trust)
	}
}

func TestAddonsPinnedAndOrdered(t *testing.T) {
	args := baseArgs()
	args.NodeGroups = []NodeGroup{managedGroup(), selfGroup()}
	doc := build(t, args, false)
	addons := map[string]*preview.Resource{}
	for _, a := range doc.Find("aws:eks/addon:Addon") {
		addons[a.Inputs["addonName"].(string)] = a
	}
	for _, name := range CoreAddons {
		a := addons[name]
		if a == nil || a.Inputs["addonVersion"] != addonVersions["1.33"][name] {
			t.Fatalf("add-on %s: %v", name, a)
		}
	}
	cni := addons["vpc-cni"].URN
	for _, typ := range []string{"aws:eks/nodeGroup:NodeGroup", "aws:autoscaling/group:Group"} {
		for _, n := range doc.Find(typ) {
			if !slices.Contains(n.Dependencies, cni) {
				t.Errorf("%s %s joins before vpc-cni", typ, n.Name)
			}
		}
	}
	ng := doc.Find("aws:eks/nodeGroup:NodeGroup")[0]
	if !slices.Contains(addons["coredns"].Dependencies, ng.URN) {
		t.Errorf("coredns does not wait for nodes")
	}
	pia := doc.Get("aws:eks/podIdentityAssociation:PodIdentityAssociation", "prod-pod-kube-system-ebs-csi-controller-sa")
	if pia == nil || pia.Inputs["serviceAccount"] != "ebs-csi-controller-sa" {
		t.Fatalf("ebs csi pod identity %v", pia)
	}
	if got := policies(doc, "prod-pod-kube-system-ebs-csi-controller-sa"); !slices.Equal(got, []string{"service-role/AmazonEBSCSIDriverPolicy"}) {
		t.Errorf("ebs csi role policies %v", got)
	}
}

func TestNodeGroups(t *testing.T) {
	args := baseArgs()
	sg := selfGroup()
	sg.MetadataHopLimit = 2
	args.NodeGroups = []NodeGroup{managedGroup(), sg}
	for _, deploy := range []bool{false, true} {
		doc := build(t, args, deploy)
		for _, lt := range doc.Find("aws:ec2/launchTemplate:LaunchTemplate") {
			md := lt.Inputs["metadataOptions"].(map[string]any)
			hop := 1.0
			if lt.Name == "prod-system" {
				hop = 2
			}
			if md["httpTokens"] != "required" || md["httpPutResponseHopLimit"] != hop {
				t.Errorf("%s metadata %v", lt.Name, md)
			}
			ebs := lt.Inputs["blockDeviceMappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any)
			if ebs["encrypted"] != "true" || ebs["volumeType"] != "gp3" || ebs["volumeSize"] != 50.0 {
				t.Errorf("%s root volume %v", lt.Name, ebs)
			}
		}
		ng := doc.Get("aws:eks/nodeGroup:NodeGroup", "prod-general")
		if !slices.Equal(ng.IgnoreChanges, []string{"scalingConfig.desiredSize"}) || ng.Inputs["releaseVersion"] != "1.33.5-20261015" ||
			ng.Inputs["updateConfig"].(map[string]any)["maxUnavailable"] != 1.0 || ng.Inputs["amiType"] != "AL2023_x86_64_STANDARD" {
			t.Errorf("managed group %v ignore %v", ng.Inputs, ng.IgnoreChanges)
		}
		asg := doc.Get("aws:autoscaling/group:Group", "prod-system")
		ir := asg.Inputs["instanceRefresh"].(map[string]any)
		if ir["strategy"] != "Rolling" || !slices.Equal(asg.IgnoreChanges, []string{"desiredCapacity"}) || asg.Inputs["desiredCapacity"] != 3.0 {
			t.Errorf("asg %v ignore %v", asg.Inputs, asg.IgnoreChanges)
		}
		lt := doc.Get("aws:ec2/launchTemplate:LaunchTemplate", "prod-system")
		if lt.Inputs["imageId"] != "ami-0c4f2e8a91d3b5e70" {
			t.Errorf("self-managed AMI not pinned: %v", lt.Inputs["imageId"])
		}
		entry := doc.Get("aws:eks/accessEntry:AccessEntry", "prod-access-nodes")
		if entry == nil || entry.Inputs["type"] != "EC2_LINUX" {
			t.Errorf("self-managed nodes have no EC2_LINUX access entry: %v", entry)
		}
	}
}

func TestSecurityGroupRulesDescribed(t *testing.T) {
	doc := build(t, baseArgs(), true)
	rules := append(doc.Find("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), doc.Find("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")...)
	if len(rules) != 5 {
		t.Fatalf("%d rules", len(rules))
	}
	for _, r := range rules {
		if d, _ := r.Inputs["description"].(string); d == "" {
			t.Errorf("%s has no description", r.Name)
		}
		if r.Type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.Inputs["cidrIpv4"] != nil {
			t.Errorf("%s admits a CIDR instead of a security group", r.Name)
		}
	}
	kubelet := doc.Get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-cp-to-kubelet")
	if kubelet.Inputs["fromPort"] != 10250.0 || !strings.HasPrefix(kubelet.Inputs["referencedSecurityGroupId"].(string), "sg-") {
		t.Errorf("kubelet rule %v", kubelet.Inputs)
	}
}

func TestAccessEntriesAndIRSA(t *testing.T) {
	args := baseArgs()
	args.EnableIRSA = true
	args.AccessEntries = []AccessEntry{
		{PrincipalARN: "arn:aws:iam::111122223333:role/deploy", AccessPolicies: []AccessPolicy{{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}}},
		{PrincipalARN: "arn:aws:iam::111122223333:role/team", AccessPolicies: []AccessPolicy{{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", Namespaces: []string{"shop"}}}},
	}
	doc := build(t, args, true)
	assoc := doc.Find("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
	if len(assoc) != 2 {
		t.Fatalf("%d associations", len(assoc))
	}
	if s := assoc[0].Inputs["accessScope"].(map[string]any); s["type"] != "cluster" {
		t.Errorf("admin scope %v", s)
	}
	if s := assoc[1].Inputs["accessScope"].(map[string]any); s["type"] != "namespace" || s["namespaces"].([]any)[0] != "shop" {
		t.Errorf("team scope %v", s)
	}
	oidc := doc.Find("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
	if len(oidc) != 1 || !strings.HasPrefix(oidc[0].Inputs["url"].(string), "https://oidc.eks.eu-west-1.amazonaws.com/id/") {
		t.Errorf("oidc provider %v", oidc)
	}
	// the Kubernetes provider waits for the nodes, so add-ons never start on an empty cluster
	k8s := doc.Find("pulumi:providers:kubernetes")
	if len(k8s) != 1 || k8s[0].Inputs["kubeconfig"] != preview.Secret {
		t.Errorf("kubernetes provider %v", k8s)
	}
}

func TestKubeconfigIsStable(t *testing.T) {
	a := kubeconfig("prod", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1")
	if a != kubeconfig("prod", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1") || !strings.Contains(a, `"get-token","--cluster-name","prod","--region","eu-west-1"`) {
		t.Errorf("kubeconfig %s", a)
	}
	if regionOf("arn:aws:eks:eu-west-1:111122223333:cluster/prod") != "eu-west-1" {
		t.Error("regionOf")
	}
}

// No lookup anywhere: the mock recorder fails the run on any invoke it does not know, and the
// component must not need one.
func TestNoLookups(t *testing.T) {
	args := baseArgs()
	args.NodeGroups = []NodeGroup{managedGroup(), selfGroup()}
	build(t, args, false)
}
