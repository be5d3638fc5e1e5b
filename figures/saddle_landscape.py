"""Gradient descent near the saddle of f(x, y) = x^2/2 - y^2/2 + y^4/4: Hessian directions, plateaus and escape."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure, width

CAPTION = r"""Gradient descent with step $\eta = 0.1$ on $f(x,y) = \tfrac12 x^2 - \tfrac12 y^2 + \tfrac14 y^4$, which has a saddle at the origin (Hessian eigenvalues $+1$ along $x$ and $-1$ along $y$) and minima at $(0, \pm 1)$ with $f = -0.25$. Each run starts at $x = 1.5$ with a tiny offset $\epsilon$ along the escape direction $y$. (a) Contours, the Hessian eigen-directions at the saddle (arrows), the minima (stars) and the paths, with a marker every 5 steps; the markers bunch up near the saddle, where the steps are tiny. (b) The loss sits on a plateau at $f \approx 0$ before it drops. (c) On the plateau the gradient norm falls by orders of magnitude, so a small gradient does not certify a minimum; with $\epsilon = 0$ the run never leaves the stable direction and converges to the saddle. (d) The step at which $f$ first falls below $-0.125$ grows linearly in $\log_{10}(1/\epsilon)$; the dashed line has the predicted slope (its intercept is fitted) of $\ln 10/\ln 1.1 \approx 24$ steps per decade (about 48 per hundredfold), because the offset is multiplied by $1 + \eta$ at every step."""

ETA = 0.1
X0 = 1.5
OFFSETS = (1e-2, -1e-4, 1e-8, 0.0)
LABELS = (r"$\epsilon = 10^{-2}$", r"$\epsilon = -10^{-4}$", r"$\epsilon = 10^{-8}$", r"$\epsilon = 0$")
STEPS = 260


def loss(x, y):
    """The landscape: a saddle at the origin between two minima at (0, +-1)."""
    return 0.5 * x**2 - 0.5 * y**2 + 0.25 * y**4


def grad(x, y):
    return np.array([x, -y + y**3])


def descend(x0: float, y0: float, eta: float = ETA, steps: int = STEPS) -> np.ndarray:
    """Plain gradient descent; returns the (steps + 1, 2) array of iterates."""
    path = np.empty((steps + 1, 2))
    path[0] = (x0, y0)
    for k in range(steps):
        path[k + 1] = path[k] - eta * grad(*path[k])
    return path


def escape_step(eps: float, eta: float = ETA, threshold: float = -0.125) -> int:
    """The first step at which the loss falls below `threshold` (half-way to the minimum)."""
    path = descend(X0, eps, eta=eta, steps=2000)
    below = loss(path[:, 0], path[:, 1]) < threshold
    return int(np.argmax(below)) if below.any() else -1


def figure():
    fig, axes = new_figure(panels=4, aspect=0.9 if width() < 4.0 else 0.72)
    ax_map, ax_loss, ax_grad, ax_esc = axes

    grid = np.linspace(-1.7, 1.7, 241)
    gx, gy = np.meshgrid(grid, grid)
    levels = np.array([-0.2, -0.1, 0.0, 0.2, 0.5, 1.0])
    ax_map.contour(gx, gy, loss(gx, gy), levels=levels, colors="0.75", linewidths=0.5,
                   linestyles="solid")
    arrow = dict(arrowstyle="<->", color="0.0", lw=0.8, shrinkA=0, shrinkB=0)
    ax_map.annotate("", xy=(0.8, 0), xytext=(-0.8, 0), arrowprops=arrow)
    ax_map.annotate("", xy=(0, 0.6), xytext=(0, -0.6), arrowprops=arrow)
    ax_map.text(-0.8, 0.1, "$+1$", ha="left", va="bottom")
    ax_map.text(0.12, -0.6, "$-1$", ha="left", va="center")
    ax_map.plot([0, 0], [-1, 1], linestyle="none", marker="*", color="0.0", markersize=6)

    paths = [descend(X0, eps) for eps in OFFSETS]
    for i, path in enumerate(paths):
        style = dict(color=GRAYS[i], linestyle=LINESTYLES[i])
        ax_map.plot(path[:, 0], path[:, 1], **style, lw=0.9)
        ax_map.plot(path[::5, 0], path[::5, 1], linestyle="none", marker=MARKERS[i],
                    color=GRAYS[i], markersize=2.2, markerfacecolor="none", markeredgewidth=0.5)
        steps = np.arange(len(path))
        ax_loss.plot(steps, loss(path[:, 0], path[:, 1]), **style, label=LABELS[i])
        norms = np.hypot(*grad(path[:, 0], path[:, 1]))
        ax_grad.semilogy(steps, np.maximum(norms, 1e-12), **style, label=LABELS[i])

    ax_map.set_xlim(-1.7, 1.7)
    ax_map.set_ylim(-1.7, 1.7)
    ax_map.set_aspect("equal")
    ax_map.set_xlabel("$x$")
    ax_map.set_ylabel("$y$", labelpad=1)
    ax_map.set_title("(a) Saddle and paths")

    ax_loss.axhline(-0.25, color="0.6", lw=0.5, linestyle=":")
    ax_loss.set_xlabel("step $k$")
    ax_loss.set_ylabel(r"$f(\theta_k)$", labelpad=1)
    ax_loss.set_title("(b) Loss")
    ax_loss.set_xlim(0, STEPS)
    ax_loss.legend(loc="upper right", fontsize=7, handlelength=2.2, borderaxespad=0.2)

    ax_grad.set_xlabel("step $k$")
    ax_grad.set_ylabel(r"$\|\nabla f(\theta_k)\|$", labelpad=1)
    ax_grad.set_title("(c) Gradient norm")
    ax_grad.set_xlim(0, STEPS)
    ax_grad.set_ylim(1e-12, 10)

    decades = np.arange(1, 13)
    measured = np.array([escape_step(10.0 ** -d) for d in decades])
    slope = np.log(10) / np.log(1 + ETA)
    intercept = np.mean(measured - slope * decades)
    ax_esc.plot(decades, intercept + slope * decades, color=GRAYS[1], linestyle="--",
                label="theory")
    ax_esc.plot(decades, measured, linestyle="none", marker=MARKERS[0], color=GRAYS[0],
                markerfacecolor="none", label="measured")
    ax_esc.set_xlabel(r"$\log_{10}(1/\epsilon)$")
    ax_esc.set_xticks(np.arange(2, 13, 2))
    ax_esc.set_ylabel("escape step", labelpad=1)
    ax_esc.set_title("(d) Time to escape")
    ax_esc.legend(loc="upper left", fontsize=7, handlelength=2.0, borderaxespad=0.2)
    return fig
