"""Gaussian-process regression: prior samples, then the posterior mean, band and samples."""

from __future__ import annotations

import numpy as np
from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure

X_TRAIN = np.array([-4.0, -3.0, -1.0, 0.0, 2.0])
Y_TRAIN = np.sin(X_TRAIN)
LENGTH, NOISE_SD = 1.0, 0.1
GRID = np.linspace(-6.0, 6.0, 241)
JITTER = 1e-9

CAPTION = r"""A Gaussian process with the Gaussian kernel ($\ell=1$, signal variance 1). Left: three prior samples and the $\pm2$ standard-deviation band. Right: the posterior after five observations of $\sin x$ (exact; noise standard deviation 0.1 assumed): mean, $\pm2$ standard-deviation band and three samples. The band pinches at the data and regains the prior's width two length-scales past the last point."""


def kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2 / LENGTH**2)


def posterior(grid: np.ndarray = GRID) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean and covariance of f on the grid, by a Cholesky factor of K + s^2 I."""
    chol = np.linalg.cholesky(kernel(X_TRAIN, X_TRAIN) + NOISE_SD**2 * np.eye(len(X_TRAIN)))
    cross = kernel(X_TRAIN, grid)
    alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, Y_TRAIN))
    v = np.linalg.solve(chol, cross)
    return cross.T @ alpha, kernel(grid, grid) - v.T @ v


def samples(mean: np.ndarray, cov: np.ndarray, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    sym = 0.5 * (cov + cov.T)
    vals, vecs = np.linalg.eigh(sym)
    root = vecs * np.sqrt(np.clip(vals, 0.0, None))
    return mean[None, :] + rng.normal(size=(count, len(mean))) @ root.T


def figure():
    fig, (left, right) = new_figure(panels=2, aspect=0.8, sharey=True)
    prior_cov = kernel(GRID, GRID)
    left.fill_between(GRID, -2.0, 2.0, color=GRAYS[3], alpha=0.3, lw=0)
    for i, s in enumerate(samples(np.zeros_like(GRID), prior_cov, 3, 0)):
        left.plot(GRID, s, color=GRAYS[i % 3], ls=LINESTYLES[i + 1], lw=0.9)
    left.axhline(0.0, color=GRAYS[0], lw=1.4)
    left.set_title("Prior")
    left.set_xlabel("$x$")
    left.set_ylabel("$f(x)$")

    mean, cov = posterior()
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    right.fill_between(GRID, mean - 2 * sd, mean + 2 * sd, color=GRAYS[3], alpha=0.3, lw=0)
    for i, s in enumerate(samples(mean, cov, 3, 1)):
        right.plot(GRID, s, color=GRAYS[i % 3], ls=LINESTYLES[i + 1], lw=0.9)
    right.plot(GRID, mean, color=GRAYS[0], lw=1.4)
    right.plot(X_TRAIN, Y_TRAIN, ls="none", marker=MARKERS[0], color="0.0", ms=3.5)
    right.set_title("Posterior")
    right.set_xlabel("$x$")
    right.set_ylim(-3.0, 3.0)
    return fig
