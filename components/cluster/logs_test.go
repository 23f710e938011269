package cluster

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
)

func names(rs []*preview.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// logsStatement returns the CloudWatch Logs statement of a key policy: its service principal
// and the log-group ARNs its condition allows.
func logsStatement(t *testing.T, key *preview.Resource) (principal any, arns []string) {
	t.Helper()
	var p struct {
		Statement []struct {
			Sid       string
			Principal map[string]any
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal([]byte(key.Inputs["policy"].(string)), &p); err != nil {
		t.Fatalf("key policy: %v", err)
	}
	for _, s := range p.Statement {
		if s.Sid == "CloudWatchLogs" {
			return s.Principal["Service"], s.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
		}
	}
	t.Fatalf("no CloudWatchLogs statement in %s", key.Inputs["policy"])
	return nil, nil
}

// The control-plane log group (the name EKS writes to) is encrypted with a log key of its own:
// rotated, protected with the cluster, usable by CloudWatch Logs of the cluster's region for
// that group only; the secrets key's policy is left to KMS (no service statement).
func TestControlPlaneLogGroupEncrypted(t *testing.T) {
	args := baseArgs()
	args.Protect = true
	doc := build(t, args, true)
	key := doc.Get("aws:kms/key:Key", "prod-control-plane-logs")
	group := doc.Get("aws:cloudwatch/logGroup:LogGroup", "prod-control-plane")
	if key == nil || group == nil {
		t.Fatalf("no log key or group among %v", names(doc.Resources))
	}
	if key.Inputs["enableKeyRotation"] != true || !key.Protect || key.Parent != doc.Find(clusterType)[0].URN {
		t.Errorf("log key: rotation %v protect %v parent %q", key.Inputs["enableKeyRotation"], key.Protect, key.Parent)
	}
	principal, arns := logsStatement(t, key)
	if principal != "logs.eu-west-1.amazonaws.com" || !slices.Equal(arns, []string{"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/prod/cluster"}) {
		t.Errorf("logs statement: %v %v", principal, arns)
	}
	if group.Inputs["name"] != "/aws/eks/prod/cluster" || !strings.HasPrefix(group.Inputs["kmsKeyId"].(string), "arn:aws:kms:eu-west-1:111122223333:key/") || !slices.Contains(group.Dependencies, key.URN) {
		t.Errorf("control-plane log group %v, dependencies %v", group.Inputs, group.Dependencies)
	}
	if secrets := doc.Get("aws:kms/key:Key", "prod-secrets"); secrets.Inputs["policy"] != nil {
		t.Errorf("secrets key policy changed: %v", secrets.Inputs["policy"])
	}
	eks := doc.Find("aws:eks/cluster:Cluster")[0]
	if !slices.Contains(eks.Dependencies, group.URN) {
		t.Errorf("cluster does not wait for its log group: %v", eks.Dependencies)
	}
	for _, v := range policy.Evaluate(policy.Context{Environment: policy.Production}, doc.PolicyResources()) {
		if v.Policy == "FM-LOG-002" || v.Policy == "FM-EKS-004" {
			t.Errorf("%s on %s: %s", v.Policy, v.Resource, v.Message)
		}
	}
}

// A given secrets key names the region of the log key's policy; a given log key is used as it
// is; a secrets key given by alias name (no region) fails the update with one line.
func TestLogKeyRegionAndBringYourOwn(t *testing.T) {
	args := baseArgs()
	args.KMSKeyARN = pulumi.String("arn:aws:kms:eu-central-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab")
	doc := build(t, args, true)
	principal, _ := logsStatement(t, doc.Get("aws:kms/key:Key", "prod-control-plane-logs"))
	if principal != "logs.eu-central-1.amazonaws.com" {
		t.Errorf("log key principal %v, want the secrets key's region", principal)
	}

	const given = "arn:aws:kms:eu-west-1:111122223333:key/1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6"
	args = baseArgs()
	args.LogKMSKeyARN = pulumi.String(given)
	doc = build(t, args, true)
	if keys := names(doc.Find("aws:kms/key:Key")); !slices.Equal(keys, []string{"prod-secrets"}) {
		t.Errorf("keys %v, want the secrets key only", keys)
	}
	if g := doc.Get("aws:cloudwatch/logGroup:LogGroup", "prod-control-plane"); g.Inputs["kmsKeyId"] != given {
		t.Errorf("kmsKeyId %v, want the given key", g.Inputs["kmsKeyId"])
	}

	args = baseArgs()
	args.KMSKeyARN = pulumi.String("alias/eks-secrets")
	_, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		_, err := NewCluster(ctx, "prod", args, provider)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err == nil || !strings.Contains(err.Error(), `KMSKeyARN "alias/eks-secrets" names no region`) {
		t.Errorf("alias without region: %v", err)
	}
}
