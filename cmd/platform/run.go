package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks"
	"github.com/flowmart/platform/stacks/config"
)

// Exit statuses.
const (
	exitOK       = 0
	exitConfig   = 1
	exitFailure  = 2
	exitPolicy   = 3 // a mandatory policy rule is violated and no waiver covers it
	usageSummary = `usage:
  platform preview --stack <name> [--json] [--critical-path] [--config-file <path>] [--dir <path>]
  platform diff --stack <name> --against <baseline.json> [--json]
  platform diff --stack <a> --stack <b> [--json]
  platform graph --stack <name>
  platform guard --engine-preview <pulumi-preview.json> --stack <name> [--approved <pulumi-preview.json>]
  platform health --stack <name> --outputs <file> [--outputs <file>] [--dir <path>] [--retries <n>] [--interval <d>] [--timeout <d>] [--probe-image <ref@sha256:…>]
  platform version`
)

// version is stamped at build time with -ldflags "-X main.version=..."; otherwise the module version.
var version = ""

// run is the whole command, testable: it never panics to the user and returns the exit status.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "error: internal error: %v\n", r)
			code = exitFailure
		}
	}()
	if len(args) == 0 {
		fmt.Fprintln(stderr, usageSummary)
		return exitFailure
	}
	switch args[0] {
	case "preview":
		return previewCmd(args[1:], stdout, stderr)
	case "diff":
		return diffCmd(args[1:], stdout, stderr)
	case "graph":
		return graphCmd(args[1:], stdout, stderr)
	case "health":
		return healthCmd(args[1:], stdout, stderr)
	case "guard":
		return guardCmd(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "platform", versionString())
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usageSummary)
		return exitOK
	default:
		fmt.Fprintf(stderr, "error: unknown command %q\n%s\n", args[0], usageSummary)
		return exitFailure
	}
}

func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

func previewCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stack := fs.String("stack", "", "stack to preview (dev, staging, production)")
	asJSON := fs.Bool("json", false, "print the JSON document instead of the tree")
	critical := fs.Bool("critical-path", false, "estimate the wall time of a first deploy and print its longest chain")
	configFile := fs.String("config-file", "", "stack file to read instead of Pulumi.<stack>.yaml")
	dir := fs.String("dir", ".", "directory of Pulumi.yaml (or below it)")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "error: %s\n%s\n", oneLine(err), usageSummary)
		return exitFailure
	}
	if *stack == "" && *configFile != "" {
		*stack = stackFromFile(*configFile)
	}
	if *stack == "" {
		fmt.Fprintf(stderr, "error: --stack is required\n%s\n", usageSummary)
		return exitFailure
	}
	doc, err := stacks.Preview(*dir, *stack, *configFile)
	if err != nil {
		fmt.Fprintf(stderr, "error: %s\n", oneLine(err))
		if isConfigError(err) {
			return exitConfig
		}
		return exitFailure
	}
	if *critical {
		cp, err := doc.ComputeCriticalPath()
		if err != nil {
			fmt.Fprintf(stderr, "error: %s\n", oneLine(err))
			return exitFailure
		}
		doc.CriticalPath = cp
	}
	if *asJSON {
		b, err := doc.JSON()
		if err != nil {
			fmt.Fprintf(stderr, "error: %s\n", oneLine(err))
			return exitFailure
		}
		_, _ = stdout.Write(b)
		return policyExit(doc, stderr)
	}
	if err := doc.WriteTree(stdout); err != nil {
		return exitFailure
	}
	if doc.CriticalPath != nil {
		if err := doc.WriteCriticalPath(stdout, doc.CriticalPath); err != nil {
			return exitFailure
		}
	}
	if err := doc.WritePolicySummary(stdout); err != nil {
		return exitFailure
	}
	return policyExit(doc, stderr)
}

// policyExit returns exitPolicy, after one line on stderr, when a mandatory rule is violated and
// no waiver covers it; waived and advisory violations are reported but do not fail.
func policyExit(doc *preview.Document, stderr io.Writer) int {
	if n := doc.BlockingViolations(); n > 0 {
		fmt.Fprintf(stderr, "error: %d mandatory policy violation(s)\n", n)
		return exitPolicy
	}
	return exitOK
}

// isConfigError reports whether err is a configuration problem (exit status 1).
func isConfigError(err error) bool {
	var cerr *config.Error
	var ferr *preview.ConfigError
	return errors.As(err, &cerr) || errors.As(err, &ferr)
}

func stackFromFile(path string) string {
	base := filepath.Base(path)
	if strings.HasPrefix(base, "Pulumi.") && strings.HasSuffix(base, ".yaml") {
		return strings.TrimSuffix(strings.TrimPrefix(base, "Pulumi."), ".yaml")
	}
	return strings.TrimSuffix(base, filepath.Ext(base))
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
