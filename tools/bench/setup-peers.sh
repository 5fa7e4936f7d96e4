#!/bin/sh
# Installs the peers the benchmarks compare against (Debian bookworm packages) and points the
# system BLAS at OpenBLAS, which Debian's python3-torch then uses (with the netlib
# reference BLAS PyTorch is about 5× slower; OpenBLAS is the fair comparison).
#   python3-torch        PyTorch 1.13 (CPU), for tools/bench/ep_torch.py
#   libopenblas0-pthread OpenBLAS with pthreads
#   python3-brian        Brian2, the spiking-simulator peer
set -eu
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3-torch python3-brian libopenblas0-pthread python3-numpy
# Prefer OpenBLAS for libblas.so.3 / liblapack.so.3 (it registers with a higher priority; make it explicit).
for lib in libblas.so.3 liblapack.so.3; do
  target=/usr/lib/x86_64-linux-gnu/openblas-pthread/$lib
  [ -e "$target" ] && $SUDO update-alternatives --set "$lib-x86_64-linux-gnu" "$target" || true
done
update-alternatives --display libblas.so.3-x86_64-linux-gnu | head -3
/usr/bin/python3 -c "import torch; print('torch', torch.__version__, 'threads', torch.get_num_threads())"
