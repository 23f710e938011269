package queue

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/known"
)

// Defaults and limits of QueueArgs. The limits are those of the SQS CreateQueue attributes
// (Amazon SQS API Reference, CreateQueue, Attributes:
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html),
// which pulumi-aws v6.83.4 documents the same way on sqs.QueueArgs (go/aws/sqs/queue.go:470-495).
const (
	// DefaultVisibilityTimeoutSeconds is SQS's own default visibility timeout: 30 seconds.
	DefaultVisibilityTimeoutSeconds = 30
	// MaxVisibilityTimeoutSeconds is the longest visibility timeout, 12 hours (0 to 43,200).
	MaxVisibilityTimeoutSeconds = 43200
	// DefaultRetentionSeconds is SQS's own default message retention: 4 days (345,600 seconds).
	DefaultRetentionSeconds = 4 * 24 * 3600
	// MinRetentionSeconds and MaxRetentionSeconds bound MessageRetentionPeriod: 60 seconds to
	// 14 days (1,209,600 seconds).
	MinRetentionSeconds = 60
	MaxRetentionSeconds = 14 * 24 * 3600
	// DeadLetterRetentionSeconds is the retention of every dead-letter queue: the maximum. A
	// standard queue's message keeps its original enqueue timestamp when it moves to the
	// dead-letter queue, so "it is a best practice to always set the retention period of a
	// dead-letter queue to be longer than the retention period of the original queue" (Amazon SQS
	// Developer Guide, "Setting-up dead-letter queue retention in Amazon SQS",
	// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html);
	// for a FIFO queue the timestamp resets on the move, and the maximum is the longest a failed
	// message can be kept for inspection and redrive either way.
	DeadLetterRetentionSeconds = MaxRetentionSeconds
	// DefaultMaxReceiveCount is how many times a message is received before SQS moves it to the
	// dead-letter queue.
	DefaultMaxReceiveCount = 5
	// MaxMaxReceiveCount is the largest maxReceiveCount: 1 to 1,000, the range of "Maximum
	// receives" in "Configure a dead-letter queue using the Amazon SQS console"
	// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html).
	// Not verified here: the stored copy of that page stops just before the range, and
	// CreateQueue documents maxReceiveCount without one.
	MaxMaxReceiveCount = 1000
	// DefaultKMSDataKeyReusePeriodSeconds is SQS's own default: 5 minutes (KmsDataKeyReusePeriodSeconds,
	// 60 to 86,400 seconds).
	DefaultKMSDataKeyReusePeriodSeconds = 300
	MinKMSDataKeyReusePeriodSeconds     = 60
	MaxKMSDataKeyReusePeriodSeconds     = 86400
	// DefaultMaxAgeSeconds is the age of the oldest message above which the queue pages its owner:
	// 5 minutes.
	DefaultMaxAgeSeconds = 300
	// MaxNameLength is the longest queue name, the .fifo suffix included: "A queue name can have
	// up to 80 characters. Valid values: alphanumeric characters, hyphens (-), and underscores
	// (_). A FIFO queue name must end with the .fifo suffix." (CreateQueue, QueueName).
	MaxNameLength = 80
	// FIFOSuffix ends the name of a FIFO queue (CreateQueue, QueueName).
	FIFOSuffix = ".fifo"
	// DeadLetterSuffix ends the name of the dead-letter queue (before FIFOSuffix).
	DeadLetterSuffix = "-dlq"
)

// QueueArgs configures a Queue: one SQS queue of a service and its dead-letter queue. Several
// queues of one service are several Queue components. Fields that decide which resources exist
// are plain values.
type QueueArgs struct {
	// Service is the owning service's name, part of the physical names
	// (<NamePrefix><Service>-<Name>): letters, digits, - and _. Required.
	Service string
	// Name is the queue's name within its service, e.g. orders-placed: letters, digits, - and _.
	// Required.
	Name string
	// Owner is the owning team, tagged Owner on every resource: 1-256 letters, digits, spaces and
	// _ . : / = + - @ (a tag value). Required.
	Owner string
	// NamePrefix starts every physical name: the stacks pass "<stack>-". Letters, digits, - and _.
	// Defaults to "".
	NamePrefix string
	// FIFO makes both queues FIFO queues (names ending in .fifo; the dead-letter queue of a FIFO
	// queue must be a FIFO queue). A message that moves to the dead-letter queue leaves its
	// group's order ("Don't use a dead-letter queue with a FIFO queue if you don't want to break
	// the exact order of messages", Amazon SQS Developer Guide, "Using dead-letter queues in
	// Amazon SQS"): a consumer that must never skip a message sets MaxReceiveCount high. Changing
	// it replaces both queues. Defaults to false: standard queues.
	FIFO bool
	// ContentBasedDeduplication deduplicates FIFO messages by a SHA-256 hash of their body instead
	// of an explicit deduplication id. Only with FIFO. Defaults to false.
	ContentBasedDeduplication bool
	// VisibilityTimeoutSeconds is how long a received message stays invisible to other consumers,
	// 0 to 43,200 (12 hours); set it above the longest processing time. Defaults to 30 seconds
	// (nil); a pointer, since 0 is a valid timeout.
	VisibilityTimeoutSeconds *int
	// RetentionSeconds is how long the queue keeps a message, 60 to 1,209,600 (14 days). The
	// dead-letter queue always keeps messages 14 days. Defaults to 4 days.
	RetentionSeconds int
	// MaxReceiveCount is how many times a message is received before it moves to the dead-letter
	// queue, 1 to 1,000. Defaults to 5.
	MaxReceiveCount int
	// KMSKeyARN is the customer managed key that encrypts both queues
	// (arn:<partition>:kms:<region>:<account>:key/<id>). Defaults to a new key of the queue's own
	// (pkg/kmskey: yearly rotation, 30-day deletion window, alias
	// alias/<NamePrefix><Service>-<Name>[-fifo]-sqs).
	KMSKeyARN pulumi.StringPtrInput
	// KMSDataKeyReusePeriodSeconds is how long SQS reuses a data key before calling KMS again, 60
	// to 86,400. Defaults to 300 seconds.
	KMSDataKeyReusePeriodSeconds int
	// MaxAgeSeconds is the age of the oldest message (ApproximateAgeOfOldestMessage) above which
	// the queue alarms; it must be below RetentionSeconds, or messages expire before it fires.
	// Defaults to 300 seconds.
	MaxAgeSeconds int
	// AlarmTopicARN is the owning team's paging topic (an SNS topic ARN), the action of both
	// alarms when they fire and when they recover. Required.
	AlarmTopicARN pulumi.StringInput
	// Protect protects both queues and the created key from deletion. Defaults to false.
	Protect bool
	// Tags are added to every resource that takes tags (Owner and Name always win). Defaults to
	// none (the provider's default tags still apply).
	Tags map[string]string
}

func (a *QueueArgs) withDefaults() QueueArgs {
	var c QueueArgs
	if a != nil {
		c = *a
	}
	if c.VisibilityTimeoutSeconds == nil {
		c.VisibilityTimeoutSeconds = pulumi.IntRef(DefaultVisibilityTimeoutSeconds)
	}
	if c.RetentionSeconds == 0 {
		c.RetentionSeconds = DefaultRetentionSeconds
	}
	if c.MaxReceiveCount == 0 {
		c.MaxReceiveCount = DefaultMaxReceiveCount
	}
	if c.KMSDataKeyReusePeriodSeconds == 0 {
		c.KMSDataKeyReusePeriodSeconds = DefaultKMSDataKeyReusePeriodSeconds
	}
	if c.MaxAgeSeconds == 0 {
		c.MaxAgeSeconds = DefaultMaxAgeSeconds
	}
	return c
}

var (
	// nameRe is the character set of an SQS queue name (CreateQueue, QueueName), which every part
	// of the physical name is made of.
	nameRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	// tagValueRe is the character set of an AWS tag value: letters, digits, spaces and
	// _ . : / = + - @, up to 256 characters; a key has up to 128 and must not start with aws:
	// ("Tag naming limits and requirements",
	// https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
	tagValueRe = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
)

// BaseName is the queue's physical name without the FIFO suffix: <NamePrefix><Service>-<Name>.
func (a QueueArgs) BaseName() string { return a.NamePrefix + a.Service + "-" + a.Name }

// QueueName is the queue's physical name: BaseName, with .fifo for a FIFO queue.
func (a QueueArgs) QueueName() string { return a.BaseName() + a.suffix() }

// DeadLetterQueueName is the dead-letter queue's physical name: BaseName-dlq, with .fifo for a
// FIFO queue.
func (a QueueArgs) DeadLetterQueueName() string { return a.BaseName() + DeadLetterSuffix + a.suffix() }

func (a QueueArgs) suffix() string {
	if a.FIFO {
		return FIFOSuffix
	}
	return ""
}

// keyAlias is the alias of the created key: KMS aliases take letters, digits, /, _ and - (no
// "."), so a FIFO queue's key is told apart by -fifo (AWS KMS API Reference, CreateAlias,
// AliasName: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html).
func (a QueueArgs) keyAlias() string {
	alias := "alias/" + a.BaseName()
	if a.FIFO {
		alias += "-fifo"
	}
	return alias + "-sqs"
}

// Validate checks the Args of the queue called name after defaults and returns the first
// problem as a *fielderr.Error naming the field. NewQueue runs it before registering anything.
// (name is the component's resource name; the physical names come from the Args alone.)
func (a *QueueArgs) Validate(name string) error {
	d := a.withDefaults()
	return d.validate()
}

func (a QueueArgs) validate() error {
	for _, f := range []struct{ field, value string }{{"Service", a.Service}, {"Name", a.Name}} {
		if !nameRe.MatchString(f.value) {
			return fielderr.New(f.field, "%q is not a queue name part (letters, digits, - and _, at least one)", f.value)
		}
	}
	if a.NamePrefix != "" && !nameRe.MatchString(a.NamePrefix) {
		return fielderr.New("NamePrefix", "%q is not a queue name prefix (letters, digits, - and _)", a.NamePrefix)
	}
	if n := a.DeadLetterQueueName(); len(n) > MaxNameLength {
		return fielderr.New("Name", "the dead-letter queue's name %q has %d characters: SQS allows %d, the prefix, -dlq and .fifo included (shorten NamePrefix, Service or Name)", n, len(n), MaxNameLength)
	}
	if a.Owner == "" || utf8.RuneCountInString(a.Owner) > 256 || !tagValueRe.MatchString(a.Owner) {
		return fielderr.New("Owner", "%q is not an owning team (a tag value: 1-256 letters, digits, spaces and _ . : / = + - @)", a.Owner)
	}
	if a.ContentBasedDeduplication && !a.FIFO {
		return fielderr.New("ContentBasedDeduplication", "is set on a standard queue: it applies to FIFO queues only (set FIFO)")
	}
	if v := *a.VisibilityTimeoutSeconds; v < 0 || v > MaxVisibilityTimeoutSeconds {
		return fielderr.New("VisibilityTimeoutSeconds", "%d is outside 0 to %d (12 hours)", v, MaxVisibilityTimeoutSeconds)
	}
	if a.RetentionSeconds < MinRetentionSeconds || a.RetentionSeconds > MaxRetentionSeconds {
		return fielderr.New("RetentionSeconds", "%d is outside %d to %d (14 days)", a.RetentionSeconds, MinRetentionSeconds, MaxRetentionSeconds)
	}
	if a.MaxReceiveCount < 1 || a.MaxReceiveCount > MaxMaxReceiveCount {
		return fielderr.New("MaxReceiveCount", "%d is outside 1 to %d", a.MaxReceiveCount, MaxMaxReceiveCount)
	}
	if p := a.KMSDataKeyReusePeriodSeconds; p < MinKMSDataKeyReusePeriodSeconds || p > MaxKMSDataKeyReusePeriodSeconds {
		return fielderr.New("KMSDataKeyReusePeriodSeconds", "%d is outside %d to %d (24 hours)", p, MinKMSDataKeyReusePeriodSeconds, MaxKMSDataKeyReusePeriodSeconds)
	}
	if a.MaxAgeSeconds < 1 || a.MaxAgeSeconds >= a.RetentionSeconds {
		return fielderr.New("MaxAgeSeconds", "%d must be at least 1 and below RetentionSeconds (%d): an older message has expired before the alarm fires", a.MaxAgeSeconds, a.RetentionSeconds)
	}
	for _, k := range slices.Sorted(maps.Keys(a.Tags)) {
		if k == "" || utf8.RuneCountInString(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return fielderr.New("Tags", "key %q is not a tag key (1-128 characters, not starting with aws:, which AWS reserves)", k)
		}
		if utf8.RuneCountInString(a.Tags[k]) > 256 {
			return fielderr.New("Tags", "the value of %q has more than 256 characters", k)
		}
	}
	if key, ok := known.StringPtr(a.KMSKeyARN); ok {
		if err := checkKeyARN(key); err != nil {
			return err
		}
	}
	if a.AlarmTopicARN == nil {
		return fielderr.New("AlarmTopicARN", "is required (the owning team's paging topic, an SNS topic ARN)")
	}
	if topic, ok := known.String(a.AlarmTopicARN); ok {
		if err := checkTopicARN(topic); err != nil {
			return err
		}
	}
	return nil
}

// checkKeyARN reports why s is not a KMS key ARN. An alias would encrypt the queue, but the
// access statements must name the key itself: IAM matches kms actions against the key's ARN.
func checkKeyARN(s string) error {
	p, err := arn.Parse(s)
	if err != nil || p.Service != "kms" || !strings.HasPrefix(p.Resource, "key/") || len(p.Resource) == len("key/") {
		return fielderr.New("KMSKeyARN", "%q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)", s)
	}
	return nil
}

// checkTopicARN reports why s is not an SNS topic ARN.
func checkTopicARN(s string) error {
	p, err := arn.Parse(s)
	if err != nil || p.Service != "sns" || p.Resource == "" || strings.Contains(p.Resource, ":") {
		return fielderr.New("AlarmTopicARN", "%q is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)", s)
	}
	return nil
}
