"""SGD noise as temperature: stationary spread of SGD on quadratics against the Ornstein-Uhlenbeck (Lyapunov) prediction."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from handbook.plotting import LINESTYLES, MARKERS, new_figure

CAPTION = r"""SGD on quadratics with Gaussian gradient noise of covariance $\Sigma/B$, compared with the Ornstein-Uhlenbeck (OU) limit of the SDE $d\theta=-\nabla L\,dt+\sqrt{\eta/B}\,\Sigma^{1/2}dW$ (black lines). (a) Stationary variance on $L=\tfrac12h\theta^2$ with $h=1$ and per-example noise variance $\sigma^2=1$, against $\eta/B$, for batch sizes 1, 4 and 16 (markers, simulated). The OU prediction $\eta\sigma^2/(2Bh)$ depends on $\eta/B$ alone; the exact discrete value $\eta\sigma^2/(Bh(2-\eta h))$ (dashed, one per batch size) peels away as $\eta h$ approaches the stability limit 2, first for the largest batch, which needs the largest $\eta$ for a given temperature. (b) Two dimensions with $H=\operatorname{diag}(2,0.5)$, noise correlation 0.9, $\eta=0.05$ and $B=1$: iterates (dots), the covariance solving the Lyapunov equation $HS+SH=(\eta/B)\Sigma$ (solid), the sample covariance (dashed, almost on top of it) and the Gibbs guess $TH^{-1}$ for isotropic noise of the same average size (dotted), all as two-standard-deviation ellipses. The Gibbs guess has the right variances but misses the correlation of 0.72 that anisotropic noise induces. (c) The time scale $t=k\eta$: from $\theta_0=1$, the exact mean and mean $\pm$ two standard deviations of SGD (markers) with $\eta=0.1$, $B=1$ and with $\eta=0.4$, $B=4$, which share $\eta/B$, against $t=k\eta$, with the OU solution. The small step tracks the SDE; the large one relaxes faster per unit time, as $(1-\eta h)^k<e^{-hk\eta}$, and settles wider: the first-order error."""

H_1D = 1.0
SIGMA2 = 1.0
BATCHES = (1, 4, 16)
SHADES = {1: "0.0", 4: "0.4", 16: "0.65"}
ETAS = np.array([0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 1.5])
H_2D = np.array([2.0, 0.5])
RHO_NOISE = 0.9
ETA_2D = 0.05
B_2D = 1
TIME_SETTINGS = ((0.1, 1), (0.4, 4))  # same eta/B
T_END = 6.0


def ou_variance(eta, batch, h=H_1D, sigma2=SIGMA2):
    """Stationary variance of the OU process dX = -hX dt + sqrt(eta sigma2 / B) dW."""
    return eta * sigma2 / (2 * batch * h)


def sgd_variance(eta, batch, h=H_1D, sigma2=SIGMA2):
    """Exact stationary variance of theta <- (1 - eta h) theta - eta xi, Var xi = sigma2 / B."""
    return eta * sigma2 / (batch * h * (2 - eta * h))


def simulate_1d(etas, batches, chains=1000, burn=500, keep=500, seed=0) -> np.ndarray:
    """Stationary variance of simulated SGD chains for each (eta, B) pair."""
    rng = np.random.default_rng(seed)
    etas = np.asarray(etas, dtype=float)[:, None]
    scale = etas * np.sqrt(SIGMA2 / np.asarray(batches, dtype=float))[:, None]
    theta = np.zeros((etas.shape[0], chains))
    total = np.zeros(etas.shape[0])
    for k in range(burn + keep):
        theta = (1 - etas * H_1D) * theta - scale * rng.standard_normal(theta.shape)
        if k >= burn:
            total += (theta**2).mean(axis=1)
    return total / keep


def exact_moments(eta, batch, steps, theta0=1.0, h=H_1D, sigma2=SIGMA2):
    """Mean and variance of SGD on L = h theta^2 / 2 after 0..steps steps, from theta0."""
    mean = theta0 * (1 - eta * h) ** np.arange(steps + 1)
    var = np.zeros(steps + 1)
    for k in range(steps):
        var[k + 1] = (1 - eta * h) ** 2 * var[k] + eta**2 * sigma2 / batch
    return mean, var


def noise_covariance() -> np.ndarray:
    return np.array([[1.0, RHO_NOISE], [RHO_NOISE, 1.0]])


def lyapunov(h=H_2D, sigma=None, eta=ETA_2D, batch=B_2D) -> np.ndarray:
    """Solve HS + SH = (eta/B) Sigma for diagonal H."""
    sigma = noise_covariance() if sigma is None else sigma
    return (eta / batch) * sigma / (h[:, None] + h[None, :])


def gibbs_guess() -> np.ndarray:
    """T H^-1 with T = eta * (average noise variance) / (2B): right for isotropic noise only."""
    temp = ETA_2D * np.trace(noise_covariance()) / H_2D.size / (2 * B_2D)
    return temp * np.diag(1 / H_2D)


def simulate_2d(chains=3000, steps=600, seed=1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    root = np.linalg.cholesky(noise_covariance() / B_2D)
    theta = np.zeros((chains, 2))
    for _ in range(steps):
        theta = theta - ETA_2D * (theta * H_2D + rng.standard_normal((chains, 2)) @ root.T)
    return theta


def ellipse(cov: np.ndarray, k: float = 2.0, n: int = 200) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n)
    return k * np.linalg.cholesky(cov) @ np.vstack([np.cos(t), np.sin(t)])


def _variance_panel(ax) -> None:
    etas = np.tile(ETAS, len(BATCHES))
    batches = np.repeat(BATCHES, len(ETAS))
    measured = simulate_1d(etas, batches)
    x = np.geomspace(ETAS[0] / BATCHES[-1], ETAS[-1], 200)
    ax.loglog(x, ou_variance(x, 1.0), color="0.0", linestyle="-")
    fine = np.geomspace(ETAS[0], ETAS[-1], 100)
    for i, b in enumerate(BATCHES):
        ax.loglog(fine / b, sgd_variance(fine, b), color=SHADES[b], linestyle="--", linewidth=0.8)
        ax.loglog(ETAS / b, measured[batches == b], color=SHADES[b], marker=MARKERS[i],
                  linestyle="none")
    ax.set_title(r"(a) variance vs $\eta/B$")
    ax.set_xlabel(r"$\eta/B$")
    ax.set_ylabel(r"$\mathrm{Var}(\theta)$")


def _anisotropic_panel(ax) -> None:
    pts = simulate_2d()
    ax.plot(pts[:1000, 0], pts[:1000, 1], linestyle="none", marker=".", markersize=1.0,
            color="0.6")
    for i, cov in enumerate((lyapunov(), np.cov(pts.T), gibbs_guess())):
        e = ellipse(cov)
        ax.plot(e[0], e[1], color="0.0", linestyle=LINESTYLES[i], linewidth=0.9)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_title("(b) anisotropic noise")
    ax.set_xlabel(r"$\theta_1$ ($h=2$)")
    ax.set_ylabel(r"$\theta_2$ ($h=0.5$)")


def _time_panel(ax) -> None:
    t = np.linspace(0, T_END, 200)
    temp = TIME_SETTINGS[0][0] * SIGMA2 / (2 * TIME_SETTINGS[0][1])
    ou_mean = np.exp(-H_1D * t)
    ou_sd = np.sqrt(temp / H_1D * (1 - np.exp(-2 * H_1D * t)))
    for sign in (0, -2, 2):
        ax.plot(t, ou_mean + sign * ou_sd, color="0.0", linewidth=0.9 if sign == 0 else 0.5)
    for i, (eta, b) in enumerate(TIME_SETTINGS):
        k = np.arange(int(round(T_END / eta)) + 1)
        mean, var = exact_moments(eta, b, k.size - 1)
        every = max(1, int(round(0.4 / eta)))
        for sign in (0, -2, 2):
            ax.plot((k * eta)[::every], (mean + sign * np.sqrt(var))[::every], color=SHADES[b],
                    marker=MARKERS[i], markersize=2.5, linestyle="none")
    ax.set_title(r"(c) time $t=k\eta$")
    ax.set_xlabel(r"$t=k\eta$")
    ax.set_ylabel(r"mean $\pm2$ sd of $\theta$")


def figure():
    fig, (ax_var, ax_2d, ax_time) = new_figure(panels=3, aspect=1.0)
    _variance_panel(ax_var)
    _anisotropic_panel(ax_2d)
    _time_panel(ax_time)
    handles = [Line2D([], [], color="0.0", linestyle="-")]
    handles += [Line2D([], [], color=SHADES[b], marker=MARKERS[i], linestyle="none")
                for i, b in enumerate(BATCHES)]
    labels = ["OU limit"] + [f"$B={b}$" for b in BATCHES]
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), handlelength=1.8)
    return fig
