#!/usr/bin/env bash
# One stack's deploy steps, shared by deploy.yml and rollback.yml. Each command is one workflow
# step, so the job's log and summary show which one failed.
#
#   stack.sh previous <stack>        the stack's last successful update from another commit
#                                    (pulumi stack history, git.head), written to $GITHUB_OUTPUT sha=
#   stack.sh up <stack> [<dir>]      pulumi up of the checkout in <dir> (default .), with the
#                                    checkout's policy pack enforced
#   stack.sh health <stack>          `platform health` on the stack's outputs (exit 5 when unhealthy)
#   stack.sh checkout <commit> <dir> a clone of this repository at <commit>, which must be on
#                                    the checked-out branch (main): nothing unreviewed is deployed
#
# Environment: PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE (every command), CLOUDFLARE_API_TOKEN
# (up), PLATFORM_BIN (health; default $RUNNER_TEMP/platform: the `platform` binary built from the
# workflow's commit, so a rollback to an older commit is checked by today's health check),
# GITHUB_OUTPUT, RUNNER_TEMP.
set -euo pipefail

usage() {
  echo "usage: stack.sh previous|up|health <stack> [<dir>] | checkout <commit> <dir>" >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
shift

case "$command" in
previous)
  stack=$1
  head=$(git rev-parse HEAD)
  # Newest first by version; only finished, successful updates that recorded their commit.
  sha=$(pulumi stack history --stack "$stack" --json |
    jq -r --arg head "$head" '
      [ .[] | select(.kind == "update" and .result == "succeeded")
            | select((.environment["git.head"] // "") != "" and .environment["git.head"] != $head) ]
      | sort_by(.version) | last | .environment["git.head"] // empty')
  if [ -n "$sha" ]; then
    echo "previous successful deploy of $stack: $sha"
  else
    echo "::warning::$stack has no earlier successful deploy from another commit: a failure cannot be rolled back automatically"
  fi
  echo "sha=$sha" >>"$GITHUB_OUTPUT"
  ;;

up)
  stack=$1
  dir=${2:-.}
  cd "$dir"
  commit=$(git rev-parse HEAD)
  pulumi stack select "$stack" # never --create: a wrong backend must not start an empty stack
  # The token lives in a repository secret, never in the stack file: set it in the runner's copy.
  printf '%s' "${CLOUDFLARE_API_TOKEN:?CLOUDFLARE_API_TOKEN is not set}" |
    pulumi config set --secret --stack "$stack" cloudflareApiToken
  pulumi up --stack "$stack" --yes --non-interactive --diff \
    --policy-pack ./policy \
    --message "deploy ${commit:0:12} (run ${GITHUB_RUN_ID:-local})"
  ;;

health)
  stack=$1
  umask 077
  outputs=$(mktemp "${RUNNER_TEMP:-/tmp}/outputs-XXXXXX.json")
  trap 'rm -f "$outputs"' EXIT
  pulumi stack output --stack "$stack" --json --show-secrets >"$outputs"
  "${PLATFORM_BIN:-${RUNNER_TEMP:?}/platform}" health --stack "$stack" --outputs "$outputs"
  ;;

checkout)
  [ $# -eq 2 ] || usage
  commit=$1
  dir=$2
  if ! git rev-parse --quiet --verify "$commit^{commit}" >/dev/null; then
    echo "::error::$commit is not a commit of this repository (give the full SHA)"
    exit 1
  fi
  if ! git merge-base --is-ancestor "$commit" HEAD; then
    echo "::error::$commit is not on $(git rev-parse --abbrev-ref HEAD): only reviewed commits of the default branch are deployed"
    exit 1
  fi
  # A clone, not a worktree: Pulumi records the clone's git.head in the stack history, which the
  # next automatic rollback reads.
  git clone --quiet --no-checkout . "$dir"
  git -C "$dir" checkout --quiet --detach "$commit"
  echo "checked out $(git -C "$dir" rev-parse HEAD) in $dir"
  ;;

*)
  usage
  ;;
esac
