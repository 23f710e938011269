package runner

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// httpsPort is the one port the runner opens a connection to.
const httpsPort = 443

// securityGroups creates the runner's security group: no ingress rule at all, and egress on TCP
// 443 only, to the VPC's CIDR and to 0.0.0.0/0 (see the package documentation). The group is
// created without inline rules, so the provider removes the allow-all egress rule AWS gives a new
// group (pulumi-aws v6.83.4 go/aws/ec2/securityGroup.go:96, "NOTE on Egress rules") and the two
// rules below are all there is. The VPC rule is
// kept beside the internet one although the latter covers it: it is the rule the runner's
// purpose rests on (the private Kubernetes API and the interface endpoints), and it says so in
// the console. Every rule is described. The group's description, which AWS never changes in
// place (a new one replaces the group and its rules), names the component, not ProjectName.
func (r *Runner) securityGroups(ctx *pulumi.Context) error {
	name := r.name + "-sg"
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       r.args.VPCID,
		Description: pulumi.String("GitHub Actions runner " + r.name + " (CodeBuild): HTTPS out only, nothing in"),
		Tags:        r.tags(name),
	}, r.opts...)
	if err != nil {
		return err
	}
	r.securityGroup = sg
	id := sg.ID().ToStringOutput()
	rules := []struct {
		suffix      string
		cidr        pulumi.StringInput
		description string
	}{
		{"-egress-vpc", r.args.VPCCIDR, "HTTPS to the VPC: the private Kubernetes API and the interface endpoints"},
		{"-egress-internet", pulumi.String("0.0.0.0/0"), "HTTPS through the NAT gateway: GitHub, Pulumi plugins, AWS APIs without an endpoint"},
	}
	for _, rule := range rules {
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, r.name+rule.suffix, &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: id,
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(httpsPort),
			ToPort:          pulumi.Int(httpsPort),
			CidrIpv4:        rule.cidr,
			Description:     pulumi.String(rule.description),
			Tags:            r.tags(r.name + rule.suffix),
		}, r.opts...); err != nil {
			return err
		}
	}
	return nil
}

// clusterAccess admits the runner to the Kubernetes API: TCP 443 on the cluster security group
// from the runner's group, when ClusterSecurityGroupID is given.
func (r *Runner) clusterAccess(ctx *pulumi.Context) error {
	if r.args.ClusterSecurityGroupID == nil {
		return nil
	}
	name := r.name + "-cluster-api"
	_, err := vpc.NewSecurityGroupIngressRule(ctx, name, &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           r.args.ClusterSecurityGroupID.ToStringPtrOutput().Elem(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(httpsPort),
		ToPort:                    pulumi.Int(httpsPort),
		ReferencedSecurityGroupId: r.securityGroup.ID().ToStringOutput(),
		Description:               pulumi.String("GitHub Actions runner " + r.args.ProjectName + " to the Kubernetes API"),
		Tags:                      r.tags(name),
	}, r.opts...)
	return err
}
