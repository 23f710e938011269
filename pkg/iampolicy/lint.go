package iampolicy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Problem is one condition of a statement that can never do what it says: it never matches (an
// exact operator compared with a wildcard pattern, a Null or Bool check on something other than
// true or false, an operator IAM does not know) or, negated, always matches.
type Problem struct {
	// Statement is the statement's Sid, or its index as "#<n>" when it has none.
	Statement string
	Operator  string
	Key       string
	Value     string
	Msg       string
}

func (p Problem) String() string {
	return fmt.Sprintf("statement %s: %s %s %q: %s", p.Statement, p.Operator, p.Key, p.Value, p.Msg)
}

// The operators, from "IAM JSON policy elements: Condition operators"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
// every base operator may carry a ForAllValues:/ForAnyValue: set prefix and an IfExists suffix
// (Null takes neither).
var (
	// exactOperators compare the whole value: "*" and "?" are plain characters there, so a
	// pattern never equals a real key value. IAM expands wildcards only in the *Like operators and
	// in ARN matching; ArnEquals is listed here too, as the AWS SDKs document it ("exact matching"),
	// so that a pattern is always written with ArnLike, whose meaning nobody has to look up.
	exactOperators = map[string]bool{
		"StringEquals": true, "StringNotEquals": true,
		"StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
		"ArnEquals": true, "ArnNotEquals": true,
	}
	otherOperators = map[string]bool{
		"StringLike": true, "StringNotLike": true,
		"NumericEquals": true, "NumericNotEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true,
		"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
		"DateEquals": true, "DateNotEquals": true, "DateLessThan": true, "DateLessThanEquals": true,
		"DateGreaterThan": true, "DateGreaterThanEquals": true,
		"Bool": true, "BinaryEquals": true, "IpAddress": true, "NotIpAddress": true,
		"ArnLike": true, "ArnNotLike": true,
	}
)

// splitOperator returns the base operator of a condition operator without its set prefix and
// IfExists suffix.
func splitOperator(op string) (base string, ok bool) {
	if op == "Null" {
		return op, true
	}
	base = op
	for _, p := range []string{"ForAllValues:", "ForAnyValue:"} {
		base = strings.TrimPrefix(base, p)
	}
	base = strings.TrimSuffix(base, "IfExists")
	return base, exactOperators[base] || otherOperators[base]
}

// hasWildcard reports whether a condition value has a * or ? outside the policy-variable escapes
// ${*}, ${?} and ${$}, which stand for the literal characters.
func hasWildcard(v string) bool {
	for _, esc := range []string{"${*}", "${?}", "${$}"} {
		v = strings.ReplaceAll(v, esc, "")
	}
	return strings.ContainsAny(v, "*?")
}

// values returns a condition's values as strings (a single value or a list of them).
func values(v any) []string {
	switch t := v.(type) {
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			out = append(out, values(e)...)
		}
		return out
	case []string:
		return t
	case string:
		return []string{t}
	default:
		return []string{fmt.Sprint(t)}
	}
}

// Lint returns the conditions of d that can never match (or, negated, always do). A document
// without problems gives none.
func Lint(d Document) []Problem {
	var out []Problem
	for i, s := range d.Statement {
		id := s.Sid
		if id == "" {
			id = fmt.Sprintf("#%d", i)
		}
		ops := make([]string, 0, len(s.Condition))
		for op := range s.Condition {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			keys, _ := s.Condition[op].(map[string]any)
			base, known := splitOperator(op)
			if !known {
				out = append(out, Problem{Statement: id, Operator: op, Msg: "is not an IAM condition operator: the condition never matches"})
				continue
			}
			if keys == nil {
				out = append(out, Problem{Statement: id, Operator: op, Msg: "has no map of condition keys to values"})
				continue
			}
			names := make([]string, 0, len(keys))
			for k := range keys {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				for _, v := range values(keys[k]) {
					if p, bad := check(base, v); bad {
						out = append(out, Problem{Statement: id, Operator: op, Key: k, Value: v, Msg: p})
					}
				}
			}
		}
	}
	return out
}

func check(base, v string) (string, bool) {
	switch {
	case exactOperators[base] && hasWildcard(v):
		like := "StringLike"
		if strings.HasPrefix(base, "Arn") {
			like = "ArnLike"
		}
		if strings.Contains(base, "Not") {
			return fmt.Sprintf("a wildcard under an exact operator is compared literally, so the condition always holds; use %s", strings.Replace(like, "Like", "NotLike", 1)), true
		}
		return fmt.Sprintf("a wildcard under an exact operator is compared literally, so the condition never matches; use %s", like), true
	case (base == "Null" || base == "Bool") && v != "true" && v != "false":
		return fmt.Sprintf("%s compares with true or false only: the condition never matches", base), true
	}
	return "", false
}

// LintJSON lints a policy document given as JSON, whatever its author's style (a single
// statement object, an Action or Resource given as one string); a string that is not a policy
// document is an error.
func LintJSON(s string) ([]Problem, error) {
	var raw struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil || len(raw.Statement) == 0 {
		return nil, fmt.Errorf("not an IAM policy document (no Statement): %w", err)
	}
	type loose struct {
		Sid       string         `json:"Sid"`
		Condition map[string]any `json:"Condition"`
	}
	var list []loose
	if err := json.Unmarshal(raw.Statement, &list); err != nil {
		var one loose
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return nil, fmt.Errorf("not an IAM policy document: %w", err)
		}
		list = []loose{one}
	}
	d := Document{Statement: make([]Statement, len(list))}
	for i, l := range list {
		d.Statement[i] = Statement{Sid: l.Sid, Condition: l.Condition}
	}
	return Lint(d), nil
}
