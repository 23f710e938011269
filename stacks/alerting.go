package stacks

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/stacks/config"
)

// newAlarmPager sends the environment's CloudWatch alarms (the SQL Server host's alarm topic) to
// the same pager as the cluster's critical alerts. One PagerDuty service takes both through its
// own integrations: Alertmanager's pagerduty receiver speaks Events API v2 (components/addons
// AlertingArgs), and an HTTPS subscription of the alarm topic to the service's Amazon CloudWatch
// integration URL turns each ALARM/OK notification into an incident and its resolution
// (PagerDuty's Amazon CloudWatch Integration Guide; the endpoint confirms the SNS subscription by
// itself). Alertmanager is not pointed at the topic instead: its SNS messages are not CloudWatch
// alarm notifications, which that integration expects, and it would need AWS credentials and the
// topic's KMS key. The URL is a secret input, so state and previews hold it encrypted.
func newAlarmPager(ctx *pulumi.Context, cfg *config.Config, alarmTopicARN pulumi.StringInput, opts []pulumi.ResourceOption) error {
	if !cfg.Alerting.PagerDuty {
		return nil
	}
	_, err := sns.NewTopicSubscription(ctx, cfg.Stack+"-alarms-pager", &sns.TopicSubscriptionArgs{
		Topic:                alarmTopicARN,
		Protocol:             pulumi.String("https"),
		Endpoint:             config.Secret(ctx, config.KeyAlertingPagerDutyAlarmsURL),
		EndpointAutoConfirms: pulumi.Bool(true),
	}, opts...)
	return err
}
