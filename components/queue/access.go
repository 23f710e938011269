package queue

import "github.com/flowmart/platform/pkg/iampolicy"

// QueueActions are what the owning service may do on its queue: send, receive, delete, extend
// the visibility of a message in flight, and read the queue's attributes, nothing else (no
// purge, no policy or attribute changes, no dead-letter queue: redriving it is an operator's
// task). The Amazon SQS Developer Guide, "Amazon SQS API permissions: Actions and resource
// reference"
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html),
// lists each of them on the resource arn:aws:sqs:region:account_id:queue_name, and the batch
// calls (SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch) under the same
// permission as their single form; the Service Authorization Reference, "Actions, resources, and
// condition keys for Amazon SQS" (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html),
// has the same action names on the resource type queue.
var QueueActions = []string{
	"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
	"sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes",
}

// KeyActions are what the owning service may do with the queue's key: kms:GenerateDataKey to
// send (SQS encrypts each message under a data key) and kms:Decrypt to send and receive. The
// Amazon SQS Developer Guide, "Amazon SQS Key management", "Configuring AWS KMS permissions",
// lets these permissions be given in an IAM policy of the principals that produce and consume,
// which must name the key's full ARN
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
// Not verified here: the stored copy of that page ends before its producer and consumer example
// policies, where the two action names are listed. A service both sends and receives, so it
// gets both.
var KeyActions = []string{"kms:GenerateDataKey", "kms:Decrypt"}

// AccessStatementsFor are the statements of the owning service's Pod Identity role for the queue
// queueARN encrypted with keyARN: QueueActions on the queue alone and KeyActions on the key alone.
// They have no Sid, so that the statements of several offerings of one service make one policy
// without two statements of the same Sid (IAM requires Sids to be unique within a policy).
func AccessStatementsFor(queueARN, keyARN string) []iampolicy.Statement {
	return []iampolicy.Statement{
		iampolicy.Allow("", QueueActions, queueARN),
		iampolicy.Allow("", KeyActions, keyARN),
	}
}
