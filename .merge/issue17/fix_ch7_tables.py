import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbedit import edit, source
NB = "chapters/07_smooth_relatives.ipynb"

def myst(meta):
    meta.setdefault("mystnb", {})["markdown_format"] = "myst"

new_8cb = '''table = smooth.activation_table()
shown = [{**row, "range": as_math(row["range"]),
          "smoothness": as_math(row["smoothness"])} for row in table]
columns = ["activation", "range", "monotone", "smoothness", "f'(0)",
           "E[f(Z)]", "how"]
display(Markdown(markdown_table(
    shown, columns, formats={"E[f(Z)]": ".6f"},
    headers={"f'(0)": "$f'(0)$", "E[f(Z)]": "$E[f(Z)]$"},
    caption=r"Every activation of the book: range, monotonicity, smoothness "
            r"class, the derivative the library uses at 0 (kink: $f$ has "
            r"none there) and the mean for $Z \\sim N(0, 1)$, exact (sympy) "
            r"or numerical (quadrature).",
    name="tbl-activations")))'''
new_aca = '''exact = [{"activation": r["activation"],
          "$E[f(Z)]$, exactly": f"${sp.latex(r['exact'])}$"}
         for r in table if r["exact"] is not None]
display(Markdown(markdown_table(
    exact, name="tbl-exact-means",
    caption=r"The closed forms of $E[f(Z)]$, $Z \\sim N(0, 1)$, that sympy "
            r"finds.")))
means = {row["activation"]: row["E[f(Z)]"] for row in table}
print(f"E[relu(Z)] - E[relu6(Z)] = {means['relu'] - means['relu6']:.2e}")'''

old_8cb = source(NB, "8cb8474b")
old_aca = source(NB, "aca1d9cb")
edit(NB, {
    "43aadb75": [("from relu_book.tables import markdown_table, text_table",
                  "from relu_book.tables import as_math, markdown_table, text_table")],
    "8cb8474b": [(old_8cb, new_8cb)],
    "aca1d9cb": [(old_aca, new_aca)],
    "d9f9906b": [("display(Markdown(markdown_table(by_degree, columns, formats=errors)))",
                  '''display(Markdown(markdown_table(
    by_degree, columns, formats=errors, name="tbl-poly-degree",
    caption=r"Errors on $[-1, 1]$ of the three polynomial approximations "
            r"of ReLU, by degree.")))''')],
    "305dae8b": [("display(Markdown(markdown_table(by_interval, columns, formats=formats)))",
                  '''display(Markdown(markdown_table(
    by_interval, columns, formats=formats, name="tbl-poly-interval",
    caption=r"Errors of the degree-16 approximations on $[-a, a]$ for three "
            r"half-widths $a$.")))''')],
}, metadata={c: myst for c in ("8cb8474b", "aca1d9cb", "d9f9906b", "305dae8b")})
