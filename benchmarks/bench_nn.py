"""Time one SGD step of chapter 4's network in relu_book.nn and, side by side, in PyTorch.

Run with ``.venv/bin/python benchmarks/bench_nn.py``. The network is the one
of chapter 4's convergence experiment: 2 -> 64 -> 64 -> 64 -> 3 with ReLU,
cross-entropy loss, a batch of 32, plain SGD. One step is the forward pass,
the loss, the backward pass and the parameter update. Each implementation is
timed over many steps (best of several repeats, after a warm-up), in float32
and in float64.

PyTorch is not a requirement of the book. Without it the script says
"torch not available" and exits with status 0. With it, PyTorch is timed with
its default number of threads and with one thread, and the faster of the two
is the reference: ratio = (relu_book time) / (PyTorch time), so a ratio at
most 1 means "no slower than PyTorch".
"""

from __future__ import annotations

import time

import numpy as np

from relu_book.nn import MLP, train_step
from relu_book.training import make_spirals

SIZES = [2, 64, 64, 64, 3]
BATCH = 32
LR = 0.1
STEPS = 500
REPEATS = 7


def time_per_step(step, steps: int = STEPS) -> float:
    """Mean wall-clock time of one call of ``step()`` over ``steps`` calls."""
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def race(candidates: dict, repeats: int = REPEATS) -> dict:
    """Best time per step of each candidate ``name: (setup, step)``, interleaved.

    Every repeat calls each candidate's ``setup()`` and times its ``step``,
    in turn, so a burst of load on the machine slows all of them alike.
    """
    for setup, step in candidates.values():  # warm-up
        setup()
        for _ in range(50):
            step()
    best = dict.fromkeys(candidates, np.inf)
    for _ in range(repeats):
        for name, (setup, step) in candidates.items():
            setup()
            best[name] = min(best[name], time_per_step(step))
    return best


def numpy_step(X, labels, dtype):
    model = MLP(SIZES, activation="relu", init="he", seed=0, dtype=dtype)
    X = X.astype(dtype)
    return lambda: train_step(model, X, labels, LR, loss="cross_entropy")


def torch_step(torch, X, labels, dtype):
    torch.manual_seed(0)
    layers = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=dtype), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt = torch.tensor(X, dtype=dtype)
    yt = torch.tensor(labels)

    def step():
        opt.zero_grad()
        loss = loss_fn(net(Xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def main() -> None:
    X, labels = make_spirals(n_per_class=100, n_classes=3, seed=0)
    X, labels = X[:BATCH], labels[:BATCH]
    print(f"network {SIZES}, relu, cross-entropy, batch {BATCH}, plain SGD; "
          f"time per step, best of {REPEATS} x {STEPS} steps")
    try:
        import torch
    except ImportError:
        torch = None
    for name, np_dtype in (("float32", np.float32), ("float64", np.float64)):
        candidates = {"relu_book.nn": (lambda: None, numpy_step(X, labels, np_dtype))}
        if torch is not None:
            default_threads = torch.get_num_threads()
            for threads in sorted({1, default_threads}):
                candidates[f"torch {torch.__version__}, {threads} thread(s)"] = (
                    lambda threads=threads: torch.set_num_threads(threads),
                    torch_step(torch, X, labels, getattr(torch, name)),
                )
        best = race(candidates)
        if torch is not None:
            torch.set_num_threads(default_threads)
        for label, value in best.items():
            print(f"{name}  {label:<32} {value * 1e6:8.1f} us")
        if torch is not None:
            ref = min(v for k, v in best.items() if k.startswith("torch"))
            print(f"{name}  ratio relu_book / torch (faster torch setting): {best['relu_book.nn'] / ref:.2f}")
    if torch is None:
        print("torch not available: relu_book.nn timed alone, no ratio")


if __name__ == "__main__":
    main()
