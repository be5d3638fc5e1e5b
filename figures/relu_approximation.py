"""One-hidden-layer ReLU networks approximating sin(2 pi x): error against width."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure, width

X = np.linspace(0.0, 1.0, 4001)
FIT = np.linspace(0.0, 1.0, 1601)
WIDTHS = np.array([4, 8, 16, 32, 64, 128, 256])
SEEDS = 5

CAPTION = r"""One-hidden-layer ReLU networks approximating $f(x)=\sin(2\pi x)$ on $[0,1]$. Left: the network $a+\sum_{i=0}^{k-1}c_i\,\mathrm{ReLU}(x-x_i)$ that interpolates $f$ at $k+1$ equally spaced knots is exactly the piecewise-linear interpolant; shown for $k=3$ and $k=7$ hidden units. Right: the largest error over $[0,1]$ against the number of hidden units, on log scales. The interpolating network (circles) stays below the bound $\max|f''|/(8k^2)=\pi^2/(2k^2)$ (thin line) and approaches it as the width grows: doubling the width divides the error by 4, and 64 units give 0.0012. Random-feature networks (squares: kinks at random places, only the output weights fitted by least squares, median of 5 draws) also improve steadily with width but sit above the interpolant, because their kinks are not placed where they are needed. The theorem promises that the error can be made small; it says nothing about how many units or how to find the weights."""


def target(x: np.ndarray) -> np.ndarray:
    return np.sin(2.0 * np.pi * x)


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def interpolating_network(k: int):
    """Weights (a, c, knots) of the width-k ReLU net equal to the k-piece interpolant."""
    knots = np.linspace(0.0, 1.0, k + 1)
    values = target(knots)
    slopes = np.diff(values) / np.diff(knots)
    c = np.concatenate([[slopes[0]], np.diff(slopes)])  # slope changes at each knot
    return values[0], c, knots[:-1]


def evaluate(a: float, c: np.ndarray, kinks: np.ndarray, x: np.ndarray) -> np.ndarray:
    return a + relu(x[:, None] - kinks[None, :]) @ c


def interpolant_error(k: int) -> float:
    a, c, kinks = interpolating_network(k)
    return float(np.max(np.abs(evaluate(a, c, kinks, X) - target(X))))


def random_feature_error(width: int, seed: int) -> float:
    """Max error of a least-squares fit on `width` random ReLU features plus a bias.

    The kinks are uniform on [0, 1] and each unit faces left or right at random;
    the output weights are fitted on FIT points and the error measured on X.
    """
    rng = np.random.default_rng(seed)
    kinks = rng.uniform(0.0, 1.0, width)
    signs = rng.choice([-1.0, 1.0], width)

    def design(x: np.ndarray) -> np.ndarray:
        return np.hstack([np.ones((x.size, 1)), relu(signs[None, :] * (x[:, None] - kinks[None, :]))])

    # Solve the (width+1)-square normal equations: small, and cheap to factorise.
    d = design(FIT)
    weights, *_ = np.linalg.lstsq(d.T @ d, d.T @ target(FIT), rcond=None)
    return float(np.max(np.abs(design(X) @ weights - target(X))))


def figure():
    fig, (left, right) = new_figure(panels=2, aspect=1.0)
    left.plot(X, target(X), color=GRAYS[0], ls=LINESTYLES[0], lw=1.4, label=r"$\sin 2\pi x$")
    for i, k in enumerate((3, 7)):
        a, c, kinks = interpolating_network(k)
        knots = np.linspace(0.0, 1.0, k + 1)
        left.plot(X, evaluate(a, c, kinks, X), color=GRAYS[1 + i], ls=LINESTYLES[1 + i],
                  marker=MARKERS[i], markevery=[int(round(t * (X.size - 1))) for t in knots],
                  label=rf"$k={k}$")
    left.set_xlim(0, 1)
    left.set_ylim(-1.25, 1.6)
    left.set_xlabel("$x$")
    left.set_title("Width-$k$ ReLU nets")
    left.legend(loc="upper right", fontsize=7, handlelength=2.0, ncol=1)

    ks = WIDTHS
    interp = np.array([interpolant_error(k) for k in ks])
    rand = np.array([np.median([random_feature_error(k, s) for s in range(SEEDS)]) for k in ks])
    fine = np.geomspace(ks[0], ks[-1], 50)
    right.loglog(fine, np.pi ** 2 / (2 * fine ** 2), color=GRAYS[3], ls=LINESTYLES[0], lw=0.7,
                 label=r"$\pi^2/(2k^2)$")
    right.loglog(ks, interp, color=GRAYS[0], ls=LINESTYLES[1], marker=MARKERS[0],
                 label="interpolant")
    right.loglog(ks, rand, color=GRAYS[1], ls=LINESTYLES[2], marker=MARKERS[1],
                 label="random ReLU")
    right.set_xlabel("hidden units $k$")
    right.set_ylabel("max error")
    right.set_title("Error against width")
    right.set_ylim(4e-7 if width() < 4.0 else 4e-6, 3)  # room for the legend on the 6in screen
    right.legend(loc="lower left", fontsize=7, handlelength=2.2)
    return fig
