"""Singular-value spectra and the error of truncated-SVD approximations (Eckart-Young)."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure

M, N = 200, 150  # matrix shape
SIGNAL_RANK = 5  # rank of the planted signal in the "low rank + noise" matrix
NOISE = 0.05  # entry-wise noise level of that matrix
POWER = 1.0  # singular values of the "power law" matrix decay like i^(-POWER)
KMAX = 40

CAPTION = r"""Singular values and low-rank approximation for three $200 \times 150$ matrices: a rank-5 signal plus small Gaussian noise, a matrix with power-law singular values $\sigma_i \propto 1/i$, and pure Gaussian noise. \emph{Singular values}: normalised by $\sigma_1$. \emph{Frobenius error}: relative Frobenius error $\|A - A_k\|_F / \|A\|_F$ of the truncated SVD; the markers are measured on the computed $A_k$ and the lines are $\sqrt{\sum_{i>k}\sigma_i^2}/\|A\|_F$, as Eckart-Young predicts. The low-rank matrix shows a sharp knee at $k = 5$, the power law a slow steady decline, and noise the slowest (its relative error is still 0.64 at $k = 40$): a low-rank approximation only helps when the spectrum decays. \emph{Spectral error}: for the power-law matrix, the spectral-norm error $\|A - B_k\|_2/\sigma_1$ of three rank-$k$ approximations $B_k$. Projecting onto $k$ random directions stays far above the optimum $\sigma_{k+1}/\sigma_1$, while a randomised SVD (a random sketch of $k + 5$ columns and one power iteration) nearly attains it; no rank-$k$ matrix can go below the truncated SVD."""


def orthonormal(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """A random matrix with orthonormal columns."""
    q, _ = np.linalg.qr(rng.standard_normal((rows, cols)))
    return q


def matrices(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The three test matrices, each scaled to unit Frobenius norm."""
    u, v = orthonormal(rng, M, SIGNAL_RANK), orthonormal(rng, N, SIGNAL_RANK)
    low = u @ np.diag(np.linspace(5, 1, SIGNAL_RANK)) @ v.T + NOISE * rng.standard_normal((M, N)) / np.sqrt(N)
    r = min(M, N)
    s = np.arange(1, r + 1, dtype=float) ** (-POWER)
    power = orthonormal(rng, M, r) @ np.diag(s) @ orthonormal(rng, N, r).T
    noise = rng.standard_normal((M, N))
    out = {"low rank + noise": low, "power law": power, "noise": noise}
    return {name: a / np.linalg.norm(a) for name, a in out.items()}


def truncate(a: np.ndarray, k: int) -> np.ndarray:
    """The best rank-k approximation: keep the k largest singular triples."""
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    return (u[:, :k] * s[:k]) @ vt[:k]


def tail_error(s: np.ndarray, k: int) -> float:
    """Eckart-Young Frobenius error of rank k, relative to the full norm."""
    return float(np.sqrt(np.sum(s[k:] ** 2) / np.sum(s**2)))


def randomized_svd(a: np.ndarray, k: int, rng: np.random.Generator, oversample: int = 5) -> np.ndarray:
    """Halko-Martinsson-Tropp sketch with one power iteration, truncated to rank k."""
    y = a @ rng.standard_normal((a.shape[1], k + oversample))
    q, _ = np.linalg.qr(a @ (a.T @ y))
    return q @ truncate(q.T @ a, k)


def random_projection(a: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Project the rows onto k random directions: a rank-k matrix with no use of the data."""
    q = orthonormal(rng, a.shape[1], k)
    return a @ q @ q.T


def figure():
    rng = np.random.default_rng(0)
    mats = matrices(rng)
    fig, axes = new_figure(panels=3, aspect=1.0)
    ks = np.arange(0, KMAX + 1)
    marked = np.arange(0, KMAX + 1, 5)
    for i, (name, a) in enumerate(mats.items()):
        s = np.linalg.svd(a, compute_uv=False)
        axes[0].plot(np.arange(1, KMAX + 1), s[:KMAX] / s[0], color=GRAYS[i], ls=LINESTYLES[i],
                     marker=MARKERS[i], markevery=(i, 6), markersize=2.8, label=name)
        axes[1].plot(ks, [tail_error(s, k) for k in ks], color=GRAYS[i], ls=LINESTYLES[i], label=name)
        measured = [np.linalg.norm(a - truncate(a, k)) / np.linalg.norm(a) for k in marked]
        axes[1].plot(marked, measured, color=GRAYS[i], ls="none", marker=MARKERS[i], markersize=2.8)
    axes[0].set_yscale("log")
    axes[0].set_xlabel("index $i$")
    axes[0].set_ylabel(r"$\sigma_i / \sigma_1$")
    axes[0].set_title("singular values")
    legend_below(axes[0], ncol=1)
    axes[1].set_xlabel("rank $k$")
    axes[1].set_ylabel("relative error")
    axes[1].set_title("Frobenius error")
    axes[1].set_ylim(0, 1.02)
    legend_below(axes[1], ncol=1)
    _compare_panel(axes[2], mats["power law"], rng)
    return fig


def _compare_panel(ax, a: np.ndarray, rng: np.random.Generator) -> None:
    ks = np.arange(1, KMAX + 1, 3)
    s = np.linalg.svd(a, compute_uv=False)
    rows = {
        "truncated SVD": [s[k] / s[0] for k in ks],
        "randomised SVD": [np.linalg.norm(a - randomized_svd(a, k, rng), 2) / s[0] for k in ks],
        "random subspace": [np.linalg.norm(a - random_projection(a, k, rng), 2) / s[0] for k in ks],
    }
    for i, (name, err) in enumerate(rows.items()):
        ax.plot(ks, err, color=GRAYS[i], ls=LINESTYLES[i], marker=MARKERS[i], markersize=2.8, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("rank $k$")
    ax.set_ylabel("relative error")
    ax.set_title("spectral error")
    legend_below(ax, ncol=1)
