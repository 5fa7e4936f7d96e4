#!/usr/bin/env python3
"""Runs the same small networks in neuro and in SANA-FE and compares spikes, energy and latency.

Usage: sanafe_peer.py --sim SANAFE_SIM --neuro "dotnet .../neuro.dll" --out DIR

Everything SANA-FE reads is generated here from our own descriptions: an architecture file with
loihi1-calibrated's per-event costs on a 2 x 2 mesh of 4-core tiles (SANA-FE's tile ids run down
the columns: id = x * height + y), and one SNN file per network with the placement neuro's mapping
chose. Nothing of SANA-FE is copied or built here; it is a program the user built (GPL-3.0,
SLAM-Lab/SANA-FE) and runs on files we write. The networks use values that both tools represent
exactly (multiples of 1/64 where SANA-FE truncates the potential), tau_u = 1, and neuro's --ideal
float arithmetic, so their dynamics are the same and any difference is in the accounting or the
timing models.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys

WIDTH, HEIGHT, CORES_PER_TILE = 2, 2, 4
COSTS = {  # loihi1-calibrated (chip-models/loihi1-calibrated.json), pJ and ns
    "access": (51.2, 6.0), "update": (21.6, 3.7), "spike": (69.3, 30.0), "out": (111.0, 5.1), "in": (0.0, 16.0),
    "synapse": (35.5, 3.8), "ns_hop": (4.2, 6.5), "ew_hop": (3.0, 4.1),
}
BARRIER_NS = {1: 600, 2: 1000, 4: 1400}


def chip_json(link_buffer):
    return {
        "schema": "neuromorphic.chip/1", "extends": "loihi1-calibrated", "name": f"mini-loihi-{link_buffer}",
        "provenance": "tools/bench/sanafe_peer.py: loihi1-calibrated on a 2 x 2 mesh of 4-core tiles",
        "mesh": {"width": WIDTH, "height": HEIGHT, "coresPerTile": CORES_PER_TILE, "linkBufferMessages": link_buffer},
    }


def arch_yaml(link_buffer, inputs_per_core):
    e = lambda pj: f"{pj}e-12"
    t = lambda ns: f"{ns}e-9"
    c = COSTS
    sync = ", ".join(f"{k}: {v}e-9" for k, v in BARRIER_NS.items())
    return f"""architecture:
  name: mini_loihi_{link_buffer}
  attributes: {{width: {WIDTH}, height: {HEIGHT}, link_buffer_size: {link_buffer}, sync_model: table, latency_sync: {{{sync}}}}}
  tile:
    - name: t[0..{WIDTH * HEIGHT - 1}]
      attributes:
        energy_north_hop: {e(c['ns_hop'][0])}
        latency_north_hop: {t(c['ns_hop'][1])}
        energy_south_hop: {e(c['ns_hop'][0])}
        latency_south_hop: {t(c['ns_hop'][1])}
        energy_east_hop: {e(c['ew_hop'][0])}
        latency_east_hop: {t(c['ew_hop'][1])}
        energy_west_hop: {e(c['ew_hop'][0])}
        latency_west_hop: {t(c['ew_hop'][1])}
      core:
        - name: c[0..{CORES_PER_TILE - 1}]
          attributes: {{buffer_position: soma, buffer_inside_unit: false, max_neurons_supported: 1024}}
          axon_in:
            - name: ain
              attributes: {{energy_message_in: {e(c['in'][0])}, latency_message_in: {t(c['in'][1])}}}
          synapse:
            - name: syn
              attributes: {{model: current_based, energy_process_spike: {e(c['synapse'][0])}, latency_process_spike: {t(c['synapse'][1])}}}
          dendrite:
            - name: den
              attributes: {{model: accumulator, energy_update: 0.0, latency_update: 0.0}}
          soma:
            - name: lif
              attributes:
                model: leaky_integrate_fire
                energy_access_neuron: {e(c['access'][0])}
                latency_access_neuron: {t(c['access'][1])}
                energy_update_neuron: {e(c['update'][0])}
                latency_update_neuron: {t(c['update'][1])}
                energy_spike_out: {e(c['spike'][0])}
                latency_spike_out: {t(c['spike'][1])}
            - name: inp[0..{max(1, inputs_per_core) - 1}]
              attributes: {{model: input, energy_access_neuron: 0.0, latency_access_neuron: 0.0, energy_update_neuron: 0.0,
                           latency_update_neuron: 0.0, energy_spike_out: 0.0, latency_spike_out: 0.0}}
          axon_out:
            - name: aout
              attributes: {{energy_message_out: {e(c['out'][0])}, latency_message_out: {t(c['out'][1])}}}
"""


def lif(size, tau_v=1, threshold=1.0, bias=0.0, **extra):
    params = {"tauCurrent": 1, "tauVoltage": tau_v, "threshold": threshold, "bias": bias}
    params.update(extra)
    return params


def pin(x, y, core, first=None, count=None):
    p = {"tile": [x, y], "core": core}
    if first is not None:
        p["neurons"] = [first, count]
    return p


def networks():
    """Our test networks (the same shapes as tests/Neuromorphic.Tests/Simulation/TimingReferenceTests.cs)."""
    one_core = {
        "name": "one-core", "steps": 10, "events": [(1, 0), (3, 0), (4, 0), (7, 0)], "buffers": [16],
        "populations": [
            {"name": "in", "size": 1, "model": "input", "placement": pin(0, 0, 0)},
            {"name": "x", "size": 4, "model": "cuba-lif", "placement": pin(0, 0, 0),
             "params": {"tauCurrent": 1, "tauVoltage": [1, 2, None, 1], "threshold": [1, 0.5, 1, 1], "bias": [0, 0, 0, 0.375]}}],
        "projections": [
            {"from": "in", "to": "x", "weights": [[1.5], [0.25], [0], [0]]},
            {"name": "rec", "from": "x", "to": "x", "weights": [[0, -0.5, 0, 0], [0.75, 0, 0, 0], [0.5, -0.5, 0, 0], [0, 0, 0, 0]]}],
    }
    chain = {
        "name": "chain", "steps": 10, "events": [(1, 0), (4, 0)], "buffers": [16],
        "populations": [
            {"name": "in", "size": 1, "model": "input", "placement": pin(0, 0, 0)},
            {"name": "a", "size": 1, "model": "cuba-lif", "params": lif(1, threshold=0.5), "placement": pin(0, 0, 1)},
            {"name": "b", "size": 1, "model": "cuba-lif", "params": lif(1, threshold=1.5), "placement": pin(1, 1, 2)},
            {"name": "c", "size": 1, "model": "cuba-lif", "params": lif(1, threshold=0.875), "placement": pin(1, 0, 0)}],
        "projections": [
            {"from": "in", "to": "a", "weights": [[1]]}, {"from": "a", "to": "b", "weights": [[2]]}, {"from": "b", "to": "c", "weights": [[1]]}],
    }
    ring = {
        "name": "ring-fanout", "steps": 12, "events": [(1, 0)], "buffers": [16],
        "populations": [
            {"name": "in", "size": 1, "model": "input", "placement": pin(0, 0, 0)},
            {"name": "r0", "size": 1, "model": "cuba-lif", "params": lif(1), "placement": pin(0, 0, 0)},
            {"name": "r1", "size": 1, "model": "cuba-lif", "params": lif(1), "placement": pin(0, 1, 1)},
            {"name": "r2", "size": 1, "model": "cuba-lif", "params": lif(1), "placement": pin(1, 1, 2)},
            {"name": "r3", "size": 1, "model": "cuba-lif", "params": lif(1), "placement": pin(1, 0, 3)},
            {"name": "f", "size": 6, "model": "cuba-lif", "params": {"tauCurrent": 1, "tauVoltage": None, "threshold": 2.5},
             "placement": [pin(0, 0, 1, 0, 2), pin(0, 1, 0, 2, 1), pin(1, 1, 0, 3, 2), pin(1, 0, 0, 5, 1)]}],
        "projections": [
            {"from": "in", "to": "r0", "weights": [[2]]}, {"from": "r0", "to": "r1", "weights": [[2]]},
            {"from": "r1", "to": "r2", "weights": [[2]]}, {"from": "r2", "to": "r3", "weights": [[2]]},
            {"from": "r3", "to": "r0", "weights": [[2]]}, {"from": "r0", "to": "f", "weights": [[1]] * 6},
            {"from": "f", "to": "r1", "weights": [[0, 0, 0, 0, 0, -0.5]]}],
    }
    hot = {
        "name": "hot-spot", "steps": 3, "events": [], "buffers": [16, 1],
        "populations": [
            {"name": "in", "size": 1, "model": "input", "placement": pin(0, 0, 3)},
            {"name": "p", "size": 32, "model": "cuba-lif", "params": lif(32, bias=1.5), "placement": [pin(0, 0, 0, 0, 16), pin(0, 1, 0, 16, 16)]},
            {"name": "q", "size": 16, "model": "cuba-lif", "params": lif(16, bias=1.5), "placement": pin(0, 0, 0)},
            {"name": "d", "size": 32, "model": "cuba-lif", "params": lif(32, threshold=100), "placement": pin(1, 1, 0)},
            {"name": "e", "size": 16, "model": "cuba-lif", "params": lif(16, threshold=100), "placement": pin(1, 0, 1)}],
        "projections": [
            {"from": "p", "to": "d", "weights": [[0.015625] * 32] * 32},
            {"from": "q", "to": "e", "weights": [[0.015625 if r == c else 0 for c in range(16)] for r in range(16)]}],
    }
    return [one_core, chain, ring, hot]


def value(param, i):
    return param[i] if isinstance(param, list) else param


def snn_yaml(net, mapping, steps):
    """SANA-FE's SNN file: groups with one entry per neuron, one edge per synapse (zero weights included, as neuro keeps them), the mapping."""
    pops = net["populations"]
    core_of, slot_of_core = {}, {}
    for k, core in enumerate(mapping["cores"]):
        x, y = core["tile"]
        tile_id = x * HEIGHT + y
        for s in core["slices"]:
            for i in range(s["first"], s["first"] + s["count"]):
                core_of[(s["population"], i)] = (k, f"{tile_id}.{core['slot']}")
    lines = ["network:", f"  name: {net['name'].replace('-', '_')}", "  groups:"]
    input_unit = {}
    events = {}
    for step, index in net["events"]:
        events.setdefault(index, set()).add(step)
    for p in pops:
        lines.append(f"    - name: {p['name']}")
        lines.append("      neurons:")
        for i in range(p["size"]):
            if p["model"] == "input":
                k, _ = core_of[(p["name"], i)]
                unit = input_unit.setdefault(k, 0)
                input_unit[k] += 1
                spikes = ", ".join("1" if (s in events.get(i, ())) else "0" for s in range(1, steps + 1))
                lines.append(f"        - {i}: {{soma_hw_name: \"inp[{unit}]\", log_spikes: true, spikes: [{spikes}]}}")
            else:
                q = p["params"]
                tau_u, tau_v = q.get("tauCurrent", 1), value(q.get("tauVoltage"), i)
                leak = 1.0 if tau_v is None else 1.0 - 1.0 / tau_v
                decay = 1.0 if tau_u is None else 1.0 - 1.0 / value(tau_u, i)
                reset = "soft" if q.get("reset") == "subtract" else "hard"
                lines.append(f"        - {i}: {{soma_hw_name: lif, log_spikes: true, threshold: {float(value(q['threshold'], i))}, "
                             f"bias: {float(value(q.get('bias', 0), i))}, leak_decay: {leak}, input_decay: {decay}, reset_mode: {reset}}}")
    lines.append("  edges:")
    size = {p["name"]: p["size"] for p in pops}
    for proj in net["projections"]:
        w = proj["weights"]
        for post in range(size[proj["to"]]):
            for pre in range(size[proj["from"]]):
                lines.append(f"    - {proj['from']}.{pre} -> {proj['to']}.{post}: {{weight: {float(w[post][pre])}}}")
    lines.append("mappings:")
    for p in pops:
        for i in range(p["size"]):
            lines.append(f"  - {p['name']}.{i}: {{core: {core_of[(p['name'], i)][1]}}}")
    return "\n".join(lines) + "\n", max(input_unit.values(), default=1)


def read_perf(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def read_spikes(path):
    with open(path) as f:
        return sorted((r["neuron"], int(r["timestep"])) for r in csv.DictReader(f))


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", required=True, help="SANA-FE's sim executable")
    ap.add_argument("--neuro", required=True, help="command that runs neuro (e.g. 'dotnet src/Neuromorphic.Cli/bin/Release/net10.0/neuro.dll')")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    neuro = args.neuro.split()
    os.makedirs(args.out, exist_ok=True)
    rows = []
    columns = ["fired", "updated", "packets", "hops", "spikes"]
    energies = ["synapse_energy", "soma_energy", "network_energy", "total_energy"]
    for net in networks():
        steps = net["steps"]
        for buffer in net["buffers"]:
            tag = f"{net['name']}-buf{buffer}"
            d = os.path.join(args.out, tag)
            os.makedirs(d, exist_ok=True)
            chip = os.path.join(d, "chip.json")
            json.dump(chip_json(buffer), open(chip, "w"), indent=1)
            model = os.path.join(d, "net.json")
            json.dump({"schema": "neuromorphic.network/1", "name": net["name"], "populations": net["populations"],
                       "projections": net["projections"]}, open(model, "w"), indent=1)
            events = os.path.join(d, "events.csv")
            open(events, "w").write("step,index\n" + "".join(f"{s},{i}\n" for s, i in net["events"]))
            mapping = os.path.join(d, "mapping.json")
            run(neuro + ["map", "--model", model, "--chip", chip, "--out", mapping, "--quiet"])
            snn, inputs = snn_yaml(net, json.load(open(mapping)), steps)
            open(os.path.join(d, "snn.yaml"), "w").write(snn)
            open(os.path.join(d, "arch.yaml"), "w").write(arch_yaml(buffer, inputs))
            for timing in ["detailed", "simple"]:
                ours = os.path.join(d, f"neuro-{timing}")
                trace = ours + ".trace"
                run(neuro + ["run", "--model", model, "--chip", chip, "--mapping", mapping, "--input", events, "--steps", str(steps),
                             "--ideal", "--timing", timing, "--threads", "1", "--trace", trace, "--trace-level", "messages", "--quiet"])
                run(neuro + ["trace", "export", trace, "--out", ours, "--quiet"])
                theirs = os.path.join(d, f"sanafe-{timing}")
                os.makedirs(theirs, exist_ok=True)
                run([args.sim, "-t", timing, "-s", "-N", "1", "-o", theirs, os.path.join(d, "arch.yaml"), os.path.join(d, "snn.yaml"), str(steps)],
                    cwd=d)
                a, b = read_perf(os.path.join(ours, "perf.csv")), read_perf(os.path.join(theirs, "perf.csv"))
                assert len(a) == len(b) == steps, (tag, timing, len(a), len(b))
                counts_equal = all(int(x[c]) == int(y[c]) for x, y in zip(a, b) for c in columns)
                def rel(x, y):
                    return 0.0 if x == y else abs(x - y) / max(abs(x), abs(y))
                latency = max(rel(float(x["sim_time"]), float(y["sim_time"])) for x, y in zip(a, b))
                energy = max(rel(float(x[c]), float(y[c])) for x, y in zip(a, b) for c in energies)
                total_a, total_b = sum(float(x["sim_time"]) for x in a), sum(float(y["sim_time"]) for y in b)
                spikes_equal = read_spikes(os.path.join(ours, "spikes.csv")) == read_spikes(os.path.join(theirs, "spikes.csv"))
                rows.append((tag, timing, spikes_equal, counts_equal, energy, latency, total_a, total_b))
    print("| network | timing | spikes equal | counters equal | max rel. energy diff | max rel. step-time diff | neuro total (µs) | SANA-FE total (µs) |")
    print("|---|---|---|---|---|---|---|---|")
    for tag, timing, spikes_equal, counts_equal, energy, latency, ta, tb in rows:
        print(f"| {tag} | {timing} | {'yes' if spikes_equal else 'NO'} | {'yes' if counts_equal else 'NO'} | {energy:.1e} | {latency:.1e} | "
              f"{ta * 1e6:.6f} | {tb * 1e6:.6f} |")
    bad = [r for r in rows if not (r[2] and r[3] and r[4] < 1e-9 and (r[5] < 1e-9 if r[1] == "simple" else r[5] < 0.01))]
    if bad:
        sys.exit(f"{len(bad)} comparison(s) outside exact (simple model, energy) or 1 % (detailed model)")


if __name__ == "__main__":
    main()
