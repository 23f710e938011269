package config_test

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// stackValues returns the raw config of a real stack file, the base every case mutates.
func stackValues(t *testing.T, stack string) map[string]string {
	t.Helper()
	sf, err := preview.LoadStackFile("../..", stack, "")
	if err != nil {
		t.Fatalf("load %s: %v", stack, err)
	}
	values, _, _ := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
	return values
}

func parse(values map[string]string) (*config.Config, error) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	return config.Parse(config.Project, "test", func(k string) (string, bool) { v, ok := values[k]; return v, ok }, keys)
}

func TestStackFilesAreValid(t *testing.T) {
	for _, env := range config.Environments {
		c, err := parse(stackValues(t, string(env)))
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if c.Environment != env {
			t.Errorf("%s: environment = %s", env, c.Environment)
		}
	}
}

func TestEnvironmentDefaults(t *testing.T) {
	cases := map[string]struct {
		nat       string
		retention int
	}{
		"dev":        {"Single", 30},
		"staging":    {"Single", 90},
		"production": {"OnePerAZ", 365},
	}
	for env, want := range cases {
		v := stackValues(t, env)
		delete(v, "flowmart-platform:natStrategy")
		delete(v, "flowmart-platform:flowLogRetentionDays")
		c, err := parse(v)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if string(c.Network.NATStrategy) != want.nat || c.Network.FlowLogRetentionDays != want.retention {
			t.Errorf("%s: defaults nat=%s retention=%d, want %s %d", env, c.Network.NATStrategy, c.Network.FlowLogRetentionDays, want.nat, want.retention)
		}
	}
}

func TestProtectedOnlyInProduction(t *testing.T) {
	for _, env := range config.Environments {
		c, err := parse(stackValues(t, string(env)))
		if err != nil {
			t.Fatal(err)
		}
		if c.Protected() != (env == config.Production) {
			t.Errorf("%s: Protected() = %v", env, c.Protected())
		}
	}
}

// Each validation rule with one failing case: the error names the key and the bad value, on one line.
func TestValidationErrors(t *testing.T) {
	const p = "flowmart-platform:"
	cases := []struct {
		name   string
		set    map[string]string // "" deletes the key
		key    string
		substr string
	}{
		{"missing environment", map[string]string{p + "environment": ""}, "environment", "required key is missing"},
		{"unknown environment", map[string]string{p + "environment": "qa"}, "environment", `"qa" is not an environment (allowed: dev, staging, production)`},
		{"missing region", map[string]string{p + "region": ""}, "region", "required key is missing"},
		{"unknown region", map[string]string{p + "region": "eu-west-9"}, "region", `"eu-west-9" is not an AWS commercial region`},
		{"missing account", map[string]string{p + "accountId": ""}, "accountId", "required key is missing"},
		{"short account", map[string]string{p + "accountId": "12345"}, "accountId", `"12345" is not an AWS account id (want 12 digits)`},
		{"bad role arn", map[string]string{p + "assumeRoleArn": "deploy"}, "assumeRoleArn", `"deploy" is not an IAM role ARN`},
		{"role in another account", map[string]string{p + "assumeRoleArn": "arn:aws:iam::999999999999:role/deploy"}, "assumeRoleArn", "is in account 999999999999, not in accountId"},
		{"external id without role", map[string]string{p + "assumeRoleArn": "", p + "assumeRoleExternalId": "x"}, "assumeRoleExternalId", "assumeRoleArn is not"},
		{"missing domain", map[string]string{p + "domain": ""}, "domain", "required key is missing"},
		{"one-label domain", map[string]string{p + "domain": "localhost"}, "domain", "not a fully qualified domain"},
		{"bad domain label", map[string]string{p + "domain": "shop_.example.com"}, "domain", `invalid label "shop_"`},
		{"upper-case domain", map[string]string{p + "domain": "Shop.example.com"}, "domain", `invalid label "Shop"`},
		{"reserved tag", map[string]string{p + "tags": `{"aws:owner":"x"}`}, "tags", `"aws:owner" uses the reserved aws: prefix`},
		{"tags not a map", map[string]string{p + "tags": `["a"]`}, "tags", "is not a map of strings to strings"},
		{"missing cidr", map[string]string{p + "vpcCidr": ""}, "vpcCidr", "required key is missing"},
		{"bad cidr", map[string]string{p + "vpcCidr": "10.0.0.0/33"}, "vpcCidr", `"10.0.0.0/33" is not a CIDR`},
		{"cidr too small", map[string]string{p + "vpcCidr": "10.0.0.0/24"}, "vpcCidr", "is a /24; the subnet plan needs a /16 to /20"},
		{"cidr host bits", map[string]string{p + "vpcCidr": "10.0.1.0/16"}, "vpcCidr", "host bits set"},
		{"ipv6 cidr", map[string]string{p + "vpcCidr": "fd00::/48"}, "vpcCidr", "not an IPv4 CIDR"},
		{"one az", map[string]string{p + "availabilityZones": `["eu-west-1a"]`}, "availabilityZones", "need at least 2 distinct zones"},
		{"az of another region", map[string]string{p + "availabilityZones": `["eu-west-1a","us-east-1b"]`}, "availabilityZones", `"us-east-1b" is not a zone of region eu-west-1`},
		{"unknown az letter", map[string]string{p + "availabilityZones": `["eu-west-1a","eu-west-1z"]`}, "availabilityZones", `"eu-west-1z" is not a zone of region eu-west-1`},
		{"duplicate az", map[string]string{p + "availabilityZones": `["eu-west-1a","eu-west-1a"]`}, "availabilityZones", "listed twice"},
		{"azs not a list", map[string]string{p + "availabilityZones": `"eu-west-1a"`}, "availabilityZones", "is not a list of strings"},
		{"unknown nat", map[string]string{p + "natStrategy": "PerAZ"}, "natStrategy", `"PerAZ" is not a NAT strategy (allowed: None, Single, OnePerAZ)`},
		{"eip count", map[string]string{p + "natStrategy": "Single", p + "natEipAllocationIds": `["eipalloc-0123456789abcdef0","eipalloc-0123456789abcdef1"]`}, "natEipAllocationIds", "lists 2 allocation id(s) but natStrategy Single"},
		{"retention CloudWatch refuses", map[string]string{p + "flowLogRetentionDays": "31"}, "flowLogRetentionDays", "31 is not a CloudWatch Logs retention"},
		{"zone beyond the plan", map[string]string{p + "availabilityZones": `["eu-west-1a","eu-west-1g"]`}, "availabilityZones", `"eu-west-1g" is not a zone of region eu-west-1`},
		{"bad eip", map[string]string{p + "natStrategy": "Single", p + "natEipAllocationIds": `["eip-1"]`}, "natEipAllocationIds[0]", `"eip-1" is not an Elastic IP allocation id`},
		{"db egress without nat", map[string]string{p + "natStrategy": "None", p + "databaseEgress": "true"}, "databaseEgress", "natStrategy is None"},
		{"bad boolean", map[string]string{p + "databaseEgress": "yes"}, "databaseEgress", `"yes" is not a boolean`},
		{"unknown endpoint", map[string]string{p + "interfaceEndpoints": `["s3"]`}, "interfaceEndpoints[0]", `"s3" is not a supported interface endpoint`},
		{"duplicate endpoint", map[string]string{p + "interfaceEndpoints": `["sts","sts"]`}, "interfaceEndpoints[1]", `"sts" is listed twice`},
		{"bad retention", map[string]string{p + "flowLogRetentionDays": "10"}, "flowLogRetentionDays", "10 is not a CloudWatch Logs retention"},
		{"retention not a number", map[string]string{p + "flowLogRetentionDays": "ten"}, "flowLogRetentionDays", `"ten" is not a whole number`},
		{"typo key", map[string]string{p + "vpcCidrs": "10.0.0.0/16"}, "vpcCidrs", "unknown key (is it a typo?"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := maps.Clone(stackValues(t, "dev"))
			for k, val := range c.set {
				if val == "" {
					delete(v, k)
				} else {
					v[k] = val
				}
			}
			_, err := parse(v)
			var cerr *config.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			if cerr.Key != c.key || !strings.Contains(err.Error(), c.substr) {
				t.Fatalf("err = %q, want key %q and %q", err, c.key, c.substr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans several lines: %q", err)
			}
		})
	}
}

// Pulumi.yaml declares exactly the keys the loader reads, with the same types and secrecy; an
// optional key's default is the empty value of its type (the CLI requires a key without one), never
// an environment value (those live in Go only).
func TestPulumiYAMLMatchesKeys(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var project struct {
		Name   string `yaml:"name"`
		Config map[string]struct {
			Type        string         `yaml:"type"`
			Description string         `yaml:"description"`
			Secret      bool           `yaml:"secret"`
			Default     any            `yaml:"default"`
			Items       map[string]any `yaml:"items"`
		} `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &project); err != nil {
		t.Fatal(err)
	}
	if project.Name != config.Project {
		t.Fatalf("project name %q, want %q", project.Name, config.Project)
	}
	declared := map[string]bool{}
	for k, spec := range project.Config {
		if strings.Contains(k, ":") {
			continue // another namespace (pulumi:, aws:): a value, not a typed key
		}
		declared[k] = true
		if spec.Description == "" {
			t.Errorf("Pulumi.yaml: %s has no description", k)
		}
		if err := emptyDefault(spec.Default); err != nil {
			t.Errorf("Pulumi.yaml: %s %v", k, err)
		}
		if spec.Type == "array" && spec.Items == nil {
			t.Errorf("Pulumi.yaml: array %s has no items type", k)
		}
	}
	for _, k := range config.Keys {
		spec, ok := project.Config[k.Name]
		if !ok {
			t.Errorf("Pulumi.yaml does not declare %s", k.Name)
			continue
		}
		if spec.Type != string(k.Type) || spec.Secret != k.Secret {
			t.Errorf("%s: Pulumi.yaml type %s secret %v, loader %s %v", k.Name, spec.Type, spec.Secret, k.Type, k.Secret)
		}
		delete(declared, k.Name)
	}
	for k := range declared {
		t.Errorf("Pulumi.yaml declares %s, which the loader never reads", k)
	}
}

func TestVPCCIDRsDoNotOverlap(t *testing.T) {
	var cs []*config.Config
	for _, env := range config.Environments {
		c, err := parse(stackValues(t, string(env)))
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			if cs[i].Network.VPCCIDR.Overlaps(cs[j].Network.VPCCIDR) {
				t.Errorf("%s %s overlaps %s %s", cs[i].Environment, cs[i].Network.VPCCIDR, cs[j].Environment, cs[j].Network.VPCCIDR)
			}
		}
		if cs[i].AccountID == "" || (i > 0 && cs[i].AccountID == cs[i-1].AccountID) {
			t.Errorf("%s: account %q must be set and differ from the previous environment", cs[i].Environment, cs[i].AccountID)
		}
	}
}

// A secret the configuration requires but the stack file does not hold is previewed offline as
// the placeholder, marked secret; the Cloudflare token is not one of them any more (the provider
// reads CLOUDFLARE_API_TOKEN when cloudflareApiToken is unset), and a deploy without it is not
// refused by the configuration.
func TestOfflineSecrets(t *testing.T) {
	sf, err := preview.LoadStackFile("../..", "dev", "")
	if err != nil {
		t.Fatal(err)
	}
	const key = "flowmart-platform:alertingSlackWebhookUrl"
	if v := sf.Config[key]; v != "" {
		t.Fatalf("the stack file holds %s; secrets are set with pulumi config set --secret", key)
	}
	values, secretKeys, filled := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
	if values[key] != preview.Secret || !slices.Contains(secretKeys, key) || !slices.Equal(filled, []string{"alertingSlackWebhookUrl", "gitopsRepositoryToken"}) {
		t.Fatalf("offline secrets: value %q secret keys %v filled %v", values[key], secretKeys, filled)
	}
	if values["flowmart-platform:cloudflareApiToken"] == preview.Secret || slices.Contains(secretKeys, "flowmart-platform:cloudflareApiToken") {
		t.Errorf("cloudflareApiToken was filled in: it is optional")
	}
	if _, err := parse(sf.Config); err != nil && strings.HasPrefix(err.Error(), "cloudflareApiToken") {
		t.Fatalf("a deploy without cloudflareApiToken is refused: %v", err)
	}
	// a value that is set is kept
	values[key] = "set"
	again, _, filled := config.OfflineSecrets(sf.Project, values, nil, preview.Secret)
	if again[key] != "set" || slices.Contains(filled, "alertingSlackWebhookUrl") {
		t.Fatalf("a set secret was replaced: %q %v", again[key], filled)
	}
	if e := config.MissingCloudflareToken("CLOUDFLARE_API_TOKEN").Error(); !strings.HasPrefix(e, "cloudflareApiToken: is not set and CLOUDFLARE_API_TOKEN is empty") || strings.Contains(e, "\n") {
		t.Errorf("missing token error %q", e)
	}
}

// emptyDefault reports why a Pulumi.yaml default is not the empty value of its type, or nil: an
// optional key's default only marks it optional; environment defaults live in defaults.go.
func emptyDefault(d any) error {
	empty := false
	switch v := d.(type) {
	case nil:
		empty = true
	case string, bool, int:
		empty = v == reflect.Zero(reflect.TypeOf(v)).Interface()
	case []any:
		empty = len(v) == 0
	case map[string]any:
		empty = len(v) == 0
	}
	if !empty {
		return fmt.Errorf("has the default %v: only the empty value of a type may be one (environment defaults live in stacks/config/defaults.go)", d)
	}
	return nil
}

func TestEmptyDefault(t *testing.T) {
	for _, d := range []any{nil, "", 0, false, []any{}, map[string]any{}} {
		if err := emptyDefault(d); err != nil {
			t.Errorf("%#v: %v", d, err)
		}
	}
	for _, d := range []any{"Single", 30, true, []any{"sts"}, map[string]any{"Owner": "x"}, 1.5} {
		if emptyDefault(d) == nil {
			t.Errorf("%#v passed as an empty default", d)
		}
	}
}
