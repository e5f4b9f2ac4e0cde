"""Checkers for the exercises of chapter 4, "ReLU in gradient descent".

Each checker receives the reader's answer (a number) and returns
:class:`~relu_book.exercises.Feedback`. The expected values are computed here
with ``relu_book``, never typed in twice.
"""

from __future__ import annotations

import numpy as np

from relu_book.exercises import Feedback, register
from relu_book.exercises._answers import as_number
from relu_book.experiments import region_breakpoints
from relu_book.nn import MLP

# Exercise 4.1: the bound (1/4)**DEPTH_4_1 on the product of sigmoid derivatives.
DEPTH_4_1 = 10

# Exercise 4.2: the He standard deviation for a ReLU layer with N_IN_4_2 inputs.
N_IN_4_2 = 50

# Exercise 4.3: the regions crossed by the segment START_4_3 -> END_4_3.
START_4_3 = np.array([-1.0, 0.0])
END_4_3 = np.array([1.0, 0.5])

# Exercise 4.5: the weight variance that keeps leaky-ReLU pre-activations of order 1.
SLOPE_4_5 = 0.5
N_IN_4_5 = 100


def exercise_4_3_network() -> MLP:
    """The ReLU network of exercise 4.3: 2 -> 6 -> 6 -> 1, He weights, fixed biases."""
    model = MLP([2, 6, 6, 1], activation="relu", init="he", seed=43)
    rng = np.random.default_rng(430)
    for b in model.biases:
        b[:] = rng.uniform(-0.5, 0.5, b.shape)
    return model


def _unanswered(answer, what: str) -> Feedback | None:
    if answer is None:
        return Feedback(False, f"no answer yet: replace None with {what}.")
    return None


@register("4.1", "a number: the largest possible value of the product of 10 sigmoid derivatives")
def check_sigmoid_product_bound(answer) -> Feedback:
    """(1/4) ** DEPTH_4_1."""
    if (empty := _unanswered(answer, "a number")) is not None:
        return empty
    got = as_number(answer)
    expected = 0.25**DEPTH_4_1
    if np.isclose(got, expected, rtol=1e-6, atol=0.0):
        return Feedback(True, f"(1/4)^{DEPTH_4_1} = {expected:.3g}: each factor is at most sigmoid'(0) = 1/4.")
    if np.isclose(got, 0.25, rtol=1e-6):
        hint = f"that is one factor; the gradient passes through {DEPTH_4_1} of them."
    elif np.isclose(got, 1.0):
        hint = "1 is the bound for tanh'; the sigmoid's derivative is at most 1/4."
    else:
        hint = "each factor sigma'(z) = sigma(z)(1 - sigma(z)) is at most its value at z = 0."
    return Feedback(False, f"{got:g} is not the bound.", hint)


@register("4.2", "a number: the standard deviation of He initialisation for 50 inputs")
def check_he_std(answer) -> Feedback:
    """sqrt(2 / N_IN_4_2)."""
    if (empty := _unanswered(answer, "a number")) is not None:
        return empty
    got = as_number(answer)
    expected = float(np.sqrt(2.0 / N_IN_4_2))
    if np.isclose(got, expected, rtol=1e-4):
        return Feedback(True, f"sqrt(2/{N_IN_4_2}) = {expected:g}.")
    if np.isclose(got, 2.0 / N_IN_4_2, rtol=1e-4):
        hint = "that is the variance 2/n; the question asks for the standard deviation."
    elif np.isclose(got, np.sqrt(1.0 / N_IN_4_2), rtol=1e-4):
        hint = "sqrt(1/n) halves the second moment every layer; ReLU needs twice the variance."
    else:
        hint = "He initialisation draws weights with variance 2 / n_in."
    return Feedback(False, f"{got:g} is not the He standard deviation.", hint)


@register("4.3", "a whole number: the linear regions the segment crosses")
def check_region_count(answer) -> Feedback:
    """1 + the number of exact breakpoints of exercise_4_3_network along the segment."""
    if (empty := _unanswered(answer, "a whole number")) is not None:
        return empty
    got = as_number(answer)
    breaks = region_breakpoints(exercise_4_3_network(), START_4_3, END_4_3)
    expected = len(breaks) + 1
    if got == expected:
        return Feedback(True, f"{expected} regions, separated by {len(breaks)} breakpoints.")
    if got == len(breaks):
        hint = "that is the number of breakpoints; k breakpoints separate k + 1 regions."
    else:
        hint = ("count the changes of activation_patterns on a fine grid of the segment and add 1, "
                "or use region_breakpoints.")
    return Feedback(False, f"{got:g} is not the number of regions.", hint)


@register("4.5", "a number: the weight variance for a leaky ReLU layer (slope 0.5, 100 inputs)")
def check_leaky_he_variance(answer) -> Feedback:
    """2 / ((1 + a**2) n)."""
    if (empty := _unanswered(answer, "a number")) is not None:
        return empty
    got = as_number(answer)
    expected = 2.0 / ((1 + SLOPE_4_5**2) * N_IN_4_5)
    if np.isclose(got, expected, rtol=1e-4):
        return Feedback(True, f"2 / ((1 + a^2) n) = {expected:g}; a = 0 gives He's 2/n, a = 1 the linear 1/n.")
    if np.isclose(got, 2.0 / N_IN_4_5, rtol=1e-4):
        hint = "that is the ReLU value; the negative side now contributes a^2 Var(z) / 2 too."
    elif np.isclose(got, np.sqrt(expected), rtol=1e-4):
        hint = "that is the standard deviation; the question asks for the variance."
    else:
        hint = "compute E[leaky_relu(z)^2] for symmetric z, then require n Var(w) E[f(z)^2] = Var(z)."
    return Feedback(False, f"{got:g} is not the variance.", hint)
