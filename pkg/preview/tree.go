package preview

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// JSON renders the document: two-space indented, keys sorted, byte-identical from run to run.
func (d *Document) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteTree prints the graph like `pulumi preview`: indented by parent, type and name, then a count
// of resources per type.
func (d *Document) WriteTree(w io.Writer) error {
	children := map[string][]*Resource{}
	known := map[string]bool{}
	for _, r := range d.Resources {
		known[r.URN] = true
	}
	var roots []*Resource
	for _, r := range d.Resources {
		if r.Parent == "" || !known[r.Parent] {
			roots = append(roots, r)
			continue
		}
		children[r.Parent] = append(children[r.Parent], r)
	}
	type line struct{ typ, name string }
	var lines []line
	var walk func(r *Resource, prefix, branch string, last bool)
	walk = func(r *Resource, prefix, branch string, last bool) {
		lines = append(lines, line{prefix + branch + r.Type, r.Name})
		kids := children[r.URN]
		next := prefix
		if branch != "" {
			if last {
				next += "   "
			} else {
				next += "│  "
			}
		}
		for i, c := range kids {
			b := "├─ "
			if i == len(kids)-1 {
				b = "└─ "
			}
			walk(c, next, b, i == len(kids)-1)
		}
	}
	for _, r := range roots {
		walk(r, "", "", true)
	}
	width := len("Type")
	for _, l := range lines {
		if n := len([]rune(l.typ)); n > width {
			width = n
		}
	}
	var b strings.Builder
	projects := "project " + d.Project
	if len(d.Layers) > 1 {
		names := make([]string, 0, len(d.Layers))
		for _, l := range d.Layers {
			names = append(names, l.Project)
		}
		projects = "projects " + strings.Join(names, " then ")
	}
	fmt.Fprintf(&b, "Previewing stack %s of %s (offline, no cloud credentials)\n\n", d.Stack, projects)
	fmt.Fprintf(&b, "     %-*s  %s\n", width, "Type", "Name")
	for _, l := range lines {
		fmt.Fprintf(&b, " +   %s%s  %s\n", l.typ, strings.Repeat(" ", width-len([]rune(l.typ))), l.name)
	}

	counts := map[string]int{}
	for _, r := range d.Resources {
		counts[r.Type]++
	}
	types := make([]string, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Strings(types)
	if len(d.Layers) > 0 {
		fmt.Fprintf(&b, "\nLayers, deployed in this order (one Pulumi project each):\n")
		for _, l := range d.Layers {
			reads := ""
			if len(l.References) > 0 {
				reads = ", reads " + strings.Join(l.References, ", ")
			}
			fmt.Fprintf(&b, "  %-18s %-28s %4d resources%s\n", l.Name, l.Project, l.Resources, reads)
		}
	}
	fmt.Fprintf(&b, "\nResources: %d to create\n", len(d.Resources))
	for _, t := range types {
		fmt.Fprintf(&b, "  %4d  %s\n", counts[t], t)
	}
	if len(d.Outputs) > 0 {
		names := make([]string, 0, len(d.Outputs))
		for k := range d.Outputs {
			names = append(names, k)
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "\nOutputs:\n")
		for _, k := range names {
			v, _ := json.Marshal(d.Outputs[k])
			fmt.Fprintf(&b, "  %s: %s\n", k, v)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
