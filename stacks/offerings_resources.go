package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cache"
	"github.com/flowmart/platform/components/database"
	"github.com/flowmart/platform/components/queue"
	"github.com/flowmart/platform/components/service"
	"github.com/flowmart/platform/stacks/config"
	"github.com/flowmart/platform/stacks/manifests"
)

// offered is what a service's offerings give its discovery entries and its Pod Identity role.
type offered struct {
	Resources []service.Resource
	// Statements are the offerings' AccessStatements, each an output of []iampolicy.Statement.
	Statements []pulumi.Input
}

// newOfferings creates the offerings a manifest asks for, sized for the environment
// (manifests.Sized: the manifest's sizes within the allow-lists, the environment's defaults for
// the rest; stacks/config/offerings.go), encrypted with the service's key, alarming to its
// paging topic, reachable from the cluster's nodes and the VPN only, protected in production.
// Each one's discovery entry and access statements go to the service (service.NewService).
func newOfferings(ctx *pulumi.Context, cfg *config.Config, s *manifests.Sized, where offeringNetwork, keyARN, topicARN pulumi.StringOutput, opts []pulumi.ResourceOption) (*offered, error) {
	prefix := cfg.Stack + "-"
	out := &offered{}
	if db := s.Database; db != nil {
		d, err := database.NewDatabase(ctx, prefix+s.Name+"-db", &database.DatabaseArgs{
			Service: s.Name, Owner: s.Owner, NamePrefix: prefix, Tags: offeringTags(cfg), Protect: s.Protect,
			KMSKeyARN: keyARN.ToStringPtrOutput(), AlarmTopicARN: topicARN,
			VPCID: where.VPCID, SubnetIDs: where.DatabaseSubnetIDs,
			AllowedSecurityGroupIDs: where.AllowedSecurityGroupIDs, AllowedCIDRs: where.AllowedCIDRs,
			InstanceClass: db.InstanceClass, AllocatedStorageGiB: db.StorageGiB,
			BackupRetentionDays: db.BackupRetentionDays, MultiAZ: s.MultiAZ, Readers: db.Readers,
		}, opts...)
		if err != nil {
			return nil, wrap(s, err)
		}
		// the master user secret stays the platform engineers': the service connects with IAM
		out.Resources = append(out.Resources, service.Resource{
			Name: "database", Kind: service.KindDatabase, Endpoint: d.Endpoint, Port: d.Port, ARN: d.ARN,
			Attributes: map[string]pulumi.StringInput{"readerEndpoint": d.ReaderEndpoint, "iamUsername": d.IAMUsername, "resourceId": d.ResourceID},
		})
		out.Statements = append(out.Statements, d.AccessStatements())
	}
	if c := s.Cache; c != nil {
		ch, err := cache.NewCache(ctx, prefix+s.Name+"-cache", &cache.CacheArgs{
			Service: s.Name, Owner: s.Owner, NamePrefix: prefix, Tags: offeringTags(cfg), Protect: s.Protect,
			KMSKeyARN: keyARN.ToStringPtrOutput(), AlarmTopicARN: topicARN,
			VPCID: where.VPCID, SubnetIDs: where.DatabaseSubnetIDs,
			AllowedSecurityGroupIDs: where.AllowedSecurityGroupIDs, AllowedCIDRs: where.AllowedCIDRs,
			NodeType: c.NodeType, Replicas: c.Replicas,
		}, opts...)
		if err != nil {
			return nil, wrap(s, err)
		}
		out.Resources = append(out.Resources, service.Resource{
			Name: "cache", Kind: service.KindCache, Endpoint: ch.Endpoint, Port: ch.Port, SecretARN: ch.SecretARN, ARN: ch.ARN,
			Attributes: map[string]pulumi.StringInput{"readerEndpoint": ch.ReaderEndpoint},
		})
		out.Statements = append(out.Statements, ch.AccessStatements())
	}
	for _, m := range s.Queues {
		qa := &queue.QueueArgs{
			Service: s.Name, Name: m.Name, Owner: s.Owner, NamePrefix: prefix, Tags: offeringTags(cfg), Protect: s.Protect,
			FIFO: m.FIFO, RetentionSeconds: m.RetentionSeconds, MaxReceiveCount: m.MaxReceiveCount,
			KMSKeyARN: keyARN.ToStringPtrOutput(), AlarmTopicARN: topicARN,
		}
		if m.VisibilityTimeoutSeconds != 0 {
			qa.VisibilityTimeoutSeconds = pulumi.IntRef(m.VisibilityTimeoutSeconds)
		}
		q, err := queue.NewQueue(ctx, prefix+s.Name+"-"+m.Name, qa, opts...)
		if err != nil {
			return nil, wrap(s, err)
		}
		out.Resources = append(out.Resources, service.Resource{
			Name: "queue-" + m.Name, Kind: service.KindQueue, Endpoint: q.URL, ARN: q.ARN,
			Attributes: map[string]pulumi.StringInput{"url": q.URL, "deadLetterUrl": q.DeadLetterURL, "deadLetterArn": q.DeadLetterARN},
		})
		out.Statements = append(out.Statements, q.AccessStatements())
	}
	return out, nil
}

// offeringTags are the stack's tags less Owner: an offering is tagged with its team's owner
// (the manifest's), never the stack's.
func offeringTags(cfg *config.Config) map[string]string {
	out := map[string]string{}
	for k, v := range cfg.Tags {
		if k != "Owner" {
			out[k] = v
		}
	}
	return out
}

// wrap puts the manifest's file in front of a component's error.
func wrap(s *manifests.Sized, err error) error { return fmt.Errorf("%s: %w", s.File, err) }
