"""Recompute every number stated in the calculus chapter and its figure caption.

Each number is computed from the problem's inputs and looked for in the
sentence it belongs to, so a change to either the text or the maths fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bank import QUESTIONS, caption_states, field, figure_module, fmt, states

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


def vec(values, digits: int = 3, sep: str = ",") -> str:
    """A vector as the text prints it: (a,b,c) with trailing zeros dropped."""
    return "(" + sep.join(f"{round(float(v), digits):g}" for v in values) + ")"


def sci(x: float, digits: int = 1) -> str:
    """x as 'm\\times10^{e}', the text's scientific notation."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa}\\times10^{{{int(exponent)}}}"


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("qid", CHAPTER_IDS)
def test_question_present_with_word_limits(qid):
    assert qid in QUESTIONS
    assert len(field(qid, "short_answer").split()) <= 70
    assert 250 <= len(field(qid, "answer").split()) <= 700
    assert 2 <= len(QUESTIONS[qid]["mistakes"]) <= 4
    assert 2 <= len(QUESTIONS[qid]["follow_ups"]) <= 3


# 1. chain rule and Jacobians --------------------------------------------------


def test_chain_rule_worked_example():
    qid = "chain-rule-jacobians"
    x = np.array([1.0, 2.0])
    W = np.array([[1.0, -1.0], [0.5, 1.0], [-1.0, 1.0]])

    def loss_w(Wm):
        h = np.maximum(Wm @ x, 0)
        return 0.5 * h @ h

    def loss_x(xv):
        h = np.maximum(W @ xv, 0)
        return 0.5 * h @ h

    rows = "\\\\".join("&".join(f"{v:g}" for v in row) for row in W)
    assert f"W=\\begin{{bmatrix}}{rows}\\end{{bmatrix}}" in field(qid, "answer")
    assert "x=\\begin{bmatrix}" + "\\\\".join(f"{v:g}" for v in x) + "\\end{bmatrix}" in field(qid, "answer")
    z = W @ x
    h = np.maximum(z, 0)
    near = "$L=3"
    assert states(qid, vec(z), near=near)
    assert states(qid, vec(h), near=near)
    assert states(qid, fmt(loss_w(W), 3), near=near)
    delta = h * (z > 0)
    assert states(qid, vec(delta), near="the ReLU mask")
    gW = numeric_grad(loss_w, W)
    gx = numeric_grad(loss_x, x)
    np.testing.assert_allclose(gW, np.outer(delta, x), atol=1e-8)
    np.testing.assert_allclose(gx, W.T @ delta, atol=1e-8)
    rows = "\\\\".join("&".join(f"{round(v, 3):g}" for v in row) for row in gW)
    assert f"\\begin{{bmatrix}}{rows}\\end{{bmatrix}}" in field(qid, "answer")
    col = "\\\\".join(f"{round(v, 3):g}" for v in gx)
    assert f"\\begin{{bmatrix}}{col}\\end{{bmatrix}}" in field(qid, "answer")


def test_chain_rule_jacobian_sizes():
    qid = "chain-rule-jacobians"
    m = n = 4096
    near = "For $m=n=4096$"
    assert states(qid, str(m), near=near)
    assert states(qid, sci(m * m * n), near=near)
    assert states(qid, sci(m * n), near=near)


def test_chain_rule_composition_matches_finite_differences():
    qid = "chain-rule-jacobians"
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 3))
    B = rng.normal(size=(2, 4))

    def g(x):
        return np.tanh(A @ x)

    def f(y):
        return np.sin(B @ y)

    x0 = rng.normal(size=3)
    y0 = g(x0)
    J = (np.cos(B @ y0)[:, None] * B) @ ((1 - y0**2)[:, None] * A)
    assert J.shape == (2, 3)
    for i in range(2):
        np.testing.assert_allclose(numeric_grad(lambda x: f(g(x))[i], x0), J[i], atol=1e-8)
    assert "$J_{f\\circ g}(x)=J_f(y)\\,J_g(x)$" in field(qid, "short_answer")


# 2. softmax cross-entropy ---------------------------------------------------


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def test_softmax_worked_example():
    qid = "softmax-cross-entropy-gradient"
    z = np.array([2.0, 1.0, 0.1])
    y = np.array([1.0, 0.0, 0.0])
    assert states(qid, vec(z), near="Logits")
    e = np.exp(z)
    p = softmax(z)
    loss = -np.log(p[0])
    near = "$e^z="
    assert states(qid, vec(e), near=near)
    assert states(qid, fmt(e.sum(), 3), near=near)
    assert states(qid, vec(p), near=near)
    assert states(qid, fmt(loss, 3), near=near)
    assert states(qid, f"L=-\\ln {fmt(p[0], 3)}", near=near)

    def ce(zz):
        return np.log(np.exp(zz).sum()) - y @ zz

    grad = numeric_grad(ce, z)
    np.testing.assert_allclose(grad, p - y, atol=1e-8)
    assert states(qid, vec(grad), near="The gradient is $p-y")
    assert abs(grad.sum()) < 1e-8 and "it sums to zero" in field(qid, "answer")


def test_softmax_hessian_is_psd_with_null_vector_one():
    qid = "softmax-cross-entropy-gradient"
    z = np.array([2.0, 1.0, 0.1])
    p = softmax(z)
    H = np.diag(p) - np.outer(p, p)

    def lse(zz):
        return np.log(np.exp(zz).sum())

    hess = np.array([numeric_grad(lambda zz: numeric_grad(lse, zz, 1e-4)[i], z, 1e-4) for i in range(3)])
    np.testing.assert_allclose(hess, H, atol=1e-6)
    assert np.linalg.eigvalsh(H).min() > -1e-12
    np.testing.assert_allclose(H @ np.ones(3), 0, atol=1e-12)
    assert "with null vector $\\mathbf{1}$" in field(qid, "answer")


def test_logsumexp_stability():
    qid = "softmax-cross-entropy-gradient"
    near = "overflows float64"
    assert states(qid, fmt(np.log(np.finfo(np.float64).max), 2), near=near)
    assert states(qid, fmt(float(np.log(np.finfo(np.float32).max)), 2), near=near)
    z = np.array([1000.0, 999.0, 998.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z) / np.exp(z).sum()
    assert np.isnan(naive).all()
    assert states(qid, vec(z), near="the naive softmax computes")
    p = softmax(z)
    lse = z.max() + np.log(np.exp(z - z.max()).sum())
    near = "Here $p="
    assert states(qid, vec(p, sep=",").replace("0.09)", "0.090)"), near=near)
    assert states(qid, fmt(lse, 3), near=near)
    assert states(qid, vec(z - z.max()), near="the shifted logits are")
    assert states(qid, f"m={z.max():g}", near="the shifted logits are")


def test_soft_targets_and_temperature():
    qid = "softmax-cross-entropy-gradient"
    y = np.array([0.9, 0.05, 0.05])
    z = np.log(y) + 3.0
    np.testing.assert_allclose(softmax(z) - y, 0, atol=1e-15)
    T, y1 = 2.0, np.array([1.0, 0.0, 0.0])
    z1 = np.array([2.0, 1.0, 0.1])

    def tempered(zz):
        return np.log(np.exp(zz / T).sum()) - y1 @ zz / T

    np.testing.assert_allclose(numeric_grad(tempered, z1), (softmax(z1 / T) - y1) / T, atol=1e-8)
    assert "(one-hot or soft targets)" in field(qid, "answer")


def test_sigmoid_versus_squared_error_gradient():
    qid = "softmax-cross-entropy-gradient"
    z, y = -5.0, 1.0
    s = 1 / (1 + np.exp(-z))
    assert f"At $z={z:g}$ with $y={y:g}$" in field(qid, "answer")

    def half_squared(zz):
        return 0.5 * (1 / (1 + np.exp(-zz)) - y) ** 2

    def logistic_loss(zz):
        return np.log1p(np.exp(-zz))

    squared = (half_squared(z + 1e-6) - half_squared(z - 1e-6)) / 2e-6
    logistic = (logistic_loss(z + 1e-6) - logistic_loss(z - 1e-6)) / 2e-6
    near = "the logistic gradient is"
    assert states(qid, fmt(s, 4), near=near)
    assert states(qid, fmt(logistic, 3), near=near)
    assert states(qid, fmt(squared, 4), near=near)
    assert states(qid, str(int(round(logistic / squared, -1))), near=near)


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
    qid = "forward-reverse-autodiff"
    x1, x2 = 2.0, 3.0
    assert "at $(2,3)$" in field(qid, "answer")
    d1 = Dual(x1, 1.0) * Dual(x2, 0.0) + dsin(Dual(x1, 1.0))
    d2 = Dual(x1, 0.0) * Dual(x2, 1.0) + dsin(Dual(x1, 0.0))
    near = "$v_1=x_1x_2="
    assert states(qid, fmt(x1 * x2, 0), near=near)
    assert states(qid, fmt(np.sin(x1), 3), near=near)
    assert states(qid, fmt(d1.val, 3), near=near)
    near = "\\dot v_1=x_2="
    assert states(qid, fmt(x2, 0), near=near)
    assert states(qid, fmt(np.cos(x1), 3), near=near)
    assert states(qid, fmt(d1.dot, 3), near=near)
    assert states(qid, fmt(d2.dot, 0), near=near)
    # reverse mode: one sweep gives both partials
    fbar = 1.0
    v1bar = v2bar = fbar
    x1bar = v1bar * x2 + v2bar * np.cos(x1)
    x2bar = v1bar * x1
    near = "\\bar f=1"
    assert states(qid, fmt(x1bar, 3), near=near)
    assert states(qid, fmt(x2bar, 0), near=near)


def test_checkpointing_memory_and_recompute():
    # Storing every k-th of L activations and recomputing segments: memory L/k + k, least at k = sqrt(L).
    qid = "forward-reverse-autodiff"
    L = 400
    ks = np.arange(1, L + 1)
    memory = L / ks + ks
    assert ks[np.argmin(memory)] == math.isqrt(L)
    assert "$O(\\sqrt{L})$ memory" in field(qid, "answer")


# 4. Hessian, Taylor, saddles ------------------------------------------------

SADDLE = "saddle_landscape"


def test_saddle_critical_points():
    qid = "hessian-taylor-saddles"
    fig = figure_module(SADDLE)
    near = "The critical points are the origin"
    for y in (0.0, 1.0, -1.0):
        np.testing.assert_allclose(fig.grad(0.0, y), 0)
        hess = numeric_grad(lambda p: numeric_grad(lambda q: fig.loss(*q), p, 1e-4)[1], np.array([0.0, y]), 1e-4)
        assert abs(hess[0]) < 1e-6
        eig = (1.0, 3 * y**2 - 1)
        assert hess[1] == pytest.approx(eig[1], abs=1e-5)
        assert f"\\operatorname{{diag}}({eig[0]:g},{eig[1]:g})" in field(qid, "answer")
    assert states(qid, fmt(fig.loss(0.0, 1.0), 2), near=near)
    assert states(qid, fmt(fig.loss(0.0, 0.0), 0), near=near)


def test_degenerate_hessian_examples():
    # x^4 + y^2 has a minimum at 0, x^3 + y^2 does not; both have Hessian diag(0, 2) there
    qid = "hessian-taylor-saddles"
    t = np.linspace(-1e-2, 1e-2, 201)
    quartic = lambda x, y: x**4 + y**2  # noqa: E731
    cubic = lambda x, y: x**3 + y**2  # noqa: E731
    assert quartic(t, 0 * t).min() >= quartic(0, 0)
    assert cubic(t, 0 * t).min() < cubic(0, 0)
    for f in (quartic, cubic):
        H = np.array([numeric_grad(lambda p: numeric_grad(lambda q: f(*q), p, 1e-4)[i], np.zeros(2), 1e-4) for i in range(2)])
        np.testing.assert_allclose(H, np.diag([0.0, 2.0]), atol=1e-6)
    assert "both have Hessian $\\operatorname{diag}(0,2)$" in field(qid, "answer")


def test_saddle_escape_times():
    qid = "hessian-taylor-saddles"
    fig = figure_module(SADDLE)
    eta, eps = fig.ETA, 1e-6
    growth = 1 + eta * 1.0  # |lambda| = 1 along y at the saddle
    near = "With $\\epsilon=10^{-6}$"
    assert states(qid, str(round(math.log(1 / eps) / math.log(growth))), near=near)
    assert states(qid, str(fig.escape_step(eps)), near=near)
    assert states(qid, fmt(fig.loss(0.0, 1.0) / 2, 3), near=near)
    measured = [fig.escape_step(10.0**-d) for d in range(1, 13)]
    per_hundred = np.mean(np.diff(measured[::2]))
    assert states(qid, str(round(per_hundred)), near=near)
    assert abs(per_hundred - math.log(100) / math.log(growth)) < 1.5
    near = "Gradient descent with $\\eta=0.1$"
    assert states(qid, fmt(1 - eta, 1), near=near) and states(qid, fmt(growth, 1), near=near)
    assert states(qid, fmt(eta, 1), near=near) and states(qid, fmt(fig.X0, 1), near=near)
    stuck = fig.descend(fig.X0, 0.0, steps=1000)
    assert np.hypot(*stuck[-1]) < 1e-40
    assert "Starting exactly on the stable directions ($\\epsilon=0$) converges to the saddle" in field(qid, "answer")


def test_newton_step_toward_saddle():
    qid = "hessian-taylor-saddles"
    fig = figure_module(SADDLE)
    y = 0.1
    gy = fig.grad(0.0, y)[1]
    hyy = numeric_grad(lambda q: fig.grad(0.0, q[0])[1], np.array([y]))[0]
    y_new = y - gy / hyy
    assert y_new == pytest.approx(2 * y**3 / (3 * y**2 - 1))
    near = "with the exact Hessian the new"
    assert states(qid, fmt(y, 1), near=near)
    assert states(qid, fmt(y_new, 3), near=near)


def test_deep_linear_network_hessian_at_zero():
    # f(w) = 0.5 (prod w_i - 1)^2 for scalar layers: at w = 0 the Hessian has eigenvalues -1, 1
    # for two weight layers and is zero for three (a degenerate saddle).
    qid = "hessian-taylor-saddles"
    for layers, expected in ((2, [-1.0, 1.0]), (3, [0.0, 0.0, 0.0])):
        f = lambda w: 0.5 * (np.prod(w) - 1.0) ** 2  # noqa: E731
        H = np.array([numeric_grad(lambda p: numeric_grad(f, p, 1e-4)[i], np.zeros(layers), 1e-4) for i in range(layers)])
        np.testing.assert_allclose(np.sort(np.linalg.eigvalsh((H + H.T) / 2)), expected, atol=1e-6)
    assert "a degenerate saddle for three or more weight layers" in field(qid, "answer")


def test_duplicated_units_are_critical_only_from_a_critical_point():
    # A tanh network with two hidden units with equal incoming weights is in general not critical;
    # splitting a critical one-unit network's outgoing weight gives a critical point.
    qid = "hessian-taylor-saddles"
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    y = np.tanh(1.3 * x) + 0.1 * rng.normal(size=40)

    def loss2(p):
        w, a1, a2 = p
        return 0.5 * np.mean((a1 * np.tanh(w * x) + a2 * np.tanh(w * x) - y) ** 2)

    def loss1(p):
        w, a = p
        return 0.5 * np.mean((a * np.tanh(w * x) - y) ** 2)

    assert np.linalg.norm(numeric_grad(loss2, np.array([0.7, 0.4, -0.9]))) > 1e-2
    # a critical point of the narrow network, by Newton's method on its gradient
    p = np.array([1.0, 1.0])
    for _ in range(50):
        g = numeric_grad(loss1, p)
        H = np.array([numeric_grad(lambda q: numeric_grad(loss1, q, 1e-5)[i], p, 1e-5) for i in range(2)])
        p = p - np.linalg.solve((H + H.T) / 2, g)
    assert np.linalg.norm(numeric_grad(loss1, p)) < 1e-8
    w, a = p
    assert np.linalg.norm(numeric_grad(loss2, np.array([w, 0.3 * a, 0.7 * a]))) < 1e-7
    assert "two units that merely coincide do not make a critical point" in field(qid, "answer")


def test_saddle_caption_numbers():
    fig = figure_module(SADDLE)
    near = "Gradient descent with step"
    assert caption_states(SADDLE, fmt(fig.ETA, 1), near=near)
    assert caption_states(SADDLE, fmt(fig.loss(0.0, 1.0), 2), near=near)
    assert caption_states(SADDLE, fmt(fig.X0, 1), near="Each run starts at")
    assert caption_states(SADDLE, fmt(fig.loss(0.0, 1.0) / 2, 3), near="first falls below")
    per_decade = math.log(10) / math.log(1 + fig.ETA)
    assert caption_states(SADDLE, str(round(per_decade)), near="steps per decade")
    assert caption_states(SADDLE, str(round(2 * per_decade)), near="per hundredfold")
    assert caption_states(SADDLE, fmt(1 + fig.ETA, 1), near="steps per decade")
    measured = [fig.escape_step(10.0**-d) for d in range(1, 13)]
    slope = np.polyfit(np.arange(1, 13), measured, 1)[0]
    assert round(slope) == round(per_decade)
    # the caption's claims about the plotted runs
    for eps in fig.OFFSETS[:-1]:
        path = fig.descend(fig.X0, eps)
        f = fig.loss(path[:, 0], path[:, 1])
        assert abs(f[-1] - fig.loss(0.0, 1.0)) < 1e-6
    path = fig.descend(fig.X0, 1e-8)
    norms = np.hypot(*fig.grad(path[:, 0], path[:, 1]))
    assert norms[: fig.escape_step(1e-8)].min() < 1e-3 * norms[0]  # orders of magnitude
    stuck = fig.descend(fig.X0, 0.0)
    assert np.hypot(*stuck[-1]) < 1e-8  # converges to the saddle
    assert caption_states(SADDLE, "5", near="with a marker every")


# 5. vanishing and exploding gradients ---------------------------------------


def test_initialisation_scales():
    qid = "vanishing-exploding-gradients"
    width = 512
    near = "At width 512"
    assert states(qid, str(width), near=near)
    assert states(qid, f"\\sqrt{{2/{width}}}={math.sqrt(2 / width):.4f}", near=near)
    assert states(qid, f"\\sqrt{{6/{2 * width}}}={math.sqrt(6 / (2 * width)):.4f}", near=near)
    depth = 50
    near = "Put the Glorot variance"
    assert states(qid, str(depth), near=near)
    assert states(qid, sci(0.5**depth), near=near)
    assert states(qid, sci(math.sqrt(0.5**depth)), near=near)
    assert states(qid, f"2^{{-{depth // 2}}}", near=near)
    near = "A variance gain of 1.1"
    assert states(qid, f"\\approx{round(1.1**depth)}", near=near)
    assert states(qid, f"{round(100 * (1.1 - 1))}%", near=near)
    near = "through ten sigmoid layers"
    sig_max = max(s * (1 - s) for s in np.linspace(0, 1, 100_001))
    assert states(qid, f"1/{round(1 / sig_max)}", near=near)
    assert states(qid, sci(sig_max**10), near=near)


def test_glorot_uniform_bound():
    qid = "vanishing-exploding-gradients"
    a = 1.7
    u = np.random.default_rng(0).uniform(-a, a, 1_000_000)
    assert u.var() == pytest.approx(a**2 / 3, rel=0.01)
    assert "$U[-a,a]$ has variance $a^2/3$" in field(qid, "answer")


def test_relu_second_moment_is_half_the_variance():
    qid = "vanishing-exploding-gradients"
    rng = np.random.default_rng(0)
    z = rng.normal(size=1_000_000) * 1.7
    ratio = np.mean(np.maximum(z, 0) ** 2) / np.var(z)
    assert abs(ratio - 0.5) < 0.005
    assert "$\\mathbb{E}[\\mathrm{ReLU}(z)^2]=\\tfrac12\\mathrm{Var}(z)$" in field(qid, "answer")


def test_signal_propagation_through_depth():
    qid = "vanishing-exploding-gradients"
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
    assert "$\\sigma_w^2=2/n_{\\mathrm{in}}$" in field(qid, "answer")


def test_gru_update_gate_jacobian():
    qid = "vanishing-exploding-gradients"
    rng = np.random.default_rng(0)
    u = rng.uniform(size=4)
    cand = rng.normal(size=4)
    h_prev = rng.normal(size=4)
    J = np.array([numeric_grad(lambda hp: ((1 - u) * hp + u * cand)[i], h_prev) for i in range(4)])
    np.testing.assert_allclose(J, np.diag(1 - u), atol=1e-8)
    assert "it is $\\operatorname{diag}(1-u_t)$" in field(qid, "answer")


# 6. matrix calculus -----------------------------------------------------------


def test_quadratic_form_gradient():
    qid = "matrix-calculus-identities"
    A = np.array([[1.0, 2.0], [0.0, 3.0]])
    x = np.array([1.0, 1.0])
    rows = "\\\\".join("&".join(f"{v:g}" for v in row) for row in A)
    assert f"A=\\begin{{bmatrix}}{rows}\\end{{bmatrix}}" in field(qid, "answer")
    grad = numeric_grad(lambda v: v @ A @ v, x)
    near = "Then $x^\\top Ax="
    assert states(qid, fmt(x @ A @ x, 0), near=near)
    assert states(qid, vec(grad, 6), near=near)
    assert states(qid, vec(2 * A @ x, 6), near="The tempting")
    near = "confirms"
    assert states(qid, fmt(grad[0], 0), near=near) and states(qid, fmt(grad[1], 0), near=near)


def test_logdet_gradient():
    qid = "matrix-calculus-identities"
    X = np.array([[2.0, 1.0], [1.0, 2.0]])
    det = np.linalg.det(X)
    near = "Then $\\det X="
    assert states(qid, fmt(det, 0), near=near)
    assert states(qid, fmt(np.log(det), 3), near=near)
    inv = np.linalg.inv(X)
    np.testing.assert_allclose(numeric_grad(lambda M: np.log(np.linalg.det(M)), X), inv.T, atol=1e-8)
    bump = 0.001
    Xp = X.copy()
    Xp[0, 0] += bump
    near = "Raising $X_{11}$"
    assert states(qid, fmt(bump, 3), near=near)
    assert states(qid, fmt(np.linalg.det(Xp), 3), near=near)
    assert states(qid, fmt(np.log(np.linalg.det(Xp) / det), 5), near=near)
    assert states(qid, f"\\ln({fmt(np.linalg.det(Xp), 3)}/{det:g})", near=near)
    assert f"{bump}\\cdot\\tfrac{round(3 * inv[0, 0])}{round(det)}" in field(qid, "answer")


def test_other_identities_by_finite_differences():
    qid = "matrix-calculus-identities"
    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 3))
    b = rng.normal(size=3)
    x = rng.normal(size=3)
    X = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    a, c = rng.normal(size=3), rng.normal(size=3)
    np.testing.assert_allclose(numeric_grad(lambda v: np.sum((A @ v - b) ** 2), x), 2 * A.T @ (A @ x - b), atol=1e-6)
    np.testing.assert_allclose(numeric_grad(lambda M: np.trace(A @ M), X), A.T, atol=1e-6)
    np.testing.assert_allclose(numeric_grad(lambda M: a @ M @ c, X), np.outer(a, c), atol=1e-6)
    np.testing.assert_allclose(numeric_grad(lambda M: np.trace(M.T @ A @ M), X), (A + A.T) @ X, atol=1e-6)
    dX = 1e-7 * rng.normal(size=(3, 3))
    Xi = np.linalg.inv(X)
    np.testing.assert_allclose(np.linalg.inv(X + dX) - Xi, -Xi @ dX @ Xi, atol=1e-12)
    short = field(qid, "short_answer")
    assert "\\nabla_x\\lVert Ax-b\\rVert^2=2A^\\top(Ax-b)" in short


def test_gaussian_covariance_mle_is_sample_covariance():
    qid = "matrix-calculus-identities"
    rng = np.random.default_rng(2)
    data = rng.normal(size=(200, 3)) @ np.array([[1.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.2, 0.3, 0.7]])
    n = len(data)
    S = data.T @ data / n

    def loglik(Sigma, S=S):
        return -n / 2 * np.log(np.linalg.det(Sigma)) - n / 2 * np.trace(np.linalg.solve(Sigma, S))

    np.testing.assert_allclose(numeric_grad(loglik, S, 1e-6), 0, atol=1e-4)
    Sigma = S + 0.1 * np.eye(3)
    Si = np.linalg.inv(Sigma)
    np.testing.assert_allclose(numeric_grad(loglik, Sigma, 1e-6), (n / 2 * (Si @ S @ Si - Si)).T, atol=1e-4)
    # with singular S (n < d) the likelihood is unbounded: shrinking Sigma along the null space
    few = rng.normal(size=(2, 3))
    S2 = few.T @ few / 2
    values = [loglik(S2 + t * np.eye(3), S2) for t in (1e-2, 1e-4, 1e-6)]
    assert values[0] < values[1] < values[2]
    assert "exactly when $\\Sigma=S$" in field(qid, "answer") and "the likelihood is unbounded" in field(qid, "answer")


# 7. gradient check ------------------------------------------------------------


def test_machine_epsilon_scales():
    qid = "gradient-check"
    eps = np.finfo(np.float64).eps
    assert states(qid, sci(eps), near="relative rounding error")
    near = "so for quantities of order one"
    assert states(qid, sci(eps ** (1 / 3), 0), near=near)
    assert states(qid, sci(eps ** (2 / 3), 0), near=near)
    h_star = (3 * eps) ** (1 / 3)
    e_star = h_star**2 / 6 * math.e + eps * math.e / h_star
    assert states(qid, sci(e_star), near=near)
    assert states(qid, f"10^{{{round(math.log10(h_star))}}}", near=near)
    assert states(qid, sci(math.sqrt(eps)), near="The same balance for forward differences")
    eps32 = float(np.finfo(np.float32).eps)
    near = "In float32"
    assert states(qid, sci(eps32), near=near)
    assert states(qid, sci(eps32 ** (1 / 3), 0), near=near)
    assert states(qid, sci(eps32 ** (2 / 3), 0), near=near)
    near = "Rounding adds about"
    assert states(qid, f"10^{{{round(math.log10(h_star))}}}", near=near, fields=("short_answer",))
    assert states(qid, f"10^{{{round(math.log10(e_star))}}}", near=near, fields=("short_answer",))


def test_exp_finite_difference_errors():
    qid = "gradient-check"
    e = np.exp(1.0)

    def central(h):
        return abs((np.exp(1 + h) - np.exp(1 - h)) / (2 * h) - e)

    def forward(h):
        return abs((np.exp(1 + h) - np.exp(1.0)) / h - e)

    near = "In float64 the central difference"
    assert states(qid, sci(central(1e-2), 2), near=near)
    assert central(1e-2) == pytest.approx(e * 1e-4 / 6, rel=1e-3)
    assert states(qid, sci(central(1e-5), 0), near=near)
    assert states(qid, sci(central(1e-10), 0), near=near)
    assert central(1e-5) < central(1e-3) and central(1e-5) < central(1e-8)
    assert states(qid, sci(forward(1e-2), 2), near="A forward difference with")
    assert forward(1e-2) == pytest.approx(e * 1e-2 / 2, rel=2e-2)


def test_float32_finite_differences():
    qid = "gradient-check"
    e = np.exp(1.0)
    one = np.float32(1.0)

    def central32(h):
        h = np.float32(h)
        return abs(float((np.exp(one + h) - np.exp(one - h)) / (np.float32(2) * h)) - e)

    near = "already gives an error of about"
    assert states(qid, f"10^{{{round(math.log10(central32(1e-4)))}}}", near=near)
    best = min(central32(h) for h in np.logspace(-4, -1, 31))
    assert 3e-6 < best < 1e-4  # of order 2e-5, far worse than float64


def test_relu_kink_and_complex_step():
    qid = "gradient-check"
    x, h = 1e-6, 1e-5
    quotient = (max(0.0, x + h) - max(0.0, x - h)) / (2 * h)
    near = "For ReLU at"
    assert states(qid, fmt(quotient, 2), near=near)
    assert states(qid, sci(max(0.0, x + h)), near=near)
    assert states(qid, sci(2 * h, 0).replace("2\\times", "2\\times"), near=near)
    complex_step = np.exp(1 + 1e-20j).imag / 1e-20
    assert abs(complex_step - np.exp(1.0)) <= 4e-16 * np.exp(1.0)
    assert states(qid, "10^{-20}", near="the complex step")


def test_directional_check_detects_a_bug():
    qid = "gradient-check"
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
    assert "for a random direction $v$" in field(qid, "answer")


# 8. implicit differentiation --------------------------------------------------

XTX = np.array([3.0, 1.0])
XTY = np.array([3.0, 2.0])


def ridge_solution(lam: float) -> np.ndarray:
    return XTY / (XTX + lam)


def test_ridge_hypergradient():
    qid = "implicit-differentiation"
    lam = 1.0
    assert states(qid, f"X^\\top X=\\operatorname{{diag}}({XTX[0]:g},{XTX[1]:g})", near="a ridge hypergradient")
    assert states(qid, f"X^\\top y=({XTY[0]:g},{XTY[1]:g})", near="a ridge hypergradient")
    assert states(qid, f"\\lambda={lam:g}", near="a ridge hypergradient")
    H = np.diag(XTX + lam)
    w = np.linalg.solve(H, XTY)
    near = "$H=\\operatorname{diag}"
    assert f"\\operatorname{{diag}}({H[0, 0]:g},{H[1, 1]:g})" in field(qid, "answer")
    assert states(qid, vec(w, 4), near=near)
    dw = -np.linalg.solve(H, w)
    fd = (ridge_solution(lam + 1e-6) - ridge_solution(lam - 1e-6)) / 2e-6
    np.testing.assert_allclose(fd, dw, atol=1e-8)
    assert states(qid, f"{dw[0]:g}", near=near) and states(qid, f"{dw[1]:g}", near=near)
    closed = [f"-{round(XTY[i])}/{round((XTX[i] + lam) ** 2)}" for i in range(2)]
    assert states(qid, closed[0], near="$-3/16$") and states(qid, closed[1], near="$-3/16$")
    w_val = np.array([1.0, 0.0])
    g_ell = w - w_val
    assert states(qid, vec(g_ell, 4), near="Take a validation loss")
    v = np.linalg.solve(H, g_ell)
    hyper = -v @ w

    def val_loss(lm):
        return 0.5 * np.sum((ridge_solution(lm) - w_val) ** 2)

    assert abs((val_loss(lam + 1e-6) - val_loss(lam - 1e-6)) / 2e-6 - hyper) < 1e-8
    near = "The adjoint solve"
    assert states(qid, vec(v, 4), near=near)
    assert states(qid, fmt(hyper, 3), near=near)


def test_envelope_theorem():
    qid = "implicit-differentiation"
    X = np.diag(np.sqrt(XTX))
    y = np.linalg.solve(X.T, XTY)
    np.testing.assert_allclose(X.T @ X, np.diag(XTX))

    def value(lam):
        w = ridge_solution(lam)
        return 0.5 * np.sum((X @ w - y) ** 2) + lam / 2 * w @ w

    fd = (value(1 + 1e-6) - value(1 - 1e-6)) / 2e-6
    w = ridge_solution(1.0)
    assert abs(fd - 0.5 * w @ w) < 1e-7
    assert states(qid, fmt(fd, 3), near="The envelope theorem gives")


def test_neumann_series_approximates_inverse():
    qid = "implicit-differentiation"
    H = np.diag(XTX + 1.0)
    lam_max = np.linalg.eigvalsh(H).max()
    for eta in (0.2, 0.3):
        assert eta < 2 / lam_max
        approx = eta * sum(np.linalg.matrix_power(np.eye(2) - eta * H, j) for j in range(200))
        np.testing.assert_allclose(approx, np.linalg.inv(H), atol=1e-12)
    eta = 0.55  # beyond 2 / lambda_max the partial sums diverge
    partial = eta * sum(np.linalg.matrix_power(np.eye(2) - eta * H, j) for j in range(60))
    assert np.abs(partial).max() > 1e3
    assert "which converges for $0<\\eta<2/\\lambda_{\\max}(H)$" in field(qid, "answer")
