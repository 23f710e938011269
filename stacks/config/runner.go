package config

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/runner"
	"github.com/flowmart/platform/pkg/arn"
)

// KeyRunner is the in-VPC CI runner's key.
const KeyRunner = "runner"

var runnerKeys = []keySpec{{KeyRunner, typeObject, false}}

// RunnerConfig is the `runner` object: the CodeBuild-hosted GitHub Actions runner of the stack,
// in the VPC's private subnets, which the jobs that talk to the Kubernetes API run on.
type RunnerConfig struct {
	// Repository is the GitHub repository, <owner>/<name>, whose jobs the runner takes. Required
	// while the runner is enabled.
	Repository string `json:"repository,omitempty"`
	// ConnectionARN is the CodeConnections (or CodeStar Connections) connection to GitHub, made
	// and approved once per account in the console. Required while the runner is enabled.
	ConnectionARN string `json:"connectionArn,omitempty"`
	// ComputeType is a CodeBuild BUILD_GENERAL1_* compute type; defaults to the component's
	// (BUILD_GENERAL1_SMALL).
	ComputeType string `json:"computeType,omitempty"`
	// Enabled creates the runner; defaults to true (see Enabled).
	Enabled *bool `json:"enabled,omitempty"`
	// LogRetentionDays is not a key: it is set per environment (defaults.go).
	LogRetentionDays int `json:"-"`
}

// On reports whether the stack has a runner: unless runner.enabled is false.
func (r RunnerConfig) On() bool { return r.Enabled == nil || *r.Enabled }

func readRunner(r *reader) RunnerConfig {
	var c RunnerConfig
	r.object(KeyRunner, &c)
	return c
}

// RunnerProjectName is the CodeBuild project of a stack's runner, flowmart-runner-<stack>: the
// name every job's runs-on label carries (codebuild-flowmart-runner-<stack>-<run id>-<attempt>).
func RunnerProjectName(stack string) string { return "flowmart-runner-" + stack }

// RunnerArgs returns the runner's component arguments; the stack adds the VPC, its CIDR, the
// private subnets and the cluster security group. Its log group's retention follows the
// environment (defaults.go), its log key is protected in production.
func (c *Config) RunnerArgs() runner.RunnerArgs {
	r := c.Runner
	a := runner.RunnerArgs{
		Repository:       r.Repository,
		ProjectName:      RunnerProjectName(c.Stack),
		ComputeType:      r.ComputeType,
		LogRetentionDays: r.LogRetentionDays,
		Protect:          c.Protected(),
	}
	if r.ConnectionARN != "" {
		a.ConnectionARN = pulumi.String(r.ConnectionARN)
	}
	return a
}

// runnerSection maps RunnerArgs field paths to the `runner` object's keys (Repository is
// runner.repository, ConnectionARN runner.connectionArn, ComputeType runner.computeType).
var runnerSection = section{key: KeyRunner, typ: typeOf[RunnerConfig]()}

// validateRunner checks the stack's rules: an enabled runner needs its repository and its
// connection. The rest is the Runner's own (validateComponents).
func (c *Config) validateRunner() error {
	r := c.Runner
	if !r.On() {
		return nil
	}
	if r.Repository == "" {
		return errorf(KeyRunner+".repository", "required key is missing (the GitHub repository whose jobs the runner takes, <owner>/<name> such as flowmart/platform; or set runner.enabled false)")
	}
	if r.ConnectionARN == "" {
		return errorf(KeyRunner+".connectionArn", "required key is missing (the CodeConnections connection to GitHub approved once in the console, arn:aws:codeconnections:%s:%s:connection/<id>; see README, The GitHub connection)", c.Region, c.AccountID)
	}
	return nil
}

// validateRunnerComponent runs the Runner's own Validate with stand-ins for the wired inputs,
// then the stack's rule on the connection's account.
func (c *Config) validateRunnerComponent() error {
	if !c.Runner.On() {
		return nil
	}
	a := c.RunnerArgs()
	a.VPCID, a.VPCCIDR, a.SubnetIDs = standIn, standIn, pulumi.StringArray{standIn}
	if err := a.Validate(RunnerProjectName(c.Stack)); err != nil {
		return runnerSection.keyError(err)
	}
	// a stack touches its own account only (allowedAccountIds): the connection is one of its
	// resources, made and approved there
	if p, err := arn.Parse(c.Runner.ConnectionARN); err == nil && p.AccountID != c.AccountID {
		return errorf(KeyRunner+".connectionArn", "%q is in account %s, not in accountId %s (make and approve the connection in the stack's own account)", c.Runner.ConnectionARN, p.AccountID, c.AccountID)
	}
	return nil
}
