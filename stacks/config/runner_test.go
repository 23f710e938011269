package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/flowmart/platform/components/runner"
	"github.com/flowmart/platform/stacks/config"
)

const runnerKey = "flowmart-platform:runner"

// Every stack file has a runner for this repository, through a connection in its own account,
// named flowmart-runner-<stack>, its log retention per environment and its log key protected in
// production only.
func TestRunnerPerEnvironment(t *testing.T) {
	retention := map[string]int{"dev": 30, "staging": 90, "production": 365}
	for env, days := range retention {
		c, err := parse(stackValues(t, env))
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		r := c.Runner
		if !r.On() || r.Repository != "flowmart/platform" || !strings.HasPrefix(r.ConnectionARN, "arn:aws:codeconnections:"+c.Region+":"+c.AccountID+":connection/") {
			t.Errorf("%s: runner %+v", env, r)
		}
		a := c.RunnerArgs()
		if a.ProjectName != "flowmart-runner-test" || a.LogRetentionDays != days || a.Protect != (env == "production") || a.ComputeType != "" || a.ConnectionARN == nil {
			t.Errorf("%s: args project %q retention %d protect %v compute %q", env, a.ProjectName, a.LogRetentionDays, a.Protect, a.ComputeType)
		}
		if got := runner.RunsOnPrefix(config.RunnerProjectName(env)); got != "codebuild-flowmart-runner-"+env {
			t.Errorf("%s: runs-on prefix %s", env, got)
		}
	}
}

// One failing and one passing case per field of `runner`; each error is one line naming the key,
// the value and what is allowed.
func TestRunnerValidation(t *testing.T) {
	conn := `"connectionArn":"arn:aws:codeconnections:eu-west-1:111122223333:connection/3f6b2c1e-8a4d-4e7b-9c0f-5d2a1b7e6c48"`
	repo := `"repository":"flowmart/platform"`
	cases := []struct {
		name, value string
		key, substr string // empty key: valid
	}{
		{"repository missing", `{` + conn + `}`, "runner.repository", "required key is missing"},
		{"repository not owner/name", `{"repository":"flowmart",` + conn + `}`, "runner.repository", `"flowmart" is not a GitHub repository (want <owner>/<name>`},
		{"repository valid", `{"repository":"flowmart/platform.infra",` + conn + `}`, "", ""},
		{"connectionArn missing", `{` + repo + `}`, "runner.connectionArn", "required key is missing"},
		{"connectionArn not a connection", `{` + repo + `,"connectionArn":"arn:aws:iam::111122223333:role/x"}`, "runner.connectionArn", `"arn:aws:iam::111122223333:role/x" is not a CodeConnections connection ARN`},
		{"connectionArn in another account", `{` + repo + `,"connectionArn":"arn:aws:codeconnections:eu-west-1:777788889999:connection/6c2e8f41-d53a-47b9-a0e6-19f4b8c3d275"}`, "runner.connectionArn", `is in account 777788889999, not in accountId 111122223333`},
		{"connectionArn codestar-connections", `{` + repo + `,"connectionArn":"arn:aws:codestar-connections:eu-west-1:111122223333:connection/3f6b2c1e-8a4d-4e7b-9c0f-5d2a1b7e6c48"}`, "", ""},
		{"computeType unknown", `{` + repo + `,` + conn + `,"computeType":"BUILD_LAMBDA_1GB"}`, "runner.computeType", `"BUILD_LAMBDA_1GB" is not a runner compute type (allowed: BUILD_GENERAL1_SMALL`},
		{"computeType medium", `{` + repo + `,` + conn + `,"computeType":"BUILD_GENERAL1_MEDIUM"}`, "", ""},
		{"enabled not a boolean", `{` + repo + `,` + conn + `,"enabled":"yes"}`, "runner.enabled", "is a string, want a boolean"},
		{"enabled false needs nothing", `{"enabled":false}`, "", ""},
		{"unknown field", `{` + repo + `,` + conn + `,"projectName":"x"}`, "runner", `unknown field "projectName"`},
	}
	for _, tc := range cases {
		c, err := mutate(t, "dev", map[string]string{runnerKey: tc.value})
		if tc.key == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var cerr *config.Error
		if !errors.As(err, &cerr) || cerr.Key != tc.key || !strings.Contains(err.Error(), tc.substr) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v (config %v), want %s: ...%s...", tc.name, err, c, tc.key, tc.substr)
		}
	}
	// the whole key unset: a runner is still wanted (enabled defaults to true), so its repository
	// is required first
	_, err := mutate(t, "dev", map[string]string{runnerKey: ""})
	var cerr *config.Error
	if !errors.As(err, &cerr) || cerr.Key != "runner.repository" {
		t.Errorf("runner unset: %v, want runner.repository required", err)
	}
}

// runner.enabled false leaves the stack without a runner; the component's values are then
// neither required nor checked.
func TestRunnerDisabled(t *testing.T) {
	c, err := mutate(t, "production", map[string]string{runnerKey: `{"enabled":false,"computeType":"nonsense"}`})
	if err != nil {
		t.Fatal(err)
	}
	if c.Runner.On() {
		t.Errorf("runner on: %+v", c.Runner)
	}
}
