package policy

import "fmt"

var acmRules = []Rule{
	{
		ID:          "FM-ACM-001",
		Description: "ACM certificates are validated through DNS",
		Enforcement: Mandatory,
		Mirrors:     []string{"DESIGN certificate validated in Cloudflare"},
		Types:       []string{TypeCertificate},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["validationMethod"]
			if unknown(v) || str(v) == "DNS" {
				return none
			}
			if r.Inputs["certificateBody"] != nil || r.Inputs["privateKey"] != nil {
				return none // an imported certificate has no validation
			}
			return []string{fmt.Sprintf("validationMethod is %q, not DNS: renewals would need a person", show(v))}
		},
	},
	{
		ID:          "FM-ACM-002",
		Description: "ACM certificates are logged to certificate transparency",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_234"},
		Types:       []string{TypeCertificate},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := get(r.Inputs, "options", "certificateTransparencyLoggingPreference")
			if unknown(v) || unknown(r.Inputs["options"]) || v == nil || str(v) == "ENABLED" {
				return none // ENABLED is the default
			}
			return []string{fmt.Sprintf("options.certificateTransparencyLoggingPreference is %q, not ENABLED", str(v))}
		},
	},
}
