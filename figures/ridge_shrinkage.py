"""Ridge regression in the SVD basis: shrinkage factors, effective degrees of freedom and conditioning."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure

N, P = 100, 20  # samples and features
RHO = 0.9  # AR(1) correlation between neighbouring features
ALPHAS = (0.1, 1.0, 10.0, 100.0)  # ridge strengths in the first panel

CAPTION = r"""Ridge regression seen through the SVD $X = UDV^\top$ of a design with $n = 100$ rows and $p = 20$ strongly correlated features (neighbouring columns have correlation 0.9). \emph{Shrinkage factors}: the factor $d_i^2/(d_i^2+\alpha)$ by which ridge shrinks the least-squares fit along the $i$-th singular direction ($d_1 \ge d_2 \ge \cdots$), for $\alpha = 0.1, 1, 10, 100$; directions with large $d_i$ are barely touched, those with $d_i^2 \ll \alpha$ are switched off. \emph{Degrees of freedom}: the effective degrees of freedom $\sum_i d_i^2/(d_i^2+\alpha)$ fall smoothly from $p = 20$ at $\alpha = 0$ towards 0; the markers are the four values of $\alpha$ of the first panel. \emph{Conditioning}: the condition number of $X^\top X + \alpha I$, which is $\kappa(X)^2$ at $\alpha = 0$ (the squaring of the normal equations) and falls towards 1 as $\alpha$ grows; the dotted line is $\kappa(X)$."""


def design(rng: np.random.Generator) -> np.ndarray:
    """n Gaussian rows whose features have AR(1) correlation RHO."""
    idx = np.arange(P)
    corr = RHO ** np.abs(idx[:, None] - idx[None, :])
    return rng.standard_normal((N, P)) @ np.linalg.cholesky(corr).T


def shrinkage(d: np.ndarray, alpha: float) -> np.ndarray:
    """Ridge's shrinkage factor along each singular direction."""
    return d**2 / (d**2 + alpha)


def figure():
    rng = np.random.default_rng(0)
    d = np.linalg.svd(design(rng), compute_uv=False)
    fig, axes = new_figure(panels=3, aspect=1.0)
    idx = np.arange(1, P + 1)
    for j, alpha in enumerate(ALPHAS):
        axes[0].plot(idx, shrinkage(d, alpha), color=GRAYS[j], ls=LINESTYLES[j], marker=MARKERS[j],
                     markersize=2.6, label=rf"$\alpha = {alpha:g}$")
    axes[0].set_xlabel("singular direction $i$")
    axes[0].set_ylabel(r"$d_i^2/(d_i^2+\alpha)$")
    axes[0].set_title("shrinkage factors")
    axes[0].set_ylim(0, 1.05)
    legend_below(axes[0], ncol=2)

    grid = np.geomspace(1e-3, 1e5, 300)
    axes[1].plot(grid, [shrinkage(d, a).sum() for a in grid], color=GRAYS[0])
    for j, alpha in enumerate(ALPHAS):
        axes[1].plot([alpha], [shrinkage(d, alpha).sum()], color=GRAYS[j], marker=MARKERS[j], ls="none")
    axes[1].set_xscale("log")
    axes[1].set_xlabel(r"$\alpha$")
    axes[1].set_ylabel("effective d.o.f.")
    axes[1].set_title("degrees of freedom")
    axes[1].set_ylim(0, P + 1)

    kappa = (d[0] ** 2 + grid) / (d[-1] ** 2 + grid)
    axes[2].plot(grid, kappa, color=GRAYS[0], label=r"$\kappa(X^\top X + \alpha I)$")
    axes[2].axhline(d[0] / d[-1], color=GRAYS[1], ls=":", label=r"$\kappa(X)$")
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    axes[2].set_xlabel(r"$\alpha$")
    axes[2].set_ylabel(r"$\kappa$")
    axes[2].set_title("conditioning")
    legend_below(axes[2], ncol=1)
    return fig
