package preview

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// ConfigError is a problem with Pulumi.yaml or a stack file: one line naming the file or key.
type ConfigError struct {
	Key string
	Msg string
}

func (e *ConfigError) Error() string { return e.Key + ": " + e.Msg }

// StackFile is a stack's configuration as read from its files.
type StackFile struct {
	Project    string
	Stack      string
	Config     map[string]string // fully qualified key -> raw value (JSON for objects and arrays)
	SecretKeys []string          // fully qualified keys whose values are secret
}

// FindProjectDir returns the closest directory at or above dir that holds Pulumi.yaml.
func FindProjectDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no Pulumi.yaml in %s or any directory above it", abs)
		}
	}
}

// LoadStackFile reads Pulumi.yaml in projectDir and the stack file (Pulumi.<stack>.yaml there, or
// path when not empty), and checks every value against the type Pulumi.yaml declares for its key, as
// `pulumi preview` does. Secure values are not decrypted: the program sees the placeholder
// "[secret]" and the key is marked secret. Problems come back as *ConfigError, naming the file or key.
func LoadStackFile(projectDir, stack, path string) (*StackFile, error) {
	projectPath := filepath.Join(projectDir, "Pulumi.yaml")
	project, err := workspace.LoadProject(projectPath)
	if err != nil {
		return nil, &ConfigError{Key: "Pulumi.yaml", Msg: oneLineMsg(err)}
	}
	if path == "" {
		path = filepath.Join(projectDir, "Pulumi."+stack+".yaml")
	}
	shown := filepath.Base(path)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, &ConfigError{Key: shown, Msg: fmt.Sprintf("no such stack file (stacks here: %s)", strings.Join(stacksIn(projectDir), ", "))}
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, project, path)
	if err != nil {
		return nil, &ConfigError{Key: shown, Msg: "cannot be read: " + oneLineMsg(err)}
	}
	sf := &StackFile{Project: project.Name.String(), Stack: stack, Config: map[string]string{}}
	keys := make([]config.Key, 0, len(ps.Config))
	for k := range ps.Config {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	for _, k := range keys {
		v := ps.Config[k]
		full := k.String()
		short := k.Name()
		if k.Namespace() != sf.Project {
			short = full
		}
		if v.Secure() {
			sf.Config[full] = Secret
			sf.SecretKeys = append(sf.SecretKeys, full)
			continue
		}
		obj, err := v.ToObject()
		if err != nil {
			return nil, &ConfigError{Key: short, Msg: "cannot be read: " + oneLineMsg(err)}
		}
		if t, ok := project.Config[short]; ok && k.Namespace() == sf.Project && t.IsExplicitlyTyped() {
			if !workspace.ValidateConfigValue(t.TypeName(), t.Items, obj) {
				return nil, &ConfigError{Key: short, Msg: fmt.Sprintf("%s is not of the type %s that Pulumi.yaml declares", describe(obj), workspace.InferFullTypeName(t.TypeName(), t.Items))}
			}
		}
		raw, err := v.Value(config.NopDecrypter)
		if err != nil {
			return nil, &ConfigError{Key: short, Msg: "cannot be read: " + oneLineMsg(err)}
		}
		sf.Config[full] = raw
	}
	return sf, nil
}

// Keys returns the fully qualified keys set in the stack file.
func (s *StackFile) Keys() []string {
	keys := make([]string, 0, len(s.Config))
	for k := range s.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func stacksIn(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var names []string
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}

func describe(v any) string {
	b, err := json.Marshal(v)
	if err != nil || len(b) > 60 {
		return fmt.Sprintf("a %T value", v)
	}
	return string(b)
}

func oneLineMsg(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
