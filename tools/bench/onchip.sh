#!/usr/bin/env bash
# On-chip HTS-EP learning on loihi1 (issue 18; results in tools/bench/README.md, "On-chip learning").
#  1. the comparison: Fashion-MNIST 784-128-10, TRAIN training images (default 10,000), EPOCHS epochs (default 3),
#     trained on the chip (neuro train --on-chip loihi1) and in float HTS-EP with the same data, epochs and phases;
#     the chip-trained network is then evaluated on the full test set on the chip (neuro run) and in float (neuro eval);
#  2. the width study: weights of 8, 6 and 4 bits (8-bit traces) and traces of 8, 6 and 4 bits (8-bit weights), at
#     STUDY_TRAIN training images, one epoch, STUDY_TEST test images.
# Usage: tools/bench/onchip.sh [OUT_DIR]   (env: NEURO=path/to/neuro.dll, TRAIN, EPOCHS, TEST_LIMIT, STUDY_TRAIN, STUDY_TEST,
# STUDY_SPECS="w8-t8 w6-t8 …", SKIP_COMPARISON=1)
# Long: the comparison runs 30,000 training samples through three spiking phases each (about an hour on a loaded 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/neuro-onchip}
mkdir -p "$OUT"
if [ -z "${NEURO:-}" ]; then
  dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null
  NEURO=src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll
fi
neuro() { nice -n 10 dotnet "$NEURO" "$@"; }
TRAIN=${TRAIN:-10000}; EPOCHS=${EPOCHS:-3}; TEST_LIMIT=${TEST_LIMIT:-2000}
STUDY_TRAIN=${STUDY_TRAIN:-1000}; STUDY_TEST=${STUDY_TEST:-500}
# The same HTS-EP hyperparameters on both sides (lognormal τ, mean dt 0.5, β 0.2 symmetric, T1 60, T2 30, seed 1). Learning
# rates: float SGD 0.05,0.02 per minibatch of 64 with momentum 0.9 (the defaults: an effective step of 0.5,0.2 per minibatch);
# on the chip, which keeps no momentum, --lr 0.5,0.2, applied as lr/64 per sample. On the chip: 16-step traces, one bit of
# weight headroom.
COMMON=(--dataset fashion-mnist --layers 784,128,10 --nudged-steps 30 --threads 2)
CHIP=(--on-chip loihi1 --trace-tau 16 --lr 0.5,0.2)

if [ "${SKIP_COMPARISON:-0}" != 1 ]; then
  neuro train "${CHIP[@]}" "${COMMON[@]}" --epochs "$EPOCHS" --train-limit "$TRAIN" --test-limit "$TEST_LIMIT" --json \
    --out "$OUT/onchip-8bit.json" > "$OUT/onchip-8bit.summary.json"
  neuro train "${COMMON[@]}" --epochs "$EPOCHS" --train-limit "$TRAIN" --json --out "$OUT/float.json" > "$OUT/float.summary.json"
  neuro run --model "$OUT/onchip-8bit.json" --chip loihi1 --dataset fashion-mnist --samples 10000 --steps 60 --json > "$OUT/onchip-8bit.run.json"
  neuro eval --model "$OUT/onchip-8bit.json" --dataset fashion-mnist --json > "$OUT/onchip-8bit.eval.json"
  neuro replay "$OUT/onchip-8bit.learning.json" --chip loihi1-calibrated --json > "$OUT/onchip-8bit.recost-calibrated.json"
fi

for spec in ${STUDY_SPECS:-w8-t8 w6-t8 w4-t8 w8-t6 w8-t4}; do
  w=${spec#w}; w=${w%%-*}; t=${spec#*-t}
  neuro train "${CHIP[@]}" "${COMMON[@]}" --epochs 1 --train-limit "$STUDY_TRAIN" --test-limit "$STUDY_TEST" --weight-bits "$w" --trace-bits "$t" --json \
    --out "$OUT/study-$spec.json" > "$OUT/study-$spec.summary.json"
done
neuro train "${COMMON[@]}" --epochs 1 --train-limit "$STUDY_TRAIN" --test-limit "$STUDY_TEST" --json --out "$OUT/study-float.json" > "$OUT/study-float.summary.json"

python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None
s = load("onchip-8bit.summary.json")
if s:
    print("comparison (epochs):")
    for e in s["epochs"]:
        ps = e["perSample"]
        print(f"  on chip epoch {e['epoch']}: train {e['trainAccuracy']:.4f} test(chip, {e['testInference']['count']}) {e['testAccuracy']:.4f} "
              f"float-of-chip-weights {e['floatTestAccuracy']:.4f}; per sample {ps['total']['energyUj']:.1f} uJ "
              f"(free {ps['free']['energyUj']:.1f}, nudged {ps['nudged']['energyUj']:.1f}, learning {ps['learning']['energyUj']:.1f}; "
              f"dynamic {ps['free']['dynamicUj']:.2f}/{ps['nudged']['dynamicUj']:.2f}/{ps['learning']['dynamicUj']:.2f}), "
              f"{ps['total']['timeUs']:.0f} us (free {ps['free']['timeUs']:.0f}, nudged {ps['nudged']['timeUs']:.0f}, learning {ps['learning']['timeUs']:.0f})")
    for name in ["float.summary.json"]:
        f = load(name)
        if f:
            print(f"  {name}: " + ", ".join(f"epoch {e['epoch']} test {e['testAccuracy']:.4f}" for e in f["epochs"]))
    r = load("onchip-8bit.run.json"); v = load("onchip-8bit.eval.json")
    if r: print(f"  neuro run (loihi1, 10,000 test images): accuracy {r.get('accuracy')}")
    if v: print(f"  neuro eval (float): accuracy {v.get('accuracy')}")
print("width study:")
for spec in ["w8-t8", "w6-t8", "w4-t8", "w8-t6", "w8-t4", "float"]:
    f = load(f"study-{spec}.summary.json")
    if not f: continue
    e = f["final"]
    print(f"  {spec}: test {e['testAccuracy']:.4f}" + (f" (float of chip weights {e['floatTestAccuracy']:.4f}), weights changed {e['counters']['weightsChanged']}" if 'floatTestAccuracy' in e else ""))
PY
