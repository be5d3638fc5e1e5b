"""Binary entropy, the cross-entropy against a fixed guess q, and the KL gap between them."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, MARKERS, new_figure

Q_FIXED = 0.2  # the model's fixed belief that the outcome is 1
P_MARK = 0.7   # the true probability at which the gap is drawn

CAPTION = r"""Left: the binary entropy $H(p)$ in bits (solid) and the cross-entropy $H(p,q)=-p\log_2 q-(1-p)\log_2(1-q)$ of a model that always predicts $q=0.2$ (dashed). The cross-entropy is a straight line in $p$, tangent to the concave curve $H$ at $p=q$, so it never lies below it; the vertical gap is $\operatorname{KL}(p\,\|\,q)$. At $p=0.7$ the entropy is 0.881 bits, the cross-entropy 1.722 bits and the gap 0.841 bits. Right: the gap $\operatorname{KL}(p\,\|\,q)$ as a function of $p$ for $q=0.2$ and $q=0.5$; it is zero only at $p=q$ and is largest when the truth is far from the guess: for $q=0.2$ it reaches $\log_2 5=2.322$ bits at $p=1$, and as $q\to 0$ that end value grows without bound, which is why a confident wrong model is punished hardest."""


def entropy_bits(p: np.ndarray) -> np.ndarray:
    """Binary entropy in bits, with 0 log 0 = 0."""
    p = np.asarray(p, dtype=float)
    out = np.zeros_like(p)
    inside = (p > 0) & (p < 1)
    pi = p[inside]
    out[inside] = -(pi * np.log2(pi) + (1 - pi) * np.log2(1 - pi))
    return out


def cross_entropy_bits(p: np.ndarray, q: float) -> np.ndarray:
    """Cross-entropy H(p, q) in bits between Bernoulli(p) and Bernoulli(q)."""
    return -(np.asarray(p) * np.log2(q) + (1 - np.asarray(p)) * np.log2(1 - q))


def figure():
    fig, (left, right) = new_figure(panels=2, aspect=0.9)
    p = np.linspace(0.0, 1.0, 401)
    h = entropy_bits(p)
    ce = cross_entropy_bits(p, Q_FIXED)

    left.plot(p, h, color=GRAYS[0], ls=LINESTYLES[0], label="$H(p)$")
    left.plot(p, ce, color=GRAYS[1], ls=LINESTYLES[1], label=rf"$H(p,q{{=}}{Q_FIXED})$")
    hm = float(entropy_bits(np.array([P_MARK]))[0])
    cm = float(cross_entropy_bits(P_MARK, Q_FIXED))
    left.annotate("", xy=(P_MARK, cm), xytext=(P_MARK, hm),
                  arrowprops={"arrowstyle": "<->", "lw": 0.7, "color": GRAYS[0],
                              "shrinkA": 0, "shrinkB": 0})
    left.text(P_MARK + 0.03, (hm + cm) / 2, r"$\mathrm{KL}(p\|q)$", fontsize=7, va="center")
    left.plot([Q_FIXED], [float(entropy_bits(np.array([Q_FIXED]))[0])], ls="none",
              marker=MARKERS[0], color=GRAYS[0], ms=3)
    left.set_xlim(0, 1)
    left.set_ylim(0, 2.9)
    left.set_xlabel("$p$")
    left.set_ylabel("bits")
    left.set_title("Entropy and cross-entropy")
    left.legend(loc="upper left", fontsize=7, handlelength=2.0)

    pin = np.linspace(0.001, 0.999, 500)
    for i, q in enumerate((0.2, 0.5)):
        gap = cross_entropy_bits(pin, q) - entropy_bits(pin)
        right.plot(pin, gap, color=GRAYS[1 - i], ls=LINESTYLES[1 + i],
                   label=rf"$q={q}$")
    right.set_xlim(0, 1)
    right.set_ylim(0, 2.9)
    right.set_xlabel("$p$")
    right.set_ylabel("bits")
    right.set_title(r"Gap $\mathrm{KL}(p\|q)$")
    right.legend(loc="upper center", fontsize=7, handlelength=2.0)
    return fig
