package arn

import (
	"strings"
	"testing"
)

// Shapes from the IAM User Guide, "Identify AWS resources with Amazon Resource Names (ARNs)"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html): its examples (IAM user,
// SNS topic, VPC), its paths (an IAM user with a path, an S3 object), and the shapes this platform
// reads (roles, secrets, keys, EKS clusters, AWS managed policies, a GovCloud role).
func TestParse(t *testing.T) {
	for _, c := range []struct {
		in                                       string
		partition, service, region, account, res string
		resourceType                             string
	}{
		{"arn:aws:iam::123456789012:user/johndoe", "aws", "iam", "", "123456789012", "user/johndoe", "user"},
		{"arn:aws:sns:us-east-1:123456789012:example-sns-topic-name", "aws", "sns", "us-east-1", "123456789012", "example-sns-topic-name", ""},
		{"arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0e9801d129EXAMPLE", "aws", "ec2", "us-east-1", "123456789012", "vpc/vpc-0e9801d129EXAMPLE", "vpc"},
		{"arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/JaneDoe", "aws", "iam", "", "123456789012", "user/division_abc/subdivision_xyz/JaneDoe", "user"},
		{"arn:aws:s3:::my_corporate_bucket/exampleobject.png", "aws", "s3", "", "", "my_corporate_bucket/exampleobject.png", "my_corporate_bucket"},
		{"arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod-vpn-private-key-AbC123", "aws", "secretsmanager", "eu-west-1", "111122223333", "secret:prod-vpn-private-key-AbC123", "secret"},
		{"arn:aws:kms:eu-west-1:111122223333:key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab", "aws", "kms", "eu-west-1", "111122223333", "key/0b5e2f43-1a2b-4c3d-8e9f-0123456789ab", "key"},
		{"arn:aws:eks:eu-west-1:111122223333:cluster/prod", "aws", "eks", "eu-west-1", "111122223333", "cluster/prod", "cluster"},
		{"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup", "aws", "iam", "", "aws", "policy/service-role/AWSBackupServiceRolePolicyForBackup", "policy"},
		{"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "aws", "eks", "", "aws", "cluster-access-policy/AmazonEKSClusterAdminPolicy", "cluster-access-policy"},
		{"arn:aws-us-gov:iam::444455556666:role/prod-sqlserver", "aws-us-gov", "iam", "", "444455556666", "role/prod-sqlserver", "role"},
		{"arn:aws-cn:logs:cn-north-1:111122223333:log-group:/aws/eks/prod/cluster:*", "aws-cn", "logs", "cn-north-1", "111122223333", "log-group:/aws/eks/prod/cluster:*", "log-group"},
	} {
		a, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		want := ARN{Partition: c.partition, Service: c.service, Region: c.region, AccountID: c.account, Resource: c.res}
		if a != want {
			t.Errorf("Parse(%q) = %+v, want %+v", c.in, a, want)
		}
		if a.ResourceType() != c.resourceType {
			t.Errorf("%q: resource type %q, want %q", c.in, a.ResourceType(), c.resourceType)
		}
		if a.String() != c.in {
			t.Errorf("String() = %q, want %q", a.String(), c.in)
		}
		if Region(c.in) != c.region {
			t.Errorf("Region(%q) = %q, want %q", c.in, Region(c.in), c.region)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "is not an ARN"},
		{"prod-vpn-private-key", "is not an ARN"},
		{"arn:aws:iam", "is not an ARN"},
		{"urn:aws:iam::123456789012:user/johndoe", "is not an ARN"},
		{"arn:gcp:iam::123456789012:user/johndoe", `partition "gcp"`},
		{"arn::iam::123456789012:user/johndoe", `partition ""`},
		{"arn:aws::us-east-1:123456789012:thing", "has no service"},
		{"arn:aws:iam::12345:role/x", `account "12345" is not 12 digits`},
		{"arn:aws:iam::12345678901a:role/x", "is not 12 digits"},
		{"arn:aws:sns:us-east-1:123456789012:", "has no resource"},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", c.in, err, c.want)
		}
		if Region(c.in) != "" {
			t.Errorf("Region(%q) = %q, want empty", c.in, Region(c.in))
		}
	}
}

func TestAccountRoot(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::111122223333:role/prod-sqlserver":          "arn:aws:iam::111122223333:root",
		"arn:aws-us-gov:iam::444455556666:role/prod-sqlserver":   "arn:aws-us-gov:iam::444455556666:root",
		"arn:aws:secretsmanager:eu-west-1:111122223333:secret:x": "arn:aws:iam::111122223333:root",
	} {
		a, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.AccountRoot(); got != want {
			t.Errorf("AccountRoot(%q) = %q, want %q", in, got, want)
		}
	}
}
