#!/usr/bin/env bash
# fetch-release.sh <stack>: makes sure the release tarball the stack ships (portage:app.release) is
# here before `pulumi preview` / `pulumi up`, which hash and upload it. The tarball is built by the
# app's own pipeline, outside this repository; CI takes it from the GitHub release v<version> of
# RELEASE_REPO (default: this repository), asset named like the configured file.
set -euo pipefail
cd "$(dirname "$0")/../.."

stack=${1:?usage: fetch-release.sh <stack>}
read -r release version < <(npx --no-install tsx tools/ci/release.ts "$stack")
if [ -f "$release" ]; then
  echo "release $release is here"
  exit 0
fi
repo=${RELEASE_REPO:-${GITHUB_REPOSITORY:-}}
asset=$(basename "$release")
echo "release $release is not here; downloading $asset from release v$version of $repo"
mkdir -p "$(dirname "$release")"
if ! gh release download "v$version" --repo "$repo" --pattern "$asset" --output "$release" --clobber; then
  echo "::error title=No release tarball::$release is not in the repository and release v$version of $repo has no asset $asset. Publish the tarball that \`MIX_ENV=prod mix release\` builds as that asset (or set the PORTAGE_RELEASE_REPO variable to the app's repository)."
  exit 1
fi
