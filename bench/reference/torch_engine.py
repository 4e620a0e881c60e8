#!/usr/bin/env python3
"""Reference measurement for `spikelab bench engine`: the same two networks in plain PyTorch,
written the way snnTorch runs them (a Python loop over time steps, LIF V = beta*V + I, arctan
surrogate via autograd, subtract reset), on the same random Poisson input. Prints one JSON array of
rows {suite, name, metric, value, unit} on stdout.

Usage: python3 torch_engine.py [--threads N] [--seconds S]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ArcTanSpike(torch.autograd.Function):
    """Heaviside forward; backward alpha/2 / (1 + (pi/2 * alpha * x)^2) (Fang et al. 2021)."""

    @staticmethod
    def forward(ctx, x, alpha=2.0):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        a = ctx.alpha
        return grad * (a / 2) / (1 + (math.pi / 2 * a * x) ** 2), None


def lif_seq(currents, beta=0.9, thr=1.0):
    v = torch.zeros_like(currents[0])
    out = []
    for t in range(currents.shape[0]):
        v = beta * v + currents[t]
        s = ArcTanSpike.apply(v - thr)
        v = v - s * thr
        out.append(s)
    return torch.stack(out)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):  # x [T, B, 784]
        T, B = x.shape[:2]
        h = lif_seq(self.fc1(x.reshape(T * B, -1)).reshape(T, B, -1))
        o = lif_seq(self.fc2(h.reshape(T * B, -1)).reshape(T, B, -1))
        return o.sum(0)


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 20, 5)
        self.c2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Linear(50 * 4 * 4, 200)
        self.fc2 = nn.Linear(200, 10)

    def forward(self, x):  # x [T, B, 1, 28, 28]
        T, B = x.shape[:2]
        h = lif_seq(self.c1(x.reshape(T * B, 1, 28, 28)).reshape(T, B, 20, 24, 24))
        h = F.avg_pool2d(h.reshape(T * B, 20, 24, 24), 2)
        h = lif_seq(self.c2(h).reshape(T, B, 50, 8, 8))
        h = F.avg_pool2d(h.reshape(T * B, 50, 8, 8), 2).reshape(T, B, -1)
        h = lif_seq(self.fc1(h.reshape(T * B, -1)).reshape(T, B, -1))
        o = lif_seq(self.fc2(h.reshape(T * B, -1)).reshape(T, B, -1))
        return o.sum(0)


def measure(name, model, shape, T, B, seconds, rate):
    gen = torch.Generator().manual_seed(1)
    x = (torch.rand((T, B) + shape, generator=gen) < rate).float()
    y = torch.randint(0, 10, (B,), generator=gen)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rows = []
    for mode in ("train", "infer"):
        done, start, first = 0, None, True
        while True:
            if mode == "train":
                opt.zero_grad()
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
            else:
                with torch.no_grad():
                    model(x)
            if first:  # warm-up step excluded
                first, start = False, time.perf_counter()
                continue
            done += B
            if time.perf_counter() - start >= seconds:
                break
        rows.append({"suite": "engine-reference", "name": name, "metric": f"{mode}_samples_per_s",
                     "value": done / (time.perf_counter() - start), "unit": "samples/s"})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--rate", type=float, default=0.15)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows = measure("mlp", Mlp(), (784,), 25, 128, args.seconds, args.rate)
    rows += measure("conv", Conv(), (1, 28, 28), 8, 64, args.seconds, args.rate)
    for r in rows:
        r["torch"] = torch.__version__
        r["threads"] = args.threads
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
