#!/usr/bin/env bash
# The HTS stability study at reduced scale (tools/bench/README.md, "The stability study"):
# 784-128-10 on 10,000 Fashion-MNIST training images (all 10,000 test images), 10 epochs, 10 seeds
# per cell, the full grid (6 τ conditions × lr scale 1, 2, 4 × T1 20, 60 × both dynamics = 72 cells,
# 720 runs), the on-chip comparison on 10 instances of analog-mismatch and loihi1-async-variable,
# and the mechanism measurement. Every run is a sweep job: re-running the script skips finished
# jobs, and EXTRA passes executor options through (--shard i/N, --cluster ENDPOINT, --threads N).
#
#   tools/bench/stability-study.sh OUT_DIR [EXTRA…]
#
# Override the grid with the environment: TAU, LR, T1, DYNAMICS, SEEDS, EPOCHS, TRAIN, CHIPS,
# CHIP_SAMPLES (a smaller grid reuses the jobs of a larger one in the same folder, and back).
set -euo pipefail
out=${1:?usage: stability-study.sh OUT_DIR [EXTRA…]}
shift
neuro=${NEURO:-neuro}
TAU=${TAU:-homogeneous,lognormal:0.25,lognormal:0.5,lognormal:1,gamma:2,gamma:4}
LR=${LR:-1,2,4}
T1=${T1:-20,60}
DYNAMICS=${DYNAMICS:-prototypical,energy}
SEEDS=${SEEDS:-10}
EPOCHS=${EPOCHS:-10}
TRAIN=${TRAIN:-10000}
CHIPS=${CHIPS:-analog-mismatch,loihi1-async-variable:async}
CHIP_SAMPLES=${CHIP_SAMPLES:-500}

mkdir -p "$out"
"$neuro" experiment stability --dataset fashion-mnist --layers 784,128,10 --train-limit "$TRAIN" --epochs "$EPOCHS" \
  --tau-dist "$TAU" --lr-scale "$LR" --free-steps "$T1" --dynamics "$DYNAMICS" --seeds "$SEEDS" \
  --chip "$CHIPS" --chip-samples "$CHIP_SAMPLES" --out "$out/stability" "$@"
"$neuro" experiment mechanism --dataset fashion-mnist --layers 784,128,10 --tau-dist "$TAU" --dynamics "$DYNAMICS" \
  --free-steps 10,20,60 --seeds "$SEEDS" --samples 16 --converged-steps 300 --out "$out/mechanism"
