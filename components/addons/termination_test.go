package addons

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const queueURL = "https://sqs.eu-west-1.amazonaws.com/111122223333/flowmart-test-node-termination-0a1b2c3"

// The handler runs in queue-processor mode on the cluster's queue, from the OCI chart pinned in
// the table, with the service account the cluster's Pod Identity binds.
func TestNodeTerminationHandler(t *testing.T) {
	for _, deploy := range []bool{false, true} {
		o := opts
		o.Deploy = deploy
		doc, _ := run(t, o, func(a *PlatformAddonsArgs) {
			a.NodeTerminationHandler = NodeTerminationHandlerArgs{Enabled: true, QueueURL: pulumi.String(queueURL)}
		})
		r := get(t, doc, helmRelease, "test-node-termination-handler")
		ch := Charts[chartNodeTerminationHandler]
		if r.Inputs["chart"] != "oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler" || r.Inputs["version"] != ch.Version ||
			r.Inputs["repositoryOpts"] != nil || r.Inputs["namespace"] != "kube-system" {
			t.Errorf("deploy=%v: release %v", deploy, r.Inputs)
		}
		v := r.Inputs["values"]
		for key, want := range map[string]any{
			"enableSqsTerminationDraining": true, "queueURL": queueURL, "awsRegion": "eu-west-1", "replicas": 1.0,
			"checkTagBeforeDraining": true, "managedTag": "aws-node-termination-handler/managed",
		} {
			if got := path(v, key); got != want {
				t.Errorf("deploy=%v: values.%s = %v, want %v", deploy, key, got, want)
			}
		}
		if path(v, "serviceAccount", "name") != "aws-node-termination-handler" || path(v, "serviceAccount", "create") != true {
			t.Errorf("deploy=%v: service account %v", deploy, path(v, "serviceAccount"))
		}
	}
}

func TestNodeTerminationHandlerOffByDefault(t *testing.T) {
	doc, _ := run(t, opts, nil)
	if doc.Get(helmRelease, "test-node-termination-handler") != nil {
		t.Error("the handler is installed without being enabled")
	}
}

func TestNodeTerminationHandlerNeedsItsQueue(t *testing.T) {
	a := validArgs()
	a.NodeTerminationHandler.Enabled = true
	err := a.Validate()
	if err == nil || !strings.HasPrefix(err.Error(), "NodeTerminationHandler.QueueURL: is required when the handler is enabled") {
		t.Fatalf("got %v", err)
	}
	a.NodeTerminationHandler.QueueURL = pulumi.String(queueURL)
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
}

// Every Pod Identity role of the add-ons trusts the cluster ClusterARN only.
func TestAddonRolesTrustTheClusterOnly(t *testing.T) {
	doc, _ := run(t, opts, nil)
	n := 0
	for _, r := range doc.Find(iamRole) {
		var trust struct {
			Statement []struct {
				Principal map[string]any
				Condition map[string]map[string]any
			}
		}
		mustJSON(t, r.Inputs["assumeRolePolicy"], &trust)
		st := trust.Statement[0]
		if st.Principal["Service"] != "pods.eks.amazonaws.com" {
			continue
		}
		n++
		src, _ := st.Condition["ArnLike"]["aws:SourceArn"].([]any)
		if st.Condition["StringEquals"]["aws:SourceAccount"] != "111122223333" || len(src) != 2 ||
			src[0] != "arn:aws:eks:eu-west-1:111122223333:cluster/flowmart-test" {
			t.Errorf("%s trust conditions %v", r.Name, st.Condition)
		}
	}
	if n < 3 { // the load balancer controller, the image updater, Fluent Bit
		t.Errorf("%d Pod Identity roles", n)
	}
}
