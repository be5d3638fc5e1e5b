"""Recompute every number stated in the chapter on statistical estimation and inference."""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml
from scipy import special, stats

from bank import CONTENT, QUESTIONS, caption_states, field, figure_constant, figure_module, fmt, states

CHAPTER = CONTENT / "08-estimation.yaml"


def chapter() -> dict:
    return yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))


def chapter_ids() -> list[str]:
    return [q["id"] for q in chapter()["questions"]]


def assert_says(qid: str, number: float | str, near: str, digits: int = 3, fields=("answer", "short_answer")):
    text = number if isinstance(number, str) else fmt(number, digits)
    assert states(qid, text, near, fields), f"{qid}: {text!r} not stated next to {near!r}"


# ----------------------------------------------------------------- structure

def test_chapter_shape():
    data = chapter()
    assert data["id"] == "estimation"
    assert data["title"] == "Statistical estimation and inference"
    ids = chapter_ids()
    assert len(ids) == len(set(ids)) >= 18
    assert all(qid in QUESTIONS for qid in ids)
    levels = [q["difficulty"] for q in data["questions"]]
    assert set(levels) == {"easy", "medium", "hard"}
    assert levels.count("hard") >= 5
    levels = [q["difficulty"] for q in data["questions"]]
    book = yaml.safe_load((CONTENT / "book.yaml").read_text(encoding="utf-8"))
    assert "estimation" in book["chapters"]


@pytest.mark.parametrize("qid", chapter_ids())
def test_question_limits(qid):
    q = QUESTIONS[qid]
    assert q["kind"] == "technical"
    assert len(field(qid, "short_answer").split()) <= 70
    assert 250 <= len(field(qid, "answer").split()) <= 700
    assert 2 <= len(q["mistakes"]) <= 4
    assert 2 <= len(q["follow_ups"]) <= 3
    answer = field(qid, "answer")
    parts = ["\\textbf{Derivation.}", "\\textbf{Worked example.}", "\\textbf{Practical consequences.}"]
    positions = [answer.find(p) for p in parts]
    assert all(p > 0 for p in positions) and positions == sorted(positions), qid
    assert all(t == t.lower() for t in q["topics"])


def test_references_resolve():
    data = chapter()
    known = set(data["references"])
    for path in CONTENT.glob("*.yaml"):
        other = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(other, dict) and path != CHAPTER:
            assert not set(other.get("references") or {}) & set(data["references"]), path
            known |= set(other.get("references") or {})
    used = set()
    for q in (QUESTIONS[qid] for qid in chapter_ids()):
        cited = set()
        for group in re.findall(r"\\cite\{([^}]+)\}", q["answer"]):
            cited |= {k.strip() for k in group.split(",")}
        assert cited <= set(q["references"]), (q["id"], cited - set(q["references"]))
        assert set(q["references"]) <= known, q["id"]
        used |= set(q["references"])
    assert set(data["references"]) <= used


# ----------------------------------------------------------------- estimator-bias-variance-mse

def mse_divisor(n: int, c: float, sigma2: float = 1.0) -> float:
    """MSE of SS/c for Gaussian data, from SS/sigma^2 ~ chi^2_{n-1}."""
    bias = sigma2 * ((n - 1) / c - 1)
    var = 2 * (n - 1) * sigma2**2 / c**2
    return bias**2 + var


def test_sample_variance_divisors():
    qid = "estimator-bias-variance-mse"
    n = 10
    # the closed form against simulation of the three estimators
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200_000, n))
    ss = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    for c in (n - 1, n, n + 1):
        assert abs(np.mean((ss / c - 1) ** 2) - mse_divisor(n, c)) < 0.005
    grid = np.linspace(5, 20, 15001)
    assert abs(grid[np.argmin([mse_divisor(n, c) for c in grid])] - (n + 1)) < 1e-6
    assert_says(qid, mse_divisor(n, n - 1), "Dividing by $n-1=9$")
    assert_says(qid, mse_divisor(n, n), "Dividing by $n=10$", 2)
    assert_says(qid, 2 * (n - 1) / n**2, "Dividing by $n=10$", 2)
    assert_says(qid, (n - 1) / n - 1, "Dividing by $n=10$", 1)
    assert_says(qid, mse_divisor(n, n + 1), "Dividing by $n+1=11$")
    c4 = np.sqrt(2 / (n - 1)) * np.exp(special.gammaln(n / 2) - special.gammaln((n - 1) / 2))
    assert abs(np.mean(np.sqrt(ss / (n - 1))) - c4) < 0.002
    assert_says(qid, c4, "Jensen")
    assert "2\\sigma^4/(n+1)" in field(qid, "short_answer")
    assert "2\\sigma^4/(n-1)" in field(qid, "short_answer")


def test_best_divisor_depends_on_kurtosis():
    qid = "estimator-bias-variance-mse"
    n, reps = 10, 400_000
    rng = np.random.default_rng(3)
    samples = {
        "uniform": rng.uniform(-1, 1, (reps, n)),  # excess kurtosis -1.2
        "two-point": rng.choice([-1.0, 1.0], (reps, n)),  # excess kurtosis -2
        "gaussian": rng.standard_normal((reps, n)),  # excess kurtosis 0
    }
    sigma2 = {"uniform": 1 / 3, "two-point": 1.0, "gaussian": 1.0}
    best = {}
    for name, x in samples.items():
        ss = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
        grid = np.linspace(7, 14, 701)
        mse = [np.mean((ss / c - sigma2[name]) ** 2) for c in grid]
        best[name] = grid[int(np.argmin(mse))]
        # divide by n-1 against divide by n
        if name == "two-point":
            assert np.mean((ss / (n - 1) - 1) ** 2) < np.mean((ss / n - 1) ** 2)
    assert abs(best["gaussian"] - (n + 1)) < 0.2
    assert best["uniform"] < n + 1 - 0.5 and best["two-point"] < best["uniform"]
    assert states(qid, "excess kurtosis", "optimal exactly when that is zero")
    mistakes = " ".join(QUESTIONS[qid]["mistakes"])
    assert "for Gaussian data and most others" in mistakes


# ----------------------------------------------------------------- mle-asymptotic-normality

def test_exponential_rate_mle():
    qid = "mle-asymptotic-normality"
    lam, n = 2.0, 100
    assert_says(qid, lam / np.sqrt(n), "With $\\lambda=2$ and $n=100$", 1)
    mean = n * lam / (n - 1)
    sd = n * lam / ((n - 1) * np.sqrt(n - 2))
    rng = np.random.default_rng(1)
    est = 1 / rng.exponential(1 / lam, size=(100_000, n)).mean(axis=1)
    assert abs(est.mean() - mean) < 0.003 and abs(est.std() - sd) < 0.003
    assert_says(qid, mean, "\\mathbb{E}\\hat\\lambda=n\\lambda/(n-1)")
    assert_says(qid, sd, "exact standard deviation")


def test_neyman_scott():
    qid = "mle-asymptotic-normality"
    rng = np.random.default_rng(2)
    sigma2, pairs = 4.0, 200_000
    mu = rng.normal(0, 10, size=(pairs, 1))
    x = mu + rng.normal(0, np.sqrt(sigma2), size=(pairs, 2))
    mle = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum() / (2 * pairs)
    assert abs(mle / sigma2 - 0.5) < 0.01
    assert states(qid, "2", "Neyman-Scott") and "converges to $\\sigma^2/2$" in field(qid, "answer")


# ----------------------------------------------------------------- fisher-information-cramer-rao

def test_bernoulli_information():
    qid = "fisher-information-cramer-rao"
    p, n = 0.3, 50
    score = np.array([-1 / (1 - p), 1 / p])  # x = 0, 1
    info = float((1 - p) * score[0] ** 2 + p * score[1] ** 2)
    assert np.isclose(info, 1 / (p * (1 - p)))
    assert_says(qid, info, "$I(p)=1/(p(1-p))$")
    assert_says(qid, 1 / (n * info), "With $n=50$", 4)
    assert_says(qid, np.sqrt(1 / (n * info)), "With $n=50$", 4)


def test_gaussian_variance_bound():
    qid = "fisher-information-cramer-rao"
    n, s2 = 10, 1.0
    # Fisher information for sigma^2 by quadrature of the squared score
    x = np.linspace(-12, 12, 200_001)
    dens = stats.norm.pdf(x, scale=np.sqrt(s2))
    score = -1 / (2 * s2) + x**2 / (2 * s2**2)
    info = np.sum(score**2 * dens) * (x[1] - x[0])
    assert np.isclose(info, 1 / (2 * s2**2), rtol=1e-6)
    assert_says(qid, 1 / (n * info), "above the bound of", 1)
    assert_says(qid, mse_divisor(n, n - 1), "above the bound of")
    assert_says(qid, mse_divisor(n, n + 1), "below it")


# ----------------------------------------------------------------- sufficiency-rao-blackwell

def test_poisson_rao_blackwell():
    qid = "sufficiency-rao-blackwell"
    lam, n = 1.0, 10
    crude = np.exp(-lam) * (1 - np.exp(-lam))
    t = (1 - 1 / n) ** 2
    second = np.exp(n * lam * (t - 1))
    rb = second - np.exp(-2 * lam)
    crb = np.exp(-2 * lam) * lam / n
    rng = np.random.default_rng(3)
    s = rng.poisson(lam, size=(400_000, n))
    sim_rb = (1 - 1 / n) ** s.sum(axis=1)
    assert abs(sim_rb.mean() - np.exp(-lam)) < 0.001
    assert abs(sim_rb.var() - rb) < 0.0003
    assert abs((s[:, 0] == 0).var() - crude) < 0.002
    assert_says(qid, crude, "crude estimator has variance")
    assert_says(qid, crude, "cutting the variance", fields=("short_answer",))
    assert_says(qid, rb, "cutting the variance", 3, fields=("short_answer",))
    assert_says(qid, t, "with $t=", 2)
    assert_says(qid, n * lam * (t - 1), "with $t=", 1)
    assert_says(qid, rb, "with $t=", 4)
    assert_says(qid, crb, "Cramér-Rao bound for", 4)
    assert_says(qid, crude / rb, "factor of", 0)
    assert_says(qid, 100 * (rb / crb - 1), "factor of", 0)


# ----------------------------------------------------------------- method-of-moments-vs-mle

def test_uniform_estimators():
    qid = "method-of-moments-vs-mle"
    theta = 1.0

    def mse(n):
        mm = theta**2 / (3 * n)
        mle = 2 * theta**2 / ((n + 1) * (n + 2))
        corrected = theta**2 / (n * (n + 2))
        return mm, mle, corrected

    rng = np.random.default_rng(4)
    x = rng.uniform(0, theta, size=(200_000, 10))
    m = x.max(axis=1)
    mm, mle, corrected = mse(10)
    assert abs(np.mean((2 * x.mean(axis=1) - theta) ** 2) - mm) < 0.001
    assert abs(np.mean((m - theta) ** 2) - mle) < 0.0005
    assert abs(np.mean((11 / 10 * m - theta) ** 2) - corrected) < 0.0003
    assert_says(qid, mm, "With $\\theta=1$ and $n=10$", 4)
    assert_says(qid, mle, "With $\\theta=1$ and $n=10$", 4)
    assert_says(qid, corrected, "With $\\theta=1$ and $n=10$", 5)
    mm100, mle100, _ = mse(100)
    assert_says(qid, mm100, "At $n=100$", 5)
    assert_says(qid, mle100, "At $n=100$", 6)
    assert_says(qid, mm100 / mle100, "At $n=100$", 0)
    sample = np.array([0.1, 0.2, 0.9])
    assert_says(qid, 2 * sample.mean(), "contradict the data", 1)
    assert 2 * sample.mean() < sample.max()


# ----------------------------------------------------------------- delta-method

def test_log_odds_interval():
    qid = "delta-method"
    k, n = 80, 400
    p = k / n
    se = np.sqrt(p * (1 - p) / n)
    slope = 1 / (p * (1 - p))
    logit = np.log(p / (1 - p))
    z = stats.norm.ppf(0.975)
    assert_says(qid, p, "80 of $n=400$", 1)
    assert_says(qid, se, "80 of $n=400$", 2)
    assert_says(qid, logit, "The log-odds is")
    assert_says(qid, slope, "The log-odds is", 2)
    assert_says(qid, slope * se, "The log-odds is")
    assert_says(qid, slope * se, "log-odds has standard error", fields=("short_answer",))
    assert_says(qid, se, "log-odds has standard error", 2, fields=("short_answer",))
    assert_says(qid, z, "A 95% interval", 2)
    lo, hi = logit - z * slope * se, logit + z * slope * se
    assert_says(qid, lo, "A 95% interval")
    assert_says(qid, hi, "A 95% interval")
    assert_says(qid, special.expit(lo), "A 95% interval")
    assert_says(qid, special.expit(hi), "A 95% interval")
    assert_says(qid, z * se, "The plain interval")
    assert_says(qid, p - z * se, "The plain interval")
    assert_says(qid, p + z * se, "The plain interval")
    # the delta-method standard error against simulation of the real estimator
    rng = np.random.default_rng(5)
    phat = rng.binomial(n, p, size=400_000) / n
    assert abs(np.std(np.log(phat / (1 - phat))) - slope * se) < 0.003


# ----------------------------------------------------------------- bootstrap-and-failure

def test_bootstrap_maximum_atom():
    qid = "bootstrap-and-failure"
    n = 50
    atom = 1 - (1 - 1 / n) ** n
    assert_says(qid, atom, "for $n=50$")
    assert_says(qid, 1 - np.exp(-1), "for $n=50$")
    assert_says(qid, 1 - np.exp(-1), "replicate equals", fields=("short_answer",))
    assert_says(qid, atom, "atom of mass", 2)
    # the real thing: resample one uniform sample and count replicates equal to its maximum
    rng = np.random.default_rng(6)
    x = rng.uniform(0, 1, n)
    reps = x[rng.integers(0, n, size=(50_000, n))].max(axis=1)
    assert abs(np.mean(reps == x.max()) - atom) < 0.01
    # the true law of n(theta - M) has mean n/(n+1), close to the exponential's 1
    m = rng.uniform(0, 1, size=(100_000, n)).max(axis=1)
    assert abs(np.mean(n * (1 - m)) - n / (n + 1)) < 0.01
    assert_says(qid, n / (n + 1), "exponential with mean", 0)
    assert_says(qid, f"{100 / np.sqrt(2 * 1000):.0f}%", "Monte Carlo error")
    assert states(qid, "1000", "Monte Carlo error")


def test_bootstrap_figure():
    fig = figure_module("bootstrap_failure")
    assert fig.N == 50 and fig.B == 4000
    assert caption_states("bootstrap_failure", str(fig.B), "resamples")
    assert caption_states("bootstrap_failure", str(fig.N), "resamples")
    atom = 1 - (1 - 1 / fig.N) ** fig.N
    assert caption_states("bootstrap_failure", fmt(atom), "mass")
    mean_reps, max_reps = fig.replicates()
    assert abs(np.mean(max_reps == 0) - atom) < 0.02
    # the mean case agrees: bootstrap sd of the centred mean is near the true 1/sqrt(n)
    assert abs(mean_reps.std() - 1 / np.sqrt(fig.N)) < 0.04
    u = np.array([0.5, 1.0, 3.0])
    np.testing.assert_allclose(fig.true_max_cdf(u), 1 - (1 - u / fig.N) ** fig.N)


# ----------------------------------------------------------------- confidence-vs-credible-intervals

def test_two_uniform_draws_interval():
    qid = "confidence-vs-credible-intervals"
    rng = np.random.default_rng(7)
    theta = 3.0
    x = rng.uniform(theta - 0.5, theta + 0.5, size=(200_000, 2))
    covered = (x.min(axis=1) <= theta) & (theta <= x.max(axis=1))
    assert abs(covered.mean() - 0.5) < 0.005
    assert_says(qid, "50%", "confidence interval", fields=("answer",))
    # among samples with gap 0.6 or more, coverage is certain
    gap = np.abs(x[:, 0] - x[:, 1])
    assert covered[gap >= 0.5].all()
    d = 0.1
    assert_says(qid, d / (1 - d), "If $d=0.6$")
    assert_says(qid, 0.6, "If $d=0.6$", 1)
    # posterior probability d/(1-d) checked against a grid posterior for one sample
    a, b = 2.95, 3.05
    grid = np.linspace(b - 0.5, a + 0.5, 100_001)
    assert abs(np.mean((grid >= a) & (grid <= b)) - (b - a) / (1 - (b - a))) < 1e-3


def wald_coverage(p: float, n: int) -> float:
    k = np.arange(n + 1)
    ph = k / n
    half = stats.norm.ppf(0.975) * np.sqrt(ph * (1 - ph) / n)
    inside = (ph - half <= p) & (p <= ph + half)
    return float(stats.binom.pmf(k, n, p)[inside].sum())


def test_binomial_intervals():
    qid = "confidence-vs-credible-intervals"
    k, n = 7, 20
    p = k / n
    half = stats.norm.ppf(0.975) * np.sqrt(p * (1 - p) / n)
    assert_says(qid, p, "Wald interval", 2)
    assert_says(qid, half, "Wald interval")
    assert_says(qid, p - half, "Wald interval")
    assert_says(qid, p + half, "Wald interval")
    lo, hi = stats.beta.ppf([0.025, 0.975], k + 0.5, n - k + 0.5)
    assert_says(qid, lo, "Jeffreys credible interval")
    assert_says(qid, hi, "Jeffreys credible interval")
    assert_says(qid, k + 0.5, "Jeffreys credible interval", 1)
    assert_says(qid, n - k + 0.5, "Jeffreys credible interval", 1)
    assert_says(qid, 100 * wald_coverage(0.35, n), "nominal coverage", 1)
    assert_says(qid, 100 * wald_coverage(0.05, n), "nominal coverage", 1)


# ----------------------------------------------------------------- pvalues-power-errors

def test_power_and_sample_size():
    qid = "pvalues-power-errors"
    delta, n, alpha = 0.5, 25, 0.05
    z = stats.norm.ppf(1 - alpha / 2)
    power = stats.norm.cdf(delta * np.sqrt(n) - z) + stats.norm.cdf(-delta * np.sqrt(n) - z)
    rng = np.random.default_rng(8)
    zs = np.sqrt(n) * rng.normal(delta, 1, size=(200_000, n)).mean(axis=1)
    assert abs(np.mean(np.abs(zs) > z) - power) < 0.005
    assert_says(qid, z, "With $\\delta=0.5$", 2)
    assert_says(qid, power, "With $\\delta=0.5$")
    assert_says(qid, delta * np.sqrt(n), "With $\\delta=0.5$", 1)
    z80 = stats.norm.ppf(0.8)
    need = ((z + z80) / delta) ** 2
    assert_says(qid, z80, "For 80% power")
    assert_says(qid, need, "For 80% power", 1)
    assert_says(qid, str(int(np.ceil(need))), "For 80% power")
    assert_says(qid, str(int(np.ceil(need))), "80% power", fields=("short_answer",))
    false_rej = 900 * alpha
    true_rej = 100 * power
    share = false_rej / (false_rej + true_rej)
    assert_says(qid, false_rej, "900 nulls", 0)
    assert_says(qid, true_rej, "900 nulls", 1)
    assert_says(qid, false_rej + true_rej, "share of false discoveries", 1)
    assert_says(qid, share, "share of false discoveries", 2)
    assert_says(qid, 100 * share, "false 39%", 0)
    assert_says(qid, 100 * share, "10% of tested effects", 0, fields=("short_answer",))


# ----------------------------------------------------------------- multiple-testing-bonferroni-bh

def bh(p: np.ndarray, q: float) -> int:
    """Benjamini-Hochberg: number of rejections (written here independently of the figure)."""
    m = len(p)
    sorted_p = np.sort(p)
    k = 0
    for i in range(1, m + 1):
        if sorted_p[i - 1] <= i * q / m:
            k = i
    return k


def holm(p: np.ndarray, alpha: float) -> int:
    k = 0
    for i, v in enumerate(np.sort(p)):
        if v > alpha / (len(p) - i):
            break
        k += 1
    return k


def test_fwer_and_bh_example():
    qid = "multiple-testing-bonferroni-bh"
    fwer = 1 - 0.95**20
    rng = np.random.default_rng(9)
    assert abs(np.mean((rng.uniform(size=(100_000, 20)) < 0.05).any(axis=1)) - fwer) < 0.005
    assert_says(qid, fwer, "FWER is")
    assert_says(qid, fwer, "at least one false rejection", fields=("short_answer",))
    assert_says(qid, 0.05 / 20, "FWER is", 4)
    text = field(qid, "answer")
    listed = re.search(r"sorted p-values ([0-9., ]+) and", text).group(1)
    p = np.array([float(v) for v in listed.replace(" ", "").split(",")])
    assert len(p) == 10
    assert_says(qid, 0.05 / len(p), "Bonferroni's threshold")
    assert int((p <= 0.05 / len(p)).sum()) == 1 == holm(p, 0.05)
    assert states(qid, "one", "Bonferroni's threshold")
    k = bh(p, 0.05)
    assert k == 3
    for i in range(1, 5):
        assert_says(qid, 0.05 * i / len(p), "Benjamini-Hochberg thresholds")
    assert_says(qid, p[2], "Benjamini-Hochberg thresholds")
    assert states(qid, "three", "Benjamini-Hochberg thresholds")
    assert_says(qid, (1 / np.arange(1, 11)).sum(), "arbitrary dependence the divisor")


def test_bh_figure():
    fig = figure_module("bh_line")
    p, real = fig.pvalues()
    assert len(p) == 100 == fig.M_NULL + fig.M_ALT
    # the p-values are those of one-sided z-tests
    rng = np.random.default_rng(fig.SEED)
    z = np.concatenate([rng.standard_normal(fig.M_NULL), fig.SHIFT + rng.standard_normal(fig.M_ALT)])
    np.testing.assert_allclose(p, stats.norm.sf(z), rtol=1e-10, atol=1e-300)
    k = bh(p, fig.Q)
    assert k == fig.bh_count(p)
    false = int((~real[np.argsort(p)][:k]).sum())
    bonf = p <= fig.Q / len(p)
    assert caption_states("bh_line", str(len(p)), "Sorted p-values")
    assert caption_states("bh_line", str(fig.M_NULL), "Sorted p-values")
    assert caption_states("bh_line", str(fig.M_ALT), "Sorted p-values")
    assert caption_states("bh_line", f"{fig.SHIFT:g}", "Sorted p-values")
    assert caption_states("bh_line", f"{fig.Q:g}", "Benjamini-Hochberg")
    assert caption_states("bh_line", str(k), "Benjamini-Hochberg")
    assert caption_states("bh_line", str(false), "Benjamini-Hochberg")
    assert caption_states("bh_line", str(int(bonf.sum())), "Bonferroni")
    assert not (bonf & ~real).any() and "all of them real" in figure_constant("bh_line", "CAPTION")


# ----------------------------------------------------------------- likelihood-ratio-wilks

def test_coin_three_tests():
    qid = "likelihood-ratio-wilks"
    heads, n, p0 = 60, 100, 0.5
    ph = heads / n
    lr = 2 * (heads * np.log(ph / p0) + (n - heads) * np.log((1 - ph) / (1 - p0)))
    wald = (ph - p0) ** 2 / (ph * (1 - ph) / n)
    score = (ph - p0) ** 2 / (p0 * (1 - p0) / n)
    assert_says(qid, lr, "The LRT statistic is", 2)
    assert_says(qid, stats.chi2.sf(lr, 1), "The LRT statistic is")
    assert_says(qid, lr, "$\\Lambda=", 2, fields=("short_answer",))
    assert_says(qid, stats.chi2.sf(lr, 1), "$\\Lambda=", 3, fields=("short_answer",))
    assert_says(qid, wald, "(0.6\\cdot0.4/100)", 2)
    assert_says(qid, stats.chi2.sf(wald, 1), "(0.6\\cdot0.4/100)")
    assert_says(qid, score, "(0.5\\cdot0.5/100)", 2)
    assert_says(qid, stats.chi2.sf(score, 1), "(0.5\\cdot0.5/100)")


def test_boundary_mixture():
    qid = "likelihood-ratio-wilks"
    crit = stats.chi2.ppf(0.90, 1)
    assert_says(qid, crit, "critical value is", 2)
    assert_says(qid, stats.chi2.ppf(0.95, 1), "critical value is", 2)
    # the real thing: test mu = 0 against mu >= 0 for normal data with known variance
    rng = np.random.default_rng(10)
    n = 50
    xbar = rng.standard_normal((200_000, n)).mean(axis=1)
    lam = n * np.maximum(xbar, 0) ** 2
    assert abs(np.mean(lam == 0) - 0.5) < 0.005
    assert abs(np.mean(lam > crit) - 0.05) < 0.003
    assert abs(np.mean(lam > stats.chi2.ppf(0.95, 1)) - 0.025) < 0.003
    assert_says(qid, stats.chi2.ppf(0.95, 1), "halves the type I error", 2)
    assert states(qid, "halves", "Using 3.84")


# ----------------------------------------------------------------- concentration-inequalities

def bounds(p: float, t: float, n: int = 100) -> dict[str, float]:
    var, c = p * (1 - p), max(p, 1 - p)
    return {
        "markov": p / (p + t),
        "chebyshev": var / (n * t**2),
        "hoeffding": np.exp(-2 * n * t**2),
        "bernstein_exponent": n * t**2 / (2 * var + 2 * c * t / 3),
        "exact": stats.binom.sf(np.ceil(n * (p + t) - 1e-9) - 1, n, p),
    }


def test_fair_coin_bounds():
    qid = "concentration-inequalities"
    b = bounds(0.5, 0.1)
    assert_says(qid, b["markov"], "Markov gives")
    assert_says(qid, b["chebyshev"], "Chebyshev gives", 2)
    assert_says(qid, b["hoeffding"], "Hoeffding gives $e^{-2}")
    assert_says(qid, b["bernstein_exponent"], "Bernstein with $\\sigma^2=0.25$")
    assert_says(qid, np.exp(-b["bernstein_exponent"]), "Bernstein with $\\sigma^2=0.25$")
    assert_says(qid, b["exact"], "exact binomial tail", 4)
    rng = np.random.default_rng(11)
    assert abs(np.mean(rng.binomial(100, 0.5, 400_000) >= 60) - b["exact"]) < 0.001


def test_rare_event_bounds():
    qid = "concentration-inequalities"
    p, t = 0.05, 0.05
    b = bounds(p, t)
    assert_says(qid, 2 * 100 * t**2, "Hoeffding ignores the small variance", 1)
    assert_says(qid, b["hoeffding"], "Hoeffding ignores the small variance")
    assert_says(qid, b["chebyshev"], "Chebyshev gives 0", 2)
    assert_says(qid, p * (1 - p), "Bernstein with $\\sigma^2=0.0475$", 4)
    assert_says(qid, 1 - p, "Bernstein with $\\sigma^2=0.0475$", 2)
    assert_says(qid, np.exp(-b["bernstein_exponent"]), "Bernstein with $\\sigma^2=0.0475$")
    assert_says(qid, b["exact"], "the exact tail is", 4)
    assert_says(qid, p, "rare event", 2)
    assert_says(qid, p + t, "rare event", 2)


def test_tail_bounds_figure():
    fig = figure_module("tail_bounds")
    assert caption_states("tail_bounds", str(fig.N), "Upper bounds")
    ps = [p for p, _ in fig.CASES]
    assert caption_states("tail_bounds", f"{ps[0]:g}", "Hoeffding is the tightest")
    assert caption_states("tail_bounds", f"{ps[1]:g}", "ignores the small variance")
    for p, top in fig.CASES:
        t = np.linspace(top / 60, top, 240)
        exact = stats.binom.sf(np.ceil(fig.N * (p + t) - 1e-9) - 1, fig.N, p)
        np.testing.assert_allclose(fig.exact(p, t), exact, rtol=1e-8, atol=1e-300)
        for name in ("chebyshev", "hoeffding", "bernstein"):
            assert (getattr(fig, name)(p, t) >= exact).all()
    # left: Hoeffding is the tightest bound everywhere
    p, top = fig.CASES[0]
    t = np.linspace(top / 60, top, 240)
    assert (fig.hoeffding(p, t) <= np.minimum(fig.chebyshev(p, t), fig.bernstein(p, t))).all()
    # right: Chebyshev beats Hoeffding for small t only; Bernstein beats it everywhere
    p, top = fig.CASES[1]
    t = np.linspace(top / 60, top, 240)
    cheb_better = fig.chebyshev(p, t) < fig.hoeffding(p, t)
    assert cheb_better[np.argmin(np.abs(t - 0.05))] and not cheb_better[-1]
    assert "Chebyshev beats it for moderate $t$" in figure_constant("tail_bounds", "CAPTION")
    assert (fig.bernstein(p, t) < fig.hoeffding(p, t)).all()


# ----------------------------------------------------------------- mcdiarmid-bounded-differences

def test_empty_bins():
    qid = "mcdiarmid-bounded-differences"
    n, t = 1000, 50
    q = (1 - 1 / n) ** n
    mean = n * q
    var = n * (n - 1) * (1 - 2 / n) ** n + n * q - (n * q) ** 2
    rng = np.random.default_rng(12)
    counts = np.array([n - np.unique(rng.integers(0, n, n)).size for _ in range(20_000)])
    assert abs(counts.mean() - mean) < 0.3 and abs(counts.var() / var - 1) < 0.05
    assert_says(qid, mean, "\\mathbb{E}Z=n(1-1/n)^n", 1)
    assert_says(qid, 2 * np.exp(-2 * t**2 / n), "for $t=50$", 4)
    assert_says(qid, 2 * t**2 / n, "for $t=50$", 0)
    assert_says(qid, n / 4, "variance were", 0)
    assert_says(qid, var, "exact variance is", 1)
    assert_says(qid, np.sqrt(var), "exact variance is", 2)
    normal = 2 * stats.norm.sf(t / np.sqrt(var))
    assert f"{normal:.0e}" == "4e-07" and states(qid, "4", "normal approximation puts")
    assert "4\\times10^{-7}" in field(qid, "answer")
    assert_says(qid, var / t**2, "Chebyshev with the exact variance", 4)
    assert_says(qid, var, "Chebyshev with the exact variance", 1)
    assert_says(qid, t**2, "Chebyshev with the exact variance", 0)


# ----------------------------------------------------------------- lln-clt-heavy-tails

def test_berry_esseen_rare_event():
    qid = "lln-clt-heavy-tails"
    p, n, c = 0.01, 1000, 0.4748  # C: Shevtsova's constant, an input from the literature
    assert states(qid, fmt(c, 4), "C\\le")
    sigma = np.sqrt(p * (1 - p))
    rho = p * (1 - p) * (p**2 + (1 - p) ** 2)  # E|X - p|^3
    ratio = rho / sigma**3
    assert_says(qid, ratio, "Bernoulli($0.01$)", 2)
    assert f"\\rho/\\sigma^3={fmt(ratio, 2)}$" in field(qid, "answer")
    assert f"0.4748\\times{fmt(ratio, 2)}/" in field(qid, "answer")
    assert_says(qid, c * ratio / np.sqrt(n), "Bernoulli($0.01$)")
    # the largest gap between the binomial and normal distribution functions, at both sides of each jump
    k = np.arange(0, n + 1)
    z = (k - n * p) / (np.sqrt(n) * sigma)
    gap = max(np.max(np.abs(stats.binom.cdf(k, n, p) - stats.norm.cdf(z))),
              np.max(np.abs(stats.binom.cdf(k - 1, n, p) - stats.norm.cdf(z))))
    assert_says(qid, gap, "actual largest gap")


def test_heavy_tailed_means():
    qid = "lln-clt-heavy-tails"
    alpha = 1.5
    assert_says(qid, 100 ** (1 - 1 / alpha), "Pareto data", 1)
    assert_says(qid, np.sqrt(100), "Pareto data", 0)
    rng = np.random.default_rng(13)

    def iqr(n, reps):
        means = (rng.pareto(alpha, (reps, n)) + 1).mean(axis=1)
        q1, q3 = np.percentile(means, [25, 75])
        return q3 - q1

    ratio = iqr(100, 2000) / iqr(10_000, 500)
    assert 3.5 < ratio < 5.5  # near 100^(1/3), far from the finite-variance 10
    cauchy = rng.standard_cauchy((20_000, 200)).mean(axis=1)
    assert abs(np.mean(np.abs(cauchy) > 1) - 0.5) < 0.015
    assert_says(qid, 0.5, "For Cauchy data", 1)


# ----------------------------------------------------------------- james-stein-shrinkage

def js_risk(d: int, norm2: float) -> float:
    """d - (d-2)^2 E[1/||X||^2], with ||X||^2 a Poisson(norm2/2) mixture of central chi-squared."""
    k = np.arange(0, 400)
    return float(d - (d - 2) ** 2 * np.sum(stats.poisson.pmf(k, norm2 / 2) / (d + 2 * k - 2)))


def test_james_stein_risk():
    qid = "james-stein-shrinkage"
    d = 10
    rng = np.random.default_rng(14)
    for norm2 in (0.0, 10.0):
        theta = np.zeros(d)
        theta[0] = np.sqrt(norm2)
        x = theta + rng.standard_normal((200_000, d))
        js = (1 - (d - 2) / (x**2).sum(axis=1, keepdims=True)) * x
        assert abs(((js - theta) ** 2).sum(axis=1).mean() - js_risk(d, norm2)) < 0.05
        assert abs(((x - theta) ** 2).sum(axis=1).mean() - d) < 0.05
    assert_says(qid, str(d), "The usual estimator has risk")
    assert_says(qid, js_risk(d, 0.0), "the James-Stein risk is $10-64/8", 0)
    assert (d - 2) ** 2 == 64 and states(qid, "64", "James-Stein risk is") and states(qid, "8", "James-Stein risk is")
    assert_says(qid, js_risk(d, 0.0), "At $\\theta=0$ the risk is", 0, fields=("short_answer",))
    assert_says(qid, js_risk(d, 10.0), "the risk is 6", 2)
    assert_says(qid, 10.0 / 2, "noncentral chi-squared", 0)
    assert_says(qid, d - 2, "sum_kP(K=k)/(8+2k)", 0)
    # the empirical-Bayes factor is unbiased: E[(d-2)/||X||^2] = 1/(1+tau^2)
    tau2 = 3.0
    x = rng.normal(0, np.sqrt(1 + tau2), (200_000, d))
    assert abs(np.mean((d - 2) / (x**2).sum(axis=1)) - 1 / (1 + tau2)) < 0.003


# ----------------------------------------------------------------- importance-weighting-covariate-shift

def test_effective_sample_size():
    qid = "importance-weighting-covariate-shift"
    n = 10_000
    rng = np.random.default_rng(15)
    x = rng.standard_normal(n)
    for mu in (1.0, 2.0):
        ess = n * np.exp(-mu**2)
        assert_says(qid, ess, f"shift of $\\mu={mu:g}$", 0)
    # the sample effective size: close to n e^{-1} for mu = 1, typically well above n e^{-4} for mu = 2
    sample = {1.0: [], 2.0: []}
    for _ in range(200):
        x = rng.standard_normal(n)
        for mu in sample:
            w = np.exp(mu * x - mu**2 / 2)
            sample[mu].append(w.sum() ** 2 / (w**2).sum())
    assert abs(np.median(sample[1.0]) / (n * np.exp(-1)) - 1) < 0.05
    median2 = np.median(sample[2.0])
    assert median2 > n * np.exp(-4) and abs(median2 - 330) < 30
    assert_says(qid, "330", "median over repeated samples")
    assert_says(qid, n * np.exp(-4), "median over repeated samples", 0)
    assert states(qid, "10{,}000", "training points from")
    growth = np.sqrt(n / (n * np.exp(-4)))
    assert 7 < growth < 8 and states(qid, "sevenfold", "standard error has grown")
    # unbiasedness of the weighted average: the deployment mean of x^2 under N(1, 1) is 2
    x = rng.standard_normal(1_000_000)
    w = np.exp(x - 0.5)
    assert abs(np.mean(w * x**2) - 2.0) < 0.03


def test_second_moment_of_weights_under_heavier_tails():
    qid = "importance-weighting-covariate-shift"
    from scipy import integrate
    # q = N(0, s2) against p = N(0, 1): E_p[w^2] = int q^2 / p, finite below s2 = 2 and divergent from s2 = 2 on
    for s2 in (1.5, 1.9):
        value = integrate.quad(lambda x: stats.norm.pdf(x, 0, np.sqrt(s2)) ** 2 / stats.norm.pdf(x), -30, 30, limit=400)[0]
        assert abs(value - 1 / np.sqrt(s2 * (2 - s2))) < 1e-6
    partial = [integrate.quad(lambda x: stats.norm.pdf(x, 0, np.sqrt(2.0)) ** 2 / stats.norm.pdf(x), -L, L)[0] for L in (10, 20)]
    assert partial[1] > 1.9 * partial[0]  # grows linearly in the cut-off: the integral diverges
    assert states(qid, "1/\\sqrt{s^2(2-s^2)}", "Heavier tails in")
    assert states(qid, "finite for $s^2<2$", "Heavier tails in")


# ----------------------------------------------------------------- cross-validation-variance

def test_cv_variance_decomposition():
    qid = "cross-validation-variance"
    n, k = 1000, 10
    m = n // k
    err = 0.3
    s2, omega, gamma = err * (1 - err), 0.002, 0.001
    terms = (s2 / n, (m - 1) * omega / n, (n - m) * gamma / n)
    var = sum(terms)
    assert_says(qid, str(m), "Take $n=1000$")
    assert_says(qid, s2, "Take $n=1000$", 2)
    for t, digits in zip(terms, (5, 6, 4)):
        assert_says(qid, t, "Then $\\operatorname{Var}(\\mathrm{CV})=", digits)
    assert_says(qid, var, "Then $\\operatorname{Var}(\\mathrm{CV})=", 6)
    assert_says(qid, np.sqrt(var), "Then $\\operatorname{Var}(\\mathrm{CV})=", 4)
    assert_says(qid, var - gamma, "naive estimate has expectation", 6)
    assert_says(qid, np.sqrt(var - gamma), "naive estimate has expectation", 4)
    assert np.sqrt(var - gamma) < np.sqrt(var) / 2 and 100 * gamma / s2 < 0.5
    assert states(qid, "0.5%", "naive estimate has expectation")
    # simulate the covariance model: e_i = a + b_fold + c_i
    rng = np.random.default_rng(16)
    reps = 400_000
    a = rng.normal(0, np.sqrt(gamma), (reps, 1))
    b = rng.normal(0, np.sqrt(omega - gamma), (reps, k))
    fold_means = a + b + rng.normal(0, np.sqrt((s2 - omega) / m), (reps, k))
    cv = fold_means.mean(axis=1)
    naive = fold_means.var(axis=1, ddof=1) / k
    assert abs(cv.var() / var - 1) < 0.01
    assert abs(naive.mean() / (var - gamma) - 1) < 0.01


def test_corrected_resampled_t():
    qid = "cross-validation-variance"
    j, test_frac = 10, 0.1
    factor = 1 / j + test_frac / (1 - test_frac)
    assert_says(qid, factor, "ten 90/10 splits")
    assert_says(qid, 1 / j, "ten 90/10 splits", 1)
    assert_says(qid, np.sqrt(factor * j), "ten 90/10 splits", 2)


# ----------------------------------------------------------------- exponential-family-mle

def test_poisson_natural_parameter():
    qid = "exponential-family-mle"
    n, mean = 50, 3.2
    assert_says(qid, mean, "moment matching gives", 1)
    assert_says(qid, np.log(mean), "moment matching gives")
    se_eta = 1 / np.sqrt(n * mean)
    assert_says(qid, se_eta, "standard error of $\\hat\\eta$", 4)
    assert f"=\\sqrt{{50\\times3.2}}={fmt(se_eta, 4)}$" in field(qid, "answer").replace("1/\\sqrt", "=\\sqrt")
    assert f"3.2\\times{fmt(se_eta, 4)}=" in field(qid, "answer")
    assert_says(qid, mean * se_eta, "standard error of $\\hat\\eta$")
    assert np.isclose(mean * se_eta, np.sqrt(mean / n))
    assert states(qid, "3.2/50", "standard error of $\\hat\\eta$")
    rng = np.random.default_rng(17)
    xbar = rng.poisson(mean, (200_000, n)).mean(axis=1)
    assert abs(np.log(xbar).std() / se_eta - 1) < 0.02
    # moment matching by Newton's method on the concave log-likelihood
    eta = 0.0
    for _ in range(50):
        eta -= (np.exp(eta) - mean) / np.exp(eta)
    assert np.isclose(eta, np.log(mean))


# ----------------------------------------------------------------- misspecified-mle-sandwich

def test_poisson_fit_to_negative_binomial():
    qid = "misspecified-mle-sandwich"
    mu, var, n = 4.0, 12.0, 100
    a = 1 / mu
    b = var / mu**2
    sandwich = b / a**2
    assert_says(qid, mu, "negative binomial with mean", 0)
    assert_says(qid, var, "negative binomial with mean", 0)
    assert_says(qid, a, "Per observation", 2)
    assert_says(qid, b, "Per observation", 2)
    assert_says(qid, sandwich, "sandwich variance is", 0)
    assert_says(qid, mu, "Poisson formula gives", 0)
    assert_says(qid, np.sqrt(mu / n), "With $n=100$", 1)
    assert_says(qid, np.sqrt(sandwich / n), "With $n=100$")
    assert_says(qid, np.sqrt(sandwich / mu), "With $n=100$", 2)
    assert_says(qid, np.sqrt(var / mu), "understates its standard error", 2, fields=("short_answer",))
    # simulate the real thing: Poisson intervals on negative binomial data
    r = mu**2 / (var - mu)
    rng = np.random.default_rng(18)
    x = rng.negative_binomial(r, r / (r + mu), (100_000, n))
    assert abs(x.var() - var) < 0.2
    m = x.mean(axis=1)
    z = stats.norm.ppf(0.975)
    cover = np.mean(np.abs(m - mu) <= z * np.sqrt(m / n))
    exact = 2 * stats.norm.cdf(z * np.sqrt(mu / var)) - 1
    assert abs(cover - exact) < 0.01
    assert_says(qid, f"{100 * exact:.0f}%", "cover only about")



def test_information_identity_can_hold_under_misspecification():
    qid = "misspecified-mle-sandwich"
    # counts equal to 0 or 2 with probability 1/2 each: not Poisson, mean 1 and variance 1
    x, prob = np.array([0.0, 2.0]), np.array([0.5, 0.5])
    lam = float(x @ prob)
    a = float((x / lam**2) @ prob)
    b = float(((x / lam - 1) ** 2) @ prob)
    assert abs(a - b) < 1e-12 and stats.poisson.pmf(1, lam) > 0  # Poisson would give mass to 1; these counts never do
    assert states(qid, "variance equal to their mean", "The converse fails")
    assert "Only a correct model" not in field(qid, "short_answer")

# ----------------------------------------------------------------- optional-stopping-peeking

def max_abs_z(looks: int, z: np.ndarray) -> np.ndarray:
    """Per null random walk (rows of 10 equal steps), the largest |Z| over `looks` equally spaced looks."""
    at = np.arange(1, looks + 1) * (z.shape[1] // looks) - 1
    s = np.cumsum(z, axis=1)
    return np.abs(s[:, at] / np.sqrt(at + 1)).max(axis=1)


def test_peeking_inflation():
    qid = "optional-stopping-peeking"
    rng = np.random.default_rng(19)
    z = rng.standard_normal((1_000_000, 10))
    crit = stats.norm.ppf(0.975)
    assert abs(np.mean(max_abs_z(1, z) > crit) - 0.05) < 0.001
    two, five, ten = (float(np.mean(max_abs_z(k, z) > crit)) for k in (2, 5, 10))
    for value in (two, five, ten):
        assert_says(qid, value, "Simulating null random walks", 2)
    assert_says(qid, five, "with 5 equally spaced looks", 2, fields=("short_answer",))
    assert_says(qid, ten, "with 5 equally spaced looks", 2, fields=("short_answer",))
    # Pocock's constant boundary for 5 looks: the 95th percentile of the largest |Z| over the looks
    pocock = float(np.quantile(max_abs_z(5, z), 0.95))
    assert_says(qid, pocock, "Pocock's constant boundary", 2)
    assert_says(qid, 2 * stats.norm.sf(pocock), "Pocock's constant boundary")


# ----------------------------------------------------------------- permutation-test

def test_permutation_example():
    import itertools

    qid = "permutation-test"
    text = field(qid, "answer")
    a = [float(v) for v in re.search(r"Group A has values ([0-9., ]+) and", text).group(1).split(",")]
    b = [float(v) for v in re.search(r"group B has ([0-9., ]+);", text).group(1).split(",")]
    x = np.array(a + b)
    observed = np.mean(a) - np.mean(b)
    assert_says(qid, observed, "difference in means is")
    count = total = 0
    for chosen in itertools.combinations(range(len(x)), len(a)):
        mask = np.zeros(len(x), bool)
        mask[list(chosen)] = True
        total += 1
        count += x[mask].mean() - x[~mask].mean() >= observed - 1e-12
    assert total == 70
    assert_says(qid, str(total), "ways to choose")
    assert_says(qid, str(count), "ways to choose")
    assert_says(qid, count / total, "ways to choose", 4)
    assert f"only {count} of them" in text and f"${count}/{total}=" in text
    assert_says(qid, 1 / total, "smallest p-value", 4)
    assert_says(qid, stats.ttest_ind(a, b, alternative="greater").pvalue, "one-sided two-sample", 4)


# ----------------------------------------------------------------- lindley-paradox

def bayes_factor_null(z: float, n: int, ratio: float = 1.0) -> float:
    """BF01 by direct ratio of the two marginal densities of the sample mean (sigma = 1, tau = ratio)."""
    xbar = z / np.sqrt(n)
    return float(stats.norm.pdf(xbar, 0, np.sqrt(1 / n)) / stats.norm.pdf(xbar, 0, np.sqrt(ratio**2 + 1 / n)))


def test_lindley_bayes_factors():
    qid = "lindley-paradox"
    z = 1.96
    assert_says(qid, 2 * stats.norm.sf(z), "Take $\\tau=\\sigma$", 2)
    assert_says(qid, bayes_factor_null(z, 100), "at $n=100$", 2)
    assert_says(qid, bayes_factor_null(z, 1000), "at $n=100$", 2)
    assert_says(qid, bayes_factor_null(z, 10_000), "at $n=100$", 1)
    assert_says(qid, bayes_factor_null(z, 10_000), "($\\tau=\\sigma$) it is", 1, fields=("short_answer",))
    bf = bayes_factor_null(z, 10_000)
    assert_says(qid, bf / (1 + bf), "at $n=100$")
    p = 0.05
    bound = -np.e * p * np.log(p)
    assert_says(qid, bound, "calibration bound")
    assert_says(qid, bound / (1 + bound), "calibration bound")
    # over all priors on the alternative the least favourable one is a point mass at the estimate
    xbar = z / np.sqrt(10_000)
    point_mass = stats.norm.pdf(xbar, 0, np.sqrt(1 / 10_000)) / stats.norm.pdf(0, 0, np.sqrt(1 / 10_000))
    bf_grid = [bayes_factor_null(z, 10_000, tau) for tau in np.linspace(0.001, 1, 2000)]
    assert point_mass <= min(bf_grid) + 1e-12
    assert_says(qid, point_mass, "all-prior bound", 3)
    assert_says(qid, point_mass / (1 + point_mass), "all-prior bound", 3)
    # the Bayes factor grows like sqrt(n) at fixed z
    assert abs(bayes_factor_null(z, 10**6) / bayes_factor_null(z, 10**4) - 10) < 0.05


# ----------------------------------------------------------------- consistency-vs-unbiasedness

def test_consistency_examples():
    qid = "consistency-vs-unbiasedness"
    n, eps = 100, 0.2
    assert_says(qid, 1 / (n * eps**2), "Chebyshev bounds", 2)
    assert_says(qid, 2 * stats.norm.sf(eps * np.sqrt(n)), "Chebyshev bounds", 4)
    assert_says(qid, 2 * stats.norm.sf(eps), "misses by more than 0.2")
    lam = 1.0
    even = sum(stats.poisson.pmf(k, lam) for k in range(0, 60, 2))
    assert_says(qid, np.exp(-2 * lam), "the target is", 3)
    assert_says(qid, even, "the target is", 3)
    assert_says(qid, 1 - even, "negative with probability", 3)
    assert min(abs(1 - np.exp(-2)), abs(-1 - np.exp(-2))) > 0.8 and states(qid, "0.8", "never within")
    # (-1)^X is exactly unbiased for e^{-2 lambda}, checked by simulation at two rates
    rng = np.random.default_rng(20)
    for rate in (0.5, 2.0):
        x = rng.poisson(rate, 2_000_000)
        assert abs(np.mean((-1.0) ** x) - np.exp(-2 * rate)) < 0.003
    # the first observation does not improve with n, the mean does
    draws = rng.standard_normal((20_000, n))
    assert abs(np.mean(np.abs(draws[:, 0]) > eps) - 2 * stats.norm.sf(eps)) < 0.01
    assert np.mean(np.abs(draws.mean(axis=1)) > eps) < 1 / (n * eps**2)


def test_lindley_every_p_value_is_the_two_sided_tail_of_its_z():
    """Each 'p=0.05' of the answer is the two-sided tail of z = 1.96, the worked example's statistic."""
    import bank
    from scipy.stats import norm

    p = fmt(2 * norm.sf(1.96), 2)
    answer = field("lindley-paradox", "answer")
    assert answer.count("0.05") == answer.count(p) >= 4
    assert bank.says("lindley-paradox", "A p-value of ", p, fields=("answer",))
    assert bank.says("lindley-paradox", "rescues $p=", p, fields=("answer",))
    assert bank.says("lindley-paradox", "(two-sided $p=", p, fields=("answer",))
    assert bank.says("lindley-paradox", "so $p=", p, fields=("answer",))
