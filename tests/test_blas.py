"""relu_book._blas: one BLAS thread for a block, and the previous number back afterwards."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info

from relu_book._blas import one_blas_thread


def _blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_one_blas_thread_limits_numpy_blas_and_restores_it():
    np.ones((2, 2)) @ np.ones((2, 2))  # numpy's BLAS is loaded
    before = _blas_threads()
    assert before, "threadpoolctl finds no BLAS under numpy"
    with one_blas_thread():
        assert _blas_threads() == [1] * len(before)
    assert _blas_threads() == before


def test_one_blas_thread_restores_the_number_after_an_error():
    before = _blas_threads()
    try:
        with one_blas_thread():
            raise RuntimeError("inside")
    except RuntimeError:
        pass
    assert _blas_threads() == before
