"""Recompute every number stated in the chapter on statistical estimation and inference."""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml
from scipy import special, stats

from bank import CONTENT, QUESTIONS, field, fmt, states

CHAPTER = CONTENT / "08-estimation.yaml"


def chapter() -> dict:
    return yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))


def chapter_ids() -> list[str]:
    return [q["id"] for q in chapter()["questions"]]


def says(qid: str, number: float | str, near: str, digits: int = 3, fields=("answer", "short_answer")):
    text = number if isinstance(number, str) else fmt(number, digits)
    assert states(qid, text, near, fields), f"{qid}: {text!r} not stated next to {near!r}"


# ----------------------------------------------------------------- structure

def test_chapter_shape():
    data = chapter()
    assert data["id"] == "estimation"
    assert data["title"] == "Statistical estimation and inference"
    ids = chapter_ids()
    assert len(ids) == len(set(ids)) >= 6
    assert all(qid in QUESTIONS for qid in ids)
    levels = [q["difficulty"] for q in data["questions"]]
    book = yaml.safe_load((CONTENT / "book.yaml").read_text(encoding="utf-8"))
    assert book["chapters"][-1] == "estimation"


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
    says(qid, mse_divisor(n, n - 1), "Dividing by $n-1=9$")
    says(qid, mse_divisor(n, n), "Dividing by $n=10$", 2)
    says(qid, 2 * (n - 1) / n**2, "Dividing by $n=10$", 2)
    says(qid, (n - 1) / n - 1, "Dividing by $n=10$", 1)
    says(qid, mse_divisor(n, n + 1), "Dividing by $n+1=11$")
    c4 = np.sqrt(2 / (n - 1)) * np.exp(special.gammaln(n / 2) - special.gammaln((n - 1) / 2))
    assert abs(np.mean(np.sqrt(ss / (n - 1))) - c4) < 0.002
    says(qid, c4, "Jensen")
    assert "2\\sigma^4/(n+1)" in field(qid, "short_answer")
    assert "2\\sigma^4/(n-1)" in field(qid, "short_answer")


# ----------------------------------------------------------------- mle-asymptotic-normality

def test_exponential_rate_mle():
    qid = "mle-asymptotic-normality"
    lam, n = 2.0, 100
    says(qid, lam / np.sqrt(n), "With $\\lambda=2$ and $n=100$", 1)
    mean = n * lam / (n - 1)
    sd = n * lam / ((n - 1) * np.sqrt(n - 2))
    rng = np.random.default_rng(1)
    est = 1 / rng.exponential(1 / lam, size=(100_000, n)).mean(axis=1)
    assert abs(est.mean() - mean) < 0.003 and abs(est.std() - sd) < 0.003
    says(qid, mean, "\\mathbb{E}\\hat\\lambda=n\\lambda/(n-1)")
    says(qid, sd, "exact standard deviation")


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
    says(qid, info, "$I(p)=1/(p(1-p))$")
    says(qid, 1 / (n * info), "With $n=50$", 4)
    says(qid, np.sqrt(1 / (n * info)), "With $n=50$", 4)


def test_gaussian_variance_bound():
    qid = "fisher-information-cramer-rao"
    n, s2 = 10, 1.0
    # Fisher information for sigma^2 by quadrature of the squared score
    x = np.linspace(-12, 12, 200_001)
    dens = stats.norm.pdf(x, scale=np.sqrt(s2))
    score = -1 / (2 * s2) + x**2 / (2 * s2**2)
    info = np.sum(score**2 * dens) * (x[1] - x[0])
    assert np.isclose(info, 1 / (2 * s2**2), rtol=1e-6)
    says(qid, 1 / (n * info), "above the bound of", 1)
    says(qid, mse_divisor(n, n - 1), "above the bound of")
    says(qid, mse_divisor(n, n + 1), "below it")


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
    says(qid, crude, "crude estimator has variance")
    says(qid, crude, "cutting the variance", fields=("short_answer",))
    says(qid, rb, "cutting the variance", 3, fields=("short_answer",))
    says(qid, t, "with $t=", 2)
    says(qid, n * lam * (t - 1), "with $t=", 1)
    says(qid, rb, "with $t=", 4)
    says(qid, crb, "Cramér-Rao bound for", 4)
    says(qid, crude / rb, "factor of", 0)
    says(qid, 100 * (rb / crb - 1), "factor of", 0)


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
    says(qid, mm, "With $\\theta=1$ and $n=10$", 4)
    says(qid, mle, "With $\\theta=1$ and $n=10$", 4)
    says(qid, corrected, "With $\\theta=1$ and $n=10$", 5)
    mm100, mle100, _ = mse(100)
    says(qid, mm100, "At $n=100$", 5)
    says(qid, mle100, "At $n=100$", 6)
    says(qid, mm100 / mle100, "At $n=100$", 0)
    sample = np.array([0.1, 0.2, 0.9])
    says(qid, 2 * sample.mean(), "contradict the data", 1)
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
    says(qid, p, "80 of $n=400$", 1)
    says(qid, se, "80 of $n=400$", 2)
    says(qid, logit, "The log-odds is")
    says(qid, slope, "The log-odds is", 2)
    says(qid, slope * se, "The log-odds is")
    says(qid, slope * se, "log-odds has standard error", fields=("short_answer",))
    says(qid, z, "A 95% interval", 2)
    lo, hi = logit - z * slope * se, logit + z * slope * se
    says(qid, lo, "A 95% interval")
    says(qid, hi, "A 95% interval")
    says(qid, special.expit(lo), "A 95% interval")
    says(qid, special.expit(hi), "A 95% interval")
    says(qid, z * se, "The plain interval")
    says(qid, p - z * se, "The plain interval")
    says(qid, p + z * se, "The plain interval")
    # the delta-method standard error against simulation of the real estimator
    rng = np.random.default_rng(5)
    phat = rng.binomial(n, p, size=400_000) / n
    assert abs(np.std(np.log(phat / (1 - phat))) - slope * se) < 0.003
