package mocks

import "testing"

// A queue's id and URL are https://sqs.<region>.amazonaws.com/<account>/<name>, its ARN
// arn:aws:sqs:<region>:<account>:<name> (a FIFO name keeps its .fifo); the queue policy and the
// redrive policy of a queue take the queue's URL as their id, as terraform-provider-aws sets it.
func TestQueueOutputs(t *testing.T) {
	m := New(testRegion, testAccount)
	id, q := register(t, m, "aws:sqs/queue:Queue", "orders", map[string]any{"name": "dev-orders-placed.fifo"})
	const url = "https://sqs.eu-west-1.amazonaws.com/111122223333/dev-orders-placed.fifo"
	if id != url || q["url"] != url || q["arn"] != "arn:aws:sqs:eu-west-1:111122223333:dev-orders-placed.fifo" || q["name"] != "dev-orders-placed.fifo" {
		t.Errorf("queue %s %v", id, q)
	}
	for _, typ := range []string{"aws:sqs/queuePolicy:QueuePolicy", "aws:sqs/redrivePolicy:RedrivePolicy"} {
		if id, _ := register(t, m, typ, "orders", map[string]any{"queueUrl": url}); id != url {
			t.Errorf("%s id %q, want the queue's URL", typ, id)
		}
		id, _ := register(t, m, typ, "pending", map[string]any{"queueUrl": Unknown})
		matches(t, typ+" id without a known URL", id, `pending-[0-9a-f]{8}`)
	}
}
