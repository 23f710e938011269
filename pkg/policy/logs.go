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
	{
		// Without kmsKeyId CloudWatch Logs encrypts with its own service key, which no key policy of
		// the account controls or audits (CloudWatch Logs User Guide, "Encrypt log data in
		// CloudWatch Logs using AWS Key Management Service",
		// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
		// Mirrors KICS assets/queries/terraform/aws/cloudwatch_log_group_not_encrypted (v2.2.0).
		ID:          "FM-LOG-002",
		Description: "CloudWatch log groups are encrypted with a customer managed KMS key",
		Enforcement: Mandatory,
		Mirrors:     []string{"KICS 0afbcfe9-d341-4b92-a64c-7e6de0543879", "AVD-AWS-0017", "AWS Config CLOUDWATCH_LOG_GROUP_ENCRYPTED"},
		Types:       []string{TypeLogGroup},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["kmsKeyId"]
			if unknown(v) || str(v) != "" {
				return none
			}
			return []string{"kmsKeyId is not set: the log group is encrypted with the CloudWatch Logs service key, not a customer managed key" + hint(r, map[string]string{
				networkType: "set NetworkArgs.LogKMSKeyARN, or leave it unset: the network then creates a key for its log groups",
				clusterType: "set ClusterArgs.LogKMSKeyARN, or leave it unset: the cluster then creates a key for its control-plane log group",
				addonsType:  "set PlatformAddonsArgs.Logging.KMSKeyARN, or leave it unset: the add-ons then create a key for the container log group",
			}, "set kmsKeyId to a customer managed key whose policy lets logs.<region>.amazonaws.com use it")}
		},
	},
}

func show(v any) string {
	if v == nil {
		return "not set"
	}
	return fmt.Sprint(v)
}
