#!/usr/bin/env bash
# Install the lowest versions pyproject.toml allows (constraints-lowest.txt) in a
# throw-away venv and run the unit tests and doctests of relu_book against them.
# nbval is left out: the stored notebook outputs belong to the pinned set
# (constraints.txt). Usage: scripts/lowest_versions.sh [VENV_DIR] (default /tmp/lowvenv).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
venv=${1:-/tmp/lowvenv}
start=$(date +%s)

rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade "pip>=24"
# Install the package from a copy of its sources (so nothing is written into the
# tree): pip then checks that pyproject.toml's ranges admit every pinned version.
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
cp -r pyproject.toml README.md relu_book "$src/"
"$venv/bin/python" -m pip install --quiet -c constraints-lowest.txt "$src" pytest hypothesis nbformat ipython

echo "Installed (lowest versions):"
"$venv/bin/python" - <<'PY'
import importlib.metadata as md
import sys
print(f"  python {sys.version.split()[0]}")
for name in ["numpy", "scipy", "sympy", "matplotlib", "ml_dtypes", "numba", "llvmlite", "threadpoolctl", "mpmath", "contourpy", "pytest", "hypothesis", "nbformat", "ipython"]:
    print(f"  {name} {md.version(name)}")
PY

# Unit tests and doctests only: no nbval, no site/browser/notebook-style tests
# (they need the book extras), nothing marked slow. The repo's relu_book (the
# working tree) is the one imported, as the tests run from the repo root.
# The optional extras (frameworks, TenSEAL) and the built editions (site,
# PDF) are not part of this step: their test files and the comparisons with
# PyTorch (tests named *torch*) are left out, and the REQUIRE_* switches of
# CI are cleared, since this venv has none of them.
cd "$repo"
env -u REQUIRE_FRAMEWORKS -u REQUIRE_ENCRYPTION -u REQUIRE_BROWSER -u REQUIRE_PDF \
"$venv/bin/python" -m pytest tests relu_book -q -rs -p no:nbval -p no:cacheprovider -p no:randomly \
    -o addopts="" --doctest-modules --strict-markers -m "not slow and not site" -k "not torch" \
    --ignore=tests/test_notebook_style.py --ignore=tests/test_student_edition.py \
    --ignore=tests/test_site.py --ignore=tests/test_browser.py --ignore=tests/test_pdf.py \
    --ignore=tests/test_encrypted_inference.py --ignore=tests/test_frameworks.py \
    --ignore=tests/test_framework_listings.py
echo "lowest-versions step finished in $(( $(date +%s) - start )) s"
