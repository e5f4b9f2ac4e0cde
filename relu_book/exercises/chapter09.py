r"""Checkers for the exercises of Chapter 9, *Why training works despite the kinks*.

Exercises are known by the labels of their ``exercise-start`` directives;
readers call ``check("ex-ch9-k", answer)``. The expected values are computed
here with :mod:`relu_book` (never typed in twice).

* ex-ch9-1 -- the sum-rule bound for ``relu(x) - relu(-x) + relu(x)`` at 0.
* ex-ch9-2 -- the value of relu'(0) that makes autodiff right at 0 for
  ``relu(relu(x)) - relu(-x)``.
* ex-ch9-3 -- the number of ReLU outputs of VGG13 on one 32x32 image.
* ex-ch9-4 -- the fraction of runs of a 784-128-128-128-10 network that the
  zero-rate model fitted to Bertoin et al.'s widths predicts to be affected.
* ex-ch9-5 -- the distance from 0 to a Clarke gradient that is a box.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch9-1", [0, 3]).correct
True
>>> grade("ex-ch9-3", 249856).correct
True
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from relu_book import calculus, nonsmooth, symbolic
from relu_book.exercises import Feedback, register
from relu_book.exercises._answers import as_array, as_number

__all__: list[str] = []

_TOL = 1e-9
#: Hidden width of the network (3 hidden layers) in ex-ch9-4.
PREDICTED_WIDTH = 128


def _bound_9_1() -> tuple[float, float]:
    x = sympy.Symbol("x", real=True)
    terms = [symbolic.relu(x), -symbolic.relu(-x), symbolic.relu(x)]
    bound = nonsmooth.sum_rule_bound(terms, x, 0)
    return float(bound.inf), float(bound.sup)


def _clarke_9_1() -> tuple[float, float]:
    x = sympy.Symbol("x", real=True)
    f = 2 * symbolic.relu(x) - symbolic.relu(-x)
    g = calculus.clarke_gradient(f, x, 0)
    return float(g.inf), float(g.sup)


@register("ex-ch9-1", "a list [lower, upper] (the ends of the sum-rule bound at 0)")
def check_sum_rule_bound(answer) -> Feedback:
    """[0, 3]: [0, 1] + [0, 1] + [0, 1]; the Clarke gradient of x + relu(x) at 0 is [1, 2]."""
    got = as_array(answer, shape=(2,))
    lo, hi = _bound_9_1()
    if np.allclose(got, [lo, hi], atol=_TOL):
        return Feedback(True, f"[{lo:g}, {hi:g}]: each of the three terms contributes [0, 1].")
    clarke = _clarke_9_1()
    if np.allclose(got, clarke, atol=_TOL):
        hint = "that is the Clarke gradient of the function x + relu(x) itself; add the three terms' intervals."
    elif np.allclose(got, [0.0, 2.0], atol=_TOL):
        hint = "the bound has three terms, relu(x) appears twice."
    elif got[0] > got[1]:
        hint = "give the lower end first."
    else:
        hint = "compute the Clarke gradient of each term at 0 and add the intervals end by end."
    return Feedback(False, f"[{got[0]:g}, {got[1]:g}] is not the sum-rule bound.", hint)


@register("ex-ch9-2", "a number (the value c of relu'(0) in [0, 1])")
def check_golden_relu_prime(answer) -> Feedback:
    """c = (sqrt(5) - 1)/2, the root in [0, 1] of c^2 + c = 1."""
    got = as_number(answer)
    expected = (math.sqrt(5.0) - 1.0) / 2.0
    if abs(got - expected) < 1e-6:
        return Feedback(True, f"c = (sqrt(5) - 1)/2 = {expected:.6f}: then c^2 + c = 1, the derivative of x.")
    if abs(got - 0.5) < 1e-9:
        hint = "with c = 1/2 autodiff returns 1/4 + 1/2 = 3/4 here; solve c^2 + c = 1."
    elif abs(got + (math.sqrt(5.0) + 1.0) / 2.0) < 1e-6:
        hint = "that root of c^2 + c = 1 is negative; relu'(0) must lie in [0, 1]."
    else:
        hint = "autodiff returns relu'(0)^2 + relu'(0) at 0 (Chapter 3); the function is x."
    return Feedback(False, f"{got:g} does not make autodiff return 1.", hint)


@register("ex-ch9-3", "an integer (ReLU outputs of VGG13 on one 32x32 image)")
def check_vgg13_count(answer) -> Feedback:
    """sum of channels x height x width over the ten convolutions of VGG13."""
    got = as_number(answer)
    expected = nonsmooth.relu_outputs_per_image("VGG13")
    if got == expected:
        return Feedback(True, f"{expected:,} ReLU outputs per image.")
    if got == 128 * expected:
        hint = "that is for a minibatch of 128; the exercise asks for one image."
    elif got == nonsmooth.relu_outputs_per_image("VGG13", image_size=224):
        hint = "that is for 224x224 ImageNet images; CIFAR images are 32x32."
    elif got == sum(c for c in nonsmooth.VGG_CONFIGS["VGG13"] if c != "M"):
        hint = "you counted channels only; each channel has one output per pixel of its feature map."
    else:
        hint = "the image size halves at each 'M'; add channels x size^2 over the convolutions."
    return Feedback(False, f"{got:g} is not the count.", hint)


def _expected_9_4() -> float:
    data = nonsmooth.BERTOIN2021_MNIST
    widths = sorted(data["width"][32])
    N = [3 * w * data["images"] for w in widths]
    rate = nonsmooth.fit_zero_rate(N, [data["width"][32][w] for w in widths], data["runs"])
    return float(nonsmooth.run_affected_probability(rate, 3 * PREDICTED_WIDTH * data["images"]))


@register("ex-ch9-4", "a number in [0, 1] (the predicted fraction of affected runs)")
def check_predicted_fraction(answer) -> Feedback:
    """1 - exp(-rate N) with N = 3 x 128 x 60000 and the rate fitted to the width experiment."""
    got = as_number(answer)
    expected = _expected_9_4()
    if abs(got - expected) < 5e-4:
        return Feedback(True, f"about {expected:.3f} of the runs, between the published widths 64 and 256.")
    if abs(got - 100 * expected) < 0.05:
        hint = "give a fraction, not a percentage."
    elif abs(got - 3 * PREDICTED_WIDTH * nonsmooth.BERTOIN2021_MNIST["images"] * expected) < 1:
        hint = "use P = 1 - exp(-rate N)."
    else:
        hint = "a run has 3 x 128 ReLU outputs per image and makes one pass over 60000 images."
    return Feedback(False, f"{got:g} is not the model's prediction (to 3 decimals).", hint)


def _distance_9_5() -> float:
    # L(w) = |w1| + relu(w2) + 2 w1 + w2 / 2 at (0, 0): Clarke gradient [1, 3] x [1/2, 3/2]
    lo = np.array([2.0 - 1.0, 0.5 + 0.0])
    hi = np.array([2.0 + 1.0, 0.5 + 1.0])
    nearest = np.clip(np.zeros(2), lo, hi)
    return float(np.linalg.norm(nearest))


@register("ex-ch9-5", "a number (the distance from 0 to the Clarke gradient at (0, 0))")
def check_box_distance(answer) -> Feedback:
    """The Clarke gradient is the box [1, 3] x [1/2, 3/2]; its point nearest to 0 is (1, 1/2)."""
    got = as_number(answer)
    expected = _distance_9_5()
    if abs(got - expected) < 1e-6:
        return Feedback(True, f"{expected:.6f} = |(1, 1/2)|: (0, 0) is not Clarke-critical.")
    if abs(got) < 1e-9:
        hint = "0 would need -2 in [-1, 1] in the first coordinate; it is not."
    elif abs(got - math.hypot(2.0, 0.5)) < 1e-6:
        hint = "that is the length of the smooth part's gradient (2, 1/2) alone; the kinks add a box around it."
    else:
        hint = "the Clarke gradient is (2 + [-1, 1]) x (1/2 + [0, 1]); find its point nearest to 0."
    return Feedback(False, f"{got:g} is not the distance.", hint)
