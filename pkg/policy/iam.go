package policy

import (
	"encoding/json"
	"fmt"
	"strings"
)

var iamRules = []Rule{
	{
		ID:          "FM-IAM-001",
		Description: "IAM policies grant no \"*\" or \"service:*\" actions",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63", "AVD-AWS-0057", "FSBP IAM.1", "FSBP IAM.21"},
		Types:       []string{TypeIAMPolicy, TypeIAMRolePolicy, TypeECRRepositoryPolicy},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			doc, ok := policyDocument(r.Inputs["policy"])
			if !ok {
				return none
			}
			var out []string
			for i, s := range doc.Statement {
				if s.Effect != "Allow" {
					continue
				}
				for _, a := range s.Action {
					if a == "*" || strings.HasSuffix(a, ":*") {
						out = append(out, fmt.Sprintf("statement %s allows action %q", s.label(i), a))
					}
				}
			}
			return out
		},
	},
	{
		ID:          "FM-IAM-002",
		Description: "IAM policies grant no write action on resource \"*\"",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_290", "CKV_AWS_355", "AVD-AWS-0057"},
		Types:       []string{TypeIAMPolicy, TypeIAMRolePolicy},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			doc, ok := policyDocument(r.Inputs["policy"])
			if !ok {
				return none
			}
			var out []string
			for i, s := range doc.Statement {
				if s.Effect != "Allow" || !contains(s.Resource, "*") || constrained(s.Condition) {
					continue
				}
				var writes []string
				for _, a := range s.Action {
					if !readOnlyAction(a) && !unscopedAction(a) {
						writes = append(writes, a)
					}
				}
				if len(writes) > 0 {
					out = append(out, fmt.Sprintf("statement %s allows %s on resource \"*\"", s.label(i), strings.Join(writes, ", ")))
				}
			}
			return out
		},
	},
}

// constrained reports whether a statement carries a condition (a tag, a VPC, a service): "*" under
// a condition is how AWS scopes actions that have no resource-level permissions.
func constrained(c json.RawMessage) bool {
	s := strings.TrimSpace(string(c))
	return s != "" && s != "null" && s != "{}"
}

// readOnlyAction reports whether an action only reads (Get, List, Describe, BatchGet...).
func readOnlyAction(a string) bool {
	_, verb, ok := strings.Cut(a, ":")
	if !ok {
		return false
	}
	for _, p := range []string{"Get", "List", "Describe", "BatchGet", "BatchCheck", "Head", "Lookup", "Search", "View"} {
		if strings.HasPrefix(verb, p) && !strings.HasSuffix(verb, "*") {
			return true
		}
	}
	return false
}

// unscopedActions are write actions AWS only allows on resource "*" (no resource-level
// permissions), so a "*" there is not a finding.
var unscopedActions = []string{
	"ecr:GetAuthorizationToken", "sts:GetCallerIdentity", "ec2:CreateTags",
	"logs:CreateLogDelivery", "logs:PutResourcePolicy", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
	"cloudwatch:PutMetricData", "ec2:CreateNetworkInterface", "ec2:CreateSecurityGroup",
}

func unscopedAction(a string) bool { return contains(unscopedActions, a) }

// document is the part of an IAM policy document the rules read.
type document struct {
	Statement statements `json:"Statement"`
}

type statement struct {
	Sid       string          `json:"Sid"`
	Effect    string          `json:"Effect"`
	Action    stringOrList    `json:"Action"`
	Resource  stringOrList    `json:"Resource"`
	Principal json.RawMessage `json:"Principal"`
	Condition json.RawMessage `json:"Condition"`
}

func (s statement) label(i int) string {
	if s.Sid != "" {
		return fmt.Sprintf("%d (%s)", i, s.Sid)
	}
	return fmt.Sprint(i)
}

// statements accepts a single statement object or a list, as IAM does.
type statements []statement

func (s *statements) UnmarshalJSON(b []byte) error {
	var one statement
	if err := json.Unmarshal(b, &one); err == nil && len(b) > 0 && b[0] == '{' {
		*s = statements{one}
		return nil
	}
	var many []statement
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// stringOrList accepts "x" or ["x", "y"], as IAM does.
type stringOrList []string

func (l *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringOrList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// policyDocument parses a policy input when it is known JSON (a string or an object).
func policyDocument(v any) (document, bool) {
	var raw []byte
	switch p := v.(type) {
	case string:
		if p == "" || unknown(p) {
			return document{}, false
		}
		raw = []byte(p)
	case map[string]any:
		b, err := json.Marshal(p)
		if err != nil {
			return document{}, false
		}
		raw = b
	default:
		return document{}, false
	}
	var d document
	if err := json.Unmarshal(raw, &d); err != nil {
		return document{}, false
	}
	return d, true
}
