"""Time every elementwise function of relu_book and its gradient beside PyTorch's CPU kernel.

Run with ``.venv/bin/python benchmarks/bench_frameworks.py`` (``make bench``
runs it); it needs PyTorch (``pip install -e '.[frameworks]'``) and says so
without it. On 10**7 float32 values, PyTorch limited to one thread
(``torch.set_num_threads(1)``, numpy is single-threaded anyway), each
function is timed REPEATS times, alternating with PyTorch's, and the fastest
CPU time (``time.process_time``, which other programs on a shared machine
disturb less than the wall clock) is kept. A gradient is compared with the
kernel of PyTorch's backward pass called directly (for example
``aten.gelu_backward``); where that kernel needs the forward output (sigmoid,
tanh), the forward kernel is timed with it, since relu_book's gradient starts
from ``x`` too. The target is a ratio of at most 2.

The table is printed and written to ``benchmarks/results_frameworks.md`` and
into README.md between ``<!-- bench-frameworks:start -->`` and
``<!-- bench-frameworks:end -->``.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import sys
import time
from pathlib import Path

import numpy as np

import relu_book as rb

ROOT = Path(__file__).resolve().parent.parent
N = 10**7
REPEATS = 7
TARGET = 2.0


def cases(torch):
    """(name, relu_book call, PyTorch call) on the arrays x (numpy) and t (torch)."""
    F = torch.nn.functional
    aten = torch.ops.aten
    alpha, scale = rb.SELU_ALPHA, rb.SELU_SCALE
    return [
        ("relu", lambda x, t, g: rb.relu(x), lambda x, t, g: F.relu(t)),
        ("relu_grad", lambda x, t, g: rb.relu_grad(x), lambda x, t, g: aten.threshold_backward(g, t, 0)),
        ("leaky_relu", lambda x, t, g: rb.leaky_relu(x), lambda x, t, g: F.leaky_relu(t)),
        ("leaky_relu_grad", lambda x, t, g: rb.leaky_relu_grad(x),
         lambda x, t, g: aten.leaky_relu_backward(g, t, 0.01, False)),
        ("relu6", lambda x, t, g: rb.relu6(x), lambda x, t, g: F.relu6(t)),
        ("relu6_grad", lambda x, t, g: rb.relu6_grad(x), lambda x, t, g: aten.hardtanh_backward(g, t, 0.0, 6.0)),
        ("softplus", lambda x, t, g: rb.softplus(x), lambda x, t, g: F.softplus(t)),
        ("softplus_grad", lambda x, t, g: rb.softplus_grad(x),
         lambda x, t, g: aten.softplus_backward(g, t, 1.0, 20.0)),
        ("elu", lambda x, t, g: rb.elu(x), lambda x, t, g: F.elu(t)),
        ("elu_grad", lambda x, t, g: rb.elu_grad(x), lambda x, t, g: aten.elu_backward(g, 1.0, 1.0, 1.0, False, t)),
        ("selu", lambda x, t, g: rb.selu(x), lambda x, t, g: F.selu(t)),
        ("selu_grad", lambda x, t, g: rb.selu_grad(x),
         lambda x, t, g: aten.elu_backward(g, alpha, scale, 1.0, False, t)),
        ("gelu", lambda x, t, g: rb.gelu(x), lambda x, t, g: F.gelu(t)),
        ("gelu_grad", lambda x, t, g: rb.gelu_grad(x), lambda x, t, g: aten.gelu_backward(g, t)),
        ("gelu (tanh)", lambda x, t, g: rb.gelu(x, "tanh"), lambda x, t, g: F.gelu(t, approximate="tanh")),
        ("gelu_grad (tanh)", lambda x, t, g: rb.gelu_grad(x, "tanh"),
         lambda x, t, g: aten.gelu_backward(g, t, approximate="tanh")),
        ("silu", lambda x, t, g: rb.silu(x), lambda x, t, g: F.silu(t)),
        ("silu_grad", lambda x, t, g: rb.silu_grad(x), lambda x, t, g: aten.silu_backward(g, t)),
        ("sigmoid", lambda x, t, g: rb.sigmoid(x), lambda x, t, g: torch.sigmoid(t)),
        ("sigmoid_grad", lambda x, t, g: rb.sigmoid_grad(x),
         lambda x, t, g: aten.sigmoid_backward(g, torch.sigmoid(t))),
        ("tanh", lambda x, t, g: rb.tanh(x), lambda x, t, g: torch.tanh(t)),
        ("tanh_grad", lambda x, t, g: rb.tanh_grad(x), lambda x, t, g: aten.tanh_backward(g, torch.tanh(t))),
    ]


def cpu_time(func, *args) -> float:
    start = time.process_time()
    func(*args)
    return time.process_time() - start


def measure(torch) -> list[dict]:
    torch.set_num_threads(1)
    x = (np.random.default_rng(0).standard_normal(N) * 4).astype(np.float32)
    t = torch.from_numpy(x)
    g = torch.ones_like(t)
    rows = []
    for name, ours, theirs in cases(torch):
        best_ours = best_torch = np.inf
        for _ in range(REPEATS):
            best_ours = min(best_ours, cpu_time(ours, x, t, g))
            best_torch = min(best_torch, cpu_time(theirs, x, t, g))
        ratio = best_ours / best_torch
        rows.append({"function": name, "relu_book": best_ours * 1e3, "PyTorch": best_torch * 1e3, "ratio": ratio})
        print(f"{name:18s} relu_book {best_ours * 1e3:8.1f} ms   PyTorch {best_torch * 1e3:8.1f} ms   "
              f"ratio {ratio:5.2f}", flush=True)
    return rows


def markdown(rows, torch) -> str:
    when = datetime.date.today().isoformat()
    head = (f"10^7 float32 values, CPU time, best of {REPEATS}; PyTorch {torch.__version__.split('+')[0]} on one "
            f"thread, numpy {np.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores, {when}.")
    lines = [head, "", "| function | relu_book | PyTorch | ratio | <= 2x |", "| --- | --- | --- | --- | --- |"]
    for r in rows:
        met = "yes" if r["ratio"] <= TARGET else "no"
        lines.append(
            f"| `{r['function']}` | {r['relu_book']:.1f} ms | {r['PyTorch']:.1f} ms | {r['ratio']:.2f} | {met} |"
        )
    return "\n".join(lines)


def main() -> int:
    try:
        import torch
    except ImportError:
        print("bench_frameworks: PyTorch is not installed; pip install -e '.[frameworks]' to compare with it")
        return 0
    table = markdown(measure(torch), torch)
    (ROOT / "benchmarks" / "results_frameworks.md").write_text(table + "\n", encoding="utf-8")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- bench-frameworks:start -->\n).*?(<!-- bench-frameworks:end -->)", re.S)
    if pattern.search(text):
        readme.write_text(pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text), encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
