package cache

import (
	"fmt"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/iampolicy"
)

// Actions of the owning service's role (Service Authorization Reference: "Actions, resources, and
// condition keys for AWS Secrets Manager", GetSecretValue on resource type Secret,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html;
// "... for AWS Key Management Service", Decrypt on resource type key, condition key
// kms:ViaService, https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html).
const (
	ActionGetSecretValue = "secretsmanager:GetSecretValue"
	ActionDecrypt        = "kms:Decrypt"
)

// AccessStatementsFor are the least-privilege statements of the owning service's Pod Identity
// role for a cache whose AUTH token is in secretARN, encrypted with keyARN: read that one secret,
// and decrypt with that one key only through Secrets Manager in the key's region (the caller of
// GetSecretValue needs kms:Decrypt on a customer managed key; kms:ViaService limits it to calls
// Secrets Manager makes for it). Nothing else: the role does not manage the cache, and Valkey
// itself authenticates with the token. An ARN that is not one of its kind gives an error.
func AccessStatementsFor(secretARN, keyARN string) ([]iampolicy.Statement, error) {
	s, err := arn.Parse(secretARN)
	if err != nil || s.Service != "secretsmanager" {
		return nil, fmt.Errorf("the cache's secret ARN %q is not a Secrets Manager ARN", secretARN)
	}
	k, err := arn.Parse(keyARN)
	if err != nil || k.Service != "kms" || k.Region == "" {
		return nil, fmt.Errorf("the cache's key ARN %q is not a KMS key ARN", keyARN)
	}
	return []iampolicy.Statement{
		iampolicy.Allow("CacheAuthToken", []string{ActionGetSecretValue}, secretARN),
		{
			Sid: "CacheAuthTokenKey", Effect: "Allow",
			Action:    []string{ActionDecrypt},
			Resource:  []string{keyARN},
			Condition: map[string]any{"StringEquals": map[string]any{"kms:ViaService": "secretsmanager." + k.Region + ".amazonaws.com"}},
		},
	}, nil
}
