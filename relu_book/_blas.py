"""One BLAS thread for a block of many small linear-algebra calls (private)."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import glob
import os

import numpy as np


@functools.cache
def _openblas():
    """``(get, set)`` of the number of threads of numpy's OpenBLAS, or ``None`` if not found."""
    try:
        libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
        for path in libs:
            lib = ctypes.CDLL(path)
            for prefix in ("scipy_openblas_", "openblas_"):
                for suffix in ("64_", ""):
                    get = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                    put = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
                    if get is not None and put is not None:
                        return get, put
    except OSError:  # pragma: no cover
        pass
    return None  # pragma: no cover


@contextlib.contextmanager
def _one_blas_thread():
    """Run the block with one BLAS thread (a no-op if numpy's OpenBLAS is not found).

    A product of two small matrices is computed by the same kernel, entry by
    entry, whatever the number of threads, so results do not change; but
    between many small products the idle threads of a multithreaded BLAS
    spin and waste CPU time.
    """
    lib = _openblas()
    if lib is None:  # pragma: no cover
        yield
        return
    get, put = lib
    before = get()
    put(1)
    try:
        yield
    finally:
        put(before)
