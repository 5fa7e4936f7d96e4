#!/usr/bin/env python3
"""Times NIR's reference implementation (the `nir` Python package, with h5py) reading and writing
the file NirBenchmarks writes, as the peer of NirFile.Read / NirFile.Write.

    python3 tools/bench/nir-peer.py [FILE]    # default: $TMPDIR/neuro-bench/mlp-784-500-10.nir
"""
import os
import statistics
import sys
import tempfile
import time

import nir

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "neuro-bench", "mlp-784-500-10.nir")
if not hasattr(nir, "version"):
    nir.version = "1.0.0"  # nir.write needs it; a source checkout without package metadata lacks it
reads, writes = [], []
out = os.path.join(os.path.dirname(path), "written-by-nir.nir")
for _ in range(15):
    t0 = time.perf_counter()
    graph = nir.read(path)
    t1 = time.perf_counter()
    nir.write(out, graph)
    t2 = time.perf_counter()
    reads.append(t1 - t0)
    writes.append(t2 - t1)
print(f"nir.read  median {statistics.median(reads) * 1e3:.1f} ms (min {min(reads) * 1e3:.1f})")
print(f"nir.write median {statistics.median(writes) * 1e3:.1f} ms (min {min(writes) * 1e3:.1f})")
