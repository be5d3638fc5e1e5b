"""EM for a two-component Gaussian mixture in one dimension: the fit and the log-likelihood by iteration."""

from __future__ import annotations

import numpy as np
from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure, width

N = 400
TRUE_WEIGHT, TRUE_MEANS, TRUE_SDS = 0.3, (-2.0, 1.5), (0.7, 1.0)
START_MEANS, START_SDS, START_WEIGHT = (-0.5, 0.5), (1.0, 1.0), 0.5
ITERATIONS = 40
SHOWN = (0, 3, ITERATIONS)
GRID = np.linspace(-5.0, 5.0, 401)

CAPTION = r"""EM on 400 draws from $0.3\,\mathcal{N}(-2,0.7^2)+0.7\,\mathcal{N}(1.5,1)$, started from means $\pm0.5$, unit variances and equal weights. Left: the data histogram and the fitted mixture density after 0, 3 and 40 iterations. Right: the average log-likelihood per point against the iteration; it never decreases, as the EM monotonicity argument guarantees."""


def _normal(x, mean, sd):
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2.0 * np.pi))


def data(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    first = rng.random(N) < TRUE_WEIGHT
    return np.where(first, rng.normal(TRUE_MEANS[0], TRUE_SDS[0], N), rng.normal(TRUE_MEANS[1], TRUE_SDS[1], N))


def density(x, params):
    w, means, sds = params
    return w * _normal(x, means[0], sds[0]) + (1 - w) * _normal(x, means[1], sds[1])


def run(x: np.ndarray, iterations: int = ITERATIONS):
    """EM iterates: a list of (weight of component 1, means, sds), starting with the initial values."""
    params = (START_WEIGHT, np.array(START_MEANS), np.array(START_SDS))
    history = [params]
    for _ in range(iterations):
        w, means, sds = params
        joint = np.stack([w * _normal(x, means[0], sds[0]), (1 - w) * _normal(x, means[1], sds[1])], axis=1)
        resp = joint / joint.sum(axis=1, keepdims=True)          # E-step
        counts = resp.sum(axis=0)                                   # M-step
        means = (resp * x[:, None]).sum(axis=0) / counts
        sds = np.sqrt((resp * (x[:, None] - means) ** 2).sum(axis=0) / counts)
        params = (counts[0] / len(x), means, sds)
        history.append(params)
    return history


def mean_loglik(x, params) -> float:
    return float(np.mean(np.log(density(x, params))))


def figure():
    # on a 6in screen the legend under the left panel takes a fixed height: taller panels keep it readable
    fig, (left, right) = new_figure(panels=2, aspect=1.25 if width() < 4 else 0.95)
    x = data()
    history = run(x)
    left.hist(x, bins=30, density=True, color="0.88", lw=0)  # light, so that the curves stand out on it
    # black and heavier dots for iteration 3, which in mid-grey was lost against the histogram
    colors, widths = (GRAYS[0], GRAYS[0], GRAYS[2]), (None, 1.5, None)
    for i, it in enumerate(SHOWN):
        left.plot(GRID, density(GRID, history[it]), color=colors[i], ls=LINESTYLES[(i + 1) % 4],
                  lw=widths[i], label=f"iteration {it}")
    left.set_xlabel("$x$")
    left.set_ylabel("density")
    left.set_title("Fitted mixture")
    legend_below(left, ncol=2)

    values = [mean_loglik(x, p) for p in history]
    right.plot(range(len(values)), values, color=GRAYS[0], ls=LINESTYLES[0], marker=MARKERS[0], ms=2.0)
    right.set_xlabel("iteration")
    right.set_ylabel("mean log-likelihood")
    right.set_title("Monotone ascent")
    return fig
