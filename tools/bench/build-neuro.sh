#!/usr/bin/env bash
# Publishes neuro for timing runs and prints the path of neuro.dll: Release, framework-dependent,
# ReadyToRun (precompiled, as a compiled peer binary is; without it about 0.3–0.4 s of CPU per
# process goes into JIT compilation of start-up code). Usage: tools/bench/build-neuro.sh [OUT_DIR]
# (default: /tmp/neuro-bench). Needs NuGet for the Crossgen2 and runtime packs of the SDK's version.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/neuro-bench}
dotnet publish src/Neuromorphic.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$OUT" -v quiet > /dev/null
echo "$OUT/neuro.dll"
