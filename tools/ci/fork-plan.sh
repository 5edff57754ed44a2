#!/usr/bin/env bash
# fork-plan.sh <pr checkout> <base checkout> <out dir> <stack>...: the offline plan of each stack on
# the pull request and on its base branch, and their diff: what a fork's pull request shows instead
# of a cloud preview (it has no secrets). Writes <stack>.plan.txt, and <stack>.diff when the base
# branch can plan too.
set -euo pipefail

head=$(cd "$1" && pwd)
base=$2
out=$3
shift 3
mkdir -p "$out"
out=$(cd "$out" && pwd)

plan() { (cd "$1" && npm run -s plan -- --stack "$2"); }

for stack in "$@"; do
  if ! plan "$head" "$stack" >"$out/$stack.plan.txt" 2>&1; then
    echo "::warning::the offline plan of $stack failed on this pull request"
  fi
  if [ -f "$base/package.json" ] && grep -q '"plan"' "$base/package.json" && plan "$base" "$stack" >"$out/$stack.base.txt" 2>/dev/null; then
    diff -u --label "base/$stack" --label "pull-request/$stack" "$out/$stack.base.txt" "$out/$stack.plan.txt" >"$out/$stack.diff" || [ $? -eq 1 ]
  fi
done
