#!/usr/bin/env bash
# Sweep executors on this machine: a JOBS-job run sweep of the embedded demo model (784-500-10,
# IMAGES Fashion-MNIST test images per job, 100 steps, analog-mismatch chip instances seed 1..JOBS):
#   1. in-process, --threads 1;
#   2. on one `neuro silo --threads 1` (localhost clustering);
#   3. on two `neuro silo --threads 1` (the second joins the first).
# Every sweep writes into its own folder and the script checks that all three folders hold the same
# bytes. Prints each sweep's wall seconds (the sweep runner's, from --json: planning and the
# cluster connection excluded), the throughput ratio two silos / one silo, and the overhead per job
# of the cluster against in-process ((one silo − in-process) / JOBS), plus the load average.
# Usage: tools/bench/sweep_cluster.sh [JOBS=40] [IMAGES=50] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
JOBS=${1:-40}
IMAGES=${2:-50}
OUT=${3:-$(mktemp -d /tmp/neuro-sweep-bench.XXXXXX)}
dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null
NEURO="dotnet $PWD/src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll"
cp src/Neuromorphic.Cli/Demo/Assets/demo-model.* "$OUT/"
cat > "$OUT/sweep.json" <<JSON
{ "schema": "neuromorphic.sweep/1", "name": "executor benchmark", "kind": "run",
  "run": { "model": "demo-model.json", "chip": "analog-mismatch", "dataset": "fashion-mnist", "range": $IMAGES, "steps": 100 },
  "grid": { "seed": { "from": 1, "count": $JOBS } } }
JSON
cd "$OUT"
SILOS=()
cleanup() { for pid in "${SILOS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
wall() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wallSeconds"])' "$1"; }
waitready() { for _ in $(seq 120); do grep -q "Silo ready" "$1" && return 0; sleep 0.5; done; echo "silo did not start: $1" >&2; cat "$1" >&2; exit 1; }
P1=$((20000 + RANDOM % 5000)); G1=$((P1 + 10000)); P2=$((P1 + 1)); G2=$((G1 + 1)); ID="bench-$$"

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
$NEURO sweep sweep.json --out in-process --threads 1 --json --quiet > in-process.json
echo "in-process, 1 thread:        $(wall in-process.json) s"

$NEURO silo --threads 1 --port $P1 --gateway-port $G1 --cluster-id $ID > silo1.log 2>&1 & SILOS+=($!)
waitready silo1.log
$NEURO sweep sweep.json --out one-silo --cluster 127.0.0.1:$G1 --cluster-id $ID --json --quiet > one-silo.json
echo "one silo, 1 thread:          $(wall one-silo.json) s"

$NEURO silo --threads 1 --primary 127.0.0.1:$P1 --port $P2 --gateway-port $G2 --cluster-id $ID > silo2.log 2>&1 & SILOS+=($!)
waitready silo2.log
$NEURO sweep sweep.json --out two-silos --cluster 127.0.0.1:$G1 --cluster-id $ID --json --quiet > two-silos.json
echo "two silos, 1 thread each:    $(wall two-silos.json) s"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

for dir in one-silo two-silos; do
  diff -r -x '*.png' in-process "$dir" > /dev/null && echo "$dir: byte-identical to in-process" || { echo "$dir: DIFFERS from in-process"; exit 1; }
done
python3 - "$JOBS" "$(wall in-process.json)" "$(wall one-silo.json)" "$(wall two-silos.json)" <<'PY'
import sys
jobs, ip, one, two = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"throughput two silos / one silo: {one / two:.2f}x")
print(f"cluster overhead per job (one silo - in-process) / {jobs}: {1000 * (one - ip) / jobs:.0f} ms ({100 * (one - ip) / ip:.1f} %)")
PY
echo "folders in $OUT"
