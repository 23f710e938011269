package iampolicy

import (
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	vpc := "arn:aws:ec2:*:*:vpc/vpc-0a1b2c3d4e5f60718"
	cases := []struct {
		name string
		cond map[string]any
		want string // a substring of the one problem, "" for none
	}{
		{"no condition", nil, ""},
		{"exact value", map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}, ""},
		{"wildcard under StringEquals", map[string]any{"StringEquals": map[string]any{"ec2:Vpc": vpc}}, "never matches; use StringLike"},
		{"wildcard under ArnEquals", map[string]any{"ArnEquals": map[string]any{"ec2:Vpc": vpc}}, "never matches; use ArnLike"},
		{"wildcard under ArnLike", map[string]any{"ArnLike": map[string]any{"ec2:Vpc": vpc}}, ""},
		{"wildcard under StringLike", map[string]any{"StringLike": map[string]any{"s3:prefix": "home/*"}}, ""},
		{"wildcard in a list under StringEquals", map[string]any{"StringEquals": map[string]any{"ec2:CreateAction": []any{"CreateSecurityGroup", "Create*"}}}, "Create*"},
		{"set prefix and IfExists", map[string]any{"ForAnyValue:StringEqualsIfExists": map[string]any{"aws:TagKeys": []string{"team?"}}}, "never matches"},
		{"negated exact with wildcard", map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalTag/team": "ops*"}}, "always holds; use StringNotLike"},
		{"escaped literal star", map[string]any{"StringEquals": map[string]any{"s3:prefix": "a${*}b"}}, ""},
		{"policy variable", map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}}, ""},
		{"Null true and false", map[string]any{"Null": map[string]any{"aws:RequestTag/x": "true", "aws:ResourceTag/x": false}}, ""},
		{"Null with a name", map[string]any{"Null": map[string]any{"aws:RequestTag/x": "present"}}, "true or false only"},
		{"Bool with a word", map[string]any{"Bool": map[string]any{"aws:SecureTransport": "yes"}}, "true or false only"},
		{"unknown operator", map[string]any{"StringEqual": map[string]any{"a": "b"}}, "not an IAM condition operator"},
	}
	for _, c := range cases {
		d := New(Statement{Sid: "S", Effect: "Allow", Action: []string{"ec2:CreateTags"}, Resource: []string{"*"}, Condition: c.cond})
		got := Lint(d)
		if c.want == "" {
			if len(got) != 0 {
				t.Errorf("%s: %v, want no problem", c.name, got)
			}
			continue
		}
		if len(got) != 1 || !strings.Contains(got[0].String(), c.want) || !strings.HasPrefix(got[0].String(), "statement S: ") {
			t.Errorf("%s: %v, want one problem containing %q", c.name, got, c.want)
		}
	}
}

func TestLintJSON(t *testing.T) {
	// An unnamed single statement object with a one-string Action, as hand-written policies have.
	got, err := LintJSON(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:AuthorizeSecurityGroupIngress","Resource":"*",` +
		`"Condition":{"StringEquals":{"ec2:Vpc":"arn:aws:ec2:*:*:vpc/vpc-1"}}}}`)
	if err != nil || len(got) != 1 || got[0].Statement != "#0" || got[0].Key != "ec2:Vpc" {
		t.Errorf("single statement: %v, %v", got, err)
	}
	got, err = LintJSON(New(Allow("Read", []string{"s3:GetObject"}, "*")).String())
	if err != nil || len(got) != 0 {
		t.Errorf("clean document: %v, %v", got, err)
	}
	for _, bad := range []string{`{"Version":"2012-10-17"}`, `[1,2]`, `not json`} {
		if _, err := LintJSON(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
