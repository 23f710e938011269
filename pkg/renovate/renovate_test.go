package renovate

import (
	"os"
	"path/filepath"
	"testing"
)

func TestExtractStrategies(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "renovate.json")
	if err := os.WriteFile(path, []byte(`{"customManagers":[
	 {"customType":"regex","description":"any","managerFilePatterns":["/^a\\.go$/"],"matchStrings":["v=\"(?<currentValue>[0-9.]+)\""]},
	 {"customType":"regex","description":"rec","managerFilePatterns":["/^b\\.go$/"],"matchStringsStrategy":"recursive",
	  "matchStrings":["\"(?<k8s>1\\.[0-9]+)\": \\{[^}]*\\}","\"(?<depName>[a-z]+)\": \"(?<currentValue>v[^\"]+)\""]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := c.Matching("a.go")
	if err != nil || len(ms) != 1 || ms[0].Description != "any" {
		t.Fatalf("matching a.go: %v %v", ms, err)
	}
	deps, err := ms[0].Extract(`v="1.2" x v="3.4"`)
	if err != nil || len(deps) != 2 || deps[1]["currentValue"] != "3.4" {
		t.Errorf("any: %v %v", deps, err)
	}
	ms, _ = c.Matching("b.go")
	deps, err = ms[0].Extract(`"1.32": {"dns": "v1", "cni": "v2"}, "1.33": {"dns": "v3"}`)
	if err != nil || len(deps) != 3 || deps[2]["k8s"] != "1.33" || deps[2]["depName"] != "dns" || deps[1]["k8s"] != "1.32" || deps[1]["currentValue"] != "v2" {
		t.Errorf("recursive: %v %v", deps, err)
	}
	if ms, _ := c.Matching("c.go"); len(ms) != 0 {
		t.Errorf("c.go matched %v", ms)
	}
	bad := Manager{ManagerFilePatterns: []string{"**/*.go"}}
	if _, err := bad.Matches("a.go"); err == nil {
		t.Error("a glob pattern was accepted")
	}
}
