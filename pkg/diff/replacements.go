package diff

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/flowmart/platform/pkg/preview"
)

// The inputs whose change makes a provider replace a resource (delete and create) instead of
// updating it in place, per resource type, as read from the providers' own sources at the pinned
// versions. Both files are byte-for-byte copies of shared/upstream (provenance, hashes and notes in
// upstream/PROVENANCE.md; TestUpstreamFactsInSync keeps them in sync): never edit them by hand.
//
// forcenew.json maps each type to its replace-forcing input paths (Pulumi names; `x[]` is a list
// element). forcenew-evidence.json gives, per type and path, the kind (forcenew or conditional),
// the semantics (below), the Terraform attribute and the evidence (repository, commit or tag,
// file:line).
//
//go:embed upstream/forcenew.json
var forceNewJSON []byte

//go:embed upstream/forcenew-evidence.json
var forceNewEvidenceJSON []byte

// Facts of the same format for types shared/upstream does not list yet, read by the project
// itself with the same kind of evidence (facts/README.md). They are merged with the upstream
// ones; a type in both is an error, so the project's copy goes once upstream lists the type.
//
//go:embed facts/forcenew.json
var projectForceNewJSON []byte

//go:embed facts/forcenew-evidence.json
var projectEvidenceJSON []byte

// How a replace-forcing path is decided (PROVENANCE.md, "How pkg/diff applies them").
const (
	// semAttr: any change of the value at the path, or below it, forces a replacement. In
	// `x[].y` the elements of x are paired by index.
	semAttr = "attr"
	// semBlockCount: the nested block at the path forces a replacement when it is added or
	// removed (its number of elements changes). What changes inside it is decided by the paths
	// listed below it, so a change of an unlisted field of the block is an update.
	semBlockCount = "block-count"
	// semSetAny: the path is a set (`x[]`): adding, removing or changing any element forces a
	// replacement; the order of the elements does not count. Paths below a set-any path are
	// decided by it (a changed element is a removed and an added one).
	semSetAny = "set-any"
	// semConditional: a change of the value forces a replacement when the condition recorded in
	// the evidence holds: see conditions.go.
	semConditional = "conditional"
)

// The kinds of a path in forcenew-evidence.json.
const (
	kindForceNew    = "forcenew"
	kindConditional = "conditional"
)

// typeEvidence is one type of forcenew-evidence.json.
type typeEvidence struct {
	Kind       string                  `json:"kind"`       // sdkv2, framework, ...; empty when not bridged from Terraform
	TFResource string                  `json:"tfResource"` // the Terraform resource, when bridged
	Paths      map[string]pathEvidence `json:"paths"`
}

// pathEvidence is one path of a type in forcenew-evidence.json.
type pathEvidence struct {
	Kind        string   `json:"kind"`
	Semantics   string   `json:"semantics"` // absent on the types not bridged from Terraform
	TF          string   `json:"tf"`
	Note        string   `json:"note"`
	SDKResolved bool     `json:"sdkResolved"`
	Evidence    []string `json:"evidence"`
}

// rule is one replace-forcing path of a type, ready to decide a change.
type rule struct {
	path      string
	semantics string
	evidence  string     // the last (newest) evidence line, for messages
	cond      *condition // the condition of a conditional path, or the refinement of a forcenew one
	underSet  bool       // below a set-any path of the same type, which decides it
}

// factTable is the parsed, cross-checked pair of files.
type factTable struct {
	rules    map[string][]rule // by type, in path order
	evidence map[string]typeEvidence
}

var loadFacts = sync.OnceValues(func() (*factTable, error) {
	forceNew, err := mergeFacts(forceNewJSON, projectForceNewJSON)
	if err != nil {
		return nil, fmt.Errorf("forcenew.json: %w", err)
	}
	evidence, err := mergeFacts(forceNewEvidenceJSON, projectEvidenceJSON)
	if err != nil {
		return nil, fmt.Errorf("forcenew-evidence.json: %w", err)
	}
	return parseFacts(forceNew, evidence, conditions)
})

// mergeFacts merges two JSON objects keyed by type; a type in both is an error.
func mergeFacts(upstream, project []byte) ([]byte, error) {
	var a, b map[string]json.RawMessage
	if err := json.Unmarshal(upstream, &a); err != nil {
		return nil, fmt.Errorf("upstream: %w", err)
	}
	if err := json.Unmarshal(project, &b); err != nil {
		return nil, fmt.Errorf("project facts: %w", err)
	}
	for typ, v := range b {
		if _, dup := a[typ]; dup {
			return nil, fmt.Errorf("%s is in both upstream and the project's facts: remove it from pkg/diff/facts", typ)
		}
		a[typ] = v
	}
	return json.Marshal(a)
}

// facts returns the embedded facts. They are checked by the tests of this package, so an error
// here means a build from files the tests did not pass.
func facts() *factTable {
	f, err := loadFacts()
	if err != nil {
		panic("pkg/diff: embedded replacement facts: " + err.Error())
	}
	return f
}

// hasRules reports whether the facts have an entry (possibly empty) for a resource type.
func hasRules(typ string) bool {
	_, ok := facts().rules[factType(typ)]
	return ok
}

// customResourceType is the facts' key that stands for any Kubernetes custom resource
// (shared/upstream/README.md): metadata.name and metadata.namespace replace.
const customResourceType = "kubernetes:apiextensions.k8s.io/v1:CustomResource"

// forceNewGroups are the API groups for which pulumi-kubernetes v4.32.0 replaces on more than the
// object's identity (provider/pkg/provider/diff.go, the forceNew table: apps, core, policy,
// rbac.authorization.k8s.io, storage.k8s.io, batch). For every other group, forceNewProperties
// gives only .metadata.name and .metadata.namespace.
var forceNewGroups = []string{"apps", "core", "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "batch"}

// factType is the key of typ's rules in the facts: typ itself when listed; for a Kubernetes type
// the facts do not list, the custom-resource key when pulumi-kubernetes v4.32.0 replaces it on its
// identity only, which is the case for a group outside forceNewGroups (a custom resource such as
// argoproj.io Application) and for every Patch resource (provider/pkg/provider/provider.go, Diff:
// "Patch resources can be updated in place for all other properties"; kinds.IsPatchResource is a
// kind's own type name with the suffix Patch).
func factType(typ string) string {
	if _, ok := facts().rules[typ]; ok {
		return typ
	}
	rest, ok := strings.CutPrefix(typ, "kubernetes:")
	if !ok {
		return typ
	}
	gv, kind, ok := strings.Cut(rest, ":")
	if !ok || strings.HasPrefix(gv, "helm.sh/") {
		return typ
	}
	group, _, _ := strings.Cut(gv, "/")
	if base, isPatch := strings.CutSuffix(kind, "Patch"); isPatch && base != "" {
		return customResourceType
	}
	if !slices.Contains(forceNewGroups, group) {
		return customResourceType
	}
	return typ
}

// parseFacts reads both files and checks them against each other and against the implemented
// conditions: every path has its evidence and the other way round, every kind and semantics is one
// pkg/diff knows, every conditional path has its condition and every condition a path.
func parseFacts(forceNew, evidence []byte, conds map[string]map[string]condition) (*factTable, error) {
	var paths map[string][]string
	dec := json.NewDecoder(bytes.NewReader(forceNew))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&paths); err != nil {
		return nil, fmt.Errorf("forcenew.json: %w", err)
	}
	var ev map[string]typeEvidence
	dec = json.NewDecoder(bytes.NewReader(evidence))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("forcenew-evidence.json: %w", err)
	}
	t := &factTable{rules: map[string][]rule{}, evidence: ev}
	for _, typ := range sortedKeys(paths) {
		te, ok := ev[typ]
		if !ok {
			return nil, fmt.Errorf("%s: in forcenew.json, not in forcenew-evidence.json", typ)
		}
		seen := map[string]bool{}
		rules := []rule{} // an empty entry is an entry: the type has no replace-forcing input
		for _, p := range paths[typ] {
			if seen[p] {
				return nil, fmt.Errorf("%s %s: listed twice in forcenew.json", typ, p)
			}
			seen[p] = true
			pe, ok := te.Paths[p]
			if !ok {
				return nil, fmt.Errorf("%s %s: in forcenew.json, no evidence in forcenew-evidence.json", typ, p)
			}
			sem, err := semanticsOf(te, pe)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", typ, p, err)
			}
			if len(pe.Evidence) == 0 {
				return nil, fmt.Errorf("%s %s: no evidence line", typ, p)
			}
			r := rule{path: p, semantics: sem, evidence: pe.Evidence[len(pe.Evidence)-1]}
			if c, ok := conds[typ][p]; ok {
				if sem != semConditional && !c.refines {
					return nil, fmt.Errorf("%s %s: a condition is implemented for a %s path (mark it refines, with its source)", typ, p, sem)
				}
				if sem == semConditional && c.refines {
					return nil, fmt.Errorf("%s %s: conditional in the evidence, its condition is not a refinement", typ, p)
				}
				r.cond = &c
			} else if sem == semConditional {
				return nil, fmt.Errorf("%s %s: conditional, and no condition is implemented in conditions.go", typ, p)
			}
			rules = append(rules, r)
		}
		for p := range te.Paths {
			if !seen[p] {
				return nil, fmt.Errorf("%s %s: evidence for a path forcenew.json does not list", typ, p)
			}
		}
		for i := range rules {
			for _, s := range rules {
				if s.semantics == semSetAny && s.path != rules[i].path && strings.HasPrefix(rules[i].path, s.path) {
					rules[i].underSet = true
				}
			}
		}
		sort.Slice(rules, func(i, j int) bool { return rules[i].path < rules[j].path })
		t.rules[typ] = rules
	}
	for typ := range ev {
		if _, ok := paths[typ]; !ok {
			return nil, fmt.Errorf("%s: in forcenew-evidence.json, not in forcenew.json", typ)
		}
	}
	for typ, byPath := range conds {
		for p := range byPath {
			if _, ok := ev[typ].Paths[p]; !ok {
				return nil, fmt.Errorf("%s %s: a condition is implemented for a path the facts do not list", typ, p)
			}
		}
	}
	return t, nil
}

// semanticsOf returns a path's semantics. The types not bridged from Terraform (no tfResource:
// Kubernetes, random, Cloudflare, the providers) record only the kind; a forcenew path of theirs
// is an attr, a conditional one a conditional.
func semanticsOf(te typeEvidence, pe pathEvidence) (string, error) {
	if pe.Kind != kindForceNew && pe.Kind != kindConditional {
		return "", fmt.Errorf("kind %q, want %s or %s", pe.Kind, kindForceNew, kindConditional)
	}
	sem := pe.Semantics
	if sem == "" {
		if te.TFResource != "" {
			return "", fmt.Errorf("no semantics on a type bridged from %s", te.TFResource)
		}
		sem = semAttr
		if pe.Kind == kindConditional {
			sem = semConditional
		}
	}
	switch sem {
	case semAttr, semBlockCount, semSetAny, semConditional:
	default:
		return "", fmt.Errorf("semantics %q, want %s, %s, %s or %s", sem, semAttr, semBlockCount, semSetAny, semConditional)
	}
	if (pe.Kind == kindConditional) != (sem == semConditional) {
		return "", fmt.Errorf("kind %s with semantics %s", pe.Kind, sem)
	}
	return sem, nil
}

// change is what a rule decides on: one resource's inputs in the baseline and now.
type change struct {
	old, new map[string]any
	// provider is the current inputs of the resource's provider, nil when the graph does not
	// have it (a default provider).
	provider map[string]any
}

// verdict is a rule's decision.
type verdict struct {
	forces bool
	// note is set when the decision is not certain (the condition cannot be decided offline and
	// the change is treated as a replacement): it says what would decide it.
	note string
}

// replacement decides whether a change at the differing input path p (a path as differingPaths
// reports it) forces the replacement of a resource of type typ. A type without facts is updated.
func replacement(typ, p string, c change) verdict {
	var out verdict
	if veto := vetoes[typ]; veto != nil && veto(c) {
		return out
	}
	for _, r := range facts().rules[factType(typ)] {
		if r.underSet || (!overlaps(r.path, p) && (r.cond == nil || !r.cond.anyChange)) {
			continue
		}
		if v := r.decide(c); v.forces && (!out.forces || out.note != "") {
			out = v // a certain verdict wins over a conservative one
		}
	}
	return out
}

// overlaps reports whether rule path r and the differing path p concern the same value: r is p or
// above it (a change below a replace-forcing attribute changes it), or r is below p (p is where
// the trees part, a whole list or block added, removed or changed).
func overlaps(r, p string) bool {
	if p == "" {
		return true
	}
	if !strings.Contains(r, "[]") && (p == r || strings.HasPrefix(p, r+".")) {
		return true
	}
	return strings.HasPrefix(r, p+".") || strings.HasPrefix(r, p+"[]")
}

// decide applies the rule's semantics to the old and new inputs.
func (r rule) decide(c change) verdict {
	var changed bool
	switch r.semantics {
	case semAttr, semConditional:
		changed = anyPair(c.old, c.new, r.path, func(a, b any) bool { return !reflect.DeepEqual(a, b) })
	case semBlockCount:
		changed = anyPair(c.old, c.new, strings.TrimSuffix(r.path, "[]"), func(a, b any) bool { return count(a) != count(b) })
	case semSetAny:
		changed = anyPair(c.old, c.new, strings.TrimSuffix(r.path, "[]"), func(a, b any) bool { return !sameElements(a, b) })
	}
	if r.cond != nil && r.cond.anyChange {
		changed = true // the rule applies to every change of the resource
	}
	if !changed {
		return verdict{}
	}
	if r.cond != nil {
		return r.cond.decide(c)
	}
	return verdict{forces: true}
}

// anyPair walks the rule path in both input trees at once and reports whether leaf holds for
// any pair of values it reaches; list elements (`[]`) are paired by index, a missing element or
// key is nil. Unknown values are never a change: they are only known at deploy time.
func anyPair(a, b any, rest string, leaf func(a, b any) bool) bool {
	if isUnknown(a) || isUnknown(b) {
		return false
	}
	if rest == "" {
		return leaf(a, b)
	}
	key, elem, tail := nextStep(rest, a, b)
	if elem {
		la, lb := asList(a), asList(b)
		for i := range max(len(la), len(lb)) {
			if anyPair(index(la, i), index(lb, i), tail, leaf) {
				return true
			}
		}
		return false
	}
	return anyPair(field(a, key), field(b, key), tail, leaf)
}

// valueAt returns the value at a path without list steps, or nil.
func valueAt(v any, path string) any {
	for path != "" {
		key, elem, tail := nextStep(path, v)
		if elem {
			return nil
		}
		v, path = field(v, key), tail
	}
	return v
}

// nextStep splits the first step off a rule path: a list element (`[]`) or a key. Keys are matched
// against the keys of the maps at hand, longest first, because a key may itself hold dots (the
// Kubernetes annotation `pulumi.com/replaceUnready`).
func nextStep(rest string, vals ...any) (key string, elem bool, tail string) {
	if strings.HasPrefix(rest, "[]") {
		return "", true, strings.TrimPrefix(rest[2:], ".")
	}
	for _, v := range vals {
		m, _ := v.(map[string]any)
		for k := range m {
			if len(k) > len(key) && (rest == k || strings.HasPrefix(rest, k+".") || strings.HasPrefix(rest, k+"[]")) {
				key = k
			}
		}
	}
	if key == "" {
		key = rest
		if i := strings.IndexAny(rest, ".["); i >= 0 {
			key = rest[:i]
		}
	}
	return key, false, strings.TrimPrefix(rest[len(key):], ".")
}

func field(v any, key string) any {
	m, _ := v.(map[string]any)
	return m[key]
}

func index(l []any, i int) any {
	if i < len(l) {
		return l[i]
	}
	return nil
}

// asList reads a value where a list is expected: nil is empty, a lone value one element.
func asList(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	default:
		return []any{t}
	}
}

// count is the number of elements of a nested block: a MaxItems=1 block is an object in Pulumi
// inputs (one element), a repeated block a list.
func count(v any) int { return len(asList(v)) }

// sameElements compares two sets: the same elements, in any order.
func sameElements(a, b any) bool {
	key := func(v any) []string {
		var out []string
		for _, e := range asList(v) {
			j, err := json.Marshal(e) // map keys sorted: a canonical form
			if err != nil {
				j = []byte(fmt.Sprint(e))
			}
			out = append(out, string(j))
		}
		sort.Strings(out)
		return out
	}
	ka, kb := key(a), key(b)
	return len(ka) == len(kb) && (len(ka) == 0 || reflect.DeepEqual(ka, kb))
}

func isUnknown(v any) bool {
	s, ok := v.(string)
	return ok && s == preview.Unknown
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
