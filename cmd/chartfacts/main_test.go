package main

import (
	"encoding/json"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestKeysFromValuesAndSchema(t *testing.T) {
	var values any
	if err := yaml.Unmarshal([]byte(`
image:
  registry: quay.io
  repository: prometheus/prometheus
  tag: v3
podAnnotations: {}
grafana.ini:
  server:
    domain: ""
extra:
`), &values); err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal([]byte(`{"properties":{
	  "fromSchema":{"type":"string"},
	  "labels":{"type":"object","additionalProperties":{"type":"string"}},
	  "sel":{"$ref":"#/definitions/sel"},
	  "remote":{"$ref":"https://example.com/k8s.json#/x"}},
	 "definitions":{"sel":{"properties":{"matchLabels":{"type":"object"}}}}}`), &schema); err != nil {
		t.Fatal(err)
	}
	k := &keys{set: map[string]bool{}, open: map[string]bool{}}
	k.values(nil, values)
	k.schema(nil, schema, schema, 0)
	for _, want := range []string{"image.registry", "[grafana.ini].server.domain", "podAnnotations", "fromSchema", "sel.matchLabels", "extra"} {
		if !k.set[want] {
			t.Errorf("no key %s in %v", want, sorted(k.set))
		}
	}
	for _, want := range []string{"podAnnotations", "labels", "sel.matchLabels", "remote", "extra"} {
		if !k.open[want] {
			t.Errorf("%s is not free-form: %v", want, sorted(k.open))
		}
	}
	if k.open["image"] || k.open["fromSchema"] {
		t.Errorf("open: %v", sorted(k.open))
	}
	if len(k.images) != 1 || k.images[0] != (Image{Path: "image", Registry: "quay.io", Repository: "prometheus/prometheus", Tag: "v3"}) {
		t.Errorf("images %v", k.images)
	}
	if !slices.Equal(k.remote, []string{"https://example.com/k8s.json#/x"}) {
		t.Errorf("remote refs %v", k.remote)
	}
}

func TestSortVersions(t *testing.T) {
	v := []string{"7.1.9", "7.1.11", "10.0.0", "v2.3.1", "7.0.1"}
	sortVersions(v)
	if !slices.Equal(v, []string{"10.0.0", "7.1.11", "7.1.9", "7.0.1", "v2.3.1"}) {
		t.Errorf("sorted %v", v)
	}
}

func TestCRDDirPattern(t *testing.T) {
	for path, want := range map[string]bool{
		"crds/crds.yaml": true, "charts/crds/crds/crd-x.yaml": true, "crds": true,
		"templates/crds.yaml": false, "charts/a/templates/crd.yaml": false,
	} {
		if crdDirRe.MatchString(path) != want {
			t.Errorf("%s: %v", path, !want)
		}
	}
}
