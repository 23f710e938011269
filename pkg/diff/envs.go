package diff

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/flowmart/platform/pkg/preview"
)

// TypeCount is how many resources of a type each environment has.
type TypeCount struct {
	Type string `json:"type"`
	A    int    `json:"a"`
	B    int    `json:"b"`
}

// Setting is an input that differs between the same resource in two environments.
type Setting struct {
	Type     string `json:"type"`
	Resource string `json:"resource"` // name with the stack prefix replaced by <stack>
	Path     string `json:"path"`
	A        string `json:"a"`
	B        string `json:"b"`
}

// EnvReport compares two environments.
type EnvReport struct {
	A, B     string
	Counts   []TypeCount `json:"counts"`
	Settings []Setting   `json:"settings"`
	OnlyA    []string    `json:"onlyA"`
	OnlyB    []string    `json:"onlyB"`
}

// Environments compares the graphs of two stacks: resource counts per type, resources only one of
// them has, and the settings that differ on the resources both have. Names and values are compared
// with each stack's own name replaced by <stack>, so "dev-vpc" and "production-vpc" pair up.
func Environments(a, b *preview.Document) EnvReport {
	rep := EnvReport{A: a.Stack, B: b.Stack, Counts: []TypeCount{}, Settings: []Setting{}, OnlyA: []string{}, OnlyB: []string{}}
	counts := map[string]*TypeCount{}
	for _, r := range a.Resources {
		if counts[r.Type] == nil {
			counts[r.Type] = &TypeCount{Type: r.Type}
		}
		counts[r.Type].A++
	}
	for _, r := range b.Resources {
		if counts[r.Type] == nil {
			counts[r.Type] = &TypeCount{Type: r.Type}
		}
		counts[r.Type].B++
	}
	for _, c := range counts {
		if c.A != c.B {
			rep.Counts = append(rep.Counts, *c)
		}
	}
	sort.Slice(rep.Counts, func(i, j int) bool { return rep.Counts[i].Type < rep.Counts[j].Type })

	index := func(d *preview.Document) (map[string]*preview.Resource, []string) {
		m := map[string]*preview.Resource{}
		var keys []string
		for _, r := range d.Resources {
			k := r.Type + " " + normalize(r.Name, d.Stack, d.Project)
			m[k] = r
			keys = append(keys, k)
		}
		return m, keys
	}
	am, akeys := index(a)
	bm, bkeys := index(b)
	for _, k := range akeys {
		br := bm[k]
		if br == nil {
			rep.OnlyA = append(rep.OnlyA, k)
			continue
		}
		ar := am[k]
		ai := normalizeValue(ar.Inputs, a.Stack, a.Project)
		bi := normalizeValue(br.Inputs, b.Stack, b.Project)
		for _, p := range differingPaths("", ai, bi) {
			rep.Settings = append(rep.Settings, Setting{Type: ar.Type, Resource: normalize(ar.Name, a.Stack, a.Project),
				Path: p, A: show(lookup(ai, p)), B: show(lookup(bi, p))})
		}
	}
	for _, k := range bkeys {
		if am[k] == nil {
			rep.OnlyB = append(rep.OnlyB, k)
		}
	}
	return rep
}

func normalize(s, stack, project string) string {
	s = strings.ReplaceAll(s, project+"-"+stack, "<project>-<stack>")
	return strings.ReplaceAll(s, stack, "<stack>")
}

// normalizeValue replaces the stack name in every string of an input tree.
func normalizeValue(v any, stack, project string) map[string]any {
	var walk func(any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			return normalize(t, stack, project)
		case map[string]any:
			out := make(map[string]any, len(t))
			for k, e := range t {
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(t))
			for i, e := range t {
				out[i] = walk(e)
			}
			return out
		}
		return v
	}
	m, _ := walk(v).(map[string]any)
	return m
}

// WriteText prints the comparison for people.
func (r EnvReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Resource counts that differ (%s vs %s):\n", r.A, r.B)
	for _, c := range r.Counts {
		fmt.Fprintf(&b, "  %-60s %4d %4d\n", c.Type, c.A, c.B)
	}
	fmt.Fprintf(&b, "\nOnly in %s: %d\n", r.A, len(r.OnlyA))
	for _, k := range r.OnlyA {
		fmt.Fprintf(&b, "  %s\n", k)
	}
	fmt.Fprintf(&b, "\nOnly in %s: %d\n", r.B, len(r.OnlyB))
	for _, k := range r.OnlyB {
		fmt.Fprintf(&b, "  %s\n", k)
	}
	fmt.Fprintf(&b, "\nSettings that differ: %d\n", len(r.Settings))
	for _, s := range r.Settings {
		fmt.Fprintf(&b, "  %s %s %s: %s | %s\n", s.Type, s.Resource, s.Path, s.A, s.B)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
