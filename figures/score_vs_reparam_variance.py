"""Variance of score-function and reparameterisation gradient estimates against the sample count."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure

CAPTION = r"""Variance of three estimates of $\frac{d}{d\mu}\mathbb{E}[z^2]$ for $z\sim\mathcal{N}(\mu,1)$ at $\mu=1$ (true value 2) against the number of samples $N$, each marker from 1000 seeded repetitions. Lines are the exact variances $30/N$ (score function), $18/N$ (score function with baseline $\mathbb{E}[z^2]$) and $4/N$ (reparameterisation). All fall as $1/N$; the estimators differ by a constant factor."""

MU = 1.0
REPEATS = 1000
SAMPLES = 2 ** np.arange(0, 11)


def exact_variances(mu: float = MU) -> dict[str, float]:
    """Per-sample variances from the Gaussian moments E[e^2]=1, E[e^4]=3, E[e^6]=15."""
    return {
        "score": mu**4 + 14 * mu**2 + 15,
        "baseline": 8 * mu**2 + 10,
        "reparam": 4.0,
    }


def estimates(eps: np.ndarray, mu: float = MU) -> dict[str, np.ndarray]:
    """Per-sample gradient estimates from standard normal draws eps (z = mu + eps)."""
    z = mu + eps
    f = z**2
    score = z - mu  # d/dmu log N(z; mu, 1)
    return {
        "score": f * score,
        "baseline": (f - (mu**2 + 1)) * score,
        "reparam": 2 * z,
    }


def measured_variances(seed: int = 0) -> dict[str, np.ndarray]:
    """Empirical variance over REPEATS of the N-sample mean estimate, for each N in SAMPLES."""
    rng = np.random.default_rng(seed)
    out = {k: [] for k in ("score", "baseline", "reparam")}
    for n in SAMPLES:
        eps = rng.standard_normal((REPEATS, n))
        for k, v in estimates(eps).items():
            out[k].append(v.mean(axis=1).var(ddof=1))
    return {k: np.array(v) for k, v in out.items()}


LABELS = {"score": "score function", "baseline": "score + baseline", "reparam": "reparameterisation"}


def figure():
    fig, (ax,) = new_figure(panels=1, aspect=0.55)
    exact = exact_variances()
    measured = measured_variances()
    n = SAMPLES.astype(float)
    for i, key in enumerate(("score", "baseline", "reparam")):
        ax.loglog(n, exact[key] / n, color=GRAYS[i], linestyle=LINESTYLES[i], label=LABELS[key])
        ax.loglog(n, measured[key], linestyle="none", marker=MARKERS[i], color=GRAYS[i],
                  markerfacecolor="none")
    ax.set_xlabel("samples $N$")
    ax.set_ylabel("variance of the estimate")
    legend_below(ax, ncol=3)
    return fig
