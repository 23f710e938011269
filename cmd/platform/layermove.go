package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/flowmart/platform/pkg/diff"
	"github.com/flowmart/platform/pkg/preview"
)

// layerMove is a baseline resource that today's graph has in another layer's project: `pulumi
// state move` carries it over with its state (README, "Upgrading a stack deployed before the
// split"), so it is neither deleted nor created.
type layerMove struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Type  string `json:"type"`
	Name  string `json:"name"`
	Layer string `json:"layer"`
}

// guardReport is the guard's JSON: the replacement guard's report and the layer moves.
type guardReport struct {
	diff.Report
	Moves []layerMove `json:"moves"`
}

// splitLayerMoves finds the baseline resources today's graph moved to another layer's project, and
// returns the two documents without them, for the replacement guard, and the moves. A baseline
// resource moves when its own URN is gone and the same URN in a later layer's project exists (a
// provider also when reparented to that project's stack, as `pulumi state move` copies it). Their
// inputs are not compared: offline, the mocks derive ids from URNs, so a moved resource's inputs
// that are other resources' outputs differ without any change in the program, and a real move
// keeps the state as it is.
func splitLayerMoves(baseline, current *preview.Document) (*preview.Document, *preview.Document, []layerMove) {
	cur := map[string]*preview.Resource{}
	for _, r := range current.Resources {
		cur[r.URN] = r
	}
	projects := map[string]bool{}
	for _, l := range current.Layers {
		projects[l.Project] = true
	}
	moves := []layerMove{}
	movedFrom, movedTo := map[string]bool{}, map[string]bool{}
	for _, b := range baseline.Resources {
		if cur[b.URN] != nil || b.Type == string(resource.RootStackType) {
			continue
		}
		u := resource.URN(b.URN)
		if !u.IsValid() {
			continue
		}
		var candidates []string
		for p := range projects {
			if p == string(u.Project()) {
				continue
			}
			candidates = append(candidates, string(u.RenameProject(tokens.PackageName(p))))
			if isProvider(b.Type) {
				candidates = append(candidates, string(resource.NewURN(u.Stack(), tokens.PackageName(p), "", u.Type(), u.Name())))
			}
		}
		sort.Strings(candidates)
		for _, c := range candidates {
			if r := cur[c]; r != nil && !movedTo[c] && r.Type == b.Type && r.Name == b.Name {
				moves = append(moves, layerMove{From: b.URN, To: c, Type: b.Type, Name: b.Name, Layer: r.Layer})
				movedFrom[b.URN], movedTo[c] = true, true
				break
			}
		}
	}
	return without(baseline, movedFrom), without(current, movedTo), moves
}

func isProvider(typ string) bool { return len(typ) > 17 && typ[:17] == "pulumi:providers:" }

// without is a copy of doc without the resources whose URN is in drop.
func without(doc *preview.Document, drop map[string]bool) *preview.Document {
	out := *doc
	out.Resources = nil
	for _, r := range doc.Resources {
		if !drop[r.URN] {
			out.Resources = append(out.Resources, r)
		}
	}
	return &out
}

// writeMoves prints the layer moves after the guard's report.
func writeMoves(w io.Writer, moves []layerMove) error {
	if len(moves) == 0 {
		return nil
	}
	byLayer := map[string]int{}
	for _, m := range moves {
		byLayer[m.Layer]++
	}
	layers := make([]string, 0, len(byLayer))
	for l := range byLayer {
		layers = append(layers, l)
	}
	sort.Strings(layers)
	for _, l := range layers {
		if _, err := fmt.Fprintf(w, "%d resource(s) move to the %s layer: run `pulumi state move` once before the next up (README: Upgrading a stack deployed before the split)\n", byLayer[l], l); err != nil {
			return err
		}
	}
	for _, m := range moves {
		if _, err := fmt.Fprintf(w, "  -> move     %s %s\n       was %s\n", m.Type, m.Name, m.From); err != nil {
			return err
		}
	}
	return nil
}
