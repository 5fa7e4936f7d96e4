#!/usr/bin/env bash
# Accuracy, energy and latency per inference of trained models on the shipped chips: nominal Loihi
# (Davies and SANA-FE-calibrated costs), analog-style mismatch, and async timing with and without
# variability. Usage: tools/bench/chip-study.sh SAMPLES STEPS MODEL...   (prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/../.."
SAMPLES=${1:-1000}; STEPS=${2:-100}; shift 2
DATASET=fashion-mnist   # falls back to the embedded subset when dataset-fashion-mnist is not installed
dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null
echo "| model | chip | mode | chip accuracy | float accuracy | agreement | energy/inference (µJ) dynamic + static | latency mean (µs) |"
echo "|---|---|---|---|---|---|---|---|"
for model in "$@"; do
  for config in "loihi1 barrier" "loihi1-calibrated barrier" "analog-mismatch barrier" "loihi1-calibrated async" "loihi1-async-variable async"; do
    set -- $config
    dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll run --model "$model" --chip "$1" --mode "$2" --dataset "$DATASET" \
      --samples "$SAMPLES" --steps "$STEPS" --seed 1 --json --quiet | MODEL="$model" /usr/bin/python3 -c '
import json, os, sys
d = json.load(sys.stdin)
e = d["energyPerInference"]
row = [os.path.basename(os.environ["MODEL"]), d["chip"], d["mode"], "%.2f %%" % (100 * d["accuracy"]), "%.2f %%" % (100 * d["floatAccuracy"]),
       "%.1f %%" % (100 * d["chipAgreesWithFloat"]), "%.1f + %.1f" % (e["dynamicUj"], e["staticUj"]), "%.0f" % d["latencyPerInference"]["meanUs"]]
print("| " + " | ".join(row) + " |")'
  done
done
