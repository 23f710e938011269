package stacks

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

var update = flag.Bool("update", false, "regenerate the golden graphs in testdata/")

var envs = []string{"dev", "staging", "production"}

func previewJSON(t *testing.T, stack string) (*preview.Document, []byte) {
	t.Helper()
	doc, err := Preview("..", stack, "")
	if err != nil {
		t.Fatalf("preview %s: %v", stack, err)
	}
	b, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return doc, b
}

// The golden graph of every environment: a pull request shows each resource it adds, changes or
// renames. Regenerate with `go test ./stacks -update` and review the diff.
func TestGoldenGraphs(t *testing.T) {
	for _, env := range envs {
		t.Run(env, func(t *testing.T) {
			_, got := previewJSON(t, env)
			path := filepath.Join("testdata", env+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./stacks -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s differs from the graph of today's program: review the change and run go test ./stacks -update\n%s", path, firstDiff(want, got))
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestPreviewIsDeterministic(t *testing.T) {
	_, a := previewJSON(t, "production")
	_, b := previewJSON(t, "production")
	if !bytes.Equal(a, b) {
		t.Fatalf("two previews differ:\n%s", firstDiff(a, b))
	}
}

// A secret config value never appears in the preview, in inputs or outputs; the place it goes
// shows the secret placeholder.
func TestSecretConfigNeverInJSON(t *testing.T) {
	const plaintext = "ext-id-7f3a9c2e-do-not-print"
	opts := withSecret(t, "production", "assumeRoleExternalId", plaintext)
	for _, deploy := range []bool{false, true} {
		opts.Deploy = deploy
		doc, err := Offline(opts)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := doc.JSON()
		if bytes.Contains(b, []byte(plaintext)) {
			t.Fatalf("deploy=%v: the secret external id appears in the preview JSON", deploy)
		}
		for _, layer := range Layers {
			p := layerGet(doc, layer, "pulumi:providers:aws", "aws")
			if !strings.Contains(string(mustJSON(t, p.Inputs)), preview.Secret) {
				t.Errorf("deploy=%v: %s layer: provider inputs do not show the secret placeholder: %v", deploy, layer, p.Inputs)
			}
		}
	}
}

// withSecret returns the preview options of a stack whose secret key holds a known plaintext.
func withSecret(t *testing.T, stack, key, plaintext string) preview.Options {
	t.Helper()
	sf, err := preview.LoadStackFile("..", stack, "")
	if err != nil {
		t.Fatal(err)
	}
	values, secretKeys, _ := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
	full := sf.Project + ":" + key
	values[full] = plaintext
	return preview.Options{Project: sf.Project, Stack: stack, Config: values, SecretKeys: append(secretKeys, full)}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	d := &preview.Document{Outputs: map[string]any{"v": v}}
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// One explicit AWS provider per layer, the same in both (so a resource moved between layers
// keeps its provider), pinned to the stack's account and region, used by every AWS resource of
// its layer: a production stack can never touch another account.
func TestOneExplicitProviderPinnedToTheAccount(t *testing.T) {
	accounts := map[string]string{}
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		providers := doc.Find("pulumi:providers:aws")
		if len(providers) != len(Layers) {
			t.Fatalf("%s: %d AWS providers, want one per layer", env, len(providers))
		}
		for _, layer := range Layers {
			p := layerGet(doc, layer, "pulumi:providers:aws", "aws")
			if p == nil {
				t.Fatalf("%s: the %s layer has no AWS provider named aws", env, layer)
			}
			if !bytes.Equal(mustJSON(t, p.Inputs), mustJSON(t, providers[0].Inputs)) {
				t.Errorf("%s: the %s layer's AWS provider differs from the AWS layer's: %v", env, layer, p.Inputs)
			}
			ids, _ := p.Inputs["allowedAccountIds"].([]any)
			if len(ids) != 1 {
				t.Fatalf("%s: allowedAccountIds = %v", env, p.Inputs["allowedAccountIds"])
			}
			accounts[env] = ids[0].(string)
			if doc.Outputs["accountId"] != ids[0] {
				t.Errorf("%s: provider pinned to %v, stack account %v", env, ids[0], doc.Outputs["accountId"])
			}
			tags := p.Inputs["defaultTags"].(map[string]any)["tags"].(map[string]any)
			if tags["Environment"] != env || tags["ManagedBy"] != "pulumi" || tags["Project"] != "flowmart-platform" {
				t.Errorf("%s: default tags %v", env, tags)
			}
			for _, r := range doc.LayerOf(string(layer)) {
				if r.Custom && strings.HasPrefix(r.Type, "aws:") && !strings.HasPrefix(r.Provider, p.URN+"::") {
					t.Errorf("%s: %s %s does not use its layer's AWS provider (provider %q)", env, r.Type, r.Name, r.Provider)
				}
			}
		}
	}
	if accounts["dev"] == accounts["production"] || accounts["staging"] == accounts["production"] {
		t.Errorf("production shares an account with another environment: %v", accounts)
	}
}

func TestNetworkPerEnvironment(t *testing.T) {
	want := map[string]struct{ azs, nats int }{"dev": {2, 1}, "staging": {3, 1}, "production": {3, 3}}
	for env, w := range want {
		doc, _ := previewJSON(t, env)
		count := func(typ string) int { return len(doc.Find(typ)) }
		if got := count("aws:ec2/subnet:Subnet"); got != 3*w.azs {
			t.Errorf("%s: %d subnets, want %d", env, got, 3*w.azs)
		}
		if got := count("aws:ec2/natGateway:NatGateway"); got != w.nats {
			t.Errorf("%s: %d NAT gateways, want %d", env, got, w.nats)
		}
		if count("aws:ec2/flowLog:FlowLog") != 1 || count("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup") != 1 {
			t.Errorf("%s: flow log or locked default security group missing", env)
		}
		for _, svc := range []string{"s3", "ecr-api", "ecr-dkr"} {
			if doc.Get("aws:ec2/vpcEndpoint:VpcEndpoint", env+"-endpoint-"+svc) == nil {
				t.Errorf("%s: no %s endpoint", env, svc)
			}
		}
		if azs, _ := doc.Outputs["availabilityZones"].([]string); len(azs) != w.azs {
			t.Errorf("%s: availabilityZones output %v", env, doc.Outputs["availabilityZones"])
		}
	}
}
