#!/usr/bin/env python3
"""Write a large synthetic network for mapping-scale benchmarks: a chain of LAYERS populations of
SIZE cuba-lif neurons (the first is the input), each projecting densely onto the next.
Defaults: 1000 × 100 = 100,000 neurons and 999 × 100 × 100 ≈ 10 million synapses.
Usage: tools/bench/make-chain-network.py OUT_DIR [LAYERS] [SIZE] [SEED]
Then:  neuro map --model OUT_DIR/chain.json --chip loihi1-nahuku32 --out OUT_DIR/chain.map.json --json
"""
import json
import os
import random
import struct
import sys

out = sys.argv[1]
layers = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
size = int(sys.argv[3]) if len(sys.argv) > 3 else 100
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
os.makedirs(out, exist_ok=True)
pops = [{"name": "l0", "size": size, "model": "input"}]
for k in range(1, layers):
    pops.append({"name": f"l{k}", "size": size, "model": "cuba-lif",
                 "params": {"tauCurrent": 4, "tauVoltage": 16, "threshold": 1.0}})
projections = []
for k in range(1, layers):
    name = f"chain.{k - 1}.f32"
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack(f"<{size * size}f", *(rng.uniform(-0.2, 0.3) for _ in range(size * size))))
    projections.append({"from": f"l{k - 1}", "to": f"l{k}", "weights": {"file": name, "shape": [size, size]}})
with open(os.path.join(out, "chain.json"), "w") as f:
    json.dump({"schema": "neuromorphic.network/1", "name": f"chain-{layers}x{size}", "populations": pops,
               "projections": projections, "readout": {"population": f"l{layers - 1}"}}, f)
print(f"{layers * size} neurons, {(layers - 1) * size * size} synapses in {out}/chain.json")
