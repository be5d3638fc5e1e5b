"""Compute-optimal scaling from the Chinchilla parametric loss: iso-FLOP curves and the optimal model size."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure, width

# L(N, D) = E + A / N^alpha + B / D^beta; Hoffmann et al. (2022) and the refit of Besiroglu et al. (2024)
HOFFMANN = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
REFIT = dict(E=1.82, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)
BUDGETS = (1e19, 1e21, 1e23, 1e25)  # training FLOPs, C = 6 N D
KAPLAN_SLOPE = 0.73
ANCHOR = 1e21

CAPTION = r"""Left: loss $E+A/N^{\alpha}+B/D^{\beta}$ with the refitted Chinchilla constants along iso-FLOP curves $6ND=C$, for $C=10^{19}$ to $10^{25}$, with each optimum marked. Right: optimal parameter count against $C$ for the refit (slope 0.51), the published fit (slope 0.45) and Kaplan's exponent 0.73 drawn through the refit's optimum at $10^{21}$ FLOPs."""


def loss(n, d, p=REFIT):
    return p["E"] + p["A"] / np.asarray(n) ** p["alpha"] + p["B"] / np.asarray(d) ** p["beta"]


def optimal_n(c, p=REFIT):
    """Minimiser of L(N, C/(6N)) over N: G (C/6)^(beta/(alpha+beta))."""
    a, b = p["alpha"], p["beta"]
    g = (a * p["A"] / (b * p["B"])) ** (1 / (a + b))
    return g * (np.asarray(c) / 6.0) ** (b / (a + b))


def slope(p) -> float:
    return p["beta"] / (p["alpha"] + p["beta"])


def figure():
    # on a 6in screen no corner of either panel is free for a legend: they go under the panels, which
    # are taller to make up for the room the legends take
    narrow = width() < 4
    fig, (left, right) = new_figure(panels=2, aspect=1.15 if narrow else 0.9)
    for i, c in enumerate(BUDGETS):
        n = np.geomspace(optimal_n(c) / 30, optimal_n(c) * 30, 200)
        left.semilogx(n, loss(n, c / (6 * n)), color=GRAYS[i % 4], ls=LINESTYLES[i % 4],
                      label=f"$C=10^{{{int(round(np.log10(c)))}}}$")
        best = optimal_n(c)
        left.semilogx([best], [loss(best, c / (6 * best))], color="0.0", marker=MARKERS[i],
                      ls="none")
    left.set_xlabel("parameters $N$")
    left.set_ylabel("loss")
    left.set_title("Iso-FLOP curves")
    if narrow:
        legend_below(left, ncol=2)
    else:
        left.legend(loc="upper right", handlelength=1.5, borderaxespad=0.3)
    c = np.geomspace(1e19, 1e25, 50)
    right.loglog(c, optimal_n(c), color=GRAYS[0], ls=LINESTYLES[0], label="refit")
    right.loglog(c, optimal_n(c, HOFFMANN), color=GRAYS[1], ls=LINESTYLES[1], label="published")
    right.loglog(c, optimal_n(ANCHOR) * (c / ANCHOR) ** KAPLAN_SLOPE, color=GRAYS[2],
                 ls=LINESTYLES[2], label="Kaplan slope")
    right.loglog([ANCHOR], [optimal_n(ANCHOR)], color="0.0", marker=MARKERS[0], ls="none")
    right.set_xlabel("FLOPs $C$")
    right.set_ylabel("optimal $N$")
    right.set_title("Compute-optimal size")
    if narrow:
        legend_below(right, ncol=1)
    else:
        right.legend(loc="lower right", handlelength=1.8)
    return fig
