#!/usr/bin/python3
"""Write the sparse LIF benchmark (the shape of Brian2's standard benchmarks) for `neuro run` and
tools/bench/sparse_brian2.py: 784 Poisson inputs, each at its own rate drawn uniformly in
[20, 50] Hz, → 500 CUBA-LIF hidden neurons → 10 CUBA-LIF outputs, dense input→hidden and
hidden→output weights plus a dense 10 → 500 feedback projection; 1 ms steps.

Per neuron (hidden and output): u ← u·(1 − 1/τ_u) + I(t), v ← v·(1 − 1/τ_v) + u, spike when
v > 1, v ← 0, 2 refractory steps. τ_u = 5 steps for every neuron; τ_v per neuron log-normal,
median 20 steps, σ = 0.5 (ln units), clipped to [2, 200] steps.
Weights (float32, [post][pre]), normal draws N(mean, sd²), chosen so that the hidden layer fires
sparsely (with seed 1 and 10,000 steps, float dynamics: hidden 11.1 Hz, output 10.9 Hz):
  input → hidden  N(0.00035, 0.0015²)
  hidden → output N(0.0015, 0.0015²)
  output → hidden N(−0.005, 0.005²)     weak inhibitory feedback
Input spikes: Bernoulli with p = rate · 1 ms per step (as Brian2's PoissonGroup), steps from 1.

Everything is deterministic from SEED (numpy's PCG64). Writes OUT_DIR/sparse.json, its float32
sidecars sparse.0.f32 (500×784), sparse.1.f32 (10×500), sparse.2.f32 (500×10), and
OUT_DIR/events.csv (lines step,index).

Usage: tools/bench/make-sparse-network.py OUT_DIR [--steps 10000] [--seed 1] [--check]
  --check  also simulates the network in numpy (float64, the same discrete update) and prints
           the mean rates, to document the weight choice.
"""
import argparse
import json
import os

import numpy as np

N_IN, N_HID, N_OUT = 784, 500, 10
TAU_U = 5.0
TAU_V_MEDIAN, TAU_V_SIGMA, TAU_V_MIN, TAU_V_MAX = 20.0, 0.5, 2.0, 200.0
THRESHOLD, REFRACTORY = 1.0, 2
W_IH, W_HO, W_OH = (0.00035, 0.0015), (0.0015, 0.0015), (-0.005, 0.005)   # (mean, sd)
RATE_HZ = (20.0, 50.0)
DT_S = 1e-3


def build(seed, steps):
    rng = np.random.default_rng(seed)
    rates = rng.uniform(*RATE_HZ, size=N_IN)
    tau_v = {name: np.clip(TAU_V_MEDIAN * np.exp(TAU_V_SIGMA * rng.standard_normal(size)), TAU_V_MIN, TAU_V_MAX)
             for name, size in (("hidden", N_HID), ("output", N_OUT))}
    w_ih = rng.normal(*W_IH, size=(N_HID, N_IN)).astype("<f4")
    w_ho = rng.normal(*W_HO, size=(N_OUT, N_HID)).astype("<f4")
    w_oh = rng.normal(*W_OH, size=(N_HID, N_OUT)).astype("<f4")
    spikes = rng.random((steps, N_IN)) < rates * DT_S          # [step][input]
    return rates, tau_v, (w_ih, w_ho, w_oh), spikes


def lif_params(tau_v):
    return {"tauCurrent": TAU_U, "tauVoltage": [round(float(t), 6) for t in tau_v], "threshold": THRESHOLD,
            "bias": 0, "reset": "zero", "refractory": REFRACTORY}


def write(out, seed, steps):
    rates, tau_v, (w_ih, w_ho, w_oh), spikes = build(seed, steps)
    os.makedirs(out, exist_ok=True)
    sidecars = [("sparse.0.f32", w_ih, "input", "hidden"), ("sparse.1.f32", w_ho, "hidden", "output"),
                ("sparse.2.f32", w_oh, "output", "hidden")]
    for name, w, _, _ in sidecars:
        w.tofile(os.path.join(out, name))
    network = {
        "schema": "neuromorphic.network/1",
        "name": "sparse-784-500-10",
        "populations": [
            {"name": "input", "size": N_IN, "model": "input"},
            {"name": "hidden", "size": N_HID, "model": "cuba-lif", "params": lif_params(tau_v["hidden"])},
            {"name": "output", "size": N_OUT, "model": "cuba-lif", "params": lif_params(tau_v["output"])},
        ],
        "projections": [{"from": a, "to": b, "weights": {"file": name, "shape": list(w.shape)}} for name, w, a, b in sidecars],
        "readout": {"population": "output", "method": "spike-count"},
        "training": {"generator": "tools/bench/make-sparse-network.py", "seed": seed, "steps": steps,
                     "inputRatesHz": [round(float(r), 6) for r in rates]},
    }
    with open(os.path.join(out, "sparse.json"), "w") as f:
        json.dump(network, f, indent=1)
    step, index = np.nonzero(spikes)
    with open(os.path.join(out, "events.csv"), "w") as f:
        f.write("step,index\n")
        f.write("".join(f"{s + 1},{i}\n" for s, i in zip(step.tolist(), index.tolist())))
    return rates, tau_v, (w_ih, w_ho, w_oh), spikes


def simulate(tau_v, weights, spikes):
    """The contract's discrete update in float64: I(t) sums the weights of spikes of step t − 1."""
    w_ih, w_ho, w_oh = (w.astype(np.float64) for w in weights)
    state = {name: dict(u=np.zeros(n), v=np.zeros(n), ref=np.zeros(n, dtype=int), fired=np.zeros(n, dtype=bool))
             for name, n in (("hidden", N_HID), ("output", N_OUT))}
    counts = {"hidden": 0, "output": 0}
    prev_in = np.zeros(N_IN, dtype=bool)
    for t in range(spikes.shape[0]):
        inputs = {"hidden": w_ih @ prev_in + w_oh @ state["output"]["fired"], "output": w_ho @ state["hidden"]["fired"]}
        for name, s in state.items():
            s["u"] = s["u"] * (1 - 1 / TAU_U) + inputs[name]
            v = s["v"] * (1 - 1 / tau_v[name]) + s["u"]
            refractory = s["ref"] > 0
            s["ref"] = np.where(refractory, s["ref"] - 1, s["ref"])
            v = np.where(refractory, 0.0, v)
            fired = ~refractory & (v > THRESHOLD)
            s["v"] = np.where(fired, 0.0, v)
            s["ref"] = np.where(fired, REFRACTORY, s["ref"])
            s["fired"] = fired
            counts[name] += int(fired.sum())
        prev_in = spikes[t]
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    rates, tau_v, weights, spikes = write(args.out, args.seed, args.steps)
    seconds = args.steps * DT_S
    synapses = N_IN * N_HID + N_HID * N_OUT + N_OUT * N_HID
    print(f"{args.out}/sparse.json: {N_IN}-{N_HID}-{N_OUT}, {synapses:,} synapses; {args.out}/events.csv: "
          f"{int(spikes.sum()):,} input spikes over {args.steps} steps (mean {spikes.sum() / N_IN / seconds:.1f} Hz; "
          f"rates {rates.min():.1f}–{rates.max():.1f} Hz); τ_v hidden {tau_v['hidden'].min():.1f}–{tau_v['hidden'].max():.1f} steps")
    if args.check:
        counts = simulate(tau_v, weights, spikes)
        print(f"numpy float64 reference: hidden {counts['hidden']:,} spikes ({counts['hidden'] / N_HID / seconds:.2f} Hz), "
              f"output {counts['output']:,} spikes ({counts['output'] / N_OUT / seconds:.2f} Hz)")


if __name__ == "__main__":
    main()
