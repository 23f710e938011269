// Package policy holds the platform's security and safety rules as pure functions over resource
// inputs. Checkov, trivy and KICS cannot scan a Pulumi program, so their rules are re-implemented
// here once and used three ways: by the offline preview (pkg/preview), by the tests, and by the
// Pulumi policy pack in policy/ on real deploys.
//
// Inputs arrive as plain JSON-like values (map[string]any, []any, string, float64, int, bool).
// A value that is not known yet during a preview is the string "[unknown]" and a secret is
// "[secret]": a rule treats an unknown value as "cannot tell yet" and passes, and never fails on a
// missing key.
package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Placeholders for values a rule cannot see.
const (
	Unknown = "[unknown]"
	Secret  = "[secret]"
)

// Enforcement is what a violation does to a deploy.
type Enforcement string

const (
	// Mandatory violations stop a deploy (`platform preview` exits 3).
	Mandatory Enforcement = "mandatory"
	// Advisory violations are reported and do not stop anything.
	Advisory Enforcement = "advisory"
)

// Environments a Context may name.
const (
	Dev        = "dev"
	Staging    = "staging"
	Production = "production"
)

// Resource is one resource as a rule sees it: its type, name, inputs and options.
type Resource struct {
	URN           string
	Type          string
	Name          string
	Inputs        map[string]any
	Protect       bool
	IgnoreChanges []string
	Parent        string   // URN of the parent, empty for the stack
	Dependencies  []string // URNs this resource depends on
}

// Context is what a rule knows about the stack beyond its resources.
type Context struct {
	Environment string // dev, staging or production
	Waivers     []Waiver
}

// Production reports whether the stack is a production environment.
func (c Context) Production() bool { return c.Environment == Production }

// Waiver exempts one resource from one rule, for a written reason. It is shown in every report.
type Waiver struct {
	Policy   string `json:"policy"`   // a rule id, e.g. FM-EC2-003
	Resource string `json:"resource"` // the resource name, or its URN
	Reason   string `json:"reason"`   // why the exemption is acceptable
}

// Matches reports whether the waiver covers a resource.
func (w Waiver) Matches(policy, urn, name string) bool {
	return w.Policy == policy && (w.Resource == urn || w.Resource == name)
}

// Rule is one check.
type Rule struct {
	ID          string      // FM-<AREA>-<NNN>, stable: waivers and reports name it
	Description string      // one line
	Enforcement Enforcement // mandatory or advisory
	Mirrors     []string    // the checkov, trivy and AWS FSBP ids it re-implements
	Types       []string    // type tokens it applies to; empty applies to every resource
	// Check returns one message per problem found on r; all is the whole stack, for rules that
	// need the graph (a VPC's flow log, a repository's lifecycle policy).
	Check func(ctx Context, r Resource, all []Resource) []string
}

// AppliesTo reports whether the rule checks resources of a type.
func (r Rule) AppliesTo(typ string) bool {
	if len(r.Types) == 0 {
		return true
	}
	for _, t := range r.Types {
		if t == typ {
			return true
		}
	}
	return false
}

// Violation is one problem found on one resource.
type Violation struct {
	Policy       string      `json:"policy"`
	URN          string      `json:"urn"`
	Resource     string      `json:"resource"`
	Message      string      `json:"message"`
	Enforcement  Enforcement `json:"enforcement"`
	Waived       bool        `json:"waived"`
	WaiverReason string      `json:"waiverReason,omitempty"`
}

// Blocking reports whether the violation stops a deploy: mandatory and not waived.
func (v Violation) Blocking() bool { return v.Enforcement == Mandatory && !v.Waived }

// Rules is every rule, in id order. Each area keeps its rules in its own file.
var Rules = sortedRules(networkRules, eksRules, computeRules, ecrRules, kmsRules, logsRules,
	iamRules, helmRules, acmRules, cloudflareRules, secretsRules, protectionRules, dnsRules, dataRules)

func sortedRules(lists ...[]Rule) []Rule {
	var out []Rule
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the rule with an id.
func Lookup(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// IDs returns every rule id, sorted.
func IDs() []string {
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	return ids
}

// Evaluate runs every rule over every resource it applies to and returns the violations, waived
// ones included and marked, sorted by rule id, then resource URN, then message.
func Evaluate(ctx Context, resources []Resource) []Violation {
	return EvaluateRules(Rules, ctx, resources)
}

// EvaluateRules is Evaluate with a chosen set of rules (the policy pack runs one at a time).
func EvaluateRules(rules []Rule, ctx Context, resources []Resource) []Violation {
	out := []Violation{}
	for _, rule := range rules {
		for _, r := range resources {
			if !rule.AppliesTo(r.Type) {
				continue
			}
			for _, msg := range rule.Check(ctx, r, resources) {
				v := Violation{Policy: rule.ID, URN: r.URN, Resource: r.Name, Message: msg, Enforcement: rule.Enforcement}
				for _, w := range ctx.Waivers {
					if w.Matches(rule.ID, r.URN, r.Name) {
						v.Waived, v.WaiverReason = true, w.Reason
						break
					}
				}
				out = append(out, v)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Policy != b.Policy {
			return a.Policy < b.Policy
		}
		if a.URN != b.URN {
			return a.URN < b.URN
		}
		return a.Message < b.Message
	})
	return out
}

// Blocking counts the violations that stop a deploy.
func Blocking(vs []Violation) int {
	n := 0
	for _, v := range vs {
		if v.Blocking() {
			n++
		}
	}
	return n
}

// WaiverError is a malformed waiver: Key names the entry and field, e.g. policyWaivers[1].reason.
type WaiverError struct {
	Key string
	Msg string
}

func (e *WaiverError) Error() string { return e.Key + ": " + e.Msg }

// ValidateWaivers checks waivers as they come from stack config; key is the config key, e.g.
// "policyWaivers". The error is a *WaiverError naming the entry and field.
func ValidateWaivers(key string, ws []Waiver) error {
	seen := map[string]int{}
	for i, w := range ws {
		at := fmt.Sprintf("%s[%d]", key, i)
		fail := func(field, format string, args ...any) error {
			return &WaiverError{Key: at + field, Msg: fmt.Sprintf(format, args...)}
		}
		if strings.TrimSpace(w.Policy) == "" {
			return fail(".policy", "is empty (a rule id such as FM-EC2-003)")
		}
		if _, ok := Lookup(w.Policy); !ok {
			return fail(".policy", "%q is not a rule id (known: %s)", w.Policy, strings.Join(IDs(), ", "))
		}
		if strings.TrimSpace(w.Resource) == "" {
			return fail(".resource", "is empty (the resource name or URN the waiver exempts)")
		}
		if strings.TrimSpace(w.Reason) == "" {
			return fail(".reason", "is empty (every waiver says why the exemption is acceptable)")
		}
		id := w.Policy + " " + w.Resource
		if j, dup := seen[id]; dup {
			return fail("", "waives %s on %q again (also at %s[%d])", w.Policy, w.Resource, key, j)
		}
		seen[id] = i
	}
	return nil
}
