"""The PDF edition: LaTeX macros shared with MathJax, and the PDF inside the site.

* The book's TeX macros (``\\relu``, ``\\sign``, ``\\R``) are defined once, in
  ``mathjax3_config`` in ``_config.yml``. On ``config-inited`` this extension
  writes the same definitions into the LaTeX preamble, so both editions typeset
  the same source.
* When the HTML builder finishes, the PDF built by ``make pdf``
  (``_build/latex/gradient-of-relu.pdf``) is copied into the site, next to
  ``intro.html``, so that the site's link to it works offline. A site built
  before the PDF has no copy; ``make pdf`` copies it there too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

PDF_NAME = "gradient-of-relu.pdf"


def latex_macros(macros: dict) -> str:
    r"""LaTeX definitions of MathJax 3 macros (``{name: body}`` or ``{name: [body, nargs]}``).

    >>> print(latex_macros({"relu": r"\operatorname{relu}", "R": r"\mathbb{R}", "pair": [r"(#1, #2)", 2]}))
    \DeclareMathOperator{\relu}{relu}
    \newcommand{\R}{\mathbb{R}}
    \newcommand{\pair}[2]{(#1, #2)}
    """
    lines = []
    for name, body in macros.items():
        nargs = 0
        if isinstance(body, (list, tuple)):
            body, nargs = body[0], int(body[1])
        operator = body.removeprefix(r"\operatorname{").removesuffix("}")
        if nargs == 0 and body.startswith(r"\operatorname{") and "{" not in operator:
            lines.append(rf"\DeclareMathOperator{{\{name}}}{{{operator}}}")
        elif nargs:
            lines.append(rf"\newcommand{{\{name}}}[{nargs}]{{{body}}}")
        else:
            lines.append(rf"\newcommand{{\{name}}}{{{body}}}")
    return "\n".join(lines)


def _add_macros(app: Sphinx, config: Config) -> None:
    macros = (config.mathjax3_config or {}).get("tex", {}).get("macros", {})
    elements = dict(config.latex_elements or {})
    preamble = elements.get("preamble", "")
    elements["preamble"] = preamble + "\n% The book's macros (from mathjax3_config)\n" + latex_macros(macros) + "\n"
    config.latex_elements = elements


def _copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    pdf = Path(app.outdir).parent / "latex" / PDF_NAME
    if pdf.is_file():
        shutil.copy2(pdf, Path(app.outdir) / PDF_NAME)
    else:
        logger.info(f"pdf_edition: no {pdf}; run `make pdf` to put the PDF edition in the site")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _add_macros, priority=400)
    app.connect("build-finished", _copy_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
