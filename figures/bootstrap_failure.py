"""The bootstrap against the true sampling distribution: the mean (works) and the maximum (fails)."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, new_figure, width

N = 50  # sample size
B = 4000  # bootstrap resamples
SEED = 8

CAPTION = r"""Bootstrap distribution functions (steps; $B=4000$ resamples of one sample of $n=50$) against the true sampling distributions (smooth lines). Left: the centred mean of exponential data, where the two agree. Right: $n(M-M^*)$ for the maximum $M$ of uniform data on $[0,1]$, against the true law of $n(1-M)$: the bootstrap puts mass $1-(1-1/n)^n=0.636$ at zero, the truth none."""


def mean_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One exponential(1) sample; the bootstrap replicates of the centred mean, and the sample."""
    x = rng.exponential(1.0, N)
    idx = rng.integers(0, N, size=(B, N))
    return x[idx].mean(axis=1) - x.mean(), x


def max_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One uniform(0, 1) sample; the bootstrap replicates of n(M - M*), and the sample."""
    x = rng.uniform(0.0, 1.0, N)
    idx = rng.integers(0, N, size=(B, N))
    return N * (x.max() - x[idx].max(axis=1)), x


def replicates() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    mean_reps, _ = mean_case(rng)
    max_reps, _ = max_case(rng)
    return mean_reps, max_reps


def true_mean_cdf(t: np.ndarray, sims: int = 200_000) -> np.ndarray:
    """CDF of the centred mean of N exponential(1) draws, by direct simulation of fresh samples."""
    rng = np.random.default_rng(SEED + 1)
    means = np.sort(rng.gamma(N, 1.0 / N, sims) - 1.0)
    return np.searchsorted(means, t, side="right") / sims


def true_max_cdf(u: np.ndarray) -> np.ndarray:
    """CDF of n(1 - M) for the maximum M of N uniform(0, 1) draws: 1 - (1 - u/n)^n on [0, n]."""
    return 1.0 - (1.0 - np.clip(u, 0.0, N) / N) ** N


def _ecdf(ax, values: np.ndarray, **style) -> None:
    v = np.sort(values)
    ax.step(np.concatenate([[v[0] - 1e-9], v]), np.arange(0, v.size + 1) / v.size, where="post", **style)


def figure():
    narrow = width() < 4.5
    fig, (left, right) = new_figure(panels=2, aspect=1.0 if narrow else 0.8)
    split = "\n" if narrow else " "
    mean_reps, max_reps = replicates()

    t = np.linspace(-0.6, 0.6, 401)
    _ecdf(left, mean_reps, color=GRAYS[1], ls=LINESTYLES[0], label="bootstrap")
    left.plot(t, true_mean_cdf(t), color=GRAYS[0], ls=LINESTYLES[1], label="true")
    left.set_xlim(-0.6, 0.6)
    left.set_ylim(0, 1.02)
    left.set_xlabel(r"$\bar x^*-\bar x$ (bootstrap)," + split + r"$\bar x-\mu$ (true)")
    left.set_ylabel("CDF" if width() < 4.0 else "distribution function")
    left.set_title("Mean of exponential data")

    u = np.linspace(0.0, 6.0, 401)
    _ecdf(right, max_reps, color=GRAYS[1], ls=LINESTYLES[0], label="bootstrap")
    right.plot(u, true_max_cdf(u), color=GRAYS[0], ls=LINESTYLES[1], label="true")
    atom = float(np.mean(max_reps == 0.0))
    right.plot([0], [atom], marker="o", color=GRAYS[0], ls="none")
    right.set_xlim(-0.2, 6.0)
    right.set_ylim(0, 1.02)
    right.set_xlabel(r"$n(M-M^*)$ (bootstrap)," + split + r"$n(1-M)$ (true)")
    right.set_title("Maximum of uniform data")
    right.legend(loc="lower right", handlelength=1.6, borderaxespad=0.3)
    return fig
