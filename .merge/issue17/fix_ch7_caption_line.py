"""Chapter 7: the caption line of the exact-means table fits 80 columns."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbedit import edit
edit("chapters/07_smooth_relatives.ipynb", {"aca1d9cb": [(
    '    caption=r"The closed forms of $E[f(Z)]$, $Z \\sim N(0, 1)$, that sympy finds.")))',
    '    caption=r"The closed forms of $E[f(Z)]$, $Z \\sim N(0, 1)$, that sympy "\n            r"finds.")))')]})
