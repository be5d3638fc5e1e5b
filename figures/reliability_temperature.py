"""Reliability diagrams of an overconfident classifier before and after temperature scaling."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure

CAPTION = r"""Synthetic 10-class classifier, logits 2.5 times too large (seed 0); $T$ fitted on 5000 validation examples; 10000 test examples, 10 bins. Markers: accuracy against mean confidence (bins of at least 50 examples); bars: share of examples. (a) Before: ECE 0.256, all markers below the diagonal. (b) After dividing by $T = 2.48$: ECE 0.009, accuracy still 0.535."""

K = 10
SCALE = 2.5  # the model's logits are SCALE times the true log-odds
N_VAL = 5000
N_TEST = 10000
BINS = 10
SEED = 0
MIN_COUNT = 50  # bins with fewer examples are not drawn


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def data(seed: int = SEED):
    """True logits, labels drawn from them, and the model's overconfident logits (val, test)."""
    rng = np.random.default_rng(seed)
    n = N_VAL + N_TEST
    true = rng.standard_normal((n, K)) * 2.0
    p = softmax(true)
    labels = (rng.random((n, 1)) < p.cumsum(axis=1)).argmax(axis=1)
    model = SCALE * true
    return (model[:N_VAL], labels[:N_VAL]), (model[N_VAL:], labels[N_VAL:])


def nll(logits: np.ndarray, labels: np.ndarray, T: float) -> float:
    z = logits / T
    z = z - z.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(labels)), labels]))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    res = minimize_scalar(lambda logt: nll(logits, labels, np.exp(logt)), bounds=(-3, 3), method="bounded",
                          options={"xatol": 1e-8})
    return float(np.exp(res.x))


def reliability(probs: np.ndarray, labels: np.ndarray, bins: int = BINS):
    """Per-bin mean confidence, accuracy and count, and the expected calibration error."""
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    count = np.bincount(idx, minlength=bins)
    mean_conf = np.bincount(idx, weights=conf, minlength=bins) / np.maximum(count, 1)
    acc = np.bincount(idx, weights=correct, minlength=bins) / np.maximum(count, 1)
    ece = float(np.sum(count * np.abs(acc - mean_conf)) / len(labels))
    return mean_conf, acc, count, ece


def figure():
    (zv, yv), (zt, yt) = data()
    T = fit_temperature(zv, yv)
    fig, axes = new_figure(panels=2, aspect=0.95, sharey=True)
    for i, (ax, temp, title) in enumerate(zip(axes, (1.0, T), ("(a) Before", "(b) After"))):
        conf, acc, count, ece = reliability(softmax(zt / temp), yt)
        edges = np.arange(BINS) / BINS
        ax.bar(edges, count / count.sum(), width=1 / BINS, align="edge", color="0.88", edgecolor="0.6",
               linewidth=0.4, label="share")
        ax.plot([0, 1], [0, 1], color=GRAYS[1], linestyle=LINESTYLES[1], linewidth=0.8, label="ideal")
        keep = count >= MIN_COUNT
        ax.plot(conf[keep], acc[keep], color=GRAYS[0], linestyle=LINESTYLES[0], marker=MARKERS[i],
                markerfacecolor="none", label="accuracy")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel("confidence")
        ax.set_title(f"{title}: ECE {ece:.3f}")
        ax.label_outer()
    axes[0].set_ylabel("accuracy / share")
    axes[0].legend(loc="upper left", fontsize=7, handlelength=1.8, borderaxespad=0.3)
    return fig
