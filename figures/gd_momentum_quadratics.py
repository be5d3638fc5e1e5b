"""Gradient descent, heavy ball and Nesterov on quadratics of growing condition number."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure

CAPTION = r"""Gradient descent (GD) with its best fixed step $2/(\mu+L)$, heavy ball with Polyak's step and momentum, and Nesterov's method with $\eta=1/L$, $\beta=(\sqrt\kappa-1)/(\sqrt\kappa+1)$, on quadratics with condition number $\kappa=L/\mu$. (a) Paths on $f=\tfrac12(x^2+10y^2)$ ($\kappa=10$) from $(-1,0.3)$: GD zigzags across the steep direction while creeping along the shallow one; heavy ball overshoots but arrives in far fewer steps. (b) Iterations needed to shrink the error by a factor $10^6$, against $\kappa$, on 20-dimensional quadratics with eigenvalues spread evenly on a log scale from 1 to $\kappa$ and equal initial error along each eigenvector. Markers are measured (at $\kappa=100$: 634 for GD, 87 for heavy ball, 143 for Nesterov); lines are the predictions $\ln(10^6)/(-\ln\rho)$ from the rates $\rho$. On log-log axes GD has slope 1 and the accelerated methods slope 1/2: iterations grow like $\kappa$ and $\sqrt\kappa$. (c) Why: the contraction factor per step along an eigen-direction with eigenvalue $\lambda$, for $\kappa=100$. GD's $|1-\eta\lambda|$ is worst at both ends of the spectrum, while heavy ball's complex roots have the same modulus $\sqrt\beta=9/11$ for every $\lambda$ in $[\mu,L]$."""

KAPPA_PATH = 10.0
START = (-1.0, 0.3)
PATH_STEPS = 25
DIM = 20
KAPPA_CURVE = 100.0
TOL = 1e-6
KAPPAS = np.array([10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0])


def parameters(kappa: float, L: float) -> dict[str, tuple[float, float]]:
    """(step, momentum) for each method on a quadratic with eigenvalues in [L/kappa, L]."""
    mu = L / kappa
    s = np.sqrt(kappa)
    return {
        "GD": (2.0 / (mu + L), 0.0),
        "heavy ball": (4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2, ((s - 1) / (s + 1)) ** 2),
        "Nesterov": (1.0 / L, (s - 1) / (s + 1)),
    }


def rate(method: str, kappa: float) -> float:
    """The predicted contraction factor per step."""
    s = np.sqrt(kappa)
    return {"GD": (kappa - 1) / (kappa + 1), "heavy ball": (s - 1) / (s + 1), "Nesterov": 1 - 1 / s}[method]


def run(method: str, lam: np.ndarray, e0: np.ndarray, steps: int) -> np.ndarray:
    """Errors e_k (rows) on the diagonal quadratic with Hessian diag(lam)."""
    eta, beta = parameters(lam.max() / lam.min(), lam.max())[method]
    out = np.empty((steps + 1, e0.size))
    out[0] = prev = e = e0.copy()
    for k in range(steps):
        if method == "Nesterov":
            y = e + beta * (e - prev)
            e, prev = y - eta * lam * y, e
        else:
            e, prev = e - eta * lam * e + beta * (e - prev), e
        out[k + 1] = e
    return out


def spectrum(kappa: float, dim: int = DIM) -> np.ndarray:
    return np.geomspace(1.0, kappa, dim)


def iterations_to_tol(method: str, kappa: float, tol: float = TOL) -> int:
    """First k with ||e_k|| <= tol ||e_0||, measured by running the method."""
    lam = spectrum(kappa)
    e0 = np.ones(DIM) / np.sqrt(DIM)
    if method == "GD":  # closed form: each component shrinks by (1 - eta*lam) per step
        eta = parameters(kappa, lam.max())["GD"][0]
        k = np.arange(int(2 * np.log(1 / tol) / -np.log(rate("GD", kappa))) + 10)
        norms = np.sqrt(((1 - eta * lam)[None, :] ** (2 * k[:, None]) * e0**2).sum(axis=1))
        return int(np.argmax(norms <= tol))
    steps = int(4 * np.log(1 / tol) / -np.log(rate(method, kappa))) + 50
    norms = np.linalg.norm(run(method, lam, e0, steps), axis=1)
    return int(np.argmax(norms <= tol))


def predicted_iterations(method: str, kappa: np.ndarray, tol: float = TOL) -> np.ndarray:
    return np.log(1 / tol) / -np.log(np.vectorize(lambda k: rate(method, k))(kappa))


METHODS = ("GD", "heavy ball", "Nesterov")


def contraction(method: str, lam: np.ndarray, kappa: float) -> np.ndarray:
    """Largest root modulus of the per-direction recurrence, for eigenvalues lam (mu = 1)."""
    eta, beta = parameters(kappa, kappa)[method]
    q = eta * np.asarray(lam, dtype=float)
    if method == "GD":
        return np.abs(1 - q)
    b, c = ((1 + beta - q), beta * np.ones_like(q)) if method == "heavy ball" else \
        ((1 + beta) * (1 - q), beta * (1 - q))
    disc = np.sqrt((b**2 - 4 * c).astype(complex))
    return np.maximum(np.abs((b + disc) / 2), np.abs((b - disc) / 2))


def figure():
    fig, (ax_path, ax_iter, ax_rate) = new_figure(panels=3, aspect=1.0)

    lam2 = np.array([1.0, KAPPA_PATH])
    gx, gy = np.meshgrid(np.linspace(-1.15, 0.35, 200), np.linspace(-0.45, 0.45, 200))
    ax_path.contour(gx, gy, 0.5 * (gx**2 + KAPPA_PATH * gy**2), levels=8, colors="0.8",
                    linewidths=0.5, linestyles="solid")
    for i, method in enumerate(("GD", "heavy ball")):
        path = run(method, lam2, np.array(START), PATH_STEPS)
        ax_path.plot(path[:, 0], path[:, 1], color=GRAYS[i], linestyle=LINESTYLES[i],
                     marker=MARKERS[i], markersize=2.2, linewidth=0.8)
    ax_path.plot([0], [0], marker="*", color="0.0", markersize=6, linestyle="none")
    ax_path.set_title(r"(a) paths, $\kappa=10$")
    ax_path.set_xlabel("$x$")
    ax_path.set_ylabel("$y$")
    ax_path.set_ylim(-0.45, 0.45)

    fine = np.geomspace(KAPPAS[0], KAPPAS[-1], 100)
    for i, method in enumerate(METHODS):
        measured = [iterations_to_tol(method, k) for k in KAPPAS]
        ax_iter.loglog(fine, predicted_iterations(method, fine), color=GRAYS[i],
                       linestyle=LINESTYLES[i], linewidth=0.9)
        ax_iter.loglog(KAPPAS, measured, color=GRAYS[i], marker=MARKERS[i], linestyle="none")
    ax_iter.set_title(r"(b) iterations to $10^{-6}$")
    ax_iter.set_xlabel(r"condition number $\kappa$")
    ax_iter.set_ylabel("iterations")

    lam = np.linspace(1.0, KAPPA_CURVE, 400)
    for i, method in enumerate(METHODS):
        ax_rate.plot(lam, contraction(method, lam, KAPPA_CURVE), color=GRAYS[i],
                     linestyle=LINESTYLES[i])
        pick = np.linspace(1.0, KAPPA_CURVE, 6)
        ax_rate.plot(pick, contraction(method, pick, KAPPA_CURVE), color=GRAYS[i],
                     marker=MARKERS[i], linestyle="none")
    ax_rate.set_ylim(0, 1.05)
    ax_rate.set_title(r"(c) rate per direction")
    ax_rate.set_xlabel(r"eigenvalue $\lambda$ ($\mu=1$)")
    ax_rate.set_ylabel(r"factor per step $|z|$")

    handles = [Line2D([], [], color=GRAYS[i], linestyle=LINESTYLES[i], marker=MARKERS[i])
               for i in range(len(METHODS))]
    fig.legend(handles, METHODS, loc="outside lower center", ncols=len(METHODS))
    return fig
