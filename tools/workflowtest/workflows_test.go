package workflowtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type workflow struct {
	On   yaml.Node      `yaml:"on"`
	Jobs map[string]job `yaml:"jobs"`
}

type job struct {
	Name        string            `yaml:"name"`
	If          string            `yaml:"if"`
	Needs       yaml.Node         `yaml:"needs"`
	RunsOn      string            `yaml:"runs-on"`
	Timeout     int               `yaml:"timeout-minutes"`
	Environment string            `yaml:"environment"`
	Concurrency map[string]any    `yaml:"concurrency"`
	Env         map[string]string `yaml:"env"`
	Uses        string            `yaml:"uses"`
	With        map[string]any    `yaml:"with"`
	Steps       []step            `yaml:"steps"`
	Strategy    struct {
		Matrix map[string]any `yaml:"matrix"`
	} `yaml:"strategy"`
}

type step struct {
	ID      string            `yaml:"id"`
	Name    string            `yaml:"name"`
	If      string            `yaml:"if"`
	Uses    string            `yaml:"uses"`
	Run     string            `yaml:"run"`
	With    map[string]any    `yaml:"with"`
	Env     map[string]string `yaml:"env"`
	Timeout int               `yaml:"timeout-minutes"`
}

func readWorkflows(t *testing.T) map[string]workflow {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	out := map[string]workflow{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w workflow
		if err := yaml.Unmarshal(b, &w); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = w
	}
	return out
}

func (w workflow) triggers() []string {
	var out []string
	switch w.On.Kind {
	case yaml.MappingNode:
		for i := 0; i < len(w.On.Content); i += 2 {
			out = append(out, w.On.Content[i].Value)
		}
	case yaml.SequenceNode:
		for _, n := range w.On.Content {
			out = append(out, n.Value)
		}
	case yaml.ScalarNode:
		out = append(out, w.On.Value)
	}
	return out
}

func (j job) needs() []string {
	switch j.Needs.Kind {
	case yaml.ScalarNode:
		return []string{j.Needs.Value}
	case yaml.SequenceNode:
		var out []string
		for _, n := range j.Needs.Content {
			out = append(out, n.Value)
		}
		return out
	}
	return nil
}

func (j job) step(id string) step {
	for _, s := range j.Steps {
		if s.ID == id {
			return s
		}
	}
	return step{}
}

// The runs-on of every job that can run a services-layer step: a GitHub-hosted runner for the
// AWS layer, the stack's CodeBuild runner (AWS CodeBuild's label form
// codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}) for the services layer.
func runsOnByLayer(ctx string) string {
	return "${{ " + ctx + ".layer == 'services' && format('codebuild-flowmart-runner-{0}-{1}-{2}', " + ctx + ".stack, github.run_id, github.run_attempt) || 'ubuntu-24.04' }}"
}

// No passphrase anywhere, no pull_request_target, no removal of assumeRoleArn, no Cloudflare token
// written into a stack's configuration.
func TestNoPassphraseNoTargetNoConfigEdits(t *testing.T) {
	var files []string
	for _, g := range []string{".github/workflows/*.yml", ".github/scripts/*.sh"} {
		m, _ := filepath.Glob(filepath.Join(repoRoot, g))
		files = append(files, m...)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"PULUMI_CONFIG_PASSPHRASE", "config rm", "config set"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q", f, bad)
			}
		}
	}
	for name, w := range readWorkflows(t) {
		if slices.Contains(w.triggers(), "pull_request_target") {
			t.Errorf("%s is triggered by pull_request_target", name)
		}
	}
}

// Every job ends within 150 minutes and every OIDC session lasts 3 h, longer than any job.
func TestTimeoutsAndSessions(t *testing.T) {
	sessions := 0
	for name, w := range readWorkflows(t) {
		for id, j := range w.Jobs {
			if j.Uses != "" {
				continue // the called workflow's job has its own limits, checked here too
			}
			if j.Timeout < 1 || j.Timeout > 150 {
				t.Errorf("%s %s: timeout-minutes %d, want 1..150", name, id, j.Timeout)
			}
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
					sessions++
					if fmt.Sprint(s.With["role-duration-seconds"]) != "10800" {
						t.Errorf("%s %s: role-duration-seconds %v, want 10800", name, id, s.With["role-duration-seconds"])
					}
				}
			}
		}
	}
	if sessions < 4 {
		t.Errorf("only %d configure-aws-credentials steps found", sessions)
	}
}

// Every job that can touch a Kubernetes API (a services-layer preview, up or refresh, the health
// check) runs on the in-VPC runner for the services layer; the AWS layer on ubuntu-24.04.
func TestKubernetesJobsRunInTheVPC(t *testing.T) {
	ws := readWorkflows(t)
	for _, c := range []struct{ file, job, ctx string }{
		{"deploy-layer.yml", "deploy", "inputs"},
		{"plan-layer.yml", "plan", "inputs"},
		{"pull-request.yml", "pulumi-preview", "matrix"},
		{"drift.yml", "drift", "matrix"},
	} {
		j := ws[c.file].Jobs[c.job]
		if j.RunsOn != runsOnByLayer(c.ctx) {
			t.Errorf("%s %s: runs-on %q, want %q", c.file, c.job, j.RunsOn, runsOnByLayer(c.ctx))
		}
		if j.Env["LAYER"] != "${{ "+c.ctx+".layer }}" || j.Env["STACK"] != "${{ "+c.ctx+".stack }}" {
			t.Errorf("%s %s: LAYER %q STACK %q do not follow the %s", c.file, c.job, j.Env["LAYER"], j.Env["STACK"], c.ctx)
		}
	}
	for _, file := range []string{"pull-request.yml", "drift.yml"} {
		j := ws[file].Jobs[map[string]string{"pull-request.yml": "pulumi-preview", "drift.yml": "drift"}[file]]
		m := j.Strategy.Matrix
		if fmt.Sprint(m["layer"]) != "[aws services]" || fmt.Sprint(m["stack"]) != "[dev staging production]" {
			t.Errorf("%s: matrix %v does not cover every stack and both layers", file, m)
		}
	}
	// The health check runs only in the services layer's job.
	health := ws["deploy-layer.yml"].Jobs["deploy"].step("health")
	if health.If != "inputs.layer == 'services'" || !strings.Contains(health.Run, "stack.sh health") || health.Timeout == 0 || health.Timeout > 30 {
		t.Errorf("health step: if %q, run %q, timeout %d", health.If, health.Run, health.Timeout)
	}
	// No other job runs a Kubernetes client.
	for name, w := range ws {
		for id, j := range w.Jobs {
			for _, s := range j.Steps {
				if (strings.Contains(s.Run, "kubectl ") || strings.Contains(s.Run, "stack.sh health")) && (name != "deploy-layer.yml" || id != "deploy") {
					t.Errorf("%s %s runs %q off the in-VPC runner", name, id, s.Run)
				}
			}
		}
	}
}

// Promotion: dev → staging → production, each stack's AWS layer before its services layer, and
// each production job preceded by the plan its reviewer approves.
func TestPromotionOrder(t *testing.T) {
	d := readWorkflows(t)["deploy.yml"]
	order := []struct{ id, uses, stack, layer, needs, approved string }{
		{"deploy-dev", "deploy-layer", "dev", "aws", "", ""},
		{"deploy-dev-services", "deploy-layer", "dev", "services", "deploy-dev", ""},
		{"deploy-staging", "deploy-layer", "staging", "aws", "deploy-dev-services", ""},
		{"deploy-staging-services", "deploy-layer", "staging", "services", "deploy-staging", ""},
		{"plan-production", "plan-layer", "production", "aws", "deploy-staging-services", ""},
		{"deploy-production", "deploy-layer", "production", "aws", "plan-production", "approved-production-aws"},
		{"plan-production-services", "plan-layer", "production", "services", "deploy-production", ""},
		{"deploy-production-services", "deploy-layer", "production", "services", "plan-production-services", "approved-production-services"},
	}
	if len(d.Jobs) != len(order) {
		t.Errorf("deploy.yml has %d jobs, want %d", len(d.Jobs), len(order))
	}
	for _, o := range order {
		j, ok := d.Jobs[o.id]
		if !ok {
			t.Errorf("no job %s", o.id)
			continue
		}
		needs := strings.Join(j.needs(), ",")
		if j.Uses != "./.github/workflows/"+o.uses+".yml" || j.With["stack"] != o.stack || j.With["layer"] != o.layer || needs != o.needs {
			t.Errorf("%s: uses %s with %v needs %q", o.id, j.Uses, j.With, needs)
		}
		if got, _ := j.With["approved-previews"].(string); got != o.approved {
			t.Errorf("%s: approved-previews %q, want %q", o.id, got, o.approved)
		}
	}
	// The plan job's artifact is the name the deploy job downloads.
	p := readWorkflows(t)["plan-layer.yml"].Jobs["plan"]
	var upload step
	for _, s := range p.Steps {
		if strings.HasPrefix(s.Uses, "actions/upload-artifact@") {
			upload = s
		}
	}
	if upload.With["name"] != "approved-${{ inputs.stack }}-${{ inputs.layer }}" || !strings.Contains(fmt.Sprint(upload.With["path"]), "preview-${{ inputs.stack }}-${{ inputs.layer }}.json") {
		t.Errorf("plan artifact: %v", upload.With)
	}
	dl := readWorkflows(t)["deploy-layer.yml"].Jobs["deploy"]
	if dl.step("preview").Env["APPROVED_PREVIEW"] != "${{ inputs.approved-previews != '' && format('{0}/approved/preview-{1}-{2}.json', runner.temp, inputs.stack, inputs.layer) || '' }}" {
		t.Errorf("deploy preview step APPROVED_PREVIEW %q", dl.step("preview").Env["APPROVED_PREVIEW"])
	}
}

// Environments and roles: deploys in <stack> with the deploy role; PR previews in
// preview-<stack>, never for forks; plans in plan-<stack> and drift in drift-<stack>, each with
// its own role as PLATFORM_ASSUME_ROLE_ARN too. Rollbacks have their own concurrency groups.
func TestEnvironmentsAndRoles(t *testing.T) {
	ws := readWorkflows(t)
	for _, c := range []struct{ file, job, environment, roleVar, ctx string }{
		{"pull-request.yml", "pulumi-preview", "preview-${{ matrix.stack }}", "${{ vars[format('PREVIEW_ROLE_ARN_{0}', matrix.suffix)] }}", "matrix"},
		{"drift.yml", "drift", "drift-${{ matrix.stack }}", "${{ vars[format('DRIFT_ROLE_ARN_{0}', matrix.suffix)] }}", "matrix"},
		{"plan-layer.yml", "plan", "plan-${{ inputs.stack }}", `${{ vars[format('PREVIEW_ROLE_ARN_{0}', fromJSON('{"dev":"DEV","staging":"STAGING","production":"PRODUCTION"}')[inputs.stack])] }}`, "inputs"},
	} {
		j := ws[c.file].Jobs[c.job]
		if j.Environment != c.environment {
			t.Errorf("%s %s: environment %q, want %q", c.file, c.job, j.Environment, c.environment)
		}
		if j.Env["PLATFORM_ASSUME_ROLE_ARN"] != c.roleVar {
			t.Errorf("%s %s: PLATFORM_ASSUME_ROLE_ARN %q, want %q", c.file, c.job, j.Env["PLATFORM_ASSUME_ROLE_ARN"], c.roleVar)
		}
		for _, s := range j.Steps {
			if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") && s.With["role-to-assume"] != "${{ env.PLATFORM_ASSUME_ROLE_ARN }}" {
				t.Errorf("%s %s: the OIDC role %v is not the providers' role", c.file, c.job, s.With["role-to-assume"])
			}
		}
	}
	pr := ws["pull-request.yml"].Jobs["pulumi-preview"]
	if pr.If != "github.event.pull_request.head.repo.full_name == github.repository" {
		t.Errorf("PR preview if: %q", pr.If)
	}
	dl := ws["deploy-layer.yml"].Jobs["deploy"]
	if dl.Environment != "${{ inputs.stack }}" || dl.Env["PLATFORM_ASSUME_ROLE_ARN"] != "" {
		t.Errorf("deploy job: environment %q, PLATFORM_ASSUME_ROLE_ARN %q", dl.Environment, dl.Env["PLATFORM_ASSUME_ROLE_ARN"])
	}
	if fmt.Sprint(dl.Concurrency["group"]) != "${{ inputs.rollback && 'rollback' || 'deploy' }}-${{ inputs.stack }}-${{ inputs.layer }}" || dl.Concurrency["cancel-in-progress"] != false {
		t.Errorf("deploy concurrency %v", dl.Concurrency)
	}
	rb := ws["rollback.yml"]
	for id, j := range rb.Jobs {
		if j.Uses != "./.github/workflows/deploy-layer.yml" || j.With["rollback"] != true || j.With["ref"] != "${{ inputs.ref }}" {
			t.Errorf("rollback %s: %s %v", id, j.Uses, j.With)
		}
	}
	if rb.Jobs["rollback-services"].needs()[0] != "rollback-aws" {
		t.Errorf("rollback order: %v", rb.Jobs["rollback-services"].needs())
	}
	// No workflow but pull-request.yml runs on pull requests, and that one only previews.
	for name, w := range ws {
		if slices.Contains(w.triggers(), "pull_request") && name != "pull-request.yml" {
			t.Errorf("%s runs on pull requests", name)
		}
	}
	for id, j := range ws["pull-request.yml"].Jobs {
		for _, s := range j.Steps {
			if strings.Contains(s.Run, "stack.sh up") || strings.Contains(s.Run, "pulumi up") || (j.Environment != "" && !strings.HasPrefix(j.Environment, "preview-")) {
				t.Errorf("pull-request %s: %q in environment %q", id, s.Run, j.Environment)
			}
		}
	}
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
var roleVarRE = regexp.MustCompile(`^vars\[format\('([A-Z_]+)_\{0\}', (matrix\.suffix|fromJSON\('\{"dev":"DEV","staging":"STAGING","production":"PRODUCTION"\}'\)\[inputs\.stack\])\)\]$`)

// resolve replaces each ${{ expression }} of s from known, or the forms the workflows use for a
// variable per stack; an expression it does not know fails the test, so a new form is noticed.
func resolve(t *testing.T, s string, known map[string]string) string {
	t.Helper()
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		expr := exprRE.FindStringSubmatch(m)[1]
		if v, ok := known[expr]; ok {
			return v
		}
		if g := roleVarRE.FindStringSubmatch(expr); g != nil {
			if v, ok := known["vars."+g[1]+"_"+known["suffix"]]; ok {
				return v
			}
		}
		t.Fatalf("unknown expression %q", expr)
		return ""
	})
}

// stepEnv is a job's env plus a step's, resolved.
func stepEnv(t *testing.T, j job, s step, known map[string]string) []string {
	var out []string
	keys := func(m map[string]string) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		sort.Strings(k)
		return k
	}
	for _, k := range keys(j.Env) {
		out = append(out, k+"="+resolve(t, j.Env[k], known))
	}
	for _, k := range keys(s.Env) {
		out = append(out, k+"="+resolve(t, s.Env[k], known))
	}
	return out
}

// installScripts copies .github/scripts into the env's repository, where the steps run them.
func (e *env) installScripts() {
	e.t.Helper()
	dir := filepath.Join(e.repo, ".github", "scripts")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		e.t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(repoRoot, ".github", "scripts", "*.sh"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			e.t.Fatal(err)
		}
		e.write(filepath.Join(dir, filepath.Base(f)), string(b), 0o755)
	}
	e.commit("scripts")
}

// The real steps, run with fake pulumi: the PR preview, the production plan and the drift check
// give the program their own role in PLATFORM_ASSUME_ROLE_ARN, none touches the configuration
// (no `config rm assumeRoleArn`, no `config set`), none has a passphrase; the deploy's preview
// runs without the variable, so its providers assume config assumeRoleArn (the deploy role).
func TestStepsRunWithTheirOwnRole(t *testing.T) {
	ws := readWorkflows(t)
	const previewRole = "arn:aws:iam::111111111111:role/flowmart-preview-dev"
	const driftRole = "arn:aws:iam::111111111111:role/flowmart-drift-dev"
	for _, c := range []struct {
		name, file, job, step, layer, command, wantRole string
	}{
		{"PR preview, AWS layer", "pull-request.yml", "pulumi-preview", "preview", "aws", "preview", previewRole},
		{"PR preview, services layer", "pull-request.yml", "pulumi-preview", "preview", "services", "preview", previewRole},
		{"production plan", "plan-layer.yml", "plan", "", "services", "preview", previewRole},
		{"drift", "drift.yml", "drift", "refresh", "services", "refresh", driftRole},
		{"deploy", "deploy-layer.yml", "deploy", "preview", "aws", "preview", "<unset>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.installScripts()
			j := ws[c.file].Jobs[c.job]
			s := j.step(c.step)
			if c.step == "" {
				for _, st := range j.Steps {
					if strings.Contains(st.Run, "stack.sh preview") {
						s = st
					}
				}
			}
			if s.Run == "" {
				t.Fatalf("no step %q in %s %s", c.step, c.file, c.job)
			}
			known := map[string]string{
				"matrix.stack": "dev", "matrix.layer": c.layer, "matrix.suffix": "DEV", "suffix": "DEV",
				"inputs.stack": "dev", "inputs.layer": c.layer, "inputs.ref": "",
				`fromJSON('{"dev":"DEV","staging":"STAGING","production":"PRODUCTION"}')[inputs.stack]`: "DEV",
				"vars.PULUMI_BACKEND_URL_DEV":  "s3://flowmart-state-dev?region=eu-west-1",
				"vars.PREVIEW_ROLE_ARN_DEV":    previewRole,
				"vars.DRIFT_ROLE_ARN_DEV":      driftRole,
				"vars.DEPLOY_ROLE_ARN_DEV":     "arn:aws:iam::111111111111:role/flowmart-deploy-dev",
				"secrets.CLOUDFLARE_API_TOKEN": "cloudflare-token",
				"steps.commit.outputs.dir":     ".",
				"inputs.approved-previews != '' && format('{0}/approved/preview-{1}-{2}.json', runner.temp, inputs.stack, inputs.layer) || ''": "",
			}
			e.fakeFile("preview-"+c.layer+".json", previewFixture(t, "preview-update.json", c.layer))
			r := e.bash(resolve(t, s.Run, known), stepEnv(t, j, s, known))
			if r.code != 0 {
				t.Fatalf("step %q: exit %d\n%s\n%s", s.Run, r.code, r.stdout, r.stderr)
			}
			calls := e.calls(c.command)
			if len(calls) != 1 || !strings.HasPrefix(calls[0], c.layer+"\t") {
				t.Fatalf("%s calls: %q", c.command, calls)
			}
			if !strings.Contains(calls[0], "\tPLATFORM_ASSUME_ROLE_ARN="+c.wantRole+"\t") || !strings.HasSuffix(calls[0], "PULUMI_CONFIG_PASSPHRASE=") {
				t.Errorf("%s ran with %q, want PLATFORM_ASSUME_ROLE_ARN=%s and no passphrase", c.command, calls[0], c.wantRole)
			}
			if cfg := e.calls("config"); len(cfg) != 0 {
				t.Errorf("the step edits the stack's configuration: %q", cfg)
			}
		})
	}
}
