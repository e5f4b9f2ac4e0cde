"""Checkers for the exercises of chapter 7, "Smooth relatives and polynomial approximations".

Readers call them through ``check(label, answer)`` with the label of the
exercise. The expected values are computed here with ``relu_book`` (never
typed in twice): the softplus error from :func:`relu_book.activations.softplus`,
the least-squares coefficients from :mod:`relu_book.approximation`, the
Gaussian moments and the SiLU minimum from :mod:`relu_book.smooth`.

* ``ex-ch7-1`` -- the largest gap between softplus with beta = 4 and relu.
* ``ex-ch7-2`` -- the degree-2 least-squares fit of relu on [-1, 1].
* ``ex-ch7-3`` -- the scale that gives relu of a standard normal unit second moment.
* ``ex-ch7-4`` -- where silu is smallest.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch7-2", [3 / 32, 1 / 2, 15 / 32]).correct
True
>>> grade("ex-ch7-3", 2).correct
False
"""

from __future__ import annotations

import numpy as np

from relu_book.activations import relu, silu, silu_grad, softplus
from relu_book.approximation import relu_from_step, relu_least_squares, step_least_squares
from relu_book.exercises import Feedback, register
from relu_book.exercises._answers import as_array, as_number
from relu_book.smooth import function_extremum, normal_expectation

#: ``ex-ch7-1``: the sharpness of softplus.
SOFTPLUS_BETA = 4.0


def _monomial(p) -> np.ndarray:
    return p.convert(kind=np.polynomial.Polynomial).coef


@register("ex-ch7-1", "a number (max |softplus(x) - relu(x)| for beta = 4)")
def check_softplus_max_error(answer) -> Feedback:
    """The largest gap between softplus with beta = 4 and relu: log(2)/4, at x = 0."""
    got = as_number(answer)
    grid = np.linspace(-20.0, 20.0, 40001)  # contains 0
    expected = float(np.max(softplus(grid, beta=SOFTPLUS_BETA, threshold=np.inf) - relu(grid)))
    if np.isclose(got, expected, rtol=1e-6, atol=1e-9):
        return Feedback(True, f"{expected:.6f} = log(2)/4, reached at x = 0; the error shrinks like 1/beta.")
    if np.isclose(got, np.log(2.0), rtol=1e-4):
        hint = "that is the gap for beta = 1; softplus_beta(x) = log(1 + exp(beta x)) / beta."
    elif np.isclose(got, SOFTPLUS_BETA * np.log(2.0), rtol=1e-4):
        hint = "divide log(1 + exp(beta x)) by beta, do not multiply."
    else:
        hint = "the gap softplus - relu is largest where relu has its kink; evaluate it there."
    return Feedback(False, f"{got:g} is not the largest gap.", hint)


@register("ex-ch7-2", "a list [c0, c1, c2] (the coefficients of c0 + c1 x + c2 x^2)")
def check_least_squares_coefficients(answer) -> Feedback:
    """Monomial coefficients of the degree-2 least-squares fit of relu on [-1, 1]: 3/32, 1/2, 15/32."""
    got = as_array(answer, shape=(3,))
    expected = _monomial(relu_least_squares(2))
    if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
        return Feedback(True, "3/32 + x/2 + 15x^2/32: relu = x/2 + |x|/2, and |x| projects onto 1/2 P0 + 5/8 P2.")
    step = _monomial(step_least_squares(2))
    integrated = _monomial(relu_from_step(3))[:3]
    if np.allclose(got, step, atol=1e-6):
        hint = "that is the fit of the step (the derivative); this exercise fits relu itself."
    elif np.allclose(got, integrated, atol=1e-6):
        hint = "that is the integrated step fit with constant 0; fit relu directly, constant included."
    elif np.isclose(got[1], 0.5) and not np.isclose(got[0], expected[0]):
        hint = "the x coefficient is right; check the constant: the Legendre P2 = (3x^2 - 1)/2 has a constant term."
    else:
        hint = "write relu = x/2 + |x|/2; the odd part x/2 is already a polynomial; project |x|/2 on P0 and P2."
    return Feedback(False, f"{np.array2string(got, precision=5)} is not the least-squares fit.", hint)


@register("ex-ch7-3", "a number (the scale lambda with E[(lambda relu(Z))^2] = 1)")
def check_relu_scale(answer) -> Feedback:
    """E[relu(Z)^2] = 1/2, so lambda = sqrt(2)."""
    got = as_number(answer)
    expected = float(1.0 / np.sqrt(normal_expectation(lambda t: max(t, 0.0), power=2)))
    if np.isclose(got, expected, rtol=1e-6):
        return Feedback(True, f"{expected:.6f} = sqrt(2): E[relu(Z)^2] = 1/2, the factor 2 of He initialisation.")
    if np.isclose(got, 2.0):
        hint = "lambda multiplies relu, so lambda^2 multiplies the second moment 1/2."
    elif np.isclose(got, 1 / np.sqrt(1 / np.sqrt(2 * np.pi))) or np.isclose(got, np.sqrt(2 * np.pi)):
        hint = "use the second moment E[relu(Z)^2], not the mean."
    else:
        hint = "half of the mass of Z is positive, and E[Z^2] = 1."
    return Feedback(False, f"{got:g} does not give unit second moment.", hint)


@register("ex-ch7-4", "a number (the location x* of the minimum of silu)")
def check_silu_minimum(answer) -> Feedback:
    """x* = -1.27846..., where silu'(x*) = 0 (and silu(x*) = x* + 1)."""
    got = as_number(answer)
    x_star, value = function_extremum(silu, (-5.0, 0.0), fprime=silu_grad)
    if abs(got - x_star) < 1e-6:
        return Feedback(True, f"x* = {x_star:.6f} and silu(x*) = x* + 1 = {value:.6f}.")
    if abs(got - value) < 1e-4:
        hint = "that is the minimum value silu(x*); the exercise asks for its location x*."
    else:
        hint = "solve 1 + x (1 - sigmoid(x)) = 0 numerically, e.g. with scipy.optimize.brentq on [-3, -0.5]."
    return Feedback(False, f"{got:g} is not where silu is smallest (to 6 decimals).", hint)
