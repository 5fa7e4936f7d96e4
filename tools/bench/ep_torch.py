#!/usr/bin/env python3
"""HTS-EP in PyTorch: the same algorithm and settings as `neuro train`, as a speed and accuracy peer.

Layered network x -> s_1 -> ... -> s_L, prototypical primitive
Phi = sum_k s_k^T (W_k s_{k-1} + b_k), hard-sigmoid rho, nudge inside rho
(dPhi^beta/ds_L = W_L s_{L-1} + b_L + beta (y - s_L)), synchronous leaky updates
s <- s + dt_i (rho(g) - s) with per-neuron dt_i = clip(c / tau_i', dt_min, 1), states from zero each
minibatch, input projection W_1 x + b_1 computed once per minibatch, symmetric / one-sided /
random-sign estimators, SGD with momentum or Adam with per-layer learning rates (torch.optim), the
EP learning signal written into .grad. Small states are snapped to zero (as neuro does) so that
float subnormals never slow the CPU down.

It is written for speed, as a PyTorch user would write it: no autograd, in-place tensor ops,
preallocated buffers, and W_1's signal as the single product (s_1^(2) - s_1^(1))^T x.

Usage (Debian python3-torch; see README.md for the BLAS setup):
    python3 tools/bench/ep_torch.py --epochs 1 --train-limit 10000 --test-limit 0 --json
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, base):
    for name in (base, base + ".gz", base.replace("-idx", ".idx"), base.replace("-idx", ".idx") + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    sys.exit(f"{directory}: no {base}[.gz]")


def load(directory):
    def split(images, labels):
        x = read_idx(find(directory, images)).reshape(-1, 784).astype(np.float32) / 255.0
        y = read_idx(find(directory, labels)).astype(np.int64)
        return torch.from_numpy(x), torch.from_numpy(y)
    return split("train-images-idx3-ubyte", "train-labels-idx1-ubyte"), split("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def draw_dt(sizes, dist, spread, dt_mean, dt_min, seed):
    """Unit-mean tau draws, scaled so that the mean clipped dt equals dt_mean (neuro's --tau-match dt)."""
    rng = np.random.default_rng(seed)
    unit = []
    for n in sizes:
        if dist == "homogeneous":
            unit.append(np.ones(n))
        elif dist == "lognormal":
            unit.append(rng.lognormal(-0.5 * spread * spread, spread, n))
        elif dist == "gamma":
            unit.append(rng.gamma(spread, 1.0 / spread, n))
        elif dist == "uniform":
            unit.append(rng.uniform(1 - spread, 1 + spread, n))
        else:
            values = rng.normal(1, 1 / math.sqrt(spread), n)
            while (values <= 0).any():
                bad = values <= 0
                values[bad] = rng.normal(1, 1 / math.sqrt(spread), bad.sum())
            unit.append(values)
    everything = np.concatenate(unit)
    if dist == "homogeneous":
        scale = dt_mean
    else:
        lo, hi = math.log(1e-12), math.log(1e12)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if np.clip(math.exp(mid) / everything, dt_min, 1).mean() < dt_mean:
                lo = mid
            else:
                hi = mid
        scale = math.exp(hi)
    return [torch.from_numpy(np.clip(scale / u, dt_min, 1).astype(np.float32)) for u in unit]


class EP:
    def __init__(self, sizes, dts, batch, seed, init_scale=1.0):
        g = torch.Generator().manual_seed(seed)
        self.sizes = sizes
        self.L = len(sizes) - 1
        self.W, self.b = [], []
        for k in range(1, len(sizes)):
            bound = init_scale / math.sqrt(sizes[k - 1])
            self.W.append(((torch.rand(sizes[k], sizes[k - 1], generator=g) * 2 - 1) * bound).requires_grad_(False))
            self.b.append(((torch.rand(sizes[k], generator=g) * 2 - 1) * bound).requires_grad_(False))
        self.dt = dts
        self.tiny = 1e-30

    def relax(self, proj, states, steps, beta, y):
        """Synchronous leaky steps from `states` (a list of (B, n_k) tensors, updated in place)."""
        L = self.L
        for _ in range(steps):
            new = []
            for k in range(L):
                g = proj if k == 0 else torch.addmm(self.b[k], states[k - 1], self.W[k].t())
                if k == 0:
                    g = g.clone()
                if k < L - 1:
                    g.addmm_(states[k + 1], self.W[k + 1])
                if k == L - 1 and beta != 0.0:
                    g.add_(y - states[k], alpha=beta)
                g.clamp_(0.0, 1.0).sub_(states[k]).mul_(self.dt[k]).add_(states[k])
                g.masked_fill_(g < self.tiny, 0.0)
                new.append(g)
            states[:] = new
        return states

    def free(self, x, steps):
        proj = torch.addmm(self.b[0], x, self.W[0].t())
        states = [torch.zeros(x.shape[0], n) for n in self.sizes[1:]]
        return proj, self.relax(proj, states, steps, 0.0, None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("NEURO_DATA_FASHION", "/usr/share/datasets/fashion-mnist"))
    ap.add_argument("--layers", default="784,500,10")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tau-dist", default="lognormal")
    ap.add_argument("--tau-spread", type=float, default=None)
    ap.add_argument("--dt-mean", type=float, default=0.5)
    ap.add_argument("--dt-min", type=float, default=0.05)
    ap.add_argument("--estimator", default="symmetric", choices=["symmetric", "one-sided", "random-sign"])
    ap.add_argument("--beta", type=float, default=0.2)
    ap.add_argument("--free-steps", type=int, default=60)
    ap.add_argument("--nudged-steps", type=int, default=20)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", default="0.05,0.02")
    ap.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--train-limit", type=int, default=None)
    ap.add_argument("--test-limit", type=int, default=None)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: leave PyTorch's default)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    sizes = [int(s) for s in a.layers.split(",")]
    spread = a.tau_spread if a.tau_spread is not None else {"lognormal": 0.5, "gamma": 3, "uniform": 0.5, "normal": 3}.get(a.tau_dist, 0)
    lrs = [float(r) for r in a.lr.split(",")]
    if len(lrs) == 1:
        lrs = lrs * (len(sizes) - 1)
    (xtr, ytr), (xte, yte) = load(a.data)
    if a.train_limit:
        xtr, ytr = xtr[:a.train_limit], ytr[:a.train_limit]
    if a.test_limit is not None:
        xte, yte = xte[:a.test_limit], yte[:a.test_limit]
    dts = draw_dt(sizes[1:], a.tau_dist, spread, a.dt_mean, a.dt_min, a.seed)
    net = EP(sizes, dts, a.batch, a.seed)
    params = []
    for k in range(net.L):
        params.append({"params": [net.W[k], net.b[k]], "lr": lrs[k]})
    if a.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=lrs[0], momentum=a.momentum)
    else:
        opt = torch.optim.Adam(params, lr=lrs[0])
    eye = torch.eye(sizes[-1])
    history = []
    with torch.no_grad():
        for epoch in range(a.epochs):
            perm = torch.randperm(xtr.shape[0])
            correct = 0
            start = time.perf_counter()
            for i in range(0, xtr.shape[0], a.batch):
                idx = perm[i:i + a.batch]
                x, y = xtr[idx], eye[ytr[idx]]
                B = x.shape[0]
                proj, s0 = net.free(x, a.free_steps)
                correct += (s0[-1].argmax(1) == ytr[idx]).sum().item()
                beta = a.beta
                if a.estimator == "random-sign" and torch.rand(1).item() < 0.5:
                    beta = -beta
                s2 = net.relax(proj, [s.clone() for s in s0], a.nudged_steps, beta, y)
                if a.estimator == "symmetric":
                    s1 = net.relax(proj, [s.clone() for s in s0], a.nudged_steps, -beta, y)
                    scale = 1.0 / (2 * beta * B)
                else:
                    s1 = s0
                    scale = 1.0 / (beta * B)
                # EP learning signal; .grad is its negative so that the optimizer descends.
                d1 = s2[0] - s1[0]
                net.W[0].grad = torch.mm(d1.t(), x).mul_(-scale)
                net.b[0].grad = d1.sum(0).mul_(-scale)
                for k in range(1, net.L):
                    g = torch.mm(s2[k].t(), s2[k - 1])
                    g.sub_(torch.mm(s1[k].t(), s1[k - 1]))
                    net.W[k].grad = g.mul_(-scale)
                    net.b[k].grad = (s2[k] - s1[k]).sum(0).mul_(-scale)
                opt.step()
            seconds = time.perf_counter() - start
            test_acc = None
            if xte.shape[0] > 0:
                hits = 0
                for i in range(0, xte.shape[0], 1000):
                    _, s = net.free(xte[i:i + 1000], a.free_steps)
                    hits += (s[-1].argmax(1) == yte[i:i + 1000]).sum().item()
                test_acc = hits / xte.shape[0]
            row = {"epoch": epoch + 1, "trainAccuracy": correct / xtr.shape[0], "testAccuracy": test_acc,
                   "trainSeconds": seconds, "samplesPerSecond": xtr.shape[0] / seconds}
            history.append(row)
            if not a.json:
                print(json.dumps(row), flush=True)
    total = sum(h["trainSeconds"] for h in history)
    summary = {"torch": torch.__version__, "threads": torch.get_num_threads(),
               "openblasCoretype": os.environ.get("OPENBLAS_CORETYPE"), "layers": sizes,
               "trainingSamplesPerSecond": xtr.shape[0] * len(history) / total, "epochs": history}
    print(json.dumps(summary, indent=2) if a.json else json.dumps({k: summary[k] for k in ("torch", "threads", "trainingSamplesPerSecond")}))


if __name__ == "__main__":
    main()
