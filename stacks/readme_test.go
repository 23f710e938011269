package stacks

import (
	"os"
	"strings"
	"testing"
)

// The README's diagram of production is the one the graph draws today.
func TestReadmeDiagramIsCurrent(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	const begin, end = "<!-- graph:production:begin -->\n```mermaid\n", "```\n<!-- graph:production:end -->"
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatal("README has no production diagram between the graph markers")
	}
	doc, _ := previewJSON(t, "production")
	var want strings.Builder
	if err := doc.WriteMermaid(&want); err != nil {
		t.Fatal(err)
	}
	if got := readme[i+len(begin) : j]; got != want.String() {
		t.Fatalf("README diagram is stale: run go run ./cmd/platform graph --stack production and paste it between the markers")
	}
}
