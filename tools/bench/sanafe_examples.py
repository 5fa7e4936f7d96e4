#!/usr/bin/env python3
"""Imports SANA-FE's own bundled example files with neuro, runs them in both tools and compares.

Usage: sanafe_examples.py --sanafe SANAFE_DIR --sim SANAFE_SIM --neuro "dotnet .../neuro.dll" --out DIR

SANA-FE's files are read where the user's checkout has them (SANAFE_DIR/arch, SANAFE_DIR/snn) and
never copied: `neuro chip import sana-fe` and `neuro import sana-fe` turn them into our chip and network
files in DIR, `neuro run` runs them from the imported spike lists, and SANA-FE's `sim` runs the
originals for the same steps under the same timing model. Per pair and timing model it prints
SANA-FE's and neuro's totals (spikes fired, synaptic ops, messages, energy, sim_time) and whether
they agree (energies and times to 1e-9 relative, counts exactly).
"""
import argparse
import json
import os
import re
import subprocess
import sys

# (architecture, network, steps, extra neuro chip-import options)
EXAMPLES = [
    ("arch/example_chip.yaml", "snn/example_snn.yaml", 20, []),
    ("arch/example_chip.yaml", "snn/conv.yaml", 20, []),
    ("arch/loihi.yaml", "snn/dvs.yaml", 10, []),
    ("arch/loihi.yaml", "snn/dvs.yaml", 10, ["--synapse", "loihi_conv_synapse"]),
]


def run(cmd, cwd=None):
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def sanafe_summary(path):
    """run_summary.yaml, parsed with a regex (its energy lines have no space after the colon)."""
    text = open(path).read()
    get = lambda key: float(re.search(rf"^\s*{key}:\s*(\S+)", text, re.M).group(1))
    return {
        "fired": int(get("total_neurons_fired")), "synaptic_ops": int(get("total_spikes")),
        "messages": int(get("total_messages_sent")), "energy_j": get("total"), "sim_time_s": get("sim_time"),
    }


def neuro_summary(path):
    s = json.load(open(path))["sanafe"]
    return {
        "fired": s["total_neurons_fired"], "synaptic_ops": s["total_spikes"], "messages": s["total_messages_sent"],
        "energy_j": s["energy"]["total"], "sim_time_s": s["sim_time"],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sanafe", required=True)
    parser.add_argument("--sim", required=True)
    parser.add_argument("--neuro", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    neuro = args.neuro.split()
    os.makedirs(args.out, exist_ok=True)
    print("| architecture | network | steps | chip options | timing | tool | fired | synaptic ops | messages | energy (J) | sim_time (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    disagreements = 0
    for index, (arch, snn, steps, options) in enumerate(EXAMPLES):
        arch_path, snn_path = os.path.join(args.sanafe, arch), os.path.join(args.sanafe, snn)
        work = os.path.join(args.out, f"{index}-{os.path.basename(snn)[:-5]}")
        os.makedirs(work, exist_ok=True)
        chip, net = os.path.join(work, "chip.json"), os.path.join(work, "net.json")
        run(neuro + ["chip", "import", "sana-fe", arch_path, "--out", chip] + options)
        run(neuro + ["import", "sana-fe", snn_path, "--arch", arch_path, "--out", net, "--steps", str(steps)])
        events = os.path.join(work, "net.input.csv")
        if not os.path.exists(events):
            events = os.path.join(work, "none.csv")
            open(events, "w").write("step,index\n")
        for timing in ("simple", "detailed"):
            trace = os.path.join(work, f"{timing}.trace")
            run(neuro + ["run", "--model", net, "--chip", chip, "--input", events, "--steps", str(steps), "--timing", timing,
                         "--trace", trace, "--trace-level", "counters", "--threads", "1"])
            run(neuro + ["trace", "export", trace, "--out", os.path.join(work, f"{timing}-csv")])
            ours = neuro_summary(os.path.join(work, f"{timing}-csv", "summary.json"))
            peer_dir = os.path.join(work, f"sanafe-{timing}")
            os.makedirs(peer_dir, exist_ok=True)
            run([args.sim, "-t", timing, "-N", "1", "-o", peer_dir, os.path.abspath(arch_path), os.path.abspath(snn_path), str(steps)],
                cwd=args.sanafe)
            theirs = sanafe_summary(os.path.join(peer_dir, "run_summary.yaml"))
            for tool, s in (("SANA-FE", theirs), ("neuro", ours)):
                print(f"| {arch} | {snn} | {steps} | {' '.join(options)} | {timing} | {tool} | {s['fired']} | {s['synaptic_ops']} | "
                      f"{s['messages']} | {s['energy_j']:.6e} | {s['sim_time_s']:.6e} |")
            same = all(ours[k] == theirs[k] for k in ("fired", "synaptic_ops", "messages")) and all(
                abs(ours[k] - theirs[k]) <= 1e-9 * abs(theirs[k]) for k in ("energy_j", "sim_time_s"))
            if not same:
                disagreements += 1
                print(f"|  |  |  |  | {timing} | differs | | | | {ours['energy_j'] / theirs['energy_j'] - 1:+.3%} | "
                      f"{ours['sim_time_s'] / theirs['sim_time_s'] - 1:+.3%} |")
    print(f"\n{disagreements} of {2 * len(EXAMPLES)} runs differ")


if __name__ == "__main__":
    main()
