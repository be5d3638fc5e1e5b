"""Test error of minimum-norm least squares on random ReLU features, against the number of features."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure

N_TRAIN = 100  # training points
DIM = 10  # input dimension
NOISE_SD = 0.3  # label noise standard deviation
N_TEST = 500
SEEDS = 5  # independent draws of data and features, averaged
RIDGE = 0.1  # ridge penalty for the comparison curve (on the squared loss summed over points)
FEATURES = np.unique(np.round(np.geomspace(5, 2000, 26)).astype(int))

CAPTION = r"""Random ReLU features $\max(0,w_j^\top x)$, $w_j$ Gaussian, fitted by least squares to $n=100$ noisy samples of a smooth function of $x\in\mathbb{R}^{10}$ (noise standard deviation 0.3). Test error against the number of features $p$, averaged over 5 draws. The minimum-norm fit peaks next to $p=n$ (dotted line), where it starts to interpolate; ridge with penalty 0.1 has no peak."""


def target(x: np.ndarray) -> np.ndarray:
    """A smooth nonlinear function of the inputs."""
    return np.sin(x[:, 0]) + 0.5 * x[:, 1] * x[:, 2]


def test_errors(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Test mean squared error for each p (min-norm and ridge) and the smallest singular value of the features.

    Predictions use the Gram form: the min-norm fit predicts K_t K^+ y and ridge K_t (K + ridge I)^{-1} y,
    with K = Phi Phi^T and K_t = Phi_t Phi^T; the feature sets are nested, so both Grams are built up
    block by block as p grows.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N_TRAIN, DIM))
    y = target(x) + NOISE_SD * rng.standard_normal(N_TRAIN)
    xt = rng.standard_normal((N_TEST, DIM))
    yt = target(xt)
    w = rng.standard_normal((DIM, FEATURES.max())) / np.sqrt(DIM)
    phi, phit = np.maximum(0.0, x @ w), np.maximum(0.0, xt @ w)  # unscaled features
    gram, cross = np.zeros((N_TRAIN, N_TRAIN)), np.zeros((N_TEST, N_TRAIN))
    minnorm, ridge, smin = [], [], []
    done = 0
    for p in FEATURES:
        gram += phi[:, done:p] @ phi[:, done:p].T
        cross += phit[:, done:p] @ phi[:, done:p].T
        done = p
        k, kt = gram / p, cross / p  # features scaled by 1/sqrt(p)
        vals, vecs = np.linalg.eigh(k)
        keep = vals > vals[-1] * 1e-10
        coef = vecs[:, keep] @ ((vecs[:, keep].T @ y) / vals[keep])
        minnorm.append(np.mean((kt @ coef - yt) ** 2))
        coef = vecs @ ((vecs.T @ y) / (vals + RIDGE))
        ridge.append(np.mean((kt @ coef - yt) ** 2))
        smin.append(np.sqrt(vals[keep][0]))
    return np.array(minnorm), np.array(ridge), np.array(smin)


def curves() -> dict[str, np.ndarray]:
    runs = [test_errors(seed) for seed in range(SEEDS)]
    return {"p": FEATURES, "minnorm": np.mean([r[0] for r in runs], axis=0),
            "ridge": np.mean([r[1] for r in runs], axis=0), "smin": np.mean([r[2] for r in runs], axis=0)}


def figure():
    c = curves()
    fig, axes = new_figure(panels=1, aspect=0.62)
    ax = axes[0]
    ax.plot(c["p"], c["minnorm"], color=GRAYS[0], ls=LINESTYLES[0], marker=MARKERS[0], label="minimum norm")
    ax.plot(c["p"], c["ridge"], color=GRAYS[1], ls=LINESTYLES[1], marker=MARKERS[1], label=rf"ridge, $\lambda={RIDGE:g}$")
    ax.axvline(N_TRAIN, color=GRAYS[3], ls=LINESTYLES[2], lw=0.9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of features $p$")
    ax.set_ylabel("test mean squared error")
    ax.set_yticks([0.25, 0.5, 1.0, 2.0])
    ax.set_yticklabels(["0.25", "0.5", "1", "2"])
    ax.minorticks_off()
    ax.legend(loc="upper right")
    return fig
