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

// Session lengths, in seconds, that IAM allows for a role.
const (
	MinSessionSeconds = 3600
	MaxSessionSeconds = 43200
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
	// DriftBranch is the branch whose workflows may assume the drift role (the scheduled drift
	// check runs on the default branch, outside any environment). Defaults to "main".
	DriftBranch string
	// MaxSessionDurationSeconds is the longest session of a deploy role (3600 to 43200). Defaults
	// to 7200: a first production deploy creates EKS and its node groups and can outlast an hour.
	// The read-only roles keep one hour.
	MaxSessionDurationSeconds int
	// PermissionsBoundaryARN is a permissions boundary set on every role. Defaults to none.
	PermissionsBoundaryARN pulumi.StringPtrInput
	// Protect protects the OIDC provider and the roles from deletion. Defaults to false.
	Protect bool
	// NamePrefix starts every physical name the identity sets, all account-wide IAM names: the
	// roles <NamePrefix>-deploy-<environment>, <NamePrefix>-ecr-push-<environment>,
	// <NamePrefix>-preview and <NamePrefix>-drift, and
	// the deploy roles' managed policies <NamePrefix>-deploy-<environment>-<group>; 1-56 letters,
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
	if c.DriftBranch == "" {
		c.DriftBranch = "main"
	}
	if c.MaxSessionDurationSeconds == 0 {
		c.MaxSessionDurationSeconds = 7200
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
	branchRe      = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
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
	}
	for _, role := range own {
		if len(role) > maxRoleName {
			return fielderr.New("Environments", "give the role name %q of %d characters, more than IAM's %d: shorten NamePrefix (the identity name by default) or the environment names", role, len(role), maxRoleName)
		}
	}
	if !branchRe.MatchString(a.DriftBranch) || strings.Contains(a.DriftBranch, "..") || strings.HasPrefix(a.DriftBranch, "/") || strings.HasSuffix(a.DriftBranch, "/") {
		return fielderr.New("DriftBranch", "%q is not a branch name (letters, digits and . _ / -, no wildcard)", a.DriftBranch)
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
	s := Scope{AccountID: a.AccountID, Regions: a.Regions, IAMNamePrefix: e.IAMNamePrefix, RoleName: DeployRoleName(prefix, e.Name),
		StateBucket: "arn:aws:s3:::" + strings.Repeat("b", 63), StateKey: "arn:aws:kms:" + a.Regions[0] + ":" + a.AccountID + ":key/" + strings.Repeat("k", 36)}
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

// roleNames lists the IAM name of every role the identity whose NamePrefix is name creates.
func roleNames(name string, envs []Environment) []string {
	out := []string{PreviewRoleName(name), DriftRoleName(name)}
	for _, e := range envs {
		out = append(out, DeployRoleName(name, e.Name), CIPushRoleName(name, e.Name))
	}
	return out
}

// Subjects of GitHub's OIDC token (the sub claim) for the three kinds of job.
func environmentSubject(repository, environment string) string {
	return "repo:" + repository + ":environment:" + environment
}

func pullRequestSubject(repository string) string { return "repo:" + repository + ":pull_request" }

func branchSubject(repository, branch string) string {
	return "repo:" + repository + ":ref:refs/heads/" + branch
}
