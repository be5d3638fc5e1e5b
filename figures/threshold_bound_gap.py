"""A uniform-convergence bound against n next to the deviations it bounds, for thresholds on [0, 1]."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure

NOISE = 0.1  # probability that a label is flipped
CUT = 0.3  # the true threshold: y = 1 if x >= CUT, before flipping
DELTA = 0.05  # confidence parameter of the bound
TRIALS = 200  # samples drawn at each n
SIZES = (20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
LEVEL = 0.95  # quantile of the supremum that the bound is compared with

CAPTION = r"""Thresholds $h_t(x)=[x\ge t]$ on $x$ uniform in $[0,1]$, labels $[x\ge0.3]$ flipped with probability 0.1. Against $n$: the bound $2\sqrt{2\ln(n+1)/n}+\sqrt{\ln(1/\delta)/(2n)}$ with $\delta=0.05$; the 95th percentile and the mean of $\sup_t(L(t)-L_S(t))$; the mean excess risk of the ERM threshold; 200 samples per $n$. The bound holds but is 5 to 8 times too large."""


def risk(t: np.ndarray) -> np.ndarray:
    """True 0-1 risk of the threshold t."""
    return NOISE + (1 - 2 * NOISE) * np.abs(t - CUT)


def bound(n) -> np.ndarray:
    """Rademacher bound with Massart's lemma and growth function n + 1 (one-sided, confidence 1 - DELTA)."""
    n = np.asarray(n, dtype=float)
    return 2 * np.sqrt(2 * np.log(n + 1) / n) + np.sqrt(np.log(1 / DELTA) / (2 * n))


def deviations(n: int, rng: np.random.Generator) -> tuple[float, float]:
    """Exact sup_t (L(t) - L_S(t)) and the excess risk L(t_hat) - L(CUT) of the ERM threshold, for one sample."""
    x = np.sort(rng.random(n))
    y = (x >= CUT).astype(int) ^ (rng.random(n) < NOISE)
    # on the interval between consecutive sorted points (with 0 and 1 as ends) L_S is constant:
    # k points lie left of t; errors are the ones on the left plus the zeros on the right
    ones_left = np.r_[0, np.cumsum(y)]
    zeros_right = (n - y.sum()) - np.r_[0, np.cumsum(1 - y)]
    emp = (ones_left + zeros_right) / n
    lo, hi = np.r_[0.0, x], np.r_[x, 1.0]
    top = np.maximum(risk(lo), risk(hi))  # L is V-shaped, so its maximum on an interval is at an end
    sup = float(np.max(top - emp))
    best = int(np.argmin(emp))
    t_hat = (lo[best] + hi[best]) / 2
    return sup, float(risk(t_hat) - risk(CUT))


def curves(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    q95, mean_sup, mean_excess = [], [], []
    for n in SIZES:
        runs = np.array([deviations(n, rng) for _ in range(TRIALS)])
        q95.append(np.quantile(runs[:, 0], LEVEL))
        mean_sup.append(runs[:, 0].mean())
        mean_excess.append(runs[:, 1].mean())
    return {"n": np.array(SIZES), "bound": bound(SIZES), "q95": np.array(q95),
            "mean_sup": np.array(mean_sup), "mean_excess": np.array(mean_excess)}


def figure():
    c = curves()
    fig, axes = new_figure(panels=1, aspect=0.62)
    ax = axes[0]
    ax.plot(c["n"], c["bound"], color=GRAYS[0], ls=LINESTYLES[0], label="bound")
    ax.plot(c["n"], c["q95"], color=GRAYS[1], ls=LINESTYLES[1], marker=MARKERS[0], label="sup, 95th percentile")
    ax.plot(c["n"], c["mean_sup"], color=GRAYS[2], ls=LINESTYLES[2], marker=MARKERS[1], label="sup, mean")
    ax.plot(c["n"], c["mean_excess"], color=GRAYS[3], ls=LINESTYLES[3], marker=MARKERS[2], label="ERM excess risk")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("sample size $n$")
    ax.set_ylabel("deviation")
    legend_below(ax, ncol=2)
    return fig
