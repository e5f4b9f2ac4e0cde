"""Checkers for the exercises of chapter 8, "ReLU on + and × only: polynomial networks and encrypted inference".

Readers call them through ``check(label, answer)`` with the label of the
exercise. The expected values are computed here with ``relu_book`` (never
typed in twice): minimax fits from :mod:`relu_book.approximation` and
:mod:`relu_book.polynomial_networks`, depths from
:func:`relu_book.polynomial_networks.activation_depth`, the security bound
from :data:`relu_book.encryption.MAX_BITS_128`.

* ``ex-ch8-1`` -- the minimax error of the best line for relu on [-3, 3].
* ``ex-ch8-2`` -- the degree-2 minimax polynomial of relu on [-2, 2].
* ``ex-ch8-3`` -- the multiplicative depth of a network with degree-4 activations.
* ``ex-ch8-4`` -- the interval a first-layer unit needs.
* ``ex-ch8-5`` -- the levels CKKS parameters with N = 8192 allow.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch8-1", 0.75).correct
True
>>> grade("ex-ch8-3", 16).correct
False
"""

from __future__ import annotations

import numpy as np

from relu_book.approximation import max_error, relu_least_squares, relu_minimax
from relu_book.encryption import MAX_BITS_128
from relu_book.exercises import Feedback, MalformedAnswer, register
from relu_book.exercises._answers import as_array, as_number
from relu_book.polynomial_networks import activation_depth, monomial_coefficients, relu_fit

#: ``ex-ch8-1``: the half-width of the interval.
LINE_HALF_WIDTH = 3.0
#: ``ex-ch8-2``: the half-width of the interval.
QUADRATIC_HALF_WIDTH = 2.0
#: ``ex-ch8-3``: weight layers, and the degree of every hidden activation.
NETWORK_LAYERS, NETWORK_DEGREE = 4, 4
#: ``ex-ch8-4``: the weights and bias of the unit; its inputs lie in [-1, 1].
UNIT_WEIGHTS, UNIT_BIAS = np.array([1.5, -2.0]), 0.5
#: ``ex-ch8-5``: polynomial modulus degree, outer primes' bits (first and special), scale bits.
CKKS_DEGREE, OUTER_BITS, SCALE_BITS = 8192, (60, 60), 40


def _integer(answer) -> int:
    got = as_number(answer)
    if not float(got).is_integer():
        raise MalformedAnswer(f"got {got:g}; give a whole number")
    return int(got)


@register("ex-ch8-1", "a number (the largest error of the best line for relu on [-3, 3])")
def check_minimax_line_error(answer) -> Feedback:
    """E_1 on [-3, 3]: a/4 = 3/4, the error of 3/4 + x/2."""
    got = as_number(answer)
    expected = max_error(relu_minimax(1, LINE_HALF_WIDTH), LINE_HALF_WIDTH)
    if np.isclose(got, expected, rtol=1e-9):
        return Feedback(True, f"{expected:g} = a/4: the line x/2 + 3/4 is off by 3/4 at -3, 0 and 3,"
                              " with alternating signs.")
    if np.isclose(got, expected / LINE_HALF_WIDTH):
        hint = "1/4 is the error on [-1, 1]; by positive homogeneity the error on [-a, a] is a times larger."
    elif np.isclose(got, LINE_HALF_WIDTH / 2):
        hint = "that is the best constant; a line keeps the odd part x/2 of relu and approximates |x|/2 only."
    elif np.isclose(got, max_error(relu_minimax(2, LINE_HALF_WIDTH), LINE_HALF_WIDTH)):
        hint = "that is the degree-2 error a/16; the exercise asks for the best line."
    else:
        hint = ("write relu(x) = x/2 + |x|/2 and find the constant c that makes |x|/2 - c as small as possible"
                " on [0, 3].")
    return Feedback(False, f"{got:g} is not the minimax error of a line on [-3, 3].", hint)


@register("ex-ch8-2", "a list [c0, c1, c2] (the coefficients of the degree-2 minimax fit on [-2, 2])")
def check_minimax_quadratic(answer) -> Feedback:
    """The degree-2 minimax fit on [-2, 2]: a/16 + x/2 + x^2/(2a) = 1/8 + x/2 + x^2/4."""
    got = as_array(answer, shape=(3,))
    expected = relu_fit(2, QUADRATIC_HALF_WIDTH)
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        return Feedback(True, "1/8 + x/2 + x^2/4: the error a/16 = 1/8 is reached at 0, +-1 and +-2"
                              " with alternating signs.")
    if np.allclose(got, relu_fit(2, 1.0)):
        hint = ("that is the fit on [-1, 1]; on [-a, a] use a p(x/a): the constant grows with a,"
                " the x^2 coefficient shrinks.")
    elif np.allclose(got, monomial_coefficients(relu_least_squares(2, QUADRATIC_HALF_WIDTH))):
        hint = "that is the least-squares fit; the minimax fit equalises the largest errors instead."
    elif np.isclose(got[1], 0.5):
        hint = ("the x coefficient is right; make |x|/2 - c0 - c2 x^2 equal -E at 0, +E where its slope is 0,"
                " -E at x = 2.")
    else:
        hint = "keep the odd part x/2 and fit |x|/2 by c0 + c2 x^2, with equal errors of alternating sign."
    return Feedback(False, f"{np.array2string(got, precision=5)} is not the minimax fit on [-2, 2].", hint)


@register("ex-ch8-3", "a whole number (the multiplicative depth of the network)")
def check_network_depth(answer) -> Feedback:
    """4 weight layers and 3 activations of degree 4, leading coefficients folded: 4 + 3 * 2 = 10."""
    got = _integer(answer)
    hidden = NETWORK_LAYERS - 1
    expected = NETWORK_LAYERS + hidden * activation_depth(NETWORK_DEGREE)
    if got == expected:
        return Feedback(True, f"{expected} = 4 weight layers + 3 activations of ceil(log2 4) = 2 levels each.")
    if got == NETWORK_LAYERS + hidden * activation_depth(NETWORK_DEGREE, fold_leading=False):
        hint = "that is without folding; fold the leading coefficient into the weights before each activation."
    elif got == NETWORK_LAYERS + hidden * NETWORK_DEGREE:
        hint = "Horner's rule spends one level per degree; z^4 = (z^2)^2 needs only two."
    elif got == hidden * activation_depth(NETWORK_DEGREE):
        hint = "the weight layers count too: each product by a plain weight is followed by a rescaling."
    else:
        hint = "add one level per weight layer and ceil(log2 d) levels per hidden activation."
    return Feedback(False, f"{got} is not the depth of this network.", hint)


@register("ex-ch8-4", "a number (the smallest a with |z| <= a for every input in [-1, 1]^2)")
def check_unit_interval(answer) -> Feedback:
    """max over the square of |1.5 x1 - 2 x2 + 0.5| = |1.5| + |-2| + 0.5 = 4, at a corner."""
    got = as_number(answer)
    corners = np.array([[s, t] for s in (-1.0, 1.0) for t in (-1.0, 1.0)])
    expected = float(np.max(np.abs(corners @ UNIT_WEIGHTS + UNIT_BIAS)))
    if np.isclose(got, expected):
        return Feedback(True, f"{expected:g} = |1.5| + |-2| + |0.5|, reached at the corner x = (1, -1).")
    if np.isclose(got, np.sum(np.abs(UNIT_WEIGHTS)) - abs(UNIT_BIAS)):
        hint = "the bias adds at the corner where the weighted sum has its sign: take (1, -1)."
    elif np.isclose(got, np.sum(np.abs(UNIT_WEIGHTS))):
        hint = "do not forget the bias."
    elif np.isclose(got, np.linalg.norm(UNIT_WEIGHTS) + abs(UNIT_BIAS)):
        hint = "the inputs fill a square, not a disc: the worst case is a corner, which gives the 1-norm of w."
    else:
        hint = "z is linear in x, so its largest |z| over the square is at one of the four corners."
    return Feedback(False, f"{got:g} is not the smallest safe half-width.", hint)


@register("ex-ch8-5", "a whole number (the levels, i.e. the most 40-bit middle primes that fit)")
def check_levels_at_8192(answer) -> Feedback:
    """floor((218 - 60 - 60) / 40) = 2 levels at N = 8192."""
    got = _integer(answer)
    room = MAX_BITS_128[CKKS_DEGREE] - sum(OUTER_BITS)
    expected = room // SCALE_BITS
    if got == expected:
        return Feedback(True, f"{expected}: 218 - 120 = {room} bits leave room for {expected} primes of 40 bits,"
                              " too few for a depth-5 network.")
    if got == expected + 1:
        hint = f"{got} primes of 40 bits need {got * SCALE_BITS} bits, more than the {room} left."
    elif got == (MAX_BITS_128[2 * CKKS_DEGREE] - sum(OUTER_BITS)) // SCALE_BITS:
        hint = "that is for N = 16384 (438 bits); N = 8192 allows 218."
    else:
        hint = "subtract the first and the special prime from the 218 bits, then count the 40-bit primes that fit."
    return Feedback(False, f"{got} is not the number of levels.", hint)
