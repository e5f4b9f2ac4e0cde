"""Time chapter 8's encrypted inference and measure its ciphertexts.

Run with ``.venv/bin/python benchmarks/bench_encryption.py``. The network,
data and CKKS parameters are the chapter's: the 2 -> 8 -> 8 -> 3 perceptron
trained with the degree-2 integrated-step activation q(z) = z/2 + 3z^2/16,
the 300 test spirals (one example per slot), N = 16384 and primes of
[60, 40, 40, 40, 40, 40, 60] bits at scale 2^40. Each phase is timed over
several repeats (best, and median) of wall-clock time: key generation,
encryption of the input columns, the encrypted forward pass, and
decryption. The serialised sizes of an input and an output ciphertext are
reported beside their uncompressed sizes.

TenSEAL is an optional dependency of the book. Without it the script says
"tenseal not available" and exits with status 0.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from relu_book import encryption as enc
from relu_book import polynomial_networks as pn

REPEATS = 3
PARAMS = enc.CKKSParameters(16384, (60, 40, 40, 40, 40, 40, 60), 40)


def timed(fn, repeats=REPEATS):
    """Best and median wall-clock seconds of ``fn()``, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> None:
    try:
        ts = enc.require_tenseal()
    except ModuleNotFoundError:
        print("tenseal not available")
        return
    X, y, X_test, _ = pn.spirals_train_test()
    q = pn.relu_fit(2, 2.0, method="integrated step")
    net, _ = pn.train_classifier("polynomial", X, y, seed=0, coefficients=q)

    rows = []
    best, median, context = timed(lambda: enc.ckks_context(PARAMS))
    rows.append(("key generation (context)", best, median))
    best, median, columns = timed(
        lambda: [ts.ckks_vector(context, X_test[:, j].tolist()) for j in range(X_test.shape[1])]
    )
    rows.append((f"encrypt {X_test.shape[1]} columns of {X_test.shape[0]} examples", best, median))
    best, median, outputs = timed(lambda: pn.slot_forward(net, columns))
    rows.append(("encrypted forward pass (all examples)", best, median))
    best, median, decrypted = timed(lambda: [o.decrypt() for o in outputs])
    rows.append((f"decrypt {len(outputs)} output columns", best, median))

    print(f"TenSEAL {ts.__version__}; {PARAMS.describe().splitlines()[0]}; depth {pn.network_depth(net)}")
    print(f"{'phase':44s} {'best s':>8s} {'median s':>9s}")
    for name, b, m in rows:
        print(f"{name:44s} {b:8.3f} {m:9.3f}")
    forward = rows[2][1]
    print(f"per example (forward pass / {X_test.shape[0]}): {forward / X_test.shape[0] * 1e3:.2f} ms")
    error = np.max(np.abs(np.column_stack(decrypted) - net.forward(X_test)))
    print(f"max |decrypted - plaintext|: {error:.2e}")
    for label, vector in (("input", columns[0]), ("output", outputs[0])):
        print(
            f"{label} ciphertext: {len(vector.serialize()) / 2**20:.2f} MiB serialised,"
            f" {enc.ciphertext_bytes(vector) / 2**20:.2f} MiB uncompressed,"
            f" {enc.levels_left(vector)} levels left"
        )


if __name__ == "__main__":
    main()
