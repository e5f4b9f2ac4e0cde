"""Chapter 4: the interquartile range in the prose follows the re-executed output (as in main)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbedit import edit
edit("chapters/04_gradient_descent.ipynb", {"c0ef09bf": [
    ("between 4.0 and 8.1 times for the middle half", "between 4.0 and 7.3 times for the middle half")]})
