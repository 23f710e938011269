// Package cache provides Cache, the self-service cache offering: an Amazon ElastiCache for
// Valkey replication group (cluster mode disabled: one primary and up to five read replicas) that
// a service owner asks for with a few fields, and that the platform builds the same way for
// everyone.
//
// What every cache gets: the engine version pinned (DefaultEngineVersion) and upgraded only
// deliberately; TLS in transit, required (transitEncryptionMode "required"), and encryption at
// rest with a customer managed KMS key (given, or created with rotation); an AUTH token generated
// to ElastiCache's rules, stored in a KMS-encrypted Secrets Manager secret, from which the
// replication group reads it; daily snapshots and a weekly maintenance window that do not overlap;
// with replicas, automatic failover and Multi-AZ; a subnet group in the given database subnets, a
// parameter group of the engine's family, and a security group of its own that admits only
// 6379 from the given security groups (the cluster's nodes) and CIDRs (the VPN) and has no egress
// rule at all (ElastiCache needs none: the nodes only answer connections); never a public
// address (ElastiCache nodes in a VPC have none). Alarms on every node go to the owning team's
// paging topic: CPUUtilization, EngineCPUUtilization, DatabaseMemoryUsagePercentage, Evictions,
// CurrConnections and, with replicas, ReplicationLag.
//
// What the owning service gets: the primary and reader endpoints, the port, the secret's ARN and
// AccessStatements, the least-privilege IAM statements of its Pod Identity role (read the secret,
// decrypt it through Secrets Manager).
//
// Redis OSS, Memcached, cluster mode enabled and ElastiCache Serverless are left out: one engine
// and one shape keep the offering small and every cache alike.
//
// # Physical names
//
// With id = NamePrefix + Service + "-cache" (at most 40 characters): the replication group id,
// the subnet group id, the parameter group id-<family> (a major upgrade brings a new group
// beside the old), the secret id-auth, the KMS alias alias/id, the alarms id-<alarm>-<node>
// (nodes 001, 002, ... as ElastiCache names a group's member clusters) and the final snapshot
// id-final. The security group is auto-named by Pulumi from its resource name.
package cache

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/tags"
)

// cacheType is part of every URN: never rename without an alias.
const cacheType = "flowmart:data:Cache"

// Cache is a Valkey replication group with its network, secret, key and alarms.
type Cache struct {
	pulumi.ResourceState

	// Endpoint is the primary endpoint's address (reads and writes), TLS on Port.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// ReaderEndpoint is the reader endpoint's address (reads, spread over the replicas).
	ReaderEndpoint pulumi.StringOutput `pulumi:"readerEndpoint"`
	// Port is 6379.
	Port pulumi.IntOutput `pulumi:"port"`
	// SecretARN is the Secrets Manager secret whose value is the AUTH token.
	SecretARN pulumi.StringOutput `pulumi:"secretArn"`
	// ARN is the replication group's ARN.
	ARN pulumi.StringOutput `pulumi:"arn"`
	// ReplicationGroupID is the replication group's id, <NamePrefix><Service>-cache.
	ReplicationGroupID pulumi.StringOutput `pulumi:"replicationGroupId"`
	// SecurityGroupID is the cache's security group.
	SecurityGroupID pulumi.StringOutput `pulumi:"securityGroupId"`
	// KMSKeyARN is the key encrypting the cache and the secret.
	KMSKeyARN pulumi.StringOutput `pulumi:"kmsKeyArn"`

	// ReplicationGroup is the underlying replication group, an escape hatch.
	ReplicationGroup *elasticache.ReplicationGroup

	name   string
	args   CacheArgs
	opts   []pulumi.ResourceOption // child options: parent is the cache
	id     string                  // the replication group id, start of every physical name
	family string

	keyARN        pulumi.StringOutput
	secret        *secretsmanager.Secret
	secretVersion *secretsmanager.SecretVersion
	subnetGroup   *elasticache.SubnetGroup
	paramGroup    *elasticache.ParameterGroup
	securityGroup *ec2.SecurityGroup
}

// NewCache creates a Cache. Children are named name+"-<role>": -key, -auth-token, -auth,
// -subnets, -params, -sg, -group and -<alarm>-<node>.
func NewCache(ctx *pulumi.Context, name string, args *CacheArgs, opts ...pulumi.ResourceOption) (*Cache, error) {
	if err := args.Validate(name); err != nil {
		return nil, fmt.Errorf("cache %q: %w", name, err)
	}
	a := args.withDefaults()
	family, _ := Family(a.EngineVersion) // validated
	c := &Cache{name: name, args: a, id: replicationGroupID(a.NamePrefix, a.Service), family: family}
	if err := ctx.RegisterComponentResource(cacheType, name, c, opts...); err != nil {
		return nil, err
	}
	c.opts = []pulumi.ResourceOption{pulumi.Parent(c)}
	steps := []func(*pulumi.Context) error{
		c.encryptionKey,
		c.authToken,
		c.subnets,
		c.parameters,
		c.network,
		c.replicationGroup,
		c.alarms,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("cache %q: %w", name, err)
		}
	}
	return c, c.registerOutputs(ctx)
}

// AccessStatements are the statements of the owning service's role, once the secret's and the
// key's ARNs are known: an Output of []iampolicy.Statement (see AccessStatementsFor).
func (c *Cache) AccessStatements() pulumi.AnyOutput {
	return pulumi.All(c.SecretARN, c.KMSKeyARN).ApplyT(func(v []any) ([]iampolicy.Statement, error) {
		return AccessStatementsFor(v[0].(string), v[1].(string))
	}).(pulumi.AnyOutput)
}

// tags returns the tags of a child: the component's tags, Owner, Service and its Name.
func (c *Cache) tags(resource string) pulumi.StringMap {
	return tags.Named(c.args.Tags, resource, map[string]string{TagOwner: c.args.Owner, TagService: c.args.Service})
}

// with returns the child options plus extra ones.
func (c *Cache) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption(nil), c.opts...), extra...)
}

func (c *Cache) registerOutputs(ctx *pulumi.Context) error {
	g := c.ReplicationGroup
	c.Endpoint = g.PrimaryEndpointAddress
	c.ReaderEndpoint = g.ReaderEndpointAddress
	c.Port = pulumi.Int(Port).ToIntOutput()
	c.SecretARN = c.secret.Arn
	c.ARN = g.Arn
	c.ReplicationGroupID = g.ReplicationGroupId
	c.SecurityGroupID = c.securityGroup.ID().ToStringOutput()
	c.KMSKeyARN = c.keyARN
	return ctx.RegisterResourceOutputs(c, pulumi.Map{
		"endpoint":           c.Endpoint,
		"readerEndpoint":     c.ReaderEndpoint,
		"port":               c.Port,
		"secretArn":          c.SecretARN,
		"arn":                c.ARN,
		"replicationGroupId": c.ReplicationGroupID,
		"securityGroupId":    c.SecurityGroupID,
		"kmsKeyArn":          c.KMSKeyARN,
	})
}
