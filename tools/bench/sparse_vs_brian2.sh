#!/usr/bin/env bash
# The sparse LIF benchmark (Brian2's standard shape; tools/bench/make-sparse-network.py): 784
# Poisson inputs → 500 CUBA-LIF → 10 CUBA-LIF with 10 → 500 feedback, 10,000 steps of 1 ms.
# Publishes neuro (NativeAOT, as the peer is a compiled binary; NEURO_BUILD=r2r for ReadyToRun, or
# NEURO_DLL=path to reuse a build: tools/bench/build-neuro.sh), generates the network and input events, builds the Brian2
# cpp_standalone project once, then runs both sides alternately ROUNDS times, one thread each:
#   neuro run --model sparse.json --chip CHIP --input events.csv --steps STEPS --threads 1
#     (energy accounting and the default detailed timing model on; extra options in $NEURO_ARGS)
#   the compiled Brian2 binary (cd BUILD && ./main)
# and prints per round the wall seconds of each (whole process, and the simulation loop alone:
# neuro's performance.wallSeconds, Brian2's own run time from results/last_run_info.txt),
# synaptic events per second (spikes × dense fan-out, counted the same way on both sides), the
# process's CPU time (user + system: less sensitive than wall time to a loaded machine), peak
# resident memory (/usr/bin/time -v) and the ratio Brian2 time / neuro time; plus the load
# average at the start and the end.
# Usage: tools/bench/sparse_vs_brian2.sh [ROUNDS=3] [STEPS=10000] [CHIP=loihi2-like] [OUT_DIR]
# Needs python3-brian, python3-numpy, g++ and time (Debian: tools/bench/setup-peers.sh, apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
STEPS=${2:-10000}
CHIP=${3:-loihi2-like}
OUT=${4:-$(mktemp -d /tmp/neuro-sparse.XXXXXX)}
PY=/usr/bin/python3
BUILD="$OUT/brian2-build"
NEURO_DLL=${NEURO_DLL:-$(NEURO_BUILD=${NEURO_BUILD:-aot} tools/bench/build-neuro.sh "$OUT/neuro-bin")}
NEURO=$(tools/bench/neuro-command.sh "$NEURO_DLL")
$PY tools/bench/make-sparse-network.py "$OUT" --steps "$STEPS"
rm -rf "$BUILD"
echo "brian2 build (code generation and compilation, once): $($PY tools/bench/sparse_brian2.py build "$OUT" "$BUILD" --steps "$STEPS" 2>/dev/null | tail -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
results="$OUT/rounds.txt"
: > "$results"
for round in $(seq "$ROUNDS"); do
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$OUT/neuro.time" $NEURO run --model "$OUT/sparse.json" --chip "$CHIP" --input "$OUT/events.csv" \
    --steps "$STEPS" --threads 1 --json --quiet ${NEURO_ARGS:-} > "$OUT/neuro.json"
  (cd "$BUILD" && /usr/bin/time -v -o ../brian2.time ./main > /dev/null)
  $PY tools/bench/sparse_brian2.py collect "$BUILD" 2>/dev/null | tail -1 > "$OUT/brian2.json"
  $PY - "$OUT" "$round" "$results" <<'PY'
import json, sys
out, rnd, results = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def timed(path):
    fields = dict(line.strip().split(": ", 1) for line in open(path) if ": " in line)
    clock = [float(x) for x in fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")]
    wall = clock[-1] + 60 * clock[-2] + (3600 * clock[-3] if len(clock) > 2 else 0)
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    return wall, int(fields["Maximum resident set size (kbytes)"]) / 1024, cpu
n, b = json.load(open(f"{out}/neuro.json")), json.load(open(f"{out}/brian2.json"))
nw, nr, nc = timed(f"{out}/neuro.time")
bw, br, bc = timed(f"{out}/brian2.time")
r = {"round": rnd, "neuroWall": nw, "neuroSim": n["performance"]["wallSeconds"], "neuroEvents": n["perInference"]["synapticOps"],
     "neuroSpikes": n["perInference"]["spikes"], "neuroRssMb": nr, "brian2Wall": bw, "brian2Sim": b["simulationSeconds"],
     "brian2Events": b["synapticEvents"], "brian2Spikes": b["spikes"]["hidden"] + b["spikes"]["output"], "brian2RssMb": br,
     "neuroCpu": nc, "brian2Cpu": bc}
with open(results, "a") as f:
    f.write(json.dumps(r) + "\n")
print(f"round {rnd}: neuro {nw:.2f} s process ({nc:.2f} s CPU) / {r['neuroSim']:.3f} s simulation, {r['neuroEvents'] / r['neuroSim']:.3e} syn. events/s, {nr:.0f} MB"
      f" | brian2 {bw:.2f} s binary ({bc:.2f} s CPU) / {r['brian2Sim']:.3f} s simulation, {r['brian2Events'] / r['brian2Sim']:.3e} syn. events/s, {br:.0f} MB"
      f" | brian2/neuro time {bw / nw:.2f}x process, {bc / nc:.2f}x CPU, {r['brian2Sim'] / r['neuroSim']:.2f}x simulation")
PY
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
r = rows[0]
print(f"spikes (hidden + output): neuro {r['neuroSpikes']:,.0f}, brian2 {r['brian2Spikes']:,}; synaptic events: neuro {r['neuroEvents']:,.0f}, brian2 {r['brian2Events']:,}")
for kind, a, b in (("process", "brian2Wall", "neuroWall"), ("process CPU", "brian2Cpu", "neuroCpu"), ("simulation", "brian2Sim", "neuroSim")):
    ratios = sorted(x[a] / x[b] for x in rows)
    print(f"brian2/neuro time ({kind}): {ratios[0]:.2f}x – {ratios[-1]:.2f}x over {len(rows)} rounds "
          f"(best rounds: {min(x[a] for x in rows) / min(x[b] for x in rows):.2f}x)")
PY
