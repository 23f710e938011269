package cluster

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// addonVersion returns the pinned version of an add-on: the override, else the table.
func (c *Cluster) addonVersion(name string) string {
	if v := c.args.AddonVersions[name]; v != "" {
		return v
	}
	return addonVersions[c.args.Version][name]
}

func (c *Cluster) addon(ctx *pulumi.Context, name string, deps []pulumi.Resource) (*eks.Addon, error) {
	child := c.name + "-" + name
	args := &eks.AddonArgs{
		ClusterName:              c.EKSCluster.Name,
		AddonName:                pulumi.String(name),
		AddonVersion:             pulumi.String(c.addonVersion(name)),
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		Tags:                     c.tags(child),
	}
	// Validate checked the JSON: an error here is unreachable
	values, err := addonConfiguration(name, c.args.AddonConfiguration[name])
	if err != nil {
		return nil, err
	}
	if values != "" {
		// configurationValues is updated in place (not in forcenew.json for aws:eks/addon:Addon)
		args.ConfigurationValues = pulumi.String(values)
	}
	return eks.NewAddon(ctx, child, args, append(c.opts, pulumi.DependsOn(deps))...)
}

// addonsBeforeNodes installs vpc-cni, kube-proxy and the Pod Identity agent: a node that joins
// before vpc-cni is ready never becomes Ready.
func (c *Cluster) addonsBeforeNodes(ctx *pulumi.Context) error {
	for _, name := range []string{"vpc-cni", "kube-proxy", "eks-pod-identity-agent"} {
		a, err := c.addon(ctx, name, nil)
		if err != nil {
			return err
		}
		c.preNode = append(c.preNode, a)
	}
	return nil
}

// addonsAfterNodes installs coredns and the EBS CSI driver, which need nodes to run on, and gives
// the driver's controller its role through Pod Identity.
func (c *Cluster) addonsAfterNodes(ctx *pulumi.Context) error {
	if _, err := c.addon(ctx, "coredns", c.nodes); err != nil {
		return err
	}
	pia, err := c.podIdentity(ctx, PodIdentity{
		Namespace: "kube-system", ServiceAccount: "ebs-csi-controller-sa",
		ManagedPolicyARNs: []string{"service-role/AmazonEBSCSIDriverPolicy"},
	}, c.preNode)
	if err != nil {
		return err
	}
	// the controller starts with its credentials in place
	_, err = c.addon(ctx, "aws-ebs-csi-driver", append(append([]pulumi.Resource(nil), c.nodes...), pia))
	return err
}
