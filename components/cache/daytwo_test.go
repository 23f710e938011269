package cache

import (
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/diff"
)

// stateful is what a replacement of the cache would lose: its data, its token, its key.
func stateful(typ string) bool { return typ == typGroup || typ == typSecret || typ == typKey }

// change compares a deployed cache with before's Args against one with after's, and returns the
// report and the replication group's change (nil when it does not change).
func change(t *testing.T, before, after *CacheArgs) (diff.Report, *diff.Change) {
	t.Helper()
	rep := diff.Compare(build(t, before, true), build(t, after, true), stateful)
	for i, c := range rep.Changes {
		if c.Type == typGroup {
			return rep, &rep.Changes[i]
		}
	}
	return rep, nil
}

func changedInputs(c *diff.Change) string { return strings.Join(c.Inputs, "; ") }

// Routine changes a service owner makes are in-place updates of the replication group, never a
// replacement (replacement facts: pkg/diff/upstream/forcenew.json, aws:elasticache/
// replicationGroup:ReplicationGroup: nodeType and numCacheClusters are not among them;
// engineVersion replaces on a downgrade only).
func TestRoutineChangesUpdateInPlace(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(a *CacheArgs)
		inputs []string // each must be among the changed inputs
	}{
		{"node type", func(a *CacheArgs) { a.NodeType = "cache.r7g.xlarge" }, []string{"nodeType"}},
		{"minor engine upgrade", func(a *CacheArgs) { a.EngineVersion = "8.2" }, []string{"engineVersion"}},
		{"replicas 0 to 1", func(a *CacheArgs) { a.Replicas = 1 }, []string{"numCacheClusters", "automaticFailoverEnabled", "multiAzEnabled"}},
		{"snapshot retention", func(a *CacheArgs) { a.SnapshotRetentionDays = 7 }, []string{"snapshotRetentionLimit"}},
		{"maintenance window", func(a *CacheArgs) { a.MaintenanceWindow = "tue:05:00-tue:06:00" }, []string{"maintenanceWindow"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := baseArgs()
			before.EngineVersion = "8.1"
			after := baseArgs()
			after.EngineVersion = "8.1"
			c.edit(after)
			rep, g := change(t, before, after)
			if g == nil {
				t.Fatalf("the replication group does not change: %+v", rep.Changes)
			}
			if g.Kind != diff.Update || g.Blocking {
				t.Errorf("replication group: %s (blocking %v), want an update: %s", g.Kind, g.Blocking, changedInputs(g))
			}
			for _, in := range c.inputs {
				if !strings.Contains(changedInputs(g), in) {
					t.Errorf("changed inputs %q lack %s", changedInputs(g), in)
				}
			}
			if rep.Blocking != 0 {
				t.Errorf("%d blocking changes: %+v", rep.Blocking, rep.Changes)
			}
			for _, ch := range rep.Changes {
				if ch.Kind == diff.Replace || ch.Kind == diff.Delete || ch.Kind == diff.Rename {
					t.Errorf("%s %s: %s", ch.Type, ch.Name, ch.Kind)
				}
			}
		})
	}
}

// Adding a replica adds that node's alarms and its replication lag alarms, and nothing else.
func TestAddingAReplicaAddsItsAlarms(t *testing.T) {
	after := baseArgs()
	after.Replicas = 1
	rep, _ := change(t, baseArgs(), after)
	created := 0
	for _, c := range rep.Changes {
		if c.Kind == diff.Create {
			created++
			if c.Type != typAlarm {
				t.Errorf("created %s %s", c.Type, c.Name)
			}
		}
	}
	if created != 7 { // node 002's six, node 001's replication lag
		t.Errorf("%d alarms created, want 7", created)
	}
}

// A major upgrade (7.2 to 8.2) updates the replication group in place, pointing it at a new
// parameter group of the new family, which is created beside the old one.
func TestMajorUpgrade(t *testing.T) {
	before := baseArgs()
	before.EngineVersion = "7.2"
	rep, g := change(t, before, baseArgs())
	if g == nil || g.Kind != diff.Update || !strings.Contains(changedInputs(g), "engineVersion") || !strings.Contains(changedInputs(g), "parameterGroupName") {
		t.Fatalf("replication group: %+v", g)
	}
	for _, c := range rep.Changes {
		if c.Type == typParams && c.Kind != diff.Replace {
			t.Errorf("parameter group: %s, want a replacement (a new family)", c.Kind)
		}
	}
	if rep.Blocking != 0 {
		t.Errorf("%d blocking changes", rep.Blocking)
	}
}

// What AWS cannot change in place replaces the replication group, and the guard blocks it: a
// downgrade, another subnet group (a new NamePrefix names it anew), another Service.
func TestIdentityChangesReplaceAndBlock(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(a *CacheArgs)
		input string
	}{
		{"engine downgrade", func(a *CacheArgs) { a.EngineVersion = "8.1" }, "engineVersion"},
		{"subnet group name", func(a *CacheArgs) { a.NamePrefix = "prod-" }, "subnetGroupName"},
		{"service", func(a *CacheArgs) { a.Service = "search" }, "replicationGroupId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			after := baseArgs()
			c.edit(after)
			rep, g := change(t, baseArgs(), after)
			if g == nil || g.Kind != diff.Replace || !g.Blocking {
				t.Fatalf("replication group: %+v, want a blocking replacement", g)
			}
			if !strings.Contains(changedInputs(g), c.input) || !strings.Contains(changedInputs(g), "forces replacement") {
				t.Errorf("changed inputs %q, want %s forcing the replacement", changedInputs(g), c.input)
			}
			t.Logf("%s: %s", g.Kind, changedInputs(g))
			if rep.Blocking == 0 {
				t.Error("no blocking change reported")
			}
		})
	}
	// the subnet group itself is replaced with its new name
	after := baseArgs()
	after.NamePrefix = "prod-"
	rep, _ := change(t, baseArgs(), after)
	var subnets *diff.Change
	for i, c := range rep.Changes {
		if c.Type == typSubnets {
			subnets = &rep.Changes[i]
		}
	}
	if subnets == nil || subnets.Kind != diff.Replace {
		t.Errorf("subnet group: %+v, want a replacement", subnets)
	}
}
