package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/stacks/config"
)

// Layer is one of an environment's two Pulumi projects.
type Layer string

// The layers, in deploy order.
const (
	// AWSLayer is the root project (config.Project): network, cluster, hosts, registry,
	// certificate, alarm pager. A GitHub-hosted runner deploys it with AWS APIs alone.
	AWSLayer Layer = "aws"
	// ServicesLayer is the project in cluster-services/ (config.ServicesProject): the add-ons,
	// routes and platform DNS records. It runs where the cluster's API is reachable.
	ServicesLayer Layer = "cluster-services"
)

// Layers lists the layers in deploy order: the services layer reads the AWS layer's outputs.
var Layers = []Layer{AWSLayer, ServicesLayer}

// Project is the layer's Pulumi project name.
func (l Layer) Project() string {
	if l == ServicesLayer {
		return config.ServicesProject
	}
	return config.Project
}

// Program is the layer's Pulumi program.
func (l Layer) Program() pulumi.RunFunc { return l.ProgramWith("") }

// ProgramWith is the layer's program reading the service manifests in servicesDir; empty finds
// services/ from the working directory (manifests.Dir), as Program does.
func (l Layer) ProgramWith(servicesDir string) pulumi.RunFunc {
	load := manifestsIn(servicesDir)
	if l == ServicesLayer {
		return func(ctx *pulumi.Context) error { return runServices(ctx, load) }
	}
	return func(ctx *pulumi.Context) error { return runAWS(ctx, load) }
}

// BackendOrganization is the organization of every stack of the DIY (S3) backend: "DIY backend
// always uses "organization" as the fixed organization name"
// (pulumi/pulumi@v3.274.1 pkg/backend/diy/backend.go:186-187, store.go:145).
const BackendOrganization = "organization"

// AWSLayerStack is the fully qualified name of a stack's AWS layer, the StackReference the
// services layer of the same stack reads: organization/flowmart-platform/<stack>.
func AWSLayerStack(stack string) string {
	return BackendOrganization + "/" + config.Project + "/" + stack
}

// Outputs of the AWS layer the services layer reads; each is exported by RunAWS (exportNetwork,
// exportCluster, exportCertificate).
const (
	outClusterName          = "clusterName"
	outClusterARN           = "clusterArn"
	outClusterEndpoint      = "clusterEndpoint"
	outClusterCA            = "clusterCertificateAuthority"
	outTerminationQueueURL  = "terminationQueueUrl"
	outVPCID                = "vpcId"
	outVPCCIDR              = "vpcCidr"
	outValidatedCertificate = "certificateArn"
)

// ServicesLayerInputs lists, in the order they are checked, the AWS layer's outputs the services
// layer needs.
var ServicesLayerInputs = []string{
	outClusterName, outClusterARN, outClusterEndpoint, outClusterCA, outTerminationQueueURL,
	outVPCID, outVPCCIDR, outValidatedCertificate,
}

// awsLayer is what the services layer takes from the AWS layer of its stack.
type awsLayer struct {
	ClusterName, ClusterARN, Endpoint, CertificateAuthority pulumi.StringInput
	// TerminationQueueURL is empty when the cluster has no self-managed node group.
	TerminationQueueURL pulumi.StringInput
	VPCID, VPCCIDR      pulumi.StringInput
	// CertificateARN is the environment's validated certificate (the load balancers').
	CertificateARN pulumi.StringInput
	// Offerings are the services' entries (outOfferings), by service; empty when the AWS layer
	// has none (deployed by a program older than the offerings): an optional input.
	Offerings pulumi.MapOutput
}

// readAWSLayer reads the AWS layer of stack through a StackReference and fails, on one line, on
// the first output it lacks (an AWS layer not deployed yet, or deployed by an older program).
// Each value keeps its secretness. The values are read once here, before anything is built from
// them, so a missing one stops the program before it registers a resource that needs it.
func readAWSLayer(ctx *pulumi.Context, stack string) (*awsLayer, error) {
	name := AWSLayerStack(stack)
	ref, err := pulumi.NewStackReference(ctx, name, nil)
	if err != nil {
		return nil, err
	}
	values := make(map[string]pulumi.StringInput, len(ServicesLayerInputs))
	for _, key := range ServicesLayerInputs {
		d, err := ref.GetOutputDetails(key)
		if err != nil {
			return nil, fmt.Errorf("stack %s: output %s: %w", name, key, err)
		}
		v := d.Value
		if d.SecretValue != nil {
			v = d.SecretValue
		}
		if v == nil {
			return nil, fmt.Errorf("stack %s has no output %s: deploy the AWS layer first", name, key)
		}
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("stack %s: output %s is a %T, want a string: deploy the AWS layer of this program version first", name, key, v)
		}
		// The value as an output of the reference: it keeps its secretness, and what is built
		// from it waits for the reference (and so, offline, for the whole AWS layer).
		values[key] = ref.GetStringOutput(pulumi.String(key))
	}
	// Optional: per-service entries. A missing one reads as none; one of another shape fails.
	offerings := pulumi.Map{}.ToMapOutput()
	if d, err := ref.GetOutputDetails(outOfferings); err != nil {
		return nil, fmt.Errorf("stack %s: output %s: %w", name, outOfferings, err)
	} else if v := firstNonNil(d.Value, d.SecretValue); v != nil {
		if _, ok := v.(map[string]any); !ok {
			return nil, fmt.Errorf("stack %s: output %s is a %T, want a map of services: deploy the AWS layer of this program version first", name, outOfferings, v)
		}
		offerings = ref.GetOutput(pulumi.String(outOfferings)).ApplyT(func(v any) map[string]any {
			m, _ := v.(map[string]any)
			return m
		}).(pulumi.MapOutput)
	}
	return &awsLayer{
		Offerings:            offerings,
		ClusterName:          values[outClusterName],
		ClusterARN:           values[outClusterARN],
		Endpoint:             values[outClusterEndpoint],
		CertificateAuthority: values[outClusterCA],
		TerminationQueueURL:  values[outTerminationQueueURL],
		VPCID:                values[outVPCID],
		VPCCIDR:              values[outVPCCIDR],
		CertificateARN:       values[outValidatedCertificate],
	}, nil
}

// kubernetesProvider is the services layer's Kubernetes provider, built by the cluster
// component's own code (cluster.NewKubernetesProvider) from the AWS layer's outputs. Its
// kubeconfig signs tokens (aws eks get-token --role-arn) as the role the layer's aws provider
// assumes, kubeconfigRoleARN: the preview or drift role of $PLATFORM_ASSUME_ROLE_ARN in those
// jobs (each has a read-only access entry of its own in cluster.accessEntries), else the
// deploying role of config assumeRoleArn, which the cluster-admin access entry admits. Its name
// is the one the AWS layer's cluster gave its provider, <stack>-k8s, at the root of the stack:
// the URN `pulumi state move` gives the copy of that provider it brings along with the add-ons.
func kubernetesProvider(ctx *pulumi.Context, cfg *config.Config, layer *awsLayer) (*kubernetes.Provider, error) {
	ca := cfg.ClusterArgs()
	p, _, err := cluster.NewKubernetesProvider(ctx, cfg.Stack+"-k8s", cluster.KubernetesProviderArgs{
		ClusterName:          layer.ClusterName,
		Endpoint:             layer.Endpoint,
		CertificateAuthority: layer.CertificateAuthority,
		ClusterARN:           layer.ClusterARN,
		RoleARN:              kubeconfigRoleARN(cfg),
		Profile:              ca.KubeconfigProfile,
	})
	return p, err
}

// kubeconfigRoleARN is the role the services layer's kubeconfig assumes: assumeRoleARN's
// ($PLATFORM_ASSUME_ROLE_ARN, else config assumeRoleArn), nil for none (the ambient
// credentials). Without the variable it is the role config.ClusterArgs gives the AWS layer's
// exported kubeconfig, so a deploy's provider inputs are the ones the single project had.
func kubeconfigRoleARN(cfg *config.Config) pulumi.StringPtrInput {
	if role := assumeRoleARN(cfg); role != "" {
		return pulumi.StringPtr(role)
	}
	return nil
}

func firstNonNil(vs ...any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}
