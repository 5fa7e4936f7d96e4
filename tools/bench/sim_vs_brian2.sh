#!/usr/bin/env bash
# Simulated synaptic events per second per thread: neuro run (energy accounting on; barrier mode
# with the detailed and with the simple timing model) versus Brian2's cpp_standalone target on the
# same network, inputs and steps. Runs them alternately ROUNDS times, prints each round and the
# ratio of the best rounds (the machines are noisy: the best of alternating rounds is the most
# stable estimate). Usage: tools/bench/sim_vs_brian2.sh [MODEL] [SAMPLES] [STEPS] [ROUNDS]
# Needs tools/bench/setup-peers.sh (python3-brian) and, for the full test set, tools/get-data.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${1:-src/Neuromorphic.Cli/Demo/Assets/demo-model.json}
SAMPLES=${2:-300}
STEPS=${3:-100}
ROUNDS=${4:-3}
if [ -d /usr/share/datasets/fashion-mnist ]; then DATASET=fashion-mnist; DATA_DIR=/usr/share/datasets/fashion-mnist
else DATASET=embedded; DATA_DIR=src/Neuromorphic.Core/Data/Embedded; fi
NEURO_DLL=${NEURO_DLL:-$(tools/bench/build-neuro.sh)}   # NEURO_BUILD=aot for NativeAOT
NEURO=$(tools/bench/neuro-command.sh "$NEURO_DLL")
neuro() { $NEURO "$@"; }
ours() {
  neuro run --model "$MODEL" --chip loihi1 --dataset "$DATASET" --samples "$SAMPLES" --steps "$STEPS" --threads 1 --timing "$1" --json --quiet \
    | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["performance"]["synapticEventsPerSecondPerThread"], d["perInference"]["synapticOps"])'
}
results=$(mktemp)
for round in $(seq "$ROUNDS"); do
  echo "detailed $(ours detailed)" >> "$results"
  echo "simple $(ours simple)" >> "$results"
  echo "brian2 $(/usr/bin/python3 tools/bench/brian2_ep.py "$MODEL" "$SAMPLES" "$STEPS" "$DATA_DIR" 2>/dev/null | tail -1 \
    | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["synapticEventsPerSecond"], d["synapticEvents"] / d["samples"])')" >> "$results"
done
/usr/bin/python3 - "$results" <<'PY'
import sys, collections
best, events = collections.defaultdict(float), {}
for line in open(sys.argv[1]):
    name, eps, per = line.split()
    print(f"{name:9} {float(eps):.3e} synaptic events/s per thread ({float(per):,.0f} events per inference)")
    best[name] = max(best[name], float(eps)); events[name] = float(per)
for name in ("detailed", "simple"):
    print(f"best of rounds: neuro ({name} timing) / brian2 = {best[name] / best['brian2']:.2f}x")
PY
rm -f "$results"
