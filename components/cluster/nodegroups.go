package cluster

import (
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/tags"
)

// nodeGroups creates every node group. Both kinds share a launch template: IMDSv2 required with the
// group's hop limit, an encrypted gp3 root volume, the node and cluster security groups. Nodes
// wait for vpc-cni, kube-proxy and the Pod Identity agent, and for the node role's policies;
// self-managed nodes also wait for the access entry they join with.
func (c *Cluster) nodeGroups(ctx *pulumi.Context) error {
	deps := append(append([]pulumi.Resource(nil), c.preNode...), c.nodeDeps...)
	selfDeps := deps
	if slices.ContainsFunc(c.args.NodeGroups, func(g NodeGroup) bool { return g.Kind == SelfManaged }) {
		// Self-managed nodes join through an EC2_LINUX access entry for the node role (managed
		// node groups get theirs from EKS).
		name := c.name + "-access-nodes"
		entry, err := eks.NewAccessEntry(ctx, name, &eks.AccessEntryArgs{
			ClusterName:  c.EKSCluster.Name,
			PrincipalArn: c.nodeRole.Arn,
			Type:         pulumi.String("EC2_LINUX"),
			Tags:         c.tags(name),
		}, c.opts...)
		if err != nil {
			return err
		}
		selfDeps = append(append([]pulumi.Resource(nil), deps...), entry)
	}
	for _, g := range c.args.NodeGroups {
		var err error
		var node pulumi.Resource
		if g.Kind == Managed {
			node, err = c.managed(ctx, g, deps)
		} else {
			node, err = c.selfManaged(ctx, g, selfDeps)
		}
		if err != nil {
			return fmt.Errorf("node group %s: %w", g.Name, err)
		}
		c.nodes = append(c.nodes, node)
	}
	return nil
}

// groupTags are a node group resource's tags: the cluster's, the group's, then Name.
func (c *Cluster) groupTags(g NodeGroup, name string) pulumi.StringMap {
	return tags.Named(tags.Merge(c.args.Tags, g.Tags), name)
}

// launchedTags are the tags of what a group launches (instances, volumes, network interfaces),
// which the provider's default tags never reach: DefaultTags, the cluster's Tags, the group's,
// then Name and extra.
func (c *Cluster) launchedTags(g NodeGroup, name string, extra ...map[string]string) map[string]string {
	m := tags.Merge(append([]map[string]string{c.args.DefaultTags, c.args.Tags, g.Tags}, extra...)...)
	m[tags.KeyName] = name
	return m
}

// rootDevice is the device of the volume DiskSizeGiB sizes: AL2023's root volume, Bottlerocket's
// data volume (/dev/xvdb; its OS keeps the AMI's /dev/xvda, see bottlerocketTypes).
func rootDevice(g NodeGroup) string {
	if slices.Contains(bottlerocketTypes, g.AMIType) {
		return "/dev/xvdb"
	}
	return "/dev/xvda"
}

// launchedResourceTypes are the launch-template tag specifications: what EC2 creates at launch.
var launchedResourceTypes = []string{"instance", "volume", "network-interface"}

// minHealthyPercentage is the instance refresh's MinHealthyPercentage for MaxUnavailable: the
// largest share of DesiredSize that leaves at most MaxUnavailable nodes out of service. EC2 Auto
// Scaling keeps that percentage of the desired capacity in service, rounded up to a whole instance
// (Amazon EC2 Auto Scaling API Reference, RefreshPreferences, MinHealthyPercentage: "0 to 100",
// the default 90; https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html),
// and ceil(D*floor(100*(D-M)/D)/100) is exactly D-M. The autoscaler may move the desired
// capacity: the percentage then keeps the same share of the group in service.
func minHealthyPercentage(g NodeGroup) int {
	d := max(g.DesiredSize, 1)
	return max(0, 100*(d-g.MaxUnavailable)/d)
}

// launchTemplate builds the launch template of a group; self-managed groups add image, profile
// and user data. Nodes get no public IP: they live in the private subnets, which never map one.
func (c *Cluster) launchTemplate(ctx *pulumi.Context, g NodeGroup, self *ec2.LaunchTemplateArgs) (*ec2.LaunchTemplate, error) {
	name := c.name + "-" + g.Name
	args := self
	if args == nil {
		args = &ec2.LaunchTemplateArgs{}
	}
	args.Description = pulumi.String("Nodes of group " + g.Name + " of EKS cluster " + c.name)
	args.UpdateDefaultVersion = pulumi.Bool(true)
	args.MetadataOptions = &ec2.LaunchTemplateMetadataOptionsArgs{
		HttpEndpoint:            pulumi.String("enabled"),
		HttpTokens:              pulumi.String("required"),
		HttpPutResponseHopLimit: pulumi.Int(g.MetadataHopLimit),
	}
	args.BlockDeviceMappings = ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
		DeviceName: pulumi.String(rootDevice(g)),
		Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
			VolumeSize:          pulumi.Int(g.DiskSizeGiB),
			VolumeType:          pulumi.String("gp3"),
			Encrypted:           pulumi.String("true"),
			DeleteOnTermination: pulumi.String("true"),
		},
	}}
	args.VpcSecurityGroupIds = pulumi.StringArray{c.nodeSG.ToStringOutput(), c.EKSCluster.VpcConfig.ClusterSecurityGroupId().Elem()}
	// instances, volumes and network interfaces do not get the provider's default tags: tag them
	// here. A change makes a new launch-template version (tagSpecifications is not in
	// forcenew.json), which rolls the group's nodes.
	launched := pulumi.ToStringMap(c.launchedTags(g, name))
	var specs ec2.LaunchTemplateTagSpecificationArray
	for _, t := range launchedResourceTypes {
		specs = append(specs, &ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String(t), Tags: launched})
	}
	args.TagSpecifications = specs
	args.Tags = c.groupTags(g, name)
	return ec2.NewLaunchTemplate(ctx, name, args, c.opts...)
}

func (c *Cluster) managed(ctx *pulumi.Context, g NodeGroup, deps []pulumi.Resource) (pulumi.Resource, error) {
	lt, err := c.launchTemplate(ctx, g, nil)
	if err != nil {
		return nil, err
	}
	var taints eks.NodeGroupTaintArray
	for _, t := range g.Taints {
		taints = append(taints, &eks.NodeGroupTaintArgs{Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), Effect: pulumi.String(t.Effect)})
	}
	name := c.name + "-" + g.Name
	return eks.NewNodeGroup(ctx, name, &eks.NodeGroupArgs{
		ClusterName:    c.EKSCluster.Name,
		NodeGroupName:  pulumi.String(g.Name),
		NodeRoleArn:    c.nodeRole.Arn,
		SubnetIds:      c.args.SubnetIDs,
		Version:        pulumi.String(c.args.Version),
		ReleaseVersion: pulumi.String(g.ReleaseVersion),
		AmiType:        pulumi.String(g.AMIType),
		InstanceTypes:  pulumi.ToStringArray(g.InstanceTypes),
		ScalingConfig: &eks.NodeGroupScalingConfigArgs{
			MinSize: pulumi.Int(g.MinSize), MaxSize: pulumi.Int(g.MaxSize), DesiredSize: pulumi.Int(g.DesiredSize),
		},
		UpdateConfig:   &eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(g.MaxUnavailable)},
		Labels:         pulumi.ToStringMap(g.Labels),
		Taints:         taints,
		LaunchTemplate: &eks.NodeGroupLaunchTemplateArgs{Id: lt.ID().ToStringOutput(), Version: itoa(lt.LatestVersion)},
		Tags:           c.groupTags(g, name),
	}, append(c.opts, pulumi.DependsOn(deps), pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))...)
}

func itoa(v pulumi.IntOutput) pulumi.StringOutput {
	return v.ApplyT(func(i int) string { return fmt.Sprint(i) }).(pulumi.StringOutput)
}

func (c *Cluster) selfManaged(ctx *pulumi.Context, g NodeGroup, deps []pulumi.Resource) (pulumi.Resource, error) {
	name := c.name + "-" + g.Name
	profile, err := iam.NewInstanceProfile(ctx, name, &iam.InstanceProfileArgs{Role: c.nodeRole.Name, Tags: c.groupTags(g, name)}, c.opts...)
	if err != nil {
		return nil, err
	}
	ltArgs := &ec2.LaunchTemplateArgs{
		ImageId:            pulumi.String(g.AMIID),
		IamInstanceProfile: &ec2.LaunchTemplateIamInstanceProfileArgs{Arn: profile.Arn},
		UserData:           c.nodeadmUserData(g),
	}
	if len(g.InstanceTypes) == 1 {
		ltArgs.InstanceType = pulumi.String(g.InstanceTypes[0])
	}
	lt, err := c.launchTemplate(ctx, g, ltArgs)
	if err != nil {
		return nil, err
	}
	cluster := c.args.NamePrefix // the EKS cluster's name
	asg := &autoscaling.GroupArgs{
		VpcZoneIdentifiers: c.args.SubnetIDs,
		MinSize:            pulumi.Int(g.MinSize),
		MaxSize:            pulumi.Int(g.MaxSize),
		DesiredCapacity:    pulumi.Int(g.DesiredSize),
		// a new launch-template version replaces the nodes, at most MaxUnavailable at a time;
		// each terminating node waits in the drain lifecycle hook (drain.go)
		InstanceRefresh: &autoscaling.GroupInstanceRefreshArgs{
			Strategy:    pulumi.String("Rolling"),
			Preferences: &autoscaling.GroupInstanceRefreshPreferencesArgs{MinHealthyPercentage: pulumi.Int(minHealthyPercentage(g))},
		},
		HealthCheckType: pulumi.String("EC2"),
		// the cluster autoscaler discovers the group by these tags, as it does managed groups;
		// the termination handler drains only instances with its managed tag
		Tags: asgTags(c.launchedTags(g, name, map[string]string{
			"kubernetes.io/cluster/" + cluster:     "owned",
			"k8s.io/cluster-autoscaler/enabled":    "true",
			"k8s.io/cluster-autoscaler/" + cluster: "owned",
			TerminationHandlerManagedTag:           "",
		})),
	}
	version := itoa(lt.LatestVersion)
	if len(g.InstanceTypes) == 1 {
		asg.LaunchTemplate = &autoscaling.GroupLaunchTemplateArgs{Id: lt.ID().ToStringOutput(), Version: version}
	} else {
		// several instance types: on-demand only, in the listed order of preference
		var overrides autoscaling.GroupMixedInstancesPolicyLaunchTemplateOverrideArray
		for _, t := range g.InstanceTypes {
			overrides = append(overrides, &autoscaling.GroupMixedInstancesPolicyLaunchTemplateOverrideArgs{InstanceType: pulumi.String(t)})
		}
		asg.MixedInstancesPolicy = &autoscaling.GroupMixedInstancesPolicyArgs{
			InstancesDistribution: &autoscaling.GroupMixedInstancesPolicyInstancesDistributionArgs{
				OnDemandAllocationStrategy:          pulumi.String("prioritized"),
				OnDemandPercentageAboveBaseCapacity: pulumi.Int(100),
			},
			LaunchTemplate: &autoscaling.GroupMixedInstancesPolicyLaunchTemplateArgs{
				LaunchTemplateSpecification: &autoscaling.GroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecificationArgs{
					LaunchTemplateId: lt.ID().ToStringOutput(), Version: version,
				},
				Overrides: overrides,
			},
		}
	}
	group, err := autoscaling.NewGroup(ctx, name, asg, append(c.opts, pulumi.DependsOn(deps), pulumi.IgnoreChanges([]string{"desiredCapacity"}))...)
	if err != nil {
		return nil, err
	}
	c.selfGroups = append(c.selfGroups, selfManagedASG{group: g, asg: group})
	return group, nil
}

// asgTags turns tags into auto-scaling group tags propagated to instances, in key order so the
// inputs never churn.
func asgTags(m map[string]string) autoscaling.GroupTagArray {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(autoscaling.GroupTagArray, 0, len(keys))
	for _, k := range keys {
		out = append(out, &autoscaling.GroupTagArgs{Key: pulumi.String(k), Value: pulumi.String(m[k]), PropagateAtLaunch: pulumi.Bool(true)})
	}
	return out
}

// nodeadmUserData is the AL2023 nodeadm NodeConfig of a self-managed group: cluster name,
// endpoint, CA and service CIDR, labels and taints. It holds no secret.
func (c *Cluster) nodeadmUserData(g NodeGroup) pulumi.StringOutput {
	var flags []string
	if len(g.Labels) > 0 {
		var kv []string
		for k, v := range g.Labels {
			kv = append(kv, k+"="+v)
		}
		sort.Strings(kv)
		flags = append(flags, "--node-labels="+strings.Join(kv, ","))
	}
	if len(g.Taints) > 0 {
		var ts []string
		effects := map[string]string{"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}
		for _, t := range g.Taints {
			ts = append(ts, t.Key+"="+t.Value+":"+effects[t.Effect])
		}
		flags = append(flags, "--register-with-taints="+strings.Join(ts, ","))
	}
	return pulumi.All(c.EKSCluster.Name, c.EKSCluster.Endpoint, c.EKSCluster.CertificateAuthority.Data().Elem(),
		pulumi.String(c.args.ServiceIPv4CIDR)).ApplyT(func(v []any) string {
		var b strings.Builder
		b.WriteString("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"BOUNDARY\"\n\n--BOUNDARY\nContent-Type: application/node.eks.aws\n\n")
		fmt.Fprintf(&b, "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    name: %s\n    apiServerEndpoint: %s\n    certificateAuthority: %s\n    cidr: %s\n", v[0], v[1], v[2], v[3])
		if len(flags) > 0 {
			b.WriteString("  kubelet:\n    flags:\n")
			for _, f := range flags {
				fmt.Fprintf(&b, "      - %q\n", f)
			}
		}
		b.WriteString("\n--BOUNDARY--\n")
		return base64.StdEncoding.EncodeToString([]byte(b.String()))
	}).(pulumi.StringOutput)
}
