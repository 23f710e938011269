package policy

import "fmt"

var logsRules = []Rule{
	{
		ID:          "FM-LOG-001",
		Description: "CloudWatch log groups set a retention",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_66", "FSBP CloudWatch.16"},
		Types:       []string{TypeLogGroup},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["retentionInDays"]
			if unknown(v) {
				return none
			}
			if n, ok := number(v); ok && n > 0 {
				return none
			}
			return []string{fmt.Sprintf("retentionInDays is %v: logs are kept (and billed) forever", show(v))}
		},
	},
}

func show(v any) string {
	if v == nil {
		return "not set"
	}
	return fmt.Sprint(v)
}
