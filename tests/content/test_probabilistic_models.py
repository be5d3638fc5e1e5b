"""Recompute every number stated in the chapter on kernels, Gaussian processes and probabilistic models."""

from __future__ import annotations

import re
from math import comb

import numpy as np
import pytest
import yaml
from scipy import linalg, optimize, stats

from bank import CONTENT, QUESTIONS, caption_states, field, figure_constant, figure_module, fmt, states

CHAPTER = CONTENT / "09-probabilistic-models.yaml"
QIDS = [
    "kernel-trick-feature-maps",
    "positive-definite-kernels-mercer",
    "rkhs-representer-theorem",
    "kernel-ridge-dual",
    "svm-dual-support-vectors",
    "random-features-nystrom",
    "gp-regression-posterior",
    "gp-marginal-likelihood",
    "what-a-kernel-assumes",
]
FIGURES = {
    "random-features-nystrom": "krr_random_features",
    "gp-regression-posterior": "gp_posterior",
}


def rbf(a, b, length=1.0):
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    return np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2 / length**2)


# ----------------------------------------------------------------- structure

def chapter():
    return yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))


def test_chapter_shape():
    data = chapter()
    assert all(qid in QUESTIONS for qid in QIDS)
    assert data["id"] == "probabilistic-models"
    assert data["title"] == "Kernels, Gaussian processes and probabilistic models"
    ids = [q["id"] for q in data["questions"]]
    assert ids == QIDS
    assert sum(q["difficulty"] == "hard" for q in data["questions"]) >= 1
    book = yaml.safe_load((CONTENT / "book.yaml").read_text(encoding="utf-8"))
    assert book["chapters"][-1] == "probabilistic-models"


@pytest.mark.parametrize("qid", QIDS)
def test_question_structure(qid):
    q = QUESTIONS[qid]
    assert q["kind"] == "technical"
    assert q["difficulty"] in {"easy", "medium", "hard"}
    assert len(field(qid, "short_answer").split()) <= 70
    assert 250 <= len(field(qid, "answer").split()) <= 700
    answer = field(qid, "answer")
    parts = [answer.find(t) for t in (r"\textbf{Derivation.}", r"\textbf{Worked example.}", r"\textbf{Practical consequences.}")]
    assert all(p > 0 for p in parts) and parts == sorted(parts), qid
    assert 2 <= len(q["mistakes"]) <= 4 and 2 <= len(q["follow_ups"]) <= 3
    cited = set()
    for text in (answer, field(qid, "short_answer")):
        for group in re.findall(r"\\cite\{([^}]+)\}", text):
            cited |= {k.strip() for k in group.split(",")}
    assert cited <= set(q["references"]), (qid, cited - set(q["references"]))
    all_ids = set(QUESTIONS.keys())
    assert set(q["related"]) <= all_ids
    assert set(re.findall(r"\\qref\{([^}]+)\}", answer)) <= all_ids
    if qid in FIGURES:
        assert FIGURES[qid] in q["figures"]


@pytest.mark.parametrize("name", sorted(set(FIGURES.values())))
def test_caption_length(name):
    assert len(figure_constant(name, "CAPTION").split()) <= 60


# ----------------------------------------------------------------- kernel trick

def test_kernel_trick_polynomial_features():
    qid = "kernel-trick-feature-maps"
    x, z = np.array([1.0, 2.0]), np.array([3.0, -1.0])

    def phi(v):
        r = np.sqrt(2.0)
        return np.array([1, r * v[0], r * v[1], v[0] ** 2, v[1] ** 2, r * v[0] * v[1]])

    k = (x @ z + 1) ** 2
    assert np.isclose(phi(x) @ phi(z), k)
    terms = phi(x) * phi(z)
    assert states(qid, fmt(x @ z, 0), near="x^\\top z=")
    assert states(qid, fmt(k, 0), near="k(x,z)=(1+1)^2")
    parts = "+".join(fmt(t, 0) for t in terms).replace("+-", "-")
    assert parts + "=" + fmt(terms.sum(), 0) in field(qid, "answer")
    assert states(qid, str(len(phi(x))), near="6-dimensional", fields=("short_answer",))
    assert states(qid, str(comb(103, 3)), near="binom{103}{3}")
    n = 10**5
    assert states(qid, fmt(n * n * 8 / 1e9, 0), near="GB in double precision")


# ----------------------------------------------------------------- Mercer

def test_mercer_examples():
    qid = "positive-definite-kernels-mercer"
    K = rbf([0, 1, 2], [0, 1, 2])
    ev = np.linalg.eigvalsh(K)
    for v in ev:
        assert states(qid, fmt(v, 3), near="eigenvalues")
    assert states(qid, fmt(np.exp(-0.5), 3), near="off-diagonal entries")
    assert states(qid, fmt(np.exp(-2), 3), near="off-diagonal entries")
    t = np.tanh(0.5 * 0.5 - 1)
    assert t < 0
    assert states(qid, fmt(t, 3), near="sigmoid")
    assert states(qid, fmt(t, 3), near="tanh(xz-1)", fields=("short_answer",))
    D = np.subtract.outer([0.0, 1.0], [0.0, 1.0]) ** 2
    assert states(qid, fmt(np.linalg.eigvalsh(D).min(), 0), near="squared distance")
    pts = np.array([0.0, 0.6, 1.2])
    box = (np.abs(np.subtract.outer(pts, pts)) < 1).astype(float)
    assert states(qid, fmt(np.linalg.eigvalsh(box).min(), 3), near="box similarity")
    assert np.isclose(np.linalg.eigvalsh(box).min(), 1 - np.sqrt(2))


# ----------------------------------------------------------------- RKHS

def test_rkhs_worked_example():
    qid = "rkhs-representer-theorem"
    alpha = np.array([2.0, 1.0])
    centres = np.array([0.0, 1.0])
    K = rbf(centres, centres)

    def f(x):
        return float(rbf([x], centres)[0] @ alpha)

    assert states(qid, fmt(f(0.0), 3), near="f(0)=")
    assert states(qid, fmt(f(0.5), 3), near="f(0.5)=")
    norm2 = alpha @ K @ alpha
    assert states(qid, fmt(norm2, 3), near="squared norm")
    assert states(qid, fmt(np.sqrt(norm2), 3), near="so $\\lVert f\\rVert")
    grid = np.linspace(-5, 6, 2001)
    assert max(abs(f(g)) for g in grid) <= np.sqrt(norm2)
    assert states(qid, fmt(np.sqrt(norm2), 3), near="every value obeys")


# ----------------------------------------------------------------- kernel ridge

def test_kernel_ridge_worked_example():
    qid = "kernel-ridge-dual"
    x, y, lam = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), 0.1
    slope = x @ y / (x @ x + lam)
    dual = np.outer(x, x)
    alpha_lin = np.linalg.solve(dual + lam * np.eye(3), y)
    assert np.isclose(x @ alpha_lin, slope)
    assert states(qid, fmt(slope, 3), near="primal slope")
    assert f"{fmt(x @ y, 0)}/{fmt(x @ x + lam, 1)}" in field(qid, "answer")
    K = rbf(x, x)
    alpha = np.linalg.solve(K + lam * np.eye(3), y)
    for a in alpha:
        assert states(qid, fmt(a, 3), near="Solving $(K+0.1I)")
    for v in K @ alpha:
        assert states(qid, fmt(v, 3), near="fitted values")
    pred = rbf([1.5], x)[0] @ alpha
    assert states(qid, fmt(pred, 3), near="prediction at $x=1.5$")
    # the same prediction from the primal with explicit features is impossible for the Gaussian
    # kernel, but the GP posterior mean with noise variance lambda must agree
    gp_mean = rbf([1.5], x)[0] @ linalg.cho_solve(linalg.cho_factor(K + lam * np.eye(3)), y)
    assert np.isclose(gp_mean, pred)


# ----------------------------------------------------------------- SVM

def test_svm_dual_worked_example():
    qid = "svm-dual-support-vectors"
    X = np.array([[0, 0], [1, 0], [2, 2], [3, 1]], float)
    y = np.array([-1, -1, 1, 1], float)
    G = (y[:, None] * X) @ (y[:, None] * X).T
    res = optimize.minimize(lambda a: 0.5 * a @ G @ a - a.sum(), np.full(4, 0.1), jac=lambda a: G @ a - 1,
                            bounds=[(0, None)] * 4, constraints=[{"type": "eq", "fun": lambda a: a @ y}],
                            method="SLSQP", options={"ftol": 1e-14, "maxiter": 500})
    alpha = res.x
    np.testing.assert_allclose(alpha, [0, 4 / 9, 2 / 9, 2 / 9], atol=1e-6)
    assert "alpha=(0,4/9,2/9,2/9)" in field(qid, "answer").replace(" ", "")
    w = (alpha * y) @ X
    np.testing.assert_allclose(w, [2 / 3, 2 / 3], atol=1e-6)
    assert "=(2/3,2/3)$" in field(qid, "answer")
    b = y[1] - X[1] @ w
    assert np.isclose(b, -5 / 3, atol=1e-6) and states(qid, "-5/3", near="from the support vector")
    margins = y * (X @ w + b)
    np.testing.assert_allclose(margins, [5 / 3, 1, 1, 1], atol=1e-6)
    assert states(qid, "5/3", near="The margins")
    # primal check by a direct hard-margin QP
    prim = optimize.minimize(lambda v: 0.5 * v[:2] @ v[:2], np.array([1.0, 1.0, -2.0]), method="SLSQP",
                             constraints=[{"type": "ineq", "fun": lambda v: y * (X @ v[:2] + v[2]) - 1}],
                             options={"ftol": 1e-14})
    np.testing.assert_allclose(prim.x, [2 / 3, 2 / 3, -5 / 3], atol=1e-5)
    width = 2 / np.linalg.norm(w)
    assert states(qid, fmt(width, 3), near="margin width")
    assert states(qid, fmt(-res.fun, 3), near="dual optimum")
    assert np.isclose(-res.fun, 0.5 * w @ w)


# ----------------------------------------------------------------- random features

def test_random_feature_variance():
    qid = "random-features-nystrom"
    rng = np.random.default_rng(0)
    D, reps, x = 100, 4000, 0.7
    w = rng.normal(size=(reps, D))
    b = rng.uniform(0, 2 * np.pi, size=(reps, D))
    est = (2.0 / D * np.cos(w * x + b) ** 2).sum(axis=1)
    sd = np.sqrt(1 / (2 * D))
    assert abs(est.mean() - 1) < 0.01 and abs(est.std() - sd) < 0.005
    assert states(qid, fmt(sd, 4), near="standard deviation $\\sqrt{1/(2D)}")
    assert states(qid, str(D), near="standard deviation $\\sqrt{1/(2D)}")
    assert states(qid, str(4 * D), near="halving it needs")


def test_random_features_figure():
    qid = "random-features-nystrom"
    name = "krr_random_features"
    mod = figure_module(name)
    x, y = mod.data()
    assert len(x) == mod.N
    assert caption_states(name, str(mod.N), near="noisy points") and states(qid, str(mod.N), near="noisy points")
    assert caption_states(name, fmt(mod.LENGTH, 1), near="ell=") and caption_states(name, fmt(mod.LAM, 1), near="lambda=")
    for d in mod.SIZES:
        assert caption_states(name, str(d), near="random Fourier features")
    assert states(qid, str(mod.SIZES[0]), near="with 5 features") and states(qid, str(mod.SIZES[-1]), near="with 200")
    assert caption_states(name, str(mod.REPEATS), near="feature draws")
    # the exact fit is the GP posterior mean with noise variance lambda, computed independently
    grid = np.linspace(-3, 3, 7)
    K = rbf(x, x, mod.LENGTH)
    mean = rbf(grid, x, mod.LENGTH) @ linalg.cho_solve(linalg.cho_factor(K + mod.LAM * np.eye(len(x))), y)
    np.testing.assert_allclose(mod.exact_fit(x, y, grid), mean, atol=1e-10)
    # the feature fit approaches the exact one as D grows
    big = np.mean([np.abs(mod.feature_fit(x, y, 1500, s, grid) - mean).max() for s in range(3)])
    assert big < 0.05
    s = mod.slope()
    assert -0.8 < s < -0.4
    assert caption_states(name, fmt(s, 2), near="slope")


# ----------------------------------------------------------------- GP regression

def test_gp_posterior_worked_example():
    qid = "gp-regression-posterior"
    x, y, s2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), 0.1
    # posterior by conditioning a joint Gaussian with the precision matrix (a different route)
    def posterior(xs):
        pts = np.append(x, xs)
        C = rbf(pts, pts) + np.diag([s2, s2, s2, 0.0])
        J = np.linalg.inv(C + 1e-12 * np.eye(4))
        var = 1 / J[3, 3]
        mean = -var * J[3, :3] @ y
        return mean, var

    m, v = posterior(1.5)
    assert states(qid, fmt(m, 3), near="At $x_*=1.5$")
    assert states(qid, fmt(v, 3), near="At $x_*=1.5$")
    assert states(qid, fmt(np.sqrt(v), 3), near="standard deviation of")
    assert states(qid, fmt(v + s2, 3), near="a new observation there")
    m5, v5 = posterior(5.0)
    assert states(qid, fmt(m5, 3), near="At $x_*=5$")
    assert states(qid, fmt(v5, 4), near="At $x_*=5$")


def test_gp_posterior_figure():
    name = "gp_posterior"
    mod = figure_module(name)
    assert "five observations" in figure_constant(name, "CAPTION") and len(mod.X_TRAIN) == 5
    assert caption_states(name, fmt(mod.NOISE_SD, 1), near="noise standard deviation")
    assert caption_states(name, fmt(mod.LENGTH, 0), near="ell=")
    assert np.allclose(mod.Y_TRAIN, np.sin(mod.X_TRAIN))
    mean, cov = mod.posterior()
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    # the band is back to the prior width two length-scales past the last point
    far = mod.GRID >= mod.X_TRAIN.max() + 2 * mod.LENGTH
    assert sd[far].min() > 0.98
    assert "two length-scales past the last point" in figure_constant(name, "CAPTION")
    near = np.isin(np.round(mod.GRID, 6), mod.X_TRAIN)
    assert sd[near].max() < mod.NOISE_SD


# ----------------------------------------------------------------- marginal likelihood

def log_evidence_terms(length, x=np.array([0.0, 1.0, 2.0]), y=np.array([1.0, 3.0, 2.0]), s2=0.1):
    Ky = rbf(x, x, length) + s2 * np.eye(len(x))
    fit = -0.5 * y @ np.linalg.solve(Ky, y)
    cplx = -0.5 * np.linalg.slogdet(Ky)[1]
    total = stats.multivariate_normal(np.zeros(len(x)), Ky).logpdf(y)
    assert np.isclose(total, fit + cplx - len(x) / 2 * np.log(2 * np.pi))
    return fit, cplx, total


def test_marginal_likelihood_worked_example():
    qid = "gp-marginal-likelihood"
    for ell, near in ((0.3, "At $\\ell=0.3$"), (1.0, "At $\\ell=1$"), (3.0, "At $\\ell=3$")):
        fit, cplx, total = log_evidence_terms(ell)
        assert states(qid, fmt(fit, 3), near=near), ell
        assert states(qid, fmt(cplx, 3), near=near) or states(qid, "+" + fmt(cplx, 3), near=near)
        assert states(qid, fmt(total, 3), near=near), ell
    best = optimize.minimize_scalar(lambda l: -log_evidence_terms(l)[2], bounds=(0.1, 5), method="bounded")
    assert states(qid, fmt(best.x, 2), near="grid search")
    assert states(qid, fmt(-best.fun, 3), near="grid search")


def test_marginal_likelihood_gradient_formula():
    x, y, s2, ell = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), 0.1, 0.8
    assert "alpha\\alpha^\\top-K_y^{-1}" in field("gp-marginal-likelihood", "short_answer")
    Ky = rbf(x, x, ell) + s2 * np.eye(3)
    dK = rbf(x, x, ell) * np.subtract.outer(x, x) ** 2 / ell**3
    a = np.linalg.solve(Ky, y)
    grad = 0.5 * np.trace((np.outer(a, a) - np.linalg.inv(Ky)) @ dK)
    h = 1e-6
    num = (log_evidence_terms(ell + h)[2] - log_evidence_terms(ell - h)[2]) / (2 * h)
    assert np.isclose(grad, num, rtol=1e-6)


# ----------------------------------------------------------------- what a kernel assumes

def test_kernel_assumptions_numbers():
    qid = "what-a-kernel-assumes"
    for r in (1, 2, 3):
        assert states(qid, fmt(np.exp(-r**2 / 2), 3), near="the correlation between $f(0)$ and $f(r)$")
    assert states(qid, fmt(np.exp(-0.5), 3), near="length-scale", fields=("short_answer",))
    assert states(qid, fmt(np.exp(-1), 3), near="Matérn-1/2 and the same")
    # Rice's formula checked by simulating Gaussian-kernel sample paths on [0, 10]
    ell, L = 0.5, 10.0
    expected = L / (np.pi * ell)
    assert states(qid, fmt(expected, 2), near="cross zero about")
    grid = np.linspace(0, L, 801)
    C = rbf(grid, grid, ell) + 1e-8 * np.eye(len(grid))
    chol = np.linalg.cholesky(C)
    rng = np.random.default_rng(1)
    paths = chol @ rng.normal(size=(len(grid), 3000))
    crossings = (np.diff(np.sign(paths), axis=0) != 0).sum(axis=0)
    assert abs(crossings.mean() - expected) < 0.15
