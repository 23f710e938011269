// Package renovate reads the custom regex managers of the repository's renovate.json and runs
// them over a file as Renovate would (the default "any" strategy and "recursive"), so tests can
// prove that each manager still matches the pins it is meant to keep current.
package renovate

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Config is the part of renovate.json the tests need.
type Config struct {
	EnabledManagers []string  `json:"enabledManagers"`
	CustomManagers  []Manager `json:"customManagers"`
}

// Manager is one custom manager.
type Manager struct {
	CustomType           string   `json:"customType"`
	Description          string   `json:"description"`
	ManagerFilePatterns  []string `json:"managerFilePatterns"`
	MatchStrings         []string `json:"matchStrings"`
	MatchStringsStrategy string   `json:"matchStringsStrategy"`
	DatasourceTemplate   string   `json:"datasourceTemplate"`
	DepNameTemplate      string   `json:"depNameTemplate"`
	PackageNameTemplate  string   `json:"packageNameTemplate"`
}

// Load reads a renovate.json.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path) //nolint:gosec // G304: the renovate.json the caller names
	if err != nil {
		return nil, err
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// Matching returns the managers whose file patterns match the repository-relative path.
func (c *Config) Matching(path string) ([]Manager, error) {
	var out []Manager
	for _, m := range c.CustomManagers {
		ok, err := m.Matches(path)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// Matches reports whether a /regex/ file pattern of the manager matches path (glob patterns,
// which this repository does not use, are an error).
func (m Manager) Matches(path string) (bool, error) {
	for _, p := range m.ManagerFilePatterns {
		if len(p) < 2 || !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
			return false, fmt.Errorf("manager %q: file pattern %q is not a /regex/", m.Description, p)
		}
		re, err := regexp.Compile(p[1 : len(p)-1])
		if err != nil {
			return false, fmt.Errorf("manager %q: %w", m.Description, err)
		}
		if re.MatchString(path) {
			return true, nil
		}
	}
	return false, nil
}

// Extract runs the manager's match strings over content and returns each dependency's named
// groups (with the groups of the enclosing matches, for the recursive strategy).
func (m Manager) Extract(content string) ([]map[string]string, error) {
	res := make([]*regexp.Regexp, len(m.MatchStrings))
	for i, s := range m.MatchStrings {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("manager %q: %w", m.Description, err)
		}
		res[i] = re
	}
	if m.MatchStringsStrategy == "recursive" {
		return recursive(res, content, map[string]string{}), nil
	}
	var out []map[string]string
	for _, re := range res {
		for _, sub := range re.FindAllStringSubmatch(content, -1) {
			out = append(out, groups(re, sub, nil))
		}
	}
	return out, nil
}

func recursive(res []*regexp.Regexp, content string, outer map[string]string) []map[string]string {
	if len(res) == 0 {
		return []map[string]string{outer}
	}
	var out []map[string]string
	for _, sub := range res[0].FindAllStringSubmatch(content, -1) {
		out = append(out, recursive(res[1:], sub[0], groups(res[0], sub, outer))...)
	}
	return out
}

func groups(re *regexp.Regexp, sub []string, outer map[string]string) map[string]string {
	g := make(map[string]string, len(outer)+len(sub))
	for k, v := range outer {
		g[k] = v
	}
	for i, name := range re.SubexpNames() {
		if name != "" {
			g[name] = sub[i]
		}
	}
	return g
}
