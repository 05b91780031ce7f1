#!/usr/bin/env bash
# Configures and builds one build directory.
# usage: tools/build.sh DIR [--target TARGET]... [cmake -D options...]
set -euo pipefail
dir=$1; shift
target=()
while [ "${1:-}" = "--target" ]; do target+=(--target "$2"); shift 2; done
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$here/$dir" -G Ninja "$@" >/dev/null
cmake --build "$here/$dir" "${target[@]+"${target[@]}"}"
