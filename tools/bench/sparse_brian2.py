#!/usr/bin/python3
"""Brian2 side of the sparse LIF benchmark (tools/bench/make-sparse-network.py): the same network
file and input events as `neuro run`, simulated with Brian2's cpp_standalone target (compiled C++,
one thread, no OpenMP).

The dynamics are the network contract's discrete update, written as explicit difference
equations (no ODE integrator), dt = 1 ms, one Brian2 time step per algorithmic step:
  groups slot      u ← u·(1 − 1/τ_u) + inp;  inp ← 0;  v ← v·(1 − 1/τ_v) + u  (v ← 0 and the
                   refractory counter counts down while it is > 0)
  thresholds slot  spike when v > threshold
  synapses slot    inp_post += w for every synapse of every spike of this step (so a spike of
                   step t moves its targets at step t + 1, the contract's one-step delay)
  resets slot      v ← 0 (reset "zero") or v ← v − threshold ("subtract"); counter ← refractory
An input event at CSV step s (from 1) is emitted by a SpikeGeneratorGroup at time (s − 1) ms;
Brian2 time index j (from 0) is contract step j + 1.

  sparse_brian2.py build NET_DIR BUILD_DIR [--steps N] [--record] [--float32] [--strict-fp]
      generate and compile the project once (prints the build seconds as JSON);
      --record keeps every spike (for the agreement check), otherwise only per-neuron counts;
      --float32 uses single precision like `neuro run --ideal` (default: Brian2's float64);
      --strict-fp compiles without -ffast-math and with -ffp-contract=off (no FMA contraction).
  (cd BUILD_DIR && ./main)                       run the compiled simulation (time this)
  sparse_brian2.py collect BUILD_DIR [--spikes OUT.csv]
      read the results of the last run: spikes per population, synaptic events (spikes × the
      dense fan-out, counted as neuro counts them), the simulation's own run time; --spikes
      writes population.index,step lines (contract steps, from 1).
  sparse_brian2.py run NET_DIR BUILD_DIR [...]   build, run once and collect (one call)
  sparse_brian2.py compare NEURO_SPIKES.csv BRIAN2_SPIKES.csv
      agreement of two spike lists (neuro's `trace export` spikes.csv, or neuron,step lines):
      spikes per population, and the share of (neuron, step) pairs in common, with neuro's
      steps as exported and shifted by +1 and −1.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

INFO = "neuro-bench.json"


def load_network(net_dir):
    net = json.load(open(os.path.join(net_dir, "sparse.json")))
    pops = {p["name"]: p for p in net["populations"]}
    projections = []
    for p in net["projections"]:
        pre, post = pops[p["from"]]["size"], pops[p["to"]]["size"]
        w = p["weights"]
        data = (np.fromfile(os.path.join(net_dir, w["file"]), dtype="<f4").reshape(post, pre) if isinstance(w, dict)
                else np.array(w, dtype=np.float32))
        projections.append((p["from"], p["to"], data))
    events = np.loadtxt(os.path.join(net_dir, "events.csv"), delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    return net, pops, projections, events


def per_neuron(value, size, dtype=np.float64):
    return np.array(value if isinstance(value, list) else [value] * size, dtype=dtype)


def build(args):
    import brian2
    from brian2 import (Network, NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses, defaultclock, device, ms,
                        prefs, set_device)

    net, pops, projections, events = load_network(args.net_dir)
    set_device("cpp_standalone", build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0
    ftype = np.float32 if args.float32 else np.float64
    if args.float32:
        prefs.core.default_float_dtype = np.float32
    if args.strict_fp:
        prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O3", "-march=native", "-ffp-contract=off", "-std=c++11"]
    defaultclock.dt = 1 * ms

    input_name = next(name for name, p in pops.items() if p["model"] == "input")
    steps0 = events[:, 0] - 1                                        # emitted at Brian2 time index s − 1
    groups = {input_name: SpikeGeneratorGroup(pops[input_name]["size"], events[:, 1], steps0 * ms, name=input_name)}
    eqs = """
    u : 1
    v : 1
    inp : 1
    ku : 1 (constant)
    kv : 1 (constant)
    bias : 1 (constant)
    theta : 1 (constant)
    refc : integer
    """
    update = """
    u = u * ku + inp
    inp = 0
    isref = int(refc > 0)
    v = (v * kv + u + bias) * (1 - isref)
    refc = refc - isref
    """
    for name, p in pops.items():
        if p["model"] != "cuba-lif":
            continue
        q, n = p["params"], p["size"]
        if q.get("vMin") is not None or q.get("vMax") is not None or q.get("currentBias"):
            sys.exit(f"population {name}: vMin/vMax/currentBias are not supported by this script")
        reset = "v = 0" if q.get("reset", "zero") == "zero" else "v = v - theta"
        refractory = int(q.get("refractory", 0))
        g = NeuronGroup(n, eqs, threshold="v > theta", reset=f"{reset}\nrefc = {refractory}", name=name)

        def keep(tau):
            # 1 − 1/τ exactly as neuro computes it in float (decay = (float)(1/τ), then 1f − decay); no leak for null.
            if tau is None:
                return np.ones(n, dtype=ftype)
            decay = (1.0 / per_neuron(tau, n)).astype(ftype)
            return (ftype(1) - decay).astype(ftype)

        g.ku = keep(q.get("tauCurrent", 1))
        g.kv = keep(q.get("tauVoltage"))
        g.bias = per_neuron(q.get("bias", 0), n, ftype)
        g.theta = per_neuron(q["threshold"], n, ftype)
        g.run_regularly(update, when="groups")
        groups[name] = g

    synapses, fanout = [], {}
    for order, (pre, post, matrix) in enumerate(projections):
        s = Synapses(groups[pre], groups[post], "w : 1", on_pre="inp_post += w", order=order, name=f"syn_{pre}_{post}")
        j, i = np.meshgrid(np.arange(matrix.shape[0]), np.arange(matrix.shape[1]), indexing="ij")   # [post][pre]
        s.connect(i=i.ravel(), j=j.ravel())
        s.w = matrix.ravel().astype(np.float64)
        synapses.append(s)
        fanout[pre] = fanout.get(pre, 0) + matrix.shape[0]

    monitors = {name: SpikeMonitor(g, record=args.record, name=f"spikes_{name}") for name, g in groups.items()}
    network = Network(*groups.values(), *synapses, *monitors.values())
    network.run(args.steps * ms)
    os.makedirs(args.build_dir, exist_ok=True)
    start = time.perf_counter()
    device.build(directory=args.build_dir, compile=True, run=False, with_output=False)
    build_seconds = time.perf_counter() - start
    files = {}
    for name, m in monitors.items():
        entry = {"count": device.get_array_filename(m.variables["count"]), "size": pops[name]["size"]}
        if args.record:
            entry["i"] = device.get_array_filename(m.variables["i"])
            entry["t"] = device.get_array_filename(m.variables["t"])
            entry["tDtype"] = np.dtype(m.variables["t"].dtype).str
        files[name] = entry
    info = {"peer": "brian2 cpp_standalone", "brian2": brian2.__version__, "steps": args.steps, "record": args.record,
            "float": "float32" if args.float32 else "float64", "strictFp": args.strict_fp,
            "compileArgs": prefs.codegen.cpp.extra_compile_args_gcc, "fanout": fanout, "files": files,
            "buildSeconds": round(build_seconds, 2)}
    with open(os.path.join(args.build_dir, INFO), "w") as f:
        json.dump(info, f, indent=1)
    return info


def collect(build_dir, spikes_csv=None):
    info = json.load(open(os.path.join(build_dir, INFO)))
    spikes, events, rows = {}, 0, []
    for name, entry in info["files"].items():
        count = np.fromfile(os.path.join(build_dir, entry["count"]), dtype=np.int32)
        assert count.size == entry["size"], (name, count.size)
        spikes[name] = int(count.sum())
        events += spikes[name] * info["fanout"].get(name, 0)
        if spikes_csv and "i" in entry:
            i = np.fromfile(os.path.join(build_dir, entry["i"]), dtype=np.int32)
            t = np.fromfile(os.path.join(build_dir, entry["t"]), dtype=np.dtype(entry["tDtype"]))
            step = np.rint(t / 1e-3).astype(np.int64) + 1                  # Brian2 time index j → contract step j + 1
            rows += [f"{name}.{a},{b}\n" for a, b in zip(i.tolist(), step.tolist())]
    run_seconds, fraction = (float(x) for x in open(os.path.join(build_dir, "results", "last_run_info.txt")).read().split())
    if spikes_csv:
        with open(spikes_csv, "w") as f:
            f.write("neuron,step\n")
            f.writelines(rows)
    return {"peer": info["peer"], "brian2": info["brian2"], "steps": info["steps"], "float": info["float"],
            "spikes": spikes, "synapticEvents": events, "simulationSeconds": round(run_seconds, 4),
            "completed": fraction, "buildSeconds": info["buildSeconds"]}


def read_spikes(path):
    """(neuron, step) pairs of a spikes CSV with a header naming the columns neuron and step; input spikes dropped."""
    lines = open(path).read().splitlines()
    header = lines[0].split(",")
    n, t = header.index("neuron"), header.index("step")
    pairs = set()
    for line in lines[1:]:
        cols = line.split(",")
        if not cols[n].startswith("input."):
            pairs.add((cols[n], int(cols[t])))
    return pairs


def compare(ours_path, theirs_path):
    ours, theirs = read_spikes(ours_path), read_spikes(theirs_path)
    per_pop = {}
    for name, pairs in (("neuro", ours), ("brian2", theirs)):
        for neuron, _ in pairs:
            key = (name, neuron.split(".")[0])
            per_pop[key] = per_pop.get(key, 0) + 1
    result = {"neuroSpikes": len(ours), "brian2Spikes": len(theirs),
              "perPopulation": {f"{a}.{b}": c for (a, b), c in sorted(per_pop.items())}}
    for shift in (0, 1, -1):
        shifted = {(neuron, step + shift) for neuron, step in ours}
        common = len(shifted & theirs)
        union = len(shifted | theirs)
        result[f"shift{shift:+d}"] = {"common": common, "shareOfUnion": round(common / max(1, union), 6),
                                      "shareOfBrian2": round(common / max(1, len(theirs)), 6)}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "run"):
        p = sub.add_parser(name)
        p.add_argument("net_dir")
        p.add_argument("build_dir")
        p.add_argument("--steps", type=int, default=10000)
        p.add_argument("--record", action="store_true")
        p.add_argument("--float32", action="store_true")
        p.add_argument("--strict-fp", action="store_true")
        p.add_argument("--spikes")
    p = sub.add_parser("compare")
    p.add_argument("ours")
    p.add_argument("theirs")
    p = sub.add_parser("collect")
    p.add_argument("build_dir")
    p.add_argument("--spikes")
    args = parser.parse_args()
    if args.command == "compare":
        print(json.dumps(compare(args.ours, args.theirs), indent=1))
        return
    if args.command == "collect":
        print(json.dumps(collect(args.build_dir, args.spikes)))
        return
    if args.spikes:
        args.record = True
    info = build(args)
    if args.command == "build":
        print(json.dumps({"buildSeconds": info["buildSeconds"], "buildDir": args.build_dir, "float": info["float"]}))
        return
    start = time.perf_counter()
    subprocess.run(["./main"], cwd=args.build_dir, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    result = collect(args.build_dir, args.spikes)
    result["wallSeconds"] = round(wall, 4)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
