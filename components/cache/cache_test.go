package cache

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	typGroup    = "aws:elasticache/replicationGroup:ReplicationGroup"
	typSubnets  = "aws:elasticache/subnetGroup:SubnetGroup"
	typParams   = "aws:elasticache/parameterGroup:ParameterGroup"
	typSG       = "aws:ec2/securityGroup:SecurityGroup"
	typKey      = "aws:kms/key:Key"
	typAlias    = "aws:kms/alias:Alias"
	typSecret   = "aws:secretsmanager/secret:Secret"
	typVersion  = "aws:secretsmanager/secretVersion:SecretVersion"
	typPassword = "random:index/randomPassword:RandomPassword"
	typAlarm    = "aws:cloudwatch/metricAlarm:MetricAlarm"
)

const (
	account  = "111122223333"
	region   = "eu-west-1"
	nodesSG  = "sg-0node0123456789ab"
	topic    = "arn:aws:sns:eu-west-1:111122223333:production-catalog-team-paging"
	givenKey = "arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab"
)

// baseArgs are the smallest valid Args: a dev cache of the catalog service.
func baseArgs() *CacheArgs {
	return &CacheArgs{
		Service:                 "catalog",
		Owner:                   "team-catalog",
		NamePrefix:              "production-",
		AlarmTopicARN:           pulumi.String(topic),
		VPCID:                   pulumi.String("vpc-0a1b2c3d4e5f60718"),
		SubnetIDs:               pulumi.StringArray{pulumi.String("subnet-0db1a2b3c4d5e6f70"), pulumi.String("subnet-0db1a2b3c4d5e6f71")},
		AllowedSecurityGroupIDs: pulumi.StringArray{pulumi.String(nodesSG)},
	}
}

// prodArgs are production-like: two replicas, the VPN, protected, tagged.
func prodArgs() *CacheArgs {
	a := baseArgs()
	a.Replicas = 2
	a.AllowedCIDRs = []string{"10.8.0.0/22", "fd00:8::/64"}
	a.Protect = true
	a.NodeType = "cache.r7g.large"
	a.SnapshotRetentionDays = 7
	a.Tags = map[string]string{"CostCenter": "catalog"}
	return a
}

// build runs a program that creates one Cache named "catalog" under the mock recorder, as a
// preview (deploy false) or an update, and exports every output and the access statements.
func build(t *testing.T, args *CacheArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		c, err := NewCache(ctx, "catalog", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("endpoint", c.Endpoint)
		ctx.Export("readerEndpoint", c.ReaderEndpoint)
		ctx.Export("port", c.Port)
		ctx.Export("secretArn", c.SecretARN)
		ctx.Export("arn", c.ARN)
		ctx.Export("replicationGroupId", c.ReplicationGroupID)
		ctx.Export("securityGroupId", c.SecurityGroupID)
		ctx.Export("kmsKeyArn", c.KMSKeyARN)
		ctx.Export("escapeHatchNodeType", c.ReplicationGroup.NodeType)
		ctx.Export("access", c.AccessStatements().ApplyT(func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		}))
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: region, Account: account, Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// both runs f on a preview and on an update of the same arguments.
func both(t *testing.T, args *CacheArgs, f func(t *testing.T, doc *preview.Document)) {
	for _, deploy := range []bool{false, true} {
		name := "preview"
		if deploy {
			name = "deploy"
		}
		t.Run(name, func(t *testing.T) { f(t, build(t, args, deploy)) })
	}
}

func one(t *testing.T, doc *preview.Document, typ, name string) *preview.Resource {
	t.Helper()
	r := doc.Get(typ, name)
	if r == nil {
		t.Fatalf("no %s %s", typ, name)
	}
	return r
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func list(v any) []any { l, _ := v.([]any); return l }

// Every child is parented to the component, named after it and tagged with the owner and
// service; the names and types are public API.
func TestChildrenAreNamedAfterTheCacheAndParentedToIt(t *testing.T) {
	both(t, prodArgs(), func(t *testing.T, doc *preview.Document) {
		comp := one(t, doc, cacheType, "catalog")
		want := [][2]string{
			{typKey, "catalog-key"}, {typAlias, "catalog-key"}, {typPassword, "catalog-auth-token"},
			{typSecret, "catalog-auth"}, {typVersion, "catalog-auth"}, {typSubnets, "catalog-subnets"},
			{typParams, "catalog-params"}, {typSG, "catalog-sg"}, {typGroup, "catalog-group"},
		}
		for _, w := range want {
			if r := one(t, doc, w[0], w[1]); r.Parent != comp.URN {
				t.Errorf("%s %s: parent %s", w[0], w[1], r.Parent)
			}
		}
		children := 0
		for _, r := range doc.Resources {
			if r.Parent != comp.URN {
				continue
			}
			children++
			if !strings.HasPrefix(r.Name, "catalog-") {
				t.Errorf("child %s %s is not named after the cache", r.Type, r.Name)
			}
			if tags := obj(r.Inputs["tags"]); r.Type != typPassword && r.Type != typVersion && r.Type != typAlias &&
				(tags[TagOwner] != "team-catalog" || tags[TagService] != "catalog" || tags["CostCenter"] != "catalog" || tags["Name"] == nil) {
				t.Errorf("%s %s: tags %v", r.Type, r.Name, tags)
			}
		}
		if w := len(want) + 3*6; children != w { // three nodes of six alarms
			t.Errorf("%d children, want %d", children, w)
		}
	})
}

// The replication group is Valkey at the pinned version, TLS required, encrypted at rest with
// the created key, its AUTH token the secret's (secret) value, its network the subnet group and
// security group, snapshots and maintenance in their windows; with replicas, failover and
// Multi-AZ are on.
func TestReplicationGroupInputs(t *testing.T) {
	both(t, prodArgs(), func(t *testing.T, doc *preview.Document) {
		g := one(t, doc, typGroup, "catalog-group")
		in := g.Inputs
		for k, want := range map[string]any{
			"replicationGroupId":       "production-catalog-cache",
			"engine":                   "valkey",
			"engineVersion":            DefaultEngineVersion,
			"nodeType":                 "cache.r7g.large",
			"numCacheClusters":         3.0,
			"automaticFailoverEnabled": true,
			"multiAzEnabled":           true,
			"port":                     6379.0,
			"atRestEncryptionEnabled":  true,
			"transitEncryptionEnabled": true,
			"transitEncryptionMode":    "required",
			"authToken":                preview.Secret,
			"snapshotRetentionLimit":   7.0,
			"snapshotWindow":           DefaultSnapshotWindow,
			"maintenanceWindow":        DefaultMaintenanceWindow,
			"finalSnapshotIdentifier":  "production-catalog-cache-final",
			"autoMinorVersionUpgrade":  false,
		} {
			if in[k] != want {
				t.Errorf("%s = %v, want %v", k, in[k], want)
			}
		}
		if !g.Protect {
			t.Error("the replication group of a protected cache is not protected")
		}
		if !g.Custom || g.Provider == "" {
			t.Errorf("custom %v provider %q", g.Custom, g.Provider)
		}
		deps := map[string]bool{}
		for _, d := range g.Dependencies {
			deps[d] = true
		}
		for _, r := range []*preview.Resource{one(t, doc, typSubnets, "catalog-subnets"), one(t, doc, typParams, "catalog-params"),
			one(t, doc, typSG, "catalog-sg"), one(t, doc, typVersion, "catalog-auth"), one(t, doc, typKey, "catalog-key")} {
			if !deps[r.URN] {
				t.Errorf("the replication group does not depend on %s %s", r.Type, r.Name)
			}
		}
		if doc.Outputs["endpoint"] == nil {
			t.Fatal("no endpoint output")
		}
		if len(doc.Outputs) == 0 || !strings.Contains(doc.Outputs["escapeHatchNodeType"].(string), "cache.r7g.large") && doc.Outputs["escapeHatchNodeType"] != preview.Unknown {
			t.Errorf("escape hatch node type %v", doc.Outputs["escapeHatchNodeType"])
		}
	})
	doc := build(t, prodArgs(), true)
	in := one(t, doc, typGroup, "catalog-group").Inputs
	key := one(t, doc, typKey, "catalog-key")
	if in["kmsKeyId"] != doc.Outputs["kmsKeyArn"] || !strings.HasPrefix(in["kmsKeyId"].(string), "arn:aws:kms:eu-west-1:111122223333:key/") || !key.Protect {
		t.Errorf("kmsKeyId %v, key output %v, key protected %v", in["kmsKeyId"], doc.Outputs["kmsKeyArn"], key.Protect)
	}
	if in["subnetGroupName"] != "production-catalog-cache" || in["parameterGroupName"] != "production-catalog-cache-valkey8" {
		t.Errorf("subnetGroupName %v parameterGroupName %v", in["subnetGroupName"], in["parameterGroupName"])
	}
	sgs := list(in["securityGroupIds"])
	if len(sgs) != 1 || sgs[0] != doc.Outputs["securityGroupId"] || !strings.HasPrefix(sgs[0].(string), "sg-") {
		t.Errorf("securityGroupIds %v, security group output %v", sgs, doc.Outputs["securityGroupId"])
	}
}

// Without replicas a cache is one node without failover nor Multi-AZ (ElastiCache refuses them),
// without a final snapshot or protection unless Protect; the given key is used, none is made.
func TestSingleNodeWithAGivenKey(t *testing.T) {
	a := baseArgs()
	a.KMSKeyARN = pulumi.StringPtr(givenKey)
	both(t, a, func(t *testing.T, doc *preview.Document) {
		g := one(t, doc, typGroup, "catalog-group")
		for k, want := range map[string]any{"numCacheClusters": 1.0, "automaticFailoverEnabled": false, "multiAzEnabled": false, "kmsKeyId": givenKey, "nodeType": DefaultNodeType, "snapshotRetentionLimit": 1.0} {
			if g.Inputs[k] != want {
				t.Errorf("%s = %v, want %v", k, g.Inputs[k], want)
			}
		}
		if _, ok := g.Inputs["finalSnapshotIdentifier"]; ok || g.Protect {
			t.Errorf("unprotected cache: finalSnapshotIdentifier %v, protect %v", g.Inputs["finalSnapshotIdentifier"], g.Protect)
		}
		if len(doc.Find(typKey)) != 0 || len(doc.Find(typAlias)) != 0 {
			t.Error("a key was created although KMSKeyARN was given")
		}
		if s := one(t, doc, typSecret, "catalog-auth"); s.Inputs["kmsKeyId"] != givenKey || s.Protect {
			t.Errorf("secret kmsKeyId %v protect %v", s.Inputs["kmsKeyId"], s.Protect)
		}
		if n := len(doc.Find(typAlarm)); n != 5 {
			t.Errorf("%d alarms, want 5 (one node, no replication lag)", n)
		}
	})
}

// The AUTH token follows ElastiCache's rules (16-128 printable characters, specials only from
// !&#$^<>-), lives only in the KMS-encrypted secret <id>-auth, and reaches the replication group
// as a secret.
func TestAuthToken(t *testing.T) {
	both(t, prodArgs(), func(t *testing.T, doc *preview.Document) {
		pw := one(t, doc, typPassword, "catalog-auth-token").Inputs
		if pw["length"] != float64(AuthTokenLength) || AuthTokenLength < 16 || AuthTokenLength > 128 || pw["special"] != true {
			t.Errorf("password length %v special %v", pw["length"], pw["special"])
		}
		special, _ := pw["overrideSpecial"].(string)
		if special == "" || strings.Trim(special, "!&#$^<>-") != "" {
			t.Errorf("overrideSpecial %q has characters ElastiCache refuses", special)
		}
		s := one(t, doc, typSecret, "catalog-auth")
		if s.Inputs["name"] != "production-catalog-cache-auth" || s.Inputs["recoveryWindowInDays"] != 30.0 || !s.Protect {
			t.Errorf("secret %v protect %v", s.Inputs, s.Protect)
		}
		if k := s.Inputs["kmsKeyId"]; k == nil || k == "" {
			t.Error("the secret is not encrypted with the cache's key")
		}
		v := one(t, doc, typVersion, "catalog-auth")
		if v.Inputs["secretString"] != preview.Secret {
			t.Errorf("secretString %v, want a secret", v.Inputs["secretString"])
		}
		if g := one(t, doc, typGroup, "catalog-group"); g.Inputs["authToken"] != preview.Secret {
			t.Errorf("authToken %v, want a secret", g.Inputs["authToken"])
		}
	})
	doc := build(t, prodArgs(), true)
	if v := one(t, doc, typVersion, "catalog-auth"); v.Inputs["secretId"] != doc.Outputs["secretArn"] {
		t.Errorf("secret version of %v, the secret is %v", v.Inputs["secretId"], doc.Outputs["secretArn"])
	}
}

// The security group admits 6379 only from the allowed groups and CIDRs, and has no egress.
func TestSecurityGroupAdmitsOnlyTheAllowed(t *testing.T) {
	both(t, prodArgs(), func(t *testing.T, doc *preview.Document) {
		sg := one(t, doc, typSG, "catalog-sg")
		if _, ok := sg.Inputs["egress"]; ok {
			t.Errorf("egress %v, want none", sg.Inputs["egress"])
		}
		if sg.Inputs["vpcId"] != "vpc-0a1b2c3d4e5f60718" {
			t.Errorf("vpcId %v", sg.Inputs["vpcId"])
		}
		rules := list(sg.Inputs["ingress"])
		if len(rules) != 2 {
			t.Fatalf("ingress %v, want a rule for the groups and one for the CIDRs", rules)
		}
		for _, r := range rules {
			m := obj(r)
			if m["protocol"] != "tcp" || m["fromPort"] != 6379.0 || m["toPort"] != 6379.0 || m["description"] == "" {
				t.Errorf("rule %v", m)
			}
		}
		if g := list(obj(rules[0])["securityGroups"]); len(g) != 1 || g[0] != nodesSG {
			t.Errorf("groups rule %v", rules[0])
		}
		cidrs := obj(rules[1])
		if v4, v6 := list(cidrs["cidrBlocks"]), list(cidrs["ipv6CidrBlocks"]); len(v4) != 1 || v4[0] != "10.8.0.0/22" || len(v6) != 1 || v6[0] != "fd00:8::/64" {
			t.Errorf("CIDR rule %v", cidrs)
		}
	})
	doc := build(t, baseArgs(), false)
	if rules := list(one(t, doc, typSG, "catalog-sg").Inputs["ingress"]); len(rules) != 1 {
		t.Errorf("without AllowedCIDRs: ingress %v, want the groups' rule only", rules)
	}
}

// The subnet group spans the given subnets; the parameter group is of the version's family.
func TestSubnetAndParameterGroups(t *testing.T) {
	both(t, baseArgs(), func(t *testing.T, doc *preview.Document) {
		s := one(t, doc, typSubnets, "catalog-subnets").Inputs
		if ids := list(s["subnetIds"]); s["name"] != "production-catalog-cache" || len(ids) != 2 || ids[0] != "subnet-0db1a2b3c4d5e6f70" {
			t.Errorf("subnet group %v", s)
		}
		p := one(t, doc, typParams, "catalog-params").Inputs
		if p["family"] != "valkey8" || p["name"] != "production-catalog-cache-valkey8" {
			t.Errorf("parameter group %v", p)
		}
	})
	a := baseArgs()
	a.EngineVersion = "7.2"
	if p := one(t, build(t, a, false), typParams, "catalog-params").Inputs; p["family"] != "valkey7" || p["name"] != "production-catalog-cache-valkey7" {
		t.Errorf("7.2: parameter group %v", p)
	}
}

// Every node gets the shared alarms, to the owning team's topic, on its CacheClusterId; replicas
// add ReplicationLag; thresholds are the Args'.
func TestAlarms(t *testing.T) {
	a := prodArgs()
	a.CPUThresholdPercent = 70
	both(t, a, func(t *testing.T, doc *preview.Document) {
		alarms := doc.Find(typAlarm)
		if len(alarms) != 18 {
			t.Fatalf("%d alarms, want 6 on each of 3 nodes", len(alarms))
		}
		metrics := map[string]int{}
		group := one(t, doc, typGroup, "catalog-group")
		for _, al := range alarms {
			in := al.Inputs
			metrics[in["metricName"].(string)]++
			node := obj(in["dimensions"])["CacheClusterId"].(string)
			if !slices.Contains([]string{"production-catalog-cache-001", "production-catalog-cache-002", "production-catalog-cache-003"}, node) {
				t.Errorf("%s: node %q", al.Name, node)
			}
			suffix := strings.TrimPrefix(al.Name, "catalog-")
			if in["name"] != "production-catalog-cache-"+suffix || !strings.HasSuffix(node, suffix[len(suffix)-3:]) {
				t.Errorf("%s: name %v on node %s", al.Name, in["name"], node)
			}
			if in["namespace"] != Namespace || in["period"] != 300.0 || in["comparisonOperator"] != "GreaterThanThreshold" {
				t.Errorf("%s: %v", al.Name, in)
			}
			for _, k := range []string{"alarmActions", "okActions"} {
				if l := list(in[k]); len(l) != 1 || l[0] != topic {
					t.Errorf("%s: %s %v, want the team's topic", al.Name, k, l)
				}
			}
			if in["metricName"] == "CPUUtilization" && in["threshold"] != 70.0 {
				t.Errorf("%s: threshold %v, want 70", al.Name, in["threshold"])
			}
			if in["metricName"] == "ReplicationLag" && (in["treatMissingData"] != "notBreaching" || in["threshold"] != 30.0) {
				t.Errorf("%s: %v", al.Name, in)
			}
			if !slices.Contains(al.Dependencies, group.URN) {
				t.Errorf("%s does not wait for the replication group", al.Name)
			}
		}
		for _, m := range []string{"CPUUtilization", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions", "CurrConnections", "ReplicationLag"} {
			if metrics[m] != 3 {
				t.Errorf("%s: %d alarms, want 3", m, metrics[m])
			}
		}
	})
}

// The outputs are the replication group's endpoints and ARN, 6379, the secret's ARN and the
// access statements over them.
func TestOutputs(t *testing.T) {
	doc := build(t, prodArgs(), true)
	o := doc.Outputs
	for k, pattern := range map[string]string{
		"endpoint":       `^master\.production-catalog-cache\.[0-9a-f]{6}\.euw1\.cache\.amazonaws\.com$`,
		"readerEndpoint": `^replica\.production-catalog-cache\.[0-9a-f]{6}\.euw1\.cache\.amazonaws\.com$`,
		"arn":            `^arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:production-catalog-cache$`,
		"secretArn":      `^arn:aws:secretsmanager:eu-west-1:111122223333:secret:production-catalog-cache-auth-[0-9a-f]{6}$`,
	} {
		s, _ := o[k].(string)
		if !regexpMatch(pattern, s) {
			t.Errorf("%s = %v, want %s", k, o[k], pattern)
		}
	}
	if fmt.Sprint(o["port"]) != "6379" || o["replicationGroupId"] != "production-catalog-cache" {
		t.Errorf("port %v replicationGroupId %v", o["port"], o["replicationGroupId"])
	}
	var got []iampolicy.Statement
	if err := json.Unmarshal([]byte(o["access"].(string)), &got); err != nil {
		t.Fatal(err)
	}
	want, err := AccessStatementsFor(o["secretArn"].(string), o["kmsKeyArn"].(string))
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(got)
	if !bytes.Equal(wb, gb) {
		t.Errorf("access statements\n%s\nwant\n%s", gb, wb)
	}
	// in a preview the values are unknown, never wrong
	p := build(t, prodArgs(), false).Outputs
	for _, k := range []string{"endpoint", "arn", "access"} {
		if v, _ := p[k].(string); v != preview.Unknown && !strings.Contains(v, "production-catalog-cache") {
			t.Errorf("preview %s = %v", k, p[k])
		}
	}
}

// The service's role may read its one secret and decrypt it through Secrets Manager only.
func TestAccessStatementsFor(t *testing.T) {
	secret := "arn:aws:secretsmanager:eu-west-1:111122223333:secret:production-catalog-cache-auth-a1b2c3"
	got, err := AccessStatementsFor(secret, givenKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d statements: %+v", len(got), got)
	}
	s, k := got[0], got[1]
	if s.Effect != "Allow" || !slices.Equal(s.Action, []string{"secretsmanager:GetSecretValue"}) || !slices.Equal(s.Resource, []string{secret}) || s.Condition != nil {
		t.Errorf("secret statement %+v", s)
	}
	cond := obj(k.Condition["StringEquals"])
	if k.Effect != "Allow" || !slices.Equal(k.Action, []string{"kms:Decrypt"}) || !slices.Equal(k.Resource, []string{givenKey}) ||
		cond["kms:ViaService"] != "secretsmanager.eu-west-1.amazonaws.com" {
		t.Errorf("key statement %+v", k)
	}
	for _, bad := range [][2]string{{"", givenKey}, {"arn:aws:sqs:eu-west-1:111122223333:q", givenKey}, {secret, "alias/x"}, {secret, "arn:aws:kms::111122223333:key/x"}} {
		if st, err := AccessStatementsFor(bad[0], bad[1]); err == nil {
			t.Errorf("AccessStatementsFor(%q, %q) = %+v, want an error", bad[0], bad[1], st)
		}
	}
	// the statements are valid IAM: the linter finds nothing
	if problems := iampolicy.Lint(iampolicy.New(got...)); len(problems) != 0 {
		t.Errorf("lint: %v", problems)
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

// A protected production cache passes the platform's existing policy rules (pkg/policy); rules of
// their own for the ElastiCache types belong to the policy work of issue 17.
func TestProductionCachePassesThePolicies(t *testing.T) {
	both(t, prodArgs(), func(t *testing.T, doc *preview.Document) {
		doc.EvaluatePolicy(policy.Context{Environment: policy.Production})
		for _, v := range doc.Violations {
			t.Errorf("violation %+v", v)
		}
	})
}
