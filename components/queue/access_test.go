package queue

import (
	"slices"
	"testing"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// The service gets the five queue actions on its queue alone and the two key actions on its key
// alone: no wildcard, no dead-letter queue, no other queue, no statement id to collide with
// another offering's in one policy.
func TestAccessStatementsFor(t *testing.T) {
	const queueARN = "arn:aws:sqs:eu-west-1:111122223333:production-orders-placed"
	got := AccessStatementsFor(queueARN, givenKeyARN)
	want := []iampolicy.Statement{
		{Effect: "Allow", Action: []string{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"}, Resource: []string{queueARN}},
		{Effect: "Allow", Action: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resource: []string{givenKeyARN}},
	}
	if iampolicy.New(got...).String() != iampolicy.New(want...).String() {
		t.Errorf("statements %s\nwant %s", iampolicy.New(got...), iampolicy.New(want...))
	}
	for _, s := range got {
		if s.Sid != "" || s.Principal != nil || s.Condition != nil {
			t.Errorf("statement %+v", s)
		}
		for _, a := range s.Action {
			if slices.Contains([]string{"sqs:*", "kms:*", "sqs:PurgeQueue", "sqs:SetQueueAttributes", "sqs:DeleteQueue"}, a) {
				t.Errorf("action %s is more than the service needs", a)
			}
		}
	}
	// Two queues of one service make one valid policy.
	two := append(AccessStatementsFor(queueARN, givenKeyARN), AccessStatementsFor(queueARN+"-audit", givenKeyARN)...)
	if problems := iampolicy.Lint(iampolicy.New(two...)); len(problems) != 0 {
		t.Errorf("lint: %v", problems)
	}
}

// RedriveAllowPolicy and RedrivePolicy render the JSON SQS documents (maxReceiveCount a number,
// not a string: the note on pulumi-aws sqs.QueueArgs.RedrivePolicy).
func TestRedriveDocuments(t *testing.T) {
	if got := RedriveAllowPolicy("arn:aws:sqs:eu-west-1:111122223333:q"); got != `{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:eu-west-1:111122223333:q"]}` {
		t.Errorf("allow policy %s", got)
	}
	if got := RedrivePolicy("arn:aws:sqs:eu-west-1:111122223333:q-dlq", 5); got != `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:111122223333:q-dlq","maxReceiveCount":5}` {
		t.Errorf("redrive policy %s", got)
	}
}
