package mocks

import "testing"

// A CodeBuild project's id and ARN are arn:aws:codebuild:<region>:<account>:project/<name>; a
// webhook's id is its project's name and its payload URL is CodeBuild's endpoint in the region.
func TestCodeBuildOutputs(t *testing.T) {
	m := New(testRegion, testAccount)
	id, project := register(t, m, "aws:codebuild/project:Project", "runner", map[string]any{"name": "flowmart-runner-dev"})
	const want = "arn:aws:codebuild:eu-west-1:111122223333:project/flowmart-runner-dev"
	if id != want || project["arn"] != want || project["name"] != "flowmart-runner-dev" {
		t.Errorf("project %s %v, want id and arn %s", id, project, want)
	}
	_, auto := register(t, m, "aws:codebuild/project:Project", "unnamed", nil)
	matches(t, "auto-named project arn", auto["arn"].(string), `arn:aws:codebuild:eu-west-1:111122223333:project/unnamed-[0-9a-f]{7}`)

	id, hook := register(t, m, "aws:codebuild/webhook:Webhook", "runner", map[string]any{"projectName": "flowmart-runner-dev"})
	if id != "flowmart-runner-dev" {
		t.Errorf("webhook id %q, want the project's name", id)
	}
	matches(t, "webhook payloadUrl", hook["payloadUrl"].(string), `https://codebuild\.eu-west-1\.amazonaws\.com/webhooks\?t=[0-9a-f]{32}&v=1`)
}
