#!/usr/bin/env bash
# Creates or updates the pull request comment that starts with a marker, so each run replaces its
# previous report instead of adding one.
#
#   sticky-comment.sh <pr-number> <marker> <body-file>
#
# Needs GH_TOKEN (pull-requests: write) and GITHUB_REPOSITORY.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: sticky-comment.sh <pr-number> <marker> <body-file>" >&2; exit 2; }
pr=$1
marker=$2
body=$3
repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}

full=$(mktemp)
trap 'rm -f "$full"' EXIT
{ echo "$marker"; cat "$body"; } >"$full"

id=$(gh api --paginate "repos/$repo/issues/$pr/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$repo/issues/comments/$id" -F "body=@$full" >/dev/null
  echo "updated comment $id"
else
  gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$full" >/dev/null
  echo "created a comment"
fi
