#!/usr/bin/env bash
# Configures and builds one build directory.
# usage: tools/build.sh DIR [cmake -D options...]
set -euo pipefail
dir=$1; shift
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$here/$dir" -G Ninja "$@" >/dev/null
cmake --build "$here/$dir"
