package preview

import (
	"strings"
	"testing"
)

func TestCICDOutputs(t *testing.T) {
	m := newRecorder("flowmart-bootstrap", "production", "eu-west-1", "777788889999")
	h := strings.Repeat("0123456789abcdef", 4)
	oidc := cicdOutputs["aws:iam/openIdConnectProvider:OpenIdConnectProvider"]

	id, out := oidc(m, &Resource{Name: "flowmart-github-oidc", Inputs: map[string]any{"url": githubOIDCURL}}, h)
	if want := "arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com"; id != want || out["arn"] != want {
		t.Errorf("GitHub provider: %s %v", id, out)
	}
	// Any other issuer (a cluster's IRSA provider) answers exactly as the cluster table does.
	eks := &Resource{Name: "prod-oidc", Inputs: map[string]any{"url": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"}}
	wantID, wantOut := clusterOutputs["aws:iam/openIdConnectProvider:OpenIdConnectProvider"](m, eks, h)
	if id, out := oidc(m, eks, h); id != wantID || out["arn"] != wantOut["arn"] {
		t.Errorf("cluster provider: %s %v, want %s %v", id, out, wantID, wantOut)
	}

	id, out = cicdOutputs["aws:iam/policy:Policy"](m, &Resource{Name: "p", Inputs: map[string]any{"name": "flowmart-deploy-production-iam"}}, h)
	if id != "arn:aws:iam::777788889999:policy/flowmart-deploy-production-iam" || out["arn"] != id {
		t.Errorf("policy: %s %v", id, out)
	}
	id, out = cicdOutputs["aws:s3/bucketV2:BucketV2"](m, &Resource{Name: "state", Inputs: map[string]any{"bucket": "flowmart-pulumi-state"}}, h)
	if id != "flowmart-pulumi-state" || out["arn"] != "arn:aws:s3:::flowmart-pulumi-state" || out["bucketRegionalDomainName"] != "flowmart-pulumi-state.s3.eu-west-1.amazonaws.com" {
		t.Errorf("bucket: %s %v", id, out)
	}
	if id, _ := cicdOutputs["aws:s3/bucketPolicy:BucketPolicy"](m, &Resource{Name: "state", Inputs: map[string]any{"bucket": "flowmart-pulumi-state"}}, h); id != "flowmart-pulumi-state" {
		t.Errorf("bucket policy id %s", id)
	}
	if id, _ := cicdOutputs["aws:s3/bucketVersioningV2:BucketVersioningV2"](m, &Resource{Name: "state", Inputs: map[string]any{}}, h); id != "state-01234567" {
		t.Errorf("versioning id without a bucket %s", id)
	}
}
