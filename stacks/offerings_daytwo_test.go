package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/diff"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
)

// servicesWith copies the shipped manifests into a directory and replaces one of them.
func servicesWith(t *testing.T, name, text string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "services")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join("..", "services"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("..", "services", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == name {
			b = []byte(text)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if text != "" {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func offlineWith(t *testing.T, stack, servicesDir string) *preview.Document {
	t.Helper()
	doc, err := offline(offlineOptions(t, stack), servicesDir)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func shipped(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "services", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// changesOf are the changes of a manifest edit, as `platform diff` reports them (the guard's
// stateful types).
func changesOf(t *testing.T, stack, file, edited string) diff.Report {
	t.Helper()
	base := offlineWith(t, stack, servicesWith(t, file, shipped(t, file)))
	cur := offlineWith(t, stack, servicesWith(t, file, edited))
	return diff.Compare(base, cur, policy.IsStatefulType)
}

// A service owner's routine pull requests are updates in place, never a blocked replacement:
// a bigger instance class and more storage in production, a reader added in staging.
func TestOfferingsDayTwoRoutineChanges(t *testing.T) {
	orders := shipped(t, "orders.yaml")
	grow := strings.Replace(strings.Replace(orders, "instanceClass: db.r6g.large", "instanceClass: db.r6g.xlarge", 1), "storageGiB: 200", "storageGiB: 400", 1)
	rep := changesOf(t, "production", "orders.yaml", grow)
	if rep.Blocking != 0 {
		t.Errorf("growing the database blocks: %+v", rep.Changes)
	}
	var primary *diff.Change
	for i, c := range rep.Changes {
		if c.Kind == diff.Replace || c.Kind == diff.Delete {
			t.Errorf("%s %s: %s %v", c.Type, c.Name, c.Kind, c.Inputs)
		}
		if c.Type == policy.TypeRDSInstance && c.Name == "production-orders-db" {
			primary = &rep.Changes[i]
		}
	}
	if primary == nil || primary.Kind != diff.Update || !strings.Contains(strings.Join(primary.Inputs, " "), "instanceClass") || !strings.Contains(strings.Join(primary.Inputs, " "), "allocatedStorage") {
		t.Errorf("the primary's change is %+v, want an update of instanceClass and allocatedStorage", primary)
	}

	reader := strings.Replace(orders, "      instanceClass: db.t4g.medium\n      storageGiB: 50\n", "      instanceClass: db.t4g.medium\n      storageGiB: 50\n      readers: 1\n", 1)
	if reader == orders {
		t.Fatal("the staging size is not in services/orders.yaml as the test expects")
	}
	rep = changesOf(t, "staging", "orders.yaml", reader)
	var created bool
	for _, c := range rep.Changes {
		if c.Type == policy.TypeRDSInstance && c.Name == "staging-orders-db-reader-1" && c.Kind == diff.Create {
			created = true
		}
		if c.Type == policy.TypeRDSInstance && c.Name == "staging-orders-db" && c.Kind != diff.Update {
			t.Errorf("adding a reader %s the primary: %v", c.Kind, c.Inputs)
		}
	}
	if !created || rep.Blocking != 0 {
		t.Errorf("adding a reader: created %v, %d blocking: %+v", created, rep.Blocking, rep.Changes)
	}
}

// Removing a manifest deletes the service's offerings: in production every one of them is
// protected, so the guard blocks it; the namespace is retained (retainOnDelete).
func TestRemovingAManifestIsBlockedInProduction(t *testing.T) {
	base := offlineWith(t, "production", servicesWith(t, "orders.yaml", shipped(t, "orders.yaml")))
	dir := servicesWith(t, "orders.yaml", shipped(t, "orders.yaml"))
	if err := os.Remove(filepath.Join(dir, "orders.yaml")); err != nil {
		t.Fatal(err)
	}
	rep := diff.Compare(base, offlineWith(t, "production", dir), policy.IsStatefulType)
	blocked := map[string]bool{}
	for _, c := range rep.Changes {
		if c.Blocking {
			blocked[c.Type+" "+c.Name] = true
		}
	}
	for _, want := range []string{policy.TypeRDSInstance + " production-orders-db", policy.TypeKMSKey + " production-orders-key"} {
		if !blocked[want] {
			t.Errorf("deleting %s is not blocked: %v", want, blocked)
		}
	}
	if ns := base.Get("kubernetes:core/v1:Namespace", "production-ns-orders"); ns == nil || !ns.RetainOnDelete {
		t.Errorf("the orders namespace is not retained: %+v", ns)
	}
}

// The orders role's only inline policy is exactly the database's access statement: rds-db:connect
// as its IAM user on its DbiResourceId, nothing else (its master secret is not the service's).
func TestOrdersRoleIsLeastPrivilege(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		var policies []*preview.Resource
		for _, p := range doc.Find("aws:iam/rolePolicy:RolePolicy") {
			if strings.HasPrefix(p.Name, env+"-orders-app") {
				policies = append(policies, p)
			}
		}
		if len(policies) != 1 {
			t.Fatalf("%s: %d inline policies of the orders role", env, len(policies))
		}
		var d iampolicy.Document
		if err := json.Unmarshal([]byte(policies[0].Inputs["policy"].(string)), &d); err != nil {
			t.Fatal(err)
		}
		db := doc.Get(policy.TypeRDSInstance, env+"-orders-db")
		if db == nil {
			t.Fatalf("%s: no orders database", env)
		}
		var entries map[string]map[string]string
		b, _ := json.Marshal(doc.Outputs[outOfferings])
		_ = json.Unmarshal(b, &entries)
		rid := entries["orders"]["database.resourceId"]
		var connect []string
		for _, st := range d.Statement {
			for _, a := range st.Action {
				if a == "rds-db:connect" {
					connect = append(connect, st.Resource...)
				} else if !strings.HasPrefix(a, "sqs:") && !strings.HasPrefix(a, "kms:") {
					t.Errorf("%s: the orders role may %s on %v", env, a, st.Resource)
				}
			}
			for _, r := range st.Resource {
				if strings.Contains(r, "*") {
					t.Errorf("%s: wildcard resource %s", env, r)
				}
			}
		}
		want := "arn:aws:rds-db:eu-west-1:" + doc.Outputs["accountId"].(string) + ":dbuser:" + rid + "/orders"
		if len(connect) != 1 || connect[0] != want || rid == "" {
			t.Errorf("%s: rds-db:connect on %v, want only %s", env, connect, want)
		}
	}
}

// A queue's visibility timeout is an update; turning it into a FIFO queue replaces it (a FIFO
// queue's name ends in .fifo, and fifoQueue forces a replacement), which the guard blocks.
func TestQueueDayTwo(t *testing.T) {
	orders := shipped(t, "orders.yaml")
	longer := strings.Replace(orders, "visibilityTimeoutSeconds: 60", "visibilityTimeoutSeconds: 300", 1)
	if longer == orders {
		t.Fatal("services/orders.yaml has no visibilityTimeoutSeconds: 60")
	}
	rep := changesOf(t, "dev", "orders.yaml", longer)
	var q *diff.Change
	for i, c := range rep.Changes {
		if c.Type == policy.TypeSQSQueue && c.Name == "dev-orders-order-events" {
			q = &rep.Changes[i]
		}
	}
	if q == nil || q.Kind != diff.Update || rep.Blocking != 0 || !strings.Contains(strings.Join(q.Inputs, " "), "visibilityTimeoutSeconds") {
		t.Errorf("a longer visibility timeout: %+v (%d blocking)", q, rep.Blocking)
	}

	fifo := strings.Replace(orders, "    maxReceiveCount: 5\n", "    maxReceiveCount: 5\n    fifo: true\n", 1)
	rep = changesOf(t, "dev", "orders.yaml", fifo)
	blocked := false
	for _, c := range rep.Changes {
		if c.Type == policy.TypeSQSQueue && strings.HasPrefix(c.Name, "dev-orders-order-events") && c.Blocking {
			blocked = true
		}
	}
	if !blocked {
		t.Errorf("turning the queue FIFO is not a blocked replacement: %+v", rep.Changes)
	}
}

// "Customer acquisition engineer increases cache memory": a bigger node type in production is an
// update of the replication group, not a replacement.
func TestCacheDayTwo(t *testing.T) {
	catalog := shipped(t, "catalog.yaml")
	bigger := strings.Replace(catalog, "nodeType: cache.r7g.large", "nodeType: cache.r7g.xlarge", 1)
	if bigger == catalog {
		t.Fatal("services/catalog.yaml has no production nodeType cache.r7g.large")
	}
	rep := changesOf(t, "production", "catalog.yaml", bigger)
	var g *diff.Change
	for i, c := range rep.Changes {
		if c.Type == policy.TypeElastiCacheReplicationGroup {
			g = &rep.Changes[i]
		}
	}
	if g == nil || g.Kind != diff.Update || rep.Blocking != 0 || !strings.Contains(strings.Join(g.Inputs, " "), "nodeType") {
		t.Errorf("a bigger node type: %+v (%d blocking)", g, rep.Blocking)
	}
}
