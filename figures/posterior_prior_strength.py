"""Beta-Binomial posteriors under weak, strong-correct and strong-wrong priors as the sample grows."""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure, width

TRUTH = 0.7
N_MAX = 1000
SAMPLE_SIZES = (10, 100, 1000)
# name, a, b: Beta(a, b) priors; the two strong ones are worth 20 pseudo-observations.
PRIORS = (
    (r"weak $\mathrm{Beta}(1,1)$", 1.0, 1.0),
    (r"right $\mathrm{Beta}(14,6)$", 14.0, 6.0),
    (r"wrong $\mathrm{Beta}(4,16)$", 4.0, 16.0),
)
# A dogmatic prior, uniform on [0, CAP], which puts no mass on the truth.
CAP = 0.5

CAPTION = r"""Beta-Binomial inference for a success probability with true value $\theta = 0.7$ (thin solid line), using the first $n$ of one simulated run of 1000 Bernoulli trials; the dash-dotted line marks the MLE $k/n$. Priors: the weak $\mathrm{Beta}(1,1)$, and two worth $a+b = 20$ pseudo-observations, the right $\mathrm{Beta}(14,6)$ centred on the truth and the wrong $\mathrm{Beta}(4,16)$ centred on 0.2. The density panels show the priors and the posteriors after $n = 10$, 100 and 1000 trials. The prior's weight in the posterior mean, $w = (a+b)/(a+b+n)$, falls for the strong priors from 0.67 at $n=10$ to 0.17 at $n=100$ and 0.02 at $n=1000$, where all three posteriors agree. The posterior-mean panel adds a prior uniform on $[0, 0.5]$, which gives the truth no mass and never recovers."""


def data(n_max: int = N_MAX) -> np.ndarray:
    """Cumulative success counts k_n for n = 1..n_max of one fixed Bernoulli sequence."""
    rng = np.random.default_rng(0)
    return np.cumsum(rng.random(n_max) < TRUTH)


def beta_density(grid: np.ndarray, a: float, b: float) -> np.ndarray:
    """The Beta(a, b) density on an interior grid, normalised numerically in log space."""
    log_p = (a - 1) * np.log(grid) + (b - 1) * np.log1p(-grid)
    p = np.exp(log_p - log_p.max())
    return p / np.trapezoid(p, grid)


def posterior_mean(a: float, b: float, k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Posterior mean (a + k) / (a + b + n) of a Beta(a, b) prior after k successes in n trials."""
    return (a + k) / (a + b + n)


def capped_posterior_mean(k: np.ndarray, n: np.ndarray, cap: float = CAP) -> np.ndarray:
    """Posterior mean under a prior uniform on [0, cap], by quadrature on a grid."""
    grid = np.linspace(1e-6, cap, 4001)
    log_like = np.outer(k, np.log(grid)) + np.outer(n - k, np.log1p(-grid))
    w = np.exp(log_like - log_like.max(axis=1, keepdims=True))
    return np.trapezoid(w * grid, grid, axis=1) / np.trapezoid(w, grid, axis=1)


def figure():
    k_all = data()
    grid = np.linspace(5e-4, 1 - 5e-4, 4000)
    wide = width() > 4
    fig, axes = new_figure(panels=6)
    # Size panels from the arrangement new_figure chose: squarer side by side in threes,
    # flatter when stacked in pairs so that three rows still fit a screen.
    rows, cols = axes[0].get_subplotspec().get_geometry()[:2]
    panel_w = width() / cols
    panel_h = 0.95 * panel_w if cols >= 3 else min(0.72 * panel_w, 1.25)
    fig.set_size_inches(width(), rows * panel_h + 0.4)
    styles = [(GRAYS[0], LINESTYLES[0]), (GRAYS[2], LINESTYLES[1]), (GRAYS[1], LINESTYLES[2])]
    mle_style = dict(color="0.45", ls="-.", lw=0.8, marker=MARKERS[0], ms=2.5, mfc="white")

    # Densities: the priors themselves (n = 0), then the posteriors after n trials.
    for ax, n in zip(axes[:4], (0,) + SAMPLE_SIZES):
        k = int(k_all[n - 1]) if n else 0
        for (label, a, b), (color, ls) in zip(PRIORS, styles):
            ax.plot(grid, beta_density(grid, a + k, b + n - k), color=color, ls=ls)
        ax.axvline(TRUTH, color="0.0", lw=0.5)
        if n:
            ax.axvline(k / n, color="0.45", lw=0.8, ls="-.")
            ax.plot([k / n], [0], ls="none", clip_on=False, zorder=5,
                    **{key: v for key, v in mle_style.items() if key not in ("ls", "lw")})
            ax.set_title(f"$n = {n}$, $k = {k}$")
        else:
            ax.set_title("priors ($n = 0$)")
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1])
        ax.set_xticklabels(["0", "0.5", "1"])
        ax.set_ylim(bottom=0)
        ax.set_xlabel(r"$\theta$")
        ax.set_ylabel("density")

    n = np.unique(np.round(np.logspace(0, np.log10(N_MAX), 60)).astype(int))
    k = k_all[n - 1]

    ax = axes[4]
    for (label, a, b), (color, ls) in zip(PRIORS, styles):
        ax.plot(n, posterior_mean(a, b, k, n), color=color, ls=ls)
    ax.plot(n, k / n, **mle_style)
    ax.plot(n, capped_posterior_mean(k, n), color=GRAYS[3], ls=LINESTYLES[3], lw=1.4)
    ax.axhline(TRUTH, color="0.0", lw=0.5)
    ax.set_xscale("log")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("$n$")
    ax.set_ylabel("posterior mean")
    ax.set_title("posterior mean")

    ax = axes[5]
    nn = np.logspace(0, np.log10(N_MAX), 200)
    for strength, (color, ls) in ((2, styles[0]), (20, styles[1])):
        ax.plot(nn, strength / (strength + nn), color=color, ls=ls, label=f"$a+b={strength}$")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.05 if wide else 1.45)  # headroom for the legend on narrow panels
    ax.set_yticks([0, 0.5, 1] if wide else [0, 1])
    ax.set_xlabel("$n$")
    ax.set_ylabel("$w$")
    ax.set_title("prior weight $w$")
    ax.legend(loc="upper right", fontsize=7, handlelength=1.8, borderaxespad=0.3)

    handles = [Line2D([], [], color=c, ls=ls) for c, ls in styles]
    labels = [label if wide else label.split()[0] + " prior" for label, _, _ in PRIORS]
    handles += [Line2D([], [], color="0.0", lw=0.5), Line2D([], [], **mle_style),
                Line2D([], [], color=GRAYS[3], ls=LINESTYLES[3], lw=1.4)]
    labels += [r"truth $\theta = 0.7$" if wide else "truth", "MLE $k/n$",
               r"uniform on $[0, 0.5]$" if wide else r"$U(0, 0.5)$"]
    fig.legend(handles, labels, loc="outside lower center", ncol=3,
               handlelength=2.2 if wide else 1.8, columnspacing=1.2 if wide else 0.8)
    return fig
