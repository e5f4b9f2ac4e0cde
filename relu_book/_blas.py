"""The BLAS under numpy on one thread for a block of code (private; see :func:`one_blas_thread`)."""

from __future__ import annotations

import contextlib
import functools

from threadpoolctl import ThreadpoolController


@functools.cache
def _controller() -> ThreadpoolController:
    """The thread pools loaded in this process, found once (finding them takes about half a millisecond)."""
    return ThreadpoolController()


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with one BLAS thread, and restore the previous number afterwards.

    A product of two small matrices is computed by the same kernel, entry by
    entry, whatever the number of threads, so results do not change; but
    between many small products the idle threads of a multithreaded BLAS
    spin and waste CPU time. threadpoolctl does the limiting (a no-op where
    numpy's BLAS is not one it knows).
    """
    with _controller().limit(limits=1, user_api="blas"):
        yield
