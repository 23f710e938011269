// Package queue provides Queue, the platform's queue offering: one Amazon SQS queue of a service
// with its dead-letter queue, encrypted with a customer managed key, reachable only over TLS,
// with the owning team paged when messages wait too long or fail, and the least-privilege
// statements the service's Pod Identity role needs to use it. Several queues of one service are
// several Queue components. Amazon MQ (RabbitMQ, for services that need AMQP) is left out: this
// package is SQS only.
//
// # What it creates
//
//   - the queue <NamePrefix><Service>-<Name> and its dead-letter queue <...>-dlq (both with .fifo
//     when FIFO), encrypted with KMSKeyARN or a key of their own (kmsMasterKeyId and
//     kmsDataKeyReusePeriodSeconds); the dead-letter queue keeps messages the maximum 14 days,
//     longer than any source retention (DeadLetterRetentionSeconds);
//   - a redrive policy on the queue (after MaxReceiveCount receives a message moves to the
//     dead-letter queue) and a redrive allow policy on the dead-letter queue naming only its
//     queue, so no other queue can use it as its dead-letter queue;
//   - a queue policy on each queue that denies every request not sent over TLS
//     (aws:SecureTransport false), the encryption-in-transit practice of "Amazon SQS security
//     best practices"
//     (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html;
//     the stored copy read here has only the page's first sections, so the wording of that
//     section was not checked); access itself is given by IAM (AccessStatements), not by the
//     queue policy;
//   - two CloudWatch alarms to AlarmTopicARN: the oldest message older than MaxAgeSeconds, and any
//     message visible in the dead-letter queue.
//
// # Why the redrive policy is a resource of its own
//
// The queue's redrive policy names the dead-letter queue's ARN and the dead-letter queue's redrive
// allow policy names the queue's ARN: written as both queues' inline attributes (redrivePolicy,
// redriveAllowPolicy of aws:sqs/queue), each queue would wait for the other, a cycle. The allow
// policy stays inline on the dead-letter queue, created after the queue, and the redrive policy is
// the separate aws:sqs/redrivePolicy resource, created last, the arrangement pulumi-aws v6.83.4
// documents for it ("useful when you want to set a dedicated dead letter queue ... but need the
// dead letter queue to exist before setting the redrive policy", go/aws/sqs/redrivePolicy.go). The
// other way round (an inline redrive policy and the aws:sqs/redriveAllowPolicy resource) would
// work as well, but the replacement guard (pkg/diff) has the upstream facts of
// aws:sqs/redrivePolicy and aws:sqs/queuePolicy and none of aws:sqs/redriveAllowPolicy. The queue
// resource does not fight the separate resources: "The provider will only perform drift detection
// of its value when present in a configuration" (sqs.QueueArgs Policy, RedrivePolicy).
//
// # Network
//
// SQS is a regional AWS API, reached over HTTPS on port 443 (Port) through the Network's NAT or
// an SQS interface endpoint; there is no security group to open. Access is IAM alone.
//
// # Physical names
//
// The queues are named as above (unique in an account and region: SQS allows 80 characters, which
// Validate checks on the longer dead-letter name); the alarms <queue name>-oldest-message and
// <dead-letter queue name>-messages-visible; the created key's alias
// alias/<NamePrefix><Service>-<Name>[-fifo]-sqs. Changing NamePrefix, Service, Name or FIFO
// replaces both queues (a queue cannot be renamed or change its type): messages still in them are
// lost.
package queue

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
	"github.com/flowmart/platform/pkg/tags"
)

// queueType is part of every URN: never rename without an alias.
const queueType = "flowmart:data:Queue"

// HTTPSPort is the port of the SQS API, the queue's endpoint.
const HTTPSPort = 443

// OwnerTag is the tag naming the owning team on every resource.
const OwnerTag = "Owner"

// Queue is an SQS queue with its dead-letter queue, key, policies and alarms.
type Queue struct {
	pulumi.ResourceState

	// URL is the queue's URL, what applications send to and receive from. It resolves once the
	// redrive and queue policies are in place, so nothing discovers the queue before a failing
	// message can reach the dead-letter queue.
	URL pulumi.StringOutput `pulumi:"url"`
	// ARN is the queue's ARN.
	ARN pulumi.StringOutput `pulumi:"arn"`
	// DeadLetterURL is the dead-letter queue's URL.
	DeadLetterURL pulumi.StringOutput `pulumi:"deadLetterUrl"`
	// DeadLetterARN is the dead-letter queue's ARN.
	DeadLetterARN pulumi.StringOutput `pulumi:"deadLetterArn"`
	// Endpoint is what discovery registers: the queue's URL.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// Port is the endpoint's port, 443 (HTTPS).
	Port pulumi.IntOutput `pulumi:"port"`
	// SecretARN is empty: a queue has no secret (access is IAM).
	SecretARN pulumi.StringOutput `pulumi:"secretArn"`
	// KMSKeyARN is the key that encrypts both queues.
	KMSKeyARN pulumi.StringOutput `pulumi:"kmsKeyArn"`

	// Queue and DeadLetterQueue are the underlying queues, an escape hatch.
	Queue, DeadLetterQueue *sqs.Queue

	name    string
	args    QueueArgs
	opts    []pulumi.ResourceOption // child options: parent is the component
	keyARN  pulumi.StringOutput
	ready   []pulumi.StringOutput // ids of the policies the URL waits for
	alarmTo pulumi.StringInput
}

// NewQueue creates a Queue. Children are named name (the queue), name+"-dlq" (the dead-letter
// queue), name+"-key" (the key, unless KMSKeyARN is given), name+"-redrive" (the redrive
// policy), name+"-policy" and name+"-dlq-policy" (the queue policies), and
// name+"-alarm-oldest-message" and name+"-alarm-dead-letters".
func NewQueue(ctx *pulumi.Context, name string, args *QueueArgs, opts ...pulumi.ResourceOption) (*Queue, error) {
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("queue %q: %w", name, err)
	}
	q := &Queue{name: name, args: a, alarmTo: a.AlarmTopicARN}
	if err := ctx.RegisterComponentResource(queueType, name, q, opts...); err != nil {
		return nil, err
	}
	q.opts = []pulumi.ResourceOption{pulumi.Parent(q)}
	steps := []func(*pulumi.Context) error{
		q.kmsKey,
		q.queues,
		q.redrive,
		q.transportPolicies,
		q.alarms,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("queue %q: %w", name, err)
		}
	}
	return q, q.registerOutputs(ctx)
}

// tags are a resource's tags: the Args' tags, its Name and the owning team.
func (q *Queue) tags(resource string) pulumi.StringMap {
	return tags.Named(q.args.Tags, resource, map[string]string{OwnerTag: q.args.Owner})
}

// kmsKey uses the given key or creates one with yearly rotation and KMS's default key policy
// (pkg/kmskey): the service's IAM role gets exactly kms:GenerateDataKey and kms:Decrypt on it
// (AccessStatements). An AWS service that sends to the queue as itself (SNS, EventBridge) would
// need a key policy statement: give such a key as KMSKeyARN.
func (q *Queue) kmsKey(ctx *pulumi.Context) error {
	if q.args.KMSKeyARN != nil {
		q.keyARN = q.args.KMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	name := q.name + "-key"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "Encrypts the SQS queues " + q.args.QueueName() + " and " + q.args.DeadLetterQueueName(),
		Alias:       q.args.keyAlias(),
		Tags:        q.tags(name),
	}, protect.Options(q.args.Protect, q.opts), q.opts)
	if err != nil {
		return err
	}
	q.keyARN = key.Arn
	return nil
}

// queueArgs are the settings both queues share: type, encryption and tags.
func (q *Queue) queueArgs(resource, physical string) *sqs.QueueArgs {
	a := &sqs.QueueArgs{
		Name:                         pulumi.String(physical),
		FifoQueue:                    pulumi.Bool(q.args.FIFO),
		KmsMasterKeyId:               q.keyARN,
		KmsDataKeyReusePeriodSeconds: pulumi.Int(q.args.KMSDataKeyReusePeriodSeconds),
		Tags:                         q.tags(resource),
	}
	if q.args.FIFO {
		a.ContentBasedDeduplication = pulumi.Bool(q.args.ContentBasedDeduplication)
	}
	return a
}

// RedriveAllowPolicy is the dead-letter queue's redrive allow policy: only the queue sourceARN may
// use it ("redrivePermission": "byQueue" with "sourceQueueArns", CreateQueue, RedriveAllowPolicy).
func RedriveAllowPolicy(sourceARN string) string {
	b, _ := json.Marshal(map[string]any{"redrivePermission": "byQueue", "sourceQueueArns": []string{sourceARN}}) // strings always marshal
	return string(b)
}

// RedrivePolicy is the queue's redrive policy: after maxReceiveCount receives a message moves to
// the dead-letter queue deadLetterARN (CreateQueue, RedrivePolicy: deadLetterTargetArn,
// maxReceiveCount, a number).
func RedrivePolicy(deadLetterARN string, maxReceiveCount int) string {
	b, _ := json.Marshal(map[string]any{"deadLetterTargetArn": deadLetterARN, "maxReceiveCount": maxReceiveCount})
	return string(b)
}

// queues creates the queue, then the dead-letter queue whose allow policy names it.
func (q *Queue) queues(ctx *pulumi.Context) error {
	main := q.queueArgs(q.name, q.args.QueueName())
	main.VisibilityTimeoutSeconds = pulumi.Int(*q.args.VisibilityTimeoutSeconds)
	main.MessageRetentionSeconds = pulumi.Int(q.args.RetentionSeconds)
	queue, err := sqs.NewQueue(ctx, q.name, main, protect.Options(q.args.Protect, q.opts)...)
	if err != nil {
		return err
	}
	q.Queue = queue
	dl := q.queueArgs(q.name+"-dlq", q.args.DeadLetterQueueName())
	dl.MessageRetentionSeconds = pulumi.Int(DeadLetterRetentionSeconds)
	dl.RedriveAllowPolicy = queue.Arn.ApplyT(RedriveAllowPolicy).(pulumi.StringOutput)
	dlq, err := sqs.NewQueue(ctx, q.name+"-dlq", dl, protect.Options(q.args.Protect, q.opts)...)
	if err != nil {
		return err
	}
	q.DeadLetterQueue = dlq
	return nil
}

// redrive sends a message to the dead-letter queue after MaxReceiveCount receives.
func (q *Queue) redrive(ctx *pulumi.Context) error {
	n := q.args.MaxReceiveCount
	rp, err := sqs.NewRedrivePolicy(ctx, q.name+"-redrive", &sqs.RedrivePolicyArgs{
		QueueUrl: q.Queue.Url,
		RedrivePolicy: q.DeadLetterQueue.Arn.ApplyT(func(dlq string) string {
			return RedrivePolicy(dlq, n)
		}).(pulumi.StringOutput),
	}, q.opts...)
	if err != nil {
		return err
	}
	q.ready = append(q.ready, rp.ID().ToStringOutput())
	return nil
}

// TransportPolicy is the queue policy of the queue queueARN: every SQS action is denied to
// everyone when the request does not come over TLS (aws:SecureTransport false). The policy
// language version is set, without which "AWS will hang indefinitely" on a queue with a queue
// policy (pulumi-aws v6.83.4, go/aws/sqs/queue.go, the note on sqs.Queue).
func TransportPolicy(queueARN string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: map[string]any{"AWS": "*"},
		Action:    []string{"sqs:*"},
		Resource:  []string{queueARN},
		Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	})
}

// transportPolicies puts TransportPolicy on both queues.
func (q *Queue) transportPolicies(ctx *pulumi.Context) error {
	for _, p := range []struct {
		name  string
		queue *sqs.Queue
	}{{q.name + "-policy", q.Queue}, {q.name + "-dlq-policy", q.DeadLetterQueue}} {
		policy, err := sqs.NewQueuePolicy(ctx, p.name, &sqs.QueuePolicyArgs{
			QueueUrl: p.queue.Url,
			Policy: p.queue.Arn.ApplyT(func(arn string) string {
				return TransportPolicy(arn).String()
			}).(pulumi.StringOutput),
		}, q.opts...)
		if err != nil {
			return err
		}
		q.ready = append(q.ready, policy.ID().ToStringOutput())
	}
	return nil
}

// AccessStatements are the least-privilege statements the owning service's role needs to use the
// queue, once its ARN and key are known (AccessStatementsFor, as an Output of
// []iampolicy.Statement).
func (q *Queue) AccessStatements() pulumi.AnyOutput {
	return pulumi.All(q.ARN, q.KMSKeyARN).ApplyT(func(v []any) []iampolicy.Statement {
		return AccessStatementsFor(v[0].(string), v[1].(string))
	}).(pulumi.AnyOutput)
}

func (q *Queue) registerOutputs(ctx *pulumi.Context) error {
	waits := make([]any, 0, len(q.ready)+1)
	waits = append(waits, q.Queue.Url)
	for _, r := range q.ready {
		waits = append(waits, r)
	}
	q.URL = pulumi.All(waits...).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
	q.ARN = q.Queue.Arn
	q.DeadLetterURL = q.DeadLetterQueue.Url
	q.DeadLetterARN = q.DeadLetterQueue.Arn
	q.Endpoint = q.URL
	q.Port = pulumi.Int(HTTPSPort).ToIntOutput()
	q.SecretARN = pulumi.String("").ToStringOutput()
	q.KMSKeyARN = q.keyARN
	return ctx.RegisterResourceOutputs(q, pulumi.Map{
		"url":           q.URL,
		"arn":           q.ARN,
		"deadLetterUrl": q.DeadLetterURL,
		"deadLetterArn": q.DeadLetterARN,
		"endpoint":      q.Endpoint,
		"port":          q.Port,
		"secretArn":     q.SecretARN,
		"kmsKeyArn":     q.KMSKeyARN,
	})
}
