package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/flowmart/platform/pkg/diff"
	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks"
)

// exitBlocked is the exit status of `platform diff` when a protected or stateful resource would be
// deleted or replaced.
const exitBlocked = 4

type stackList []string

func (s *stackList) String() string     { return strings.Join(*s, ",") }
func (s *stackList) Set(v string) error { *s = append(*s, v); return nil }

// diffCmd runs the replacement guard (--stack S --against baseline.json) or compares two
// environments (--stack A --stack B).
func diffCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var stackNames stackList
	fs.Var(&stackNames, "stack", "stack to compare (give twice to compare two environments)")
	against := fs.String("against", "", "baseline preview JSON (e.g. stacks/testdata/<stack>.golden.json)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	dir := fs.String("dir", ".", "directory of Pulumi.yaml (or below it)")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "error: %s\n%s\n", oneLine(err), usageSummary)
		return exitFailure
	}
	switch {
	case len(stackNames) == 1 && *against != "":
		return guard(*dir, stackNames[0], *against, *asJSON, stdout, stderr)
	case len(stackNames) == 2 && *against == "":
		return compareEnvs(*dir, stackNames[0], stackNames[1], *asJSON, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "error: diff needs --stack <s> --against <baseline.json>, or --stack <a> --stack <b>\n%s\n", usageSummary)
		return exitFailure
	}
}

func guard(dir, stack, against string, asJSON bool, stdout, stderr io.Writer) int {
	b, err := os.ReadFile(against)
	if err != nil {
		fmt.Fprintf(stderr, "error: --against: %s\n", oneLine(err))
		return exitFailure
	}
	var baseline preview.Document
	if err := json.Unmarshal(b, &baseline); err != nil {
		fmt.Fprintf(stderr, "error: --against %s: not a preview JSON document: %s\n", against, oneLine(err))
		return exitFailure
	}
	current, code := previewOrExit(dir, stack, stderr)
	if current == nil {
		return code
	}
	// A baseline from before the layers holds the services layer's resources in the AWS layer's
	// project: they move (pulumi state move), they are not deleted and created.
	base, cur, moves := splitLayerMoves(&baseline, current)
	rep := diff.Compare(base, cur, statefulType)
	if asJSON {
		if err := writeJSON(stdout, guardReport{Report: rep, Moves: moves}); err != nil {
			return exitFailure
		}
	} else if err := rep.WriteText(stdout, against, "stack "+stack); err != nil {
		return exitFailure
	} else if err := writeMoves(stdout, moves); err != nil {
		return exitFailure
	}
	if rep.Blocking > 0 {
		fmt.Fprintf(stderr, "error: %d change(s) would delete or replace a protected or stateful resource\n", rep.Blocking)
		return exitBlocked
	}
	return exitOK
}

func compareEnvs(dir, a, b string, asJSON bool, stdout, stderr io.Writer) int {
	da, code := previewOrExit(dir, a, stderr)
	if da == nil {
		return code
	}
	db, code := previewOrExit(dir, b, stderr)
	if db == nil {
		return code
	}
	rep := diff.Environments(da, db)
	if asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			return exitFailure
		}
		return exitOK
	}
	if err := rep.WriteText(stdout); err != nil {
		return exitFailure
	}
	return exitOK
}

func previewOrExit(dir, stack string, stderr io.Writer) (*preview.Document, int) {
	doc, err := stacks.Preview(dir, stack, "")
	if err != nil {
		fmt.Fprintf(stderr, "error: %s\n", oneLine(err))
		if isConfigError(err) {
			return nil, exitConfig
		}
		return nil, exitFailure
	}
	return doc, exitOK
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
