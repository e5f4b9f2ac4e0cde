"""Chapter 3: no citation inside a table caption (LaTeX cannot set a link in a caption)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbedit import edit
edit("chapters/03_nondifferentiability.ipynb", {"49b07b62": [(
    "by precision: as reported by {cite:t}`bertoin2021numerical` and as measured in this chapter.",
    "by precision: as the paper reports it and as this chapter measures it.")]})
