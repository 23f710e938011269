package manifests

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// DirName is the manifests' directory, at the repository root.
const DirName = "services"

// DirEnv names the environment variable that, when set, is the manifests' directory; otherwise
// Dir finds it from the working directory.
const DirEnv = "PLATFORM_SERVICES_DIR"

// rootProject is the name in the root Pulumi.yaml (the AWS layer's project): the directory that
// holds it holds services/.
const rootProject = "flowmart-platform"

// Dir returns the manifests' directory: $PLATFORM_SERVICES_DIR when set, else services/ beside
// the root Pulumi.yaml (name: flowmart-platform) found from the working directory upwards. A
// Pulumi Go program runs in its project directory (the root for the AWS layer, cluster-services/
// for the services layer), a test in its package directory: all three find the same one.
func Dir() (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return FindDir(wd)
}

// FindDir returns services/ of the repository root at or above dir: the nearest directory whose
// Pulumi.yaml is the project flowmart-platform.
func FindDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if isRoot(d) {
			return filepath.Join(d, DirName), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s: no Pulumi.yaml of project %s here or above: run from the platform repository, or set %s", abs, rootProject, DirEnv)
		}
	}
}

func isRoot(d string) bool {
	b, err := os.ReadFile(filepath.Join(d, "Pulumi.yaml")) //nolint:gosec // G304: the project file of a directory the caller names
	if err != nil {
		return false
	}
	var p struct {
		Name string `yaml:"name"`
	}
	return yaml.Unmarshal(b, &p) == nil && p.Name == rootProject
}

// Load reads every services/*.yaml of dir, sorted by name. A directory that does not exist holds
// no manifests. Errors name the file as services/<file>.
func Load(dir string) ([]Manifest, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Manifest
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		file := DirName + "/" + name
		if ext := filepath.Ext(name); ext != ".yaml" {
			if ext == ".yml" {
				return nil, errorf(file, "", "manifests end in .yaml (rename it %s)", strings.TrimSuffix(name, ext)+".yaml")
			}
			continue // a README or the like
		}
		b, err := os.ReadFile(filepath.Join(dir, name)) //nolint:gosec // G304: a manifest of the directory the caller names
		if err != nil {
			return nil, err
		}
		m, err := Parse(file, b)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Parse decodes one manifest strictly: one YAML document, a mapping, only the keys of Manifest,
// each of its type. file is the name errors give it. It does not validate the values (For does).
func Parse(file string, b []byte) (Manifest, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		return Manifest{}, errorf(file, "", "not YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return Manifest{}, errorf(file, "", "more than one YAML document (allowed: one)")
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return Manifest{}, errorf(file, "", "not a mapping of keys (allowed: name, owner, namespace, serviceAccount, paging, database, cache, queues)")
	}
	root := doc.Content[0]
	if err := check(file, "", root, reflect.TypeOf(Manifest{})); err != nil {
		return Manifest{}, err
	}
	var m Manifest
	if err := root.Decode(&m); err != nil { // check found every problem Decode can; this is a backstop
		return Manifest{}, errorf(file, "", "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	m.File = file
	return m, nil
}

// check walks n against the Go type t and returns the first key that is unknown, repeated or of
// the wrong type, with its path (database.sizes.production.instanceClass, queues[0].name).
func check(file, path string, n *yaml.Node, t reflect.Type) error {
	if n.Kind == yaml.AliasNode {
		return errorf(file, path, "YAML aliases are not allowed here (write the value out)")
	}
	if t.Kind() == reflect.Pointer {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		return check(file, path, n, t.Elem())
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return errorf(file, path, "%s is not a mapping (allowed: keys %s)", describe(n), strings.Join(fieldNames(t), ", "))
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if seen[k] {
				return errorf(file, join(k), "set twice (line %d)", n.Content[i].Line)
			}
			seen[k] = true
			f, ok := fieldByKey(t, k)
			if !ok {
				return errorf(file, join(k), "unknown key (allowed: %s)", strings.Join(fieldNames(t), ", "))
			}
			if err := check(file, join(k), n.Content[i+1], f.Type); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return errorf(file, path, "%s is not a mapping", describe(n))
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if seen[k] {
				return errorf(file, join(k), "set twice (line %d)", n.Content[i].Line)
			}
			seen[k] = true
			if err := check(file, join(k), n.Content[i+1], t.Elem()); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return errorf(file, path, "%s is not a list", describe(n))
		}
		for i, c := range n.Content {
			if err := check(file, fmt.Sprintf("%s[%d]", path, i), c, t.Elem()); err != nil {
				return err
			}
		}
		return nil
	default:
		if n.Kind != yaml.ScalarNode {
			return errorf(file, path, "%s is not a %s", describe(n), kindName(t))
		}
		v := reflect.New(t)
		if n.Decode(v.Interface()) != nil || (t.Kind() == reflect.String && n.Tag != "!!str") {
			return errorf(file, path, "%q is not a %s", n.Value, kindName(t))
		}
		return nil
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int:
		return "whole number"
	case reflect.Bool:
		return "boolean (true or false)"
	default:
		return "string (quote it)"
	}
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag := strings.Split(f.Tag.Get("yaml"), ",")[0]; tag == key && tag != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
			names = append(names, tag)
		}
	}
	return names
}
