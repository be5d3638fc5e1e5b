"""Recompute every number stated in the chapter on statistical learning theory and its figures."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest
import yaml
from scipy import optimize, special, stats

from bank import CONTENT, QUESTIONS, caption_states, field, figure_module, fmt, states

CHAPTER = CONTENT / "07-learning-theory.yaml"


def chapter() -> dict:
    return yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))


def ids() -> list[str]:
    return [q["id"] for q in chapter()["questions"]]


# ----------------------------------------------------------------- structure

def test_chapter_shape():
    data = chapter()
    assert data["id"] == "learning-theory"
    assert data["title"] == "Statistical learning theory"
    assert len(data["questions"]) >= 6
    book = yaml.safe_load((CONTENT / "book.yaml").read_text(encoding="utf-8"))
    assert book["chapters"][-1] == "learning-theory"
    assert all(qid in QUESTIONS for qid in ids())


@pytest.mark.parametrize("qid", ids())
def test_question_structure(qid):
    q = QUESTIONS[qid]
    assert q["kind"] == "technical"
    assert q["difficulty"] in {"easy", "medium", "hard"}
    assert len(field(qid, "short_answer").split()) <= 70
    assert 250 <= len(field(qid, "answer").split()) <= 700
    answer = field(qid, "answer")
    for part in (r"\textbf{Derivation.}", r"\textbf{Worked example.}", r"\textbf{Practical consequences.}"):
        assert part in answer, (qid, part)
    assert answer.index(r"\textbf{Derivation.}") < answer.index(r"\textbf{Worked example.}")
    assert 2 <= len(q["mistakes"]) <= 4 and 2 <= len(q["follow_ups"]) <= 3
    cited = set(re.findall(r"\\cite\{([^}]+)\}", answer))
    cited = {k.strip() for c in cited for k in c.split(",")}
    assert cited <= set(q["references"]), (qid, cited - set(q["references"]))


def test_difficulty_mix():
    levels = [QUESTIONS[q]["difficulty"] for q in ids()]
    assert levels.count("easy") >= 2 and levels.count("medium") >= 2


# ----------------------------------------------------------------- erm-generalisation-gap

def test_erm_hoeffding_radius():
    n, delta = 1000, 0.05
    eps = math.sqrt(math.log(2 / delta) / (2 * n))
    assert states("erm-generalisation-gap", fmt(eps, 4), near=r"\sqrt{\ln(2/\delta)/(2n)}")
    assert states("erm-generalisation-gap", str(n), near="test points")


def test_erm_memoriser_gap():
    # a lookup table on a continuous input with balanced random labels: training error 0, risk = P(y=1)
    rng = np.random.default_rng(0)
    x, y = rng.random(2000), rng.integers(0, 2, 2000)
    table = dict(zip(x[:1000], y[:1000]))
    train_err = np.mean([table[v] != t for v, t in zip(x[:1000], y[:1000])])
    test_err = np.mean([table.get(v, 0) != t for v, t in zip(x[1000:], y[1000:])])
    assert train_err == 0 and abs(test_err - 0.5) < 0.05
    assert states("erm-generalisation-gap", fmt(0.5, 1), near="its gap is")


# ----------------------------------------------------------------- pac-finite-class

def test_pac_conjunctions():
    qid = "pac-finite-class"
    ln_h = 20 * math.log(3)
    eps, delta = 0.05, 0.01
    need = (ln_h + math.log(1 / delta)) / eps
    assert states(qid, fmt(ln_h, 2), near="Conjunctions of literals")
    assert states(qid, fmt(math.log(1 / delta), 3), near=r"\ln(1/\delta)=")
    assert states(qid, fmt(need, 1), near="the bound asks for")
    assert states(qid, str(math.ceil(need)), near="examples suffice")
    n = math.ceil(need)
    one = (1 - eps) ** n
    union = 3**20 * one
    assert union <= delta
    assert states(qid, "1.4", near=r"0.95^{532}") and fmt(one * 1e12, 1) == "1.4"
    assert states(qid, str(n), near=r"0.95^{532}")
    assert states(qid, fmt(union, 4), near="the union over all")


def test_pac_all_boolean_functions():
    need = (2**20 * math.log(2) + math.log(100)) / 0.05
    assert states("pac-finite-class", fmt(need / 1e6, 1), near="million examples")
    assert need > 2**20


# ----------------------------------------------------------------- realisable-vs-agnostic-rates

def test_agnostic_sample_sizes():
    qid = "realisable-vs-agnostic-rates"
    ln_term = math.log(2 * 3**20 / 0.01)
    n_unif = ln_term / (2 * 0.05**2)
    n_excess = ln_term / (2 * 0.025**2)
    n_real = math.ceil((20 * math.log(3) + math.log(100)) / 0.05)
    assert states(qid, fmt(n_unif, 1), near=r"(2\cdot0.05^2)")
    assert states(qid, str(math.ceil(n_unif)), near=r"(2\cdot0.05^2)")
    assert states(qid, str(math.ceil(n_excess)), near="an excess risk of 0.05 requires")
    assert states(qid, str(n_real), near="Realisable")
    assert round(math.ceil(n_unif) / n_real) == 10 and states(qid, "ten", near=r"(2\cdot0.05^2)")
    assert round(math.ceil(n_excess) / n_real, -1) == 40 and states(qid, "forty", near=r"(2\cdot0.05^2)")


def test_agnostic_std_near_03():
    assert states("realisable-vs-agnostic-rates", fmt(math.sqrt(0.3 * 0.7), 2), near="standard deviation")


# ----------------------------------------------------------------- vc-dimension-examples

def separable(points: np.ndarray, labels: np.ndarray) -> bool:
    """Whether an affine halfspace realises the labels (LP feasibility of y(w.x+b) >= 1)."""
    y = np.where(labels, 1.0, -1.0)
    a_ub = -y[:, None] * np.hstack([points, np.ones((len(points), 1))])
    res = optimize.linprog(np.zeros(points.shape[1] + 1), A_ub=a_ub, b_ub=-np.ones(len(points)),
                           bounds=[(None, None)] * (points.shape[1] + 1), method="highs")
    return res.status == 0


def count_halfspace_labellings(points: np.ndarray) -> int:
    return sum(separable(points, np.array(lab)) for lab in itertools.product([0, 1], repeat=len(points)))


def test_vc_halfspaces_in_the_plane():
    qid = "vc-dimension-examples"
    triangle = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert count_halfspace_labellings(triangle) == 2**3
    assert states(qid, str(2**3), near="three points in general position")
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    inner = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    rng = np.random.default_rng(1)
    for pts in (square, inner, rng.standard_normal((4, 2))):
        assert count_halfspace_labellings(pts) == 14
    cover = 2 * sum(special.comb(3, i, exact=True) for i in range(3))
    assert cover == 14
    assert states(qid, str(cover), near="Cover's counting formula")
    assert states(qid, "14", near="of the 16 labellings") and states(qid, str(2**4), near="of the 16 labellings")


def test_vc_intervals():
    def interval_labellings(x):
        found = {tuple([0] * len(x))}
        for a in range(len(x)):
            for b in range(a, len(x)):
                found.add(tuple(int(a <= i <= b) for i in range(len(x))))
        return found
    assert len(interval_labellings([0.1, 0.2])) == 4
    assert (1, 0, 1) not in interval_labellings([0.1, 0.2, 0.3])
    assert states("vc-dimension-examples", "2", near="So the VC dimension is")


def test_vc_sin_shatters():
    # sign(sin(w x)) shatters x_i = 10^{-i}: the classical choice of w realises any labelling
    xs = 10.0 ** -np.arange(1, 6)
    for lab in itertools.product([0, 1], repeat=len(xs)):
        w = np.pi * (1 + sum((1 - yi) * 10**i for i, yi in enumerate(lab, start=1)))
        pred = (np.sin(w * xs) > 0).astype(int)
        assert tuple(pred) == lab
    assert states("vc-dimension-examples", r"x_i=10^{-i}", near="shatters")


# ----------------------------------------------------------------- sauer-shelah-vc-bound

def test_sauer_intervals_tight():
    def n_interval_labellings(n):
        x = list(range(n))
        found = {tuple([0] * n)}
        for a in x:
            for b in x[a:]:
                found.add(tuple(int(a <= i <= b) for i in x))
        return len(found)
    for n in range(1, 9):
        sauer = sum(special.comb(n, i, exact=True) for i in range(3))
        assert n_interval_labellings(n) == sauer == special.comb(n + 1, 2, exact=True) + 1
    assert states("sauer-shelah-vc-bound", r"\binom{n+1}{2}+1", near="Intervals")


def test_sauer_halfspaces_and_numbers():
    qid = "sauer-shelah-vc-bound"
    sauer = sum(special.comb(4, i, exact=True) for i in range(4))
    assert states(qid, str(sauer), near="the bound is") and sauer == 15
    assert count_halfspace_labellings(np.random.default_rng(2).standard_normal((4, 2))) == 14
    assert states(qid, "14", near="the truth is")
    d, n, delta = 10, 10_000, 0.05
    growth = (math.e * n / d) ** d
    assert states(qid, fmt(growth / 1e34, 1), near=r"(en/d)^{d}")
    t1 = 2 * math.sqrt(2 * d * math.log(math.e * n / d) / n)
    t2 = math.sqrt(math.log(1 / delta) / (2 * n))
    assert states(qid, fmt(t1, 3), near="gap of at most")
    assert states(qid, fmt(t2, 3), near="gap of at most")
    assert states(qid, fmt(t1 + t2, 3), near="gap of at most")


# ----------------------------------------------------------------- uniform-convergence-why

def test_uniform_convergence_best_of_1000():
    qid = "uniform-convergence-why"
    n, k = 100, 1000
    cdf = stats.binom.cdf(np.arange(n + 1), n, 0.5)
    p_min_le = 1 - (1 - cdf) ** k
    pmf = np.diff(np.concatenate([[0.0], p_min_le]))
    mean_min = float((pmf * np.arange(n + 1)).sum() / n)
    median_min = np.arange(n + 1)[np.searchsorted(p_min_le, 0.5)] / n
    assert states(qid, fmt(cdf[40], 3), near="the chance that a given one")
    assert fmt(p_min_le[40], 12) == "1.000000000000" and states(qid, "twelve", near="best of 1000")
    assert states(qid, fmt(mean_min, 3), near="expected minimum training error")
    assert states(qid, fmt(median_min, 2), near="median")
    assert states(qid, fmt(0.5 - mean_min, 2), near="this gap of about")
    # the same thing simulated: 1000 random classifiers, coin-flip labels
    rng = np.random.default_rng(0)
    mins = []
    for _ in range(200):
        y = rng.integers(0, 2, n)
        preds = rng.integers(0, 2, (k, n))
        mins.append((preds != y).mean(axis=1).min())
    assert abs(np.mean(mins) - mean_min) < 0.005


def test_uniform_convergence_radii():
    qid = "uniform-convergence-why"
    fixed = math.sqrt(math.log(2 / 0.05) / 200)
    union = math.sqrt(math.log(2 * 1000 / 0.05) / 200)
    assert states(qid, fmt(fixed, 3), near="fixed-hypothesis Hoeffding radius")
    assert states(qid, fmt(union, 3), near="union-bound radius")


# ----------------------------------------------------------------- rademacher-complexity

def test_rademacher_ten_copies():
    qid = "rademacher-complexity"
    n = 10
    signs = np.array(list(itertools.product([-1, 1], repeat=n)))
    assert len(signs) == 1024 and states(qid, str(len(signs)), near="sign vectors")
    mean_abs = np.abs(signs.sum(axis=1)).mean()
    assert states(qid, fmt(mean_abs, 3), near="sign vectors")
    assert states(qid, fmt(mean_abs / n, 3), near="sign vectors")
    assert states(qid, fmt(1 / math.sqrt(n), 3), near="sign vectors")
    # the supremum over |w| <= 1 of w * mean(sigma) is |mean(sigma)|: check on a grid of w
    grid = np.linspace(-1, 1, 201)
    sup = np.max(np.outer(signs.mean(axis=1), grid), axis=1)
    assert np.isclose(sup.mean(), mean_abs / n)


def test_rademacher_all_functions_and_bound():
    qid = "rademacher-complexity"
    rng = np.random.default_rng(0)
    sigma = rng.choice([-1, 1], size=(20000, 50))
    # all {0,1}-valued functions: the best picks f = 1 exactly where sigma = +1
    assert abs((sigma > 0).mean(axis=1).mean() - 0.5) < 0.01
    assert states(qid, "1/2", near="all $\\{0,1\\}$-valued functions")
    val = 2 / math.sqrt(1e4) + math.sqrt(math.log(20) / 2e4)
    assert states(qid, fmt(val, 3), near="1-Lipschitz loss gets")


# ----------------------------------------------------------------- no-free-lunch

def test_nfl_markov_step():
    frac = (1 / 4 - 1 / 8) / (1 - 1 / 8)
    assert np.isclose(frac, 1 / 7)
    assert states("no-free-lunch", r"\frac17", near=r"\Pr(\theta\ge1/8)")
    assert states("no-free-lunch", "1/7", near="at least $1/8$", fields=("short_answer",))


def test_nfl_worked_example():
    qid = "no-free-lunch"
    domain, train = 2**10, 100
    assert states(qid, str(domain), near="Take $\\mathcal X=\\{0,1\\}^{10}$")
    assert states(qid, f"2^{{{domain - train}}}", near="consistent with the data")
    # simulate: random targets, a learner that memorises and guesses 0 elsewhere, uniform test points
    rng = np.random.default_rng(0)
    errs = []
    for _ in range(2000):
        f = rng.integers(0, 2, domain)
        seen = np.zeros(domain, bool)
        seen[rng.choice(domain, train, replace=False)] = True
        pred = np.where(seen, f, 0)
        errs.append((pred != f).mean())
    exact = (domain - train) / domain / 2
    assert abs(np.mean(errs) - exact) < 0.002
    assert states(qid, fmt(exact, 3), near="under the uniform test distribution")


# ----------------------------------------------------------------- structural-risk-minimisation

def test_srm_worked_example():
    qid = "structural-risk-minimisation"
    n, delta = 2000, 0.05
    stated = ["0.20", "0.12", "0.10", "0.095", "0.093"]
    train = [float(t) for t in stated]
    pens, scores = [], []
    for k, t in enumerate(train, start=1):
        w = 6 / (math.pi**2 * k**2)
        pen = math.sqrt((10 * k * math.log(2) + math.log(2 / (w * delta))) / (2 * n))
        pens.append(pen)
        scores.append(t + pen)
    for t in stated:
        assert states(qid, t, near="reaches training errors")
    for p in pens:
        assert states(qid, fmt(p, 4), near="The penalties")
    for sc in scores:
        assert states(qid, fmt(sc, 4), near="The penalties")
    best = int(np.argmin(scores)) + 1
    assert states(qid, f"k={best}", near="SRM picks")
    assert states(qid, fmt(min(scores), 4), near="SRM picks")
    assert states(qid, fmt(1 - delta, 2), near="SRM picks")
    assert sum(6 / (math.pi**2 * k**2) for k in range(1, 100000)) < 1


# ----------------------------------------------------------------- margin-bounds-svm

def test_margin_worked_example():
    qid = "margin-bounds-svm"
    d, n, R, gamma, delta = 10**6, 10**4, 1.0, 0.1, 0.05
    eff = R**2 / gamma**2
    assert states(qid, fmt(eff, 0), near="effective dimension")
    assert states(qid, "ten thousand", near="effective dimension") and round(d / eff) == 10**4
    t1 = 2 * R / (gamma * math.sqrt(n))
    t2 = math.sqrt(math.log(1 / delta) / (2 * n))
    assert states(qid, fmt(t1, 1), near="bound on the test error")
    assert states(qid, fmt(t2, 3), near="bound on the test error")
    assert states(qid, fmt(t1 + t2, 3), near="bound on the test error")


def test_margin_perceptron_mistakes():
    # data with normalised margin 0.1 inside the unit ball; the perceptron makes at most 100 mistakes
    rng = np.random.default_rng(0)
    d, gamma = 50, 0.1
    u = np.zeros(d)
    u[0] = 1.0
    x = rng.standard_normal((5000, d))
    x /= np.maximum(1, np.linalg.norm(x, axis=1))[:, None] * 1.0001
    x = x / np.linalg.norm(x, axis=1, keepdims=True) * rng.uniform(0.5, 1, (len(x), 1))
    keep = np.abs(x @ u) >= gamma
    x = x[keep]
    y = np.sign(x @ u)
    w, mistakes = np.zeros(d), 0
    for _ in range(20):  # passes until no mistakes
        changed = False
        for xi, yi in zip(x, y):
            if yi * (w @ xi) <= 0:
                w += yi * xi
                mistakes += 1
                changed = True
        if not changed:
            break
    assert mistakes <= 1 / gamma**2
    assert states("margin-bounds-svm", fmt(1 / gamma**2, 0), near="perceptron")


# ----------------------------------------------------------------- algorithmic-stability

def test_stability_numbers():
    qid = "algorithmic-stability"
    lam, n = 0.01, 10**4
    beta_ridge = 2 / (lam * n)
    beta_sgd = 2 / n * 0.01 * 10**4
    assert states(qid, fmt(beta_ridge, 2), near="With $\\lambda=0.01$")
    assert states(qid, fmt(beta_sgd, 2), near="SGD with constant step")
    be = 2 * beta_ridge + (4 * n * beta_ridge + 1) * math.sqrt(math.log(20) / (2 * n))
    assert states(qid, fmt(be, 2), near="Bousquet and Elisseeff")
    assert states(qid, fmt(4 * n * beta_ridge, 0), near="Bousquet and Elisseeff")


def test_stability_ridge_replace_one():
    # regularised logistic regression: replacing one example moves w by at most 2 rho/(lambda n)
    rng = np.random.default_rng(0)
    n, d, lam = 200, 5, 0.1
    x = rng.standard_normal((n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.sign(x[:, 0] + 0.3 * rng.standard_normal(n))

    def fit(xs, ys):
        def obj(w):
            m = ys * (xs @ w)
            return np.mean(np.logaddexp(0, -m)) + lam * w @ w

        def grad(w):
            m = ys * (xs @ w)
            return -(xs * (ys / (1 + np.exp(m)))[:, None]).mean(axis=0) + 2 * lam * w
        return optimize.minimize(obj, np.zeros(d), jac=grad, method="L-BFGS-B", options={"gtol": 1e-12}).x

    w = fit(x, y)
    x2, y2 = x.copy(), y.copy()
    x2[0], y2[0] = -x[0], -y[0] * 1.0
    x2[0] = rng.standard_normal(d)
    x2[0] /= np.linalg.norm(x2[0])
    w2 = fit(x2, y2)
    assert np.linalg.norm(w - w2) <= 2 / (lam * n)
    assert states("algorithmic-stability", r"2\rho/(\lambda n)", near=r"\lVert w'-w\rVert\le")


# ----------------------------------------------------------------- bias-complexity-tradeoff

def bias_complexity_risk(k: int, n: int = 50, sigma2: float = 1.0) -> float:
    tail = 0.64 ** (k + 1) / 0.36
    return tail + (sigma2 + tail) * k / (n - k - 1)


def test_bias_complexity_numbers():
    qid = "bias-complexity-tradeoff"
    beta = 0.8 ** np.arange(1, 200)
    assert np.isclose((beta[8:] ** 2).sum(), 0.64**9 / 0.36)
    assert states(qid, fmt((beta**2).sum(), 3), near="With no features")
    risks = [bias_complexity_risk(k) for k in range(0, 49)]
    kbest = int(np.argmin(risks))
    assert kbest == 8 and states(qid, f"k={kbest}", near="the minimum")
    assert states(qid, fmt(0.64**9 / 0.36, 3), near="the minimum")
    assert states(qid, fmt(risks[8], 3), near="the minimum")
    assert states(qid, fmt(risks[20], 3), near="almost three times")
    assert 2.5 < risks[20] / risks[8] < 3
    # larger n moves the optimum to a richer class
    assert np.argmin([bias_complexity_risk(k, n=500) for k in range(0, 400)]) > kbest


def test_bias_complexity_simulation():
    # least squares on the first k of many features, simulated, matches the exact formula
    rng = np.random.default_rng(0)
    n, p, k = 50, 60, 8
    beta = 0.8 ** np.arange(1, p + 1)
    risks = []
    for _ in range(3000):
        x = rng.standard_normal((n, p))
        y = x @ beta + rng.standard_normal(n)
        b = np.linalg.lstsq(x[:, :k], y, rcond=None)[0]
        risks.append(np.sum((b - beta[:k]) ** 2) + np.sum(beta[k:] ** 2))
    assert abs(np.mean(risks) - bias_complexity_risk(k)) < 0.01
    assert QUESTIONS["bias-complexity-tradeoff"]["difficulty"] == "easy"
