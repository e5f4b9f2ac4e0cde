# The two commands of the README:
#   make html   set everything up (.venv from requirements.txt) and build the site
#   make test   set everything up, build the site, and run every test
# Other targets: pdf (the book as one PDF, typeset with LaTeX: needs TeX Live,
# see README), student (the edition without solutions, and exercise-only
# notebooks in student/), notebooks (re-execute every chapter and store
# outputs), lab (JupyterLab on the chapters), bench, clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := _build/html
PDF    := _build/latex/gradient-of-relu.pdf

.PHONY: html pdf student test notebooks lab bench clean
.DELETE_ON_ERROR:

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3"
	touch $(STAMP)

html: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The site is at $(BUILD)/index.html"

# The PDF edition; also copied into the site, which links to it from the preface.
pdf: $(STAMP)
	$(BIN)/jupyter-book build . --builder pdflatex -W -n --keep-going
	mkdir -p $(BUILD) && cp $(PDF) $(BUILD)/
	@echo "The PDF is at $(PDF) (and in the site, $(BUILD)/gradient-of-relu.pdf)"

student: $(STAMP)
	RELU_BOOK_EDITION=student $(BIN)/jupyter-book build . -W -n --keep-going --path-output _build/student
	$(BIN)/python scripts/make_student_notebooks.py student
	@echo "The student edition is at _build/student/_build/html/index.html; notebooks in student/"

test: html student
	$(BIN)/python -m pytest --cov=relu_book --cov-report=term --cov-fail-under=90

notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: html student
	$(BIN)/python benchmarks/bench_activations.py
	$(BIN)/python benchmarks/measure_book.py

clean:
	rm -rf _build
