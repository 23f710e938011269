// Package cicd provides DeployIdentity: how GitHub Actions reaches an AWS account without a
// long-lived key, and what keeps a stack's secrets per environment. It creates (or reuses) the
// account's GitHub OpenID Connect provider and, per GitHub Environment:
//
//   - a deploy role that only jobs of that environment of one repository can assume, with the
//     permissions the platform program needs and no more: its services, IAM only under the
//     environment's name prefix and only for roles that carry the workload boundary, the Pulumi
//     state bucket and the environment's secrets key;
//   - a CI push role for the same jobs, which may get an ECR token and push only where a
//     repository policy names it;
//   - the workload boundary, the permissions boundary every role the deploy role creates carries
//     (WorkloadBoundary; the stacks set it with the PermissionsBoundary transformation);
//   - the secrets provider key (KMS, rotating, protected) the stack files name as
//     awskms://alias/<NamePrefix>-secrets-<environment>: the deploy role encrypts and decrypts with
//     it, the read-only roles only decrypt, the CI push role never.
//
// Pull-request previews (GitHub Environments preview-<environment>, and a PlanEnvironment such as
// plan-production) get a read-only preview role; the scheduled drift check (drift-<environment>) a
// read-only drift role. Neither has a managed policy: ReadOnlyPolicy lists the read actions the
// engine needs on the managed types and denies the data-plane reads.
//
// # Physical names
//
// IAM names are unique in the whole account. Every one the identity sets starts with NamePrefix
// (the component name by default): the roles <NamePrefix>-deploy-<environment>,
// <NamePrefix>-preview and <NamePrefix>-drift, the managed policies
// <NamePrefix>-deploy-<environment>-<group> and <NamePrefix>-workload-boundary-<environment>, and
// the key aliases alias/<NamePrefix>-secrets-<environment>; they are set rather than auto-named so
// that the roles' ARNs, which GitHub variables hold, and the stack files' secrets providers are
// known before the first deploy. The GitHub OIDC provider is named by its issuer URL, one per
// account: a second identity in the account passes the first one's OIDCProviderARN. The roles'
// inline policies are auto-named by Pulumi (and scoped to their role); attachments have no name.
package cicd

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/protect"
	"github.com/flowmart/platform/pkg/tags"
)

// deployIdentityType is part of every URN: never rename without an alias.
const deployIdentityType = "flowmart:cicd:DeployIdentity"

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
	// SecretsProviderURLs are, by environment name, what the stack file's secretsprovider names
	// (awskms://alias/<NamePrefix>-secrets-<environment>?region=<Regions[0]>).
	SecretsProviderURLs pulumi.StringMapOutput `pulumi:"secretsProviderUrls"`
	// SecretsKeyARNs are the secrets provider keys' ARNs by environment name.
	SecretsKeyARNs pulumi.StringMapOutput `pulumi:"secretsKeyArns"`
	// SecretsKeyAliasARNs are the ARNs of the keys' aliases by environment name
	// (arn:aws:kms:<region>:<account>:alias/<NamePrefix>-secrets-<environment>).
	SecretsKeyAliasARNs pulumi.StringMapOutput `pulumi:"secretsKeyAliasArns"`
	// WorkloadBoundaryARNs are the workload boundaries' ARNs by environment name: what the stacks'
	// PermissionsBoundary transformation sets on every role.
	WorkloadBoundaryARNs pulumi.StringMapOutput `pulumi:"workloadBoundaryArns"`

	// OIDCProvider is the created provider, nil when OIDCProviderARN was given; an escape hatch.
	OIDCProvider *iam.OpenIdConnectProvider
	// DeployRoles are the deploy roles by environment name; an escape hatch.
	DeployRoles map[string]*iam.Role
	// CIPushRoles are the CI push roles by environment name; an escape hatch.
	CIPushRoles map[string]*iam.Role
	// PreviewRole and DriftRole are the read-only roles; escape hatches.
	PreviewRole, DriftRole *iam.Role
	// SecretsKeys are the secrets provider keys by environment name; an escape hatch.
	SecretsKeys map[string]*kms.Key
	// SecretsKeyAliases are the keys' aliases by environment name; an escape hatch.
	SecretsKeyAliases map[string]*kms.Alias
	// WorkloadBoundaries are the workload boundary policies by environment name; an escape hatch.
	WorkloadBoundaries map[string]*iam.Policy

	name    string
	args    DeployIdentityArgs
	opts    []pulumi.ResourceOption // child options: parent is the identity
	oidcARN pulumi.StringOutput
}

// NewDeployIdentity creates a DeployIdentity. Children are named name+"-github-oidc",
// name+"-deploy-<environment>[-<group>]", name+"-ecr-push-<environment>[-token]",
// name+"-preview[-read]", name+"-drift[-read]", name+"-secrets-<environment>" (the key and its
// alias) and name+"-workload-boundary-<environment>"; the IAM names and the alias are the same
// with NamePrefix (the name by default) in place of name (see DeployRoleName), so their ARNs are
// known before the first deploy. The keys and their aliases are always protected: a lost key loses
// every secret of its stacks.
func NewDeployIdentity(ctx *pulumi.Context, name string, args *DeployIdentityArgs, opts ...pulumi.ResourceOption) (*DeployIdentity, error) {
	a := args.withName(name)
	if err := a.validate(name); err != nil {
		return nil, fmt.Errorf("deploy identity %q: %w", name, err)
	}
	d := &DeployIdentity{name: name, args: a, DeployRoles: map[string]*iam.Role{}, CIPushRoles: map[string]*iam.Role{},
		SecretsKeys: map[string]*kms.Key{}, SecretsKeyAliases: map[string]*kms.Alias{}, WorkloadBoundaries: map[string]*iam.Policy{}}
	if err := ctx.RegisterComponentResource(deployIdentityType, name, d, opts...); err != nil {
		return nil, err
	}
	d.opts = []pulumi.ResourceOption{pulumi.Parent(d)}

	// Roles first, then the keys whose policies name them, then the policies that name the keys.
	steps := []func(*pulumi.Context) error{
		d.oidcProvider,
		d.deployRoles,
		d.ciPushRoles,
		d.previewRole,
		d.driftRole,
		d.secretsKeys,
		d.workloadBoundaries,
		d.deployPolicies,
		d.readOnlyPolicies,
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

// role creates a role, named iamName(name) in IAM, trusted for the OIDC subjects and, when self,
// by itself. Every role's sessions may last MaxSessionDurationSeconds.
func (d *DeployIdentity) role(ctx *pulumi.Context, name, description string, subjects []string, self bool) (*iam.Role, error) {
	roleName := d.iamName(name)
	return iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:        pulumi.String(roleName),
		Description: pulumi.String(description),
		AssumeRolePolicy: iampolicy.Render(func(v []string) iampolicy.Document {
			doc := TrustPolicy(v[0], subjects...)
			if self {
				doc.Statement = append(doc.Statement, SelfAssume(d.args.AccountID, roleName))
			}
			return doc
		}, d.oidcARN),
		MaxSessionDuration:  pulumi.Int(d.args.MaxSessionDurationSeconds),
		PermissionsBoundary: d.args.PermissionsBoundaryARN,
		Tags:                d.tags(name),
	}, protect.Options(d.args.Protect, d.opts)...)
}

// deployRoles creates, per environment, the role its jobs assume (its policies come with
// deployPolicies, once the keys exist).
func (d *DeployIdentity) deployRoles(ctx *pulumi.Context) error {
	for _, env := range d.args.Environments {
		name := DeployRoleName(d.name, env.Name)
		role, err := d.role(ctx, name,
			fmt.Sprintf("Deploys the %s stack from GitHub Actions (environment %s of %s)", env.Name, env.Name, d.args.Repository),
			[]string{environmentSubject(d.args.Repository, env.Name)}, true)
		if err != nil {
			return err
		}
		d.DeployRoles[env.Name] = role
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
			[]string{environmentSubject(d.args.Repository, env.Name)}, false)
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

// previewSubjects are the jobs that may assume the preview role: per environment its
// preview-<environment> GitHub Environment (required reviewers for staging and production,
// branches of the repository only) and its PlanEnvironment, if any.
func (d *DeployIdentity) previewSubjects() []string {
	var out []string
	for _, e := range d.args.Environments {
		out = append(out, environmentSubject(d.args.Repository, PreviewEnvironmentName(e.Name)))
		if e.PlanEnvironment != "" {
			out = append(out, environmentSubject(d.args.Repository, e.PlanEnvironment))
		}
	}
	return out
}

// driftSubjects are the jobs that may assume the drift role: per environment its
// drift-<environment> GitHub Environment (deployment branch main only).
func (d *DeployIdentity) driftSubjects() []string {
	var out []string
	for _, e := range d.args.Environments {
		out = append(out, environmentSubject(d.args.Repository, DriftEnvironmentName(e.Name)))
	}
	return out
}

// previewRole is what pull-request previews and the plan before an approval assume; it trusts
// itself, because those jobs set PLATFORM_ASSUME_ROLE_ARN to it and the program's provider
// assumes it again.
func (d *DeployIdentity) previewRole(ctx *pulumi.Context) error {
	role, err := d.role(ctx, PreviewRoleName(d.name), "Previews the stacks of "+d.args.Repository+" (read-only; environments preview-<stack> and the plan before an approval)",
		d.previewSubjects(), true)
	d.PreviewRole = role
	return err
}

// driftRole is what the scheduled drift check assumes; it trusts itself like the preview role.
func (d *DeployIdentity) driftRole(ctx *pulumi.Context) error {
	role, err := d.role(ctx, DriftRoleName(d.name), "Checks the stacks of "+d.args.Repository+" for drift (read-only; environments drift-<stack>)",
		d.driftSubjects(), true)
	d.DriftRole = role
	return err
}

// secretsKeys creates, per environment, the secrets provider key and its alias. The key policy
// keeps the account's root statement (AWS KMS Developer Guide, "Default key policy": it "allows
// access to the AWS account and enables IAM policies",
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html) and names the
// environment's deploy role (SecretsKeyDeployActions) and the read-only roles (kms:Decrypt); the
// CI push role is not named and has no KMS permission in IAM. The key's policy names the roles'
// ARNs, so it waits for them.
func (d *DeployIdentity) secretsKeys(ctx *pulumi.Context) error {
	protected := append(append([]pulumi.ResourceOption(nil), d.opts...), pulumi.Protect(true))
	for _, env := range d.args.Environments {
		name := d.name + "-secrets-" + env.Name
		policy := iampolicy.Render(func(v []string) iampolicy.Document {
			return SecretsKeyPolicy(d.args.AccountID, v[0], v[1:])
		}, d.DeployRoles[env.Name].Arn, d.PreviewRole.Arn, d.DriftRole.Arn)
		key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
			Description:          pulumi.String(fmt.Sprintf("Pulumi secrets provider of the %s stacks (%s)", env.Name, SecretsProviderURL(d.args.NamePrefix, env.Name, d.region()))),
			EnableKeyRotation:    pulumi.Bool(true),
			DeletionWindowInDays: pulumi.Int(30),
			Policy:               policy,
			Tags:                 d.tags(name),
		}, protected...)
		if err != nil {
			return err
		}
		alias, err := kms.NewAlias(ctx, name, &kms.AliasArgs{
			Name:        pulumi.String(SecretsKeyAlias(d.args.NamePrefix, env.Name)),
			TargetKeyId: key.KeyId,
		}, protected...)
		if err != nil {
			return err
		}
		d.SecretsKeys[env.Name] = key
		d.SecretsKeyAliases[env.Name] = alias
	}
	return nil
}

// region is where the identity's keys live: the provider's region, which callers pass first in
// Regions (the bootstrap passes its one region).
func (d *DeployIdentity) region() string { return d.args.Regions[0] }

// SecretsKeyPolicy is the key policy of an environment's secrets provider key: the account root
// (administration, and IAM policies enabled), the deploy role's use, and Decrypt for the
// read-only roles.
func SecretsKeyPolicy(accountID, deployRoleARN string, readOnlyRoleARNs []string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "AccountAdministration", Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws:iam::" + accountID + ":root"},
			Action: []string{"kms:*"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "DeployRole", Effect: "Allow", Principal: map[string]any{"AWS": deployRoleARN},
			Action: SecretsKeyDeployActions, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "ReadOnlyRolesDecrypt", Effect: "Allow", Principal: map[string]any{"AWS": readOnlyRoleARNs},
			Action: []string{"kms:Decrypt"}, Resource: []string{"*"}},
	)
}

// keyInputs are the state key's and every secrets key's ARNs, environment order.
func (d *DeployIdentity) keyInputs() []pulumi.StringInput {
	out := []pulumi.StringInput{d.args.StateKMSKeyARN}
	for _, env := range d.args.Environments {
		out = append(out, d.SecretsKeys[env.Name].Arn)
	}
	return out
}

// workloadBoundaries creates, per environment, the permissions boundary of the roles its stacks
// create.
func (d *DeployIdentity) workloadBoundaries(ctx *pulumi.Context) error {
	for _, env := range d.args.Environments {
		name := d.name + "-workload-boundary-" + env.Name
		doc := iampolicy.Render(func(v []string) iampolicy.Document {
			return WorkloadBoundary(BoundaryScope{AccountID: d.args.AccountID, Regions: d.args.Regions, IAMNamePrefix: env.IAMNamePrefix,
				StateBucket: v[0], Keys: v[1:]})
		}, append([]pulumi.StringInput{d.args.StateBucketARN}, d.keyInputs()...)...)
		policy, err := iam.NewPolicy(ctx, name, &iam.PolicyArgs{
			Name:        pulumi.String(WorkloadBoundaryName(d.args.NamePrefix, env.Name)),
			Description: pulumi.String(fmt.Sprintf("Permissions boundary of every role the %s stacks create", env.Name)),
			Policy:      doc,
			Tags:        d.tags(name),
		}, protect.Options(d.args.Protect, d.opts)...)
		if err != nil {
			return err
		}
		d.WorkloadBoundaries[env.Name] = policy
	}
	return nil
}

// deployPolicies creates, per environment, the deploy role's managed policies and attaches them.
func (d *DeployIdentity) deployPolicies(ctx *pulumi.Context) error {
	for _, env := range d.args.Environments {
		name := DeployRoleName(d.name, env.Name)
		inputs := append([]pulumi.StringInput{d.args.StateBucketARN, d.WorkloadBoundaries[env.Name].Arn, d.SecretsKeys[env.Name].Arn}, d.keyInputs()...)
		for i, group := range PolicyGroupNames {
			policyName := name + "-" + group
			doc := iampolicy.Render(func(v []string) iampolicy.Document {
				s := Scope{AccountID: d.args.AccountID, Regions: d.args.Regions, IAMNamePrefix: env.IAMNamePrefix, RoleName: d.iamName(name),
					Environment: env.Name, NamePrefix: d.args.NamePrefix, StateBucket: v[0], BoundaryARN: v[1], SecretsKey: v[2],
					StateKey: v[3], IdentityKeys: v[4:]}
				return DeployPolicies(s)[i].Document
			}, inputs...)
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
				Role:      d.DeployRoles[env.Name].Name,
				PolicyArn: policy.Arn,
			}, d.opts...); err != nil {
				return err
			}
		}
	}
	return nil
}

// readOnlyPolicies gives the preview and drift roles their one inline policy each
// (ReadOnlyPolicy): the drift role also reads the stacks' String parameters, which a refresh
// reads back.
func (d *DeployIdentity) readOnlyPolicies(ctx *pulumi.Context) error {
	var prefixes []string
	for _, e := range d.args.Environments {
		prefixes = append(prefixes, e.IAMNamePrefix)
	}
	for _, r := range []struct {
		role     *iam.Role
		name     string
		prefixes []string
	}{{d.PreviewRole, PreviewRoleName(d.name), nil}, {d.DriftRole, DriftRoleName(d.name), prefixes}} {
		inline := iampolicy.Render(func(v []string) iampolicy.Document {
			return ReadOnlyPolicy(ReadScope{AccountID: d.args.AccountID, Regions: d.args.Regions, StateBucket: v[0], StateKey: v[1],
				SecretsKeys: v[2:], RoleName: d.iamName(r.name), StringParameterPrefixes: r.prefixes})
		}, append([]pulumi.StringInput{d.args.StateBucketARN}, d.keyInputs()...)...)
		if _, err := iam.NewRolePolicy(ctx, r.name+"-read", &iam.RolePolicyArgs{
			Role:   r.role.Name,
			Policy: inline,
		}, d.opts...); err != nil {
			return err
		}
	}
	return nil
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
	urls, keys, aliases, boundaries := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for _, env := range d.args.Environments {
		urls[env.Name] = pulumi.String(SecretsProviderURL(d.args.NamePrefix, env.Name, d.region()))
		keys[env.Name] = d.SecretsKeys[env.Name].Arn
		aliases[env.Name] = d.SecretsKeyAliases[env.Name].Arn
		boundaries[env.Name] = d.WorkloadBoundaries[env.Name].Arn
	}
	d.SecretsProviderURLs = urls.ToStringMapOutput()
	d.SecretsKeyARNs = keys.ToStringMapOutput()
	d.SecretsKeyAliasARNs = aliases.ToStringMapOutput()
	d.WorkloadBoundaryARNs = boundaries.ToStringMapOutput()
	return ctx.RegisterResourceOutputs(d, pulumi.Map{
		"oidcProviderArn":      d.OIDCProviderARN,
		"deployRoleArns":       d.DeployRoleARNs,
		"ciPushRoleArns":       d.CIPushRoleARNs,
		"previewRoleArn":       d.PreviewRoleARN,
		"driftRoleArn":         d.DriftRoleARN,
		"secretsProviderUrls":  d.SecretsProviderURLs,
		"secretsKeyArns":       d.SecretsKeyARNs,
		"secretsKeyAliasArns":  d.SecretsKeyAliasARNs,
		"workloadBoundaryArns": d.WorkloadBoundaryARNs,
	})
}
