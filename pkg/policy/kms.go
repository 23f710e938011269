package policy

var kmsRules = []Rule{
	{
		ID:          "FM-KMS-001",
		Description: "KMS keys rotate automatically",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_7", "AVD-AWS-0065", "FSBP KMS.4"},
		Types:       []string{TypeKMSKey},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["enableKeyRotation"]
			if unknown(v) || isTrue(v) {
				return none
			}
			if spec := str(r.Inputs["customerMasterKeySpec"]); spec != "" && spec != "SYMMETRIC_DEFAULT" && !unknown(r.Inputs["customerMasterKeySpec"]) {
				return none // AWS rotates only symmetric keys
			}
			return []string{"enableKeyRotation is not true"}
		},
	},
}
