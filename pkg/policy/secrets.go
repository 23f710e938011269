package policy

var secretsRules = []Rule{
	{
		ID:          "FM-SM-001",
		Description: "Secrets Manager secrets are encrypted with a customer managed KMS key",
		Enforcement: Advisory,
		Mirrors:     []string{"CKV_AWS_149"},
		Types:       []string{TypeSecret},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["kmsKeyId"]
			if unknown(v) || str(v) != "" {
				return none
			}
			return []string{"kmsKeyId is not set: the AWS managed key cannot be shared or audited per environment"}
		},
	},
}
