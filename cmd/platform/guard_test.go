package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// enginePreviewJSON is a `pulumi preview --json` document in the shape the Pulumi CLI v3.274.1
// prints (pkg/v3 display/json.go:32-84, json.MarshalIndent with four spaces, backend/display/
// json.go:270): the root stack's step, then one step per changed resource. steps are the changed
// resources' steps, already JSON.
func enginePreviewJSON(stack string, steps ...string) string {
	root := `{
        "op": "same",
        "urn": "urn:pulumi:` + stack + `::flowmart-platform::pulumi:pulumi:Stack::flowmart-platform-` + stack + `",
        "oldState": {"urn": "urn:pulumi:` + stack + `::flowmart-platform::pulumi:pulumi:Stack::flowmart-platform-` + stack + `", "custom": false, "type": "pulumi:pulumi:Stack"},
        "newState": {"urn": "urn:pulumi:` + stack + `::flowmart-platform::pulumi:pulumi:Stack::flowmart-platform-` + stack + `", "custom": false, "type": "pulumi:pulumi:Stack"},
        "detailedDiff": null
    }`
	return `{
    "config": {"aws:region": "eu-west-1", "flowmart-platform:cloudflareApiToken": "[secret]"},
    "steps": [` + strings.Join(append([]string{root}, steps...), ",\n") + `],
    "duration": 8123456789,
    "changeSummary": {"same": 120, "update": 1}
}
`
}

// engineStepJSON is one step: op on a resource of type typ named name under parentType (may be
// empty), protect on the old state.
func engineStepJSON(stack, op, parentType, typ, name string, protect bool, reasons ...string) string {
	qualified := typ
	if parentType != "" {
		qualified = parentType + "$" + typ
	}
	urn := "urn:pulumi:" + stack + "::flowmart-platform::" + qualified + "::" + name
	p := ""
	if protect {
		p = `, "protect": true`
	}
	state := `{"urn": "` + urn + `", "custom": true, "id": "i-0123456789abcdef0", "type": "` + typ + `"` + p + `, "inputs": {"tags": {"Name": "` + name + `"}}}`
	var old, neu string
	switch op {
	case "create", "create-replacement":
		neu = state
	case "delete", "delete-replaced":
		old = state
	default:
		old, neu = state, state
	}
	s := `{"op": "` + op + `", "urn": "` + urn + `", "provider": "urn:pulumi:` + stack + `::flowmart-platform::pulumi:providers:aws::aws-` + stack + `::04da6b54-80e4-46f7-96ec-b56ff0331ba9"`
	if old != "" {
		s += `, "oldState": ` + old
	}
	if neu != "" {
		s += `, "newState": ` + neu
	}
	if len(reasons) > 0 {
		s += `, "replaceReasons": ["` + strings.Join(reasons, `", "`) + `"]`
	}
	return s + `, "detailedDiff": {}}`
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGuardBlocksStatefulAndProtected(t *testing.T) {
	for _, c := range []struct {
		name  string
		step  string
		code  int
		lines []string
	}{
		{"replace of the SQL Server host", engineStepJSON("dev", "replace", "flowmart:sqlserver:SQLServerHost", "aws:ec2/instance:Instance", "dev-sqlserver", false, "ami"), exitBlocked,
			[]string{`blocked: replace aws:ec2/instance:Instance "dev-sqlserver": the resource holds state that would be lost (replaced for ami)`}},
		{"delete of a KMS key", engineStepJSON("dev", "delete", "", "aws:kms/key:Key", "dev-secrets", false), exitBlocked,
			[]string{`blocked: delete aws:kms/key:Key "dev-secrets": the resource holds state that would be lost`}},
		{"delete-replaced of a volume", engineStepJSON("dev", "delete-replaced", "", "aws:ebs/volume:Volume", "dev-data", false), exitBlocked,
			[]string{`blocked: delete-replaced aws:ebs/volume:Volume "dev-data"`}},
		{"create-replacement of a cluster", engineStepJSON("dev", "create-replacement", "", "aws:eks/cluster:Cluster", "dev-cluster", false), exitBlocked,
			[]string{`blocked: create-replacement aws:eks/cluster:Cluster "dev-cluster"`}},
		{"delete of a protected subnet", engineStepJSON("dev", "delete", "", "aws:ec2/subnet:Subnet", "dev-private-a", true), exitBlocked,
			[]string{`blocked: delete aws:ec2/subnet:Subnet "dev-private-a": the resource is protected`}},
		{"replace of a stateless subnet", engineStepJSON("dev", "replace", "", "aws:ec2/subnet:Subnet", "dev-private-a", false, "cidrBlock"), exitOK,
			[]string{"guard: stack dev: 1 replace, no protected or stateful resource deleted or replaced"}},
		{"update of the SQL Server host", engineStepJSON("dev", "update", "", "aws:ec2/instance:Instance", "dev-sqlserver", true), exitOK,
			[]string{"guard: stack dev: 1 update"}},
		{"same everywhere", engineStepJSON("dev", "same", "", "aws:ec2/instance:Instance", "dev-sqlserver", true), exitOK,
			[]string{"guard: stack dev: no changes"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := writeTemp(t, "preview.json", enginePreviewJSON("dev", c.step))
			code, out, stderr := runCmd("guard", "--engine-preview", file, "--stack", "dev")
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, stderr)
			}
			for _, l := range c.lines {
				if !strings.Contains(out, l) {
					t.Errorf("stdout lacks %q:\n%s", l, out)
				}
			}
			if c.code == exitBlocked && (strings.Count(out, "blocked: ") != 1 || !strings.Contains(stderr, "1 protected or stateful resource(s)")) {
				t.Errorf("want one blocked line and the count on stderr:\n%s\n%s", out, stderr)
			}
		})
	}
}

// Every offending resource gets its own line; the others none.
func TestGuardOneLinePerResource(t *testing.T) {
	file := writeTemp(t, "preview.json", enginePreviewJSON("production",
		engineStepJSON("production", "replace", "", "aws:ecr/repository:Repository", "production-shop", true, "name"),
		engineStepJSON("production", "update", "", "aws:ec2/securityGroup:SecurityGroup", "production-nodes", false),
		engineStepJSON("production", "delete", "", "aws:secretsmanager/secret:Secret", "production-sa", false),
	))
	code, out, _ := runCmd("guard", "--engine-preview", file, "--stack", "production")
	if code != exitBlocked {
		t.Fatalf("exit %d, want %d: %s", code, exitBlocked, out)
	}
	var blocked []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "blocked: ") {
			blocked = append(blocked, l)
		}
	}
	if len(blocked) != 2 || !strings.Contains(blocked[0], `"production-shop": the resource is protected`) || !strings.Contains(blocked[1], `"production-sa"`) {
		t.Fatalf("blocked lines: %q", blocked)
	}
}

// What is not a completed preview of the stack fails closed, with exit 2 and one line.
func TestGuardFailsClosed(t *testing.T) {
	good := enginePreviewJSON("dev", engineStepJSON("dev", "update", "", "aws:ec2/subnet:Subnet", "dev-a", false))
	for _, c := range []struct {
		name, content, want string
	}{
		{"empty file", "", "not the JSON of `pulumi preview --json`"},
		{"text output", "Previewing update (dev):\n  ~ aws:ec2/subnet:Subnet dev-a update\n", "not the JSON"},
		{"no steps", `{"config": {}, "changeSummary": {}}`, "no steps"},
		{"an error diagnostic", `{"steps": [{"op": "same", "urn": "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev"}], "diagnostics": [{"message": "error: cluster unreachable\n", "severity": "error"}]}`, "the preview reported an error: error: cluster unreachable"},
		{"another stack", enginePreviewJSON("staging"), `a step of stack "staging"`},
		{"two documents", good + good, "more than one JSON document"},
		{"not a URN", `{"steps": [{"op": "delete", "urn": "dev-sqlserver"}]}`, "is not a resource URN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := writeTemp(t, "preview.json", c.content)
			code, out, stderr := runCmd("guard", "--engine-preview", file, "--stack", "dev")
			if code != exitFailure || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Fatalf("exit %d, stderr %q (want exit %d and one line with %q); stdout %q", code, stderr, exitFailure, c.want, out)
			}
		})
	}
	code, _, stderr := runCmd("guard", "--engine-preview", filepath.Join(t.TempDir(), "absent.json"), "--stack", "dev")
	if code != exitFailure || !strings.Contains(stderr, "no such file") {
		t.Errorf("absent file: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{{"guard"}, {"guard", "--stack", "dev"}, {"guard", "--engine-preview", "x.json"}, {"guard", "--bogus"}} {
		if code, _, stderr := runCmd(args...); code != exitFailure || !strings.HasPrefix(stderr, "error: ") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

// With --approved, the operations must be those of the approved preview; provider steps (the
// preview role differs from the deploy role) and the root stack do not count.
func TestGuardApprovedPlan(t *testing.T) {
	update := engineStepJSON("production", "update", "", "aws:ec2/securityGroup:SecurityGroup", "production-nodes", false)
	create := engineStepJSON("production", "create", "", "aws:sqs/queue:Queue", "production-drain", false)
	provider := `{"op": "update", "urn": "urn:pulumi:production::flowmart-platform::pulumi:providers:aws::aws-production", "oldState": {"type": "pulumi:providers:aws"}, "newState": {"type": "pulumi:providers:aws"}, "diffReasons": ["assumeRoles"], "detailedDiff": {"assumeRoles[0].roleArn": {"kind": "update", "inputDiff": true}}}`
	approved := writeTemp(t, "approved.json", enginePreviewJSON("production", provider, update, create))

	same := writeTemp(t, "same.json", enginePreviewJSON("production", create, update))
	code, out, stderr := runCmd("guard", "--engine-preview", same, "--stack", "production", "--approved", approved)
	if code != exitOK || !strings.Contains(out, "the operations are those of the approved preview") {
		t.Fatalf("same operations: exit %d\n%s\n%s", code, out, stderr)
	}

	more := writeTemp(t, "more.json", enginePreviewJSON("production", update, create,
		engineStepJSON("production", "replace", "", "aws:ec2/launchTemplate:LaunchTemplate", "production-nodes", false, "imageId")))
	code, out, stderr = runCmd("guard", "--engine-preview", more, "--stack", "production", "--approved", approved)
	if code != exitPlanDiffers || !strings.Contains(out, "not in the approved preview: replace urn:pulumi:production::flowmart-platform::aws:ec2/launchTemplate:LaunchTemplate::production-nodes") ||
		!strings.Contains(stderr, "differs from the approved preview in 1 operation(s)") {
		t.Fatalf("an extra replace: exit %d\n%s\n%s", code, out, stderr)
	}

	fewer := writeTemp(t, "fewer.json", enginePreviewJSON("production", update))
	code, out, _ = runCmd("guard", "--engine-preview", fewer, "--stack", "production", "--approved", approved)
	if code != exitPlanDiffers || !strings.Contains(out, "in the approved preview only: create urn:pulumi:production::flowmart-platform::aws:sqs/queue:Queue::production-drain") {
		t.Fatalf("a missing create: exit %d\n%s", code, out)
	}

	// A blocked step is reported as blocked even when the approved preview had it.
	sql := engineStepJSON("production", "replace", "", "aws:ec2/instance:Instance", "production-sqlserver", true, "ami")
	withSQL := writeTemp(t, "sql.json", enginePreviewJSON("production", sql))
	code, _, _ = runCmd("guard", "--engine-preview", withSQL, "--stack", "production", "--approved", withSQL)
	if code != exitBlocked {
		t.Fatalf("approved replace of a protected host: exit %d, want %d", code, exitBlocked)
	}

	code, _, stderr = runCmd("guard", "--engine-preview", same, "--stack", "production", "--approved", writeTemp(t, "bad.json", "{"))
	if code != exitFailure || !strings.Contains(stderr, "--approved") {
		t.Fatalf("unreadable approved preview: exit %d, %q", code, stderr)
	}
}

func TestURNParts(t *testing.T) {
	urn := "urn:pulumi:dev::flowmart-platform::flowmart:sqlserver:SQLServerHost$aws:ec2/instance:Instance::dev-sqlserver"
	if s, ok := urnStack(urn); !ok || s != "dev" {
		t.Errorf("stack %q %v", s, ok)
	}
	if got := urnType(urn); got != "aws:ec2/instance:Instance" {
		t.Errorf("type %q", got)
	}
	if got := urnName(urn); got != "dev-sqlserver" {
		t.Errorf("name %q", got)
	}
	for _, bad := range []string{"", "dev-sqlserver", "urn:pulumi:dev::p", "urn:x:dev::p::t::n"} {
		if _, ok := urnStack(bad); ok {
			t.Errorf("%q parsed as a URN", bad)
		}
	}
}
