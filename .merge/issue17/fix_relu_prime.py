"""Typeset every plain-text relu'(0) in prose (outside maths and code) as $\\relu'(0)$."""
import re, sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import nbformat
from nbedit import CHANGED

PLAIN = re.compile(r"relu'\(0\)((?: = (?:0|1|1/2)(?![\d/]|\.\d))?)")
INLINE = re.compile(r"(`[^`\n]*`|\$[^$\n]+\$)")


def fix_text(text):
    out, in_code, in_math = [], False, False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            if in_code:
                in_code = not stripped == "```" and in_code
                if stripped == "```":
                    in_code = False
            elif not stripped.startswith("```{") and stripped != "```":
                in_code = True
            out.append(line)
            continue
        if in_code:
            out.append(line)
            continue
        if stripped.startswith("$$"):
            in_math = not in_math if stripped.count("$$") == 1 else in_math
            out.append(line)
            continue
        if in_math:
            out.append(line)
            continue
        parts = INLINE.split(line)
        for i in range(0, len(parts), 2):
            parts[i] = PLAIN.sub(lambda m: "$\\relu'(0)" + m.group(1) + "$", parts[i])
        out.append("".join(parts))
    return "\n".join(out)


def fix_notebook(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            new = fix_text(cell.source)
            if new != cell.source:
                cell.source = new
                CHANGED.setdefault(path, set()).add(cell.id)
        fig = cell.metadata.get("mystnb", {}).get("figure", {})
        if "caption" in fig:
            new = fix_text(fig["caption"])
            if new != fig["caption"]:
                fig["caption"] = new
                CHANGED.setdefault(path, set()).add(cell.id)
    nbformat.write(nb, path)


if __name__ == "__main__":
    assert fix_text("a relu'(0) = 0 b `relu'(0)` $\\relu'(0)$ relu'(0) = 1. relu'(0) = 1.5") == \
        "a $\\relu'(0) = 0$ b `relu'(0)` $\\relu'(0)$ $\\relu'(0) = 1$. $\\relu'(0)$ = 1.5"
    for p in sys.argv[1:]:
        fix_notebook(p)
    for p, ids in CHANGED.items():
        print(p, sorted(ids))
