"""One Gaussian fitted to a two-mode mixture by forward KL and by reverse KL."""

from __future__ import annotations

import numpy as np
from handbook.plotting import GRAYS, LINESTYLES, new_figure

# The target: an equal mixture of N(-2, 0.6^2) and N(2, 0.6^2).
WEIGHT, CENTRE, SPREAD = 0.5, 2.0, 0.6
GRID = np.linspace(-10.0, 10.0, 8001)
STEP = GRID[1] - GRID[0]

CAPTION = r"""Fitting one Gaussian $q$ to the two-mode mixture $p=\tfrac12\mathcal{N}(-2,0.6^2)+\tfrac12\mathcal{N}(2,0.6^2)$. Left: the forward-KL fit is moment matching, $q=\mathcal{N}(0,2.088^2)$; it spreads over both modes and peaks where $p$ has almost no mass, with $\operatorname{KL}(p\,\|\,q)=0.555$ nats (and $\operatorname{KL}(q\,\|\,p)=1.273$). The reverse-KL fit, found by numerical minimisation, is $q=\mathcal{N}(1.997,0.605^2)$: it sits on one mode with $\operatorname{KL}(q\,\|\,p)=0.692$ nats, just under $\ln 2\approx 0.693$, and ignores the other, which costs it $\operatorname{KL}(p\,\|\,q)=10.2$ nats. Right: each objective as a function of the mean of $q$, with the width re-optimised at every mean. Forward KL has a single minimum between the modes; reverse KL has a minimum on each mode and a worse local minimum at 0 (value 1.138), so the answer a local optimiser returns depends on where it starts. All integrals are sums on a fine grid."""


def _normal(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2.0 * np.pi))


def target(x: np.ndarray = GRID) -> np.ndarray:
    """The mixture density p on the grid."""
    return WEIGHT * _normal(x, -CENTRE, SPREAD) + (1.0 - WEIGHT) * _normal(x, CENTRE, SPREAD)


def kl(a: np.ndarray, b: np.ndarray) -> float:
    """KL(a || b) in nats for two densities tabulated on GRID (Riemann sum)."""
    keep = a > 1e-300
    return float(np.sum(a[keep] * (np.log(a[keep]) - np.log(np.maximum(b[keep], 1e-300)))) * STEP)


def forward_fit() -> tuple[float, float]:
    """Mean and sd of the Gaussian minimising KL(p || q): the moments of p."""
    p = target()
    mean = float(np.sum(GRID * p) * STEP)
    var = float(np.sum((GRID - mean) ** 2 * p) * STEP)
    return mean, float(np.sqrt(var))


def golden(f, lo: float, hi: float, tol: float = 1e-7) -> tuple[float, float]:
    """Minimise a unimodal function of one variable on [lo, hi] by golden-section search."""
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    x = (a + b) / 2.0
    return x, f(x)


def best_reverse_width(mean: float) -> tuple[float, float]:
    """For q with the given mean, the sd minimising KL(q || p) and the minimum."""
    p = target()
    log_sd, value = golden(lambda s: kl(_normal(GRID, mean, np.exp(s)), p), -3.0, 2.0)
    return float(np.exp(log_sd)), float(value)


def reverse_fit(lo: float = 1.2, hi: float = 3.5) -> tuple[float, float]:
    """Mean and sd of the Gaussian minimising KL(q || p) with mean in [lo, hi].

    Nested golden-section search: the outer search is over the mean, the
    inner one over the log of the sd. Golden-section search needs a unimodal
    objective: the profile has a local minimum at 0 and a local maximum near
    1.1, so the bracket [1.2, 3.5] starts past that maximum and holds only the
    right mode; the mirror image gives the left one.
    """
    mean, _ = golden(lambda m: best_reverse_width(m)[1], lo, hi)
    return float(mean), best_reverse_width(mean)[0]


def profile(direction: str, means: np.ndarray) -> np.ndarray:
    """The objective at each mean of q, minimised over the sd of q."""
    p = target()
    out = []
    for m in means:
        if direction == "forward":
            # For a fixed mean the best sd is the root mean square of x - m under p.
            sd = np.sqrt(np.sum((GRID - m) ** 2 * p) * STEP)
            out.append(kl(p, _normal(GRID, m, sd)))
        else:
            out.append(best_reverse_width(m)[1])
    return np.array(out)


def figure():
    fig, (left, right) = new_figure(panels=2, aspect=1.05)
    p = target()
    fm, fs = forward_fit()
    rm, rs = reverse_fit()
    qf, qr = _normal(GRID, fm, fs), _normal(GRID, rm, rs)

    left.fill_between(GRID, p, color=GRAYS[3], alpha=0.35, lw=0)
    left.plot(GRID, p, color=GRAYS[0], ls=LINESTYLES[0], label="target $p$")
    left.plot(GRID, qf, color=GRAYS[0], ls=LINESTYLES[1],
              label=rf"forward: $\mathrm{{KL}}(p\|q)={kl(p, qf):.3f}$")
    left.plot(GRID, qr, color=GRAYS[1], ls=LINESTYLES[2], lw=1.4,
              label=rf"reverse: $\mathrm{{KL}}(q\|p)={kl(qr, p):.3f}$")
    left.set_xlim(-5, 5)
    left.set_xticks([-4, -2, 0, 2, 4])
    left.set_ylim(0, 0.75)
    left.set_yticks([0, 0.25, 0.5, 0.75])
    left.set_xlabel("$x$")
    left.set_ylabel("density")
    left.set_title("Two Gaussian fits")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=7,
                handlelength=2.2, borderaxespad=4.3)

    means = np.linspace(-3.0, 3.0, 61)
    right.plot(means, profile("forward", means), color=GRAYS[0], ls=LINESTYLES[1],
               label=r"forward $\mathrm{KL}(p\|q)$")
    right.plot(means, profile("reverse", means), color=GRAYS[1], ls=LINESTYLES[2], lw=1.4,
               label=r"reverse $\mathrm{KL}(q\|p)$")
    right.axhline(np.log(2.0), color=GRAYS[3], lw=0.6, ls=LINESTYLES[3])
    right.text(0.0, np.log(2.0) + 0.05, r"$\ln 2$", fontsize=7, ha="center", va="bottom")
    right.set_xlim(-3, 3)
    right.set_xticks([-2, 0, 2])
    right.set_ylim(0, 2.0)
    right.set_yticks([0, 0.5, 1.0, 1.5, 2.0])
    right.set_xlabel("mean of $q$")
    right.set_ylabel("KL (nats)")
    right.set_title("Objective, best width")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=7,
                 handlelength=2.2, borderaxespad=4.3)
    return fig
