"""Draws the LSTM and GRU cell diagrams of chapter 02 (the source's images are external links).

Run `make figures`; the SVGs go to chapters/images/. Labels are math symbols only, so one
figure serves both languages; captions and alt text live in the notebooks.

Both figures follow Keras 3's cells (keras/src/layers/rnn/lstm.py and gru.py, `call`):

    LSTM  i, f, o = sigma(W x_t + U h_{t-1} + b)     c~_t = tanh(W_c x_t + U_c h_{t-1} + b_c)
          c_t = f_t * c_{t-1} + i_t * c~_t           h_t = o_t * tanh(c_t)
    GRU   z, r = sigma(W x_t + U h_{t-1} + b)        (default reset_after=True)
          h~_t = tanh(W_h x_t + b_h + r_t * (U_h h_{t-1} + b'_h))
          h_t = z_t * h_{t-1} + (1 - z_t) * h~_t

Drawing conventions: a sigma or tanh box fed by the joined [h_{t-1}, x_t] line is a dense layer
on both (its own W, U and b). In the GRU the candidate's two matrices are drawn as separate
boxes (W_h, U_h, biases included) because r_t multiplies only the recurrent one. Circles are
element-wise operations; dots join or split lines; a line that hops over another is not
connected to it. Arrow heads end on the node they feed, or on an output's label.
"""

from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt
from matplotlib.patches import Arc, Circle, FancyBboxPatch

OUT = Path(__file__).resolve().parent.parent / "chapters" / "images"
plt.rcParams.update({"svg.hashsalt": "lstm-gru-book", "font.size": 14, "svg.fonttype": "path"})

INK = "#333333"
BACKGROUND = "#f4f6fb"  # the cell's fill; also used to cut lines where one hops another
PINK, GREEN, BLUE, SAND, GREY = "#f6c9c4", "#c9e3c4", "#c4d3f0", "#efe3c0", "#eeeeee"
R_OP = 0.24  # radius of an element-wise operation circle
HOP = 0.15  # radius of the bridge where a line hops over another
LW = 1.6


class Node:
    """A circle or box; `edge(dx, dy)` is the distance from its centre to its border along an axis."""

    def __init__(self, x, y, hw, hh):
        self.x, self.y, self.hw, self.hh = x, y, hw, hh

    def edge(self, dx, dy):
        return self.hw if dx else self.hh

    def __iter__(self):
        return iter((self.x, self.y))


def _trim(p, q, node):
    """Moves p (a node's centre) towards q until it sits on the node's border."""
    (x0, y0), (x1, y1) = p, q
    assert x0 == x1 or y0 == y1, "wires are axis-aligned"
    dx, dy = (x1 > x0) - (x1 < x0), (y1 > y0) - (y1 < y0)
    d = node.edge(dx, dy)
    return (x0 + dx * d, y0 + dy * d)


def wire(ax, points, src=None, dst=None, head=True, hops=(), zorder=2):
    """An axis-aligned polyline. src/dst: nodes it starts/ends on (trimmed to their border);
    head: arrow head at the end; hops: points where it bridges over another line."""
    pts = [tuple(p) for p in points]
    if src is not None:
        pts[0] = _trim(pts[0], pts[1], src)
    if dst is not None:
        pts[-1] = _trim(pts[-1], pts[-2], dst)
    body = pts[:-1] if head else pts
    for (x0, y0), (x1, y1) in zip(body[:-1], body[1:], strict=True):
        ax.plot([x0, x1], [y0, y1], color=INK, lw=LW, solid_capstyle="round", zorder=zorder)
    if head:
        ax.annotate(
            "",
            xy=pts[-1],
            xytext=pts[-2],
            zorder=zorder,
            arrowprops=dict(
                arrowstyle="-|>,head_length=0.5,head_width=0.25",
                color=INK,
                lw=LW,
                shrinkA=0,
                shrinkB=0,
            ),
        )
    for x, y in hops:  # only horizontal wires hop, over vertical ones
        ax.plot([x - HOP, x + HOP], [y, y], color=BACKGROUND, lw=LW + 3, zorder=zorder + 0.1)
        ax.add_patch(
            Arc(
                (x, y),
                2 * HOP,
                2 * HOP,
                theta1=0,
                theta2=180,
                color=INK,
                lw=LW,
                zorder=zorder + 0.2,
            )
        )


def dot(ax, x, y):
    """Where lines join or split."""
    ax.add_patch(Circle((x, y), 0.06, fc=INK, ec="none", zorder=2.5))


def box(ax, x, y, text, color, hw=0.38, hh=0.28):
    ax.add_patch(
        FancyBboxPatch(
            (x - hw, y - hh),
            2 * hw,
            2 * hh,
            boxstyle="round,pad=0.04",
            fc=color,
            ec=INK,
            lw=1.2,
            zorder=3,
        )
    )
    ax.text(x, y, text, ha="center", va="center", zorder=4)
    return Node(x, y, hw + 0.04, hh + 0.04)


def op(ax, x, y, text):
    ax.add_patch(Circle((x, y), R_OP, fc="white", ec=INK, lw=1.2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", zorder=4)
    return Node(x, y, R_OP, R_OP)


def label(ax, x, y, text, size=16, ha="center", va="center"):
    ax.text(x, y, text, ha=ha, va=va, fontsize=size, zorder=4)


def name(ax, x, y, text, ha="left", va="center"):
    """A signal's name (f_t, r_t, ...) beside the line that carries it."""
    ax.text(x, y, text, ha=ha, va=va, fontsize=14, color="#444444", zorder=4)


def canvas():
    fig, ax = plt.subplots(figsize=(8, 4.9))
    ax.set_xlim(-0.6, 10.6)
    ax.set_ylim(-0.9, 5.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.add_patch(
        FancyBboxPatch(
            (0.6, 0.2),
            8.8,
            4.6,
            boxstyle="round,pad=0.1",
            fc=BACKGROUND,
            ec="#8090b0",
            lw=1.5,
            zorder=0,
        )
    )
    return fig, ax


def lstm():
    fig, ax = canvas()
    top, bus, gy = 4.1, 0.9, 1.9  # cell-state line, joined [h_{t-1}, x_t] line, gate row
    # cell state: c_{t-1} -> x f_t -> + i_t*c~_t -> c_t
    forget = op(ax, 2.2, top, r"$\times$")
    add = op(ax, 4.6, top, r"$+$")
    wire(ax, [(-0.3, top), forget], dst=forget)
    wire(ax, [forget, add], src=forget, dst=add)
    wire(ax, [add, (10.3, top)], src=add, hops=[(8.6, top)])
    label(ax, -0.3, top + 0.45, r"$c_{t-1}$")
    label(ax, 10.2, top + 0.45, r"$c_t$")
    # h_{t-1} and x_t join and feed the four layers
    f = box(ax, 2.2, gy, r"$\sigma$", PINK)
    i = box(ax, 3.4, gy, r"$\sigma$", GREEN)
    c = box(ax, 4.6, gy, r"$\tanh$", GREEN, hw=0.5)
    o = box(ax, 6.0, gy, r"$\sigma$", BLUE)
    wire(ax, [(-0.3, bus), (o.x, bus), o], dst=o)
    label(ax, -0.3, bus + 0.42, r"$h_{t-1}$")
    wire(ax, [(1.3, -0.7), (1.3, bus)], head=False)
    dot(ax, 1.3, bus)
    label(ax, 1.3, -0.75, r"$x_t$", va="top")
    for g in (f, i, c):
        wire(ax, [(g.x, bus), g], dst=g)
        dot(ax, g.x, bus)
    # f_t scales c_{t-1}; i_t scales the candidate c~_t, which is added
    wire(ax, [f, forget], src=f, dst=forget)
    name(ax, f.x + 0.12, 3.15, r"$f_t$")
    scale = op(ax, 4.6, 3.05, r"$\times$")
    wire(ax, [i, (i.x, scale.y), scale], src=i, dst=scale)
    name(ax, (i.x + scale.x - R_OP) / 2, scale.y + 0.08, r"$i_t$", ha="center", va="bottom")
    wire(ax, [c, scale], src=c, dst=scale)
    name(ax, c.x + 0.12, 2.45, r"$\tilde{c}_t$")
    wire(ax, [scale, add], src=scale, dst=add)
    # h_t = o_t * tanh(c_t)
    squash = box(ax, 7.4, 3.05, r"$\tanh$", SAND, hw=0.5)
    wire(ax, [(squash.x, top), squash], dst=squash)
    dot(ax, squash.x, top)
    out = op(ax, 7.4, gy, r"$\times$")
    wire(ax, [squash, out], src=squash, dst=out)
    wire(ax, [o, out], src=o, dst=out)
    name(ax, (o.x + o.hw + out.x - R_OP) / 2, gy + 0.08, r"$o_t$", ha="center", va="bottom")
    wire(ax, [out, (8.6, gy), (8.6, bus), (10.3, bus)], src=out)
    wire(ax, [(8.6, gy), (8.6, 5.35)], zorder=2.2)
    dot(ax, 8.6, gy)
    label(ax, 10.2, bus + 0.42, r"$h_t$")
    label(ax, 8.95, 5.3, r"$h_t$")
    return fig


def gru():
    fig, ax = canvas()
    top, bus, gy, xin = 4.1, 0.9, 1.9, 0.4  # state line, joined [h, x] line, gate row, x_t only
    # state line: h_{t-1} -> x z_t -> + (1-z_t)*h~_t -> h_t   (Keras: h_t = z*h_{t-1} + (1-z)*h~_t)
    keep = op(ax, 6.4, top, r"$\times$")
    add = op(ax, 8.2, top, r"$+$")
    wire(ax, [(-0.3, top), keep], dst=keep)
    wire(ax, [keep, add], src=keep, dst=add)
    wire(ax, [add, (10.3, top)], src=add)
    label(ax, -0.3, top + 0.45, r"$h_{t-1}$")
    label(ax, 10.2, top + 0.45, r"$h_t$")
    wire(ax, [(8.9, top), (8.9, 5.35)])
    dot(ax, 8.9, top)
    label(ax, 9.25, 5.3, r"$h_t$")
    # the gates see h_{t-1} and x_t joined
    z = box(ax, 2.2, gy, r"$\sigma$", BLUE)
    r = box(ax, 3.4, gy, r"$\sigma$", PINK)
    wire(ax, [(1.0, top), (1.0, bus), (r.x, bus), r], dst=r)
    dot(ax, 1.0, top)
    wire(ax, [(z.x, bus), z], dst=z)
    dot(ax, z.x, bus)
    wire(ax, [(1.6, -0.7), (1.6, bus)], head=False)
    dot(ax, 1.6, bus)
    label(ax, 1.6, -0.75, r"$x_t$", va="top")
    # candidate: tanh(W_h x_t + b_h + r_t * (U_h h_{t-1} + b'_h)); only the recurrent part passes r_t
    u = box(ax, 4.75, 3.0, r"$U_h$", GREY, hh=0.22)
    wire(ax, [(u.x, top), u], dst=u, zorder=2.2)
    dot(ax, u.x, top)
    reset = op(ax, 4.75, gy, r"$\times$")
    wire(ax, [u, reset], src=u, dst=reset)
    wire(ax, [r, reset], src=r, dst=reset)
    name(ax, (r.x + r.hw + reset.x - R_OP) / 2, gy + 0.08, r"$r_t$", ha="center", va="bottom")
    mix = op(ax, 5.9, gy, r"$+$")
    wire(ax, [reset, mix], src=reset, dst=mix)
    w = box(ax, 5.9, 1.05, r"$W_h$", GREY, hh=0.22)
    wire(ax, [(1.6, xin), (w.x, xin), w], dst=w)
    dot(ax, 1.6, xin)
    wire(ax, [w, mix], src=w, dst=mix)
    cand = box(ax, 7.05, gy, r"$\tanh$", GREEN, hw=0.5)
    wire(ax, [mix, cand], src=mix, dst=cand)
    # update gate: z_t keeps the old state, 1 - z_t lets the candidate in
    wire(ax, [z, (z.x, 3.55), (keep.x, 3.55), keep], src=z, dst=keep, hops=[(u.x, 3.55)])
    name(ax, z.x - 0.12, 3.0, r"$z_t$", ha="right")
    flip = box(ax, 7.2, 3.0, r"$1-$", GREY, hw=0.34, hh=0.22)
    wire(ax, [(keep.x, 3.55), (keep.x, flip.y), flip], dst=flip)
    dot(ax, keep.x, 3.55)
    let_in = op(ax, 8.2, 3.0, r"$\times$")
    wire(ax, [flip, let_in], src=flip, dst=let_in)
    wire(ax, [cand, (let_in.x, gy), let_in], src=cand, dst=let_in)
    name(ax, let_in.x + 0.12, 2.2, r"$\tilde{h}_t$")
    wire(ax, [let_in, add], src=let_in, dst=add)
    return fig


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name_, draw in [("lstm_cell", lstm), ("gru_cell", gru)]:
        fig = draw()
        fig.savefig(OUT / f"{name_}.svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        print("wrote", (OUT / f"{name_}.svg").relative_to(OUT.parent.parent))
