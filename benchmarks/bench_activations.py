"""Time relu and relu_grad against np.maximum(x, 0) on 10**7 float32 values.

Run with ``.venv/bin/python benchmarks/bench_activations.py``. Prints the best
of several runs of each, in the same process, and the ratios. The target is a
ratio of at most 1.3 for both.
"""

from __future__ import annotations

import time

import numpy as np

from relu_book import relu, relu_grad

N = 10**7
REPEATS = 15


def best_time(func, repeats: int = REPEATS) -> float:
    """Return the fastest of ``repeats`` wall-clock timings of ``func()``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    x = np.random.default_rng(0).standard_normal(N).astype(np.float32)
    base = best_time(lambda: np.maximum(x, 0))
    t_relu = best_time(lambda: relu(x))
    t_grad = best_time(lambda: relu_grad(x))
    print(f"np.maximum(x, 0): {base * 1e3:7.2f} ms  (10^7 float32 values, best of {REPEATS})")
    print(f"relu(x):          {t_relu * 1e3:7.2f} ms  ratio {t_relu / base:.2f}")
    print(f"relu_grad(x):     {t_grad * 1e3:7.2f} ms  ratio {t_grad / base:.2f}")


if __name__ == "__main__":
    main()
