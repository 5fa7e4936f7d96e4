#!/usr/bin/env python3
"""Rewrites a NIR file the way NIR's nir.write does (h5py, libhdf5): numeric arrays gzip-compressed,
strings as variable-length UTF-8. Used once to make tests/Neuromorphic.Tests/Nir/Fixtures/gzip-libhdf5.nir
from `neuro export nir --model Fixtures/gzip-libhdf5.source.json`, so that a test checks that PureHDF
reads what libhdf5 compresses. Needs python3-h5py (Debian).

    python3 tools/make-nir-gzip-fixture.py IN.nir OUT.nir
"""
import sys

import h5py
import numpy as np


def copy(src, dst):
    for key, item in src.items():
        if isinstance(item, h5py.Group):
            copy(item, dst.create_group(key))
            continue
        data = item[()]
        if h5py.check_string_dtype(item.dtype) is not None:
            dst.create_dataset(key, data=data, dtype=h5py.string_dtype())
        elif isinstance(data, np.ndarray) and data.ndim > 0:
            dst.create_dataset(key, data=data, dtype=data.dtype, compression="gzip")
        else:
            dst.create_dataset(key, data=data)


with h5py.File(sys.argv[1], "r") as src, h5py.File(sys.argv[2], "w", libver="latest") as dst:
    copy(src, dst)
