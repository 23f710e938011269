package main

import (
	"flag"
	"fmt"
	"io"
)

// graphCmd prints a Mermaid diagram of a stack, generated from its graph.
func graphCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stack := fs.String("stack", "", "stack to draw")
	dir := fs.String("dir", ".", "directory of Pulumi.yaml (or below it)")
	if err := fs.Parse(args); err != nil || *stack == "" {
		fmt.Fprintf(stderr, "error: graph needs --stack <name>\n%s\n", usageSummary)
		return exitFailure
	}
	doc, code := previewOrExit(*dir, *stack, stderr)
	if doc == nil {
		return code
	}
	if err := doc.WriteMermaid(stdout); err != nil {
		return exitFailure
	}
	return exitOK
}
