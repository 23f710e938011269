package queue

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// Each optional field defaults as its comment says; a set value (0 visibility included) is kept.
func TestDefaults(t *testing.T) {
	d := baseArgs().withDefaults()
	if *d.VisibilityTimeoutSeconds != 30 || d.RetentionSeconds != 345600 || d.MaxReceiveCount != 5 ||
		d.KMSDataKeyReusePeriodSeconds != 300 || d.MaxAgeSeconds != 300 || d.FIFO || d.ContentBasedDeduplication || d.Protect {
		t.Errorf("defaults %+v", d)
	}
	zero := baseArgs()
	zero.VisibilityTimeoutSeconds = pulumi.IntRef(0)
	if v := *zero.withDefaults().VisibilityTimeoutSeconds; v != 0 {
		t.Errorf("a visibility timeout of 0 became %d", v)
	}
	var nilArgs *QueueArgs
	if err := nilArgs.Validate("q"); err == nil || !strings.HasPrefix(err.Error(), "Service: ") {
		t.Errorf("nil args: %v", err)
	}
	// withDefaults works on a copy
	a := baseArgs()
	_ = a.withDefaults()
	if a.VisibilityTimeoutSeconds != nil || a.RetentionSeconds != 0 {
		t.Errorf("withDefaults changed its receiver: %+v", a)
	}
}

// The physical names: <NamePrefix><Service>-<Name>, -dlq, .fifo last.
func TestNames(t *testing.T) {
	a := baseArgs().withDefaults()
	if a.QueueName() != "production-orders-placed" || a.DeadLetterQueueName() != "production-orders-placed-dlq" || a.keyAlias() != "alias/production-orders-placed-sqs" {
		t.Errorf("names %s %s %s", a.QueueName(), a.DeadLetterQueueName(), a.keyAlias())
	}
	a.FIFO, a.NamePrefix = true, ""
	if a.QueueName() != "orders-placed.fifo" || a.DeadLetterQueueName() != "orders-placed-dlq.fifo" || a.keyAlias() != "alias/orders-placed-fifo-sqs" {
		t.Errorf("FIFO names %s %s %s", a.QueueName(), a.DeadLetterQueueName(), a.keyAlias())
	}
}

// One failing and one passing case per rule; every error is a *fielderr.Error on one line naming
// the field and the bad value.
func TestValidate(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name   string
		mutate func(*QueueArgs)
		want   string // "" passes
	}{
		{"service ok", func(a *QueueArgs) { a.Service = "Orders_2" }, ""},
		{"service empty", func(a *QueueArgs) { a.Service = "" }, `Service: "" is not a queue name part`},
		{"service dot", func(a *QueueArgs) { a.Service = "orders.v2" }, `Service: "orders.v2" is not a queue name part`},
		{"name ok", func(a *QueueArgs) { a.Name = "placed-v2" }, ""},
		{"name space", func(a *QueueArgs) { a.Name = "placed now" }, `Name: "placed now" is not a queue name part`},
		{"prefix empty ok", func(a *QueueArgs) { a.NamePrefix = "" }, ""},
		{"prefix slash", func(a *QueueArgs) { a.NamePrefix = "prod/" }, `NamePrefix: "prod/" is not a queue name prefix`},
		// production-orders- (18) + name + -dlq (4): 80 characters fit, 81 do not
		{"80 characters", func(a *QueueArgs) { a.Name = long(80 - 18 - 4) }, ""},
		{"81 characters", func(a *QueueArgs) { a.Name = long(81 - 18 - 4) }, "Name: the dead-letter queue's name"},
		{"fifo 80", func(a *QueueArgs) { a.FIFO = true; a.Name = long(80 - 18 - 4 - 5) }, ""},
		{"fifo 81", func(a *QueueArgs) { a.FIFO = true; a.Name = long(81 - 18 - 4 - 5) }, "has 81 characters: SQS allows 80"},
		{"owner ok", func(a *QueueArgs) { a.Owner = "Team Orders@eu" }, ""},
		{"owner empty", func(a *QueueArgs) { a.Owner = "" }, `Owner: "" is not an owning team`},
		{"owner bad char", func(a *QueueArgs) { a.Owner = "team#orders" }, `Owner: "team#orders" is not an owning team`},
		{"owner too long", func(a *QueueArgs) { a.Owner = long(257) }, "Owner: "},
		{"dedup fifo ok", func(a *QueueArgs) { a.FIFO, a.ContentBasedDeduplication = true, true }, ""},
		{"dedup standard", func(a *QueueArgs) { a.ContentBasedDeduplication = true }, "ContentBasedDeduplication: is set on a standard queue"},
		{"visibility 0", func(a *QueueArgs) { a.VisibilityTimeoutSeconds = pulumi.IntRef(0) }, ""},
		{"visibility 43200", func(a *QueueArgs) { a.VisibilityTimeoutSeconds = pulumi.IntRef(43200) }, ""},
		{"visibility 43201", func(a *QueueArgs) { a.VisibilityTimeoutSeconds = pulumi.IntRef(43201) }, "VisibilityTimeoutSeconds: 43201 is outside 0 to 43200"},
		{"visibility -1", func(a *QueueArgs) { a.VisibilityTimeoutSeconds = pulumi.IntRef(-1) }, "VisibilityTimeoutSeconds: -1 is outside"},
		{"retention 60", func(a *QueueArgs) { a.RetentionSeconds, a.MaxAgeSeconds = 60, 30 }, ""},
		{"retention 14 days", func(a *QueueArgs) { a.RetentionSeconds = 1209600 }, ""},
		{"retention 59", func(a *QueueArgs) { a.RetentionSeconds = 59 }, "RetentionSeconds: 59 is outside 60 to 1209600"},
		{"retention 15 days", func(a *QueueArgs) { a.RetentionSeconds = 1209601 }, "RetentionSeconds: 1209601 is outside"},
		{"receives 1000", func(a *QueueArgs) { a.MaxReceiveCount = 1000 }, ""},
		{"receives 1001", func(a *QueueArgs) { a.MaxReceiveCount = 1001 }, "MaxReceiveCount: 1001 is outside 1 to 1000"},
		{"receives negative", func(a *QueueArgs) { a.MaxReceiveCount = -3 }, "MaxReceiveCount: -3 is outside"},
		{"data key 86400", func(a *QueueArgs) { a.KMSDataKeyReusePeriodSeconds = 86400 }, ""},
		{"data key 59", func(a *QueueArgs) { a.KMSDataKeyReusePeriodSeconds = 59 }, "KMSDataKeyReusePeriodSeconds: 59 is outside 60 to 86400"},
		{"max age below retention", func(a *QueueArgs) { a.RetentionSeconds, a.MaxAgeSeconds = 3600, 3599 }, ""},
		{"max age at retention", func(a *QueueArgs) { a.RetentionSeconds, a.MaxAgeSeconds = 3600, 3600 }, "MaxAgeSeconds: 3600 must be at least 1 and below RetentionSeconds (3600)"},
		{"max age negative", func(a *QueueArgs) { a.MaxAgeSeconds = -1 }, "MaxAgeSeconds: -1 must be at least 1"},
		{"tags ok", func(a *QueueArgs) { a.Tags = map[string]string{"team:cost-center": "shop"} }, ""},
		{"tag key reserved", func(a *QueueArgs) { a.Tags = map[string]string{"aws:owner": "x"} }, `Tags: key "aws:owner" is not a tag key`},
		{"tag key empty", func(a *QueueArgs) { a.Tags = map[string]string{"": "x"} }, `Tags: key "" is not a tag key`},
		{"tag value long", func(a *QueueArgs) { a.Tags = map[string]string{"k": long(257)} }, `Tags: the value of "k" has more than 256 characters`},
		{"key ok", func(a *QueueArgs) { a.KMSKeyARN = pulumi.StringPtr(givenKeyARN) }, ""},
		{"key output ok", func(a *QueueArgs) { a.KMSKeyARN = pulumi.String("x").ToStringOutput() }, ""},
		{"key alias", func(a *QueueArgs) {
			a.KMSKeyARN = pulumi.StringPtr("arn:aws:kms:eu-west-1:111122223333:alias/orders")
		}, `KMSKeyARN: "arn:aws:kms:eu-west-1:111122223333:alias/orders" is not a KMS key ARN`},
		{"key id", func(a *QueueArgs) { a.KMSKeyARN = pulumi.StringPtr("0b1c2d3e") }, `KMSKeyARN: "0b1c2d3e" is not a KMS key ARN`},
		{"topic output ok", func(a *QueueArgs) { a.AlarmTopicARN = pulumi.String(topicARN).ToStringOutput() }, ""},
		{"topic missing", func(a *QueueArgs) { a.AlarmTopicARN = nil }, "AlarmTopicARN: is required"},
		{"topic not sns", func(a *QueueArgs) {
			a.AlarmTopicARN = pulumi.String("arn:aws:sqs:eu-west-1:111122223333:pager")
		}, `AlarmTopicARN: "arn:aws:sqs:eu-west-1:111122223333:pager" is not an SNS topic ARN`},
		{"topic subscription", func(a *QueueArgs) {
			a.AlarmTopicARN = pulumi.String(topicARN + ":0b1c2d3e-4f50")
		}, "is not an SNS topic ARN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := baseArgs()
			c.mutate(a)
			err := a.Validate("orders-placed")
			if c.want == "" {
				if err != nil {
					t.Errorf("want no error, got %v", err)
				}
				return
			}
			var fe *fielderr.Error
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &fe) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want a one-line field error containing %q", err, c.want)
			}
		})
	}
}

// NewQueue refuses bad Args with the component's name and the field before registering anything.
func TestNewQueueRefusesBadArgs(t *testing.T) {
	a := baseArgs()
	a.RetentionSeconds = 30
	err := runErr(a)
	if err == nil || !strings.Contains(err.Error(), `queue "orders-placed": RetentionSeconds: 30 is outside 60 to 1209600`) {
		t.Errorf("got %v", err)
	}
}
