"""Random-walk Metropolis on a standard normal target with three proposal scales."""

from __future__ import annotations

import numpy as np
from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure

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


# One style per proposal scale, shared by both panels and the legend. The s=2.4 and s=20 traces cover the
# same range, so they differ in grey as well as in dash: light solid for the fast-mixing chain, drawn
# underneath, and dark dashed steps for the chain that mostly stands still.
STYLES = {
    0.1: dict(color=GRAYS[0], ls=LINESTYLES[0], marker=MARKERS[0]),
    2.4: dict(color=GRAYS[3], ls=LINESTYLES[0], marker=MARKERS[1]),
    20.0: dict(color=GRAYS[2], ls=LINESTYLES[1], marker=MARKERS[2]),
}
TRACE = {0.1: dict(lw=0.9, zorder=3), 2.4: dict(lw=0.7, zorder=1), 20.0: dict(lw=0.9, zorder=2, drawstyle="steps-post")}


def figure():
    fig, (left, right) = new_figure(panels=2, aspect=0.95)
    for s in SCALES:
        x, _ = chain(s)
        style = STYLES[s]
        left.plot(np.arange(SHOWN), x[:SHOWN], color=style["color"], ls=style["ls"], **TRACE[s])
        right.plot(np.arange(MAX_LAG + 1), autocorrelation(x), **style, ms=2.5, markevery=5,
                   label=f"$s={s:g}$")
    left.set_xlabel("iteration")
    left.set_ylabel("state")
    left.set_title("Traces")
    left.set_xticks(range(0, SHOWN + 1, 100))
    right.axhline(0.0, color="0.8", lw=0.5, zorder=0)
    right.set_xlabel("lag")
    right.set_ylabel("autocorrelation")
    right.set_title("Autocorrelation")
    right.set_xticks(range(0, MAX_LAG + 1, 10))
    # one legend for both panels, which share the styles (markers only on the right)
    fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncols=3, handlelength=2.4)
    return fig
