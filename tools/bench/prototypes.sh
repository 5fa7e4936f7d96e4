#!/usr/bin/env bash
# Accuracy of a model against the number of compartment prototypes per core: loihi1 with 4, 8, 16, 32
# prototypes (decays clustered into them, with and without compensating the clustered neurons' input
# gains) and without a limit (every neuron's own decay). Prints a Markdown table.
#   tools/bench/prototypes.sh MODEL [SAMPLES=1000] [STEPS=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=$(realpath "${1:?usage: $0 MODEL [SAMPLES] [STEPS]}"); SAMPLES=${2:-1000}; STEPS=${3:-100}
DATASET=fashion-mnist   # falls back to the embedded subset when dataset-fashion-mnist is not installed
PYTHON=${PYTHON:-/usr/bin/python3}
dotnet build src/Neuromorphic.Cli -c Release -v quiet > /dev/null
neuro() { dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll "$@"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "| prototypes per core | decays | cores | input-gain error mean / max | chip accuracy | float accuracy | agreement |"
echo "|---|---|---|---|---|---|---|"
for p in 4 8 16 32 0; do
  chip="$work/loihi1-p$p.json"
  printf '{ "schema": "neuromorphic.chip/1", "extends": "loihi1", "name": "loihi1-p%s", "provenance": "loihi1 with %s compartment prototypes per core (tools/bench/prototypes.sh)", "core": { "limits": { "compartmentPrototypes": %s } } }\n' "$p" "$p" "$p" > "$chip"
  if [ "$p" = 0 ]; then variants="exact:"; else variants="compensated:--prototypes=cluster uncompensated:--prototypes=cluster,--no-decay-compensation"; fi
  for variant in $variants; do
    name=${variant%%:*}; flags=$(echo "${variant#*:}" | tr ',=' '  ')
    # shellcheck disable=SC2086
    neuro map --model "$MODEL" --chip "$chip" --out "$work/m.json" $flags --json --quiet > "$work/map.json"
    neuro run --model "$MODEL" --chip "$chip" --mapping "$work/m.json" --dataset "$DATASET" --samples "$SAMPLES" --steps "$STEPS" --seed 1 \
      --json --quiet > "$work/run.json"
    P="$p" NAME="$name" "$PYTHON" - "$work/map.json" "$work/run.json" <<'PY'
import json, os, sys
m, r = (json.load(open(f)) for f in sys.argv[1:3])
p = os.environ["P"]
compensated = os.environ["NAME"] != "uncompensated"
mean = m["gainMeanError"] if compensated else m["gainMeanErrorUncompensated"]
worst = m["gainMaxError"] if compensated else m["gainMaxErrorUncompensated"]
decays = {"exact": "own (no limit)", "compensated": "clustered, gains compensated", "uncompensated": "clustered, not compensated"}[os.environ["NAME"]]
print(f"| {'unlimited' if p == '0' else p} | {decays} | {m['cores']} | {100 * mean:.3f} % / {100 * worst:.2f} % | "
      f"{100 * r['accuracy']:.2f} % | {100 * r['floatAccuracy']:.2f} % | {100 * r['chipAgreesWithFloat']:.1f} % |")
PY
  done
done
