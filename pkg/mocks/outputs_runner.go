package mocks

import "fmt"

// runnerOutputs are the computed outputs of the Runner component's CodeBuild types. As in
// terraform-provider-aws, a project's id is its ARN (arn:aws:codebuild:<region>:<account>:
// project/<name>, the format of the Service Authorization Reference's CodeBuild section,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodebuild.html) and a
// webhook's id is its project's name, and its payload URL CodeBuild's regional webhook endpoint
// (the GitHub hook's own URL is left out: the mocks do not know the project's repository).
var runnerOutputs = map[string]outputFunc{
	"aws:codebuild/project:Project": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		arn := fmt.Sprintf("arn:aws:codebuild:%s:%s:project/%s", m.region, m.account, name)
		return arn, map[string]any{"name": name, "arn": arn, "badgeUrl": ""}
	},
	"aws:codebuild/webhook:Webhook": func(m *Mocks, r *target, h string) (string, map[string]any) {
		project, _ := r.Inputs["projectName"].(string)
		if project == "" || project == Unknown {
			project = r.Name
		}
		return project, map[string]any{
			"payloadUrl": fmt.Sprintf("https://codebuild.%s.amazonaws.com/webhooks?t=%s&v=1", m.region, h[:32]),
		}
	},
}
