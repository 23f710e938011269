package stacks

import (
	"strings"
	"testing"
)

// Every environment's pull-through caches work end to end: one repository creation template per
// cache prefix with the registry's key, the cache-pull policy attached to the cluster's node role
// (the role every node group uses), and the mirror URL per upstream exported for the add-ons.
// Enhanced scanning (account-wide) is configured only where the stack file opts in.
func TestRegistryCachePerEnvironment(t *testing.T) {
	scanning := map[string]bool{"dev": false, "staging": true, "production": true}
	accounts := map[string]string{"dev": "111122223333", "staging": "444455556666", "production": "777788889999"}
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		rules := doc.Find("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
		if len(rules) == 0 {
			t.Fatalf("%s: no pull-through cache rule", env)
		}
		key := doc.Get("aws:kms/key:Key", env+"-ecr-key")
		mirrors, _ := doc.Outputs["registryMirrorUrls"].(map[string]string)
		for _, rule := range rules {
			prefix := rule.Inputs["ecrRepositoryPrefix"].(string)
			tpl := doc.Get("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", rule.Name)
			if tpl == nil || tpl.Inputs["prefix"] != prefix || tpl.Inputs["customRoleArn"] == nil {
				t.Fatalf("%s: template of %s: %+v", env, prefix, tpl)
			}
			enc := tpl.Inputs["encryptionConfigurations"].([]any)[0].(map[string]any)
			if enc["encryptionType"] != "KMS" || enc["kmsKey"] == nil || key == nil {
				t.Errorf("%s: template %s encryption %v", env, prefix, enc)
			}
			want := accounts[env] + ".dkr.ecr.eu-west-1.amazonaws.com/" + prefix
			if mirrors[rule.Inputs["upstreamRegistryUrl"].(string)] != want {
				t.Errorf("%s: mirror of %s is %q, want %q (%v)", env, rule.Inputs["upstreamRegistryUrl"], mirrors[rule.Inputs["upstreamRegistryUrl"].(string)], want, mirrors)
			}
		}
		if len(mirrors) != len(rules) {
			t.Errorf("%s: mirrors %v for %d rules", env, mirrors, len(rules))
		}
		attach := doc.Get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", env+"-cache-pull-nodes")
		nodeRole := doc.Get("aws:iam/role:Role", env+"-nodes")
		if attach == nil || nodeRole == nil {
			t.Fatalf("%s: cache-pull attachment %+v, node role %+v", env, attach, nodeRole)
		}
		role, _ := attach.Inputs["role"].(string)
		if !strings.HasPrefix(role, env+"-nodes-") {
			t.Errorf("%s: the cache-pull policy is attached to %q, not the node role", env, role)
		}
		if policy, _ := attach.Inputs["policyArn"].(string); !strings.HasPrefix(policy, "arn:aws:iam::"+accounts[env]+":policy/"+env+"-cache-pull-") {
			t.Errorf("%s: attached policy %q", env, policy)
		}
		got := doc.Find("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")
		if (len(got) == 1) != scanning[env] || len(got) > 1 {
			t.Errorf("%s: %d registry scanning configurations, opted in: %v", env, len(got), scanning[env])
		}
	}
}
