r"""Compiled float32 kernels of the smooth activations, as accurate as :mod:`relu_book._precise`.

:mod:`relu_book._precise` evaluates a float32 input in float64 with numpy and
scipy and rounds once; its float64 transcendentals (``np.exp``, ``ndtr``) are
scalar library calls, several times slower than PyTorch's float32 kernels.
The kernels here do the same computation, float64 inside and one rounding to
float32 at the end, in loops that numba compiles and LLVM vectorises (four
float64 lanes with AVX2). The transcendentals are written out so that they
vectorise:

- :math:`e^t` for :math:`t \le 0`: :math:`t = k \ln 2 + r` with
  :math:`k = \operatorname{round}(t / \ln 2)`, :math:`|r| \le \tfrac12 \ln 2`
  (Cody and Waite's two-part :math:`\ln 2`), :math:`e^r - 1` from its Taylor
  polynomial to :math:`r^{13}/13!` (truncation error below
  :math:`10^{-16}` relative), and :math:`2^k` built from its exponent bits;
  :math:`e^t - 1 = 2^k (e^r - 1) + (2^k - 1)` keeps the relative accuracy near 0.
- :math:`\log(1 + e)` for :math:`0 \le e \le 1`: :math:`1 + e = 2^j m` with
  :math:`m \in [1/\sqrt2, \sqrt2)`, the rounding error of :math:`1 + e` added
  back, and :math:`\log m = 2 \operatorname{artanh} s`, :math:`s = (m-1)/(m+1)`,
  from its series to :math:`s^{23}`.
- :math:`\Phi(-a)` for :math:`a \ge 0`: :math:`e^{-a^2/2} G(a)` with
  :math:`G(a) = e^{a^2/2} \Phi(-a)` (smooth, from 1/2 at 0 to about
  :math:`1/(a\sqrt{2\pi})`) as a polynomial of degree 19 in
  :math:`v = (\tfrac53 a - 5)/(a + 5)`, which maps :math:`[0, 15]` to
  :math:`[-1, 1]`: its Chebyshev interpolant, from :func:`normal_tail_coefficients`
  (relative error about :math:`2 \cdot 10^{-15}` in float64).
  Beyond :math:`a = 15`, :math:`\Phi(-a) < 10^{-50}` rounds to 0 in float32
  anyway. :math:`a^2` is exact for a float32 :math:`a`.

Each kernel has the formula of its :mod:`relu_book._precise` counterpart
(``tests/test_fast_kernels.py`` compares their float32 results on every float32
binade and on a grid), and the same limits at :math:`\pm\infty`; NaN in gives NaN
out. :func:`relu_book._precise.apply` sends float32 arrays of at least
:data:`relu_book._precise.FAST_MIN_SIZE` elements here: importing numba and
compiling a kernel costs about a second on first use (``cache=True`` keeps the
machine code in ``__pycache__`` for the next process), which small arrays do
not need.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

#: Coefficients of v**0, v**1, ... of G(a) = exp(a^2/2) Phi(-a) on [0, 15], v = (5/3 a - 5)/(a + 5),
#: from :func:`normal_tail_coefficients` (tests/test_fast_kernels.py recomputes them).
NORMAL_TAIL = (
    0.12151394835556216,
    -0.16512208960678168,
    0.11188838612318028,
    -0.06181176111503264,
    0.02749365117870903,
    -0.00952412115559631,
    0.002369591273614904,
    -0.00032126795625597444,
    -2.4140352023194383e-05,
    1.980837598630555e-05,
    -1.8669084793406608e-06,
    -8.635805691953271e-07,
    1.876318431687733e-07,
    4.2043865032994305e-08,
    -1.3666523890918996e-08,
    -2.70707575919249e-09,
    9.091436953835038e-10,
    2.148043350571089e-10,
    -4.541188157762679e-11,
    -1.3729173311946291e-11,
)
_TAIL_A = 15.0
_TAIL_K = 5.0
_TAIL_C1 = 5.0 / 3.0

_CLIP = 1e4  # as in relu_book._precise
_INV_LN2 = 1.0 / math.log(2.0)
_LN2 = math.log(2.0)
_LN2_HI = 6.93147180369123816490e-01  # fdlibm's split of ln 2: k * _LN2_HI is exact for |k| < 2**20
_LN2_LO = 1.90821492927058770002e-10
_ROUND = 6755399441055744.0  # 1.5 * 2**52: t + _ROUND rounds t to an integer, held in the low bits
_ROUND_BITS = int(np.array(_ROUND).view(np.int64))
_EXP_MIN = -708.0  # e^t - 1 rounds to -1 below this, and 2**k of its reduction stays a normal float64
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715


def normal_tail_coefficients(n: int = 20, nodes: int = 64) -> tuple[float, ...]:
    """Coefficients of v**0, ..., v**(n-1) of the polynomial that approximates
    G(a) = exp(a^2/2) Phi(-a) on [0, 15], v = (5/3 a - 5)/(a + 5) (see the module).

    The Chebyshev interpolant of degree ``n - 1`` in v (at ``nodes`` Chebyshev
    points, truncated to ``n`` terms), converted to powers of v, with mpmath at
    40 digits; each coefficient rounded once to float64.
    """
    import mpmath

    with mpmath.workdps(40):
        k, c1 = mpmath.mpf(_TAIL_K), mpmath.mpf(5) / 3
        vs = [mpmath.cos(mpmath.pi * (j + mpmath.mpf(0.5)) / nodes) for j in range(nodes)]
        values = [mpmath.ncdf(-a) * mpmath.exp(a * a / 2) for a in (k * (1 + v) / (c1 - v) for v in vs)]
        power = [mpmath.mpf(0)] * n
        t_prev, t = [mpmath.mpf(1)], [mpmath.mpf(0), mpmath.mpf(1)]  # T_0 and T_1 as powers of v
        for i in range(n):
            ti = t_prev if i == 0 else t
            terms = (values[j] * mpmath.cos(mpmath.pi * i * (j + mpmath.mpf(0.5)) / nodes) for j in range(nodes))
            c = mpmath.fsum(terms) * (1 if i == 0 else 2) / nodes
            for d, coef in enumerate(ti):
                power[d] += c * coef
            if i >= 1:  # T_{i+1} = 2 v T_i - T_{i-1}
                t_prev, t = t, [2 * (t[d - 1] if d else 0) - (t_prev[d] if d < len(t_prev) else 0)
                                for d in range(len(t) + 1)]
    return tuple(float(p) for p in power)


_jit = njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"})
# Helpers: compiled once, inlined by LLVM into each kernel (numba's own inlining, inline="always",
# costs typing time per call site; it is needed where LLVM does not inline a long helper by itself).
_helper = njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"})
_inline_helper = njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"}, inline="always")


@intrinsic
def _bits(typingctx, x):
    """The int64 with the bits of a float64."""
    if x == types.float64:
        return types.int64(types.float64), lambda context, builder, sig, args: builder.bitcast(args[0], ir.IntType(64))
    return None


@intrinsic
def _from_bits(typingctx, i):
    """The float64 with the bits of an int64."""
    if i == types.int64:
        return types.float64(types.int64), lambda context, builder, sig, args: builder.bitcast(args[0], ir.DoubleType())
    return None


@_helper
def expm1_parts(t):
    """(p, k) with e^t = 2**k (1 + p), k an integer and |p| < 0.42, for t in [-750, 0]."""
    y = t * _INV_LN2 + _ROUND
    kd = y - _ROUND
    r = (t - kd * _LN2_HI) - kd * _LN2_LO
    q = 1.0 / 6227020800.0
    q = q * r + 1.0 / 479001600.0
    q = q * r + 1.0 / 39916800.0
    q = q * r + 1.0 / 3628800.0
    q = q * r + 1.0 / 362880.0
    q = q * r + 1.0 / 40320.0
    q = q * r + 1.0 / 5040.0
    q = q * r + 1.0 / 720.0
    q = q * r + 1.0 / 120.0
    q = q * r + 1.0 / 24.0
    q = q * r + 1.0 / 6.0
    q = q * r + 0.5
    p = r + (r * r) * q
    return p, _bits(y) - _ROUND_BITS


@_helper
def exp_neg(t):
    """e^t for t <= 0, down to the subnormals and 0 (NaN gives a number: callers restore NaN)."""
    p, k = expm1_parts(t if t > -750.0 else -750.0)
    k1 = k >> 1  # 2**k as 2**k1 * 2**(k - k1), both normal (k >= -1083 here); below 2**-1022 this rounds twice
    return (_from_bits((k1 + 1023) << 52) * (1.0 + p)) * _from_bits((k - k1 + 1023) << 52)


@_helper
def expm1_neg(t):
    """e^t - 1 for t <= 0 (-1 below -708): 2**k p + (2**k - 1), whose terms are exact for k <= 0."""
    p, k = expm1_parts(t if t > _EXP_MIN else _EXP_MIN)
    s = _from_bits((k + 1023) << 52)
    return s * p + (s - 1.0)


@_helper
def log1p_unit(e):
    """log(1 + e) for 0 <= e <= 1."""
    u = 1.0 + e
    c = (e - (u - 1.0)) / u  # the rounding error of 1 + e, as a relative correction
    big = u > 1.4142135623730951
    m = u * 0.5 if big else u
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    q = 2.0 / 23.0
    q = q * z + 2.0 / 21.0
    q = q * z + 2.0 / 19.0
    q = q * z + 2.0 / 17.0
    q = q * z + 2.0 / 15.0
    q = q * z + 2.0 / 13.0
    q = q * z + 2.0 / 11.0
    q = q * z + 2.0 / 9.0
    q = q * z + 2.0 / 7.0
    q = q * z + 2.0 / 5.0
    q = q * z + 2.0 / 3.0
    logm = 2.0 * s + s * (z * q)
    return ((_LN2 if big else 0.0) + c) + logm


_G = NORMAL_TAIL


@_inline_helper
def normal_tail(a):
    """(Phi(-a), e^{-a^2/2}) for a >= 0 (a = |x| of a float32 x, so a * a is exact)."""
    ac = a if a < 40.0 else 40.0
    e = exp_neg(-0.5 * (ac * ac))
    ag = a if a < _TAIL_A else _TAIL_A
    v = (_TAIL_C1 * ag - _TAIL_K) / (ag + _TAIL_K)
    g = _G[19]
    g = g * v + _G[18]
    g = g * v + _G[17]
    g = g * v + _G[16]
    g = g * v + _G[15]
    g = g * v + _G[14]
    g = g * v + _G[13]
    g = g * v + _G[12]
    g = g * v + _G[11]
    g = g * v + _G[10]
    g = g * v + _G[9]
    g = g * v + _G[8]
    g = g * v + _G[7]
    g = g * v + _G[6]
    g = g * v + _G[5]
    g = g * v + _G[4]
    g = g * v + _G[3]
    g = g * v + _G[2]
    g = g * v + _G[1]
    g = g * v + _G[0]
    return e * g, e


@_helper
def logistic(x):
    """(sigma(x), sigma(-x)) from one exponential."""
    e = exp_neg(-abs(x))
    d = 1.0 / (1.0 + e)
    pos = x >= 0
    return (d if pos else e * d), (e * d if pos else d)


@_jit
def sigmoid(x, out):
    for i in range(x.size):
        xd = np.float64(x[i])
        s, _ = logistic(xd)
        out[i] = s if xd == xd else xd


@_jit
def sigmoid_grad(x, out):
    for i in range(x.size):
        xd = np.float64(x[i])
        e = exp_neg(-abs(xd))
        d = 1.0 / (1.0 + e)
        r = e * (d * d)
        out[i] = r if xd == xd else xd


@_jit
def silu(x, out):
    for i in range(x.size):
        xd = np.float64(x[i])
        s, _ = logistic(xd)
        r = (xd if xd > -_CLIP else -_CLIP) * s
        out[i] = r if xd == xd else xd


@_jit
def silu_grad(x, out):
    for i in range(x.size):
        xd = np.float64(x[i])
        s, sm = logistic(xd)
        xc = min(max(xd, -_CLIP), _CLIP)
        r = s + xc * s * sm
        out[i] = r if xd == xd else xd


@_jit
def softplus(x, out, beta, threshold):
    for i in range(x.size):
        xd = np.float64(x[i])
        bx = xd * beta
        e = exp_neg(-abs(bx))
        smooth = ((bx if bx > 0.0 else 0.0) + log1p_unit(e)) / beta
        r = xd if bx > threshold else smooth
        out[i] = r if xd == xd else xd


@_jit
def softplus_grad(x, out, beta, threshold):
    for i in range(x.size):
        xd = np.float64(x[i])
        s, _ = logistic(xd * beta)
        r = 1.0 if xd * beta > threshold else s
        out[i] = r if xd == xd else xd


@_jit
def elu(x, out, alpha, scale):
    a_s = alpha * scale
    for i in range(x.size):
        xd = np.float64(x[i])
        em1 = expm1_neg(xd if xd < 0.0 else 0.0)
        r = xd * scale if xd > 0 else em1 * a_s
        out[i] = r if xd == xd else xd


@_jit
def elu_grad(x, out, alpha, scale):
    a_s = alpha * scale
    for i in range(x.size):
        xd = np.float64(x[i])
        e = exp_neg(xd if xd < 0.0 else 0.0)
        r = scale if xd > 0 else e * a_s
        out[i] = r if xd == xd else xd


@_jit
def gelu(x, out):
    for i in range(x.size):
        xd = np.float64(x[i])
        q, _ = normal_tail(abs(xd))
        phi = q if xd < 0 else 1.0 - q
        r = (xd if xd > -_CLIP else -_CLIP) * phi
        out[i] = r if xd == xd else xd


@_jit
def gelu_grad(x, out):
    for i in range(x.size):
        xd = np.float64(x[i])
        q, e = normal_tail(abs(xd))
        phi = q if xd < 0 else 1.0 - q
        xc = min(max(xd, -_CLIP), _CLIP)
        r = phi + xc * (e * _INV_SQRT_2PI)
        out[i] = r if xd == xd else xd


@_jit
def gelu_tanh(x, out):
    for i in range(x.size):
        xd = np.float64(x[i])
        xc = min(max(xd, -_CLIP), _CLIP)
        u2 = xc * (xc * xc * _GELU_CUBIC + 1.0) * (2.0 * _SQRT_2_OVER_PI)
        s, _ = logistic(u2)
        r = (xd if xd > -_CLIP else -_CLIP) * s
        out[i] = r if xd == xd else xd


@_jit
def gelu_tanh_grad(x, out):
    for i in range(x.size):
        xd = np.float64(x[i])
        xc = min(max(xd, -_CLIP), _CLIP)
        u2 = xc * (xc * xc * _GELU_CUBIC + 1.0) * (2.0 * _SQRT_2_OVER_PI)
        s, sm = logistic(u2)
        du = (xc * xc * (3.0 * _GELU_CUBIC) + 1.0) * _SQRT_2_OVER_PI
        r = s + xc * (2.0 * s * sm * du)
        out[i] = r if xd == xd else xd


KERNELS = {f.__name__: f for f in (sigmoid, sigmoid_grad, silu, silu_grad, softplus, softplus_grad, elu, elu_grad,
                                      gelu, gelu_grad, gelu_tanh, gelu_tanh_grad)}


def apply(name: str, x: np.ndarray, *args) -> np.ndarray:
    """Evaluate kernel ``name`` on a float32 array ``x`` (any shape and layout); return float32."""
    flat = np.ascontiguousarray(x).reshape(-1)
    if not flat.flags.writeable:  # numba types read-only arrays apart: one compiled kernel each, not two
        flat = flat.copy()
    out = np.empty(flat.shape, dtype=np.float32)
    KERNELS[name](flat, out, *(float(a) for a in args))
    return out.reshape(x.shape)
