// Package cicd provides DeployIdentity: how GitHub Actions reaches an AWS account without a
// long-lived key. It creates (or reuses) the account's GitHub OpenID Connect provider and, per
// GitHub Environment, a deploy role that only jobs of that environment of one repository can
// assume, with the permissions the platform program needs and no more: its services, IAM only
// under the environment's name prefix, and the Pulumi state bucket; and a CI push role for the
// same jobs, which may get an ECR token and push only where a repository policy names it (the
// stack's repositories do, through registry.ciPushRoleArn). Pull requests get a read-only
// preview role; the scheduled drift check on the default branch a read-only drift role that may
// also read the stacks' secrets, as `pulumi refresh` must.
//
// # Physical names
//
// IAM names are unique in the whole account. Every one the identity sets starts with NamePrefix
// (the component name by default): the roles <NamePrefix>-deploy-<environment>,
// <NamePrefix>-preview and <NamePrefix>-drift, and the managed policies
// <NamePrefix>-deploy-<environment>-<group>; they are set rather than auto-named so that the
// roles' ARNs, which GitHub variables hold, are known before the first deploy. The GitHub OIDC
// provider is named by its issuer URL, one per account: a second identity in the account passes
// the first one's OIDCProviderARN. The roles' inline policies are auto-named by Pulumi (and
// scoped to their role); attachments have no name.
package cicd

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/protect"
	"github.com/flowmart/platform/pkg/tags"
)

// deployIdentityType is part of every URN: never rename without an alias.
const deployIdentityType = "flowmart:cicd:DeployIdentity"

// readOnlySessionSeconds is the session length of the preview and drift roles.
const readOnlySessionSeconds = 3600

// DeployIdentity is the GitHub OIDC provider and the roles GitHub Actions assumes in one account.
type DeployIdentity struct {
	pulumi.ResourceState

	// OIDCProviderARN is the ARN of the GitHub OIDC provider (created or given).
	OIDCProviderARN pulumi.StringOutput `pulumi:"oidcProviderArn"`
	// DeployRoleARNs are the deploy roles' ARNs by environment name: the role-to-assume of each
	// GitHub Environment.
	DeployRoleARNs pulumi.StringMapOutput `pulumi:"deployRoleArns"`
	// CIPushRoleARNs are the CI push roles' ARNs by environment name: what the stack's
	// registry.ciPushRoleArn names, and the role-to-assume of a job that pushes images.
	CIPushRoleARNs pulumi.StringMapOutput `pulumi:"ciPushRoleArns"`
	// PreviewRoleARN is the read-only role pull requests assume.
	PreviewRoleARN pulumi.StringOutput `pulumi:"previewRoleArn"`
	// DriftRoleARN is the read-only role the scheduled drift check assumes.
	DriftRoleARN pulumi.StringOutput `pulumi:"driftRoleArn"`

	// OIDCProvider is the created provider, nil when OIDCProviderARN was given; an escape hatch.
	OIDCProvider *iam.OpenIdConnectProvider
	// DeployRoles are the deploy roles by environment name; an escape hatch.
	DeployRoles map[string]*iam.Role
	// CIPushRoles are the CI push roles by environment name; an escape hatch.
	CIPushRoles map[string]*iam.Role
	// PreviewRole and DriftRole are the read-only roles; escape hatches.
	PreviewRole, DriftRole *iam.Role

	name    string
	args    DeployIdentityArgs
	opts    []pulumi.ResourceOption // child options: parent is the identity
	oidcARN pulumi.StringOutput
}

// NewDeployIdentity creates a DeployIdentity. Children are named name+"-github-oidc",
// name+"-deploy-<environment>[-<group>]", name+"-ecr-push-<environment>[-token]", name+"-preview[-...]" and name+"-drift[-...]"; the
// roles' and policies' IAM names are the same with NamePrefix (the name by default) in place of
// name (see DeployRoleName), so their ARNs are known before the first deploy.
func NewDeployIdentity(ctx *pulumi.Context, name string, args *DeployIdentityArgs, opts ...pulumi.ResourceOption) (*DeployIdentity, error) {
	a := args.withName(name)
	if err := a.validate(name); err != nil {
		return nil, fmt.Errorf("deploy identity %q: %w", name, err)
	}
	d := &DeployIdentity{name: name, args: a, DeployRoles: map[string]*iam.Role{}, CIPushRoles: map[string]*iam.Role{}}
	if err := ctx.RegisterComponentResource(deployIdentityType, name, d, opts...); err != nil {
		return nil, err
	}
	d.opts = []pulumi.ResourceOption{pulumi.Parent(d)}

	steps := []func(*pulumi.Context) error{
		d.oidcProvider,
		d.deployRoles,
		d.ciPushRoles,
		d.previewRole,
		d.driftRole,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("deploy identity %q: %w", name, err)
		}
	}
	return d, d.registerOutputs(ctx)
}

func (d *DeployIdentity) tags(resource string) pulumi.StringMap {
	return tags.Named(d.args.Tags, resource)
}

// scope is what the role called roleName may touch.
func (d *DeployIdentity) scope(roleName, prefix, bucket, key string) Scope {
	return Scope{AccountID: d.args.AccountID, Regions: d.args.Regions, IAMNamePrefix: prefix, StateBucket: bucket, StateKey: key, RoleName: roleName}
}

// oidcProvider uses the given provider or creates GitHub's. No thumbprint is given: IAM trusts
// GitHub's certificate through its own CA library, and a pinned thumbprint only breaks on rotation.
func (d *DeployIdentity) oidcProvider(ctx *pulumi.Context) error {
	if d.args.OIDCProviderARN != nil {
		d.oidcARN = d.args.OIDCProviderARN.ToStringPtrOutput().Elem()
		return nil
	}
	name := d.name + "-github-oidc"
	p, err := iam.NewOpenIdConnectProvider(ctx, name, &iam.OpenIdConnectProviderArgs{
		Url:           pulumi.String(GitHubOIDCURL),
		ClientIdLists: pulumi.StringArray{pulumi.String(GitHubOIDCAudience)},
		Tags:          d.tags(name),
	}, protect.Options(d.args.Protect, d.opts)...)
	if err != nil {
		return err
	}
	d.OIDCProvider = p
	d.oidcARN = p.Arn
	return nil
}

// iamName is the IAM name of the child whose resource name is name: the identity's name at its
// start replaced by NamePrefix (the same with the default).
func (d *DeployIdentity) iamName(name string) string {
	return d.args.NamePrefix + strings.TrimPrefix(name, d.name)
}

// role creates a role, named iamName(name) in IAM, trusted for one OIDC subject and, when self, by
// itself.
func (d *DeployIdentity) role(ctx *pulumi.Context, name, description, subject string, sessionSeconds int, self bool) (*iam.Role, error) {
	roleName := d.iamName(name)
	return iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:        pulumi.String(roleName),
		Description: pulumi.String(description),
		AssumeRolePolicy: iampolicy.Render(func(v []string) iampolicy.Document {
			doc := TrustPolicy(v[0], subject)
			if self {
				doc.Statement = append(doc.Statement, SelfAssume(d.args.AccountID, roleName))
			}
			return doc
		}, d.oidcARN),
		MaxSessionDuration:  pulumi.Int(sessionSeconds),
		PermissionsBoundary: d.args.PermissionsBoundaryARN,
		Tags:                d.tags(name),
	}, protect.Options(d.args.Protect, d.opts)...)
}

// deployRoles creates, per environment, the role its jobs assume and its managed policies.
func (d *DeployIdentity) deployRoles(ctx *pulumi.Context) error {
	for _, env := range d.args.Environments {
		name := DeployRoleName(d.name, env.Name)
		role, err := d.role(ctx, name,
			fmt.Sprintf("Deploys the %s stack from GitHub Actions (environment %s of %s)", env.Name, env.Name, d.args.Repository),
			environmentSubject(d.args.Repository, env.Name), d.args.MaxSessionDurationSeconds, true)
		if err != nil {
			return err
		}
		d.DeployRoles[env.Name] = role
		prefix := env.IAMNamePrefix
		for i, group := range PolicyGroupNames {
			policyName := name + "-" + group
			doc := iampolicy.Render(func(v []string) iampolicy.Document {
				return DeployPolicies(d.scope(d.iamName(name), prefix, v[0], v[1]))[i].Document
			}, d.args.StateBucketARN, d.args.StateKMSKeyARN)
			policy, err := iam.NewPolicy(ctx, policyName, &iam.PolicyArgs{
				Name:        pulumi.String(d.iamName(policyName)),
				Description: pulumi.String(fmt.Sprintf("Deploy permissions (%s) of the %s stack", group, env.Name)),
				Policy:      doc,
				Tags:        d.tags(policyName),
			}, d.opts...)
			if err != nil {
				return err
			}
			if _, err := iam.NewRolePolicyAttachment(ctx, policyName, &iam.RolePolicyAttachmentArgs{
				Role:      role.Name,
				PolicyArn: policy.Arn,
			}, d.opts...); err != nil {
				return err
			}
		}
	}
	return nil
}

// ciPushRoles creates, per environment, the role its jobs push images with: trusted like the deploy
// role (jobs of that GitHub Environment only, never itself), with only an ECR token of its own
// (CIPushPolicy); the stack's repository policies give it the push actions.
func (d *DeployIdentity) ciPushRoles(ctx *pulumi.Context) error {
	for _, env := range d.args.Environments {
		name := CIPushRoleName(d.name, env.Name)
		role, err := d.role(ctx, name,
			fmt.Sprintf("Pushes the %s stack's images from GitHub Actions (environment %s of %s)", env.Name, env.Name, d.args.Repository),
			environmentSubject(d.args.Repository, env.Name), readOnlySessionSeconds, false)
		if err != nil {
			return err
		}
		d.CIPushRoles[env.Name] = role
		if _, err := iam.NewRolePolicy(ctx, name+"-token", &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: pulumi.String(CIPushPolicy().String()),
		}, d.opts...); err != nil {
			return err
		}
	}
	return nil
}

// readOnlyRole creates a role with ReadOnlyAccess and an inline policy.
func (d *DeployIdentity) readOnlyRole(ctx *pulumi.Context, name, description, subject string, inline pulumi.StringOutput) (*iam.Role, error) {
	role, err := d.role(ctx, name, description, subject, readOnlySessionSeconds, false)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicyAttachment(ctx, name+"-readonly", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(ReadOnlyAccessARN),
	}, d.opts...); err != nil {
		return nil, err
	}
	_, err = iam.NewRolePolicy(ctx, name+"-state", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: inline,
	}, d.opts...)
	return role, err
}

// previewRole is what pull requests assume: ReadOnlyAccess and reading the state, never a secret
// value (a pull request's code is not reviewed yet).
func (d *DeployIdentity) previewRole(ctx *pulumi.Context) error {
	name := PreviewRoleName(d.name)
	inline := iampolicy.Render(func(v []string) iampolicy.Document {
		return statePolicy(v[0], v[1], false)
	}, d.args.StateBucketARN, d.args.StateKMSKeyARN)
	role, err := d.readOnlyRole(ctx, name, "Previews the stacks from pull requests of "+d.args.Repository+" (read-only)",
		pullRequestSubject(d.args.Repository), inline)
	d.PreviewRole = role
	return err
}

// driftRole is what the scheduled drift check on the default branch assumes: ReadOnlyAccess,
// reading the state, and reading the stacks' secret values, which `pulumi refresh` compares.
func (d *DeployIdentity) driftRole(ctx *pulumi.Context) error {
	name := DriftRoleName(d.name)
	prefixes := make([]string, 0, len(d.args.Environments))
	for _, e := range d.args.Environments {
		prefixes = append(prefixes, e.IAMNamePrefix)
	}
	inline := iampolicy.Render(func(v []string) iampolicy.Document {
		state := statePolicy(v[0], v[1], false)
		secrets := DriftSecretsPolicy(d.scope(d.iamName(name), "", v[0], v[1]), prefixes)
		return iampolicy.New(append(state.Statement, secrets.Statement...)...)
	}, d.args.StateBucketARN, d.args.StateKMSKeyARN)
	role, err := d.readOnlyRole(ctx, name, "Checks the stacks for drift from "+d.args.DriftBranch+" of "+d.args.Repository+" (read-only)",
		branchSubject(d.args.Repository, d.args.DriftBranch), inline)
	d.DriftRole = role
	return err
}

func (d *DeployIdentity) registerOutputs(ctx *pulumi.Context) error {
	arns, push := pulumi.StringMap{}, pulumi.StringMap{}
	for env, role := range d.DeployRoles {
		arns[env] = role.Arn
	}
	for env, role := range d.CIPushRoles {
		push[env] = role.Arn
	}
	d.OIDCProviderARN = d.oidcARN
	d.DeployRoleARNs = arns.ToStringMapOutput()
	d.CIPushRoleARNs = push.ToStringMapOutput()
	d.PreviewRoleARN = d.PreviewRole.Arn
	d.DriftRoleARN = d.DriftRole.Arn
	return ctx.RegisterResourceOutputs(d, pulumi.Map{
		"oidcProviderArn": d.OIDCProviderARN,
		"deployRoleArns":  d.DeployRoleARNs,
		"ciPushRoleArns":  d.CIPushRoleARNs,
		"previewRoleArn":  d.PreviewRoleARN,
		"driftRoleArn":    d.DriftRoleARN,
	})
}
