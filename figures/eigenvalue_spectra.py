"""Sample-covariance spectra: Marchenko-Pastur spreading, a spiked model under ridge and Ledoit-Wolf, and conditioning against n/p."""

from __future__ import annotations

import numpy as np


from handbook.plotting import GRAYS, LINESTYLES, MARKERS, legend_below, new_figure

GAMMAS = (0.1, 0.25, 0.5)  # p/n for the Marchenko-Pastur panel
P_BULK = 400  # dimension for the Marchenko-Pastur panel
P = 100  # dimension for the spiked model
SPIKES = (10.0, 4.0, 1.5)  # population eigenvalues above a bulk at 1
N_SPIKED = 200  # samples for the spiked-spectrum panel (n/p = 2)
RIDGE_ALPHA = 0.5
RATIOS = (1.1, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0)  # n/p for the last panel

CAPTION = r"""Sample covariance spectra when $p$ is comparable to $n$. \emph{Spreading}: eigenvalues of $S$ for white data ($\Sigma = I$, $p = 400$) at $p/n = 0.1, 0.25, 0.5$ (step histograms) against the Marchenko-Pastur density (curves); every true eigenvalue is 1, yet the sample eigenvalues fill $[(1-\sqrt{\gamma})^2, (1+\sqrt{\gamma})^2]$. \emph{Spiked}: a spiked model ($p = 100$, $n = 200$, true eigenvalues 10, 4, 1.5 on a bulk of ones), sorted on a log scale. In the sample spectrum the spike at 1.5, being below the BBP threshold, disappears into the noise, and the bulk, truly all ones, spreads so far that its smallest eigenvalues fall near 0.1; ridge ($\alpha = 0.5$) lifts every eigenvalue by the same amount, while Ledoit-Wolf (LW) pulls all of them linearly toward their mean, large ones down and small ones up. \emph{Conditioning}: condition number against $n/p$ for the same model (dotted line: the true value 10). The sample value follows the large-$n$ prediction $(1+\ell)(1+\gamma/\ell)/(1-\sqrt{\gamma})^2$ with $\ell = 9$ and blows up as $n/p \to 1$; both regularised estimates stay bounded, and near $n/p = 1$ Ledoit-Wolf can even fall below the true value, because its single intensity also pulls the spike at 10 far down."""


def mp_density(lam: np.ndarray, gamma: float) -> np.ndarray:
    """Marchenko-Pastur density for unit variance and aspect ratio gamma <= 1."""
    lo, hi = (1 - np.sqrt(gamma)) ** 2, (1 + np.sqrt(gamma)) ** 2
    inside = np.clip((hi - lam) * (lam - lo), 0.0, None)
    return np.sqrt(inside) / (2 * np.pi * gamma * lam)


def population(p: int = P) -> np.ndarray:
    """Population eigenvalues of the spiked model, largest first."""
    lam = np.ones(p)
    lam[: len(SPIKES)] = SPIKES
    return lam


def sample_cov(x: np.ndarray) -> np.ndarray:
    """Covariance with the mean removed, divided by n."""
    xc = x - x.mean(axis=0)
    return xc.T @ xc / len(xc)


def ledoit_wolf(x: np.ndarray) -> np.ndarray:
    """Ledoit-Wolf (2004) shrinkage of the sample covariance toward its mean eigenvalue times I."""
    xc = x - x.mean(axis=0)
    n, p = xc.shape
    s = xc.T @ xc / n
    mu = np.trace(s) / p
    d2 = np.sum((s - mu * np.eye(p)) ** 2) / p
    b2_bar = (np.sum(np.sum(xc**2, axis=1) ** 2) - n * np.sum(s**2)) / (n**2 * p)
    rho = min(b2_bar, d2) / d2
    return rho * mu * np.eye(p) + (1 - rho) * s


def draw(rng: np.random.Generator, n: int, lam: np.ndarray) -> np.ndarray:
    """n Gaussian rows with diagonal covariance diag(lam)."""
    return rng.standard_normal((n, len(lam))) * np.sqrt(lam)


def spectra(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Sorted eigenvalues of the population, sample, ridge and Ledoit-Wolf matrices."""
    lam = population()
    x = draw(rng, n, lam)
    s = sample_cov(x)
    out = {
        "population": lam,
        "sample": np.linalg.eigvalsh(s)[::-1],
        "ridge": np.linalg.eigvalsh(s + RIDGE_ALPHA * np.eye(P))[::-1],
        "LW": np.linalg.eigvalsh(ledoit_wolf(x))[::-1],
    }
    return out


def kappa_prediction(ratio: np.ndarray) -> np.ndarray:
    """Large-n condition number of S for the spiked model: BBP top over the MP lower edge."""
    gamma = 1 / ratio
    ell = SPIKES[0] - 1
    return (1 + ell) * (1 + gamma / ell) / (1 - np.sqrt(gamma)) ** 2


def _mp_panel(ax, rng: np.random.Generator) -> None:
    grid = np.linspace(1e-3, 3.2, 600)
    for i, gamma in enumerate(GAMMAS):
        n = int(round(P_BULK / gamma))
        ev = np.linalg.eigvalsh(sample_cov(rng.standard_normal((n, P_BULK))))
        ax.hist(ev, bins=30, density=True, histtype="step", color=GRAYS[1], lw=0.5)
        ax.plot(grid, mp_density(grid, gamma), color=GRAYS[0], ls=LINESTYLES[i],
                label=rf"$\gamma = {gamma:g}$")
    ax.set_xlabel(r"eigenvalue $\lambda$")
    ax.set_ylabel("density")
    ax.set_title(r"$\Sigma = I$: spreading")
    ax.set_xlim(0, 3.2)
    ax.set_ylim(0, 1.25)
    legend_below(ax, ncol=2)


def _spiked_panel(ax, rng: np.random.Generator) -> None:
    idx = np.arange(1, P + 1)
    for i, (name, ev) in enumerate(spectra(rng, N_SPIKED).items()):
        ax.plot(idx, ev, color=GRAYS[i % 3], ls=LINESTYLES[i], marker=MARKERS[i],
                markevery=(i * 3, 12), markersize=2.8, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("rank of eigenvalue")
    ax.set_ylabel("eigenvalue")
    ax.set_title(r"spiked, $n/p = 2$")
    legend_below(ax, ncol=2)


def _kappa_panel(ax, rng: np.random.Generator) -> None:
    ratios = np.array(RATIOS)
    rows = []
    for ratio in ratios:
        x = draw(rng, int(round(ratio * P)), population())
        s = sample_cov(x)
        rows.append([np.linalg.cond(s), np.linalg.cond(s + RIDGE_ALPHA * np.eye(P)),
                     np.linalg.cond(ledoit_wolf(x))])
    kap = np.array(rows)
    fine = np.geomspace(ratios[0], ratios[-1], 200)
    ax.plot(fine, kappa_prediction(fine), color=GRAYS[0], ls="-", lw=0.8, label="theory")
    labels = ("sample", "ridge", "LW")
    for j, label in enumerate(labels, start=1):
        ax.plot(ratios, kap[:, j - 1], color=GRAYS[j % 3], ls=LINESTYLES[j] if j > 1 else "none",
                marker=MARKERS[j], markersize=2.8, label=label)
    ax.axhline(SPIKES[0], color=GRAYS[3], ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("$n/p$")
    ax.set_ylabel(r"$\kappa$")
    ax.set_title("conditioning")
    legend_below(ax, ncol=2)


def figure():
    rng = np.random.default_rng(0)
    fig, axes = new_figure(panels=3, aspect=1.0)
    _mp_panel(axes[0], rng)
    _spiked_panel(axes[1], rng)
    _kappa_panel(axes[2], rng)
    return fig
