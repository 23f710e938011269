package stacks

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// The Cloudflare token, given in plain text to the program as the CLI would after decrypting it,
// never appears in the preview JSON: the provider shows the secret placeholder.
func TestCloudflareTokenNeverInJSON(t *testing.T) {
	const plaintext = "cf-token-Zq8xW3vT-do-not-print"
	opts := withSecret(t, "production", "cloudflareApiToken", plaintext)
	for _, deploy := range []bool{false, true} {
		opts.Deploy = deploy
		doc, err := Offline(opts)
		if err != nil {
			t.Fatal(err)
		}
		b, err := doc.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(plaintext)) {
			t.Fatalf("deploy=%v: the Cloudflare token appears in the preview JSON", deploy)
		}
		// One Cloudflare provider per layer: the AWS layer's validates the certificate, the
		// services layer's writes the platform hosts' records.
		for _, layer := range Layers {
			p := layerGet(doc, layer, "pulumi:providers:cloudflare", "cloudflare")
			if p == nil || p.Inputs["apiToken"] != preview.Secret {
				t.Fatalf("deploy=%v: %s layer: cloudflare provider %+v", deploy, layer, p)
			}
			for _, r := range doc.LayerOf(string(layer)) {
				if r.Type == "cloudflare:index/record:Record" && !strings.HasPrefix(r.Provider, p.URN+"::") {
					t.Errorf("%s does not use its layer's Cloudflare provider: %q", r.Name, r.Provider)
				}
			}
		}
	}
}

// Without cloudflareApiToken the provider gets no apiToken input at all: the plugin reads
// CLOUDFLARE_API_TOKEN from its environment, so the token (the edit one of a deploy, the read-only
// one of a preview) is never in the provider's inputs, the state or the preview; the offline
// preview and deploy need no token.
func TestCloudflareTokenFromTheEnvironment(t *testing.T) {
	sf, err := preview.LoadStackFile("..", "staging", "")
	if err != nil {
		t.Fatal(err)
	}
	values, secretKeys, _ := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
	const token = "cf-env-token-Jq2vX8-do-not-print"
	for _, env := range []string{"", token} {
		t.Setenv(CloudflareTokenEnv, env)
		for _, deploy := range []bool{false, true} {
			doc, err := preview.Run(RunAWS, preview.Options{Project: sf.Project, Stack: "staging", Config: values, SecretKeys: secretKeys, Deploy: deploy})
			if err != nil {
				t.Fatalf("deploy=%v %s=%q: %v", deploy, CloudflareTokenEnv, env, err)
			}
			if p := doc.Get("pulumi:providers:cloudflare", "cloudflare"); p == nil || p.Inputs["apiToken"] != nil {
				t.Fatalf("deploy=%v: cloudflare provider %+v", deploy, p)
			}
			if b, _ := doc.JSON(); bytes.Contains(b, []byte(token)) {
				t.Fatal("the environment's token appears in the graph")
			}
		}
	}
}

// Only a real deploy with neither the key nor the variable is refused, with one line naming both.
func TestCloudflareTokenCheck(t *testing.T) {
	for _, c := range []struct {
		hasKey, dryRun, mocks bool
		env                   string
		refused               bool
	}{
		{false, false, false, "", true},
		{false, false, false, "token", false},
		{true, false, false, "", false},
		{false, true, false, "", false},
		{false, false, true, "", false},
	} {
		err := cloudflareTokenCheck(c.hasKey, c.dryRun, c.mocks, c.env)
		if (err != nil) != c.refused {
			t.Errorf("%+v: err = %v", c, err)
		}
		if err != nil && (err.Error() != "cloudflareApiToken: is not set and CLOUDFLARE_API_TOKEN is empty: export CLOUDFLARE_API_TOKEN (a token with Zone DNS edit on the zone) or set it with `pulumi config set --secret cloudflareApiToken <token>`") {
			t.Errorf("error %q", err)
		}
	}
}

// Every environment: repositories with one lifecycle policy each, settings by environment, a
// wildcard certificate with one validation record and a validation resource.
func TestRegistryAndCertificatePerEnvironment(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		repos := doc.Find("aws:ecr/repository:Repository")
		if len(repos) < 6 || len(doc.Find("aws:ecr/lifecyclePolicy:LifecyclePolicy")) != len(repos) || len(doc.Find("aws:ecr/repositoryPolicy:RepositoryPolicy")) != len(repos) {
			t.Errorf("%s: %d repositories, lifecycle and repository policies must match", env, len(repos))
		}
		for _, r := range repos {
			mutability := "IMMUTABLE"
			if env == "dev" {
				mutability = "MUTABLE"
			}
			if r.Inputs["imageTagMutability"] != mutability || r.Inputs["forceDelete"] != (env == "dev") || r.Protect != (env == "production") {
				t.Errorf("%s %s: mutability %v forceDelete %v protect %v", env, r.Name, r.Inputs["imageTagMutability"], r.Inputs["forceDelete"], r.Protect)
			}
		}
		for _, p := range doc.Find("aws:ecr/repositoryPolicy:RepositoryPolicy") {
			// the cluster's node role pulls, the CI role pushes
			var policy struct {
				Statement []struct {
					Sid       string
					Principal struct{ AWS []string }
				}
			}
			if err := json.Unmarshal([]byte(p.Inputs["policy"].(string)), &policy); err != nil || len(policy.Statement) != 2 ||
				policy.Statement[0].Sid != "Pull" || !strings.Contains(policy.Statement[0].Principal.AWS[0], ":role/"+env+"-nodes") || policy.Statement[1].Sid != "Push" {
				t.Errorf("%s %s: %v %s", env, p.Name, err, p.Inputs["policy"])
			}
		}
		cert := doc.Get("aws:acm/certificate:Certificate", env+"-cert")
		if cert == nil || cert.Protect != (env == "production") {
			t.Fatalf("%s: certificate %+v", env, cert)
		}
		domain := cert.Inputs["domainName"].(string)
		if !slices.Equal(cert.Inputs["subjectAlternativeNames"].([]any), []any{"*." + domain}) {
			t.Errorf("%s: SANs %v", env, cert.Inputs["subjectAlternativeNames"])
		}
		validation := 0
		for _, r := range doc.Find("cloudflare:index/record:Record") {
			if strings.HasPrefix(r.Name, env+"-validation-") {
				validation++
			}
		}
		if n := validation; n != 1 {
			t.Errorf("%s: %d validation records, want 1", env, n)
		}
		if doc.Get("aws:acm/certificateValidation:CertificateValidation", env+"-validation") == nil {
			t.Errorf("%s: no certificate validation", env)
		}
		if doc.Outputs["certificateArn"] == nil || doc.Outputs["repositoryUrls"] == nil {
			t.Errorf("%s: outputs %v", env, doc.Outputs)
		}
	}
}
