package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/flowmart/platform/pkg/diff"
)

// exitPlanDiffers is the exit status of `platform guard --approved` when the preview plans other
// operations than the approved one.
const exitPlanDiffers = 6

// The JSON document `pulumi preview --json` prints at the end of a preview, as the Pulumi CLI
// v3.274.1 writes it: display.PreviewDigest (pulumi/pulumi pkg/v3@v3.274.1 display/json.go:32-84),
// filled by ShowPreviewDigest (backend/display/json.go:166-273), one step per ResourcePreEvent
// (json.go:214-222) with the old and new states as apitype.ResourceV3 (sdk/v3@v3.274.1
// go/common/apitype/core.go:489-507: "urn", "type", "protect"). Only the fields the guard reads.
type enginePreview struct {
	Steps       []engineStep       `json:"steps"`
	Diagnostics []engineDiagnostic `json:"diagnostics"`
}

type engineStep struct {
	Op             string       `json:"op"`
	URN            string       `json:"urn"`
	OldState       *engineState `json:"oldState"`
	NewState       *engineState `json:"newState"`
	ReplaceReasons []string     `json:"replaceReasons"`
}

type engineState struct {
	Type    string `json:"type"`
	Protect bool   `json:"protect"`
}

type engineDiagnostic struct {
	URN      string `json:"urn"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

// destructiveOps are the step operations that delete a resource that exists: pkg/v3@v3.274.1
// resource/deploy/step.go:2386-2402 ("replace", "create-replacement", "delete-replaced",
// "delete", "import-replacement"). The JSON display shows a replacement as its logical "replace"
// step and hides the other two unless asked (backend/display/display.go:326-332); all count.
var destructiveOps = map[string]bool{
	"delete":             true,
	"replace":            true,
	"create-replacement": true,
	"delete-replaced":    true,
	"import-replacement": true,
}

// guardCmd is `platform guard --engine-preview FILE --stack S [--approved FILE]`: the replacement
// guard on the real engine's preview. It fails (exitBlocked) when the preview deletes or replaces a
// protected or stateful resource (the rule of `platform diff`, diff.Blocks), one line per
// resource; with --approved, it also fails (exitPlanDiffers) when the preview plans other
// operations than the approved preview of the same commit. Anything it cannot read fails closed
// (exitFailure).
func guardCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guard", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("engine-preview", "", "file of `pulumi preview --json`")
	stack := fs.String("stack", "", "stack the preview is of (every step's URN must name it)")
	approved := fs.String("approved", "", "file of the approved `pulumi preview --json` of the same commit")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "error: %s\n%s\n", oneLine(err), usageSummary)
		return exitFailure
	}
	if *file == "" || *stack == "" || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "error: guard needs --engine-preview <file> and --stack <name>\n%s\n", usageSummary)
		return exitFailure
	}
	cur, err := readEnginePreview(*file, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "error: --engine-preview %s: %s\n", *file, oneLine(err))
		return exitFailure
	}
	var want *enginePreview
	if *approved != "" {
		if want, err = readEnginePreview(*approved, *stack); err != nil {
			fmt.Fprintf(stderr, "error: --approved %s: %s\n", *approved, oneLine(err))
			return exitFailure
		}
	}

	blocked := blockedSteps(cur)
	for _, line := range blocked {
		fmt.Fprintln(stdout, line)
	}
	var differs []string
	if want != nil {
		differs = planDifferences(want, cur)
		for _, line := range differs {
			fmt.Fprintln(stdout, line)
		}
	}
	switch {
	case len(blocked) > 0:
		fmt.Fprintf(stderr, "error: the preview of stack %s would delete or replace %d protected or stateful resource(s)\n", *stack, len(blocked))
		return exitBlocked
	case len(differs) > 0:
		fmt.Fprintf(stderr, "error: the preview of stack %s differs from the approved preview in %d operation(s)\n", *stack, len(differs))
		return exitPlanDiffers
	}
	fmt.Fprintf(stdout, "guard: stack %s: %s, no protected or stateful resource deleted or replaced\n", *stack, summarize(cur))
	if want != nil {
		fmt.Fprintln(stdout, "guard: the operations are those of the approved preview")
	}
	return exitOK
}

// readEnginePreview reads and checks a preview file. It refuses what cannot be a completed
// preview of the stack: not JSON, no steps (the digest always has the root stack's step,
// backend/display/json.go:218), an error diagnostic, or a step of another stack.
func readEnginePreview(path, stack string) (*enginePreview, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var p enginePreview
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not the JSON of `pulumi preview --json`: %w", err)
	}
	if dec.More() {
		return nil, errors.New("more than one JSON document: not the output of one `pulumi preview --json`")
	}
	if len(p.Steps) == 0 {
		return nil, errors.New("no steps: not the output of a completed `pulumi preview --json`")
	}
	for _, d := range p.Diagnostics {
		if d.Severity == "error" {
			return nil, fmt.Errorf("the preview reported an error: %s", strings.TrimSpace(d.Message))
		}
	}
	for _, s := range p.Steps {
		got, ok := urnStack(s.URN)
		if !ok {
			return nil, fmt.Errorf("step %q: %q is not a resource URN", s.Op, s.URN)
		}
		if got != stack {
			return nil, fmt.Errorf("a step of stack %q (%s), not of --stack %q", got, s.URN, stack)
		}
		if s.Op == "" {
			return nil, fmt.Errorf("step of %s has no op", s.URN)
		}
	}
	return &p, nil
}

// blockedSteps returns one line per step that deletes or replaces a protected or stateful
// resource, in the preview's order.
func blockedSteps(p *enginePreview) []string {
	var out []string
	for _, s := range p.Steps {
		if !destructiveOps[s.Op] {
			continue
		}
		typ, protected := stepType(s), false
		if s.OldState != nil {
			protected = s.OldState.Protect
		} else if s.NewState != nil {
			protected = s.NewState.Protect
		}
		ok, why := diff.Blocks(protected, typ, statefulType)
		if !ok {
			continue
		}
		line := fmt.Sprintf("blocked: %s %s %q: %s", s.Op, typ, urnName(s.URN), why)
		if len(s.ReplaceReasons) > 0 {
			line += " (replaced for " + strings.Join(s.ReplaceReasons, ", ") + ")"
		}
		out = append(out, line+" ["+s.URN+"]")
	}
	return out
}

// planDifferences compares the operations of two previews of the same commit: every step other
// than "same" on a resource that is not a provider or the root stack, as "op urn". Providers are
// left out because the approved preview runs with the preview role (PLATFORM_ASSUME_ROLE_ARN), so
// its aws providers differ from a deploy's by their role and nothing else; a replaced provider
// replaces its resources, which are compared. Property values are not compared here: the up
// applies the deploy's own saved plan (`pulumi up --plan`), which the engine holds to these
// operations.
func planDifferences(approved, current *enginePreview) []string {
	count := func(p *enginePreview) map[string]int {
		m := map[string]int{}
		for _, s := range p.Steps {
			typ := stepType(s)
			if s.Op == "same" || strings.HasPrefix(typ, "pulumi:providers:") || typ == "pulumi:pulumi:Stack" {
				continue
			}
			m[s.Op+" "+s.URN]++
		}
		return m
	}
	a, c := count(approved), count(current)
	var out []string
	for k, n := range c {
		if n > a[k] {
			out = append(out, "not in the approved preview: "+k)
		}
	}
	for k, n := range a {
		if n > c[k] {
			out = append(out, "in the approved preview only: "+k)
		}
	}
	sort.Strings(out)
	return out
}

// summarize counts the steps by operation, "same" left out: "2 update, 1 create".
func summarize(p *enginePreview) string {
	counts := map[string]int{}
	for _, s := range p.Steps {
		if s.Op != "same" {
			counts[s.Op]++
		}
	}
	if len(counts) == 0 {
		return "no changes"
	}
	ops := make([]string, 0, len(counts))
	for op := range counts {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	parts := make([]string, 0, len(ops))
	for _, op := range ops {
		parts = append(parts, fmt.Sprintf("%d %s", counts[op], op))
	}
	return strings.Join(parts, ", ")
}

// stepType is the resource type of a step: its old state's (the resource that exists), else its
// new state's, else the URN's.
func stepType(s engineStep) string {
	switch {
	case s.OldState != nil && s.OldState.Type != "":
		return s.OldState.Type
	case s.NewState != nil && s.NewState.Type != "":
		return s.NewState.Type
	}
	return urnType(s.URN)
}

// A URN is urn:pulumi:<stack>::<project>::<parent types$>type::<name> (sdk/v3@v3.274.1
// go/common/resource/urn.go).
func urnParts(urn string) ([]string, bool) {
	rest, ok := strings.CutPrefix(urn, "urn:pulumi:")
	if !ok {
		return nil, false
	}
	parts := strings.SplitN(rest, "::", 4)
	if len(parts) != 4 || parts[0] == "" || parts[2] == "" {
		return nil, false
	}
	return parts, true
}

func urnStack(urn string) (string, bool) {
	parts, ok := urnParts(urn)
	if !ok {
		return "", false
	}
	return parts[0], true
}

func urnType(urn string) string {
	parts, ok := urnParts(urn)
	if !ok {
		return ""
	}
	types := strings.Split(parts[2], "$")
	return types[len(types)-1]
}

func urnName(urn string) string {
	parts, ok := urnParts(urn)
	if !ok {
		return urn
	}
	return parts[3]
}
