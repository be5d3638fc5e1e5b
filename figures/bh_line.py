"""The Benjamini-Hochberg line over sorted p-values, with the Bonferroni threshold."""

from __future__ import annotations

import math

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure, width

M_NULL, M_ALT = 80, 20  # true nulls and real effects
SHIFT = 3.0  # mean of the z-statistic under a real effect
Q = 0.05  # target false discovery rate (and Bonferroni's family-wise level)
SEED = 8

CAPTION = r"""Sorted p-values from 100 one-sided $z$-tests, 80 of true nulls (circles) and 20 of real effects with mean shift 3 (squares), on a log scale. Benjamini-Hochberg with $q=0.05$ rejects everything up to the last p-value under the line $kq/m$: 18 rejections, 1 of them false. Bonferroni's threshold $q/m$ rejects 7, all of them real effects."""


def pvalues() -> tuple[np.ndarray, np.ndarray]:
    """The p-values and whether each comes from a real effect."""
    rng = np.random.default_rng(SEED)
    z = np.concatenate([rng.standard_normal(M_NULL), SHIFT + rng.standard_normal(M_ALT)])
    p = np.array([0.5 * math.erfc(v / math.sqrt(2.0)) for v in z])
    return p, np.arange(z.size) >= M_NULL


def bh_count(p: np.ndarray, q: float = Q) -> int:
    """Number of rejections of the Benjamini-Hochberg step-up procedure."""
    m = p.size
    below = np.nonzero(np.sort(p) <= q * np.arange(1, m + 1) / m)[0]
    return int(below[-1] + 1) if below.size else 0


def figure():
    fig, (ax,) = new_figure(panels=1, aspect=0.5)
    p, real = pvalues()
    order = np.argsort(p)
    m = p.size
    rank = np.arange(1, m + 1)
    k = bh_count(p)
    shown = 40
    for flag, marker, face, label in ((False, MARKERS[0], "white", "true null"),
                                      (True, MARKERS[1], GRAYS[0], "real effect")):
        sel = real[order][:shown] == flag
        ax.semilogy(rank[:shown][sel], p[order][:shown][sel], ls="none", marker=marker,
                    markerfacecolor=face, markeredgecolor=GRAYS[0], markersize=3.2, label=label)
    ax.semilogy(rank[:shown], Q * rank[:shown] / m, color=GRAYS[0], ls=LINESTYLES[1], label=r"BH line $kq/m$")
    ax.axhline(Q / m, color=GRAYS[1], ls=LINESTYLES[2], label=r"Bonferroni $q/m$")
    ax.axvline(k + 0.5, color=GRAYS[3], ls=LINESTYLES[3], lw=0.8)
    bottom = 10.0 ** math.floor(math.log10(p.min()))
    ax.text(k + 1.0, 2 * bottom, f"BH rejects {k}", fontsize=7, va="bottom")
    ax.set_xlim(0, shown + 1)
    ax.set_ylim(bottom, 1.2)
    ax.set_xlabel(f"rank $k$ of the p-value (first {shown} of {m})")
    ax.set_ylabel("p-value")
    legend_below(ax, ncol=4 if width() > 4 else 2)
    return fig
