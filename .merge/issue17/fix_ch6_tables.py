"""Chapter 6, section 6.6: the printed learning-rate table lost its last columns at
1280 px; it becomes two numbered tables, the second transposed (one row per rate).
The cell's set-up lines (up to `i = lrs.index(0.6)`) are kept as they are."""
import re, sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import nbformat
from nbedit import CHANGED, SKIPPED
NB = "chapters/06_variants.ipynb"

TABLES = '''at_06 = [{"activation": name,
          "dead/inactive [IQR]": median_iqr(out["dead"][i]),
          "final loss [IQR]": median_iqr(out["loss"][i]),
          "diverged": f"{out['diverged'][i].sum()}/5"}
         for name, out in sweep.items()]
display(Markdown(markdown_table(at_06, name="tbl-variants-at-06", caption=(
    "The activations at learning rate 0.6: median [interquartile range] "
    "over the 5 seeds, and the number of runs that diverged."))))
by_lr = [{"learning rate": lr} for lr in lrs]
for name, out in sweep.items():
    for row, d, n in zip(by_lr, out["dead"], out["diverged"].sum(axis=1)):
        finite = d[np.isfinite(d)]
        median = f"{np.median(finite):.2f}" if finite.size else "—"
        row[name] = f"{median} ({n}/5)"
display(Markdown(markdown_table(by_lr, name="tbl-variants-by-lr", caption=(
    "Median fraction of dead (ReLU) or inactive (the others) hidden units "
    "after training, and diverged runs out of 5, by learning rate."))))'''

nb = nbformat.read(NB, as_version=4)
cell = next(c for c in nb.cells if c.id == "3dee7448")
if "tbl-variants-by-lr" not in cell.source:
    marker = "i = lrs.index(0.6)\n"
    if marker not in cell.source or 'print("at learning rate 0.6:")' not in cell.source:
        SKIPPED.append(f"{NB} 3dee7448: the sweep cell has changed")
    else:
        cell.source = cell.source[:cell.source.index(marker) + len(marker)] + TABLES
        cell.metadata.setdefault("mystnb", {})["markdown_format"] = "myst"
        CHANGED.setdefault(NB, set()).add("3dee7448")
        first = next(c for c in nb.cells if c.cell_type == "code")
        src = first.source
        if "from IPython.display import Markdown, display" not in src:
            src = src.replace("import matplotlib.pyplot as plt\n",
                              "import matplotlib.pyplot as plt\nfrom IPython.display import Markdown, display\n", 1)
        m = re.search(r"^from relu_book\.tables import (.+)$", src, re.M)
        if m and "markdown_table" not in m.group(1):
            names = sorted({*[n.strip() for n in m.group(1).split(",")], "markdown_table"})
            src = src.replace(m.group(0), "from relu_book.tables import " + ", ".join(names))
        elif not m:
            src = src.replace("from relu_book.numerics import numerical_gradient\n",
                              "from relu_book.numerics import numerical_gradient\n"
                              "from relu_book.tables import markdown_table\n", 1)
        assert "markdown_table" in src and "Markdown, display" in src
        first.source = src
        CHANGED[NB].add(first.id)
        nbformat.write(nb, NB)
print(CHANGED)
