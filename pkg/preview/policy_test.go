package preview

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/policy"
)

// A program with a VPC whose flow log reads the VPC id (unknown during a preview): the rule
// traces it through the dependency. A key without rotation and a second VPC without anything fail.
func policyProgram(ctx *pulumi.Context) error {
	p, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
	if err != nil {
		return err
	}
	opts := pulumi.Provider(p)
	vpc, err := ec2.NewVpc(ctx, "good-vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")}, opts)
	if err != nil {
		return err
	}
	if _, err := ec2.NewFlowLog(ctx, "good-flow-logs", &ec2.FlowLogArgs{VpcId: vpc.ID(), TrafficType: pulumi.String("ALL"),
		LogDestinationType: pulumi.String("s3"), LogDestination: pulumi.String("arn:aws:s3:::flow-logs")}, opts); err != nil {
		return err
	}
	if _, err := ec2.NewDefaultSecurityGroup(ctx, "good-default-sg", &ec2.DefaultSecurityGroupArgs{VpcId: vpc.ID()}, opts); err != nil {
		return err
	}
	if _, err := ec2.NewVpc(ctx, "bare-vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.1.0.0/16")}, opts); err != nil {
		return err
	}
	_, err = kms.NewKey(ctx, "static-key", &kms.KeyArgs{Description: pulumi.String("no rotation")}, opts)
	return err
}

func TestEvaluatePolicy(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		doc, err := Run(policyProgram, Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Violations != nil {
			t.Fatal("Run evaluated policies; it must stay policy-free")
		}
		doc.EvaluatePolicy(policy.Context{Environment: policy.Production, Waivers: []policy.Waiver{
			{Policy: "FM-NET-002", Resource: "bare-vpc", Reason: "test: a lab VPC nobody launches into"},
			{Policy: "FM-EC2-003", Resource: "nothing-here", Reason: "test: an unused waiver"},
		}})
		var got []string
		for _, v := range doc.Violations {
			got = append(got, v.Policy+" "+v.Resource)
		}
		want := "FM-KMS-001 static-key,FM-NET-001 bare-vpc,FM-NET-002 bare-vpc,FM-PROT-001 static-key"
		if strings.Join(got, ",") != want {
			t.Fatalf("deploy %v: violations %q, want %s", deploy, got, want)
		}
		if doc.BlockingViolations() != 3 {
			t.Errorf("blocking = %d, want 3", doc.BlockingViolations())
		}
		var b bytes.Buffer
		if err := doc.WritePolicySummary(&b); err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{
			"rules evaluated (environment production)",
			"   3  mandatory violations",
			"   1  waived",
			"FM-NET-002  bare-vpc: test: a lab VPC nobody launches into",
			"FM-EC2-003  nothing-here: test: an unused waiver (matches no violation)",
			"mandatory  FM-KMS-001  static-key: enableKeyRotation is not true",
			"waived     FM-NET-002  bare-vpc:",
		} {
			if !strings.Contains(b.String(), line) {
				t.Errorf("summary lacks %q:\n%s", line, b.String())
			}
		}
		js, _ := doc.JSON()
		if !strings.Contains(string(js), `"violations": [`) || !strings.Contains(string(js), `"waiverReason": "test: a lab VPC nobody launches into"`) {
			t.Errorf("JSON lacks the violations")
		}
	}
	// Nothing to report still gives an empty list, and no summary without evaluation.
	empty := &Document{}
	var b bytes.Buffer
	_ = empty.WritePolicySummary(&b)
	empty.EvaluatePolicy(policy.Context{Environment: policy.Dev})
	if b.Len() != 0 || empty.Violations == nil || len(empty.Violations) != 0 {
		t.Errorf("empty document: summary %q, violations %#v", b.String(), empty.Violations)
	}
}
