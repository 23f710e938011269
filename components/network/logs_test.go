package network

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
)

// keyPolicy is the part of a key policy the tests read.
type keyPolicy struct {
	Statement []struct {
		Sid       string
		Principal map[string]any
		Action    []string
		Condition map[string]map[string][]string
	}
}

func logsStatementGroups(t *testing.T, key *preview.Resource) (principal any, arns []string) {
	t.Helper()
	var p keyPolicy
	if err := json.Unmarshal([]byte(key.Inputs["policy"].(string)), &p); err != nil {
		t.Fatalf("key policy: %v", err)
	}
	for _, s := range p.Statement {
		if s.Sid == "CloudWatchLogs" {
			return s.Principal["Service"], s.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
		}
	}
	t.Fatalf("key policy has no CloudWatchLogs statement: %s", key.Inputs["policy"])
	return nil, nil
}

// Every log group of the network is encrypted with the log key the network creates; the key
// rotates, belongs to the network, and lets CloudWatch Logs of the region use it for exactly
// these groups. The private zone's VPC logs its DNS queries to the second group.
func TestLogGroupsEncryptedAndDNSQueriesLogged(t *testing.T) {
	args := baseArgs("eu-west-1a", "eu-west-1b")
	args.PrivateZoneName = "production.internal"
	doc := build(t, args, true)
	net := doc.Find(networkType)[0]

	key := doc.Get("aws:kms/key:Key", "prod-network-logs")
	if key == nil {
		t.Fatalf("no key prod-logs among %v", names(doc.Resources))
	}
	if key.Parent != net.URN || key.Inputs["enableKeyRotation"] != true || key.Protect {
		t.Errorf("log key: parent %q rotation %v protect %v", key.Parent, key.Inputs["enableKeyRotation"], key.Protect)
	}
	principal, arns := logsStatementGroups(t, key)
	want := []string{
		"arn:aws:logs:eu-west-1:111122223333:log-group:/vpc-flow-logs/prod",
		"arn:aws:logs:eu-west-1:111122223333:log-group:/dns-queries/prod",
	}
	if principal != "logs.eu-west-1.amazonaws.com" || !slices.Equal(arns, want) {
		t.Errorf("logs statement: principal %v, groups %v, want %v", principal, arns, want)
	}

	groups := doc.Find("aws:cloudwatch/logGroup:LogGroup")
	if got := names(groups); !slices.Equal(got, []string{"prod-flow-logs", "prod-dns-queries"}) {
		t.Fatalf("log groups %v", got)
	}
	for _, g := range groups {
		k, _ := g.Inputs["kmsKeyId"].(string)
		if !strings.HasPrefix(k, "arn:aws:kms:eu-west-1:111122223333:key/") || !slices.Contains(g.Dependencies, key.URN) {
			t.Errorf("%s: kmsKeyId %v, dependencies %v: not the log key", g.Name, g.Inputs["kmsKeyId"], g.Dependencies)
		}
		if g.Inputs["retentionInDays"] != 365.0 || g.Parent != net.URN {
			t.Errorf("%s: retention %v parent %q", g.Name, g.Inputs["retentionInDays"], g.Parent)
		}
	}

	queries := doc.Get("aws:cloudwatch/logGroup:LogGroup", "prod-dns-queries")
	cfg := doc.Get("aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig", "prod-dns-queries")
	assoc := doc.Get("aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation", "prod-dns-queries")
	if cfg == nil || assoc == nil {
		t.Fatalf("no Resolver query logging among %v", names(doc.Resources))
	}
	if cfg.Inputs["destinationArn"] != want[1] || !slices.Contains(cfg.Dependencies, queries.URN) || cfg.Parent != net.URN {
		t.Errorf("query log config: %v, dependencies %v", cfg.Inputs, cfg.Dependencies)
	}
	vpc := doc.Get("aws:ec2/vpc:Vpc", "prod-vpc")
	zone := doc.Get("aws:route53/zone:Zone", "prod-private-zone")
	zoneVPC := zone.Inputs["vpcs"].([]any)[0].(map[string]any)["vpcId"]
	if assoc.Inputs["resourceId"] != zoneVPC || !slices.Contains(assoc.Dependencies, vpc.URN) || !slices.Contains(assoc.Dependencies, cfg.URN) || assoc.Parent != net.URN {
		t.Errorf("association %v (dependencies %v), want resourceId %v: the zone's VPC", assoc.Inputs, assoc.Dependencies, zoneVPC)
	}

	// The rules these resources exist for find nothing.
	for _, v := range policy.Evaluate(policy.Context{Environment: policy.Dev}, doc.PolicyResources()) {
		if v.Policy == "FM-LOG-002" || v.Policy == "FM-DNS-001" || v.Policy == "FM-LOG-001" {
			t.Errorf("violation %s on %s: %s", v.Policy, v.Resource, v.Message)
		}
	}
	// Without them, the rules fail: the test would catch their removal.
	var stripped []policy.Resource
	for _, r := range doc.PolicyResources() {
		if r.Type == "aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation" {
			continue
		}
		if r.Type == "aws:cloudwatch/logGroup:LogGroup" {
			in := map[string]any{}
			for k, v := range r.Inputs {
				if k != "kmsKeyId" {
					in[k] = v
				}
			}
			r.Inputs = in
		}
		stripped = append(stripped, r)
	}
	got := map[string]int{}
	for _, v := range policy.Evaluate(policy.Context{Environment: policy.Dev}, stripped) {
		got[v.Policy]++
	}
	if got["FM-LOG-002"] != 2 || got["FM-DNS-001"] != 1 {
		t.Errorf("without encryption and query logging: %v, want FM-LOG-002 twice and FM-DNS-001 once", got)
	}
}

// Without a private zone there is no DNS query logging and the key names the flow-log group only.
func TestNoZoneNoQueryLogging(t *testing.T) {
	doc := build(t, baseArgs("eu-west-1a", "eu-west-1b"), true)
	for _, typ := range []string{"aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig", "aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation"} {
		if n := len(doc.Find(typ)); n != 0 {
			t.Errorf("%d %s without a private zone", n, typ)
		}
	}
	_, arns := logsStatementGroups(t, doc.Get("aws:kms/key:Key", "prod-network-logs"))
	if !slices.Equal(arns, []string{"arn:aws:logs:eu-west-1:111122223333:log-group:/vpc-flow-logs/prod"}) {
		t.Errorf("logs statement groups %v", arns)
	}
}

// A given key is used as it is: no key is created. Protect protects the key the network creates.
func TestLogKeyGivenOrProtected(t *testing.T) {
	const given = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	args := baseArgs("eu-west-1a", "eu-west-1b")
	args.PrivateZoneName = "production.internal"
	args.LogKMSKeyARN = pulumi.String(given)
	doc := build(t, args, true)
	if n := len(doc.Find("aws:kms/key:Key")); n != 0 {
		t.Errorf("%d keys created despite LogKMSKeyARN", n)
	}
	for _, g := range doc.Find("aws:cloudwatch/logGroup:LogGroup") {
		if g.Inputs["kmsKeyId"] != given {
			t.Errorf("%s: kmsKeyId %v, want the given key", g.Name, g.Inputs["kmsKeyId"])
		}
	}

	args = baseArgs("eu-west-1a", "eu-west-1b")
	args.Protect = true
	doc = build(t, args, false)
	if key := doc.Get("aws:kms/key:Key", "prod-network-logs"); key == nil || !key.Protect {
		t.Errorf("log key not protected with Protect: %+v", key)
	}
	for _, r := range doc.Find("aws:ec2/vpc:Vpc") {
		if r.Protect {
			t.Errorf("Protect protects %s too: only the key holds state", r.Name)
		}
	}
}

// The query-log group's prefix is no longer than the flow-log group's, so every valid NamePrefix
// gives both groups a valid name.
func TestQueryLogGroupNameFits(t *testing.T) {
	if len(queryLogGroupPrefix) > len(flowLogGroupPrefix) {
		t.Fatalf("%q is longer than %q: maxNamePrefix no longer holds for the query-log group", queryLogGroupPrefix, flowLogGroupPrefix)
	}
	a := baseArgs("eu-west-1a", "eu-west-1b")
	a.NamePrefix = strings.Repeat("n", maxNamePrefix)
	a.PrivateZoneName = "production.internal"
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	n := &Network{args: a.withDefaults()}
	if l := len(n.queryLogGroupName()); l > maxLogGroupName || !logGroupNameRe.MatchString(n.queryLogGroupName()) {
		t.Errorf("query-log group name of %d characters", l)
	}
}
