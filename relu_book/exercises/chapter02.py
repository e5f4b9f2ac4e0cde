"""Checkers for the exercises of chapter 2, "The derivative of ReLU".

Each checker receives the reader's answer (numbers, an array, or a function
for the coding exercises) and returns :class:`~relu_book.exercises.Feedback`;
readers call them through ``check(label, answer)`` with the label of the
exercise. The expected values are computed here with ``relu_book``, never
typed in twice.

* ``ex-ch2-1`` -- relu' at five points, with relu'(0) = 0.
* ``ex-ch2-2`` -- a central difference quotient across the kink.
* ``ex-ch2-3`` -- the Jacobian of a small dense layer.
* ``ex-ch2-4`` -- the backward pass of a dense layer, as a function.
* ``ex-ch2-5`` -- dL/dW0 for the graph layer, as a function.
* ``ex-ch2-7`` -- the chain rule applied to relu(x) - relu(-x) at 0.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch2-1", [0, 0, 0, 1, 1]).correct
True
>>> grade("ex-ch2-7", 1).correct
False
"""

from __future__ import annotations

import numpy as np

from relu_book.activations import relu, relu_grad
from relu_book.backprop import dense_relu_backward, dense_relu_forward
from relu_book.exercises import Feedback, MalformedAnswer, register
from relu_book.exercises._answers import as_array, as_number

#: ``ex-ch2-1``: the derivative of relu at these points, PyTorch's convention.
DERIVATIVE_POINTS = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])

#: ``ex-ch2-2``: the central difference quotient of relu at CENTRAL_X with step CENTRAL_H.
CENTRAL_X = -0.2
CENTRAL_H = 0.5

#: ``ex-ch2-3``: the Jacobian of x -> relu(W x + b) at x.
JACOBIAN_W = np.array([[1.0, 2.0], [-1.0, 1.0], [3.0, -1.0]])
JACOBIAN_B = np.array([0.0, -1.0, 1.0])
JACOBIAN_X = np.array([1.0, 1.0])


def _close(a: np.ndarray, b: np.ndarray, tol: float = 1e-8) -> bool:
    return bool(np.allclose(a, b, rtol=tol, atol=tol))


@register("ex-ch2-1", "a list of 5 numbers (relu'(x) at x = -2, -0.5, 0, 0.5, 3)")
def check_derivative_at_points(answer) -> Feedback:
    """relu'(x) at DERIVATIVE_POINTS with relu'(0) = 0."""
    got = as_array(answer, shape=DERIVATIVE_POINTS.shape)
    expected = relu_grad(DERIVATIVE_POINTS)
    if _close(got, expected):
        return Feedback(True, "relu' is 0 on the negative side, 1 on the positive side, and 0 at 0 by convention.")
    wrong = [f"x = {x:g}" for x, g, e in zip(DERIVATIVE_POINTS, got, expected) if not np.isclose(g, e)]
    at_zero = got[2]
    if wrong == ["x = 0"] and np.isclose(at_zero, 0.5):
        hint = "1/2 is sympy's Heaviside(0); the frameworks' autodiff (and relu_grad) use 0."
    elif wrong == ["x = 0"]:
        hint = "relu has no derivative at 0; the exercise asks for PyTorch's convention, relu_grad(0)."
    else:
        hint = "the difference quotient of max(0, x) is (x+h - x)/h for x > 0 and (0 - 0)/h for x < 0."
    return Feedback(False, "wrong at " + ", ".join(wrong) + ".", hint)


@register("ex-ch2-2", "a number (the central difference quotient of relu at x = -0.2 with h = 0.5)")
def check_central_difference_across_the_kink(answer) -> Feedback:
    """(relu(x + h) - relu(x - h)) / (2h) at CENTRAL_X, CENTRAL_H."""
    got = as_number(answer)
    expected = float((relu(CENTRAL_X + CENTRAL_H) - relu(CENTRAL_X - CENTRAL_H)) / (2 * CENTRAL_H))
    if np.isclose(got, expected, rtol=1e-9, atol=1e-12):
        return Feedback(
            True,
            f"{expected:g}: the interval [x - h, x + h] straddles the kink, so the quotient "
            "is a weighted average of the slopes 0 and 1, not relu'(x) = 0.",
        )
    if np.isclose(got, 0.0) or np.isclose(got, 1.0) or np.isclose(got, 0.5):
        hint = "evaluate relu at x + h = 0.3 and at x - h = -0.7; do not assume a slope."
    else:
        hint = "(relu(x + h) - relu(x - h)) / (2 h) with x = -0.2 and h = 0.5."
    return Feedback(False, f"{got:g} is not the quotient.", hint)


@register("ex-ch2-3", "a 3x2 array (the Jacobian of x -> relu(W x + b) at x = (1, 1))")
def check_layer_jacobian(answer) -> Feedback:
    """diag(relu'(W x + b)) W at JACOBIAN_X."""
    got = as_array(answer, shape=JACOBIAN_W.shape)
    mask = relu_grad(JACOBIAN_W @ JACOBIAN_X + JACOBIAN_B)
    expected = mask[:, None] * JACOBIAN_W
    if _close(got, expected):
        return Feedback(True, "J = diag(relu'(Wx + b)) W: the rows of W of the inactive units are zeroed.")
    if _close(got, JACOBIAN_W):
        return Feedback(False, "that is W, the Jacobian of the affine map alone.", "which units are active at x?")
    return Feedback(
        False,
        "not the Jacobian.",
        "compute z = W x + b, then multiply row i of W by relu'(z_i).",
    )


def _random_dense(seed: int, *, kink: bool):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4, 3))
    W = rng.standard_normal((3, 5))
    b = rng.standard_normal(5)
    if kink:  # one pre-activation exactly 0: tests the convention relu'(0) = 0
        b[2] = -(x @ W)[1, 2]
    G = rng.standard_normal((4, 5))
    return x, W, b, G


def _call(func, *args):
    """Call a reader's function; return (value, None) or (None, Feedback)."""
    if not callable(func):
        raise MalformedAnswer(f"got {type(func).__name__}; give a function")
    copies = [a.copy() for a in args]
    try:
        value = func(*args)
    except Exception as exc:  # a reader's bug is feedback, not a traceback
        return None, Feedback(False, f"your function raised {type(exc).__name__}: {exc}")
    if any(not np.array_equal(a, c) for a, c in zip(args, copies)):
        return None, Feedback(False, "your function modified its inputs.", "compute new arrays instead.")
    return value, None


@register("ex-ch2-4", "a function backward(grad_out, x, W, b) that returns (grad_x, grad_W, grad_b)")
def check_dense_backward(answer) -> Feedback:
    """The reader's backward pass of relu(x W + b) against dense_relu_backward."""
    for seed, kink in ((0, False), (1, False), (2, True)):
        x, W, b, G = _random_dense(seed, kink=kink)
        value, problem = _call(answer, G, x, W, b)
        if problem is not None:
            return problem
        if value is None:
            return Feedback(False, "your function returned None; return (grad_x, grad_W, grad_b).")
        if not isinstance(value, tuple) or len(value) != 3:
            return Feedback(
                False,
                f"your function returned {type(value).__name__}; return a tuple (grad_x, grad_W, grad_b).",
            )
        _, cache = dense_relu_forward(x, W, b)
        expected = dense_relu_backward(G, cache)
        for name, got, exp in zip(("grad_x", "grad_W", "grad_b"), value, expected):
            try:
                got = as_array(got, shape=exp.shape)
            except MalformedAnswer as exc:
                return Feedback(False, f"{name}: {exc}.")
            if not _close(got, exp):
                if kink:
                    return Feedback(
                        False,
                        f"{name} is right away from kinks but wrong when a pre-activation is exactly 0.",
                        "use relu'(0) = 0: mask with (z > 0), not (z >= 0).",
                    )
                hint = {
                    "grad_x": "grad_x = (grad_out * relu'(z)) @ W.T",
                    "grad_W": "grad_W = x.T @ (grad_out * relu'(z))",
                    "grad_b": "grad_b is the column sum of grad_out * relu'(z)",
                }[name]
                return Feedback(False, f"{name} is wrong.", hint + ", with z = x @ W + b.")
    return Feedback(True, "your backward pass matches, including at an exact zero pre-activation.")


def _graph_problem(seed: int):
    rng = np.random.default_rng(seed)
    n, d, h, k = 4, 3, 5, 2
    return (
        rng.standard_normal((n, n)),
        rng.standard_normal((n, d)),
        rng.standard_normal((d, h)),
        rng.standard_normal((h, k)),
        rng.standard_normal((n, k)),
    )


def graph_layer_grad_W0(A, X, W0, W1, Y):
    r"""Reference answer to ``ex-ch2-5``: :math:`X^\top A^\top [(A^\top E W_1^\top) \circ \relu'(H)]`."""
    H = A @ X @ W0
    E = A @ relu(H) @ W1 - Y
    return X.T @ A.T @ ((A.T @ E @ W1.T) * relu_grad(H))


@register("ex-ch2-5", "a function grad_W0(A, X, W0, W1, Y) that returns dL/dW0")
def check_graph_grad_W0(answer) -> Feedback:
    """The reader's dL/dW0 of the graph layer against :func:`graph_layer_grad_W0`."""
    for seed in (0, 1):
        args = _graph_problem(seed)
        value, problem = _call(answer, *args)
        if problem is not None:
            return problem
        expected = graph_layer_grad_W0(*args)
        if value is None:
            return Feedback(False, "your function returned None; return an array with the shape of W0.")
        try:
            got = as_array(value, shape=expected.shape)
        except MalformedAnswer as exc:
            return Feedback(False, f"the gradient must have the shape of W0: {exc}.")
        if not _close(got, expected):
            return Feedback(
                False,
                "not dL/dW0.",
                "W0 appears once: dL = <A^T E W1^T, dR> with dR = relu'(H) * (A X dW0).",
            )
    return Feedback(True, "dL/dW0 = X^T A^T [(A^T E W1^T) * relu'(H)].")


@register("ex-ch2-7", "a number (the chain-rule derivative of relu(x) - relu(-x) at 0 with relu'(0) = 0)")
def check_autodiff_of_identity(answer) -> Feedback:
    """relu'(0) * 1 - relu'(-0) * (-1) with relu'(0) = 0 is 0."""
    got = as_number(answer)
    expected = float(relu_grad(0.0) + relu_grad(-0.0))
    if np.isclose(got, expected):
        return Feedback(
            True,
            "0, although relu(x) - relu(-x) = x has derivative 1 everywhere: "
            "the chain rule with relu'(0) = 0 can be wrong at a kink (chapter 3).",
        )
    if np.isclose(got, 1.0):
        return Feedback(
            False,
            "1 is the true derivative of x, but not what the chain rule gives.",
            "apply the chain rule term by term: relu'(0) * 1 - relu'(-0) * (-1), with relu'(0) = 0.",
        )
    return Feedback(False, f"{got:g} is not it.", "relu'(0) * 1 - relu'(-0) * (-1), with relu'(0) = 0.")
