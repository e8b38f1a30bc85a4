"""Draws the LSTM and GRU cell diagrams of chapter 02 (the source's images are external links).

Run `make figures`; the SVGs go to chapters/images/. Labels are math symbols only, so one
figure serves both languages; captions and alt text live in the notebooks.
"""
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch, Circle

OUT = Path(__file__).resolve().parent.parent / "chapters" / "images"
plt.rcParams.update({"svg.hashsalt": "lstm-gru-book", "font.size": 13, "svg.fonttype": "path"})


def arrow(ax, points, color="#333333"):
    """A polyline ending in an arrow head."""
    for (x0, y0), (x1, y1) in zip(points[:-2], points[1:-1]):
        ax.plot([x0, x1], [y0, y1], color=color, lw=1.6, solid_capstyle="round")
    ax.annotate("", xy=points[-1], xytext=points[-2],
                arrowprops=dict(arrowstyle="-|>", color=color, lw=1.6, shrinkA=0, shrinkB=0))


def gate(ax, x, y, text, color):
    ax.add_patch(FancyBboxPatch((x - 0.38, y - 0.28), 0.76, 0.56, boxstyle="round,pad=0.04",
                                fc=color, ec="#333333", lw=1.2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", zorder=4)


def op(ax, x, y, text):
    ax.add_patch(Circle((x, y), 0.24, fc="white", ec="#333333", lw=1.2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", zorder=4)


def label(ax, x, y, text, va="center"):
    ax.text(x, y, text, ha="center", va=va, fontsize=15)


def canvas():
    fig, ax = plt.subplots(figsize=(8, 4.6))
    ax.set_xlim(-0.6, 10.6)
    ax.set_ylim(-0.9, 5.4)
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((0.6, 0.2), 8.8, 4.4, boxstyle="round,pad=0.1",
                                fc="#f4f6fb", ec="#8090b0", lw=1.5, zorder=0))
    return fig, ax


def lstm():
    fig, ax = canvas()
    top, bus = 3.9, 0.9            # cell-state line and the [h, x] bus
    # cell state: c_{t-1} -> x(forget) -> +(input) -> c_t
    arrow(ax, [(-0.3, top), (2.0 - 0.24, top)])
    arrow(ax, [(2.0 + 0.24, top), (4.4 - 0.24, top)])
    arrow(ax, [(4.4 + 0.24, top), (10.3, top)])
    op(ax, 2.0, top, r"$\times$")
    op(ax, 4.4, top, r"$+$")
    label(ax, -0.3, top + 0.45, r"$c_{t-1}$")
    label(ax, 10.2, top + 0.45, r"$c_t$")
    # hidden state and input join on the bus
    arrow(ax, [(-0.3, bus), (0.8, bus), (7.0, bus)])
    label(ax, -0.3, bus + 0.4, r"$h_{t-1}$")
    arrow(ax, [(1.3, -0.7), (1.3, bus)])
    label(ax, 1.3, -0.75, r"$x_t$", va="top")
    # gates
    gates = [(2.0, r"$\sigma$", "#f6c9c4", "f_t"), (3.3, r"$\sigma$", "#c9e3c4", "i_t"),
             (4.4, r"$\tanh$", "#c9e3c4", r"\tilde{c}_t"), (6.0, r"$\sigma$", "#c4d3f0", "o_t")]
    for x, text, color, name in gates:
        arrow(ax, [(x, bus), (x, 1.9 - 0.32)])
        gate(ax, x, 1.9, text, color)
        ax.text(x + 0.45, 2.45, f"${name}$", fontsize=12, color="#444444")
    arrow(ax, [(2.0, 2.22), (2.0, top - 0.24)])                       # f_t -> forget
    op(ax, 4.0, 2.9, r"$\times$")                                    # i_t * c~_t
    arrow(ax, [(3.3, 2.22), (3.3, 2.9), (4.0 - 0.24, 2.9)])
    arrow(ax, [(4.4, 2.22), (4.4, 2.55), (4.0 + 0.18, 2.9 - 0.18)])
    arrow(ax, [(4.0, 2.9 + 0.24), (4.0, 3.3), (4.4, 3.3), (4.4, top - 0.24)])
    # output: h_t = o_t * tanh(c_t)
    arrow(ax, [(7.4, top), (7.4, 3.15 + 0.28)])
    gate(ax, 7.4, 3.15, r"$\tanh$", "#efe3c0")
    op(ax, 7.4, 1.9, r"$\times$")
    arrow(ax, [(7.4, 3.15 - 0.32), (7.4, 1.9 + 0.24)])
    arrow(ax, [(6.0, 2.22), (6.0, 2.45), (6.9, 2.45), (6.9, 1.9), (7.4 - 0.24, 1.9)])
    arrow(ax, [(7.4 + 0.24, 1.9), (8.6, 1.9), (8.6, 0.9), (10.3, 0.9)])
    arrow(ax, [(8.6, 1.9), (8.6, 5.2)])
    label(ax, 10.2, 1.35, r"$h_t$")
    label(ax, 8.95, 5.1, r"$h_t$")
    return fig


def gru():
    fig, ax = canvas()
    top, bus = 3.9, 0.9
    # hidden state line: h_{t-1} -> x(z) -> + -> h_t   (Keras: h_t = z*h_{t-1} + (1-z)*h~_t)
    arrow(ax, [(-0.3, top), (4.4 - 0.24, top)])
    op(ax, 4.4, top, r"$\times$")
    arrow(ax, [(4.4 + 0.24, top), (7.6 - 0.24, top)])
    op(ax, 7.6, top, r"$+$")
    arrow(ax, [(7.6 + 0.24, top), (10.3, top)])
    label(ax, -0.3, top + 0.45, r"$h_{t-1}$")
    label(ax, 10.2, top + 0.45, r"$h_t$")
    arrow(ax, [(8.8, top), (8.8, 5.2)])
    label(ax, 9.15, 5.1, r"$h_t$")
    # h_{t-1} and x_t feed the gates and the candidate
    arrow(ax, [(0.3, top), (0.3, bus), (7.6, bus), (7.6, 1.9 - 0.32)])
    arrow(ax, [(1.3, -0.7), (1.3, bus)])
    label(ax, 1.3, -0.75, r"$x_t$", va="top")
    for x, color, name in [(2.0, "#c4d3f0", "z_t"), (3.3, "#f6c9c4", "r_t")]:
        arrow(ax, [(x, bus), (x, 1.9 - 0.32)])
        gate(ax, x, 1.9, r"$\sigma$", color)
        ax.text(x + 0.45, 2.45, f"${name}$", fontsize=12, color="#444444")
    # update gate z: keeps z of the old state, lets 1 - z of the candidate in
    arrow(ax, [(2.0, 2.22), (2.0, 3.3), (4.4, 3.3), (4.4, top - 0.24)])
    arrow(ax, [(4.4, 3.3), (5.8, 3.3), (5.8, 3.0), (6.5 - 0.38, 3.0)])
    gate(ax, 6.5, 3.0, r"$1-$", "#eeeeee")
    op(ax, 7.6, 3.0, r"$\times$")
    arrow(ax, [(6.5 + 0.38, 3.0), (7.6 - 0.24, 3.0)])
    arrow(ax, [(7.6, 3.0 + 0.24), (7.6, top - 0.24)])
    # reset gate r scales the recurrent part of the candidate
    op(ax, 5.6, 1.9, r"$\times$")
    arrow(ax, [(3.3, 2.22), (3.3, 2.6), (5.0, 2.6), (5.0, 1.9), (5.6 - 0.24, 1.9)])
    arrow(ax, [(5.6, bus), (5.6, 1.9 - 0.24)])
    arrow(ax, [(5.6 + 0.24, 1.9), (7.6 - 0.38, 1.9)])
    gate(ax, 7.6, 1.9, r"$\tanh$", "#c9e3c4")
    ax.text(8.05, 1.35, r"$\tilde{h}_t$", fontsize=12, color="#444444")
    arrow(ax, [(7.6, 1.9 + 0.32), (7.6, 3.0 - 0.24)])
    return fig


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in [("lstm_cell", lstm), ("gru_cell", gru)]:
        fig = draw()
        fig.savefig(OUT / f"{name}.svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        print("wrote", (OUT / f"{name}.svg").relative_to(OUT.parent.parent))
