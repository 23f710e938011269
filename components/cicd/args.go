package cicd

import (
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/iampolicy"
)

// GitHub's OpenID Connect issuer and the audience configure-aws-credentials asks for.
const (
	GitHubOIDCURL      = "https://token.actions.githubusercontent.com"
	GitHubOIDCHost     = "token.actions.githubusercontent.com"
	GitHubOIDCAudience = "sts.amazonaws.com"
)

// Session lengths, in seconds, that IAM allows for a role (IAM API Reference, CreateRole,
// MaxSessionDuration: 3600 to 43200), and the identity's default: three hours, what every job asks
// for (role-duration-seconds: 10800) so that a session outlasts a job's 150-minute timeout.
const (
	MinSessionSeconds     = 3600
	MaxSessionSeconds     = 43200
	DefaultSessionSeconds = 10800
)

// Environment is one GitHub Environment, and the stack its jobs deploy.
type Environment struct {
	// Name is the GitHub Environment (and the stack) whose jobs may assume the deploy role, e.g.
	// production. Lower-case letters, digits and hyphens. Required.
	Name string
	// IAMNamePrefix limits the IAM roles, policies and instance profiles the deploy role may
	// create, change and delete to those whose names start with it. Defaults to Name+"-" (the
	// stacks name every resource after the stack, so production's roles are production-...).
	IAMNamePrefix string
	// PlanEnvironment is the GitHub Environment of the job that previews this environment's exact
	// commit before its approval gate (`pulumi preview --save-plan`); its jobs may assume the
	// preview role, like those of preview-<Name>. Lower-case letters, digits and hyphens.
	// Defaults to none (the bootstrap sets plan-production for production).
	PlanEnvironment string
}

// DeployIdentityArgs configures a DeployIdentity. Fields that decide which resources exist are
// plain values.
type DeployIdentityArgs struct {
	// Repository is the GitHub repository, "<owner>/<name>", whose workflows may assume the
	// roles. Required.
	Repository string
	// AccountID is the AWS account (12 digits) the roles act in; every ARN of their policies is
	// scoped to it. Required.
	AccountID string
	// Regions are the regions the deploy roles may act in (regional ARNs, and an
	// aws:RequestedRegion condition where an action has no resource-level permission). Required.
	Regions []string
	// Environments get one deploy role and one CI push role each, both trusted only for jobs of
	// that GitHub Environment. Required, at least one.
	Environments []Environment
	// StateBucketARN is the S3 bucket holding the Pulumi state (objects read and written by the
	// deploy roles, read by the read-only roles). Required.
	StateBucketARN pulumi.StringInput
	// StateKMSKeyARN is the KMS key that encrypts the state bucket. Required.
	StateKMSKeyARN pulumi.StringInput
	// OIDCProviderARN is the account's existing GitHub OIDC provider (an account holds at most one
	// per issuer URL). Defaults to a new provider for https://token.actions.githubusercontent.com
	// with the audience sts.amazonaws.com.
	OIDCProviderARN pulumi.StringPtrInput
	// MaxSessionDurationSeconds is the longest session of every role of the identity (3600 to
	// 43200). Defaults to 10800: a job may run 150 minutes and asks configure-aws-credentials for
	// role-duration-seconds 10800, which IAM refuses above the role's maximum.
	MaxSessionDurationSeconds int
	// PermissionsBoundaryARN is a permissions boundary set on the identity's own roles. Defaults
	// to none. (The roles the deploy roles create carry the environment's workload boundary, see
	// WorkloadBoundary; that one is always made.)
	PermissionsBoundaryARN pulumi.StringPtrInput
	// Protect protects the OIDC provider and the roles from deletion. Defaults to false.
	Protect bool
	// NamePrefix starts every physical name the identity sets, all account-wide IAM names: the
	// roles <NamePrefix>-deploy-<environment>, <NamePrefix>-ecr-push-<environment>,
	// <NamePrefix>-preview and <NamePrefix>-drift, the deploy roles' managed policies
	// <NamePrefix>-deploy-<environment>-<group>, the workload boundaries
	// <NamePrefix>-workload-boundary-<environment> and the secrets keys' aliases
	// alias/<NamePrefix>-secrets-<environment>; 1-56 letters,
	// digits and + = , . @ _ - (so that <NamePrefix>-preview fits IAM's 64). The resource names
	// do not change with it. Defaults to the component name.
	NamePrefix string
	// Tags are added to every resource of the identity. Defaults to none (the provider's default
	// tags still apply).
	Tags map[string]string
}

func (a *DeployIdentityArgs) withDefaults() DeployIdentityArgs {
	var c DeployIdentityArgs
	if a != nil {
		c = *a
	}
	if c.MaxSessionDurationSeconds == 0 {
		c.MaxSessionDurationSeconds = DefaultSessionSeconds
	}
	c.Regions = append([]string(nil), c.Regions...)
	c.Environments = append([]Environment(nil), c.Environments...)
	for i, e := range c.Environments {
		if e.IAMNamePrefix == "" {
			e.IAMNamePrefix = e.Name + "-"
		}
		c.Environments[i] = e
	}
	return c
}

// withName is withDefaults for the identity called name: NamePrefix defaults to name.
func (a *DeployIdentityArgs) withName(name string) DeployIdentityArgs {
	c := a.withDefaults()
	if c.NamePrefix == "" {
		c.NamePrefix = name
	}
	return c
}

// namePrefix is what the IAM names of the identity called name start with: NamePrefix, or the
// name, its default.
func (a DeployIdentityArgs) namePrefix(name string) string {
	if a.NamePrefix != "" {
		return a.NamePrefix
	}
	return name
}

var (
	repositoryRe  = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)
	accountRe     = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe      = regexp.MustCompile(`^[a-z]{2}(?:-[a-z]+)+-[0-9]$`)
	environmentRe = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)
	iamPrefixRe   = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{2,}$`)
)

// maxRoleName is IAM's limit on a role name: 1-64 characters of [\w+=,.@-] (IAM API Reference,
// CreateRole, RoleName: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
// A managed policy's name is 1-128 of the same (CreatePolicy, PolicyName), which every deploy
// policy name <role>-<group> stays below when its role's name fits.
const maxRoleName = 64

// maxNamePrefix is the longest NamePrefix: <NamePrefix>-preview is at most maxRoleName. The
// longer deploy role names are checked one by one (they depend on the environments).
var maxNamePrefix = maxRoleName - len(PreviewRoleName(""))

var namePrefixRe = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]+$`)

// Validate checks the Args after defaults and returns the first problem as a *fielderr.Error
// naming the field; name is the component name, which the role names derive from unless
// NamePrefix is set. NewDeployIdentity runs it before registering anything.
func (a *DeployIdentityArgs) Validate(name string) error {
	d := a.withName(name)
	return d.validate(name)
}

// validate checks the arguments of the identity called name; it is pure.

func (a DeployIdentityArgs) validate(name string) error {
	if !repositoryRe.MatchString(a.Repository) || strings.HasSuffix(a.Repository, "/.") || strings.HasSuffix(a.Repository, "/..") {
		return fielderr.New("Repository", "%q is not a GitHub repository (want <owner>/<name>, e.g. flowmart/platform)", a.Repository)
	}
	if !accountRe.MatchString(a.AccountID) {
		return fielderr.New("AccountID", "%q is not an AWS account id (12 digits)", a.AccountID)
	}
	if len(a.Regions) == 0 {
		return fielderr.New("Regions", "is empty: at least one region is required")
	}
	seen := map[string]bool{}
	for i, r := range a.Regions {
		if !regionRe.MatchString(r) {
			return fielderr.New(fielderr.Index("Regions", i), "%q is not an AWS region (e.g. eu-west-1)", r)
		}
		if seen[r] {
			return fielderr.New(fielderr.Index("Regions", i), "%q is listed twice", r)
		}
		seen[r] = true
	}
	if len(a.Environments) == 0 {
		return fielderr.New("Environments", "is empty: at least one environment is required")
	}
	prefix := a.namePrefix(name)
	// NamePrefix is checked before the names it makes, so that a bad one is reported as itself
	if len(prefix) > maxNamePrefix || !namePrefixRe.MatchString(prefix) {
		return fielderr.New("NamePrefix", "%q is not an IAM name prefix (1-%d letters, digits and + = , . @ _ -: it starts the roles' and policies' names; it defaults to the component name)", prefix, maxNamePrefix)
	}
	own := roleNames(prefix, a.Environments)
	envs := map[string]bool{}
	for i, e := range a.Environments {
		if !environmentRe.MatchString(e.Name) {
			return fielderr.New(fielderr.Index("Environments", i)+".Name", "%q is not an environment name (lower-case letters, digits and hyphens)", e.Name)
		}
		if envs[e.Name] {
			return fielderr.New(fielderr.Index("Environments", i)+".Name", "%q is listed twice", e.Name)
		}
		envs[e.Name] = true
		if !iamPrefixRe.MatchString(e.IAMNamePrefix) {
			return fielderr.New(fielderr.Index("Environments", i)+".IAMNamePrefix", "%q is not an IAM name prefix (at least 2 of letters, digits and +=,.@_-)", e.IAMNamePrefix)
		}
		for _, role := range own {
			if strings.HasPrefix(role, e.IAMNamePrefix) {
				return fielderr.New(fielderr.Index("Environments", i)+".IAMNamePrefix", "%q covers this identity's own role %q, so the deploy role could rewrite its own trust; name the identity or the prefix differently", e.IAMNamePrefix, role)
			}
		}
		// the identity's names, which every deploy role is denied, and the prefix must not overlap
		for _, pattern := range IdentityNamePatterns(prefix) {
			stem := strings.TrimSuffix(pattern[strings.Index(pattern, "/")+1:], "*")
			if strings.HasPrefix(stem, e.IAMNamePrefix) || strings.HasPrefix(e.IAMNamePrefix, stem) {
				return fielderr.New(fielderr.Index("Environments", i)+".IAMNamePrefix", "%q overlaps the identity's names %q, which every deploy role is denied; name the identity or the prefix differently", e.IAMNamePrefix, pattern)
			}
		}
		if e.PlanEnvironment != "" && !environmentRe.MatchString(e.PlanEnvironment) {
			return fielderr.New(fielderr.Index("Environments", i)+".PlanEnvironment", "%q is not an environment name (lower-case letters, digits and hyphens)", e.PlanEnvironment)
		}
	}
	for _, role := range own {
		if len(role) > maxRoleName {
			return fielderr.New("Environments", "give the role name %q of %d characters, more than IAM's %d: shorten NamePrefix (the identity name by default) or the environment names", role, len(role), maxRoleName)
		}
	}
	if a.MaxSessionDurationSeconds < MinSessionSeconds || a.MaxSessionDurationSeconds > MaxSessionSeconds {
		return fielderr.New("MaxSessionDurationSeconds", "%d is outside %d-%d", a.MaxSessionDurationSeconds, MinSessionSeconds, MaxSessionSeconds)
	}
	for _, e := range a.Environments {
		if err := policySizes(a, prefix, e); err != nil {
			return err
		}
	}
	if a.StateBucketARN == nil {
		return fielderr.New("StateBucketARN", "is required (the S3 bucket of the Pulumi state)")
	}
	if a.StateKMSKeyARN == nil {
		return fielderr.New("StateKMSKeyARN", "is required (the KMS key of the state bucket)")
	}
	return nil
}

// policySizes checks that an environment's deploy policies stay under IAM's managed-policy size
// limit (more regions mean more ARNs), with state ARNs as long as S3 and KMS allow; prefix is
// the identity's NamePrefix.
func policySizes(a DeployIdentityArgs, prefix string, e Environment) error {
	key := func() string {
		return "arn:aws:kms:" + a.Regions[0] + ":" + a.AccountID + ":key/" + strings.Repeat("k", 36)
	}
	s := Scope{AccountID: a.AccountID, Regions: a.Regions, IAMNamePrefix: e.IAMNamePrefix, RoleName: DeployRoleName(prefix, e.Name),
		Environment: e.Name, NamePrefix: prefix, BoundaryARN: "arn:aws:iam::" + a.AccountID + ":policy/" + WorkloadBoundaryName(prefix, e.Name),
		StateBucket: "arn:aws:s3:::" + strings.Repeat("b", 63), StateKey: key(), SecretsKey: key()}
	for range a.Environments {
		s.IdentityKeys = append(s.IdentityKeys, key())
	}
	for _, g := range DeployPolicies(s) {
		if n := documentSize(g.Document); n > MaxManagedPolicyChars {
			return fielderr.New("Regions", "%d regions make the %s deploy policy %d characters, over IAM's %d: deploy fewer regions per account", len(a.Regions), g.Name, n, MaxManagedPolicyChars)
		}
	}
	return nil
}

// documentSize is a policy's size as IAM counts it: characters, whitespace excluded.
func documentSize(d iampolicy.Document) int {
	return len(strings.Join(strings.Fields(d.String()), ""))
}

// DeployRoleName is the IAM role name of an environment's deploy role in the identity whose
// NamePrefix is name (the identity's name by default); it is also the role's resource name with
// the identity's name.
func DeployRoleName(name, environment string) string { return name + "-deploy-" + environment }

// CIPushRoleName is the IAM role name of an environment's CI push role (the role CI pushes the
// stack's images with) in the identity whose NamePrefix is name; the stack's registry.ciPushRoleArn
// names it.
func CIPushRoleName(name, environment string) string { return name + "-ecr-push-" + environment }

// PreviewRoleName is the IAM role name of the read-only role pull requests assume, for a
// NamePrefix (or resource name) name.
func PreviewRoleName(name string) string { return name + "-preview" }

// DriftRoleName is the IAM role name of the read-only role the scheduled drift check assumes,
// for a NamePrefix (or resource name) name.
func DriftRoleName(name string) string { return name + "-drift" }

// PlatformNamePrefix is the NamePrefix of the bootstrap's identity (its namePrefix default), which
// the platform stacks' names of the workload boundary and the secrets keys assume.
const PlatformNamePrefix = "flowmart"

// WorkloadBoundaryName is the managed policy every role an environment's deploy role creates must
// carry as its permissions boundary, for a NamePrefix name: flowmart-workload-boundary-production.
func WorkloadBoundaryName(name, environment string) string {
	return name + "-workload-boundary-" + environment
}

// WorkloadBoundaryARN is the ARN of an environment's workload boundary in an account, for a
// NamePrefix name; the stacks' boundary transformation sets it (see PermissionsBoundary).
func WorkloadBoundaryARN(accountID, name, environment string) string {
	return "arn:aws:iam::" + accountID + ":policy/" + WorkloadBoundaryName(name, environment)
}

// SecretsKeyAlias is the alias of an environment's secrets provider key, for a NamePrefix name:
// alias/flowmart-secrets-production.
func SecretsKeyAlias(name, environment string) string {
	return "alias/" + name + "-secrets-" + environment
}

// SecretsProviderURL is what a stack file's secretsprovider names for that key:
// awskms://alias/<name>-secrets-<environment>?region=<region>. The Pulumi CLI (v3.274.1,
// pkg/secrets/cloud/manager.go:50-74) opens it with gocloud.dev's awskms opener, which takes the
// URL's host and path as the key id ("alias/..." is an alias name) and its region parameter as
// the region (gocloud.dev secrets/awskms/kms.go:121-141, aws/aws.go "region").
func SecretsProviderURL(name, environment, region string) string {
	return "awskms://" + SecretsKeyAlias(name, environment) + "?region=" + region
}

// RunnerProjectName is the CodeBuild project of an environment's in-VPC GitHub Actions runner,
// flowmart-runner-<environment>: the deploy role may manage that project only.
func RunnerProjectName(environment string) string { return "flowmart-runner-" + environment }

// PreviewEnvironmentName is the GitHub Environment of an environment's pull-request previews,
// preview-<environment>: its jobs may assume the preview role (the scheduled drift check runs in
// DriftEnvironmentName).
func PreviewEnvironmentName(environment string) string { return "preview-" + environment }

// DriftEnvironmentName is the GitHub Environment of an environment's drift check.
func DriftEnvironmentName(environment string) string { return "drift-" + environment }

// roleNames lists the IAM name of every role the identity whose NamePrefix is name creates.
func roleNames(name string, envs []Environment) []string {
	out := []string{PreviewRoleName(name), DriftRoleName(name)}
	for _, e := range envs {
		out = append(out, DeployRoleName(name, e.Name), CIPushRoleName(name, e.Name))
	}
	return out
}

// environmentSubject is the sub claim of GitHub's OIDC token for a job of a GitHub Environment
// ("repo:<owner>/<repo>:environment:<name>": GitHub Docs, "OpenID Connect reference", example
// subject claims, filtering for a specific environment). Every role is trusted for environments
// only: a pull request's own workflow cannot get a token for an environment whose deployment
// branches or reviewers refuse it.
func environmentSubject(repository, environment string) string {
	return "repo:" + repository + ":environment:" + environment
}
