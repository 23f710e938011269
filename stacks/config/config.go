// Package config is the typed configuration of one stack: loaded from Pulumi config, completed with
// the environment's defaults (all in defaults.go) and validated before any resource is registered.
// Every error names the key, the bad value and what is allowed, on one line.
package config

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Project is the Pulumi project name of the AWS layer (Pulumi.yaml at the repository root); config
// keys are namespaced by it.
const Project = "flowmart-platform"

// ServicesProject is the cluster-services layer's project (cluster-services/Pulumi.yaml). It shares
// the AWS layer's stack files (stackConfigDir: ..) and so reads its keys in the AWS layer's
// namespace, Project.
const ServicesProject = Project + "-services"

// Namespace is the config namespace a project's program reads: Project for ServicesProject, the
// project's own name for any other (an importing program keeps its own).
func Namespace(project string) string {
	if project == ServicesProject {
		return Project
	}
	return project
}

// Environment is the kind of environment a stack is.
type Environment string

// The environments, each with its own defaults (defaults.go).
const (
	Dev        Environment = "dev"
	Staging    Environment = "staging"
	Production Environment = "production"
)

// Environments lists the known environments in promotion order.
var Environments = []Environment{Dev, Staging, Production}

// Config is the whole typed configuration of a stack.
type Config struct {
	Project string
	Stack   string

	Environment Environment
	Region      string
	// AccountID is the only AWS account the stack may touch (the provider's allowedAccountIds).
	AccountID string
	// AssumeRoleARN is a role in AccountID the provider assumes; empty uses the ambient credentials.
	AssumeRoleARN string
	// HasAssumeRoleExternalID says the secret assumeRoleExternalId is set; its value is only ever
	// read as a secret output (see Secret).
	HasAssumeRoleExternalID bool
	// Domain is the environment's DNS domain, e.g. dev.shop.example.com.
	Domain string
	// Tags are the user's standard tags; pkg/tags adds the project's own on top.
	Tags map[string]string

	Network NetworkConfig

	Registry    RegistryConfig
	Certificate CertificateConfig
	Addons      AddonsConfig
	GitOps      GitOpsConfig
	Alerting    AlertingConfig
	Cluster     ClusterConfig
	SQLServer   SQLServerConfig
	VPN         VPNConfig
	// Runner is the in-VPC CI runner (the `runner` object).
	Runner RunnerConfig

	// Waivers exempt single resources from single policy rules, each with a reason (policyWaivers).
	Waivers []Waiver
}

// Protected reports whether stateful resources of this environment are protected.
func (c *Config) Protected() bool { return c.Environment == Production }

// Getter returns the raw value of a fully qualified config key ("project:key") and whether it is set.
// Objects and arrays are JSON text, as the Pulumi engine passes them to a program.
type Getter func(fullKey string) (string, bool)

// Load reads, completes and validates the configuration of the running stack.
func Load(ctx *pulumi.Context) (*Config, error) {
	return Parse(Namespace(ctx.Project()), ctx.Stack(), ctx.GetConfig, nil)
}

// Secret returns a project config value as a secret output, or an empty secret when unset.
func Secret(ctx *pulumi.Context, key string) pulumi.StringOutput {
	v, _ := ctx.GetConfig(Namespace(ctx.Project()) + ":" + key)
	return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
}

// Parse builds a Config from raw values, applies defaults and validates it. allKeys, when not nil,
// lists every key set in the stack so that unknown project keys (typos) are rejected.
func Parse(project, stack string, get Getter, allKeys []string) (*Config, error) {
	if project == "" {
		project = Project
	}
	if err := checkUnknownKeys(project, allKeys); err != nil {
		return nil, err
	}
	r := &reader{project: project, get: get}
	c := &Config{Project: project, Stack: stack}
	c.Environment = Environment(r.str(KeyEnvironment))
	c.Region = r.str(KeyRegion)
	c.AccountID = r.str(KeyAccountID)
	c.AssumeRoleARN = r.str(KeyAssumeRoleARN)
	c.HasAssumeRoleExternalID = r.isSet(KeyAssumeRoleExternalID)
	c.Domain = r.str(KeyDomain)
	c.Tags = r.stringMap(KeyTags)

	c.Network = readNetwork(r)
	c.Registry = readRegistry(r)
	c.Certificate = readCertificate(r)
	c.Addons = readAddons(r)
	c.GitOps = readGitOps(r)
	c.Alerting = readAlerting(r)
	c.Waivers = readWaivers(r)
	c.Cluster = readCluster(r)
	c.SQLServer = readSQLServer(r)
	c.VPN = readVPN(r)
	c.Runner = readRunner(r)
	// Each component section reads its keys in its own file: c.<Section> = read<Section>(r).
	if r.err != nil {
		return nil, r.err
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func checkUnknownKeys(project string, allKeys []string) error {
	sorted := append([]string(nil), allKeys...)
	sort.Strings(sorted)
	for _, full := range sorted {
		ns, name, ok := strings.Cut(full, ":")
		if !ok || ns != project {
			continue
		}
		if _, known := lookupKey(name); !known {
			var names []string
			for _, k := range Keys {
				names = append(names, k.Name)
			}
			return errorf(name, "unknown key (is it a typo? known keys: %s)", strings.Join(names, ", "))
		}
	}
	return nil
}

// reader reads typed values and keeps the first error.
type reader struct {
	project string
	get     Getter
	err     error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *reader) raw(key string) (string, bool) {
	return r.get(r.project + ":" + key)
}

func (r *reader) isSet(key string) bool {
	v, ok := r.raw(key)
	return ok && v != ""
}

func (r *reader) str(key string) string {
	v, _ := r.raw(key)
	return strings.TrimSpace(v)
}

func (r *reader) integer(key string) int {
	v, ok := r.raw(key)
	if !ok || v == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		r.fail(errorf(key, "%q is not a whole number", v))
	}
	return n
}

func (r *reader) boolean(key string) bool {
	v, ok := r.raw(key)
	if !ok || v == "" {
		return false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		r.fail(errorf(key, "%q is not a boolean (allowed: true, false)", v))
	}
	return b
}

func (r *reader) strs(key string) []string {
	v, ok := r.raw(key)
	if !ok || v == "" {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.fail(errorf(key, "%s is not a list of strings", clip(v)))
	}
	return out
}

func (r *reader) stringMap(key string) map[string]string {
	v, ok := r.raw(key)
	if !ok || v == "" {
		return nil
	}
	var out map[string]string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.fail(errorf(key, "%s is not a map of strings to strings", clip(v)))
	}
	return out
}

// object decodes an object or array key into v, naming the key on error. Component sections use it.
func (r *reader) object(key string, v any) {
	raw, ok := r.raw(key)
	if !ok || raw == "" {
		return
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.As(err, &te):
		// name the field and the kinds as users write them, not the Go types behind them
		if te.Field != "" {
			key += "." + te.Field
		}
		r.fail(errorf(key, "is %s, want %s", jsonKind(te.Value), goKind(te.Type)))
	default:
		r.fail(errorf(key, "%s", strings.TrimPrefix(err.Error(), "json: ")))
	}
}

// jsonKind is the kind of a JSON value as encoding/json names it ("array", "number 5"), with its
// article.
func jsonKind(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "a boolean"
	default:
		return "a " + kind
	}
}

// goKind is what a Go type is in a stack file.
func goKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	default:
		return "a " + t.Kind().String()
	}
}

func clip(s string) string {
	if len(s) > 60 {
		return strconv.Quote(s[:60] + "...")
	}
	return strconv.Quote(s)
}
