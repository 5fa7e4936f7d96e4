#!/usr/bin/env bash
# Latency and energy per inference against the number of cores: the model mapped with
# --objective latency under a core budget (--max-cores N; below the cores that spreading the
# prototypes needs, the mapper clusters decays instead), plus the default mapping, each run on the
# same images. Writes cores.csv, cores.md and cores.png (latency and energy against cores) to OUT_DIR.
#   tools/bench/cores-sweep.sh MODEL [CHIP=loihi1] [SAMPLES=200] [OUT_DIR=cores-sweep] [BUDGETS="4 8 ..."]
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=$(realpath "${1:?usage: $0 MODEL [CHIP] [SAMPLES] [OUT_DIR] [BUDGETS]}"); CHIP=${2:-loihi1}; SAMPLES=${3:-200}; OUT=${4:-cores-sweep}
BUDGETS=${5:-"4 8 12 16 24 32 48 64 96 128"}
DATASET=fashion-mnist   # falls back to the embedded subset when dataset-fashion-mnist is not installed
PYTHON=${PYTHON:-/usr/bin/python3}
dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null
neuro() { dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll "$@"; }
mkdir -p "$OUT"
echo "objective,max_cores,cores,prototypes,predicted_step_us,accuracy,latency_mean_us,dynamic_uj,static_uj,total_uj" > "$OUT/cores.csv"
run() {   # objective budget flags...
  local objective=$1 budget=$2; shift 2
  neuro map --model "$MODEL" --chip "$CHIP" --out "$OUT/map.json" --objective "$objective" "$@" --json --quiet > "$OUT/map-out.json"
  neuro run --model "$MODEL" --chip "$CHIP" --mapping "$OUT/map.json" --dataset "$DATASET" --samples "$SAMPLES" --seed 1 --json --quiet > "$OUT/run-out.json"
  OBJ="$objective" BUDGET="$budget" "$PYTHON" - "$OUT/map-out.json" "$OUT/run-out.json" >> "$OUT/cores.csv" <<'PY'
import json, os, sys
m, r = (json.load(open(f)) for f in sys.argv[1:3])
e = r["energyPerInference"]
print(",".join(str(x) for x in [os.environ["OBJ"], os.environ["BUDGET"], m["cores"], m["prototypes"], m["predictedStepPs"]["detailed"] / 1e6,
      r["accuracy"], r["latencyPerInference"]["meanUs"], e["dynamicUj"], e["staticUj"], e["totalUj"]]))
PY
}
run cores ""
for n in $BUDGETS; do run latency "$n" --max-cores "$n"; done
rm -f "$OUT/map.json" "$OUT/map-out.json" "$OUT/run-out.json"
"$PYTHON" - "$OUT" "$CHIP" "$SAMPLES" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
out, chip, samples = sys.argv[1:4]
rows = list(csv.DictReader(open(f"{out}/cores.csv")))
with open(f"{out}/cores.md", "w") as md:
    md.write("| objective | core budget | cores | prototypes | predicted step, all firing (µs) | accuracy | latency mean (µs) | energy dynamic + static (µJ) |\n")
    md.write("|---|---|---|---|---|---|---|---|\n")
    for r in rows:
        md.write(f"| {r['objective']} | {r['max_cores'] or '–'} | {r['cores']} | {r['prototypes']} | {float(r['predicted_step_us']):.1f} | "
                 f"{100 * float(r['accuracy']):.1f} % | {float(r['latency_mean_us']):,.0f} | {float(r['dynamic_uj']):.1f} + {float(r['static_uj']):.1f} |\n")
sweep = sorted((r for r in rows if r["objective"] == "latency"), key=lambda r: int(r["cores"]))
default = next(r for r in rows if r["objective"] == "cores")
fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
cores = [int(r["cores"]) for r in sweep]
a.plot(cores, [float(r["latency_mean_us"]) for r in sweep], "o-", label="--objective latency --max-cores N")
a.plot([int(default["cores"])], [float(default["latency_mean_us"])], "s", color="C3", label="default (--objective cores)")
a.set_xlabel("cores"); a.set_ylabel("mean latency per inference (µs)"); a.set_yscale("log"); a.grid(alpha=0.3); a.legend()
b.plot(cores, [float(r["total_uj"]) for r in sweep], "o-", label="total")
b.plot(cores, [float(r["dynamic_uj"]) for r in sweep], "^--", label="dynamic")
b.plot(cores, [float(r["static_uj"]) for r in sweep], "v--", label="static")
b.plot([int(default["cores"])], [float(default["total_uj"])], "s", color="C3", label="default, total")
b.set_xlabel("cores"); b.set_ylabel("energy per inference (µJ)"); b.grid(alpha=0.3); b.legend()
fig.suptitle(f"demo model on {chip}: latency and energy per inference against cores ({samples} images, barrier, detailed timing)")
fig.tight_layout()
fig.savefig(f"{out}/cores.png", dpi=110)
print(open(f"{out}/cores.md").read())
PY
