package stacks

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/flowmart/platform/components/cicd"
	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// identityName is the name bootstrap gives its components/cicd identity in every account (its
// namePrefix default, bootstrap/config.go), which prefixes the roles it creates.
const identityName = "flowmart"

// AmazonEKSAdminViewPolicy is the read-only access policy of the preview and drift roles: get,
// list and watch on every resource, Secrets included ("Review access policy permissions",
// https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html).
// AmazonEKSViewPolicy grants no Secrets, and Helm 3 keeps each release in a Secret of its
// namespace (its default storage driver, https://helm.sh/docs/topics/advanced/#storage-backends),
// which a helm.v3.Release's preview and refresh read.
const adminViewPolicyARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"

// Every principal in a stack file's cluster.accessEntries is a role of the stack's account; one
// named like the CI identity's roles (flowmart-deploy-*, flowmart-preview, flowmart-drift,
// flowmart-ecr-push-*) must be a role bootstrap creates for this environment, so no entry names a
// CI role that does not exist or belongs to another environment; people's roles (production's
// flowmart-sre, read-only) stay allowed. The preview and drift roles each have exactly the
// read-only policy at cluster scope. (config.ClusterArgs adds the deploy
// role of assumeRoleArn as cluster admin; the runner's service role has no entry.)
func TestAccessEntriesAreBootstrapRoles(t *testing.T) {
	for _, env := range envs {
		sf, err := preview.LoadStackFile("..", env, "")
		if err != nil {
			t.Fatal(err)
		}
		account := sf.Config[config.Project+":"+config.KeyAccountID]
		role := func(name string) string { return "arn:aws:iam::" + account + ":role/" + name }
		readOnly := []string{role(cicd.PreviewRoleName(identityName)), role(cicd.DriftRoleName(identityName))}
		allowed := append([]string{role(cicd.DeployRoleName(identityName, env))}, readOnly...)

		var k config.ClusterConfig
		if err := json.Unmarshal([]byte(sf.Config[config.Project+":"+config.KeyCluster]), &k); err != nil {
			t.Fatalf("%s: cluster: %v", env, err)
		}
		seen := map[string]bool{}
		for i, e := range k.AccessEntries {
			name, inAccount := strings.CutPrefix(e.PrincipalARN, role(""))
			if !inAccount {
				t.Errorf("%s: cluster.accessEntries[%d].principalArn %s is not a role of account %s", env, i, e.PrincipalARN, account)
			}
			ciName := strings.HasPrefix(name, identityName+"-deploy-") || strings.HasPrefix(name, identityName+"-ecr-push-") ||
				name == cicd.PreviewRoleName(identityName) || name == cicd.DriftRoleName(identityName)
			if ciName && !slices.Contains(allowed, e.PrincipalARN) {
				t.Errorf("%s: cluster.accessEntries[%d].principalArn %s is named like a CI role but is not one bootstrap creates for %s (allowed: %v)", env, i, e.PrincipalARN, env, allowed)
			}
			if seen[e.PrincipalARN] {
				t.Errorf("%s: %s has two access entries", env, e.PrincipalARN)
			}
			seen[e.PrincipalARN] = true
			if slices.Contains(readOnly, e.PrincipalARN) {
				if len(e.KubernetesGroups) != 0 || len(e.AccessPolicies) != 1 {
					t.Errorf("%s: %s: want exactly one access policy and no groups, got %+v", env, e.PrincipalARN, e)
					continue
				}
				p := e.AccessPolicies[0]
				if p.PolicyARN != adminViewPolicyARN || (p.ScopeType != "" && p.ScopeType != "cluster") || len(p.Namespaces) != 0 {
					t.Errorf("%s: %s: access policy %+v, want %s at cluster scope", env, e.PrincipalARN, p, adminViewPolicyARN)
				}
			}
		}
		for _, r := range readOnly {
			if !seen[r] {
				t.Errorf("%s: cluster.accessEntries has no entry for %s", env, r)
			}
		}
	}
}

// The access entries reach the cluster: the preview and drift roles' entries and read-only
// associations are in the AWS layer's graph of every stack, beside the deploy role's admin entry.
func TestReadOnlyAccessEntriesInTheGraph(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		for _, name := range []string{cicd.PreviewRoleName(identityName), cicd.DriftRoleName(identityName), cicd.DeployRoleName(identityName, env)} {
			entry := layerGet(doc, AWSLayer, "aws:eks/accessEntry:AccessEntry", env+"-access-"+name)
			if entry == nil {
				t.Errorf("%s: no access entry %s-access-%s", env, env, name)
				continue
			}
			var policies []string
			for _, r := range doc.Resources {
				if r.Type == "aws:eks/accessPolicyAssociation:AccessPolicyAssociation" && r.Inputs["principalArn"] == entry.Inputs["principalArn"] {
					policies = append(policies, r.Inputs["policyArn"].(string))
				}
			}
			want := adminViewPolicyARN
			if name == cicd.DeployRoleName(identityName, env) {
				want = config.AdminPolicyARN
			}
			if !slices.Equal(policies, []string{want}) {
				t.Errorf("%s: %s has policies %v, want [%s]", env, name, policies, want)
			}
		}
	}
}
