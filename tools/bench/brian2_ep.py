#!/usr/bin/python3
"""Brian2 peer for `neuro run`: the same rate-coded network, simulated with Brian2's fastest
target (cpp_standalone, compiled C++), to compare simulated synaptic events per second.

The network is read from a neuromorphic.network/1 file (784 inputs → ep-rate hidden → ep-rate
output, with the symmetric feedback projection): each ep-rate neuron becomes the CUBA compartment
`neuro` maps it to (current decay = the neuron's dt, inputs scaled by dt, no voltage leak,
threshold 1, subtractive reset, v clamped to [0, 2]). Inputs are the same sigma-delta spike trains
`neuro` uses, from the same test images, one image per STEPS steps. Only the compiled
simulation's run time is timed (code generation and compilation are not).

Usage: /usr/bin/python3 tools/bench/brian2_ep.py MODEL.json [SAMPLES] [STEPS] [DATASET_DIR]
Prints one JSON line: synaptic events, wall seconds, events per second (1 thread).
"""
import gzip
import json
import os
import struct
import sys
import tempfile
import time

import numpy as np
from brian2 import (Network, NeuronGroup, Synapses, SpikeGeneratorGroup, SpikeMonitor, defaultclock, device, ms, prefs,
                    set_device)

model_path = sys.argv[1]
samples = int(sys.argv[2]) if len(sys.argv) > 2 else 100
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 100
data_dir = sys.argv[4] if len(sys.argv) > 4 else "/usr/share/datasets/fashion-mnist"
if not os.path.isdir(data_dir):
    data_dir = os.path.join(os.path.dirname(__file__), "..", "..", "src", "Neuromorphic.Core", "Data", "Embedded")

net = json.load(open(model_path))
base = os.path.dirname(os.path.abspath(model_path))
pops = {p["name"]: p for p in net["populations"]}


def weights(proj):
    w = proj["weights"]
    pre, post = pops[proj["from"]]["size"], pops[proj["to"]]["size"]
    if isinstance(w, dict):
        data = np.fromfile(os.path.join(base, w["file"]), dtype="<f4").reshape(post, pre)
    else:
        data = np.array(w, dtype=np.float32)
    return data


projs = {}
for p in net["projections"]:
    if "weights" in p:
        projs[f'{p["from"]}->{p["to"]}'] = (p["from"], p["to"], weights(p))
for p in net["projections"]:
    if "transposeOf" in p:
        src = projs[p["transposeOf"]]
        projs[f'{p["from"]}->{p["to"]}'] = (p["from"], p["to"], src[2].T.copy())


def per_neuron(value, size):
    return np.array(value if isinstance(value, list) else [value] * size, dtype=np.float64)


# Sigma-delta input spikes, exactly as neuro's SigmaDeltaInput (phase += x; spike if phase > 1/2; phase -= 1).
with gzip.open(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"), "rb") as f:
    raw = f.read()
count, rows, cols = struct.unpack(">III", raw[4:16])
images = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows * cols)[:samples]
indices, times = [], []
for s, image in enumerate(images):
    rate = image.astype(np.float32) / np.float32(255)
    phase = np.zeros_like(rate)
    for t in range(steps):
        phase = phase + rate
        spike = phase > np.float32(0.5)
        phase = np.where(spike, phase - np.float32(1), phase)
        idx = np.nonzero(spike)[0]
        indices.append(idx)
        times.append(np.full(idx.shape, s * steps + t))
indices = np.concatenate(indices)
times = np.concatenate(times)

set_device("cpp_standalone", build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = 1 * ms
input_name = next(p["name"] for p in net["populations"] if p["model"] == "input")
groups = {input_name: SpikeGeneratorGroup(pops[input_name]["size"], indices, times * ms)}
eqs = """
du/dt = -decay_u * u / ms : 1
dv/dt = (u + bias) / ms : 1
decay_u : 1 (constant)
bias : 1 (constant)
"""
for name, p in pops.items():
    if p["model"] != "ep-rate":
        continue
    g = NeuronGroup(p["size"], eqs, threshold="v > 1", reset="v -= 1", method="euler", name=name.replace("-", "_"))
    g.decay_u = per_neuron(p["params"]["dt"], p["size"])
    g.bias = per_neuron(p["params"].get("bias", 0), p["size"])
    g.run_regularly("v = clip(v, 0, 2)", when="after_thresholds")
    groups[name] = g

fanout = {}
synapses = []
for key, (pre, post, w) in projs.items():
    dt_post = per_neuron(pops[post]["params"]["dt"], pops[post]["size"]) if pops[post]["model"] == "ep-rate" else 1.0
    scaled = (w * np.asarray(dt_post)[:, None]).astype(np.float64)   # [post][pre], inputs scaled by dt as neuro maps them
    s = Synapses(groups[pre], groups[post], "w : 1", on_pre="u_post += w")
    j, i = np.meshgrid(np.arange(w.shape[0]), np.arange(w.shape[1]), indexing="ij")
    s.connect(i=i.ravel(), j=j.ravel())
    s.w = scaled.ravel()
    synapses.append(s)
    fanout[pre] = fanout.get(pre, 0) + w.shape[0]

monitors = {name: SpikeMonitor(g) for name, g in groups.items()}
network = Network(*groups.values(), *synapses, *monitors.values())
network.run(samples * steps * ms)
build_dir = tempfile.mkdtemp(prefix="brian2-neuro-")
device.build(directory=build_dir, compile=True, run=False, with_output=False)
start = time.perf_counter()
device.run(directory=build_dir, with_output=False, run_args=[])
wall = time.perf_counter() - start
events = sum(int(monitors[name].num_spikes) * fanout.get(name, 0) for name in groups)
print(json.dumps({"peer": "brian2 cpp_standalone", "brian2": __import__("brian2").__version__, "samples": samples, "steps": steps,
                  "synapticEvents": events, "wallSeconds": round(wall, 4), "synapticEventsPerSecond": round(events / wall),
                  "threads": 1}))
