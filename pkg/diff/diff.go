// Package diff is the replacement guard: it compares the graph a program builds today with a
// reviewed baseline (a golden preview) and lists what would be created, deleted, renamed (URN
// changed without an alias) or replaced (an input that forces replacement changed), flagging the
// changes that would destroy a protected or stateful resource. It also compares two environments.
package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/flowmart/platform/pkg/preview"
)

// Kind of change.
type Kind string

// The kinds of change.
const (
	Create  Kind = "create"
	Delete  Kind = "delete"
	Rename  Kind = "rename"  // URN changed without an alias: Pulumi deletes the old and creates a new one
	Replace Kind = "replace" // an input that forces replacement changed
	Update  Kind = "update"  // inputs changed in place
)

// Change is one resource that differs from the baseline.
type Change struct {
	Kind   Kind     `json:"kind"`
	URN    string   `json:"urn"`
	OldURN string   `json:"oldUrn,omitempty"`
	Type   string   `json:"type"`
	Name   string   `json:"name"`
	Inputs []string `json:"inputs,omitempty"` // the inputs that changed, with old and new values
	// Blocking is set when the change deletes or replaces a protected or stateful resource.
	Blocking bool   `json:"blocking"`
	Why      string `json:"why,omitempty"`
}

// Report is the outcome of a comparison.
type Report struct {
	Changes  []Change `json:"changes"`
	Blocking int      `json:"blocking"`
}

// Compare lists the changes from baseline to current. stateful says whether a type holds data
// that a replacement would lose; protected resources (protect in the baseline) always count.
// Whether a change replaces a resource comes from the providers' facts (replacements.go); a
// replaced provider resource replaces every resource under it.
func Compare(baseline, current *preview.Document, stateful func(typ string) bool) Report {
	old := map[string]*preview.Resource{}
	for _, r := range baseline.Resources {
		old[r.URN] = r
	}
	cur := map[string]*preview.Resource{}
	for _, r := range current.Resources {
		cur[r.URN] = r
	}
	matched := map[string]bool{}             // baseline URNs accounted for
	prevOf := map[string]*preview.Resource{} // current URN -> its baseline resource
	var changes []Change
	var created []*preview.Resource
	for _, r := range current.Resources {
		prev := old[r.URN]
		if prev == nil {
			for _, a := range r.Aliases {
				if o := old[a]; o != nil && !matched[a] {
					prev = o
					break
				}
			}
		}
		if prev == nil {
			created = append(created, r)
			continue
		}
		matched[prev.URN] = true
		prevOf[r.URN] = prev
		var provider map[string]any
		if p := cur[providerURN(r.Provider)]; p != nil {
			provider = p.Inputs
		}
		if c, ok := compareInputs(prev, r, provider); ok {
			changes = append(changes, c)
		}
	}
	var deleted []*preview.Resource
	for _, r := range baseline.Resources {
		if !matched[r.URN] {
			deleted = append(deleted, r)
		}
	}
	// A deleted and a created resource of the same type with the same inputs (tags aside) is a
	// rename without an alias: the engine will replace it.
	renamedTo := map[*preview.Resource]bool{}
	for _, d := range deleted {
		var to *preview.Resource
		for _, c := range created {
			if !renamedTo[c] && c.Type == d.Type && sameIgnoringTags(d.Inputs, c.Inputs) {
				to = c
				break
			}
		}
		if to != nil {
			renamedTo[to] = true
			changes = append(changes, Change{Kind: Rename, URN: to.URN, OldURN: d.URN, Type: d.Type, Name: to.Name,
				Why: "URN changed without an alias (add pulumi.Aliases to keep the resource)"})
			continue
		}
		changes = append(changes, Change{Kind: Delete, URN: d.URN, Type: d.Type, Name: d.Name})
	}
	for _, c := range created {
		if !renamedTo[c] {
			changes = append(changes, Change{Kind: Create, URN: c.URN, Type: c.Type, Name: c.Name})
		}
	}
	changes = cascadeProviders(changes, current, prevOf)
	rep := Report{Changes: []Change{}}
	for _, c := range changes {
		if c.Kind == Delete || c.Kind == Replace || c.Kind == Rename {
			o := old[firstNonEmpty(c.OldURN, c.URN)]
			if blocked, why := Blocks(o != nil && o.Protect, c.Type, stateful); blocked {
				c.Blocking, c.Why = true, join(c.Why, why)
			}
		}
		if c.Blocking {
			rep.Blocking++
		}
		rep.Changes = append(rep.Changes, c)
	}
	order := map[Kind]int{Delete: 0, Replace: 1, Rename: 2, Update: 3, Create: 4}
	sort.SliceStable(rep.Changes, func(i, j int) bool {
		a, b := rep.Changes[i], rep.Changes[j]
		if a.Blocking != b.Blocking {
			return a.Blocking
		}
		return order[a.Kind] < order[b.Kind]
	})
	return rep
}

// Blocks is the one rule of the replacement guards (`platform diff` on the offline graph,
// `platform guard` on the engine's preview): deleting or replacing a resource is blocked when it
// is protected, or when stateful says its type holds state a replacement would lose. why says
// which, for the report.
func Blocks(protected bool, typ string, stateful func(typ string) bool) (blocked bool, why string) {
	switch {
	case protected:
		return true, "the resource is protected"
	case stateful != nil && stateful(typ):
		return true, "the resource holds state that would be lost"
	}
	return false, ""
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// compareInputs returns a replace or update change when the inputs differ. provider is the
// current inputs of the resource's provider (nil when the graph does not have it): some rules
// depend on the provider's configuration.
func compareInputs(prev, cur *preview.Resource, provider map[string]any) (Change, bool) {
	diffs := differingPaths("", prev.Inputs, cur.Inputs)
	if len(diffs) == 0 {
		return Change{}, false
	}
	c := Change{Kind: Update, URN: cur.URN, Type: cur.Type, Name: cur.Name}
	if prev.URN != cur.URN {
		c.OldURN = prev.URN
	}
	in := change{old: prev.Inputs, new: cur.Inputs, provider: provider}
	for _, p := range diffs {
		if ignored(p, cur.IgnoreChanges) {
			continue
		}
		line := fmt.Sprintf("%s: %s -> %s", p, show(lookup(prev.Inputs, p)), show(lookup(cur.Inputs, p)))
		if v := replacement(cur.Type, p, in); v.forces {
			c.Kind = Replace
			if v.note != "" {
				line += " (forces replacement; " + v.note + ")"
			} else {
				line += " (forces replacement)"
			}
		}
		c.Inputs = append(c.Inputs, line)
	}
	if len(c.Inputs) == 0 {
		return Change{}, false
	}
	return c, true
}

// cascadeProviders replaces every resource under a replaced provider resource (a new region for
// the aws provider, another cluster for a kubernetes provider): the engine replaces them with it.
// A resource created or renamed is left as it is.
func cascadeProviders(changes []Change, current *preview.Document, prevOf map[string]*preview.Resource) []Change {
	replaced := map[string]Change{} // provider URN -> its change
	for _, c := range changes {
		if c.Kind == Replace && strings.HasPrefix(c.Type, "pulumi:providers:") {
			replaced[c.URN] = c
		}
	}
	if len(replaced) == 0 {
		return changes
	}
	at := map[string]int{}
	for i, c := range changes {
		at[c.URN] = i
	}
	for _, r := range current.Resources {
		p, ok := replaced[providerURN(r.Provider)]
		if r.Provider == "" || !ok {
			continue
		}
		why := fmt.Sprintf("replaced with its provider %s %s", p.Type, p.Name)
		if i, ok := at[r.URN]; ok {
			if changes[i].Kind == Update || changes[i].Kind == Replace {
				changes[i].Kind = Replace
				changes[i].Why = join(changes[i].Why, why)
			}
			continue
		}
		prev := prevOf[r.URN]
		if prev == nil {
			continue // created
		}
		c := Change{Kind: Replace, URN: r.URN, Type: r.Type, Name: r.Name, Why: why}
		if prev.URN != r.URN {
			c.OldURN = prev.URN
		}
		changes = append(changes, c)
	}
	return changes
}

// providerURN is the URN part of a provider reference ("<urn>::<id>").
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 && strings.Count(ref, "::") > 3 {
		return ref[:i]
	}
	return ref
}

func ignored(path string, ignore []string) bool {
	for _, p := range ignore {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}

// differingPaths lists the leaf paths where two input trees differ. Unknown values are never a
// difference: they are only known at deploy time.
func differingPaths(prefix string, a, b any) []string {
	if a == preview.Unknown || b == preview.Unknown {
		return nil
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		var out []string
		for _, k := range sorted {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, differingPaths(p, am[k], bm[k])...)
		}
		return out
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return []string{prefix}
}

func lookup(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func show(v any) string {
	if v == nil {
		return "(none)"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	b := bytes.TrimSpace(buf.Bytes())
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

func sameIgnoringTags(a, b map[string]any) bool {
	strip := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			if k != "tags" && k != "tagsAll" {
				out[k] = v
			}
		}
		return out
	}
	return len(differingPaths("", strip(a), strip(b))) == 0
}

// WriteText prints a report for people.
func (r Report) WriteText(w io.Writer, baseline, current string) error {
	var b strings.Builder
	counts := map[Kind]int{}
	for _, c := range r.Changes {
		counts[c.Kind]++
	}
	fmt.Fprintf(&b, "Changes from %s to %s: %d to create, %d to update, %d to replace, %d renamed without alias, %d to delete\n",
		baseline, current, counts[Create], counts[Update], counts[Replace], counts[Rename], counts[Delete])
	for _, c := range r.Changes {
		mark := map[Kind]string{Create: "+", Delete: "-", Rename: "+-", Replace: "+-", Update: "~"}[c.Kind]
		flag := ""
		switch {
		case c.Blocking:
			flag = "  BLOCKED: " + c.Why
		case c.Why != "":
			flag = "  (" + c.Why + ")"
		}
		fmt.Fprintf(&b, "  %-2s %-8s %s %s%s\n", mark, c.Kind, c.Type, c.Name, flag)
		if c.OldURN != "" {
			fmt.Fprintf(&b, "       was %s\n", c.OldURN)
		}
		for _, in := range c.Inputs {
			fmt.Fprintf(&b, "       %s\n", in)
		}
	}
	if r.Blocking > 0 {
		fmt.Fprintf(&b, "%d change(s) would delete or replace a protected or stateful resource\n", r.Blocking)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
