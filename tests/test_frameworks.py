"""The framework rows of chapter 3's table, checked against the frameworks themselves.

Neither PyTorch nor JAX is a requirement of the book; each test runs only
where the framework can be imported (the chapter cites the source files for
every row, and reproduces it with relu_book either way).
"""

from __future__ import annotations

import numpy as np
import pytest

import relu_book as rb
from relu_book import autodiff as ad


def test_pytorch_derivatives_at_zero():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional

    def at(fn, x0=0.0):
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        fn(x).backward()
        return x.grad.item()

    assert at(torch.relu) == 0.0 == float(rb.relu_grad(0.0))
    assert at(lambda x: torch.clamp(x, min=0)) == 1.0
    assert at(lambda x: torch.maximum(x, torch.zeros_like(x))) == 0.5
    assert at(lambda x: F.leaky_relu(x, 0.1)) == pytest.approx(0.1) == float(rb.leaky_relu_grad(0.0, 0.1))
    assert at(F.selu) == pytest.approx(float(rb.selu_grad(0.0)))
    assert at(F.relu6) == 0.0 and at(F.relu6, 6.0) == 0.0
    assert at(lambda x: torch.relu(x) - torch.relu(-x)) == 0.0 == float(ad.grad(lambda v: ad.relu(v) - ad.relu(-v), 0.0))


def test_jax_derivatives_at_zero():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    grad = lambda f, x0=0.0: float(jax.grad(f)(np.float32(x0)))  # noqa: E731

    assert grad(jax.nn.relu) == 0.0
    assert grad(lambda x: jnp.maximum(x, 0.0)) == 0.5
    assert grad(lambda x: jax.nn.leaky_relu(x, 0.1)) == 1.0  # JAX writes x >= 0
    assert grad(jax.nn.selu) == pytest.approx(float(rb.selu_grad(0.0)), rel=1e-6)
    assert grad(lambda x: jax.nn.elu(x, 2.0)) == pytest.approx(2.0)
    assert grad(jax.nn.relu6) == 0.0 and grad(jax.nn.relu6, 6.0) == 0.0
