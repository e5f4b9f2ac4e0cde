r"""What each tool returns at a kink, and where that rule is written.

At a kink (a point where an activation has no derivative) every tool still
returns a number, chosen by the rule written into its code. This module keeps
one table of those rules, :data:`CONVENTIONS`, keyed by activation name (the
names of :mod:`relu_book.activations` where the activation exists there).
Each row records

- the tool (``relu_book``, ``PyTorch``, ``JAX``, ``Keras``, ``TensorFlow`` or
  ``sympy``) and the expression, as it is executed;
- the kink, the value of the function there and the derivative the tool
  returns;
- the file and function where the rule is written, and the rule itself.

:func:`evaluate` runs a row with the tool itself (automatic differentiation
for the frameworks, :func:`sympy.diff` for sympy, the ``*_grad`` function for
``relu_book``). The tests run every row, in float32 and float64, the
framework rows wherever the framework is installed (``pip install
'.[frameworks]'``; CI requires them). Chapter 3's table is rendered from
:data:`CONVENTIONS` by :func:`table_rows`.

Keras is run on the JAX backend (``KERAS_BACKEND=jax``); the derivative of a
Keras function is the one JAX computes through Keras's code.

Examples
--------
>>> [(c.tool, c.derivative) for c in CONVENTIONS["leaky_relu"]][:3]
[('relu_book', 0.2), ('PyTorch', 0.2), ('JAX', 1.0)]
>>> evaluate(CONVENTIONS["relu"][0])
(0.0, 0.0)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from relu_book._validation import choice, sequence

__all__ = ["Convention", "CONVENTIONS", "TOOLS", "FRAMEWORKS", "rows", "evaluate", "table_rows", "table",
           "MarkdownTable"]

#: Every tool of the table, in the order of the table.
TOOLS = ("relu_book", "sympy", "PyTorch", "JAX", "Keras", "TensorFlow")
#: The tools that are frameworks (not requirements of the book).
FRAMEWORKS = ("PyTorch", "JAX", "Keras", "TensorFlow")

_LAMBDA = 1.0507009873554804934193349852946  # SELU's scale, as in relu_book.activations
_ALPHA = 1.6732632423543772848170429916717  # SELU's alpha

_PT = "https://github.com/pytorch/pytorch/blob/main/"
_JAX = "https://github.com/jax-ml/jax/blob/main/"
_KERAS = "https://github.com/keras-team/keras/blob/master/"
_TF = "https://github.com/tensorflow/tensorflow/blob/master/"
_SYMPY = "https://github.com/sympy/sympy/blob/master/"


@dataclass(frozen=True)
class Convention:
    """One row of the table: what ``tool`` returns for ``code`` at the kink ``at``.

    Attributes
    ----------
    activation : str
        The key of :data:`CONVENTIONS` (an activation name).
    tool : str
        One of :data:`TOOLS`.
    code : str
        The expression in ``x``, exactly as :func:`evaluate` runs it.
    at : float
        The kink.
    value : float
        The function's value at the kink.
    derivative : float
        The derivative the tool returns at the kink.
    source : str
        The file (and function) where the rule is written.
    rule : str
        The rule as written there (quoted, shortened).
    url : str or None
        A link to the file in the tool's repository.
    grad_code : str or None
        For ``relu_book`` rows: the expression of the derivative.
    """

    activation: str
    tool: str
    code: str
    at: float
    value: float
    derivative: float
    source: str
    rule: str
    url: str | None = None
    grad_code: str | None = None


def _rows():
    C = Convention
    pt_yaml = ("tools/autograd/derivatives.yaml", _PT + "tools/autograd/derivatives.yaml")
    pt_act = ("aten/src/ATen/native/cpu/Activation.cpp", _PT + "aten/src/ATen/native/cpu/Activation.cpp")
    jax_nn = ("jax/_src/nn/functions.py", _JAX + "jax/_src/nn/functions.py")
    jax_lax = ("jax/_src/lax/lax.py", _JAX + "jax/_src/lax/lax.py")
    jax_np = ("jax/_src/numpy/lax_numpy.py", _JAX + "jax/_src/numpy/lax_numpy.py")
    k_act = ("keras/src/activations/activations.py", _KERAS + "keras/src/activations/activations.py")
    k_jnn = ("keras/src/backend/jax/nn.py", _KERAS + "keras/src/backend/jax/nn.py")
    k_jnp = ("keras/src/backend/jax/numpy.py", _KERAS + "keras/src/backend/jax/numpy.py")
    tf_relu = ("tensorflow/core/kernels/relu_op_functor.h", _TF + "tensorflow/core/kernels/relu_op_functor.h")
    tf_math = ("tensorflow/python/ops/math_grad.py", _TF + "tensorflow/python/ops/math_grad.py")
    tf_clip = ("tensorflow/python/ops/clip_ops.py", _TF + "tensorflow/python/ops/clip_ops.py")
    rb_act = ("relu_book/activations.py", None)
    sp_delta = ("sympy/functions/special/delta_functions.py", _SYMPY + "sympy/functions/special/delta_functions.py")
    sp_pw = ("sympy/functions/elementary/piecewise.py", _SYMPY + "sympy/functions/elementary/piecewise.py")
    sp_cx = ("sympy/functions/elementary/complexes.py", _SYMPY + "sympy/functions/elementary/complexes.py")

    def row(activation, tool, code, at, value, derivative, where, rule, grad_code=None):
        (path, url), fn = where
        source = f"{path}, {fn}" if fn else path
        return C(activation, tool, code, float(at), float(value), float(derivative), source, rule, url, grad_code)

    la = _LAMBDA * _ALPHA
    return [
        # relu at 0
        row("relu", "relu_book", "rb.relu(x)", 0, 0, 0, (rb_act, "relu_grad"),
            "np.greater(x, 0)  (at_zero=0)", "rb.relu_grad(x)"),
        row("relu", "sympy", "sp.Max(0, x)", 0, 0, 0.5, (sp_delta, "Heaviside"),
            "diff(Max(0, x)) is Heaviside(x); Heaviside(0) = 1/2"),
        row("relu", "sympy", "sp.Piecewise((x, x > 0), (0, True))", 0, 0, 0, (sp_pw, "Piecewise"),
            "the branch whose condition holds at 0 is differentiated"),
        row("relu", "sympy", "sp.Piecewise((x, x >= 0), (0, True))", 0, 0, 1, (sp_pw, "Piecewise"),
            "the same, with >="),
        row("relu", "PyTorch", "torch.relu(x)", 0, 0, 0, (pt_yaml, "relu"),
            "threshold_backward(grad, result, 0): gradient where the output is > 0"),
        row("relu", "JAX", "jax.nn.relu(x)", 0, 0, 0, (jax_nn, "relu"),
            "relu.defjvps(lambda g, ans, x: lax.select(x > 0, g, 0))"),
        row("relu", "Keras", "keras.activations.relu(x)", 0, 0, 0, (k_act, "ReLU.static_call"),
            "backend.nn.relu(x), that is jax.nn.relu"),
        row("relu", "TensorFlow", "tf.nn.relu(x)", 0, 0, 0, (tf_relu, "ReluGrad"),
            "gradients * (features > 0)"),
        # ties of maximum, minimum and clamp
        row("maximum", "PyTorch", "torch.maximum(x, torch.zeros_like(x))", 0, 0, 0.5, (pt_yaml, "maximum"),
            "at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)"),
        row("maximum", "JAX", "jnp.maximum(x, 0.0)", 0, 0, 0.5, (jax_lax, "max_p, _balanced_eq"),
            "the tangent is halved where the two arguments are equal"),
        row("maximum", "Keras", "keras.ops.maximum(x, 0.0)", 0, 0, 0.5, (k_jnp, "maximum"), "jnp.maximum(x1, x2)"),
        row("maximum", "TensorFlow", "tf.maximum(x, 0.0)", 0, 0, 1, (tf_math, "_MaximumGrad"),
            "mask greater_equal(x, y): a tie goes to x"),
        row("minimum", "sympy", "sp.Min(x, 6)", 6, 6, 0.5, (sp_delta, "Heaviside"),
            "diff(Min(x, 6)) is Heaviside(6 - x); Heaviside(0) = 1/2"),
        row("minimum", "PyTorch", "torch.minimum(x, torch.full_like(x, 6.0))", 6, 6, 0.5, (pt_yaml, "minimum"),
            "at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)"),
        row("minimum", "JAX", "jnp.minimum(x, 6.0)", 6, 6, 0.5, (jax_lax, "min_p, _balanced_eq"),
            "the tangent is halved where the two arguments are equal"),
        row("minimum", "Keras", "keras.ops.minimum(x, 6.0)", 6, 6, 0.5, (k_jnp, "minimum"), "jnp.minimum(x1, x2)"),
        row("minimum", "TensorFlow", "tf.minimum(x, 6.0)", 6, 6, 1, (tf_math, "_MinimumGrad"),
            "mask less_equal(x, y): a tie goes to x"),
        row("clamp", "PyTorch", "torch.clamp(x, min=0)", 0, 0, 1, (pt_yaml, "clamp_min"),
            "where(self >= min, grad, 0)"),
        row("clamp", "PyTorch", "torch.clamp(x, 0, 6)", 0, 0, 1, (pt_yaml, "clamp"),
            "where((self >= min).logical_and_(self <= max), grad, 0)"),
        row("clamp", "PyTorch", "torch.clamp(x, 0, 6)", 6, 6, 1, (pt_yaml, "clamp"),
            "where((self >= min).logical_and_(self <= max), grad, 0)"),
        row("clamp", "JAX", "jnp.clip(x, 0.0, 6.0)", 0, 0, 0.5, (jax_np, "clip"),
            "minimum(maximum(x, min), max): ties halve the tangent"),
        row("clamp", "JAX", "jnp.clip(x, 0.0, 6.0)", 6, 6, 0.5, (jax_np, "clip"),
            "minimum(maximum(x, min), max): ties halve the tangent"),
        row("clamp", "Keras", "keras.ops.clip(x, 0.0, 6.0)", 6, 6, 0.5, (k_jnp, "clip"), "jnp.clip(x, x_min, x_max)"),
        row("clamp", "TensorFlow", "tf.clip_by_value(x, 0.0, 6.0)", 0, 0, 1, (tf_clip, "_clip_by_value_grad"),
            "zero only where less(x, min) or greater(x, max)"),
        row("clamp", "TensorFlow", "tf.clip_by_value(x, 0.0, 6.0)", 6, 6, 1, (tf_clip, "_clip_by_value_grad"),
            "zero only where less(x, min) or greater(x, max)"),
        # relu6 at 0 and 6
        *[row("relu6", tool, code, at, at, 0, where, rule, grad)
          for at in (0, 6)
          for tool, code, where, rule, grad in [
              ("relu_book", "rb.relu6(x)", (rb_act, "relu6_grad"), "(x > 0) & (x < 6)", "rb.relu6_grad(x)"),
              ("PyTorch", "F.relu6(x)", (pt_yaml, "hardtanh"),
               "hardtanh_backward: (a <= min_val) || (a >= max_val) ? 0 : grad", None),
              ("JAX", "jax.nn.relu6(x)", (jax_nn, "relu6"),
               "relu6.defjvps(... select((x > 0) & (x < 6), g, 0))", None),
              ("Keras", "keras.activations.relu6(x)", (k_jnn, "relu6"), "jnn.relu6(x)", None),
              ("TensorFlow", "tf.nn.relu6(x)", (tf_relu, "Relu6Grad"),
               "gradients * ((activations > 0) & (activations < 6))", None)]],
        row("relu6", "sympy", "sp.Min(sp.Max(0, x), 6)", 0, 0, 0.5, (sp_delta, "Heaviside"),
            "the chain rule through Max and Min; Heaviside(0) = 1/2"),
        row("relu6", "sympy", "sp.Min(sp.Max(0, x), 6)", 6, 6, 0.5, (sp_delta, "Heaviside"),
            "the chain rule through Max and Min; Heaviside(0) = 1/2"),
        # hardtanh at -1 and 1
        *[row("hardtanh", tool, code, at, at, d, where, rule)
          for at in (-1, 1)
          for tool, code, d, where, rule in [
              ("PyTorch", "F.hardtanh(x)", 0, (pt_yaml, "hardtanh"),
               "hardtanh_backward: (a <= min_val) || (a >= max_val) ? 0 : grad"),
              ("JAX", "jax.nn.hard_tanh(x)", 1, (jax_nn, "hard_tanh"),
               "jnp.where(x > 1, 1, jnp.where(x < -1, -1, x)): the branch x at both ends"),
              ("Keras", "keras.activations.hard_tanh(x)", 1, (k_jnn, "hard_tanh"), "jnn.hard_tanh(x)")]],
        # leaky relu (slope 0.2) at 0
        row("leaky_relu", "relu_book", "rb.leaky_relu(x, 0.2)", 0, 0, 0.2, (rb_act, "leaky_relu_grad"),
            "where(x > 0, 1, negative_slope)", "rb.leaky_relu_grad(x, 0.2)"),
        row("leaky_relu", "PyTorch", "F.leaky_relu(x, 0.2)", 0, 0, 0.2, (pt_act, "leaky_relu_backward_kernel"),
            "a > 0 ? b : b * negval"),
        row("leaky_relu", "JAX", "jax.nn.leaky_relu(x, 0.2)", 0, 0, 1, (jax_nn, "leaky_relu"),
            "jnp.where(x >= 0, x, negative_slope * x): the branch x at 0"),
        row("leaky_relu", "Keras", "keras.activations.leaky_relu(x, negative_slope=0.2)", 0, 0, 1,
            (k_jnn, "leaky_relu"), "jnn.leaky_relu(x, negative_slope=negative_slope)"),
        row("leaky_relu", "TensorFlow", "tf.nn.leaky_relu(x, alpha=0.2)", 0, 0, 0.2, (tf_relu, "LeakyReluGrad"),
            "(features > 0).select(gradients, gradients * alpha)"),
        # elu (alpha 1.5; TensorFlow's has alpha 1) at 0
        row("elu", "relu_book", "rb.elu(x, 1.5)", 0, 0, 1.5, (rb_act, "elu_grad"),
            "where(x > 0, 1, alpha * exp(x))", "rb.elu_grad(x, 1.5)"),
        row("elu", "PyTorch", "F.elu(x, 1.5)", 0, 0, 1.5, (pt_act, "elu_backward_kernel"),
            "b <= 0 ? a * negiptcoef * negcoef * exp(b * negiptcoef) : a * poscoef"),
        row("elu", "JAX", "jax.nn.elu(x, 1.5)", 0, 0, 1.5, (jax_nn, "elu"),
            "jnp.where(x > 0, x, alpha * jnp.expm1(...)): the left branch at 0"),
        row("elu", "Keras", "keras.activations.elu(x, alpha=1.5)", 0, 0, 1.5, (k_jnn, "elu"),
            "jnn.elu(x, alpha=alpha)"),
        row("elu", "TensorFlow", "tf.nn.elu(x)", 0, 0, 1, (tf_relu, "EluGrad"),
            "(activations < 0).select((activations + 1) * gradients, gradients): the right branch at 0"),
        # selu at 0
        row("selu", "relu_book", "rb.selu(x)", 0, 0, la, (rb_act, "selu_grad"),
            "scale * where(x > 0, 1, alpha * exp(x))", "rb.selu_grad(x)"),
        row("selu", "PyTorch", "F.selu(x)", 0, 0, la, (pt_act, "elu_backward_kernel"),
            "b <= 0 ? ... : a * poscoef: the left branch at 0"),
        row("selu", "JAX", "jax.nn.selu(x)", 0, 0, la, (jax_nn, "selu"),
            "scale * elu(x, alpha): the left branch at 0"),
        row("selu", "Keras", "keras.activations.selu(x)", 0, 0, la, (k_jnn, "selu"), "jnn.selu(x)"),
        row("selu", "TensorFlow", "tf.nn.selu(x)", 0, 0, _LAMBDA, (tf_relu, "SeluGrad"),
            "(activations < 0).select(...): the right branch at 0"),
        # abs at 0
        row("abs", "sympy", "sp.Abs(x)", 0, 0, 0, (sp_cx, "Abs._eval_derivative"),
            "diff(Abs(x)) is sign(x) for real x; sign(0) = 0"),
        row("abs", "PyTorch", "torch.abs(x)", 0, 0, 0, (pt_yaml, "abs"), "grad * self.sgn()"),
        row("abs", "JAX", "jnp.abs(x)", 0, 0, 1, (jax_lax, "_abs_jvp_rule"), "select(x >= 0, g, -g)"),
        row("abs", "Keras", "keras.ops.abs(x)", 0, 0, 1, (k_jnp, "absolute"), "jnp.absolute(x)"),
        row("abs", "TensorFlow", "tf.abs(x)", 0, 0, 0, (tf_math, "_AbsGrad"), "grad * math_ops.sign(x)"),
        # Keras's generalised (thresholded, capped) relu
        row("generalized_relu", "Keras", "keras.activations.relu(x, threshold=1.0)", 1, 0, 0,
            (k_act, "ReLU.static_call"), "ops.where(greater(x, threshold), x, 0): x kept only where x > threshold"),
        row("generalized_relu", "relu_book", "rb.generalized_relu(x, threshold=1.0)", 1, 0, 0,
            (rb_act, "generalized_relu_grad"), "as Keras", "rb.generalized_relu_grad(x, threshold=1.0)"),
        row("generalized_relu", "Keras", "keras.activations.relu(x, negative_slope=0.2)", 0, 0, 1,
            (k_act, "ReLU.static_call"), "no cap and threshold 0: backend.nn.leaky_relu, that is jax.nn.leaky_relu"),
        row("generalized_relu", "relu_book", "rb.generalized_relu(x, negative_slope=0.2)", 0, 0, 1,
            (rb_act, "generalized_relu_grad"), "as Keras", "rb.generalized_relu_grad(x, negative_slope=0.2)"),
        row("generalized_relu", "Keras", "keras.activations.relu(x, max_value=6.0)", 6, 6, 0,
            (k_act, "ReLU.static_call"), "max_value == 6 and threshold 0: backend.nn.relu6"),
        row("generalized_relu", "Keras", "keras.activations.relu(x, max_value=4.0)", 4, 4, 0.5,
            (k_act, "ReLU.static_call"), "backend.numpy.clip(x, 0, max_value), that is jnp.clip"),
        row("generalized_relu", "relu_book", "rb.generalized_relu(x, max_value=4.0)", 4, 4, 0.5,
            (rb_act, "generalized_relu_grad"), "as Keras", "rb.generalized_relu_grad(x, max_value=4.0)"),
    ]


#: Activation name -> rows of :class:`Convention`, in the order of :data:`TOOLS`.
CONVENTIONS: dict[str, list[Convention]] = {}
for _row in sorted(_rows(), key=lambda r: TOOLS.index(r.tool)):
    CONVENTIONS.setdefault(_row.activation, []).append(_row)
del _row


def rows(activation=None, tool=None) -> list[Convention]:
    """All rows, or those of one activation and/or one tool, in table order.

    Parameters
    ----------
    activation : str, optional
        A key of :data:`CONVENTIONS`.
    tool : str, optional
        One of :data:`TOOLS`.

    Returns
    -------
    list of Convention

    Examples
    --------
    >>> [r.derivative for r in rows("selu", "TensorFlow")]
    [1.0507009873554805]
    """
    if activation is not None and activation not in CONVENTIONS:
        raise ValueError(f"activation must be one of {sorted(CONVENTIONS)}, got {activation!r}")
    if tool is not None and tool not in TOOLS:
        raise ValueError(f"tool must be one of {TOOLS}, got {tool!r}")
    out = [r for rs in CONVENTIONS.values() for r in rs]
    return [r for r in out if activation in (None, r.activation) and tool in (None, r.tool)]


def _check_dtype(dtype) -> str:
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
    return name


def _import_keras():
    """Import Keras on the JAX backend (the backend is chosen at the first import)."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    if keras.backend.backend() != "jax":  # pragma: no cover - depends on the environment
        raise RuntimeError(f"Keras must run on the JAX backend (KERAS_BACKEND=jax), not {keras.backend.backend()}")
    return keras


def evaluate(row: Convention, dtype="float64") -> tuple[float, float]:
    r"""Run one row with its own tool: the value and the derivative at the kink.

    .. math::

        (f(a),\ f'(a)) \quad \text{as the tool computes them, } a = \texttt{row.at}

    The frameworks differentiate ``row.code`` with their automatic
    differentiation (``torch.autograd``, ``jax.grad``, ``tf.GradientTape``;
    Keras through ``jax.grad``); sympy with :func:`sympy.diff`; ``relu_book``
    rows call ``row.grad_code``. The framework is imported only when its
    row is run. float64 on JAX turns on ``jax_enable_x64`` for the call.

    Parameters
    ----------
    row : Convention
        A row of :data:`CONVENTIONS`.
    dtype : {"float64", "float32"}
        The floating type of the input (ignored by sympy, which is exact).

    Returns
    -------
    (value, derivative) : tuple of float

    Raises
    ------
    ImportError
        If the row's framework is not installed.

    Examples
    --------
    >>> evaluate(rows("relu", "sympy")[0])
    (0.0, 0.5)
    >>> evaluate(rows("selu", "relu_book")[0], "float32")
    (0.0, 1.7580993175506592)
    """
    if not isinstance(row, Convention):
        raise TypeError(f"row must be a Convention, got {type(row).__name__}")
    dtype = _check_dtype(dtype)
    at = row.at
    if row.tool == "relu_book":
        import relu_book as rb

        x = np.asarray(at, dtype=dtype)
        ns = {"rb": rb, "np": np, "x": x}
        value, grad = eval(row.code, ns), eval(row.grad_code, ns)
        return float(value), float(grad)
    if row.tool == "sympy":
        import sympy as sp

        x = sp.Symbol("x", real=True)
        expr = eval(row.code, {"sp": sp, "x": x})
        return float(expr.subs(x, sp.nsimplify(at))), float(sp.diff(expr, x).subs(x, sp.nsimplify(at)))
    if row.tool == "PyTorch":  # pragma: no cover - needs the framework
        import torch
        import torch.nn.functional as F

        x = torch.tensor(at, dtype=getattr(torch, dtype), requires_grad=True)
        y = eval(row.code, {"torch": torch, "F": F, "x": x})
        (g,) = torch.autograd.grad(y, x)
        return float(y.item()), float(g.item())
    if row.tool in ("JAX", "Keras"):  # pragma: no cover - needs the framework
        keras = _import_keras() if row.tool == "Keras" else None
        import jax
        import jax.numpy as jnp

        ns = {"jax": jax, "jnp": jnp, "keras": keras}
        f = eval("lambda x: " + row.code, ns)
        with jax.enable_x64(dtype == "float64"):
            x = np.asarray(at, dtype=dtype)
            value, grad = f(x), jax.grad(f)(x)
            if np.dtype(grad.dtype) != np.dtype(dtype):
                raise RuntimeError(f"{row.tool} computed in {grad.dtype}, not {dtype}")
            return float(value), float(grad)
    if row.tool == "TensorFlow":  # pragma: no cover - needs the framework
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf

        x = tf.constant(at, dtype=getattr(tf, dtype))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = eval(row.code, {"tf": tf, "x": x})
        return float(y.numpy()), float(tape.gradient(y, x).numpy())
    raise ValueError(f"unknown tool {row.tool!r}")  # pragma: no cover - rows are checked by the tests


def _number(v: float) -> str:
    if v == _LAMBDA * _ALPHA:
        return "λα ≈ 1.758"
    if v == _LAMBDA:
        return "λ ≈ 1.051"
    frac = {0.5: "1/2", 0.25: "1/4"}
    return frac.get(v, f"{v:g}")


def table_rows(activations=None, tested=FRAMEWORKS) -> list[dict]:
    r"""Rows of :data:`CONVENTIONS` as dicts for :func:`relu_book.tables.markdown_table`.

    .. math::

        \text{row} \mapsto \{\text{activation}, \text{tool}, \text{expression},
        x, f(x), f'(x), \text{rule}\}

    Parameters
    ----------
    activations : sequence of str, optional
        Keys of :data:`CONVENTIONS` to include, in this order (default all).
    tested : sequence of str, default FRAMEWORKS
        The frameworks (entries of :data:`FRAMEWORKS`, possibly none) whose
        rows are executed against the framework; the rows of any other
        framework are marked "read from source".

    Returns
    -------
    list of dict
        Keys ``"activation"``, ``"tool"``, ``"expression"``, ``"x"``,
        ``"f(x)"``, ``"f'(x)"`` and ``"where the rule is written"``.

    Examples
    --------
    >>> table_rows(["abs"])[0]["f'(x)"]
    '0'
    """
    names = tuple(CONVENTIONS)
    activations = list(names) if activations is None else \
        sequence(activations, "activations", lambda a, n: choice(a, n, names))
    tested = sequence(tested, "tested", lambda t, n: choice(t, n, FRAMEWORKS), allow_empty=True)
    out = []
    for name in activations:
        for r in rows(name):
            where = f"[`{r.source.split(', ')[0]}`]({r.url})" if r.url else f"`{r.source.split(', ')[0]}`"
            if ", " in r.source:
                where += f", `{r.source.split(', ', 1)[1]}`"
            where += f": `{r.rule}`"
            if r.tool in FRAMEWORKS and r.tool not in tested:
                where += " (read from source)"
            out.append({
                "activation": name,
                "tool": r.tool,
                "expression": f"`{r.code}`",
                "x": _number(r.at),
                "f(x)": _number(r.value),
                "f'(x)": _number(r.derivative),
                "where the rule is written": where,
            })
    return out


class MarkdownTable(str):
    """A Markdown table (a ``str``) that Jupyter displays as a table."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        rows = sum(1 for line in self.splitlines() if line.startswith("|")) - 2
        return f"<Markdown table, {rows} rows>"


#: The columns of :func:`table_rows`, in order.
COLUMNS = ("activation", "tool", "expression", "x", "f(x)", "f'(x)", "where the rule is written")
_HEADERS = {"x": "$x$", "f(x)": "$f(x)$", "f'(x)": "$f'(x)$"}


def table(activations=None, tested=FRAMEWORKS, *, columns=None, caption=None, name=None,
          widths=None) -> MarkdownTable:
    r"""The table of conventions as Markdown, for chapter 3.

    .. math::

        \texttt{markdown\_table}(\texttt{table\_rows}(\dots))

    Parameters
    ----------
    activations, tested
        As in :func:`table_rows`.
    columns : sequence of str, optional
        Which of ``COLUMNS`` to show, in order (default all). Chapter 3
        shows the values and the sources as two tables, each of which fits
        the page.
    caption, name : str, optional
        A numbered caption and a label, as in
        :func:`relu_book.tables.markdown_table` (the cell must render its
        Markdown as MyST).
    widths : sequence of int, optional
        Relative column widths, as in :func:`relu_book.tables.markdown_table`
        (they let the long expressions wrap in the PDF edition).

    Returns
    -------
    MarkdownTable
        A ``str`` with a ``_repr_markdown_`` method, so that a notebook cell
        ending with ``conventions.table()`` shows the table. The headers
        ``x``, ``f(x)`` and ``f'(x)`` are typeset as maths.

    Raises
    ------
    ValueError
        If ``columns`` names a column that is not in ``COLUMNS``.

    Examples
    --------
    >>> print(table(["abs"]).splitlines()[2][:36])
    | abs | sympy | `sp.Abs(x)` | 0 | 0
    >>> table(["abs"])
    <Markdown table, 5 rows>
    >>> print(table(["abs"], columns=["tool", "f'(x)"], caption="Abs.", name="tbl-abs"))
    :::{table} Abs.
    :name: tbl-abs
    <BLANKLINE>
    | tool | $f'(x)$ |
    |---|---|
    | sympy | 0 |
    | PyTorch | 0 |
    | JAX | 1 |
    | Keras | 1 |
    | TensorFlow | 0 |
    :::
    """
    from relu_book._validation import sequence
    from relu_book.tables import markdown_table

    if columns is None:
        columns = COLUMNS
    columns = sequence(columns, "columns")
    unknown = [c for c in columns if not isinstance(c, str) or c not in COLUMNS]
    if unknown:
        raise ValueError(f"columns must be among {list(COLUMNS)}, got {unknown}")
    headers = {c: h for c, h in _HEADERS.items() if c in columns}
    return MarkdownTable(markdown_table(table_rows(activations, tested), list(columns), headers=headers,
                                        caption=caption, name=name, widths=widths))
