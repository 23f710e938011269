package stacks

import (
	"sort"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/addons"
	"github.com/flowmart/platform/stacks/config"
	"github.com/flowmart/platform/stacks/manifests"
)

// ConfigMapSuffix names a service's ConfigMap: <service>-platform in its namespace.
const ConfigMapSuffix = "-platform"

// newServiceConfigMaps creates, in the services layer, each manifest's namespace unless the
// platform owns it already (once per namespace; retainOnDelete, so removing a manifest never deletes an application's namespace
// and what runs in it) and its <service>-platform ConfigMap: the AWS layer's entries for the
// service (outOfferings: endpoints, ports, secret ARNs, the role's ARN). An AWS layer that has no
// entry for the service yet (deployed before the manifest) gives an empty ConfigMap until it is
// deployed again.
func newServiceConfigMaps(ctx *pulumi.Context, cfg *config.Config, load manifestLoader, offerings pulumi.MapOutput, k8s *kubernetes.Provider, pa *addons.PlatformAddons) error {
	svcs, err := load(cfg.Environment)
	if err != nil {
		return err
	}
	opts := []pulumi.ResourceOption{pulumi.Provider(k8s)}
	// The add-ons already create the namespaces of the stack's routes (config routes): the
	// platform owns those, and a ConfigMap in one waits for it.
	namespaces := map[string]pulumi.StringInput{}
	for _, s := range svcs {
		cmOpts := opts
		nsName, ok := namespaces[s.Namespace]
		owned := pa.Namespace(s.Namespace)
		switch {
		case owned != nil:
			nsName = pulumi.String(s.Namespace)
			cmOpts = append(cmOpts, pulumi.DependsOn([]pulumi.Resource{owned}))
		case !ok:
			ns, err := corev1.NewNamespace(ctx, cfg.Stack+"-ns-"+s.Namespace, &corev1.NamespaceArgs{
				Metadata: &metav1.ObjectMetaArgs{
					Name:   pulumi.String(s.Namespace),
					Labels: pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("flowmart-platform"), "flowmart.io/owner": pulumi.String(s.Owner)},
				},
			}, append(opts, pulumi.RetainOnDelete(true))...)
			if err != nil {
				return err
			}
			nsName = ns.Metadata.Name().Elem()
			namespaces[s.Namespace] = nsName
		}
		name := s.Name + ConfigMapSuffix
		if _, err := corev1.NewConfigMap(ctx, cfg.Stack+"-"+name, &corev1.ConfigMapArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name:      pulumi.String(name),
				Namespace: nsName,
				Labels:    pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("flowmart-platform"), "flowmart.io/service": pulumi.String(s.Name), "flowmart.io/owner": pulumi.String(s.Owner)},
			},
			Data: serviceEntries(offerings, s),
		}, cmOpts...); err != nil {
			return err
		}
	}
	return nil
}

// serviceEntries are the service's entries in the AWS layer's offerings output, with the
// service's name, owner, namespace and service account.
func serviceEntries(offerings pulumi.MapOutput, s *manifests.Sized) pulumi.StringMapOutput {
	return offerings.ApplyT(func(all map[string]any) map[string]string {
		out := map[string]string{"service": s.Name, "owner": s.Owner, "namespace": s.Namespace, "serviceAccount": s.ServiceAccount}
		mine, _ := all[s.Name].(map[string]any)
		keys := make([]string, 0, len(mine))
		for k := range mine {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if v, ok := mine[k].(string); ok {
				out[k] = v
			}
		}
		return out
	}).(pulumi.StringMapOutput)
}
