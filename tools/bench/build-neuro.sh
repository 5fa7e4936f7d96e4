#!/usr/bin/env bash
# Publishes neuro for timing runs and prints the path to run it with (tools/bench/neuro-command.sh
# turns it into a command line). Usage: tools/bench/build-neuro.sh [OUT_DIR] (default: /tmp/neuro-bench).
#   NEURO_BUILD=r2r (default): Release, framework-dependent, ReadyToRun (precompiled start-up code;
#     without it about 0.3–0.4 s of CPU per process goes into JIT compilation); prints OUT_DIR/neuro.dll.
#   NEURO_BUILD=aot: NativeAOT for this machine's instruction set (IlcInstructionSet=native), the
#     analogue of a peer's binary compiled with -march=native: no JIT and no runtime start-up at all;
#     prints OUT_DIR/neuro. Takes 10–30 minutes on a loaded 2-core machine. Reflection-based JSON stays
#     enabled (two calls serialize strings and primitives), and trimming/AOT analysis warnings (from
#     JsonNode.Add<T> on primitives, Orleans and Newtonsoft.Json, none on the run or train paths) do not
#     fail this measurement build; its outputs are byte-identical to the ReadyToRun build's
#     (tools/bench/README.md, "Engine performance").
# Needs NuGet for the Crossgen2/ILCompiler and runtime packs of the SDK's version.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/neuro-bench}
case ${NEURO_BUILD:-r2r} in
  r2r)
    dotnet publish src/Neuromorphic.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$OUT" -v quiet > /dev/null
    echo "$OUT/neuro.dll" ;;
  aot)
    dotnet publish src/Neuromorphic.Cli -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=native \
      -p:JsonSerializerIsReflectionEnabledByDefault=true -p:TreatWarningsAsErrors=false -o "$OUT" -v quiet > /dev/null
    echo "$OUT/neuro" ;;
  *) echo "NEURO_BUILD must be r2r or aot, got '${NEURO_BUILD}'" >&2; exit 2 ;;
esac
