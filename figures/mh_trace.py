"""Random-walk Metropolis on a standard normal target with three proposal scales."""

from __future__ import annotations

import numpy as np
from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure

SCALES = (0.1, 2.4, 20.0)
STEPS = 20000
SHOWN = 400
MAX_LAG = 40

CAPTION = r"""Random-walk Metropolis on $\mathcal{N}(0,1)$ with Gaussian proposals of standard deviation $s=0.1$, 2.4 and 20, started at 0. Left: the first 400 states. Right: the autocorrelation of the chain against the lag, from 20000 steps. The stationary acceptance rates $(2/\pi)\operatorname{arctan}(2/s)$ are 0.968, 0.442 and 0.063; the chains measure 0.971, 0.440 and 0.062."""


def chain(scale: float, steps: int = STEPS, seed: int = 0) -> tuple[np.ndarray, float]:
    """States of the chain and its acceptance rate."""
    rng = np.random.default_rng(seed)
    x, accepted = 0.0, 0
    out = np.empty(steps)
    for t in range(steps):
        proposal = x + scale * rng.normal()
        if np.log(rng.random()) < 0.5 * (x * x - proposal * proposal):  # log pi(x') - log pi(x)
            x, accepted = proposal, accepted + 1
        out[t] = x
    return out, accepted / steps


def autocorrelation(x: np.ndarray, max_lag: int = MAX_LAG) -> np.ndarray:
    c = x - x.mean()
    var = c @ c / len(c)
    return np.array([1.0] + [(c[:-k] @ c[k:]) / len(c) / var for k in range(1, max_lag + 1)])


def figure():
    fig, (left, right) = new_figure(panels=2, aspect=0.95)
    for i, s in enumerate(SCALES):
        x, _ = chain(s)
        left.plot(np.arange(SHOWN), x[:SHOWN], color=GRAYS[i], ls=LINESTYLES[i], lw=0.8, label=f"$s={s:g}$")
        right.plot(np.arange(MAX_LAG + 1), autocorrelation(x), color=GRAYS[i], ls=LINESTYLES[i],
                   marker=MARKERS[i], ms=2.0, markevery=5, label=f"$s={s:g}$")
    left.set_xlabel("iteration")
    left.set_ylabel("state")
    left.set_title("Traces")
    legend_below(left, ncol=3)
    right.axhline(0.0, color=GRAYS[3], lw=0.5)
    right.set_xlabel("lag")
    right.set_ylabel("autocorrelation")
    right.set_title("Autocorrelation")
    legend_below(right, ncol=3)
    return fig
