package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/cicd"
)

// project is the bootstrap's Pulumi project; its config keys are namespaced by it.
const project = "flowmart-bootstrap"

// Config keys, as Pulumi.yaml declares them.
const (
	keyAccountID          = "accountId"
	keyRegion             = "region"
	keyRepository         = "repository"
	keyEnvironments       = "environments"
	keyNamePrefix         = "namePrefix"
	keyStateBucketName    = "stateBucketName"
	keyNoncurrentDays     = "stateNoncurrentVersionDays"
	keyOIDCProviderARN    = "oidcProviderArn"
	keyProtectIdentity    = "protectIdentity"
	keyTags               = "tags"
	defaultNamePrefix     = cicd.PlatformNamePrefix
	defaultNoncurrentDays = 90
)

// configKeys are every key the loader reads, with their Pulumi.yaml types.
var configKeys = map[string]string{
	keyAccountID: "string", keyRegion: "string", keyRepository: "string", keyEnvironments: "array",
	keyNamePrefix: "string", keyStateBucketName: "string", keyNoncurrentDays: "integer",
	keyOIDCProviderARN: "string", keyProtectIdentity: "boolean", keyTags: "object",
}

// config is the bootstrap's typed configuration, defaults applied.
type config struct {
	Stack           string
	AccountID       string
	Region          string
	Repository      string
	Environments    []string
	NamePrefix      string
	StateBucketName string
	NoncurrentDays  int
	OIDCProviderARN string
	ProtectIdentity bool
	Tags            map[string]string
}

// configError is a configuration problem: the key, the bad value and what is allowed, one line.
type configError struct{ key, msg string }

func (e *configError) Error() string { return project + ":" + e.key + ": " + e.msg }

var (
	accountRe    = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe     = regexp.MustCompile(`^[a-z]{2}(?:-[a-z]+)+-[0-9]$`)
	prefixRe     = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$`)
	bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	providerRe   = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com$`)
)

// loadConfig reads and validates the stack's configuration. Repository and environments are
// checked again, in full, by cicd.DeployIdentity.
func loadConfig(ctx *pulumi.Context) (*config, error) {
	get := func(key string) (string, bool) { return ctx.GetConfig(project + ":" + key) }
	c := &config{Stack: ctx.Stack(), NamePrefix: defaultNamePrefix, NoncurrentDays: defaultNoncurrentDays, ProtectIdentity: true}

	required := func(key string) (string, error) {
		v, ok := get(key)
		if !ok || v == "" {
			return "", &configError{key, "is required (pulumi config set " + key + " <value>)"}
		}
		return v, nil
	}
	var err error
	if c.AccountID, err = required(keyAccountID); err != nil {
		return nil, err
	}
	if !accountRe.MatchString(c.AccountID) {
		return nil, &configError{keyAccountID, fmt.Sprintf("%q is not an AWS account id (12 digits, quoted in YAML)", c.AccountID)}
	}
	if c.Region, err = required(keyRegion); err != nil {
		return nil, err
	}
	if !regionRe.MatchString(c.Region) {
		return nil, &configError{keyRegion, fmt.Sprintf("%q is not an AWS region (e.g. eu-west-1)", c.Region)}
	}
	if c.Repository, err = required(keyRepository); err != nil {
		return nil, err
	}
	raw, err := required(keyEnvironments)
	if err != nil {
		return nil, err
	}
	if json.Unmarshal([]byte(raw), &c.Environments) != nil || len(c.Environments) == 0 {
		return nil, &configError{keyEnvironments, fmt.Sprintf("%s is not a non-empty list of environment names", raw)}
	}
	if v, ok := get(keyNamePrefix); ok {
		if !prefixRe.MatchString(v) {
			return nil, &configError{keyNamePrefix, fmt.Sprintf("%q is not a name prefix (1-20 lower-case letters, digits and hyphens)", v)}
		}
		c.NamePrefix = v
	}
	c.StateBucketName = fmt.Sprintf("%s-pulumi-state-%s-%s", c.NamePrefix, c.AccountID, c.Region)
	if v, ok := get(keyStateBucketName); ok {
		c.StateBucketName = v
	}
	if !bucketNameRe.MatchString(c.StateBucketName) {
		return nil, &configError{keyStateBucketName, fmt.Sprintf("%q is not an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)", c.StateBucketName)}
	}
	if v, ok := get(keyNoncurrentDays); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, &configError{keyNoncurrentDays, fmt.Sprintf("%q is not a positive number of days", v)}
		}
		c.NoncurrentDays = n
	}
	if v, ok := get(keyOIDCProviderARN); ok {
		if !providerRe.MatchString(v) {
			return nil, &configError{keyOIDCProviderARN, fmt.Sprintf("%q is not the ARN of a GitHub OIDC provider (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com)", v)}
		}
		c.OIDCProviderARN = v
	}
	if v, ok := get(keyProtectIdentity); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, &configError{keyProtectIdentity, fmt.Sprintf("%q is not true or false", v)}
		}
		c.ProtectIdentity = b
	}
	if v, ok := get(keyTags); ok {
		if err := json.Unmarshal([]byte(v), &c.Tags); err != nil {
			return nil, &configError{keyTags, fmt.Sprintf("%s is not an object of strings", v)}
		}
	}
	return c, nil
}
