package runner

import (
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

// physicalNameInputs are the inputs that hold a name AWS keeps unique in an account and region.
var physicalNameInputs = map[string]string{typeProject: "name", typeLogGroup: "name"}

// The runner sets two physical names, both from ProjectName: the project and its log group
// /aws/codebuild/<project>; every other resource that could take a name is auto-named. Two
// runners of one account (two stacks, or two projects in one program) never collide.
func TestPhysicalNames(t *testing.T) {
	args := map[string]*RunnerArgs{"dev-runner": baseArgs(), "staging-runner": baseArgs()}
	args["dev-runner"].ProjectName = "flowmart-runner-dev"
	args["staging-runner"].ProjectName = ""
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		for _, name := range slices.Sorted(maps.Keys(args)) {
			if _, err := NewRunner(ctx, name, args[name], provider); err != nil {
				return err
			}
		}
		return nil
	}, preview.Options{Project: "p", Stack: "s", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range doc.Resources {
		if in, ok := physicalNameInputs[r.Type]; ok {
			got = append(got, r.Inputs[in].(string))
			continue
		}
		if _, ok := r.Inputs["name"]; ok && r.Custom {
			t.Errorf("%s %s sets a name %v the table does not classify", r.Type, r.Name, r.Inputs["name"])
		}
	}
	want := []string{
		"/aws/codebuild/flowmart-runner-dev", "flowmart-runner-dev",
		"/aws/codebuild/staging-runner", "staging-runner",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("physical names %v, want %v", got, want)
	}
}

func TestNameHelpers(t *testing.T) {
	if got := RunsOnPrefix("flowmart-runner-dev"); got != "codebuild-flowmart-runner-dev" {
		t.Errorf("RunsOnPrefix = %q", got)
	}
	if got := LogGroupName("flowmart-runner-dev"); got != "/aws/codebuild/flowmart-runner-dev" {
		t.Errorf("LogGroupName = %q", got)
	}
	if got := RepositoryURL("flowmart/platform"); got != "https://github.com/flowmart/platform" {
		t.Errorf("RepositoryURL = %q", got)
	}
}
