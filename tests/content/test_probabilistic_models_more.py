"""Recompute every number stated in the further questions on kernels, Gaussian processes and probabilistic models."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from bank import assert_well_formed, cited, QUESTIONS, field, fmt, states

QIDS = [
    "laplace-approximation",
    "sparse-gp-inducing-points",
    "kernel-pca",
    "kalman-filter",
    "particle-filter-smc",
    "expectation-propagation",
]


def has(qid, fragment, name="answer"):
    """The field states this exact piece of text (used for the inputs of a worked example)."""
    return fragment in field(qid, name)


# ----------------------------------------------------------------- structure

@pytest.mark.parametrize("qid", QIDS)
def test_question_structure(qid):
    q = QUESTIONS[qid]
    assert q["kind"] == "technical"
    assert_well_formed(qid)
    answer = field(qid, "answer")
    assert cited(qid, ("answer", "short_answer")), qid
    assert all(r in QUESTIONS for r in q["related"]), qid
    for text in (answer, field(qid, "short_answer")):
        for ref in re.findall(r"\\qref\{([^}]+)\}", text):
            assert ref in QUESTIONS, (qid, ref)


def test_at_least_two_hard():
    assert sum(QUESTIONS[q]["difficulty"] == "hard" for q in QIDS) >= 2


# ------------------------------------------------------ laplace-approximation

def test_laplace_coin():
    qid = "laplace-approximation"
    k, n = 7, 10
    assert has(qid, "7 heads in 10 tosses")
    a, b = k + 1, n - k + 1
    assert states(qid, str(a), near="exact posterior is Beta(") and states(qid, str(b), near="exact posterior is Beta(")
    mean = a / (a + b)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert states(qid, fmt(mean, 3), near="exact posterior is Beta")
    assert states(qid, fmt(sd, 3), near="exact posterior is Beta")
    mode = k / n
    curv = k / mode**2 + (n - k) / (1 - mode) ** 2
    assert states(qid, fmt(mode, 1), near="The mode is")
    assert states(qid, fmt(curv, 2), near="the curvature is")
    assert states(qid, fmt(curv**-0.5, 3), near="Laplace posterior is a Gaussian")
    assert curv**-0.5 > sd  # "slightly too wide"


def test_laplace_evidence():
    qid = "laplace-approximation"
    k, n = 7, 10
    exact = special.beta(k + 1, n - k + 1)
    # the exact evidence by quadrature of likelihood times uniform prior
    quad, _ = integrate.quad(lambda t: t**k * (1 - t) ** (n - k), 0, 1)
    assert np.isclose(quad, exact)
    assert states(qid, str(round(1 / exact)), near="exact evidence")
    assert states(qid, f"{exact:.6f}", near="exact evidence")
    mode = k / n
    curv = k / mode**2 + (n - k) / (1 - mode) ** 2
    loglik = k * np.log(mode) + (n - k) * np.log(1 - mode)
    lap = np.exp(loglik) * np.sqrt(2 * np.pi / curv)
    assert states(qid, f"{lap:.6f}", near="the Laplace value is")
    assert states(qid, fmt(100 * (lap / exact - 1), 1), near="the Laplace value is")
    assert states(qid, fmt(np.log(lap), 3), near="the Laplace value is")
    assert states(qid, fmt(np.log(exact), 3), near="the Laplace value is")
    bic = loglik - 0.5 * np.log(n)
    assert states(qid, fmt(bic, 3), near="BIC-style value")
    corr = 0.5 * np.log(2 * np.pi) - 0.5 * np.log(curv / n)
    assert states(qid, fmt(corr, 3), near="the Laplace correction it drops")
    assert np.isclose(bic + corr, np.log(lap))
    assert states(qid, fmt(curv, 2), near="the Laplace correction it drops")


def test_laplace_boundary():
    qid = "laplace-approximation"
    k, n = 0, 10
    assert states(qid, str(k), near="heads in 10 tosses the posterior is Beta")
    assert states(qid, str(n - k + 1), near="heads in 10 tosses the posterior is Beta")
    # the mode of Beta(1, 11) is at the boundary 0, where the log density still has a slope
    grid = np.linspace(0, 1, 1001)
    assert grid[np.argmax(stats.beta(k + 1, n - k + 1).pdf(grid))] == 0.0
    assert stats.beta(k + 1, n - k + 1).logpdf(1e-3) < stats.beta(k + 1, n - k + 1).logpdf(0.0)


# -------------------------------------------------- sparse-gp-inducing-points

def rbf(a, b):
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    return np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2)


def test_sparse_gp_example():
    qid = "sparse-gp-inducing-points"
    assert has(qid, "$x=(0,1,2)$") and has(qid, "one inducing point at $z=1$")
    x, z, s2 = np.array([0.0, 1.0, 2.0]), np.array([1.0]), 0.1
    assert has(qid, r"$\sigma^2=0.1$")
    K = rbf(x, x)
    Knm, Kmm = rbf(x, z), rbf(z, z)
    Q = Knm @ np.linalg.solve(Kmm, Knm.T)
    gap = np.diag(K - Q)
    text = "(" + ",".join("0" if abs(g) < 1e-12 else fmt(g, 3) for g in gap) + ")"
    assert states(qid, text, near="the diagonal of $K-Q$")
    assert states(qid, fmt(gap[0], 3), near="FITC adds")
    tr = np.trace(K - Q)
    assert states(qid, fmt(tr, 3), near="VFE instead pays the trace")
    assert states(qid, fmt(tr / (2 * s2), 2), near="VFE instead pays the trace")


def test_sparse_gp_vfe_bound_below_exact():
    """The collapsed bound of the worked example lies below the exact log marginal likelihood."""
    qid = "sparse-gp-inducing-points"
    assert has(qid, r"\mathrm{tr}(K_{nn}-Q_{nn})")
    x, z, s2 = np.array([0.0, 1.0, 2.0]), np.array([1.0]), 0.1
    y = np.array([1.0, 3.0, 2.0])
    K = rbf(x, x)
    Q = rbf(x, z) @ np.linalg.solve(rbf(z, z), rbf(z, x))
    exact = stats.multivariate_normal(np.zeros(3), K + s2 * np.eye(3)).logpdf(y)
    bound = stats.multivariate_normal(np.zeros(3), Q + s2 * np.eye(3)).logpdf(y) - np.trace(K - Q) / (2 * s2)
    assert bound < exact


def test_sparse_gp_cost():
    qid = "sparse-gp-inducing-points"
    n, m = 10**5, 500
    assert has(qid, "$n=10^5$ and $m=500$")
    ratio = n**3 / (n * m**2)
    assert states(qid, str(int(ratio)), near="$n^3/(nm^2)=")
    assert "forty thousand" in field(qid, "answer") and ratio == 4 * 10**4


# ----------------------------------------------------------------- kernel-pca

def test_kernel_pca_example():
    qid = "kernel-pca"
    assert has(qid, "$x=(-1,0,1)$") and has(qid, "$k(x,z)=(xz)^2$")
    x = np.array([-1.0, 0.0, 1.0])
    K = np.outer(x, x) ** 2
    n = len(x)
    phi = x**2
    assert states(qid, "(" + ",".join(str(int(p)) for p in phi) + ")", near="the features are")
    assert np.isclose(phi.mean(), 2 / 3) and states(qid, "2/3", near="with mean")
    top = np.linalg.eigvalsh(K)[-1]
    assert has(qid, f"top eigenvalue {int(round(top))}, of which")
    mean_part = n * phi.mean() ** 2
    assert np.isclose(mean_part, 4 / 3) and states(qid, "4/3", near="uncentred Gram matrix has top eigenvalue")
    H = np.eye(n) - np.ones((n, n)) / n
    Kc = H @ K @ H
    w, V = np.linalg.eigh(Kc)
    mu = w[-1]
    assert np.isclose(mu, 2 / 3) and states(qid, "2/3", near="the centred matrix has eigenvalue")
    assert np.isclose(top, mu + mean_part)
    alpha = V[:, -1] / np.sqrt(mu)
    scores = Kc @ alpha
    scores *= np.sign(scores[1]) * -1  # orient so the middle point is negative
    assert np.allclose(scores, [1 / 3, -2 / 3, 1 / 3])
    assert states(qid, "(1/3,-2/3,1/3)", near="kernel principal scores")
    assert has(qid, r"the mean, $\phi=2/3$,")
    pre = np.sqrt(phi.mean())
    assert states(qid, fmt(pre, 3), near="two pre-images")


# --------------------------------------------------------------- kalman-filter

def kalman_step(m, P, y, a, q, r):
    mp, Pp = a * m, a * a * P + q
    K = Pp / (Pp + r)
    return mp, Pp, K, mp + K * (y - mp), (1 - K) * Pp


def test_kalman_one_step():
    qid = "kalman-filter"
    a, q, r, m0, P0, y = 1.0, 0.5, 1.0, 0.0, 1.0, 2.0
    assert has(qid, "$q=0.5$") and has(qid, "$r=1$") and has(qid, r"$\mathcal{N}(0,1)$") and has(qid, "$y_1=2$")
    mp, Pp, K, m1, P1 = kalman_step(m0, P0, y, a, q, r)
    assert states(qid, fmt(Pp, 1), near="the variance grows to")
    assert states(qid, fmt(K, 1), near="the gain is")
    assert states(qid, fmt(m1, 1), near="the mean moves to")
    assert states(qid, fmt(P1, 1), near="the variance falls to")
    assert np.isclose(1 / (1 / Pp + 1 / r), P1)
    assert has(qid, f"${fmt(Pp, 1)}/{fmt(Pp + r, 1)}={fmt(K, 1)}$")
    assert has(qid, f"${fmt(K, 1)}\\times{int(y)}={fmt(m1, 1)}$")
    assert has(qid, f"${fmt(1 - K, 1)}\\times{fmt(Pp, 1)}={fmt(P1, 1)}$")
    assert has(qid, f"$1/(1/{fmt(Pp, 1)}+1/{int(r)})$")
    # the same answer from conditioning the joint Gaussian of (x_1, y_1)
    cov = np.array([[Pp, Pp], [Pp, Pp + r]])
    assert np.isclose(cov[0, 1] / cov[1, 1] * y, m1) and np.isclose(cov[0, 0] - cov[0, 1] ** 2 / cov[1, 1], P1)


def test_kalman_steady_state():
    qid = "kalman-filter"
    a, q, r = 1.0, 0.5, 1.0
    m, P = 0.0, 1.0
    for _ in range(200):
        mp, Pp, K, m, P = kalman_step(m, P, 0.0, a, q, r)
    closed = (q + np.sqrt(q * q + 4 * q * r)) / 2
    assert np.isclose(Pp, closed)
    assert states(qid, str(int(round(Pp))), near="the predicted variance converges")
    assert states(qid, fmt(K, 1), near="steady-state gain is")
    assert has(qid, f"steady-state gain is {fmt(K, 1)} and the filtered variance {fmt(P, 1)}:")
    assert np.isclose(K, 0.5) and "half the weight" in field(qid, "answer")


# ---------------------------------------------------------- particle-filter-smc

def test_ess_of_weights():
    qid = "particle-filter-smc"
    w = np.array([0.7, 0.1, 0.1, 0.1])
    assert has(qid, "$(0.7,0.1,0.1,0.1)$")
    sq = np.sum(w**2)
    assert states(qid, fmt(w[0] ** 2, 2), near="effective sample size of")
    assert states(qid, fmt(np.sum(w[1:] ** 2), 2), near="effective sample size of")
    assert states(qid, fmt(1 / sq, 2), near="effective sample size of")
    assert states(qid, str(len(w)), near="effective sample size of")


def ess_ratio(y, r=1.0):
    """E[w]^2 / E[w^2] for prior N(0,1) and likelihood weight N(y; x, r), by quadrature."""
    lik = lambda x: stats.norm.pdf(y, x, np.sqrt(r))
    m1, _ = integrate.quad(lambda x: stats.norm.pdf(x) * lik(x), -np.inf, np.inf)
    m2, _ = integrate.quad(lambda x: stats.norm.pdf(x) * lik(x) ** 2, -np.inf, np.inf)
    return m1**2 / m2


def test_ess_bootstrap_closed_form():
    qid = "particle-filter-smc"
    assert has(qid, r"$v\sim\mathcal{N}(0,1)$")
    r0, r3 = ess_ratio(0.0), ess_ratio(3.0)
    assert states(qid, fmt(r0, 3), near="when $y=0$")
    assert states(qid, fmt(r3, 3), near="when $y=3$")
    assert states(qid, fmt(r0**10, 3), near="for $d=10$")
    assert states(qid, f"{r0**50:.5f}", near="for $d=50$")
    assert states(qid, fmt(1000 * r0**50, 2), near="effective particles out of 1000")


def test_ess_bootstrap_simulation():
    """A bootstrap step with many particles reproduces the large-N ESS ratio."""
    qid = "particle-filter-smc"
    rng = np.random.default_rng(0)
    N = 400_000
    for y in (0.0, 3.0):
        x = rng.standard_normal(N)                # propagate from the prior
        w = stats.norm.pdf(y, x, 1.0)             # bootstrap weight = likelihood
        ess = w.sum() ** 2 / np.sum(w**2)
        assert abs(ess / N - ess_ratio(y)) < 0.01
    assert states(qid, fmt(ess_ratio(0.0), 3), near="in closed form")


# ----------------------------------------------------- expectation-propagation

def test_ep_truncation():
    qid = "expectation-propagation"
    assert has(qid, r"\mathbf{1}[\theta>0]")
    mean = stats.halfnorm.mean()
    var = stats.halfnorm.var()
    assert states(qid, fmt(mean, 3), near="half-normal")
    assert states(qid, fmt(var, 3), near="half-normal")


MU = 3.0


def mixture(z):
    return 0.5 * stats.norm.pdf(z, -MU, 1) + 0.5 * stats.norm.pdf(z, MU, 1)


def reverse_kl(params):
    m, log_s = params
    s = np.exp(log_s)
    g = np.linspace(m - 12 * s, m + 12 * s, 6001)
    q = stats.norm.pdf(g, m, s)
    return np.trapezoid(q * (stats.norm.logpdf(g, m, s) - np.log(mixture(g))), g)


def test_ep_moment_matching_bimodal():
    qid = "expectation-propagation"
    assert has(qid, r"\tfrac12\mathcal{N}(-3,1)+\tfrac12\mathcal{N}(3,1)")
    g = np.linspace(-15, 15, 30001)
    mean = np.trapezoid(g * mixture(g), g)
    var = np.trapezoid(g**2 * mixture(g), g) - mean**2
    assert states(qid, str(int(round(var))), near="Moment matching gives")
    assert states(qid, fmt(np.sqrt(var), 2), near="Moment matching gives")
    q0 = stats.norm.pdf(0, mean, np.sqrt(var))
    assert states(qid, fmt(q0, 3), near="density at 0")
    assert states(qid, f"{mixture(0.0):.4f}", near="density at 0")
    assert states(qid, str(int(q0 / mixture(0.0))), near="times too much mass")


def test_ep_reverse_kl_minima():
    qid = "expectation-propagation"
    opts = dict(xatol=1e-8, fatol=1e-12)
    mode = optimize.minimize(reverse_kl, [MU, 0.0], method="Nelder-Mead", options=opts)
    broad = optimize.minimize(reverse_kl, [0.0, np.log(MU)], method="Nelder-Mead", options=opts)
    assert states(qid, fmt(mode.x[0], 2), near="sits on one mode")
    assert states(qid, fmt(np.exp(mode.x[1]), 2), near="sits on one mode")
    assert states(qid, fmt(mode.fun, 3), near="sits on one mode")
    assert states(qid, fmt(np.log(2), 3), near="sits on one mode")
    assert mode.fun < np.log(2)
    assert abs(broad.x[0]) < 1e-3 and broad.fun > mode.fun
    assert states(qid, fmt(broad.fun, 3), near="broad centred Gaussian")


# ------------------------------------------------ statements added on review

def test_sor_and_dtc_predictive_variance_far_from_inducing_points():
    """SoR's predictive variance collapses far from Z; DTC's returns to the prior variance."""
    qid = "sparse-gp-inducing-points"
    assert has(qid, "SoR also drops it at test points") and has(qid, "DTC keeps the exact prior variance at test points")
    x, z, s2 = np.linspace(-2, 2, 20), np.array([-1.0, 0.0, 1.0]), 0.1
    Kmm = rbf(z, z) + 1e-9 * np.eye(len(z))
    Kmn = rbf(z, x)
    Sigma = np.linalg.inv(Kmm + Kmn @ Kmn.T / s2)
    Ksm = rbf([10.0], z)
    v_sor = (Ksm @ Sigma @ Ksm.T).item()
    v_dtc = 1.0 - (Ksm @ np.linalg.solve(Kmm, Ksm.T)).item() + v_sor
    assert v_sor < 1e-12 and np.isclose(v_dtc, 1.0)


def test_kalman_smoother_is_ou_gp_regression():
    """For the Ornstein-Uhlenbeck kernel, Kalman filtering plus RTS smoothing gives the exact GP posterior."""
    qid = "kalman-filter"
    assert has(qid, "Ornstein-Uhlenbeck kernel") and has(qid, "Rauch-Tung-Striebel smoothing")
    assert has(qid, "in $O(n)$ instead of $O(n^3)$")
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 10, 40))
    ell, s2, r = 1.5, 2.0, 0.3
    K = s2 * np.exp(-np.abs(t[:, None] - t[None, :]) / ell)
    y = rng.multivariate_normal(np.zeros(len(t)), K + r * np.eye(len(t)))
    gp_mean = K @ np.linalg.solve(K + r * np.eye(len(t)), y)
    gp_var = np.diag(K - K @ np.linalg.solve(K + r * np.eye(len(t)), K))
    # the OU process as a state-space model: x_t = a x_{t-1} + w, Var(w) = s2 (1 - a^2)
    ms, Ps, mps, Pps, As = [], [], [], [], []
    m, P = 0.0, s2
    for i, ti in enumerate(t):
        a = 1.0 if i == 0 else np.exp(-(ti - t[i - 1]) / ell)
        mp, Pp = (0.0, s2) if i == 0 else (a * m, a * a * P + s2 * (1 - a * a))
        gain = Pp / (Pp + r)
        m, P = mp + gain * (y[i] - mp), (1 - gain) * Pp
        ms.append(m); Ps.append(P); mps.append(mp); Pps.append(Pp); As.append(a)
    sm, sP = ms[:], Ps[:]
    for i in range(len(t) - 2, -1, -1):
        G = Ps[i] * As[i + 1] / Pps[i + 1]
        sm[i] = ms[i] + G * (sm[i + 1] - mps[i + 1])
        sP[i] = Ps[i] + G * G * (sP[i + 1] - Pps[i + 1])
    assert np.allclose(sm, gp_mean) and np.allclose(sP, gp_var)


def test_laplace_boundary_gradient_not_zero():
    """At the boundary mode of Beta(1, 11) the log density still has slope -10, so the zero-gradient expansion fails."""
    qid = "laplace-approximation"
    assert has(qid, "assumes a zero gradient at the mode")
    k, n = 0, 10
    g = lambda t: stats.beta(k + 1, n - k + 1).logpdf(t)
    h = 1e-6
    assert abs((g(h) - g(0.0)) / h + (n - k)) < 1e-3
