"""Recompute every number stated in the deeper information-theory questions."""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, optimize, stats

from bank import PARTS, QUESTIONS, assert_well_formed, field, fmt, states

IDS = [
    "fisher-information-kl-curvature",
    "f-divergences-wasserstein",
    "maximum-entropy-exponential-family",
    "rate-distortion-information-bottleneck",
]


def test_structure_and_word_limits():
    for qid in IDS:
        assert qid in QUESTIONS, qid
        q = QUESTIONS[qid]
        assert_well_formed(qid, parts=(r"\textbf{Intuition.}", *PARTS))


def _bern_kl(p, q):
    return p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))


def test_bernoulli_fisher_and_kl():
    qid = "fisher-information-kl-curvature"
    p, delta = 0.3, 0.05
    # Fisher as the variance of the score, computed from the two outcomes
    score = np.array([1 / p, -1 / (1 - p)])
    probs = np.array([p, 1 - p])
    fisher = float((probs * score**2).sum())
    assert math.isclose(fisher, 1 / (p * (1 - p)))
    assert states(qid, fmt(fisher, 3), near="$F \\approx")
    assert states(qid, fmt(0.5 * fisher * delta**2, 5), near="quadratic form predicts")
    assert states(qid, fmt(_bern_kl(p, p + delta), 5), near="exact")
    assert states(qid, fmt(_bern_kl(p + delta, p), 5), near="reverse direction")
    assert states(qid, fmt(p + delta, 2), near="Moving to")
    assert states(qid, fmt(delta, 2), near="Moving to")
    # second-order accuracy: the error shrinks like delta^3
    errs = [abs(_bern_kl(p, p + d) - 0.5 * fisher * d**2) for d in (0.02, 0.01)]
    assert 6 < errs[0] / errs[1] < 10
    # Cramer-Rao attained by the sample mean
    rng = np.random.default_rng(0)
    n = 50
    means = rng.binomial(n, p, size=200_000) / n
    assert abs(means.var() - 1 / (n * fisher)) < 2e-4


def test_divergences_between_point_masses_and_gaussians():
    qid = "f-divergences-wasserstein"
    # point masses: JS and TV do not depend on the distance
    p, q = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    m = (p + q) / 2
    js = 0.5 * sum(a * math.log(a / b) for a, b in zip(p, m) if a > 0) + 0.5 * sum(
        a * math.log(a / b) for a, b in zip(q, m) if a > 0)
    tv = 0.5 * np.abs(p - q).sum()
    assert math.isclose(js, math.log(2))
    assert states(qid, r"\ln 2", near="Jensen-Shannon is") and states(qid, fmt(tv, 0), near="total variation is")
    # Gaussians N(0,1) and N(1, 4): KL by quadrature, W2 by the quantile coupling
    kl, _ = integrate.quad(lambda x: stats.norm.pdf(x) * (stats.norm.logpdf(x) - stats.norm.logpdf(x, 1, 2)), -12, 12)
    u = (np.arange(200000) + 0.5) / 200000
    w2 = math.sqrt(np.mean((stats.norm.ppf(u) - stats.norm.ppf(u, 1, 2)) ** 2))
    assert states(qid, fmt(kl, 3), near=r"\operatorname{KL}(P\,\|\,Q) = \ln 2")
    assert states(qid, fmt(w2, 3), near="W_2 = ")
    assert states(qid, "2^2", near="Q = \\mathcal{N}(1, 2^2)")


def test_maximum_entropy_die():
    qid = "maximum-entropy-exponential-family"
    faces = np.arange(1, 7)
    target = 4.5

    def mean(lam):
        w = np.exp(lam * faces)
        return (faces * w).sum() / w.sum()

    lam = optimize.brentq(lambda l: mean(l) - target, -5, 5)
    p = np.exp(lam * faces)
    p /= p.sum()
    h = -(p * np.log(p)).sum()
    # a direct constrained maximisation of entropy finds the same distribution
    cons = [{"type": "eq", "fun": lambda x: x.sum() - 1}, {"type": "eq", "fun": lambda x: faces @ x - target}]
    res = optimize.minimize(lambda x: (x * np.log(x)).sum(), np.full(6, 1 / 6), constraints=cons,
                            bounds=[(1e-9, 1)] * 6, method="SLSQP")
    assert np.allclose(res.x, p, atol=1e-4)
    assert states(qid, fmt(target, 1), near="average roll")
    assert states(qid, fmt(lam, 3), near=r"\lambda\approx")
    assert states(qid, fmt(p[0], 3), near="p_1\\approx")
    assert states(qid, fmt(p[-1], 3), near="p_6\\approx")
    assert states(qid, fmt(math.exp(lam), 2), near="times as likely")
    assert states(qid, fmt(h, 3), near="Its entropy")
    assert states(qid, fmt(math.log(6), 3), near="fair die")


def test_rate_distortion_numbers():
    qid = "rate-distortion-information-bottleneck"
    sigma2, d = 1.0, 0.25
    rate = 0.5 * math.log2(sigma2 / d)
    # the test channel attains it: I(X; Xhat) for X = Xhat + Z
    mi = 0.5 * math.log2(sigma2 / d)  # h(X) - h(Z) with h = 0.5 log2(2 pi e var)
    hx, hz = 0.5 * math.log2(2 * math.pi * math.e * sigma2), 0.5 * math.log2(2 * math.pi * math.e * d)
    assert math.isclose(hx - hz, mi)
    assert states(qid, fmt(d, 2), near="needs $R")
    assert states(qid, fmt(rate, 0), near="bit per sample")
    assert states(qid, f"log_2 {sigma2 / d:.0f}", near="bit per sample")
    assert states(qid, fmt(10 * math.log10(4), 2), near="dB")
    # the error factor per bit
    assert math.isclose(sigma2 * 2 ** (-2 * (rate + 1)) / (sigma2 * 2 ** (-2 * rate)), 1 / 4)
    assert states(qid, "divides the error by 4", near="each further bit")
    hb = stats.entropy([0.11, 0.89], base=2)
    assert states(qid, fmt(1 - hb, 3), near="bits per symbol")
    assert states(qid, "11%", near="bit errors")


# --------------------------------------------------------------------------- the worked examples, written out


def _says(qid: str, text: str) -> bool:
    """Whether the answer or short answer contains `text`, built from the inputs, as a whole."""
    return states(qid, text, near=text)


def test_fisher_example_as_written():
    qid = "fisher-information-kl-curvature"
    p, q = 0.3, 0.35
    assert _says(qid, f"at $p = {p}$, $F \\approx")
    assert _says(qid, f"Moving to ${q}$ ($\\delta = {q - p:.2f}$)")
    assert _says(qid, f"\\operatorname{{KL}}({p}\\,\\|\\,{q})$ is")
    assert _says(qid, f"\\operatorname{{KL}}({q}\\,\\|\\,{p})$ is")
    assert _says(qid, "the score is $x/p - (1-x)/(1-p)$ and $F = 1/(p(1-p))$")
    assert _says(qid, "\\ge 1/(nF) = p(1-p)/n$")


def test_divergence_example_as_written():
    qid = "f-divergences-wasserstein"
    (m1, s1), (m2, s2) = (0, 1), (1, 2)
    assert _says(qid, f"$P = \\mathcal{{N}}({m1},{s1})$ and $Q = \\mathcal{{N}}({m2}, {s2}^2)$")
    kl_text = f"\\ln {s2 // s1} + ({s1}+{(m1 - m2) ** 2})/{2 * s2**2} - 1/2"
    assert _says(qid, kl_text)
    assert math.isclose(math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5,
                        math.log(2) + 2 / 8 - 0.5)
    assert _says(qid, f"W_2 = \\sqrt{{{m2 - m1}^2 + ({s1}-{s2})^2}}")
    assert _says(qid, "Point masses at 0 and at $\\theta\\ne 0$") and _says(qid, "shrinks smoothly to 0")
    for f in (lambda t: t * math.log(t), lambda t: -math.log(t), lambda t: 0.5 * abs(t - 1), lambda t: (t - 1) ** 2,
              lambda t: (math.sqrt(t) - 1) ** 2):
        assert f(1.0) == 0
    assert _says(qid, "ratio departs from 1") and _says(qid, "$f(1) = 0$, define") and _says(qid, "$\\tfrac12|t-1|$ gives total variation")
    assert _says(qid, "$(t-1)^2$ gives $\\chi^2$; $(\\sqrt t - 1)^2$ the squared Hellinger")


def test_maxent_example_as_written():
    qid = "maximum-entropy-exponential-family"
    faces = np.arange(1, 7)
    assert _says(qid, f"rather than {faces.mean():.1f}")
    assert _says(qid, f"$\\ln {len(faces)}\\approx")
    assert _says(qid, "$\\sum_k k\\,p_k = 4.5$ numerically")
    lam = optimize.brentq(lambda l: (faces * np.exp(l * faces)).sum() / np.exp(l * faces).sum() - 4.5, -5, 5)
    assert _says(qid, f"each face $e^{{{lam:.3f}}}\\approx")


def test_rate_distortion_example_as_written():
    qid = "rate-distortion-information-bottleneck"
    assert _says(qid, f"$1 - H_b({0.11})\\approx")
    assert _says(qid, f"a gain of $10\\log_{{10}}{4}\\approx") and math.isclose(2 ** (2 * 1), 4)
    assert _says(qid, "so each bit divides the error by 4") and _says(qid, "for $D\\le\\sigma^2$ and 0 beyond")
    assert _says(qid, "The $6$ dB-per-bit rule") and round(10 * math.log10(4)) == 6


def test_remaining_statements_as_written():
    assert _says("f-divergences-wasserstein", "total variation is 1 for every")
    assert _says("f-divergences-wasserstein", "convex $f$ with $f(1) = 0$")
    faces = np.arange(1, 7)
    lam = optimize.brentq(lambda l: (faces * np.exp(l * faces)).sum() / np.exp(l * faces).sum() - 4.5, -5, 5)
    assert _says("maximum-entropy-exponential-family", f"gives $\\lambda\\approx {lam:.3f}$")
    assert _says("rate-distortion-information-bottleneck", "For $\\mathcal{N}(0,\\sigma^2)$ and squared error")
