package stacks

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// BenchmarkPreview measures the offline preview of each stack: config load and validation, the
// program under the mocks, and the JSON document.
func BenchmarkPreview(b *testing.B) {
	for _, env := range envs {
		b.Run(env, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				doc, err := Preview("..", env, "")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := doc.JSON(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// scaledOptions returns production's configuration grown to n service repositories (each with its
// own lifecycle policy and repository policy), n application routes (each an Ingress and a DNS
// record) and n/10 extra node groups: the synthetic large platform of the scale benchmark.
func scaledOptions(b *testing.B, n int) preview.Options {
	b.Helper()
	sf, err := preview.LoadStackFile("..", "production", "")
	if err != nil {
		b.Fatal(err)
	}
	values, secretKeys, _ := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
	repos := make([]map[string]string, n)
	for i := range repos {
		repos[i] = map[string]string{"name": fmt.Sprintf("service-%03d", i)}
	}
	raw, _ := json.Marshal(repos)
	values[sf.Project+":"+config.KeyRepositories] = string(raw)

	routes := make([]map[string]any, n)
	for i := range routes {
		routes[i] = map[string]any{"name": fmt.Sprintf("app-%03d", i), "host": fmt.Sprintf("app-%03d.shop.example.com", i),
			"namespace": fmt.Sprintf("app-%03d", i), "service": "web", "port": 8080}
	}
	raw, _ = json.Marshal(routes)
	values[sf.Project+":routes"] = string(raw)

	var cluster map[string]any
	if err := json.Unmarshal([]byte(values[sf.Project+":"+config.KeyCluster]), &cluster); err != nil {
		b.Fatal(err)
	}
	groups := cluster["nodeGroups"].([]any)
	for i := range n / 10 {
		groups = append(groups, map[string]any{"name": fmt.Sprintf("pool-%02d", i), "kind": "Managed", "instanceTypes": []string{"m6i.large"},
			"minSize": 1, "maxSize": 3, "releaseVersion": "1.33.5-20261015"})
	}
	cluster["nodeGroups"] = groups
	raw, _ = json.Marshal(cluster)
	values[sf.Project+":"+config.KeyCluster] = string(raw)
	return preview.Options{Project: sf.Project, Stack: "production", Config: values, SecretKeys: secretKeys}
}

// BenchmarkPreviewScale shows how preview time and allocations grow with the size of the
// platform: compare ns/op and allocs/op across sizes (linear means doubling n doubles the part
// that depends on n).
func BenchmarkPreviewScale(b *testing.B) {
	for _, n := range []int{25, 50, 100, 200} {
		opts := scaledOptions(b, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var resources int
			for b.Loop() {
				doc, err := Offline(opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := doc.JSON(); err != nil {
					b.Fatal(err)
				}
				resources = len(doc.Resources)
			}
			b.ReportMetric(float64(resources), "resources")
		})
	}
}
