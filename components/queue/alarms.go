package queue

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The queues' metrics: namespace AWS/SQS, dimension QueueName (Amazon SQS Developer Guide,
// "Available CloudWatch metrics for Amazon SQS": ApproximateAgeOfOldestMessage, the age in
// seconds of the oldest unprocessed message, reported while the queue holds at least one, and
// ApproximateNumberOfMessagesVisible, the messages available for retrieval; every metric reports
// a value only while the queue is active,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html;
// the dimension as aws-cdk-lib's aws-sqs metrics set it). An idle empty queue therefore reports
// nothing, and missing data is not breaching. The alarms are evaluated every minute.
const (
	MetricNamespace          = "AWS/SQS"
	OldestMessageMetric      = "ApproximateAgeOfOldestMessage"
	VisibleMessagesMetric    = "ApproximateNumberOfMessagesVisible"
	alarmPeriodSeconds       = 60
	oldestEvaluationPeriods  = 3 // the oldest message too old for 3 minutes in a row
	deadLetterEvaluationOnce = 1 // one failed message is enough
)

// alarm is one CloudWatch alarm of the queue.
type alarm struct {
	suffix, physical, description string
	metric                        string
	dimension                     pulumi.StringInput
	threshold                     float64
	periods                       int
}

// alarms pages the owning team (AlarmTopicARN, when the alarm fires and when it recovers) when
// the oldest message is older than MaxAgeSeconds (consumers are down or too slow) and when any
// message is visible in the dead-letter queue (a message failed MaxReceiveCount times).
func (q *Queue) alarms(ctx *pulumi.Context) error {
	list := []alarm{
		{"oldest-message", q.args.QueueName() + "-oldest-message",
			fmt.Sprintf("the oldest message of %s is older than %d seconds", q.args.QueueName(), q.args.MaxAgeSeconds),
			OldestMessageMetric, q.Queue.Name, float64(q.args.MaxAgeSeconds), oldestEvaluationPeriods},
		{"dead-letters", q.args.DeadLetterQueueName() + "-messages-visible",
			fmt.Sprintf("messages of %s failed %d receives and wait in %s", q.args.QueueName(), q.args.MaxReceiveCount, q.args.DeadLetterQueueName()),
			VisibleMessagesMetric, q.DeadLetterQueue.Name, 0, deadLetterEvaluationOnce},
	}
	actions := pulumi.Array{q.alarmTo}
	for _, a := range list {
		child := q.name + "-alarm-" + a.suffix
		if _, err := cloudwatch.NewMetricAlarm(ctx, child, &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(a.physical),
			AlarmDescription:   pulumi.String("Queue of " + q.args.Service + " (owner " + q.args.Owner + "): " + a.description),
			Namespace:          pulumi.String(MetricNamespace),
			MetricName:         pulumi.String(a.metric),
			Dimensions:         pulumi.StringMap{"QueueName": a.dimension},
			Statistic:          pulumi.String("Maximum"),
			ComparisonOperator: pulumi.String("GreaterThanThreshold"),
			Threshold:          pulumi.Float64(a.threshold),
			Period:             pulumi.Int(alarmPeriodSeconds),
			EvaluationPeriods:  pulumi.Int(a.periods),
			TreatMissingData:   pulumi.String("notBreaching"),
			AlarmActions:       actions,
			OkActions:          actions,
			Tags:               q.tags(child),
		}, q.opts...); err != nil {
			return err
		}
	}
	return nil
}
