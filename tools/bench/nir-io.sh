#!/bin/sh
# NIR file I/O, ours (BenchmarkDotNet) and NIR's reference implementation (needs `python3 -c "import nir"` to work),
# side by side on the same 784-500-10 file. Run from the repository root.
set -e
nice -n 10 dotnet run -c Release --project tests/Neuromorphic.Benchmarks -- --filter '*NirBenchmarks*' "$@"
nice -n 10 python3 tools/bench/nir-peer.py
