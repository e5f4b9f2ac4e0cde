"""Support package of *The Gradient of ReLU*.

The activations and their derivatives are exported at the top level::

    >>> import relu_book as rb
    >>> rb.relu_grad([-1.0, 0.0, 1.0])
    array([0., 0., 1.])

The other modules are imported by name: :mod:`relu_book.registry` (one
entry per activation: its kinks, parameters and figure style),
:mod:`relu_book.symbolic` (sympy views of the same functions),
:mod:`relu_book.numerics` (finite differences and gradient checks),
:mod:`relu_book.plotting` (the house figure style) and
:mod:`relu_book.exercises` (answer checkers for the exercises).
"""

from relu_book.activations import *  # noqa: F403
from relu_book.activations import __all__ as _activation_names

__version__ = "0.1.0"
__all__ = list(_activation_names)
