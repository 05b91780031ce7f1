#!/usr/bin/env bash
# Builds everything and runs the main job: the engine demo (until the first bundled scenario
# lands), writing its trace to build/demo.w2t.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/tools/setup.sh"
"$here/tools/build.sh" build -DCMAKE_BUILD_TYPE=RelWithDebInfo
"$here/build/scenarios/ws2sim" demo --seed=1 --trace="$here/build/demo.w2t" "$@"
