package manifests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowmart/platform/stacks/config"
)

const good = `name: orders
owner: orders-team
paging:
  email: [orders-oncall@shop.example.com]
  https: ["https://events.pagerduty.com/integration/abc/enqueue"]
database:
  sizes:
    dev: {instanceClass: db.t4g.small, storageGiB: 30}
    production: {instanceClass: db.r6g.xlarge, storageGiB: 200, readers: 2, backupRetentionDays: 14}
cache:
  sizes:
    production: {nodeType: cache.r7g.xlarge, replicas: 2}
queues:
  - {name: order-events, visibilityTimeoutSeconds: 60, retentionSeconds: 86400, maxReceiveCount: 5}
  - {name: refunds, fifo: true}
`

func parse(t *testing.T, text string) Manifest {
	t.Helper()
	m, err := Parse("services/orders.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func TestParseAndResolve(t *testing.T) {
	m := parse(t, good)
	if m.File != "services/orders.yaml" || m.Owner != "orders-team" || len(m.Queues) != 2 || !m.Queues[1].FIFO || m.Queues[0].MaxReceiveCount != 5 {
		t.Fatalf("decoded %+v", m)
	}
	dev, err := m.For(config.Dev)
	if err != nil {
		t.Fatal(err)
	}
	// namespace and service account default to the name
	if dev.Namespace != "orders" || dev.ServiceAccount != "orders" {
		t.Errorf("defaults: namespace %q, serviceAccount %q", dev.Namespace, dev.ServiceAccount)
	}
	// dev: the manifest's class and storage, the environment's retention (1 day), no replicas
	if *dev.Database != (config.DatabaseSize{InstanceClass: "db.t4g.small", StorageGiB: 30, BackupRetentionDays: 1}) {
		t.Errorf("dev database %+v", *dev.Database)
	}
	// dev names no cache size: the environment's default
	if *dev.Cache != (config.CacheSize{NodeType: "cache.t4g.micro"}) || dev.Protect || dev.MultiAZ {
		t.Errorf("dev cache %+v protect %v multiAZ %v", *dev.Cache, dev.Protect, dev.MultiAZ)
	}
	// staging names no size at all: 7 days of backups
	st, err := m.For(config.Staging)
	if err != nil {
		t.Fatal(err)
	}
	if st.Database.BackupRetentionDays != 7 || st.Database.InstanceClass != "db.t4g.small" {
		t.Errorf("staging database %+v", *st.Database)
	}
	prod, err := m.For(config.Production)
	if err != nil {
		t.Fatal(err)
	}
	if *prod.Database != (config.DatabaseSize{InstanceClass: "db.r6g.xlarge", StorageGiB: 200, Readers: 2, BackupRetentionDays: 14}) || !prod.Protect || !prod.MultiAZ {
		t.Errorf("production %+v protect %v multiAZ %v", *prod.Database, prod.Protect, prod.MultiAZ)
	}
	if *prod.Cache != (config.CacheSize{NodeType: "cache.r7g.xlarge", Replicas: 2}) {
		t.Errorf("production cache %+v", *prod.Cache)
	}
}

// TestProductionDefaults: what a manifest that names no production size gets (35 days of
// backups, a reader, a cache replica for failover).
func TestProductionDefaults(t *testing.T) {
	m := parse(t, "name: orders\nowner: o\npaging: {email: [a@b.example]}\ndatabase: {}\ncache: {}\n")
	prod, err := m.For(config.Production)
	if err != nil {
		t.Fatal(err)
	}
	if prod.Database.BackupRetentionDays != 35 || prod.Database.Readers != 1 || prod.Cache.Replicas != 1 {
		t.Errorf("production defaults: database %+v cache %+v", *prod.Database, *prod.Cache)
	}
	dev, _ := m.For(config.Dev)
	if dev.Database.BackupRetentionDays != 1 || dev.Database.Readers != 0 {
		t.Errorf("dev defaults: %+v", *dev.Database)
	}
}

// TestErrors: each bad manifest fails with one line naming the file and the key.
func TestErrors(t *testing.T) {
	base := "name: orders\nowner: orders-team\npaging: {email: [a@b.example]}\n"
	cases := []struct {
		name, text string
		env        config.Environment
		want       string
	}{
		{"instance class", base + "database: {sizes: {production: {instanceClass: db.x9.huge}}}", config.Production,
			`services/orders.yaml: database.sizes.production.instanceClass: "db.x9.huge" is not allowed in production (allowed: db.r6g.large, db.r6g.xlarge, db.r6g.2xlarge, db.r7g.large, db.r7g.xlarge, db.r7g.2xlarge)`},
		{"dev class in production", base + "database: {sizes: {production: {instanceClass: db.t4g.micro}}}", config.Production,
			`services/orders.yaml: database.sizes.production.instanceClass: "db.t4g.micro" is not allowed in production`},
		{"storage", base + "database: {sizes: {dev: {storageGiB: 5000}}}", config.Dev,
			`services/orders.yaml: database.sizes.dev.storageGiB: 5000 is not allowed in dev (allowed: 20 to 100)`},
		{"readers", base + "database: {sizes: {dev: {readers: 1}}}", config.Dev,
			`services/orders.yaml: database.sizes.dev.readers: 1 is not allowed in dev (allowed: 0 to 0)`},
		{"retention", base + "database: {sizes: {production: {backupRetentionDays: 3}}}", config.Production,
			`services/orders.yaml: database.sizes.production.backupRetentionDays: 3 is not allowed in production (allowed: 7 to 35)`},
		{"node type", base + "cache: {sizes: {staging: {nodeType: cache.m5.24xlarge}}}", config.Staging,
			`services/orders.yaml: cache.sizes.staging.nodeType: "cache.m5.24xlarge" is not allowed in staging`},
		{"no failover in production", base + "cache: {sizes: {production: {replicas: 0}}}", config.Production,
			`services/orders.yaml: cache.sizes.production.replicas: 0 is not allowed in production: automatic failover needs a replica`},
		{"unknown environment", base + "database: {sizes: {prod: {storageGiB: 20}}}", config.Dev,
			`services/orders.yaml: database.sizes.prod: unknown environment (allowed: dev, staging, production)`},
		{"name", strings.Replace(base, "name: orders", "name: Orders_Svc", 1), config.Dev,
			`services/orders.yaml: name: "Orders_Svc" is not a service name`},
		{"name is not the file's", strings.Replace(base, "name: orders", "name: billing", 1), config.Dev,
			`services/orders.yaml: name: "billing" is not this file's name`},
		{"owner", strings.Replace(base, "owner: orders-team", "owner: \"@flowmart/orders\"", 1), config.Dev,
			`services/orders.yaml: owner: "@flowmart/orders" is not a GitHub team slug`},
		{"namespace", base + "namespace: Orders", config.Dev,
			`services/orders.yaml: namespace: "Orders" is not a Kubernetes namespace name`},
		{"no paging", "name: orders\nowner: orders-team\n", config.Dev,
			`services/orders.yaml: paging: no subscription`},
		{"email", strings.Replace(base, "a@b.example", "not-an-address", 1), config.Dev,
			`services/orders.yaml: paging.email[0]: "not-an-address" is not an email address`},
		{"https", base + "\n", config.Dev, ""},
		{"http endpoint", "name: orders\nowner: o\npaging: {https: [\"http://hooks.example/x\"]}\n", config.Dev,
			`services/orders.yaml: paging.https[0]: "http://hooks.example/x" is not an https URL`},
		{"queue name", base + "queues: [{name: Events}]", config.Dev,
			`services/orders.yaml: queues[0].name: "Events" is not a queue name`},
		{"queue twice", base + "queues: [{name: events}, {name: events}]", config.Dev,
			`services/orders.yaml: queues[1].name: "events" is already queues[0]`},
		{"visibility", base + "queues: [{name: events, visibilityTimeoutSeconds: 50000}]", config.Dev,
			`services/orders.yaml: queues[0].visibilityTimeoutSeconds: 50000 is out of range (allowed: 0 to 43200`},
		{"retention seconds", base + "queues: [{name: events, retentionSeconds: 30}]", config.Dev,
			`services/orders.yaml: queues[0].retentionSeconds: 30 is out of range (allowed: 60 to 1209600`},
		{"max receive", base + "queues: [{name: events, maxReceiveCount: 1001}]", config.Dev,
			`services/orders.yaml: queues[0].maxReceiveCount: 1001 is out of range (allowed: 1 to 1000`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse("services/orders.yaml", []byte(c.text))
			if err == nil {
				_, err = m.For(c.env)
			}
			if c.want == "" {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want %q, got no error", c.want)
			}
			if !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got  %q\nwant %q...", err, c.want)
			}
		})
	}
}

// TestStrictDecoding: unknown keys, wrong types, repeated keys and odd documents fail on the key.
func TestStrictDecoding(t *testing.T) {
	cases := []struct{ text, want string }{
		{"name: orders\nowner: o\ndatabse: {}\n", `services/orders.yaml: databse: unknown key (allowed: name, owner, namespace, serviceAccount, paging, database, cache, queues)`},
		{"name: orders\ndatabase: {sizes: {dev: {instanceClas: db.t4g.micro}}}\n", `services/orders.yaml: database.sizes.dev.instanceClas: unknown key (allowed: instanceClass, storageGiB, readers, backupRetentionDays)`},
		{"name: orders\nqueues: [{name: a, fifo: yes please}]\n", `services/orders.yaml: queues[0].fifo: "yes please" is not a boolean (true or false)`},
		{"name: orders\ndatabase: {sizes: {dev: {storageGiB: big}}}\n", `services/orders.yaml: database.sizes.dev.storageGiB: "big" is not a whole number`},
		{"name: orders\nowner: 42\n", `services/orders.yaml: owner: "42" is not a string (quote it)`},
		{"name: orders\nqueues: {name: a}\n", `services/orders.yaml: queues: a mapping is not a list`},
		{"name: orders\nname: orders\n", `services/orders.yaml: name: set twice (line 2)`},
		{"name: orders\n---\nname: other\n", `services/orders.yaml: more than one YAML document (allowed: one)`},
		{"- orders\n", `services/orders.yaml: not a mapping of keys`},
		{"", `services/orders.yaml: not YAML: EOF`},
		{"name: [orders\n", `services/orders.yaml: not YAML:`},
		{"x: &a orders\nname: *a\n", `services/orders.yaml: x: unknown key`},
	}
	for _, c := range cases {
		_, err := Parse("services/orders.yaml", []byte(c.text))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q):\n got  %v\n want %q...", c.text, err, c.want)
		}
	}
}

func TestResolveOneServicePerServiceAccount(t *testing.T) {
	a := parse(t, "name: orders\nowner: o\npaging: {email: [a@b.example]}\nnamespace: shop\nserviceAccount: app\n")
	b, err := Parse("services/catalog.yaml", []byte("name: catalog\nowner: c\npaging: {email: [a@b.example]}\nnamespace: shop\nserviceAccount: app\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve([]Manifest{a, b}, config.Dev)
	want := "services/catalog.yaml: serviceAccount: shop/app is already services/orders.yaml's"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
	b.ServiceAccount = "catalog"
	if got, err := Resolve([]Manifest{a, b}, config.Dev); err != nil || len(got) != 2 {
		t.Errorf("Resolve: %v, %d", err, len(got))
	}
}

// TestShippedManifests: the repository's services/ resolve in every environment, and each is
// what the issue asks for (orders: a database and a queue; catalog: a cache; checkout: a queue).
func TestShippedManifests(t *testing.T) {
	dir, err := FindDir(".")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Manifest{}
	for _, m := range ms {
		byName[m.Name] = m
	}
	if o := byName["orders"]; o.Database == nil || len(o.Queues) != 1 {
		t.Errorf("orders: %+v", o)
	}
	if c := byName["catalog"]; c.Cache == nil || c.Database != nil {
		t.Errorf("catalog: %+v", c)
	}
	if c := byName["checkout"]; len(c.Queues) != 1 || c.Database != nil || c.Cache != nil {
		t.Errorf("checkout: %+v", c)
	}
	for _, env := range config.Environments {
		if _, err := Resolve(ms, env); err != nil {
			t.Errorf("%s: %v", env, err)
		}
	}
}

func TestFindDirFromEitherLayer(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(root, "Pulumi.yaml"), []byte("name: flowmart-platform\nruntime: go\n"), 0o644))
	must(os.MkdirAll(filepath.Join(root, "cluster-services"), 0o750))
	must(os.WriteFile(filepath.Join(root, "cluster-services", "Pulumi.yaml"), []byte("name: flowmart-platform-services\nruntime: go\n"), 0o644))
	for _, from := range []string{root, filepath.Join(root, "cluster-services")} {
		got, err := FindDir(from)
		if err != nil || got != filepath.Join(root, "services") {
			t.Errorf("FindDir(%s) = %q, %v", from, got, err)
		}
	}
	if _, err := FindDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), DirEnv) {
		t.Errorf("outside the repository: %v", err)
	}
	// no services/ directory: no manifests
	if ms, err := Load(filepath.Join(root, "services")); err != nil || len(ms) != 0 {
		t.Errorf("Load of a missing dir: %v, %v", ms, err)
	}
	must(os.MkdirAll(filepath.Join(root, "services"), 0o750))
	must(os.WriteFile(filepath.Join(root, "services", "README.md"), []byte("# services\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "services", "x.yml"), []byte("name: x\n"), 0o644))
	if _, err := Load(filepath.Join(root, "services")); err == nil || err.Error() != "services/x.yml: manifests end in .yaml (rename it x.yaml)" {
		t.Errorf("a .yml file: %v", err)
	}
	t.Setenv(DirEnv, "/elsewhere")
	if d, err := Dir(); err != nil || d != "/elsewhere" {
		t.Errorf("Dir with %s: %q %v", DirEnv, d, err)
	}
}
