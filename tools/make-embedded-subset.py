#!/usr/bin/env python3
"""Rebuild the Fashion-MNIST subset embedded in Neuromorphic.Core (src/Neuromorphic.Core/Data/Embedded).

Takes, in file order, the first 200 training and the first 100 test images of each class from
Debian's dataset-fashion-mnist (tools/get-data.sh installs it) and writes them as gzipped IDX files
with a zero timestamp, so that the output is byte-identical run after run.
Usage: tools/make-embedded-subset.py [SOURCE_DIR] [OUT_DIR]
"""
import gzip
import os
import struct
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "src", "Neuromorphic.Core", "Data", "Embedded")


def read(name):
    with gzip.open(os.path.join(SRC, name + ".gz"), "rb") as f:
        return f.read()


def subset(prefix, per_class):
    images = read(f"{prefix}-images-idx3-ubyte")
    labels = read(f"{prefix}-labels-idx1-ubyte")
    count, rows, cols = struct.unpack(">III", images[4:16])
    taken, counts = [], [0] * 10
    for i in range(count):
        label = labels[8 + i]
        if counts[label] < per_class:
            counts[label] += 1
            taken.append(i)
    size = rows * cols
    out_images = struct.pack(">IIII", 0x803, len(taken), rows, cols) + b"".join(images[16 + i * size:16 + (i + 1) * size] for i in taken)
    out_labels = struct.pack(">II", 0x801, len(taken)) + bytes(labels[8 + i] for i in taken)
    for name, data in ((f"{prefix}-images-idx3-ubyte", out_images), (f"{prefix}-labels-idx1-ubyte", out_labels)):
        with open(os.path.join(OUT, name + ".gz"), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
                f.write(data)
    print(f"{prefix}: {len(taken)} images")


os.makedirs(OUT, exist_ok=True)
subset("train", 200)
subset("t10k", 100)
