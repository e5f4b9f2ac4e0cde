import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbedit import edit
NB = "chapters/07_smooth_relatives.ipynb"
edit(NB, {"8292bcb1": [(
"""- $\\operatorname{softplus}_\\beta' = \\sigma(\\beta\\,\\cdot)$, and $0 < \\operatorname{softplus}_\\beta
  - \\relu \\le \\log 2/\\beta$ with equality at 0 ({prf:ref}`thm-softplus-uniform`): uniform
  convergence to ReLU. PyTorch switches to $x$ above $\\beta x = t$, which makes a downward jump
  of $\\frac1\\beta\\log(1 + e^{-t})$ {eq}`eq-softplus-jump`: negligible at $t = 20$, large for small $t$.
""",
"""- $\\operatorname{softplus}_\\beta' = \\sigma(\\beta\\,\\cdot)$, and
  $0 < \\operatorname{softplus}_\\beta - \\relu \\le \\log 2/\\beta$ with equality at 0
  ({prf:ref}`thm-softplus-uniform`): uniform convergence to ReLU. PyTorch switches to $x$ above
  $\\beta x = t$, which makes a downward jump of $\\frac1\\beta\\log(1 + e^{-t})$
  {eq}`eq-softplus-jump`: negligible at $t = 20$, large for small $t$.
""")]})
