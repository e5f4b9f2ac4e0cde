r"""Smooth activations evaluated in float64 and rounded once to the input's dtype.

The public functions of :mod:`relu_book.activations` call these kernels. Each
kernel takes a float64 array and returns a float64 array, written with the
formulas that avoid cancellation (for example :math:`1 - \sigma(u) = \sigma(-u)`
and :math:`\tfrac12(1 + \tanh u) = \sigma(2u)`). :func:`apply` runs a kernel
on a float32 (or float16) input chunk by chunk, so that the float64
intermediates stay small and in cache, and rounds each result once: the
float32 error is then at most half an ulp plus the float64 error, which is
far below an ulp of float32. float64 inputs are evaluated directly.

float32 arrays of at least :data:`FAST_MIN_SIZE` elements go instead to the
compiled kernels of :mod:`relu_book._fast`: the same formulas, float64 inside
and one rounding, several times faster than numpy's float64 library calls
(``tests/test_fast_kernels.py`` compares both, float32 number for number).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

#: Elements per chunk: float64 temporaries of 128 KiB stay in the cache.
CHUNK = 16384
#: float32 arrays of this size or larger are evaluated by :mod:`relu_book._fast`
#: (which imports numba and compiles its kernels on first use; smaller arrays do not need it).
FAST_MIN_SIZE = 1 << 16

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
GELU_CUBIC = 0.044715
#: Beyond this |x| every kernel's result is settled (tanh, sigmoid, Phi are 0 or 1
#: in float64 and the densities underflow); clipping avoids overflow in x**2, x**3,
#: and a factor x that multiplies an exact 0 out there is clipped too, so that
#: x = +-inf gives the limit (0 * 1e4 = 0) instead of inf * 0 = nan. For finite x
#: the clipped and unclipped products are the same numbers, bit for bit.
_CLIP = 1e4


def apply(kernel, x: np.ndarray, *args) -> np.ndarray:
    """Evaluate ``kernel`` (float64 in, float64 out) on ``x``; return ``x``'s dtype."""
    if x.dtype == np.float32 and x.size >= FAST_MIN_SIZE:
        from relu_book import _fast

        return _fast.apply(kernel.__name__, x, *args)
    if x.dtype == np.float64:
        return np.asarray(kernel(x, *args), dtype=np.float64)
    out = np.empty(x.shape, dtype=x.dtype)
    flat_in, flat_out = x.reshape(-1), out.reshape(-1)
    buf = np.empty(min(CHUNK, flat_in.size), dtype=np.float64)
    for start in range(0, flat_in.size, CHUNK):
        stop = min(start + CHUNK, flat_in.size)
        b = buf[: stop - start]
        np.copyto(b, flat_in[start:stop])
        with np.errstate(over="ignore"):  # rounding beyond the dtype's range is inf, as it should be
            flat_out[start:stop] = kernel(b, *args)
    return out


# -------------------------------------------------------------------- kernels


def softplus(x, beta, threshold):
    bx = x * beta
    smooth = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
    return np.where(bx > threshold, x, smooth)


def softplus_grad(x, beta, threshold):
    bx = x * beta
    return np.where(bx > threshold, 1.0, special.expit(bx))


def elu(x, alpha, scale=1.0):
    return np.where(x > 0, x * scale, np.expm1(np.minimum(x, 0)) * (alpha * scale))


def elu_grad(x, alpha, scale=1.0):
    return np.where(x > 0, scale, np.exp(np.minimum(x, 0)) * (alpha * scale))


def gelu(x):
    # Phi(x) = 0 below -_CLIP: gelu(-inf) = 0, gelu(inf) = inf * 1 = inf
    return np.maximum(x, -_CLIP) * special.ndtr(x)


def gelu_grad(x):
    xc = np.clip(x, -_CLIP, _CLIP)
    # the density is 0 beyond _CLIP: gelu'(-inf) = 0 + 0, gelu'(inf) = 1 + 0
    return special.ndtr(x) + xc * (np.exp(-0.5 * (xc * xc)) * INV_SQRT_2PI)


def _gelu_tanh_u2(x):
    """2u = 2 sqrt(2/pi) (x + 0.044715 x^3), with x clipped so that x^3 stays finite."""
    xc = np.clip(x, -_CLIP, _CLIP)
    return xc * (xc * xc * GELU_CUBIC + 1) * (2 * SQRT_2_OVER_PI), xc


def gelu_tanh(x):
    u2, _ = _gelu_tanh_u2(x)
    return np.maximum(x, -_CLIP) * special.expit(u2)  # (1 + tanh u) / 2 = sigmoid(2u)


def gelu_tanh_grad(x):
    u2, xc = _gelu_tanh_u2(x)
    s = special.expit(u2)
    # d/du (1 + tanh u)/2 = (1 - tanh^2 u)/2 = 2 sigmoid(2u) sigmoid(-2u)
    du = (xc * xc * (3 * GELU_CUBIC) + 1) * SQRT_2_OVER_PI
    return s + xc * (2 * s * special.expit(-u2) * du)


def silu(x):
    return np.maximum(x, -_CLIP) * special.expit(x)  # silu(-inf) = 0, silu(inf) = inf


def silu_grad(x):
    s = special.expit(x)
    # sigma (1 + x (1 - sigma)), with 1 - sigma(x) = sigma(-x); silu'(-inf) = 0, silu'(inf) = 1
    return s + np.clip(x, -_CLIP, _CLIP) * s * special.expit(-x)


def sigmoid(x):
    return special.expit(x)


def sigmoid_grad(x):
    return special.expit(x) * special.expit(-x)
