package sqlserver

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	typInstance   = "aws:ec2/instance:Instance"
	typVolume     = "aws:ebs/volume:Volume"
	typAttachment = "aws:ec2/volumeAttachment:VolumeAttachment"
	typSG         = "aws:ec2/securityGroup:SecurityGroup"
	typIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typKey        = "aws:kms/key:Key"
	typSecret     = "aws:secretsmanager/secret:Secret"
	typVersion    = "aws:secretsmanager/secretVersion:SecretVersion"
	typPassword   = "random:index/randomPassword:RandomPassword"
	typRole       = "aws:iam/role:Role"
	typRolePolicy = "aws:iam/rolePolicy:RolePolicy"
	typAttachPol  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typProfile    = "aws:iam/instanceProfile:InstanceProfile"
	typBaseline   = "aws:ssm/patchBaseline:PatchBaseline"
	typPatchGroup = "aws:ssm/patchGroup:PatchGroup"
	typWindow     = "aws:ssm/maintenanceWindow:MaintenanceWindow"
	typTarget     = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget"
	typTask       = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask"
	typParameter  = "aws:ssm/parameter:Parameter"
	typAssoc      = "aws:ssm/association:Association"
	typTopic      = "aws:sns/topic:Topic"
	typSub        = "aws:sns/topicSubscription:TopicSubscription"
	typAlarm      = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typVault      = "aws:backup/vault:Vault"
	typPlan       = "aws:backup/plan:Plan"
	typSelection  = "aws:backup/selection:Selection"
	typRecord     = "aws:route53/record:Record"
)

const (
	account  = "111122223333"
	nodesSG  = "sg-0node0123456789ab"
	givenKey = "arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab"
)

// fullArgs are production-like arguments: VPN, IPv4 and IPv6 on-premises networks, subscriptions.
func fullArgs(protect bool) *SQLServerHostArgs {
	a := baseArgs()
	a.VPNClientCIDR = "10.8.0.0/22"
	a.OnPremisesCIDRs = []string{"192.168.0.0/16", "2001:db8::/32"}
	a.AlarmSubscriptions = []AlarmSubscription{{ProtocolEmail, "dba@flowmart.example"}, {ProtocolHTTPS, "https://events.pagerduty.com/integration/abc/enqueue"}}
	a.Tags = map[string]string{"Team": "data"}
	a.Protect = protect
	return a
}

// build runs a program that creates one SQLServerHost named "prod" under the mock recorder, as a
// preview (deploy false) or an update, and exports every output.
func build(t *testing.T, args *SQLServerHostArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		h, err := NewSQLServerHost(ctx, "prod", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("privateDnsName", h.PrivateDNSName)
		ctx.Export("port", h.Port)
		ctx.Export("secretArn", h.SecretARN)
		ctx.Export("securityGroupId", h.SecurityGroupID.ToStringOutput()) // a pulumi.ID otherwise
		ctx.Export("instanceId", h.InstanceID.ToStringOutput())
		ctx.Export("privateIp", h.PrivateIP)
		ctx.Export("alarmTopicArn", h.AlarmTopicARN)
		ctx.Export("backupVaultName", h.BackupVaultName)
		ctx.Export("kmsKeyArn", h.KMSKeyARN)
		ctx.Export("escapeHatchAmi", h.Instance.Ami)
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: "eu-west-1", Account: account, Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// both runs f on a preview and on an update of the same arguments.
func both(t *testing.T, args *SQLServerHostArgs, f func(t *testing.T, doc *preview.Document)) {
	for _, deploy := range []bool{false, true} {
		name := "preview"
		if deploy {
			name = "deploy"
		}
		t.Run(name, func(t *testing.T) { f(t, build(t, args, deploy)) })
	}
}

// one returns the only resource of a type and name, failing the test without it.
func one(t *testing.T, doc *preview.Document, typ, name string) *preview.Resource {
	t.Helper()
	r := doc.Get(typ, name)
	if r == nil {
		t.Fatalf("no %s %s", typ, name)
	}
	return r
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func strList(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

// Every child is parented to the component and named after it; the names and types are public API.
func TestChildrenAreNamedAfterTheHostAndParentedToIt(t *testing.T) {
	both(t, fullArgs(false), func(t *testing.T, doc *preview.Document) {
		comp := one(t, doc, sqlServerHostType, "prod")
		want := [][2]string{
			{typRole, "prod-sqlserver"}, {typProfile, "prod-sqlserver"}, {typKey, "prod-key"}, {"aws:kms/alias:Alias", "prod-key"},
			{typPassword, "prod-sa-password"}, {typSecret, "prod-sa"}, {typVersion, "prod-sa"}, {typRolePolicy, "prod-sqlserver-secret"},
			{typSG, "prod-sqlserver"}, {typInstance, "prod-sqlserver"},
			{typVolume, "prod-data"}, {typVolume, "prod-log"}, {typVolume, "prod-tempdb"}, {typVolume, "prod-backup"},
			{typAttachment, "prod-data"}, {typAttachment, "prod-log"}, {typAttachment, "prod-tempdb"}, {typAttachment, "prod-backup"},
			{typRecord, "prod-dns"}, {typBaseline, "prod-patch-baseline"}, {typPatchGroup, "prod-patch-group"},
			{typWindow, "prod-patching"}, {typTarget, "prod-patching"}, {typTask, "prod-patching"},
			{typParameter, "prod-cwagent-config"}, {typAssoc, "prod-cwagent-install"}, {typAssoc, "prod-cwagent-configure"},
			{typAssoc, "prod-vss-install"}, {typAssoc, "prod-host-config"}, {typAttachPol, "prod-sqlserver-awsec2vsssnapshotpolicy"},
			{typAlarm, "prod-alarm-system-recovery"},
			{typTopic, "prod-alarms"}, {typVault, "prod-vault"}, {typPlan, "prod-backup-plan"}, {typSelection, "prod-backup-selection"},
			{typRole, "prod-backup-role"},
		}
		for _, w := range want {
			if r := one(t, doc, w[0], w[1]); r.Parent != comp.URN {
				t.Errorf("%s %s: parent %s", w[0], w[1], r.Parent)
			}
		}
		for _, r := range doc.Resources {
			if r.Parent == comp.URN && !strings.HasPrefix(r.Name, "prod-") {
				t.Errorf("child %s %s is not named after the host", r.Type, r.Name)
			}
			if tags := obj(r.Inputs["tags"]); tags != nil && (tags["Name"] != r.Name || tags["Team"] != "data") {
				t.Errorf("%s %s: tags %v", r.Type, r.Name, tags)
			}
		}
	})
}

// A host whose name already says sqlserver (as the stacks name it) does not say it twice.
func TestAHostNamedSQLServerKeepsItsName(t *testing.T) {
	doc, err := preview.Run(func(ctx *pulumi.Context) error {
		_, err := NewSQLServerHost(ctx, "production-sqlserver", baseArgs())
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: "eu-west-1", Account: account})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range [][2]string{{typInstance, "production-sqlserver"}, {typSG, "production-sqlserver"}, {typRole, "production-sqlserver"},
		{typVolume, "production-sqlserver-data"}, {typAlarm, "production-sqlserver-alarm-cpu"}} {
		one(t, doc, w[0], w[1])
	}
	inst := one(t, doc, typInstance, "production-sqlserver")
	if tags := obj(inst.Inputs["tags"]); tags["Name"] != "production-sqlserver" || tags["Patch Group"] != "production-sqlserver" {
		t.Errorf("tags %v", tags)
	}
	if a := one(t, doc, typAlarm, "production-sqlserver-alarm-cpu"); a.Inputs["name"] != "production-sqlserver-cpu" {
		t.Errorf("alarm name %v", a.Inputs["name"])
	}
}

// The instance runs the pinned AMI and never follows a newer one nor restarts for a new boot
// script (the AMI and the user data are ignored), has no public IP or key pair, requires IMDSv2
// with hop limit 1, and carries its patch group, edition and a Name with sqlserver.
func TestInstanceIsPinnedPrivateAndHardened(t *testing.T) {
	both(t, baseArgs(), func(t *testing.T, doc *preview.Document) {
		inst := one(t, doc, typInstance, "prod-sqlserver")
		in := inst.Inputs
		if !slices.Equal(inst.IgnoreChanges, []string{"ami", "userData"}) || in["ami"] != "ami-0a1b2c3d4e5f60718" {
			t.Errorf("ami %v ignoreChanges %v", in["ami"], inst.IgnoreChanges)
		}
		md := obj(in["metadataOptions"])
		if md["httpTokens"] != "required" || md["httpPutResponseHopLimit"] != 1.0 || md["httpEndpoint"] != "enabled" {
			t.Errorf("metadata options %v", md)
		}
		if in["associatePublicIpAddress"] != false || in["keyName"] != nil || in["getPasswordData"] != false {
			t.Errorf("public IP %v key pair %v password data %v", in["associatePublicIpAddress"], in["keyName"], in["getPasswordData"])
		}
		if in["ebsOptimized"] != true || in["monitoring"] != true || in["disableApiTermination"] != false {
			t.Errorf("ebsOptimized %v monitoring %v disableApiTermination %v", in["ebsOptimized"], in["monitoring"], in["disableApiTermination"])
		}
		if in["instanceType"] != "r6i.xlarge" || in["subnetId"] != "subnet-0db1a2b3c4d5e6f70" || in["availabilityZone"] != "eu-west-1a" {
			t.Errorf("placement %v %v %v", in["instanceType"], in["subnetId"], in["availabilityZone"])
		}
		root := obj(in["rootBlockDevice"])
		key := one(t, doc, typKey, "prod-key")
		if root["volumeType"] != "gp3" || root["encrypted"] != true || root["volumeSize"] != 100.0 || !strings.HasPrefix(root["kmsKeyId"].(string), "arn:aws:kms:eu-west-1:111122223333:key/") {
			t.Errorf("root volume %v", root)
		}
		if !slices.Contains(inst.Dependencies, key.URN) {
			t.Errorf("instance does not depend on the key")
		}
		tags := obj(in["tags"])
		if tags["Name"] != "prod-sqlserver" || tags["Patch Group"] != "prod-sqlserver" || tags["SQLServerEdition"] != "Standard" {
			t.Errorf("tags %v", tags)
		}
		sgs := strList(in["vpcSecurityGroupIds"])
		if len(sgs) != 1 || !strings.HasPrefix(sgs[0], "sg-") {
			t.Errorf("security groups %v", sgs)
		}
		profile := one(t, doc, typProfile, "prod-sqlserver")
		if in["iamInstanceProfile"] == nil || !slices.Contains(inst.Dependencies, profile.URN) {
			t.Errorf("instance profile %v", in["iamInstanceProfile"])
		}
		// the password exists and the role may read it before the host boots
		for _, dep := range []*preview.Resource{one(t, doc, typVersion, "prod-sa"), one(t, doc, typRolePolicy, "prod-sqlserver-secret")} {
			if !slices.Contains(inst.Dependencies, dep.URN) {
				t.Errorf("instance boots before %s %s", dep.Type, dep.Name)
			}
		}
	})
}

// Four separate gp3 volumes, encrypted with the host's key, in the host's zone, each attached to
// the instance at its own device; the data, log and backup volumes snapshot before deletion.
func TestVolumesAreSeparateEncryptedAndAttached(t *testing.T) {
	args := baseArgs()
	args.DataVolume = Volume{SizeGiB: 800, IOPS: 8000, ThroughputMiBps: 500}
	both(t, args, func(t *testing.T, doc *preview.Document) {
		inst := one(t, doc, typInstance, "prod-sqlserver")
		keyARN := doc.Outputs["kmsKeyArn"]
		want := []struct {
			key, device, drive string
			size, iops, mibps  float64
			snapshot           bool
		}{
			{"data", "xvdf", "D:", 800, 8000, 500, true},
			{"log", "xvdg", "L:", 200, 4000, 250, true},
			{"tempdb", "xvdh", "T:", 100, 3000, 250, false},
			{"backup", "xvdi", "B:", 1000, 3000, 250, true},
		}
		if n := len(doc.Find(typVolume)); n != 4 {
			t.Fatalf("%d volumes", n)
		}
		for _, w := range want {
			vol := one(t, doc, typVolume, "prod-"+w.key)
			in := vol.Inputs
			if in["type"] != "gp3" || in["encrypted"] != true || in["kmsKeyId"] != keyARN || in["availabilityZone"] != "eu-west-1a" {
				t.Errorf("%s: type %v encrypted %v key %v (want %v) zone %v", vol.Name, in["type"], in["encrypted"], in["kmsKeyId"], keyARN, in["availabilityZone"])
			}
			if in["size"] != w.size || in["iops"] != w.iops || in["throughput"] != w.mibps || in["finalSnapshot"] != w.snapshot {
				t.Errorf("%s: size %v iops %v throughput %v finalSnapshot %v", vol.Name, in["size"], in["iops"], in["throughput"], in["finalSnapshot"])
			}
			if obj(in["tags"])["Drive"] != w.drive {
				t.Errorf("%s: tags %v", vol.Name, in["tags"])
			}
			att := one(t, doc, typAttachment, "prod-"+w.key)
			if att.Inputs["deviceName"] != w.device || att.Inputs["stopInstanceBeforeDetaching"] != true ||
				!slices.Contains(att.Dependencies, vol.URN) || !slices.Contains(att.Dependencies, inst.URN) {
				t.Errorf("%s attachment: %v deps %v", w.key, att.Inputs, att.Dependencies)
			}
			id, _ := att.Inputs["volumeId"].(string)
			if !strings.HasPrefix(id, "vol-") || att.Inputs["instanceId"] != doc.Outputs["instanceId"] {
				t.Errorf("%s attachment links %v to %v, want the volume and instance %v", w.key, id, att.Inputs["instanceId"], doc.Outputs["instanceId"])
			}
		}
		if ebs := inst.Inputs["ebsBlockDevices"]; ebs != nil {
			t.Errorf("data volumes are inline block devices (lost with the instance): %v", ebs)
		}
	})
}

// ingressRule is a rule as the test compares it.
type ingressRule struct {
	port   float64
	source string
}

func rules(doc *preview.Document, typ string) []ingressRule {
	var out []ingressRule
	for _, r := range doc.Find(typ) {
		src := ""
		for _, k := range []string{"referencedSecurityGroupId", "cidrIpv4", "cidrIpv6"} {
			if s, ok := r.Inputs[k].(string); ok {
				src += s
			}
		}
		out = append(out, ingressRule{r.Inputs["fromPort"].(float64), src})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].port != out[j].port {
			return out[i].port < out[j].port
		}
		return out[i].source < out[j].source
	})
	return out
}

// SQL Server (1433) is reachable only from the nodes' security group, the VPN clients and the
// on-premises networks, mirroring (5022) only from on-premises; nothing from the internet, no RDP
// or SSH; egress is HTTPS and HTTP plus replication to on-premises. Every rule is described.
func TestSecurityGroupAdmitsSQLServerOnlyFromKnownNetworks(t *testing.T) {
	both(t, fullArgs(true), func(t *testing.T, doc *preview.Document) {
		sg := one(t, doc, typSG, "prod-sqlserver")
		if sg.Inputs["vpcId"] != "vpc-0a1b2c3d4e5f60718" || sg.Inputs["ingress"] != nil {
			t.Errorf("security group %v", sg.Inputs)
		}
		wantIn := []ingressRule{
			{1433, "10.8.0.0/22"}, {1433, "192.168.0.0/16"}, {1433, "2001:db8::/32"}, {1433, nodesSG},
			{5022, "192.168.0.0/16"}, {5022, "2001:db8::/32"},
		}
		if got := rules(doc, typIngress); !slices.Equal(got, wantIn) {
			t.Errorf("ingress %v, want %v", got, wantIn)
		}
		wantOut := []ingressRule{
			{80, "0.0.0.0/0"}, {443, "0.0.0.0/0"},
			{1433, "192.168.0.0/16"}, {1433, "2001:db8::/32"}, {5022, "192.168.0.0/16"}, {5022, "2001:db8::/32"},
		}
		if got := rules(doc, typEgress); !slices.Equal(got, wantOut) {
			t.Errorf("egress %v, want %v", got, wantOut)
		}
		for _, r := range append(doc.Find(typIngress), doc.Find(typEgress)...) {
			in := r.Inputs
			if d, _ := in["description"].(string); d == "" || in["ipProtocol"] != "tcp" || in["fromPort"] != in["toPort"] || in["securityGroupId"] != doc.Outputs["securityGroupId"] {
				t.Errorf("%s: %v", r.Name, in)
			}
			if r.Type == typIngress {
				if in["cidrIpv4"] == "0.0.0.0/0" || in["cidrIpv6"] == "::/0" {
					t.Errorf("%s admits the internet on %v", r.Name, in["fromPort"])
				}
				if p := in["fromPort"]; p == 3389.0 || p == 22.0 {
					t.Errorf("%s opens port %v", r.Name, p)
				}
			}
		}
		if r := one(t, doc, typIngress, "prod-mirroring-from-onprem-2001-db8---32"); r.Inputs["cidrIpv6"] != "2001:db8::/32" || r.Inputs["cidrIpv4"] != nil {
			t.Errorf("IPv6 on-premises rule %v", r.Inputs)
		}
	})
}

// Without VPN or on-premises networks, only the cluster's nodes reach SQL Server.
func TestOnlyTheNodesReachAHostWithoutVPNOrOnPremises(t *testing.T) {
	doc := build(t, baseArgs(), true)
	if got := rules(doc, typIngress); !slices.Equal(got, []ingressRule{{1433, nodesSG}}) {
		t.Errorf("ingress %v", got)
	}
	if got := rules(doc, typEgress); !slices.Equal(got, []ingressRule{{80, "0.0.0.0/0"}, {443, "0.0.0.0/0"}}) {
		t.Errorf("egress %v", got)
	}
}

// The sa password is generated, stored only as a secret, and never appears anywhere in the
// document: not in the secret version, not in the user data, not in the outputs.
func TestPasswordNeverAppearsInPlainText(t *testing.T) {
	both(t, fullArgs(true), func(t *testing.T, doc *preview.Document) {
		raw, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), preview.MockPassword) {
			t.Fatal("the generated password is in the preview document")
		}
		pw := one(t, doc, typPassword, "prod-sa-password")
		if pw.Inputs["length"] != 32.0 || pw.Inputs["special"] != true || pw.Inputs["overrideSpecial"] != "!#%*+-.?_~" {
			t.Errorf("password %v", pw.Inputs)
		}
		for _, c := range pw.Inputs["overrideSpecial"].(string) {
			if strings.ContainsRune("'\"`$;{}[]", c) {
				t.Errorf("special character %q needs escaping in T-SQL or PowerShell", c)
			}
		}
		secret := one(t, doc, typSecret, "prod-sa")
		if secret.Inputs["recoveryWindowInDays"] != 30.0 || secret.Inputs["kmsKeyId"] != doc.Outputs["kmsKeyArn"] {
			t.Errorf("secret %v", secret.Inputs)
		}
		version := one(t, doc, typVersion, "prod-sa")
		if version.Inputs["secretString"] != preview.Secret || !slices.Contains(version.Dependencies, pw.URN) {
			t.Errorf("secret version %v deps %v", version.Inputs, version.Dependencies)
		}
		if id, _ := version.Inputs["secretId"].(string); !strings.HasPrefix(id, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:") {
			t.Errorf("secret version of %v", version.Inputs["secretId"])
		}
		ud, _ := one(t, doc, typInstance, "prod-sqlserver").Inputs["userData"].(string)
		arn, _ := doc.Outputs["secretArn"].(string)
		if !strings.HasPrefix(arn, "arn:aws:secretsmanager:") || !strings.Contains(ud, "$SecretArn = '"+arn+"'") {
			t.Errorf("user data does not read secret %q:\n%s", arn, ud)
		}
		if strings.Contains(ud, preview.Secret) || strings.Contains(ud, preview.MockPassword) || !strings.Contains(ud, "Get-SECSecretValue -SecretId $SecretArn") {
			t.Errorf("user data holds a secret or does not fetch it:\n%s", ud)
		}
	})
}

// The instance role has exactly the SSM, CloudWatch agent and VSS snapshot managed policies and an
// inline policy reading the host's own secret and decrypting with its own key.
func TestInstanceRoleReadsOnlyItsSecret(t *testing.T) {
	doc := build(t, baseArgs(), true)
	var managed []string
	for _, a := range doc.Find(typAttachPol) {
		if strings.HasPrefix(a.Name, "prod-sqlserver-") {
			managed = append(managed, a.Inputs["policyArn"].(string))
		}
	}
	sort.Strings(managed)
	if !slices.Equal(managed, []string{"arn:aws:iam::aws:policy/AWSEC2VssSnapshotPolicy", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"}) {
		t.Errorf("managed policies %v", managed)
	}
	var trust struct {
		Statement []struct {
			Principal map[string]string
			Action    []string
		}
	}
	if err := json.Unmarshal([]byte(one(t, doc, typRole, "prod-sqlserver").Inputs["assumeRolePolicy"].(string)), &trust); err != nil || trust.Statement[0].Principal["Service"] != "ec2.amazonaws.com" {
		t.Errorf("trust %v %+v", err, trust)
	}
	var inline struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource []string
		}
	}
	if err := json.Unmarshal([]byte(one(t, doc, typRolePolicy, "prod-sqlserver-secret").Inputs["policy"].(string)), &inline); err != nil || len(inline.Statement) != 2 {
		t.Fatalf("inline policy %v %+v", err, inline)
	}
	s := inline.Statement
	if !slices.Equal(s[0].Action, []string{"secretsmanager:GetSecretValue"}) || !slices.Equal(s[0].Resource, []string{doc.Outputs["secretArn"].(string)}) ||
		!slices.Equal(s[1].Action, []string{"kms:Decrypt"}) || !slices.Equal(s[1].Resource, []string{doc.Outputs["kmsKeyArn"].(string)}) {
		t.Errorf("inline statements %+v", s)
	}
}

// The created key rotates, waits 30 days before deletion, and lets the account's IAM policies and
// CloudWatch (for the encrypted alarm topic) use it.
func TestKeyPolicyAllowsTheAccountAndCloudWatch(t *testing.T) {
	both(t, baseArgs(), func(t *testing.T, doc *preview.Document) {
		key := one(t, doc, typKey, "prod-key")
		if key.Inputs["enableKeyRotation"] != true || key.Inputs["deletionWindowInDays"] != 30.0 {
			t.Errorf("key %v", key.Inputs)
		}
		var p struct {
			Statement []struct {
				Effect    string
				Principal map[string]string
				Action    []string
			}
		}
		if err := json.Unmarshal([]byte(key.Inputs["policy"].(string)), &p); err != nil || len(p.Statement) != 2 {
			t.Fatalf("key policy %v %v", err, key.Inputs["policy"])
		}
		if p.Statement[0].Principal["AWS"] != "arn:aws:iam::111122223333:root" || !slices.Equal(p.Statement[0].Action, []string{"kms:*"}) {
			t.Errorf("account statement %+v", p.Statement[0])
		}
		if p.Statement[1].Principal["Service"] != "cloudwatch.amazonaws.com" || !slices.Equal(p.Statement[1].Action, []string{"kms:Decrypt", "kms:GenerateDataKey*"}) {
			t.Errorf("cloudwatch statement %+v", p.Statement[1])
		}
		if a := one(t, doc, "aws:kms/alias:Alias", "prod-key"); a.Inputs["name"] != "alias/prod-sqlserver" {
			t.Errorf("alias %v", a.Inputs)
		}
	})
}

// A given key is used for everything and no key is created.
func TestBringYourOwnKeyEncryptsEverything(t *testing.T) {
	args := baseArgs()
	args.KMSKeyARN = pulumi.String(givenKey)
	doc := build(t, args, true)
	if keys := doc.Find(typKey); len(keys) != 0 {
		t.Errorf("%d keys created", len(keys))
	}
	got := map[string]any{
		"root":   obj(one(t, doc, typInstance, "prod-sqlserver").Inputs["rootBlockDevice"])["kmsKeyId"],
		"secret": one(t, doc, typSecret, "prod-sa").Inputs["kmsKeyId"],
		"vault":  one(t, doc, typVault, "prod-vault").Inputs["kmsKeyArn"],
		"topic":  one(t, doc, typTopic, "prod-alarms").Inputs["kmsMasterKeyId"],
		"output": doc.Outputs["kmsKeyArn"],
	}
	for _, v := range doc.Find(typVolume) {
		got[v.Name] = v.Inputs["kmsKeyId"]
	}
	for k, v := range got {
		if v != givenKey {
			t.Errorf("%s encrypted with %v", k, v)
		}
	}
}

// Patching: a Windows baseline approving Critical/Important security updates and critical updates
// after 7 days, registered for the instance's patch group, and a weekly window installing them.
func TestPatchingInstallsApprovedUpdatesInTheWindow(t *testing.T) {
	both(t, baseArgs(), func(t *testing.T, doc *preview.Document) {
		b := one(t, doc, typBaseline, "prod-patch-baseline")
		if b.Inputs["operatingSystem"] != "WINDOWS" {
			t.Errorf("baseline os %v", b.Inputs["operatingSystem"])
		}
		var rules [][]string
		for _, r := range b.Inputs["approvalRules"].([]any) {
			rule := obj(r)
			if rule["approveAfterDays"] != 7.0 {
				t.Errorf("approval rule %v", rule)
			}
			keys := []string{rule["complianceLevel"].(string)}
			for _, f := range rule["patchFilters"].([]any) {
				keys = append(keys, obj(f)["key"].(string)+"="+strings.Join(strList(obj(f)["values"]), ","))
			}
			rules = append(rules, keys)
		}
		// the operating system's security and critical updates, and SQL Server's own updates
		// (cumulative and security updates: Microsoft application patches of the SQL Server family)
		want := [][]string{
			{"CRITICAL", "CLASSIFICATION=SecurityUpdates", "MSRC_SEVERITY=Critical,Important"},
			{"HIGH", "CLASSIFICATION=CriticalUpdates"},
			{"HIGH", "PATCH_SET=APPLICATION", "PRODUCT_FAMILY=SQL Server", "PRODUCT=*"},
		}
		if !slices.EqualFunc(rules, want, slices.Equal) {
			t.Errorf("approval rules %q, want %q", rules, want)
		}
		pg := one(t, doc, typPatchGroup, "prod-patch-group")
		inst := one(t, doc, typInstance, "prod-sqlserver")
		if pg.Inputs["patchGroup"] != obj(inst.Inputs["tags"])["Patch Group"] || !strings.HasPrefix(pg.Inputs["baselineId"].(string), "pb-") {
			t.Errorf("patch group %v, instance tags %v", pg.Inputs, inst.Inputs["tags"])
		}
		w := one(t, doc, typWindow, "prod-patching")
		if w.Inputs["schedule"] != "cron(0 3 ? * SUN *)" || w.Inputs["duration"] != 3.0 || w.Inputs["cutoff"] != 1.0 || w.Inputs["allowUnassociatedTargets"] != false {
			t.Errorf("window %v", w.Inputs)
		}
		target := one(t, doc, typTarget, "prod-patching")
		tt := obj(target.Inputs["targets"].([]any)[0])
		if target.Inputs["resourceType"] != "INSTANCE" || tt["key"] != "InstanceIds" || !slices.Equal(strList(tt["values"]), []string{doc.Outputs["instanceId"].(string)}) ||
			!strings.HasPrefix(target.Inputs["windowId"].(string), "mw-") {
			t.Errorf("window target %v", target.Inputs)
		}
		task := one(t, doc, typTask, "prod-patching")
		if task.Inputs["taskArn"] != "AWS-RunPatchBaseline" || task.Inputs["taskType"] != "RUN_COMMAND" || task.Inputs["windowId"] != target.Inputs["windowId"] {
			t.Errorf("task %v", task.Inputs)
		}
		if !slices.Contains(task.Dependencies, target.URN) {
			t.Errorf("task does not target the window target")
		}
		params := map[string]string{}
		for _, p := range obj(obj(task.Inputs["taskInvocationParameters"])["runCommandParameters"])["parameters"].([]any) {
			params[obj(p)["name"].(string)] = strings.Join(strList(obj(p)["values"]), ",")
		}
		if params["Operation"] != "Install" || params["RebootOption"] != "RebootIfNeeded" {
			t.Errorf("task parameters %v", params)
		}
	})
}

// A custom schedule reaches the maintenance window and the backup plan.
func TestSchedulesAreConfigurable(t *testing.T) {
	args := baseArgs()
	args.MaintenanceWindowSchedule, args.MaintenanceWindowHours, args.MaintenanceWindowCutoffHours = "cron(0 2 ? * SAT *)", 4, 2
	args.BackupSchedule, args.PatchApproveAfterDays = "cron(30 23 * * ? *)", 3
	doc := build(t, args, false)
	w := one(t, doc, typWindow, "prod-patching")
	if w.Inputs["schedule"] != "cron(0 2 ? * SAT *)" || w.Inputs["duration"] != 4.0 || w.Inputs["cutoff"] != 2.0 {
		t.Errorf("window %v", w.Inputs)
	}
	rule := obj(one(t, doc, typPlan, "prod-backup-plan").Inputs["rules"].([]any)[0])
	if rule["schedule"] != "cron(30 23 * * ? *)" {
		t.Errorf("backup rule %v", rule)
	}
	for _, r := range one(t, doc, typBaseline, "prod-patch-baseline").Inputs["approvalRules"].([]any) {
		if obj(r)["approveAfterDays"] != 3.0 {
			t.Errorf("approval rule %v", r)
		}
	}
}

// The agent's configuration collects memory committed and available and free space per drive with
// the instance id appended; one association installs the pinned agent, the next (after it)
// applies the configuration, daily.
func TestCloudWatchAgentIsInstalledAndConfigured(t *testing.T) {
	both(t, baseArgs(), func(t *testing.T, doc *preview.Document) {
		param := one(t, doc, typParameter, "prod-cwagent-config")
		if param.Inputs["name"] != "AmazonCloudWatch-prod-sqlserver" || param.Inputs["type"] != "String" || param.Inputs["value"] != nil {
			t.Errorf("parameter %v", param.Inputs)
		}
		var cfg struct {
			Agent struct {
				OmitHostname bool `json:"omit_hostname"`
			}
			Metrics struct {
				Namespace        string
				AppendDimensions map[string]string `json:"append_dimensions"`
				MetricsCollected map[string]struct {
					Measurement []string
					Resources   []string
				} `json:"metrics_collected"`
			}
		}
		if err := json.Unmarshal([]byte(param.Inputs["insecureValue"].(string)), &cfg); err != nil {
			t.Fatal(err)
		}
		m := cfg.Metrics
		if m.Namespace != "CWAgent" || m.AppendDimensions["InstanceId"] != "${aws:InstanceId}" || !cfg.Agent.OmitHostname ||
			!slices.Equal(m.MetricsCollected["Memory"].Measurement, []string{"% Committed Bytes In Use", "Available MBytes"}) ||
			!slices.Equal(m.MetricsCollected["LogicalDisk"].Measurement, []string{"% Free Space"}) ||
			!slices.Equal(m.MetricsCollected["LogicalDisk"].Resources, []string{"C:", "D:", "L:", "T:", "B:"}) {
			t.Errorf("agent config %+v", cfg)
		}
		install := one(t, doc, typAssoc, "prod-cwagent-install")
		configure := one(t, doc, typAssoc, "prod-cwagent-configure")
		ip := obj(install.Inputs["parameters"])
		if install.Inputs["name"] != "AWS-ConfigureAWSPackage" || ip["action"] != "Install" || ip["name"] != "AmazonCloudWatchAgent" || install.Inputs["waitForSuccessTimeoutSeconds"] != 1200.0 {
			t.Errorf("install %v", install.Inputs)
		}
		// the agent is pinned, never the latest
		if ip["version"] != DefaultCloudWatchAgentVersion || !agentVersionRe.MatchString(ip["version"].(string)) {
			t.Errorf("agent version %v, want the pinned %s", ip["version"], DefaultCloudWatchAgentVersion)
		}
		// a changed configuration reaches the host at the next run
		if configure.Inputs["scheduleExpression"] != AgentConfigSchedule {
			t.Errorf("configure schedule %v", configure.Inputs["scheduleExpression"])
		}
		cp := obj(configure.Inputs["parameters"])
		if configure.Inputs["name"] != "AmazonCloudWatch-ManageAgent" || cp["action"] != "configure" || cp["optionalConfigurationSource"] != "ssm" ||
			cp["optionalConfigurationLocation"] != "AmazonCloudWatch-prod-sqlserver" || !slices.Contains(configure.Dependencies, install.URN) {
			t.Errorf("configure %v deps %v", configure.Inputs, configure.Dependencies)
		}
		for _, a := range []*preview.Resource{install, configure} {
			tg := obj(a.Inputs["targets"].([]any)[0])
			if tg["key"] != "InstanceIds" || !slices.Equal(strList(tg["values"]), []string{doc.Outputs["instanceId"].(string)}) {
				t.Errorf("%s targets %v", a.Name, tg)
			}
		}
	})
}

// Every alarm watches the right metric with the agent's dimensions and pages the encrypted topic
// when it fires and when it recovers; subscriptions come from the args.
func TestAlarmsPageTheEncryptedTopic(t *testing.T) {
	both(t, fullArgs(false), func(t *testing.T, doc *preview.Document) {
		topic := one(t, doc, typTopic, "prod-alarms")
		topicARN := doc.Outputs["alarmTopicArn"]
		if topic.Inputs["kmsMasterKeyId"] != doc.Outputs["kmsKeyArn"] || topicARN != "arn:aws:sns:eu-west-1:111122223333:prod-sqlserver-alarms" {
			t.Errorf("topic %v arn %v", topic.Inputs, topicARN)
		}
		id := doc.Outputs["instanceId"]
		want := map[string]struct {
			namespace, metric, stat, cmp string
			threshold, period, periods   float64
			dims                         map[string]any
		}{
			"cpu":             {"AWS/EC2", "CPUUtilization", "Average", "GreaterThanThreshold", 80, 300, 3, map[string]any{"InstanceId": id}},
			"status-check":    {"AWS/EC2", "StatusCheckFailed", "Maximum", "GreaterThanOrEqualToThreshold", 1, 60, 2, map[string]any{"InstanceId": id}},
			"system-recovery": {"AWS/EC2", "StatusCheckFailed_System", "Maximum", "GreaterThanOrEqualToThreshold", 1, 60, 2, map[string]any{"InstanceId": id}},
			"memory":          {"CWAgent", "Memory Available MBytes", "Average", "LessThanThreshold", MemoryAlarmAvailableMiB, 300, 2, map[string]any{"InstanceId": id, "objectname": "Memory"}},
			"disk-data":       {"CWAgent", "LogicalDisk % Free Space", "Average", "LessThanThreshold", 15, 300, 2, map[string]any{"InstanceId": id, "objectname": "LogicalDisk", "instance": "D:"}},
			"disk-log":        {"CWAgent", "LogicalDisk % Free Space", "Average", "LessThanThreshold", 15, 300, 2, map[string]any{"InstanceId": id, "objectname": "LogicalDisk", "instance": "L:"}},
			"disk-tempdb":     {"CWAgent", "LogicalDisk % Free Space", "Average", "LessThanThreshold", 15, 300, 2, map[string]any{"InstanceId": id, "objectname": "LogicalDisk", "instance": "T:"}},
			"disk-backup":     {"CWAgent", "LogicalDisk % Free Space", "Average", "LessThanThreshold", 15, 300, 2, map[string]any{"InstanceId": id, "objectname": "LogicalDisk", "instance": "B:"}},
		}
		if n := len(doc.Find(typAlarm)); n != len(want) {
			t.Errorf("%d alarms, want %d", n, len(want))
		}
		for suffix, w := range want {
			a := one(t, doc, typAlarm, "prod-alarm-"+suffix)
			in := a.Inputs
			if in["namespace"] != w.namespace || in["metricName"] != w.metric || in["statistic"] != w.stat || in["comparisonOperator"] != w.cmp ||
				in["threshold"] != w.threshold || in["period"] != w.period || in["evaluationPeriods"] != w.periods || in["name"] != "prod-sqlserver-"+suffix {
				t.Errorf("%s: %v", suffix, in)
			}
			dims := obj(in["dimensions"])
			if len(dims) != len(w.dims) {
				t.Errorf("%s dimensions %v, want %v", suffix, dims, w.dims)
			}
			for k, v := range w.dims {
				if dims[k] != v {
					t.Errorf("%s dimension %s = %v, want %v", suffix, k, dims[k], v)
				}
			}
			fire := []string{topicARN.(string)}
			if suffix == "system-recovery" { // EC2 recovers the instance, and the topic hears of it
				fire = []string{"arn:aws:automate:eu-west-1:ec2:recover", topicARN.(string)}
			}
			if got := strList(in["alarmActions"]); !slices.Equal(got, fire) {
				t.Errorf("%s alarmActions %v, want %v", suffix, got, fire)
			}
			if got := strList(in["okActions"]); !slices.Equal(got, []string{topicARN.(string)}) {
				t.Errorf("%s okActions %v", suffix, got)
			}
		}
		subs := doc.Find(typSub)
		if len(subs) != 2 {
			t.Fatalf("%d subscriptions", len(subs))
		}
		got := map[string]string{}
		for _, s := range subs {
			if s.Inputs["topic"] != topicARN {
				t.Errorf("%s subscribes to %v", s.Name, s.Inputs["topic"])
			}
			got[s.Inputs["protocol"].(string)] = s.Inputs["endpoint"].(string)
		}
		if got["email"] != "dba@flowmart.example" || got["https"] != "https://events.pagerduty.com/integration/abc/enqueue" {
			t.Errorf("subscriptions %v", got)
		}
	})
}

// Daily VSS-consistent backups to an encrypted vault, kept BackupRetentionDays, of the instance
// alone (its recovery point covers every attached volume: one lineage, not one per volume), by a
// role with the backup and restore policies; the selection waits for what VSS needs on the host.
func TestBackupsAreApplicationConsistentRecoveryPointsOfTheInstance(t *testing.T) {
	both(t, baseArgs(), func(t *testing.T, doc *preview.Document) {
		vault := one(t, doc, typVault, "prod-vault")
		if vault.Inputs["kmsKeyArn"] != doc.Outputs["kmsKeyArn"] || vault.Inputs["name"] != "prod-sqlserver" || doc.Outputs["backupVaultName"] != "prod-sqlserver" {
			t.Errorf("vault %v output %v", vault.Inputs, doc.Outputs["backupVaultName"])
		}
		plan := one(t, doc, typPlan, "prod-backup-plan")
		rule := obj(plan.Inputs["rules"].([]any)[0])
		if rule["schedule"] != "cron(0 1 * * ? *)" || obj(rule["lifecycle"])["deleteAfter"] != 35.0 || rule["targetVaultName"] != "prod-sqlserver" {
			t.Errorf("backup rule %v", rule)
		}
		adv := plan.Inputs["advancedBackupSettings"].([]any)
		if len(adv) != 1 || obj(adv[0])["resourceType"] != "EC2" || obj(obj(adv[0])["backupOptions"])["WindowsVSS"] != "enabled" {
			t.Errorf("advanced backup settings %v", adv)
		}
		sel := one(t, doc, typSelection, "prod-backup-selection")
		instanceARN := "arn:aws:ec2:eu-west-1:111122223333:instance/" + doc.Outputs["instanceId"].(string)
		if got := strList(sel.Inputs["resources"]); !slices.Equal(got, []string{instanceARN}) {
			t.Errorf("selection resources %v, want the instance alone %s", got, instanceARN)
		}
		for _, k := range []string{"data", "log", "tempdb", "backup"} {
			if slices.Contains(strList(sel.Inputs["resources"]), volumeARN(t, doc, k)) {
				t.Errorf("the %s volume is selected on its own (a second, non-VSS lineage)", k)
			}
		}
		if sel.Inputs["selectionTags"] != nil || sel.Inputs["conditions"] != nil {
			t.Errorf("selection also selects by tags or conditions: %v", sel.Inputs)
		}
		// its name is fixed and its resources force a replacement: the old one goes first
		if !sel.DeleteBeforeReplace {
			t.Error("the selection is not deleted before it is replaced")
		}
		role := one(t, doc, typRole, "prod-backup-role")
		if !strings.Contains(role.Inputs["assumeRolePolicy"].(string), "backup.amazonaws.com") || !strings.HasPrefix(sel.Inputs["iamRoleArn"].(string), "arn:aws:iam::111122223333:role/prod-backup-role") {
			t.Errorf("backup role %v selection role %v", role.Inputs, sel.Inputs["iamRoleArn"])
		}
		var managed []string
		for _, a := range doc.Find(typAttachPol) {
			if strings.HasPrefix(a.Name, "prod-backup-role-") {
				managed = append(managed, a.Inputs["policyArn"].(string))
				if !slices.Contains(sel.Dependencies, a.URN) {
					t.Errorf("selection does not wait for %s", a.Name)
				}
			}
		}
		if !slices.Equal(managed, []string{"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"}) {
			t.Errorf("backup role policies %v", managed)
		}
		// what a VSS backup needs on the host, before the first backup
		for _, w := range [][2]string{{typAssoc, "prod-vss-install"}, {typAttachPol, "prod-sqlserver-awsec2vsssnapshotpolicy"}} {
			if !slices.Contains(sel.Dependencies, one(t, doc, w[0], w[1]).URN) {
				t.Errorf("selection does not wait for %s %s", w[0], w[1])
			}
		}
	})
}

// SSM installs the AWS VSS components on the instance and keeps them installed (AWS Backup does
// not install them), and the instance role carries the VSS snapshot managed policy, on the role
// the instance profile hands the host.
func TestVSSComponentsAndPolicyAreOnTheHost(t *testing.T) {
	both(t, baseArgs(), func(t *testing.T, doc *preview.Document) {
		vss := one(t, doc, typAssoc, "prod-vss-install")
		p := obj(vss.Inputs["parameters"])
		if vss.Inputs["name"] != "AWS-ConfigureAWSPackage" || p["action"] != "Install" || p["name"] != "AwsVssComponents" || len(p) != 2 {
			t.Errorf("VSS association %v", vss.Inputs)
		}
		if vss.Inputs["associationName"] != "prod-sqlserver-vss-install" || vss.Inputs["scheduleExpression"] != VSSSchedule || vss.Inputs["waitForSuccessTimeoutSeconds"] != 1200.0 {
			t.Errorf("VSS association %v: not kept installed on a schedule, or created without waiting", vss.Inputs)
		}
		tg := obj(vss.Inputs["targets"].([]any)[0])
		if tg["key"] != "InstanceIds" || !slices.Equal(strList(tg["values"]), []string{doc.Outputs["instanceId"].(string)}) {
			t.Errorf("VSS association targets %v", tg)
		}
		att := one(t, doc, typAttachPol, "prod-sqlserver-awsec2vsssnapshotpolicy")
		role := one(t, doc, typRole, "prod-sqlserver")
		profile := one(t, doc, typProfile, "prod-sqlserver")
		if att.Inputs["policyArn"] != "arn:aws:iam::aws:policy/AWSEC2VssSnapshotPolicy" || !slices.Contains(att.Dependencies, role.URN) || att.Inputs["role"] != profile.Inputs["role"] {
			t.Errorf("VSS policy attachment %v (role %v, profile role %v)", att.Inputs, role.URN, profile.Inputs["role"])
		}
		// the instance boots with the policy, like with the others of its role
		if !slices.Contains(one(t, doc, typInstance, "prod-sqlserver").Dependencies, att.URN) {
			t.Error("the instance does not wait for the VSS policy")
		}
	})
}

// volumeARN is the ARN the recorder gives a volume (the attachment carries its id).
func volumeARN(t *testing.T, doc *preview.Document, key string) string {
	t.Helper()
	id, _ := one(t, doc, typAttachment, "prod-"+key).Inputs["volumeId"].(string)
	return "arn:aws:ec2:eu-west-1:111122223333:volume/" + id
}

// The host registers sqlserver.<zone> as an A record to its private address with a short TTL.
func TestPrivateDNSRecordPointsAtTheInstance(t *testing.T) {
	both(t, baseArgs(), func(t *testing.T, doc *preview.Document) {
		r := one(t, doc, typRecord, "prod-dns")
		if r.Inputs["name"] != "sqlserver.production.internal" || r.Inputs["type"] != "A" || r.Inputs["ttl"] != 60.0 || r.Inputs["zoneId"] != "Z0123456789ABCDEFGHIJ" {
			t.Errorf("record %v", r.Inputs)
		}
		ip, _ := doc.Outputs["privateIp"].(string)
		if !strings.HasPrefix(ip, "10.0.100.") || !slices.Equal(strList(r.Inputs["records"]), []string{ip}) {
			t.Errorf("records %v, private IP %v", r.Inputs["records"], ip)
		}
		if doc.Outputs["privateDnsName"] != "sqlserver.production.internal" {
			t.Errorf("privateDnsName %v", doc.Outputs["privateDnsName"])
		}
	})
	args := baseArgs()
	args.HostName = "mssql"
	if r := one(t, build(t, args, false), typRecord, "prod-dns"); r.Inputs["name"] != "mssql.production.internal" {
		t.Errorf("custom host name %v", r.Inputs["name"])
	}
}

// Protect protects exactly the stateful resources (instance, volumes, secret, key, vault) and turns
// on termination protection; without it nothing is protected.
func TestProtectCoversTheStatefulResourcesOnly(t *testing.T) {
	protected := func(doc *preview.Document) []string {
		var out []string
		for _, r := range doc.Resources {
			if r.Protect {
				out = append(out, r.Type+" "+r.Name)
			}
		}
		sort.Strings(out)
		return out
	}
	want := []string{
		typVault + " prod-vault", typVolume + " prod-backup", typVolume + " prod-data", typVolume + " prod-log", typVolume + " prod-tempdb",
		typInstance + " prod-sqlserver", typKey + " prod-key", typSecret + " prod-sa",
	}
	sort.Strings(want)
	both(t, fullArgs(true), func(t *testing.T, doc *preview.Document) {
		if got := protected(doc); !slices.Equal(got, want) {
			t.Errorf("protected %v, want %v", got, want)
		}
		if one(t, doc, typInstance, "prod-sqlserver").Inputs["disableApiTermination"] != true {
			t.Error("no termination protection")
		}
	})
	if got := protected(build(t, fullArgs(false), false)); len(got) != 0 {
		t.Errorf("protected without Protect: %v", got)
	}
}

// The outputs are the host's address, port, secret, security group, instance, topic, vault and key.
func TestOutputsDescribeTheHost(t *testing.T) {
	doc := build(t, baseArgs(), true)
	o := doc.Outputs
	checks := map[string]bool{
		"privateDnsName":  o["privateDnsName"] == "sqlserver.production.internal",
		"port":            o["port"] == Port,
		"secretArn":       strings.HasPrefix(o["secretArn"].(string), "arn:aws:secretsmanager:eu-west-1:111122223333:secret:"),
		"securityGroupId": strings.HasPrefix(o["securityGroupId"].(string), "sg-"),
		"instanceId":      strings.HasPrefix(o["instanceId"].(string), "i-"),
		"privateIp":       strings.HasPrefix(o["privateIp"].(string), "10.0.100."),
		"alarmTopicArn":   strings.HasPrefix(o["alarmTopicArn"].(string), "arn:aws:sns:"),
		"backupVaultName": o["backupVaultName"] == "prod-sqlserver",
		"kmsKeyArn":       strings.HasPrefix(o["kmsKeyArn"].(string), "arn:aws:kms:"),
		"escapeHatchAmi":  o["escapeHatchAmi"] == "ami-0a1b2c3d4e5f60718",
	}
	for k, ok := range checks {
		if !ok {
			t.Errorf("output %s = %v", k, o[k])
		}
	}
}

// In production, with Protect, the host passes every policy rule (no violation at all, advisory
// included); without Protect, the protection rule catches the instance and each stateful child.
func TestProductionHostPassesThePolicies(t *testing.T) {
	ctx := policy.Context{Environment: policy.Production}
	both(t, fullArgs(true), func(t *testing.T, doc *preview.Document) {
		doc.EvaluatePolicy(ctx)
		if doc.BlockingViolations() != 0 || len(doc.Violations) != 0 {
			t.Errorf("violations: %+v", doc.Violations)
		}
	})
	doc := build(t, fullArgs(false), true)
	doc.EvaluatePolicy(ctx)
	var caught []string
	for _, v := range doc.Violations {
		if v.Policy == "FM-PROT-001" && v.Blocking() {
			caught = append(caught, v.Resource)
		}
	}
	sort.Strings(caught)
	if want := []string{"prod-backup", "prod-data", "prod-key", "prod-log", "prod-sa", "prod-sqlserver", "prod-tempdb", "prod-vault"}; !slices.Equal(caught, want) {
		t.Errorf("unprotected stateful resources caught: %v, want %v", caught, want)
	}
}

func TestInvalidArgsFailTheProgramWithOneLine(t *testing.T) {
	args := baseArgs()
	args.OnPremisesCIDRs = []string{"0.0.0.0/0"}
	_, err := preview.Run(func(ctx *pulumi.Context) error {
		_, err := NewSQLServerHost(ctx, "x", args)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: account})
	if err == nil || !strings.Contains(err.Error(), `sqlserver "x": OnPremisesCIDRs[0]: "0.0.0.0/0" is the whole internet`) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
	_, err = preview.Run(func(ctx *pulumi.Context) error {
		_, err := NewSQLServerHost(ctx, "x", nil)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: account})
	if err == nil || !strings.Contains(err.Error(), `sqlserver "x": VPCID: is required`) {
		t.Fatalf("nil args: %v", err)
	}
}

// The component looks nothing up (not even the account: the key policy takes it from the role's
// ARN), so it previews offline and in any account.
func TestNoInvokeAtAll(t *testing.T) {
	calls, err := preview.Invokes(func(ctx *pulumi.Context) error {
		_, err := NewSQLServerHost(ctx, "prod", fullArgs(true))
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Errorf("invokes: %v", calls)
	}
}

// AllowAMIReplacement is the one deliberate way onto a new AMI: the instance stops ignoring it.
func TestAllowAMIReplacementStopsIgnoringTheAMI(t *testing.T) {
	args := baseArgs()
	args.AllowAMIReplacement = true
	args.AMIID = "ami-0fedcba9876543210"
	both(t, args, func(t *testing.T, doc *preview.Document) {
		inst := one(t, doc, typInstance, "prod-sqlserver")
		if len(inst.IgnoreChanges) != 0 || inst.Inputs["ami"] != "ami-0fedcba9876543210" {
			t.Errorf("ami %v ignoreChanges %v: a changed AMI would still be ignored", inst.Inputs["ami"], inst.IgnoreChanges)
		}
	})
}
