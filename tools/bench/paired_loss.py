#!/usr/bin/env python3
"""Paired accuracy losses of HTS and homogeneous models over chip instances (hts-variability.sh's output).

For each model, loss(seed) = accuracy on the nominal chip (barrier) - accuracy on instance `seed` of
the variable chip (async). The comparison is paired by instance: d(seed) = loss_HTS - loss_homogeneous.
Reports mean and 95 % intervals two ways: Student's t over the instances (t quantile for n - 1
degrees of freedom, computed here by bisection on the regularized incomplete beta function, no
SciPy needed) and a percentile bootstrap (10,000 resamples of instances, fixed seed).
"""
import json, math, random, sys

def betacf(a, b, x):
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > 1e-300 else 1e-300)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d; d = 1 / (d if abs(d) > 1e-300 else 1e-300)
        c = 1 + aa / c if abs(1 + aa / c) > 1e-300 else 1e-300
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d; d = 1 / (d if abs(d) > 1e-300 else 1e-300)
        c = 1 + aa / c if abs(1 + aa / c) > 1e-300 else 1e-300
        de = d * c; h *= de
        if abs(de - 1) < 1e-15:
            break
    return h

def betainc(a, b, x):
    if x <= 0: return 0.0
    if x >= 1: return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log(1 - x))
    return front * betacf(a, b, x) / a if x < (a + 1) / (a + b + 2) else 1 - front * betacf(b, a, 1 - x) / b

def t_cdf(t, df):
    x = df / (df + t * t)
    tail = 0.5 * betainc(df / 2, 0.5, x)
    return 1 - tail if t > 0 else tail

def t_quantile(p, df):
    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p: lo = mid
        else: hi = mid
    return (lo + hi) / 2

def summary(values):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n) if n > 1 else float("nan")
    rng = random.Random(12345)
    boots = sorted(sum(rng.choice(values) for _ in range(n)) / n for _ in range(10000))
    return mean, (mean - half, mean + half), (boots[249], boots[9749])

def main(out, seeds):
    acc = lambda path: json.load(open(path))["accuracy"]
    losses = {}
    for dist in ("lognormal", "homogeneous"):
        nominal = acc(f"{out}/{dist}-nominal.json")
        losses[dist] = [nominal - acc(f"{out}/{dist}-seed{s}.json") for s in range(1, seeds + 1)]
        print(f"{dist}: nominal accuracy {100 * nominal:.2f} %, per-instance accuracy",
              " ".join(f"{100 * (nominal - l):.1f}" for l in losses[dist]))
    pct = lambda x: f"{100 * x:+.2f}"
    print("| model | mean accuracy loss (points) | 95 % t interval | 95 % bootstrap interval |")
    print("|---|---|---|---|")
    rows = [("HTS (lognormal τ)", losses["lognormal"]), ("homogeneous τ", losses["homogeneous"]),
            ("paired difference HTS − homogeneous", [a - b for a, b in zip(losses["lognormal"], losses["homogeneous"])])]
    for name, values in rows:
        mean, t, boot = summary(values)
        print(f"| {name} | {pct(mean)} | {pct(t[0])} … {pct(t[1])} | {pct(boot[0])} … {pct(boot[1])} |")

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
