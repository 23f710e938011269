package cluster

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// slug turns an ARN or a name into a child-name suffix.
func slug(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	return strings.ToLower(strings.NewReplacer(":", "-", ".", "-", "_", "-").Replace(s))
}

// accessEntries creates one access entry per principal and its access policy associations.
func (c *Cluster) accessEntries(ctx *pulumi.Context) error {
	for i, e := range c.args.AccessEntries {
		name := fmt.Sprintf("%s-access-%s", c.name, slug(e.PrincipalARN))
		entry, err := eks.NewAccessEntry(ctx, name, &eks.AccessEntryArgs{
			ClusterName:      c.EKSCluster.Name,
			PrincipalArn:     pulumi.String(e.PrincipalARN),
			KubernetesGroups: pulumi.ToStringArray(e.KubernetesGroups),
			Type:             pulumi.String("STANDARD"),
			Tags:             c.tags(name),
		}, c.opts...)
		if err != nil {
			return fmt.Errorf("access entry %d: %w", i, err)
		}
		for _, p := range e.AccessPolicies {
			scope := &eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String(p.ScopeType)}
			if p.ScopeType == ScopeNamespace {
				scope.Namespaces = pulumi.ToStringArray(p.Namespaces)
			}
			if _, err := eks.NewAccessPolicyAssociation(ctx, name+"-"+slug(p.PolicyARN), &eks.AccessPolicyAssociationArgs{
				ClusterName:  c.EKSCluster.Name,
				PrincipalArn: entry.PrincipalArn,
				PolicyArn:    pulumi.String(p.PolicyARN),
				AccessScope:  scope,
			}, c.opts...); err != nil {
				return err
			}
		}
	}
	return nil
}

// podIdentity creates a role for a service account and binds it with a Pod Identity association.
// The role trusts EKS Pod Identity of this cluster only (iampolicy.PodIdentityTrustOf: the
// cluster's account and ARN).
func (c *Cluster) podIdentity(ctx *pulumi.Context, p PodIdentity, deps []pulumi.Resource) (*eks.PodIdentityAssociation, error) {
	name := fmt.Sprintf("%s-pod-%s-%s", c.name, p.Namespace, p.ServiceAccount)
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("Pod Identity of %s/%s in %s", p.Namespace, p.ServiceAccount, c.name)),
		AssumeRolePolicy: iampolicy.PodIdentityTrustOf(c.EKSCluster.Arn),
		Tags:             c.tags(name),
	}, c.opts...)
	if err != nil {
		return nil, err
	}
	// the association waits for the role's policies, so pods never start without them
	policies, err := c.attach(ctx, name, role, p.ManagedPolicyARNs...)
	if err != nil {
		return nil, err
	}
	if p.PolicyJSON != nil {
		inline, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{Role: role.Name, Policy: p.PolicyJSON}, c.opts...)
		if err != nil {
			return nil, err
		}
		policies = append(policies, inline)
	}
	return eks.NewPodIdentityAssociation(ctx, name, &eks.PodIdentityAssociationArgs{
		ClusterName:    c.EKSCluster.Name,
		Namespace:      pulumi.String(p.Namespace),
		ServiceAccount: pulumi.String(p.ServiceAccount),
		RoleArn:        role.Arn,
		Tags:           c.tags(name),
	}, append(c.opts, pulumi.DependsOn(append(append([]pulumi.Resource(nil), deps...), policies...)))...)
}

// podIdentities binds the configured service accounts to their roles, once the agent runs.
func (c *Cluster) podIdentities(ctx *pulumi.Context) error {
	for _, p := range c.args.PodIdentities {
		if _, err := c.podIdentity(ctx, p, c.preNode); err != nil {
			return err
		}
	}
	return nil
}

// irsa creates the OIDC provider for IAM roles for service accounts, when asked for.
func (c *Cluster) irsa(ctx *pulumi.Context) error {
	if !c.args.EnableIRSA {
		return nil
	}
	name := c.name + "-oidc"
	var err error
	c.oidcProvider, err = iam.NewOpenIdConnectProvider(ctx, name, &iam.OpenIdConnectProviderArgs{
		Url:             oidcIssuer(c.EKSCluster),
		ClientIdLists:   pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		ThumbprintLists: pulumi.StringArray{pulumi.String(oidcThumbprint)},
		Tags:            c.tags(name),
	}, c.opts...)
	return err
}

// oidcIssuer returns the cluster's OIDC issuer URL, or "" while EKS reports none (the SDK's Index
// would panic on an empty list).
func oidcIssuer(cl *eks.Cluster) pulumi.StringOutput {
	return cl.Identities.ApplyT(func(ids []eks.ClusterIdentity) string {
		for _, id := range ids {
			for _, o := range id.Oidcs {
				if o.Issuer != nil {
					return *o.Issuer
				}
			}
		}
		return ""
	}).(pulumi.StringOutput)
}
