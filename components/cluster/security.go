package cluster

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// securityGroups creates the nodes' security group with the recommended rules only: node to node,
// control plane to nodes on 443 and 10250, nodes to the control plane on 443, and egress for the
// nodes (image pulls, AWS APIs). Every rule is described.
func (c *Cluster) securityGroups(ctx *pulumi.Context) error {
	name := c.name + "-nodes"
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       c.args.VPCID,
		Description: pulumi.String("Worker nodes of EKS cluster " + c.name),
		Tags:        c.tags(name),
	}, c.opts...)
	if err != nil {
		return err
	}
	c.nodeSG = sg.ID()
	clusterSG := c.EKSCluster.VpcConfig.ClusterSecurityGroupId().Elem()
	nodes := sg.ID().ToStringOutput()
	ingress := []struct {
		suffix, desc string
		sg           pulumi.StringInput
		from         pulumi.StringInput
		proto        string
		port         int
	}{
		{"node-to-node", "Nodes talk to each other on every port (pods, DNS, overlay)", nodes, nodes, "-1", 0},
		{"cp-to-kubelet", "Control plane to kubelet (logs, exec, metrics)", nodes, clusterSG, "tcp", 10250},
		{"cp-to-webhooks", "Control plane to admission webhooks served on 443 by pods", nodes, clusterSG, "tcp", 443},
		{"nodes-to-cp", "Nodes to the Kubernetes API", clusterSG, nodes, "tcp", 443},
	}
	for _, r := range ingress {
		args := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           r.sg,
			ReferencedSecurityGroupId: r.from,
			IpProtocol:                pulumi.String(r.proto),
			Description:               pulumi.String(r.desc),
			Tags:                      c.tags(c.name + "-" + r.suffix),
		}
		if r.proto != "-1" {
			args.FromPort, args.ToPort = pulumi.Int(r.port), pulumi.Int(r.port)
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, c.name+"-"+r.suffix, args, c.opts...); err != nil {
			return err
		}
	}
	_, err = vpc.NewSecurityGroupEgressRule(ctx, c.name+"-nodes-egress", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: nodes,
		IpProtocol:      pulumi.String("-1"),
		CidrIpv4:        pulumi.String("0.0.0.0/0"),
		Description:     pulumi.String("Nodes reach the control plane, AWS APIs and registries (through NAT or endpoints)"),
		Tags:            c.tags(c.name + "-nodes-egress"),
	}, c.opts...)
	return err
}
