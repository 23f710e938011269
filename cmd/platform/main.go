// Command platform is the FlowMart platform's command-line tool: an offline preview of a stack's
// whole resource graph, without cloud credentials, and the health check of a deployed stack.
//
//	platform preview --stack dev [--json] [--config-file path] [--dir path]
//	platform health --stack dev --outputs outputs.json
//	platform guard --engine-preview preview.json --stack dev [--approved approved.json]
//	platform version
//
// `platform health` reads the file of `pulumi stack output --json --show-secrets` and checks, each
// with a timeout and retries, one line each: the cluster's /readyz through kubectl, the rollout
// of the add-on namespaces, the HTTPS endpoints of Argo CD, APISIX, Keycloak and Grafana (a valid
// certificate and a status under 500), and SQL Server's port from its host through SSM Run Command.
//
// `platform guard` reads the file of `pulumi preview --json` (the real engine's plan) and fails
// when it deletes or replaces a protected or stateful resource, one line per resource; with
// --approved, also when it plans other operations than the approved preview of the same commit.
//
// Exit status: 0 ok; 1 invalid configuration (one line on stderr); 2 any other failure (for guard:
// a preview file it cannot read, which fails closed); 3 a mandatory policy rule is violated; 4 a
// protected or stateful resource would be deleted or replaced (diff, guard); 5 a health check
// failed; 6 the preview differs from the approved one (guard --approved).
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
