"""Recompute every number stated in the probability chapter and its figure caption."""

from __future__ import annotations

import ast
import itertools
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from bank import QUESTIONS, field, fmt, states

ROOT = Path(__file__).resolve().parents[2]
FIGURE = ROOT / "figures" / "posterior_prior_strength.py"

IDS = [
    "bayes-medical-test",
    "density-vs-probability",
    "expectation-variance-of-sums",
    "total-expectation-variance",
    "mle-map-bayes",
    "beta-binomial-conjugacy",
    "conditioning-puzzles",
    "conditional-independence",
    "bayesian-linear-regression",
    "intractable-evidence",
    "calibration-scoring-rules",
]



# --------------------------------------------------------------------------- structure


def test_all_questions_present_with_word_limits():
    for qid in IDS:
        assert qid in QUESTIONS, qid
        answer = len(field(qid, "answer").split())
        short = len(field(qid, "short_answer").split())
        assert 250 <= answer <= 700, (qid, answer)
        assert short <= 70, (qid, short)


def test_seed_prompt_word_for_word():
    seed = (
        "Explain conditional probability and Bayes' theorem. Use a concrete example "
        "(e.g., a medical test with false positives and false negatives) to compute "
        "P(disease | positive). As a research scientist, discuss how the choice of prior "
        "affects posterior estimates in small-data regimes and when prior misspecification matters."
    )
    assert field("bayes-medical-test", "question").strip() == seed
    assert QUESTIONS["bayes-medical-test"]["difficulty"] == "easy"


# --------------------------------------------------------------------------- bayes-medical-test


def ppv(prevalence: float, sensitivity: float, fpr: float) -> float:
    return sensitivity * prevalence / (sensitivity * prevalence + fpr * (1 - prevalence))


def test_bayes_ppv_natural_frequencies_and_odds():
    qid = "bayes-medical-test"
    population = 10_000
    ill = population * 0.01
    true_pos = ill * 0.99
    false_pos = (population - ill) * 0.05
    assert (ill, true_pos, false_pos, true_pos + false_pos) == pytest.approx((100, 99, 495, 594))
    for s in ("10,000", "100", "99", "9,900", "495", "594", "99/594"):
        assert states(qid, s), s
    p = ppv(0.01, 0.99, 0.05)
    assert p == pytest.approx(true_pos / (true_pos + false_pos))
    assert fmt(100 * p, 1) == "16.7"
    assert states(qid, "16.7")
    # odds form
    lr = 0.99 / 0.05
    assert fmt(lr, 1) == "19.8" and states(qid, "19.8")
    post_odds = (0.01 / 0.99) * lr
    assert post_odds == pytest.approx(0.2)
    assert states(qid, "0.2") and "1:5" in field(qid, "answer") and "1/6" in field(qid, "answer")
    assert post_odds / (1 + post_odds) == pytest.approx(1 / 6)
    assert "1{:}5" in field(qid, "short_answer")


def test_bayes_other_prevalence_and_repeat_test():
    qid = "bayes-medical-test"
    assert fmt(100 * ppv(0.10, 0.99, 0.05), 1) == "68.8" and states(qid, "68.8")
    assert ppv(0.10, 0.99, 0.05) == pytest.approx(11 / 16)
    assert "from 16.7% to 68.8%" in field(qid, "answer")
    odds2 = 0.2 * 19.8
    assert fmt(odds2, 2) == "3.96" and states(qid, "3.96")
    p2 = odds2 / (1 + odds2)
    assert fmt(100 * p2, 1) == "79.8"
    assert states(qid, "79.8") and states(qid, "79.8", fields=("mistakes",))
    # the ratio "99 to 1" of healthy to ill
    assert 0.99 / 0.01 == pytest.approx(99)


def test_bayes_prior_predictive_and_prior_sensitive_evidence():
    qid = "bayes-medical-test"
    # expected positives when screening 1,000 people at 1% prevalence, 99% sensitivity, 5% FPR
    expected = 1000 * (0.01 * 0.99 + 0.99 * 0.05)
    assert expected == pytest.approx(59.4) and round(expected, -1) == 60
    assert states(qid, "1,000") and states(qid, "60")
    # Lindley: with y_i ~ N(theta, 1), prior theta ~ N(0, s^2), the log evidence of the data
    # falls as the prior widens, by about log(s) per doubling, however large n is.
    rng = np.random.default_rng(0)
    for n in (10, 1000, 100_000):
        y = 0.3 + rng.normal(size=n)
        ybar = y.mean()
        # the evidence depends on the prior only through ybar ~ N(0, s^2 + 1/n)
        logev = [stats.norm(0, math.sqrt(s2 + 1 / n)).logpdf(ybar) for s2 in (1.0, 100.0, 10_000.0)]
        assert logev[0] > logev[1] > logev[2]
        assert logev[1] - logev[2] == pytest.approx(math.log(10), abs=0.01)
    assert "Lindley" in field(qid, "answer")


def test_bayes_beta_binomial_blend():
    qid = "bayes-medical-test"
    a, b = 2, 18
    assert a / (a + b) == pytest.approx(0.1) and a + b == 20
    k, n = 3, 10
    mean = Fraction(a + k, a + b + n)
    assert mean == Fraction(5, 30)
    w = Fraction(a + b, a + b + n)
    assert w == Fraction(2, 3)
    assert mean == w * Fraction(a, a + b) + (1 - w) * Fraction(k, n)
    assert fmt(float(mean), 3) == "0.167" and states(qid, "0.167") and states(qid, "5/30")
    k, n = 300, 1000
    mean = Fraction(a + k, a + b + n)
    assert mean == Fraction(302, 1020)
    assert fmt(float(mean), 3) == "0.296" and states(qid, "0.296") and states(qid, "302/1020")
    assert fmt(20 / 1020, 2) == "0.02" and states(qid, "0.02")


def test_bayes_dogmatic_prior_never_recovers():
    # Uniform prior on [0, 0.5] with truth 0.7: the posterior mean approaches 0.5, not 0.7.
    rng = np.random.default_rng(1)
    x = rng.random(5000) < 0.7
    k, n = int(x.sum()), x.size
    grid = np.linspace(1e-6, 0.5, 20001)
    logl = k * np.log(grid) + (n - k) * np.log1p(-grid)
    w = np.exp(logl - logl.max())
    mean = np.trapezoid(w * grid, grid) / np.trapezoid(w, grid)
    assert 0.49 < mean < 0.5
    assert states("bayes-medical-test", "0.5") and states("bayes-medical-test", "0.7")


# --------------------------------------------------------------------------- density-vs-probability


def test_density_values():
    qid = "density-vs-probability"
    assert stats.uniform(0, 0.5).pdf(0.25) == pytest.approx(2)
    assert states(qid, "2") and states(qid, "0.5")
    peak = stats.norm(0, 0.1).pdf(0)
    assert peak == pytest.approx(1 / (0.1 * math.sqrt(2 * math.pi)))
    assert fmt(peak, 2) == "3.99" and states(qid, "3.99")
    assert np.isinf(stats.beta(0.5, 0.5).pdf(0.0)) or stats.beta(0.5, 0.5).pdf(1e-12) > 1e5


def test_change_of_variables_examples():
    qid = "density-vs-probability"
    # Y = -ln(X)/lambda is exponential
    lam = 1.7
    rng = np.random.default_rng(0)
    y = -np.log(rng.random(200_000)) / lam
    assert y.mean() == pytest.approx(1 / lam, rel=0.01)
    # Lognormal mode at e^{-1}
    grid = np.linspace(0.01, 3, 300_001)
    dens = stats.norm.pdf(np.log(grid)) / grid
    mode = grid[np.argmax(dens)]
    assert mode == pytest.approx(math.exp(-1), abs=1e-4)
    assert fmt(math.exp(-1), 3) == "0.368" and states(qid, "0.368")
    assert stats.lognorm(s=1).cdf(1.0) == pytest.approx(0.5)
    # rescaling by c shifts d-dimensional log density by -d ln c
    c, d = 3.0, 4
    x = rng.normal(size=d)
    shifted = stats.multivariate_normal(np.zeros(d), c**2 * np.eye(d)).logpdf(c * x)
    base = stats.multivariate_normal(np.zeros(d), np.eye(d)).logpdf(x)
    assert shifted == pytest.approx(base - d * math.log(c))


# --------------------------------------------------------------------------- expectation-variance-of-sums


def test_fixed_points_of_permutation():
    for n in range(1, 7):
        perms = list(itertools.permutations(range(n)))
        mean = Fraction(sum(sum(p[i] == i for i in range(n)) for p in perms), len(perms))
        assert mean == 1
    assert states("expectation-variance-of-sums", "1")


def test_minibatch_variance_numbers():
    qid = "expectation-variance-of-sums"
    sigma2, B, rho = 4.0, 64, 0.05
    v0 = sigma2 / B
    assert v0 == 0.0625 and states(qid, "0.0625") and states(qid, "4/64")
    assert math.sqrt(v0) == 0.25 and states(qid, "0.25")
    v = sigma2 * (1 / B + rho * (B - 1) / B)
    assert fmt(v, 3) == "0.259" and states(qid, "0.259")
    assert fmt(math.sqrt(v), 3) == "0.509" and states(qid, "0.509")
    assert v / v0 > 4 and "four times" in field(qid, "answer")
    assert rho * sigma2 == pytest.approx(0.2) and states(qid, "0.2")
    b_eff = B / (1 + (B - 1) * rho)
    assert fmt(b_eff, 1) == "15.4" and states(qid, "15.4")
    # the equicorrelated formula agrees with a^T Sigma a
    cov = sigma2 * ((1 - rho) * np.eye(B) + rho * np.ones((B, B)))
    a = np.full(B, 1 / B)
    assert a @ cov @ a == pytest.approx(v)


def test_finite_population_correction():
    # Without replacement, Var(mean) = sigma^2/B * (N-B)/(N-1), sigma^2 the population variance.
    rng = np.random.default_rng(0)
    N, B = 12, 4
    pop = rng.normal(size=N)
    sigma2 = pop.var()
    means = [np.mean(pop[list(c)]) for c in itertools.combinations(range(N), B)]
    assert np.var(means) == pytest.approx(sigma2 / B * (N - B) / (N - 1))


# --------------------------------------------------------------------------- total-expectation-variance


def test_mixture_total_variance():
    qid = "total-expectation-variance"
    w = np.array([0.3, 0.7])
    mu = np.array([0.0, 5.0])
    var = np.array([1.0, 4.0])
    mean = w @ mu
    within = w @ var
    between = w @ (mu - mean) ** 2
    assert mean == pytest.approx(3.5) and states(qid, "3.5")
    assert within == pytest.approx(3.1) and states(qid, "3.1")
    assert between == pytest.approx(0.3 * 0.7 * 25) == pytest.approx(5.25) and states(qid, "5.25")
    ex2 = w @ (var + mu**2)
    assert ex2 == pytest.approx(20.6) and states(qid, "20.6")
    assert 3.5**2 == 12.25 and states(qid, "12.25")
    assert within + between == pytest.approx(ex2 - mean**2) == pytest.approx(8.35)
    assert states(qid, "8.35")
    # Monte Carlo check of the mixture variance
    rng = np.random.default_rng(0)
    comp = rng.random(400_000) < 0.7
    x = np.where(comp, rng.normal(5, 2, comp.size), rng.normal(0, 1, comp.size))
    assert x.var() == pytest.approx(8.35, rel=0.01)


def test_compound_poisson():
    qid = "total-expectation-variance"
    lam, mu, s2 = 10, 2, 1
    assert lam * mu == 20 and states(qid, "20")
    assert lam * (s2 + mu**2) == 50 and states(qid, "50")
    assert lam * s2 == 10 and states(qid, "10")
    rng = np.random.default_rng(0)
    n = rng.poisson(lam, 200_000)
    s = mu * n + np.sqrt(s2 * n) * rng.normal(size=n.size)  # sum of n N(mu, s2) variables
    assert s.mean() == pytest.approx(20, rel=0.01)
    assert s.var() == pytest.approx(50, rel=0.02)


# --------------------------------------------------------------------------- mle-map-bayes


def test_coin_mle_map_posterior_mean():
    qid = "mle-map-bayes"
    k, n = 3, 3
    assert Fraction(k, n) == 1
    a, b = 2 + k, 2 + n - k
    assert (a, b) == (5, 2)
    mode = Fraction(a - 1, a + b - 2)
    assert mode == Fraction(4, 5) and states(qid, "0.8")
    grid = np.linspace(1e-6, 1 - 1e-6, 100_001)
    assert grid[np.argmax(stats.beta(a, b).pdf(grid))] == pytest.approx(0.8, abs=1e-4)
    mean = Fraction(a, a + b)
    assert mean == Fraction(5, 7) and fmt(float(mean), 3) == "0.714"
    assert states(qid, "0.714") and states(qid, "5/7")
    # uniform prior: MAP = MLE = 1, predictive (k+1)/(n+2) = 4/5
    assert Fraction(1 + k, 2 + n) == Fraction(4, 5) and states(qid, "4/5")
    assert "Beta}(2,2)" in field(qid, "short_answer") and states(qid, "0.714", fields=("short_answer",))


def test_ridge_and_lasso_as_map():
    rng = np.random.default_rng(0)
    n, d, sigma, tau, b = 30, 4, 0.7, 1.3, 0.5
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + sigma * rng.normal(size=n)
    lam = sigma**2 / tau**2
    ridge = np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)
    # gradient of the negative log posterior vanishes at the ridge solution
    grad = -(X.T @ (y - X @ ridge)) / sigma**2 + ridge / tau**2
    assert np.allclose(grad, 0, atol=1e-10)
    # lasso: objective ||r||^2 + (2 sigma^2 / b) ||w||_1 equals 2 sigma^2 * negative log posterior + const
    w = rng.normal(size=d)
    nlp = np.sum((y - X @ w) ** 2) / (2 * sigma**2) + np.abs(w).sum() / b
    obj = np.sum((y - X @ w) ** 2) + (2 * sigma**2 / b) * np.abs(w).sum()
    assert obj == pytest.approx(2 * sigma**2 * nlp)
    assert "2\\sigma^2/b" in field("mle-map-bayes", "answer")


# --------------------------------------------------------------------------- beta-binomial-conjugacy


def test_beta_binomial_update_by_quadrature():
    a, b, k, n = 2.0, 98.0, 5, 100
    grid = np.linspace(1e-7, 1 - 1e-7, 400_001)
    post = stats.beta(a, b).pdf(grid) * stats.binom(n, grid).pmf(k)
    post /= np.trapezoid(post, grid)
    assert np.allclose(post, stats.beta(a + k, b + n - k).pdf(grid), atol=1e-3 * post.max())


def test_ad_click_example():
    qid = "beta-binomial-conjugacy"
    a, b, k, n = 2, 98, 5, 100
    assert a / (a + b) == pytest.approx(0.02) and states(qid, "2")
    assert (a + k, b + n - k) == (7, 193) and "Beta}(7,193)" in field(qid, "answer")
    post = stats.beta(a + k, b + n - k)
    assert post.mean() == pytest.approx(0.035) and states(qid, "0.035") and states(qid, "7/200")
    assert k / n == 0.05 and states(qid, "0.05")
    w = (a + b) / (a + b + n)
    assert w == 0.5 and states(qid, "100/200")
    assert w * 0.02 + (1 - w) * 0.05 == pytest.approx(0.035)
    assert fmt(post.std(), 3) == "0.013" and states(qid, "0.013")
    m = post.mean()
    assert post.var() == pytest.approx(m * (1 - m) / (a + b + n + 1))
    lo, hi = post.ppf([0.025, 0.975])
    assert (fmt(lo, 3), fmt(hi, 3)) == ("0.014", "0.064")
    assert states(qid, "0.014") and states(qid, "0.064")


def test_rule_of_succession():
    qid = "beta-binomial-conjugacy"
    p = Fraction(0 + 1, 20 + 2)
    assert p == Fraction(1, 22) and fmt(float(p), 3) == "0.045"
    assert states(qid, "1/22") and states(qid, "0.045")


def test_dirichlet_predictive_matches_simulation():
    alpha = np.array([1.0, 1.0, 1.0])
    counts = np.array([3, 0, 7])
    pred = (counts + alpha) / (counts.sum() + alpha.sum())
    rng = np.random.default_rng(0)
    draws = rng.dirichlet(alpha + counts, 200_000)
    assert np.allclose(draws.mean(axis=0), pred, atol=3e-3)


# --------------------------------------------------------------------------- conditioning-puzzles


def test_two_children():
    qid = "conditioning-puzzles"
    families = list(itertools.product("BG", repeat=2))
    at_least_one = [f for f in families if "B" in f]
    assert Fraction(sum(f == ("B", "B") for f in at_least_one), len(at_least_one)) == Fraction(1, 3)
    older = [f for f in families if f[0] == "B"]
    assert Fraction(sum(f == ("B", "B") for f in older), len(older)) == Fraction(1, 2)
    # meet one child at random
    num = Fraction(0)
    den = Fraction(0)
    for f in families:
        p_boy = Fraction(f.count("B"), 2)
        den += Fraction(1, 4) * p_boy
        num += Fraction(1, 4) * p_boy * (f == ("B", "B"))
    assert num / den == Fraction(1, 2)
    assert Fraction(1, 4) / (Fraction(1, 4) + Fraction(1, 8) + Fraction(1, 8)) == Fraction(1, 2)
    for s in ("1/3", "1/2"):
        assert states(qid, s)


def test_boy_born_on_tuesday():
    qid = "conditioning-puzzles"
    kinds = [(s, d) for s in "BG" for d in range(7)]
    pairs = list(itertools.product(kinds, repeat=2))
    assert len(pairs) == 196 and states(qid, "196")
    tuesday_boy = ("B", 1)
    hit = [p for p in pairs if tuesday_boy in p]
    assert len(hit) == 196 - 13**2 == 27 and states(qid, "27")
    both = [p for p in hit if p[0][0] == "B" and p[1][0] == "B"]
    assert len(both) == 7**2 - 6**2 == 13
    assert Fraction(len(both), len(hit)) == Fraction(13, 27)
    assert fmt(13 / 27, 3) == "0.481" and states(qid, "0.481") and states(qid, "13/27")


def monty(host) -> Fraction:
    """P(car behind door 1 | host opens door 3 showing a goat), player holds door 1."""
    num = den = Fraction(0)
    for car in (1, 2, 3):
        like = host(car)
        den += Fraction(1, 3) * like
        num += Fraction(1, 3) * like * (car == 1)
    return num / den


def test_monty_hall_protocols():
    qid = "conditioning-puzzles"
    standard = {1: Fraction(1, 2), 2: Fraction(1), 3: Fraction(0)}
    stay = monty(lambda car: standard[car])
    assert stay == Fraction(1, 3) and 1 - stay == Fraction(2, 3)
    assert states(qid, "2/3") and states(qid, "1/3")
    for q in (Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(9, 10), Fraction(1)):
        biased = {1: q, 2: Fraction(1), 3: Fraction(0)}
        p = monty(lambda car: biased[car])
        assert p == q / (1 + q) and p <= Fraction(1, 2)
    # ignorant host opens door 2 or 3 at random; observation: door 3 opened and shows a goat
    ignorant = {1: Fraction(1, 2), 2: Fraction(1, 2), 3: Fraction(0)}
    assert monty(lambda car: ignorant[car]) == Fraction(1, 2)


def test_monty_hall_simulation():
    rng = np.random.default_rng(0)
    car = rng.integers(1, 4, 200_000)
    # player picks 1; knowing host opens a goat door among {2,3}
    switch_wins = car != 1
    assert switch_wins.mean() == pytest.approx(2 / 3, abs=0.005)


# --------------------------------------------------------------------------- conditional-independence


def test_naive_bayes_double_counting():
    qid = "conditional-independence"
    odds = 1.0 * 4
    assert odds / (1 + odds) == pytest.approx(0.8) and states(qid, "0.8")
    odds2 = odds * 4
    assert odds2 == 16 and states(qid, "16")
    assert fmt(16 / 17, 3) == "0.941" and states(qid, "0.941") and states(qid, "16/17")


def test_explaining_away():
    qid = "conditional-independence"
    pa = pb = 0.1
    joint = {}
    for a, b in itertools.product((0, 1), repeat=2):
        joint[a, b] = (pa if a else 1 - pa) * (pb if b else 1 - pb)
    p_e = sum(v for (a, b), v in joint.items() if a or b)
    assert p_e == pytest.approx(1 - 0.9**2) == pytest.approx(0.19) and states(qid, "0.19")
    p_a_e = sum(v for (a, b), v in joint.items() if a) / p_e
    assert fmt(p_a_e, 3) == "0.526" and states(qid, "0.526")
    p_a_eb = joint[1, 1] / (joint[1, 1] + joint[0, 1])
    assert p_a_eb == pytest.approx(0.1) and states(qid, "0.1")
    p_a_e_notb = joint[1, 0] / joint[1, 0]
    assert p_a_e_notb == 1


def test_naive_bayes_log_odds_linear_in_binary_features():
    rng = np.random.default_rng(0)
    d = 5
    p1, p0 = rng.uniform(0.1, 0.9, d), rng.uniform(0.1, 0.9, d)
    prior = 0.3
    w = np.log(p1 / p0) - np.log((1 - p1) / (1 - p0))
    c = np.log(prior / (1 - prior)) + np.log((1 - p1) / (1 - p0)).sum()
    for x in itertools.product((0, 1), repeat=d):
        x = np.array(x)
        l1 = prior * np.prod(np.where(x, p1, 1 - p1))
        l0 = (1 - prior) * np.prod(np.where(x, p0, 1 - p0))
        assert math.log(l1 / l0) == pytest.approx(c + w @ x)


# --------------------------------------------------------------------------- bayesian-linear-regression


def test_blr_worked_example():
    qid = "bayesian-linear-regression"
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 3.0, 2.0])
    sigma2 = tau2 = 1.0
    assert x @ x == 14 and x @ y == 13
    assert states(qid, "14") and states(qid, "13")
    assert fmt(13 / 14, 3) == "0.929" and states(qid, "0.929")
    S = 1 / (x @ x / sigma2 + 1 / tau2)
    m = S * (x @ y) / sigma2
    assert m == pytest.approx(13 / 15) and fmt(m, 3) == "0.867" and states(qid, "0.867")
    assert S == pytest.approx(1 / 15) and fmt(S, 3) == "0.067" and states(qid, "0.067")
    ridge = (x @ y) / (x @ x + sigma2 / tau2)
    assert ridge == pytest.approx(m)
    mean4, var4 = 4 * m, sigma2 + 16 * S
    assert fmt(mean4, 2) == "3.47" and states(qid, "3.47")
    assert fmt(var4, 2) == "2.07" and states(qid, "2.07")
    var10 = sigma2 + 100 * S
    assert fmt(var10, 2) == "7.67" and states(qid, "7.67")


def test_blr_posterior_matches_ridge_and_evidence():
    rng = np.random.default_rng(0)
    n, d, sigma2, tau2 = 20, 3, 0.5, 2.0
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + math.sqrt(sigma2) * rng.normal(size=n)
    lam = sigma2 / tau2
    S = np.linalg.inv(X.T @ X / sigma2 + np.eye(d) / tau2)
    m = S @ X.T @ y / sigma2
    assert np.allclose(m, np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y))
    assert np.allclose(S, sigma2 * np.linalg.inv(X.T @ X + lam * np.eye(d)))
    # Joint Gaussian conditioning gives the same posterior
    Kyy = sigma2 * np.eye(n) + tau2 * X @ X.T
    m2 = tau2 * X.T @ np.linalg.solve(Kyy, y)
    assert np.allclose(m, m2)
    # eigen view: shrinkage factor and posterior variance per eigendirection
    s, V = np.linalg.eigh(X.T @ X)
    ols = np.linalg.solve(X.T @ X, X.T @ y)
    assert np.allclose(V.T @ m, s / (s + lam) * (V.T @ ols))
    assert np.allclose(np.diag(V.T @ S @ V), sigma2 / (s + lam))


# --------------------------------------------------------------------------- intractable-evidence


def test_gaussian_evidence_and_elbo():
    qid = "intractable-evidence"
    x = 2.0
    log_px = stats.norm(0, math.sqrt(2)).logpdf(x)
    assert log_px == pytest.approx(-0.5 * math.log(4 * math.pi) - 1)
    assert fmt(log_px, 3) == "-2.266" and states(qid, "2.266")
    # posterior N(1, 1/2)
    post_mean, post_var = x / 2, 0.5
    # ELBO of q = N(1, 1), by closed form pieces
    mq, vq = 1.0, 1.0
    e_log_lik = -0.5 * math.log(2 * math.pi) - 0.5 * ((x - mq) ** 2 + vq)
    kl_prior = 0.5 * (vq + mq**2 - 1 - math.log(vq))
    elbo = e_log_lik - kl_prior
    gap = 0.5 * (vq / post_var - 1 - math.log(vq / post_var) + (mq - post_mean) ** 2 / post_var)
    assert gap == pytest.approx(0.5 * (2 - 1 - math.log(2)))
    assert elbo == pytest.approx(log_px - gap)
    assert fmt(gap, 3) == "0.153" and states(qid, "0.153")
    assert fmt(elbo, 3) == "-2.419" and states(qid, "2.419")
    # Monte Carlo ELBO agrees
    rng = np.random.default_rng(0)
    z = rng.normal(mq, math.sqrt(vq), 400_000)
    mc = np.mean(stats.norm.logpdf(z) + stats.norm.logpdf(x, z, 1) - stats.norm.logpdf(z, mq, math.sqrt(vq)))
    assert mc == pytest.approx(elbo, abs=0.01)


def ess_fraction(x: float) -> float:
    """(E w)^2 / E w^2 for prior proposal z ~ N(0,1), weights w = N(x; z, 1), by quadrature."""
    z = np.linspace(-12, 12 + x, 400_001)
    prior = stats.norm.pdf(z)
    w = stats.norm.pdf(x, z, 1)
    ew = np.trapezoid(w * prior, z)
    ew2 = np.trapezoid(w**2 * prior, z)
    return ew**2 / ew2


def test_importance_sampling_effective_fraction():
    qid = "intractable-evidence"
    f2, f5 = ess_fraction(2.0), ess_fraction(5.0)
    # closed form: N(x;0,2)^2 / [ N(x;0,3/2) / (2 sqrt(pi)) ]
    for x, f in ((2.0, f2), (5.0, f5)):
        closed = stats.norm(0, math.sqrt(2)).pdf(x) ** 2 / (
            stats.norm(0, math.sqrt(1.5)).pdf(x) / (2 * math.sqrt(math.pi))
        )
        assert f == pytest.approx(closed, rel=1e-6)
    assert fmt(f2, 3) == "0.445" and states(qid, "0.445")
    assert fmt(f5, 3) == "0.013" and states(qid, "0.013")
    f10 = 0.445**10
    assert f"{f10:.0e}" == "3e-04" and "3\\times 10^{-4}" in field(qid, "answer")
    assert f2**10 == pytest.approx(3e-4, rel=0.05)
    # an importance-sampling estimate with the prior as proposal is unbiased for p(x)
    rng = np.random.default_rng(0)
    z = rng.normal(size=400_000)
    est = stats.norm.pdf(2.0, z, 1).mean()
    assert est == pytest.approx(stats.norm(0, math.sqrt(2)).pdf(2.0), rel=0.01)


def test_metropolis_hastings_ignores_evidence():
    # Random-walk MH on the unnormalised joint recovers the posterior N(1, 1/2).
    rng = np.random.default_rng(0)
    x = 2.0

    def log_joint(z):
        return -0.5 * z**2 - 0.5 * (x - z) ** 2

    z, chain = 0.0, []
    for _ in range(60_000):
        prop = z + rng.normal()
        if math.log(rng.random()) < log_joint(prop) - log_joint(z):
            z = prop
        chain.append(z)
    chain = np.array(chain[5000:])
    assert chain.mean() == pytest.approx(1.0, abs=0.05)
    assert chain.var() == pytest.approx(0.5, abs=0.05)


# --------------------------------------------------------------------------- calibration-scoring-rules


def test_scoring_rule_example():
    qid = "calibration-scoring-rules"
    p = 0.7

    def log_loss(q):
        return -p * math.log(q) - (1 - p) * math.log(1 - q)

    def brier(q):
        return p * (1 - q) ** 2 + (1 - p) * q**2

    def absolute(q):
        return p * (1 - q) + (1 - p) * q

    assert fmt(log_loss(0.7), 3) == "0.611" and states(qid, "0.611")
    assert fmt(log_loss(0.9), 3) == "0.765" and states(qid, "0.765")
    kl = p * math.log(p / 0.9) + (1 - p) * math.log((1 - p) / 0.1)
    assert log_loss(0.9) - log_loss(0.7) == pytest.approx(kl)
    assert fmt(kl, 3) == "0.154" and states(qid, "0.154")
    assert brier(0.7) == pytest.approx(0.21) and states(qid, "0.21")
    assert brier(0.9) == pytest.approx(0.25) and states(qid, "0.25")
    assert brier(0.9) - brier(0.7) == pytest.approx(0.2**2) == pytest.approx(0.04)
    assert states(qid, "0.04")
    assert absolute(0.7) == pytest.approx(0.42) and states(qid, "0.42")
    assert absolute(1.0) == pytest.approx(0.30) and states(qid, "0.30")


def test_properness_on_a_grid():
    q = np.linspace(0.001, 0.999, 999)
    for p in (0.1, 0.3, 0.7, 0.95):
        ll = -p * np.log(q) - (1 - p) * np.log(1 - q)
        br = p * (1 - q) ** 2 + (1 - p) * q**2
        ab = p * (1 - q) + (1 - p) * q
        assert q[np.argmin(ll)] == pytest.approx(p, abs=1e-3)
        assert q[np.argmin(br)] == pytest.approx(p, abs=1e-3)
        assert q[np.argmin(ab)] in (q[0], q[-1])


def test_brier_murphy_decomposition():
    rng = np.random.default_rng(0)
    n = 20_000
    forecasts = rng.choice([0.1, 0.3, 0.5, 0.8], size=n)
    truth = np.clip(forecasts + rng.choice([-0.1, 0.0, 0.1], size=n), 0, 1)
    y = (rng.random(n) < truth).astype(float)
    brier = np.mean((forecasts - y) ** 2)
    ybar = y.mean()
    rel = res = 0.0
    for f in np.unique(forecasts):
        idx = forecasts == f
        ok = y[idx].mean()
        rel += idx.mean() * (f - ok) ** 2
        res += idx.mean() * (ok - ybar) ** 2
    assert brier == pytest.approx(rel - res + ybar * (1 - ybar))


def test_temperature_scaling_keeps_argmax():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(100, 5)) * 3
    for t in (0.5, 2.0, 4.0):
        assert np.array_equal(np.argmax(logits / t, axis=1), np.argmax(logits, axis=1))


# --------------------------------------------------------------------------- figure caption


def caption() -> str:
    tree = ast.parse(FIGURE.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "CAPTION" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("no CAPTION")


def figure_constants() -> dict:
    tree = ast.parse(FIGURE.read_text(encoding="utf-8"))
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("TRUTH", "N_MAX", "SAMPLE_SIZES", "CAP"):
                out[name] = ast.literal_eval(node.value)
    return out


def figure_data(n_max: int, truth: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.cumsum(rng.random(n_max) < truth)


def test_caption_numbers():
    cap = caption()
    const = figure_constants()
    assert const["TRUTH"] == 0.7 and "\\theta = 0.7" in cap
    assert const["N_MAX"] == 1000 and "1000 Bernoulli trials" in cap
    assert const["SAMPLE_SIZES"] == (10, 100, 1000) and "$n = 10$, 100 and 1000" in cap
    assert const["CAP"] == 0.5 and "$[0, 0.5]$" in cap
    # both strong priors: strength 20, means 0.7 and 0.2
    assert 14 / 20 == 0.7 and 4 / 20 == 0.2 and "0.2" in cap
    assert "Beta}(14,6)" in cap and "Beta}(4,16)" in cap and "a+b = 20" in cap
    assert "Beta}(1,1)" in cap
    weights = [20 / (20 + n) for n in const["SAMPLE_SIZES"]]
    assert [fmt(w, 2) for w in weights] == ["0.67", "0.17", "0.02"]
    assert "0.67 at $n=10$ to 0.17 at $n=100$ and 0.02 at $n=1000$" in cap


def test_caption_claims():
    const = figure_constants()
    k = figure_data(const["N_MAX"], const["TRUTH"])
    truth = const["TRUTH"]
    # at n = 10 the right prior beats the MLE and the wrong prior is far off (shown in the panels)
    n = 10
    kn = k[n - 1]
    right = (14 + kn) / (20 + n)
    wrong = (4 + kn) / (20 + n)
    assert abs(right - truth) < abs(kn / n - truth)
    assert abs(wrong - truth) > 0.3
    # by n = 1000 the three posterior means agree to within 0.01, and each is within 0.035 of the truth
    n = 1000
    kn = k[n - 1]
    means = [(1 + kn) / (2 + n), (14 + kn) / (20 + n), (4 + kn) / (20 + n)]
    assert max(means) - min(means) < 0.01
    assert all(abs(m - truth) < 0.035 for m in means)
    # the dogmatic prior's posterior mean piles up below 0.5
    grid = np.linspace(1e-6, 0.5, 20001)
    logl = kn * np.log(grid) + (n - kn) * np.log1p(-grid)
    w = np.exp(logl - logl.max())
    capped = np.trapezoid(w * grid, grid) / np.trapezoid(w, grid)
    assert 0.49 < capped < 0.5
