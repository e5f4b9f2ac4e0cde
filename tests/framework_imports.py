"""Import a framework for a test, or skip the test; fail instead under REQUIRE_FRAMEWORKS=1.

The frameworks (PyTorch, JAX, Keras, TensorFlow) are not requirements of the
book: a reader's ``make test`` skips the tests that need them. CI installs the
``frameworks`` extra and sets ``REQUIRE_FRAMEWORKS=1``, so that a framework
that fails to import is a test failure there, not a silent skip.
"""

from __future__ import annotations

import importlib
import os

import pytest

#: pip names of the frameworks, by import name (what ``pip install '.[frameworks]'`` installs).
PACKAGES = {"torch": "torch", "jax": "jax", "keras": "keras", "tensorflow": "tensorflow-cpu"}
#: import name by the tool names of relu_book.conventions.
BY_TOOL = {"PyTorch": "torch", "JAX": "jax", "Keras": "keras", "TensorFlow": "tensorflow"}


def required() -> bool:
    """True when a missing framework must fail the tests (``REQUIRE_FRAMEWORKS=1``)."""
    return os.environ.get("REQUIRE_FRAMEWORKS", "") == "1"


def require(name: str):
    """Return the imported module ``name``; skip the test without it, or fail if required."""
    if name == "keras":
        os.environ.setdefault("KERAS_BACKEND", "jax")
    if name == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        message = f"{name} is not installed ({exc}); install it with pip install '.[frameworks]'"
        if required():
            pytest.fail(f"REQUIRE_FRAMEWORKS=1 but {message}", pytrace=False)
        pytest.skip(message)
    if name == "keras" and module.backend.backend() != "jax":
        pytest.fail(f"Keras runs on {module.backend.backend()}; these tests need KERAS_BACKEND=jax", pytrace=False)
    return module
