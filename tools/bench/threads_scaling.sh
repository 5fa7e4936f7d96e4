#!/usr/bin/env bash
# Two threads against one, side by side, with the machine's own ceiling measured in the same rounds.
#   neuro run   --threads 1|2: the demo model on loihi1, N images, 100 steps, detailed and simple timing
#   neuro train --threads 1|2: 784-500-10, 2 epochs on the first M training images (second epoch's samples/s)
# Each round runs the pairs in alternating order and checks that the outputs of 1 and 2 threads are
# byte-identical (run: the JSON without its "performance" block; train: the model file).
# The ceiling: one CPU-bound process (a scalar C-like loop in python3) alone, then two at once; the
# ceiling is 2 × (time alone) / (time of the slower of the two). On a machine whose second core is
# busy with other work it is well below 2, and no program's two-thread speed-up can exceed it.
# Prints one line per measurement (wall s, CPU s = user + system, peak RSS) and the ratios per round,
# with the load average before and after each round.
# Usage: tools/bench/threads_scaling.sh [ROUNDS=3] [IMAGES=200] [TRAIN_IMAGES=6400] [OUT_DIR]
# NEURO_DLL=path/neuro.dll (or a NativeAOT neuro executable) skips the publish (tools/bench/build-neuro.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
IMAGES=${2:-200}
TRAIN=${3:-6400}
OUT=${4:-$(mktemp -d /tmp/neuro-threads.XXXXXX)}
PY=/usr/bin/python3
MODEL=src/Neuromorphic.Cli/Demo/Assets/demo-model.json
if [ -d /usr/share/datasets/fashion-mnist ]; then DATASET=fashion-mnist; else DATASET=embedded; fi
NEURO_DLL=${NEURO_DLL:-$(tools/bench/build-neuro.sh "$OUT/neuro-bin")}
NEURO=$(tools/bench/neuro-command.sh "$NEURO_DLL")
mkdir -p "$OUT/t1" "$OUT/t2"
load() { cut -d' ' -f1-3 /proc/loadavg; }

# timed LOG OUT command…: runs the command under /usr/bin/time, its stdout into OUT; prints "wall cpu rssMb".
timed() {
  local log=$1 out=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$log.time" "$@" > "$out"
  read -r wall user sys rss < "$log.time"
  echo "$wall $($PY -c "print(round($user + $sys, 2), round($rss / 1024))")"
}

spin='
s = 0
for i in range(6_000_000):
    s += i * i % 7
'
ceiling() {
  local one a b
  one=$( { /usr/bin/time -f "%e" $PY -c "$spin"; } 2>&1 )
  { /usr/bin/time -f "%e" -o "$OUT/spin-a" $PY -c "$spin" & /usr/bin/time -f "%e" -o "$OUT/spin-b" $PY -c "$spin"; wait; }
  a=$(cat "$OUT/spin-a"); b=$(cat "$OUT/spin-b")
  $PY -c "print(f'{2 * $one / max($a, $b):.2f} (one {$one} s, two {$a} s and {$b} s)')"
}

run() {   # timing threads → "wall cpu rss simWall"
  local timing=$1 threads=$2 dir="$OUT/t$2" t
  t=$(timed "$dir/run-$timing" "$dir/run-$timing.json" $NEURO run --model "$MODEL" --chip loihi1 --dataset "$DATASET" --samples "$IMAGES" \
    --timing "$timing" --threads "$threads" --json --quiet)
  echo "$t $($PY -c "import json; print(json.load(open('$dir/run-$timing.json'))['performance']['wallSeconds'])")"
}

train() {   # threads → "wall cpu rss samplesPerSecond"
  local threads=$1 dir="$OUT/t$1" t
  t=$(timed "$dir/train" "$dir/train.json" $NEURO train --dataset "$DATASET" --layers 784,500,10 --epochs 2 --train-limit "$TRAIN" --test-limit 0 \
    --threads "$threads" --quiet --json --out "$dir/model.json")
  echo "$t $($PY -c "import json; print(round(json.load(open('$dir/train.json'))['epochs'][-1]['samplesPerSecond']))")"
}

same_run() {
  $PY - "$OUT/t1/run-$1.json" "$OUT/t2/run-$1.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for d in (a, b):
    d.pop("performance")
print("identical" if a == b else "DIFFERENT")
PY
}

ratio() { $PY -c "print(f'{$1 / $2:.2f}')"; }

echo "neuro: $NEURO_DLL; dataset $DATASET; $IMAGES images per run, $TRAIN training images per epoch; $(nproc) processors"
for round in $(seq "$ROUNDS"); do
  echo "round $round — load before: $(load)"
  echo "  ceiling (two processes vs one): $(ceiling)"
  for timing in detailed simple; do
    if [ $((round % 2)) -eq 1 ]; then one=$(run "$timing" 1); two=$(run "$timing" 2); else two=$(run "$timing" 2); one=$(run "$timing" 1); fi
    read -r w1 c1 m1 s1 <<< "$one"; read -r w2 c2 m2 s2 <<< "$two"
    echo "  run ($timing): 1 thread ${w1} s wall, ${c1} s CPU, ${m1} MB, ${s1} s simulation | 2 threads ${w2} s, ${c2} s CPU, ${m2} MB, ${s2} s simulation" \
      "| speed-up $(ratio "$w1" "$w2")x process, $(ratio "$s1" "$s2")x simulation; outputs $(same_run "$timing")"
  done
  if [ $((round % 2)) -eq 1 ]; then one=$(train 1); two=$(train 2); else two=$(train 2); one=$(train 1); fi
  read -r w1 c1 m1 r1 <<< "$one"; read -r w2 c2 m2 r2 <<< "$two"
  same=identical
  for f in "$OUT"/t1/model.json "$OUT"/t1/model.*.f32; do   # the network and its weight sidecars
    cmp -s "$f" "$OUT/t2/${f##*/}" || same="DIFFERENT (${f##*/})"
  done
  echo "  train: 1 thread ${w1} s wall, ${c1} s CPU, ${m1} MB, ${r1} samples/s | 2 threads ${w2} s, ${c2} s CPU, ${m2} MB, ${r2} samples/s" \
    "| speed-up $(ratio "$r2" "$r1")x (second epoch), $(ratio "$w1" "$w2")x process; models $same"
  echo "  ceiling (two processes vs one): $(ceiling)"
  echo "  load after: $(load)"
done
