#!/usr/bin/env bash
# Installs the full Fashion-MNIST dataset (60,000 training and 10,000 test images) from Debian.
# `neuro` then finds it in /usr/share/datasets/fashion-mnist without any flag.
# Without it, neuro uses the 2,000 + 1,000 image subset embedded in the build.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! apt-cache show dataset-fashion-mnist >/dev/null 2>&1; then
  $SUDO apt-get update
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y dataset-fashion-mnist
dpkg -L dataset-fashion-mnist | grep -E 'idx[13]-ubyte' || true
