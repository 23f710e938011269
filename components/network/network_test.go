package network

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/preview"
)

func baseArgs(azs ...string) *NetworkArgs {
	return &NetworkArgs{Region: "eu-west-1", CIDRBlock: "10.30.0.0/16", AvailabilityZones: azs}
}

func TestDefaults(t *testing.T) {
	a := baseArgs("eu-west-1c", "eu-west-1a").withDefaults()
	if a.NATStrategy != NATOnePerAZ || a.FlowLogRetentionDays != 365 {
		t.Errorf("defaults: nat %s retention %d", a.NATStrategy, a.FlowLogRetentionDays)
	}
	if !slices.Equal(a.AvailabilityZones, []string{"eu-west-1a", "eu-west-1c"}) {
		t.Errorf("AZs not sorted: %v", a.AvailabilityZones)
	}
	var nilArgs *NetworkArgs
	if err := nilArgs.Validate(); err == nil || !strings.Contains(err.Error(), "Region: is required") {
		t.Errorf("nil args: %v", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*NetworkArgs)
		want   string
	}{
		{"bad cidr", func(a *NetworkArgs) { a.CIDRBlock = "10.0.0.0" }, `CIDRBlock: "10.0.0.0" is not a CIDR`},
		{"small cidr", func(a *NetworkArgs) { a.CIDRBlock = "10.0.0.0/24" }, "CIDRBlock: 10.0.0.0/24 is a /24"},
		{"one az", func(a *NetworkArgs) { a.AvailabilityZones = a.AvailabilityZones[:1] }, "need at least 2 distinct zones"},
		{"foreign az", func(a *NetworkArgs) { a.AvailabilityZones = []string{"eu-west-1a", "us-east-1b"} }, `AvailabilityZones: "us-east-1b" is not a zone of region eu-west-1`},
		{"zone letter beyond the plan", func(a *NetworkArgs) { a.AvailabilityZones = []string{"eu-west-1a", "eu-west-1g"} }, `"eu-west-1g" is not a zone of region eu-west-1 (allowed: eu-west-1a to eu-west-1f)`},
		{"duplicate az", func(a *NetworkArgs) { a.AvailabilityZones = []string{"eu-west-1a", "eu-west-1a"} }, "listed twice"},
		{"nat", func(a *NetworkArgs) { a.NATStrategy = "Many" }, `NATStrategy: "Many" is not a NAT strategy`},
		{"eips count", func(a *NetworkArgs) { a.NATEIPAllocationIDs = []string{"eipalloc-0123456789abcdef0"} }, "NATEIPAllocationIDs: lists 1 allocation id(s)"},
		{"eip shape", func(a *NetworkArgs) {
			a.NATStrategy, a.NATEIPAllocationIDs = NATSingle, []string{"eip-1"}
		}, `NATEIPAllocationIDs[0]: "eip-1" is not an Elastic IP allocation id`},
		{"db egress", func(a *NetworkArgs) { a.NATStrategy, a.DatabaseEgress = NATNone, true }, "DatabaseEgress: true needs a NAT gateway"},
		{"endpoint", func(a *NetworkArgs) { a.InterfaceEndpoints = []string{"s3"} }, `InterfaceEndpoints[0]: "s3" is not a supported interface endpoint`},
		{"endpoint twice", func(a *NetworkArgs) { a.InterfaceEndpoints = []string{"sts", "sts"} }, `InterfaceEndpoints[1]: "sts" is listed twice`},
		{"retention CloudWatch refuses", func(a *NetworkArgs) { a.FlowLogRetentionDays = 31 }, "FlowLogRetentionDays: 31 is not a CloudWatch Logs retention (allowed: 1, 3, 5"},
		{"retention negative", func(a *NetworkArgs) { a.FlowLogRetentionDays = -1 }, "FlowLogRetentionDays: -1 is not a CloudWatch Logs retention"},
		{"zone name", func(a *NetworkArgs) { a.PrivateZoneName = "Internal" }, `PrivateZoneName: "Internal" is not a fully qualified domain`},
		{"client cidr not a cidr", func(a *NetworkArgs) { a.EndpointClientCIDRs = []string{"10.99.0.0"} }, `EndpointClientCIDRs[0]: "10.99.0.0" is not an IPv4 CIDR`},
		{"client cidr ipv6", func(a *NetworkArgs) { a.EndpointClientCIDRs = []string{"fd00::/64"} }, `EndpointClientCIDRs[0]: "fd00::/64" is not an IPv4 CIDR`},
		{"client cidr host bits", func(a *NetworkArgs) { a.EndpointClientCIDRs = []string{"10.99.0.1/24"} }, "EndpointClientCIDRs[0]: 10.99.0.1/24 is not a network address (did you mean 10.99.0.0/24?)"},
		{"client cidr the internet", func(a *NetworkArgs) { a.EndpointClientCIDRs = []string{"0.0.0.0/0"} }, "EndpointClientCIDRs[0]: 0.0.0.0/0 is a /0: allowed are /8 to /32"},
		{"client cidr inside the vpc", func(a *NetworkArgs) { a.EndpointClientCIDRs = []string{"10.99.0.0/24", "10.30.200.0/24"} }, "EndpointClientCIDRs[1]: 10.30.200.0/24 overlaps CIDRBlock 10.30.0.0/16"},
		{"client cidr twice", func(a *NetworkArgs) { a.EndpointClientCIDRs = []string{"10.99.0.0/24", "10.99.0.0/24"} }, "EndpointClientCIDRs[1]: 10.99.0.0/24 is listed twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs("eu-west-1a", "eu-west-1b")
			c.mutate(a)
			err := a.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate() = %v, want %q", err, c.want)
			}
			if _, _, ok := fielderr.Split(err); !ok {
				t.Errorf("Validate() = %T, want a *fielderr.Error naming the field", err)
			}
			// the constructor refuses the same Args before registering anything
			if _, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
				_, err := NewNetwork(ctx, "prod", a, p)
				return err
			}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: "111122223333"}); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("NewNetwork = %v, want %q", err, c.want)
			}
		})
	}
	if err := baseArgs("eu-west-1a", "eu-west-1b").Validate(); err != nil {
		t.Fatalf("valid args rejected: %v", err)
	}
	ok := baseArgs("eu-west-1a", "eu-west-1b")
	ok.EndpointClientCIDRs = []string{"10.99.0.0/24", "192.168.7.7/32"}
	ok.InterfaceEndpoints = []string{"eks-auth", "sts"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("client ranges outside the VPC and eks-auth rejected: %v", err)
	}
}

// EKS Pod Identity's endpoint is one the network creates (NAT-less stacks need it): named like
// the others, with private DNS, in the endpoints' group.
func TestEKSAuthEndpoint(t *testing.T) {
	if !slices.Contains(OptionalEndpoints, "eks-auth") {
		t.Fatalf("OptionalEndpoints %v lacks eks-auth", OptionalEndpoints)
	}
	args := baseArgs("eu-west-1a", "eu-west-1b")
	args.NATStrategy = NATNone
	args.InterfaceEndpoints = []string{"eks-auth"}
	for _, deploy := range []bool{false, true} {
		doc := build(t, args, deploy)
		e := doc.Get("aws:ec2/vpcEndpoint:VpcEndpoint", "prod-endpoint-eks-auth")
		if e == nil {
			t.Fatalf("deploy=%v: no prod-endpoint-eks-auth", deploy)
		}
		if e.Inputs["serviceName"] != "com.amazonaws.eu-west-1.eks-auth" || e.Inputs["privateDnsEnabled"] != true || e.Inputs["vpcEndpointType"] != "Interface" {
			t.Errorf("deploy=%v: eks-auth endpoint %v", deploy, e.Inputs)
		}
		sg := doc.Get("aws:ec2/securityGroup:SecurityGroup", "prod-endpoints")
		if deploy && !slices.Contains(e.Dependencies, sg.URN) {
			t.Errorf("eks-auth endpoint is not in the endpoints' security group: %v", e.Dependencies)
		}
	}
}

// Routed client ranges (VPN clients) reach the endpoints on 443: one rule per range on the
// endpoints' group, beside the VPC's rule, which stays as it was; without ranges there is no
// such rule.
func TestEndpointClientRules(t *testing.T) {
	const ingress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	rules := func(doc *preview.Document) []*preview.Resource {
		var out []*preview.Resource
		for _, r := range doc.Find(ingress) {
			if strings.HasPrefix(r.Name, "prod-endpoints-https-client-") {
				out = append(out, r)
			}
		}
		return out
	}
	plain := build(t, baseArgs("eu-west-1a", "eu-west-1b"), true)
	if got := rules(plain); len(got) != 0 {
		t.Errorf("client rules without EndpointClientCIDRs: %v", names(got))
	}
	vpcRule := plain.Get(ingress, "prod-endpoints-https")

	args := baseArgs("eu-west-1a", "eu-west-1b")
	args.EndpointClientCIDRs = []string{"10.99.0.0/24", "172.16.10.0/24"}
	for _, deploy := range []bool{false, true} {
		doc := build(t, args, deploy)
		got := rules(doc)
		if len(got) != 2 {
			t.Fatalf("deploy=%v: client rules %v, want 2", deploy, names(got))
		}
		sg := doc.Get("aws:ec2/securityGroup:SecurityGroup", "prod-endpoints")
		for i, cidr := range args.EndpointClientCIDRs {
			r := doc.Get(ingress, fmt.Sprintf("prod-endpoints-https-client-%d", i))
			in := r.Inputs
			if in["cidrIpv4"] != cidr || in["ipProtocol"] != "tcp" || in["fromPort"] != 443.0 || in["toPort"] != 443.0 {
				t.Errorf("deploy=%v: rule %d %v", deploy, i, in)
			}
			if d, _ := in["description"].(string); !strings.Contains(d, cidr) {
				t.Errorf("deploy=%v: rule %d description %q", deploy, i, d)
			}
			if tags, _ := in["tags"].(map[string]any); tags["Name"] != r.Name {
				t.Errorf("deploy=%v: rule %d tags %v", deploy, i, in["tags"])
			}
			if !slices.Contains(r.Dependencies, sg.URN) {
				t.Errorf("deploy=%v: rule %d is not on the endpoints' group: %v", deploy, i, r.Dependencies)
			}
		}
		if deploy {
			// the VPC's rule is the same rule with the same inputs: nothing existing changes
			if v := doc.Get(ingress, "prod-endpoints-https"); v == nil || !reflect.DeepEqual(v.Inputs, vpcRule.Inputs) {
				t.Errorf("the VPC's rule changed: %v, was %v", v, vpcRule.Inputs)
			}
		}
	}
}

// TestRegionMustBeTheProviders: with Region and the provider's region apart, endpoint service
// names and zones would point at another region; the update fails before the VPC is created.
func TestRegionMustBeTheProviders(t *testing.T) {
	a := baseArgs("us-east-1a", "us-east-1b")
	a.Region = "us-east-1"
	for _, deploy := range []bool{false, true} {
		var created []string
		doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
			_, err := NewNetwork(ctx, "prod", a, p)
			return err
		}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
		if doc != nil {
			for _, r := range doc.Resources {
				created = append(created, r.Type)
			}
		}
		want := `Region "us-east-1" is not the region of its AWS provider (eu-west-1)`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("deploy=%v: err = %v, want %q", deploy, err, want)
		}
		if slices.Contains(created, "aws:ec2/vpc:Vpc") {
			t.Errorf("deploy=%v: the VPC was created despite the region mismatch", deploy)
		}
	}
}

// build runs a program that creates one Network under the mock recorder.
func build(t *testing.T, args *NetworkArgs, deploy bool) *preview.Document {
	t.Helper()
	var net *Network
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		var err error
		net, err = NewNetwork(ctx, "prod", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("private", net.PrivateSubnetIDs)
		ctx.Export("natIps", net.NATPublicIPs)
		ctx.Export("azs", net.AvailabilityZones)
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func names(rs []*preview.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestNetworkResourcesPerStrategy(t *testing.T) {
	cases := []struct {
		nat                      NATStrategy
		azs                      []string
		nats, privateDefault, db int
	}{
		{NATOnePerAZ, []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, 3, 3, 0},
		{NATSingle, []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, 1, 3, 0},
		{NATSingle, []string{"eu-west-1b", "eu-west-1a"}, 1, 2, 0},
		{NATNone, []string{"eu-west-1a", "eu-west-1b"}, 0, 0, 0},
	}
	for _, c := range cases {
		for _, deploy := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/%dAZ/deploy=%v", c.nat, len(c.azs), deploy), func(t *testing.T) {
				args := baseArgs(c.azs...)
				args.NATStrategy = c.nat
				doc := build(t, args, deploy)
				comp := doc.Get(networkType, "prod")
				if comp == nil {
					t.Fatal("no Network component")
				}
				n := len(c.azs)
				counts := map[string]int{
					"aws:ec2/vpc:Vpc": 1, "aws:ec2/subnet:Subnet": 3 * n, "aws:ec2/routeTable:RouteTable": 3 * n,
					"aws:ec2/routeTableAssociation:RouteTableAssociation": 3 * n,
					"aws:ec2/natGateway:NatGateway":                       c.nats, "aws:ec2/eip:Eip": c.nats,
					"aws:ec2/route:Route": n + c.privateDefault, "aws:ec2/internetGateway:InternetGateway": 1,
					"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1, "aws:ec2/flowLog:FlowLog": 1,
					"aws:ec2/vpcEndpoint:VpcEndpoint": 3,
				}
				for typ, want := range counts {
					if got := len(doc.Find(typ)); got != want {
						t.Errorf("%s: %d, want %d (%v)", typ, got, want, names(doc.Find(typ)))
					}
				}
				// every child is parented to the component and uses the explicit provider
				for _, r := range doc.Resources {
					if !r.Custom || r.Type == "pulumi:providers:aws" {
						continue
					}
					if r.Parent != comp.URN {
						t.Errorf("%s %s: parent %s", r.Type, r.Name, r.Parent)
					}
					if !strings.Contains(r.Provider, "pulumi:providers:aws::aws::") {
						t.Errorf("%s %s: provider %q", r.Type, r.Name, r.Provider)
					}
				}
				// single NAT lives in the first AZ by name, under the per-AZ name
				if c.nat == NATSingle {
					first := slices.Min(c.azs)
					if doc.Get("aws:ec2/natGateway:NatGateway", "prod-nat-"+first) == nil {
						t.Errorf("single NAT not in %s: %v", first, names(doc.Find("aws:ec2/natGateway:NatGateway")))
					}
				}
				if deploy {
					private, _ := doc.Outputs["private"].([]string)
					if len(private) != n || !strings.HasPrefix(private[0], "subnet-") {
						t.Errorf("private subnet ids output = %v", doc.Outputs["private"])
					}
				}
			})
		}
	}
}

func TestSubnetsAndTags(t *testing.T) {
	doc := build(t, baseArgs("eu-west-1a", "eu-west-1b", "eu-west-1c"), false)
	want := map[string]struct {
		cidr string
		tag  string
	}{
		"prod-public-eu-west-1a":   {"10.30.192.0/23", "kubernetes.io/role/elb"},
		"prod-private-eu-west-1b":  {"10.30.32.0/19", "kubernetes.io/role/internal-elb"},
		"prod-database-eu-west-1c": {"10.30.212.0/23", ""},
	}
	for name, w := range want {
		s := doc.Get("aws:ec2/subnet:Subnet", name)
		if s == nil {
			t.Fatalf("no subnet %s", name)
		}
		if s.Inputs["cidrBlock"] != w.cidr || s.Inputs["mapPublicIpOnLaunch"] != false {
			t.Errorf("%s: cidr %v mapPublicIp %v", name, s.Inputs["cidrBlock"], s.Inputs["mapPublicIpOnLaunch"])
		}
		tags := s.Inputs["tags"].(map[string]any)
		if tags["Name"] != name {
			t.Errorf("%s: Name tag %v", name, tags["Name"])
		}
		if w.tag != "" && tags[w.tag] != "1" {
			t.Errorf("%s: tag %s = %v", name, w.tag, tags[w.tag])
		}
		if w.tag == "" && (tags["kubernetes.io/role/elb"] != nil || tags["kubernetes.io/role/internal-elb"] != nil) {
			t.Errorf("%s: database subnet carries a load balancer role tag", name)
		}
	}
	vpc := doc.Get("aws:ec2/vpc:Vpc", "prod-vpc")
	if vpc.Inputs["enableDnsSupport"] != true || vpc.Inputs["enableDnsHostnames"] != true {
		t.Errorf("vpc dns: %v", vpc.Inputs)
	}
	dsg := doc.Get("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "prod-default-sg")
	if dsg.Inputs["ingress"] != nil || dsg.Inputs["egress"] != nil {
		t.Errorf("default security group has rules: %v", dsg.Inputs)
	}
}

func TestRoutes(t *testing.T) {
	args := baseArgs("eu-west-1a", "eu-west-1b")
	args.DatabaseEgress = true
	doc := build(t, args, true)
	routes := map[string]*preview.Resource{}
	for _, r := range doc.Find("aws:ec2/route:Route") {
		routes[r.Name] = r
	}
	if len(routes) != 6 {
		t.Fatalf("routes: %v", names(doc.Find("aws:ec2/route:Route")))
	}
	for name, r := range routes {
		if r.Inputs["destinationCidrBlock"] != "0.0.0.0/0" {
			t.Errorf("%s: destination %v", name, r.Inputs["destinationCidrBlock"])
		}
		public := strings.Contains(name, "-public-")
		_, viaIGW := r.Inputs["gatewayId"].(string)
		nat, viaNAT := r.Inputs["natGatewayId"].(string)
		if public != viaIGW || public == viaNAT {
			t.Errorf("%s: gateway %v nat %v", name, r.Inputs["gatewayId"], r.Inputs["natGatewayId"])
		}
		if viaNAT && !strings.HasPrefix(nat, "nat-") {
			t.Errorf("%s: nat id %q", name, nat)
		}
	}
	// each AZ's private route goes to that AZ's NAT
	natIDs := map[string]bool{}
	for _, az := range []string{"eu-west-1a", "eu-west-1b"} {
		natIDs[routes["prod-private-rt-"+az+"-default"].Inputs["natGatewayId"].(string)] = true
	}
	if len(natIDs) != 2 {
		t.Errorf("private routes share a NAT with OnePerAZ: %v", natIDs)
	}
	// without DatabaseEgress the database tier has no internet route
	doc = build(t, baseArgs("eu-west-1a", "eu-west-1b"), false)
	for _, r := range doc.Find("aws:ec2/route:Route") {
		if strings.Contains(r.Name, "-database-") {
			t.Errorf("database route %s without DatabaseEgress", r.Name)
		}
	}
}

func TestEndpointsAndFlowLogs(t *testing.T) {
	args := baseArgs("eu-west-1a", "eu-west-1b")
	args.InterfaceEndpoints = []string{"sts", "ssm"}
	args.FlowLogRetentionDays = 90
	doc := build(t, args, true)

	s3 := doc.Get("aws:ec2/vpcEndpoint:VpcEndpoint", "prod-endpoint-s3")
	if s3.Inputs["vpcEndpointType"] != "Gateway" || s3.Inputs["serviceName"] != "com.amazonaws.eu-west-1.s3" {
		t.Errorf("s3 endpoint: %v", s3.Inputs)
	}
	if rts := s3.Inputs["routeTableIds"].([]any); len(rts) != 4 { // private + database, 2 AZs
		t.Errorf("s3 endpoint route tables: %v", rts)
	}
	for _, svc := range []string{"ecr-api", "ecr-dkr", "sts", "ssm"} {
		e := doc.Get("aws:ec2/vpcEndpoint:VpcEndpoint", "prod-endpoint-"+svc)
		if e == nil {
			t.Fatalf("no %s endpoint", svc)
		}
		if e.Inputs["privateDnsEnabled"] != true || e.Inputs["vpcEndpointType"] != "Interface" || len(e.Inputs["subnetIds"].([]any)) != 2 {
			t.Errorf("%s endpoint: %v", svc, e.Inputs)
		}
	}
	rule := doc.Get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-endpoints-https")
	if rule.Inputs["cidrIpv4"] != "10.30.0.0/16" || rule.Inputs["fromPort"] != 443.0 || rule.Inputs["toPort"] != 443.0 || rule.Inputs["description"] == "" {
		t.Errorf("endpoint ingress rule: %v", rule.Inputs)
	}

	group := doc.Get("aws:cloudwatch/logGroup:LogGroup", "prod-flow-logs")
	if group.Inputs["retentionInDays"] != 90.0 {
		t.Errorf("flow log retention %v", group.Inputs["retentionInDays"])
	}
	fl := doc.Get("aws:ec2/flowLog:FlowLog", "prod-flow-logs")
	if fl.Inputs["trafficType"] != "ALL" || fl.Inputs["logDestinationType"] != "cloud-watch-logs" {
		t.Errorf("flow log: %v", fl.Inputs)
	}
	if !slices.Contains(fl.Dependencies, group.URN) {
		t.Errorf("flow log does not wait for its log group: %v", fl.Dependencies)
	}
	var trust, policy struct {
		Statement []struct {
			Action    []string
			Resource  []string
			Principal map[string]string
			Condition map[string]map[string]string
		}
	}
	role := doc.Get("aws:iam/role:Role", "prod-flow-logs")
	if err := json.Unmarshal([]byte(role.Inputs["assumeRolePolicy"].(string)), &trust); err != nil {
		t.Fatal(err)
	}
	if trust.Statement[0].Principal["Service"] != "vpc-flow-logs.amazonaws.com" || trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"] != "111122223333" {
		t.Errorf("flow log trust policy: %+v", trust)
	}
	rp := doc.Get("aws:iam/rolePolicy:RolePolicy", "prod-flow-logs")
	if err := json.Unmarshal([]byte(rp.Inputs["policy"].(string)), &policy); err != nil {
		t.Fatal(err)
	}
	for _, res := range policy.Statement[0].Resource {
		if !strings.HasPrefix(res, "arn:aws:logs:eu-west-1:111122223333:log-group:/vpc-flow-logs/prod") {
			t.Errorf("flow log policy resource %q is not the log group", res)
		}
	}
	for _, a := range policy.Statement[0].Action {
		if strings.Contains(a, "*") {
			t.Errorf("wildcard action %q", a)
		}
	}
}

func TestBringYourOwnEIPs(t *testing.T) {
	args := baseArgs("eu-west-1a", "eu-west-1b")
	args.NATEIPAllocationIDs = []string{"eipalloc-0aaaaaaaaaaaaaaaa", "eipalloc-0bbbbbbbbbbbbbbbb"}
	doc := build(t, args, false)
	if n := len(doc.Find("aws:ec2/eip:Eip")); n != 0 {
		t.Errorf("%d Elastic IPs created despite given allocations", n)
	}
	nat := doc.Get("aws:ec2/natGateway:NatGateway", "prod-nat-eu-west-1b")
	if nat.Inputs["allocationId"] != "eipalloc-0bbbbbbbbbbbbbbbb" {
		t.Errorf("nat b allocation %v", nat.Inputs["allocationId"])
	}
}

// Adding an AZ adds resources but never changes an existing subnet's inputs.
func TestAddingAnAZKeepsSubnets(t *testing.T) {
	before := build(t, baseArgs("eu-west-1a", "eu-west-1b"), false)
	after := build(t, baseArgs("eu-west-1a", "eu-west-1b", "eu-west-1c"), false)
	for _, s := range before.Find("aws:ec2/subnet:Subnet") {
		a := after.Get(s.Type, s.Name)
		if a == nil || a.Inputs["cidrBlock"] != s.Inputs["cidrBlock"] {
			t.Errorf("%s changed when an AZ was added", s.Name)
		}
	}
}

// The private zone exists only when named, is associated with the VPC, and its id and name are
// outputs (empty without a zone).
func TestPrivateZone(t *testing.T) {
	run := func(zoneName string) (*preview.Document, map[string]any) {
		doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
			args := baseArgs("eu-west-1a", "eu-west-1b")
			args.PrivateZoneName = zoneName
			net, err := NewNetwork(ctx, "prod", args, provider)
			if err != nil {
				return err
			}
			ctx.Export("zoneId", net.PrivateZoneID)
			ctx.Export("zoneName", net.PrivateZoneName)
			ctx.Export("vpcId", net.VPCID)
			return nil
		}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: true})
		if err != nil {
			t.Fatal(err)
		}
		return doc, doc.Outputs
	}

	doc, out := run("")
	if n := len(doc.Find("aws:route53/zone:Zone")); n != 0 || out["zoneId"] != "" || out["zoneName"] != "" {
		t.Fatalf("no zone name: %d zones, outputs %v %v", n, out["zoneId"], out["zoneName"])
	}

	doc, out = run("production.internal")
	zone := doc.Get("aws:route53/zone:Zone", "prod-private-zone")
	if zone == nil {
		t.Fatalf("no zone prod-private-zone among %v", names(doc.Resources))
	}
	if zone.Inputs["name"] != "production.internal" {
		t.Errorf("zone name %v", zone.Inputs["name"])
	}
	vpcs, _ := zone.Inputs["vpcs"].([]any)
	if len(vpcs) != 1 || fmt.Sprint(vpcs[0].(map[string]any)["vpcId"]) != fmt.Sprint(out["vpcId"]) {
		t.Errorf("zone vpcs %v, want the VPC %v: a zone without a VPC would be public", vpcs, out["vpcId"])
	}
	if net := doc.Find("flowmart:network:Network"); len(net) != 1 || zone.Parent != net[0].URN {
		t.Errorf("zone parent %q", zone.Parent)
	}
	if tags, _ := zone.Inputs["tags"].(map[string]any); tags["Name"] != "prod-private-zone" {
		t.Errorf("zone tags %v", zone.Inputs["tags"])
	}
	if id, _ := out["zoneId"].(string); !strings.HasPrefix(id, "Z") || out["zoneName"] != "production.internal" {
		t.Errorf("zone outputs %v %v", out["zoneId"], out["zoneName"])
	}
}
