"""Display equations wider than the article column, split into aligned lines.

Equations are found by their label (or, for the unlabelled one in a proof, by
their first line), so small changes of notation elsewhere in them (e.g. \\circ
or \\odot) do not stop the edit."""
import re, sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import nbformat
from nbedit import CHANGED


def _cell(nb, cid):
    return next(c for c in nb.cells if c.id == cid)


def _amp(part):
    """Put the alignment point before the first relation (=, \\le, \\approx) of a part."""
    m = re.search(r"(?<![<>!\\])=|\\le\b|\\approx\b", part)
    assert m, part
    return part[:m.start()] + "&" + part[m.start():]


def split_equation(path, cid, find, lines_of_parts):
    """Rewrite the $$...$$ block containing `find` as an aligned environment.

    The block's body is split at top-level \\qquad; lines_of_parts lists, per
    output line, the indices of the parts it joins (with \\qquad)."""
    nb = nbformat.read(path, as_version=4)
    cell = _cell(nb, cid)
    src = cell.source
    start = src.index(find)  # the label follows the closing $$
    close = src.rindex("$$", 0, start)
    open_ = src.rindex("$$", 0, close)
    body = src[open_ + 2:close].strip("\n")
    if body.lstrip().startswith("\\begin{aligned}"):
        return  # already split
    parts = [p.strip() for p in re.split(r"\\qquad(?![a-zA-Z])", body)]
    out = []
    for i, idx in enumerate(lines_of_parts):
        line = " \\qquad ".join(_amp(parts[j]) if k == 0 else parts[j] for k, j in enumerate(idx))
        out.append(line + (r" \\" if i < len(lines_of_parts) - 1 else ""))
    new_body = "\\begin{aligned}\n" + "\n".join(out) + "\n\\end{aligned}"
    cell.source = src[:open_ + 2] + "\n" + new_body + "\n" + src[close:]
    CHANGED.setdefault(path, set()).add(cid)
    nbformat.write(nb, path)


def replace_block(path, cid, old, new):
    nb = nbformat.read(path, as_version=4)
    cell = _cell(nb, cid)
    if new in cell.source:
        return
    assert cell.source.count(old) == 1, f"{path} {cid}: {old[:60]!r}"
    cell.source = cell.source.replace(old, new)
    CHANGED.setdefault(path, set()).add(cid)
    nbformat.write(nb, path)


# Chapter 3, proof of the subgradient-descent theorem (236 px too wide).
replace_block("chapters/03_nondifferentiability.ipynb", "259cbd12",
r"""\lVert w_{i+1} - w^\star \rVert^2
= \lVert w_i - w^\star \rVert^2 - 2 t_i\, g_i^\top (w_i - w^\star) + t_i^2 \lVert g_i \rVert^2
\le \lVert w_i - w^\star \rVert^2 - 2 t_i \big(f(w_i) - f(w^\star)\big) + t_i^2 G^2 .""",
r"""\begin{aligned}
\lVert w_{i+1} - w^\star \rVert^2
&= \lVert w_i - w^\star \rVert^2 - 2 t_i\, g_i^\top (w_i - w^\star) + t_i^2 \lVert g_i \rVert^2 \\
&\le \lVert w_i - w^\star \rVert^2 - 2 t_i \big(f(w_i) - f(w^\star)\big) + t_i^2 G^2 .
\end{aligned}""")

# Chapter 4: (4.1) by 129 px, (4.2) by 4 px, (4.3) by 68 px.
replace_block("chapters/04_gradient_descent.ipynb", "adcf70c5",
r"""Z_\ell = H_{\ell-1} W_\ell + \mathbf 1 b_\ell^\top, \qquad H_\ell = f(Z_\ell)
\quad (\ell = 1, \dots, L - 1), \qquad H_0 = X, \qquad \hat Y = Z_L .""",
r"""\begin{aligned}
Z_\ell &= H_{\ell-1} W_\ell + \mathbf 1 b_\ell^\top, \qquad H_\ell = f(Z_\ell)
\qquad (\ell = 1, \dots, L - 1), \\
H_0 &= X, \qquad \hat Y = Z_L .
\end{aligned}""")
split_equation("chapters/04_gradient_descent.ipynb", "adcf70c5", "(eq-mlp-backward)", [(0, 1), (2,)])
split_equation("chapters/04_gradient_descent.ipynb", "bee196f7", "(eq-jacobian-chain)", [(0,), (1,)])

# Chapter 7: GELU (7.6) by 112 px.
replace_block("chapters/07_smooth_relatives.ipynb", "f295ceef",
r"""\operatorname{gelu}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt 2}\right)
\approx \frac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,\bigl(x + 0.044715\,x^3\bigr)\right)\right).""",
r"""\begin{aligned}
\operatorname{gelu}(x) &= x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt 2}\right) \\
&\approx \frac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,\bigl(x + 0.044715\,x^3\bigr)\right)\right).
\end{aligned}""")
print(CHANGED)
