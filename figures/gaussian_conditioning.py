"""Conditioning a two-dimensional Gaussian: the joint, the regression line and one slice."""

from __future__ import annotations

import numpy as np
from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure

# The joint of (x, y): means, variances and covariance, and the observed x.
MEAN = np.array([0.0, 1.0])
COV = np.array([[1.0, 1.5], [1.5, 4.0]])
OBSERVED_X = 1.5

CAPTION = r"""Left: contours of the joint density of $(x,y)$ with means $(0,1)$, variances 1 and 4 and covariance 1.5, the conditional-mean line $\mathbb{E}[y\mid x]=1+1.5x$ (dashed) and the slice at $x=1.5$ (dotted). Right: the marginal of $y$, $\mathcal{N}(1,4)$, and the conditional $\mathcal{N}(3.25,1.75)$. Observing $x$ shifts the mean along the line and shrinks the variance by the factor $1-\rho^2$ with $\rho=0.75$."""


def conditional(x: float) -> tuple[float, float]:
    """Mean and variance of y given x, from the partitioned covariance (Schur complement)."""
    sxx, sxy, syy = COV[0, 0], COV[0, 1], COV[1, 1]
    return float(MEAN[1] + sxy / sxx * (x - MEAN[0])), float(syy - sxy**2 / sxx)


def joint_density(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The bivariate normal density on a grid."""
    prec = np.linalg.inv(COV)
    dx, dy = xs - MEAN[0], ys - MEAN[1]
    quad = prec[0, 0] * dx**2 + 2 * prec[0, 1] * dx * dy + prec[1, 1] * dy**2
    return np.exp(-0.5 * quad) / (2 * np.pi * np.sqrt(np.linalg.det(COV)))


def _normal(y: np.ndarray, mean: float, var: float) -> np.ndarray:
    return np.exp(-0.5 * (y - mean) ** 2 / var) / np.sqrt(2 * np.pi * var)


def figure():
    fig, (left, right) = new_figure(panels=2, aspect=0.95)
    xs, ys = np.meshgrid(np.linspace(-3, 3, 241), np.linspace(-5, 7, 241))
    dens = joint_density(xs, ys)
    peak = dens.max()
    left.contour(xs, ys, dens, levels=peak * np.exp(-0.5 * np.array([4.0, 1.0, 0.25])),
                 colors=GRAYS[1], linewidths=0.7, linestyles=LINESTYLES[0])
    line_x = np.linspace(-3, 3, 2)
    left.plot(line_x, [conditional(v)[0] for v in line_x], color=GRAYS[0], ls=LINESTYLES[1],
              label=r"$\mathbb{E}[y\mid x]$")
    left.axvline(OBSERVED_X, color=GRAYS[0], ls=LINESTYLES[2], lw=0.9, label=r"$x=1.5$")
    m, v = conditional(OBSERVED_X)
    left.plot([OBSERVED_X], [m], marker=MARKERS[0], color=GRAYS[0], ls="none")
    left.set_xlim(-3, 3)
    left.set_ylim(-5, 7)
    left.set_xlabel("$x$")
    left.set_ylabel("$y$")
    left.set_title("Joint density")
    left.legend(loc="upper left", fontsize=7, handlelength=2.0)

    grid = np.linspace(-5, 7, 601)
    right.plot(grid, _normal(grid, MEAN[1], COV[1, 1]), color=GRAYS[1], ls=LINESTYLES[0],
               label=r"marginal $p(y)$")
    right.plot(grid, _normal(grid, m, v), color=GRAYS[0], ls=LINESTYLES[1],
               label=r"$p(y\mid x=1.5)$")
    right.axvline(m, color=GRAYS[3], ls=LINESTYLES[2], lw=0.7)
    right.set_xlim(-5, 7)
    right.set_ylim(0, 0.5)
    right.set_yticks([0, 0.1, 0.2, 0.3, 0.4, 0.5])
    right.set_xlabel("$y$")
    right.set_ylabel("density")
    right.set_title("Marginal, conditional")
    right.legend(loc="upper left", fontsize=7, handlelength=2.0)
    return fig
