r"""A small multilayer perceptron in numpy, with backpropagation written by hand.

The network of chapter 4. Layer :math:`\ell = 1, \dots, L` computes

.. math::

    Z_\ell = H_{\ell-1} W_\ell + \mathbf{1} b_\ell^\top, \qquad
    H_\ell = f(Z_\ell) \quad (\ell < L), \qquad H_L = Z_L,

with one example per row, :math:`H_0 = X`, and a linear last layer. The
backward pass is the chain rule read from the loss back to the input:

.. math::

    \frac{\partial \mathcal L}{\partial Z_\ell}
      &= \frac{\partial \mathcal L}{\partial H_\ell} \circ f'(Z_\ell), \quad
    \frac{\partial \mathcal L}{\partial W_\ell}
      = H_{\ell-1}^\top \frac{\partial \mathcal L}{\partial Z_\ell}, \\
    \frac{\partial \mathcal L}{\partial b_\ell}
      &= \mathbf 1^\top \frac{\partial \mathcal L}{\partial Z_\ell}, \quad
    \frac{\partial \mathcal L}{\partial H_{\ell-1}}
      = \frac{\partial \mathcal L}{\partial Z_\ell} W_\ell^\top.

The activation :math:`f` and its derivative :math:`f'` are the library's
(:data:`relu_book.activations.ACTIVATIONS`), so the value used at a kink is the
library's convention, the same as PyTorch's autograd (for ReLU,
:math:`\relu'(0) = 0`).

Each hidden layer owns an :class:`Activation` object with ``forward``,
``backward`` and a (possibly empty) dictionary of learnable ``params``. An
activation with learnable parameters (such as a parametric ReLU with one
slope per unit) is a subclass that fills ``params`` and returns their
gradients from ``backward``, registered with :func:`register_activation`;
:func:`train` updates those parameters along with the weights. Two such
layers come with the module: :class:`PReLU` (``activation="prelu"``, a
learned negative slope per layer or per unit, He et al. 2015) and
:class:`RReLU` (``activation="rrelu"``, random slopes in training, their mean
at evaluation, Xu et al. 2015). A model is in evaluation mode
(``MLP.training`` is False) except during :func:`train_step`, which runs the
forward and backward pass of its step in training mode. There is no weight
decay anywhere in this module.

Everything is vectorised over the batch and computed in the model's dtype
(float64 by default; float32 is supported and preserved).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from relu_book._validation import (
    as_float_array,
    boolean,
    choice,
    function,
    in_dtype,
    instance,
    random_seed,
    real_scalar,
)
from relu_book._validation import integer as _int
from relu_book.activations import (
    ACTIVATIONS,
    _leaky_relu_array,
    _leaky_relu_grad_array,
    _prelu_array,
    _prelu_grad_arrays,
    _relu_grad_array,
    _tanh_grad_from_value,
    leaky_relu,
    prelu,
    prelu_grad,
    rrelu,
    rrelu_grad,
)
from relu_book.registry import REGISTRY

__all__ = [
    "Activation",
    "PReLU",
    "RReLU",
    "PRELU_MODES",
    "ACTIVATION_LAYERS",
    "register_activation",
    "activation_names",
    "INITS",
    "Loss",
    "LOSSES",
    "LayerRecord",
    "MLP",
    "TrainingHistory",
    "train_step",
    "train",
]

#: Weight initialisations understood by :class:`MLP`.
INITS = ("he", "xavier", "normal")
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


# ------------------------------------------------------------------ validation


def _layer_sizes(layer_sizes) -> list[int]:
    """The widths of an :class:`MLP`: at least two integers >= 1."""
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(f"layer_sizes must be a sequence of integers, got {type(layer_sizes).__name__}")
    sizes = [_int(n, "each entry of layer_sizes") for n in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes must have at least 2 entries (input and output), got {len(sizes)}")
    return sizes


def _init_std_argument(init: str, init_std):
    """``init_std`` checked: a standard deviation >= 0 with ``init="normal"``, None otherwise."""
    if init == "normal":
        if init_std is None:
            raise ValueError('init="normal" needs init_std, the standard deviation of the weights')
        return real_scalar(init_std, "init_std", low=0.0)
    if init_std is not None:
        raise ValueError(f'init_std is only used with init="normal", got init={init!r}')
    return None


def _model_dtype(dtype) -> np.dtype:
    """float32 or float64, as a numpy dtype."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be float32 or float64, got {dtype!r}") from None
    if dtype not in _DTYPES:
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def _check_parameters(model) -> None:
    """Check that the model's weights and biases still have their shapes and dtype (they are public)."""
    for i, (W, b) in enumerate(zip(model.weights, model.biases)):
        shape = (model.layer_sizes[i], model.layer_sizes[i + 1])
        if not isinstance(W, np.ndarray) or W.shape != shape or W.dtype != model.dtype:
            got = f"{W.shape} {W.dtype}" if isinstance(W, np.ndarray) else type(W).__name__
            raise ValueError(f"weights[{i}] must be an array of shape {shape} and dtype {model.dtype}, got {got}")
        if not isinstance(b, np.ndarray) or b.shape != shape[1:] or b.dtype != model.dtype:
            got = f"{b.shape} {b.dtype}" if isinstance(b, np.ndarray) else type(b).__name__
            raise ValueError(f"biases[{i}] must be an array of shape {shape[1:]} and dtype {model.dtype}, got {got}")


def _inputs(X, n_in: int, dtype) -> np.ndarray:
    """A non-empty batch of inputs, shape ``(batch, n_in)``, in the model's dtype."""
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"X must have shape (batch, {n_in}), got {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one example, got an empty batch")
    return X.astype(dtype, copy=False)


def _regression_targets(Y, batch: int, n_out: int, dtype) -> np.ndarray:
    """Real targets of shape ``(batch, n_out)``, in the model's dtype."""
    Y = as_float_array(Y, "Y")
    if Y.shape != (batch, n_out):
        raise ValueError(f"Y must have shape ({batch}, {n_out}), got {Y.shape}")
    return Y.astype(dtype, copy=False)


def _class_labels(Y, batch: int, n_out: int, dtype) -> np.ndarray:
    """Integer class labels in ``0 .. n_out - 1``, one per example (``dtype`` is not used)."""
    if isinstance(Y, (str, bytes)) or Y is None:
        raise TypeError(f"Y must be an array of integer class labels, got {type(Y).__name__}")
    Y = np.asarray(Y)
    if Y.dtype.kind not in "iu":
        raise TypeError(f"Y must hold integer class labels for cross_entropy, got dtype {Y.dtype}")
    if Y.shape != (batch,):
        raise ValueError(f"Y must have shape ({batch},), one label per example, got {Y.shape}")
    if Y.size and (Y.min() < 0 or Y.max() >= n_out):
        raise ValueError(f"Y labels must lie in 0..{n_out - 1}, got values in {Y.min()}..{Y.max()}")
    return Y


# ----------------------------------------------------------------- activations

#: Activations whose forward and backward passes :class:`MLP` computes inline:
#: with the operations of :func:`relu_book.activations.relu` and
#: :func:`~relu_book.activations.tanh`, and the private kernels behind
#: :func:`~relu_book.activations.relu_grad` and :func:`~relu_book.activations.tanh_grad`
#: (so the results are the same bit for bit), but without their argument
#: checks, and with tanh's derivative taken from the forward pass's output,
#: :math:`1 - h^2`, instead of recomputing :math:`h = \tanh(z)`. None of these operations warns on inf or NaN (the
#: public functions silence numpy's warnings).
_INLINE = ("relu", "tanh")

#: leaky_relu's default ``negative_slope``, for layers that check their slope once.
_LEAKY_DEFAULT_SLOPE = inspect.signature(leaky_relu).parameters["negative_slope"].default


def _inline_kind(layer) -> str | None:
    """The layer's inline kind (see :data:`_INLINE`), or None; None too if its instance patched its methods."""
    kind = layer._inline
    if kind is None or "forward" in layer.__dict__ or "backward" in layer.__dict__:
        return None
    return kind


def _inline_forward(kind: str, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``relu(z)`` or ``tanh(z)`` of :mod:`relu_book.activations`, for a float array ``z``; into ``out`` if given
    (which may be ``z`` itself: the same values, without a new array)."""
    if kind == "relu":
        return np.maximum(z, z.dtype.type(0), out=out)
    return np.tanh(z, out=out)


def _inline_backward(kind: str, z: np.ndarray, h: np.ndarray, grad_h: np.ndarray) -> np.ndarray:
    """``grad_h * f'(z)`` with ``h = f(z)`` from the forward pass, as :func:`_inline_forward` computed it."""
    if kind == "relu":  # relu_grad(z) with its default at_zero=0
        return grad_h * _relu_grad_array(z)
    return grad_h * _tanh_grad_from_value(h)  # tanh_grad(z) = 1 - tanh(z)**2, with tanh(z) = h


def _identity(x):
    return as_float_array(x)


def _ones(x):
    x = as_float_array(x)
    return np.ones_like(x)


class Activation:
    r"""An elementwise activation layer: forward, backward, optional parameters.

    ``forward(z)`` returns :math:`f(z)`; ``backward(z, grad_h)`` returns
    :math:`\partial\mathcal L/\partial z = \partial\mathcal L/\partial h \circ f'(z)`
    and a dictionary of the gradients of the layer's learnable ``params``
    (empty here). :math:`f` and :math:`f'` are the pair
    ``ACTIVATIONS[name]`` of :mod:`relu_book.activations`, called with
    ``kwargs``; ``"linear"`` is the identity. At a kink :math:`f'` takes the
    library's value (for ReLU, 0 at 0, as PyTorch's autograd does).

    Parameters
    ----------
    name : str
        A key of :data:`relu_book.activations.ACTIVATIONS`, or ``"linear"``.
    n_units : int
        Width of the layer (used by subclasses with per-unit parameters).
    dtype : numpy.dtype
        The model's dtype.
    **kwargs
        Keyword arguments of the activation, e.g. ``negative_slope=0.1``.

    Examples
    --------
    >>> act = Activation("relu", n_units=3, dtype=np.float64)
    >>> z = np.array([[-1.0, 0.0, 2.0]])
    >>> act.forward(z)
    array([[0., 0., 2.]])
    >>> grad_z, param_grads = act.backward(z, np.ones((1, 3)))
    >>> grad_z
    array([[0., 0., 1.]])
    """

    def __init__(self, name: str, n_units: int, dtype, **kwargs):
        if name == "linear":
            f, df = _identity, _ones
            if kwargs:
                raise TypeError(f'activation "linear" takes no keyword arguments, got {sorted(kwargs)}')
        else:
            if not isinstance(name, str) or name not in ACTIVATIONS:
                known = ", ".join(["linear", *ACTIVATIONS])
                raise ValueError(f"name must be one of {known}, got {name!r}")
            f, df = ACTIVATIONS[name]
            accepted = list(inspect.signature(f).parameters)[1:]
            unknown = sorted(set(kwargs) - set(accepted))
            if unknown:
                raise TypeError(
                    f"activation {name!r} got unexpected keyword arguments {unknown}; "
                    f"it accepts {accepted}"
                )
            f(np.zeros(1, dtype=dtype), **kwargs)  # validate the values now, not mid-training
        self.name = name
        self.n_units = n_units
        self.kwargs = dict(kwargs)
        self._f, self._df = f, df
        #: Learnable parameters by name (none for a fixed activation).
        self.params: dict[str, np.ndarray] = {}
        if type(self) is Activation and name in _INLINE:
            # MLP's passes compute these two inline (see _INLINE); a subclass keeps its own methods
            self._inline = name
        if f is leaky_relu:  # its slope checked and cast to the model's dtype once, for _leaky_slope
            a = real_scalar(self.kwargs.get("negative_slope", _LEAKY_DEFAULT_SLOPE), "negative_slope")
            self._leaky = (dict(self.kwargs), np.dtype(dtype), a, in_dtype(a, "negative_slope", dtype))

    #: Training mode (True) or evaluation mode (False); only stochastic
    #: activations such as :class:`RReLU` behave differently. Set through
    #: :attr:`MLP.training`.
    training: bool = False
    #: Random generator of a stochastic activation; :class:`MLP` seeds one per
    #: hidden layer from its ``seed``.
    rng: np.random.Generator | None = None
    # "relu" or "tanh" when MLP's passes may compute the layer inline (set in __init__)
    _inline: str | None = None
    # for leaky_relu: (kwargs, dtype, slope as a float, slope in dtype), checked in __init__
    _leaky: tuple | None = None

    def _leaky_slope(self, z):
        """``(a, slope)`` for the kernels of leaky_relu, if ``z`` is an array of the dtype they were cast to in
        ``__init__`` and ``kwargs`` are unchanged (the checks would give the same numbers); else None."""
        leaky = self._leaky
        if (leaky is not None and type(z) is np.ndarray and z.ndim >= 1 and z.dtype == leaky[1]
                and self.kwargs == leaky[0]):
            return leaky[2], leaky[3]
        return None

    def forward(self, z: np.ndarray) -> np.ndarray:
        """Return :math:`f(z)`, elementwise, in the dtype of ``z``."""
        slope = self._leaky_slope(z)
        if slope is not None:
            with np.errstate(invalid="ignore", over="ignore"):  # as leaky_relu
                return _leaky_relu_array(z, *slope)
        return self._f(z, **self.kwargs)

    def _derivative(self, z):
        slope = self._leaky_slope(z)
        if slope is not None:
            with np.errstate(invalid="ignore", over="ignore"):  # as leaky_relu_grad
                return _leaky_relu_grad_array(z, slope[1])
        return self._df(z, **self.kwargs)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """Return :math:`f'(z)`, elementwise: the diagonal of the layer's Jacobian."""
        return self._derivative(z)

    def backward(self, z: np.ndarray, grad_h: np.ndarray):
        """Return ``(grad_z, param_grads)`` given the upstream gradient ``grad_h``."""
        return grad_h * self._derivative(z), {}

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"Activation({self.name!r}{args})"


#: Slope sharing of :class:`PReLU`: one slope for the whole layer, or one per unit.
PRELU_MODES = ("shared", "unit")


class PReLU(Activation):
    r"""Parametric ReLU with learned slopes (He et al. 2015): ``activation="prelu"``.

    .. math::

        f(z_j) = \begin{cases} z_j & z_j > 0 \\ a_j z_j & z_j \le 0 \end{cases},
        \qquad
        \frac{\partial \mathcal L}{\partial a_j}
          = \sum_{n} \frac{\partial \mathcal L}{\partial h_{nj}} \min(0, z_{nj}),

    with one slope per unit, :math:`a_j` (``prelu_mode="unit"``, the paper's
    *channel-wise* variant: a unit of a dense layer is a channel), or one
    slope :math:`a` for the whole layer (``prelu_mode="shared"``,
    *channel-shared*), whose gradient is the sum over the units as well.
    The elementwise partials are :func:`relu_book.activations.prelu_grad`;
    at :math:`z = 0` the partial in :math:`z` is the slope and the partial
    in :math:`a` is 0, as in PyTorch's autograd. The slopes are updated by
    :func:`train_step` like the weights; as in the paper no weight decay is
    applied to them (this module has no weight decay at all).

    Parameters
    ----------
    name : str
        ``"prelu"``.
    n_units : int
        Width of the layer.
    dtype : numpy.dtype
        The model's dtype; the slopes have it too.
    prelu_mode : {"unit", "shared"}, default "unit"
        One slope per unit, or one per layer.
    prelu_init : float, default 0.25
        Initial value of every slope (He et al. use 0.25).

    Examples
    --------
    >>> act = PReLU("prelu", n_units=2, dtype=np.float64)
    >>> z = np.array([[-2.0, 1.0], [-1.0, -4.0]])
    >>> act.forward(z)
    array([[-0.5 ,  1.  ],
           [-0.25, -1.  ]])
    >>> grad_z, grads = act.backward(z, np.ones((2, 2)))
    >>> grads["weight"]  # sum over the batch of min(0, z)
    array([-3., -4.])
    """

    def __init__(self, name="prelu", n_units=1, dtype=np.float64, prelu_mode="unit", prelu_init=0.25, **kwargs):
        if kwargs:
            raise TypeError(
                f"activation 'prelu' got unexpected keyword arguments {sorted(kwargs)}; "
                "it accepts ['prelu_mode', 'prelu_init']"
            )
        choice(prelu_mode, "prelu_mode", PRELU_MODES)
        prelu_init = real_scalar(prelu_init, "prelu_init")
        self.name = name
        self.n_units = _int(n_units, "n_units")
        self.kwargs = {"prelu_mode": prelu_mode, "prelu_init": prelu_init}
        self.mode = prelu_mode
        size = 1 if prelu_mode == "shared" else self.n_units
        self.params = {"weight": np.full(size, prelu_init, dtype=np.dtype(dtype))}

    def _own_slopes(self, z):
        """The slopes if :func:`relu_book.activations.prelu`'s checks would pass them unchanged (an array of
        ``z``'s float dtype and of the shape ``__init__`` gave it, as training keeps it, with ``z`` an array
        of ``n_units`` columns): then the unchecked kernels compute the same numbers. Else None."""
        w = self.params["weight"]
        if (type(z) is np.ndarray and type(w) is np.ndarray and z.ndim >= 1 and z.shape[-1] == self.n_units
                and w.dtype == z.dtype and w.shape == (1 if self.mode == "shared" else self.n_units,)):
            return w
        return None

    def _by_kernel(self, z, public, kernel):
        """``public(z, slopes)``, or the same numbers from the unchecked ``kernel`` when :meth:`_own_slopes` allows."""
        w = self._own_slopes(z)
        if w is None:
            return public(z, self.params["weight"])
        with np.errstate(invalid="ignore", over="ignore"):  # as the public functions
            return kernel(z, w)

    def _partials(self, z):
        """``prelu_grad(z, slopes)``."""
        return self._by_kernel(z, prelu_grad, _prelu_grad_arrays)

    def forward(self, z):
        """Return :math:`\\max(0, z) + a \\min(0, z)`, elementwise (a diverged slope propagates inf/NaN)."""
        return self._by_kernel(z, prelu, _prelu_array)

    def derivative(self, z):
        """Return :math:`\\partial f/\\partial z`: 1 where :math:`z > 0`, the slope elsewhere."""
        return self._partials(z)[0]

    def backward(self, z, grad_h):
        """Return ``(grad_z, {"weight": dL/da})``, summing over the batch (and the units if shared)."""
        grad_x, partial_a = self._partials(z)
        grad_a = grad_h * partial_a
        grad_w = np.sum(grad_a).reshape(1) if self.mode == "shared" else np.sum(grad_a, axis=0)
        return grad_h * grad_x, {"weight": grad_w}

    def __repr__(self) -> str:
        return f"PReLU(prelu_mode={self.mode!r}, n_slopes={self.params['weight'].size})"


class RReLU(Activation):
    r"""Randomised leaky ReLU (Xu et al. 2015) with PyTorch's rule: ``activation="rrelu"``.

    .. math::

        f(z) = \begin{cases} z & z > 0 \\ a z & z \le 0 \end{cases},
        \qquad \begin{aligned} a &\sim U(l, u) \text{ per element in training}, \\
        a &= \tfrac{l + u}{2} \text{ in evaluation}. \end{aligned}

    In training mode (``training=True``, set by :func:`train_step` for its
    step) ``forward`` draws fresh slopes from the layer's ``rng`` with
    :func:`relu_book.activations.rrelu` and keeps them; ``backward`` on the
    same pre-activation array multiplies by those very slopes
    (:func:`relu_book.activations.rrelu_grad` with ``slopes=``). In
    evaluation mode the fixed slope :math:`(l + u)/2` is used both ways. At
    :math:`z = 0` the derivative is the slope, as in PyTorch.

    Parameters
    ----------
    name : str
        ``"rrelu"``.
    n_units : int
        Width of the layer.
    dtype : numpy.dtype
        The model's dtype.
    lower, upper : float, default 1/8, 1/3
        Bounds :math:`l \le u` of the slopes (PyTorch's defaults).

    Examples
    --------
    >>> act = RReLU("rrelu", n_units=2, dtype=np.float64, lower=0.1, upper=0.3)
    >>> act.forward(np.array([[-1.0, 2.0]]))  # evaluation mode: slope (0.1 + 0.3) / 2
    array([[-0.2,  2. ]])
    """

    def __init__(self, name="rrelu", n_units=1, dtype=np.float64, lower=1.0 / 8, upper=1.0 / 3, **kwargs):
        if kwargs:
            raise TypeError(
                f"activation 'rrelu' got unexpected keyword arguments {sorted(kwargs)}; "
                "it accepts ['lower', 'upper']"
            )
        rrelu(np.zeros(1, dtype=np.dtype(dtype)), lower, upper)  # validate lower <= upper now
        self.name = name
        self.n_units = _int(n_units, "n_units")
        self.kwargs = {"lower": float(lower), "upper": float(upper)}
        self.params = {}
        self.rng = np.random.default_rng(0)
        self._last = None  # (pre-activation, slopes) of the last training-mode forward pass

    def forward(self, z):
        """Return :math:`f(z)`: random slopes in training mode, their mean in evaluation mode."""
        if not self.training:
            self._last = None
            return rrelu(z, **self.kwargs)
        out, slopes = rrelu(z, **self.kwargs, training=True, rng=self.rng, return_slopes=True)
        self._last = (z, slopes)
        return out

    def _forward_slopes(self, z):
        if self._last is None or self._last[0] is not z:
            raise ValueError(
                "an RReLU layer in training mode must be differentiated at the pre-activation "
                "of its last forward pass (the random slopes are those of that pass)"
            )
        return self._last[1]

    def derivative(self, z):
        """Return the slopes applied to ``z``: those of the last forward pass in training mode."""
        if self.training:
            return rrelu_grad(z, slopes=self._forward_slopes(z))
        return rrelu_grad(z, **self.kwargs)

    def backward(self, z, grad_h):
        """Return ``(grad_h * slopes, {})``; in training mode with the forward pass's slopes."""
        return grad_h * self.derivative(z), {}

    def __repr__(self) -> str:
        return f"RReLU(lower={self.kwargs['lower']!r}, upper={self.kwargs['upper']!r})"


#: Activation name -> factory ``(name, n_units, dtype, **kwargs) -> Activation``:
#: for each entry of :data:`relu_book.registry.REGISTRY` the class its
#: ``layer`` names (:class:`Activation`, :class:`PReLU` or :class:`RReLU`), and
#: :class:`Activation` for ``"linear"``.
ACTIVATION_LAYERS: dict[str, Callable[..., Activation]] = {
    **{spec.name: globals()[spec.layer] for spec in REGISTRY},
    "linear": Activation,
}


def register_activation(name: str, factory: Callable[..., Activation]) -> None:
    """Make ``MLP(..., activation=name)`` build its hidden activations with ``factory``.

    ``factory(name, n_units, dtype, **kwargs)`` must return an
    :class:`Activation` (typically a subclass with learnable ``params``).
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    function(factory, "factory")
    ACTIVATION_LAYERS[name] = factory


def activation_names() -> tuple[str, ...]:
    """The activation names :class:`MLP` accepts.

    Examples
    --------
    >>> "relu" in activation_names() and "linear" in activation_names()
    True
    """
    return tuple(ACTIVATION_LAYERS)


# --------------------------------------------------------------------- losses


def _mse(output: np.ndarray, Y: np.ndarray) -> float:
    diff = output - Y
    return 0.5 * float(np.sum(diff * diff)) / output.shape[0]


def _mse_grad(output: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(output - Y) / batch; for a stack of outputs (models, batch, n_out), that of every slice at once."""
    return (output - Y) / output.shape[-2]


def _softmax_parts(output: np.ndarray):
    """``(shifted, exp(shifted), row sums)`` with ``shifted`` = output minus its row maximum (no overflow)."""
    shifted = output - output.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return shifted, exp, exp.sum(axis=1, keepdims=True)


def _cross_entropy(output: np.ndarray, labels: np.ndarray) -> float:
    shifted, _, total = _softmax_parts(output)
    rows = np.arange(output.shape[0])
    return float(np.mean(np.log(total[:, 0]) - shifted[rows, labels]))


def _cross_entropy_grad(output: np.ndarray, labels: np.ndarray) -> np.ndarray:
    _, exp, total = _softmax_parts(output)
    grad = exp / total
    grad[np.arange(output.shape[0]), labels] -= 1
    grad /= output.shape[0]
    return grad


def _cross_entropy_value_and_grad(output: np.ndarray, labels: np.ndarray):
    """``(_cross_entropy(output, labels), _cross_entropy_grad(output, labels))``, the softmax computed once."""
    shifted, exp, total = _softmax_parts(output)
    rows = np.arange(output.shape[0])
    value = float(np.mean(np.log(total[:, 0]) - shifted[rows, labels]))
    grad = exp / total
    grad[rows, labels] -= 1
    grad /= output.shape[0]
    return value, grad


def _value_and_grad(spec, output: np.ndarray, Y: np.ndarray):
    """The loss and its gradient with respect to the output (one softmax for the cross-entropy)."""
    if spec.value is _cross_entropy and spec.gradient is _cross_entropy_grad:
        return _cross_entropy_value_and_grad(output, Y)
    return spec.value(output, Y), spec.gradient(output, Y)


class Loss(NamedTuple):
    r"""A loss of :meth:`MLP.loss_and_grads`: its value, its gradient and its targets.

    ``value(output, targets)`` and ``gradient(output, targets)`` take the
    network's output :math:`\hat Y` (shape ``(batch, n_out)``) and the checked
    targets; both are averages over the batch. ``targets(Y, batch, n_out,
    dtype)`` checks and converts the targets.
    """

    #: :math:`\mathcal L(\hat Y, Y)`, a float.
    value: Callable[[np.ndarray, np.ndarray], float]
    #: :math:`\partial \mathcal L / \partial \hat Y`, an array shaped like the output.
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]
    #: Checks the targets of a batch and returns them as an array.
    targets: Callable[..., np.ndarray]


#: The losses understood by :meth:`MLP.loss_and_grads` and :func:`train`, by name:
#: ``"mse"`` (real targets, :math:`\frac1B \sum_n \frac12 \lVert \hat y_n - y_n \rVert^2`,
#: gradient :math:`(\hat Y - Y)/B`) and ``"cross_entropy"`` (integer class labels,
#: softmax cross-entropy, gradient :math:`(\operatorname{softmax}(\hat Y) - \text{onehot}(Y))/B`).
LOSSES: dict[str, Loss] = {
    "mse": Loss(_mse, _mse_grad, _regression_targets),
    "cross_entropy": Loss(_cross_entropy, _cross_entropy_grad, _class_labels),
}


# ------------------------------------------------------------------------ MLP


class LayerRecord(NamedTuple):
    """The pre-activation and activation of one layer in the last forward pass."""

    #: :math:`Z_\ell = H_{\ell-1} W_\ell + b_\ell`, shape ``(batch, n_out)``.
    pre_activation: np.ndarray
    #: :math:`H_\ell = f(Z_\ell)` (equal to ``pre_activation`` for the linear last layer).
    activation: np.ndarray


def _init_std(init: str, n_in: int, n_out: int, init_std) -> float:
    if init == "he":
        return float(np.sqrt(2.0 / n_in))
    if init == "xavier":
        return float(np.sqrt(2.0 / (n_in + n_out)))
    return init_std


class MLP:
    r"""A multilayer perceptron with hand-written backpropagation.

    ``weights[i]`` has shape ``(layer_sizes[i], layer_sizes[i + 1])`` and
    ``biases[i]`` shape ``(layer_sizes[i + 1],)``; every hidden layer applies
    the activation, the last layer is linear. Weights are drawn from
    :math:`\mathcal N(0, s^2)` with

    .. math::

        s^2 &= \frac{2}{n_\text{in}} \;(\text{"he"}), \qquad
        s^2 = \frac{2}{n_\text{in} + n_\text{out}} \;(\text{"xavier"}), \\
        s &= \texttt{init\_std} \;(\text{"normal"}),

    (He et al. 2015; Glorot & Bengio 2010, normal form), biases are 0.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from the input to the output, at least two entries, all >= 1.
    activation : str, default "relu"
        One of :func:`activation_names`: a key of
        :data:`relu_book.activations.ACTIVATIONS`, ``"linear"``, ``"prelu"``
        (:class:`PReLU`, learned slopes) or ``"rrelu"`` (:class:`RReLU`).
    init : {"he", "xavier", "normal"}, default "he"
        Weight initialisation.
    seed : int, default 0
        Seed of the generator that draws the weights.
    init_std : float, optional
        Standard deviation for ``init="normal"`` (required there, refused otherwise).
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Dtype of the parameters and of every computation.
    **activation_kwargs
        Keyword arguments of the activation, e.g. ``negative_slope=0.1``, or
        ``prelu_mode="shared"`` and ``prelu_init=0.25`` for ``"prelu"``, or
        ``lower`` and ``upper`` for ``"rrelu"``.

    Attributes
    ----------
    weights, biases : list of numpy.ndarray
        The parameters (updated in place by :func:`train`).
    activation_layers : list of Activation
        One per hidden layer.
    activations : list of LayerRecord
        ``(pre_activation, activation)`` of every layer in the last forward pass.

    The model starts in evaluation mode; see the property ``training``.

    Examples
    --------
    >>> model = MLP([2, 3, 1], seed=0)
    >>> [w.shape for w in model.weights], [b.shape for b in model.biases]
    ([(2, 3), (3, 1)], [(3,), (1,)])
    >>> model.forward(np.zeros((4, 2))).shape
    (4, 1)
    """

    def __init__(
        self,
        layer_sizes,
        activation="relu",
        init="he",
        seed=0,
        *,
        init_std=None,
        dtype=np.float64,
        **activation_kwargs,
    ):
        sizes = _layer_sizes(layer_sizes)
        choice(activation, "activation", activation_names())
        choice(init, "init", INITS)
        seed = random_seed(seed)
        init_std = _init_std_argument(init, init_std)
        dtype = _model_dtype(dtype)

        self.layer_sizes = tuple(sizes)
        self.activation = activation
        self.activation_kwargs = dict(activation_kwargs)
        self.init = init
        self.seed = seed
        self.dtype = dtype
        rng = np.random.default_rng(seed)
        self.weights = []
        self.biases = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            std = _init_std(init, n_in, n_out, init_std)
            self.weights.append((rng.standard_normal((n_in, n_out)) * std).astype(dtype))
            self.biases.append(np.zeros(n_out, dtype=dtype))
        factory = ACTIVATION_LAYERS[activation]
        self.activation_layers = [factory(activation, n, dtype, **activation_kwargs) for n in sizes[1:-1]]
        for i, layer in enumerate(self.activation_layers):
            # stochastic activations (RReLU) draw from their own generator, so the
            # weights above are the same whatever the activation
            layer.rng = np.random.default_rng([seed, i + 1])
        self._training = False
        self.activations: list[LayerRecord] = []
        #: Gradients of the activations' learnable parameters from the last
        #: :meth:`loss_and_grads` (one dict per hidden layer; empty dicts here).
        self.activation_grads: list[dict[str, np.ndarray]] = [{} for _ in self.activation_layers]
        self._input = None

    @property
    def training(self) -> bool:
        """Training mode (True) or evaluation mode (False, the default).

        Setting it sets the mode of every activation layer; it matters only
        for stochastic activations (``"rrelu"``). :func:`train_step` runs its
        step in training mode and then restores the previous mode.
        """
        return self._training

    @training.setter
    def training(self, value) -> None:
        self._training = boolean(value, "training")
        for layer in self.activation_layers:
            layer.training = self._training

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.weights)

    def __repr__(self) -> str:
        return f"MLP({list(self.layer_sizes)}, activation={self.activation!r}, init={self.init!r}, seed={self.seed})"

    # --------------------------------------------------------------- passes

    def forward(self, X):
        r"""Forward pass: the network's output for each row of ``X``.

        .. math::

            Z_\ell = H_{\ell-1} W_\ell + b_\ell,\quad H_\ell = f(Z_\ell),\quad
            \text{output} = Z_L.

        Records every layer's ``(pre_activation, activation)`` in
        ``activations``.

        Parameters
        ----------
        X : array_like, shape (batch, layer_sizes[0])
            Inputs, one per row; cast to the model's dtype (not modified).

        Returns
        -------
        numpy.ndarray, shape (batch, layer_sizes[-1])
            The last layer's (linear) output, in the model's dtype.

        Examples
        --------
        >>> model = MLP([1, 2, 1], init="normal", init_std=1.0)
        >>> model.weights = [np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]])]
        >>> model.forward([[-3.0], [2.0]])  # relu(x) + relu(-x) = |x|
        array([[3.],
               [2.]])
        """
        X = _inputs(X, self.layer_sizes[0], self.dtype)
        _check_parameters(self)
        return self._forward(X)

    def _forward(self, X: np.ndarray) -> np.ndarray:
        """:meth:`forward` without its checks: ``X`` a 2-d array of the model's dtype, parameters checked."""
        self._input = X
        records = []
        H = X
        last = self.n_layers - 1
        layers = self.activation_layers
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            Z = H @ W
            Z += b
            if i == last:
                H = Z
            else:
                kind = _inline_kind(layers[i])
                H = layers[i].forward(Z) if kind is None else _inline_forward(kind, Z)
            records.append(LayerRecord(Z, H))
        self.activations = records
        return H

    def loss_and_grads(self, X, Y, loss="mse"):
        r"""The loss on a batch and its gradients with respect to every weight and bias.

        With :math:`\hat Y` the output and :math:`B` the batch size,

        .. math::

            \mathcal L_\text{mse} = \frac{1}{B}\sum_{n=1}^{B} \tfrac12 \lVert \hat y_n - y_n \rVert^2,
            \qquad
            \mathcal L_\text{ce} = \frac{1}{B}\sum_{n=1}^{B}
                \Bigl(\log \sum_k e^{\hat y_{nk}} - \hat y_{n, y_n}\Bigr),

        whose gradients with respect to the output are
        :math:`(\hat Y - Y)/B` and :math:`(\operatorname{softmax}(\hat Y) - \text{onehot}(Y))/B`.
        The backward pass then applies the chain rule of the module docstring
        layer by layer; at a kink the activation's derivative takes the
        library's value (ReLU: 0 at 0, as PyTorch's autograd does).

        Parameters
        ----------
        X : array_like, shape (batch, layer_sizes[0])
            Inputs.
        Y : array_like
            Targets: shape ``(batch, layer_sizes[-1])`` for ``"mse"``, integer
            class labels of shape ``(batch,)`` in ``0 .. layer_sizes[-1] - 1``
            for ``"cross_entropy"``.
        loss : {"mse", "cross_entropy"}, default "mse"
            The loss, averaged over the batch.

        Returns
        -------
        loss : float
        grads_W, grads_b : list of numpy.ndarray
            Shaped and typed like ``weights`` and ``biases``.

        Examples
        --------
        >>> model = MLP([2, 4, 3], seed=1)
        >>> X = np.array([[0.5, -1.0], [1.0, 2.0]])
        >>> value, gW, gb = model.loss_and_grads(X, np.array([0, 2]), loss="cross_entropy")
        >>> [g.shape for g in gW]
        [(2, 4), (4, 3)]
        >>> bool(np.allclose(gb[-1].sum(), 0.0))  # softmax minus one-hot sums to 0
        True
        """
        spec = LOSSES[choice(loss, "loss", LOSSES)]
        output = self.forward(X)
        Y = spec.targets(Y, output.shape[0], self.layer_sizes[-1], self.dtype)
        value, grad_out = _value_and_grad(spec, output, Y)
        grads_W, grads_b = self._backward(grad_out.astype(self.dtype, copy=False))
        return value, grads_W, grads_b

    def _backward(self, grad_out):
        """The gradients of the last forward pass, given ``grad_out`` = dL/d(output)."""
        n = self.n_layers
        grads_W = [None] * n
        grads_b = [None] * n
        layers = self.activation_layers
        records = self.activations
        act_grads = [{} for _ in layers]
        delta = grad_out  # dL/dZ of the current layer
        for i in range(n - 1, -1, -1):
            H_prev = self._input if i == 0 else records[i - 1].activation
            grads_W[i] = H_prev.T @ delta
            grads_b[i] = delta.sum(axis=0)
            if i > 0:
                grad_h = delta @ self.weights[i].T
                layer, (Z, H) = layers[i - 1], records[i - 1]
                kind = _inline_kind(layer)
                if kind is None:
                    delta, act_grads[i - 1] = layer.backward(Z, grad_h)
                else:
                    delta = _inline_backward(kind, Z, H, grad_h)
        self.activation_grads = act_grads
        return grads_W, grads_b


# ------------------------------------------------------------------- training


@dataclass
class TrainingHistory:
    """What :func:`train` records, one entry per completed epoch.

    Attributes
    ----------
    loss : numpy.ndarray, shape (epochs,)
        Mean of the mini-batch losses during each epoch.
    grad_norms : numpy.ndarray, shape (epochs, n_layers)
        Mean over the epoch's steps of the Frobenius norm of each layer's
        weight gradient :math:`\\lVert \\partial\\mathcal L/\\partial W_\\ell \\rVert_F`,
        layer 1 (next to the input) first.
    epochs : int
        Number of epochs run (fewer than asked if the callback stopped training).
    stopped_early : bool
        Whether the callback stopped training.
    """

    loss: np.ndarray
    grad_norms: np.ndarray
    epochs: int
    stopped_early: bool


def _check_lr(lr) -> float:
    return real_scalar(lr, "lr", low=0.0, low_inclusive=False)


def train_step(model, X, Y, lr, loss="mse"):
    r"""One step of plain stochastic gradient descent on one batch.

    .. math::

        W_\ell \leftarrow W_\ell - \eta \frac{\partial\mathcal L}{\partial W_\ell},\qquad
        b_\ell \leftarrow b_\ell - \eta \frac{\partial\mathcal L}{\partial b_\ell},

    and the same for any learnable parameters of the activations (the
    slopes of ``"prelu"``; no weight decay). The model's arrays are updated
    in place. The forward and backward passes of the step run in training
    mode (random slopes for ``"rrelu"``); the model's previous mode is
    restored afterwards.

    Parameters
    ----------
    model : MLP
    X, Y, loss
        As in :meth:`MLP.loss_and_grads`.
    lr : float
        Learning rate :math:`\eta > 0`.

    Returns
    -------
    loss : float
        The loss on the batch before the step.
    grad_norms : numpy.ndarray, shape (n_layers,)
        Frobenius norms of the weight gradients, in float64.

    Examples
    --------
    >>> model = MLP([1, 8, 1], seed=0)
    >>> X = np.linspace(-1, 1, 16)[:, None]
    >>> before, _ = train_step(model, X, X**2, lr=0.1)
    >>> after, _ = train_step(model, X, X**2, lr=0.1)
    >>> after < before
    True
    """
    instance(model, "model", MLP)
    lr = _check_lr(lr)
    spec = LOSSES[choice(loss, "loss", LOSSES)]
    X = _inputs(X, model.layer_sizes[0], model.dtype)
    _check_parameters(model)
    previous = model.training
    model.training = True
    try:
        output = model._forward(X)
        Y = spec.targets(Y, output.shape[0], model.layer_sizes[-1], model.dtype)
        return _sgd_step(model, output, Y, lr, spec)
    finally:
        model.training = previous


def _sgd_step(model, output, Y, lr: float, spec):
    """The rest of :func:`train_step` after its forward pass (``output``), on checked targets ``Y``."""
    value, grad_out = _value_and_grad(spec, output, Y)
    grads_W, grads_b = model._backward(grad_out.astype(model.dtype, copy=False))
    norms = np.array([np.sqrt(np.vdot(g, g)) for g in grads_W], dtype=np.float64)
    step = model.dtype.type(lr)
    for W, b, gW, gb in zip(model.weights, model.biases, grads_W, grads_b):
        gW *= step
        W -= gW
        gb *= step
        b -= gb
    for layer, grads in zip(model.activation_layers, model.activation_grads):
        for name, g in grads.items():
            layer.params[name] -= step * g
    return value, norms


def train(model, X, Y, lr, epochs, batch_size, seed=0, loss="mse", callback=None):
    r"""Train ``model`` by plain mini-batch SGD and record the loss and gradient norms.

    Each epoch shuffles the examples (with a generator seeded by ``seed``),
    splits them into batches of ``batch_size`` (the last one may be smaller)
    and takes one :func:`train_step` per batch:
    :math:`\theta \leftarrow \theta - \eta\,\nabla_\theta \mathcal L_\text{batch}`.

    Parameters
    ----------
    model : MLP
        Updated in place.
    X : array_like, shape (n, layer_sizes[0])
    Y : array_like
        Targets for every row of ``X`` (see :meth:`MLP.loss_and_grads`).
    lr : float
        Learning rate :math:`\eta > 0`.
    epochs : int
        Number of passes over the data (>= 1).
    batch_size : int
        Examples per step (>= 1).
    seed : int, default 0
        Seed of the shuffling.
    loss : {"mse", "cross_entropy"}, default "mse"
    callback : callable, optional
        ``callback(epoch, model)`` is called after every epoch (``epoch``
        counts from 1); if it returns True, training stops.

    Returns
    -------
    TrainingHistory
        ``loss`` (epochs,), ``grad_norms`` (epochs, n_layers), ``epochs``,
        ``stopped_early``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, (64, 2))
    >>> Y = np.abs(X).sum(axis=1, keepdims=True)
    >>> history = train(MLP([2, 16, 1]), X, Y, lr=0.05, epochs=20, batch_size=16)
    >>> history.grad_norms.shape
    (20, 2)
    >>> bool(history.loss[-1] < history.loss[0])
    True
    """
    instance(model, "model", MLP)
    lr = _check_lr(lr)
    epochs = _int(epochs, "epochs")
    batch_size = _int(batch_size, "batch_size")
    seed = random_seed(seed)
    loss = choice(loss, "loss", LOSSES)
    function(callback, "callback", optional=True)
    X = _inputs(X, model.layer_sizes[0], model.dtype)
    Y = LOSSES[loss].targets(Y, X.shape[0], model.layer_sizes[-1], model.dtype)
    spec = LOSSES[loss]
    n = X.shape[0]
    rng = np.random.default_rng(seed)
    losses, norms = [], []
    stopped = False
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        step_losses, step_norms = [], []
        _check_parameters(model)  # once per epoch: the steps keep shapes and dtype, a callback might not
        # the steps of train_step, checked once above instead of at every step; each runs in training mode
        previous = model.training
        model.training = True
        try:
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                value, g = _sgd_step(model, model._forward(X[idx]), Y[idx], lr, spec)
                step_losses.append(value)
                step_norms.append(g)
        finally:
            model.training = previous
        losses.append(np.mean(step_losses))
        norms.append(np.mean(step_norms, axis=0))
        if callback is not None and callback(epoch, model):
            stopped = True
            break
    return TrainingHistory(
        loss=np.array(losses, dtype=np.float64),
        grad_norms=np.array(norms, dtype=np.float64),
        epochs=len(losses),
        stopped_early=stopped,
    )
