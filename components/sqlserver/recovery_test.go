package sqlserver

import "testing"

// The recover action is in the partition and region of the ARN it is derived from, without an
// account field (arn:<partition>:automate:<region>:ec2:recover); a string that is not an ARN
// with a region gives an error, never a wrong action.
func TestRecoverActionARN(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"arn:aws:sns:eu-west-1:111122223333:prod-sqlserver-alarms", "arn:aws:automate:eu-west-1:ec2:recover"},
		{"arn:aws-us-gov:sns:us-gov-west-1:444455556666:db-alarms", "arn:aws-us-gov:automate:us-gov-west-1:ec2:recover"},
		{"arn:aws-cn:sns:cn-north-1:777788889999:db-alarms", "arn:aws-cn:automate:cn-north-1:ec2:recover"},
		{"arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", "arn:aws:automate:us-east-1:ec2:recover"},
	} {
		got, err := RecoverActionARN(c.in)
		if err != nil || got != c.want {
			t.Errorf("RecoverActionARN(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "prod-sqlserver-alarms", "arn:aws:iam::111122223333:role/x", "arn:gcp:sns:eu-west-1:111122223333:t"} {
		if got, err := RecoverActionARN(bad); err == nil {
			t.Errorf("RecoverActionARN(%q) = %q, want an error", bad, got)
		}
	}
}
