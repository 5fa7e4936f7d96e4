#!/usr/bin/env bash
# HTS (lognormal time constants) against homogeneous time constants under async timing variability:
# trains both at the same reduced scale (same seed, data and settings, only --tau-dist differs), runs
# each on the nominal chip (barrier, the reference) and on chip instances 1..SEEDS of the variable
# chip (async, --seed s), and prints the paired accuracy losses with mean and 95 % intervals
# (tools/bench/paired_loss.py: paired t and a percentile bootstrap over instances).
# Usage: tools/bench/hts-variability.sh SAMPLES SEEDS PERIOD_NS [EPOCHS] [TRAIN_LIMIT] [HIDDEN]
#   MAP_OPTIONS="--objective latency --max-cores 8": the same mapping choice for every run (default: fewest cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
SAMPLES=${1:-200}; SEEDS=${2:-10}; PERIOD=${3:-50000}; EPOCHS=${4:-3}; LIMIT=${5:-20000}; HIDDEN=${6:-100}
OUT=${OUT:-$(mktemp -d)}
[ -n "${SKIP_BUILD:-}" ] || dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null   # SKIP_BUILD=1: use the built neuro.dll
neuro() { dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll "$@"; }
for dist in lognormal homogeneous; do
  [ -f "$OUT/$dist.json" ] || neuro train --dataset fashion-mnist --layers "784,$HIDDEN,10" --epochs "$EPOCHS" --train-limit "$LIMIT" \
    --test-limit 1000 --seed 3 --tau-dist "$dist" --cosine --out "$OUT/$dist.json" --quiet
  neuro run --model "$OUT/$dist.json" --chip loihi1-calibrated --dataset fashion-mnist --samples "$SAMPLES" ${MAP_OPTIONS:-} --json --quiet > "$OUT/$dist-nominal.json"
  for seed in $(seq 1 "$SEEDS"); do
    neuro run --model "$OUT/$dist.json" --chip loihi1-async-variable --mode async --period-ns "$PERIOD" --seed "$seed" \
      --dataset fashion-mnist --samples "$SAMPLES" ${MAP_OPTIONS:-} --json --quiet > "$OUT/$dist-seed$seed.json"
  done
done
/usr/bin/python3 tools/bench/paired_loss.py "$OUT" "$SEEDS"
