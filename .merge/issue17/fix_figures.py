"""Figures: legends off the data (4.3, 4.4, 5.2), the hidden dotted line of 5.2,
and figures 5.3 and 5.5 drawn at the column's width so their ticks stay legible."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbedit import edit

edit("chapters/04_gradient_descent.ipynb", {
    "94f771a9": [('ax.legend(loc="upper right")',
                  'fig.legend(loc="outside upper center", ncols=4)')],
    "795fcaf3": [("ax.legend()\nplt.show()",
                  'fig.legend(loc="outside upper center", ncols=3)\nplt.show()')],
})


def caption_52(meta):
    fig = meta["mystnb"]["figure"]
    old = "(seed 3). With the large rate"
    new = ("(seed 3); circles mark layer 1 and squares layer 2, which at rate 0.05 lie on top of "
           "each other at 0. With the large rate")
    if new not in fig["caption"]:
        assert fig["caption"].count(old) == 1
        fig["caption"] = fig["caption"].replace(old, new)


def caption_53(meta):
    fig = meta["mystnb"]["figure"]
    old = "The middle and right panels also show"
    new = "The bias and depth panels also show"
    if new not in fig["caption"]:
        assert fig["caption"].count(old) == 1
        fig["caption"] = fig["caption"].replace(old, new)


edit("chapters/05_dying_relu.ipynb", {
    "ef3b8599": [
        ('''        ax.plot(epochs, tracks[lr][:, layer], style, color=colour,
                label=f"lr {lr}, layer {layer + 1}")''',
         '''        ax.plot(epochs, tracks[lr][:, layer], style, color=colour,
                marker="os"[layer], ms=4, markevery=(2 * layer, 5),
                label=f"lr {lr}, layer {layer + 1}")'''),
        ('ax.legend(ncol=2, loc="center right", bbox_to_anchor=(1.0, 0.6))',
         'fig.legend(loc="outside upper center", ncols=2)')],
    "3445286d": [
        ("plotting.new_figure(1, 3, sharey=True, figsize=(10, 3.4))",
         "plotting.new_figure(1, 3, sharey=True, figsize=(7, 3.2))"),
        ('axes[0].set(xscale="log", ylabel="dead fraction")\naxes[1].legend()',
         'axes[0].set(xscale="log", ylabel="dead fraction")\n'
         'axes[1].set(xticks=[-2, -1, 0])\naxes[2].set(xticks=[1, 2, 4, 8])\n'
         'fig.legend(*axes[1].get_legend_handles_labels(), loc="outside upper center",\n'
         '           ncols=2)')],
    "f97d1b34": [
        ("plotting.new_figure(1, 2, sharey=True, figsize=(9, 3.6))",
         "plotting.new_figure(1, 2, sharey=True, figsize=(7, 3.8))")],
}, metadata={"ef3b8599": caption_52, "3445286d": caption_53})

edit("chapters/06_variants.ipynb", {
    "744bb06d": [('''    print(f'prelu_mode="{mode}": slopes per layer {sizes},',
          f"largest difference to finite differences {max(errors):.1e}")''',
                  '''    print(f'prelu_mode="{mode}": slopes per layer {sizes};',
          f"error vs finite differences {max(errors):.1e}")''')],
})
