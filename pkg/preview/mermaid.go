package preview

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteMermaid draws the environment as a Mermaid flowchart: one box per component (its type and
// name) listing how many resources of each type it holds, and an arrow from a component to every
// component it waits for. A document of several layers (RunLayers) draws each layer as a subgraph,
// and a StackReference's box has an arrow to the layer it reads. Generated from the graph, so the
// diagram in the README never drifts.
func (d *Document) WriteMermaid(w io.Writer) error {
	byURN := map[string]*Resource{}
	for _, r := range d.Resources {
		byURN[r.URN] = r
	}
	// owner is the top-level component (child of the stack) a resource belongs to.
	owner := func(r *Resource) *Resource {
		for r != nil {
			p := byURN[r.Parent]
			if p == nil || p.Type == "pulumi:pulumi:Stack" {
				return r
			}
			r = p
		}
		return nil
	}
	type box struct {
		r      *Resource
		counts map[string]int
		deps   map[string]bool
		layers map[string]bool // layers waited for as a whole (a StackReference's stack)
	}
	boxes := map[string]*box{}
	var order []string
	for _, r := range d.Resources {
		if r.Type == "pulumi:pulumi:Stack" || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		o := owner(r)
		if o == nil {
			continue
		}
		b := boxes[o.URN]
		if b == nil {
			b = &box{r: o, counts: map[string]int{}, deps: map[string]bool{}, layers: map[string]bool{}}
			boxes[o.URN] = b
			order = append(order, o.URN)
		}
		if r.Custom {
			b.counts[r.Type]++
		}
		for _, dep := range r.Dependencies {
			if dr := byURN[dep]; dr != nil && dr.Type == "pulumi:pulumi:Stack" && dr.Layer != "" && dr.Layer != r.Layer {
				b.layers[dr.Layer] = true
				continue
			}
			if dr := byURN[dep]; dr != nil {
				if do := owner(dr); do != nil && do.URN != o.URN && !strings.HasPrefix(do.Type, "pulumi:providers:") {
					b.deps[do.URN] = true
				}
			}
		}
	}
	id := map[string]string{}
	for i, u := range order {
		id[u] = fmt.Sprintf("c%d", i)
	}
	layerID := map[string]string{}
	for i, l := range d.Layers {
		layerID[l.Name] = fmt.Sprintf("layer%d", i)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "flowchart LR\n")
	writeBox := func(indent, u string) {
		b := boxes[u]
		types := make([]string, 0, len(b.counts))
		for t := range b.counts {
			types = append(types, t)
		}
		sort.Strings(types)
		var lines []string
		for _, t := range types {
			lines = append(lines, fmt.Sprintf("%d × %s", b.counts[t], shortType(t)))
		}
		label := fmt.Sprintf("<b>%s</b><br/>%s", shortType(b.r.Type)+" "+b.r.Name, strings.Join(lines, "<br/>"))
		fmt.Fprintf(&sb, "%s%s[\"%s\"]\n", indent, id[u], strings.ReplaceAll(label, `"`, "'"))
	}
	drawn := map[string]bool{}
	for _, l := range d.Layers {
		fmt.Fprintf(&sb, "  subgraph %s[\"%s layer: %s\"]\n", layerID[l.Name], l.Name, l.Project)
		for _, u := range order {
			if boxes[u].r.Layer == l.Name {
				writeBox("    ", u)
				drawn[u] = true
			}
		}
		fmt.Fprintf(&sb, "  end\n")
	}
	for _, u := range order {
		if !drawn[u] {
			writeBox("  ", u)
		}
	}
	for _, u := range order {
		deps := make([]string, 0, len(boxes[u].deps))
		for dep := range boxes[u].deps {
			deps = append(deps, dep)
		}
		sort.Slice(deps, func(i, j int) bool { return id[deps[i]] < id[deps[j]] })
		for _, dep := range deps {
			fmt.Fprintf(&sb, "  %s --> %s\n", id[u], id[dep])
		}
		layers := make([]string, 0, len(boxes[u].layers))
		for l := range boxes[u].layers {
			if layerID[l] != "" {
				layers = append(layers, layerID[l])
			}
		}
		sort.Strings(layers)
		for _, l := range layers {
			fmt.Fprintf(&sb, "  %s --> %s\n", id[u], l)
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// shortType turns "aws:ec2/natGateway:NatGateway" into "ec2 NatGateway".
func shortType(t string) string {
	parts := strings.Split(t, ":")
	if len(parts) != 3 {
		return t
	}
	module := strings.Split(parts[1], "/")[0]
	if module == "index" {
		module = parts[0]
	}
	return module + " " + parts[2]
}
