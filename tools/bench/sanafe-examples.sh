#!/usr/bin/env bash
# Imports SANA-FE's own bundled examples (arch/example_chip.yaml, arch/loihi.yaml; snn/example_snn.yaml,
# snn/conv.yaml, snn/dvs.yaml) from a checkout the user has, runs them in neuro and in SANA-FE under both
# timing models and prints a table of their totals. Copies none of SANA-FE's files.
#   tools/bench/sanafe-examples.sh SANAFE_DIR [OUT_DIR]
# SANAFE_DIR is a built checkout of SLAM-Lab/SANA-FE (its sources and build/sim); SANAFE_SIM overrides the executable.
set -euo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 SANAFE_DIR [OUT_DIR]" >&2; exit 2; fi
here="$(cd "$(dirname "$0")/../.." && pwd)"
src="$1"
[ -d "$src/arch" ] || { [ -d "$src/src-sanafe/arch" ] && src="$src/src-sanafe"; }
[ -d "$src/arch" ] && [ -d "$src/snn" ] || { echo "no arch/ and snn/ folders in $1" >&2; exit 2; }
sim="${SANAFE_SIM:-}"
if [ -z "$sim" ]; then
  for candidate in "$1/build/sim" "$1/sim" "$src/build/sim"; do [ -x "$candidate" ] && sim="$candidate" && break; done
fi
if [ -z "$sim" ] || [ ! -x "$sim" ]; then echo "no SANA-FE executable in $1 (build/sim or sim); set SANAFE_SIM" >&2; exit 2; fi
out="${2:-$(mktemp -d)}"
cd "$here"
dotnet build src/Neuromorphic.Cli -c Release -v quiet >/dev/null
python3 tools/bench/sanafe_examples.py --sanafe "$(realpath "$src")" --sim "$(realpath "$sim")" \
  --neuro "dotnet $here/src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll" --out "$(realpath -m "$out")"
echo "outputs in $out"
