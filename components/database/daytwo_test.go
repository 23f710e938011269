package database

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/diff"
)

// stateful is what a replacement would lose: the instances.
func stateful(typ string) bool { return typ == typInstance }

// plan compares the graph of before with the graph of after, as the replacement guard does (the
// replace-forcing inputs are the providers' facts, pkg/diff/upstream).
func plan(t *testing.T, before, after *DatabaseArgs) diff.Report {
	t.Helper()
	return diff.Compare(build(t, before, false), build(t, after, false), stateful)
}

// changes indexes a report by kind and resource name, and fails on a change not listed in want.
func expect(t *testing.T, rep diff.Report, want map[string]diff.Kind) map[string]diff.Change {
	t.Helper()
	got := map[string]diff.Change{}
	for _, c := range rep.Changes {
		got[c.Type+" "+c.Name] = c
		if w, ok := want[c.Type+" "+c.Name]; !ok || w != c.Kind {
			t.Errorf("unexpected %s of %s %s: %v", c.Kind, c.Type, c.Name, c.Inputs)
		}
	}
	for k, w := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("no %s of %s", w, k)
		}
	}
	return got
}

func changed(c diff.Change) []string {
	var out []string
	for _, in := range c.Inputs {
		path, _, _ := strings.Cut(in, ":")
		out = append(out, path)
	}
	slices.Sort(out)
	return out
}

// A minor version bump is an in-place update of the primary's engineVersion alone (the readers
// follow their source).
func TestMinorVersionBumpUpdatesInPlace(t *testing.T) {
	before := prodArgs()
	before.EngineVersion = "17.6"
	after := prodArgs()
	after.EngineVersion = "17.7"
	rep := plan(t, before, after)
	got := expect(t, rep, map[string]diff.Kind{typInstance + " orders": diff.Update})
	if c := got[typInstance+" orders"]; !slices.Equal(changed(c), []string{"engineVersion"}) {
		t.Errorf("changed %v", c.Inputs)
	}
	if rep.Blocking != 0 {
		t.Errorf("%d blocking", rep.Blocking)
	}
}

// A major upgrade with AllowMajorVersionUpgrade updates the primary in place (version, the flag,
// the new parameter group) and replaces the parameter group (a new family and name: created
// before the old one goes); nothing is blocked.
func TestMajorUpgradeUpdatesInPlace(t *testing.T) {
	before := prodArgs()
	before.EngineVersion = "16.11"
	after := prodArgs()
	after.EngineVersion, after.AllowMajorVersionUpgrade = "17.7", true
	rep := plan(t, before, after)
	got := expect(t, rep, map[string]diff.Kind{
		typInstance + " orders":          diff.Update,
		typInstance + " orders-reader-1": diff.Update, // its parameter group
		typParams + " orders-params":     diff.Replace,
	})
	if c := got[typInstance+" orders"]; !slices.Equal(changed(c), []string{"allowMajorVersionUpgrade", "engineVersion", "parameterGroupName"}) {
		t.Errorf("primary changed %v", c.Inputs)
	}
	if c := got[typInstance+" orders-reader-1"]; !slices.Equal(changed(c), []string{"parameterGroupName"}) {
		t.Errorf("reader changed %v", c.Inputs)
	}
	if rep.Blocking != 0 {
		t.Errorf("%d blocking: %+v", rep.Blocking, rep.Changes)
	}
}

// A new instance class updates the primary and the readers in place.
func TestInstanceClassUpdatesInPlace(t *testing.T) {
	after := prodArgs()
	after.InstanceClass = "db.r7g.large"
	rep := plan(t, prodArgs(), after)
	got := expect(t, rep, map[string]diff.Kind{typInstance + " orders": diff.Update, typInstance + " orders-reader-1": diff.Update})
	for _, c := range got {
		if !slices.Equal(changed(c), []string{"instanceClass"}) {
			t.Errorf("%s changed %v", c.Name, c.Inputs)
		}
	}
	if rep.Blocking != 0 {
		t.Errorf("%d blocking", rep.Blocking)
	}
}

// Growing the storage (and its autoscaling limit) is an update; so is a longer retention.
func TestStorageAndRetentionUpdateInPlace(t *testing.T) {
	after := prodArgs()
	after.AllocatedStorageGiB, after.BackupRetentionDays = 100, 30
	rep := plan(t, prodArgs(), after)
	got := expect(t, rep, map[string]diff.Kind{typInstance + " orders": diff.Update, typInstance + " orders-reader-1": diff.Update,
		typAlarm + " orders-alarm-free-storage": diff.Update}) // its description names the autoscaling limit
	if c := got[typInstance+" orders"]; !slices.Equal(changed(c), []string{"allocatedStorage", "backupRetentionPeriod", "maxAllocatedStorage"}) {
		t.Errorf("primary changed %v", c.Inputs)
	}
	if rep.Blocking != 0 {
		t.Errorf("%d blocking", rep.Blocking)
	}
}

// Adding a reader creates the replica and its alarms, and changes nothing else.
func TestAddingAReaderCreatesOnlyTheReplica(t *testing.T) {
	after := prodArgs()
	after.Readers = 2
	rep := plan(t, prodArgs(), after)
	expect(t, rep, map[string]diff.Kind{
		typInstance + " orders-reader-2":                diff.Create,
		typAlarm + " orders-reader-2-alarm-cpu":         diff.Create,
		typAlarm + " orders-reader-2-alarm-replica-lag": diff.Create,
	})
	if rep.Blocking != 0 {
		t.Errorf("%d blocking", rep.Blocking)
	}
}

// Changing Service renames everything, and the initial database (dbName, which forces
// replacement): the primary and its reader would be replaced, and the guard blocks it (stateful
// and protected). The subnet and parameter groups are replaced too (their names force it).
func TestChangingTheServiceReplacesAndIsBlocked(t *testing.T) {
	after := prodArgs()
	after.Service = "orders-v2"
	rep := plan(t, prodArgs(), after)
	got := expect(t, rep, map[string]diff.Kind{
		typInstance + " orders":          diff.Replace,
		typInstance + " orders-reader-1": diff.Update, // renamed: identifier, and tags
		typSubnets + " orders-subnets":   diff.Replace,
		typParams + " orders-params":     diff.Replace,
		typKey + " orders-key":           diff.Update, // description, tags
		typAlias + " orders-key":         diff.Replace,
		typSG + " orders-sg":             diff.Replace, // its description names the service
		// the alarms' names force their replacement (alarms hold no state)
		typAlarm + " orders-alarm-cpu": diff.Replace, typAlarm + " orders-alarm-freeable-memory": diff.Replace,
		typAlarm + " orders-alarm-free-storage": diff.Replace, typAlarm + " orders-alarm-connections": diff.Replace,
		typAlarm + " orders-reader-1-alarm-cpu": diff.Replace, typAlarm + " orders-reader-1-alarm-replica-lag": diff.Replace,
	})
	db := got[typInstance+" orders"]
	if !db.Blocking || !slices.Contains(changed(db), "dbName") {
		t.Errorf("primary %+v: want a blocked replacement forced by dbName", db)
	}
	if rep.Blocking != 1 {
		t.Errorf("%d blocking, want the primary", rep.Blocking)
	}
}

// Moving the database to another DB subnet group (here by another NamePrefix, which renames the
// group) replaces the subnet group: its name forces replacement. The instance itself is renamed
// and moved in place: per the provider's facts neither identifier nor dbSubnetGroupName of
// aws:rds/instance forces replacement (RDS renames with ModifyDBInstance
// NewDBInstanceIdentifier and moves subnet groups with DBSubnetGroupName), so the guard does not
// block it. Only the subnets of the group changing is an update of the group.
func TestChangingTheSubnetGroup(t *testing.T) {
	after := prodArgs()
	after.NamePrefix = "prod-"
	rep := plan(t, prodArgs(), after)
	got := map[string]diff.Change{}
	for _, c := range rep.Changes {
		got[c.Type+" "+c.Name] = c
	}
	if c := got[typSubnets+" orders-subnets"]; c.Kind != diff.Replace || !slices.Equal(changed(c), []string{"name"}) {
		t.Errorf("subnet group %+v", c)
	}
	db := got[typInstance+" orders"]
	if db.Kind != diff.Update || !slices.Contains(changed(db), "dbSubnetGroupName") || !slices.Contains(changed(db), "identifier") {
		t.Errorf("primary %+v", db)
	}
	if rep.Blocking != 0 {
		t.Errorf("%d blocking", rep.Blocking)
	}

	after = prodArgs()
	after.SubnetIDs = append(after.SubnetIDs.(pulumi.StringArray), pulumi.String("subnet-0db1a2b3c4d5e6f72"))
	rep = plan(t, prodArgs(), after)
	got2 := expect(t, rep, map[string]diff.Kind{typSubnets + " orders-subnets": diff.Update})
	if c := got2[typSubnets+" orders-subnets"]; !slices.Equal(changed(c), []string{"subnetIds"}) {
		t.Errorf("subnet group changed %v", c.Inputs)
	}
}
