"""Recompute every number stated in the linear-algebra chapter and its figure captions.

Each number is computed from the problem's inputs and looked for in the
sentence it belongs to, so a change to either the text or the maths fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from bank import QUESTIONS, caption_states, field, figure_constant, figure_module, fmt, states

IDS = [
    "eigendecomposition-trace-det", "rank-nullspace-pseudoinverse", "svd-eig-pca", "eckart-young",
    "matrix-norms-lipschitz", "condition-number-normal-equations", "ill-conditioned-covariance",
    "psd-cholesky", "power-iteration-lanczos", "marchenko-pastur", "whitening-mahalanobis",
]


def num(x: float) -> str:
    """An integer-valued number as the text prints it."""
    return f"{round(x)}"


def pmatrix(a) -> str:
    """A matrix as the text typesets it."""
    rows = "\\\\".join("&".join(f"{v:g}" for v in row) for row in np.asarray(a, dtype=float))
    return f"\\begin{{pmatrix}}{rows}\\end{{pmatrix}}"


def power10(x: float) -> str:
    return f"10^{{{round(math.log10(x))}}}"


def ledoit_wolf(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Ledoit-Wolf (2004) intensity, shrunk matrix and sample covariance (divided by n)."""
    xc = x - x.mean(axis=0)
    n, p = xc.shape
    s = xc.T @ xc / n
    mu = np.trace(s) / p
    d2 = np.sum((s - mu * np.eye(p)) ** 2) / p
    b2_bar = (np.sum(np.sum(xc**2, axis=1) ** 2) - n * np.sum(s**2)) / (n**2 * p)
    rho = min(b2_bar, d2) / d2
    return rho, rho * mu * np.eye(p) + (1 - rho) * s, s


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize("qid", IDS)
def test_question_present_with_word_limits(qid):
    assert qid in QUESTIONS, qid
    assert len(field(qid, "short_answer").split()) <= 70, qid
    assert 250 <= len(field(qid, "answer").split()) <= 700, qid
    assert 2 <= len(QUESTIONS[qid]["mistakes"]) <= 4
    assert 2 <= len(QUESTIONS[qid]["follow_ups"]) <= 3


def test_seed_prompt_word_for_word():
    seed = (
        "Given a high-dimensional dataset with a sample covariance matrix that is ill-conditioned, "
        "discuss theoretical and practical regularization strategies: add αI (ridge), shrinkage "
        "estimators (Ledoit–Wolf), dimensionality reduction, and whitening. Explain how each affects "
        "eigenvalues and conditioning and implications for downstream linear models."
    )
    assert field("ill-conditioned-covariance", "question").strip() == seed


# ---------------------------------------------------------------- eigendecomposition


def test_eigen_example():
    qid = "eigendecomposition-trace-det"
    a = np.array([[4.0, 1.0], [2.0, 3.0]])
    assert f"$A = {pmatrix(a)}$ has trace" in field(qid, "answer")
    assert f"${pmatrix(a)}$ has eigenvalues" in field(qid, "short_answer")
    lam = np.sort(np.linalg.eigvals(a).real)[::-1]
    near = "has trace"
    assert states(qid, num(np.trace(a)), near=near)
    assert states(qid, num(np.linalg.det(a)), near=near)
    assert states(qid, num(a[0, 0] * a[1, 1]), near=near) and states(qid, num(a[0, 1] * a[1, 0]), near=near)
    short = "has eigenvalues"
    for value in (*lam, np.trace(a), np.linalg.det(a)):
        assert states(qid, num(value), near=short, fields=("short_answer",)), value
    for value, vec in zip(lam, ([1, 1], [1, -2])):
        assert np.allclose(a @ vec, value * np.array(vec))
        assert f"(A - {num(value)}I)v = 0" in field(qid, "answer")
    shifted = np.sort(np.linalg.eigvals(a + 3 * np.eye(2)).real)[::-1]
    near = "A + 3I$ has eigenvalues"
    assert states(qid, f"{num(shifted[0])} and {num(shifted[1])}", near=near)
    inv = np.linalg.inv(a)
    assert states(qid, fmt(np.trace(inv), 1), near=near)
    adj = inv * np.linalg.det(a)
    assert states(qid, f"({num(adj[0, 0])} + {num(adj[1, 1])})/{num(np.linalg.det(a))}", near=near)
    for value in np.sort(np.linalg.eigvals(inv).real):
        assert f"$1/{num(1 / value)}$" in field(qid, "answer")


def test_trace_det_hold_for_defective_matrix():
    qid = "eigendecomposition-trace-det"
    jordan = np.array([[1.0, 1.0], [0.0, 1.0]])
    assert np.linalg.matrix_rank(jordan - np.eye(2)) == 1  # only one eigenvector
    rng = np.random.default_rng(0)
    m = rng.standard_normal((6, 6))
    lam = np.linalg.eigvals(m)
    assert np.isclose(lam.sum().real, np.trace(m)) and abs(lam.sum().imag) < 1e-10
    assert np.isclose(np.prod(lam).real, np.linalg.det(m))
    assert "for every square matrix, diagonalisable or not" in field(qid, "answer")
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    w, v = np.linalg.eig(rotation)
    assert np.allclose(np.sort(w.imag), [-1, 1]) and abs(np.linalg.det(v)) > 0.1  # diagonalisable over C
    assert "over the complex numbers it is diagonalisable" in field(qid, "answer")


def test_logdet_underflow_and_slogdet():
    qid = "eigendecomposition-trace-det"
    count, value = 1000, 0.1
    lam = np.full(count, value)
    assert np.prod(lam) == 0.0  # underflows in double precision
    logdet = np.sum(np.log(lam))
    near = "eigenvalues of 0.1 have a product"
    assert states(qid, fmt(logdet, 1), near=near)
    assert states(qid, str(count), near=near)
    assert states(qid, power10(value**100) .replace("-100", f"-{count}"), near=near)
    el = np.linalg.cholesky(np.diag(lam))
    assert 2 * np.sum(np.log(np.diag(el))) == pytest.approx(logdet)
    # slogdet of a non-symmetric matrix equals the sum of log |U_ii| of its LU factors
    from scipy.linalg import lu

    m = np.random.default_rng(1).standard_normal((30, 30))
    _, _, u = lu(m)
    assert np.linalg.slogdet(m)[1] == pytest.approx(np.sum(np.log(np.abs(np.diag(u)))))
    assert "\\sum_i\\log|U_{ii}|" in field(qid, "answer") and "\\texttt{slogdet}" in field(qid, "answer")


def test_hutchinson_trace():
    qid = "eigendecomposition-trace-det"
    rng = np.random.default_rng(1)
    h = rng.standard_normal((20, 20))
    h = h + h.T
    z = rng.choice([-1.0, 1.0], size=(200_000, 20))
    est = np.mean(np.einsum("ij,jk,ik->i", z, h, z))
    assert abs(est - np.trace(h)) < 0.5
    assert "\\mathbb{E}[z^\\top Hz] = \\operatorname{tr}H" in field(qid, "answer")


# ---------------------------------------------------------------- rank, pseudoinverse


def test_pseudoinverse_example():
    qid = "rank-nullspace-pseudoinverse"
    a = np.array([[1.0, 1.0], [2.0, 2.0]])
    b = np.array([1.0, 3.0])
    assert f"$A = {pmatrix(a)}$, $b = ({b[0]:g},{b[1]:g})$" in field(qid, "answer")
    assert states(qid, num(np.linalg.matrix_rank(a)), near="so the rank is")
    u, s, vt = np.linalg.svd(a)
    assert "\\sigma = \\sqrt{10}" in field(qid, "answer") and s[0] ** 2 == pytest.approx(10)
    pinv = np.linalg.pinv(a)
    x = pinv @ b
    near = "The single singular triple"
    assert f"A^+b = ({fmt(x[0], 1)},\\ {fmt(x[1], 1)})" in field(qid, "answer")
    assert f"\\frac{{1}}{{{num(1 / pinv[0, 0])}}}{pmatrix(pinv / pinv[0, 0])}" in field(qid, "answer")
    assert states(qid, num(1 / pinv[0, 0]), near=near)
    fitted = a @ x
    resid = np.sum((fitted - b) ** 2)
    near = "exactly the projection"
    assert states(qid, fmt(fitted[0], 1), near=near) and states(qid, fmt(fitted[1], 1), near=near)
    assert states(qid, fmt(resid, 1), near=near)
    # every least-squares solution differs by a null-space vector and is longer
    for c in (-0.3, 0.1, 0.5):
        xc = x + c * np.array([1, -1])
        assert np.isclose(np.sum((a @ xc - b) ** 2), resid)
        assert np.linalg.norm(xc) > np.linalg.norm(x)
    assert f"Every $x = ({fmt(x[0], 1)}, {fmt(x[1], 1)}) + c" in field(qid, "answer")
    proj = fitted / np.array([1.0, 2.0])
    assert np.allclose(proj, proj[0]) and f"\\tfrac{num(5 * proj[0])}{5}(1,2)" in field(qid, "answer")


def test_pseudoinverse_solves_consistent_systems_exactly():
    qid = "rank-nullspace-pseudoinverse"
    a = np.array([[1.0, 1.0], [2.0, 2.0]])
    b = np.array([1.0, 2.0])  # in the column space
    x = np.linalg.pinv(a) @ b
    assert np.allclose(a @ x, b)
    assert "it does exactly when $b$ lies in the column space" in field(qid, "mistakes")


def test_gradient_descent_finds_min_norm():
    qid = "rank-nullspace-pseudoinverse"
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 12))
    y = rng.standard_normal(5)
    w = np.zeros(12)
    eta = 1 / np.linalg.norm(x, 2) ** 2
    for _ in range(20000):
        w -= eta * x.T @ (x @ w - y)
    assert np.allclose(w, np.linalg.pinv(x) @ y, atol=1e-8)
    assert "converges to the minimum-norm interpolant $X^+y$" in field(qid, "answer")


# ---------------------------------------------------------------- SVD, PCA


def test_nonnormal_singular_values():
    qid = "svd-eig-pca"
    a = np.array([[1.0, 100.0], [0.0, 1.0]])
    assert f"${pmatrix(a)}$ has both eigenvalues" in field(qid, "answer")
    s = np.linalg.svd(a, compute_uv=False)
    near = "has both eigenvalues equal to"
    assert states(qid, num(np.linalg.eigvals(a)[0].real), near=near)
    assert states(qid, fmt(s[0], 2), near=near)
    assert states(qid, fmt(s[1], 4), near=near)
    assert states(qid, num(s.prod()), near="their product is")


def test_pca_example():
    qid = "svd-eig-pca"
    x = np.array([[2.0, 2.0], [-2.0, -2.0], [1.0, -1.0], [-1.0, 1.0]])
    gram = x.T @ x
    assert f"X^\\top X = {pmatrix(gram)}" in field(qid, "answer")
    points = ", ".join(f"$({p[0]:g},{p[1]:g})$" for p in x)
    assert f"Four centred points {points} give" in field(qid, "answer")
    lam = np.linalg.eigvalsh(gram)[::-1]
    near = "with eigenvalues"
    assert states(qid, num(lam[0]), near=near) and states(qid, num(lam[1]), near=near)
    s = np.linalg.svd(x, compute_uv=False)
    var = s**2 / (len(x) - 1)
    near = "the component variances are"
    assert states(qid, f"{num(s[0])} and {num(s[1])}", near=near)
    assert states(qid, f"{num(lam[0])}/3", near=near) and states(qid, f"{num(lam[1])}/3", near=near)
    assert states(qid, fmt(var[0], 2), near=near) and states(qid, fmt(var[1], 2), near=near)
    assert states(qid, f"{num(lam[0])}/{num(lam.sum())}", near=near)
    assert states(qid, num(100 * var[0] / var.sum()), near=near)
    assert states(qid, f"{num(3 * var.sum())}/3", near=near)
    assert np.trace(np.cov(x, rowvar=False)) == pytest.approx(var.sum())
    score = x[0] @ (np.array([1, 1]) / math.sqrt(2))
    assert states(qid, fmt(score, 2), near="has score")


def test_svd_of_symmetric_matrix_uses_absolute_eigenvalues():
    qid = "svd-eig-pca"
    rng = np.random.default_rng(2)
    m = rng.standard_normal((5, 5))
    m = m + m.T
    assert np.allclose(np.sort(np.abs(np.linalg.eigvalsh(m))), np.sort(np.linalg.svd(m, compute_uv=False)))
    assert "$\\sigma_i=|\\lambda_i|$" in field(qid, "short_answer")


def test_gram_route_squares_the_condition_number_too():
    qid = "svd-eig-pca"
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 50)) @ np.diag(np.geomspace(1, 1e-3, 50))
    assert np.linalg.cond(x @ x.T) == pytest.approx(np.linalg.cond(x) ** 2, rel=1e-6)
    lam, u = np.linalg.eigh(x @ x.T)
    v = x.T @ u / np.sqrt(lam)
    assert np.allclose(v.T @ v, np.eye(6), atol=1e-8)
    assert "avoids squaring the condition number" in field(qid, "answer")


# ---------------------------------------------------------------- Eckart-Young


def test_eckart_young_example():
    qid = "eckart-young"
    s = np.array([10.0, 5.0, 2.0, 1.0])
    total = np.sum(s**2)
    assert states(qid, f"{s[0]:g}, {s[1]:g}, {s[2]:g} and {s[3]:g}", near="Let $A$ have singular values")
    assert states(qid, num(total), near="Let $A$ have singular values")
    near = "The best rank-1 approximation"
    assert states(qid, num(s[1]), near=near)
    assert states(qid, f"\\sqrt{{{num(np.sum(s[1:] ** 2))}}}", near=near)
    assert states(qid, fmt(math.sqrt(np.sum(s[1:] ** 2)), 2), near=near)
    assert states(qid, fmt(math.sqrt(np.sum(s[1:] ** 2) / total), 2), near=near)
    near = "The best rank-2 approximation"
    assert states(qid, num(s[2]), near=near)
    assert states(qid, fmt(math.sqrt(np.sum(s[2:] ** 2)), 2), near=near)
    assert states(qid, f"{num(np.sum(s[:2] ** 2))}/{num(total)}", near=near)
    assert states(qid, fmt(100 * np.sum(s[:2] ** 2) / total, 1), near=near)
    m, n, k = 1000, 1000, 50
    near = "Storage:"
    assert states(qid, f"{m}\\times{n}", near=near) and states(qid, f"k = {k}", near=near)
    assert states(qid, f"{k * (m + n):,}", near=near)
    assert states(qid, f"{m * n:,}", near=near)
    assert states(qid, num(100 * k * (m + n) / (m * n)), near=near)


def test_eckart_young_optimality():
    qid = "eckart-young"
    rng = np.random.default_rng(0)
    u, _ = np.linalg.qr(rng.standard_normal((6, 4)))
    v, _ = np.linalg.qr(rng.standard_normal((5, 4)))
    s = np.array([10.0, 5.0, 2.0, 1.0])
    a = u @ np.diag(s) @ v.T
    for k in (1, 2):
        ak = u[:, :k] @ np.diag(s[:k]) @ v[:, :k].T
        assert np.isclose(np.linalg.norm(a - ak, 2), s[k])
        assert np.isclose(np.linalg.norm(a - ak), math.sqrt(np.sum(s[k:] ** 2)))
        assert np.isclose(np.linalg.norm(a - ak, "nuc"), np.sum(s[k:]))
        for delta in (0.5 * s[k], s[k]):  # other spectral-norm minimisers, worse in Frobenius
            bk = u[:, :k] @ np.diag(s[:k] - delta) @ v[:, :k].T
            assert np.isclose(np.linalg.norm(a - bk, 2), s[k])
            assert np.linalg.norm(a - bk) > np.linalg.norm(a - ak)
        for _ in range(200):  # no random rank-k matrix does better
            b = rng.standard_normal((6, k)) @ rng.standard_normal((k, 5))
            b = a @ np.linalg.pinv(b) @ b if rng.random() < 0.5 else b
            assert np.linalg.norm(a - b, 2) >= s[k] - 1e-9
            assert np.linalg.norm(a - b) >= math.sqrt(np.sum(s[k:] ** 2)) - 1e-9
    assert "in the spectral norm it is not" in field(qid, "answer")


def test_optimal_hard_threshold_lies_above_the_edge():
    threshold, edge = 4 / math.sqrt(3), 2.0
    for qid, near in (("eckart-young", "optimal hard threshold"), ("marchenko-pastur", "optimal hard threshold")):
        assert states(qid, fmt(threshold, 2), near=near)
        assert states(qid, num(edge), near=near)
    # the bulk edge of an n x n noise matrix with entries of variance sigma^2 sits at 2 sqrt(n) sigma
    n, sigma = 400, 0.5
    top = np.linalg.svd(np.random.default_rng(0).standard_normal((n, n)) * sigma, compute_uv=False)[0]
    assert top / (math.sqrt(n) * sigma) == pytest.approx(edge, rel=0.03)


def test_pca_reconstruction_error_is_discarded_eigenvalues():
    x = np.random.default_rng(8).standard_normal((30, 6)) @ np.diag([4, 3, 2, 1, 0.5, 0.2])
    x -= x.mean(axis=0)
    lam, vec = np.linalg.eigh(x.T @ x)
    top = vec[:, -2:]
    assert np.sum((x - x @ top @ top.T) ** 2) == pytest.approx(np.sum(lam[:-2]))
    assert "discarded eigenvalues of $X^\\top X$" in field("eckart-young", "answer")


# ---------------------------------------------------------------- norms and Lipschitz


def test_norms_example():
    qid = "matrix-norms-lipschitz"
    a = np.array([[3.0, 0.0], [4.0, 5.0]])
    ata = a.T @ a
    assert f"$A = {pmatrix(a)}$ gives $A^\\top A = {pmatrix(ata)}$" in field(qid, "answer")
    assert "\\sqrt{" + "+".join(f"{v:g}" for v in (a**2).ravel() if v) + "}" in field(qid, "answer")
    lam = np.linalg.eigvalsh(ata)[::-1]
    s = np.linalg.svd(a, compute_uv=False)
    near = "gives $A^\\top A"
    assert states(qid, f"{num(lam[0])} and {num(lam[1])}", near=near)
    assert states(qid, fmt(s[0], 3), near=near) and states(qid, fmt(s[1], 3), near=near)
    assert states(qid, num(s.prod()), near=near)
    near = "Hence $\\|A\\|_2"
    assert states(qid, fmt(np.linalg.norm(a, 2), 3), near=near)
    assert states(qid, fmt(np.linalg.norm(a), 3), near=near)
    assert states(qid, f"\\sqrt{{{num(np.sum(a**2))}}}", near=near)
    assert states(qid, fmt(np.linalg.norm(a, "nuc"), 3), near=near)
    ev = np.sort(np.linalg.eigvals(a).real)
    near = "The eigenvalues of this triangular matrix"
    assert states(qid, f"{num(ev[0])} and {num(ev[1])}", near=near)
    assert max(abs(ev)) < np.linalg.norm(a, 2)


def test_norm_inequalities_and_duality():
    qid = "matrix-norms-lipschitz"
    rng = np.random.default_rng(4)
    a = rng.standard_normal((7, 5))
    r = np.linalg.matrix_rank(a)
    spec, fro, nuc = np.linalg.norm(a, 2), np.linalg.norm(a), np.linalg.norm(a, "nuc")
    assert spec <= fro <= math.sqrt(r) * spec
    assert fro <= nuc <= math.sqrt(r) * fro
    u, _, vt = np.linalg.svd(a, full_matrices=False)
    assert np.isclose(np.trace((u @ vt).T @ a), nuc)  # the dual maximiser B = U V^T
    z = rng.standard_normal((200_000, 5))
    assert abs(np.mean(np.sum((z @ a.T) ** 2, axis=1)) / fro**2 - 1) < 0.01
    assert "$\\|A\\|_* = \\max_{\\|B\\|_2\\le1}\\operatorname{tr}(B^\\top A)$" in field(qid, "answer")


def test_product_bound_is_loose():
    qid = "matrix-norms-lipschitz"
    w1, w2 = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
    assert states(qid, num(np.linalg.norm(w1, 2)), near="each have norm")
    assert np.linalg.norm(w2, 2) == np.linalg.norm(w1, 2)
    rng = np.random.default_rng(5)
    for x in rng.standard_normal((100, 2)):
        assert np.allclose(w2 @ np.maximum(w1 @ x, 0), 0)


def test_least_squares_smoothness_constant():
    qid = "matrix-norms-lipschitz"
    rng = np.random.default_rng(6)
    x = rng.standard_normal((50, 4))
    n = len(x)
    assert np.isclose(np.linalg.eigvalsh(x.T @ x / n).max(), np.linalg.norm(x, 2) ** 2 / n)
    assert "$L = \\sigma_1(X)^2/n$" in field(qid, "answer")


# ---------------------------------------------------------------- conditioning


def test_roundoff_rules_of_thumb():
    qid = "condition-number-normal-equations"
    u = 2.0**-53
    assert states(qid, fmt(u * 1e16, 1) + "\\times10^{-16}", near="unit round-off")
    kappa = 1e5
    near = "the rule of thumb puts"
    assert states(qid, f"\\kappa(X) = 10^{round(math.log10(kappa))}", near="\\textbf{Worked example.} With")
    assert states(qid, f"10^{round(math.log10(kappa))}\\times{fmt(u * 1e16, 1)}", near=near)
    assert states(qid, f"10^{{{round(2 * math.log10(kappa))}}}\\times {fmt(u * 1e16, 1)}", near=near)
    assert states(qid, power10(kappa * u), near=near)
    assert states(qid, power10(kappa**2 * u), near=near)
    # the determinant is no guide to conditioning
    size, scale = 100, 0.1
    m = scale * np.eye(size)
    assert np.linalg.slogdet(m)[1] / math.log(10) == pytest.approx(-size)
    assert np.linalg.cond(m) == pytest.approx(1)
    near = "Judging conditioning by the determinant"
    assert states(qid, str(size), near=near, fields=("mistakes",))
    assert states(qid, f"10^{{-{size}}}", near=near, fields=("mistakes",))


def test_normal_equations_lose_digits():
    qid = "condition-number-normal-equations"
    gaps, qr_errs, ne_errs = [], [], []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        u, _ = np.linalg.qr(rng.standard_normal((100, 10)))
        v, _ = np.linalg.qr(rng.standard_normal((10, 10)))
        x = u @ np.diag(np.geomspace(1, 1e-5, 10)) @ v.T
        assert np.linalg.cond(x.T @ x) == pytest.approx(np.linalg.cond(x) ** 2, rel=1e-3)
        w = rng.standard_normal(10)
        y = x @ w
        q, r = np.linalg.qr(x)
        qr_errs.append(np.linalg.norm(np.linalg.solve(r, q.T @ y) - w) / np.linalg.norm(w))
        ne_errs.append(np.linalg.norm(np.linalg.solve(x.T @ x, x.T @ y) - w) / np.linalg.norm(w))
        gaps.append(math.log10(ne_errs[-1] / qr_errs[-1]))
    near = "on random consistent problems"
    assert states(qid, power10(np.median(qr_errs)), near=near)
    assert states(qid, power10(np.median(ne_errs)), near=near)
    digits = {4: "four", 5: "five", 6: "six"}[round(np.median(gaps))]
    assert f"about {digits} digits behind" in field(qid, "answer")


def test_lauchli_example():
    qid = "condition-number-normal-equations"
    eps = 1e-8
    x = np.array([[1.0, 1.0], [eps, 0.0], [0.0, eps]])
    kappa = np.linalg.cond(x)
    mantissa, exponent = f"{kappa:.2e}".split("e")
    assert states(qid, f"{mantissa}\\times10^{{{int(exponent)}}}", near="Läuchli matrix")
    assert states(qid, power10(eps), near="Läuchli matrix")
    gram = x.T @ x
    assert np.array_equal(gram, np.ones((2, 2)))
    assert states(qid, power10(eps**2), near="has diagonal entries")
    y = np.array([2.0, eps, eps])
    q, r = np.linalg.qr(x)
    assert np.allclose(np.linalg.solve(r, q.T @ y), [1, 1], rtol=0, atol=1e-14)
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.solve(gram, x.T @ y)
    assert "the normal equations cannot be solved at all" in field(qid, "answer")


def test_ridge_condition_number_formula():
    qid = "condition-number-normal-equations"
    rng = np.random.default_rng(7)
    x = rng.standard_normal((30, 5)) @ np.diag([10, 3, 1, 0.1, 0.01])
    d = np.linalg.svd(x, compute_uv=False)
    for alpha in (0.01, 1.0, 100.0):
        k = np.linalg.cond(x.T @ x + alpha * np.eye(5))
        assert k == pytest.approx((d[0] ** 2 + alpha) / (d[-1] ** 2 + alpha), rel=1e-6)
        assert k <= 1 + d[0] ** 2 / alpha
    y = rng.standard_normal(30)
    aug = np.vstack([x, np.eye(5)])
    w_aug = np.linalg.lstsq(aug, np.concatenate([y, np.zeros(5)]), rcond=None)[0]
    assert np.allclose(w_aug, np.linalg.solve(x.T @ x + np.eye(5), x.T @ y))
    assert "(\\sigma_1^2+\\alpha)/(\\sigma_p^2+\\alpha)" in field(qid, "answer")


# ---------------------------------------------------------------- seed: ill-conditioned covariance


def mp_density(lam: np.ndarray, gamma: float) -> np.ndarray:
    lo, hi = (1 - np.sqrt(gamma)) ** 2, (1 + np.sqrt(gamma)) ** 2
    return np.sqrt(np.clip((hi - lam) * (lam - lo), 0, None)) / (2 * np.pi * gamma * lam)


def test_mp_edges_and_condition_numbers():
    qid = "ill-conditioned-covariance"
    n, p = 200, 100
    gamma = p / n
    lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    near = "In the large-$p$ limit"
    assert states(qid, fmt(lo, 3), near=near) and states(qid, fmt(hi, 3), near=near)
    assert states(qid, num(hi / lo), near=near)
    near = "\\textbf{Worked example.} $\\Sigma = I$"
    assert states(qid, str(n), near=near) and states(qid, str(p), near=near)
    assert states(qid, fmt(gamma, 1), near=near)
    assert states(qid, num(hi / lo), near="Assuming $n > p$", fields=("mistakes",))
    near = "Ridge with $\\alpha = 0.1"
    assert states(qid, fmt(hi + 0.1, 3), near=near) and states(qid, fmt(lo + 0.1, 3), near=near)
    assert states(qid, fmt((hi + 0.1) / (lo + 0.1), 1), near=near)
    assert states(qid, fmt((hi + 1) / (lo + 1), 1), near=near)
    rho, mu = 0.5, 1.0
    assert states(qid, f"$\\rho = {rho}$ ($\\mu = {mu:g}$)", near="Ledoit-Wolf with")
    lw_lo, lw_hi = (1 - rho) * lo + rho * mu, (1 - rho) * hi + rho * mu
    near = "Ledoit-Wolf with $\\rho"
    assert states(qid, fmt(lw_lo, 3), near=near) and states(qid, fmt(lw_hi, 3), near=near)
    assert states(qid, fmt(lw_hi / lw_lo, 1), near=near)
    mp_mean = integrate.quad(lambda t: t * mp_density(np.array(t), gamma), lo, hi, limit=200)[0]
    assert states(qid, num(mp_mean), near=near)
    assert states(qid, num(mp_mean + 1.0), near=near)  # ridge with alpha = 1 adds 1 to the mean
    near = "in the example the smallest direction is stretched"
    assert states(qid, fmt(lo, 3), near=near)
    assert states(qid, fmt(1 / math.sqrt(lo), 1), near=near)


def test_mp_condition_number_in_simulation():
    qid = "ill-conditioned-covariance"
    kap = []
    for seed in range(15):
        x = np.random.default_rng(seed).standard_normal((200, 100))
        kap.append(np.linalg.cond(np.cov(x, rowvar=False)))
    assert states(qid, num(round(np.median(kap), -1)), near="at exactly this size")


def test_sample_covariance_rank():
    qid = "ill-conditioned-covariance"
    rng = np.random.default_rng(1)
    for n, p in ((20, 50), (50, 50), (80, 50)):
        x = rng.standard_normal((n, p))
        s = np.cov(x, rowvar=False)
        assert np.linalg.matrix_rank(s) == min(n - 1, p)
        assert np.sum(np.linalg.eigvalsh(s) < 1e-10) == max(p - n + 1, 0)
    assert "$\\operatorname{rank}S \\le \\min(n-1, p)$" in field(qid, "answer")
    assert "at least $p-n+1$ eigenvalues are exactly 0" in field(qid, "answer")


def test_ridge_and_ledoit_wolf_keep_eigenvectors():
    qid = "ill-conditioned-covariance"
    rng = np.random.default_rng(2)
    x = rng.standard_normal((60, 40)) @ np.diag(np.linspace(3, 0.2, 40))
    rho, shrunk, s = ledoit_wolf(x)
    lam, vec = np.linalg.eigh(s)
    mu = np.trace(s) / 40
    assert 0 < rho < 1
    for m, target in ((s + 0.3 * np.eye(40), lam + 0.3), (shrunk, (1 - rho) * lam + rho * mu)):
        assert np.allclose(vec.T @ m @ vec, np.diag(target), atol=1e-10)  # same eigenvectors
    assert np.trace(shrunk) == pytest.approx(np.trace(s))  # Ledoit-Wolf keeps the trace
    assert np.linalg.eigvalsh(shrunk).min() >= rho * mu * (1 - 1e-12)
    alpha = rho * mu / (1 - rho)
    assert np.allclose(shrunk, (1 - rho) * (s + alpha * np.eye(40)))
    assert np.linalg.cond(shrunk) == pytest.approx(np.linalg.cond(s + alpha * np.eye(40)))
    assert np.trace(s + 0.3 * np.eye(40)) == pytest.approx(np.trace(s) + 40 * 0.3)
    answer = field(qid, "answer")
    assert "$\\alpha = \\rho\\mu/(1-\\rho)$" in answer and "the trace grows by $p\\alpha$" in answer


def test_ledoit_wolf_intensity_near_one_for_white_data():
    qid = "ill-conditioned-covariance"
    rhos = []
    for seed in range(5):
        x = np.random.default_rng(seed).standard_normal((200, 100))
        rho, shrunk, s = ledoit_wolf(x)
        rhos.append(rho)
        assert np.linalg.cond(shrunk) < 1.2 < 20 < np.linalg.cond(s)
    assert states(qid, num(np.median(rhos)), near="the estimated $\\rho$ is close to")


def test_whitening_gives_identity_on_the_sample():
    qid = "ill-conditioned-covariance"
    x = np.random.default_rng(3).standard_normal((200, 100))
    s = np.cov(x, rowvar=False)
    lam, v = np.linalg.eigh(s)
    w = v @ np.diag(lam**-0.5) @ v.T
    white = np.cov(x @ w.T, rowvar=False)
    assert states(qid, num(np.linalg.cond(white)), near="making the sample covariance exactly")


def test_ridge_shrinkage_factor():
    qid = "ill-conditioned-covariance"
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 6)) @ np.diag([5, 2, 1, 0.5, 0.2, 0.1])
    y = rng.standard_normal(40)
    u, d, vt = np.linalg.svd(x, full_matrices=False)
    alpha = 0.7
    ridge_fit = x @ np.linalg.solve(x.T @ x + alpha * np.eye(6), x.T @ y)
    assert np.allclose(u.T @ ridge_fit, d**2 / (d**2 + alpha) * (u.T @ y))
    n = len(x)
    lam = d**2 / (n - 1)
    cov_ols = np.linalg.inv(x.T @ x)
    assert np.allclose(np.diag(vt @ cov_ols @ vt.T), 1 / ((n - 1) * lam))
    assert "$\\lambda_i/(\\lambda_i+\\alpha)$" in field(qid, "answer")


# ---------------------------------------------------------------- PSD and Cholesky


def test_cholesky_example():
    qid = "psd-cholesky"
    a = np.array([[4.0, 2.0], [2.0, 3.0]])
    assert f"$A = {pmatrix(a)}$" in field(qid, "answer")
    el = np.linalg.cholesky(a)
    assert f"$L_{{11}} = {el[0, 0]:g}$, $L_{{21}} = {a[1, 0]:g}/{el[0, 0]:g} = {el[1, 0]:g}$" in field(qid, "answer")
    det = np.prod(np.diag(el)) ** 2
    near = "Then $\\det A"
    assert states(qid, num(det), near=near)
    assert states(qid, f"{num(a[0, 0] * a[1, 1])} - {num(a[0, 1] ** 2)}", near=near)
    assert states(qid, fmt(2 * np.sum(np.log(np.diag(el))), 3), near=near)
    sample = el @ np.array([1.0, -1.0])
    near = "A sample from"
    assert states(qid, num(sample[0]), near=near)
    assert states(qid, fmt(sample[1], 3), near=near)


def test_psd_counterexamples():
    qid = "psd-cholesky"
    m = np.array([[0.0, 0.0], [0.0, -1.0]])
    assert m[0, 0] == 0 and np.linalg.det(m) == 0  # leading minors 0 and 0, yet not PSD
    assert np.array([0, 1]) @ m @ np.array([0, 1]) < 0
    assert "\\begin{pmatrix}0&0\\\\0&-1\\end{pmatrix}" in field(qid, "answer")
    r = -0.6
    c = np.full((3, 3), r) + (1 - r) * np.eye(3)
    lam = np.linalg.eigvalsh(c)
    near = "but the matrix has eigenvalues"
    assert states(qid, fmt(lam[0], 1), near=near)
    assert states(qid, fmt(lam[-1], 1), near=near)
    assert np.isclose(lam[1], lam[2]) and "(twice)" in field(qid, "answer")
    assert states(qid, fmt(-r, 1), near="every pairwise correlation")
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(c)
    for p in (3, 5, 10):  # equicorrelation is PSD exactly from -1/(p-1)
        edge = np.full((p, p), -1 / (p - 1)) + (1 + 1 / (p - 1)) * np.eye(p)
        assert np.linalg.eigvalsh(edge).min() == pytest.approx(0, abs=1e-12)
    assert "$\\rho \\ge -1/(p-1)$" in field(qid, "answer")


def test_cholesky_samples_have_right_covariance():
    qid = "psd-cholesky"
    a = np.array([[4.0, 2.0], [2.0, 3.0]])
    z = np.random.default_rng(0).standard_normal((400_000, 2))
    x = z @ np.linalg.cholesky(a).T
    assert np.allclose(np.cov(x, rowvar=False), a, atol=0.05)
    assert "A sample from $\\mathcal{N}(0, A)$ is $Lz$" in field(qid, "answer")


# ---------------------------------------------------------------- power iteration and Lanczos


def test_power_and_lanczos_iteration_counts():
    qid = "power-iteration-lanczos"
    lam1, lam2, lamn, factor = 1.0, 0.99, 0.0, 1e-12
    near = "Power iteration needs"
    k_power = math.ceil(math.log(factor) / (2 * math.log(lam2 / lam1)))
    assert states(qid, f"{k_power // 1000}{{,}}{k_power % 1000:03d}", near=near)
    rho = (lam1 - lam2) / (lam2 - lamn)
    near = "For Lanczos"
    assert states(qid, f"\\rho = {fmt(lam1 - lam2, 2)}/{fmt(lam2 - lamn, 2)}", near=near)
    assert states(qid, fmt(rho, 4), near=near)
    assert states(qid, fmt(1 + 2 * rho, 4), near=near)
    assert states(qid, f"10^{{{round(-math.log10(factor) / 2)}}}", near=near)
    k_lanczos = 1 + math.ceil(math.acosh(1 / math.sqrt(factor)) / math.acosh(1 + 2 * rho))
    assert states(qid, str(k_lanczos), near="products.")
    assert states(qid, fmt(lam2, 2), near="Take a spectrum in")
    assert states(qid, fmt(lamn, 0), near="Take a spectrum in")


def _spectrum_matrix(rng: np.random.Generator, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    lam = np.concatenate([[1.0, 0.99], np.linspace(0.0, 0.99, n - 2)])
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q @ np.diag(lam) @ q.T, q[:, 0]


def test_power_iteration_and_lanczos_behave_as_bounded():
    qid = "power-iteration-lanczos"
    rng = np.random.default_rng(0)
    a, v1 = _spectrum_matrix(rng)
    x0 = rng.standard_normal(len(a))
    x0 /= np.linalg.norm(x0)
    cos0 = abs(x0 @ v1)
    pref = 1.0 * (1 - cos0**2) / cos0**2  # (lambda_1 - lambda_n) tan^2 theta_0
    x = x0.copy()
    errs = {}
    for k in range(1, 1376):
        x = a @ x
        x /= np.linalg.norm(x)
        if k in (700, 1375):
            errs[k] = 1 - x @ a @ x
    assert errs[1375] <= pref * 0.99 ** (2 * 1375) * 1.0001
    assert errs[700] > 1e3 * errs[1375] > 0
    q = [x0]
    alphas, betas = [], []
    for _ in range(74):
        w = a @ q[-1]
        alphas.append(q[-1] @ w)
        w -= np.column_stack(q) @ (np.column_stack(q).T @ w)  # full reorthogonalisation
        betas.append(np.linalg.norm(w))
        q.append(w / betas[-1])
    t = np.diag(alphas) + np.diag(betas[:-1], 1) + np.diag(betas[:-1], -1)
    err_lanczos = 1 - np.linalg.eigvalsh(t).max()
    assert 0 <= err_lanczos <= pref * 1e-12 * 1.0001
    assert err_lanczos < errs[700]
    assert "(\\lambda_1-\\lambda_n)\\tan^2\\theta_0" in field(qid, "answer")


# ---------------------------------------------------------------- Marchenko-Pastur


def test_second_moment_of_sample_eigenvalues():
    qid = "marchenko-pastur"
    n, p = 400, 100
    exact = (p * (p - 1) * n + p * (n**2 + 2 * n)) / (p * n**2)
    assert exact == pytest.approx(1 + (p + 1) / n)
    rng = np.random.default_rng(0)
    sims = []
    for _ in range(40):
        x = rng.standard_normal((n, p))
        s = x.T @ x / n
        sims.append(np.trace(s @ s) / p)
    assert np.mean(sims) == pytest.approx(exact, rel=0.005)
    assert "= 1 + \\frac{p+1}{n} \\to 1 + \\gamma" in field(qid, "answer")
    assert states(qid, num(stats.norm.moment(4)), near="the Gaussian fourth moment is")


@pytest.mark.parametrize("gamma", [0.1, 0.25, 0.5, 1.0])
def test_mp_density_moments(gamma):
    qid = "marchenko-pastur"
    lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    f = lambda t: mp_density(np.array(t), gamma)  # noqa: E731
    mass = integrate.quad(f, lo, hi, limit=200)[0]
    mean = integrate.quad(lambda t: t * f(t), lo, hi, limit=200)[0]
    second = integrate.quad(lambda t: t * t * f(t), lo, hi, limit=200)[0]
    assert mass == pytest.approx(1, abs=1e-6)
    assert mean == pytest.approx(1, abs=1e-6)
    assert second - mean**2 == pytest.approx(gamma, abs=1e-6)
    assert "{2\\pi\\gamma\\sigma^2\\lambda}" in field(qid, "answer")


def test_mp_atom_for_wide_data():
    qid = "marchenko-pastur"
    gamma = 2.0
    lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    mass = integrate.quad(lambda t: mp_density(np.array(t), gamma), lo, hi, limit=200)[0]
    assert mass == pytest.approx(1 / gamma, abs=1e-6)  # the atom at zero has mass 1 - 1/gamma
    assert "an extra atom of mass $1 - 1/\\gamma$ at zero" in field(qid, "answer")


def test_stieltjes_equation():
    qid = "marchenko-pastur"
    for gamma in (0.25, 0.5):
        lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
        for z in (-1.0, 3.5 + 0.5j, 0.3 + 1j):
            re = integrate.quad(lambda t: (mp_density(np.array(t), gamma) / (t - z)).real, lo, hi, limit=200)[0]
            im = integrate.quad(lambda t: (mp_density(np.array(t), gamma) / (t - z)).imag, lo, hi, limit=200)[0]
            m = re + 1j * im
            assert abs(gamma * z * m * m + (z - 1 + gamma) * m + 1) < 1e-6
        for z in (lo, hi):
            assert (z - 1 - gamma) ** 2 - 4 * gamma == pytest.approx(0, abs=1e-12)
    assert "\\gamma zm^2 + (z - 1 + \\gamma)m + 1 = 0" in field(qid, "answer")


def test_spiked_example():
    qid = "marchenko-pastur"
    n, p, sigma2 = 1000, 250, 1.0
    gamma = p / n
    edge, threshold = (1 + math.sqrt(gamma)) ** 2, math.sqrt(gamma)
    near = "($\\gamma = 0.25$)"
    assert states(qid, f"$n = {n}$, $p = {p}$", near=near)
    assert states(qid, fmt(gamma, 2), near=near)
    near = "The bulk edge is"
    assert states(qid, fmt(edge, 2), near=near) and states(qid, fmt(threshold, 1), near=near)
    ell = 1.0
    top = (1 + ell) * (1 + gamma / ell)
    cos2 = (1 - gamma / ell**2) / (1 + gamma / ell)
    near = "A spike with $\\ell = 1$"
    assert states(qid, fmt(1 + ell, 0), near=near)
    assert states(qid, fmt(top, 1), near=near)
    assert states(qid, num(100 * (top / (1 + ell) - 1)), near=near)
    assert states(qid, f"{fmt(1 - gamma / ell**2, 2)}/{fmt(1 + gamma / ell, 2)}", near=near)
    assert states(qid, f"{fmt(1 + ell, 0)}\\times{fmt(1 + gamma / ell, 2)}", near=near)
    assert states(qid, fmt(cos2, 1), near=near)
    assert states(qid, num(math.degrees(math.acos(math.sqrt(cos2)))), near=near)
    weak = 0.4
    assert weak < threshold
    near = "A spike with $\\ell = 0.4$"
    assert states(qid, fmt(1 + weak, 1), near=near) and states(qid, fmt(edge, 2), near=near)
    c = top / sigma2 - 1 - gamma
    root = (c + math.sqrt(c * c - 4 * gamma)) / 2
    assert states(qid, fmt(root, 0), near="whose root above")
    assert states(qid, fmt(top, 1), near="whose root above")


def test_spiked_model_in_simulation():
    qid = "marchenko-pastur"
    n, p = 1000, 250
    gamma = p / n
    for ell in (1.0, 0.4):
        tops, coss = [], []
        for seed in range(2):
            x = np.random.default_rng(seed).standard_normal((n, p))
            x[:, 0] *= math.sqrt(1 + ell)
            ev, vec = np.linalg.eigh(x.T @ x / n)
            tops.append(ev[-1])
            coss.append(vec[0, -1] ** 2)
        if ell > math.sqrt(gamma):
            assert np.mean(tops) == pytest.approx((1 + ell) * (1 + gamma / ell), abs=0.08)
            assert np.mean(coss) == pytest.approx((1 - gamma / ell**2) / (1 + gamma / ell), abs=0.12)
        else:
            assert np.mean(tops) == pytest.approx((1 + math.sqrt(gamma)) ** 2, abs=0.08)
            assert np.mean(coss) < 0.2
    assert "\\frac{1 - \\gamma/\\ell^2}{1 + \\gamma/\\ell}" in field(qid, "answer")


# ---------------------------------------------------------------- whitening and Mahalanobis


def test_mahalanobis_example():
    qid = "whitening-mahalanobis"
    sigma = np.array([[1.0, 0.8], [0.8, 1.0]])
    assert f"$\\Sigma = {pmatrix(sigma)}$" in field(qid, "answer")
    lam = np.linalg.eigvalsh(sigma)
    near = "has eigenvalue"
    assert states(qid, fmt(lam[1], 1), near=near) and states(qid, fmt(lam[0], 1), near=near)
    prec = np.linalg.inv(sigma)
    a, b = np.array([1.0, 1.0]), np.array([1.0, -1.0])
    da, db = a @ prec @ a, b @ prec @ b
    near = "have the same Euclidean length"
    assert states(qid, fmt(da, 2), near=near) and states(qid, fmt(math.sqrt(da), 2), near=near)
    assert states(qid, num(db), near=near) and states(qid, fmt(math.sqrt(db), 2), near=near)
    near = "With two degrees of freedom"
    assert states(qid, fmt(stats.chi2.sf(da, 2), 3), near=near)
    assert states(qid, fmt(stats.chi2.sf(db, 2), 4), near=near)
    el = np.linalg.cholesky(sigma)
    near = "and solving $Lz = b$"
    assert states(qid, fmt(el[1, 0], 1), near=near) and states(qid, fmt(el[1, 1], 1), near=near)
    z = np.linalg.solve(el, b)
    assert states(qid, f"z = ({num(z[0])}, {num(z[1])})", near="solving $Lz = b$")
    assert states(qid, num(z @ z), near="solving $Lz = b$")


def test_whitenings_agree_up_to_rotation_and_zca_stays_closest():
    qid = "whitening-mahalanobis"
    rng = np.random.default_rng(0)
    m = rng.standard_normal((4, 4))
    sigma = m @ m.T + 0.5 * np.eye(4)
    lam, v = np.linalg.eigh(sigma)
    pca = np.diag(lam**-0.5) @ v.T
    zca = v @ np.diag(lam**-0.5) @ v.T
    chol = np.linalg.inv(np.linalg.cholesky(sigma))
    x = rng.standard_normal(4)
    d2 = x @ np.linalg.solve(sigma, x)
    for w in (pca, zca, chol):
        assert np.allclose(w @ sigma @ w.T, np.eye(4))
        assert np.isclose(np.sum((w @ x) ** 2), d2)
    q = zca @ np.linalg.inv(pca)
    assert np.allclose(q @ q.T, np.eye(4))
    cost = lambda w: np.trace((w - np.eye(4)) @ sigma @ (w - np.eye(4)).T)  # noqa: E731
    assert cost(zca) < cost(pca) and cost(zca) < cost(chol)
    assert "whitening is unique only up to a rotation" in field(qid, "answer")
    assert "closest to the centred input in mean squared error" in field(qid, "answer")


def test_whitening_amplification_and_chi2_mean():
    qid = "whitening-mahalanobis"
    gamma = 0.5  # n = 2p
    lo = (1 - math.sqrt(gamma)) ** 2
    near = "With white data and $n = 2p$"
    assert states(qid, fmt(lo, 3), near=near) and states(qid, fmt(1 / math.sqrt(lo), 1), near=near)
    threshold, dims = 10, (2, 10)
    near = "Using a fixed threshold"
    assert stats.chi2.mean(dims[1]) == threshold
    assert stats.chi2.sf(threshold, dims[0]) < 0.01 < 0.4 < stats.chi2.sf(threshold, dims[1])
    for d in dims:
        assert states(qid, str(d), near=near, fields=("mistakes",))


def test_estimated_mahalanobis_is_not_chi_square():
    # With estimated mean and covariance, in-sample d^2 is (n-1)^2/n * Beta(p/2, (n-p-1)/2).
    qid = "whitening-mahalanobis"
    rng = np.random.default_rng(1)
    n, p = 20, 5
    d2 = []
    for _ in range(10_000):
        x = rng.standard_normal((n, p))
        xc = x - x.mean(axis=0)
        s = xc.T @ xc / (n - 1)
        d2.append(xc[0] @ np.linalg.solve(s, xc[0]))
    scaled = np.array(d2) * n / (n - 1) ** 2
    assert stats.kstest(scaled, stats.beta(p / 2, (n - p - 1) / 2).cdf).pvalue > 0.001
    assert stats.kstest(np.array(d2), stats.chi2(p).cdf).pvalue < 1e-6
    assert "scaled Beta distribution" in field(qid, "answer") and "Hotelling's $T^2$" in field(qid, "answer")
    # a new point: (n+1)p(n-1)/(n(n-p)) F(p, n-p), checked by simulation; its tail is far above chi^2_p
    new = []
    for _ in range(4000):
        x = rng.standard_normal((n + 1, p))
        fit = x[:n] - x[:n].mean(axis=0)
        s = fit.T @ fit / (n - 1)
        d = x[n] - x[:n].mean(axis=0)
        new.append(d @ np.linalg.solve(s, d))
    scale = (n + 1) * p * (n - 1) / (n * (n - p))
    assert stats.kstest(np.array(new) / scale, stats.f(p, n - p).cdf).pvalue > 0.001
    t = stats.chi2(p).ppf(0.99)
    assert stats.f(p, n - p).sf(t / scale) > 5 * stats.chi2(p).sf(t)
    assert "much heavier than that of $\\chi^2_p$" in field(qid, "answer")


# ---------------------------------------------------------------- figure captions


def test_eigenvalue_spectra_caption():
    name = "eigenvalue_spectra"
    fig = figure_module(name)
    near = "for white data"
    assert caption_states(name, str(fig.P_BULK), near=near)
    for g in fig.GAMMAS:
        assert caption_states(name, f"{g:g}", near=near)
    near = "a spiked model"
    assert caption_states(name, str(fig.P), near=near) and caption_states(name, str(fig.N_SPIKED), near=near)
    for spike in fig.SPIKES:
        assert caption_states(name, f"{spike:g}", near=near)
    gamma = fig.P / fig.N_SPIKED
    ells = np.array(fig.SPIKES) - 1
    assert list(ells > math.sqrt(gamma)) == [True, True, False]  # only 1.5 is below BBP
    assert caption_states(name, f"{fig.SPIKES[2]:g}", near="below the BBP threshold")
    spectra = fig.spectra(np.random.default_rng(0), fig.N_SPIKED)
    assert caption_states(name, fmt(spectra["sample"][-1], 1), near="smallest eigenvalues fall near")
    assert caption_states(name, f"{fig.RIDGE_ALPHA:g}", near="ridge ($\\alpha")
    assert np.allclose(spectra["ridge"], spectra["sample"] + fig.RIDGE_ALPHA)
    assert spectra["LW"][0] < spectra["sample"][0] and spectra["LW"][-1] > spectra["sample"][-1]
    near = "dotted line: the true value"
    kappa_true = fig.population().max() / fig.population().min()
    assert caption_states(name, f"{kappa_true:g}", near=near)
    assert caption_states(name, f"{ells[0]:g}", near="with $\\ell")
    pred = fig.kappa_prediction(np.array(fig.RATIOS))
    assert pred[0] > 1000 > pred[-1] > kappa_true  # blows up as n/p -> 1
    x = np.random.default_rng(1).standard_normal((1200, 600)) * np.sqrt(np.concatenate([[10.0], np.ones(599)]))
    ev = np.linalg.eigvalsh(x.T @ x / 1200)
    assert ev[-1] / ev[0] == pytest.approx(fig.kappa_prediction(np.array([2.0]))[0], rel=0.15)


def test_lowrank_error_caption():
    name = "lowrank_error"
    fig = figure_module(name)
    assert caption_states(name, f"{fig.M} \\times {fig.N}", near="Singular values and low-rank")
    assert caption_states(name, str(fig.SIGNAL_RANK), near="sharp knee")
    mats = fig.matrices(np.random.default_rng(0))
    s_low = np.linalg.svd(mats["low rank + noise"], compute_uv=False)
    k = fig.SIGNAL_RANK
    drops = [fig.tail_error(s_low, k - 1) - fig.tail_error(s_low, k), fig.tail_error(s_low, k) - fig.tail_error(s_low, k + 1)]
    assert drops[0] > 20 * drops[1]  # the knee at k = 5
    s_noise = np.linalg.svd(mats["noise"], compute_uv=False)
    near = "its relative error is still"
    assert caption_states(name, fmt(fig.tail_error(s_noise, fig.KMAX), 2), near=near)
    assert caption_states(name, str(fig.KMAX), near=near)
    noise = mats["noise"]
    for kk in (5, 20):
        measured = np.linalg.norm(noise - fig.truncate(noise, kk)) / np.linalg.norm(noise)
        assert measured == pytest.approx(fig.tail_error(s_noise, kk))
    assert caption_states(name, "5", near="a random sketch of")
    rng = np.random.default_rng(1)
    power = mats["power law"]
    s_pow = np.linalg.svd(power, compute_uv=False)
    for kk in (10, 25):
        assert np.linalg.norm(power - fig.randomized_svd(power, kk, rng), 2) < 1.5 * s_pow[kk]
        assert np.linalg.norm(power - fig.random_projection(power, kk, rng), 2) > 2 * s_pow[kk]


def test_ridge_shrinkage_caption():
    name = "ridge_shrinkage"
    fig = figure_module(name)
    near = "Ridge regression seen through"
    assert caption_states(name, str(fig.N), near=near) and caption_states(name, str(fig.P), near=near)
    assert caption_states(name, f"{fig.RHO:g}", near=near)
    assert caption_states(name, ", ".join(f"{a:g}" for a in fig.ALPHAS), near="for $\\alpha =")
    d = np.linalg.svd(fig.design(np.random.default_rng(0)), compute_uv=False)
    df = lambda a: np.sum(fig.shrinkage(d, a))  # noqa: E731
    assert caption_states(name, num(df(0.0)), near="fall smoothly from")
    assert all(df(a) > df(b) for a, b in zip(fig.ALPHAS, fig.ALPHAS[1:]))
    x = fig.design(np.random.default_rng(0))
    assert np.linalg.cond(x.T @ x) == pytest.approx(np.linalg.cond(x) ** 2, rel=1e-8)
    assert caption_states(name, "0", near="$\\kappa(X)^2$ at $\\alpha")
