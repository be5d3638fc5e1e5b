"""Recompute every number stated in the calculus chapter and its figure caption."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from bank import QUESTIONS, field, fmt, states

ROOT = Path(__file__).resolve().parents[2]
CHAPTER_IDS = [
    "chain-rule-jacobians",
    "softmax-cross-entropy-gradient",
    "forward-reverse-autodiff",
    "hessian-taylor-saddles",
    "vanishing-exploding-gradients",
    "matrix-calculus-identities",
    "gradient-check",
    "implicit-differentiation",
]



def numeric_grad(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function of an array."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        g[idx] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def caption() -> str:
    source = (ROOT / "figures" / "saddle_landscape.py").read_text(encoding="utf-8")
    match = re.search(r'CAPTION = r"""(.*?)"""', source, flags=re.S)
    assert match
    return match.group(1)


def test_all_questions_present_in_order():
    assert [q for q in QUESTIONS if q in CHAPTER_IDS] == CHAPTER_IDS
    for qid in CHAPTER_IDS:
        assert len(field(qid, "short_answer").split()) <= 70
        assert 250 <= len(field(qid, "answer").split()) <= 700


# 1. chain rule and Jacobians --------------------------------------------------

def test_chain_rule_worked_example():
    x = np.array([1.0, 2.0])
    W = np.array([[1.0, -1.0], [0.5, 1.0], [-1.0, 1.0]])

    def loss_w(Wm):
        h = np.maximum(Wm @ x, 0)
        return 0.5 * h @ h

    def loss_x(xv):
        h = np.maximum(W @ xv, 0)
        return 0.5 * h @ h

    z = W @ x
    h = np.maximum(z, 0)
    delta = h * (z > 0)
    np.testing.assert_allclose(z, [-1, 2.5, 1])
    np.testing.assert_allclose(delta, [0, 2.5, 1])
    assert loss_w(W) == 3.625
    gW = np.outer(delta, x)
    gx = W.T @ delta
    np.testing.assert_allclose(gW, [[0, 0], [2.5, 5], [1, 2]])
    np.testing.assert_allclose(gx, [0.25, 3.5])
    np.testing.assert_allclose(numeric_grad(loss_w, W), gW, atol=1e-8)
    np.testing.assert_allclose(numeric_grad(loss_x, x), gx, atol=1e-8)
    qid = "chain-rule-jacobians"
    for s in ("3.625", "0.25", "3.5", "2.5"):
        assert states(qid, s)
    assert "z=(-1,2.5,1)" in field(qid, "answer")


def test_chain_rule_jacobian_sizes():
    assert f"{4096**3:.1e}" == "6.9e+10"
    assert f"{4096**2:.1e}" == "1.7e+07"
    qid = "chain-rule-jacobians"
    assert "4096^3\\approx 6.9\\times10^{10}" in field(qid, "answer")
    assert "4096^2\\approx1.7\\times10^{7}" in field(qid, "answer")


def test_chain_rule_composition_matches_finite_differences():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 3))
    B = rng.normal(size=(2, 4))

    def g(x):
        return np.tanh(A @ x)

    def f(y):
        return np.sin(B @ y)

    x0 = rng.normal(size=3)
    y0 = g(x0)
    Jg = (1 - y0**2)[:, None] * A
    Jf = np.cos(B @ y0)[:, None] * B
    J = Jf @ Jg
    assert J.shape == (2, 3)
    for i in range(2):
        num = numeric_grad(lambda x: f(g(x))[i], x0)
        np.testing.assert_allclose(num, J[i], atol=1e-8)


# 2. softmax cross-entropy ---------------------------------------------------

def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def test_softmax_worked_example():
    z = np.array([2.0, 1.0, 0.1])
    y = np.array([1.0, 0.0, 0.0])
    e = np.exp(z)
    p = softmax(z)
    loss = -np.log(p[0])
    grad = p - y
    assert [fmt(v, 3) for v in e] == ["7.389", "2.718", "1.105"]
    assert fmt(e.sum(), 3) == "11.213"
    assert [fmt(v, 3) for v in p] == ["0.659", "0.242", "0.099"]
    assert fmt(loss, 3) == "0.417"
    assert [fmt(v, 3) for v in grad] == ["-0.341", "0.242", "0.099"]
    assert abs(grad.sum()) < 1e-12

    def ce(zz):
        return np.log(np.exp(zz).sum()) - y @ zz

    np.testing.assert_allclose(numeric_grad(ce, z), grad, atol=1e-8)
    qid = "softmax-cross-entropy-gradient"
    for s in ("7.389", "2.718", "1.105", "11.213", "0.659", "0.242", "0.099", "0.417", "0.341"):
        assert states(qid, s), s


def test_softmax_hessian_is_psd_with_null_vector_one():
    p = softmax(np.array([2.0, 1.0, 0.1]))
    H = np.diag(p) - np.outer(p, p)
    eig = np.linalg.eigvalsh(H)
    assert eig.min() > -1e-12
    np.testing.assert_allclose(H @ np.ones(3), 0, atol=1e-12)


def test_logsumexp_stability():
    assert fmt(np.log(np.finfo(np.float64).max), 2) == "709.78"
    assert fmt(float(np.log(np.finfo(np.float32).max)), 2) == "88.72"
    z = np.array([1000.0, 999.0, 998.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z) / np.exp(z).sum()
    assert np.isnan(naive).all()
    p = softmax(z)
    lse = z.max() + np.log(np.exp(z - z.max()).sum())
    assert [fmt(v, 3) for v in p] == ["0.665", "0.245", "0.090"]
    assert fmt(lse, 3) == "1000.408"
    qid = "softmax-cross-entropy-gradient"
    for s in ("709.78", "88.72", "0.665", "0.245", "0.090", "1000.408"):
        assert states(qid, s), s


def test_soft_targets_are_matched_by_finite_logits():
    y = np.array([0.9, 0.05, 0.05])
    z = np.log(y) + 3.0
    np.testing.assert_allclose(softmax(z) - y, 0, atol=1e-15)
    # with a temperature T the gradient with respect to the unscaled logits is (p_T - y) / T
    T, y1 = 2.0, np.array([1.0, 0.0, 0.0])
    z1 = np.array([2.0, 1.0, 0.1])

    def tempered(zz):
        return np.log(np.exp(zz / T).sum()) - y1 @ zz / T

    np.testing.assert_allclose(numeric_grad(tempered, z1), (softmax(z1 / T) - y1) / T, atol=1e-8)


def test_sigmoid_versus_squared_error_gradient():
    s = 1 / (1 + np.exp(5.0))
    logistic = s - 1
    squared = (s - 1) * s * (1 - s)

    def half_squared(z):
        return 0.5 * (1 / (1 + np.exp(-z)) - 1) ** 2

    num = (half_squared(-5 + 1e-6) - half_squared(-5 - 1e-6)) / 2e-6
    assert abs(num - squared) < 1e-9
    assert fmt(s, 4) == "0.0067"
    assert fmt(logistic, 3) == "-0.993"
    assert fmt(squared, 4) == "-0.0066"
    assert round(logistic / squared, -1) == 150
    qid = "softmax-cross-entropy-gradient"
    for t in ("0.0067", "0.993", "0.0066", "150"):
        assert states(qid, t), t


# 3. forward and reverse mode --------------------------------------------------

class Dual:
    """Minimal forward-mode dual number for the worked example."""

    def __init__(self, val, dot):
        self.val, self.dot = val, dot

    def __mul__(self, other):
        return Dual(self.val * other.val, self.dot * other.val + self.val * other.dot)

    def __add__(self, other):
        return Dual(self.val + other.val, self.dot + other.dot)


def dsin(a: Dual) -> Dual:
    return Dual(np.sin(a.val), np.cos(a.val) * a.dot)


def test_autodiff_worked_example():
    x1, x2 = 2.0, 3.0
    # forward mode: one pass per input direction
    d1 = Dual(x1, 1.0) * Dual(x2, 0.0) + dsin(Dual(x1, 1.0))
    d2 = Dual(x1, 0.0) * Dual(x2, 1.0) + dsin(Dual(x1, 0.0))
    # reverse mode: one sweep
    v1, v2 = x1 * x2, np.sin(x1)
    fbar = 1.0
    v1bar, v2bar = fbar, fbar
    x1bar = v1bar * x2 + v2bar * np.cos(x1)
    x2bar = v1bar * x1
    assert v1 == 6
    assert fmt(v2, 3) == "0.909"
    assert fmt(d1.val, 3) == "6.909"
    assert fmt(np.cos(x1), 3) == "-0.416"
    assert fmt(d1.dot, 3) == fmt(x1bar, 3) == "2.584"
    assert d2.dot == x2bar == 2
    qid = "forward-reverse-autodiff"
    for s in ("6", "0.909", "6.909", "0.416", "2.584", "2", "3"):
        assert states(qid, s), s


# 4. Hessian, Taylor, saddles ------------------------------------------------

def saddle_grad(p):
    return np.array([p[0], -p[1] + p[1] ** 3])


def saddle_loss(x, y):
    return 0.5 * x**2 - 0.5 * y**2 + 0.25 * y**4


def descend(y0: float, eta: float = 0.1, steps: int = 1000, x0: float = 1.5) -> np.ndarray:
    path = np.empty((steps + 1, 2))
    path[0] = (x0, y0)
    for k in range(steps):
        path[k + 1] = path[k] - eta * saddle_grad(path[k])
    return path


def escape_step(eps: float) -> int:
    path = descend(eps)
    below = saddle_loss(path[:, 0], path[:, 1]) < -0.125
    assert below.any()
    return int(np.argmax(below))


def test_saddle_critical_points():
    for y, eigs, value in ((0.0, (1, -1), 0.0), (1.0, (1, 2), -0.25), (-1.0, (1, 2), -0.25)):
        np.testing.assert_allclose(saddle_grad(np.array([0.0, y])), 0)
        H = np.diag([1.0, 3 * y**2 - 1])
        np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(H)), np.sort(eigs))
        assert saddle_loss(0.0, y) == value
    qid = "hessian-taylor-saddles"
    assert states(qid, "0.25")
    assert "\\operatorname{diag}(1,-1)" in field(qid, "answer")
    assert "\\operatorname{diag}(1,2)" in field(qid, "answer")


def test_degenerate_hessian_examples():
    # x^4 + y^2 has a minimum at 0, x^3 + y^2 does not; both have Hessian diag(0, 2) there
    t = np.linspace(-1e-2, 1e-2, 201)
    assert (t**4 >= 0).all() and (t**3 < 0).any()
    for f in (lambda x, y: x**4 + y**2, lambda x, y: x**3 + y**2):
        H = numeric_grad(lambda p: numeric_grad(lambda q: f(*q), p, 1e-4)[0], np.zeros(2), 1e-4)
        assert abs(H[0]) < 1e-6


def test_saddle_escape_times():
    predicted = np.log(1e6) / np.log(1.1)
    assert round(predicted) == 145
    per_hundred = np.log(100) / np.log(1.1)
    assert round(per_hundred) == 48
    per_decade = np.log(10) / np.log(1.1)
    assert round(per_decade) == 24
    measured = [escape_step(10.0**-d) for d in range(1, 13)]
    gaps = np.diff(measured[::2])
    assert all(abs(g - per_hundred) <= 1.5 for g in gaps)
    slope = np.polyfit(np.arange(1, 13), measured, 1)[0]
    assert abs(slope - per_decade) < 0.3
    # the run that starts exactly on the stable direction converges to the saddle
    stuck = descend(0.0)
    assert np.hypot(*stuck[-1]) < 1e-40
    assert escape_step(1e-6) == 141
    qid = "hessian-taylor-saddles"
    assert states(qid, "145") and states(qid, "48") and states(qid, "141")


def test_newton_step_toward_saddle():
    y = 0.1
    y_new = y - (y**3 - y) / (3 * y**2 - 1)
    assert abs(y_new - 2 * y**3 / (3 * y**2 - 1)) < 1e-15
    assert fmt(y_new, 3) == "-0.002"
    assert states("hessian-taylor-saddles", "0.002")


def test_saddle_caption_numbers():
    text = caption()
    assert "$\\eta = 0.1$" in text and "$x = 1.5$" in text
    assert "$f = -0.25$" in text and "$-0.125$" in text
    assert "every 5 steps" in text
    assert "\\approx 24$" in text and "about 48 per hundredfold" in text
    assert round(np.log(10) / np.log(1.1)) == 24
    assert round(np.log(100) / np.log(1.1)) == 48
    # the caption's claims about the plotted runs
    for eps in (1e-2, -1e-4, 1e-8):
        path = descend(eps, steps=260)
        f = saddle_loss(path[:, 0], path[:, 1])
        assert abs(f[-1] + 0.25) < 1e-6
        norms = np.hypot(*saddle_grad(path.T))
        k = int(np.argmax(f < -0.125))
        assert norms[:k].min() < 0.2
    path = descend(1e-8, steps=260)
    norms = np.hypot(*saddle_grad(path.T))
    assert norms[: escape_step(1e-8)].min() < 1e-3  # orders of magnitude below the start
    assert norms[0] > 1


# 5. vanishing and exploding gradients ---------------------------------------

def test_initialisation_scales():
    assert fmt(np.sqrt(2 / 512), 4) == "0.0625"
    assert fmt(np.sqrt(6 / 1024), 4) == "0.0765"
    assert f"{0.5**50:.1e}" == "8.9e-16"
    assert f"{2.0**-25:.1e}" == "3.0e-08"
    assert round(1.1**50) == 117
    assert f"{0.25**10:.1e}" == "9.5e-07"
    qid = "vanishing-exploding-gradients"
    for s in ("0.0625", "0.0765", "8.9", "3.0", "117", "9.5", "512", "50"):
        assert states(qid, s), s
    answer = field(qid, "answer")
    assert "0.5^{50}\\approx8.9\\times10^{-16}" in answer
    assert "2^{-25}\\approx3.0\\times10^{-8}" in answer
    assert "0.25^{10}\\approx9.5\\times10^{-7}" in answer


def test_relu_second_moment_is_half_the_variance():
    rng = np.random.default_rng(0)
    z = rng.normal(size=1_000_000) * 1.7
    ratio = np.mean(np.maximum(z, 0) ** 2) / np.var(z)
    assert abs(ratio - 0.5) < 0.005


def test_signal_propagation_through_depth():
    rng = np.random.default_rng(0)
    n, depth = 512, 50
    x = rng.normal(size=(n, 64))
    for var_scale, lo, hi in ((2.0, 0.2, 5.0), (1.0, 1e-17, 1e-14)):
        h = x.copy()
        for _ in range(depth):
            W = rng.normal(scale=np.sqrt(var_scale / n), size=(n, n))
            h = np.maximum(W @ h, 0)
        z_var_ratio = 2 * np.mean(h**2) / np.mean(x**2)
        assert lo < z_var_ratio < hi, (var_scale, z_var_ratio)


# 6. matrix calculus -----------------------------------------------------------

def test_quadratic_form_gradient():
    A = np.array([[1.0, 2.0], [0.0, 3.0]])
    x = np.array([1.0, 1.0])
    assert x @ A @ x == 6
    grad = (A + A.T) @ x
    np.testing.assert_allclose(grad, [4, 8])
    np.testing.assert_allclose(2 * A @ x, [6, 6])
    np.testing.assert_allclose(numeric_grad(lambda v: v @ A @ v, x), grad, atol=1e-8)
    qid = "matrix-calculus-identities"
    assert "x^\\top Ax=6" in field(qid, "answer")
    assert "(A+A^\\top)x=(4,8)^\\top" in field(qid, "answer")
    assert "2Ax=(6,6)^\\top" in field(qid, "answer")


def test_logdet_gradient():
    X = np.array([[2.0, 1.0], [1.0, 2.0]])
    assert abs(np.linalg.det(X) - 3) < 1e-12
    assert fmt(np.log(3), 3) == "1.099"
    inv = np.linalg.inv(X)
    np.testing.assert_allclose(3 * inv, [[2, -1], [-1, 2]], atol=1e-12)
    np.testing.assert_allclose(
        numeric_grad(lambda M: np.log(np.linalg.det(M)), X), inv.T, atol=1e-8
    )
    Xp = X.copy()
    Xp[0, 0] += 0.001
    assert abs(np.linalg.det(Xp) - 3.002) < 1e-12
    change = np.log(np.linalg.det(Xp) / 3)
    assert fmt(change, 5) == "0.00067"
    assert abs(change - 0.001 * 2 / 3) < 1e-6
    qid = "matrix-calculus-identities"
    for s in ("1.099", "3.002", "0.00067", "0.001"):
        assert states(qid, s), s


def test_other_identities_by_finite_differences():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 3))
    b = rng.normal(size=3)
    x = rng.normal(size=3)
    X = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    a, c = rng.normal(size=3), rng.normal(size=3)
    np.testing.assert_allclose(
        numeric_grad(lambda v: np.sum((A @ v - b) ** 2), x), 2 * A.T @ (A @ x - b), atol=1e-6
    )
    np.testing.assert_allclose(numeric_grad(lambda M: np.trace(A @ M), X), A.T, atol=1e-6)
    np.testing.assert_allclose(numeric_grad(lambda M: a @ M @ c, X), np.outer(a, c), atol=1e-6)
    np.testing.assert_allclose(
        numeric_grad(lambda M: np.trace(M.T @ A @ M), X), (A + A.T) @ X, atol=1e-6
    )
    dX = 1e-7 * rng.normal(size=(3, 3))
    Xi = np.linalg.inv(X)
    np.testing.assert_allclose(np.linalg.inv(X + dX) - Xi, -Xi @ dX @ Xi, atol=1e-12)


def test_gaussian_covariance_mle_is_sample_covariance():
    rng = np.random.default_rng(2)
    data = rng.normal(size=(200, 3)) @ np.array([[1.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.2, 0.3, 0.7]])
    n = len(data)
    S = data.T @ data / n

    def loglik(Sigma):
        return -n / 2 * np.log(np.linalg.det(Sigma)) - n / 2 * np.trace(np.linalg.solve(Sigma, S))

    np.testing.assert_allclose(numeric_grad(loglik, S, 1e-6), 0, atol=1e-4)
    Sinv = np.linalg.inv(S)
    Sigma = S + 0.1 * np.eye(3)
    Si = np.linalg.inv(Sigma)
    analytic = n / 2 * (Si @ S @ Si - Si)
    np.testing.assert_allclose(numeric_grad(loglik, Sigma, 1e-6), analytic.T, atol=1e-4)
    assert Sinv.shape == (3, 3)


# 7. gradient check ------------------------------------------------------------

def test_machine_epsilon_scales():
    eps = np.finfo(np.float64).eps
    assert f"{eps:.1e}" == "2.2e-16"
    assert f"{eps ** (1 / 3):.0e}" == "6e-06"
    assert f"{eps ** (2 / 3):.0e}" == "4e-11"
    assert f"{np.sqrt(eps):.1e}" == "1.5e-08"
    eps32 = float(np.finfo(np.float32).eps)
    assert f"{eps32:.1e}" == "1.2e-07"
    assert f"{eps32 ** (1 / 3):.0e}" == "5e-03"
    assert f"{eps32 ** (2 / 3):.0e}" == "2e-05"
    qid = "gradient-check"
    answer = field(qid, "answer")
    for s in ("2.2\\times10^{-16}", "6\\times10^{-6}", "4\\times10^{-11}", "1.5\\times10^{-8}",
              "1.2\\times10^{-7}", "5\\times10^{-3}", "2\\times10^{-5}"):
        assert s in answer, s


def test_exp_finite_difference_errors():
    e = np.exp(1.0)

    def central(h):
        return abs((np.exp(1 + h) - np.exp(1 - h)) / (2 * h) - e)

    def forward(h):
        return abs((np.exp(1 + h) - np.exp(1.0)) / h - e)

    assert f"{central(1e-2):.2e}" == "4.53e-05"
    assert f"{e * 1e-4 / 6:.2e}" == "4.53e-05"
    assert f"{forward(1e-2):.2e}" == "1.36e-02"
    assert f"{e * 1e-2 / 2:.2e}" == "1.36e-02"
    # rounding-dominated values are platform dependent: check the stated order of magnitude
    assert 2e-11 < central(1e-5) < 2e-10  # "about 6e-11"
    assert 2e-7 < central(1e-10) < 2e-6  # "about 7e-7"
    # the optimum lies near 1e-5: larger and much smaller steps are both worse
    assert central(1e-5) < central(1e-3) and central(1e-5) < central(1e-8)
    qid = "gradient-check"
    answer = field(qid, "answer")
    for s in ("4.53\\times10^{-5}", "6\\times10^{-11}", "7\\times10^{-7}", "1.36\\times10^{-2}"):
        assert s in answer, s


def test_float32_finite_differences():
    e = np.exp(1.0)
    one = np.float32(1.0)

    def central32(h):
        h = np.float32(h)
        return abs(float((np.exp(one + h) - np.exp(one - h)) / (np.float32(2) * h)) - e)

    assert 3e-4 < central32(1e-4) < 3e-3  # "about 1e-3"
    best = min(central32(h) for h in np.logspace(-4, -1, 31))
    assert 3e-6 < best < 1e-4  # of order 2e-5, far worse than float64
    assert "$h=10^{-4}$ already gives an error of about $10^{-3}$" in field("gradient-check", "answer")


def test_relu_kink_and_complex_step():
    x, h = 1e-6, 1e-5
    quotient = (max(0.0, x + h) - max(0.0, x - h)) / (2 * h)
    assert fmt(quotient, 2) == "0.55"
    assert states("gradient-check", "0.55")
    complex_step = np.exp(1 + 1e-20j).imag / 1e-20
    assert abs(complex_step - np.exp(1.0)) <= 4e-16 * np.exp(1.0)


def test_directional_check_detects_a_bug():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(5, 5))

    def f(v):
        return np.sum(np.tanh(A @ v) ** 2)

    def grad(v):
        t = np.tanh(A @ v)
        return A.T @ (2 * t * (1 - t**2))

    theta, v = rng.normal(size=5), rng.normal(size=5)
    h = 1e-5
    numeric = (f(theta + h * v) - f(theta - h * v)) / (2 * h)

    def rel(a, b):
        return abs(a - b) / max(abs(a), abs(b))

    assert rel(grad(theta) @ v, numeric) < 1e-7
    buggy = A @ (2 * np.tanh(A @ theta))  # forgot the transpose and the tanh derivative
    assert rel(buggy @ v, numeric) > 1e-4


# 8. implicit differentiation --------------------------------------------------

def ridge_solution(lam: float) -> np.ndarray:
    return np.array([3.0, 2.0]) / (np.array([3.0, 1.0]) + lam)


def test_ridge_hypergradient():
    lam = 1.0
    H = np.diag([3.0, 1.0]) + lam * np.eye(2)
    w = np.linalg.solve(H, [3.0, 2.0])
    np.testing.assert_allclose(w, [0.75, 1.0])
    np.testing.assert_allclose(np.diag(H), [4, 2])
    dw = -np.linalg.solve(H, w)
    np.testing.assert_allclose(dw, [-0.1875, -0.5])
    np.testing.assert_allclose(dw, [-3 / 16, -2 / 4])
    fd = (ridge_solution(lam + 1e-6) - ridge_solution(lam - 1e-6)) / 2e-6
    np.testing.assert_allclose(fd, dw, atol=1e-8)

    w_val = np.array([1.0, 0.0])
    g_ell = w - w_val
    np.testing.assert_allclose(g_ell, [-0.25, 1.0])
    v = np.linalg.solve(H, g_ell)
    np.testing.assert_allclose(v, [-0.0625, 0.5])
    hyper = -v @ w
    assert fmt(hyper, 3) == "-0.453"

    def val_loss(lm):
        return 0.5 * np.sum((ridge_solution(lm) - w_val) ** 2)

    assert abs((val_loss(lam + 1e-6) - val_loss(lam - 1e-6)) / 2e-6 - hyper) < 1e-8
    qid = "implicit-differentiation"
    for s in ("0.75", "0.1875", "0.5", "0.25", "0.0625", "0.453", "3/16", "2/4"):
        assert states(qid, s), s
    assert "\\operatorname{diag}(4,2)" in field(qid, "answer")


def test_envelope_theorem():
    X = np.array([[np.sqrt(3.0), 0.0], [0.0, 1.0]])
    y = np.linalg.solve(X.T, [3.0, 2.0])  # so that X^T y = (3, 2)
    np.testing.assert_allclose(X.T @ X, np.diag([3.0, 1.0]))

    def value(lam):
        w = ridge_solution(lam)
        return 0.5 * np.sum((X @ w - y) ** 2) + lam / 2 * w @ w

    fd = (value(1 + 1e-6) - value(1 - 1e-6)) / 2e-6
    w = ridge_solution(1.0)
    assert abs(fd - 0.5 * w @ w) < 1e-7
    assert fmt(0.5 * w @ w, 3) == "0.781"
    assert states("implicit-differentiation", "0.781")


def test_neumann_series_approximates_inverse():
    H = np.diag([4.0, 2.0])
    eta = 0.2
    assert eta < 2 / 4.0  # the stated convergence condition, 0 < eta < 2 / lambda_max
    assert np.max(np.abs(np.linalg.eigvals(np.eye(2) - eta * H))) < 1
    approx = eta * sum(np.linalg.matrix_power(np.eye(2) - eta * H, j) for j in range(200))
    np.testing.assert_allclose(approx, np.linalg.inv(H), atol=1e-12)
