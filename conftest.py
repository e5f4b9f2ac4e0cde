"""Project-wide pytest hooks: the `slow` marker, the stale-figure check in nbval, and the cells of optional extras.

This file is at the top of the repository, not in tests/, because its hooks
must reach the notebook items that nbval collects under chapters/ (pytest
applies a conftest.py's per-item hooks only to items below its folder).

1. ``slow``. `make check` runs ``pytest -m "not slow" tests relu_book``: the
   unit tests and doctests, in under a minute. Marked slow here, so that no
   test file needs a decorator, are every nbval cell, every test of the built
   site (marker ``site``: offline checks, browser, student edition), and the
   unit tests in ``SLOW_TESTS``, each measured above 1 s of CPU with
   ``pytest --durations=30``. `make check` also runs hypothesis with the
   ``fast`` profile (fewer examples per property). `make test` runs
   everything, with hypothesis's default profile.

2. Stale figures. nbval compares text outputs only. After nbval has run a
   cell and found its text unchanged, the hook below compares the cell's PNG
   figures with the stored ones, pixel by pixel within a tolerance
   (``scripts/check_figures.py``), and fails the cell if a figure went stale.
   The figures come from nbval's own run, so no notebook runs twice. Pass
   ``--no-figure-check`` to skip it.

3. Cells of optional extras. Cells tagged ``framework-listing`` import
   PyTorch, JAX, Keras or TensorFlow, and cells tagged ``encryption`` TenSEAL,
   which the book does not require; they are ``nbval-skip``, and
   ``tests/test_framework_listings.py`` and ``tests/test_encrypted_inference.py``
   run them instead (skipped without the extra, failing under
   ``REQUIRE_FRAMEWORKS=1`` / ``REQUIRE_ENCRYPTION=1``). nbval's items for
   them are deselected, so that a run with the extras reports no skipped test.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent
pytest_plugins = ["pytester"]  # tests/test_check_figures.py runs nbval on notebooks of its own

# Unit tests that take more than about a second of CPU, or more than 0.3 s a case,
# by node-id prefix (measured with `pytest -m "not slow" --durations=0`).
SLOW_TESTS = (
    # notebook cells executed again outside nbval (frameworks, TenSEAL)
    "tests/test_framework_listings.py::",
    "tests/test_encrypted_inference.py::test_encrypted_cells_",
    # against PyTorch, JAX, Keras and TensorFlow: importing each takes seconds, and
    # Keras builds a graph per case
    "tests/test_frameworks.py::",
    "tests/test_activations.py::test_every_activation_and_gradient_matches_torch_autograd",
    # the PDF edition, built by `make pdf` (each test reads the whole PDF)
    "tests/test_pdf.py::",
    # sympy: smooth.activation_table() and registry.kink_table() take seconds, once per module
    "tests/test_smooth.py::test_table_",
    "tests/test_registry.py::test_kink_table_",
    "relu_book/registry.py::relu_book.registry.kink_table",
    "relu_book/smooth.py::relu_book.smooth.activation_table",
    "relu_book/smooth.py::relu_book.smooth.normal_mean_exact",
    "tests/test_smooth.py::test_exact_normal_means_agree_with_quadrature",
    "tests/test_calculus.py::test_softplus_cut_over_is_a_jump_with_infinite_right_quotient",
    "tests/test_approximation.py::test_numeric_least_squares_fits_agree_with_sympy",
    "tests/test_smooth.py::test_limits_at_infinity_by_substitution_or_gruntz_equal_sympys_limits[gelu (tanh)]",
    # properties over every activation and dtype, or against mpmath (the activations'
    # own central-difference property stays in the fast loop)
    "tests/test_activations.py::test_dtype_and_shape_are_preserved",
    "tests/test_numerics.py::test_central_difference_equals_activation_grad_away_from_kinks",
    "tests/test_float32_accuracy.py::test_worst_float32_error_is_the_documented_one",
    "tests/test_float32_accuracy.py::test_float64_reference_agrees_with_mpmath",
    # the bad-input matrix runs each function on good input too
    "tests/test_bad_inputs.py::test_sequences_refuse_what_is_not_a_sequence",
    "tests/test_bad_inputs.py::test_elementwise_matrix",
    "tests/test_bad_inputs.py::test_normal_mean_of_selu_is_fast",
    # small training runs
    "tests/test_floating_point.py::test_precision_run_is_reproducible_bit_for_bit",
    "tests/test_variants.py::test_prelu_init_gain_follows_from_the_second_moment_of_a_leaky_relu",
    "tests/test_variants.py::test_matched_gain_keeps_forward_and_backward_signal_of_order_one",
    "tests/test_variants.py::test_unit_gain_changes_the_backward_signal_by_the_predicted_factor_per_layer",
)

# `pytest --hypothesis-profile=fast` (make check): a quarter of the examples per property.
settings.register_profile("fast", max_examples=25)

_spec = importlib.util.spec_from_file_location("check_figures", ROOT / "scripts" / "check_figures.py")
check_figures = sys.modules.setdefault("check_figures", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(check_figures)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-figure-check",
        action="store_true",
        help="do not compare the figures nbval draws with the stored ones",
    )


def _is_nbval_cell(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "test_outputs")


#: Tags of cells that need an optional extra. nbval skips them (``nbval-skip``);
#: their own tests run them: tests/test_framework_listings.py and
#: tests/test_encrypted_inference.py.
OPTIONAL_EXTRA_TAGS = {"framework-listing", "encryption"}


def _needs_optional_extra(item: pytest.Item) -> bool:
    tags = set(item.cell.metadata.get("tags", [])) if _is_nbval_cell(item) else set()
    return "nbval-skip" in tags and bool(OPTIONAL_EXTRA_TAGS & tags)


#: Test files that run longest, by far (`make test --durations`): the browser
#: opens every page at two sizes (60-130 s on one worker), then the framework
#: comparisons and the stale-figure check. They are collected first, and `make
#: test` hands files to its workers in collection order (`--dist loadfile
#: --no-loadscope-reorder`), so that they start at once and the other worker
#: works through the rest meanwhile. xdist's default order, the files with the
#: most tests first, started the browser file late, and the other worker ran out
#: of files long before it ended (pytest's time in `make test`: 317 s before, 257 s after).
LONGEST_FIRST = ("tests/test_browser.py", "tests/test_frameworks.py", "tests/test_check_figures.py")


def _longest_first(item: pytest.Item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_longest_first)  # stable: the order within each file, and of the other files, is kept
    # Cells that need an optional extra (tagged framework-listing or
    # encryption, and nbval-skip) are run by their own tests, which compare
    # their printed output with the stored one; nbval would only report them
    # as skipped.
    keep, deselected = [], []
    for item in items:
        (deselected if _needs_optional_extra(item) else keep).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep
    for item in items:
        if _is_nbval_cell(item) or item.get_closest_marker("site") or item.nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield  # nbval runs the cell and compares its text outputs
    if not _is_nbval_cell(item) or item.config.getoption("no_figure_check"):
        return result
    options = item.options
    if options.get("skip") or not options.get("check") or item.cell.execution_count is None:
        return result
    differences = check_figures.compare_cell(item.cell.outputs, item.test_outputs or [])
    if differences:
        from nbval.plugin import NbCellError

        stem = f"{Path(str(item.fspath)).stem}-cell{item.cell_num}"
        folder = ROOT / "_build" / "stale-figures"
        check_figures.save(differences, folder, stem)
        lines = "\n".join(f"  {d}" for d in differences)
        raise NbCellError(
            item.cell_num,
            f"Stored figure is stale (the code draws another today):\n{lines}\n"
            f"Both versions are in {folder.relative_to(ROOT)}/{stem}-*.png; "
            "regenerate the outputs with `make notebooks`",
            item.cell.source,
        )
    return result
