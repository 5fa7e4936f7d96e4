#!/bin/sh
# HTS-EP training throughput, neuro vs PyTorch, side by side on this machine: the same algorithm
# and settings (784-500-10, batch 64, T1 = 60, T2 = 20, symmetric, lognormal τ, SGD momentum),
# Fashion-MNIST. Each side trains 2 epochs on the first N images; the second epoch's samples/s
# (after warm-up) is reported. Runs alternate so that both see the same machine load.
#   tools/bench/ep_bench.sh [images=12800] [repeats=3] [threads=1]
set -eu
N=${1:-12800}
REPEATS=${2:-3}
THREADS=${3:-1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d)
dotnet build -c Release "$ROOT/src/Neuromorphic.Cli" -v quiet -nologo >/dev/null
NEURO="dotnet $ROOT/src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll"
last() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(round(d['epochs'][-1]['samplesPerSecond']))"; }
echo "run,neuro_samples_per_s,torch_samples_per_s,ratio"
for r in $(seq 1 "$REPEATS"); do
  n=$($NEURO train --dataset fashion-mnist --epochs 2 --train-limit "$N" --test-limit 0 --threads "$THREADS" --quiet --json --out "$OUT/m.json" | last)
  # OpenBLAS picks its best kernels for this CPU only when OPENBLAS_CORETYPE is not forced.
  t=$(env -u OPENBLAS_CORETYPE /usr/bin/python3 "$ROOT/tools/bench/ep_torch.py" --epochs 2 --train-limit "$N" --test-limit 0 --threads "$THREADS" --json | last)
  echo "$r,$n,$t,$(/usr/bin/python3 -c "print(round($n/$t, 2))")"
done
rm -rf "$OUT"
