"""Kernel ridge regression with the exact Gaussian kernel and with random Fourier features."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter
from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure, width

N, NOISE, LENGTH, LAM = 40, 0.2, 0.5, 0.1
SIZES = (5, 20, 200)
SWEEP = (5, 10, 20, 50, 100, 200, 500, 1000)
REPEATS = 20
GRID = np.linspace(-3.0, 3.0, 301)

CAPTION = r"""Kernel ridge regression on 40 noisy points (Gaussian kernel, $\ell=0.5$, $\lambda=0.1$). Left: exact fit and fits with $D=5$, 20 and 200 random Fourier features. Right: root-mean-square gap to the exact fit, averaged over 20 feature draws. Its log-log slope is $-1.39$ up to $D=20$ and $-0.39$ from $D=50$, shallower than the $-1/2$ (dotted) of the kernel estimate's $1/\sqrt D$ error."""


def data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The training set: x uniform on [-3, 3], y = sin(2x) + x/2 plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, N))
    return x, np.sin(2.0 * x) + 0.5 * x + NOISE * rng.normal(size=N)


def exact_fit(x: np.ndarray, y: np.ndarray, grid: np.ndarray = GRID) -> np.ndarray:
    """Dual kernel ridge: alpha = (K + lam I)^-1 y, prediction k(grid)^T alpha."""
    def gram(a, b):
        return np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2 / LENGTH**2)
    alpha = np.linalg.solve(gram(x, x) + LAM * np.eye(len(x)), y)
    return gram(grid, x) @ alpha


def feature_fit(x: np.ndarray, y: np.ndarray, d: int, seed: int, grid: np.ndarray = GRID) -> np.ndarray:
    """Primal ridge on D random Fourier features z(x) = sqrt(2/D) cos(w x + b), w ~ N(0, 1/ell^2)."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 1.0 / LENGTH, d)
    b = rng.uniform(0.0, 2.0 * np.pi, d)

    def feats(t):
        return np.sqrt(2.0 / d) * np.cos(t[:, None] * w[None, :] + b[None, :])

    z = feats(x)
    if d <= len(x):
        coef = np.linalg.solve(z.T @ z + LAM * np.eye(d), z.T @ y)
    else:  # the same ridge solution through the n x n system (push-through identity)
        coef = z.T @ np.linalg.solve(z @ z.T + LAM * np.eye(len(x)), y)
    return feats(grid) @ coef


def gaps(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean over feature draws of the RMS gap to the exact fit, for each D in SWEEP."""
    exact = exact_fit(x, y)
    return np.array([
        np.mean([np.sqrt(np.mean((feature_fit(x, y, d, 100 + r) - exact) ** 2)) for r in range(REPEATS)])
        for d in SWEEP
    ])


SMALL, LARGE = 20, 50  # the two ranges of D whose slopes the caption states


def slope(low: int = SWEEP[0], high: int = SWEEP[-1]) -> float:
    """Least-squares slope of log gap against log D, over the sizes of SWEEP in [low, high]."""
    x, y = data()
    d = np.array(SWEEP)
    keep = (d >= low) & (d <= high)
    return float(np.polyfit(np.log(d[keep]), np.log(gaps(x, y)[keep]), 1)[0])


def figure():
    narrow = width() < 4  # 6in screen: taller panels, a short y label and three y ticks on the right
    fig, (left, right) = new_figure(panels=2, aspect=1.15 if narrow else 0.95)
    x, y = data()
    left.plot(x, y, ls="none", marker=MARKERS[0], color=GRAYS[1], ms=2.5, label="data")
    left.plot(GRID, exact_fit(x, y), color=GRAYS[0], ls=LINESTYLES[0], lw=1.6, label="exact")
    for i, d in enumerate(SIZES):
        left.plot(GRID, feature_fit(x, y, d, 1), color=GRAYS[(i + 1) % 4], ls=LINESTYLES[(i + 1) % 4],
                  label=f"$D={d}$")
    left.set_xlabel("$x$")
    left.set_ylabel("$f(x)$")
    left.set_title("Fits")
    legend_below(left, ncol=3)

    g = gaps(x, y)
    right.loglog(SWEEP, g, color=GRAYS[0], ls=LINESTYLES[0], marker=MARKERS[1], label="measured")
    mid = len(SWEEP) // 2
    ref = g[mid] * (np.array(SWEEP) / SWEEP[mid]) ** -0.5
    right.loglog(SWEEP, ref, color=GRAYS[1], ls=LINESTYLES[2], label=r"$\propto D^{-1/2}$")
    right.yaxis.set_minor_formatter(NullFormatter())
    ticks = [0.02, 0.1, 0.5] if narrow else [0.02, 0.05, 0.1, 0.2, 0.5]
    right.set_yticks(ticks)
    right.set_yticklabels([f"{t:g}" for t in ticks])
    right.set_xlabel("number of features $D$")
    right.set_ylabel("RMS gap" if narrow else "RMS gap to exact fit")
    right.set_title("Approximation error")
    legend_below(right, ncol=2)
    return fig
