#!/usr/bin/env bash
# Bytes per record and per inference of neuromorphic.trace/1 files, at every trace level, with and
# without compression, on synthetic runs (neuro trace synth: 64 steps x 16 cores x 784 inputs per
# inference unless overridden). Usage: tools/bench/trace-sizes.sh [INFERENCES] [extra synth options]
# Needs a Release build of the CLI (dotnet build src/Neuromorphic.Cli -c Release) and jq.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
neuro=(dotnet "$root/src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll")
inferences="${1:-20}"
shift || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

printf '%-9s %-8s %-8s %12s %12s %10s %10s %10s %10s %10s\n' level codec shuffle file_bytes bytes/inf \
  input/rec step/rec spike/rec msg/rec summ/rec
for level in summary counters spikes messages; do
  for codec in none deflate brotli; do
    for shuffle in yes no; do
      [[ $codec == none && $shuffle == no ]] && continue
      extra=()
      [[ $shuffle == no ]] && extra+=(--no-shuffle)
      json="$("${neuro[@]}" trace synth --out "$work/t.trace" --inferences "$inferences" --level "$level" \
        --compression "$codec" "${extra[@]}" --quiet --json "$@")"
      echo "$json" | jq -r --arg level "$level" --arg codec "$codec" --arg shuffle "$shuffle" '
        def per(k): if .kinds[k].records == 0 then "-" else (.kinds[k].bytesPerRecord * 100 | round / 100 | tostring) end;
        [$level, $codec, (if $codec == "none" then "-" else $shuffle end), (.fileBytes|tostring),
         ((.fileBytes / .inferences) | round | tostring),
         per("inputEvents"), per("coreSteps"), per("spikes"), per("messages"), per("inferences")] | @tsv' |
        awk -F'\t' '{ printf "%-9s %-8s %-8s %12s %12s %10s %10s %10s %10s %10s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
    done
  done
done
