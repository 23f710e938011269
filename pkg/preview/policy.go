package preview

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/flowmart/platform/pkg/policy"
)

// Violation is one policy finding in the document (see pkg/policy).
type Violation = policy.Violation

// policySummary records what EvaluatePolicy ran, for WritePolicySummary.
type policySummary struct {
	rules   int
	env     string
	waivers []policy.Waiver
}

// PolicyResources converts the document's resources to the rules' view, in registration order.
func (d *Document) PolicyResources() []policy.Resource {
	out := make([]policy.Resource, 0, len(d.Resources))
	for _, r := range d.Resources {
		out = append(out, policy.Resource{
			URN:           r.URN,
			Type:          r.Type,
			Name:          r.Name,
			Inputs:        r.Inputs,
			Protect:       r.Protect,
			IgnoreChanges: r.IgnoreChanges,
			Parent:        r.Parent,
			Dependencies:  r.Dependencies,
		})
	}
	return out
}

// EvaluatePolicy runs every rule of pkg/policy over the document and fills Violations (an empty
// list when nothing is found). Waived violations stay in the list, marked with their reason.
func (d *Document) EvaluatePolicy(ctx policy.Context) {
	d.Violations = policy.Evaluate(ctx, d.PolicyResources())
	d.policy = &policySummary{rules: len(policy.Rules), env: ctx.Environment, waivers: ctx.Waivers}
}

// BlockingViolations counts the mandatory violations no waiver covers: each stops a deploy.
func (d *Document) BlockingViolations() int { return policy.Blocking(d.Violations) }

// WritePolicySummary prints the policy section that ends the tree: rules evaluated, violations by
// enforcement, waivers with their reasons, then one line per violation. It prints nothing when
// EvaluatePolicy has not run.
func (d *Document) WritePolicySummary(w io.Writer) error {
	if d.policy == nil {
		return nil
	}
	count := map[string]int{}
	for _, v := range d.Violations {
		switch {
		case v.Waived:
			count["waived"]++
		default:
			count[string(v.Enforcement)]++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nPolicies: %d rules evaluated (environment %s)\n", d.policy.rules, d.policy.env)
	fmt.Fprintf(&b, "  %4d  mandatory violations\n", count[string(policy.Mandatory)])
	fmt.Fprintf(&b, "  %4d  advisory violations\n", count[string(policy.Advisory)])
	fmt.Fprintf(&b, "  %4d  waived\n", count["waived"])
	if len(d.policy.waivers) > 0 {
		fmt.Fprintf(&b, "Waivers:\n")
		ws := append([]policy.Waiver(nil), d.policy.waivers...)
		sort.SliceStable(ws, func(i, j int) bool {
			if ws[i].Policy != ws[j].Policy {
				return ws[i].Policy < ws[j].Policy
			}
			return ws[i].Resource < ws[j].Resource
		})
		for _, wv := range ws {
			used := ""
			if !d.waiverUsed(wv) {
				used = " (matches no violation)"
			}
			fmt.Fprintf(&b, "  %s  %s: %s%s\n", wv.Policy, wv.Resource, wv.Reason, used)
		}
	}
	if len(d.Violations) > 0 {
		fmt.Fprintf(&b, "Violations:\n")
		for _, v := range d.Violations {
			level := string(v.Enforcement)
			if v.Waived {
				level = "waived"
			}
			fmt.Fprintf(&b, "  %-9s  %s  %s: %s\n", level, v.Policy, v.Resource, v.Message)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (d *Document) waiverUsed(w policy.Waiver) bool {
	for _, v := range d.Violations {
		if v.Waived && w.Matches(v.Policy, v.URN, v.Resource) {
			return true
		}
	}
	return false
}
