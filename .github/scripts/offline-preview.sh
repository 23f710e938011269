#!/usr/bin/env bash
# The offline preview of one stack for a pull request: the preview JSON with its policy report, the
# diff against the reviewed golden graph, and a Markdown summary of both.
#
#   offline-preview.sh <stack> <report-dir>
#
# Writes <report-dir>/preview-<stack>.json, policy-<stack>.json, diff-<stack>.txt and
# summary-<stack>.md; prints preview=<exit status> and diff=<exit status> for $GITHUB_OUTPUT.
# `platform preview` exits 3 on a blocking policy violation, `platform diff` 4 when a protected or
# stateful resource would be deleted or replaced (see the README); diff=7 when the base branch
# (GOLDEN_REF) has no golden of the stack: the guard fails closed.
set -uo pipefail

[ $# -eq 2 ] || { echo "usage: offline-preview.sh <stack> <report-dir>" >&2; exit 2; }
stack=$1
dir=$2
mkdir -p "$dir"
platform=${PLATFORM_BIN:-go run ./cmd/platform}
# The graph is compared with the golden of the branch the pull request goes into (GOLDEN_REF,
# e.g. origin/main), never with the pull request's own golden (that one matches its graph by
# construction: go test checks it). No GOLDEN_REF, or no golden there (a new stack, a base without
# goldens), fails closed: diff=7 and nothing is compared.
exitNoBaseline=7
golden="stacks/testdata/$stack.golden.json"
label="${GOLDEN_REF:-(GOLDEN_REF unset)}:$golden"
baseline=""
if [ -z "${GOLDEN_REF:-}" ]; then
  echo "GOLDEN_REF is not set: no reviewed golden to compare with (fail closed)" >&2
elif git show "$GOLDEN_REF:$golden" >"$dir/base-$stack.golden.json" 2>/dev/null && [ -s "$dir/base-$stack.golden.json" ]; then
  baseline="$dir/base-$stack.golden.json"
else
  echo "no $golden at $GOLDEN_REF: no reviewed golden to compare with (fail closed)" >&2
fi

# shellcheck disable=SC2086 # $platform is a command and its arguments
$platform preview --stack "$stack" --json >"$dir/preview-$stack.json" 2>"$dir/preview-$stack.err"
preview=$?
if [ -n "$baseline" ]; then
  # shellcheck disable=SC2086
  $platform diff --stack "$stack" --against "$baseline" >"$dir/diff-$stack.txt" 2>&1
  diff=$?
else
  echo "no golden graph of $stack at ${GOLDEN_REF:-(GOLDEN_REF unset)}: nothing was compared, the guard fails closed" >"$dir/diff-$stack.txt"
  diff=$exitNoBaseline
fi

if jq -e . "$dir/preview-$stack.json" >/dev/null 2>&1; then
  jq --arg stack "$stack" '{stack: $stack, violations: .violations}' "$dir/preview-$stack.json" >"$dir/policy-$stack.json"
  resources=$(jq '.resources | length' "$dir/preview-$stack.json")
  blocking=$(jq '[.violations[] | select(.enforcement == "mandatory" and (.waived | not))] | length' "$dir/policy-$stack.json")
  violations=$(jq '.violations | length' "$dir/policy-$stack.json")
else
  echo '{"stack": "'"$stack"'", "violations": null}' >"$dir/policy-$stack.json"
  resources="?" blocking="?" violations="?"
fi

{
  echo "### Offline preview of \`$stack\`"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| Resources | $resources |"
  case $preview in
  0) echo "| Policy | ✅ $violations finding(s), none blocking |" ;;
  3) echo "| Policy | ❌ $blocking blocking violation(s) of $violations |" ;;
  *) echo "| Preview | ❌ failed (exit $preview): $(head -c 300 "$dir/preview-$stack.err" | tr '\n|' '  ') |" ;;
  esac
  case $diff in
  0) echo "| Against \`$label\` | $(head -n 1 "$dir/diff-$stack.txt" | sed 's/^Changes from [^:]*: //') |" ;;
  4) echo "| Against \`$label\` | ❌ a protected or stateful resource would be deleted or replaced |" ;;
  7) echo "| Against \`$label\` | ❌ no golden at the base: nothing to compare with (fails closed) |" ;;
  *) echo "| Against \`$label\` | ❌ diff failed (exit $diff) |" ;;
  esac
  echo
  if [ "$violations" != "0" ] && [ "$violations" != "?" ]; then
    echo "<details><summary>Policy findings ($violations)</summary>"
    echo
    echo "| Rule | Resource | Enforcement | Waived | Message |"
    echo "|---|---|---|---|---|"
    jq -r '.violations[] | "| \(.policy) | `\(.resource)` | \(.enforcement) | \(if .waived then "yes: " + .waiverReason else "no" end) | \(.message | gsub("\\|"; "/")) |"' "$dir/policy-$stack.json"
    echo
    echo "</details>"
    echo
  fi
  echo "<details><summary>Changes against the golden graph</summary>"
  echo
  echo '```text'
  head -c 30000 "$dir/diff-$stack.txt"
  echo '```'
  echo "</details>"
} >"$dir/summary-$stack.md"

echo "preview=$preview"
echo "diff=$diff"
