package policy

import (
	"encoding/json"
	"fmt"
)

var ecrRules = []Rule{
	{
		ID:          "FM-ECR-001",
		Description: "ECR repositories scan images on push",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_163", "AVD-AWS-0030", "FSBP ECR.1"},
		Types:       []string{TypeECRRepository},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := get(r.Inputs, "imageScanningConfiguration", "scanOnPush")
			if unknown(v) || unknown(r.Inputs["imageScanningConfiguration"]) || isTrue(v) {
				return none
			}
			return []string{"imageScanningConfiguration.scanOnPush is not true" + hint(r, map[string]string{
				registryType: "set RegistryArgs.Repositories[].ScanOnPush true, or leave it unset: it defaults to true; stack key repositories[].scanOnPush",
			}, "set imageScanningConfiguration.scanOnPush true")}
		},
	},
	{
		ID:          "FM-ECR-002",
		Description: "in production ECR repositories have immutable tags",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_51", "AVD-AWS-0031", "FSBP ECR.2"},
		Types:       []string{TypeECRRepository},
		Check: func(ctx Context, r Resource, _ []Resource) []string {
			v := r.Inputs["imageTagMutability"]
			if !ctx.Production() || unknown(v) || str(v) == "IMMUTABLE" {
				return none
			}
			return []string{fmt.Sprintf("imageTagMutability is %q, not IMMUTABLE: a pushed tag can be overwritten", str(v)) + hint(r, map[string]string{
				registryType: "set RegistryArgs.ImmutableTags and any Repositories[].ImmutableTags override true, or leave them unset: they default to true; stack keys registry.immutableTags, repositories[].immutableTags",
			}, "set imageTagMutability IMMUTABLE")}
		},
	},
	{
		ID:          "FM-ECR-003",
		Description: "ECR repositories are encrypted with a KMS key",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_136", "AVD-AWS-0033"},
		Types:       []string{TypeECRRepository},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			enc := r.Inputs["encryptionConfigurations"]
			if anyUnknown(enc) {
				return none
			}
			for _, e := range list(enc) {
				t := get(object(e), "encryptionType")
				if unknown(t) || str(t) == "KMS" {
					return none
				}
			}
			return []string{"encryptionConfigurations has no encryptionType KMS (AES256 is the default)"}
		},
	},
	{
		ID:          "FM-ECR-004",
		Description: "every ECR repository has a lifecycle policy",
		Enforcement: Mandatory,
		Mirrors:     []string{"FSBP ECR.3"},
		Types:       []string{TypeECRRepository},
		Check: func(_ Context, r Resource, all []Resource) []string {
			name := r.Inputs["name"]
			for _, p := range ofType(all, TypeECRLifecyclePolicy) {
				repo := p.Inputs["repository"]
				if dependsOn(p, r.URN) || (str(name) != "" && !unknown(name) && str(repo) == str(name)) {
					return none
				}
			}
			return []string{"no aws:ecr/lifecyclePolicy:LifecyclePolicy for this repository: images pile up forever"}
		},
	},
	{
		ID:          "FM-ECR-005",
		Description: "ECR repository policies do not grant access to everyone",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_32", "AVD-AWS-0032"},
		Types:       []string{TypeECRRepositoryPolicy},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			doc, ok := policyDocument(r.Inputs["policy"])
			if !ok {
				return none
			}
			var out []string
			for i, s := range doc.Statement {
				if s.Effect == "Allow" && publicPrincipal(s.Principal) {
					out = append(out, fmt.Sprintf("statement %s allows principal \"*\"", s.label(i)))
				}
			}
			return out
		},
	},
}

func publicPrincipal(p json.RawMessage) bool {
	if len(p) == 0 {
		return false
	}
	var s string
	if json.Unmarshal(p, &s) == nil {
		return s == "*"
	}
	var m map[string]stringOrList
	if json.Unmarshal(p, &m) == nil {
		for _, v := range m {
			if contains(v, "*") {
				return true
			}
		}
	}
	return false
}
