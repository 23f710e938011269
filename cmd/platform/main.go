// Command platform is the FlowMart platform's command-line tool: an offline preview of a stack's
// whole resource graph, without cloud credentials.
//
//	platform preview --stack dev [--json] [--config-file path] [--dir path]
//	platform version
//
// Exit status: 0 ok; 1 invalid configuration (one line on stderr); 2 any other failure.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
