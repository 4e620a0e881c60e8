#!/usr/bin/env python3
"""PyTorch side of test/integration/torchParity.test.ts: reads weights, input and labels as JSON on
stdin, runs the same LIF network (V = beta*V + I, spike H >= thr, soft reset, arctan surrogate,
spike-count decoder, softmax cross-entropy) and prints loss and weight gradients as JSON."""
import json
import math
import sys

import torch


class ArcTan(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        a = ctx.alpha
        return g * (a / 2) / (1 + (math.pi / 2 * a * x) ** 2), None


def lif(cur, beta, thr, alpha):
    v = torch.zeros_like(cur[0])
    out = []
    for t in range(cur.shape[0]):
        h = beta * v + cur[t]
        s = ArcTan.apply(h - thr, alpha)
        v = h - s * thr
        out.append(s)
    return torch.stack(out)


def main():
    d = json.load(sys.stdin)
    T, B = d["T"], d["B"]
    p = {k: torch.tensor(v["data"], dtype=torch.float64).reshape(v["shape"]).requires_grad_(True) for k, v in d["params"].items()}
    x = torch.tensor(d["x"], dtype=torch.float64).reshape(B, -1)
    y = torch.tensor(d["labels"], dtype=torch.long)
    beta, thr, alpha = d["beta"], d["threshold"], d["alpha"]
    cur = x.unsqueeze(0).expand(T, -1, -1)  # direct encoding: the analog input every step
    h1 = lif(cur @ p["fc1.weight"] + p["fc1.bias"], beta, thr, alpha)
    h2 = lif(h1 @ p["fc2.weight"] + p["fc2.bias"], beta, thr, alpha)
    counts = h2.sum(0)
    loss = torch.nn.functional.cross_entropy(counts, y)
    loss.backward()
    print(json.dumps({"loss": loss.item(), "counts": counts.flatten().tolist(),
                      "grads": {k: v.grad.flatten().tolist() for k, v in p.items()}}))


if __name__ == "__main__":
    main()
