package runner

import (
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/diff"
	"github.com/flowmart/platform/pkg/preview"
)

// noState: a runner holds no data a replacement would lose (its builds are ephemeral, its logs
// outlive nothing the stack needs); only protection would block.
func noState(string) bool { return false }

func change(rep diff.Report, typ, name string) *diff.Change {
	for i, c := range rep.Changes {
		if c.Type == typ && c.Name == name {
			return &rep.Changes[i]
		}
	}
	return nil
}

func compare(t *testing.T, base, next *RunnerArgs) (diff.Report, *preview.Document) {
	t.Helper()
	doc := build(t, next, true)
	return diff.Compare(build(t, base, true), doc, noState), doc
}

// A larger compute type is an in-place update of the project alone: the webhook, the role, the
// security group and the log group see no change (replacement facts of pulumi-aws v6.83.4,
// pkg/diff: only the project's name forces its replacement).
func TestComputeTypeIsAnUpdate(t *testing.T) {
	next := baseArgs()
	next.ComputeType = "BUILD_GENERAL1_MEDIUM"
	rep, _ := compare(t, baseArgs(), next)
	if len(rep.Changes) != 1 {
		t.Fatalf("changes %+v, want the project's update alone", rep.Changes)
	}
	c := rep.Changes[0]
	if c.Type != typeProject || c.Kind != diff.Update || len(c.Inputs) != 1 || !strings.HasPrefix(c.Inputs[0], "environment.computeType") {
		t.Errorf("change %+v, want an update of environment.computeType", c)
	}
}

// A new image or a longer timeout updates the project in place too.
func TestImageAndTimeoutAreUpdates(t *testing.T) {
	next := baseArgs()
	next.Image = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
	next.BuildTimeoutMinutes = 240
	rep, _ := compare(t, baseArgs(), next)
	c := change(rep, typeProject, "production-runner")
	if len(rep.Changes) != 1 || c == nil || c.Kind != diff.Update || len(c.Inputs) != 2 {
		t.Errorf("changes %+v, want one update of the image and the timeout", rep.Changes)
	}
}

// Renaming the project replaces it, its webhook (projectName) and its log group (name), and
// updates the role's trust (aws:SourceArn) and the key and role policies in place; the security
// group stays.
func TestProjectNameReplaces(t *testing.T) {
	next := baseArgs()
	next.ProjectName = "flowmart-ci-production"
	rep, doc := compare(t, baseArgs(), next)
	for _, w := range []struct {
		typ  string
		name string
		kind diff.Kind
	}{
		{typeProject, "production-runner", diff.Replace},
		{typeWebhook, "production-runner", diff.Replace},
		{typeLogGroup, "production-runner-logs", diff.Replace},
		{typeRole, "production-runner", diff.Update},
	} {
		c := change(rep, w.typ, w.name)
		if c == nil || c.Kind != w.kind {
			t.Errorf("%s %s: %+v, want %s", w.typ, w.name, c, w.kind)
		}
	}
	if c := change(rep, typeSG, "production-runner-sg"); c != nil && c.Kind == diff.Replace {
		t.Errorf("the security group is replaced: %+v", c)
	}
	if doc.Outputs["runsOnLabel"] != "codebuild-flowmart-ci-production" {
		t.Errorf("runsOnLabel %v", doc.Outputs["runsOnLabel"])
	}
	if rep.Blocking != 0 {
		t.Errorf("%d blocking changes for an unprotected runner", rep.Blocking)
	}
}
