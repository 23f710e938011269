package mocks

import "fmt"

// registryOutputs are the computed outputs of the Registry component's resource types.
var registryOutputs = map[string]outputFunc{
	"aws:kms/key:Key": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
		return id, map[string]any{"keyId": id, "arn": fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", m.region, m.account, id)}
	},
	"aws:kms/alias:Alias": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{"arn": fmt.Sprintf("arn:aws:kms:%s:%s:%s", m.region, m.account, name), "targetKeyArn": fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", m.region, m.account, r.Inputs["targetKeyId"])}
	},
	"aws:ecr/repository:Repository": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{
			"name":          name,
			"arn":           fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", m.region, m.account, name),
			"registryId":    m.account,
			"repositoryUrl": fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", m.account, m.region, name),
		}
	},
	"aws:ecr/lifecyclePolicy:LifecyclePolicy": func(m *Mocks, r *target, h string) (string, map[string]any) {
		repo, _ := r.Inputs["repository"].(string)
		return repo, map[string]any{"registryId": m.account}
	},
	"aws:ecr/repositoryPolicy:RepositoryPolicy": func(m *Mocks, r *target, h string) (string, map[string]any) {
		repo, _ := r.Inputs["repository"].(string)
		return repo, map[string]any{"registryId": m.account}
	},
	"aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return m.account, map[string]any{"registryId": m.account}
	},
	"aws:ecr/pullThroughCacheRule:PullThroughCacheRule": func(m *Mocks, r *target, h string) (string, map[string]any) {
		prefix, _ := r.Inputs["ecrRepositoryPrefix"].(string)
		return prefix, map[string]any{"registryId": m.account}
	},
	"aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": func(m *Mocks, r *target, h string) (string, map[string]any) {
		prefix, _ := r.Inputs["prefix"].(string)
		return prefix, map[string]any{"registryId": m.account}
	},
}
