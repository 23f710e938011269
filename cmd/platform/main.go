// Command platform is the FlowMart platform's command-line tool: an offline preview of a stack's
// whole resource graph, without cloud credentials, and the health check of a deployed stack.
//
//	platform preview --stack dev [--json] [--config-file path] [--dir path]
//	platform health --stack dev --outputs aws.json --outputs services.json [--dir path]
//	platform guard --engine-preview preview.json --stack dev [--approved approved.json]
//	platform version
//
// `platform health` reads the files of `pulumi stack output --json --show-secrets` (both layers)
// and first asks whether the cluster API answers at all: when it does not, it stops within 90
// seconds with one line. Then, each with a timeout and retries, one line each: the API server's
// /readyz, the workloads of every namespace the stack's own graph fills (each Helm release and
// EKS add-on present, every workload rolled out and ready, no namespace empty), SQL Server's port
// from a pod (a short-lived probe Job), APISIX's status API from another, and each
// add-on's health endpoint with its expected status and body (Argo CD /healthz, Keycloak's realm
// discovery document and its issuer, Grafana /api/health, APISIX's own 404).
//
// `platform guard` reads the file of `pulumi preview --json` (the real engine's plan) and fails
// when it deletes or replaces a protected or stateful resource, one line per resource; with
// --approved, also when it plans other operations than the approved preview of the same commit.
//
// Exit status: 0 ok; 1 invalid configuration (one line on stderr); 2 any other failure (for guard:
// a preview file it cannot read, which fails closed); 3 a mandatory policy rule is violated; 4 a
// protected or stateful resource would be deleted or replaced (diff, guard); 5 a health check
// failed or the cluster API could not be reached; 6 the preview differs from the approved one
// (guard --approved).
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
