// Package pack builds the platform's Pulumi policy pack from pkg/policy: the adapter from the
// analyzer's resources (property maps with unknowns and secrets) to policy.Resource, one stack
// validation policy per rule, and the stack's context (environment and waivers).
package pack

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"gopkg.in/yaml.v3"

	"github.com/flowmart/platform/pkg/policy"
)

// Name is the pack's name, as in PulumiPolicy.yaml.
const Name = "flowmart-platform-policy"

// New wraps every rule of pkg/policy in a stack validation policy (rules such as flow logs per
// VPC need the whole graph).
func New(pctx policy.Context) (policyx.PolicyPack, error) {
	policies := make([]policyx.Policy, 0, len(policy.Rules))
	for _, rule := range policy.Rules {
		policies = append(policies, policyx.NewStackValidationPolicy(rule.ID, policyx.StackValidationPolicyArgs{
			Description:      rule.Description,
			EnforcementLevel: enforcement(rule.Enforcement),
			ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
				for _, v := range violations(rule, pctx, args.Resources) {
					args.Manager.ReportViolation(v.Message, v.URN)
				}
				return nil
			},
		}))
	}
	return policyx.NewPolicyPack(Name, semver.MustParse("1.0.0"), policyx.EnforcementLevelMandatory, policies)
}

// StackContext returns the policy context of a stack: its environment and the waivers of its
// stack file, found in dir or a directory above it (the pack lives in the project's policy/).
func StackContext(stack, dir string) (policy.Context, error) {
	pctx := policy.Context{Environment: stack}
	path, ok := findStackFile(stack, dir)
	if !ok {
		return pctx, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return pctx, err
	}
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &file); err != nil {
		return pctx, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if env, ok := file.Config["flowmart-platform:environment"].(string); ok {
		pctx.Environment = env
	}
	if raw, ok := file.Config["flowmart-platform:policyWaivers"]; ok {
		j, err := json.Marshal(raw)
		if err == nil {
			err = json.Unmarshal(j, &pctx.Waivers)
		}
		if err == nil {
			err = policy.ValidateWaivers("policyWaivers", pctx.Waivers)
		}
		if err != nil {
			return pctx, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
	}
	return pctx, nil
}

func findStackFile(stack, dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "Pulumi."+stack+".yaml")
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}
