"""Chebyshev, Hoeffding and Bernstein bounds against the exact binomial tail."""

from __future__ import annotations

import math

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure, width

N = 100  # number of Bernoulli variables averaged
CASES = ((0.5, 0.25), (0.05, 0.15))  # (p, largest deviation t shown)

CAPTION = r"""Upper bounds on $P(\bar X-p\ge t)$ for the mean of $n=100$ Bernoulli($p$) variables, against the exact binomial tail (log scale). Left: $p=0.5$, where Hoeffding is the tightest bound. Right: $p=0.05$, where Hoeffding ignores the small variance: Chebyshev beats it for moderate $t$ and Bernstein for every $t$ shown."""


def chebyshev(p: float, t: np.ndarray, n: int = N) -> np.ndarray:
    return np.minimum(1.0, p * (1 - p) / (n * t**2))


def hoeffding(p: float, t: np.ndarray, n: int = N) -> np.ndarray:
    return np.exp(-2 * n * t**2)


def bernstein(p: float, t: np.ndarray, n: int = N) -> np.ndarray:
    var, c = p * (1 - p), max(p, 1 - p)
    return np.exp(-n * t**2 / (2 * var + 2 * c * t / 3))


def exact(p: float, t: np.ndarray, n: int = N) -> np.ndarray:
    """P(S >= n(p + t)) for S ~ Binomial(n, p), summed in log space."""
    k = np.arange(n + 1)
    logpmf = np.array([math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) for j in k])
    pmf = np.exp(logpmf + k * math.log(p) + (n - k) * math.log(1 - p))
    tail = np.cumsum(pmf[::-1])[::-1]  # tail[j] = P(S >= j)
    first = np.ceil(n * (p + np.asarray(t)) - 1e-9).astype(int)
    return np.where(first <= n, tail[np.minimum(first, n)], 0.0)


def figure():
    narrow = width() < 4.0
    fig, axes = new_figure(panels=2, aspect=1.0 if narrow else 0.85)
    for ax, (p, top) in zip(axes, CASES):
        t = np.linspace(top / 60, top, 240)
        ax.semilogy(t, chebyshev(p, t), color=GRAYS[1], ls=LINESTYLES[2], label="Chebyshev")
        ax.semilogy(t, hoeffding(p, t), color=GRAYS[0], ls=LINESTYLES[1], label="Hoeffding")
        ax.semilogy(t, bernstein(p, t), color=GRAYS[2], ls=LINESTYLES[3], label="Bernstein")
        ax.semilogy(t, exact(p, t), color=GRAYS[0], ls=LINESTYLES[0], label="exact")
        marks = np.linspace(top / 6, top, 6)
        ax.semilogy(marks, exact(p, marks), color=GRAYS[0], ls="none", marker=MARKERS[0], markersize=2.8)
        ax.set_ylim(1e-8, 1.5)
        ax.set_xlim(0, top)
        ax.set_yticks([1e0, 1e-2, 1e-4, 1e-6, 1e-8])
        ax.locator_params(axis="x", nbins=4)
        ax.set_xlabel("deviation $t$")
        ax.set_title(rf"$p={p:g}$, $n={N}$")
        legend_below(ax, ncol=2)
    axes[0].set_ylabel(r"$P(\bar X-p\geq t)$" + ("" if narrow else " or bound"))
    return fig
