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
			scope := &eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")}
			if len(p.Namespaces) > 0 {
				scope = &eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("namespace"), Namespaces: pulumi.ToStringArray(p.Namespaces)}
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

// podIdentityTrust is the trust policy of every Pod Identity role.
var podIdentityTrust = iampolicy.New(iampolicy.Statement{
	Effect: "Allow", Principal: map[string]any{"Service": "pods.eks.amazonaws.com"},
	Action: []string{"sts:AssumeRole", "sts:TagSession"},
}).String()

// podIdentity creates a role for a service account and binds it with a Pod Identity association.
func (c *Cluster) podIdentity(ctx *pulumi.Context, p PodIdentity, deps []pulumi.Resource) error {
	name := fmt.Sprintf("%s-pod-%s-%s", c.name, p.Namespace, p.ServiceAccount)
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("Pod Identity of %s/%s in %s", p.Namespace, p.ServiceAccount, c.name)),
		AssumeRolePolicy: pulumi.String(podIdentityTrust),
		Tags:             c.tags(name),
	}, c.opts...)
	if err != nil {
		return err
	}
	if _, err := c.attach(ctx, name, role, p.ManagedPolicyARNs...); err != nil {
		return err
	}
	if p.PolicyJSON != nil {
		if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{Role: role.Name, Policy: p.PolicyJSON}, c.opts...); err != nil {
			return err
		}
	}
	_, err = eks.NewPodIdentityAssociation(ctx, name, &eks.PodIdentityAssociationArgs{
		ClusterName:    c.EKSCluster.Name,
		Namespace:      pulumi.String(p.Namespace),
		ServiceAccount: pulumi.String(p.ServiceAccount),
		RoleArn:        role.Arn,
		Tags:           c.tags(name),
	}, append(c.opts, pulumi.DependsOn(deps))...)
	return err
}

// podIdentities binds the configured service accounts to their roles, once the agent runs.
func (c *Cluster) podIdentities(ctx *pulumi.Context) error {
	for _, p := range c.args.PodIdentities {
		if err := c.podIdentity(ctx, p, c.preNode); err != nil {
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
	_, err := iam.NewOpenIdConnectProvider(ctx, name, &iam.OpenIdConnectProviderArgs{
		Url:             c.EKSCluster.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem(),
		ClientIdLists:   pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		ThumbprintLists: pulumi.StringArray{pulumi.String(oidcThumbprint)},
		Tags:            c.tags(name),
	}, c.opts...)
	return err
}
