package database

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
)

// encryptionKey uses KMSKeyARN, or creates a key with rotation and the alias
// alias/<identifier> (protected with the database).
func (d *Database) encryptionKey(ctx *pulumi.Context) error {
	if d.args.KMSKeyARN != nil {
		d.keyARN = d.args.KMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	name := d.name + "-key"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "PostgreSQL database " + d.args.Identifier() + " of " + d.args.Service + ": storage, master secret, Performance Insights",
		Alias:       "alias/" + d.args.Identifier(),
		Tags:        d.tags(name),
	}, protect.Options(d.args.Protect, d.opts), d.opts)
	if err != nil {
		return err
	}
	d.keyARN = key.Arn
	return nil
}

// subnets creates the DB subnet group in the database subnets.
func (d *Database) subnets(ctx *pulumi.Context) error {
	name := d.name + "-subnets"
	var err error
	d.subnetGroup, err = rds.NewSubnetGroup(ctx, name, &rds.SubnetGroupArgs{
		Name:        pulumi.String(d.args.Identifier()),
		Description: pulumi.String("Database subnets of the PostgreSQL database of " + d.args.Service),
		SubnetIds:   d.args.SubnetIDs,
		Tags:        d.tags(name),
	}, d.opts...)
	return err
}

// securityGroups creates the database's security group: PostgreSQL (5432) in from the allowed
// security groups and CIDRs only, and no egress rule at all: the provider removes the allow-all
// rule AWS creates in a new group (pulumi-aws v6.83.4 sdk/go/aws/ec2/securityGroup.go:96, "NOTE
// on Egress rules"), and the explicit empty list keeps egress managed, so a rule added by hand
// shows as drift. RDS needs no egress from the instances' group: replication between the
// primary and its replicas, backups and the managed secret run on AWS's side.
//
// The rules are inline: AllowedSecurityGroupIDs is a list input whose length may be unknown
// until deploy, and one inline rule takes the whole list.
func (d *Database) securityGroups(ctx *pulumi.Context) error {
	name := d.name + "-sg"
	ingress := ec2.SecurityGroupIngressArray{} // managed even when empty: no rule nobody wrote
	if d.args.AllowedSecurityGroupIDs != nil {
		ingress = append(ingress, ec2.SecurityGroupIngressArgs{
			Description:    pulumi.String("PostgreSQL from the allowed security groups (the cluster's nodes)"),
			Protocol:       pulumi.String("tcp"),
			FromPort:       pulumi.Int(Port),
			ToPort:         pulumi.Int(Port),
			SecurityGroups: d.args.AllowedSecurityGroupIDs,
		})
	}
	for _, c := range d.args.AllowedCIDRs {
		rule := ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("PostgreSQL from " + c + " (VPN clients)"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(Port),
			ToPort:      pulumi.Int(Port),
		}
		if isIPv6(c) {
			rule.Ipv6CidrBlocks = pulumi.StringArray{pulumi.String(c)}
		} else {
			rule.CidrBlocks = pulumi.StringArray{pulumi.String(c)}
		}
		ingress = append(ingress, rule)
	}
	var err error
	d.securityGroup, err = ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       d.args.VPCID,
		Description: pulumi.String("PostgreSQL database of " + d.args.Service + ": 5432 from the cluster's nodes and the VPN only"),
		Ingress:     ingress,
		Egress:      ec2.SecurityGroupEgressArray{},
		Tags:        d.tags(name),
	}, d.opts...)
	return err
}

func isIPv6(cidr string) bool { return strings.Contains(cidr, ":") }
