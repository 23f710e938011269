// Package iampolicy builds IAM policy documents from typed statements, so that no component writes
// policy JSON by hand and every action and resource is visible to the policy rules.
package iampolicy

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement. Principal and Condition are free-form as in IAM.
type Statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    []string       `json:"Action"`
	Resource  []string       `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// New returns a document of the current policy language version.
func New(statements ...Statement) Document {
	return Document{Version: "2012-10-17", Statement: statements}
}

// Allow returns an Allow statement for actions on resources.
func Allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// AssumeRole returns a trust policy letting an AWS service assume a role, optionally with conditions.
func AssumeRole(service string, condition map[string]any) Document {
	return New(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    []string{"sts:AssumeRole"},
		Condition: condition,
	})
}

// String renders the document as stable JSON.
func (d Document) String() string {
	b, err := json.Marshal(d)
	if err != nil { // only maps of JSON values are ever stored: unreachable
		panic(err)
	}
	return string(b)
}

// Render builds a document once the given inputs (ARNs, ids) are known; build receives them in order.
// Secret and unknown inputs stay secret and unknown in the result.
func Render(build func(values []string) Document, inputs ...pulumi.StringInput) pulumi.StringOutput {
	args := make([]any, len(inputs))
	for i, in := range inputs {
		args[i] = in
	}
	return pulumi.All(args...).ApplyT(func(vs []any) string {
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i] = v.(string)
		}
		return build(s).String()
	}).(pulumi.StringOutput)
}
