// Package workflowtest holds the behavioral tests of the GitHub Actions workflows' scripts
// (.github/scripts, which Go's ./... does not reach: directories starting with "." are skipped).
// The tests run the scripts for real with bash, git and jq, and with fake `pulumi`, `aws` and
// `platform health` commands on PATH that record their arguments and environment and print canned
// outputs in the real tools' shapes (testdata/, each with its upstream source); `platform guard`
// is the real one, built from cmd/platform. They also read the workflow files and check the rules
// the pipeline relies on (runners, environments, roles, session lengths, no passphrase).
package workflowtest
