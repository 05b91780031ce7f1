#!/usr/bin/env bash
# Builds everything and runs the main job: the bundled lossy echo scenario (a Winsock echo client
# and server over a link with 5% loss and 100 ms delay each way), writing its trace to
# build/echo_lossy.w2t. Extra arguments go to `ws2sim run` (e.g. --seed=7 --strategy=random).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/tools/setup.sh"
"$here/tools/build.sh" build -DCMAKE_BUILD_TYPE=RelWithDebInfo
"$here/build/scenarios/ws2sim" run "$here/scenarios/examples/echo_lossy.textproto" \
  --trace="$here/build/echo_lossy.w2t" "$@"
