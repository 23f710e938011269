package addons

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/policy"
)

// The container log group is encrypted with a log key the add-ons create: rotated, protected with
// Protect, usable by CloudWatch Logs of Region for the clusters' container log groups only.
func TestContainerLogGroupEncrypted(t *testing.T) {
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.Protect = true })
	key := get(t, doc, "aws:kms/key:Key", "test-logs")
	lg := get(t, doc, "aws:cloudwatch/logGroup:LogGroup", "test-logs")
	if key.Inputs["enableKeyRotation"] != true || !key.Protect || key.Parent != doc.Find(platformAddonsType)[0].URN {
		t.Errorf("log key: rotation %v protect %v parent %q", key.Inputs["enableKeyRotation"], key.Protect, key.Parent)
	}
	var p struct {
		Statement []struct {
			Sid       string
			Principal map[string]any
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal([]byte(key.Inputs["policy"].(string)), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Statement) != 2 || p.Statement[1].Sid != "CloudWatchLogs" || p.Statement[1].Principal["Service"] != "logs.eu-west-1.amazonaws.com" ||
		!slices.Equal(p.Statement[1].Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"], []string{"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/*/containers"}) {
		t.Errorf("log key policy: %s", key.Inputs["policy"])
	}
	if k, _ := lg.Inputs["kmsKeyId"].(string); !strings.HasPrefix(k, "arn:aws:kms:eu-west-1:111122223333:key/") || !slices.Contains(lg.Dependencies, key.URN) {
		t.Errorf("log group kmsKeyId %v, dependencies %v", lg.Inputs["kmsKeyId"], lg.Dependencies)
	}
	for _, v := range policy.Evaluate(policy.Context{Environment: policy.Production}, doc.PolicyResources()) {
		if v.Policy == "FM-LOG-002" || (v.Policy == "FM-PROT-001" && v.Resource == "test-logs") {
			t.Errorf("%s on %s: %s", v.Policy, v.Resource, v.Message)
		}
	}
}

// A given key is used as it is; with logging off there is neither key nor group.
func TestContainerLogKeyGivenOrAbsent(t *testing.T) {
	const given = "arn:aws:kms:eu-west-1:111122223333:key/2d3e4f5a-6b7c-8d9e-0f1a-b2c3d4e5f6a7"
	doc, _ := run(t, opts, func(a *PlatformAddonsArgs) { a.Logging.KMSKeyARN = pulumi.String(given) })
	if n := len(doc.Find("aws:kms/key:Key")); n != 0 {
		t.Errorf("%d keys created despite Logging.KMSKeyARN", n)
	}
	if lg := get(t, doc, "aws:cloudwatch/logGroup:LogGroup", "test-logs"); lg.Inputs["kmsKeyId"] != given {
		t.Errorf("kmsKeyId %v, want the given key", lg.Inputs["kmsKeyId"])
	}
	doc, _ = run(t, opts, func(a *PlatformAddonsArgs) { off := false; a.Logging.Enabled = &off })
	if n := len(doc.Find("aws:kms/key:Key")) + len(doc.Find("aws:cloudwatch/logGroup:LogGroup")); n != 0 {
		t.Errorf("logging off: %d keys and log groups", n)
	}
}
