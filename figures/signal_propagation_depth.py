"""Signal propagation at initialisation: activation second moment and input correlation through a deep ReLU net."""

from __future__ import annotations

import numpy as np

from matplotlib.lines import Line2D

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure, width

WIDTH = 256
DEPTH = 50
BATCH = 32
GAINS = (1.0, 2.0, 2.2)  # sigma_w^2: LeCun-like, He, slightly above He
SEED = 0

CAPTION = r"""ReLU network of width 256, weights of variance $\sigma_w^2/n$. Left: mean squared pre-activation against depth, one seeded network (markers) and the infinite-width value $(\sigma_w^2/2)^{l}$ (lines), which after 50 layers is $8.9\times10^{-16}$, 1 and 117; the finite network drifts by a random factor. Right: correlation of two inputs at He initialisation, which drifts towards 1."""


def forward_moments(gain: float, seed: int = SEED, depth: int = DEPTH) -> np.ndarray:
    """Mean squared pre-activation after each layer 1..DEPTH, normalised by the input's."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, WIDTH))
    q0 = np.mean(x**2)
    out = []
    h = np.maximum(x, 0.0)  # the first layer sees ReLU outputs too, so every layer has gain sigma_w^2/2
    for _ in range(depth):
        w = rng.standard_normal((WIDTH, WIDTH)) * np.sqrt(gain / WIDTH)
        z = np.einsum("bi,ji->bj", h, w)  # single-threaded: BLAS threads gain nothing at this size
        out.append(np.mean(z**2) / q0)
        h = np.maximum(z, 0.0)
    return np.array(out)


def theory_moments(gain: float) -> np.ndarray:
    """q_l / q_0 = (sigma_w^2 / 2)^l: each layer keeps half of a symmetric pre-activation's second moment."""
    return (gain / 2) ** np.arange(1, DEPTH + 1)


def relu_correlation_map(rho: float) -> float:
    """Infinite-width correlation after one ReLU layer at sigma_w^2 = 2 (the arc-cosine kernel)."""
    theta = np.arccos(np.clip(rho, -1.0, 1.0))
    return float((np.sin(theta) + (np.pi - theta) * np.cos(theta)) / np.pi)


def correlations(rho0: float = 0.0, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Correlation of two pre-activation vectors through depth: one network, and the map."""
    rng = np.random.default_rng(seed + 1)
    a = rng.standard_normal(WIDTH)
    b = rho0 * a + np.sqrt(1 - rho0**2) * rng.standard_normal(WIDTH)
    h = np.stack([a, b])
    measured, theory, rho = [], [], rho0
    for _ in range(DEPTH):
        w = rng.standard_normal((WIDTH, WIDTH)) * np.sqrt(2.0 / WIDTH)
        h = np.maximum(h, 0.0) @ w.T
        measured.append(float(h[0] @ h[1] / np.linalg.norm(h[0]) / np.linalg.norm(h[1])))
        rho = relu_correlation_map(rho)
        theory.append(rho)
    return np.array(measured), np.array(theory)


def figure():
    narrow = width() < 4
    # on a 6in screen the gains' legend goes under the panels, off the sigma_w^2=1 line; taller panels
    # there make up for its room
    fig, (left, right) = new_figure(panels=2, aspect=1.1 if narrow else 0.9)
    layers = np.arange(1, DEPTH + 1)
    keys = []
    for i, gain in enumerate(GAINS):
        left.semilogy(layers, theory_moments(gain), color=GRAYS[i], ls=LINESTYLES[i], lw=0.8)
        left.semilogy(layers[::4], forward_moments(gain)[::4], color=GRAYS[i], ls="none",
                      marker=MARKERS[i])
        # each gain's key shows its line and its marker
        keys.append(Line2D([], [], color=GRAYS[i], ls=LINESTYLES[i], lw=0.8, marker=MARKERS[i],
                           label=rf"$\sigma_w^2={gain:g}$"))
    left.set_xlabel("layer $l$")
    left.set_ylabel("$q_l/q_0$")
    left.set_title("Signal second moment")
    if narrow:
        fig.legend(handles=keys, loc="outside lower center", ncols=3, handlelength=2.2, columnspacing=1.2)
    else:
        left.legend(handles=keys, loc="lower left", handlelength=2.2)
    measured, theory = correlations()
    right.plot(layers, theory, color=GRAYS[0], ls=LINESTYLES[0], lw=0.8, label="infinite width")
    right.plot(layers[::2], measured[::2], color=GRAYS[1], ls="none", marker=MARKERS[1],
               label=f"width {WIDTH}")
    right.set_ylim(0, 1.05)
    right.set_xlabel("layer $l$")
    right.set_ylabel("correlation")
    right.set_title(r"He initialisation, $\rho_0=0$")
    right.legend(loc="lower right")
    return fig
