package addons

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// StorageClassArgs configures the cluster's default StorageClass.
type StorageClassArgs struct {
	// Enabled creates the encrypted gp3 default class and takes the default mark off gp2. Turn it
	// off only where the cluster already has a default class of its own. Defaults to true.
	Enabled *bool
}

// On reports whether the default class is managed.
func (s StorageClassArgs) On() bool { return s.Enabled == nil || *s.Enabled }

// The default StorageClass. EKS stopped marking gp2 as default for clusters created on 1.30 and
// later (docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html), so without one every
// PersistentVolumeClaim without a class stays Pending: the Keycloak database, APISIX's etcd,
// Prometheus. The class uses the EBS CSI driver the cluster installs with its Pod Identity
// (components/cluster: aws-ebs-csi-driver, kube-system/ebs-csi-controller-sa); its parameters are
// the driver's (kubernetes-sigs/aws-ebs-csi-driver v1.50.1, docs/parameters.md: "type",
// "encrypted", "csi.storage.k8s.io/fstype"; without "kmsKeyId" the volumes are encrypted with the
// region's aws/ebs key, which the driver's managed policy may use).
const (
	defaultStorageClass = "gp3"
	legacyStorageClass  = "gp2"
	ebsCSIProvisioner   = "ebs.csi.aws.com"
	// defaultClassAnnotation marks the default StorageClass (kubernetes.io/docs/concepts/storage/storage-classes).
	defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"
)

// storageClasses takes the default mark off the existing gp2 class (a server-side apply patch
// that owns just that annotation) and then creates the encrypted gp3 class as the one default,
// binding volumes where their pod is scheduled (WaitForFirstConsumer: the volume's zone is the
// pod's). Every release that claims volumes depends on it (c.storage).
func (c *PlatformAddons) storageClasses(ctx *pulumi.Context) error {
	if !c.args.StorageClass.On() {
		return nil
	}
	gp2, err := storagev1.NewStorageClassPatch(ctx, c.name+"-storage-gp2", &storagev1.StorageClassPatchArgs{
		Metadata: &metav1.ObjectMetaPatchArgs{
			Name: pulumi.String(legacyStorageClass),
			Annotations: pulumi.StringMap{
				defaultClassAnnotation: pulumi.String("false"),
				// take the annotation over from the field manager EKS applied it with: a
				// conflicting server-side apply is forced (pulumi-kubernetes v4.32.0,
				// sdk/go/kubernetes/provider.go, EnablePatchForce: the annotation comes first)
				"pulumi.com/patchForce": pulumi.String("true"),
			},
		},
	}, c.k8sOpts...)
	if err != nil {
		return err
	}
	gp3, err := storagev1.NewStorageClass(ctx, c.name+"-storage-gp3", &storagev1.StorageClassArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(defaultStorageClass),
			Annotations: pulumi.StringMap{defaultClassAnnotation: pulumi.String("true")},
			Labels:      pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("pulumi")},
		},
		Provisioner: pulumi.String(ebsCSIProvisioner),
		Parameters: pulumi.StringMap{
			"type":                      pulumi.String("gp3"),
			"encrypted":                 pulumi.String("true"),
			"csi.storage.k8s.io/fstype": pulumi.String("ext4"),
		},
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		ReclaimPolicy:        pulumi.String("Delete"),
		AllowVolumeExpansion: pulumi.Bool(true),
	}, append(c.k8sOpts, pulumi.DependsOn([]pulumi.Resource{gp2}))...)
	if err != nil {
		return err
	}
	c.storage = gp3
	return nil
}

// volumeDeps returns deps plus the default StorageClass, for resources that claim volumes.
func (c *PlatformAddons) volumeDeps(deps ...pulumi.Resource) []pulumi.Resource {
	if c.storage != nil {
		deps = append(deps, c.storage)
	}
	return deps
}

// ipTargetNamespaces are the namespaces whose pods are the load balancer's IP targets: the AWS Load
// Balancer Controller injects its readiness gate into pods of namespaces labeled
// elbv2.k8s.aws/pod-readiness-gate-inject=enabled, so a rollout waits until the new pod is a
// healthy target before the old one goes (kubernetes-sigs/aws-load-balancer-controller v2.14.0,
// docs/deploy/pod_readiness_gate.md; it applies to target-type ip only, which the ingress
// Service uses).
var ipTargetNamespaces = []string{nsIngress}

// readinessGateLabel is the namespace label of the controller's readiness-gate webhook.
const readinessGateLabel = "elbv2.k8s.aws/pod-readiness-gate-inject"
