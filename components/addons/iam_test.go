package addons

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// upstreamPolicy is testdata/lbc-iam-policy-v3.5.0.json: facts from the controller's policy.
type upstreamPolicy struct {
	Provenance map[string]string   `json:"provenance"`
	Statements []upstreamStatement `json:"statements"`
	Omitted    map[string]string   `json:"omitted"`
}

type upstreamStatement struct {
	Index     int            `json:"index"`
	Actions   []string       `json:"actions"`
	Resources []string       `json:"resources"`
	Condition map[string]any `json:"condition"`
}

func loadUpstreamPolicy(t *testing.T) upstreamPolicy {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "lbc-iam-policy-v3.5.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	var u upstreamPolicy
	if err := json.Unmarshal(b, &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// glob reports whether pattern (with * wildcards, as in IAM resources) covers s.
func glob(pattern, s string) bool {
	if pattern == "*" || pattern == s {
		return true
	}
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return false
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

// within reports whether every resource of ours is covered by one of upstream's.
func within(ours, upstream []string) bool {
	for _, r := range ours {
		if !slices.ContainsFunc(upstream, func(u string) bool { return glob(u, r) }) {
			return false
		}
	}
	return true
}

// atLeastAsStrict reports whether ours has every condition of upstream, with the same values
// (extra conditions narrow the grant further).
func atLeastAsStrict(ours, upstream map[string]any) bool {
	norm := func(v any) any {
		var out any
		b, _ := json.Marshal(v)
		_ = json.Unmarshal(b, &out)
		return out
	}
	om, _ := norm(ours).(map[string]any)
	um, _ := norm(upstream).(map[string]any)
	for op, keys := range um {
		ok, _ := om[op].(map[string]any)
		for k, v := range keys.(map[string]any) {
			if !reflect.DeepEqual(ok[k], v) {
				return false
			}
		}
	}
	return true
}

// The load balancer controller's policy against the facts of the upstream policy at the app
// version of the newest chart: every upstream action the platform uses is granted under at least
// the upstream conditions on at most the upstream resources, and nothing else is.
func TestLoadBalancerControllerPolicyMatchesUpstream(t *testing.T) {
	u := loadUpstreamPolicy(t)
	if !strings.Contains(u.Provenance["policy"], "v3.5.0") || !strings.Contains(u.Provenance["chart"], "appVersion v3.5.0") ||
		!strings.Contains(lbcPolicySource, "v3.5.0") || len(u.Statements) != 16 {
		t.Fatalf("facts and source disagree: %v, %q, %d statements", u.Provenance, lbcPolicySource, len(u.Statements))
	}
	ours := loadBalancerControllerPolicy("vpc-0a1b2c3d4e5f60718")
	// Every upstream action the platform uses is granted, no more loosely than upstream.
	for _, us := range u.Statements {
		for _, a := range us.Actions {
			if _, left := u.Omitted[a]; left {
				continue
			}
			found := slices.ContainsFunc(ours.Statement, func(s iampolicy.Statement) bool {
				return slices.Contains(s.Action, a) && within(s.Resource, us.Resources) && atLeastAsStrict(s.Condition, us.Condition)
			})
			if !found {
				t.Errorf("upstream statement %d: %s is not granted (on %v under %v)", us.Index, a, us.Resources, us.Condition)
			}
		}
	}
	// Nothing is granted that upstream does not grant, or more loosely.
	for _, s := range ours.Statement {
		for _, a := range s.Action {
			if reason, left := u.Omitted[a]; left {
				t.Errorf("%s grants %s, which the platform leaves out (%s)", s.Sid, a, reason)
				continue
			}
			found := slices.ContainsFunc(u.Statements, func(us upstreamStatement) bool {
				return slices.Contains(us.Actions, a) && within(s.Resource, us.Resources) && atLeastAsStrict(s.Condition, us.Condition)
			})
			if !found {
				t.Errorf("%s grants %s on %v under %v: no upstream statement grants that", s.Sid, a, s.Resource, s.Condition)
			}
		}
	}
	if p := iampolicy.Lint(ours); len(p) != 0 {
		t.Errorf("conditions that cannot match: %v", p)
	}
}

// The two measured faults: security group rules in the VPC compared a pattern under StringEquals
// (never matches), and listeners could not be tagged at creation (CreateListener denied).
func TestLoadBalancerControllerPolicyFaults(t *testing.T) {
	ours := loadBalancerControllerPolicy("vpc-0a1b2c3d4e5f60718")
	var vpcRules, tagListener bool
	for _, s := range ours.Statement {
		if slices.Contains(s.Action, "ec2:AuthorizeSecurityGroupIngress") && s.Sid == "SecurityGroupRulesInVPC" {
			vpcRules = reflect.DeepEqual(s.Condition, map[string]any{"ArnLike": map[string]any{"ec2:Vpc": "arn:aws:ec2:*:*:vpc/vpc-0a1b2c3d4e5f60718"}})
		}
		if slices.Contains(s.Action, "elasticloadbalancing:AddTags") && s.Condition == nil &&
			slices.Contains(s.Resource, "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*") {
			tagListener = true
		}
	}
	if !vpcRules || !tagListener {
		t.Errorf("security group rules by VPC with ArnLike: %v; listeners taggable at creation: %v", vpcRules, tagListener)
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "anything", true},
		{"arn:aws:ec2:*:*:security-group/*", "arn:aws:ec2:*:*:security-group/*", true},
		{"arn:aws:elasticloadbalancing:*:*:targetgroup/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*", false},
		{"arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*", "arn:aws:elasticloadbalancing:*:*:listener/net/a/b/c", true},
		{"arn:aws:ec2:*:*:security-group/*", "arn:aws:ec2:*:*:vpc/vpc-1", false},
	}
	for _, c := range cases {
		if got := glob(c.p, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v", c.p, c.s, got)
		}
	}
}
