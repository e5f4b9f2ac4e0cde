"""Chapter 3: the software table, too wide at 1280 px, becomes two captioned tables;
the comparison with Bertoin et al. gets a caption."""
import re, sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbedit import edit, source
NB = "chapters/03_nondifferentiability.ipynb"

from nbedit import SKIPPED
src = source(NB, "653e3c20")
HEADER = "| Tool and expression | At 0 | Where the rule is written | Reproduced here by |"
if "tbl-value-at-zero" in src:
    raise SystemExit(0)  # already applied
if HEADER not in src:
    SKIPPED.append(f"{NB} 653e3c20: the software table is not the one this script splits")
    raise SystemExit(0)
start = src.index("| Tool and expression | At 0 | Where the rule is written | Reproduced here by |")
end = src.index("\n\n", start)
table = src[start:end]
rows = []
for line in table.splitlines()[2:]:
    # split on | not escaped and not inside backticks
    cells, cur, tick = [], "", False
    for ch in line.strip()[1:-1]:
        if ch == "`":
            tick = not tick
        if ch == "|" and not tick:
            cells.append(cur.strip()); cur = ""
        else:
            cur += ch
    cells.append(cur.strip())
    assert len(cells) == 4, cells
    rows.append(cells)

value = ["| Tool and expression | At 0 | Reproduced here by |", "|---|---|---|"]
value += [f"| {t} | {v} | {r} |" for t, v, w, r in rows]
where = ["| Tool and expression | Where the rule is written |", "|---|---|"]
where += [f"| {t} | {w} |" for t, v, w, r in rows]
new = (":::{table} What each tool returns at 0 for the derivative of relu and of two of its relatives, "
       "and the function of `relu_book` that reproduces it.\n:name: tbl-value-at-zero\n\n"
       + "\n".join(value) + "\n:::\n\n"
       ":::{table} Where the rule of each tool in {numref}`tbl-value-at-zero` is written.\n"
       ":name: tbl-where-written\n\n" + "\n".join(where) + "\n:::")

intro_old = ("Every tool must return *some* number at 0. The table lists what each returns for relu and two\n"
             "of its relatives, with the place in the tool's source code or documentation where the rule is\n"
             "written.")
intro_new = ("Every tool must return *some* number at 0. {numref}`tbl-value-at-zero` lists what each returns\n"
             "for relu and two of its relatives, and {numref}`tbl-where-written` the place in the tool's\n"
             "source code or documentation where the rule is written.")
edit(NB, {"653e3c20": [(table, new), (intro_old, intro_new)]})

src = source(NB, "49b07b62")
if "tbl-bertoin" in src:
    raise SystemExit(0)  # already applied
if "| | {cite:t}`bertoin2021numerical` | this chapter |" not in src:
    SKIPPED.append(f"{NB} 49b07b62: the comparison table has changed; caption it by hand")
    raise SystemExit(0)
old_b = src[src.index("| | {cite:t}`bertoin2021numerical` | this chapter |"):]
old_b = old_b[:old_b.index("\n\n")]
new_b = (":::{table} The effect of the value of $\\relu'(0)$ on backpropagation, by precision: "
         "as the paper reports it and as this chapter measures it.\n"
         ":name: tbl-bertoin\n\n" + old_b + "\n:::")
edit(NB, {"49b07b62": [(old_b, new_b)]})
