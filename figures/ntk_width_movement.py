"""Lazy training: the empirical NTK of a wide two-layer ReLU net barely moves during training; a narrow one's does."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure, width as text_width

N_TRAIN = 8
STEPS = 400
LR = 0.2
WIDTHS = (16, 64, 256, 1024, 4096)
SEEDS = 3
ANCHOR = 0.0  # the kernel column Theta(x, ANCHOR) drawn on the left
GRID = np.linspace(-1.0, 1.0, 121)

CAPTION = r"""Networks $f(x)=m^{-1/2}\sum_i a_i\,\mathrm{ReLU}(w_i^\top(x,1))$ trained by gradient descent on 8 points of $\sin 3x$. Left: the kernel $\Theta(x,0)$ before (lines) and after (markers) training, for widths 16 and 4096. Right: relative change of the kernel matrix against width $m$ (mean of 3 seeds), and a line of slope $-1/2$; it falls from 0.91 at width 16 to 0.019 at width 4096."""


def data() -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(-1.0, 1.0, N_TRAIN)
    return x, np.sin(3.0 * x)


def init(width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(width), rng.standard_normal((width, 2))


def features(x: np.ndarray) -> np.ndarray:
    return np.stack([x, np.ones_like(x)], axis=1)


def predict(a: np.ndarray, w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.maximum(features(x) @ w.T, 0.0) @ a / np.sqrt(a.size)


def jacobian(a: np.ndarray, w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """d f(x) / d(a, w) for each input, as rows of length 3m."""
    u = features(x)
    pre = u @ w.T
    m = a.size
    da = np.maximum(pre, 0.0)
    gate = (pre > 0) * a  # d f / d pre, before the 1/sqrt(m)
    dw = gate[:, :, None] * u[:, None, :]
    return np.concatenate([da, dw.reshape(len(x), -1)], axis=1) / np.sqrt(m)


def ntk(a, w, x, y=None) -> np.ndarray:
    y = x if y is None else y
    return jacobian(a, w, x) @ jacobian(a, w, y).T


@lru_cache(maxsize=None)  # the figure reuses two of the runs behind the right panel
def train(width: int, seed: int):
    """Full-batch gradient descent on 0.5 * sum of squared errors; returns initial and final weights."""
    x, target = data()
    a, w = init(width, seed)
    a0, w0 = a.copy(), w.copy()
    u = features(x)
    scale = 1.0 / np.sqrt(width)
    for _ in range(STEPS):
        pre = u @ w.T
        residual = np.maximum(pre, 0.0) @ a * scale - target
        grad_a = np.maximum(pre, 0.0).T @ residual * scale
        grad_w = (((pre > 0) * residual[:, None]).T @ u) * a[:, None] * scale
        a = a - LR * grad_a
        w = w - LR * grad_w
    return (a0, w0), (a, w)


def kernel_change(width: int, seed: int) -> float:
    """||Theta_T - Theta_0||_F / ||Theta_0||_F on the training inputs."""
    x, _ = data()
    (a0, w0), (a, w) = train(width, seed)
    before, after = ntk(a0, w0, x), ntk(a, w, x)
    return float(np.linalg.norm(after - before) / np.linalg.norm(before))


def final_loss(width: int, seed: int) -> float:
    x, target = data()
    _, (a, w) = train(width, seed)
    return float(0.5 * np.sum((predict(a, w, x) - target) ** 2))


def mean_changes() -> np.ndarray:
    return np.array([np.mean([kernel_change(m, s) for s in range(SEEDS)]) for m in WIDTHS])


def figure():
    narrow = text_width() < 4
    # on a 6in screen the two-row legend takes a fixed height: taller panels keep them readable
    fig, (left, right) = new_figure(panels=2, aspect=1.2 if narrow else 0.9)
    anchor = np.array([ANCHOR])
    for i, width in enumerate((WIDTHS[0], WIDTHS[-1])):
        (a0, w0), (a, w) = train(width, seed=0)
        left.plot(GRID, ntk(a0, w0, GRID, anchor)[:, 0], color=GRAYS[i], ls=LINESTYLES[i],
                  label=f"$m={width}$, start")
        left.plot(GRID[::8], ntk(a, w, GRID, anchor)[::8, 0], color=GRAYS[i], ls="none",
                  marker=MARKERS[i], label=f"$m={width}$, end")
    left.set_xlabel("$x$")
    left.set_title(r"$\Theta(x,0)$")
    # four entries in one row are wider than a 6in screen; there two columns, m=16 left and m=4096 right
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=2 if narrow else 4,
               fontsize=7, handlelength=1.8)
    changes = mean_changes()
    widths = np.array(WIDTHS, dtype=float)
    right.loglog(widths, changes, color=GRAYS[0], ls=LINESTYLES[1], marker=MARKERS[0])
    right.loglog(widths, changes[-1] * np.sqrt(widths[-1] / widths), color=GRAYS[3], lw=0.7)
    right.set_xlabel("width $m$")
    right.set_ylabel(r"$\|\Theta_T-\Theta_0\|_F/\|\Theta_0\|_F$")
    right.set_title("Kernel movement")
    return fig
