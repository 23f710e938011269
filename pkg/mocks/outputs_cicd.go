package mocks

import (
	"fmt"
	"strings"
)

// githubOIDCURL is the issuer of GitHub Actions' OIDC tokens (components/cicd).
const githubOIDCURL = "https://token.actions.githubusercontent.com"

// bucketID is the id (the bucket name) of the bucket an S3 sub-resource configures.
func bucketID(r *target, h string) string {
	if b, ok := r.Inputs["bucket"].(string); ok && b != "" {
		return b
	}
	return r.Name + "-" + h[:8]
}

// cicdOutputs are the computed outputs of the DeployIdentity component's resource types and of
// the bootstrap program's state bucket. It must come after clusterOutputs in mergeTables: its
// OIDC provider entry answers for GitHub's issuer and hands every other issuer (the clusters'
// IRSA providers) to the cluster table, so the cluster's graph does not change.
var cicdOutputs = map[string]outputFunc{
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": func(m *Mocks, r *target, h string) (string, map[string]any) {
		if r.Inputs["url"] != githubOIDCURL {
			return clusterOutputs["aws:iam/openIdConnectProvider:OpenIdConnectProvider"](m, r, h)
		}
		arn := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", m.account, strings.TrimPrefix(githubOIDCURL, "https://"))
		return arn, map[string]any{"arn": arn}
	},
	"aws:iam/policy:Policy": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		arn := fmt.Sprintf("arn:aws:iam::%s:policy/%s", m.account, name)
		return arn, map[string]any{"name": name, "arn": arn, "policyId": "ANPA" + strings.ToUpper(h[:17]), "attachmentCount": 1}
	},
	"aws:s3/bucketV2:BucketV2": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name, _ := r.Inputs["bucket"].(string)
		if name == "" || name == Unknown {
			name = r.Name + "-" + h[:7]
		}
		return name, map[string]any{
			"bucket":                   name,
			"arn":                      "arn:aws:s3:::" + name,
			"region":                   m.region,
			"bucketDomainName":         name + ".s3.amazonaws.com",
			"bucketRegionalDomainName": fmt.Sprintf("%s.s3.%s.amazonaws.com", name, m.region),
			"hostedZoneId":             "Z1BKCTXD74EZPE",
		}
	},
	"aws:s3/bucketVersioningV2:BucketVersioningV2": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return bucketID(r, h), nil
	},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return bucketID(r, h), nil
	},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return bucketID(r, h), nil
	},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return bucketID(r, h), nil
	},
	"aws:s3/bucketPolicy:BucketPolicy": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return bucketID(r, h), nil
	},
}
