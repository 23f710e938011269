package cluster

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
)

const managedPolicy = "arn:aws:iam::aws:policy/"

// encryptionKey creates the KMS key that envelope-encrypts Kubernetes secrets, unless one is given.
// It is created before the cluster's roles, so its policy is the one KMS writes itself: the
// platform's key policy (kmskey), with no service statement. It has no alias.
func (c *Cluster) encryptionKey(ctx *pulumi.Context) error {
	if c.args.KMSKeyARN != nil {
		c.kmsKeyARN = c.args.KMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	name := c.name + "-secrets"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "Envelope encryption of Kubernetes secrets of EKS cluster " + c.name,
		Tags:        c.tags(name),
	}, protect.Options(c.args.Protect, c.opts), nil)
	if err != nil {
		return err
	}
	c.kmsKeyARN = key.Arn
	return nil
}

// attach attaches policies to a role, one attachment per policy: full ARNs, or names of AWS
// managed policies.
func (c *Cluster) attach(ctx *pulumi.Context, prefix string, role *iam.Role, policies ...string) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, p := range policies {
		arn := p
		if !strings.HasPrefix(p, "arn:") {
			arn = managedPolicy + p
		}
		a, err := iam.NewRolePolicyAttachment(ctx, prefix+"-"+slug(p), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(arn),
		}, c.opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// roles creates the control plane's role (AmazonEKSClusterPolicy only) and the nodes' role (worker,
// ECR pull-only, VPC CNI and SSM managed-instance policies).
func (c *Cluster) roles(ctx *pulumi.Context) error {
	var err error
	name := c.name + "-cluster"
	c.clusterRole, err = iam.NewRole(ctx, name, &iam.RoleArgs{
		Description: pulumi.String("EKS control plane of " + c.name),
		AssumeRolePolicy: pulumi.String(iampolicy.New(iampolicy.Statement{
			Effect: "Allow", Principal: map[string]any{"Service": "eks.amazonaws.com"},
			Action: []string{"sts:AssumeRole", "sts:TagSession"},
		}).String()),
		Tags: c.tags(name),
	}, c.opts...)
	if err != nil {
		return err
	}
	if c.controlPlaneDeps, err = c.attach(ctx, name, c.clusterRole, "AmazonEKSClusterPolicy"); err != nil {
		return err
	}
	name = c.name + "-nodes"
	c.nodeRole, err = iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("Worker nodes of EKS cluster " + c.name),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com", nil).String()),
		Tags:             c.tags(name),
	}, c.opts...)
	if err != nil {
		return err
	}
	c.nodeDeps, err = c.attach(ctx, name, c.nodeRole,
		"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore")
	return err
}

// controlPlaneLogs creates the log group EKS writes to, before the cluster, so it has a retention
// (EKS would otherwise create it without one) and is encrypted with a customer managed key. EKS
// fixes the group's name, /aws/eks/<cluster>/cluster (Amazon EKS User Guide, "Send control plane
// logs to CloudWatch Logs", https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html).
func (c *Cluster) controlPlaneLogs(ctx *pulumi.Context) error {
	groupName := fmt.Sprintf("/aws/eks/%s/cluster", c.args.NamePrefix)
	key, err := c.logKey(ctx, groupName)
	if err != nil {
		return err
	}
	name := c.name + "-control-plane"
	group, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(groupName),
		RetentionInDays: pulumi.Int(c.args.LogRetentionDays),
		KmsKeyId:        key,
		Tags:            c.tags(name),
	}, c.opts...)
	c.controlPlaneDeps = append(c.controlPlaneDeps, group)
	return err
}

// logKey returns LogKMSKeyARN, or creates the key that encrypts the control-plane log group:
// the platform's key policy plus the statement that lets CloudWatch Logs of the cluster's region
// use it for that group only (kmskey.LogsStatement). It is not the secrets key: that one may be
// given (KMSKeyARN) and keeps a policy no service principal is named in. The cluster role's ARN
// names the account; the secrets key's ARN names the cluster's region without a lookup (the key
// "must be symmetric and created in the same AWS Region as the cluster", Amazon EKS API
// Reference, Provider, keyArn: https://docs.aws.amazon.com/eks/latest/APIReference/API_Provider.html).
func (c *Cluster) logKey(ctx *pulumi.Context, groupName string) (pulumi.StringOutput, error) {
	if c.args.LogKMSKeyARN != nil {
		return c.args.LogKMSKeyARN.ToStringPtrOutput().Elem(), nil
	}
	region := c.kmsKeyARN.ToStringOutput().ApplyT(func(key string) (string, error) {
		if r := arn.Region(key); r != "" {
			return r, nil
		}
		return "", fmt.Errorf("cluster %q: KMSKeyARN %q names no region (the log key's policy needs it): give the key's ARN, or set LogKMSKeyARN", c.name, key)
	}).(pulumi.StringOutput)
	name := c.name + "-control-plane-logs"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "Encrypts the control-plane log group of EKS cluster " + c.name,
		AccountARN:  c.clusterRole.Arn,
		Region:      region,
		ServiceStatementsFor: func(s kmskey.Scope) []iampolicy.Statement {
			return []iampolicy.Statement{kmskey.LogsStatement(s, groupName)}
		},
		Tags: c.tags(name),
	}, protect.Options(c.args.Protect, c.opts), nil)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return key.Arn, nil
}

// controlPlane creates the EKS cluster: private endpoint on, public endpoint only to the given
// CIDRs, API authentication mode without a hidden creator-admin entry, secrets encrypted with KMS,
// control-plane logs, explicit version, service CIDR and upgrade policy, and no self-managed
// default add-ons (the pinned ones are managed add-ons). EKS deletion protection is not in
// pulumi-aws v6.83.4: Protect (pulumi protect) guards the cluster instead.
func (c *Cluster) controlPlane(ctx *pulumi.Context) error {
	vpc := &eks.ClusterVpcConfigArgs{
		SubnetIds:             c.args.SubnetIDs,
		EndpointPrivateAccess: pulumi.Bool(true),
		EndpointPublicAccess:  pulumi.Bool(c.args.EndpointPublicAccess),
	}
	if c.args.EndpointPublicAccess {
		vpc.PublicAccessCidrs = pulumi.ToStringArray(c.args.PublicAccessCIDRs)
	}
	cluster, err := eks.NewCluster(ctx, c.name+"-eks", &eks.ClusterArgs{
		Name:      pulumi.String(c.args.NamePrefix),
		Version:   pulumi.String(c.args.Version),
		RoleArn:   c.clusterRole.Arn,
		VpcConfig: vpc,
		AccessConfig: &eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String("API"),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(false),
		},
		EncryptionConfig: &eks.ClusterEncryptionConfigArgs{
			Resources: pulumi.StringArray{pulumi.String("secrets")},
			Provider:  &eks.ClusterEncryptionConfigProviderArgs{KeyArn: c.kmsKeyARN},
		},
		KubernetesNetworkConfig: &eks.ClusterKubernetesNetworkConfigArgs{
			IpFamily:        pulumi.String("ipv4"),
			ServiceIpv4Cidr: c.serviceCIDR(),
		},
		EnabledClusterLogTypes:     pulumi.ToStringArray(c.args.LogTypes),
		UpgradePolicy:              &eks.ClusterUpgradePolicyArgs{SupportType: pulumi.String(c.args.UpgradePolicy)},
		BootstrapSelfManagedAddons: pulumi.Bool(false),
		Tags:                       c.tags(c.name),
	}, protect.Options(c.args.Protect, c.opts, pulumi.DependsOn(c.controlPlaneDeps))...)
	c.EKSCluster = cluster
	return err
}

// serviceCIDR is the service range once the VPC's CIDR is known not to overlap it: with a VPCCIDR
// from another resource or stack, the control plane is never created on a bad range.
func (c *Cluster) serviceCIDR() pulumi.StringOutput {
	svc := c.args.ServiceIPv4CIDR
	return c.args.VPCCIDR.ToStringOutput().ApplyT(func(vpc string) (string, error) {
		if err := checkServiceCIDR(svc, vpc); err != nil {
			return "", fmt.Errorf("cluster %q: %w", c.name, err)
		}
		return svc, nil
	}).(pulumi.StringOutput)
}
