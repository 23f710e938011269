// Package manifests reads the service manifests, services/<name>.yaml: one file per service,
// owned by its team (.github/CODEOWNERS), asking for the platform's self-service offerings (a
// PostgreSQL database, a Valkey cache, SQS queues) with a size per environment. A manifest is
// decoded strictly (an unknown key is an error) and validated against the environment's
// allow-lists (stacks/config/offerings.go, owned by the platform engineers); every error is one
// line naming the file and the key:
//
//	services/orders.yaml: database.sizes.production.instanceClass: "db.x9.huge" is not allowed in production (allowed: db.r6g.large, ...)
//
// Both layers of every stack read the same manifests (Dir finds them from either program's
// working directory).
package manifests

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flowmart/platform/stacks/config"
)

// Manifest is one service's file.
type Manifest struct {
	// Name is the service's name: the file's base name, a DNS label of at most MaxNameLength
	// characters. It names the service's resources: <stack>-<name>-<kind>.
	Name string `yaml:"name"`
	// Owner is the owning team's GitHub team slug in the flowmart organization: CODEOWNERS gives
	// the file to @flowmart/<owner>, and every resource of the service is tagged Owner=<owner>.
	Owner string `yaml:"owner"`
	// Namespace is the Kubernetes namespace the service runs in. Defaults to Name.
	Namespace string `yaml:"namespace"`
	// ServiceAccount is the Kubernetes service account its pods run as, the one the Pod Identity
	// association names. Defaults to Name.
	ServiceAccount string `yaml:"serviceAccount"`
	// Paging are the team's subscriptions to its paging topic, where its offerings' alarms go.
	// At least one is required.
	Paging Paging `yaml:"paging"`
	// Database asks for a PostgreSQL database; nil for none.
	Database *Database `yaml:"database"`
	// Cache asks for a Valkey cache; nil for none.
	Cache *Cache `yaml:"cache"`
	// Queues asks for SQS queues, each with its dead-letter queue.
	Queues []Queue `yaml:"queues"`

	// File is the manifest's path as users see it (services/<name>.yaml); not in the YAML.
	File string `yaml:"-"`
}

// Paging lists the subscriptions of the team's paging topic.
type Paging struct {
	// Email addresses, each confirmed by its owner (SNS email subscriptions).
	Email []string `yaml:"email"`
	// HTTPS endpoints, e.g. a PagerDuty CloudWatch integration URL (they confirm by themselves).
	HTTPS []string `yaml:"https"`
}

// Database is the database section.
type Database struct {
	// Sizes per environment (dev, staging, production); an environment left out gets the
	// platform's default size for it (config.OfferingDefaults.Database).
	Sizes map[string]DatabaseSize `yaml:"sizes"`
}

// DatabaseSize is the database's size in one environment; a field left out takes the
// environment's default.
type DatabaseSize struct {
	InstanceClass       string `yaml:"instanceClass"`
	StorageGiB          int    `yaml:"storageGiB"`
	Readers             *int   `yaml:"readers"`
	BackupRetentionDays int    `yaml:"backupRetentionDays"`
}

// Cache is the cache section.
type Cache struct {
	// Sizes per environment; an environment left out gets the platform's default.
	Sizes map[string]CacheSize `yaml:"sizes"`
}

// CacheSize is the cache's size in one environment; a field left out takes the environment's
// default.
type CacheSize struct {
	NodeType string `yaml:"nodeType"`
	Replicas *int   `yaml:"replicas"`
}

// Queue is one SQS queue; zero values take the queue component's defaults.
type Queue struct {
	// Name is the queue's name within the service: <stack>-<service>-<name>.
	Name                     string `yaml:"name"`
	VisibilityTimeoutSeconds int    `yaml:"visibilityTimeoutSeconds"`
	RetentionSeconds         int    `yaml:"retentionSeconds"`
	MaxReceiveCount          int    `yaml:"maxReceiveCount"`
	FIFO                     bool   `yaml:"fifo"`
}

// Limits of the names, so that every physical name fits its service's limit with the longest
// stack prefix ("production-", 11): an ElastiCache replication group id is at most 40 characters
// (<stack>-<service>-cache: 11+20+6), an SQS queue name at most 80 (<stack>-<service>-<queue>-dlq.fifo).
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
const (
	MaxNameLength      = 20
	MaxQueueNameLength = 30
)

// SQS limits (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html):
// VisibilityTimeout 0 to 43,200 seconds, MessageRetentionPeriod 60 to 1,209,600 seconds; a
// redrive policy's maxReceiveCount 1 to 1,000
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html).
const (
	MaxVisibilityTimeoutSeconds = 43200
	MinRetentionSeconds         = 60
	MaxRetentionSeconds         = 1209600
	MaxMaxReceiveCount          = 1000
)

// Error is a problem in one manifest: one line naming the file and the key.
type Error struct {
	File string // services/<name>.yaml
	Key  string // the key path in the file: database.sizes.production.instanceClass; empty for the file
	Msg  string
}

func (e *Error) Error() string {
	if e.Key == "" {
		return e.File + ": " + e.Msg
	}
	return e.File + ": " + e.Key + ": " + e.Msg
}

func errorf(file, key, format string, args ...any) *Error {
	return &Error{File: file, Key: key, Msg: strings.Join(strings.Fields(fmt.Sprintf(format, args...)), " ")}
}

// withDefaults fills Namespace and ServiceAccount.
func (m Manifest) withDefaults() Manifest {
	if m.Namespace == "" {
		m.Namespace = m.Name
	}
	if m.ServiceAccount == "" {
		m.ServiceAccount = m.Name
	}
	return m
}

// Sized is a manifest resolved for one environment: the sizes it asks for, completed with the
// environment's defaults.
type Sized struct {
	Manifest
	Environment config.Environment
	// Database is nil when the manifest asks for none.
	Database *config.DatabaseSize
	// Cache is nil when the manifest asks for none.
	Cache *config.CacheSize
	// MultiAZ and Protect are the environment's (config.OfferingDefaults).
	MultiAZ, Protect bool
}

// For validates m for env against the environment's allow-lists and resolves its sizes.
func (m Manifest) For(env config.Environment) (*Sized, error) {
	m = m.withDefaults()
	d, ok := config.Offerings(env)
	if !ok {
		return nil, errorf(m.File, "", "environment %q has no offerings (allowed: %s)", env, envNames())
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	s := &Sized{Manifest: m, Environment: env, MultiAZ: d.DatabaseMultiAZ, Protect: d.Protect}
	if m.Database != nil {
		db, err := m.databaseSize(env, d)
		if err != nil {
			return nil, err
		}
		s.Database = db
	}
	if m.Cache != nil {
		c, err := m.cacheSize(env, d)
		if err != nil {
			return nil, err
		}
		s.Cache = c
	}
	return s, nil
}

func envNames() string {
	names := make([]string, len(config.Environments))
	for i, e := range config.Environments {
		names[i] = string(e)
	}
	return strings.Join(names, ", ")
}

func knownEnv(name string) bool {
	for _, e := range config.Environments {
		if string(e) == name {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (m Manifest) databaseSize(env config.Environment, d config.OfferingDefaults) (*config.DatabaseSize, error) {
	size := d.Database
	in, ok := m.Database.Sizes[string(env)]
	if !ok {
		return &size, nil
	}
	key := "database.sizes." + string(env)
	if in.InstanceClass != "" {
		if !contains(d.DatabaseInstanceClasses, in.InstanceClass) {
			return nil, errorf(m.File, key+".instanceClass", "%q is not allowed in %s (allowed: %s)", in.InstanceClass, env, strings.Join(d.DatabaseInstanceClasses, ", "))
		}
		size.InstanceClass = in.InstanceClass
	}
	if in.StorageGiB != 0 {
		if in.StorageGiB < d.DatabaseMinStorageGiB || in.StorageGiB > d.DatabaseMaxStorageGiB {
			return nil, errorf(m.File, key+".storageGiB", "%d is not allowed in %s (allowed: %d to %d)", in.StorageGiB, env, d.DatabaseMinStorageGiB, d.DatabaseMaxStorageGiB)
		}
		size.StorageGiB = in.StorageGiB
	}
	if in.Readers != nil {
		if *in.Readers < 0 || *in.Readers > d.DatabaseMaxReaders {
			return nil, errorf(m.File, key+".readers", "%d is not allowed in %s (allowed: 0 to %d)", *in.Readers, env, d.DatabaseMaxReaders)
		}
		size.Readers = *in.Readers
	}
	if in.BackupRetentionDays != 0 {
		if in.BackupRetentionDays < d.DatabaseMinBackupRetentionDays || in.BackupRetentionDays > 35 {
			return nil, errorf(m.File, key+".backupRetentionDays", "%d is not allowed in %s (allowed: %d to 35)", in.BackupRetentionDays, env, d.DatabaseMinBackupRetentionDays)
		}
		size.BackupRetentionDays = in.BackupRetentionDays
	}
	return &size, nil
}

func (m Manifest) cacheSize(env config.Environment, d config.OfferingDefaults) (*config.CacheSize, error) {
	size := d.Cache
	in, ok := m.Cache.Sizes[string(env)]
	if !ok {
		return &size, nil
	}
	key := "cache.sizes." + string(env)
	if in.NodeType != "" {
		if !contains(d.CacheNodeTypes, in.NodeType) {
			return nil, errorf(m.File, key+".nodeType", "%q is not allowed in %s (allowed: %s)", in.NodeType, env, strings.Join(d.CacheNodeTypes, ", "))
		}
		size.NodeType = in.NodeType
	}
	if in.Replicas != nil {
		if *in.Replicas < 0 || *in.Replicas > d.CacheMaxReplicas {
			return nil, errorf(m.File, key+".replicas", "%d is not allowed in %s (allowed: 0 to %d)", *in.Replicas, env, d.CacheMaxReplicas)
		}
		size.Replicas = *in.Replicas
	}
	if env == config.Production && size.Replicas < 1 {
		return nil, errorf(m.File, key+".replicas", "%d is not allowed in production: automatic failover needs a replica (allowed: 1 to %d)", size.Replicas, d.CacheMaxReplicas)
	}
	return &size, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
