"""Solution 2.6: the code was a static block (no output, a 91-character line cut off).
It becomes an executed code cell inside the gated solution, with its output, and
the sentence after it a markdown cell of its own. Imports go to the first cell."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import nbformat
from nbedit import CHANGED

NB = "chapters/02_derivative.ipynb"
nb = nbformat.read(NB, as_version=4)
ids = [c.id for c in nb.cells]
if "sol-ch2-6-code" not in ids:
    i = ids.index("0585f127")
    cell = nb.cells[i]
    start = "```{solution-start} ex-ch2-6\n:class: dropdown\n```"
    assert cell.source.startswith(start), cell.source[:80]
    prose = cell.source[cell.source.rindex("```") + 3:].strip()
    assert prose.startswith("On this grid the best step"), prose[:60]
    cell.source = start
    code = nbformat.v4.new_code_cell(
        "hs = np.logspace(-0.5, -6, 23)\n"
        "best = []\n"
        "for seed in range(5):\n"
        "    pts = np.random.default_rng(seed).uniform(-2, 2, 101)\n"
        "    pts32 = pts.astype(np.float32)\n"
        "    err = [np.median(np.abs(numerics.finite_difference(gelu, pts32, h=s)\n"
        "                            - gelu_grad(pts))) for s in hs]\n"
        "    best.append(hs[np.argmin(err)])\n"
        "print(f\"best step: median {np.median(best):.2e},\",\n"
        "      f\"min {min(best):.2e}, max {max(best):.2e}\")\n"
        "print(f\"eps^(1/3) in float32: {np.cbrt(np.finfo(np.float32).eps):.2e}\")")
    code.id = "sol-ch2-6-code"
    text = nbformat.v4.new_markdown_cell(prose)
    text.id = "sol-ch2-6-text"
    nb.cells[i + 1:i + 1] = [code, text]
    first = next(c for c in nb.cells if c.cell_type == "code")
    one_line = "from relu_book import relu, relu_grad, softplus, softplus_grad\n"
    if one_line in first.source:
        first.source = first.source.replace(
            one_line, "from relu_book import gelu, gelu_grad, relu, relu_grad, softplus, softplus_grad\n")
    else:  # the parenthesised form, one name a line
        block = "from relu_book import (\n"
        assert block in first.source and "    relu,\n" in first.source, first.source[:300]
        names = first.source[first.source.index(block) + len(block):].split(")")[0].split()
        after = next(n for n in names if n.rstrip(",") > "gelu_grad")  # keep the names sorted
        first.source = first.source.replace(f"    {after}\n", f"    gelu,\n    gelu_grad,\n    {after}\n", 1)
    CHANGED.setdefault(NB, set()).update({"0585f127", "sol-ch2-6-code", "sol-ch2-6-text", first.id})
    nbformat.write(nb, NB)
print(CHANGED)
