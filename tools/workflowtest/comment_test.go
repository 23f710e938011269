package workflowtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGH is the `gh` on PATH for sticky-comment.sh: `gh api --paginate …/comments --jq <filter>`
// runs the filter with the real jq over $FAKE_DIR/comments.json (the REST API's list of issue
// comments: id, body); other calls are recorded with the body file's content.
const fakeGH = `#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_DIR/gh.log"
prev=""
filter=""
for a in "$@"; do
  [ "$prev" = --jq ] && filter=$a
  case "$a" in body=@*) cp "${a#body=@}" "$FAKE_DIR/body-sent.md" ;; esac
  prev=$a
done
if [ -n "$filter" ]; then jq -r "$filter" "$FAKE_DIR/comments.json"; fi
`

func commentEnv(t *testing.T, comments string) *env {
	e := newEnv(t)
	e.write(filepath.Join(filepath.Dir(e.fake), "bin", "gh"), fakeGH, 0o755)
	e.fakeFile("comments.json", comments)
	e.write(filepath.Join(e.temp, "summary.md"), "### pulumi preview of `dev` (aws): ✅ guard passed\n", 0o644)
	e.vars["GITHUB_REPOSITORY"] = "flowmart/platform"
	e.vars["GH_TOKEN"] = "token"
	return e
}

func TestStickyCommentCreatesThenUpdates(t *testing.T) {
	marker := "<!-- flowmart:pulumi-preview:dev:aws -->"
	e := commentEnv(t, `[{"id": 11, "body": "an unrelated comment"}, {"id": 12, "body": "<!-- flowmart:pulumi-preview:dev:services -->\nother layer"}]`)
	r := e.script("sticky-comment.sh", nil, "42", marker, filepath.Join(e.temp, "summary.md"))
	log, _ := os.ReadFile(filepath.Join(e.fake, "gh.log"))
	if r.code != 0 || !strings.Contains(r.stdout, "created a comment") || !strings.Contains(string(log), "api --method POST repos/flowmart/platform/issues/42/comments") {
		t.Fatalf("exit %d, stdout %q, gh %s", r.code, r.stdout, log)
	}
	body, _ := os.ReadFile(filepath.Join(e.fake, "body-sent.md"))
	if !strings.HasPrefix(string(body), marker+"\n### pulumi preview of `dev` (aws)") {
		t.Errorf("body %q", body)
	}

	e = commentEnv(t, `[{"id": 11, "body": "an unrelated comment"}, {"id": 13, "body": "`+marker+`\nthe previous run"}]`)
	r = e.script("sticky-comment.sh", nil, "42", marker, filepath.Join(e.temp, "summary.md"))
	log, _ = os.ReadFile(filepath.Join(e.fake, "gh.log"))
	if r.code != 0 || !strings.Contains(r.stdout, "updated comment 13") || !strings.Contains(string(log), "api --method PATCH repos/flowmart/platform/issues/comments/13") || strings.Contains(string(log), "POST") {
		t.Fatalf("exit %d, stdout %q, gh %s", r.code, r.stdout, log)
	}
}

func TestStickyCommentNeedsItsArguments(t *testing.T) {
	e := commentEnv(t, "[]")
	if r := e.script("sticky-comment.sh", nil, "42", "<!-- m -->"); r.code != 2 {
		t.Errorf("two arguments: exit %d", r.code)
	}
	if r := e.script("sticky-comment.sh", []string{"GITHUB_REPOSITORY="}, "42", "<!-- m -->", filepath.Join(e.temp, "summary.md")); r.code == 0 {
		t.Error("no GITHUB_REPOSITORY: exit 0")
	}
}
