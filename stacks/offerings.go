package stacks

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/addons"
	"github.com/flowmart/platform/components/cluster"
	"github.com/flowmart/platform/components/network"
	"github.com/flowmart/platform/components/service"
	"github.com/flowmart/platform/pkg/alarmtopic"
	"github.com/flowmart/platform/pkg/cidr"
	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
	"github.com/flowmart/platform/pkg/tags"
	"github.com/flowmart/platform/stacks/config"
	"github.com/flowmart/platform/stacks/manifests"
)

// The self-service offerings (README, "Self-service offerings"): every services/<name>.yaml
// manifest gets, in the AWS layer, its team's paging topic, the offerings it asks for (a
// PostgreSQL database, a Valkey cache, SQS queues), their discovery entries in the environment's
// Cloud Map namespace and its Pod Identity role; in the services layer (offerings_services.go),
// its namespace and the <service>-platform ConfigMap.

// outOfferings is the AWS layer's output of every service's entries (service.Entries: the
// resources' attributes as <resource>.<attribute>, and roleArn), by service name. The services
// layer reads it, when it is there, for the ConfigMaps.
const outOfferings = "offerings"

// manifestLoader returns the manifests of an environment.
type manifestLoader func(env config.Environment) ([]*manifests.Sized, error)

// manifestsIn loads the manifests of dir; an empty dir finds services/ from the working
// directory (manifests.Dir).
func manifestsIn(dir string) manifestLoader {
	return func(env config.Environment) ([]*manifests.Sized, error) {
		d := dir
		if d == "" {
			var err error
			if d, err = manifests.Dir(); err != nil {
				return nil, err
			}
		}
		ms, err := manifests.Load(d)
		if err != nil {
			return nil, err
		}
		out, err := manifests.Resolve(ms, env)
		if err != nil {
			return nil, err
		}
		for _, s := range out {
			if ns := s.Namespace; slices.Contains(addons.PlatformNamespaces(), ns) || ns == "default" || ns == "kube-public" || ns == "kube-node-lease" {
				return nil, &manifests.Error{File: s.File, Key: "namespace", Msg: fmt.Sprintf("%q is a namespace of the platform or of Kubernetes (not allowed: %v, default, kube-public, kube-node-lease)", ns, addons.PlatformNamespaces())}
			}
		}
		return out, nil
	}
}

// discoveryNamespace is the environment's Cloud Map HTTP namespace, <stack>-services: every
// offering of every service is registered in it (service.NewService).
func discoveryNamespace(ctx *pulumi.Context, cfg *config.Config, opts []pulumi.ResourceOption) (*servicediscovery.HttpNamespace, error) {
	name := cfg.Stack + "-services"
	return servicediscovery.NewHttpNamespace(ctx, name, &servicediscovery.HttpNamespaceArgs{
		Name:        pulumi.String(name),
		Description: pulumi.String("Service discovery of the " + cfg.Stack + " environment: every offering of every service (services/*.yaml), with its endpoint, port and secret ARN as attributes"),
		Tags:        tags.Named(nil, name),
	}, opts...)
}

// platformServices is what the AWS layer builds for the manifests.
type platformServices struct {
	Namespace *servicediscovery.HttpNamespace
	Services  map[string]*service.Service
}

// offeringNetwork is where the offerings live and who may reach them.
type offeringNetwork struct {
	VPCID                   pulumi.StringInput
	DatabaseSubnetIDs       pulumi.StringArrayInput
	AllowedSecurityGroupIDs pulumi.StringArrayInput
	AllowedCIDRs            []string
}

// newPlatformServices builds, for every manifest, the team's key and paging topic, the
// offerings, and the service (discovery entries and Pod Identity role).
func newPlatformServices(ctx *pulumi.Context, cfg *config.Config, load manifestLoader, net *network.Network, cl *cluster.Cluster, opts []pulumi.ResourceOption) (*platformServices, error) {
	svcs, err := load(cfg.Environment)
	if err != nil {
		return nil, err
	}
	ns, err := discoveryNamespace(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	where := offeringNetwork{
		VPCID:                   net.VPCID.ToStringOutput(),
		DatabaseSubnetIDs:       databaseSubnetIDs(cfg, net),
		AllowedSecurityGroupIDs: pulumi.StringArray{cl.NodeSecurityGroupID.ToStringOutput()},
		AllowedCIDRs:            []string{cfg.VPN.ClientCIDR},
	}
	out := &platformServices{Namespace: ns, Services: map[string]*service.Service{}}
	for _, s := range svcs {
		prefix := cfg.Stack + "-" + s.Name
		key, err := serviceKey(ctx, cfg, s, cl, opts)
		if err != nil {
			return nil, err
		}
		topic, err := alarmtopic.New(ctx, prefix+"-paging", alarmtopic.Args{
			Name:          prefix + "-paging",
			DisplayName:   s.Name + " (" + s.Owner + ") paging",
			KMSKeyARN:     key.Arn,
			Tags:          serviceTags(cfg, s, prefix+"-paging"),
			Subscriptions: pagingSubscriptions(s),
		}, opts...)
		if err != nil {
			return nil, err
		}
		offered, err := newOfferings(ctx, cfg, s, where, key.Arn, topic.Arn, opts)
		if err != nil {
			return nil, err
		}
		svc, err := service.NewService(ctx, prefix, &service.ServiceArgs{
			Service: s.Name, Owner: s.Owner, Namespace: s.Namespace, ServiceAccount: s.ServiceAccount,
			NamePrefix: cfg.Stack + "-", Tags: cfg.Tags,
			ClusterName: cl.ClusterName, ClusterARN: cl.ClusterARN,
			DiscoveryNamespaceID: ns.ID().ToStringOutput(),
			Resources:            offered.Resources,
			AccessPolicy:         service.Policy(offered.Statements...),
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
		out.Services[s.Name] = svc
	}
	return out, nil
}

// databaseSubnetIDs are the network's database subnets, in zone-name order.
func databaseSubnetIDs(cfg *config.Config, net *network.Network) pulumi.StringArray {
	var ids pulumi.StringArray
	for _, az := range slices.Sorted(slices.Values(cfg.Network.AvailabilityZones)) {
		if sn, ok := net.Subnets[cidr.Database][az]; ok {
			ids = append(ids, sn.ID().ToStringOutput())
		}
	}
	return ids
}

// serviceTags are a service's resource tags: the stack's, Owner and Service, Name.
func serviceTags(cfg *config.Config, s *manifests.Sized, name string) pulumi.StringMap {
	return tags.Named(cfg.Tags, name, map[string]string{"Owner": s.Owner, "Service": s.Name})
}

// serviceKey is the service's customer managed key, <stack>-<service>-key (alias
// alias/<stack>-<service>): its paging topic and its offerings are encrypted with it, and
// CloudWatch may encrypt alarm notifications for the topic (alarmtopic.CloudWatchKeyStatement).
// Protected in production.
func serviceKey(ctx *pulumi.Context, cfg *config.Config, s *manifests.Sized, cl *cluster.Cluster, opts []pulumi.ResourceOption) (*kms.Key, error) {
	name := cfg.Stack + "-" + s.Name + "-key"
	return kmskey.New(ctx, name, kmskey.Args{
		Description:       "Service " + s.Name + " (" + s.Owner + ") in " + cfg.Stack + ": its offerings and its paging topic",
		Alias:             "alias/" + cfg.Stack + "-" + s.Name,
		AccountARN:        cl.ClusterARN,
		ServiceStatements: []iampolicy.Statement{alarmtopic.CloudWatchKeyStatement},
		Tags:              serviceTags(cfg, s, name),
	}, protect.Options(s.Protect, opts), opts)
}

// pagingSubscriptions are the manifest's paging subscriptions.
func pagingSubscriptions(s *manifests.Sized) []alarmtopic.Subscription {
	var subs []alarmtopic.Subscription
	for _, e := range s.Paging.Email {
		subs = append(subs, alarmtopic.Subscription{Protocol: alarmtopic.ProtocolEmail, Endpoint: e})
	}
	for _, h := range s.Paging.HTTPS {
		subs = append(subs, alarmtopic.Subscription{Protocol: alarmtopic.ProtocolHTTPS, Endpoint: h})
	}
	return subs
}

// exportPlatformServices exports the discovery namespace and every service's entries.
func exportPlatformServices(ctx *pulumi.Context, ps *platformServices) {
	ctx.Export("serviceDiscoveryNamespaceId", ps.Namespace.ID())
	ctx.Export("serviceDiscoveryNamespaceName", ps.Namespace.Name)
	entries := pulumi.Map{}
	for name, s := range ps.Services {
		entries[name] = s.Entries
	}
	ctx.Export(outOfferings, entries)
}
