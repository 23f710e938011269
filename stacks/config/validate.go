package config

import (
	"regexp"
	"slices"
	"strings"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/dnsname"
)

// Regions are the AWS commercial regions a stack may name.
var Regions = []string{
	"af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
	"ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ca-central-1",
	"ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
	"eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "sa-east-1", "us-east-1",
	"us-east-2", "us-west-1", "us-west-2",
}

var (
	accountIDRe = regexp.MustCompile(`^[0-9]{12}$`)
)

// Validate checks the whole configuration and returns the first problem, as an *Error.
func (c *Config) Validate() error {
	checks := []func() error{
		c.validateEnvironment,
		c.validateAccount,
		c.validateDomain,
		c.validateTags,
		c.validateNetwork,
		c.validateCluster,
		c.validateRegistry,
		c.validateCertificate,
		c.validateAddons,
		c.validateAlerting,
		c.validateGitOps,
		c.validateVPN,
		c.validateSQLServer,
		c.validateRunner,
		c.validateWaivers,
		c.validateComponents,         // each component's own rules, under the config keys
		c.validateRunnerComponent,    // the Runner's own rules, under runner
		c.validateGitOpsRepositories, // after the registry's own rules: its names are valid
		c.validateNATPath,            // after the network's own rules about natStrategy
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateEnvironment() error {
	if c.Environment == "" {
		return errorf(KeyEnvironment, "required key is missing (allowed: %s)", joinEnvs())
	}
	if !slices.Contains(Environments, c.Environment) {
		return errorf(KeyEnvironment, "%q is not an environment (allowed: %s)", c.Environment, joinEnvs())
	}
	if c.Region == "" {
		return errorf(KeyRegion, "required key is missing (an AWS region such as eu-west-1)")
	}
	if !slices.Contains(Regions, c.Region) {
		return errorf(KeyRegion, "%q is not an AWS commercial region (for example eu-west-1, us-east-1)", c.Region)
	}
	return nil
}

func (c *Config) validateAccount() error {
	if c.AccountID == "" {
		return errorf(KeyAccountID, "required key is missing (the 12-digit AWS account this stack may touch)")
	}
	if !accountIDRe.MatchString(c.AccountID) {
		return errorf(KeyAccountID, "%q is not an AWS account id (want 12 digits)", c.AccountID)
	}
	if c.AssumeRoleARN != "" {
		account, ok := roleAccount(c.AssumeRoleARN)
		if !ok {
			return errorf(KeyAssumeRoleARN, "%q is not an IAM role ARN (want arn:aws:iam::<account>:role/<name>)", c.AssumeRoleARN)
		}
		if account != c.AccountID {
			return errorf(KeyAssumeRoleARN, "%q is in account %s, not in accountId %s", c.AssumeRoleARN, account, c.AccountID)
		}
	}
	if c.HasAssumeRoleExternalID && c.AssumeRoleARN == "" {
		return errorf(KeyAssumeRoleExternalID, "is set but assumeRoleArn is not (an external id only applies to an assumed role)")
	}
	return nil
}

func (c *Config) validateDomain() error {
	if c.Domain == "" {
		return errorf(KeyDomain, "required key is missing (the environment's DNS domain, such as dev.shop.example.com)")
	}
	if err := dnsname.Check(c.Domain, false); err != nil {
		return errorf(KeyDomain, "%s", err)
	}
	return nil
}

func (c *Config) validateTags() error {
	keys := make([]string, 0, len(c.Tags))
	for k := range c.Tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := c.Tags[k]
		switch {
		case k == "" || len(k) > 128:
			return errorf(KeyTags, "tag key %q must be 1-128 characters", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return errorf(KeyTags, "tag key %q uses the reserved aws: prefix", k)
		case len(v) > 256:
			return errorf(KeyTags, "tag %q has a value longer than 256 characters", k)
		}
	}
	return nil
}

func joinEnvs() string {
	var s []string
	for _, e := range Environments {
		s = append(s, string(e))
	}
	return strings.Join(s, ", ")
}

// roleAccount returns the account of an IAM role ARN.
func roleAccount(s string) (string, bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "iam" || a.ResourceType() != "role" || len(a.AccountID) != 12 || len(a.Resource) <= len("role/") {
		return "", false
	}
	return a.AccountID, true
}
