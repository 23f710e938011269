package queue_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/queue"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

// The checkout service's payment queue with its dead-letter queue in production: a message
// received 5 times without being deleted moves to the dead-letter queue, which pages the team.
func ExampleNewQueue() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		q, err := queue.NewQueue(ctx, "checkout-payments", &queue.QueueArgs{
			Service:                  "checkout",
			Name:                     "payments",
			Owner:                    "team-checkout",
			NamePrefix:               "production-",
			VisibilityTimeoutSeconds: pulumi.IntRef(120),
			AlarmTopicARN:            pulumi.String("arn:aws:sns:eu-west-1:111122223333:checkout-pager"),
			Protect:                  true,
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("url", q.URL)
		ctx.Export("deadLetterUrl", q.DeadLetterURL)
		ctx.Export("access", q.AccessStatements())
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "production", Region: "eu-west-1", Account: "111122223333", Deploy: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range doc.Find("aws:sqs/queue:Queue") {
		fmt.Printf("%s retention %.0fs protected: %v\n", r.Inputs["name"], r.Inputs["messageRetentionSeconds"], r.Protect)
	}
	fmt.Println(doc.Get("aws:sqs/redrivePolicy:RedrivePolicy", "checkout-payments-redrive").Inputs["redrivePolicy"])
	fmt.Println(doc.Outputs["url"])
	for _, s := range doc.Outputs["access"].([]iampolicy.Statement) {
		fmt.Println(s.Action)
	}
	// Output:
	// production-checkout-payments retention 345600s protected: true
	// production-checkout-payments-dlq retention 1209600s protected: true
	// {"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:111122223333:production-checkout-payments-dlq","maxReceiveCount":5}
	// https://sqs.eu-west-1.amazonaws.com/111122223333/production-checkout-payments
	// [sqs:SendMessage sqs:ReceiveMessage sqs:DeleteMessage sqs:ChangeMessageVisibility sqs:GetQueueAttributes]
	// [kms:GenerateDataKey kms:Decrypt]
}
