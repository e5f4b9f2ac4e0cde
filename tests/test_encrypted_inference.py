"""Encrypted inference with TenSEAL: the library's behaviour, and chapter 8's encrypted cells.

TenSEAL is an optional extra (``pip install "relu_book[encryption]"``). Without
it these tests are skipped, unless ``REQUIRE_ENCRYPTION=1`` is set (as
``.ci/run`` does), in which case they fail.

The chapter's encrypted cells are tagged ``nbval-skip`` (nbval cannot run them
where TenSEAL is missing) and ``encryption``. Here the first code cell (the
imports) and every cell tagged ``encryption`` are executed again, in order, in
one namespace, and what each prints must equal its stored output: the stored
outputs come from a real run and print only what does not vary between runs.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

try:
    import tenseal
except ModuleNotFoundError as err:
    if os.environ.get("REQUIRE_ENCRYPTION") == "1":
        message = 'REQUIRE_ENCRYPTION=1 but tenseal is not installed (pip install -e ".[encryption]")'
        raise RuntimeError(message) from err
    pytest.skip("tenseal is not installed", allow_module_level=True)
import tenseal.sealapi as sealapi

from relu_book import encryption as enc
from relu_book import polynomial_networks as pn
from relu_book.nn import MLP

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "chapters" / "08_polynomial_networks.ipynb"
SMALL = enc.CKKSParameters(8192, (50, 40, 40, 40, 40), 40)  # three levels, 210 bits


@pytest.fixture(scope="module")
def small_context():
    return enc.ckks_context(SMALL)


def test_security_bounds_are_seals(small_context):
    for n, bits in enc.MAX_BITS_128.items():
        assert sealapi.CoeffModulus.MaxBitCount(n, sealapi.SEC_LEVEL_TYPE.TC128) == bits


def test_context_is_private_with_the_scale_of_the_parameters(small_context):
    assert small_context.global_scale == 2.0**SMALL.scale_bits
    assert small_context.is_private()


def test_seal_refuses_parameters_beyond_the_bound():
    with pytest.raises(ValueError):
        enc.ckks_context(enc.CKKSParameters(8192, (60, 40, 40, 40, 60), 40))  # 240 > 218 bits


def test_levels_sizes_and_prime_offsets_of_a_fresh_ciphertext(small_context):
    v = tenseal.ckks_vector(small_context, [1.0, 2.0])
    assert enc.levels_left(v) == SMALL.levels
    assert enc.ciphertext_bytes(v) == 2 * 8192 * (SMALL.levels + 1) * 8
    assert enc.levels_left(v * 0.5) == SMALL.levels - 1
    offsets = enc.prime_offsets(small_context, SMALL)
    assert offsets.shape == (SMALL.levels,) and np.all(np.abs(offsets) < 1e-4)


def test_a_depth_three_network_runs_encrypted_and_agrees_with_the_plaintext(small_context):
    net = pn.with_polynomial_activations(MLP([2, 3, 2], seed=4), (0.1, 0.5, 0.25))
    X = np.random.default_rng(0).uniform(-1, 1, (40, 2))
    report = enc.encrypted_inference(small_context, net, X)
    assert report.depth == 3 and report.levels_left == 0 and report.levels_fresh == 3
    assert report.max_abs_difference < 1e-4 * np.abs(report.plaintext).max()
    assert report.classes_agree == 40 and report.n_examples == 40
    with pytest.raises(ValueError, match="scale out of bounds"):
        report.outputs[0] * 1.0


def test_a_network_deeper_than_the_chain_cannot_run(small_context):
    net = pn.with_polynomial_activations(MLP([2, 3, 3, 2], seed=4), (0.0, 0.0, 1.0))
    assert pn.network_depth(net) == 5 > SMALL.levels
    with pytest.raises(ValueError, match="scale out of bounds"):
        enc.encrypted_inference(small_context, net, np.zeros((4, 2)))


def test_encrypted_inference_checks_its_inputs(small_context):
    net = pn.with_polynomial_activations(MLP([2, 3, 2], seed=4), (0.0, 0.0, 1.0))
    with pytest.raises(ValueError, match="shape"):
        enc.encrypted_inference(small_context, net, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="holds 4096"):
        enc.encrypted_inference(small_context, net, np.zeros((4097, 2)))


# ------------------------------------------------------------ the chapter's cells


def _cells():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    return code[0], [c for c in code if "encryption" in c.metadata.get("tags", [])]


def test_cells_that_need_tenseal_are_tagged_for_nbval_to_skip():
    _, cells = _cells()
    assert len(cells) >= 4
    for cell in cells:
        tags = cell.metadata["tags"]
        needs = any(name in cell.source for name in ("ckks_context", "report.", "context"))
        assert ("nbval-skip" in tags) == needs, cell.source[:60]


def test_encrypted_cells_reproduce_their_stored_outputs():
    first, cells = _cells()
    namespace: dict = {}
    with matplotlib.rc_context():
        exec(compile(first.source, "chapter 8, first cell", "exec"), namespace)
        for cell in cells:
            assert all(o.output_type == "stream" and o.name == "stdout" for o in cell.outputs), cell.source[:60]
            stored = "".join(o.text for o in cell.outputs)
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(cell.source, f"chapter 8, cell {cell.id}", "exec"), namespace)
            assert printed.getvalue() == stored, cell.source[:60]
