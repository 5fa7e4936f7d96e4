#!/usr/bin/env bash
# What recording a trace costs `neuro run`: simulation wall time without a trace and at each level,
# and bytes per inference, on the demo model (784-500-10) on loihi1, barrier mode, 1 thread.
# Usage: tools/bench/trace-overhead.sh [SAMPLES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
SAMPLES=${1:-100}; ROUNDS=${2:-2}
MODEL=src/Neuromorphic.Cli/Demo/Assets/demo-model.json
OUT=$(mktemp -d)
dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null
for round in $(seq "$ROUNDS"); do
  for level in none summary counters spikes messages; do
    trace=(); [ "$level" = none ] || trace=(--trace "$OUT/$level.trace" --trace-level "$level")
    dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll run --model "$MODEL" --chip loihi1 --dataset embedded --samples "$SAMPLES" \
      --threads 1 "${trace[@]}" --json --quiet | LEVEL=$level FILE="$OUT/$level.trace" SAMPLES=$SAMPLES /usr/bin/python3 -c '
import json, os, sys
d = json.load(sys.stdin)
size = os.path.getsize(os.environ["FILE"]) if os.environ["LEVEL"] != "none" else 0
print("round %s  %-9s simulation %6.2f s  %10.0f bytes per inference" % ("'"$round"'", os.environ["LEVEL"], d["performance"]["wallSeconds"], size / int(os.environ["SAMPLES"])))'
  done
done
rm -rf "$OUT"
