#!/usr/bin/env bash
# Regenerates the golden traces in traces/golden/ (real runs and synthetic ones; see traces/README.md). Run it only
# for a deliberate change of the simulator or the trace format, and say why in the commit.
# GoldenRunTraceTests re-runs the same commands and compares every block byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Neuromorphic.Cli -c Release -v quiet
neuro() { dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll "$@"; }
for mode in barrier handshake async; do
  neuro run --model traces/golden/three-neurons.json --chip tiny --input traces/golden/three-neurons-input.csv \
    --steps 12 --mode "$mode" --threads 1 --trace "traces/golden/three-neurons-tiny-$mode.trace" \
    --trace-level messages --trace-compression none --quiet
done
for c in raw deflate; do
  compression=$([ "$c" = raw ] && echo none || echo deflate)
  neuro trace synth --out "traces/golden/synthetic-$c.trace" --inferences 2 --steps 4 --cores 4 --inputs 50 \
    --level messages --compression "$compression" --tool-version golden --seed 1 --quiet
done
ls -l traces/golden
