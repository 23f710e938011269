// Package alarmtopic is the one piece of code that builds an alarm topic: a KMS-encrypted SNS
// topic and its email and https subscriptions. The SQL Server host's alarm topic
// (components/sqlserver) and each service team's paging topic (stacks: <stack>-<service>-paging)
// are built by it, so both subscribe and encrypt the same way.
package alarmtopic

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/iampolicy"
)

// Subscription protocols: SNS's "email" (confirmed by the mailbox's owner) and "https"
// (https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html).
const (
	ProtocolEmail = "email"
	ProtocolHTTPS = "https"
)

// Subscription sends a topic's notifications to a mailbox or an https endpoint.
type Subscription struct {
	// Protocol is "email" or "https". Required.
	Protocol string
	// Endpoint is an e-mail address, or an https:// URL (e.g. a paging service's webhook). Required.
	Endpoint string
}

// Validate checks the subscription; the error names Protocol or Endpoint.
func (s Subscription) Validate() error {
	switch s.Protocol {
	case ProtocolEmail:
		if at := strings.Index(s.Endpoint, "@"); at < 1 || at == len(s.Endpoint)-1 || strings.ContainsAny(s.Endpoint, " \t") {
			return fielderr.New("Endpoint", "%q is not an e-mail address", s.Endpoint)
		}
	case ProtocolHTTPS:
		if !strings.HasPrefix(s.Endpoint, "https://") || len(s.Endpoint) == len("https://") {
			return fielderr.New("Endpoint", "%q is not an https:// URL with a host", s.Endpoint)
		}
	default:
		return fielderr.New("Protocol", "%q is not one of email, https", s.Protocol)
	}
	return nil
}

// ChildName is the subscription's resource name under the topic's: <topic>-<protocol>-<8 hex of
// the endpoint's SHA-256>, so adding or removing one never renames another.
func (s Subscription) ChildName(topic string) string {
	sum := sha256.Sum256([]byte(s.Endpoint))
	return topic + "-" + s.Protocol + "-" + hex.EncodeToString(sum[:])[:8]
}

// CloudWatchKeyStatement is the key policy statement that lets CloudWatch alarms publish to a
// topic encrypted with the key: CloudWatch calls KMS as itself, so the key policy must name it
// (Amazon SNS Developer Guide, "Enable compatibility between event sources from AWS services and
// encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
var CloudWatchKeyStatement = iampolicy.Statement{
	Sid: "CloudWatchAlarmsToEncryptedTopic", Effect: "Allow",
	Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
	Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
}

// Args are a topic's settings.
type Args struct {
	// Name is the topic's physical name. Required.
	Name string
	// DisplayName is the topic's display name (the e-mail sender's name).
	DisplayName string
	// KMSKeyARN encrypts the topic's messages. Required: CloudWatch alarms publish to an
	// encrypted topic only when the key's policy lets cloudwatch.amazonaws.com use it.
	KMSKeyARN pulumi.StringInput
	// Tags of the topic.
	Tags pulumi.StringMap
	// Subscriptions of the topic, each Validate()d by the caller.
	Subscriptions []Subscription
}

// New creates the topic named name and one subscription per Args.Subscriptions entry
// (Subscription.ChildName), all with opts.
func New(ctx *pulumi.Context, name string, a Args, opts ...pulumi.ResourceOption) (*sns.Topic, error) {
	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{
		Name:           pulumi.String(a.Name),
		DisplayName:    pulumi.String(a.DisplayName),
		KmsMasterKeyId: a.KMSKeyARN,
		Tags:           a.Tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	for _, s := range a.Subscriptions {
		if _, err := sns.NewTopicSubscription(ctx, s.ChildName(name), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String(s.Protocol),
			Endpoint: pulumi.String(s.Endpoint),
		}, opts...); err != nil {
			return nil, err
		}
	}
	return topic, nil
}
