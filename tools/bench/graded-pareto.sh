#!/usr/bin/env bash
# Time to decision on loihi2-like: rate coding (binary spikes) against the sigma-delta realization on graded spikes,
# for a range of step budgets, with and without --early-exit, on the same test images; then the delta-threshold
# sweep of the sigma-delta realization, and the sensitivity of its energy to the two ASSUMED graded costs (synaptic op
# and message, as factors of the binary costs). Writes to OUT_DIR: graded.csv (every run), graded.md (the tables),
# graded-pareto.png (accuracy against energy and latency per inference, Pareto front of all runs).
#   tools/bench/graded-pareto.sh [MODEL=demo model] [SAMPLES=1000] [OUT_DIR=graded-sweep] [STEPS="5 10 ..."]
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=$(realpath "${1:-src/Neuromorphic.Cli/Demo/Assets/demo-model.json}"); SAMPLES=${2:-1000}; OUT=${3:-graded-sweep}
STEPS=${4:-"5 10 15 20 30 50 100"}
THRESHOLDS=${THRESHOLDS:-"0.0009765625 0.001953125 0.00390625 0.0078125 0.015625 0.03125 0.0625"}
DATASET=fashion-mnist   # falls back to the embedded subset when dataset-fashion-mnist is not installed
PYTHON=${PYTHON:-/usr/bin/python3}
dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null
neuro() { dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll "$@"; }
mkdir -p "$OUT"
echo "study,chip,realization,early_exit,steps,delta_threshold,synop_factor,message_factor,accuracy,mean_steps,latency_mean_us,dynamic_uj,static_uj,total_uj,synapse_uj,synaptic_ops,messages,input_messages,neuron_messages" > "$OUT/graded.csv"
run() {   # study chip synop_factor message_factor realization early_exit steps delta
  local study=$1 chip=$2 sf=$3 mf=$4 realization=$5 early=$6 steps=$7 delta=$8
  local flags=(--realization "$realization" --steps "$steps")
  [ "$early" = yes ] && flags+=(--early-exit)
  [ "$realization" = sigma-delta ] && flags+=(--delta-threshold "$delta")
  neuro run --model "$MODEL" --chip "$chip" --dataset "$DATASET" --samples "$SAMPLES" --seed 1 "${flags[@]}" --json --quiet > "$OUT/run-out.json"
  ROW="$study,$(basename "$chip" .json),$realization,$early,$steps,$delta,$sf,$mf" "$PYTHON" - "$OUT/run-out.json" >> "$OUT/graded.csv" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
e, l, p = r["energyPerInference"], r["latencyPerInference"], r["perInference"]
print(",".join(str(x) for x in [os.environ["ROW"], r["accuracy"], l["meanSteps"], l["meanUs"], e["dynamicUj"], e["staticUj"], e["totalUj"], e["synapseUj"],
      p["synapticOps"], p["messages"], p["inputSpikes"], p["spikes"]]))
PY
}
DEFAULT_DELTA=0.00390625
for steps in $STEPS; do
  for early in no yes; do
    run steps loihi2-like 2 1 spiking "$early" "$steps" -
    run steps loihi2-like 2 1 sigma-delta "$early" "$steps" "$DEFAULT_DELTA"
  done
done
for delta in $THRESHOLDS; do run threshold loihi2-like 2 1 sigma-delta yes 100 "$delta"; done
# Sensitivity: loihi2-like with the graded synaptic op at 1, 2 (the model's assumption), 4, 8 × the binary 35.5 pJ / 3.8 ns
# and the graded message at 1 (assumption), 2, 4 × the binary message in (0 pJ / 16 ns) and out (111 pJ / 5.1 ns).
for sf in 1 2 4 8; do
  for mf in 1 2 4; do
    chip="$OUT/loihi2-s${sf}-m${mf}.json"
    SF=$sf MF=$mf "$PYTHON" - "$chip" "$(realpath chip-models/loihi2-like.json)" <<'PY'
import json, os, sys
sf, mf = float(os.environ["SF"]), float(os.environ["MF"])
c = lambda e, l, f: {"energyPj": e * f, "latencyNs": l * f}
json.dump({"schema": "neuromorphic.chip/1", "extends": sys.argv[2], "name": f"loihi2-like-s{os.environ['SF']}-m{os.environ['MF']}",
           "provenance": f"loihi2-like with graded synaptic op x{sf:g} and graded messages x{mf:g} the binary costs (sensitivity study)",
           "core": {"gradedSynapticOp": c(35.5, 3.8, sf), "gradedMessageIn": c(0.0, 16.0, mf), "gradedMessageOut": c(111.0, 5.1, mf)}},
          open(sys.argv[1], "w"))
PY
    run sensitivity "$chip" "$sf" "$mf" sigma-delta yes 100 "$DEFAULT_DELTA"
  done
done
rm -f "$OUT/run-out.json" "$OUT"/loihi2-s*-m*.json
"$PYTHON" tools/bench/graded_pareto.py "$OUT" "$SAMPLES"
