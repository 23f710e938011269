// Package service is the per-service part of the platform's self-service offerings: for one
// service (a services/<name>.yaml manifest), the discovery entries of the resources it owns and
// its Pod Identity role.
//
//   - Discovery: each resource (a database, a cache, a queue) is a service of the environment's
//     AWS Cloud Map HTTP namespace, <NamePrefix><service>-<resource>, with one instance whose
//     custom attributes carry its kind, endpoint, port, secret ARN, ARN and owner (the AWS
//     counterpart of a Consul catalog). An HTTP namespace registers no DNS record: clients call
//     DiscoverInstances (servicediscovery:DiscoverInstances).
//   - Identity: the role <NamePrefix><service>-app, trusted by EKS Pod Identity of the one
//     cluster (iampolicy.PodIdentityTrust), with exactly one inline policy, the resources' access
//     statements (AccessPolicy), and the Pod Identity association of Namespace/ServiceAccount.
//
// The offerings themselves are components/database, components/cache and components/queue; the
// team's paging topic is pkg/alarmtopic; the stacks wire the three together (stacks/offerings.go).
package service

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/tags"
)

const serviceType = "flowmart:service:Service" // part of every URN: never rename without an alias

// Service is one service's discovery entries and Pod Identity role.
type Service struct {
	pulumi.ResourceState

	// RoleARN is the service's Pod Identity role.
	RoleARN pulumi.StringOutput `pulumi:"roleArn"`
	// RoleName is its name, <NamePrefix><service>-app.
	RoleName pulumi.StringOutput `pulumi:"roleName"`
	// DiscoveryServiceIDs are the Cloud Map service ids by resource name.
	DiscoveryServiceIDs pulumi.StringMapOutput `pulumi:"discoveryServiceIds"`
	// Entries are the application's view of the service's resources and role (Entries).
	Entries pulumi.StringMapOutput `pulumi:"entries"`

	name string
	args ServiceArgs
	opts []pulumi.ResourceOption
	role *iam.Role
	ids  pulumi.StringMap
}

// NewService registers the service's resources for discovery and creates its Pod Identity role.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	if args == nil {
		args = &ServiceArgs{}
	}
	a := args.withDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("service %q: %w", name, err)
	}
	s := &Service{name: name, args: a, ids: pulumi.StringMap{}}
	if err := ctx.RegisterComponentResource(serviceType, name, s, opts...); err != nil {
		return nil, err
	}
	s.opts = []pulumi.ResourceOption{pulumi.Parent(s)}
	if err := s.discovery(ctx); err != nil {
		return nil, err
	}
	if err := s.identity(ctx); err != nil {
		return nil, err
	}
	return s, s.registerOutputs(ctx)
}

func (s *Service) tags(resource string) pulumi.StringMap {
	return tags.Named(s.args.Tags, resource, map[string]string{"Owner": s.args.Owner, "Service": s.args.Service})
}

// discovery registers one Cloud Map service and instance per resource.
func (s *Service) discovery(ctx *pulumi.Context) error {
	for _, r := range s.args.Resources {
		child := s.name + "-" + r.Name
		name := s.args.discoveryName(r)
		svc, err := servicediscovery.NewService(ctx, child, &servicediscovery.ServiceArgs{
			Name:        pulumi.String(name),
			NamespaceId: s.args.DiscoveryNamespaceID,
			Description: pulumi.String(fmt.Sprintf("%s %s of service %s (owner %s)", r.Kind, r.Name, s.args.Service, s.args.Owner)),
			Type:        pulumi.String("HTTP"),
			Tags:        s.tags(child),
		}, s.opts...)
		if err != nil {
			return err
		}
		if _, err := servicediscovery.NewInstance(ctx, child, &servicediscovery.InstanceArgs{
			InstanceId: pulumi.String(name),
			ServiceId:  svc.ID().ToStringOutput(),
			Attributes: Attributes(r, s.args.Owner),
		}, s.opts...); err != nil {
			return err
		}
		s.ids[r.Name] = svc.ID().ToStringOutput()
	}
	return nil
}

// Attributes are a resource's discovery attributes (and its ConfigMap entries): kind, endpoint,
// port (omitted for a queue), secretArn (when set), arn, owner and its own Attributes.
func Attributes(r Resource, owner string) pulumi.StringMap {
	m := pulumi.StringMap{
		AttrKind:     pulumi.String(r.Kind),
		AttrEndpoint: r.Endpoint,
		AttrARN:      r.ARN,
		AttrOwner:    pulumi.String(owner),
	}
	if r.Port != nil {
		m[AttrPort] = r.Port.ToIntOutput().ApplyT(func(p int) string { return fmt.Sprint(p) }).(pulumi.StringOutput)
	}
	if r.SecretARN != nil {
		m[AttrSecretARN] = r.SecretARN
	}
	for k, v := range r.Attributes {
		m[k] = v
	}
	return m
}

// identity creates the Pod Identity role, its one inline policy and the association.
func (s *Service) identity(ctx *pulumi.Context) error {
	child := s.name + "-app"
	role, err := iam.NewRole(ctx, child, &iam.RoleArgs{
		Name:             pulumi.String(s.args.roleName()),
		Description:      pulumi.String(fmt.Sprintf("Pod Identity role of service %s (%s/%s), owner %s: its own resources only", s.args.Service, s.args.Namespace, s.args.ServiceAccount, s.args.Owner)),
		AssumeRolePolicy: iampolicy.PodIdentityTrustOf(s.args.ClusterARN),
		Tags:             s.tags(child),
	}, s.opts...)
	if err != nil {
		return err
	}
	s.role = role
	if s.args.AccessPolicy != nil {
		if _, err := iam.NewRolePolicy(ctx, child+"-access", &iam.RolePolicyArgs{
			Name:   pulumi.String("access"),
			Role:   role.Name,
			Policy: s.args.AccessPolicy,
		}, s.opts...); err != nil {
			return err
		}
	}
	_, err = eks.NewPodIdentityAssociation(ctx, child, &eks.PodIdentityAssociationArgs{
		ClusterName:    s.args.ClusterName,
		Namespace:      pulumi.String(s.args.Namespace),
		ServiceAccount: pulumi.String(s.args.ServiceAccount),
		RoleArn:        role.Arn,
		Tags:           s.tags(child),
	}, s.opts...)
	return err
}

func (s *Service) registerOutputs(ctx *pulumi.Context) error {
	s.RoleARN = s.role.Arn
	s.RoleName = s.role.Name
	s.DiscoveryServiceIDs = s.ids.ToStringMapOutput()
	s.Entries = Entries(s.args.Resources, s.args.Owner, s.role.Arn).ToStringMapOutput()
	return ctx.RegisterResourceOutputs(s, pulumi.Map{
		"entries":             s.Entries,
		"roleArn":             s.RoleARN,
		"roleName":            s.RoleName,
		"discoveryServiceIds": s.DiscoveryServiceIDs,
	})
}

// Policy is the policy document of statements gathered from the offerings, each part an output
// (or input) of []iampolicy.Statement, in order; Sids are made unique by their position. A
// service without statements gets nil: no inline policy.
func Policy(parts ...pulumi.Input) pulumi.StringInput {
	if len(parts) == 0 {
		return nil
	}
	args := make([]any, len(parts))
	for i, p := range parts {
		args[i] = p
	}
	return pulumi.All(args...).ApplyT(func(vs []any) (string, error) {
		var all []iampolicy.Statement
		for i, v := range vs {
			st, ok := v.([]iampolicy.Statement)
			if !ok {
				return "", fmt.Errorf("access statements %d are a %T, want []iampolicy.Statement", i, v)
			}
			all = append(all, st...)
		}
		return Document(all).String(), nil
	}).(pulumi.StringOutput)
}

// Document is the policy of statements, with each Sid made unique (a repeated Sid gets its
// position appended) as IAM requires of Sids in one policy.
func Document(statements []iampolicy.Statement) iampolicy.Document {
	seen := map[string]int{}
	out := make([]iampolicy.Statement, len(statements))
	for i, st := range statements {
		if st.Sid != "" {
			if seen[st.Sid]++; seen[st.Sid] > 1 {
				st.Sid = fmt.Sprintf("%s%d", st.Sid, i)
			}
		}
		out[i] = st
	}
	return iampolicy.New(out...)
}

// Entries are what applications read (the services layer's <service>-platform ConfigMap, from
// the AWS layer's offerings output): each resource's Attributes as <resource>.<attribute>
// ("database.endpoint", "queue-orders.url"), keys a ConfigMap allows ([-._a-zA-Z0-9]+), and
// roleArn, the service's Pod Identity role.
func Entries(resources []Resource, owner string, roleARN pulumi.StringInput) pulumi.StringMap {
	out := pulumi.StringMap{"roleArn": roleARN}
	for _, r := range resources {
		for k, v := range Attributes(r, owner) {
			out[r.Name+"."+k] = v
		}
	}
	return out
}
