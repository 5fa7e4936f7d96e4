"""Tables and the Pareto plot of tools/bench/graded-pareto.sh: reads OUT/graded.csv, writes OUT/graded.md and OUT/graded-pareto.png.
Usage: graded_pareto.py OUT_DIR SAMPLES"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

out, samples = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(f"{out}/graded.csv")))
for r in rows:
    for k in ("accuracy", "mean_steps", "latency_mean_us", "dynamic_uj", "static_uj", "total_uj", "synapse_uj", "synaptic_ops", "messages"):
        r[k] = float(r[k])


def label(r):
    return ("rate coding" if r["realization"] == "spiking" else "sigma-delta graded") + (", early exit" if r["early_exit"] == "yes" else "")


def pareto(points):
    """Points (energy, accuracy, row) not dominated: no other point has lower or equal energy and higher or equal accuracy (one strictly)."""
    front = []
    for e, a, r in sorted(points, key=lambda p: (p[0], -p[1])):
        if not front or a > front[-1][1]:
            front.append((e, a, r))
    return front


steps = [r for r in rows if r["study"] == "steps"]
with open(f"{out}/graded.md", "w") as md:
    md.write(f"Steps budget against accuracy, energy and latency per inference ({samples} fashion-mnist test images, loihi2-like, seed 1):\n\n")
    md.write("| realization | early exit | steps budget | mean steps | accuracy | latency mean (µs) | energy dynamic (µJ) | energy total (µJ) | synaptic ops | messages |\n")
    md.write("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for r in steps:
        md.write(f"| {r['realization']} | {r['early_exit']} | {r['steps']} | {r['mean_steps']:.1f} | {r['accuracy'] * 100:.1f} % | {r['latency_mean_us']:,.1f} | "
                 f"{r['dynamic_uj']:,.2f} | {r['total_uj']:,.1f} | {r['synaptic_ops']:,.0f} | {r['messages']:,.0f} |\n")
    md.write("\nPareto front (accuracy against total energy, all runs above):\n\n| realization | early exit | steps budget | accuracy | energy total (µJ) |\n|---|---|---:|---:|---:|\n")
    for e, a, r in pareto([(r["total_uj"], r["accuracy"], r) for r in steps]):
        md.write(f"| {r['realization']} | {r['early_exit']} | {r['steps']} | {a * 100:.1f} % | {e:,.1f} |\n")
    md.write("\nDelta threshold of the sigma-delta realization (100-step budget, early exit):\n\n")
    md.write("| delta threshold (of full scale) | accuracy | mean steps | latency mean (µs) | energy total (µJ) | synaptic ops | messages |\n|---:|---:|---:|---:|---:|---:|---:|\n")
    for r in (r for r in rows if r["study"] == "threshold"):
        md.write(f"| 1/{1 / float(r['delta_threshold']):.0f} | {r['accuracy'] * 100:.1f} % | {r['mean_steps']:.1f} | {r['latency_mean_us']:,.1f} | {r['total_uj']:,.1f} | "
                 f"{r['synaptic_ops']:,.0f} | {r['messages']:,.0f} |\n")
    rate = next(r for r in steps if r["realization"] == "spiking" and r["early_exit"] == "no" and r["steps"] == "100")
    md.write("\nSensitivity to the assumed graded costs (sigma-delta, 100-step budget, early exit; factors of the binary synaptic op and message costs, "
             f"energy and latency alike; rate coding at 100 steps: {rate['total_uj']:,.1f} µJ total, {rate['dynamic_uj']:,.1f} µJ dynamic):\n\n")
    md.write("| graded synaptic op × | graded message × | energy dynamic (µJ) | energy total (µJ) | latency mean (µs) | total energy, rate ÷ sigma-delta |\n|---:|---:|---:|---:|---:|---:|\n")
    for r in (r for r in rows if r["study"] == "sensitivity"):
        md.write(f"| {r['synop_factor']} | {r['message_factor']} | {r['dynamic_uj']:,.2f} | {r['total_uj']:,.1f} | {r['latency_mean_us']:,.1f} | "
                 f"{rate['total_uj'] / r['total_uj']:,.1f} |\n")

fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
styles = {"rate coding": ("tab:blue", "o"), "rate coding, early exit": ("tab:cyan", "s"),
          "sigma-delta graded": ("tab:red", "^"), "sigma-delta graded, early exit": ("tab:orange", "D")}
for ax, key, xlabel in ((axes[0], "total_uj", "energy per inference, total (µJ)"), (axes[1], "latency_mean_us", "latency per inference, mean (µs)")):
    for name, (color, marker) in styles.items():
        pts = [r for r in steps if label(r) == name]
        ax.scatter([r[key] for r in pts], [r["accuracy"] * 100 for r in pts], color=color, marker=marker, label=name)
        for r in pts:
            ax.annotate(r["steps"], (r[key], r["accuracy"] * 100), textcoords="offset points", xytext=(4, -10), fontsize=7, color=color)
    front = pareto([(r[key], r["accuracy"], r) for r in steps])
    ax.step([p[0] for p in front], [p[1] * 100 for p in front], where="post", color="black", linewidth=1, label="Pareto front")
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("accuracy (%)")
    ax.grid(True, which="both", alpha=0.3)
axes[0].legend(fontsize=8, loc="lower right")
fig.suptitle(f"demo model on loihi2-like, {samples} fashion-mnist test images: steps budget (labels) against accuracy, energy and latency")
fig.tight_layout()
fig.savefig(f"{out}/graded-pareto.png", dpi=110)
