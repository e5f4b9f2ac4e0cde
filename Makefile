# The two commands of the README:
#   make html   set everything up (.venv from requirements.txt) and build the site
#   make test   set everything up, lint, build the site and the student edition,
#               and run every test (the full suite)
# Other targets:
#   check      the fast loop: lint, unit tests and doctests (no notebooks, no site)
#   coverage   unit tests and doctests under coverage, with the floor of 90% (CI runs it)
#   lint       ruff over the code, nbqa ruff over the chapter notebooks
#   pdf        the book as one PDF, typeset with LaTeX (needs TeX Live; see README)
#   student    the edition without solutions, and exercise-only notebooks in student/
#   notebooks  re-execute every chapter and store its outputs
#   lab        JupyterLab on the chapters
#   bench      measure builds, notebooks and tests; update the README's table
#   lock       regenerate constraints.txt, the lock (see CONTRIBUTING.md)
#   clean      remove _build and student/

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := _build/html
STUDENT_BUILD := _build/student/_build/html
PDF    := _build/latex/gradient-of-relu.pdf
# pytest-xdist workers for `make test` and `make check`; JOBS=0 runs in one process.
# `make test` sends each file to one worker (a notebook's cells run in order, in
# one kernel); `make check`, which has no notebooks, sends single tests, so that
# the workers finish together.
JOBS   ?= 2
PYTEST_IN = $(BIN)/python -m pytest -rs $(if $(filter 0,$(JOBS)),,-n $(JOBS) --dist $(1))
# Files in collection order, not the files with the most tests first: conftest.py
# collects the longest-running files first (LONGEST_FIRST).
PYTEST := $(call PYTEST_IN,loadfile) $(if $(filter 0,$(JOBS)),,--no-loadscope-reorder)
# What `make lint` checks (the chapters are checked by nbqa).
LINTED := relu_book tests scripts benchmarks _ext conftest.py
# Extras locked by `make lock`: every extra in pyproject.toml, installed or not.
LOCK_EXTRAS := book,test,lab,encryption,frameworks

# What the site is built from. `make html` runs Sphinx only when one of these
# changed since the last build (Sphinx then re-reads only the pages that did).
BOOK_SOURCES := _config.yml _toc.yml references.bib $(wildcard *.md chapters/*.ipynb) \
	$(shell find relu_book _ext _static -type f -not -path '*/__pycache__/*' 2>/dev/null)

# Let Python keep its bytecode caches (ignored by git): without them every run
# compiles relu_book and pytest rewrites every test module again, seconds each time.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: html pdf student test check coverage lint notebooks lab bench lock clean
.DELETE_ON_ERROR:

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3"
	touch $(STAMP)

html: $(BUILD)/.make-stamp
	@echo "The site is at $(BUILD)/index.html"

# The stamp takes the time the build started, so that a source edited during
# the build is newer than it and rebuilds next time.
$(BUILD)/.make-stamp: $(STAMP) $(BOOK_SOURCES)
	@mkdir -p $(@D) && touch $@.start
	$(BIN)/jupyter-book build . -W -n --keep-going
	mv $@.start $@

# The PDF edition; also copied into the site, which links to it from the preface.
pdf: $(STAMP)
	$(BIN)/jupyter-book build . --builder pdflatex -W -n --keep-going
	mkdir -p $(BUILD) && cp $(PDF) $(BUILD)/
	@echo "The PDF is at $(PDF) (and in the site, $(BUILD)/gradient-of-relu.pdf)"

student: $(STUDENT_BUILD)/.make-stamp student/.make-stamp
	@echo "The student edition is at $(STUDENT_BUILD)/index.html; notebooks in student/"

$(STUDENT_BUILD)/.make-stamp: $(STAMP) $(BOOK_SOURCES)
	@mkdir -p $(@D) && touch $@.start
	RELU_BOOK_EDITION=student $(BIN)/jupyter-book build . -W -n --keep-going --path-output _build/student
	mv $@.start $@

student/.make-stamp: $(STAMP) $(wildcard chapters/*.ipynb) scripts/make_student_notebooks.py
	@mkdir -p $(@D) && touch $@.start
	$(BIN)/python scripts/make_student_notebooks.py student
	mv $@.start $@

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/nbqa ruff chapters

# The full suite: unit tests, doctests, nbval over every chapter (with the
# stale-figure check), the site, browser and student-edition tests.
test: lint html student
	$(PYTEST) --durations=15

# Coverage of relu_book by its unit tests and doctests, with a floor. Apart
# from `make test`: coverage's tracer (Python 3.11 has no sys.monitoring)
# makes the unit tests take 1.7 to 2.1 times as long, and the notebooks, the
# site and the PDF run no relu_book code that it could see (the notebooks run
# in kernels of their own).
coverage: $(STAMP)
	$(call PYTEST_IN,load) -m "not site and not pdf" tests relu_book \
	  --cov=relu_book --cov-report=term --cov-fail-under=90

# The fast loop: everything not marked slow (see conftest.py), in about a minute.
check: lint
	$(call PYTEST_IN,load) -m "not slow" --hypothesis-profile=fast tests relu_book

notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_activations.py
	$(BIN)/python benchmarks/bench_frameworks.py
	$(BIN)/python benchmarks/measure_book.py

# Resolve pyproject.toml's dependencies and every extra in a throw-away venv,
# under the current lock (so that only what changed moves; delete a pin to
# upgrade that package, or run `make lock UPGRADE=1` to resolve everything
# afresh), and write `pip freeze` of it, under the lock's header, to constraints.txt.
# Local version labels are dropped (torch==2.13.0+cpu is locked as
# torch==2.13.0, which a machine's own CPU build still satisfies).
lock:
	rm -rf _build/lock
	$(PYTHON) -m venv _build/lock
	_build/lock/bin/python -m pip install --quiet --upgrade "pip>=24"
	_build/lock/bin/python -m pip install --quiet $(if $(UPGRADE),,-c constraints.txt) -e ".[$(LOCK_EXTRAS)]"
	{ sed '/^[^#]/,$$d' constraints.txt; _build/lock/bin/python -m pip freeze --exclude-editable \
	  | sed -E 's/^([^=]+==[^+]+)[+].*/\1/'; } > _build/constraints.txt
	mv _build/constraints.txt constraints.txt
	rm -rf _build/lock
	@echo "constraints.txt regenerated: review its diff, then run make notebooks and make test"

clean:
	rm -rf _build student
