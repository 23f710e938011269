package stacks

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

// policyDocuments returns every IAM policy document among the inputs of the graph's resources
// (role, inline and managed policies, trust policies, key, bucket, topic and repository
// policies...), keyed by "<type> <name> <input path>": any string input that is a JSON object
// with a Statement.
func policyDocuments(doc *preview.Document) map[string]string {
	out := map[string]string{}
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				walk(where+"."+k, e)
			}
		case []any:
			for i, e := range t {
				walk(fmt.Sprintf("%s[%d]", where, i), e)
			}
		case string:
			if !strings.HasPrefix(strings.TrimSpace(t), "{") || !strings.Contains(t, `"Statement"`) {
				return
			}
			var probe map[string]json.RawMessage
			if json.Unmarshal([]byte(t), &probe) == nil && probe["Statement"] != nil {
				out[where] = t
			}
		}
	}
	for _, r := range doc.Resources {
		walk(r.Type+" "+r.Name+" inputs", r.Inputs)
	}
	return out
}

// lintGraph lints every policy document of the graph and returns the problems, one line each.
func lintGraph(doc *preview.Document) (problems []string, documents int) {
	docs := policyDocuments(doc)
	for where, s := range docs {
		ps, err := iampolicy.LintJSON(s)
		if err != nil {
			problems = append(problems, where+": "+err.Error())
		}
		for _, p := range ps {
			problems = append(problems, where+": "+p.String())
		}
	}
	sort.Strings(problems)
	return problems, len(docs)
}

// No IAM policy document in any environment's graph has a condition that cannot match (a
// wildcard under an exact operator, a Null or Bool check on anything but true or false, an
// unknown operator).
func TestEveryPolicyConditionCanMatch(t *testing.T) {
	for _, env := range envs {
		t.Run(env, func(t *testing.T) {
			doc, _ := previewJSON(t, env)
			problems, n := lintGraph(doc)
			if n < 10 {
				t.Fatalf("%d policy documents found in the graph: the walk misses them", n)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// The graph check finds a condition that cannot match wherever it sits in a resource's inputs.
func TestLintGraphFindsABadCondition(t *testing.T) {
	doc, _ := previewJSON(t, "dev")
	bad := iampolicy.New(iampolicy.Statement{
		Sid: "InVPC", Effect: "Allow", Action: []string{"ec2:AuthorizeSecurityGroupIngress"}, Resource: []string{"*"},
		Condition: map[string]any{"StringEquals": map[string]any{"ec2:Vpc": "arn:aws:ec2:*:*:vpc/vpc-1"}},
	})
	doc.Resources = append(doc.Resources, &preview.Resource{
		Type: "aws:iam/role:Role", Name: "injected",
		Inputs: map[string]any{"inlinePolicies": []any{map[string]any{"policy": bad.String()}}},
	})
	problems, _ := lintGraph(doc)
	if len(problems) != 1 || !strings.Contains(problems[0], "aws:iam/role:Role injected inputs.inlinePolicies[0].policy: statement InVPC: StringEquals ec2:Vpc") {
		t.Errorf("problems %v, want the injected one", problems)
	}
}
