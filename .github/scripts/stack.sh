#!/usr/bin/env bash
# One stack's deploy steps, shared by deploy.yml, rollback.yml and pull-request.yml. Each command
# is one workflow step, so the job's log and summary show which one failed. <layer> is the Pulumi
# project: `aws` (the root project flowmart-platform: network, cluster, hosts, runner) or
# `services` (cluster-services/, project flowmart-platform-services: add-ons, routes, DNS).
#
#   stack.sh previous <stack> <layer> [<dir>]
#       The newest successful update of a commit other than <dir>'s HEAD (default .) (pulumi
#       stack history, git.head), written
#       to $GITHUB_OUTPUT as sha=. No such update (a new stack, or every update is of HEAD or
#       failed): one line, sha= empty, exit 0 (the deploy goes on without an automatic rollback).
#   stack.sh preview <stack> <layer> <out-dir> [<dir>]
#       `pulumi preview --json --save-plan` of the checkout in <dir> (default .) with its policy
#       pack, then `platform guard` on it (and on $APPROVED_PREVIEW when set). Writes
#       <out-dir>/preview-<stack>-<layer>.json, plan-<stack>-<layer>.json and
#       summary-<stack>-<layer>.md. Exit: the preview's status when it fails, else the guard's
#       (4 a protected or stateful resource would be deleted or replaced, 6 the operations differ
#       from $APPROVED_PREVIEW, 2 the preview file cannot be read: fail closed).
#   stack.sh up <stack> <layer> <out-dir> [<dir>]
#       `pulumi up --plan` of the plan `preview` saved in <out-dir> for the same checkout, only
#       when its guard passed (else exit 3, nothing applied): the engine applies nothing the
#       guarded preview did not show.
#   stack.sh health <stack> [<dir>]
#       `platform health` on the outputs of both layers (the services layer's win on a clash), with
#       --dir <dir> (default .): the checkout of the commit deployed, whose graph lists the
#       workloads that must run; its exit status passes through (5 unhealthy).
#   stack.sh drift <stack> <layer> <log-file>
#       `pulumi refresh --preview-only --expect-no-changes --run-program` of the layer, its output
#       in <log-file> and on stdout; its exit status passes through (non-zero: drift, or the
#       refresh failed). Needs PLATFORM_ASSUME_ROLE_ARN (the drift role): without it the program's
#       providers would assume the deploy role, which the drift role may not.
#   stack.sh checkout <commit> <dir>
#       A clone of this repository at <commit>, which must be on the checked-out branch (main):
#       nothing unreviewed is deployed.
#
# Environment: PULUMI_BACKEND_URL and the AWS credentials of the job (every pulumi command; the
# stacks' secrets provider is awskms, no passphrase); CLOUDFLARE_API_TOKEN (read by the cloudflare
# provider); PLATFORM_ASSUME_ROLE_ARN (preview and drift jobs only: the role the program's aws
# providers assume instead of config assumeRoleArn); APPROVED_PREVIEW (preview/up: the approved
# `pulumi preview --json` of this layer); PLATFORM_BIN (guard and health; default
# $RUNNER_TEMP/platform, built from the workflow's commit, so a rollback to an older commit is
# checked by today's guard and health check); PLATFORM_LOCK_WAIT_SECONDS (default 1800) and
# PLATFORM_LOCK_POLL_SECONDS (default 30): how long a preview or up waits while another run holds
# the stack's lock; GITHUB_OUTPUT, GITHUB_RUN_ID, RUNNER_TEMP.
set -euo pipefail

# `pulumi stack history` pages: the CLI's default page size is 10 (pulumi/pulumi
# pkg/v3@v3.274.1 cmd/pulumi/stack/stack_history.go:136); ask for more so ten failed or
# same-commit updates in a row still leave an older good one in view.
HISTORY_PAGE_SIZE=100

usage() {
  echo "usage: stack.sh previous <stack> <layer> [<dir>] | preview|up <stack> <layer> <out-dir> [<dir>] | health <stack> [<dir>] | drift <stack> <layer> <log-file> | checkout <commit> <dir>" >&2
  exit 2
}

# layer_dir <root> <layer>: the directory of the layer's Pulumi project.
layer_dir() {
  case "$2" in
  aws) echo "$1" ;;
  services) echo "$1/cluster-services" ;;
  *)
    echo "::error::layer must be aws or services, not \"$2\"" >&2
    exit 2
    ;;
  esac
}

platform_bin() {
  echo "${PLATFORM_BIN:-${RUNNER_TEMP:?RUNNER_TEMP or PLATFORM_BIN must be set}/platform}"
}

# locked_retry <stderr-file> <command...>: runs the command; while it fails because another run
# holds the stack's lock (the DIY backend's message, pkg/v3@v3.274.1 backend/diy/lock.go:87),
# waits and runs it again, up to PLATFORM_LOCK_WAIT_SECONDS. The command's stderr is copied to
# ours after each try.
locked_retry() {
  local errfile=$1
  shift
  local waited=0 wait=${PLATFORM_LOCK_WAIT_SECONDS:-1800} poll=${PLATFORM_LOCK_POLL_SECONDS:-30} code
  while :; do
    code=0
    "$@" 2>"$errfile" || code=$?
    cat "$errfile" >&2
    if [ "$code" -ne 0 ] && grep -q "the stack is currently locked" "$errfile" && [ "$waited" -lt "$wait" ]; then
      echo "the stack is locked by another run: waiting ${poll}s (${waited}s of ${wait}s)" >&2
      sleep "$poll"
      waited=$((waited + poll))
      [ "$poll" -gt 0 ] || waited=$((waited + 1))
      continue
    fi
    return "$code"
  done
}

# preview <stack> <layer> <out-dir> <root>: see the header. Returns the preview's or the guard's
# status.
preview() {
  local stack=$1 layer=$2 out=$3 root=$4 dir json plan summary errfile code guard_args
  dir=$(layer_dir "$root" "$layer")
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  json="$out/preview-$stack-$layer.json"
  plan="$out/plan-$stack-$layer.json"
  summary="$out/summary-$stack-$layer.md"
  errfile="$out/preview-$stack-$layer.err"
  rm -f "$json" "$plan" "$out/guard-$stack-$layer.txt"
  if [ ! -d "$dir" ]; then
    echo "::error::$dir does not exist: this checkout has no $layer layer" >&2
    echo "### pulumi preview of \`$stack\` ($layer): ❌ this commit has no $layer layer" >"$summary"
    return 1
  fi
  code=0
  # never `stack select --create`: a wrong backend must not start an empty stack. (&&: set -e is
  # off inside a command list that ends in ||.)
  (cd "$dir" && pulumi stack select "$stack" &&
    locked_retry "$errfile" pulumi preview --stack "$stack" --json --non-interactive \
      --policy-pack "$root/policy" --save-plan "$plan" >"$json") || code=$?
  if [ "$code" -ne 0 ]; then
    echo "::error::pulumi preview of $stack ($layer) failed (exit $code)"
    { echo "### pulumi preview of \`$stack\` ($layer): ❌ failed (exit $code)"; echo; echo '```text'; tail -c 20000 "$errfile"; echo '```'; } >"$summary"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
      cat "$summary" >>"$GITHUB_STEP_SUMMARY"
    fi
    return "$code"
  fi
  guard_args=(guard --engine-preview "$json" --stack "$stack")
  if [ -n "${APPROVED_PREVIEW:-}" ]; then
    guard_args+=(--approved "$APPROVED_PREVIEW")
  fi
  code=0
  "$(platform_bin)" "${guard_args[@]}" >"$out/guard-$stack-$layer.txt" 2>&1 || code=$?
  cat "$out/guard-$stack-$layer.txt"
  {
    if [ "$code" -eq 0 ]; then
      echo "### pulumi preview of \`$stack\` ($layer): ✅ guard passed"
    else
      echo "### pulumi preview of \`$stack\` ($layer): ❌ guard failed (exit $code)"
    fi
    echo
    echo '```text'
    cat "$out/guard-$stack-$layer.txt"
    echo '```'
    echo
    echo "| Operation | Type | Name |"
    echo "|---|---|---|"
    jq -r '.steps[] | select(.op != "same")
      | (.urn | split("::")) as $u
      | "| \(.op) | `\($u[2] | split("$") | last)` | `\($u[3:] | join("::"))` |"' "$json" 2>/dev/null ||
      echo "| (not the JSON of a preview) | | |"
  } >"$summary"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  fi
  if [ "$code" -ne 0 ]; then
    echo "::error::platform guard refused the preview of $stack ($layer) (exit $code)"
  fi
  return "$code"
}

[ $# -ge 2 ] || usage
command=$1
shift

case "$command" in
previous)
  [ $# -eq 2 ] || [ $# -eq 3 ] || usage
  stack=$1
  root=$(cd "${3:-.}" && pwd)
  dir=$(layer_dir "$root" "$2")
  head=$(git -C "$root" rev-parse HEAD)
  history=$(cd "$dir" && pulumi stack history --stack "$stack" --json --page-size "$HISTORY_PAGE_SIZE")
  # The DIY backend lists the newest update first (pkg/v3@v3.274.1 backend/diy/state.go:596-599)
  # and never sets a version (the UpdateInfo it saves has none, backend/diy/backend.go:1459-1471,
  # so the JSON's "version" is 0, cmd/pulumi/stack/stack_history.go:148): the order of the list
  # is the only order. The first finished, successful update whose commit is not HEAD wins.
  sha=$(jq -r --arg head "$head" '
      [ .[] | select(.kind == "update" and .result == "succeeded")
            | select((.environment["git.head"] // "") != "" and .environment["git.head"] != $head) ]
      | first | .environment["git.head"] // empty' <<<"$history")
  if [ -n "$sha" ]; then
    echo "previous successful deploy of $stack ($2): $sha"
  else
    echo "::warning::$stack ($2) has no earlier successful update of another commit: a failure cannot be rolled back automatically"
  fi
  echo "sha=$sha" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
  ;;

preview)
  [ $# -eq 3 ] || [ $# -eq 4 ] || usage
  root=$(cd "${4:-.}" && pwd)
  code=0
  preview "$1" "$2" "$3" "$root" || code=$?
  exit "$code"
  ;;

up)
  [ $# -eq 3 ] || [ $# -eq 4 ] || usage
  stack=$1
  layer=$2
  out=$(cd "$3" && pwd)
  root=$(cd "${4:-.}" && pwd)
  plan="$out/plan-$stack-$layer.json"
  guarded="$out/guard-$stack-$layer.txt"
  # Only a plan `stack.sh preview` saved and the guard passed is applied.
  if [ ! -s "$plan" ] || [ ! -f "$guarded" ] || ! grep -q "^guard: stack $stack: " "$guarded"; then
    echo "::error::no guarded plan of $stack ($layer) in $out: run stack.sh preview first; nothing was applied" >&2
    exit 3
  fi
  commit=$(git -C "$root" rev-parse HEAD)
  dir=$(layer_dir "$root" "$layer")
  cd "$dir"
  # --plan is hidden and marked experimental (pkg/v3@v3.274.1 cmd/pulumi/operations/up.go:970-978)
  # but read without PULUMI_EXPERIMENTAL (up.go:281-288); a goal or step outside the plan fails
  # the update ("violates plan", "is not allowed by the plan": resource/deploy/step_generator.go:
  # 487-508, 1480-1494).
  locked_retry "$out/up-$stack-$layer.err" pulumi up --stack "$stack" --yes --non-interactive --diff \
    --policy-pack "$root/policy" --plan "$plan" \
    --message "deploy ${commit:0:12} $layer (run ${GITHUB_RUN_ID:-local})"
  ;;

health)
  [ $# -eq 1 ] || [ $# -eq 2 ] || usage
  stack=$1
  deployed=$(cd "${2:-.}" && pwd)
  umask 077
  tmp=$(mktemp -d "${RUNNER_TEMP:-/tmp}/health-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$(layer_dir "$PWD" aws)" && pulumi stack output --stack "$stack" --json --show-secrets) >"$tmp/aws.json"
  (cd "$(layer_dir "$PWD" services)" && pulumi stack output --stack "$stack" --json --show-secrets) >"$tmp/services.json"
  jq -s '.[0] * .[1]' "$tmp/aws.json" "$tmp/services.json" >"$tmp/outputs.json"
  code=0
  # --dir: the checkout of the commit deployed, whose stack graph says which workloads must run.
  "$(platform_bin)" health --stack "$stack" --outputs "$tmp/outputs.json" --dir "$deployed" || code=$?
  exit "$code"
  ;;

drift)
  [ $# -eq 3 ] || usage
  stack=$1
  log=$3
  if [ -z "${PLATFORM_ASSUME_ROLE_ARN:-}" ]; then
    echo "::error::PLATFORM_ASSUME_ROLE_ARN is not set: the drift job's providers must assume its own role" >&2
    exit 2
  fi
  dir=$(layer_dir "$PWD" "$2")
  # The drift role may not read secret values (components/cicd readonly.go denies
  # secretsmanager:GetSecretValue), and refreshing an aws:secretsmanager/secretVersion reads its
  # value: those resources are left out of the refresh (`--exclude`, pulumi v3.274.1
  # pkg/cmd/pulumi/operations/refresh.go:433). Their secret, not its value, is still refreshed.
  # `stack export` without --show-secrets decrypts nothing.
  excludes=()
  urns=$(cd "$dir" && pulumi stack export --stack "$stack") || {
    echo "::error::pulumi stack export of $stack failed: cannot list the secret values to leave out of the refresh" >&2
    exit 1
  }
  while IFS= read -r urn; do
    [ -n "$urn" ] && excludes+=(--exclude "$urn")
  done < <(jq -r '.deployment.resources[]? | select(.type == "aws:secretsmanager/secretVersion:SecretVersion") | .urn' <<<"$urns")
  code=0
  (cd "$dir" && pulumi refresh --stack "$stack" --preview-only --expect-no-changes --run-program \
    --diff --non-interactive --color never "${excludes[@]}") >"$log" 2>&1 || code=$?
  cat "$log"
  exit "$code"
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
