"""Figure 5.3: one legend entry per line style (the three panels repeat them)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbedit import edit
edit("chapters/05_dying_relu.ipynb", {"3445286d": [(
    'axes[2].set(xticks=[1, 2, 4, 8])\nfig.legend(loc="outside upper center", ncols=2)',
    'axes[2].set(xticks=[1, 2, 4, 8])\nfig.legend(*axes[1].get_legend_handles_labels(), loc="outside upper center",\n           ncols=2)')]})
