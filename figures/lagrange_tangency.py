"""Lagrange tangency: level sets of w'Sigma w touching the unit circle where the gradients are parallel."""

from __future__ import annotations

import numpy as np

from handbook.plotting import new_figure

CAPTION = r"""Extremes of $f(w)=w^\top\Sigma w$ on the unit circle $g(w)=w^\top w-1=0$, with $\Sigma$ having 2 on the diagonal and 1 off it. (a) The constraint (solid circle) and the level sets $f=1$, 2 and 3 (dashed ellipses). The level set $f=3$ touches the circle at $\pm(1,1)/\sqrt2$ (filled dots), where $\nabla f=2\Sigma w$ (black arrow) and $\nabla g=2w$ (grey arrow) are parallel with ratio $\lambda=3$: the Lagrange multiplier, which is also the top eigenvalue of $\Sigma$ and the maximum. The level set $f=1$ touches from inside at $\pm(1,-1)/\sqrt2$ (open squares), with $\lambda=1$, the minimum. At $w=(1,0)$ the level set $f=2$ crosses the circle instead: the gradients are not parallel, $\nabla f$ has a component along the circle, and $f$ can still be increased there. (b) The objective along the circle, $f(\cos\theta,\sin\theta)=2+\sin2\theta$, is stationary exactly at the tangency points, $\theta=45^\circ$ and $135^\circ$ (and their antipodes); at $\theta=0$ its slope is 2."""

SIGMA = np.array([[2.0, 1.0], [1.0, 2.0]])
LEVELS = (1.0, 2.0, 3.0)
CROSSING = np.array([1.0, 0.0])
LABEL_ANGLES = (200.0, -45.0, 135.0)  # degrees, where each level set is labelled


def label_spot(level: float, angle_deg: float) -> tuple[float, float]:
    """The point of the level set f = level in direction angle_deg."""
    u = np.array([np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))])
    r = np.sqrt(level / (u @ SIGMA @ u))
    return float(r * u[0]), float(r * u[1])


def f(w: np.ndarray) -> np.ndarray:
    """w' Sigma w for points stacked along the first axis."""
    return np.einsum("i...,ij,j...->...", w, SIGMA, w)


def grad_f(w: np.ndarray) -> np.ndarray:
    return 2 * SIGMA @ w


def grad_g(w: np.ndarray) -> np.ndarray:
    return 2 * w


def tangency_points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and unit eigenvectors (columns) of Sigma: the Lagrange points."""
    vals, vecs = np.linalg.eigh(SIGMA)
    return vals, vecs, vecs.T @ SIGMA @ vecs


def _arrow(ax, base, direction, length, shade, width=1.0):
    tip = base + length * direction / np.linalg.norm(direction)
    ax.annotate("", xy=tip, xytext=base,
                arrowprops=dict(arrowstyle="-|>", color=shade, lw=width, shrinkA=0, shrinkB=0,
                                mutation_scale=7))
    return tip


def figure():
    fig, (ax_map, ax_line) = new_figure(panels=2, aspect=1.0)

    grid = np.linspace(-1.9, 1.9, 301)
    gx, gy = np.meshgrid(grid, grid)
    cs = ax_map.contour(gx, gy, f(np.stack([gx, gy])), levels=list(LEVELS), colors="0.45",
                        linewidths=0.7, linestyles="dashed")
    spots = [label_spot(level, angle) for level, angle in zip(LEVELS, LABEL_ANGLES)]
    ax_map.clabel(cs, fmt={lv: f"$f={lv:g}$" for lv in LEVELS}, manual=spots, inline=True, colors="0.0",
                  inline_spacing=2)
    t = np.linspace(0, 2 * np.pi, 300)
    ax_map.plot(np.cos(t), np.sin(t), color="0.0", linewidth=1.2)

    vals, vecs, _ = tangency_points()
    w_min, w_max = vecs[:, 0] * np.sign(vecs[0, 0]), vecs[:, 1] * np.sign(vecs[0, 1])
    for s in (1, -1):
        ax_map.plot(*(s * w_max), marker="o", color="0.0", markersize=4, linestyle="none")
        ax_map.plot(*(s * w_min), marker="s", markerfacecolor="white", color="0.0",
                    markersize=4, linestyle="none")
    for base in (w_max, CROSSING):
        tip_f = _arrow(ax_map, base, grad_f(base), 0.75, "0.0")
        tip_g = _arrow(ax_map, base, grad_g(base), 0.45, "0.55", width=1.6)
    ax_map.text(*(tip_f + np.array([0.02, 0.08])), r"$\nabla f$", ha="left", va="bottom")
    ax_map.text(*(tip_g + np.array([0.05, -0.05])), r"$\nabla g$", ha="left", va="top")
    ax_map.set_xlim(-1.7, 2.3)  # room on the right for the gradient labels
    ax_map.set_ylim(-1.9, 1.9)
    ax_map.set_aspect("equal")
    ax_map.set_title("(a) tangency on the circle")
    ax_map.set_xlabel("$w_1$")
    ax_map.set_ylabel("$w_2$")

    theta = np.linspace(0, np.pi, 300)
    ax_line.plot(np.degrees(theta), f(np.stack([np.cos(theta), np.sin(theta)])), color="0.0")
    ax_line.plot([45], [vals[1]], marker="o", color="0.0", linestyle="none")
    ax_line.plot([135], [vals[0]], marker="s", markerfacecolor="white", color="0.0",
                 linestyle="none")
    ax_line.plot([0, 25], [2, 2 + 2 * np.radians(25)], color="0.55", linewidth=1.0)
    for y in (vals[0], vals[1]):
        ax_line.axhline(y, color="0.75", linewidth=0.5, linestyle=":")
    ax_line.set_xticks([0, 45, 90, 135, 180])
    ax_line.set_xlim(0, 180)
    ax_line.set_ylim(0.7, 3.3)
    ax_line.set_title("(b) $f$ along the circle")
    ax_line.set_xlabel(r"angle $\theta$ (degrees)")
    ax_line.set_ylabel(r"$f(\cos\theta,\sin\theta)$")
    return fig
