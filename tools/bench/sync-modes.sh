#!/usr/bin/env bash
# The three synchronization disciplines on one model and chip: barrier, handshake, and async at the
# given periods, each with and without --early-exit. Prints a Markdown table: accuracy, dynamic and
# static energy, latency p50/p99, and (async) stalls, stall time and late spikes per inference.
# Usage: tools/bench/sync-modes.sh MODEL CHIP DATASET SAMPLES "PERIOD_NS..." [STEPS]
#   e.g. tools/bench/sync-modes.sh src/Neuromorphic.Cli/Demo/Assets/demo-model.json loihi1-calibrated embedded 200 "1000 50000 200000"
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=$1; CHIP=$2; DATASET=$3; SAMPLES=$4; PERIODS=$5; STEPS=${6:-100}
OUT=${OUT:-$(mktemp -d)}
[ -n "${SKIP_BUILD:-}" ] || dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null   # SKIP_BUILD=1: use the built neuro.dll
neuro() { dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll "$@"; }
configs=("barrier" "handshake")
for p in $PERIODS; do configs+=("async $p"); done
echo "| mode | period (ns) | early exit | accuracy | dynamic µJ | static µJ | latency p50 / p99 (µs) | mean steps | stalls / stall µs / late spikes per inference | overruns per inference |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for config in "${configs[@]}"; do
  set -- $config
  for early in "" "--early-exit"; do
    json="$OUT/$1-${2:-x}${early}.json"
    neuro run --model "$MODEL" --chip "$CHIP" --mode "$1" ${2:+--period-ns "$2"} $early --dataset "$DATASET" \
      --samples "$SAMPLES" --steps "$STEPS" --seed 1 --json --quiet > "$json"
    EARLY="$early" /usr/bin/python3 - "$json" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
e, l, a = d["energyPerInference"], d["latencyPerInference"], d.get("async")
n = d["inferences"]
row = [d["mode"], "%g" % d["asyncPeriodNs"] if d.get("asyncPeriodNs") else "–", "yes" if os.environ["EARLY"] else "no",
       "%.1f %%" % (100 * d["accuracy"]), "%.1f" % e["dynamicUj"], "%.1f" % e["staticUj"],
       "%.1f / %.1f" % (l["p50Us"], l["p99Us"]), "%.1f" % l["meanSteps"],
       "%.1f / %.2f / %.1f" % (a["stallsPerInference"], a["stallUsPerInference"], a["lateSpikesPerInference"]) if a else "–",
       "%.1f" % (d["overruns"] / n) if a else "–"]
print("| " + " | ".join(row) + " |")
PY
  done
done
