package database

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	typInstance = "aws:rds/instance:Instance"
	typSubnets  = "aws:rds/subnetGroup:SubnetGroup"
	typParams   = "aws:rds/parameterGroup:ParameterGroup"
	typSG       = "aws:ec2/securityGroup:SecurityGroup"
	typKey      = "aws:kms/key:Key"
	typAlias    = "aws:kms/alias:Alias"
	typAlarm    = "aws:cloudwatch/metricAlarm:MetricAlarm"

	account   = "111122223333"
	region    = "eu-west-1"
	nodesSG   = "sg-0node0123456789ab"
	topic     = "arn:aws:sns:eu-west-1:111122223333:orders-team-alarms"
	givenKey  = "arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab"
	vpnClient = "10.8.0.0/22"
)

// baseArgs is a dev-like database of the orders service.
func baseArgs() *DatabaseArgs {
	return &DatabaseArgs{
		Service:                 "orders",
		Owner:                   "team-orders",
		NamePrefix:              "dev-",
		VPCID:                   pulumi.String("vpc-0a1b2c3d4e5f60718"),
		SubnetIDs:               pulumi.StringArray{pulumi.String("subnet-0db1a2b3c4d5e6f70"), pulumi.String("subnet-0db1a2b3c4d5e6f71")},
		AllowedSecurityGroupIDs: pulumi.StringArray{pulumi.String(nodesSG)},
		AllowedCIDRs:            []string{vpnClient},
		AlarmTopicARN:           pulumi.String(topic),
		Tags:                    map[string]string{"CostCenter": "orders"},
	}
}

// prodArgs is the production shape: protected, Multi-AZ, one reader, 35 days of backups.
func prodArgs() *DatabaseArgs {
	a := baseArgs()
	a.NamePrefix = "production-"
	a.Protect, a.MultiAZ, a.Readers, a.BackupRetentionDays = true, true, 1, 35
	return a
}

// build runs a program with one Database named "orders" under the mock recorder, as a preview
// (deploy false) or an update, and exports every output and the access policy.
func build(t *testing.T, args *DatabaseArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		d, err := NewDatabase(ctx, "orders", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("endpoint", d.Endpoint)
		ctx.Export("readerEndpoint", d.ReaderEndpoint)
		ctx.Export("port", d.Port)
		ctx.Export("secretArn", d.SecretARN)
		ctx.Export("arn", d.ARN)
		ctx.Export("resourceId", d.ResourceID)
		ctx.Export("iamUsername", d.IAMUsername)
		ctx.Export("kmsKeyArn", d.KMSKeyARN)
		ctx.Export("securityGroupId", d.SecurityGroupID.ToStringOutput())
		ctx.Export("accessPolicy", d.AccessPolicy())
		ctx.Export("escapeHatch", d.Instance.Identifier)
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "dev", Region: region, Account: account, Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func both(t *testing.T, args func() *DatabaseArgs, f func(t *testing.T, doc *preview.Document)) {
	for _, deploy := range []bool{false, true} {
		name := "preview"
		if deploy {
			name = "deploy"
		}
		t.Run(name, func(t *testing.T) { f(t, build(t, args(), deploy)) })
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

// Every child is parented to the component and named after it; every resource with tags names
// the owning team and service, and keeps the caller's tags.
func TestChildrenAreNamedParentedAndTagged(t *testing.T) {
	both(t, prodArgs, func(t *testing.T, doc *preview.Document) {
		comp := one(t, doc, databaseType, "orders")
		want := [][2]string{
			{typKey, "orders-key"}, {typAlias, "orders-key"}, {typSubnets, "orders-subnets"}, {typSG, "orders-sg"},
			{typParams, "orders-params"}, {typInstance, "orders"}, {typInstance, "orders-reader-1"},
			{typAlarm, "orders-alarm-cpu"}, {typAlarm, "orders-reader-1-alarm-replica-lag"},
		}
		for _, w := range want {
			if r := one(t, doc, w[0], w[1]); r.Parent != comp.URN {
				t.Errorf("%s %s: parent %s", w[0], w[1], r.Parent)
			}
		}
		n := 0
		for _, r := range doc.Resources {
			if r.Parent != comp.URN {
				continue
			}
			n++
			if !strings.HasPrefix(r.Name, "orders") {
				t.Errorf("child %s %s is not named after the database", r.Type, r.Name)
			}
			if r.Type == typAlias {
				continue // aliases take no tags
			}
			tags := obj(r.Inputs["tags"])
			if tags["Owner"] != "team-orders" || tags["Service"] != "orders" || tags["CostCenter"] != "orders" || tags["Name"] != r.Name {
				t.Errorf("%s %s: tags %v", r.Type, r.Name, tags)
			}
		}
		// key, alias, subnet group, security group, parameter group, primary, reader, 4+2 alarms
		if n != 13 {
			t.Errorf("%d children, want 13", n)
		}
	})
}

// The primary: pinned PostgreSQL without automatic minor upgrades, gp3 encrypted with the
// created key and autoscaling to twice its size, IAM authentication, the master password managed
// by RDS in Secrets Manager with the same key (no password input), in the subnet group and the
// security group, not public, backups for the default 7 days in its window, tags on snapshots,
// Performance Insights 7 days with the key, the parameter group; unprotected: no deletion
// protection, no final snapshot.
func TestPrimaryInputs(t *testing.T) {
	both(t, baseArgs, func(t *testing.T, doc *preview.Document) {
		db := one(t, doc, typInstance, "orders")
		in := db.Inputs
		keyARN := doc.Outputs["kmsKeyArn"]
		want := map[string]any{
			"identifier": "dev-orders-db", "engine": "postgres", "engineVersion": DefaultEngineVersion,
			"autoMinorVersionUpgrade": false, "allowMajorVersionUpgrade": false, "applyImmediately": false,
			"instanceClass": "db.t4g.medium", "dbName": "orders", "username": MasterUsername,
			"manageMasterUserPassword": true, "port": 5432.0,
			"storageType": "gp3", "allocatedStorage": 20.0, "maxAllocatedStorage": 40.0, "storageEncrypted": true,
			"iamDatabaseAuthenticationEnabled": true, "publiclyAccessible": false, "multiAz": false,
			"backupRetentionPeriod": 7.0, "backupWindow": DefaultBackupWindow, "maintenanceWindow": DefaultMaintenanceWindow,
			"copyTagsToSnapshot": true, "deletionProtection": false, "skipFinalSnapshot": true, "deleteAutomatedBackups": true,
			"performanceInsightsEnabled": true, "performanceInsightsRetentionPeriod": 7.0, "databaseInsightsMode": "standard",
			"dbSubnetGroupName": "dev-orders-db", "parameterGroupName": "dev-orders-db-postgres17",
		}
		if doc.Outputs["kmsKeyArn"] != preview.Unknown {
			want["kmsKeyId"], want["masterUserSecretKmsKeyId"], want["performanceInsightsKmsKeyId"] = keyARN, keyARN, keyARN
		} else {
			for _, k := range []string{"kmsKeyId", "masterUserSecretKmsKeyId", "performanceInsightsKmsKeyId"} {
				if in[k] != preview.Unknown {
					t.Errorf("%s = %v before the key exists", k, in[k])
				}
			}
		}
		for k, v := range want {
			if in[k] != v {
				t.Errorf("%s = %v, want %v", k, in[k], v)
			}
		}
		for _, k := range []string{"password", "finalSnapshotIdentifier", "replicateSourceDb"} {
			if _, ok := in[k]; ok {
				t.Errorf("%s is set: %v", k, in[k])
			}
		}
		if sgs, _ := in["vpcSecurityGroupIds"].([]any); len(sgs) != 1 || (sgs[0] != doc.Outputs["securityGroupId"] && sgs[0] != preview.Unknown) {
			t.Errorf("vpcSecurityGroupIds %v, want the database's group %v", in["vpcSecurityGroupIds"], doc.Outputs["securityGroupId"])
		}
		if db.Protect {
			t.Error("an unprotected database's instance is protected")
		}
	})
}

// Protect: the primary, the reader and the key are protected; RDS deletion protection on both
// instances, a final snapshot <identifier>-final of the primary (a replica cannot take one),
// automated backups kept after deletion; Multi-AZ and the retention given.
func TestProductionIsProtectedMultiAZWithAReader(t *testing.T) {
	both(t, prodArgs, func(t *testing.T, doc *preview.Document) {
		db := one(t, doc, typInstance, "orders")
		in := db.Inputs
		if !db.Protect || in["deletionProtection"] != true || in["skipFinalSnapshot"] != false ||
			in["finalSnapshotIdentifier"] != "production-orders-db-final" || in["deleteAutomatedBackups"] != false {
			t.Errorf("primary protect %v deletionProtection %v skipFinalSnapshot %v final %v deleteAutomatedBackups %v",
				db.Protect, in["deletionProtection"], in["skipFinalSnapshot"], in["finalSnapshotIdentifier"], in["deleteAutomatedBackups"])
		}
		if in["multiAz"] != true || in["backupRetentionPeriod"] != 35.0 {
			t.Errorf("multiAz %v retention %v", in["multiAz"], in["backupRetentionPeriod"])
		}
		if k := one(t, doc, typKey, "orders-key"); !k.Protect || k.Inputs["enableKeyRotation"] != true {
			t.Errorf("key protect %v rotation %v", k.Protect, k.Inputs["enableKeyRotation"])
		}
		if a := one(t, doc, typAlias, "orders-key"); a.Inputs["name"] != "alias/production-orders-db" {
			t.Errorf("alias %v", a.Inputs["name"])
		}
		r := one(t, doc, typInstance, "orders-reader-1")
		rin := r.Inputs
		if !r.Protect || rin["deletionProtection"] != true || rin["skipFinalSnapshot"] != true || rin["finalSnapshotIdentifier"] != nil {
			t.Errorf("reader protect %v deletionProtection %v skipFinalSnapshot %v final %v", r.Protect, rin["deletionProtection"], rin["skipFinalSnapshot"], rin["finalSnapshotIdentifier"])
		}
	})
}

// A reader replicates the primary (its identifier) in the same region: it sets no engine,
// version, database, user, password or subnet group (all from the source), and keeps the
// offering's settings: class, gp3 encrypted with the key, IAM auth, the parameter group,
// Performance Insights, the security group, not public, no automatic minor upgrades.
func TestReaderReplicatesThePrimary(t *testing.T) {
	both(t, prodArgs, func(t *testing.T, doc *preview.Document) {
		r := one(t, doc, typInstance, "orders-reader-1").Inputs
		want := map[string]any{
			"identifier": "production-orders-db-reader-1", "replicateSourceDb": "production-orders-db",
			"instanceClass": "db.t4g.medium", "autoMinorVersionUpgrade": false, "publiclyAccessible": false,
			"storageType": "gp3", "storageEncrypted": true, "iamDatabaseAuthenticationEnabled": true,
			"performanceInsightsEnabled": true, "performanceInsightsRetentionPeriod": 7.0, "databaseInsightsMode": "standard",
			"parameterGroupName": "production-orders-db-postgres17", "copyTagsToSnapshot": true,
		}
		if preview.Unknown == r["replicateSourceDb"] {
			want["replicateSourceDb"] = preview.Unknown // the primary's identifier output, during a preview
		}
		for k, v := range want {
			if r[k] != v {
				t.Errorf("%s = %v, want %v", k, r[k], v)
			}
		}
		for _, k := range []string{"engine", "engineVersion", "dbName", "username", "password", "manageMasterUserPassword", "dbSubnetGroupName", "backupRetentionPeriod"} {
			if _, ok := r[k]; ok {
				t.Errorf("a reader sets %s: %v", k, r[k])
			}
		}
		if doc.Outputs["readerEndpoint"] != preview.Unknown && !strings.HasPrefix(doc.Outputs["readerEndpoint"].(string), "production-orders-db-reader-1.") {
			t.Errorf("readerEndpoint %v", doc.Outputs["readerEndpoint"])
		}
	})
}

// The DB subnet group is in the given subnets; the parameter group is of the engine's family
// with TLS enforced and the log settings, applied immediately.
func TestSubnetAndParameterGroups(t *testing.T) {
	both(t, baseArgs, func(t *testing.T, doc *preview.Document) {
		sn := one(t, doc, typSubnets, "orders-subnets").Inputs
		if sn["name"] != "dev-orders-db" || !slices.Equal(sn["subnetIds"].([]any), []any{"subnet-0db1a2b3c4d5e6f70", "subnet-0db1a2b3c4d5e6f71"}) {
			t.Errorf("subnet group %v", sn)
		}
		pg := one(t, doc, typParams, "orders-params").Inputs
		if pg["family"] != "postgres17" || pg["name"] != "dev-orders-db-postgres17" {
			t.Errorf("parameter group %v %v", pg["family"], pg["name"])
		}
		got := map[string]string{}
		for _, p := range pg["parameters"].([]any) {
			p := obj(p)
			if p["applyMethod"] != "immediate" {
				t.Errorf("%v is applied %v", p["name"], p["applyMethod"])
			}
			got[p["name"].(string)] = p["value"].(string)
		}
		want := map[string]string{"rds.force_ssl": "1", "log_connections": "1", "log_disconnections": "1", "log_lock_waits": "1", "log_min_duration_statement": "1000"}
		if len(got) != len(want) {
			t.Errorf("parameters %v", got)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
	})
}

// The security group admits 5432 from the allowed groups and the VPN range only, and has no
// egress rule at all (an explicit empty list: not the default allow-all).
func TestSecurityGroupAdmitsOnlyTheAllowedSources(t *testing.T) {
	both(t, baseArgs, func(t *testing.T, doc *preview.Document) {
		sg := one(t, doc, typSG, "orders-sg").Inputs
		if sg["vpcId"] != "vpc-0a1b2c3d4e5f60718" {
			t.Errorf("vpc %v", sg["vpcId"])
		}
		eg, ok := sg["egress"].([]any)
		if !ok || len(eg) != 0 {
			t.Errorf("egress %#v, want an explicit empty list", sg["egress"])
		}
		ing := sg["ingress"].([]any)
		if len(ing) != 2 {
			t.Fatalf("ingress %v", ing)
		}
		for _, r := range ing {
			r := obj(r)
			if r["protocol"] != "tcp" || r["fromPort"] != 5432.0 || r["toPort"] != 5432.0 || r["description"] == "" {
				t.Errorf("rule %v", r)
			}
		}
		if !slices.Equal(obj(ing[0])["securityGroups"].([]any), []any{nodesSG}) || obj(ing[0])["cidrBlocks"] != nil {
			t.Errorf("rule from the nodes %v", ing[0])
		}
		if !slices.Equal(obj(ing[1])["cidrBlocks"].([]any), []any{vpnClient}) || obj(ing[1])["securityGroups"] != nil {
			t.Errorf("rule from the VPN %v", ing[1])
		}
	})
	// Nothing allowed: no rule at all, still managed (an empty list).
	a := baseArgs()
	a.AllowedSecurityGroupIDs, a.AllowedCIDRs = nil, nil
	sg := one(t, build(t, a, true), typSG, "orders-sg").Inputs
	if ing, ok := sg["ingress"].([]any); !ok || len(ing) != 0 {
		t.Errorf("ingress %#v, want an empty list", sg["ingress"])
	}
}

// A given key is used everywhere and no key is created.
func TestAGivenKeyIsUsed(t *testing.T) {
	a := baseArgs()
	a.KMSKeyARN = pulumi.StringPtr(givenKey)
	doc := build(t, a, false)
	if doc.Find(typKey) != nil || doc.Find(typAlias) != nil {
		t.Error("a key was created although one was given")
	}
	in := one(t, doc, typInstance, "orders").Inputs
	for _, k := range []string{"kmsKeyId", "masterUserSecretKmsKeyId", "performanceInsightsKmsKeyId"} {
		if in[k] != givenKey {
			t.Errorf("%s = %v", k, in[k])
		}
	}
	if doc.Outputs["kmsKeyArn"] != givenKey {
		t.Errorf("kmsKeyArn output %v", doc.Outputs["kmsKeyArn"])
	}
}

// The alarms: the primary's CPU, freeable memory, free storage and connections, each reader's CPU
// and replica lag, on AWS/RDS with the instance's identifier, 5-minute averages over 15 minutes,
// to the team's topic on alarm and on recovery, thresholds from the Args in the metrics' units.
func TestAlarms(t *testing.T) {
	both(t, prodArgs, func(t *testing.T, doc *preview.Document) {
		type want struct {
			name, metric, cmp, identifier string
			threshold                     float64
		}
		wants := map[string]want{
			"orders-alarm-cpu":                  {"production-orders-db-cpu", "CPUUtilization", "GreaterThanThreshold", "production-orders-db", 80},
			"orders-alarm-freeable-memory":      {"production-orders-db-freeable-memory", "FreeableMemory", "LessThanThreshold", "production-orders-db", 256 << 20},
			"orders-alarm-free-storage":         {"production-orders-db-free-storage", "FreeStorageSpace", "LessThanThreshold", "production-orders-db", 2 << 30},
			"orders-alarm-connections":          {"production-orders-db-connections", "DatabaseConnections", "GreaterThanThreshold", "production-orders-db", 300},
			"orders-reader-1-alarm-cpu":         {"production-orders-db-reader-1-cpu", "CPUUtilization", "GreaterThanThreshold", "production-orders-db-reader-1", 80},
			"orders-reader-1-alarm-replica-lag": {"production-orders-db-reader-1-replica-lag", "ReplicaLag", "GreaterThanThreshold", "production-orders-db-reader-1", 60},
		}
		alarms := doc.Find(typAlarm)
		if len(alarms) != len(wants) {
			t.Errorf("%d alarms, want %d", len(alarms), len(wants))
		}
		for child, w := range wants {
			in := one(t, doc, typAlarm, child).Inputs
			id := obj(in["dimensions"])["DBInstanceIdentifier"]
			if id != w.identifier && id != preview.Unknown {
				t.Errorf("%s: dimension %v", child, id)
			}
			if in["name"] != w.name || in["namespace"] != "AWS/RDS" || in["metricName"] != w.metric || in["comparisonOperator"] != w.cmp ||
				in["threshold"] != w.threshold || in["statistic"] != "Average" || in["period"] != 300.0 || in["evaluationPeriods"] != 3.0 ||
				in["treatMissingData"] != "notBreaching" {
				t.Errorf("%s: %v", child, in)
			}
			for _, k := range []string{"alarmActions", "okActions"} {
				if !slices.Equal(in[k].([]any), []any{topic}) {
					t.Errorf("%s: %s %v", child, k, in[k])
				}
			}
		}
	})
	// Thresholds come from the Args.
	a := baseArgs()
	a.CPUAlarmPercent, a.ConnectionsAlarm = 65, 900
	doc := build(t, a, true)
	if th := one(t, doc, typAlarm, "orders-alarm-cpu").Inputs["threshold"]; th != 65.0 {
		t.Errorf("cpu threshold %v", th)
	}
	if th := one(t, doc, typAlarm, "orders-alarm-connections").Inputs["threshold"]; th != 900.0 {
		t.Errorf("connections threshold %v", th)
	}
	if doc.Get(typAlarm, "orders-alarm-replica-lag") != nil {
		t.Error("a primary without readers has a replica lag alarm")
	}
}

// The outputs after an update: the primary's address and ARN, the reader's address, 5432, the
// managed secret's ARN, the DbiResourceId, the IAM user, and the access policy: rds-db:connect on
// arn:aws:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user> and nothing else.
func TestOutputsAndAccessPolicy(t *testing.T) {
	doc := build(t, prodArgs(), true)
	o := doc.Outputs
	if !strings.HasPrefix(o["endpoint"].(string), "production-orders-db.") || !strings.HasSuffix(o["endpoint"].(string), ".eu-west-1.rds.amazonaws.com") {
		t.Errorf("endpoint %v", o["endpoint"])
	}
	if !strings.HasPrefix(o["readerEndpoint"].(string), "production-orders-db-reader-1.") {
		t.Errorf("readerEndpoint %v", o["readerEndpoint"])
	}
	if fmt.Sprint(o["port"]) != "5432" || o["iamUsername"] != "orders" || o["arn"] != "arn:aws:rds:eu-west-1:111122223333:db:production-orders-db" {
		t.Errorf("port %v user %v arn %v", o["port"], o["iamUsername"], o["arn"])
	}
	if s := o["secretArn"].(string); !strings.HasPrefix(s, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-") {
		t.Errorf("secretArn %v", s)
	}
	rid := o["resourceId"].(string)
	if !strings.HasPrefix(rid, "db-") {
		t.Errorf("resourceId %v", rid)
	}
	var policy iampolicy.Document
	if err := json.Unmarshal([]byte(o["accessPolicy"].(string)), &policy); err != nil {
		t.Fatal(err)
	}
	if len(policy.Statement) != 1 {
		t.Fatalf("statements %v", policy.Statement)
	}
	s := policy.Statement[0]
	wantRes := "arn:aws:rds-db:eu-west-1:111122223333:dbuser:" + rid + "/orders"
	if s.Effect != "Allow" || !slices.Equal(s.Action, []string{"rds-db:connect"}) || !slices.Equal(s.Resource, []string{wantRes}) {
		t.Errorf("statement %+v, want rds-db:connect on %s", s, wantRes)
	}
	if strings.Contains(o["accessPolicy"].(string), "secretsmanager") {
		t.Error("the service is given the master secret")
	}
	if probs := iampolicy.Lint(policy); len(probs) != 0 {
		t.Errorf("policy lint: %v", probs)
	}
	// Without readers the reader endpoint is the primary's.
	o = build(t, baseArgs(), true).Outputs
	if o["readerEndpoint"] != o["endpoint"] {
		t.Errorf("readerEndpoint %v, endpoint %v", o["readerEndpoint"], o["endpoint"])
	}
}

// ConnectStatements takes the partition, region and account from the instance's ARN, and
// refuses what is not an RDS instance ARN or lacks the resource id or user.
func TestConnectStatements(t *testing.T) {
	s, err := ConnectStatements("arn:aws-us-gov:rds:us-gov-west-1:444455556666:db:prod-orders-db", "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws-us-gov:rds-db:us-gov-west-1:444455556666:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/orders"; len(s) != 1 || s[0].Resource[0] != want {
		t.Errorf("statements %+v, want %s", s, want)
	}
	for _, bad := range [][3]string{
		{"arn:aws:s3:::bucket", "db-X", "orders"},
		{"not an arn", "db-X", "orders"},
		{"arn:aws:rds:eu-west-1:111122223333:db:x", "", "orders"},
		{"arn:aws:rds:eu-west-1:111122223333:db:x", "db-X", ""},
	} {
		if _, err := ConnectStatements(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// buildErr runs NewDatabase as build does and returns its error.
func buildErr(args *DatabaseArgs) (*preview.Document, error) {
	return preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		_, err := NewDatabase(ctx, "orders", args, provider)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "dev", Region: region, Account: account})
}
