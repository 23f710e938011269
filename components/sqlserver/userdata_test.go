package sqlserver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/policy"
)

var testDisks = []bootDisk{
	{"xvdf", "vol-0aaaaaaaaaaaaaaa1", "D", "SQLData"},
	{"xvdg", "vol-0aaaaaaaaaaaaaaa2", "L", "SQLLogs"},
	{"xvdh", "vol-0aaaaaaaaaaaaaaa3", "T", "TempDB"},
	{"xvdi", "vol-0aaaaaaaaaaaaaaa4", "B", "SQLBackup"},
}

const testSecretARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod-sa-a1b2c3"

// userDataViolations runs the user-data secret rule (FM-EC2-004) over an instance with script.
func userDataViolations(script string) []policy.Violation {
	rule, _ := policy.Lookup("FM-EC2-004")
	return policy.EvaluateRules([]policy.Rule{rule}, policy.Context{Environment: policy.Production}, []policy.Resource{{
		URN: "urn:pulumi:production::p::aws:ec2/instance:Instance::prod-sqlserver", Type: policy.TypeInstance, Name: "prod-sqlserver",
		Inputs: map[string]any{"userData": script},
	}})
}

// The policy rule that scans user data for secrets finds nothing in the boot script, and would
// find a password written into it.
func TestBootScriptPassesTheUserDataSecretRule(t *testing.T) {
	ud := userData("prod", Standard, testSecretARN, testDisks)
	if v := userDataViolations(ud); len(v) != 0 {
		t.Errorf("FM-EC2-004 flags the boot script: %+v", v)
	}
	leaked := strings.Replace(ud, "</powershell>", "$env:SA_PASSWORD = 'Xk9#Lq2!vB7pZ3'\n</powershell>", 1)
	if v := userDataViolations(leaked); len(v) != 1 {
		t.Errorf("a literal password is not caught: %+v", v)
	}
}

func TestSecretJSONHoldsUsernameAndPassword(t *testing.T) {
	s, err := secretJSON(`p"w\d`)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(s), &v); err != nil || v["username"] != "sa" || v["password"] != `p"w\d` || len(v) != 2 {
		t.Errorf("%s: %v %v", s, err, v)
	}
}

func TestKeyPolicyNamesThePartitionAndAccountOfTheRole(t *testing.T) {
	doc := KeyPolicy("aws-us-gov", "444455556666").String()
	if !strings.Contains(doc, `"AWS":"arn:aws-us-gov:iam::444455556666:root"`) || !strings.Contains(doc, `"Service":"cloudwatch.amazonaws.com"`) {
		t.Errorf("key policy %s", doc)
	}
}

func TestChildNameSuffixesAreStable(t *testing.T) {
	if got := cidrSlug("192.168.0.0/16"); got != "192-168-0-0-16" {
		t.Errorf("cidrSlug = %s", got)
	}
	if got := cidrSlug("2001:db8::/32"); got != "2001-db8---32" {
		t.Errorf("cidrSlug v6 = %s", got)
	}
	a := subscriptionName(AlarmSubscription{ProtocolEmail, "dba@flowmart.example"})
	if a != subscriptionName(AlarmSubscription{ProtocolEmail, "dba@flowmart.example"}) || !strings.HasPrefix(a, "email-") || len(a) != len("email-")+8 ||
		a == subscriptionName(AlarmSubscription{ProtocolEmail, "ops@flowmart.example"}) {
		t.Errorf("subscriptionName = %s", a)
	}
}
