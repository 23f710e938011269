package addons

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// The AWS Node Termination Handler in queue-processor mode drains self-managed nodes before they
// terminate: it reads the queue the Cluster feeds (Cluster.TerminationQueueURL: the group's
// termination lifecycle hook and EC2's spot, rebalance and state-change events), cordons and
// drains the node, then completes the lifecycle action. Its IAM role is the Cluster's, bound by a
// Pod Identity to the service account below (cluster.TerminationHandlerServiceAccount).
//
// The chart is 0.27.6 (NTH 1.25.6) from the registry NTH's README installs from
// (oci://public.ecr.aws/aws-ec2/helm, github.com/aws/aws-node-termination-handler tag v1.25.6,
// README.md "Helm"). The aws/eks-charts index stops at 0.21.0 (NTH 1.19.0, gh-pages index.yaml),
// built with aws-sdk-go v1.44.145 (go.mod at v1.19.0), older than the v1.47.11 the Amazon EKS
// User Guide requires for Pod Identity credentials ("Use pod identity with the AWS SDK",
// https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html): that handler could
// not read its queue.
//
// Values keys are the chart's, config/helm/aws-node-termination-handler/values.yaml at tag
// v1.25.6: enableSqsTerminationDraining (queue-processor mode), queueURL, awsRegion, replicas,
// checkTagBeforeDraining and managedTag (drain only the instances the self-managed groups tag),
// serviceAccount.create and serviceAccount.name.

const (
	nthServiceAccount = "aws-node-termination-handler"
	nthManagedTag     = "aws-node-termination-handler/managed"
)

// NodeTerminationHandlerArgs configures the AWS Node Termination Handler (queue-processor mode).
type NodeTerminationHandlerArgs struct {
	// Enabled installs the handler. Defaults to false: only a cluster with self-managed node
	// groups needs it (EKS drains managed groups' nodes itself).
	Enabled bool
	// QueueURL is the SQS queue of termination events, Cluster.TerminationQueueURL. Required when
	// Enabled.
	QueueURL pulumi.StringInput
	// Values are Helm values deep-merged over the component's own. Defaults to none.
	Values map[string]any
}

func (n NodeTerminationHandlerArgs) validate() error {
	if n.Enabled && n.QueueURL == nil {
		return fielderr.New("NodeTerminationHandler.QueueURL", "is required when the handler is enabled (the queue of termination events, Cluster.TerminationQueueURL)")
	}
	return nil
}

// nodeTerminationHandler installs NTH in kube-system, reading the cluster's termination queue.
func (c *PlatformAddons) nodeTerminationHandler(ctx *pulumi.Context) error {
	n := c.args.NodeTerminationHandler
	if !n.Enabled {
		return nil
	}
	_, err := c.install(ctx, release{
		key: "node-termination-handler", chart: chartNodeTerminationHandler, namespace: nsKubeSystem, name: "aws-node-termination-handler",
		values: map[string]any{
			"enableSqsTerminationDraining": true,
			"queueURL":                     n.QueueURL,
			"awsRegion":                    c.args.Region,
			// one replica: NTH's pods are stateless and more would only duplicate its work
			// (values.yaml, replicas)
			"replicas":               1,
			"checkTagBeforeDraining": true,
			"managedTag":             nthManagedTag,
			"serviceAccount":         map[string]any{"create": true, "name": nthServiceAccount},
		},
		override: n.Values,
	})
	return err
}
