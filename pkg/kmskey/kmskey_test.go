package kmskey

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// recorded is what the mock monitor saw of one resource.
type recorded struct {
	typ, name string
	protect   bool
	inputs    resource.PropertyMap
}

type mocks struct {
	mu  sync.Mutex
	got []recorded
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, recorded{args.TypeToken, args.Name, args.RegisterRPC.GetProtect(), args.Inputs})
	out := args.Inputs.Copy()
	out["arn"] = resource.NewStringProperty("arn:aws:kms:eu-west-1:111122223333:key/" + args.Name)
	out["keyId"] = resource.NewStringProperty(args.Name + "-id")
	return args.Name + "-id", out, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func run(t *testing.T, program func(ctx *pulumi.Context) error) ([]recorded, error) {
	t.Helper()
	m := &mocks{}
	err := pulumi.RunErr(program, pulumi.WithMocks("flowmart-platform", "test", m), func(info *pulumi.RunInfo) { info.DryRun = false })
	return m.got, err
}

var cloudWatch = iampolicy.Statement{
	Sid: "CloudWatchAlarmsToEncryptedTopic", Effect: "Allow",
	Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
	Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
}

func TestPolicy(t *testing.T) {
	for _, c := range []struct {
		name               string
		partition, account string
		services           []iampolicy.Statement
		want               string
	}{
		{"account only", "aws", "111122223333", nil,
			`{"Version":"2012-10-17","Statement":[{"Sid":"AccountIAMPolicies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:*"],"Resource":["*"]}]}`},
		{"GovCloud with CloudWatch", "aws-us-gov", "444455556666", []iampolicy.Statement{cloudWatch},
			`{"Version":"2012-10-17","Statement":[{"Sid":"AccountIAMPolicies","Effect":"Allow","Principal":{"AWS":"arn:aws-us-gov:iam::444455556666:root"},"Action":["kms:*"],"Resource":["*"]},` +
				`{"Sid":"CloudWatchAlarmsToEncryptedTopic","Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":["*"]}]}`},
	} {
		if got := Policy(c.partition, c.account, c.services...).String(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestNew(t *testing.T) {
	for _, c := range []struct {
		name       string
		args       Args
		protect    bool
		wantPolicy string // "" for no policy input
		wantAlias  string // "" for no alias
	}{
		{
			name: "account, service and alias, protected",
			args: Args{Description: "host key", Alias: "alias/prod-sqlserver",
				AccountARN: pulumi.String("arn:aws:iam::111122223333:role/prod-sqlserver"), ServiceStatements: []iampolicy.Statement{cloudWatch},
				Tags: pulumi.StringMap{"Name": pulumi.String("prod-key")}},
			protect:    true,
			wantPolicy: Policy("aws", "111122223333", cloudWatch).String(),
			wantAlias:  "alias/prod-sqlserver",
		},
		{
			name: "logs statement with the key's region",
			args: Args{Description: "flow logs key", AccountARN: pulumi.String("arn:aws:iam::111122223333:role/dev-flow-logs"),
				Region: pulumi.String("eu-west-1"),
				ServiceStatementsFor: func(s Scope) []iampolicy.Statement {
					return []iampolicy.Statement{LogsStatement(s, "/flowmart/dev/vpc-flow-logs")}
				}},
			wantPolicy: Policy("aws", "111122223333", LogsStatement(Scope{"aws", "111122223333", "eu-west-1"}, "/flowmart/dev/vpc-flow-logs")).String(),
		},
		{
			name:      "no account: KMS writes its default policy",
			args:      Args{Description: "registry key", Alias: "alias/prod-ecr-key"},
			wantAlias: "alias/prod-ecr-key",
		},
		{
			name:    "no alias",
			args:    Args{Description: "secrets key"},
			protect: true,
		},
	} {
		got, err := run(t, func(ctx *pulumi.Context) error {
			keyOpts := []pulumi.ResourceOption{}
			if c.protect {
				keyOpts = append(keyOpts, pulumi.Protect(true))
			}
			_, err := New(ctx, "prod-key", c.args, keyOpts, nil)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		wantN := 1
		if c.wantAlias != "" {
			wantN = 2
		}
		if len(got) != wantN {
			t.Fatalf("%s: %d resources: %+v", c.name, len(got), got)
		}
		key := got[0]
		in := key.inputs.Mappable()
		if key.typ != "aws:kms/key:Key" || key.name != "prod-key" || key.protect != c.protect ||
			in["enableKeyRotation"] != true || in["deletionWindowInDays"] != 30.0 || in["description"] != c.args.Description {
			t.Errorf("%s: key %+v", c.name, key)
		}
		if p, _ := in["policy"].(string); p != c.wantPolicy {
			t.Errorf("%s: policy %q, want %q", c.name, p, c.wantPolicy)
		}
		if c.wantAlias != "" {
			a := got[1]
			ain := a.inputs.Mappable()
			if a.typ != "aws:kms/alias:Alias" || a.name != "prod-key" || a.protect || ain["name"] != c.wantAlias || ain["targetKeyId"] != "prod-key-id" {
				t.Errorf("%s: alias %+v", c.name, a)
			}
		}
	}
}

// TestLogsStatement checks the statement against the example key policy of the CloudWatch Logs
// User Guide ("Encrypt log data in CloudWatch Logs using AWS KMS", step 2): the regional logs
// principal, the five action groups, and the log group ARN under kms:EncryptionContext:aws:logs:arn
// with ArnLike (the guide's operator; a trailing * is a prefix match only under *Like operators).
func TestLogsStatement(t *testing.T) {
	got := LogsStatement(Scope{"aws-us-gov", "444455556666", "us-gov-west-1"}, "/aws/eks/prod/cluster", "/flowmart/prod/*")
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Sid":"CloudWatchLogs","Effect":"Allow","Principal":{"Service":"logs.us-gov-west-1.amazonaws.com"},` +
		`"Action":["kms:Encrypt*","kms:Decrypt*","kms:ReEncrypt*","kms:GenerateDataKey*","kms:Describe*"],"Resource":["*"],` +
		`"Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":["arn:aws-us-gov:logs:us-gov-west-1:444455556666:log-group:/aws/eks/prod/cluster",` +
		`"arn:aws-us-gov:logs:us-gov-west-1:444455556666:log-group:/flowmart/prod/*"]}}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestRegionNeededByServiceStatementsFor(t *testing.T) {
	_, err := run(t, func(ctx *pulumi.Context) error {
		_, err := New(ctx, "k", Args{Description: "d", AccountARN: pulumi.String("arn:aws:iam::111122223333:role/r"),
			ServiceStatementsFor: func(s Scope) []iampolicy.Statement { return []iampolicy.Statement{LogsStatement(s, "g")} }}, nil, nil)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "needs the key's region (Region)") {
		t.Errorf("err = %v", err)
	}
}

func TestPolicyIsValidJSONWithTheAccountFirst(t *testing.T) {
	var doc struct {
		Statement []struct {
			Sid       string
			Principal map[string]string
			Action    []string
		}
	}
	if err := json.Unmarshal([]byte(Policy("aws-cn", "111122223333", cloudWatch).String()), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 2 || doc.Statement[0].Sid != AccountStatementSid || doc.Statement[0].Principal["AWS"] != "arn:aws-cn:iam::111122223333:root" ||
		!slices.Equal(doc.Statement[0].Action, []string{"kms:*"}) || doc.Statement[1].Principal["Service"] != "cloudwatch.amazonaws.com" {
		t.Errorf("policy %+v", doc)
	}
}

func TestNewRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		args Args
		want string
	}{
		{"service without account", Args{Description: "d", ServiceStatements: []iampolicy.Statement{cloudWatch}}, "service statements need the account"},
		{"not an ARN", Args{Description: "d", AccountARN: pulumi.String("prod-sqlserver")}, "is not an ARN"},
		{"no account", Args{Description: "d", AccountARN: pulumi.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}, "names no account"},
	} {
		_, err := run(t, func(ctx *pulumi.Context) error {
			_, err := New(ctx, "k", c.args, nil, nil)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}
