"""Recompute every number stated in the probability chapter and its figure caption.

Each number is computed from the problem's inputs and looked for in the
sentence it belongs to, so a change to either the text or the maths fails.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import special, stats

from bank import QUESTIONS, caption_states, field, figure_constant, figure_module, fmt, states

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


def frac(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


def vec_str(v) -> str:
    return "(" + ",".join(f"{x:g}" for x in v) + ")"


def pct(x: float) -> str:
    """A whole-number percentage as the text prints it."""
    return f"{round(100 * x)}%"


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("qid", IDS)
def test_question_present_with_word_limits(qid):
    assert qid in QUESTIONS, qid
    answer = len(field(qid, "answer").split())
    short = len(field(qid, "short_answer").split())
    assert 250 <= answer <= 700, (qid, answer)
    assert short <= 70, (qid, short)
    assert 2 <= len(QUESTIONS[qid]["mistakes"]) <= 4
    assert 2 <= len(QUESTIONS[qid]["follow_ups"]) <= 3
    assert "\\textbf{" in field(qid, "answer")


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

PREVALENCE, SENSITIVITY, FPR = 0.01, 0.99, 0.05


def ppv(prevalence: float, sensitivity: float = SENSITIVITY, fpr: float = FPR) -> float:
    return sensitivity * prevalence / (sensitivity * prevalence + fpr * (1 - prevalence))


def test_bayes_inputs_and_natural_frequencies():
    qid = "bayes-medical-test"
    near = "Prevalence 1%, sensitivity"
    for value in (PREVALENCE, SENSITIVITY, FPR):
        assert states(qid, pct(value), near=near)
    population = 10_000
    ill = round(population * PREVALENCE)
    true_pos = round(ill * SENSITIVITY)
    healthy = population - ill
    false_pos = round(healthy * FPR)
    near = "In natural frequencies"
    for n in (population, ill, true_pos, healthy, false_pos):
        assert states(qid, f"{n:,}", near=near), n
    assert states(qid, f"{ill - true_pos}", near="false negative)") or "one false negative" in field(qid, "answer")
    assert states(qid, str(true_pos), near="positives are ill")
    assert states(qid, str(true_pos + false_pos), near="positives are ill")
    ratio = Fraction(true_pos, true_pos + false_pos)
    assert float(ratio) == pytest.approx(ppv(PREVALENCE))
    assert states(qid, f"{true_pos}/{true_pos + false_pos}", near="\\approx 16")
    assert states(qid, fmt(100 * ppv(PREVALENCE), 1), near="P(D\\mid +) = 99/")


def test_bayes_odds_form():
    qid = "bayes-medical-test"
    prior_odds = Fraction(1, 1) * PREVALENCE / (1 - PREVALENCE)
    lr = SENSITIVITY / FPR
    post_odds = prior_odds * lr
    near = "\\frac{P(D)}{P(\\neg D)}"
    assert f"\\frac{{1}}{{{round(1 / prior_odds)}}}\\times {fmt(lr, 1)} = {fmt(post_odds, 1)}" in field(qid, "answer")
    assert states(qid, fmt(lr, 1), near=near)
    assert states(qid, fmt(post_odds, 1), near=near)
    near = "With prevalence 1%"
    for value in (PREVALENCE, SENSITIVITY, FPR):
        assert states(qid, pct(value), near=near, fields=("short_answer",))
    assert f"$(1/{round(1 / prior_odds)})\\times {fmt(lr, 1)}" in field(qid, "short_answer")
    odds = Fraction(post_odds).limit_denominator(100)
    assert states(qid, f"{odds.numerator}:{odds.denominator}", near="odds of")
    assert states(qid, frac(odds / (1 + odds)), near="odds of")
    assert states(qid, fmt(lr, 1), near="likelihood ratio")
    assert states(qid, f"{round((1 - PREVALENCE) / PREVALENCE)} to 1", near="outnumber the ill")
    # short answer: (1/99) x 19.8 = 1:5, so 16.7%
    assert f"{odds.numerator}{{:}}{odds.denominator}" in field(qid, "short_answer")
    assert states(qid, fmt(100 * ppv(PREVALENCE), 1), near="posterior odds are", fields=("short_answer",))
    assert states(qid, fmt(lr, 1), near="posterior odds are", fields=("short_answer",))


def test_bayes_other_prevalence_and_repeat_test():
    qid = "bayes-medical-test"
    high = 0.10
    p = ppv(high)
    assert states(qid, pct(high), near="used where prevalence is")
    assert states(qid, fmt(100 * p, 1), near="used where prevalence is")
    assert states(qid, fmt(100 * p, 1), near="moves the answer from")
    assert states(qid, fmt(100 * ppv(PREVALENCE), 1), near="moves the answer from")
    assert states(qid, f"prevalence is {pct(high)}", near="moves the answer from")
    assert states(qid, f"population's {pct(PREVALENCE)}", near="moves the answer from")
    assert states(qid, f"the {pct(SENSITIVITY)} and {pct(FPR)}", near="moves the answer from")
    odds2 = PREVALENCE / (1 - PREVALENCE) * (SENSITIVITY / FPR) ** 2
    near = "A second positive multiplies"
    assert states(qid, f"by {fmt(SENSITIVITY / FPR, 1)} again", near=near)
    assert states(qid, fmt(odds2, 2), near=near)
    assert states(qid, fmt(100 * odds2 / (1 + odds2), 1), near=near)
    assert states(qid, fmt(100 * odds2 / (1 + odds2), 1), near="correlated errors", fields=("mistakes",))
    assert states(qid, fmt(100 * ppv(PREVALENCE), 1), near="base-rate neglect", fields=("mistakes",))


def test_bayes_prior_predictive_count():
    qid = "bayes-medical-test"
    screened = 1000
    expected = screened * (PREVALENCE * SENSITIVITY + (1 - PREVALENCE) * FPR)
    near = "prior-predictive check"
    assert states(qid, f"{screened:,}", near=near)
    assert states(qid, str(int(round(expected, -1))), near=near)


def test_bayes_beta_binomial_blend():
    qid = "bayes-medical-test"
    a, b = 2, 18
    near = "With a prior $\\mathrm{Beta}(2,18)$"
    assert f"\\mathrm{{Beta}}({a},{b})" in field(qid, "answer")
    assert states(qid, fmt(a / (a + b), 1), near=near)
    assert states(qid, str(a + b), near=near)
    k, n = 3, 10
    assert states(qid, str(k), near=near) and states(qid, str(n), near=near)
    assert states(qid, fmt(k / n, 1), near=near)
    mean = Fraction(a + k, a + b + n)
    w = Fraction(a + b, a + b + n)
    assert mean == w * Fraction(a, a + b) + (1 - w) * Fraction(k, n)
    assert states(qid, f"{a + k}/{a + b + n}", near=near)
    assert states(qid, fmt(float(mean), 3), near=near)
    assert w == Fraction(2, 3) and "two thirds of the weight" in field(qid, "answer")
    k, n = 300, 1000
    near = "successes in 1000 trials"
    assert states(qid, f"With {k} successes in {n} trials", near=near)
    assert states(qid, f"{a + k}/{a + b + n}", near=near)
    assert states(qid, fmt((a + k) / (a + b + n), 3), near=near)
    assert states(qid, fmt((a + b) / (a + b + n), 2), near=near)


def test_bayes_dogmatic_prior_never_recovers():
    # A prior uniform on [0, 0.5] with truth 0.7: the posterior mean piles up below 0.5.
    qid = "bayes-medical-test"
    truth, cap = 0.7, 0.5
    rng = np.random.default_rng(1)
    x = rng.random(5000) < truth
    k, n = int(x.sum()), x.size
    grid = np.linspace(1e-6, cap, 20001)
    logl = k * np.log(grid) + (n - k) * np.log1p(-grid)
    w = np.exp(logl - logl.max())
    mean = np.trapezoid(w * grid, grid) / np.trapezoid(w, grid)
    assert cap - 0.01 < mean < cap
    near = "A prior uniform on"
    assert states(qid, fmt(cap, 1), near=near) and states(qid, fmt(truth, 1), near=near)


# --------------------------------------------------------------------------- density-vs-probability


def test_density_values():
    qid = "density-vs-probability"
    width = 0.5
    height = stats.uniform(0, width).pdf(width / 2)
    assert states(qid, fmt(height, 0), near="Uniform(0, 0.5) has density", fields=("answer",))
    assert states(qid, f"Uniform(0, {width}) has density", near="on its support", fields=("answer",))
    assert states(qid, fmt(height, 0), near="Uniform(0, 0.5) has density", fields=("short_answer",))
    sd = 0.1
    peak = stats.norm(0, sd).pdf(0)
    near = "standard deviation 0.1 peaks"
    assert states(qid, fmt(peak, 2), near=near)
    assert states(qid, fmt(sd, 1), near=near)
    assert f"$1/({sd}\\sqrt{{2\\pi}})" in field(qid, "answer")
    assert stats.beta(0.5, 0.5).pdf(1e-12) > 1e5 and "Beta}(0.5, 0.5)$ is unbounded" in field(qid, "answer")


def test_change_of_variables_examples():
    qid = "density-vs-probability"
    # Y = -ln(X)/lambda is exponential: compare the simulated CDF with 1 - exp(-lambda y)
    lam = 1.7
    rng = np.random.default_rng(0)
    y = -np.log(rng.random(200_000)) / lam
    assert stats.kstest(y, stats.expon(scale=1 / lam).cdf).pvalue > 0.01
    assert "Y = -\\ln(X)/\\lambda" in field(qid, "answer")
    # lognormal mode, by maximising the transformed density numerically
    grid = np.linspace(0.01, 3, 300_001)
    dens = stats.norm.pdf(np.log(grid)) / grid
    mode = grid[np.argmax(dens)]
    assert states(qid, fmt(mode, 3), near="gives the mode")
    assert states(qid, fmt(stats.lognorm(s=1).cdf(1.0) * 2, 0) + "/2", near="the median (a probability")
    # rescaling by c shifts d-dimensional log density by -d ln c
    c, d = 3.0, 4
    x = rng.normal(size=d)
    shifted = stats.multivariate_normal(np.zeros(d), c**2 * np.eye(d)).logpdf(c * x)
    base = stats.multivariate_normal(np.zeros(d), np.eye(d)).logpdf(x)
    assert shifted == pytest.approx(base - d * math.log(c))
    assert "shifts every log-density by $-d\\ln c$" in field(qid, "answer")


def test_density_jacobian_is_of_the_inverse():
    qid = "density-vs-probability"
    # Y = A X for a 2-d Gaussian X: p_Y(y) = p_X(A^{-1} y) |det J_{A^{-1}}|
    A = np.array([[2.0, 0.5], [0.0, 3.0]])
    y = np.array([0.7, -1.2])
    direct = stats.multivariate_normal(np.zeros(2), A @ A.T).pdf(y)
    via = stats.multivariate_normal(np.zeros(2), np.eye(2)).pdf(np.linalg.solve(A, y)) * abs(np.linalg.det(np.linalg.inv(A)))
    assert direct == pytest.approx(via)
    assert "|\\det J_{g^{-1}}(y)|" in field(qid, "short_answer")
    assert "|\\det J_{g^{-1}}(y)|" in field(qid, "answer")


# --------------------------------------------------------------------------- expectation-variance-of-sums


def test_fixed_points_of_permutation():
    qid = "expectation-variance-of-sums"
    for n in range(1, 7):
        perms = list(itertools.permutations(range(n)))
        mean = Fraction(sum(sum(p[i] == i for i in range(n)) for p in perms), len(perms))
        assert states(qid, str(mean), near="expected number of fixed points")


def test_minibatch_variance_numbers():
    qid = "expectation-variance-of-sums"
    sigma2, B, rho = 4, 64, 0.05
    near = "Independent examples give variance"
    v0 = sigma2 / B
    assert states(qid, f"{sigma2}/{B}", near=near)
    assert states(qid, fmt(v0, 4), near=near)
    assert states(qid, fmt(math.sqrt(v0), 2), near=near)
    v = sigma2 * (1 / B + rho * (B - 1) / B)
    near = "the variance is 0."
    assert states(qid, fmt(rho, 2), near=near)
    assert states(qid, fmt(v, 3), near=near)
    assert states(qid, fmt(math.sqrt(v), 3), near=near)
    assert states(qid, fmt(rho * sigma2, 1), near=near)
    assert math.floor(v / v0) == 4 and "more than four times larger" in field(qid, "answer")
    b_eff = B / (1 + (B - 1) * rho)
    assert states(qid, fmt(b_eff, 1), near="effective batch size")
    assert states(qid, str(B), near="effective batch size")
    # the equicorrelated formula agrees with a^T Sigma a
    cov = sigma2 * ((1 - rho) * np.eye(B) + rho * np.ones((B, B)))
    a = np.full(B, 1 / B)
    assert a @ cov @ a == pytest.approx(v)


def test_finite_population_correction():
    # Without replacement, Var(mean) = sigma^2/B * (N-B)/(N-1), sigma^2 the population variance.
    qid = "expectation-variance-of-sums"
    rng = np.random.default_rng(0)
    N, B = 12, 4
    pop = rng.normal(size=N)
    means = [np.mean(pop[list(c)]) for c in itertools.combinations(range(N), B)]
    assert np.var(means) == pytest.approx(pop.var() / B * (N - B) / (N - 1))
    assert "$(N-B)/(N-1)$" in field(qid, "answer")


# --------------------------------------------------------------------------- total-expectation-variance


def test_mixture_total_variance():
    qid = "total-expectation-variance"
    w = np.array([0.3, 0.7])
    mu = np.array([0.0, 5.0])
    var = np.array([1.0, 4.0])
    mean = w @ mu
    within = w @ var
    between = w @ (mu - mean) ** 2
    ex2 = w @ (var + mu**2)
    near = "Worked example: a mixture"
    for k in range(2):
        assert states(qid, f"With probability {w[k]}" if k == 0 else f"with probability {w[k]}", near=near)
        assert states(qid, f"\\mathcal{{N}}({mu[k]:g},{var[k]:g})", near=near)
    answer = field(qid, "answer")
    assert f"{w[0]}\\cdot {mu[0]:g} + {w[1]}\\cdot {mu[1]:g} = {fmt(mean, 1)}" in answer
    assert f"{w[0]}\\cdot {var[0]:g} + {w[1]}\\cdot {var[1]:g} = {fmt(within, 1)}" in answer
    assert f"{w[0]}\\cdot {w[1]}\\cdot {mu[1] - mu[0]:g}^2 = {fmt(between, 2)}" in answer
    assert f"equal to {mu[0]:g} or {mu[1]:g} with probabilities {w[0]} and {w[1]}" in answer
    assert states(qid, fmt(mean, 1), near="\\mathbb{E}[X] = 0.3")
    assert states(qid, fmt(within, 1), near="within-component term")
    assert states(qid, fmt(between, 2), near="within-component term")
    assert states(qid, fmt(within + between, 2), near="checks against")
    assert states(qid, fmt(ex2, 1), near="checks against")
    assert states(qid, fmt(mean**2, 2), near="checks against")
    assert within + between == pytest.approx(ex2 - mean**2)
    # Monte Carlo check of the mixture variance
    rng = np.random.default_rng(0)
    comp = rng.random(400_000) < w[1]
    x = np.where(comp, rng.normal(mu[1], math.sqrt(var[1]), comp.size), rng.normal(mu[0], math.sqrt(var[0]), comp.size))
    assert x.var() == pytest.approx(within + between, rel=0.01)


def test_compound_poisson():
    qid = "total-expectation-variance"
    lam, mu, s2 = 10, 2, 1
    rng = np.random.default_rng(0)
    n = rng.poisson(lam, 200_000)
    s = mu * n + np.sqrt(s2 * n) * rng.normal(size=n.size)  # sum of n N(mu, s2) variables
    mean, var = lam * mu, lam * (s2 + mu**2)
    assert s.mean() == pytest.approx(mean, rel=0.01)
    assert s.var() == pytest.approx(var, rel=0.02)
    near = "With $\\lambda = 10$"
    assert states(qid, f"mean {mean}", near=near)
    assert states(qid, f"variance {var}", near=near)
    assert states(qid, f"of {lam * s2}", near=near)
    assert states(qid, f"count of {lam} items", near=near)
    assert states(qid, f"variance of {lam * s2} that", near=near)
    assert f"$\\lambda = {lam}$, $\\mu = {mu}$, $\\sigma^2 = {s2}$" in field(qid, "answer")
    assert var / (lam * s2) == 5 and "five times the variance" in field(qid, "answer")


# --------------------------------------------------------------------------- mle-map-bayes


def test_coin_mle_map_posterior_mean():
    qid = "mle-map-bayes"
    k, n = 3, 3
    a, b = 2 + k, 2 + n - k
    assert f"heads {k} times in {n} tosses" in field(qid, "answer")
    near = "declares tails impossible"
    assert states(qid, f"{k}/{n}", near=near)
    assert states(qid, fmt(k / n, 0), near=near)
    assert f"\\mathrm{{Beta}}({a},{b})" in field(qid, "answer")
    grid = np.linspace(1e-6, 1 - 1e-6, 100_001)
    mode = grid[np.argmax(stats.beta(a, b).pdf(grid))]
    near = "whose mode gives MAP"
    assert states(qid, fmt(mode, 1), near=near)
    assert states(qid, f"({a}-1)/({a}+{b}-2)", near=near)
    mean = stats.beta(a, b).mean()
    near = "Full Bayes predicts the next toss"
    assert states(qid, f"{a}/{a + b}", near=near)
    assert states(qid, fmt(mean, 3), near=near)
    # uniform prior: MAP = MLE = 1, predictive (k+1)/(n+2)
    pred = Fraction(1 + k, 2 + n)
    assert states(qid, frac(pred), near="Laplace's rule of succession")
    assert states(qid, fmt(float(pred), 1), near="Laplace's rule of succession")
    near = "after 3 heads in 3 tosses"
    for text in (fmt(k / n, 0), fmt(mode, 1), fmt(mean, 3)):
        assert states(qid, text, near=near, fields=("short_answer",)), text


def test_ridge_and_lasso_as_map():
    qid = "mle-map-bayes"
    rng = np.random.default_rng(0)
    n, d, sigma, tau, b = 30, 4, 0.7, 1.3, 0.5
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + sigma * rng.normal(size=n)
    lam = sigma**2 / tau**2
    ridge = np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)
    # the gradient of the negative log posterior vanishes at the ridge solution
    grad = -(X.T @ (y - X @ ridge)) / sigma**2 + ridge / tau**2
    assert np.allclose(grad, 0, atol=1e-10)
    assert "\\lambda = \\sigma^2/\\tau^2" in field(qid, "answer")
    assert "\\lambda=\\sigma^2/\\tau^2" in field(qid, "short_answer")
    # lasso: 2 sigma^2 times the negative log posterior (Gaussian likelihood, Laplace prior, from
    # scipy's densities) differs from ||r||^2 + (2 sigma^2 / b)||w||_1 only by a constant
    def nlp(w):
        return -(stats.norm(X @ w, sigma).logpdf(y).sum() + stats.laplace(scale=b).logpdf(w).sum())

    def objective(w):
        return np.sum((y - X @ w) ** 2) + (2 * sigma**2 / b) * np.abs(w).sum()

    w1, w2 = rng.normal(size=d), rng.normal(size=d)
    assert 2 * sigma**2 * (nlp(w1) - nlp(w2)) == pytest.approx(objective(w1) - objective(w2))
    assert "(2\\sigma^2/b)" in field(qid, "answer")
    # ridge likewise, with lambda = sigma^2 / tau^2
    def nlp_ridge(w):
        return -(stats.norm(X @ w, sigma).logpdf(y).sum() + stats.norm(0, tau).logpdf(w).sum())

    def ridge_objective(w):
        return np.sum((y - X @ w) ** 2) + lam * np.sum(w**2)

    assert 2 * sigma**2 * (nlp_ridge(w1) - nlp_ridge(w2)) == pytest.approx(ridge_objective(w1) - ridge_objective(w2))


# --------------------------------------------------------------------------- beta-binomial-conjugacy


def test_beta_binomial_update_by_quadrature():
    qid = "beta-binomial-conjugacy"
    a, b, k, n = 2.0, 98.0, 5, 100
    grid = np.linspace(1e-7, 1 - 1e-7, 400_001)
    post = stats.beta(a, b).pdf(grid) * stats.binom(n, grid).pmf(k)
    post /= np.trapezoid(post, grid)
    assert np.allclose(post, stats.beta(a + k, b + n - k).pdf(grid), atol=1e-3 * post.max())
    assert "\\mathrm{Beta}(a+k,\\,b+n-k)" in field(qid, "short_answer")


def test_ad_click_example():
    qid = "beta-binomial-conjugacy"
    a, b, k, n = 2, 98, 5, 100
    near = "Past ads have click rates"
    assert states(qid, f"\\mathrm{{Beta}}({a},{b})", near=near)
    assert states(qid, pct(a / (a + b)), near=near)
    assert states(qid, str(a + b), near=near)
    near = "A new ad gets"
    assert states(qid, str(k), near=near) and states(qid, str(n), near=near)
    assert states(qid, fmt(k / n, 2), near=near)
    assert f"\\mathrm{{Beta}}({a + k},{b + n - k})" in field(qid, "answer")
    post = stats.beta(a + k, b + n - k)
    near = "The posterior is $\\mathrm{Beta}(7"
    assert states(qid, f"{a + k}/{a + b + n}", near=near)
    assert states(qid, fmt(post.mean(), 3), near=near)
    w = Fraction(a + b, a + b + n)
    assert states(qid, f"{a + b}/{a + b + n}", near=near)
    assert states(qid, fmt(float(w), 1), near=near)
    near = "Its standard deviation"
    assert states(qid, fmt(post.std(), 3), near=near)
    lo, hi = post.ppf([0.025, 0.975])
    assert states(qid, fmt(lo, 3), near=near) and states(qid, fmt(hi, 3), near=near)
    assert states(qid, "95%", near=near)
    m = post.mean()
    assert post.var() == pytest.approx(m * (1 - m) / (a + b + n + 1))
    assert "m(1-m)/(a+b+n+1)" in field(qid, "answer")


def test_rule_of_succession():
    qid = "beta-binomial-conjugacy"
    k, n = 0, 20
    p = Fraction(k + 1, n + 2)
    near = "Laplace's rule of succession"
    assert states(qid, str(n), near=near)
    assert states(qid, frac(p), near=near)
    assert states(qid, fmt(float(p), 3), near=near)


def test_beta_binomial_predictive_for_future_trials():
    qid = "beta-binomial-conjugacy"
    a, b, k, n, r = 2, 98, 5, 100, 10
    alpha, beta = a + k, b + n - k
    j = np.arange(r + 1)
    pmf = special.comb(r, j) * np.exp(special.betaln(alpha + j, beta + r - j) - special.betaln(alpha, beta))
    assert np.allclose(pmf, stats.betabinom(r, alpha, beta).pmf(j))
    m = alpha / (alpha + beta)
    mean = (j * pmf).sum()
    var = ((j - mean) ** 2 * pmf).sum()
    assert mean == pytest.approx(r * m)
    assert var == pytest.approx(r * m * (1 - m) * (a + b + n + r) / (a + b + n + 1))
    assert var > stats.binom(r, m).var()
    answer = field(qid, "answer")
    assert "\\binom{r}{j}B(a+k+j,\\, b+n-k+r-j)/B(a+k,\\, b+n-k)" in answer
    assert "rm(1-m)(a+b+n+r)/(a+b+n+1)" in answer


def test_empirical_bayes_moment_matching_needs_the_noise_term():
    # Historical ads drawn from the answer's prior Beta(2, 98), 100 impressions each.
    qid = "beta-binomial-conjugacy"
    rng = np.random.default_rng(0)
    a, b, n_i = 2, 98, 100
    theta = rng.beta(a, b, 20_000)
    rates = rng.binomial(n_i, theta) / n_i
    m, v = rates.mean(), rates.var()
    naive = m * (1 - m) / v - 1
    noise = np.mean(rates * (1 - rates)) / (n_i - 1)  # unbiased estimate of E[theta(1-theta)/n_i]
    corrected = m * (1 - m) / (v - noise) - 1
    assert naive < 0.6 * (a + b)
    assert corrected == pytest.approx(a + b, rel=0.1)
    assert "understates $a+b$" in field(qid, "answer")


def test_dirichlet_predictive_matches_simulation():
    qid = "beta-binomial-conjugacy"
    alpha = np.array([1.0, 1.0, 1.0])
    counts = np.array([3, 0, 7])
    pred = (counts + alpha) / (counts.sum() + alpha.sum())
    rng = np.random.default_rng(0)
    draws = rng.dirichlet(alpha + counts, 200_000)
    assert np.allclose(draws.mean(axis=0), pred, atol=3e-3)
    assert "$(n_j+\\alpha_j)/(n+\\sum_i\\alpha_i)$" in field(qid, "answer")


# --------------------------------------------------------------------------- conditioning-puzzles


def two_children(likelihood) -> Fraction:
    """P(BB | observation), given the observation's likelihood for each family (older first)."""
    families = list(itertools.product("BG", repeat=2))
    num = sum(Fraction(1, 4) * likelihood(f) for f in families if f == ("B", "B"))
    den = sum(Fraction(1, 4) * likelihood(f) for f in families)
    return num / den


def test_two_children():
    qid = "conditioning-puzzles"
    asked = two_children(lambda f: Fraction("B" in f))
    assert states(qid, frac(asked), near="rules out GG only")
    assert states(qid, frac(asked), near="and hearing yes", fields=("short_answer",))
    older = two_children(lambda f: Fraction(f[0] == "B"))
    assert states(qid, frac(older), near="Only BB and BG remain")
    met = two_children(lambda f: Fraction(f.count("B"), 2))
    assert states(qid, frac(met), near="saw a boy")
    likes = [Fraction(f.count("B"), 2) for f in itertools.product("BG", repeat=2)]
    assert "likelihood of this is 1 under BB, 1/2 under BG and GB, 0 under GG" in field(qid, "answer")
    assert likes == [1, Fraction(1, 2), Fraction(1, 2), 0]
    terms = [Fraction(1, 4) * lk for lk in likes if lk]
    assert f"\\frac{{{frac(terms[0])}}}{{{' + '.join(frac(t) for t in terms)}}} = {frac(met)}" in field(qid, "answer")
    # a parent volunteers "one is a boy", naming a sex at random when there is one of each
    volunteered = two_children(lambda f: Fraction(f.count("B"), 2))
    assert states(qid, frac(volunteered), near="a parent volunteers")
    assert states(qid, frac(older), near="a parent volunteering", fields=("short_answer",))


def test_boy_born_on_tuesday():
    qid = "conditioning-puzzles"
    kinds = [(s, d) for s in "BG" for d in range(7)]
    pairs = list(itertools.product(kinds, repeat=2))
    tuesday_boy = ("B", 1)
    hit = [p for p in pairs if tuesday_boy in p]
    both = [p for p in hit if p[0][0] == "B" and p[1][0] == "B"]
    near = "sex-and-day types"
    assert states(qid, str(len(kinds)), near=near)
    assert states(qid, str(len(pairs)), near=near)
    assert states(qid, str(len(hit)), near=near)
    assert states(qid, str(len(both)), near=near)
    p = Fraction(len(both), len(hit))
    near = "So $P(\\mathrm{BB}) = 13"
    assert states(qid, frac(p), near=near)
    assert states(qid, fmt(float(p), 3), near=near)
    assert states(qid, frac(p), near="Tuesday", fields=("short_answer",))


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
    near = "The probability that he opens door 3"
    for car in (1, 2):
        assert states(qid, str(standard[car]), near=near)
    stay = monty(lambda car: standard[car])
    near = "posterior is proportional to"
    assert states(qid, frac(stay), near=near) and states(qid, frac(1 - stay), near=near)
    assert states(qid, frac(1 - stay), near="knowingly must show a goat", fields=("short_answer",))
    for q in (Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(9, 10), Fraction(1)):
        biased = {1: q, 2: Fraction(1), 3: Fraction(0)}
        p = monty(lambda car: biased[car])
        assert p == q / (1 + q) and p <= Fraction(1, 2)
    assert "q/(1+q)" in field(qid, "answer")
    assert states(qid, "1/2", near="which is at most")
    # ignorant host opens door 2 or 3 at random; observation: door 3 opened and shows a goat
    ignorant = {1: Fraction(1, 2), 2: Fraction(1, 2), 3: Fraction(0)}
    p = monty(lambda car: ignorant[car])
    assert states(qid, frac(p), near="does not know where the car is")
    assert states(qid, frac(p), near="opened a door blindly", fields=("short_answer",))


def play_monty(rng, n: int, knows: bool) -> tuple[float, float]:
    """Simulate the game: returns P(switch wins | host opened door 3 and showed a goat)."""
    car = rng.integers(1, 4, n)
    if knows:
        # the host opens an unchosen goat door, at random when both unchosen doors hide goats
        coin = rng.integers(0, 2, n)
        opened = np.where(car == 2, 3, np.where(car == 3, 2, np.where(coin == 0, 2, 3)))
    else:
        opened = rng.integers(2, 4, n)
    seen = (opened == 3) & (car != 3)  # door 3 was opened and a goat was shown
    remaining = 5 - opened  # the unopened, unchosen door (2 or 3)
    switch_wins = (car == remaining)[seen]
    return switch_wins.mean(), seen.mean()


def test_monty_hall_simulation_with_a_host():
    qid = "conditioning-puzzles"
    rng = np.random.default_rng(0)
    knowing, _ = play_monty(rng, 300_000, knows=True)
    blind, _ = play_monty(rng, 300_000, knows=False)
    near = "posterior is proportional to"
    assert states(qid, frac(Fraction(knowing).limit_denominator(5)), near=near)
    assert knowing == pytest.approx(2 / 3, abs=0.005)
    assert states(qid, frac(Fraction(blind).limit_denominator(5)), near="does not know where the car is")
    assert blind == pytest.approx(1 / 2, abs=0.005)


def test_selection_on_inputs_keeps_the_conditional():
    # If selection depends only on x, P(y | x, selected) = P(y | x): the answer's MAR case.
    qid = "conditioning-puzzles"
    rng = np.random.default_rng(0)
    x = rng.integers(0, 4, 400_000)
    y = rng.random(x.size) < 0.2 + 0.15 * x
    selected = rng.random(x.size) < np.where(x >= 2, 0.9, 0.1)
    for v in range(4):
        assert y[(x == v) & selected].mean() == pytest.approx(y[x == v].mean(), abs=0.01)
    # if selection also depends on y, the conditional is biased
    selected = rng.random(x.size) < np.where(y, 0.8, 0.3)
    assert y[(x == 1) & selected].mean() > y[x == 1].mean() + 0.1
    assert "missing not at random" in field(qid, "answer")


# --------------------------------------------------------------------------- conditional-independence


def test_naive_bayes_double_counting():
    qid = "conditional-independence"
    prior_p, lr = 0.5, 4
    odds = prior_p / (1 - prior_p) * lr
    near = "start at prior probability"
    assert states(qid, fmt(prior_p, 1), near=near)
    near = "A word with likelihood ratio"
    assert states(qid, str(lr), near=near)
    assert states(qid, fmt(odds / (1 + odds), 1), near=near)
    odds2 = odds * lr
    near = "Add an exact copy"
    assert states(qid, f"multiplies by {lr} again", near=near)
    assert states(qid, f"odds {odds2:.0f}", near=near)
    assert states(qid, f"likelihood ratio {lr} gives odds {odds:.0f}", near="A word with likelihood ratio")
    assert states(qid, f"{odds2:.0f}/{odds2 + 1:.0f}", near=near)
    assert states(qid, fmt(odds2 / (1 + odds2), 3), near=near)


def test_naive_bayes_decision_flips_away_from_even_odds():
    qid = "conditional-independence"
    prior_odds, lr = 0.1, 4
    near = "with prior odds 0.1"
    assert states(qid, fmt(prior_odds, 1), near=near)
    assert states(qid, fmt(prior_odds * lr, 1), near=near)
    assert states(qid, fmt(prior_odds * lr**2, 1), near=near)
    assert prior_odds * lr < 1 < prior_odds * lr**2


def test_explaining_away():
    qid = "conditional-independence"
    pa = pb = 0.1
    joint = {}
    for a, b in itertools.product((0, 1), repeat=2):
        joint[a, b] = (pa if a else 1 - pa) * (pb if b else 1 - pb)
    p_e = sum(v for (a, b), v in joint.items() if a or b)
    assert states(qid, fmt(pa, 1), near="each with probability")
    assert states(qid, fmt(p_e, 2), near="Then $P(E) = 1 - 0.9")
    p_a_e = sum(v for (a, b), v in joint.items() if a) / p_e
    near = "P(A\\mid E) = \\frac"
    assert f"\\frac{{{fmt(pa, 1)}}}{{{fmt(p_e, 2)}}}" in field(qid, "answer")
    assert states(qid, f"P(A) = {fmt(pa, 1)}", near=near)
    assert states(qid, fmt(p_a_e, 3), near=near)
    p_a_eb = joint[1, 1] / (joint[1, 1] + joint[0, 1])
    assert states(qid, fmt(p_a_eb, 1), near=near)
    p_a_e_notb = joint[1, 0] / sum(v for (a, b), v in joint.items() if (a or b) and not b)
    assert states(qid, fmt(p_a_e_notb, 0), near="P(A\\mid E, \\neg B)")


def test_naive_bayes_log_odds_linear_in_binary_features():
    qid = "conditional-independence"
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
    assert "log-odds are linear in $x$" in field(qid, "answer")


# --------------------------------------------------------------------------- bayesian-linear-regression


def test_blr_worked_example():
    qid = "bayesian-linear-regression"
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 3.0, 2.0])
    sigma2 = tau2 = 1.0
    sxx, sxy = int(x @ x), int(x @ y)
    near = "Then $\\sum x_i^2"
    assert states(qid, str(sxx), near=near) and states(qid, str(sxy), near=near)
    S = 1 / (x @ x / sigma2 + 1 / tau2)
    m = S * (x @ y) / sigma2
    near = "Least squares gives"
    assert states(qid, f"{sxy}/{sxx}", near=near)
    assert states(qid, fmt(sxy / sxx, 3), near=near)
    assert states(qid, fmt(m, 3), near=near)
    assert states(qid, fmt(S, 3), near=near)
    post = Fraction(sxy, sxx + 1), Fraction(1, sxx + 1)
    assert f"\\mathcal{{N}}({frac(post[0])}, {frac(post[1])})" in field(qid, "answer")
    ridge = (x @ y) / (x @ x + sigma2 / tau2)
    assert ridge == pytest.approx(m)
    near = "One feature, no intercept"
    assert states(qid, vec_str(x), near=near) and states(qid, vec_str(y), near=near)
    near = "At $x_* = 4$"
    assert states(qid, f"1 + {16}/{round(1 / S)}", near=near)
    assert states(qid, f"1 + {100}/{round(1 / S)}", near=near)
    assert states(qid, "x_* = 10", near=near)
    assert states(qid, fmt(4 * m, 2), near=near)
    assert states(qid, fmt(sigma2 + 16 * S, 2), near=near)
    assert states(qid, fmt(sigma2 + 100 * S, 2), near=near)


def test_blr_variance_is_smallest_at_zero_without_intercept():
    qid = "bayesian-linear-regression"
    x = np.array([1.0, 2.0, 3.0])
    S = 1 / (x @ x + 1)
    near = "Without an intercept the variance"
    centre = x.mean()
    assert states(qid, fmt(1 + 0 * S, 0), near=near)
    assert states(qid, fmt(centre, 0), near=near)
    assert states(qid, f"{round(centre**2)}/{round(1 / S)}", near=near)
    assert states(qid, fmt(1 + centre**2 * S, 2), near=near)
    assert 1 + 0 * S < 1 + centre**2 * S


def test_blr_posterior_matches_ridge_and_evidence():
    qid = "bayesian-linear-regression"
    rng = np.random.default_rng(0)
    n, d, sigma2, tau2 = 20, 3, 0.5, 2.0
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + math.sqrt(sigma2) * rng.normal(size=n)
    lam = sigma2 / tau2
    S = np.linalg.inv(X.T @ X / sigma2 + np.eye(d) / tau2)
    m = S @ X.T @ y / sigma2
    assert np.allclose(m, np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y))
    assert np.allclose(S, sigma2 * np.linalg.inv(X.T @ X + lam * np.eye(d)))
    # joint Gaussian conditioning on y ~ N(0, sigma^2 I + tau^2 X X^T) gives the same posterior
    Kyy = sigma2 * np.eye(n) + tau2 * X @ X.T
    assert np.allclose(m, tau2 * X.T @ np.linalg.solve(Kyy, y))
    assert "\\sigma^2 I + \\tau^2 XX^\\top" in field(qid, "answer")
    # eigen view: shrinkage factor and posterior variance per eigendirection
    s, V = np.linalg.eigh(X.T @ X)
    ols = np.linalg.solve(X.T @ X, X.T @ y)
    assert np.allclose(V.T @ m, s / (s + lam) * (V.T @ ols))
    assert np.allclose(np.diag(V.T @ S @ V), sigma2 / (s + lam))
    assert "$s_i/(s_i+\\lambda)$" in field(qid, "answer") and "$\\sigma^2/(s_i+\\lambda)$" in field(qid, "answer")


# --------------------------------------------------------------------------- intractable-evidence


def test_gaussian_evidence_and_elbo():
    qid = "intractable-evidence"
    x = 2.0
    log_px = stats.norm(0, math.sqrt(2)).logpdf(x)
    near = "Exactly, $p(x) ="
    assert states(qid, fmt(log_px, 3), near=near)
    # posterior N(x/2, 1/2); q = N(1, 1)
    post_mean, post_var = x / 2, 0.5
    mq, vq = 1.0, 1.0
    e_log_lik = -0.5 * math.log(2 * math.pi) - 0.5 * ((x - mq) ** 2 + vq)
    kl_prior = 0.5 * (vq + mq**2 - 1 - math.log(vq))
    elbo = e_log_lik - kl_prior
    gap = 0.5 * (vq / post_var - 1 - math.log(vq / post_var) + (mq - post_mean) ** 2 / post_var)
    assert elbo == pytest.approx(log_px - gap)
    near = "the gap is"
    assert states(qid, fmt(gap, 3), near=near)
    assert states(qid, fmt(elbo, 3), near=near)
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
    near = "Importance sampling with the prior as proposal"
    assert states(qid, fmt(f2, 3), near=near)
    assert states(qid, fmt(f5, 3), near=near)
    mantissa, exponent = f"{f2**10:.0e}".split("e")
    assert f"{mantissa}\\times 10^{{{int(exponent)}}}" in field(qid, "answer")
    # with the prior as proposal the importance-sampling estimate is unbiased for p(x)
    rng = np.random.default_rng(0)
    z = rng.normal(size=400_000)
    est = stats.norm.pdf(2.0, z, 1).mean()
    assert est == pytest.approx(stats.norm(0, math.sqrt(2)).pdf(2.0), rel=0.01)


def test_metropolis_hastings_ignores_evidence():
    # Random-walk MH on the unnormalised joint recovers the posterior N(1, 1/2).
    qid = "intractable-evidence"
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
    mean, var = Fraction(chain.mean()).limit_denominator(4), Fraction(chain.var()).limit_denominator(4)
    assert f"posterior is $\\mathcal{{N}}({mean}, {frac(var)})$" in field(qid, "answer")
    assert "p(x)$ cancels" in field(qid, "answer")


def test_forward_recursion_gives_exact_evidence_for_a_chain():
    # A hidden Markov chain: the evidence by the forward recursion equals the brute-force sum.
    qid = "intractable-evidence"
    rng = np.random.default_rng(0)
    K, T = 3, 6
    pi = rng.dirichlet(np.ones(K))
    A = rng.dirichlet(np.ones(K), size=K)
    B = rng.dirichlet(np.ones(4), size=K)
    obs = rng.integers(0, 4, T)
    alpha = pi * B[:, obs[0]]
    for t in range(1, T):
        alpha = (alpha @ A) * B[:, obs[t]]
    brute = 0.0
    for zs in itertools.product(range(K), repeat=T):
        p = pi[zs[0]] * B[zs[0], obs[0]]
        for t in range(1, T):
            p *= A[zs[t - 1], zs[t]] * B[zs[t], obs[t]]
        brute += p
    assert alpha.sum() == pytest.approx(brute)
    assert "forward and sum-product recursions" in field(qid, "answer")


# --------------------------------------------------------------------------- calibration-scoring-rules


def test_scoring_rule_example():
    qid = "calibration-scoring-rules"
    p, q = 0.7, 0.9

    def log_loss(r):
        return -p * math.log(r) - (1 - p) * math.log(1 - r)

    def brier(r):
        return p * (1 - r) ** 2 + (1 - p) * r**2

    def absolute(r):
        return p * (1 - r) + (1 - p) * r

    near = "Honest log loss"
    assert states(qid, f"-{p}\\ln {p} - {1 - p:.1f}\\ln {1 - p:.1f}", near=near)
    assert states(qid, f"The truth is $p = {p}$", near="The truth is")
    assert states(qid, f"$\\hat p = {p}$, about {pct(p)}", near="among all cases where it says")
    assert states(qid, fmt(log_loss(p), 3), near=near)
    assert states(qid, fmt(log_loss(q), 3), near="reporting 0.9 costs")
    kl = p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
    assert log_loss(q) - log_loss(p) == pytest.approx(kl)
    assert states(qid, fmt(kl, 3), near="reporting 0.9 costs")
    near = "The Brier score goes from"
    assert states(qid, fmt(brier(p), 2), near=near)
    assert states(qid, fmt(brier(q), 2), near=near)
    assert states(qid, fmt(q - p, 1), near=near)
    assert states(qid, fmt(brier(q) - brier(p), 2), near=near)
    near = "Absolute error goes the wrong way"
    assert states(qid, fmt(absolute(p), 2), near=near)
    assert states(qid, fmt(absolute(1.0), 2), near=near)


def test_properness_on_a_grid():
    qid = "calibration-scoring-rules"
    q = np.linspace(0.001, 0.999, 999)
    for p in (0.1, 0.3, 0.7, 0.95):
        ll = -p * np.log(q) - (1 - p) * np.log(1 - q)
        br = p * (1 - q) ** 2 + (1 - p) * q**2
        ab = p * (1 - q) + (1 - p) * q
        assert q[np.argmin(ll)] == pytest.approx(p, abs=1e-3)
        assert q[np.argmin(br)] == pytest.approx(p, abs=1e-3)
        assert q[np.argmin(ab)] in (q[0], q[-1])
        assert br - br.min() == pytest.approx((q - p) ** 2, abs=1e-12)
    assert "the excess is exactly $(q-p)^2$" in field(qid, "answer")
    assert "absolute error is improper" in field(qid, "short_answer")


def test_brier_murphy_decomposition():
    qid = "calibration-scoring-rules"
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
    assert "reliability minus resolution plus uncertainty" in field(qid, "answer")


# --------------------------------------------------------------------------- figure caption

FIGURE = "posterior_prior_strength"


def test_caption_numbers():
    truth = figure_constant(FIGURE, "TRUTH")
    n_max = figure_constant(FIGURE, "N_MAX")
    sizes = figure_constant(FIGURE, "SAMPLE_SIZES")
    assert caption_states(FIGURE, fmt(truth, 1), near="with true value")
    assert caption_states(FIGURE, str(n_max), near="Bernoulli trials")
    for n in sizes[1:]:
        assert caption_states(FIGURE, str(n), near="posteriors after")
    module = figure_module(FIGURE)
    cap = module.CAPTION
    # the priors as the module builds them: strength and means
    strong = [(int(a), int(b)) for _, a, b in module.PRIORS if a + b > 2]
    assert len(strong) == 2
    assert "\\mathrm{Beta}(1,1)" in cap
    for a, b in strong:
        assert f"\\mathrm{{Beta}}({a},{b})" in cap
        assert caption_states(FIGURE, str(a + b), near="two worth")
    right = max(strong, key=lambda ab: ab[0] / sum(ab))
    assert right[0] / sum(right) == pytest.approx(truth) and "centred on the truth" in cap
    wrong = min(strong, key=lambda ab: ab[0] / sum(ab))
    assert caption_states(FIGURE, fmt(wrong[0] / sum(wrong), 1), near="centred on")
    strength = sum(strong[0])
    for n in sizes:
        assert caption_states(FIGURE, fmt(strength / (strength + n), 2), near="The prior's weight")
    assert caption_states(FIGURE, fmt(figure_constant(FIGURE, "CAP"), 1), near="uniform on")


def test_caption_claims():
    module = figure_module(FIGURE)
    truth = module.TRUTH
    k = module.data(module.N_MAX)
    # by n = 1000 the three posterior means agree to within 0.01, each within 0.035 of the truth
    n = module.N_MAX
    kn = k[n - 1]
    means = [module.posterior_mean(a, b, kn, n) for _, a, b in module.PRIORS]
    assert means == pytest.approx([(a + kn) / (a + b + n) for _, a, b in module.PRIORS])
    assert max(means) - min(means) < 0.01
    assert all(abs(m - truth) < 0.035 for m in means)
    assert "where all three posteriors agree" in module.CAPTION
    # the capped prior's posterior mean piles up below the cap
    cap = module.CAP
    grid = np.linspace(1e-6, cap, 20001)
    logl = kn * np.log(grid) + (n - kn) * np.log1p(-grid)
    w = np.exp(logl - logl.max())
    capped = np.trapezoid(w * grid, grid) / np.trapezoid(w, grid)
    assert cap - 0.01 < capped < cap
    assert "never recovers" in module.CAPTION
    # the truth is drawn as a solid thin line in both kinds of panel
    assert "thin solid line" in module.CAPTION
