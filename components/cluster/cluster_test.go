package cluster

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
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
		Version: "1.33", VPCID: pulumi.String("vpc-0123"), VPCCIDR: pulumi.String("10.30.0.0/16"),
		SubnetIDs:  pulumi.StringArray{pulumi.String("subnet-a"), pulumi.String("subnet-b")},
		NodeGroups: []NodeGroup{managedGroup()},
	}
}

func TestDefaults(t *testing.T) {
	a := baseArgs().withDefaults()
	g := a.NodeGroups[0]
	if !slices.Equal(a.LogTypes, []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}) || a.LogRetentionDays != 90 || a.UpgradePolicy != "STANDARD" {
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
		{"floating version", func(a *ClusterArgs) { a.Version = "" }, `Version: "" is not a supported Kubernetes version (allowed: 1.32, 1.33, 1.34; nothing floats)`},
		{"unknown version", func(a *ClusterArgs) { a.Version = "1.21" }, `Version: "1.21" is not a supported Kubernetes version`},
		{"addon missing", func(a *ClusterArgs) {
			addonVersions["9.99"] = map[string]string{"vpc-cni": "v1"}
			a.Version = "9.99"
		}, "no pinned version of kube-proxy for Kubernetes 9.99"},
		{"no node groups", func(a *ClusterArgs) { a.NodeGroups = nil }, "at least one node group is required"},
		{"public without cidrs", func(a *ClusterArgs) { a.EndpointPublicAccess = true }, "PublicAccessCIDRs: required when EndpointPublicAccess is true"},
		{"cidrs without public", func(a *ClusterArgs) { a.PublicAccessCIDRs = []string{"10.0.0.0/8"} }, "EndpointPublicAccess is false"},
		{"bad log type", func(a *ClusterArgs) { a.LogTypes = []string{"everything"} }, `LogTypes[0]: "everything" is not a control-plane log type`},
		{"upgrade policy", func(a *ClusterArgs) { a.UpgradePolicy = "LTS" }, `UpgradePolicy: "LTS" is not an upgrade policy`},
		{"min over max", func(a *ClusterArgs) { a.NodeGroups[0].MinSize = 5 }, "NodeGroups[0].MinSize: 5 must be between 0 and MaxSize 4"},
		{"desired outside", func(a *ClusterArgs) { a.NodeGroups[0].DesiredSize = 9 }, "NodeGroups[0].DesiredSize: 9 is outside"},
		{"unpinned managed", func(a *ClusterArgs) { a.NodeGroups[0].ReleaseVersion = "" }, "NodeGroups[0].ReleaseVersion: is required for a Managed group"},
		{"self-managed without ami", func(a *ClusterArgs) { g := selfGroup(); g.AMIID = ""; a.NodeGroups = []NodeGroup{g} }, `NodeGroups[0].AMIID: "" is not an AMI id`},
		{"bad kind", func(a *ClusterArgs) { a.NodeGroups[0].Kind = "Fargate" }, `NodeGroups[0].Kind: "Fargate" is not a node group kind`},
		{"hop limit", func(a *ClusterArgs) { a.NodeGroups[0].MetadataHopLimit = 3 }, "NodeGroups[0].MetadataHopLimit: 3 must be 1 or 2"},
		{"taint effect", func(a *ClusterArgs) { a.NodeGroups[0].Taints = []Taint{{Key: "k", Effect: "NoSchedule"}} }, "NodeGroups[0].Taints[0]: \"k\" needs a key and an effect"},
		{"duplicate group", func(a *ClusterArgs) { a.NodeGroups = append(a.NodeGroups, managedGroup()) }, `NodeGroups[1].Name: "general" is used by another node group`},
		{"release for another Kubernetes version", func(a *ClusterArgs) { a.NodeGroups[0].ReleaseVersion = "1.31.7-20250620" },
			`NodeGroups[0].ReleaseVersion: "1.31.7-20250620" is not a release for Kubernetes 1.33`},
		{"bottlerocket release is its OS version", func(a *ClusterArgs) {
			a.NodeGroups[0].AMIType, a.NodeGroups[0].ReleaseVersion = "BOTTLEROCKET_x86_64", "1.20.3-5d9ac849"
		}, ""},
		{"ami on a managed group", func(a *ClusterArgs) { a.NodeGroups[0].AMIID = "ami-0c4f2e8a91d3b5e70" }, `NodeGroups[0].AMIID: "ami-0c4f2e8a91d3b5e70" is set on a Managed group`},
		{"add-on key typo", func(a *ClusterArgs) { a.AddonVersions = map[string]string{"corends": "v1.12.4-eksbuild.1"} },
			`AddonVersions["corends"]: "corends" is not a core add-on of the cluster (allowed: vpc-cni, kube-proxy`},
		{"add-on version shape", func(a *ClusterArgs) { a.AddonVersions = map[string]string{"coredns": "latest"} },
			`AddonVersions["coredns"]: "latest" is not an EKS add-on version`},
		{"kube-proxy for another version", func(a *ClusterArgs) { a.AddonVersions = map[string]string{"kube-proxy": "v1.31.3-eksbuild.2"} },
			`AddonVersions["kube-proxy"]: "v1.31.3-eksbuild.2" is kube-proxy for another Kubernetes version than Version 1.33`},
		{"retention CloudWatch refuses", func(a *ClusterArgs) { a.LogRetentionDays = 31 }, "LogRetentionDays: 31 is not a CloudWatch Logs retention"},
		{"bad principal", func(a *ClusterArgs) { a.AccessEntries = []AccessEntry{{PrincipalARN: "admin"}} }, `AccessEntries[0].PrincipalARN: "admin" is not an IAM role or user ARN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.Validate()
			delete(addonVersions, "9.99")
			if c.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want ok", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate() = %v, want %q", err, c.want)
			}
			if _, _, ok := fielderr.Split(err); !ok {
				t.Errorf("%T is not a *fielderr.Error", err)
			}
		})
	}
	if err := baseArgs().Validate(); err != nil {
		t.Fatal(err)
	}
}

func build(t *testing.T, args *ClusterArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		c, err := NewCluster(ctx, "prod", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", c.Kubeconfig)
		ctx.Export("nodeRoleArns", c.NodeRoleARNs)
		ctx.Export("clusterSecurityGroupId", c.ClusterSecurityGroupID)
		ctx.Export("oidcProviderArn", c.OIDCProviderARN)
		ctx.Export("oidcIssuerUrl", c.OIDCIssuerURL)
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
		if got := c.Inputs["enabledClusterLogTypes"]; fmt.Sprint(got) != "[api audit authenticator controllerManager scheduler]" {
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
		if entry == nil || entry.Inputs["type"] != "EC2_LINUX" || !slices.Contains(asg.Dependencies, entry.URN) {
			t.Errorf("self-managed nodes have no EC2_LINUX access entry before they launch: %v", entry)
		}
	}
}

func TestSecurityGroupRulesDescribed(t *testing.T) {
	doc := build(t, baseArgs(), true)
	if e := doc.Get("aws:eks/accessEntry:AccessEntry", "prod-access-nodes"); e != nil {
		t.Errorf("managed-only cluster has an EC2_LINUX entry: EKS makes its own")
	}
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
	if arn, _ := doc.Outputs["oidcProviderArn"].(string); !strings.HasPrefix(arn, "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/") {
		t.Errorf("oidcProviderArn output %v", doc.Outputs["oidcProviderArn"])
	}
	if url, _ := doc.Outputs["oidcIssuerUrl"].(string); !strings.HasPrefix(url, "https://oidc.eks.eu-west-1.amazonaws.com/id/") {
		t.Errorf("oidcIssuerUrl output %v", doc.Outputs["oidcIssuerUrl"])
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

func TestDefaultsAccessScopeAndServiceCIDR(t *testing.T) {
	a := baseArgs()
	a.AccessEntries = []AccessEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/x", AccessPolicies: []AccessPolicy{
		{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"},
		{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", Namespaces: []string{"shop"}},
	}}}
	d := a.withDefaults()
	if d.ServiceIPv4CIDR != "172.20.0.0/16" || d.AccessEntries[0].AccessPolicies[0].ScopeType != ScopeCluster || d.AccessEntries[0].AccessPolicies[1].ScopeType != ScopeNamespace {
		t.Errorf("defaults: %s %+v", d.ServiceIPv4CIDR, d.AccessEntries[0].AccessPolicies)
	}
	if a.AccessEntries[0].AccessPolicies[0].ScopeType != "" {
		t.Error("withDefaults changed the caller's args")
	}
}

func TestValidateMore(t *testing.T) {
	policy := "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
	cases := []struct {
		name   string
		mutate func(*ClusterArgs)
		want   string
	}{
		{"scope type", func(a *ClusterArgs) {
			a.AccessEntries = []AccessEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/x", AccessPolicies: []AccessPolicy{{PolicyARN: policy, ScopeType: "global"}}}}
		}, `AccessEntries[0].AccessPolicies[0].ScopeType: "global" is not an access scope (allowed: cluster, namespace)`},
		{"namespace scope without namespaces", func(a *ClusterArgs) {
			a.AccessEntries = []AccessEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/x", AccessPolicies: []AccessPolicy{{PolicyARN: policy, ScopeType: ScopeNamespace}}}}
		}, "the namespace scope needs at least one namespace"},
		{"cluster scope with namespaces", func(a *ClusterArgs) {
			a.AccessEntries = []AccessEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/x", AccessPolicies: []AccessPolicy{{PolicyARN: policy, ScopeType: ScopeCluster, Namespaces: []string{"a"}}}}}
		}, `AccessPolicies[0].Namespaces: ["a"] are set but ScopeType is cluster`},
		{"bad access policy", func(a *ClusterArgs) {
			a.AccessEntries = []AccessEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/x", AccessPolicies: []AccessPolicy{{PolicyARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}}}
		}, "is not an EKS access policy"},
		{"service cidr overlaps vpc", func(a *ClusterArgs) { a.ServiceIPv4CIDR = "10.30.128.0/20" }, "ServiceIPv4CIDR: 10.30.128.0/20 overlaps VPCCIDR 10.30.0.0/16"},
		{"service cidr size", func(a *ClusterArgs) { a.ServiceIPv4CIDR = "172.20.0.0/8" }, `ServiceIPv4CIDR: "172.20.0.0/8" is not an IPv4 CIDR from /12 to /24`},
		{"bad vpc cidr", func(a *ClusterArgs) { a.VPCCIDR = pulumi.String("10.30.0.0") }, `VPCCIDR: "10.30.0.0" is not a CIDR`},
		{"bad public cidr", func(a *ClusterArgs) { a.EndpointPublicAccess, a.PublicAccessCIDRs = true, []string{"office"} }, `PublicAccessCIDRs[0]: "office" is not a CIDR`},
		{"pod identity without policy", func(a *ClusterArgs) { a.PodIdentities = []PodIdentity{{Namespace: "shop", ServiceAccount: "api"}} }, "give ManagedPolicyARNs or PolicyJSON"},
		{"pod identity twice", func(a *ClusterArgs) {
			a.PodIdentities = []PodIdentity{{Namespace: "kube-system", ServiceAccount: "ebs-csi-controller-sa", ManagedPolicyARNs: []string{"x"}}}
		}, "kube-system/ebs-csi-controller-sa has a Pod Identity already"},
		{"ami type", func(a *ClusterArgs) { a.NodeGroups[0].AMIType = "AL2_x86_64" }, `NodeGroups[0].AMIType: "AL2_x86_64" is not an AMI type`},
		{"disk", func(a *ClusterArgs) { a.NodeGroups[0].DiskSizeGiB = 8 }, "NodeGroups[0].DiskSizeGiB: 8 is outside 20 to 16384"},
		{"no instance types", func(a *ClusterArgs) { a.NodeGroups[0].InstanceTypes = nil }, "NodeGroups[0].InstanceTypes: at least one instance type is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			if err := a.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate() = %v, want %q", err, c.want)
			}
		})
	}
}

// A given KMS key is used as is: no key is created, and nothing is protected without Protect.
func TestBringYourOwnKMSKey(t *testing.T) {
	args := baseArgs()
	args.KMSKeyARN = pulumi.String("arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab")
	doc := build(t, args, true)
	if keys := doc.Find("aws:kms/key:Key"); len(keys) != 1 || keys[0].Name != "prod-control-plane-logs" || keys[0].Protect {
		t.Errorf("keys created %v: want only the unprotected log key", names(keys))
	}
	c := doc.Find("aws:eks/cluster:Cluster")[0]
	enc := c.Inputs["encryptionConfig"].(map[string]any)["provider"].(map[string]any)
	if enc["keyArn"] != "arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab" || c.Protect {
		t.Errorf("key %v protect %v", enc, c.Protect)
	}
	knc := c.Inputs["kubernetesNetworkConfig"].(map[string]any)
	if knc["serviceIpv4Cidr"] != "172.20.0.0/16" {
		t.Errorf("service CIDR not pinned: %v", knc)
	}
}

// Self-managed nodes: the ASG propagates every tag in key order (with the termination handler's
// managed tag), the launch template tags instances, volumes and network interfaces, and the nodeadm user data names the cluster and the pinned service CIDR.
func TestSelfManagedTagsAndUserData(t *testing.T) {
	args := baseArgs()
	args.Tags = map[string]string{"Team": "platform"}
	g := selfGroup()
	g.Tags = map[string]string{"Team": "sre", "Pool": "system"}
	args.NodeGroups = []NodeGroup{g}
	doc := build(t, args, true)
	asg := doc.Get("aws:autoscaling/group:Group", "prod-system")
	var keys []string
	for _, tag := range asg.Inputs["tags"].([]any) {
		m := tag.(map[string]any)
		keys = append(keys, m["key"].(string))
		if m["propagateAtLaunch"] != true {
			t.Errorf("tag %v not propagated", m)
		}
		if m["key"] == "Team" && m["value"] != "sre" {
			t.Errorf("group tag does not win over the cluster's: %v", m)
		}
	}
	if !slices.Equal(keys, []string{"Name", "Pool", "Team", "aws-node-termination-handler/managed", "k8s.io/cluster-autoscaler/enabled", "k8s.io/cluster-autoscaler/prod", "kubernetes.io/cluster/prod"}) {
		t.Errorf("asg tag keys %v", keys)
	}
	lt := doc.Get("aws:ec2/launchTemplate:LaunchTemplate", "prod-system")
	var kinds []string
	for _, ts := range lt.Inputs["tagSpecifications"].([]any) {
		kinds = append(kinds, ts.(map[string]any)["resourceType"].(string))
	}
	if !slices.Equal(kinds, []string{"instance", "volume", "network-interface"}) {
		t.Errorf("tag specifications %v", kinds)
	}
	raw, err := base64.StdEncoding.DecodeString(lt.Inputs["userData"].(string))
	if err != nil {
		t.Fatal(err)
	}
	ud := string(raw)
	for _, want := range []string{"Content-Type: multipart/mixed", "kind: NodeConfig", "name: prod", "cidr: 172.20.0.0/16", "apiServerEndpoint: https://", "--register-with-taints=CriticalAddonsOnly=true:NoSchedule", "--node-labels=role=system"} {
		if !strings.Contains(ud, want) {
			t.Errorf("user data lacks %q:\n%s", want, ud)
		}
	}
	if !slices.Contains(asg.Dependencies, doc.Get("aws:eks/addon:Addon", "prod-vpc-cni").URN) {
		t.Error("asg does not wait for vpc-cni")
	}
	if asg.Inputs["mixedInstancesPolicy"] != nil || lt.Inputs["instanceType"] != "m6i.large" {
		t.Errorf("one instance type: mixed %v, launch template type %v", asg.Inputs["mixedInstancesPolicy"], lt.Inputs["instanceType"])
	}
}

// A self-managed group with several instance types gets a mixed-instances policy, on-demand, in
// the listed order; its launch template names no instance type.
func TestSelfManagedMixedInstances(t *testing.T) {
	args := baseArgs()
	g := selfGroup()
	g.InstanceTypes = []string{"m6i.large", "m7i.large", "m6a.large"}
	args.NodeGroups = []NodeGroup{g}
	doc := build(t, args, true)
	asg := doc.Get("aws:autoscaling/group:Group", "prod-system")
	mip, ok := asg.Inputs["mixedInstancesPolicy"].(map[string]any)
	if !ok || asg.Inputs["launchTemplate"] != nil {
		t.Fatalf("asg %v", asg.Inputs)
	}
	var types []string
	for _, o := range mip["launchTemplate"].(map[string]any)["overrides"].([]any) {
		types = append(types, o.(map[string]any)["instanceType"].(string))
	}
	dist := mip["instancesDistribution"].(map[string]any)
	if !slices.Equal(types, g.InstanceTypes) || dist["onDemandPercentageAboveBaseCapacity"] != 100.0 {
		t.Errorf("overrides %v distribution %v", types, dist)
	}
	spec := mip["launchTemplate"].(map[string]any)["launchTemplateSpecification"].(map[string]any)
	if spec["version"] != "1" || !strings.HasPrefix(spec["launchTemplateId"].(string), "lt-") {
		t.Errorf("launch template spec %v", spec)
	}
	if lt := doc.Get("aws:ec2/launchTemplate:LaunchTemplate", "prod-system"); lt.Inputs["instanceType"] != nil {
		t.Errorf("launch template pins %v", lt.Inputs["instanceType"])
	}
}

// The EBS CSI driver starts only once its Pod Identity exists, and an association only once its
// role's policies are attached.
func TestPodIdentityOrdering(t *testing.T) {
	args := baseArgs()
	args.PodIdentities = []PodIdentity{{Namespace: "shop", ServiceAccount: "orders", ManagedPolicyARNs: []string{"arn:aws:iam::111122223333:policy/orders-sqs"}, PolicyJSON: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`)}}
	doc := build(t, args, false)
	ebs := doc.Get("aws:eks/addon:Addon", "prod-aws-ebs-csi-driver")
	pia := doc.Get("aws:eks/podIdentityAssociation:PodIdentityAssociation", "prod-pod-kube-system-ebs-csi-controller-sa")
	if !slices.Contains(ebs.Dependencies, pia.URN) {
		t.Errorf("ebs csi add-on deps %v", ebs.Dependencies)
	}
	orders := doc.Get("aws:eks/podIdentityAssociation:PodIdentityAssociation", "prod-pod-shop-orders")
	att := doc.Get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "prod-pod-shop-orders-orders-sqs")
	inline := doc.Get("aws:iam/rolePolicy:RolePolicy", "prod-pod-shop-orders")
	agent := doc.Get("aws:eks/addon:Addon", "prod-eks-pod-identity-agent")
	for _, dep := range []*preview.Resource{att, inline, agent} {
		if dep == nil || !slices.Contains(orders.Dependencies, dep.URN) {
			t.Errorf("orders association does not wait for %v", dep)
		}
	}
	if orders.Inputs["namespace"] != "shop" || orders.Inputs["serviceAccount"] != "orders" {
		t.Errorf("orders association %v", orders.Inputs)
	}
}

// Not even the lookups the preview's recorder answers (caller identity, region, partition): the
// component takes everything as inputs.
func TestNoInvokeAtAll(t *testing.T) {
	args := baseArgs()
	args.EnableIRSA = true
	args.NodeGroups = []NodeGroup{managedGroup(), selfGroup()}
	calls, err := preview.Invokes(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		_, err = NewCluster(ctx, "prod", args, pulumi.Provider(p))
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Errorf("invokes: %v", calls)
	}
}
