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

// The boot script is PowerShell, reads the password from the secret through the instance role,
// prepares each volume by its id at its drive letter, and contains no password.
func TestBootScriptReadsTheSecretAndPreparesTheDisks(t *testing.T) {
	ud := userData("prod", Enterprise, testSecretARN, testDisks)
	if !strings.HasPrefix(ud, "<powershell>\n") || !strings.HasSuffix(ud, "</powershell>\n") {
		t.Errorf("not a PowerShell user data script:\n%s", ud)
	}
	for _, want := range []string{
		"$SecretArn = '" + testSecretARN + "'",
		"$Region = $SecretArn.Split(':')[3]",
		"$env:SA_PASSWORD = ((Get-SECSecretValue -SecretId $SecretArn -Region $Region).SecretString | ConvertFrom-Json).password",
		"ALTER LOGIN [sa] WITH PASSWORD = N'$(SA_PASSWORD)';",
		"@{ Device = 'xvdf'; VolumeId = 'vol-0aaaaaaaaaaaaaaa1'; Letter = 'D'; Label = 'SQLData' }",
		"@{ Device = 'xvdg'; VolumeId = 'vol-0aaaaaaaaaaaaaaa2'; Letter = 'L'; Label = 'SQLLogs' }",
		"@{ Device = 'xvdh'; VolumeId = 'vol-0aaaaaaaaaaaaaaa3'; Letter = 'T'; Label = 'TempDB' }",
		"@{ Device = 'xvdi'; VolumeId = 'vol-0aaaaaaaaaaaaaaa4'; Letter = 'B'; Label = 'SQLBackup' }",
		"if ($disk.PartitionStyle -eq 'RAW')",    // only a new volume is formatted
		"-AllocationUnitSize 65536",              // 64 KiB clusters
		"Set-Partition -DiskNumber $disk.Number", // an existing volume only gets its letter back
		"N'D:\\SQLData'", "N'L:\\SQLLogs'", "N'B:\\SQLBackup'", "N''T:\\TempDB\\'",
		"Remove-Item -Path Env:SA_PASSWORD",
		"(Enterprise edition)",
	} {
		if !strings.Contains(ud, want) {
			t.Errorf("user data lacks %q", want)
		}
	}
	if strings.Count(ud, "Format-Volume") != 1 || strings.Contains(ud, "Clear-Disk") || strings.Contains(ud, "-RemoveData") {
		t.Error("the script could wipe a disk with data")
	}
}

// The policy rule that scans user data for secrets finds nothing in the boot script, and would
// find a password written into it.
func TestBootScriptPassesTheUserDataSecretRule(t *testing.T) {
	ud := userData("prod", Standard, testSecretARN, testDisks)
	if v := userDataViolations(ud); len(v) != 0 {
		t.Errorf("FM-EC2-004 flags the boot script: %+v", v)
	}
	leaked := strings.Replace(ud, "$env:SA_PASSWORD = ((Get-SECSecretValue", "$env:SA_PASSWORD = 'Xk9#Lq2!vB7pZ3'\n$unused = ((Get-SECSecretValue", 1)
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

// A rebuilt host attaches the user databases its data volume still holds, each on its own so one
// failure does not stop the others, and only those its new master does not know.
func TestBootScriptAttachesSurvivingDatabases(t *testing.T) {
	ud := userData("prod", Standard, testSecretARN, testDisks)
	for _, want := range []string{
		`Get-ChildItem -Path 'D:\SQLData' -Filter '*.mdf' -File`,
		`IF DB_ID(N'$name') IS NULL`,
		`CREATE DATABASE [$ident] ON (FILENAME = N'$file') FOR ATTACH`,
		`BEGIN TRY`, `BEGIN CATCH PRINT N'not attached $name: ' + ERROR_MESSAGE(); END CATCH`,
	} {
		if !strings.Contains(ud, want) {
			t.Errorf("boot script lacks %q", want)
		}
	}
	// the attach statements go into the file sqlcmd runs, before the service restarts
	if i, j, k := strings.Index(ud, "Add-Content -Path $tsql"), strings.Index(ud, "& sqlcmd.exe"), strings.Index(ud, "Restart-Service"); i < 0 || i > j || j > k {
		t.Errorf("attach (%d) must come before sqlcmd (%d) and the restart (%d)", i, j, k)
	}
}
