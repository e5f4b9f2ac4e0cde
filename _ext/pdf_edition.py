"""The PDF edition: LaTeX macros shared with MathJax, and the PDF inside the site.

* The book's TeX macros (``\\relu``, ``\\sign``, ``\\R``) are defined once, in
  ``mathjax3_config`` in ``_config.yml``. On ``config-inited`` this extension
  writes the same definitions into the LaTeX preamble, so both editions typeset
  the same source.
* Proofs are typeset as LaTeX proofs (amsthm's ``proof`` environment, which
  ends with a square), not as sphinx-proof's untitled admonition box: its LaTeX
  writer opens ``sphinxadmonition`` without a title argument, so LaTeX takes the
  first token of the proof as the title and draws an empty title bar.
* The solutions of each chapter are moved out of the exercises into a
  "Solutions" section at the end of the chapter, so a printed exercise is not
  followed by its answer. (On the site they are hidden in dropdowns.)
* Theorems, exercises and solutions are numbered per chapter (``Exercise 2.3``),
  as on the site and as the text refers to them; sphinx-jupyterbook-latex would
  number them per section (``Exercise 2.8.3``).
* When the HTML builder finishes, the PDF built by ``make pdf``
  (``_build/latex/gradient-of-relu.pdf``) is copied into the site, next to
  ``intro.html``, so that the site's link to it works offline. A site built
  before the PDF has no copy; ``make pdf`` copies it there too. The student
  edition (``RELU_BOOK_EDITION=student``) gets the tag ``student_edition``,
  and ``intro.md`` shows the link only without it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
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


class LatexProofs(SphinxPostTransform):
    """Turn each sphinx-proof ``proof`` into a container that LaTeX typesets as a proof.

    The container has the class ``proof``; the preamble maps Sphinx's
    ``sphinxclassproof`` environment to amsthm's ``proof``, which prints
    "Proof." itself, so the "Proof. " that sphinx-proof prepends is removed.
    """

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx_proof.nodes import proof_node

        for node in list(self.document.findall(proof_node)):
            box = node.next_node(nodes.admonition)
            body = box.children if box is not None else node.children
            container = nodes.container(classes=["proof"])
            container.extend(child.deepcopy() for child in body)
            first = container.next_node(nodes.Text)
            if first is not None and first.astext().startswith("Proof. "):
                first.parent.replace(first, nodes.Text(first.astext()[len("Proof. "):]))
            node.replace_self(container)


class LatexSolutionsAtChapterEnd(SphinxPostTransform):
    """Move every solution of a chapter into a "Solutions" section at its end.

    The tree is walked from each file down (not up through ``node.parent``:
    the transforms of sphinx-exercise and sphinx-jupyterbook-latex move nodes
    without updating their parents).
    """

    default_priority = 810
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx_exercise.nodes import solution_node

        def take_solutions(node, found):
            for child in list(node.children):
                if isinstance(child, solution_node):
                    node.children.remove(child)
                    found.append(child)
                elif isinstance(child, nodes.Element) and not isinstance(child, addnodes.start_of_file):
                    take_solutions(child, found)
            return found

        for start in list(self.document.findall(addnodes.start_of_file)):
            chapter = next((c for c in start.children if isinstance(c, nodes.section)), None)
            if chapter is None:
                continue
            solutions = take_solutions(chapter, [])
            if not solutions:
                continue
            section = nodes.section(ids=[f"solutions-{start['docname'].replace('/', '-')}"], classes=["solutions"])
            section += nodes.title("", "Solutions")
            section.extend(solutions)
            chapter += section


def _number_per_chapter(app: Sphinx) -> None:
    """Let Sphinx number theorems and exercises per chapter while it collects them.

    ``numfig_secnum_depth`` means two things. While the environment is
    collected, Sphinx numbers figures, sphinx-proof's theorems and
    sphinx-exercise's exercises by it, counting sections from the chapter (the
    toc's parts are captions, not sections): 1 gives "Exercise 2.3" as on the
    site. The LaTeX writer then counts from LaTeX's top level, here the part,
    so it needs 2 for LaTeX's own figure and equation numbers to restart with
    each chapter ("Fig. 2.1"), which is what sphinx-jupyterbook-latex sets.
    """
    if app.builder.format == "latex":
        app.relu_book_latex_secnum_depth = app.config.numfig_secnum_depth
        app.config.numfig_secnum_depth = 1


def _restore_latex_depth(app: Sphinx, env) -> list[str]:
    # after Sphinx's toctree collector (priority 500) has numbered everything
    depth = getattr(app, "relu_book_latex_secnum_depth", None)
    if app.builder.format == "latex" and depth is not None:
        app.config.numfig_secnum_depth = depth
    return []


def _copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    pdf = Path(app.outdir).parent / "latex" / PDF_NAME
    if pdf.is_file():
        shutil.copy2(pdf, Path(app.outdir) / PDF_NAME)
    else:
        logger.info(f"pdf_edition: no {pdf}; run `make pdf` to put the PDF edition in the site")


def setup(app: Sphinx) -> dict:
    # The student edition has no copy of the PDF (which holds the solutions),
    # so intro.md shows the link only without this tag.
    if os.environ.get("RELU_BOOK_EDITION") == "student":
        app.tags.add("student_edition")
    app.connect("config-inited", _add_macros, priority=400)
    app.connect("builder-inited", _number_per_chapter, priority=600)
    app.connect("env-get-updated", _restore_latex_depth, priority=900)
    app.add_post_transform(LatexProofs)
    app.add_post_transform(LatexSolutionsAtChapterEnd)
    app.connect("build-finished", _copy_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
