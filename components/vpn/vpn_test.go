package vpn

import (
	"crypto/ecdh"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	typeRandomBytes   = "random:index/randomBytes:RandomBytes"
	typeSecret        = "aws:secretsmanager/secret:Secret"
	typeSecretVersion = "aws:secretsmanager/secretVersion:SecretVersion"
	typeSG            = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress       = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress        = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeRole          = "aws:iam/role:Role"
	typeAttachment    = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeRolePolicy    = "aws:iam/rolePolicy:RolePolicy"
	typeProfile       = "aws:iam/instanceProfile:InstanceProfile"
	typeInstance      = "aws:ec2/instance:Instance"
	typeEIP           = "aws:ec2/eip:Eip"
	typeEIPAssoc      = "aws:ec2/eipAssociation:EipAssociation"
	typeRoute         = "aws:ec2/route:Route"
	typeRecord        = "aws:route53/record:Record"
	typeParameter     = "aws:ssm/parameter:Parameter"
	typeKMSKey        = "aws:kms/key:Key"
	typeAlarm         = "aws:cloudwatch/metricAlarm:MetricAlarm"
)

var modes = []struct {
	name   string
	deploy bool
}{{"preview", false}, {"deploy", true}}

// build runs a program that creates one VPNGateway "prod-vpn" under the mock recorder and exports
// every output, plus the instance's network interface and private address (the escape hatch).
func build(t *testing.T, args *VPNGatewayArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		g, err := NewVPNGateway(ctx, "prod-vpn", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("publicIp", g.PublicIP)
		ctx.Export("clientCidr", g.ClientCIDR)
		ctx.Export("serverPublicKey", g.ServerPublicKey)
		ctx.Export("endpoint", g.Endpoint)
		ctx.Export("instanceId", g.InstanceID)
		ctx.Export("securityGroupId", g.SecurityGroupID)
		ctx.Export("privateKeySecretArn", g.PrivateKeySecretARN)
		ctx.Export("kmsKeyArn", g.KMSKeyARN)
		ctx.Export("clientDns", g.ClientDNS)
		ctx.Export("clientConfig", g.ClientConfig)
		ctx.Export("eni", g.Instance.PrimaryNetworkInterfaceId)
		ctx.Export("privateIp", g.Instance.PrivateIp)
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func get(t *testing.T, doc *preview.Document, typ, name string) *preview.Resource {
	t.Helper()
	r := doc.Get(typ, name)
	if r == nil {
		t.Fatalf("no %s %s", typ, name)
	}
	return r
}

// Every child is named from the component's name, parented to it, and tagged with its own Name
// over the component's Tags; the names are public API (the EIP's is the stacks' waiver).
func TestChildrenNamesParentsTags(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		comp := get(t, doc, vpnGatewayType, "prod-vpn")
		want := []struct {
			typ, name string
			tagged    bool
		}{
			{typeKMSKey, "prod-vpn-key", true},
			{typeRandomBytes, "prod-vpn-private-key", false},
			{typeSecret, "prod-vpn-private-key", true},
			{typeSecretVersion, "prod-vpn-private-key", false},
			{typeParameter, "prod-vpn-peers", true},
			{typeSG, "prod-vpn-sg", true},
			{typeIngress, "prod-vpn-wireguard-0", true},
			{typeIngress, "prod-vpn-wireguard-1", true},
			{typeEgress, "prod-vpn-egress", true},
			{typeRole, "prod-vpn-role", true},
			{typeAttachment, "prod-vpn-ssm", false},
			{typeRolePolicy, "prod-vpn-read-key", false},
			{typeRolePolicy, "prod-vpn-read-peers", false},
			{typeProfile, "prod-vpn-profile", true},
			{typeInstance, "prod-vpn-host", true},
			{typeEIP, "prod-vpn-eip", true},
			{typeEIPAssoc, "prod-vpn-eip", false},
			{typeAlarm, "prod-vpn-recover", true},
			{typeAlarm, "prod-vpn-reboot", true},
			{typeRoute, "prod-vpn-route-0", false},
			{typeRoute, "prod-vpn-route-1", false},
			{typeRoute, "prod-vpn-route-2", false},
		}
		children := doc.Children(comp.URN)
		if len(children) != len(want) {
			var got []string
			for _, c := range children {
				got = append(got, c.Type+" "+c.Name)
			}
			t.Fatalf("%s: %d children, want %d: %v", m.name, len(children), len(want), got)
		}
		for _, w := range want {
			r := get(t, doc, w.typ, w.name)
			if r.Parent != comp.URN {
				t.Errorf("%s: %s %s parent %s", m.name, w.typ, w.name, r.Parent)
			}
			if !w.tagged {
				continue
			}
			tags, _ := r.Inputs["tags"].(map[string]any)
			if tags["Name"] != w.name || tags["Team"] != "platform" {
				t.Errorf("%s: %s %s tags %v", m.name, w.typ, w.name, tags)
			}
		}
		if root := get(t, doc, typeInstance, "prod-vpn-host").Inputs["rootBlockDevice"].(map[string]any)["tags"].(map[string]any); root["Name"] != "prod-vpn-host-root" {
			t.Errorf("%s: root volume tags %v", m.name, root)
		}
		if p := get(t, doc, typeRandomBytes, "prod-vpn-private-key").Provider; strings.Contains(p, "pulumi:providers:aws") {
			t.Errorf("%s: random bytes use the AWS provider %s", m.name, p)
		}
		if p := get(t, doc, typeInstance, "prod-vpn-host").Provider; !strings.Contains(p, "pulumi:providers:aws::aws") {
			t.Errorf("%s: the host does not use the given provider: %q", m.name, p)
		}
		if !strings.Contains(comp.URN, "flowmart:vpn:VPNGateway::prod-vpn") {
			t.Errorf("component URN %s", comp.URN)
		}
	}
}

// adminPortOpen reports whether an ingress rule admits port 22 or 3389 (or all ports).
func adminPortOpen(in map[string]any) bool {
	if in["ipProtocol"] == "-1" {
		return true
	}
	from, _ := in["fromPort"].(float64)
	to, _ := in["toPort"].(float64)
	for _, p := range []float64{22, 3389} {
		if from <= p && p <= to {
			return true
		}
	}
	return false
}

// Inbound: only WireGuard's UDP port, only from AllowedCIDRs, each rule described; no SSH or RDP
// from anywhere; one described egress rule.
func TestSecurityGroupRules(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		sg := get(t, doc, typeSG, "prod-vpn-sg")
		if sg.Inputs["ingress"] != nil || sg.Inputs["vpcId"] != "vpc-0123" || !strings.Contains(sg.Inputs["description"].(string), "WireGuard VPN gateway prod-vpn") {
			t.Errorf("%s: security group %v", m.name, sg.Inputs)
		}
		ingress := doc.Find(typeIngress)
		if len(ingress) != 2 {
			t.Fatalf("%s: %d ingress rules, want one per allowed CIDR", m.name, len(ingress))
		}
		var sources []string
		for _, r := range ingress {
			in := r.Inputs
			if in["ipProtocol"] != "udp" || in["fromPort"] != 51820.0 || in["toPort"] != 51820.0 {
				t.Errorf("%s: %s is not UDP 51820: %v", m.name, r.Name, in)
			}
			if adminPortOpen(in) {
				t.Errorf("%s: %s opens SSH or RDP: %v", m.name, r.Name, in)
			}
			if in["referencedSecurityGroupId"] != nil || in["prefixListId"] != nil {
				t.Errorf("%s: %s admits more than a CIDR: %v", m.name, r.Name, in)
			}
			src, _ := in["cidrIpv4"].(string)
			if v6, ok := in["cidrIpv6"].(string); ok {
				if src != "" {
					t.Errorf("%s: %s has two sources", m.name, r.Name)
				}
				src = v6
			}
			sources = append(sources, src)
			if d, _ := in["description"].(string); d != "WireGuard UDP 51820 from "+src {
				t.Errorf("%s: %s description %q", m.name, r.Name, d)
			}
			if m.deploy && in["securityGroupId"] != fmt.Sprint(doc.Outputs["securityGroupId"]) {
				t.Errorf("%s: %s is on %v, not the gateway's group %v", m.name, r.Name, in["securityGroupId"], doc.Outputs["securityGroupId"])
			}
		}
		if !slices.Equal(sources, []string{"198.51.100.0/24", "2001:db8::/32"}) {
			t.Errorf("%s: sources %v", m.name, sources)
		}
		egress := doc.Find(typeEgress)
		if len(egress) != 1 || egress[0].Inputs["cidrIpv4"] != "0.0.0.0/0" || egress[0].Inputs["ipProtocol"] != "-1" || egress[0].Inputs["description"] == "" {
			t.Errorf("%s: egress %v", m.name, egress)
		}
		if inst := get(t, doc, typeInstance, "prod-vpn-host"); inst.Inputs["keyName"] != nil {
			t.Errorf("%s: the host has a key pair", m.name)
		}
		if m.deploy {
			if sgs := get(t, doc, typeInstance, "prod-vpn-host").Inputs["vpcSecurityGroupIds"].([]any); len(sgs) != 1 || sgs[0] != fmt.Sprint(doc.Outputs["securityGroupId"]) {
				t.Errorf("host security groups %v", sgs)
			}
		}
	}
}

// A custom port and a deliberately open source: the rules follow, and the open rule still admits
// nothing but the WireGuard port (FM-NET-004 has nothing to say).
func TestOpenPortOnPurpose(t *testing.T) {
	args := baseArgs()
	args.ListenPort = 443 + 50000
	args.AllowedCIDRs, args.AllowAnySource = []string{"0.0.0.0/0"}, true
	doc := build(t, args, true)
	ingress := doc.Find(typeIngress)
	if len(ingress) != 1 || ingress[0].Inputs["cidrIpv4"] != "0.0.0.0/0" || ingress[0].Inputs["fromPort"] != 50443.0 || ingress[0].Inputs["toPort"] != 50443.0 || adminPortOpen(ingress[0].Inputs) {
		t.Fatalf("ingress %v", ingress)
	}
	doc.EvaluatePolicy(policy.Context{Environment: policy.Dev})
	for _, v := range doc.Violations {
		if v.Policy == "FM-NET-004" {
			t.Errorf("open WireGuard port flagged: %+v", v)
		}
	}
	if doc.Outputs["endpoint"] != doc.Outputs["publicIp"].(string)+":50443" {
		t.Errorf("endpoint %v", doc.Outputs["endpoint"])
	}
}

// One route per given route table, to ClientCIDR, through the host's primary network interface.
func TestRoutesFromEveryRouteTable(t *testing.T) {
	args := baseArgs()
	args.ClientCIDR = "172.16.30.0/24"
	args.Peers = []Peer{{Name: "alice", PublicKey: aliceKey, AllowedIP: "172.16.30.2/32"}}
	for _, m := range modes {
		doc := build(t, args, m.deploy)
		routes := doc.Find(typeRoute)
		if len(routes) != len(args.RouteTableIDs) {
			t.Fatalf("%s: %d routes, want %d", m.name, len(routes), len(args.RouteTableIDs))
		}
		eni, _ := doc.Outputs["eni"].(string)
		if m.deploy && !strings.HasPrefix(eni, "eni-") {
			t.Fatalf("deploy: the instance's interface is %q", eni)
		}
		for i, table := range []string{"rtb-private-a", "rtb-private-b", "rtb-database"} {
			r := get(t, doc, typeRoute, fmt.Sprintf("prod-vpn-route-%d", i))
			in := r.Inputs
			if in["routeTableId"] != table || in["destinationCidrBlock"] != "172.16.30.0/24" {
				t.Errorf("%s: %s %v", m.name, r.Name, in)
			}
			if nic := in["networkInterfaceId"]; nic != eni && (m.deploy || nic != preview.Unknown) {
				t.Errorf("%s: %s goes through %v, want the host's interface %q", m.name, r.Name, nic, eni)
			}
			for _, k := range []string{"gatewayId", "natGatewayId", "transitGatewayId", "vpcPeeringConnectionId"} {
				if in[k] != nil {
					t.Errorf("%s: %s also sets %s", m.name, r.Name, k)
				}
			}
		}
	}
}

// The cluster security group admits TCP 443 from the clients only when it is given.
func TestClusterAPIRuleOnlyWhenGiven(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		if r := doc.Get(typeIngress, "prod-vpn-cluster-api"); r != nil {
			t.Errorf("%s: cluster rule without a cluster security group: %v", m.name, r.Inputs)
		}
		args := baseArgs()
		args.ClusterSecurityGroupID = pulumi.String("sg-0cluster")
		doc = build(t, args, m.deploy)
		r := get(t, doc, typeIngress, "prod-vpn-cluster-api")
		in := r.Inputs
		if in["securityGroupId"] != "sg-0cluster" || in["cidrIpv4"] != "10.99.0.0/24" || in["ipProtocol"] != "tcp" || in["fromPort"] != 443.0 || in["toPort"] != 443.0 {
			t.Errorf("%s: cluster rule %v", m.name, in)
		}
		if d, _ := in["description"].(string); !strings.Contains(d, "Kubernetes API") || !strings.Contains(d, "10.99.0.0/24") {
			t.Errorf("%s: cluster rule description %q", m.name, d)
		}
		if n := len(doc.Find(typeIngress)); n != 3 {
			t.Errorf("%s: %d ingress rules, want 2 WireGuard and 1 cluster", m.name, n)
		}
	}
}

// x25519Public is the X25519 public key of raw private bytes, computed here independently of
// the component (and of PublicKey).
func x25519Public(t *testing.T, private []byte) string {
	t.Helper()
	k, err := ecdh.X25519().NewPrivateKey(private)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
}

// The private key is never plain text: not in any input (the secret version's value is a secret),
// not in user data, not in any output, in preview and in deploy. The public key is the X25519
// public key of the mocked bytes, and is not secret.
func TestPrivateKeyNeverInPlainText(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		rb := get(t, doc, typeRandomBytes, "prod-vpn-private-key")
		if rb.Inputs["length"] != 32.0 {
			t.Errorf("%s: random bytes length %v", m.name, rb.Inputs["length"])
		}
		private := preview.MockRandomBytes(rb.URN, 32)
		forms := map[string]string{
			"base64":     base64.StdEncoding.EncodeToString(private),
			"hex":        hex.EncodeToString(private),
			"base64 raw": base64.RawStdEncoding.EncodeToString(private),
			"url base64": base64.URLEncoding.EncodeToString(private),
		}
		whole, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		for form, v := range forms {
			if strings.Contains(string(whole), v) {
				t.Errorf("%s: the private key (%s) is in the preview document", m.name, form)
			}
		}
		version := get(t, doc, typeSecretVersion, "prod-vpn-private-key")
		if version.Inputs["secretString"] != preview.Secret || version.Inputs["secretBinary"] != nil {
			t.Errorf("%s: secret version value %v", m.name, version.Inputs["secretString"])
		}
		want := x25519Public(t, private)
		if got := doc.Outputs["serverPublicKey"]; got != want {
			t.Errorf("%s: serverPublicKey %v, want %s", m.name, got, want)
		}
		for k, v := range doc.Outputs {
			if v == preview.Secret || v == preview.Unknown {
				t.Errorf("%s: output %s is %v", m.name, k, v)
			}
		}
		ud, _ := get(t, doc, typeInstance, "prod-vpn-host").Inputs["userData"].(string)
		if ud == "" || ud == preview.Secret || ud == preview.Unknown {
			t.Fatalf("%s: user data %q", m.name, ud)
		}
		if arn := doc.Outputs["privateKeySecretArn"].(string); !strings.HasPrefix(arn, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod-vpn-private-key-") || !strings.Contains(ud, "--secret-id '"+arn+"'") {
			t.Errorf("%s: user data does not read secret %s", m.name, arn)
		}
	}
}

// The same check through an independent mock monitor that sees the raw registration: the secret
// version's value arrives marked secret, and no unmarked value anywhere holds the key.
func TestPrivateKeyMarkedSecretOnTheWire(t *testing.T) {
	m := &rawMocks{key: []byte("0123456789abcdef0123456789abcdef")}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		g, err := NewVPNGateway(ctx, "prod-vpn", baseArgs())
		if err != nil {
			return err
		}
		ctx.Export("pub", g.ServerPublicKey)
		return nil
	}, pulumi.WithMocks("flowmart-platform", "test", m))
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(m.key)
	if !m.secretSeen {
		t.Error("the secret version's value was not sent as a secret")
	}
	for _, leak := range m.plain {
		if strings.Contains(leak, b64) {
			t.Errorf("private key in a plain input: %.80s", leak)
		}
	}
	if len(m.plain) == 0 {
		t.Error("no plain input recorded: the check saw nothing")
	}
}

// rawMocks records every plain (non-secret) string input and whether the secret version's value
// arrived as a secret; random bytes return key.
type rawMocks struct {
	key        []byte
	plain      []string
	secretSeen bool
}

func (m *rawMocks) walk(v resource.PropertyValue) {
	switch {
	case v.IsSecret():
		return
	case v.IsString():
		m.plain = append(m.plain, v.StringValue())
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			m.walk(e)
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			m.walk(e)
		}
	}
}

func (m *rawMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	for _, v := range args.Inputs {
		m.walk(v)
	}
	state := args.Inputs.Copy()
	switch args.TypeToken {
	case typeRandomBytes:
		state["base64"] = resource.MakeSecret(resource.NewStringProperty(base64.StdEncoding.EncodeToString(m.key)))
		state["hex"] = resource.MakeSecret(resource.NewStringProperty(hex.EncodeToString(m.key)))
	case typeSecretVersion:
		m.secretSeen = args.Inputs["secretString"].IsSecret()
	case typeSecret:
		state["arn"] = resource.NewStringProperty("arn:aws:secretsmanager:eu-west-1:111122223333:secret:k-AbCdEf")
	case typeInstance:
		state["arn"] = resource.NewStringProperty("arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0")
	}
	return args.Name + "-id", state, nil
}

func (m *rawMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected invoke %s", args.Token)
}

// The host: pinned AMI with changes ignored, IMDSv2 with hop limit 1, an encrypted gp3 root,
// forwarding on, no public address or key pair of its own, monitoring, the role, no replacement
// when user data changes, and it waits for the key, the peers' parameter and the role's policies.
func TestHost(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		h := get(t, doc, typeInstance, "prod-vpn-host")
		in := h.Inputs
		md := in["metadataOptions"].(map[string]any)
		if md["httpTokens"] != "required" || md["httpPutResponseHopLimit"] != 1.0 || md["httpEndpoint"] != "enabled" {
			t.Errorf("%s: metadata %v", m.name, md)
		}
		root := in["rootBlockDevice"].(map[string]any)
		if root["encrypted"] != true || root["volumeType"] != "gp3" || root["volumeSize"] != 20.0 {
			t.Errorf("%s: root volume %v", m.name, root)
		}
		if in["sourceDestCheck"] != false || in["associatePublicIpAddress"] != false || in["monitoring"] != true || in["keyName"] != nil {
			t.Errorf("%s: sourceDestCheck %v public %v monitoring %v key %v", m.name, in["sourceDestCheck"], in["associatePublicIpAddress"], in["monitoring"], in["keyName"])
		}
		if in["ami"] != "ami-0a1b2c3d4e5f60718" || in["instanceType"] != "t3.small" || in["subnetId"] != "subnet-public-a" || in["userDataReplaceOnChange"] != false {
			t.Errorf("%s: host %v", m.name, in)
		}
		if !slices.Contains(h.IgnoreChanges, "ami") {
			t.Errorf("%s: ignoreChanges %v lacks ami: a new AMI would replace the host", m.name, h.IgnoreChanges)
		}
		profile := get(t, doc, typeProfile, "prod-vpn-profile")
		if m.deploy && !strings.HasPrefix(in["iamInstanceProfile"].(string), "prod-vpn-profile") {
			t.Errorf("instance profile %v", in["iamInstanceProfile"])
		}
		for _, dep := range []*preview.Resource{profile, get(t, doc, typeSecretVersion, "prod-vpn-private-key"), get(t, doc, typeRolePolicy, "prod-vpn-read-key"), get(t, doc, typeAttachment, "prod-vpn-ssm"), get(t, doc, typeParameter, "prod-vpn-peers"), get(t, doc, typeRolePolicy, "prod-vpn-read-peers")} {
			if !slices.Contains(h.Dependencies, dep.URN) {
				t.Errorf("%s: host does not wait for %s %s", m.name, dep.Type, dep.Name)
			}
		}
		if h.Protect {
			t.Errorf("%s: the host is protected: it is rebuilt from code", m.name)
		}
	}
}

// The peers are in the parameter /<name>/wireguard/peers (a Standard String: public keys
// only, so a preview shows them), tagged; a gateway without peers stores a comment, never an empty
// value.
func TestPeersParameter(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		p := get(t, doc, typeParameter, "prod-vpn-peers")
		in := p.Inputs
		if in["name"] != "/prod-vpn/wireguard/peers" || in["type"] != "String" || in["tier"] != "Standard" || in["value"] != nil || in["keyId"] != nil {
			t.Errorf("%s: parameter %v", m.name, in)
		}
		if d, _ := in["description"].(string); !strings.Contains(d, "prod-vpn") {
			t.Errorf("%s: description %q", m.name, d)
		}
		value, _ := in["insecureValue"].(string)
		for _, want := range []string{
			"\n[Peer]\n# alice\nPublicKey = " + aliceKey + "\nAllowedIPs = 10.99.0.2/32\n",
			"\n[Peer]\n# bob\nPublicKey = " + bobKey + "\nAllowedIPs = 10.99.0.3/32\n",
		} {
			if !strings.Contains(value, want) {
				t.Errorf("%s: the parameter lacks %q:\n%s", m.name, want, value)
			}
		}
		if strings.Contains(value, "PrivateKey") || strings.Contains(value, "[Interface]") || len(value) > maxPeersBytes {
			t.Errorf("%s: the parameter holds more than peers:\n%s", m.name, value)
		}
	}
	if v := peersConf(nil); !strings.HasPrefix(v, "# ") || strings.Contains(v, "[Peer]") {
		t.Errorf("no peers: %q", v)
	}
}

// A change of peers (one added, one removed, one moved) changes the parameter's value and nothing
// else: the host's user data and every other input, dependency and option stay as they were, so
// nothing is replaced or updated but the parameter.
func TestPeersChangeOnlyTheParameter(t *testing.T) {
	carol := base64.StdEncoding.EncodeToString([]byte("carol's public key, 32 bytes....")[:32])
	changed := baseArgs()
	changed.Peers = []Peer{
		{Name: "alice", PublicKey: aliceKey, AllowedIP: "10.99.0.12/32"},
		{Name: "carol", PublicKey: carol, AllowedIP: "10.99.0.4/32"},
	}
	for _, m := range modes {
		before, after := build(t, baseArgs(), m.deploy), build(t, changed, m.deploy)
		if len(before.Resources) != len(after.Resources) {
			t.Fatalf("%s: %d resources, then %d", m.name, len(before.Resources), len(after.Resources))
		}
		var differ []string
		for _, b := range before.Resources {
			a := after.Get(b.Type, b.Name)
			if a == nil {
				t.Fatalf("%s: %s %s is gone", m.name, b.Type, b.Name)
			}
			if !reflect.DeepEqual(a.Inputs, b.Inputs) || !reflect.DeepEqual(a.Dependencies, b.Dependencies) || a.Protect != b.Protect || !slices.Equal(a.IgnoreChanges, b.IgnoreChanges) {
				differ = append(differ, b.Type+" "+b.Name)
			}
		}
		if !slices.Equal(differ, []string{typeParameter + " prod-vpn-peers"}) {
			t.Errorf("%s: a change of peers changes %v, want the parameter only", m.name, differ)
		}
		ud := func(d *preview.Document) any { return get(t, d, typeInstance, "prod-vpn-host").Inputs["userData"] }
		if ud(before) != ud(after) {
			t.Errorf("%s: user data changed with the peers", m.name)
		}
		if v, _ := get(t, after, typeParameter, "prod-vpn-peers").Inputs["insecureValue"].(string); !strings.Contains(v, carol) || strings.Contains(v, bobKey) || !strings.Contains(v, "10.99.0.12/32") {
			t.Errorf("%s: changed peers not in the parameter:\n%s", m.name, v)
		}
	}
}

// Clients get the tunnel address as their DNS server and a configuration template: the server's
// public key, the endpoint, the DNS server and the routed ranges, and placeholders where the
// client's own key and address go. No key material but the public key.
func TestClientOutputs(t *testing.T) {
	args := baseArgs()
	args.VPCCIDR = pulumi.String("10.30.0.0/16")
	doc := build(t, args, true)
	o := doc.Outputs
	if o["clientDns"] != "10.99.0.1" {
		t.Errorf("clientDns %v", o["clientDns"])
	}
	pub, endpoint := o["serverPublicKey"].(string), o["endpoint"].(string)
	cfg, _ := o["clientConfig"].(string)
	want := "[Interface]\nPrivateKey = <your private key>\nAddress = <your allowedIp>\nDNS = 10.99.0.1\n\n" +
		"[Peer]\nPublicKey = " + pub + "\nEndpoint = " + endpoint + "\nAllowedIPs = 10.30.0.0/16, 10.99.0.0/24\nPersistentKeepalive = 25\n"
	if !strings.HasSuffix(cfg, "\n"+want) || !strings.HasPrefix(cfg, "# WireGuard client of VPN gateway prod-vpn") || !strings.HasPrefix(endpoint, "203.0.113.") {
		t.Errorf("clientConfig:\n%s\nwant it to end with:\n%s", cfg, want)
	}
	keys := regexp.MustCompile(`[A-Za-z0-9+/]{40,}={0,2}`).FindAllString(cfg, -1)
	if !slices.Equal(keys, []string{pub}) {
		t.Errorf("key material in the template: %v, want the server's public key only", keys)
	}
	private := base64.StdEncoding.EncodeToString(preview.MockRandomBytes(get(t, doc, typeRandomBytes, "prod-vpn-private-key").URN, 32))
	if strings.Contains(cfg, private) {
		t.Error("the template holds the server's private key")
	}
	// the placeholder is obviously one: the secret patterns of FM-EC2-004 see no secret in the
	// template, and would see the key were one filled in
	rule, ok := policy.Lookup("FM-EC2-004")
	if !ok {
		t.Fatal("no FM-EC2-004")
	}
	check := func(text string) []policy.Violation {
		return policy.EvaluateRules([]policy.Rule{rule}, policy.Context{Environment: policy.Production}, []policy.Resource{
			{URN: "urn:client", Type: policy.TypeInstance, Name: "client", Inputs: map[string]any{"userData": text}},
		})
	}
	if v := check(cfg); len(v) != 0 {
		t.Errorf("FM-EC2-004 takes the template for a secret: %+v", v)
	}
	if v := check(strings.Replace(cfg, privateKeyPlaceholder, private, 1)); len(v) != 1 {
		t.Errorf("FM-EC2-004 misses a filled-in key: %+v", v)
	}
	// a preview knows neither the key nor the address yet, but the DNS server already
	if dns := build(t, args, false).Outputs["clientDns"]; dns != "10.99.0.1" {
		t.Errorf("preview clientDns %v", dns)
	}
}

// The role can use SSM, read the one secret and the one parameter of the peers; with a customer
// managed key, decrypt the secret only through Secrets Manager.
func TestRoleReadsOnlyTheKey(t *testing.T) {
	type doc struct {
		Statement []struct {
			Sid       string
			Effect    string
			Action    []string
			Resource  []string
			Principal map[string]string
			Condition map[string]map[string]string
		}
	}
	parse := func(t *testing.T, s string) doc {
		var d doc
		if err := json.Unmarshal([]byte(s), &d); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return d
	}
	d := build(t, baseArgs(), true)
	trust := parse(t, get(t, d, typeRole, "prod-vpn-role").Inputs["assumeRolePolicy"].(string))
	if len(trust.Statement) != 1 || trust.Statement[0].Principal["Service"] != "ec2.amazonaws.com" {
		t.Errorf("trust %+v", trust)
	}
	if a := get(t, d, typeAttachment, "prod-vpn-ssm"); a.Inputs["policyArn"] != "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" {
		t.Errorf("attachment %v", a.Inputs)
	}
	if n := len(d.Find(typeAttachment)); n != 1 {
		t.Errorf("%d managed policies, want SSM only", n)
	}
	arn := d.Outputs["privateKeySecretArn"].(string)
	own := d.Outputs["kmsKeyArn"].(string)
	if !strings.HasPrefix(own, "arn:aws:kms:eu-west-1:111122223333:key/") {
		t.Fatalf("kmsKeyArn %q is not the gateway's own key", own)
	}
	read := parse(t, get(t, d, typeRolePolicy, "prod-vpn-read-key").Inputs["policy"].(string))
	if len(read.Statement) != 2 || !slices.Equal(read.Statement[0].Action, []string{"secretsmanager:GetSecretValue"}) || !slices.Equal(read.Statement[0].Resource, []string{arn}) || read.Statement[0].Effect != "Allow" {
		t.Errorf("read policy %+v", read)
	}
	// without KMSKeyARN the gateway's own key encrypts the secret, decrypted through Secrets
	// Manager only
	if s := read.Statement[1]; !slices.Equal(s.Action, []string{"kms:Decrypt"}) || !slices.Equal(s.Resource, []string{own}) || s.Condition["StringEquals"]["kms:ViaService"] != "secretsmanager.eu-west-1.amazonaws.com" {
		t.Errorf("decrypt statement with the gateway's own key %+v", s)
	}
	if got := get(t, d, typeSecret, "prod-vpn-private-key").Inputs["kmsKeyId"]; got != own {
		t.Errorf("secret kmsKeyId %v, want the gateway's own key %s", got, own)
	}
	peers := parse(t, get(t, d, typeRolePolicy, "prod-vpn-read-peers").Inputs["policy"].(string))
	if len(peers.Statement) != 1 || peers.Statement[0].Effect != "Allow" || !slices.Equal(peers.Statement[0].Action, []string{"ssm:GetParameter"}) ||
		!slices.Equal(peers.Statement[0].Resource, []string{"arn:aws:ssm:eu-west-1:111122223333:parameter/prod-vpn/wireguard/peers"}) || peers.Statement[0].Condition != nil {
		t.Errorf("peers policy %+v: want ssm:GetParameter on the peers' parameter only", peers)
	}
	if r := get(t, d, typeRolePolicy, "prod-vpn-read-peers"); r.Inputs["role"] != get(t, d, typeRolePolicy, "prod-vpn-read-key").Inputs["role"] {
		t.Errorf("peers policy on role %v", r.Inputs["role"])
	}

	args := baseArgs()
	key := "arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab"
	args.KMSKeyARN = pulumi.String(key)
	d = build(t, args, true)
	read = parse(t, get(t, d, typeRolePolicy, "prod-vpn-read-key").Inputs["policy"].(string))
	if len(read.Statement) != 2 {
		t.Fatalf("read policy %+v", read)
	}
	s := read.Statement[1]
	if !slices.Equal(s.Action, []string{"kms:Decrypt"}) || !slices.Equal(s.Resource, []string{key}) || s.Condition["StringEquals"]["kms:ViaService"] != "secretsmanager.eu-west-1.amazonaws.com" {
		t.Errorf("decrypt statement %+v", s)
	}
	if get(t, d, typeSecret, "prod-vpn-private-key").Inputs["kmsKeyId"] != key {
		t.Error("the secret is not encrypted with KMSKeyARN")
	}
	if d.Get(typeKMSKey, "prod-vpn-key") != nil || d.Outputs["kmsKeyArn"] != key {
		t.Errorf("with KMSKeyARN the gateway still creates a key of its own (output %v)", d.Outputs["kmsKeyArn"])
	}
}

// The Elastic IP is allocated on its own and associated with the host; the outputs give the
// address, the endpoint and the client range. Protect guards what clients' configuration names.
func TestElasticIPAndOutputs(t *testing.T) {
	args := baseArgs()
	args.Protect = true
	doc := build(t, args, true)
	eip := get(t, doc, typeEIP, "prod-vpn-eip")
	if eip.Inputs["domain"] != "vpc" || eip.Inputs["instance"] != nil || eip.Inputs["networkInterface"] != nil {
		t.Errorf("eip %v", eip.Inputs)
	}
	assoc := get(t, doc, typeEIPAssoc, "prod-vpn-eip")
	if !strings.HasPrefix(assoc.Inputs["allocationId"].(string), "eipalloc-") || assoc.Inputs["instanceId"] != fmt.Sprint(doc.Outputs["instanceId"]) {
		t.Errorf("association %v, instance %v", assoc.Inputs, doc.Outputs["instanceId"])
	}
	ip, _ := doc.Outputs["publicIp"].(string)
	if !strings.HasPrefix(ip, "203.0.113.") || doc.Outputs["endpoint"] != ip+":51820" || doc.Outputs["clientCidr"] != "10.99.0.0/24" {
		t.Errorf("outputs %v", doc.Outputs)
	}
	if id := fmt.Sprint(doc.Outputs["instanceId"]); !strings.HasPrefix(id, "i-") {
		t.Errorf("instanceId %v", doc.Outputs["instanceId"])
	}
	if id := fmt.Sprint(doc.Outputs["securityGroupId"]); !strings.HasPrefix(id, "sg-") {
		t.Errorf("securityGroupId %v", doc.Outputs["securityGroupId"])
	}
	for _, r := range []*preview.Resource{eip, get(t, doc, typeSecret, "prod-vpn-private-key"), get(t, doc, typeRandomBytes, "prod-vpn-private-key")} {
		if !r.Protect {
			t.Errorf("%s %s is not protected", r.Type, r.Name)
		}
	}
	if get(t, doc, typeInstance, "prod-vpn-host").Protect || assoc.Protect {
		t.Error("the host or the association is protected")
	}
	unprotected := build(t, baseArgs(), false)
	for _, r := range unprotected.Resources {
		if r.Protect {
			t.Errorf("%s %s protected without Protect", r.Type, r.Name)
		}
	}
}

// A private zone gets vpn.<zone> to the host's private address, only when given.
func TestDNSRecord(t *testing.T) {
	for _, m := range modes {
		if r := build(t, baseArgs(), m.deploy).Find(typeRecord); r != nil {
			t.Errorf("%s: record without a zone: %v", m.name, r)
		}
		args := baseArgs()
		args.PrivateZoneID, args.PrivateZoneName = pulumi.String("Z0PRIVATE"), "prod.internal"
		doc := build(t, args, m.deploy)
		r := get(t, doc, typeRecord, "prod-vpn-dns")
		in := r.Inputs
		if in["zoneId"] != "Z0PRIVATE" || in["name"] != "vpn.prod.internal" || in["type"] != "A" || in["ttl"] != 300.0 {
			t.Errorf("%s: record %v", m.name, in)
		}
		if recs := in["records"].([]any); len(recs) != 1 || (recs[0] != doc.Outputs["privateIp"] && (m.deploy || recs[0] != preview.Unknown)) {
			t.Errorf("%s: records %v, private ip %v", m.name, recs, doc.Outputs["privateIp"])
		}
	}
}

// The platform's policy rules pass, but for FM-EC2-003 on the Elastic IP's association, named
// prod-vpn-eip: exactly what the stacks waive. In production, Protect is what keeps the secret
// within FM-PROT-001.
func TestPolicyRules(t *testing.T) {
	waiver := policy.Waiver{Policy: "FM-EC2-003", Resource: "prod-vpn-eip", Reason: "the VPN gateway needs a stable public IP"}
	args := baseArgs()
	args.Protect = true
	args.ClusterSecurityGroupID = pulumi.String("sg-0cluster")
	args.PrivateZoneID, args.PrivateZoneName = pulumi.String("Z0PRIVATE"), "prod.internal"
	for _, m := range modes {
		doc := build(t, args, m.deploy)
		doc.EvaluatePolicy(policy.Context{Environment: policy.Production})
		var mandatory []string
		for _, v := range doc.Violations {
			if v.Enforcement == policy.Mandatory {
				mandatory = append(mandatory, v.Policy+" "+v.Resource)
			}
		}
		if !slices.Equal(mandatory, []string{"FM-EC2-003 prod-vpn-eip"}) {
			t.Errorf("%s: mandatory violations %v, want only FM-EC2-003 on prod-vpn-eip: %+v", m.name, mandatory, doc.Violations)
		}
		doc.EvaluatePolicy(policy.Context{Environment: policy.Production, Waivers: []policy.Waiver{waiver}})
		if n := doc.BlockingViolations(); n != 0 {
			t.Errorf("%s: %d blocking violations with the stacks' waiver: %+v", m.name, n, doc.Violations)
		}
		var advisory []string
		for _, v := range doc.Violations {
			if v.Enforcement == policy.Advisory {
				advisory = append(advisory, v.Policy)
			}
		}
		if len(advisory) != 0 {
			t.Errorf("%s: advisory %v, want none (the secret is on the gateway's own key)", m.name, advisory)
		}
	}

	// without Protect, production flags the secret and its key (they hold state)
	doc := build(t, baseArgs(), true)
	doc.EvaluatePolicy(policy.Context{Environment: policy.Production, Waivers: []policy.Waiver{waiver}})
	var blocking []string
	for _, v := range doc.Violations {
		if v.Blocking() {
			blocking = append(blocking, v.Policy+" "+v.Resource)
		}
	}
	if !slices.Equal(blocking, []string{"FM-PROT-001 prod-vpn-key", "FM-PROT-001 prod-vpn-private-key"}) {
		t.Errorf("unprotected in production: %v", blocking)
	}
	// with a customer managed key given, no key of its own and nothing to flag
	args.KMSKeyARN = pulumi.String("arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab")
	doc = build(t, args, true)
	doc.EvaluatePolicy(policy.Context{Environment: policy.Production, Waivers: []policy.Waiver{waiver}})
	if len(doc.Violations) != 1 || !doc.Violations[0].Waived {
		t.Errorf("with a key: %+v", doc.Violations)
	}
}

func TestPublicKey(t *testing.T) {
	// RFC 7748 section 6.1, Alice
	priv, _ := hex.DecodeString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
	pub, _ := hex.DecodeString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
	got, err := PublicKey(base64.StdEncoding.EncodeToString(priv))
	if err != nil || got != base64.StdEncoding.EncodeToString(pub) {
		t.Errorf("PublicKey = %s, %v", got, err)
	}
	// WireGuard clamps: unclamped bytes give the same key as their clamped form
	raw := []byte("0123456789abcdef0123456789abcdef")
	clamped := slices.Clone(raw)
	clamped[0] &= 248
	clamped[31] = clamped[31]&127 | 64
	a, _ := PublicKey(base64.StdEncoding.EncodeToString(raw))
	b, _ := PublicKey(base64.StdEncoding.EncodeToString(clamped))
	if a != b || ValidPublicKey(a) != nil {
		t.Errorf("clamping: %s != %s", a, b)
	}
	secret := base64.StdEncoding.EncodeToString(raw[:31])
	if _, err := PublicKey(secret); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("bad key error %v", err)
	}
}

func TestInvalidArgsFailTheProgram(t *testing.T) {
	args := baseArgs()
	args.AMIID = ""
	_, err := preview.Run(func(ctx *pulumi.Context) error {
		_, err := NewVPNGateway(ctx, "x", args)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333"})
	if err == nil || err.Error() != `vpn gateway "x": AMIID: "" is not an AMI id (ami- and 8 or 17 hex digits): pin an Amazon Linux 2023 image` {
		t.Fatalf("err = %v", err)
	}
}

// The name is part of the peers' parameter name and of the host's scripts: anything but letters,
// digits, '.', '-' and '_' is refused before any resource is made.
func TestInvalidNameFailsTheProgram(t *testing.T) {
	for _, name := range []string{"prod vpn", "prod/vpn", "vpn'; reboot", ""} {
		_, err := preview.Run(func(ctx *pulumi.Context) error {
			_, err := NewVPNGateway(ctx, name, baseArgs())
			return err
		}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333"})
		want := fmt.Sprintf("vpn gateway %q: the name may only hold letters, digits, '.', '-' and '_' (it names the SSM parameter /<name>/wireguard/peers)", name)
		if err == nil || err.Error() != want {
			t.Errorf("name %q: err = %v", name, err)
		}
	}
}

// No lookup at all (not even region or caller identity): the component takes everything as inputs.
func TestNoInvokeAtAll(t *testing.T) {
	args := baseArgs()
	args.ClusterSecurityGroupID = pulumi.String("sg-0cluster")
	args.PrivateZoneID, args.PrivateZoneName = pulumi.String("Z0PRIVATE"), "prod.internal"
	args.KMSKeyARN = pulumi.String("arn:aws:kms:eu-west-1:111122223333:key/k")
	calls, err := preview.Invokes(func(ctx *pulumi.Context) error {
		_, err := NewVPNGateway(ctx, "prod-vpn", args)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Errorf("invokes: %v", calls)
	}
}

// The offline preview's mocks for this component's own types (pkg/preview/outputs_vpn.go): random
// bytes are secret and as long as asked, and an association reports the Elastic IP's address and
// the instance's interface and private address.
func TestMockOutputs(t *testing.T) {
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		rb, err := random.NewRandomBytes(ctx, "k", &random.RandomBytesArgs{Length: pulumi.Int(48)})
		if err != nil {
			return err
		}
		eip, err := ec2.NewEip(ctx, "ip", &ec2.EipArgs{Domain: pulumi.String("vpc")}, provider)
		if err != nil {
			return err
		}
		inst, err := ec2.NewInstance(ctx, "host", &ec2.InstanceArgs{Ami: pulumi.String("ami-0a1b2c3d")}, provider)
		if err != nil {
			return err
		}
		assoc, err := ec2.NewEipAssociation(ctx, "ip", &ec2.EipAssociationArgs{AllocationId: eip.AllocationId, InstanceId: inst.ID()}, provider)
		if err != nil {
			return err
		}
		ctx.Export("hex", rb.Hex)
		ctx.Export("plainHex", pulumi.Unsecret(rb.Hex))
		ctx.Export("id", rb.ID())
		ctx.Export("eip", eip.PublicIp)
		ctx.Export("assocIp", assoc.PublicIp)
		ctx.Export("assocEni", assoc.NetworkInterfaceId)
		ctx.Export("eni", inst.PrimaryNetworkInterfaceId)
		ctx.Export("assocPrivateIp", assoc.PrivateIpAddress)
		ctx.Export("privateIp", inst.PrivateIp)
		ctx.Export("assocId", assoc.ID())
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	urn := get(t, doc, typeRandomBytes, "k").URN
	o := doc.Outputs
	if o["hex"] != preview.Secret || o["plainHex"] != hex.EncodeToString(preview.MockRandomBytes(urn, 48)) || fmt.Sprint(o["id"]) != "none" {
		t.Errorf("random bytes: %v %v %v", o["hex"], o["plainHex"], o["id"])
	}
	if len(preview.MockRandomBytes(urn, 48)) != 48 || slices.Equal(preview.MockRandomBytes(urn, 32), preview.MockRandomBytes(urn+"x", 32)) {
		t.Error("MockRandomBytes: length or uniqueness")
	}
	if o["assocIp"] != o["eip"] || o["assocEni"] != o["eni"] || o["assocPrivateIp"] != o["privateIp"] || !strings.HasPrefix(fmt.Sprint(o["assocId"]), "eipassoc-") {
		t.Errorf("association outputs %v", o)
	}
	if rb := get(t, doc, typeRandomBytes, "k"); strings.Contains(rb.Provider, "pulumi:providers:aws") {
		t.Errorf("random bytes use the AWS provider: %s", rb.Provider)
	}
}

// AllowAMIReplacement is the one deliberate way onto a new AMI: the host stops ignoring it.
func TestAllowAMIReplacementStopsIgnoringTheAMI(t *testing.T) {
	args := baseArgs()
	args.AllowAMIReplacement = true
	for _, deploy := range []bool{false, true} {
		h := get(t, build(t, args, deploy), typeInstance, "prod-vpn-host")
		if len(h.IgnoreChanges) != 0 {
			t.Errorf("deploy=%v: ignoreChanges %v: a changed AMI would still be ignored", deploy, h.IgnoreChanges)
		}
	}
}

// The gateway's key of its own: created when KMSKeyARN is not given (rotation on, protected with
// Protect), it encrypts the secret and the root volume; a given key takes its place everywhere.
// A plain key ARN that names a key is accepted.
func TestOwnKeyByDefault(t *testing.T) {
	for _, m := range modes {
		args := baseArgs()
		args.Protect = true
		doc := build(t, args, m.deploy)
		key := get(t, doc, typeKMSKey, "prod-vpn-key")
		if key.Inputs["enableKeyRotation"] != true || key.Inputs["deletionWindowInDays"] != 30.0 || !key.Protect {
			t.Errorf("%s: key %v protect %v", m.name, key.Inputs, key.Protect)
		}
		host := get(t, doc, typeInstance, "prod-vpn-host")
		secret := get(t, doc, typeSecret, "prod-vpn-private-key")
		for _, r := range []*preview.Resource{host, secret, get(t, doc, typeRolePolicy, "prod-vpn-read-key")} {
			if !slices.Contains(r.Dependencies, key.URN) {
				t.Errorf("%s: %s %s does not use the gateway's key: %v", m.name, r.Type, r.Name, r.Dependencies)
			}
		}
		if !m.deploy {
			continue
		}
		own := doc.Outputs["kmsKeyArn"]
		root := host.Inputs["rootBlockDevice"].(map[string]any)
		if root["kmsKeyId"] != own || root["encrypted"] != true || secret.Inputs["kmsKeyId"] != own {
			t.Errorf("root volume key %v, secret key %v, want the gateway's key %v", root["kmsKeyId"], secret.Inputs["kmsKeyId"], own)
		}
	}

	given := "arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab"
	args := baseArgs()
	args.KMSKeyARN = pulumi.String(given)
	if err := args.Validate(); err != nil {
		t.Fatalf("a key ARN rejected: %v", err)
	}
	doc := build(t, args, true)
	if len(doc.Find(typeKMSKey)) != 0 {
		t.Error("a key of its own besides KMSKeyARN")
	}
	root := get(t, doc, typeInstance, "prod-vpn-host").Inputs["rootBlockDevice"].(map[string]any)
	if root["kmsKeyId"] != given || get(t, doc, typeSecret, "prod-vpn-private-key").Inputs["kmsKeyId"] != given {
		t.Errorf("root volume key %v: want KMSKeyARN", root["kmsKeyId"])
	}
}

// The root volume's key is ignored like the AMI, so an existing gateway whose root volume is on
// another key (the account's EBS default, before the gateway had a key of its own) is not
// replaced: rootBlockDevice.kmsKeyId forces a replacement of an instance (the upstream facts).
// AllowAMIReplacement stops ignoring both.
func TestRootVolumeKeyIgnored(t *testing.T) {
	for _, c := range []struct {
		allow bool
		want  []string
	}{{false, []string{"ami", "rootBlockDevice.kmsKeyId"}}, {true, nil}} {
		if got := hostIgnoreChanges(c.allow); !slices.Equal(got, c.want) {
			t.Errorf("hostIgnoreChanges(%v) = %v, want %v", c.allow, got, c.want)
		}
	}
	forceNew := readForceNew(t)["aws:ec2/instance:Instance"]
	for _, path := range hostIgnoreChanges(false) {
		if !slices.Contains(forceNew, path) {
			t.Errorf("%s is ignored but does not force a replacement upstream: ignoring it hides an update", path)
		}
	}
	h := get(t, build(t, baseArgs(), false), typeInstance, "prod-vpn-host")
	if !slices.Equal(h.IgnoreChanges, []string{"ami", "rootBlockDevice.kmsKeyId"}) {
		t.Errorf("host ignoreChanges %v", h.IgnoreChanges)
	}
}

// readForceNew reads the upstream replacement facts (pkg/diff/upstream/forcenew.json).
func readForceNew(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("../../pkg/diff/upstream/forcenew.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string][]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The host recovers by itself: simplified automatic recovery explicitly on, a recover alarm on the
// system status check and a reboot alarm on the instance status check, both on this instance,
// with the EC2 actions of its region; the alarms are updates, never replacements, of nothing
// existing (the host's new input, maintenanceOptions, does not force a replacement).
func TestRecovery(t *testing.T) {
	for _, m := range modes {
		doc := build(t, baseArgs(), m.deploy)
		host := get(t, doc, typeInstance, "prod-vpn-host")
		if mo, _ := host.Inputs["maintenanceOptions"].(map[string]any); mo["autoRecovery"] != "default" {
			t.Errorf("%s: maintenanceOptions %v", m.name, host.Inputs["maintenanceOptions"])
		}
		for _, w := range []struct {
			name, metric, action string
			periods              float64
		}{
			{"prod-vpn-recover", "StatusCheckFailed_System", "recover", 2},
			{"prod-vpn-reboot", "StatusCheckFailed_Instance", "reboot", 3},
		} {
			a := get(t, doc, typeAlarm, w.name)
			in := a.Inputs
			if in["namespace"] != "AWS/EC2" || in["metricName"] != w.metric || in["statistic"] != "Maximum" || in["period"] != 60.0 ||
				in["evaluationPeriods"] != w.periods || in["threshold"] != 1.0 || in["comparisonOperator"] != "GreaterThanOrEqualToThreshold" {
				t.Errorf("%s: %s %v", m.name, w.name, in)
			}
			if !slices.Contains(a.Dependencies, host.URN) || a.Parent != get(t, doc, vpnGatewayType, "prod-vpn").URN {
				t.Errorf("%s: %s is not on the host: %v", m.name, w.name, a.Dependencies)
			}
			if !m.deploy {
				continue
			}
			if dims, _ := in["dimensions"].(map[string]any); dims["InstanceId"] == nil || fmt.Sprint(dims["InstanceId"]) != fmt.Sprint(doc.Outputs["instanceId"]) {
				t.Errorf("%s: dimensions %v, instance %v", w.name, in["dimensions"], doc.Outputs["instanceId"])
			}
			if acts, _ := in["alarmActions"].([]any); len(acts) != 1 || acts[0] != "arn:aws:automate:eu-west-1:ec2:"+w.action {
				t.Errorf("%s: alarmActions %v", w.name, in["alarmActions"])
			}
		}
	}
	if slices.Contains(readForceNew(t)["aws:ec2/instance:Instance"], "maintenanceOptions.autoRecovery") {
		t.Error("maintenanceOptions.autoRecovery forces a replacement upstream: setting it would replace existing hosts")
	}
}

func TestAlarmAction(t *testing.T) {
	for _, c := range []struct{ arn, action, want, err string }{
		{"arn:aws:ec2:eu-west-1:111122223333:instance/i-0123", "recover", "arn:aws:automate:eu-west-1:ec2:recover", ""},
		{"arn:aws-cn:ec2:cn-north-1:111122223333:instance/i-0123", "reboot", "arn:aws-cn:automate:cn-north-1:ec2:reboot", ""},
		{"arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/i-0123", "recover", "arn:aws-us-gov:automate:us-gov-west-1:ec2:recover", ""},
		{"", "recover", "", `instance ARN "" names no region for the recover alarm action`},
		{"arn:aws:iam::111122223333:role/x", "reboot", "", "names no region"},
	} {
		got, err := alarmAction(c.arn, c.action)
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("alarmAction(%q, %q) = %q, %v; want %q, %q", c.arn, c.action, got, err, c.want, c.err)
		}
	}
}
