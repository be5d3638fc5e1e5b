"""Recompute every number stated in the chapter on kernels, Gaussian processes and probabilistic models."""

from __future__ import annotations

import re
from math import comb

import numpy as np
import pytest
import yaml
from scipy import linalg, optimize, stats

from bank import assert_well_formed, CONTENT, QUESTIONS, caption_states, field, figure_constant, figure_module, figure_source, fmt, states

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
    "em-gaussian-mixture",
    "kmeans-limit-of-em",
    "hmm-forward-backward",
    "metropolis-hastings",
    "gibbs-sampling",
    "hamiltonian-monte-carlo",
    "mean-field-vi",
    "vae-amortised-inference",
    "normalising-flows",
    "score-matching-diffusion",
    "energy-based-models-partition",
    "mmd-kernel-two-sample",
    "mcmc-diagnostics",
]
FIGURES = {
    "random-features-nystrom": "krr_random_features",
    "gp-regression-posterior": "gp_posterior",
    "em-gaussian-mixture": "em_mixture",
    "metropolis-hastings": "mh_trace",
}


def has(qid, fragment, name="answer"):
    """The field states this exact piece of text (used for the inputs of a worked example)."""
    text = field(qid, name)
    return fragment in text


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
    assert ids[: len(QIDS)] == QIDS
    assert sum(q["difficulty"] == "hard" for q in data["questions"]) >= 5
    book = yaml.safe_load((CONTENT / "book.yaml").read_text(encoding="utf-8"))
    assert book["chapters"].index("probabilistic-models") == book["chapters"].index("deep-learning-theory") - 1


@pytest.mark.parametrize("qid", QIDS)
def test_question_structure(qid):
    q = QUESTIONS[qid]
    assert q["kind"] == "technical"
    assert_well_formed(qid)
    answer = field(qid, "answer")
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
    assert has(qid, "$x=(1,2)$ and $z=(3,-1)$") and x.tolist() == [1, 2] and z.tolist() == [3, -1]
    assert has(qid, "$\\phi(x)=(1,\\sqrt2,2\\sqrt2,1,4,2\\sqrt2)$")
    assert has(qid, "$\\phi(z)=(1,3\\sqrt2,-\\sqrt2,9,1,-3\\sqrt2)$")
    terms = phi(x) * phi(z)
    assert states(qid, fmt(x @ z, 0), near="x^\\top z=")
    assert states(qid, fmt(k, 0), near="k(x,z)=(1+1)^2")
    parts = "+".join(fmt(t, 0) for t in terms).replace("+-", "-")
    assert parts + "=" + fmt(terms.sum(), 0) in field(qid, "answer")
    assert states(qid, str(len(phi(x))), near="6-dimensional", fields=("short_answer",))
    d, p = 100, 3
    assert states(qid, str(comb(d + p, p)), near=f"\\binom{{{d + p}}}{{{p}}}")
    assert has(qid, f"For $d={d}$ and $p={p}$") and states(qid, str(d), near="multiplications")
    assert has(qid, "At $n=10^5$ the Gram matrix has $10^{10}$ entries")
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
    point = 0.5
    t = np.tanh(point * point - 1)
    assert t < 0
    assert has(qid, f"at the single point $x={point}$") and has(qid, f"at $x=z={point}$", "short_answer")
    assert has(qid, f"$\\tanh({point * point - 1})")
    assert states(qid, fmt(t, 3), near="sigmoid")
    assert states(qid, fmt(t, 3), near="tanh(xz-1)", fields=("short_answer",))
    D = np.subtract.outer([0.0, 1.0], [0.0, 1.0]) ** 2
    assert states(qid, fmt(np.linalg.eigvalsh(D).min(), 0), near="squared distance")
    pts = np.array([0.0, 0.6, 1.2])
    assert has(qid, f"at 0, {pts[1]:g} and {pts[2]:g} gives")
    assert has(qid, "at the points 0, 1, 2 the Gram")
    box = (np.abs(np.subtract.outer(pts, pts)) < 1).astype(float)
    assert states(qid, fmt(np.linalg.eigvalsh(box).min(), 3), near="box similarity")
    assert np.isclose(np.linalg.eigvalsh(box).min(), 1 - np.sqrt(2))


# ----------------------------------------------------------------- RKHS

def test_rkhs_worked_example():
    qid = "rkhs-representer-theorem"
    alpha = np.array([2.0, 1.0])
    centres = np.array([0.0, 1.0])
    assert has(qid, "$\\ell=1$ and $f=2k(0,\\cdot)+k(1,\\cdot)$")
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
    assert has(qid, f"data $x=(0,1,2)$, $y=(1,3,2)$, $\\lambda={lam}$")
    assert has(qid, f"Solving $(K+{lam}I)")
    assert has(qid, "prediction at $x=1.5$ is $k(1.5)^")
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
    assert has(qid, "negatives $(0,0)$, $(1,0)$ and positives $(2,2)$, $(3,1)$")
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
    from fractions import Fraction as F
    a = [F(0), F(4, 9), F(2, 9), F(2, 9)]
    norm2 = F(8, 9)
    assert 2 / np.sqrt(float(norm2)) == pytest.approx(3 / np.sqrt(2))
    assert has(qid, "$2/\\lVert w\\rVert=3/\\sqrt2")
    assert has(qid, f"$\\sum\\alpha_i-\\tfrac12\\lVert w\\rVert^2={sum(a)}-{norm2 / 2}={sum(a) - norm2 / 2}")
    terms = "+".join(f"\\tfrac{a[i].numerator}{a[i].denominator}{'(-1)' if y[i] < 0 else ''}({X[i, 0]:g},{X[i, 1]:g})"
                     for i in range(1, 4))
    assert has(qid, f"$w={terms}=(2/3,2/3)$")


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
    small = np.mean([np.abs(mod.feature_fit(x, y, 10, s, grid) - mean).max() for s in range(3)])
    big = np.mean([np.abs(mod.feature_fit(x, y, 400, s, grid) - mean).max() for s in range(3)])
    assert big < 0.1 and big < small / 3
    # fitted slopes: steep while D is small, shallower than -1/2 once D passes the number of points
    d = np.array(mod.SWEEP)
    gap = mod.gaps(x, y)
    small = np.polyfit(np.log(d[d <= mod.SMALL]), np.log(gap[d <= mod.SMALL]), 1)[0]
    large = np.polyfit(np.log(d[d >= mod.LARGE]), np.log(gap[d >= mod.LARGE]), 1)[0]
    assert np.isclose(small, mod.slope(high=mod.SMALL)) and np.isclose(large, mod.slope(low=mod.LARGE))
    assert small < -1 and -0.5 < large < -0.3
    assert caption_states(name, fmt(small, 2), near="slope") and caption_states(name, f"D={mod.SMALL}", near="slope")
    assert caption_states(name, fmt(large, 2), near="slope") and caption_states(name, f"D={mod.LARGE}", near="slope")
    assert caption_states(name, "-1/2", near="slope")
    assert states(qid, str(mod.SMALL), near="falls fast until about")


# ----------------------------------------------------------------- GP regression

def test_gp_posterior_worked_example():
    qid = "gp-regression-posterior"
    x, y, s2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), 0.1
    assert has(qid, f"noise variance $\\sigma^2={s2}$, data $x=(0,1,2)$, $y=(1,3,2)$")
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
    cap = figure_constant(name, "CAPTION")
    assert cap.count("$\\pm2$ standard-deviation band") == 2 and "mean - 2 * sd" in figure_source(name)
    assert "$\\ell=1$, signal variance 1)" in cap and mod.LENGTH == 1.0 and np.allclose(np.diag(mod.kernel(mod.GRID, mod.GRID)), 1)
    assert "three prior samples" in cap and "samples(np.zeros_like(GRID), prior_cov, 3, 0)" in figure_source(name)
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
    assert has(qid, "Data $x=(0,1,2)$, $y=(1,3,2)$, Gaussian kernel with signal variance 1 and noise variance 0.1.")
    for ell, near in ((0.3, "At $\\ell=0.3$"), (1.0, "At $\\ell=1$"), (3.0, "At $\\ell=3$")):
        fit, cplx, total = log_evidence_terms(ell)
        assert states(qid, fmt(fit, 3), near=near), ell
        assert states(qid, fmt(cplx, 3), near=near) or states(qid, "+" + fmt(cplx, 3), near=near)
        assert states(qid, fmt(total, 3), near=near), ell
    best = optimize.minimize_scalar(lambda l: -log_evidence_terms(l)[2], bounds=(0.1, 5), method="bounded")
    assert states(qid, fmt(best.x, 2), near="grid search")
    assert states(qid, fmt(-best.fun, 3), near="grid search")



def test_marginal_likelihood_fit_term_alone():
    qid = "gp-marginal-likelihood"
    # the data-fit term by itself peaks at a moderate length-scale, not at zero
    peak = optimize.minimize_scalar(lambda l: -log_evidence_terms(l)[0], bounds=(0.05, 5), method="bounded")
    assert 0.5 < peak.x < 1.5
    assert log_evidence_terms(1.0)[0] > log_evidence_terms(0.3)[0] > log_evidence_terms(1e-3)[0]
    assert states(qid, fmt(peak.x, 2), near="data-fit term alone")
    assert states(qid, fmt(-peak.fun, 3), near="data-fit term alone")
    assert has(qid, "better at $\\ell=1$ than at $\\ell=0.3$")
    # at the evidence optimum the fit falls and the complexity term rises with the length-scale
    best = optimize.minimize_scalar(lambda l: -log_evidence_terms(l)[2], bounds=(0.1, 5), method="bounded").x
    h = 1e-4
    dfit = log_evidence_terms(best + h)[0] - log_evidence_terms(best - h)[0]
    dcplx = log_evidence_terms(best + h)[1] - log_evidence_terms(best - h)[1]
    assert dfit < 0 < dcplx
    assert has(qid, "the complexity term towards longer length-scales and the fit towards shorter ones")
    # the fit term alone is maximised by inflating the signal or the noise variance
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0])
    fits = [-0.5 * y @ np.linalg.solve(a * rbf(x, x) + b * np.eye(3), y) for a, b in ((1, 0.1), (10, 0.1), (1e4, 0.1), (1, 1e4))]
    assert fits[0] < fits[1] < fits[2] < 0 and fits[2] > -1e-2 and fits[3] > -1e-2
    assert states(qid, "0", near="rises towards 0 as the signal or noise variance grows", fields=("mistakes",))


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
    assert has(qid, ", ".join(f"{fmt(np.exp(-r**2 / 2), 3)} at $r={r}$" for r in (1, 2)) + f" and {fmt(np.exp(-4.5), 3)} at $r=3$")
    assert states(qid, fmt(np.exp(-0.5), 3), near="length-scale", fields=("short_answer",))
    assert states(qid, fmt(np.exp(-1), 3), near="Matérn-1/2 and the same")
    # Rice's formula checked by simulating Gaussian-kernel sample paths on [0, 10]
    ell, L = 0.5, 10.0
    expected = L / (np.pi * ell)
    assert has(qid, f"On an interval of length {L:g}, samples with $\\ell={ell}$ cross zero about ${L:g}/({ell}\\pi)")
    assert states(qid, fmt(expected, 2), near="cross zero about")
    grid = np.linspace(0, L, 801)
    C = rbf(grid, grid, ell) + 1e-8 * np.eye(len(grid))
    chol = np.linalg.cholesky(C)
    rng = np.random.default_rng(1)
    paths = chol @ rng.normal(size=(len(grid), 3000))
    crossings = (np.diff(np.sign(paths), axis=0) != 0).sum(axis=0)
    assert abs(crossings.mean() - expected) < 0.15


# ----------------------------------------------------------------- EM

def gmm_step(x, w, mu, sd):
    """One EM step for a 1-D two-component mixture, written from the formulas."""
    dens = np.stack([w[k] * stats.norm.pdf(x, mu[k], sd[k]) for k in range(2)], axis=1)
    r = dens / dens.sum(axis=1, keepdims=True)
    n_k = r.sum(axis=0)
    mu_new = (r * x[:, None]).sum(axis=0) / n_k
    sd_new = np.sqrt((r * (x[:, None] - mu_new) ** 2).sum(axis=0) / n_k)
    return r, n_k, mu_new, sd_new, n_k / len(x)


def gmm_loglik(x, w, mu, sd):
    return float(np.log(sum(w[k] * stats.norm.pdf(x, mu[k], sd[k]) for k in range(2))).sum())


def test_em_worked_example():
    qid = "em-gaussian-mixture"
    x = np.array([-2.0, -1.0, 0.0, 2.0, 3.0])
    w, mu, sd = np.array([0.5, 0.5]), np.array([-1.0, 1.0]), np.array([1.0, 1.0])
    assert has(qid, "data $(-2,-1,0,2,3)$, started at $\\mu=(-1,1)$, unit variances, equal weights")
    lls = [gmm_loglik(x, w, mu, sd)]
    r, n_k, mu, sd, w = gmm_step(x, w, mu, sd)
    for v in r[:, 0]:
        assert states(qid, fmt(v, 3) if fmt(v, 3) != "0.500" else "0.5", near="responsibilities of component 1")
    for v in n_k:
        assert states(qid, fmt(v, 3), near="M-step gives")
    for v in mu:
        assert states(qid, fmt(v, 3), near="M-step gives")
    for v in sd:
        assert states(qid, fmt(v, 3), near="M-step gives")
    for v in w:
        assert states(qid, fmt(v, 3), near="M-step gives")
    lls.append(gmm_loglik(x, w, mu, sd))
    for _ in range(2):
        _, _, mu, sd, w = gmm_step(x, w, mu, sd)
        lls.append(gmm_loglik(x, w, mu, sd))
    assert np.all(np.diff(lls) > 0)
    for v in lls:
        assert states(qid, fmt(v, 3), near="log-likelihood rises")


def test_em_figure():
    name = "em_mixture"
    mod = figure_module(name)
    x = mod.data()
    assert caption_states(name, str(len(x)), near="EM on")
    assert caption_states(name, fmt(mod.TRUE_WEIGHT, 1), near="EM on") and caption_states(name, fmt(mod.TRUE_SDS[0], 1), near="EM on")
    assert caption_states(name, fmt(mod.TRUE_MEANS[1], 1), near="EM on")
    assert caption_states(name, fmt(mod.TRUE_MEANS[0], 0), near="EM on") and mod.TRUE_SDS[1] == 1.0
    assert "0.7\\,\\mathcal{N}(1.5,1)" in figure_constant(name, "CAPTION") and np.isclose(mod.TRUE_WEIGHT, 1 - 0.7)
    assert caption_states(name, fmt(mod.START_MEANS[1], 1), near="started from means")
    for it in mod.SHOWN:
        assert caption_states(name, str(it), near="after 0, 3 and")
    # the module's EM agrees with an independent implementation, and its likelihood never falls
    w, mu, sd = np.array([mod.START_WEIGHT, 1 - mod.START_WEIGHT]), np.array(mod.START_MEANS), np.array(mod.START_SDS)
    history = mod.run(x)
    values = []
    for t in range(mod.ITERATIONS + 1):
        wt, mt, st = history[t]
        np.testing.assert_allclose([wt, *mt, *st], [w[0], *mu, *sd], rtol=1e-9)
        values.append(gmm_loglik(x, w, mu, sd))
        _, _, mu, sd, w = gmm_step(x, w, mu, sd)
    assert np.all(np.diff(values) >= -1e-12)
    assert abs(mu[0] - mod.TRUE_MEANS[0]) < 0.2 and abs(mu[1] - mod.TRUE_MEANS[1]) < 0.2


# ----------------------------------------------------------------- k-means

def test_kmeans_limit_numbers():
    qid = "kmeans-limit-of-em"
    x, centres = 2.0, np.array([1.0, 4.0])
    assert has(qid, "Centres at 1 and 4, and a point at $x=2$")
    for sigma in (1.0, 0.5, 0.1):
        logits = -((x - centres) ** 2) / (2 * sigma**2)
        r = np.exp(logits - logits.max())
        r /= r.sum()
        assert has(qid, f"{fmt(r[0], 3)} at $\\sigma={sigma:g}$") or has(qid, f"{fmt(r[0], 3)} to three decimals at $\\sigma={sigma:g}$"), sigma
    d2 = (x - centres) ** 2
    assert has(qid, f"$1/(1+e^{{-{fmt(d2[1] - d2[0], 0)}/(2\\sigma^2)}})$")
    r1 = 1 / (1 + np.exp(-3 / 2))
    assert states(qid, fmt(1 - r1, 3), near="pulls the far centre")
    # Lloyd's algorithm never increases the within-cluster sum of squares
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(200, 2)) + rng.integers(0, 3, 200)[:, None] * 3
    c = pts[:3].copy()
    prev = np.inf
    for _ in range(20):
        lab = ((pts[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
        J = ((pts - c[lab]) ** 2).sum()
        assert J <= prev + 1e-9
        prev = J
        c = np.array([pts[lab == k].mean(0) if np.any(lab == k) else c[k] for k in range(3)])


# ----------------------------------------------------------------- HMM

def hmm():
    A = np.array([[0.9, 0.1], [0.2, 0.8]])
    B = np.array([[0.8, 0.2], [0.3, 0.7]])
    return np.array([0.5, 0.5]), A, B, [0, 1, 1]


def test_hmm_forward_backward():
    qid = "hmm-forward-backward"
    p0, A, B, obs = hmm()
    T = len(obs)
    assert has(qid, f"$\\pi=({p0[0]:g},{p0[1]:g})$, $A$ with rows $({A[0,0]:g},{A[0,1]:g})$ and $({A[1,0]:g},{A[1,1]:g})$")
    assert has(qid, f"symbol 0 of {B[0,0]:g} in state 1 and {B[1,0]:g} in state 2, and observations $(0,1,1)$")
    assert obs == [0, 1, 1] and np.allclose(B.sum(axis=1), 1)
    # brute force over all paths
    paths = list(np.ndindex(*(2,) * T))
    prob = {}
    for z in paths:
        p = p0[z[0]] * B[z[0], obs[0]]
        for t in range(1, T):
            p *= A[z[t - 1], z[t]] * B[z[t], obs[t]]
        prob[z] = p
    total = sum(prob.values())
    assert states(qid, fmt(total, 4), near="so $p(o)=")
    # forward quantities from their definition p(o_1:t, z_t)
    for t in range(T):
        # alpha_t(j) = p(o_1:t, z_t = j), summed over the paths up to time t
        alpha = []
        for j in range(2):
            acc = 0.0
            for z in np.ndindex(*(2,) * (t + 1)):
                if z[t] != j:
                    continue
                p = p0[z[0]] * B[z[0], obs[0]]
                for s in range(1, t + 1):
                    p *= A[z[s - 1], z[s]] * B[z[s], obs[s]]
                acc += p
            alpha.append(acc)
        digits = 5 if t == T - 1 else 3
        for a in alpha:
            text = fmt(a, digits).rstrip("0") if t < T - 1 else fmt(a, digits)
            assert states(qid, text, near=f"\\alpha_{t + 1}="), (t, text)
    beta2 = A @ B[:, obs[2]]
    beta1 = A @ (B[:, obs[1]] * beta2)
    for b in beta2:
        assert states(qid, fmt(b, 2).rstrip("0"), near="\\beta_2=")
    for b in beta1:
        assert states(qid, fmt(b, 3), near="\\beta_1=")
    smoothed = sum(p for z, p in prob.items() if z[0] == 0) / total
    alpha1 = p0 * B[:, obs[0]]
    assert has(qid, f"${alpha1[0]:g}\\times{fmt(beta1[0], 3)}/{fmt(total, 4)}\\approx")
    assert has(qid, f"${alpha1[0]:g}/{alpha1.sum():g}\\approx")
    assert states(qid, fmt(smoothed, 3), near="smoothed probability of state 1")
    filtered = p0[0] * B[0, obs[0]] / (p0 @ B[:, obs[0]])
    assert states(qid, fmt(filtered, 3), near="filtered probability")
    best = max(prob, key=prob.get)
    assert best == (1, 1, 1) and "Viterbi path is state 2 throughout" in field(qid, "answer")


# ----------------------------------------------------------------- Metropolis-Hastings

def rwm_acceptance(s):
    """Stationary acceptance of random-walk Metropolis on N(0,1) by numerical integration."""
    xs = np.linspace(-8, 8, 801)
    zs = np.linspace(-8, 8, 801)
    X, Z = np.meshgrid(xs, zs, indexing="ij")
    acc = np.minimum(1.0, np.exp(-0.5 * ((X + s * Z) ** 2 - X**2)))
    w = stats.norm.pdf(X) * stats.norm.pdf(Z)
    return float((acc * w).sum() * (xs[1] - xs[0]) * (zs[1] - zs[0]))


def test_mh_worked_example():
    qid = "metropolis-hastings"
    a = stats.norm.pdf(1) / stats.norm.pdf(0)
    assert states(qid, fmt(a, 3), near="is accepted with probability")
    assert states(qid, fmt(stats.norm.pdf(0), 3), near="\\pi(0)\\times0.607")
    assert states(qid, fmt(stats.norm.pdf(0) * a, 3), near="\\pi(0)\\times0.607")
    assert states(qid, fmt(stats.norm.pdf(1), 3), near="\\pi(0)\\times0.607")
    for s in (0.1, 2.4, 20.0):
        closed = 2 / np.pi * np.arctan(2 / s)
        assert abs(closed - rwm_acceptance(s)) < 2e-3
        assert states(qid, fmt(closed, 3), near="stationary acceptance rate")
        assert states(qid, f"{s:g}", near="stationary acceptance rate")
    # Roberts, Gelman and Gilks: efficiency l^2 * 2 Phi(-l/2) is maximal at l = 2.38, acceptance 0.234
    best = optimize.minimize_scalar(lambda l: -l * l * 2 * stats.norm.cdf(-l / 2), bounds=(0.1, 10), method="bounded")
    assert states(qid, fmt(best.x, 2), near="optimal scale")
    assert states(qid, fmt(2 * stats.norm.cdf(-best.x / 2), 3), near="optimal scale")
    assert states(qid, fmt(2 * stats.norm.cdf(-best.x / 2), 3), near="Tune the scale", fields=("short_answer",))
    assert has(qid, f"$\\pi(1)={fmt(stats.norm.pdf(1), 3)}$ times 1")
    assert has(qid, "From $x=0$ a proposal $x'=1$ is accepted")


def test_mh_figure():
    name = "mh_trace"
    mod = figure_module(name)
    for s in mod.SCALES:
        closed = 2 / np.pi * np.arctan(2 / s)
        assert caption_states(name, fmt(closed, 3), near="stationary acceptance rates")
        assert caption_states(name, f"{s:g}", near="proposals of standard deviation")
        _, measured = mod.chain(s)
        assert abs(measured - closed) < 0.01
        assert caption_states(name, fmt(measured, 3), near="the chains measure")
    assert caption_states(name, str(mod.SHOWN), near="first") and caption_states(name, str(mod.STEPS), near="steps")
    # autocorrelation of the module agrees with numpy's
    x, _ = mod.chain(2.4, steps=3000)
    c = x - x.mean()
    full = np.correlate(c, c, mode="full")[len(c) - 1:] / (c @ c)
    np.testing.assert_allclose(mod.autocorrelation(x, 10), full[:11])


# ----------------------------------------------------------------- Gibbs

def test_gibbs_correlated_gaussian():
    qid = "gibbs-sampling"
    rho = 0.99
    assert has(qid, f"At $\\rho={rho}$ the conditional") and has(qid, f"at $\\rho={rho}$ that is", "short_answer")
    assert states(qid, fmt(np.sqrt(1 - rho**2), 3), near="conditional standard deviation")
    assert states(qid, fmt(np.sqrt(1 - rho**2), 2), near="each step moves about")
    assert states(qid, fmt(rho**2, 4), near="lag-1 autocorrelation")
    eff = (1 - rho**2) / (1 + rho**2)
    assert states(qid, fmt(eff, 5), near="efficiency")
    assert states(qid, fmt(10000 * eff, 0), near="10000 sweeps")
    assert has(qid, f"{10000} sweeps are worth about {fmt(10000 * eff, 0)} independent draws")
    assert states(qid, fmt(rho**2, 4), near="at $\\rho=0.99$", fields=("short_answer",))
    assert states(qid, fmt(10000 * eff, 0), near="10000 sweeps", fields=("short_answer",))
    # simulate the sampler itself and measure the lag-1 autocorrelation of x
    rng = np.random.default_rng(0)
    n, sd = 200000, np.sqrt(1 - rho**2)
    xs = np.empty(n)
    x = y = 0.0
    e1, e2 = rng.normal(size=n), rng.normal(size=n)
    for t in range(n):
        x = rho * y + sd * e1[t]
        y = rho * x + sd * e2[t]
        xs[t] = x
    xs = xs[1000:]
    c = xs - xs.mean()
    assert abs((c[:-1] @ c[1:]) / (c @ c) - rho**2) < 0.005


# ----------------------------------------------------------------- HMC

def test_hmc_leapfrog_example():
    qid = "hamiltonian-monte-carlo"
    q, p, eps, steps = 1.0, 0.0, 0.5, 3
    assert has(qid, f"start at $q={q:g}$, $p={p:g}$") and has(qid, f"take $L={steps}$ steps of $\\varepsilon={eps}$")
    assert has(qid, f"exact flow for time {steps * eps:g} ends at $(\\cos{steps * eps:g},-\\sin{steps * eps:g})")
    # Beskos et al.: efficiency sqrt(u) * 2 Phi(-u) is maximal at acceptance 0.651
    best = optimize.minimize_scalar(lambda u: -np.sqrt(u) * stats.norm.cdf(-u), bounds=(0.01, 5), method="bounded")
    assert states(qid, fmt(2 * stats.norm.cdf(-best.x), 3), near="optimal acceptance rate")
    H0 = 0.5 * q * q + 0.5 * p * p
    assert has(qid, f"so $H={H0:g}$")
    for step in range(3):
        p -= eps / 2 * q
        q += eps * p
        p -= eps / 2 * q
        assert states(qid, f"({fmt(q, 3)},{fmt(p, 3)})", near="The states are"), step
        assert states(qid, fmt(0.5 * q * q + 0.5 * p * p, 4), near="with $H$ equal to"), step
    assert states(qid, f"({fmt(np.cos(1.5), 3)},{fmt(-np.sin(1.5), 3)})", near="exact flow")
    dH = 0.5 * q * q + 0.5 * p * p - H0
    assert states(qid, fmt(dH, 3), near="energy error is")
    assert min(1, np.exp(-dH)) == 1
    # leapfrog on the harmonic oscillator: trace 2 - eps^2, stable only for eps < 2
    for e in (1.9, 2.1):
        M = np.array([[1 - e**2 / 2, e], [-e * (1 - e**2 / 4), 1 - e**2 / 2]])
        # M is the one-step leapfrog map for U = q^2/2: check it against the integrator itself
        for q0, p0 in ((1.0, 0.0), (0.0, 1.0)):
            ph = p0 - e / 2 * q0
            q1 = q0 + e * ph
            np.testing.assert_allclose(M @ [q0, p0], [q1, ph - e / 2 * q1])
        assert np.isclose(np.trace(M), 2 - e**2) and np.isclose(np.linalg.det(M), 1)
        growth = np.abs(np.linalg.eigvals(M)).max()
        assert (growth > 1 + 1e-9) == (e > 2)
    assert states(qid, "2", near="stable only for")


# ----------------------------------------------------------------- mean-field VI

def test_mean_field_gaussian():
    qid = "mean-field-vi"
    rho = 0.9
    assert has(qid, f"correlation $\\rho={rho}$ has") and has(qid, f"at correlation {rho} that is", "short_answer")
    Sigma = np.array([[1, rho], [rho, 1]])
    Lam = np.linalg.inv(Sigma)
    assert states(qid, fmt(Lam[0, 0], 3), near="Lambda_{11}=")
    # CAVI iterations from a poor start converge to mean 0 with variances 1/Lambda_jj
    m = np.array([3.0, -2.0])
    for _ in range(500):
        for j in range(2):
            k = 1 - j
            m[j] = -Lam[j, k] * m[k] / Lam[j, j]
    assert np.allclose(m, 0, atol=1e-9)
    v = 1 / np.diag(Lam)
    assert states(qid, fmt(v[0], 2), near="variance $1-\\rho^2=")
    assert states(qid, fmt(v[0], 2), near="correlation 0.9", fields=("short_answer",))
    assert states(qid, fmt(np.sqrt(v[0]), 3), near="standard deviation of")
    S = np.diag(v)
    kl = 0.5 * (np.trace(Lam @ S) - 2 + np.log(np.linalg.det(Sigma) / np.linalg.det(S)))
    mi = -0.5 * np.log(1 - rho**2)
    assert np.isclose(kl, mi)
    assert states(qid, fmt(kl, 3), near="remaining KL")
    # no other diagonal Gaussian does better on the reverse KL
    def rkl(s):
        Sd = np.diag(np.exp(s))
        return 0.5 * (np.trace(Lam @ Sd) - 2 + np.log(np.linalg.det(Sigma) / np.linalg.det(Sd)))
    best = optimize.minimize(rkl, np.zeros(2))
    np.testing.assert_allclose(np.exp(best.x), v, rtol=1e-4)


# ----------------------------------------------------------------- VAE

def gauss_kl(m1, v1, m2, v2):
    return 0.5 * (v1 / v2 + (m1 - m2) ** 2 / v2 - 1 - np.log(v1 / v2))


def elbo(x, m, v):
    """E_q[log N(x; z, 1)] - KL(q || N(0,1)) for q = N(m, v)."""
    recon = -0.5 * np.log(2 * np.pi) - 0.5 * ((x - m) ** 2 + v)
    return recon - gauss_kl(m, v, 0.0, 1.0)


def test_vae_worked_example():
    qid = "vae-amortised-inference"
    x = 2.0
    assert has(qid, "At $x=2$, $\\log p(x)=")
    assert has(qid, "With $q=\\mathcal{N}(1,0.5)$ (the exact posterior)")
    assert has(qid, "outputs $q=\\mathcal{N}(1,0.25)$ loses $\\mathrm{KL}(\\mathcal{N}(1,0.25)\\,\\|\\,\\mathcal{N}(1,0.5))=\\tfrac12(0.5-1-\\log0.5)")
    assert has(qid, "for a code $\\mathcal{N}(1,0.25)$ is $\\tfrac12(0.25+1-1-\\log0.25)")
    logp = stats.norm(0, np.sqrt(2)).logpdf(x)
    assert states(qid, fmt(logp, 3), near="At $x=2$")
    assert np.isclose(elbo(x, 1.0, 0.5), logp)
    assert states(qid, fmt(elbo(x, 1.0, 0.5), 3), near="the ELBO equals")
    gap = logp - elbo(x, 1.0, 0.25)
    assert np.isclose(gap, gauss_kl(1.0, 0.25, 1.0, 0.5))
    assert states(qid, fmt(gap, 3), near="amortisation gap")
    assert states(qid, fmt(gauss_kl(1.0, 0.25, 0.0, 1.0), 3), near="The regulariser alone")
    # the reparameterised Monte Carlo estimate agrees with the closed form
    rng = np.random.default_rng(0)
    z = 1.0 + 0.5 * rng.normal(size=400000)
    mc = np.mean(stats.norm(z, 1).logpdf(x) + stats.norm(0, 1).logpdf(z) - stats.norm(1.0, 0.5).logpdf(z))
    assert abs(mc - elbo(x, 1.0, 0.25)) < 0.01


# ----------------------------------------------------------------- flows

def test_flow_examples():
    qid = "normalising-flows"
    # 1-D affine flow: density by simulation-free change of variables, checked against the known N(1, 4)
    d = stats.norm(1, 2).pdf(3)
    assert states(qid, fmt(d, 3), near="p_X(3)=")
    assert states(qid, fmt(np.log(d), 3), near="p_X(3)=")
    # coupling layer
    assert has(qid, "$z\\sim\\mathcal{N}(0,1)$ and $x=2z+1$. At $x=3$, $z=1$")
    z = np.array([1.0, -1.0])
    s, t = 0.5 * z[0], z[0]
    assert has(qid, "with $s(z_a)=0.5z_a$ and $t(z_a)=z_a$. The latent point $z=(1,-1)$ maps to $x=(1,-e^{0.5}+1)")
    assert has(qid, f"log-determinant $s(1)={s}$. Then $\\log p_X(x)=\\log\\mathcal{{N}}(z;0,I)-{s}=-\\log(2\\pi)-1-{s}\\approx")
    x = np.array([z[0], z[1] * np.exp(s) + t])
    assert states(qid, fmt(x[1], 3), near="maps to")
    assert has(qid, f"+1)\\approx({x[0]:g},{fmt(x[1], 3)})$")
    J = np.array([[1, 0], [0.5 * z[1] * np.exp(s) + 1, np.exp(s)]])  # d x / d z
    assert np.isclose(np.log(abs(np.linalg.det(J))), s)
    assert states(qid, fmt(s, 1), near="log-determinant")
    logp = stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z) - np.log(abs(np.linalg.det(J)))
    assert states(qid, fmt(logp, 3), near="Then $\\log p_X(x)")
    # the inverse needs no inversion of s or t
    zb = np.array([x[0], (x[1] - x[0]) * np.exp(-0.5 * x[0])])
    assert np.allclose(zb, z)


# ----------------------------------------------------------------- score matching

def test_score_and_tweedie():
    qid = "score-matching-diffusion"
    mu0, sigma, xt = 2.0, 1.0, 4.0
    assert has(qid, "Let $x\\sim\\mathcal{N}(2,1)$ and $\\sigma=1$, so $p_\\sigma=\\mathcal{N}(2,2)$. At $\\tilde x=4$")
    assert has(qid, "$\\mathbb{E}[x\\mid\\tilde x=4]=4+1\\times(-1)=3$")
    var_noised = 1 + sigma**2
    score = -(xt - mu0) / var_noised
    assert states(qid, fmt(score, 0), near="noised score is")
    post_mean = (mu0 / 1 + xt / sigma**2) / (1 / 1 + 1 / sigma**2)
    assert np.isclose(xt + sigma**2 * score, post_mean)
    assert states(qid, fmt(post_mean, 0), near="Tweedie gives")
    # denoising score matching, simulated: regress the target -(x~ - x)/sigma^2 on x~ (linear in x~)
    rng = np.random.default_rng(0)
    x0 = rng.normal(mu0, 1, 400000)
    noisy = x0 + sigma * rng.normal(size=x0.size)
    target = -(noisy - x0) / sigma**2
    slope, intercept = np.polyfit(noisy, target, 1)
    assert abs(slope * xt + intercept - score) < 0.02
    # Hyvarinen's objective for s(x) = -(x - m)/v on the data (0,1,2,5)
    data = np.array([0.0, 1.0, 2.0, 5.0])
    assert has(qid, "objective on data $(0,1,2,5)$")

    def J(p):
        m, logv = p
        v = np.exp(logv)
        return np.mean(0.5 * (data - m) ** 2 / v**2 - 1 / v)

    res = optimize.minimize(J, [0.0, 0.0])
    m, v = res.x[0], np.exp(res.x[1])
    assert states(qid, fmt(m, 0), near="Hyvärinen's objective on data") and states(qid, fmt(v, 1), near="Hyvärinen's objective on data")
    assert np.isclose(m, data.mean(), atol=1e-4) and np.isclose(v, data.var(), atol=1e-3)


# ----------------------------------------------------------------- EBM

def test_ebm_moment_matching():
    qid = "energy-based-models-partition"
    xs = np.arange(3)
    xbar = 0.5
    assert has(qid, f"data with mean $\\bar x={xbar}$") and has(qid, f"Setting $\\mathbb{{E}}_\\theta[x]={xbar}$")

    def mean(theta):
        w = np.exp(-theta * xs)
        return (xs * w).sum() / w.sum()

    def avg_loglik(theta):
        return -theta * xbar - np.log(np.exp(-theta * xs).sum())

    grad0 = (avg_loglik(1e-6) - avg_loglik(-1e-6)) / 2e-6
    assert np.isclose(grad0, mean(0) - xbar)
    assert states(qid, fmt(grad0, 1), near="so the gradient is")
    theta = optimize.brentq(lambda t: mean(t) - xbar, -5, 5)
    u = np.exp(-theta)
    assert np.isclose(3 * u**2 + u - 1, 0)
    assert states(qid, fmt(u, 3), near="3u^2+u-1=0") and states(qid, fmt(theta, 3), near="3u^2+u-1=0")
    assert states(qid, fmt(np.log(np.exp(-theta * xs).sum()), 3), near="where $\\log Z")
    best = optimize.minimize_scalar(lambda t: -avg_loglik(t), bounds=(-5, 5), method="bounded")
    assert np.isclose(best.x, theta, atol=1e-4)
    assert states(qid, str(32 * 32), near="binary image")
    assert has(qid, f"for a $32\\times32$ binary image it would be a sum of $2^{{{32 * 32}}}$")
    assert has(qid, f"$Z$ is a sum of {len(xs)} terms") is False and has(qid, "$Z$ is a sum of three terms")


# ----------------------------------------------------------------- MMD

def mmd2_closed(delta, ell=1.0):
    """MMD^2 between N(0,1) and N(delta,1) with a Gaussian kernel, by 1-D quadrature of each term."""
    def mean_k(shift):
        # E exp(-(D)^2 / 2 ell^2) with D ~ N(shift, 2)
        d = np.linspace(shift - 12, shift + 12, 20001)
        return float(np.sum(np.exp(-d**2 / (2 * ell**2)) * stats.norm(shift, np.sqrt(2)).pdf(d)) * (d[1] - d[0]))
    return mean_k(0.0) + mean_k(0.0) - 2 * mean_k(-delta)


def test_mmd_worked_example():
    qid = "mmd-kernel-two-sample"
    for delta, near in ((1.0, "For $\\delta=1$"), (0.5, "for $\\delta=0.5$"), (2.0, "for $\\delta=2$")):
        closed = 2 * np.sqrt(1 / 3) * (1 - np.exp(-delta**2 / 6))
        assert np.isclose(closed, mmd2_closed(delta), atol=1e-8)
        assert states(qid, fmt(closed, 3), near=near), delta
    assert states(qid, fmt(np.sqrt(1 / 3), 3), near="For $\\delta=1$")
    assert has(qid, "Let $P=\\mathcal{N}(0,1)$, $Q=\\mathcal{N}(\\delta,1)$ and the Gaussian kernel with $\\ell=1$.")
    assert has(qid, f"$2\\times{fmt(np.sqrt(1 / 3), 3)}\\times(1-{fmt(np.exp(-1 / 6), 3)})\\approx")
    assert states(qid, fmt(np.exp(-1 / 6), 3), near="For $\\delta=1$")
    # the unbiased U-statistic from samples agrees with the closed form
    rng = np.random.default_rng(0)
    n = 1500
    x, y = rng.normal(size=n), rng.normal(1.0, 1.0, size=n)
    kxx, kyy, kxy = rbf(x, x), rbf(y, y), rbf(x, y)
    u = ((kxx.sum() - n) + (kyy.sum() - n)) / (n * (n - 1)) - 2 * kxy.mean()
    assert abs(u - mmd2_closed(1.0)) < 0.02
    assert states(qid, "2\\sqrt{1/3}", near="saturates")


# ----------------------------------------------------------------- MCMC diagnostics

def test_mcmc_diagnostics_numbers():
    qid = "mcmc-diagnostics"
    phi, n = 0.9, 10000
    assert has(qid, f"AR(1) with $\\phi={phi}$ has $\\tau={1 + phi:g}/{1 - phi:.1f}=") and has(qid, f"so {n} draws give")
    tau = 1 + 2 * sum(phi**k for k in range(1, 2000))
    assert states(qid, fmt(tau, 0), near="tau=1.9/0.1")
    ess = n / tau
    assert states(qid, fmt(ess, 0), near="effective sample size of about")
    assert states(qid, fmt(1 / np.sqrt(ess), 4), near="Monte Carlo standard error")
    assert states(qid, fmt(1 / np.sqrt(n), 2), near="Monte Carlo standard error")
    # simulate the AR(1) chain: the variance of its mean matches tau / n
    rng = np.random.default_rng(0)
    reps = 400
    e = rng.normal(size=(reps, n)) * np.sqrt(1 - phi**2)
    xs = np.empty((reps, n))
    xs[:, 0] = rng.normal(size=reps)
    for t in range(1, n):
        xs[:, t] = phi * xs[:, t - 1] + e[:, t]
    assert abs(xs.mean(axis=1).std() / (1 / np.sqrt(ess)) - 1) < 0.1
    # R-hat for two stuck chains
    m_len = 1000
    means = np.array([-1.0, 1.0])
    W = 1.0
    B = m_len * means.var(ddof=1)
    V = (m_len - 1) / m_len * W + B / m_len
    assert states(qid, fmt(means.var(ddof=1), 0), near="variance of the two chain means")
    assert states(qid, fmt(V, 3), near="variance of the two chain means")
    assert states(qid, fmt((m_len - 1) / m_len, 3), near="variance of the two chain means")
    assert states(qid, fmt(np.sqrt(V / W), 3), near="variance of the two chain means")
    assert has(qid, f"$\\hat V={fmt((m_len - 1) / m_len, 3)}\\times1+{fmt(means.var(ddof=1), 0)}={fmt(V, 3)}$")
    assert has(qid, f"two chains of {m_len} draws")
    # Vehtari et al. (2021) recommend 1.01 as the threshold, replacing the older 1.1
    assert states(qid, "1.01", near="modern threshold", fields=("mistakes",))
    assert states(qid, "1.1", near="as proof of convergence", fields=("mistakes",))
    assert states(qid, "1.01", near="values near 1", fields=("short_answer",))
    # and from simulated chains of that kind
    chains = rng.normal(size=(2, m_len)) + means[:, None]
    Wsim = chains.var(axis=1, ddof=1).mean()
    Bsim = m_len * chains.mean(axis=1).var(ddof=1)
    rhat = np.sqrt(((m_len - 1) / m_len * Wsim + Bsim / m_len) / Wsim)
    assert abs(rhat - np.sqrt(V / W)) < 0.15


# ----------------------------------------------------------------- every stated input and intermediate, in place
# Each worked example is checked piece by piece: the pieces are built from the inputs and the
# computed values, so changing any digit of the stated example breaks one of them.

def sq2(c):
    """c times the square root of 2, as the text writes it."""
    return {1: "\\sqrt2", -1: "-\\sqrt2"}.get(int(c), f"{c:g}\\sqrt2")


def test_kernel_trick_pieces():
    qid = "kernel-trick-feature-maps"
    x, z = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    k = (x @ z + 1) ** 2
    assert has(qid, f"Then $x^\\top z={x @ z:g}$ and $k(x,z)=({x @ z:g}+1)^2={k:g}$.")
    for v in (x, z):
        phi = f"(1,{sq2(v[0])},{sq2(v[1])},{v[0] ** 2:g},{v[1] ** 2:g},{sq2(v[0] * v[1])})"
        assert has(qid, phi)
    d = 100
    assert has(qid, f"costs about {d} multiplications")


def test_mercer_pieces():
    qid = "positive-definite-kernels-mercer"
    pts = [0, 1, 2]
    assert has(qid, f"($\\ell=1$) at the points {pts[0]}, {pts[1]}, {pts[2]} the Gram matrix has off-diagonal entries "
                    f"$e^{{-1/2}}\\approx{fmt(np.exp(-1 / 2), 3)}$ and $e^{{-{(pts[2] - pts[0]) ** 2 // 2}}}\\approx{fmt(np.exp(-2), 3)}$")
    point = 0.5
    assert has(qid, f"a $1\\times1$ Gram matrix $\\tanh({point * point - 1:g})\\approx{fmt(np.tanh(point * point - 1), 3)}$")
    D = np.subtract.outer([0, 1], [0, 1]) ** 2
    mat = "\\\\".join("&".join(str(int(v)) for v in row) for row in D)
    assert has(qid, f"at the points 0 and 1 gives $\\begin{{pmatrix}}{mat}\\end{{pmatrix}}$ with eigenvalue ${fmt(np.linalg.eigvalsh(D).min(), 0)}$")
    p = np.array([0.0, 0.6, 1.2])
    box = (np.abs(np.subtract.outer(p, p)) < 1).astype(int)
    rows = ", ".join("$(" + ",".join(map(str, r)) + ")$" for r in box)
    lo = np.linalg.eigvalsh(box).min()
    assert np.isclose(lo, 1 - np.sqrt(2))
    assert has(qid, f"rows {rows}, whose smallest eigenvalue is $1-\\sqrt2\\approx{fmt(lo, 3)}$")
    shift, width = -1, 1
    assert np.isclose(point * point + shift, -0.75)
    assert has(qid, f"The sigmoid ``kernel'' $\\tanh(xz{shift})$ gives") and has(qid, f"$\\tanh(xz{shift})$ fails", "short_answer")
    assert has(qid, f"box similarity $\\mathbb{{1}}\\{{|x-z|<{width}\\}}$ at 0,")


def test_rkhs_pieces():
    qid = "rkhs-representer-theorem"
    a = np.array([2.0, 1.0])
    f0 = a[0] + a[1] * np.exp(-0.5)
    f_half = a.sum() * np.exp(-0.25 / 2)
    assert has(qid, f"$f={a[0]:g}k(0,\\cdot)+k(1,\\cdot)$")
    assert has(qid, f"$f(0)={a[0]:g}+e^{{-1/2}}\\approx{fmt(f0, 3)}$ and $f(0.5)={a.sum():g}e^{{-1/8}}\\approx{fmt(f_half, 3)}$")
    norm2 = a[0] ** 2 + a[1] ** 2 + 2 * a[0] * a[1] * np.exp(-0.5)
    assert has(qid, f"$\\alpha^\\top K\\alpha={a[0] ** 2:g}+{a[1] ** 2:g}+{2 * a[0] * a[1]:g}e^{{-1/2}}\\approx{fmt(norm2, 3)}$")
    assert has(qid, f"$|f(x)|\\le{fmt(np.sqrt(norm2), 3)}$ because $k(x,x)=1$")
    assert has(qid, "orthogonal to both $k(0,\\cdot)$ and $k(1,\\cdot)$ leaves $f(0)$ and $f(1)$ unchanged")


def test_kernel_ridge_pieces():
    qid = "kernel-ridge-dual"
    x, y, lam = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), 0.1
    slope = x @ y / (x @ x + lam)
    assert has(qid, f"={x @ y:g}/{x @ x + lam:g}\\approx{fmt(slope, 3)}$")
    K = rbf(x, x)
    alpha = np.linalg.solve(K + lam * np.eye(3), y)
    tup = lambda v: "(" + ",".join(fmt(t, 3) for t in v) + ")"
    ints = lambda v: "(" + ",".join(f"{t:g}" for t in v) + ")"
    assert has(qid, f"Now use the Gaussian kernel with $\\ell=1$ on the same data. Solving $(K+{lam:g}I)\\alpha=y$ gives "
                    f"$\\alpha\\approx{tup(alpha)}$, fitted values ${tup(K @ alpha)}$, shrunk towards 0 from ${ints(y)}$")
    assert has(qid, f"data $x={ints(x)}$, $y={ints(y)}$")


def test_svm_pieces():
    qid = "svm-dual-support-vectors"
    from fractions import Fraction as F
    X = [(0, 0), (1, 0), (2, 2), (3, 1)]
    y = [-1, -1, 1, 1]
    w = (F(2, 3), F(2, 3))
    b = y[1] - (w[0] * X[1][0] + w[1] * X[1][1])
    margins = [yi * (w[0] * xi[0] + w[1] * xi[1] + b) for xi, yi in zip(X, y)]
    assert margins[1:] == [1, 1, 1]
    assert has(qid, f"$b={b}$ from the support vector $(1,0)$")
    assert has(qid, f"The margins $y_if(x_i)$ are ${margins[0]}$ for $(0,0)$ and 1 for the other three, the three support vectors.")
    assert has(qid, "Moving $(0,0)$ further away changes nothing.")
    assert has(qid, "Hard margin ($C=\\infty$)")


def test_random_features_pieces():
    qid = "random-features-nystrom"
    D = 100
    assert has(qid, f"Each cosine has mean 0 and variance $1/2$, so with $D={D}$ features")
    assert has(qid, f"standard deviation $\\sqrt{{1/(2D)}}\\approx{fmt(np.sqrt(1 / (2 * D)), 4)}$, and halving it needs $D={4 * D}$")
    assert has(qid, "At $x=z$ the Gaussian kernel is 1, and the random-feature estimate is $1+\\frac1D\\sum_j\\cos(2w_j^\\top x+2b_j)$")
    assert has(qid, "then a little more slowly than the $D^{-1/2}$ of the kernel estimate itself over the range shown")
    mod = figure_module("krr_random_features")
    assert has(qid, f"to {mod.N} noisy points with exact and approximate kernels: with {mod.SIZES[0]} features the fit misses the shape, with {mod.SIZES[-1]} it nearly")


def test_gp_pieces():
    qid = "gp-regression-posterior"
    assert has(qid, "Gaussian kernel with $\\ell=1$, signal variance 1, noise variance")
    assert has(qid, "At $x_*=1.5$, between two points, the posterior mean is")
    assert has(qid, "At $x_*=5$, three length-scales beyond the last point")
    assert has(qid, "back near the prior mean of 0, and the variance is") and has(qid, "back near the prior variance of 1.")
    qid = "gp-marginal-likelihood"
    for ell in (0.3, 1.0, 3.0):
        fit, cplx, total = log_evidence_terms(ell)
        sign = "+" if cplx > 0 else "-"
        assert has(qid, f"At $\\ell={ell:g}$"), ell
        assert has(qid, f"{sign}{fmt(abs(cplx), 3)}"), ell
    assert has(qid, "(including $-\\tfrac32\\log2\\pi$)")


def test_kernel_assumption_pieces():
    qid = "what-a-kernel-assumes"
    assert has(qid, "With a Gaussian kernel and $\\ell=1$, the correlation between")
    assert has(qid, f"the correlation at $r=1$ is $e^{{-1}}\\approx{fmt(np.exp(-1), 3)}$")
    assert has(qid, "beyond about three length-scales the data say nothing")
    for r in (1, 2, 3):
        assert has(qid, f"{fmt(np.exp(-r**2 / 2), 3)} at $r={r}$")
    assert has(qid, "between $f(0)$ and $f(r)$ is") and has(qid, "With Matérn-1/2 and the same $\\ell$")
    # exp(-|r|) has slope -1 at 0+, while exp(-r^2/2) has slope 0: linear against quadratic decay near r = 0
    h = 1e-6
    assert np.isclose((np.exp(-h) - 1) / h, -1, atol=1e-5) and abs((np.exp(-h**2 / 2) - 1) / h) < 1e-5
    assert has(qid, "it drops linearly, not quadratically, near 0,")
    assert has(qid, "On an interval of length 10, samples with $\\ell=0.5$ cross zero about $10/(0.5\\pi)\\approx")


def test_em_pieces():
    qid = "em-gaussian-mixture"
    x = np.array([-2.0, -1.0, 0.0, 2.0, 3.0])
    r, *_ = gmm_step(x, np.array([0.5, 0.5]), np.array([-1.0, 1.0]), np.array([1.0, 1.0]))
    assert np.isclose(r[2, 0], 0.5) and has(qid, f"the point {x[2]:g} is split evenly by symmetry")
    assert has(qid, "The figure runs the same algorithm on 400 points") and figure_module("em_mixture").N == 400


def test_kmeans_pieces():
    qid = "kmeans-limit-of-em"
    x, c = 2.0, np.array([1.0, 4.0])
    d2 = (x - c) ** 2
    assert has(qid, f"Centres at {c[0]:g} and {c[1]:g}, and a point at $x={x:g}$, at squared distances {d2[0]:g} and {d2[1]:g}.")
    r = 1 / (1 + np.exp(-(d2[1] - d2[0]) / 2))
    assert has(qid, f"At $\\sigma=1$ the point still pulls the far centre with weight {fmt(1 - r, 3)}")


def test_hmm_pieces():
    qid = "hmm-forward-backward"
    p0, A, B, obs = hmm()
    alphas = [p0 * B[:, obs[0]]]
    for o in obs[1:]:
        alphas.append((alphas[-1] @ A) * B[:, o])
    pr = lambda v, d: "(" + ",".join(f"{round(t, d):g}" for t in v) + ")"
    assert has(qid, f"Forward: $\\alpha_1={pr(alphas[0], 3)}$, $\\alpha_2={pr(alphas[1], 3)}$, $\\alpha_3={pr(alphas[2], 5)}$, so $p(o)={round(alphas[2].sum(), 4):g}$.")
    b2 = A @ B[:, obs[2]]
    b1 = A @ (B[:, obs[1]] * b2)
    assert has(qid, f"Backward: $\\beta_2={pr(b2, 3)}$ and $\\beta_1={pr(b1, 3)}$.")
    assert has(qid, "The smoothed probability of state 1 at $t=1$ is") and has(qid, "using only $o_1$ is")
    assert has(qid, "the two later observations of symbol 1 point to state 2")
    assert has(qid, f"Enumerating all eight paths") and 2 ** len(obs) == 8


def test_mh_pieces():
    qid = "metropolis-hastings"
    a = np.exp(-0.5)
    assert has(qid, f"From $x=0$ a proposal $x'=1$ is accepted with probability $\\pi(1)/\\pi(0)=e^{{-1/2}}\\approx{fmt(a, 3)}$")
    assert has(qid, f"$\\pi(0)\\times{fmt(a, 3)}={fmt(stats.norm.pdf(0), 3)}\\times{fmt(a, 3)}\\approx{fmt(stats.norm.pdf(1), 3)}$")
    assert has(qid, "Target $\\mathcal{N}(0,1)$, symmetric random-walk proposal.")
    rates = [(s, 2 / np.pi * np.arctan(2 / s)) for s in (0.1, 2.4, 20.0)]
    assert has(qid, "the stationary acceptance rate is $(2/\\pi)\\operatorname{arctan}(2/s)$:")
    assert has(qid, f"{fmt(rates[0][1], 3)} for $s={rates[0][0]:g}$, {fmt(rates[1][1], 3)} for $s={rates[1][0]:g}$ and {fmt(rates[2][1], 3)} for $s={rates[2][0]:g}$")


def test_gibbs_pieces():
    qid = "gibbs-sampling"
    rho = 0.99
    assert has(qid, f"$\\rho^2={rho ** 2:g}$, and the efficiency is $(1-\\rho^2)/(1+\\rho^2)\\approx{fmt((1 - rho ** 2) / (1 + rho ** 2), 5)}$")
    assert has(qid, "At $\\rho=0$ the same chain gives independent samples every sweep.")
    assert has(qid, f"{10000} sweeps are worth about {fmt(10000 * (1 - rho**2) / (1 + rho**2), 0)} independent draws")
    assert has(qid, "The lag-1 autocorrelation of $x$ is")


def test_hmc_pieces():
    qid = "hamiltonian-monte-carlo"
    assert has(qid, "Take $U(q)=q^2/2$ (a standard normal), $M=1$, start at")
    assert has(qid, "the proposal is accepted with probability 1.")
    assert has(qid, "leapfrog is stable only for $\\varepsilon<2$ (the trace of its one-step matrix is $2-\\varepsilon^2$)")


def test_mean_field_pieces():
    qid = "mean-field-vi"
    rho = 0.9
    assert has(qid, f"$\\Lambda_{{11}}=1/(1-\\rho^2)\\approx{fmt(1 / (1 - rho ** 2), 3)}$")
    assert has(qid, f"the right mean 0 but variance $1-\\rho^2={1 - rho ** 2:.2f}$, a standard deviation of {fmt(np.sqrt(1 - rho ** 2), 3)} instead of 1.")
    assert has(qid, "match the marginals and give variance 1")
    Sigma = np.array([[1, rho], [rho, 1]])
    S = np.diag(1 - rho**2 * np.ones(2))
    kl = 0.5 * (np.trace(np.linalg.inv(Sigma) @ S) - 2 + np.log(np.linalg.det(Sigma) / np.linalg.det(S)))
    assert has(qid, f"A posterior $\\mathcal{{N}}(0,\\Sigma)$ with unit variances and correlation")
    assert has(qid, f"The remaining KL is $-\\tfrac12\\log(1-\\rho^2)\\approx{fmt(kl, 3)}$ nats")


def test_vae_pieces():
    qid = "vae-amortised-inference"
    assert has(qid, "Take $p(z)=\\mathcal{N}(0,1)$ and $p(x\\mid z)=\\mathcal{N}(z,1)$, so the evidence is $x\\sim\\mathcal{N}(0,2)$ and the posterior is $\\mathcal{N}(x/2,1/2)$.")
    x = 2
    assert has(qid, f"At $x={x}$, $\\log p(x)=-\\tfrac12\\log({2 * x}\\pi)-{x ** 2 // 4}\\approx{fmt(stats.norm(0, np.sqrt(2)).logpdf(x), 3)}$")


def test_flow_pieces():
    qid = "normalising-flows"
    a, b, x = 2.0, 1.0, 3.0
    z = (x - b) / a
    assert has(qid, f"$x={a:g}z+{b:g}$. At $x={x:g}$, $z={z:g}$, so $p_X({x:g})=\\varphi({z:g})/{a:g}\\approx{fmt(stats.norm.pdf(z) / a, 3)}$ and $\\log p_X({x:g})\\approx")


def test_score_pieces():
    qid = "score-matching-diffusion"
    m, s2, xt = 2, 1, 4
    assert has(qid, f"the noised score is $-({xt}-{m})/{1 + s2}=-1$")
    assert has(qid, f"with prior variance 1 and noise variance {s2} is the average $({m}+{xt})/2={(m + xt) // 2}$")
    data = np.array([0.0, 1.0, 2.0, 5.0])
    assert has(qid, f"minimised at $\\mu={data.mean():g}$ and $v={data.var():g}$")


def test_ebm_pieces():
    qid = "energy-based-models-partition"
    assert has(qid, "A model on $x\\in\\{0,1,2\\}$ with $E_\\theta(x)=\\theta x$, so $Z=1+e^{-\\theta}+e^{-2\\theta}$")
    # E_theta[x] = xbar with u = e^-theta: u + 2u^2 = xbar (1 + u + u^2), i.e. (2 - xbar) u^2 + (1 - xbar) u - xbar = 0
    xbar = 0.5
    coeffs = np.array([2 - xbar, 1 - xbar, -xbar]) / xbar
    assert np.allclose(coeffs, [3, 1, -1]) and has(qid, "gives $3u^2+u-1=0$, so $u=(\\sqrt{13}-1)/6\\approx")
    assert has(qid, "At $\\theta=0$ the model is uniform with mean 1, so the gradient is")


def test_mmd_pieces():
    qid = "mmd-kernel-two-sample"
    assert has(qid, "Since $X-X'\\sim\\mathcal{N}(0,2)$ and $X-Y\\sim\\mathcal{N}(-\\delta,2)$")
    assert has(qid, "\\mathrm{MMD}^2=2\\sqrt{\\tfrac{\\ell^2}{\\ell^2+2}}\\Big(1-e^{-\\delta^2/2(\\ell^2+2)}\\Big)")
    for delta in (1.0, 0.5, 2.0):
        assert np.isclose(2 * np.sqrt(1 / 3) * (1 - np.exp(-delta**2 / (2 * 3))), mmd2_closed(delta), atol=1e-8)


def test_diagnostics_pieces():
    qid = "mcmc-diagnostics"
    n, tau = 10000, 19
    assert has(qid, f"$1/\\sqrt{{{round(n / tau)}}}\\approx{fmt(1 / np.sqrt(n / tau), 4)}$, not ${fmt(1 / np.sqrt(n), 2)}$")
    assert has(qid, "each with within-chain variance 1, stuck at means $-1$ and $+1$")
    assert has(qid, f"an effective sample size of about {round(n / tau)}, and")
    assert has(qid, f"The variance of the two chain means is {fmt(np.var([-1.0, 1.0], ddof=1), 0)}, so")
    m_len, within, means = 1000, 1.0, np.array([-1.0, 1.0])
    V = (m_len - 1) / m_len * within + means.var(ddof=1)
    assert has(qid, f"$\\hat R=\\sqrt{{{fmt(V, 3)}}}\\approx{fmt(np.sqrt(V / within), 3)}$")


def test_revised_statements():
    # the GP figure fits exact values of sin x with an assumed noise level
    mod = figure_module("gp_posterior")
    assert np.allclose(mod.Y_TRAIN, np.sin(mod.X_TRAIN))
    assert states("gp-regression-posterior", fmt(mod.NOISE_SD, 1), near="five exact values of $\\sin x$")
    assert caption_states("gp_posterior", fmt(mod.NOISE_SD, 1), near="exact; noise standard deviation")
    # the support-vector leave-one-out bound: error on n-1 points against the support-vector fraction
    qid = "svm-dual-support-vectors"
    assert has(qid, "trained on $n-1$ points by the expected number of support vectors divided by $n$ \\cite{vapnik1998statistical}")
    # Rice's crossing rate 1/(pi ell) for a Gaussian process, checked by simulation on a fine grid
    assert has("what-a-kernel-assumes", "a stationary, mean-square differentiable Gaussian process crosses its mean")
    rng = np.random.default_rng(0)
    t = np.linspace(0, 20, 801)
    chol = np.linalg.cholesky(rbf(t, t, 0.5) + 1e-8 * np.eye(len(t)))
    paths = chol @ rng.normal(size=(len(t), 400))
    rate = np.mean(np.sum(np.diff(np.sign(paths), axis=0) != 0, axis=0)) / 20
    assert abs(rate - 1 / (0.5 * np.pi)) < 0.05 / 0.5
    # random-walk Metropolis scaling is stated for i.i.d. product targets
    assert has("metropolis-hastings", "targets with independent, identically distributed components")
    # diffusion models are credited to their introduction
    assert "sohl2015deep" in QUESTIONS["score-matching-diffusion"]["references"]
    assert has("score-matching-diffusion", "fixed noising chain \\cite{sohl2015deep}")
