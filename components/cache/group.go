package cache

import (
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
)

// AUTH token rules (Amazon ElastiCache User Guide, "Authenticating with the Valkey and Redis OSS
// AUTH command": "Tokens, or passwords, must be 16–128 printable characters. Nonalphanumeric
// characters are restricted to (!, &, #, $, ^, <, >, -)",
// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html).
const (
	// AuthTokenLength is the generated token's length, within 16 to 128.
	AuthTokenLength = 64
	// AuthTokenSpecials are the special characters of the token: "!" and "-", a subset of the
	// allowed ones that needs no escaping in a rediss:// URL's user information (RFC 3986
	// section 3.2.1: unreserved and sub-delims) nor in a shell's double quotes.
	AuthTokenSpecials = "!-"
)

// encryptionKey takes KMSKeyARN, or creates a key with rotation aliased alias/<id>. ElastiCache
// and Secrets Manager use the key for the principals that call them (grants, kms:ViaService), so
// the default key policy is enough (pkg/kmskey).
func (c *Cache) encryptionKey(ctx *pulumi.Context) error {
	if c.args.KMSKeyARN != nil {
		c.keyARN = c.args.KMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	name := c.name + "-key"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "Cache " + c.id + " (at rest) and its AUTH token secret",
		Alias:       "alias/" + c.id,
		Tags:        c.tags(name),
	}, protect.Options(c.args.Protect, c.opts), c.opts)
	if err != nil {
		return err
	}
	c.keyARN = key.Arn
	return nil
}

// authToken generates the AUTH token and stores it, as the secret's whole value, in the
// KMS-encrypted secret <id>-auth. The token only ever travels as a secret output.
func (c *Cache) authToken(ctx *pulumi.Context) error {
	token, err := random.NewRandomPassword(ctx, c.name+"-auth-token", &random.RandomPasswordArgs{
		Length:          pulumi.Int(AuthTokenLength),
		Special:         pulumi.Bool(true),
		OverrideSpecial: pulumi.String(AuthTokenSpecials),
		MinLower:        pulumi.Int(1),
		MinUpper:        pulumi.Int(1),
		MinNumeric:      pulumi.Int(1),
		MinSpecial:      pulumi.Int(1),
	}, c.opts...)
	if err != nil {
		return err
	}
	name := c.name + "-auth"
	c.secret, err = secretsmanager.NewSecret(ctx, name, &secretsmanager.SecretArgs{
		Name:                 pulumi.String(c.id + "-auth"),
		Description:          pulumi.String("AUTH token of cache " + c.id + " (service " + c.args.Service + ")"),
		KmsKeyId:             c.keyARN,
		RecoveryWindowInDays: pulumi.Int(c.args.SecretRecoveryWindowDays),
		Tags:                 c.tags(name),
	}, protect.Options(c.args.Protect, c.opts)...)
	if err != nil {
		return err
	}
	c.secretVersion, err = secretsmanager.NewSecretVersion(ctx, name, &secretsmanager.SecretVersionArgs{
		SecretId:     c.secret.ID(),
		SecretString: pulumi.ToSecret(token.Result).(pulumi.StringOutput),
	}, c.opts...)
	return err
}

// subnets creates the subnet group <id> in the database subnets.
func (c *Cache) subnets(ctx *pulumi.Context) error {
	name := c.name + "-subnets"
	var err error
	c.subnetGroup, err = elasticache.NewSubnetGroup(ctx, name, &elasticache.SubnetGroupArgs{
		Name:        pulumi.String(c.id),
		Description: pulumi.String("Database subnets of cache " + c.id),
		SubnetIds:   c.args.SubnetIDs,
		Tags:        c.tags(name),
	}, c.opts...)
	return err
}

// parameters creates the parameter group <id>-<family>: the place for a platform-wide setting,
// empty today (the family's defaults). Its name carries the family, so a major upgrade creates
// the new family's group before the old one is deleted.
func (c *Cache) parameters(ctx *pulumi.Context) error {
	name := c.name + "-params"
	var err error
	c.paramGroup, err = elasticache.NewParameterGroup(ctx, name, &elasticache.ParameterGroupArgs{
		Name:        pulumi.String(c.id + "-" + c.family),
		Family:      pulumi.String(c.family),
		Description: pulumi.String("Parameters of cache " + c.id),
		Tags:        c.tags(name),
	}, c.opts...)
	return err
}

// network creates the cache's security group: 6379 in from AllowedSecurityGroupIDs and
// AllowedCIDRs, nothing out. The rules are inline because the allowed groups are one list
// input (their number is not known when the program runs, so they cannot each get a rule
// resource), and inline and separate rules must not be mixed on one group. With no egress
// block, the provider removes the ALLOW ALL egress rule AWS creates with a group (pulumi-aws
// v6.83.4 sdk/go/aws/ec2/securityGroup.go, "NOTE on Egress rules"): the nodes answer
// connections (security groups are stateful) and open none.
func (c *Cache) network(ctx *pulumi.Context) error {
	ingress := ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
		Description:    pulumi.String("Valkey (TLS) from the allowed security groups"),
		Protocol:       pulumi.String("tcp"),
		FromPort:       pulumi.Int(Port),
		ToPort:         pulumi.Int(Port),
		SecurityGroups: c.args.AllowedSecurityGroupIDs,
	}}
	var v4, v6 pulumi.StringArray
	for _, cidr := range c.args.AllowedCIDRs {
		if netip.MustParsePrefix(cidr).Addr().Is4() { // validated
			v4 = append(v4, pulumi.String(cidr))
		} else {
			v6 = append(v6, pulumi.String(cidr))
		}
	}
	if len(v4)+len(v6) > 0 {
		r := &ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("Valkey (TLS) from the allowed networks"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(Port),
			ToPort:      pulumi.Int(Port),
		}
		if len(v4) > 0 {
			r.CidrBlocks = v4
		}
		if len(v6) > 0 {
			r.Ipv6CidrBlocks = v6
		}
		ingress = append(ingress, r)
	}
	name := c.name + "-sg"
	var err error
	c.securityGroup, err = ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       c.args.VPCID,
		Description: pulumi.String("Cache " + c.id + ": Valkey 6379 from the cluster's nodes and the VPN only"),
		Ingress:     ingress,
		Tags:        c.tags(name),
	}, c.opts...)
	return err
}

// replicationGroup creates the replication group: Valkey at the pinned version, 1+Replicas
// nodes, TLS required, encrypted at rest with the key, the AUTH token read from the secret
// version, snapshots and maintenance in their windows, failover and Multi-AZ with replicas.
func (c *Cache) replicationGroup(ctx *pulumi.Context) error {
	a := c.args
	args := &elasticache.ReplicationGroupArgs{
		ReplicationGroupId:       pulumi.String(c.id),
		Description:              pulumi.String("Cache of service " + a.Service + " (owner " + a.Owner + ")"),
		Engine:                   pulumi.String(Engine),
		EngineVersion:            pulumi.String(a.EngineVersion),
		NodeType:                 pulumi.String(a.NodeType),
		NumCacheClusters:         pulumi.Int(1 + a.Replicas),
		AutomaticFailoverEnabled: pulumi.Bool(*a.MultiAZ),
		MultiAzEnabled:           pulumi.Bool(*a.MultiAZ),
		Port:                     pulumi.Int(Port),
		SubnetGroupName:          c.subnetGroup.Name,
		ParameterGroupName:       c.paramGroup.Name,
		SecurityGroupIds:         pulumi.StringArray{c.securityGroup.ID().ToStringOutput()},
		AtRestEncryptionEnabled:  pulumi.Bool(true),
		KmsKeyId:                 c.keyARN,
		TransitEncryptionEnabled: pulumi.Bool(true),
		TransitEncryptionMode:    pulumi.String("required"),
		AuthToken:                c.secretVersion.SecretString,
		SnapshotRetentionLimit:   pulumi.Int(a.SnapshotRetentionDays),
		SnapshotWindow:           pulumi.String(a.SnapshotWindow),
		MaintenanceWindow:        pulumi.String(a.MaintenanceWindow),
		// Off: nothing floats. ElastiCache's auto minor version upgrade campaigns would move a
		// running group past EngineVersion, and the next plan would then read the pinned version
		// as a downgrade, which replaces the group (engine_version.go). Upgrades are deliberate.
		AutoMinorVersionUpgrade: pulumi.Bool(false),
		Tags:                    c.tags(c.id),
	}
	if a.Protect {
		args.FinalSnapshotIdentifier = pulumi.String(c.id + "-final")
	}
	var err error
	c.ReplicationGroup, err = elasticache.NewReplicationGroup(ctx, c.name+"-group", args,
		protect.Options(a.Protect, c.opts)...)
	return err
}
