package cluster

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// Self-managed nodes are drained before they terminate by the AWS Node Termination Handler (NTH)
// in queue-processor mode, the path its README describes (github.com/aws/aws-node-termination-handler,
// tag v1.25.6, README.md "Infrastructure Setup"): every self-managed auto-scaling group has a
// termination lifecycle hook, EventBridge rules send the hook's events and EC2's spot
// interruption, rebalance and state-change events to an SQS queue, and NTH (installed by
// PlatformAddons with TerminationQueueURL) reads the queue, cordons and drains the node, then
// completes the lifecycle action. Managed node groups need none of it: EKS drains their nodes
// itself.

// The termination handler's identity in the cluster: PlatformAddons installs it with this service
// account, which the Pod Identity below binds.
const (
	TerminationHandlerNamespace      = "kube-system"
	TerminationHandlerServiceAccount = "aws-node-termination-handler"
	// TerminationHandlerManagedTag is the tag NTH checks before draining an instance (its
	// checkTagBeforeDraining and managedTag values); the self-managed groups propagate it.
	TerminationHandlerManagedTag = "aws-node-termination-handler/managed"
)

// drainHeartbeatSeconds is how long a terminating node waits in the lifecycle hook for NTH to
// drain it before EC2 Auto Scaling goes on (CONTINUE): the README's 300 seconds, above NTH's
// nodeTerminationGracePeriod of 120.
const drainHeartbeatSeconds = 300

// terminationEvents are the EventBridge rules NTH's README lists for queue-processor mode, by
// child-name suffix (the AWS Health scheduled-change rule is left out: the platform's nodes are
// replaced by their groups, not retired in place).
var terminationEvents = []struct{ suffix, description, pattern string }{
	{"asg-lifecycle", "Termination lifecycle actions of auto-scaling groups",
		`{"source":["aws.autoscaling"],"detail-type":["EC2 Instance-terminate Lifecycle Action"]}`},
	{"spot-interruption", "EC2 Spot Instance interruption warnings",
		`{"source":["aws.ec2"],"detail-type":["EC2 Spot Instance Interruption Warning"]}`},
	{"rebalance", "EC2 instance rebalance recommendations",
		`{"source":["aws.ec2"],"detail-type":["EC2 Instance Rebalance Recommendation"]}`},
	{"state-change", "EC2 instance state changes",
		`{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"]}`},
}

// selfManagedASG is a self-managed group and its auto-scaling group.
type selfManagedASG struct {
	group NodeGroup
	asg   *autoscaling.Group
}

// drain creates, when the cluster has self-managed groups, the queue NTH reads, the EventBridge
// rules that feed it, a termination lifecycle hook per self-managed group, and NTH's role.
func (c *Cluster) drain(ctx *pulumi.Context) error {
	c.TerminationQueueURL = pulumi.String("").ToStringOutput()
	if len(c.selfGroups) == 0 {
		return nil
	}
	name := c.name + "-node-termination"
	// SSE-SQS: EventBridge can publish to it with no key policy to write (NTH README: "using
	// SSE-SQS doesn't require extra setup"); events older than 5 minutes are of no use (its
	// MessageRetentionPeriod of 300).
	queue, err := sqs.NewQueue(ctx, name, &sqs.QueueArgs{
		SqsManagedSseEnabled:    pulumi.Bool(true),
		MessageRetentionSeconds: pulumi.Int(300),
		Tags:                    c.tags(name),
	}, c.opts...)
	if err != nil {
		return err
	}
	var ruleARNs pulumi.StringArray
	for _, e := range terminationEvents {
		rn := name + "-" + e.suffix
		rule, err := cloudwatch.NewEventRule(ctx, rn, &cloudwatch.EventRuleArgs{
			Description:  pulumi.String(e.description + ", for the node termination handler of " + c.name),
			EventPattern: pulumi.String(e.pattern),
			Tags:         c.tags(rn),
		}, c.opts...)
		if err != nil {
			return err
		}
		if _, err := cloudwatch.NewEventTarget(ctx, rn, &cloudwatch.EventTargetArgs{
			Rule: rule.Name,
			Arn:  queue.Arn,
		}, c.opts...); err != nil {
			return err
		}
		ruleARNs = append(ruleARNs, rule.Arn)
	}
	// only these rules may send to the queue (EventBridge User Guide, "Using resource-based
	// policies for Amazon EventBridge", Amazon SQS permissions: events.amazonaws.com with
	// aws:SourceArn the rule's ARN)
	if _, err := sqs.NewQueuePolicy(ctx, name, &sqs.QueuePolicyArgs{
		QueueUrl: queue.Url,
		Policy: pulumi.All(queue.Arn, ruleARNs).ApplyT(func(v []any) string {
			return iampolicy.New(iampolicy.Statement{
				Sid:       "EventBridgeRulesOfTheCluster",
				Effect:    "Allow",
				Principal: map[string]any{"Service": "events.amazonaws.com"},
				Action:    []string{"sqs:SendMessage"},
				Resource:  []string{v[0].(string)},
				Condition: map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": v[1].([]string)}},
			}).String()
		}).(pulumi.StringOutput),
	}, c.opts...); err != nil {
		return err
	}
	var asgARNs []pulumi.StringInput
	for _, sg := range c.selfGroups {
		if _, err := autoscaling.NewLifecycleHook(ctx, c.name+"-"+sg.group.Name+"-drain", &autoscaling.LifecycleHookArgs{
			Name:                 pulumi.String("drain"),
			AutoscalingGroupName: sg.asg.Name,
			LifecycleTransition:  pulumi.String("autoscaling:EC2_INSTANCE_TERMINATING"),
			DefaultResult:        pulumi.String("CONTINUE"),
			HeartbeatTimeout:     pulumi.Int(drainHeartbeatSeconds),
		}, c.opts...); err != nil {
			return err
		}
		asgARNs = append(asgARNs, sg.asg.Arn)
	}
	assoc, err := c.podIdentity(ctx, PodIdentity{
		Namespace:      TerminationHandlerNamespace,
		ServiceAccount: TerminationHandlerServiceAccount,
		PolicyJSON:     iampolicy.Render(terminationHandlerPolicy, append([]pulumi.StringInput{queue.Arn}, asgARNs...)...),
	}, c.preNode)
	if err != nil {
		return err
	}
	// the URL is known once the handler's Pod Identity is in place: EKS gives a pod its
	// credentials when the pod is created, so the handler (installed with this URL) must not
	// start before its association exists
	c.TerminationQueueURL = pulumi.All(queue.Url, assoc.ID()).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
	return nil
}

// terminationHandlerPolicy is exactly the actions NTH's README lists for queue-processor mode
// ("IAM Policy for aws-node-termination-handler Deployment", tag v1.25.6), scoped: the queue's two
// actions to the queue (values[0]), completing lifecycle actions to the self-managed groups
// (values[1:], a resource-level permission of autoscaling:CompleteLifecycleAction, Service
// Authorization Reference, Amazon EC2 Auto Scaling, resource type autoScalingGroup), and the two
// Describe actions and ec2:DescribeInstances, which have no resource-level permissions, on "*".
func terminationHandlerPolicy(values []string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Allow("Describe", []string{
			"autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags", "ec2:DescribeInstances",
		}, "*"),
		iampolicy.Allow("CompleteLifecycleActions", []string{"autoscaling:CompleteLifecycleAction"}, values[1:]...),
		iampolicy.Allow("ReadQueue", []string{"sqs:DeleteMessage", "sqs:ReceiveMessage"}, values[0]),
	)
}
