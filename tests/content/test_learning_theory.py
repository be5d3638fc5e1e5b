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
    chapters = book["chapters"]
    assert "learning-theory" in chapters and chapters.index("learning-theory") > chapters.index("practice")
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


def test_agnostic_massart_fast_rate():
    # thresholds with labels flipped with probability 0.1: a threshold t disagrees with the Bayes threshold on mass
    # m = |t - cut|, its excess risk is (1 - 2 * 0.1) m and the excess loss has variance at most m
    qid = "realisable-vs-agnostic-rates"
    mod = figure_module("threshold_bound_gap")
    assert states(qid, fmt(mod.NOISE, 1), near="flipped with probability")
    rng = np.random.default_rng(3)
    x = rng.random(400_000)
    y = (x >= mod.CUT) ^ (rng.random(x.size) < mod.NOISE)
    for t in (0.35, 0.5, 0.8):
        m = abs(t - mod.CUT)
        excess_loss = ((x >= t) != y).astype(float) - ((x >= mod.CUT) != y)
        assert abs(excess_loss.mean() - (1 - 2 * mod.NOISE) * m) < 0.004
        assert excess_loss.var() <= m
    assert states(qid, f"${fmt(1 - 2 * mod.NOISE, 1)}m$", near="excess risk")
    # and the ERM threshold's excess risk in the figure falls like 1/n, not 1/sqrt(n)
    c = mod.curves()
    slope = np.polyfit(np.log(c["n"]), np.log(c["mean_excess"]), 1)[0]
    assert -1.2 < slope < -0.8 and states(qid, r"$1/n$", near="the figure of")


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


def test_stability_ridge_bounded_data():
    # ridge on ||x|| <= 1, |y| <= Y: the minimiser lies in the ball ||w|| <= Y/sqrt(lambda), where the squared
    # loss is 2Y(1 + 1/sqrt(lambda))-Lipschitz; replacing one example then moves the loss by at most 2 rho^2/(lambda n)
    qid = "algorithmic-stability"
    assert_says(qid, r"$\lambda\lVert w\rVert^2\le F_S(0)\le Y^2$", r"$\lVert w\rVert\le Y/\sqrt\lambda$",
         r"$\rho=2Y(1+1/\sqrt\lambda)$", r"$|y|\le Y$", "for ridge, the squared loss on bounded data")
    rng = np.random.default_rng(2)
    n, d, lam, big_y = 60, 8, 0.05, 1.5
    x = rng.standard_normal((n, d))
    x /= np.maximum(1, np.linalg.norm(x, axis=1, keepdims=True))
    y = np.clip(x @ rng.standard_normal(d) + 0.5 * rng.standard_normal(n), -big_y, big_y)

    def ridge(xs, ys):  # minimiser of mean squared error + lam ||w||^2
        return np.linalg.solve(xs.T @ xs / n + lam * np.eye(d), xs.T @ ys / n)
    w = ridge(x, y)
    assert np.linalg.norm(w) <= big_y / math.sqrt(lam)
    rho = 2 * big_y * (1 + 1 / math.sqrt(lam))
    xt = rng.standard_normal((200, d))
    xt /= np.maximum(1, np.linalg.norm(xt, axis=1, keepdims=True))
    yt = rng.uniform(-big_y, big_y, 200)
    for _ in range(20):
        x2, y2 = x.copy(), y.copy()
        x2[0] = rng.standard_normal(d)
        x2[0] /= max(1, np.linalg.norm(x2[0]))
        y2[0] = rng.uniform(-big_y, big_y)
        w2 = ridge(x2, y2)
        assert np.linalg.norm(w - w2) <= 2 * rho / (lam * n)
        assert np.max(np.abs((xt @ w - yt) ** 2 - (xt @ w2 - yt) ** 2)) <= 2 * rho**2 / (lam * n)


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


# ----------------------------------------------------------------- sample-complexity-lower-bounds

def test_lower_bound_coin_example():
    qid = "sample-complexity-lower-bounds"
    eps = 0.05
    p, q = 0.5 + eps, 0.5 - eps
    kl = p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
    assert np.isclose(kl, 2 * eps * math.log(p / q)) and abs(kl - 8 * eps**2) < 1e-4
    assert states(qid, fmt(p, 2), near="the coins have biases") and states(qid, fmt(q, 2), near="the coins have biases")
    assert states(qid, fmt(kl, 4), near="the coins have biases")
    n_min = math.log(5) / kl
    assert np.isclose(0.25 * math.exp(-n_min * kl), 0.05)
    assert states(qid, fmt(n_min, 1), near=r"n\ge\ln5/")
    assert states(qid, str(math.ceil(n_min)), near="flips")
    majority = next(n for n in range(1, 2001, 2) if stats.binom.cdf((n - 1) // 2, n, p) <= 0.05)
    assert states(qid, str(majority), near="majority vote")
    # the majority vote is the likelihood-ratio test here; check by simulation that its error matches
    rng = np.random.default_rng(0)
    heads = rng.binomial(majority, p, 200_000)
    assert abs(np.mean(heads <= majority // 2) - stats.binom.cdf(majority // 2, majority, p)) < 0.003


def test_lower_bound_realisable_construction():
    # with n < (d-1)/(32 eps) examples, more than half the light points are unseen
    rng = np.random.default_rng(0)
    d, eps = 101, 0.01
    n = int((d - 1) / (32 * eps)) - 1
    probs = np.r_[1 - 8 * eps, np.full(d - 1, 8 * eps / (d - 1))]
    unseen = []
    for _ in range(500):
        draws = rng.choice(d, n, p=probs)
        unseen.append(1 - len(set(draws[draws > 0])) / (d - 1))
    assert np.mean(unseen) > 0.5
    assert states("sample-complexity-lower-bounds", r"n<(d-1)/(32\varepsilon)", near="more than half")


# ----------------------------------------------------------------- vacuous-bounds-deep-nets

def test_vacuous_bits_bound():
    qid = "vacuous-bounds-deep-nets"
    val = (32e6 * math.log(2) + math.log(20)) / 5e4
    assert states(qid, fmt(val, 1), near="realisable Occam bound")
    assert states(qid, str(int(val)), near="times larger")
    assert states(qid, fmt(1 - 1 / 10, 1), near="With 10 classes and random labels")


def test_vacuous_random_labels_are_fit_by_a_rich_class():
    # a class that fits every labelling (here: min-norm interpolation with more features than points)
    # has empirical Rademacher complexity 1 for +-1 outputs
    rng = np.random.default_rng(0)
    n, p = 40, 400
    x = rng.standard_normal((n, p))
    pinv = x.T @ np.linalg.inv(x @ x.T)  # minimum-norm interpolator w = pinv s
    corr = []
    for _ in range(200):
        s = rng.choice([-1.0, 1.0], n)
        w = pinv @ s
        corr.append(np.mean(s * np.sign(x @ w)))
    assert np.isclose(np.mean(corr), 1.0)
    assert states("vacuous-bounds-deep-nets", "1", near="essentially 1")


# ----------------------------------------------------------------- pac-bayes-flat-minima

def gauss_kl(d, norm2, sp, sq):
    return 0.5 * ((d * sq**2 + norm2) / sp**2 - d + d * math.log(sp**2 / sq**2))


def test_pac_bayes_numbers():
    qid = "pac-bayes-flat-minima"
    d, norm2, sp, n, delta = 10**5, 100.0, 0.1, 5 * 10**4, 0.05
    log_term = math.log(2 * math.sqrt(n) / delta)
    assert states(qid, fmt(log_term, 2), near=r"\ln(2\sqrt n/\delta)=")
    for sq in (0.05, 0.09):
        kl = gauss_kl(d, norm2, sp, sq)
        term = math.sqrt((kl + log_term) / (2 * n))
        near = f"\\sigma_Q={sq:g}"
        assert states(qid, fmt(kl, 0), near=near), sq
        assert states(qid, fmt(term, 3), near=near), sq


def test_pac_bayes_gaussian_kl_formula():
    # check the closed form against a Monte Carlo estimate in a small dimension
    rng = np.random.default_rng(0)
    d, sp, sq = 3, 0.7, 0.3
    w = np.array([0.5, -0.2, 0.1])
    z = w + sq * rng.standard_normal((400_000, d))
    logq = stats.norm.logpdf(z, w, sq).sum(axis=1)
    logp = stats.norm.logpdf(z, 0, sp).sum(axis=1)
    assert abs(np.mean(logq - logp) - gauss_kl(d, w @ w, sp, sq)) < 0.01
    assert states("pac-bayes-flat-minima", r"d\ln\frac{\sigma_P^2}{\sigma_Q^2}", near=r"\mathrm{KL}(Q\Vert P)=")


# ----------------------------------------------------------------- compression-occam

def test_compression_svm_numbers():
    qid = "compression-occam"
    n, k, delta = 10**4, 50, 0.05
    log_binom = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    assert states(qid, fmt(log_binom, 1), near=r"\ln\binom{10^4}{50}")
    b1 = (log_binom + math.log(1 / delta)) / (n - k)
    b2 = (log_binom + math.log(n) + math.log(1 / delta)) / (n - k)
    assert states(qid, fmt(b1, 4), near="the bound is")
    assert states(qid, str(n - k), near="the bound is")
    assert states(qid, fmt(b2, 4), near="adding $\\ln n$")
    assert (k * math.log(math.e * n / k) + math.log(20)) / (n - k) >= b1
    occam = (1000 * math.log(2) + math.log(1 / delta)) / n
    assert states(qid, fmt(occam, 4), near="described in 1000 bits")


def test_compression_svm_support_vectors_reconstruct():
    # a hard-margin linear SVM retrained on its support vectors returns the same classifier
    rng = np.random.default_rng(3)
    x = rng.standard_normal((60, 2))
    y = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, 1.0, -1.0)
    x += 0.3 * y[:, None] * np.array([1.0, 0.5]) / np.linalg.norm([1.0, 0.5])

    def svm(xs, ys):
        cons = {"type": "ineq", "fun": lambda v: ys * (xs @ v[:2] + v[2]) - 1}
        return optimize.minimize(lambda v: v[:2] @ v[:2], np.zeros(3), constraints=[cons],
                                 method="SLSQP", options={"ftol": 1e-12, "maxiter": 500}).x

    v = svm(x, y)
    sv = np.abs(y * (x @ v[:2] + v[2]) - 1) < 1e-5
    assert 2 <= sv.sum() <= 5
    v2 = svm(x[sv], y[sv])
    assert np.allclose(v, v2, atol=1e-4)
    assert states("compression-occam", "support vectors", near="compression scheme")


# ----------------------------------------------------------------- loo-cross-validation

def test_loo_press_example():
    qid = "loo-cross-validation"
    x = np.array([1, 2, 3, 4, 5.0])
    y = np.array([1.2, 1.9, 3.2, 3.8, 5.1])
    X = np.c_[np.ones(5), x]
    H = X @ np.linalg.solve(X.T @ X, X.T)
    h = np.diag(H)
    assert np.allclose(h, 1 / 5 + (x - 3) ** 2 / 10)
    e = y - H @ y
    loo = e / (1 - h)
    brute = np.array([y[i] - np.polyval(np.polyfit(np.delete(x, i), np.delete(y, i), 1), x[i]) for i in range(5)])
    assert np.allclose(loo, brute)
    assert states(qid, "(" + ",".join(f"{v:g}" for v in np.round(h, 3)) + ")", near="leverages")
    assert states(qid, "(" + ",".join(f"{v:g}" for v in np.round(e, 3)) + ")", near="residuals are")
    assert states(qid, fmt(np.mean(e**2), 4), near="training mean squared error")
    assert states(qid, "(" + ",".join(f"{v:g}" for v in np.round(loo, 3)) + ")", near="LOO residuals")
    assert states(qid, fmt(np.mean(loo**2), 4), near="LOO mean squared error")
    assert 2.5 < np.mean(loo**2) / np.mean(e**2) < 3


def test_loo_majority_pathology():
    y = np.array([0, 1] * 10)
    preds = []
    for i in range(len(y)):
        rest = np.delete(y, i)
        preds.append(int(rest.mean() > 0.5))
    assert np.mean(np.array(preds) != y) == 1.0
    assert states("loo-cross-validation", "1", near="reports error")
    assert states("loo-cross-validation", "0.5", near="reports error")


# ----------------------------------------------------------------- figures

def test_threshold_figure_caption_and_claims():
    mod = figure_module("threshold_bound_gap")
    name = "threshold_bound_gap"
    assert caption_states(name, fmt(mod.NOISE, 1), near="flipped with probability")
    assert caption_states(name, fmt(mod.CUT, 1), near="flipped with probability")
    assert caption_states(name, fmt(mod.DELTA, 2), near=r"\delta=")
    assert caption_states(name, str(mod.TRIALS), near="samples per")
    assert len(mod.CAPTION.split()) <= 60
    c = mod.curves()
    ratio = c["bound"] / c["q95"]
    assert np.all(c["bound"] > c["q95"])
    assert 5 <= ratio.min() and ratio.max() <= 8
    assert caption_states(name, "5 to 8", near="too large")
    assert states("uniform-convergence-why", "5 to 8", near="95th percentile")
    # the risk formula agrees with a Monte Carlo estimate
    rng = np.random.default_rng(1)
    x = rng.random(400_000)
    y = (x >= mod.CUT) ^ (rng.random(x.size) < mod.NOISE)
    for t in (0.1, 0.3, 0.7):
        assert abs(np.mean((x >= t) != y) - mod.risk(np.array(t))) < 0.003
    # the exact supremum agrees with a brute-force grid for one sample
    rng = np.random.default_rng(5)
    sup, _ = mod.deviations(50, rng)
    rng = np.random.default_rng(5)
    xs = np.sort(rng.random(50))
    ys = (xs >= mod.CUT).astype(int) ^ (rng.random(50) < mod.NOISE)
    grid = np.linspace(0, 1, 20001)
    emp = np.array([np.mean((xs >= t) != ys) for t in grid])
    assert abs(np.max(mod.risk(grid) - emp) - sup) < 1e-3
    # excess risk of ERM decays roughly like 1/n, the uniform deviation like 1/sqrt(n)
    slope_sup = np.polyfit(np.log(c["n"]), np.log(c["mean_sup"]), 1)[0]
    slope_ex = np.polyfit(np.log(c["n"]), np.log(c["mean_excess"]), 1)[0]
    assert -0.6 < slope_sup < -0.4 and -1.2 < slope_ex < -0.8


def dd_curves():
    return figure_module("double_descent_random_features").curves()


def test_double_descent_caption():
    mod = figure_module("double_descent_random_features")
    name = "double_descent_random_features"
    assert caption_states(name, str(mod.N_TRAIN), near="noisy samples")
    assert caption_states(name, str(mod.DIM), near="noisy samples")
    assert caption_states(name, fmt(mod.NOISE_SD, 1), near="noise standard deviation")
    assert caption_states(name, str(mod.SEEDS), near="averaged over")
    assert caption_states(name, fmt(mod.RIDGE, 1), near="ridge with penalty")
    assert len(mod.CAPTION.split()) <= 60


def test_double_descent_numbers():
    qid = "double-descent-random-features"
    c = dd_curves()
    p, mn, rg, smin = c["p"], c["minnorm"], c["ridge"], c["smin"]
    peak = int(np.argmax(mn))
    small = int(np.argmin(np.where(p < 100, mn, np.inf)))
    n = figure_module("double_descent_random_features").N_TRAIN
    assert p[peak] in (p[p < n].max(), p[p > n].min())  # the grid point next to p = n
    assert "peaks next to $p=n$ (dotted line)" in figure_module("double_descent_random_features").CAPTION
    assert p[peak] == p[p < n].max() and states(qid, "grid point just below $n$", near="lowest among small models")
    assert_says(qid, r"the squared singular values follow", r"fixed, untuned $\lambda=0.1$", fields=("answer", "mistakes"))
    assert states(qid, f"p={p[small]}", near="lowest among small models")
    assert states(qid, fmt(mn[small], 3), near="lowest among small models")
    assert states(qid, f"p={p[peak]}", near="lowest among small models")
    assert states(qid, fmt(mn[peak], 3), near="lowest among small models")
    assert states(qid, fmt(mn[-1], 3), near="lowest among small models") and p[-1] == 2000
    assert round(mn[peak] / mn[-1]) == 7 and states(qid, "seven", near="lowest among small models")
    assert mn[-1] < mn[small]
    assert states(qid, fmt(smin[small], 3), near="smallest non-zero singular value")
    assert states(qid, fmt(smin[peak], 4), near="smallest non-zero singular value")
    assert states(qid, fmt(smin[-1], 3), near="smallest non-zero singular value")
    assert np.all(rg <= mn + 1e-9)
    assert states(qid, fmt(rg[-1], 3), near="Ridge with $\\lambda=0.1$")


def test_double_descent_minnorm_matches_lstsq():
    # the Gram-form predictor equals the minimum-norm least-squares fit computed directly
    mod = figure_module("double_descent_random_features")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((30, mod.DIM))
    y = mod.target(x) + mod.NOISE_SD * rng.standard_normal(30)
    xt = rng.standard_normal((7, mod.DIM))
    for p in (10, 30, 80):
        w = rng.standard_normal((mod.DIM, p)) / np.sqrt(mod.DIM)
        phi, phit = np.maximum(0, x @ w) / np.sqrt(p), np.maximum(0, xt @ w) / np.sqrt(p)
        direct = phit @ np.linalg.pinv(phi) @ y
        vals, vecs = np.linalg.eigh(phi @ phi.T)
        keep = vals > vals[-1] * 1e-10
        gram = phit @ phi.T @ (vecs[:, keep] @ ((vecs[:, keep].T @ y) / vals[keep]))
        assert np.allclose(direct, gram, atol=1e-6)


# ----------------------------------------------------------------- benign-overfitting-linear

def test_benign_effective_ranks():
    qid = "benign-overfitting-linear"
    n, s, tail = 100, 5, 2000
    lam = np.r_[np.ones(s), np.full(tail, 1 / tail)]
    r = [lam[k:].sum() / lam[k] for k in range(s + 1)]
    big_r = lam[s:].sum() ** 2 / (lam[s:] ** 2).sum()
    assert states(qid, f"r_0={r[0]:.0f}", near="Then")
    assert np.isclose(r[s], big_r) and states(qid, f"r_5=R_5={big_r:.0f}", near="Then")
    k_star = next(k for k in range(s + 1) if r[k] >= n)
    assert states(qid, f"k^\\star={k_star}", near="Then")
    assert states(qid, fmt(k_star / n + n / big_r, 1), near="Then")
    assert states(qid, fmt(s / (n - s - 1), 3), near="oracle")
    assert states(qid, f"{s}/{n - s - 1}", near="oracle")
    d = s + tail
    iso = 1 - n / d + n / (d - n - 1)
    assert states(qid, fmt(iso, 3), near="isotropic")
    assert states(qid, f"{d}", near="isotropic")


def test_benign_simulation():
    qid = "benign-overfitting-linear"
    n, s, tail = 100, 5, 2000
    lam = np.r_[np.ones(s), np.full(tail, 1 / tail)]
    theta = np.r_[np.ones(s) / np.sqrt(s), np.zeros(tail)]
    rng = np.random.default_rng(0)
    risks = []
    for _ in range(100):
        x = rng.standard_normal((n, s + tail)) * np.sqrt(lam)
        y = x @ theta + rng.standard_normal(n)
        est = x.T @ np.linalg.solve(x @ x.T, y)
        assert np.allclose(x @ est, y)  # it interpolates the noisy labels
        diff = est - theta
        risks.append(diff @ (lam * diff))
    assert states(qid, fmt(np.mean(risks), 2), near="simulation")


# ----------------------------------------------------------------- implicit-bias-max-margin

def test_implicit_bias_svm_and_gd():
    qid = "implicit-bias-max-margin"
    z = np.array([[2, 0.2], [0.5, 1.5], [1.5, 1.5], [3, 2.0]])
    cons = {"type": "ineq", "fun": lambda w: z @ w - 1}
    w_hat = optimize.minimize(lambda w: w @ w, np.ones(2), constraints=[cons], method="SLSQP",
                              options={"ftol": 1e-14}).x
    assert np.allclose(w_hat, [13 / 29, 15 / 29], atol=1e-6)
    assert states(qid, f"({fmt(w_hat[0], 3)},{fmt(w_hat[1], 3)})", near="hard-margin solution")
    assert states(qid, fmt(1 / np.linalg.norm(w_hat), 3), near="hard-margin solution")
    active = np.isclose(z @ w_hat, 1, atol=1e-6)
    assert active.tolist() == [True, True, False, False] and states(qid, "first two points", near="support vectors")
    beta = np.linalg.eigvalsh(z.T @ z / len(z)).max() / 4
    assert states(qid, fmt(beta, 3), near="smooth with") and 1 < 2 / beta
    u = w_hat / np.linalg.norm(w_hat)
    w = np.zeros(2)
    angles, margins, losses = [], [], []
    for t in range(1, 10_001):
        w += 1.0 * (z / (1 + np.exp(z @ w))[:, None]).mean(axis=0)
        if t in (10, 100, 1000, 10_000):
            angles.append(np.degrees(np.arccos(min(1.0, w @ u / np.linalg.norm(w)))))
            margins.append((z @ w).min() / np.linalg.norm(w))
            losses.append(np.mean(np.log1p(np.exp(-(z @ w)))))
    near = "angles to"
    for a in angles:
        assert states(qid, fmt(a, 1), near=near)
    for m in margins:
        assert states(qid, fmt(m, 3), near=near)
    assert states(qid, fmt(losses[0], 3), near=near) and states(qid, fmt(losses[-1], 5), near=near)
    assert np.all(np.diff(angles) < 0) and np.all(np.diff(margins) > 0)
    assert states(qid, fmt(np.linalg.norm(w), 2), near=r"\ln t=")
    assert states(qid, fmt(np.linalg.norm(w_hat) * np.log(10_000), 2), near=r"\ln t=")


# ----------------------------------------------------------------- online-learning-regret

def test_hedge_numbers_and_simulation():
    qid = "online-learning-regret"
    n_exp, horizon = 1000, 10**4
    eta = math.sqrt(8 * math.log(n_exp) / horizon)
    bound = math.sqrt(horizon / 2 * math.log(n_exp))
    assert states(qid, fmt(eta, 4), near="With $N=1000$")
    assert states(qid, fmt(bound, 1), near="With $N=1000$")
    assert states(qid, fmt(bound / horizon, 4), near="With $N=1000$")
    # Hedge against losses where one expert is slightly better: regret stays under the bound
    rng = np.random.default_rng(0)
    means = np.full(n_exp, 0.5)
    means[7] = 0.45
    cum = np.zeros(n_exp)
    learner = 0.0
    for _ in range(horizon):
        loss = (rng.random(n_exp) < means).astype(float)
        p = np.exp(-eta * (cum - cum.min()))
        p /= p.sum()
        learner += p @ loss
        cum += loss
    assert learner - cum.min() <= bound


def test_follow_the_leader_fails():
    horizon = 1000
    losses = [np.array([0.5, 0.0])] + [np.array([0.0, 1.0]) if t % 2 == 0 else np.array([1.0, 0.0])
                                       for t in range(horizon - 1)]
    cum = np.zeros(2)
    ftl = 0.0
    for loss in losses:
        ftl += loss[int(np.argmin(cum))] if cum[0] != cum[1] else loss[0]
        cum += loss
    assert ftl >= horizon - 1.5 and abs(cum.min() - horizon / 2) <= 1
    assert states("online-learning-regret", "T/2", near="Follow-the-leader")


# ----------------------------------------------------------------- nearest-neighbour-consistency

def test_nn_limits():
    qid = "nearest-neighbour-consistency"
    eta = 0.1
    assert states(qid, fmt(2 * eta * (1 - eta), 2), near="1-NN tends to")
    wrong = stats.binom.sf(2, 5, eta)  # at least 3 of 5 neighbours carry the minority label
    err5 = wrong * (1 - eta) + (1 - wrong) * eta
    assert states(qid, fmt(wrong, 5), near="5-NN")
    assert states(qid, fmt(1 - wrong, 5), near="5-NN")
    assert states(qid, fmt(err5, 3), near="5-NN")
    assert states(qid, "3 of the 5", near="5-NN")
    etas = np.array([0.1, 0.4])
    bayes = np.minimum(etas, 1 - etas).mean()
    nn = (2 * etas * (1 - etas)).mean()
    assert states(qid, fmt(bayes, 2), near="on the other half")
    assert states(qid, fmt(nn, 2), near="on the other half")
    assert states(qid, f"({fmt(2 * 0.1 * 0.9, 2)}+{fmt(2 * 0.4 * 0.6, 2)})/2", near="on the other half")
    assert states(qid, fmt(2 * bayes * (1 - bayes), 3), near="on the other half")
    assert states(qid, str(2**10), near="halving it takes")


def test_nn_simulation():
    # 1-NN and 5-NN on the line with eta = 0.1 on [0, 0.5) and 0.4 on [0.5, 1]
    rng = np.random.default_rng(0)
    n, m = 20_000, 20_000
    x = np.sort(rng.random(n))
    eta = np.where(x < 0.5, 0.1, 0.4)
    y = rng.random(n) < eta
    xt = rng.random(m)
    yt = rng.random(m) < np.where(xt < 0.5, 0.1, 0.4)
    pos = np.clip(np.searchsorted(x, xt), 1, n - 1)
    left_closer = (xt - x[pos - 1]) < (x[pos] - xt)
    nearest = np.where(left_closer, pos - 1, pos)
    err1 = np.mean(y[nearest] != yt)
    assert abs(err1 - 0.33) < 0.015
    assert states("nearest-neighbour-consistency", "0.33", near="on the other half")


# ----------------------------------------------------------------- the inputs and formulas each answer states
# Every worked example restates its inputs and every derivation states formulas with constants in them.
# These tests check the stated inputs against the values the numeric tests above use, and check the
# constants of the formulas, each next to a numeric check that the formula is right.

def assert_says(qid: str, *fragments: str, fields: tuple[str, ...] = ("answer", "short_answer")) -> None:
    text = "\n".join(field(qid, f) for f in fields if f in QUESTIONS[qid])
    for fragment in fragments:
        assert fragment in text, (qid, fragment)


def test_erm_inputs_and_formulas():
    qid = "erm-generalisation-gap"
    n, delta = 1000, 0.05
    assert_says(qid, f"$n={n}$", f"$\\delta={delta:g}$", r"\le 2e^{-2n\varepsilon^2}", "for a loss in $[0,1]$",
         "The middle term is at most 0", "predicts 0 elsewhere has training error 0 and risk 0.5")
    # Hoeffding's two-sided bound holds for a Bernoulli(0.3) mean at n = 1000
    tail = stats.binom.cdf(math.floor(n * (0.3 - 0.0429)), n, 0.3) + stats.binom.sf(math.ceil(n * (0.3 + 0.0429)) - 1, n, 0.3)
    assert tail <= 2 * math.exp(-2 * n * 0.0429**2)


def test_pac_inputs_and_formulas():
    qid = "pac-finite-class"
    d, eps, delta, n = 20, 0.05, 0.01, 532
    assert_says(qid, f"$d={d}$", f"$3^{{{d}}}$", f"$\\varepsilon={eps:g}$", f"$\\delta={delta:g}$", f"$n={n}$",
         f"fixed hypothesis of error {eps:g}", f"same {d} variables", f"$\\ln|\\mathcal H|=2^{{{d}}}\\ln 2$",
         f"more than the $2^{{{d}}}$ points", r"$(1-\varepsilon)^n\le e^{-\varepsilon n}$",
         r"$1-\varepsilon$", r"$1-\delta$", r"$1/\varepsilon$", r"$1/\delta$", r"$L(h_0)=0$",
         r"n\ge\frac{\ln|\mathcal H|+\ln(1/\delta)}{\varepsilon}", r"$L(\hat h)\le(\ln|\mathcal H|+\ln(1/\delta))/n$",
         r"$n\ge(\ln|\mathcal H|+\ln(1/\delta))/\varepsilon$", r"$\ln 2/\varepsilon$", r"$\ln|\mathcal H|\le b\ln 2$",
         r"from $1/\varepsilon$ to $1/\varepsilon^2$")
    assert (1 - eps) ** n <= math.exp(-eps * n)
    assert 3**d * math.exp(-eps * n) <= delta


def test_agnostic_inputs_and_formulas():
    qid = "realisable-vs-agnostic-rates"
    assert_says(qid, r"$|\mathcal H|=3^{20}$", r"$\delta=0.01$", r"Realisable, $\varepsilon=0.05$",
         r"uniform deviation $0.05$", "excess risk of 0.05 requires deviation 0.025",
         "error 0.30 from one of error 0.35", r"error near $0.3$", r"flipped with probability 0.1 independently of $x$",
         r"slopes between $-1$ and $-1/2$", r"excess loss $\ell(h)-\ell(h^\star)$", r"a rate of about $1/n$",
         r"noise approaches $1/2$",
         r"$p(1-p)$", r"rate $1/n$", r"near $1/2$", r"variance $1/(4n)$", r"of order $\varepsilon^2$",
         r"$L(\hat h)\le L(h^\star)+\sqrt{2\ln(2|\mathcal H|/\delta)/n}$", r"$\sqrt{p(1-p)/n}$",
         r"\varepsilon_n=\sqrt{\frac{\ln(2|\mathcal H|/\delta)}{2n}}", r"\le L(h^\star)+2\varepsilon_n$",
         r"$n\ge\ln(2|\mathcal H|/\delta)/(2\varepsilon^2)$", r"$(\ln|\mathcal H|+\ln(1/\delta))/\varepsilon$",
         r"The $1/\varepsilon^2$ rate", r"about $1/\varepsilon$ examples", "needs four times that",
         r"$1-\delta$")
    # the agnostic excess-risk form is twice the uniform radius
    n, size, delta = 5000, 3.0**20, 0.01
    assert np.isclose(2 * math.sqrt(math.log(2 * size / delta) / (2 * n)), math.sqrt(2 * math.log(2 * size / delta) / n))


def test_vc_inputs_and_formulas():
    qid = "vc-dimension-examples"
    assert_says(qid, r"all $2^m$", r"$d+1$", r"$d+2$", r"$x_1<x_2$", r"$x_1<x_2<x_3$", r"$(+,-,+)$", r"$b=y_0/2$",
         r"$y\in\{\pm1\}^{d+1}$", r"$\sum_i\lambda_ix_i=0$", r"$\sum_i\lambda_i=0$", r"$\mathrm{VC}=d+1$",
         r"through the origin (no $b$) it is $d$", r"In the plane ($d=2$)", r"$2\sum_{i=0}^{2}\binom{3}{i}=14$",
         r"$\mathrm{VC}\ge d+1$", "Intervals: 2", "four labellings", "So the VC dimension is 2",
         r"$x_i=10^{-i}$", r"$WL\log(W/L)$ and $WL\log W$")
    # axis-aligned rectangles: 4 points in a diamond are shattered, and no 5 points are (checked on random sets)
    diamond = np.array([[0, 1], [0, -1], [1, 0], [-1, 0.0]])

    def rect_labellings(pts):
        found = {tuple([0] * len(pts))}
        xs, ys = np.unique(pts[:, 0]), np.unique(pts[:, 1])
        for a, b in itertools.combinations_with_replacement(xs, 2):
            for c, e in itertools.combinations_with_replacement(ys, 2):
                inside = (pts[:, 0] >= a) & (pts[:, 0] <= b) & (pts[:, 1] >= c) & (pts[:, 1] <= e)
                found.add(tuple(inside.astype(int)))
        return found
    assert len(rect_labellings(diamond)) == 2**4
    rng = np.random.default_rng(0)
    for _ in range(30):
        assert len(rect_labellings(rng.standard_normal((5, 2)))) < 2**5
    assert states(qid, "4", near="Axis-aligned rectangles")
    # the halfspace construction on 0, e_1, ..., e_d realises every labelling
    d = 3
    pts = np.vstack([np.zeros(d), np.eye(d)])
    for lab in itertools.product([-1, 1], repeat=d + 1):
        b = lab[0] / 2
        w = np.array(lab[1:]) - b
        assert np.all(np.sign(pts @ w + b) == np.array(lab))


def test_sauer_inputs_and_formulas():
    qid = "sauer-shelah-vc-bound"
    assert_says_in(qid, "short_answer", r"$\Pi_{\mathcal H}(n)\le\sum_{i=0}^{d}\binom ni\le(en/d)^d$ for $n\ge d$")
    # the second inequality fails below n = d: n = 1, d = 3 gives 2 > (e/3)^3
    assert sum(special.comb(1, i, exact=True) for i in range(4)) > (math.e / 3) ** 3
    assert_says(qid, r"$\Pi_{\mathcal H}(n)\le\sum_{i=0}^{d}\binom ni\le(en/d)^d$", r"$2^n$", r"$d+1$ points",
         r"$|\mathcal H_C|=|Y|+|Y_2|$", r"at most $d-1$",
         r"\sum_{i\le d}\binom{n-1}{i}+\sum_{i\le d-1}\binom{n-1}{i}=\sum_{i\le d}\binom ni",
         r"$(n/d)^{d-i}\ge1$", r"\le(n/d)^d(1+d/n)^n\le(en/d)^d", r"$\sqrt{2\ln\Pi_{\mathcal H}(n)/n}$",
         r"L(h)\le L_S(h)+2\sqrt{\frac{2d\ln(en/d)}{n}}+\sqrt{\frac{\ln(1/\delta)}{2n}}",
         r"Intervals ($d=2$)", r"$1+n+\binom n2$", r"($d=3$) and $n=4$", r"For $d=10$, $n=10^4$ and $\delta=0.05$",
         r"against $2^{10000}$", r"$(d+\ln(1/\delta))/\varepsilon^2$", "the 0-1 loss class", r"$1-\delta$")
    assert states(qid, "34", near=r"(en/d)^{d}") and f"{(math.e * 1000) ** 10:.1e}".endswith("e+34")
    for n, d in ((7, 3), (50, 5), (1000, 10)):
        s = sum(special.comb(n, i, exact=True) for i in range(d + 1))
        assert s <= (n / d) ** d * (1 + d / n) ** n <= (math.e * n / d) ** d


def test_uniform_convergence_inputs_and_formulas():
    qid = "uniform-convergence-why"
    assert_says(qid, r"$n=100$", r"$\mathrm{Bin}(100,0.5)/100$", "risk 0.5", "hold 1000 classifiers", "best of 1000",
         "is at most 0.40 is 0.028", "independent ones is at most 0.40", "reports about 0.34", "whose risk is 0.5",
         r"at $\delta=0.05$ is 0.136", r"$\sqrt{\ln(2\cdot1000/0.05)/200}=0.230$",
         r"$\Pr(\Delta_S>\varepsilon)\le2|\mathcal H|e^{-2n\varepsilon^2}$", r"$L(\hat h)-L(h^\star)\le2\Delta_S$",
         r"thresholds on $[0,1]$", r"like $1/\sqrt n$", r"growth function $n+1$", r"like $1/n$")


def test_rademacher_inputs_and_formulas():
    qid = "rademacher-complexity"
    assert_says(qid, r"values in $[0,1]$", r"For losses in $[0,1]$", r"by at most $1/n$",
         r"$\Phi(S)\le\mathbb{E}\Phi+\sqrt{\ln(1/\delta)/(2n)}$", r"\le2\mathfrak R_n(\mathcal F), \]",
         r"$2\hat{\mathfrak R}_S+3\sqrt{\ln(2/\delta)/(2n)}$", r"\le\frac{BR}{\sqrt n}", r"$\sqrt{2\ln|\mathcal F_S|/n}$",
         r"Ten copies of the input $x=1$ and $\lvert w\rvert\le1$", r"\rvert/10$", r"$1/\sqrt{10}=0.316$",
         r"$f(z_i)=1$ exactly where $\sigma_i=+1$", r"$\hat{\mathfrak R}_S=1/2$", r"With $B=R=1$, $n=10^4$ and $\delta=0.05$",
         r"$2BR/\sqrt n+\sqrt{\ln(1/\delta)/(2n)}=0.032$", r"never beats $1/\sqrt n$", "a 1-Lipschitz loss",
         r"$\mathbb{E}f\le\hat{\mathbb{E}}_Sf+2\mathfrak R_n(\mathcal F)+\sqrt{\ln(1/\delta)/(2n)}$",
         r"\le BR/\sqrt n$", r"$\{0,1\}$-valued", r"$1-\delta$")
    # the linear-class bound: E||sum sigma_i x_i|| <= sqrt(sum ||x_i||^2), checked by Monte Carlo
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 4))
    sig = rng.choice([-1, 1], (20000, 20))
    assert np.linalg.norm(sig @ x, axis=1).mean() <= math.sqrt((x**2).sum())


def test_nfl_inputs_and_formulas():
    qid = "no-free-lunch"
    n_train, dim = 100, 10
    assert_says(qid, f"$\\mathcal X=\\{{0,1\\}}^{{{dim}}}$", f"training set of {n_train} distinct inputs",
         f"$({2**dim - n_train}/{2**dim})\\cdot\\frac12=0.451$", r"error $1/2$", r"at least $1/8$",
         r"at least $1/7$", r"$f:\mathcal X\to\{0,1\}$", r"exactly $1/2$", r"$|C|=2n$", r"$2^{2n}$",
         r"at least $1/4$", r"$\mathbb{E}_S\,L(A(S))\ge1/4$", r"lies in $[0,1]$",
         r"\ge\frac{\mathbb{E}\theta-1/8}{1-1/8}\ge\frac{1/4-1/8}{7/8}=\frac17", "unseen point 1",
         "predicts 1 everywhere", "half the size of the domain")
    # the Markov-type step: E theta >= 1/4 and theta <= 1 force P(theta >= 1/8) >= 1/7
    theta = np.r_[np.full(1, 1.0), np.full(6, 1 / 8 - 1e-9)]  # the extreme case
    assert np.isclose(theta.mean(), 1 / 7 + 6 / 7 * (1 / 8 - 1e-9)) and np.mean(theta >= 1 / 8) >= 1 / 7 - 1e-12


def test_srm_inputs_and_formulas():
    qid = "structural-risk-minimisation"
    assert_says(qid, r"$w_k=6/(\pi^2k^2)$", r"$\sum_kw_k\le1$", r"$1-\delta_k$", r"$1-\delta\sum_kw_k\ge1-\delta$",
         r"within about $2\varepsilon_k$", r"$\varepsilon_k=\sqrt{(\ln|\mathcal H_k|+\ln(2/(w_k\delta)))/(2n)}$",
         r"$\ln(1/w_k)$, of order $2\ln k$", r"$2^{10k}$ hypotheses", r"$10k$ bits", r"$n=2000$", r"$\delta=0.05$",
         "classes 1 to 5", "(class 5)", r"$\ln K$ for $K$ candidates", "Vapnik and Chervonenkis in the 1970s")
    assert np.isclose(sum(1 / k**2 for k in range(1, 10**6)) * 6 / math.pi**2, 1, atol=1e-5)


def test_margin_inputs_and_formulas():
    qid = "margin-bounds-svm"
    assert_says(qid, r"$\lVert w\rVert\le1$", r"\frac{2R}{\gamma\sqrt n}+\sqrt{\frac{\ln(1/\delta)}{2n}}",
         r"$R^2/\gamma^2$", r"$\phi_\gamma(t)=\min(1,\max(0,1-t/\gamma))$", r"between the 0-1 loss",
         r"is $1/\gamma$-Lipschitz", r"$\{x\mapsto w^\top x:\lVert w\rVert\le1\}$", r"$\gamma=R2^{-j}$",
         r"$\min(d,R^2/\gamma^2)+1$", r"$y_iw^\top x_i\ge1$", r"margin $1/\lVert w\rVert$", r"Take $d=10^6$, $n=10^4$, $R=1$",
         r"$\gamma=0.1$", r"$R^2/\gamma^2=100$", r"at $\delta=0.05$", r"$d=10^6>n$", r"$R^2=\max k(x,x)$",
         r"\frac1n\#\{i:y_iw^\top x_i<\gamma\}", "Replace the 0-1 loss", r"$1-\delta$",
         r"a margin $\gamma$ fixed in advance", "union-bound term over scales")
    # the ramp loss lies between the 0-1 loss and the margin indicator
    t = np.linspace(-2, 2, 401)
    gamma = 0.3
    ramp = np.minimum(1, np.maximum(0, 1 - t / gamma))
    assert np.all((t <= 0) <= ramp) and np.all(ramp <= (t < gamma) + 1e-12)


def test_stability_inputs_and_formulas():
    qid = "algorithmic-stability"
    assert_says(qid, r"$\lambda\lVert w\rVert^2$", r"$2\rho^2/(\lambda n)$", r"$(2L^2/n)\sum_t\alpha_t$",
         r"\ell(A(S^{(i)}),z_i)-\ell(A(S),z_i)\bigr]\le\beta", r"is $2\lambda$-strongly convex",
         r"$F_S(w')-F_S(w)\ge\lambda\lVert w'-w\rVert^2$", r"$F_S(w')-F_S(w)\le2\rho\lVert w'-w\rVert/n$",
         r"$\beta=2\rho^2/(\lambda n)$", r"$\alpha_t\le2/\beta_s$", r"probability $1/n$ per step", r"$2L\alpha_t$",
         r"$\mathbb{E}\lVert w_T-w_T'\rVert\le(2L/n)\sum_t\alpha_t$", r"$\lVert x\rVert\le1$ is $1$-Lipschitz",
         r"With $\lambda=0.01$ and $n=10^4$", r"constant step $0.01$ for $10^4$ steps", r"$\beta=(2/n)\cdot0.01\cdot10^4=0.02$",
         r"$2\beta+(4n\beta+1)\sqrt{\ln(1/\delta)/(2n)}$", r"at $\delta=0.05$", r"below $1/\sqrt n$",
         r"$\sqrt{\ln(1/\delta)/n}$", "two points of loss", r"$\beta=2/(\lambda n)=0.02$")
    # the logistic loss is 1-Lipschitz in w when ||x|| <= 1
    m = np.linspace(-20, 20, 4001)
    assert np.max(np.abs(np.gradient(np.logaddexp(0, -m), m))) <= 1


def test_bias_complexity_inputs_and_formulas():
    qid = "bias-complexity-tradeoff"
    assert_says(qid, r"$\sigma^2k/n$", r"$\sqrt{2\ln(2|\mathcal H|/\delta)/n}$", r"$y=\sum_{j\ge1}\beta_jx_j+\varepsilon$",
         r"$\sigma^2+T_k$", r"$T_k=\sum_{j>k}\beta_j^2$", r"$\mathbb{E}\,\mathrm{tr}(X^\top X)^{-1}=k/(n-k-1)$",
         r"R(k)=T_k+(\sigma^2+T_k)\frac{k}{n-k-1}", r"$\beta_j=0.8^j$", r"$T_k=0.64^{k+1}/0.36$",
         r"with $\sigma^2=1$ and $n=50$", r"$T_0=1.778$", r"At $k=8$", r"$T_8=", r"at $k=20$", r"$R(20)=",
         r"$R(8)=", r"like $k/(n-k)$", r"With $n=500$")
    # E tr (X^T X)^{-1} = k/(n-k-1) for Gaussian X, by simulation
    rng = np.random.default_rng(0)
    k, n = 8, 50
    tr = np.mean([np.trace(np.linalg.inv(x.T @ x)) for x in rng.standard_normal((4000, n, k))])
    assert abs(tr - k / (n - k - 1)) < 0.005


def test_lower_bound_inputs_and_formulas():
    qid = "sample-complexity-lower-bounds"
    assert_says(qid, r"$\frac12\pm\varepsilon$", r"about $1/\varepsilon^2$ flips", r"about $8\varepsilon^2$",
         r"$\Theta((d+\ln(1/\delta))/\varepsilon^2)$", r"$x_0,\dots,x_{d-1}$", r"$1-8\varepsilon$",
         r"$8\varepsilon/(d-1)$", r"$8\varepsilon n$", r"order $2\varepsilon$", r"$\ln(1/\delta)/\varepsilon$ term",
         r"$\Theta((d+\ln(1/\delta))/\varepsilon)$", r"$\ln(1/\varepsilon)$ factor", r"$\Pr(y=1\mid x_i)=\frac12+\varepsilon s_i$",
         r"costs $2\varepsilon$", r"$p=\frac12+\varepsilon$", r"$q=\frac12-\varepsilon$",
         r"$\mathrm{KL}=2\varepsilon\ln(p/q)\approx8\varepsilon^2$", r"$\frac14e^{-n\,\mathrm{KL}}$",
         r"of order $1/\varepsilon^2$ examples", r"$\Omega(d/\varepsilon^2)$", r"$\Omega(\ln(1/\delta)/\varepsilon^2)$",
         r"With $\varepsilon=0.05$", r"$\frac14e^{-n\mathrm{KL}}\le0.05$", r"at most 0.05 under both",
         r"escapes the $1/\varepsilon^2$ rate", r"gap to $1/\varepsilon$", "about four", r"n\ge\ln5/")
    # Bretagnolle-Huber: for the majority test, max error >= exp(-n KL)/4 at every odd n
    p, q = 0.55, 0.45
    kl = (p - q) * math.log(p / q)
    for n in (11, 81, 269):
        err = stats.binom.cdf(n // 2, n, p)
        assert err >= 0.25 * math.exp(-n * kl)


def test_vacuous_inputs():
    qid = "vacuous-bounds-deep-nets"
    assert_says(qid, r"$\{\pm1\}$-valued", r"$10^6$ float32 weights", r"$\ln|\mathcal H|\le32\times10^6\ln2$",
         r"$(\ln|\mathcal H|+\ln(1/\delta))/n$", r"$n=5\times10^4$", r"$\delta=0.05$", "50,000 images", "CIFAR-10",
         "With 10 classes", "training error 0, a gap of 0.9", "a gap of 0.9 and is vacuous", "exceeds 1")


def test_pac_bayes_inputs_and_formulas():
    qid = "pac-bayes-flat-minima"
    assert_says(qid, r"$\mathbb{E}_QL\le\mathbb{E}_QL_S+\sqrt{(\mathrm{KL}(Q\Vert P)+\ln(2\sqrt n/\delta))/(2n)}$",
         r"$\ln(1/P(h))$", r"losses in $[0,1]$", r"\sqrt{\frac{\mathrm{KL}(Q\Vert P)+\ln(2\sqrt n/\delta)}{2n}}",
         r"$\phi=2n(L-L_S)^2$", r"at most $2\sqrt n$", r"$P=\mathcal N(0,\sigma_P^2I)$", r"$Q=\mathcal N(w,\sigma_Q^2I)$",
         r"\frac12\Bigl[\frac{d\sigma_Q^2+\lVert w\rVert^2}{\sigma_P^2}-d+d\ln\frac{\sigma_P^2}{\sigma_Q^2}\Bigr]",
         r"Take $d=10^5$ weights with $\lVert w\rVert^2=100$, $\sigma_P=0.1$, $n=5\times10^4$ and $\delta=0.05$",
         r"$1-\delta$")
    # Maurer's lemma: E exp(2n (L - L_S)^2) <= 2 sqrt(n) for a Bernoulli mean, computed exactly
    for n, p in ((50, 0.1), (200, 0.5)):
        k = np.arange(n + 1)
        mgf = np.sum(stats.binom.pmf(k, n, p) * np.exp(2 * n * (p - k / n) ** 2))
        assert mgf <= 2 * math.sqrt(n)
    # Maurer's lemma in its kl form, E exp(n kl(L_S || L)) <= 2 sqrt(n), checked at its smallest n, 8
    n = 8
    k = np.arange(n + 1)
    for p in np.linspace(0.01, 0.99, 99):
        q = k / n
        kl = special.xlogy(q, q / p) + special.xlogy(1 - q, (1 - q) / (1 - p))
        assert np.sum(stats.binom.pmf(k, n, p) * np.exp(n * kl)) <= 2 * math.sqrt(n)
    assert_says(qid, r"(Maurer's lemma, for $n\ge8$)", r"$\mathbb{E}_Pe^{\phi}\le2\sqrt n/\delta$")
    assert_says_in(qid, "short_answer", r"For losses in $[0,1]$, $n\ge8$")


def test_compression_inputs_and_formulas():
    qid = "compression-occam"
    assert_says(qid, r"$2^{-|h|}$", r"$L(h)\le(|h|\ln2+\ln(1/\delta))/n$", r"$L(h)\le(\ln\binom nk+\ln(1/\delta))/(n-k)$",
         r"$\sum_h2^{-|h|}\le1$", r"$\delta2^{-|h|}$", r"$L(h)\le L_S(h)+\sqrt{(|h|\ln2+\ln(2/\delta))/(2n)}$",
         r"$(1-\varepsilon)^{n-k}$", r"\le\frac{\ln\binom nk+\ln(1/\delta)}{n-k}\le\frac{k\ln(en/k)+\ln(1/\delta)}{n-k}",
         r"$k=1,\dots,n$", r"trained on $n=10^4$ separable points ends with $k=50$", r"With $\delta=0.05$",
         r"$(311.9+\ln20)/9950=", r"$(1000\ln2+\ln20)/10^4=", r"$1-\delta$")


def test_loo_inputs_and_formulas():
    qid = "loo-cross-validation"
    assert_says(qid, r"$n-1$", r"$n(K-1)/K$", r"$e_i/(1-H_{ii})$", r"$\mathbb{E}\,\ell(A(S^{\setminus i}),z_i)=\mathbb{E}\,L(A(S_{n-1}))$",
         r"$\mathrm{LOO}=\frac1n\sum_i\ell(A(S^{\setminus i}),z_i)$", r"$\sigma^2/n$",
         r"y_i-\hat y_{-i}=\frac{y_i-\hat y_i}{1-H_{ii}}", r"$x=(1,2,3,4,5)$", r"$y=(1.2,1.9,3.2,3.8,5.1)$",
         r"$H_{ii}=\frac15+(x_i-3)^2/10=", r"Dividing by $1-H_{ii}$", r"Use $K=5$ or $10$", "refitting five times")


def test_double_descent_inputs_and_formulas():
    qid = "double-descent-random-features"
    mod = figure_module("double_descent_random_features")
    assert_says(qid, r"$\max(0,w_j^\top x_i)/\sqrt p$", r"$\sigma^2\sum_i1/s_i^2$", r"$(1-\sqrt{\min(n,p)/\max(n,p)})^2$",
         r"$1/s_i$ by $s_i/(s_i^2+\lambda)$", f"$n={mod.N_TRAIN}$ points in {mod.DIM} dimensions",
         f"noise standard deviation {mod.NOISE_SD:g}", f"Ridge with $\\lambda={mod.RIDGE:g}$")


def test_benign_inputs_and_formulas():
    qid = "benign-overfitting-linear"
    assert_says(qid, r"$\sigma^2(k^\star/n+n/R_{k^\star})$", r"$k^\star/n\to0$", r"$n/R_{k^\star}\to0$", r"$r_0(\Sigma)=o(n)$",
         r"$\hat\theta=X^\top(XX^\top)^{-1}y$", r"r_k(\Sigma)=\frac{\sum_{i>k}\lambda_i}{\lambda_{k+1}}",
         r"R_k(\Sigma)=\frac{\bigl(\sum_{i>k}\lambda_i\bigr)^2}{\sum_{i>k}\lambda_i^2}",
         r"$\lVert\theta^\star\rVert^2\lambda_1\max\{\sqrt{r_0/n},r_0/n\}$", r"Take $n=100$, five signal directions with $\lambda=1$",
         r"a tail of 2000 directions with $\lambda=1/2000$", r"$\sigma=1$", r"noise of variance 1 exactly",
         r"$\sigma^2(k^\star/n+n/R_5)=", r"the same 2005 parameters", r"$1-100/2005+100/1904=")


def test_implicit_bias_inputs_and_formulas():
    qid = "implicit-bias-max-margin"
    assert_says(qid, "only a KKT point of the margin problem", "is debated", r"at rate $1/\log t$", r"$\ln(1+e^{-m})\approx e^{-m}$", r"$L(w)=\frac1n\sum_i\ln(1+e^{-w^\top z_i})$",
         r"$w^\top z_i>0$", r"a step below $2/\beta$", r"$\hat w=\arg\min\{\lVert w\rVert:w^\top z_i\ge1\ \forall i\}$",
         r"$\alpha_i\ge0$", r"=O\Bigl(\frac1{\log t}\Bigr)", r"which is $1/t$ for support vectors",
         r"$z=(2,0.2),(0.5,1.5),(1.5,1.5),(3,2)$", r"$\hat w=(13/29,15/29)=", r"so step 1 is below $2/\beta$",
         r"with step 1 gives, after $10$, $10^2$, $10^3$ and $10^4$ steps", r"After $10^4$ steps", r"$\lVert\hat w\rVert\ln t=",
         r"$w_t\approx\hat w\log t$", r"grows like $\log t$", r"$\beta=\lambda_{\max}(\frac1n\sum_iz_iz_i^\top)/4=")


def test_online_inputs_and_formulas():
    qid = "online-learning-regret"
    assert_says(qid, r"losses in $[0,1]$", r"$\eta=\sqrt{8\ln N/T}$", r"$\sqrt{(T/2)\ln N}$", r"$O(\sqrt{\ln(1/\delta)/T})$",
         r"$p_{t,i}\propto e^{-\eta L_{t-1,i}}$", r"\le-\eta\langle p_t,\ell_t\rangle+\frac{\eta^2}{8}", r"$W_0=N$",
         r"$\ln N/\eta+\eta T/8$", r"$w_{t+1}=\Pi(w_t-\eta_tg_t)$",
         r"$\lVert w_{t+1}-u\rVert^2\le\lVert w_t-u\rVert^2-2\eta_t\langle g_t,w_t-u\rangle+\eta_t^2G^2$",
         r"$\eta_t=D/(G\sqrt t)$", r"$\frac32DG\sqrt T$", r"$\bar w=\frac1T\sum_tw_t$", r"With $N=1000$ experts and $T=10^4$ rounds",
         r"losses $(\frac12,0)$ and then alternately $(0,1)$ and $(1,0)$", r"about $T$ in total", r"$O(DG\sqrt T)$",
         r"order $\sqrt{T\ln N}$", r"improves to $\log T$")
    # Hoeffding's lemma: ln E exp(-eta X) <= -eta E X + eta^2/8 for X in [0,1]
    for p in (0.1, 0.5, 0.9):
        for eta in (0.1, 1.0, 3.0):
            assert math.log(1 - p + p * math.exp(-eta)) <= -eta * p + eta**2 / 8 + 1e-12
    # the optimised bound
    n_exp, horizon = 1000, 10**4
    eta = math.sqrt(8 * math.log(n_exp) / horizon)
    assert np.isclose(math.log(n_exp) / eta + eta * horizon / 8, math.sqrt(horizon / 2 * math.log(n_exp)))


def test_nn_inputs_and_formulas():
    qid = "nearest-neighbour-consistency"
    assert_says(qid, r"$\mathbb{E}[2\eta(x)(1-\eta(x))]\le2R^\star(1-R^\star)$", r"$k/n\to0$", r"like $n^{-1/d}$", r"$n^{-1/d}$ apart",
         r"$R^\star=\mathbb{E}\min(\eta,1-\eta)$", r"$\Pr(y\ne y')=\eta(x)(1-\eta(x'))+(1-\eta(x))\eta(x')$",
         r"$2\eta(x)(1-\eta(x))=2r(x)(1-r(x))$", r"$r=\min(\eta,1-\eta)$", r"$2r(1-r)$ is concave",
         r"=\mathbb{E}\bigl[2r(x)(1-r(x))\bigr]\le2R^\star(1-R^\star)", r"With $\eta=0.1$ everywhere, $R^\star=0.1$",
         r"$\eta=0.1$ on half the space and $0.4$ on the other half", r"$2R^\star(1-R^\star)=", r"$n^{-1/(d+2)}$",
         r"$2^d$ times more data", r"for $d=10$", "twice the Bayes error")
    # the 1-NN limit of a two-valued eta: mean of 2 eta (1 - eta) over the two halves
    assert np.isclose(np.mean([2 * 0.1 * 0.9, 2 * 0.4 * 0.6]), 0.33)


def assert_says_in(qid: str, name: str, *fragments: str) -> None:
    """Each fragment appears in the named field itself (a formula repeated in both fields is checked in each)."""
    assert_says(qid, *fragments, fields=(name,))


# notation whose constants never change: 1-delta, 1/epsilon, 1/delta, 1-epsilon, [0,1], 2^n, 2^m, 1-NN
NOTATION = [
    (re.compile(r"(?<![\d.\w ])(\d+)-\\delta"), {"1"}),
    (re.compile(r"(?<![\d.\w ])(\d+)-\\varepsilon"), {"1"}),
    (re.compile(r"(?<![\d.\w ])(\d+)/\\varepsilon"), {"1"}),
    (re.compile(r"(?<![\d.\w ])(\d+)/\\delta"), {"1", "2"}),
    (re.compile(r"\[(\d+),(\d+)\]"), {("0", "1")}),
    (re.compile(r"(?<![\d.])(\d+)\^(?:m|n)\b"), {"2"}),
    (re.compile(r"(?<![\d.])(\d+)-NN"), {"1", "5"}),
]


@pytest.mark.parametrize("qid", ids())
def test_notation_constants(qid):
    for name in ("answer", "short_answer"):
        text = field(qid, name)
        for pattern, allowed in NOTATION:
            for found in pattern.findall(text):
                assert found in allowed, (qid, name, pattern.pattern, found)
    text = field(qid, "answer") + field(qid, "short_answer")
    # 2/delta only ever appears as ln(2/delta) or ln(2/(w_k delta)) in two-sided bounds
    for m in re.finditer(r"(\d+)/\\delta", text):
        if m.group(1) == "2":
            assert text[max(0, m.start() - 4):m.start()].endswith("\\ln("), (qid, text[m.start() - 10:m.end()])


def test_repeated_statements_each_checked():
    assert_says("erm-generalisation-gap", "so its gap is 0.5")
    assert_says("pac-finite-class", "form a class of $3^{20}$ hypotheses", "the union over all $3^{20}$ of them",
         r"$0.95^{532}\approx1.4\times10^{" + str(math.floor(math.log10(0.95**532))) + "}$")
    assert_says_in("pac-finite-class", "short_answer", r"$(1-\varepsilon)^n\le e^{-\varepsilon n}$")
    assert_says("realisable-vs-agnostic-rates", r"/(2\cdot0.05^2)=5454.1")
    assert_says("vc-dimension-examples", "produce all $2^m$", "take $0$ and the unit vectors", "any $d+2$ points in",
         "a system of $d+1$ equations in $d+2$ unknowns")
    assert_says_in("vc-dimension-examples", "short_answer", "all $2^m$ labellings", r"$\mathbb{R}^d$: $d+1$",
            "any $d+2$ points split")
    assert_says_in("sauer-shelah-vc-bound", "answer", "collapses from $2^n$")
    assert_says_in("sauer-shelah-vc-bound", "short_answer", "polynomial rather than $2^n$")
    n, k = 100, 1000
    cdf = stats.binom.cdf(np.arange(n + 1), n, 0.5)
    p_min_le = 1 - (1 - cdf) ** k
    median = np.arange(n + 1)[np.searchsorted(p_min_le, 0.5)] / n
    assert_says("uniform-convergence-why", f"(median {median:.2f})", f"is {float(fmt(p_min_le[40], 12)):g} to twelve decimal places")
    assert_says("rademacher-complexity", r"\le\frac Bn\sqrt{\sum_i\lVert x_i\rVert^2}\le\frac{BR}{\sqrt n}")
    for name in ("answer", "short_answer"):
        assert_says_in("margin-bounds-svm", name, r"+\frac{2R}{\gamma\sqrt n}+\sqrt{\frac{\ln(1/\delta)}{2n}}")
        assert_says_in("compression-occam", name, r"$L(h)\le(|h|\ln2+\ln(1/\delta))/n$")
        assert_says_in("benign-overfitting-linear", name, r"$\sigma^2(k^\star/n+n/R_{k^\star})$")
        assert_says_in("online-learning-regret", name, r"$\eta=\sqrt{8\ln N/T}$", r"$\sqrt{(T/2)\ln N}$", "losses in $[0,1]$")
    gamma, n = 0.1, 10**4
    assert_says("margin-bounds-svm", f"The effective dimension is $R^2/\\gamma^2={1 / gamma**2:.0f}$",
         f"at most $R^2/\\gamma^2={1 / gamma**2:.0f}$ mistakes",
         f"$2R/(\\gamma\\sqrt n)+\\sqrt{{\\ln(1/\\delta)/(2n)}}={2 / (gamma * math.sqrt(n)):g}+{math.sqrt(math.log(20) / (2 * n)):.3f}=")
    assert_says("algorithmic-stability", r"$F_S(w)=L_S(w)+\lambda\lVert w\rVert^2$", r"\le(2L/n)\sum_t\alpha_t$ and stability $(2L^2/n)\sum_t\alpha_t$",
         f"$4n\\beta={4 * 10**4 * 2 / (0.01 * 10**4):.0f}$")
    assert_says_in("algorithmic-stability", "short_answer", r"is $(2L^2/n)\sum_t\alpha_t$-stable")
    assert_says("bias-complexity-tradeoff", r"noise variance $\sigma^2$")
    val = (32e6 * math.log(2) + math.log(20)) / 5e4
    assert_says("vacuous-bounds-deep-nets", "test error is 0.9 and the training error 0", f"an error {int(val)} times larger")
    assert_says("compression-occam", r"With $\delta=0.05$, $\ln\binom{10^4}{50}")
    assert_says_in("loo-cross-validation", "answer", "at sample size $n-1$", "at size $n(K-1)/K$")
    assert_says_in("loo-cross-validation", "short_answer", "trained on $n-1$ points", "training size $n(K-1)/K$")
    assert_says("benign-overfitting-linear", r"Let $x\sim\mathcal N(0,\Sigma)$", r"noise variance $\sigma^2$",
         f"$\\sigma^2\\cdot5/94={5 / 94:.3f}$", "learn from 100 points")
    assert_says("implicit-bias-max-margin", "bounded below by 0 and never reaches it",
         f"normalised margin $1/\\lVert\\hat w\\rVert={math.sqrt(29**2 / (13**2 + 15**2)):.3f}$")
    assert_says_in("implicit-bias-max-margin", "short_answer", "decreases towards 0 as")
    assert_says("online-learning-regret", r"\ln\frac{W_t}{W_{t-1}}", r"minimised at $\eta=\sqrt{8\ln N/T}$ with value $\sqrt{(T/2)\ln N}$",
         r"+O(\sqrt{\ln(1/\delta)/T})$ for losses in $[0,1]$",
         f"$\\eta=\\sqrt{{8\\ln N/T}}={math.sqrt(8 * math.log(1000) / 1e4):.4f}$",
         f"$\\sqrt{{(T/2)\\ln N}}={math.sqrt(1e4 / 2 * math.log(1000)):.1f}$")
    wrong = stats.binom.sf(2, 5, 0.1)
    assert_says("nearest-neighbour-consistency", f"probability {wrong:.5f}, so the error tends to ${wrong:.5f}\\cdot0.9+{1 - wrong:.5f}\\cdot0.1",
         r"$\eta(x)=\Pr(y=1\mid x)$", r"R^\star\le\lim_{n\to\infty}R_{1\mathrm{NN}}", r"With $\eta=0.1$ everywhere, $R^\star=0.1$ and 1-NN tends to $2\cdot0.1\cdot0.9=",
         r"$R^\star=0.25$, 1-NN tends to", r"scales like $n^{-1/d}$, so halving", "1-NN guesses by sampling", "1-NN also interpolates")
    assert_says_in("nearest-neighbour-consistency", "short_answer", "so 1-NN predicts", r"about $n^{-1/d}$ apart")


def test_double_descent_sentences():
    qid = "double-descent-random-features"
    c = dd_curves()
    p, mn, rg, smin = c["p"], c["minnorm"], c["ridge"], c["smin"]
    peak = int(np.argmax(mn))
    small = int(np.argmin(np.where(p < 100, mn, np.inf)))
    assert_says(qid, f"falls to {mn[-1]:.3f} at $p={p[-1]}$", f"{smin[small]:.3f} at $p={p[small]}$",
         f"{smin[peak]:.4f} at $p={p[peak]}$", f"{smin[-1]:.3f} at $p={p[-1]}$", f"reaches {rg[-1]:.3f} at $p={p[-1]}$",
         f"at $p={p[small]}$ ({mn[small]:.3f})", f"at $p={p[peak]}$ ({mn[peak]:.3f})")


def test_threshold_caption_formula():
    name = "threshold_bound_gap"
    mod = figure_module(name)
    caption = mod.CAPTION
    assert r"$2\sqrt{2\ln(n+1)/n}+\sqrt{\ln(1/\delta)/(2n)}$" in caption
    assert r"uniform in $[0,1]$" in caption and r"$[x\ge0.3]$" in caption
    for n in (20, 1000):
        expected = 2 * math.sqrt(2 * math.log(n + 1) / n) + math.sqrt(math.log(1 / mod.DELTA) / (2 * n))
        assert np.isclose(mod.bound(n), expected)
    # the growth function of thresholds on n distinct points is n + 1
    xs = np.sort(np.random.default_rng(0).random(12))
    labellings = {tuple((xs >= t).astype(int)) for t in np.r_[xs, 2.0]}
    assert len(labellings) == len(xs) + 1
    assert caption_states(name, "0.1", near="flipped with probability")


def test_numbers_stated_twice_in_a_sentence():
    n, k = 10**4, 50
    log_binom = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    assert_says("compression-occam", f"$\\ln\\binom{{10^4}}{{50}}={log_binom:.1f}$", f"$({log_binom:.1f}+\\ln20)/{n - k}=")
    ln_term = math.log(2 * 3**20 / 0.01)
    assert_says("realisable-vs-agnostic-rates", f"$\\ln(2|\\mathcal H|/\\delta)/(2\\cdot0.05^2)={ln_term / (2 * 0.05**2):.1f}$")
    assert_says("nearest-neighbour-consistency", f"$2\\cdot0.1\\cdot0.9={2 * 0.1 * 0.9:.2f}$, which equals the bound")


def test_benign_power_law_condition():
    qid = "benign-overfitting-linear"
    assert_says(qid, r"$\lambda_k=k^{-\alpha}\ln^{-\beta}(k+1)$", r"only when $\alpha=1$ and $\beta>1$")
    # with alpha = 1 the tail sum diverges only if beta <= 1: for beta > 1 the trace is finite (r_0 finite)
    k = np.arange(1, 2_000_001, dtype=float)
    finite = np.sum(1 / (k * np.log(k + 1) ** 2))
    assert finite < 10
    # for alpha = 1, beta > 1 the effective rank r_k grows like k log k, faster than k: the tail absorbs noise
    lam = 1 / (k * np.log(k + 1) ** 2)
    tail = np.cumsum(lam[::-1])[::-1]
    r = tail[1:] / lam[1:]
    assert r[10_000] / 10_000 > r[100] / 100


def test_caption_details():
    mod = figure_module("threshold_bound_gap")
    assert caption_states("threshold_bound_gap", f"{100 * mod.LEVEL:.0f}", near="percentile")
    dd = figure_module("double_descent_random_features")
    assert r"$\max(0,w_j^\top x)$" in dd.CAPTION
    x = np.array([[1.0, -2.0]])
    w = np.array([[1.0], [1.0]])
    assert np.all(np.maximum(0.0, x @ w) == 0)  # the features are ReLUs of w^T x, zero below 0
