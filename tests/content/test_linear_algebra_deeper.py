"""Recompute every number stated in the deeper linear-algebra questions."""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import hilbert
from scipy.spatial.distance import pdist

from bank import QUESTIONS, field, fmt, states

IDS = [
    "least-squares-qr",
    "woodbury-identity",
    "kronecker-vec-trick",
    "random-projections-randomised-svd",
    "graph-laplacian-spectral-clustering",
    "orthogonal-matrices-embeddings",
]


def test_structure_and_word_limits():
    for qid in IDS:
        assert qid in QUESTIONS, qid
        q = QUESTIONS[qid]
        assert q["difficulty"] in {"easy", "medium", "hard"}
        assert 250 <= len(field(qid, "answer").split()) <= 700, qid
        assert len(field(qid, "short_answer").split()) <= 70, qid
        assert 2 <= len(q["mistakes"]) <= 4 and 2 <= len(q["follow_ups"]) <= 3, qid
        for part in (r"\textbf{Derivation.}", r"\textbf{Worked example.}"):
            assert part in field(qid, "answer"), (qid, part)


def _sci(x: float) -> str:
    """x as the text writes it: a one-digit mantissa times a power of ten."""
    e = math.floor(math.log10(x))
    m = round(x / 10**e)
    return f"{m}\\times 10^{{{e}}}" if m != 1 else f"10^{{{e}}}"


# --------------------------------------------------------------------------- least squares


def _gram_schmidt(A, modified):
    A = A.astype(float)
    Q = np.zeros_like(A)
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        for i in range(j):
            v -= (Q[:, i] @ (v if modified else A[:, j])) * Q[:, i]
        Q[:, j] = v / np.linalg.norm(v)
    return Q


def test_line_fit_by_gram_schmidt():
    qid = "least-squares-qr"
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    y = np.array([1.0, 2.0, 4.0])
    Q = _gram_schmidt(X, modified=True)
    R = Q.T @ X
    beta = np.linalg.solve(R, Q.T @ y)
    assert np.allclose(beta, np.linalg.lstsq(X, y, rcond=None)[0])
    assert states(qid, fmt(R[0, 0], 3), near="r_{11}")
    assert states(qid, fmt(R[0, 1], 3), near="r_{12}")
    assert states(qid, fmt(R[1, 1], 3), near="r_{22}")
    v = X[:, 1] - (Q[:, 0] @ X[:, 1]) * Q[:, 0]
    assert states(qid, "(" + ",".join(f"{int(round(t))}" for t in v) + ")", near="minus its projection")
    assert np.allclose(Q.T @ y, [7 / math.sqrt(3), 3 / math.sqrt(2)])
    assert states(qid, fmt(beta[1], 1), near="slope")
    assert states(qid, fmt(beta[0], 3), near="intercept")
    fitted = X @ beta
    resid = y - fitted
    assert states(qid, "(" + ", ".join(fmt(t, 3) for t in fitted) + ")", near="fitted values")
    assert np.allclose(resid, [1 / 6, -1 / 3, 1 / 6]) and np.allclose(X.T @ resid, 0)
    assert states(qid, fmt(resid @ resid, 3), near="residual sum of squares")
    H = X @ np.linalg.solve(X.T @ X, X.T)
    assert states(qid, fmt(np.trace(H), 0), near="trace of $H$")


def test_gram_schmidt_loss_of_orthogonality():
    qid = "least-squares-qr"
    A = hilbert(8)
    loss = {}
    for name, Q in (("cgs", _gram_schmidt(A, False)), ("mgs", _gram_schmidt(A, True)),
                    ("house", np.linalg.qr(A)[0])):
        loss[name] = np.linalg.norm(np.eye(8) - Q.T @ Q)
    cond = np.linalg.cond(A)
    assert states(qid, f"{cond / 1e10:.1f}\\times 10^{{10}}", near="Hilbert matrix")
    assert states(qid, fmt(loss["cgs"], 2), near="classical Gram-Schmidt")
    assert states(qid, _sci(loss["mgs"]), near="for modified")
    assert 1e-16 < loss["house"] < 5e-15 and states(qid, "10^{-15}", near="Householder QR")
    assert states(qid, "8 by 8", near="Hilbert matrix")


# --------------------------------------------------------------------------- woodbury


def test_woodbury_identity_and_example():
    qid = "woodbury-identity"
    rng = np.random.default_rng(0)
    d, k = 6, 2
    A = np.diag(rng.uniform(1, 2, d))
    U, V, C = rng.standard_normal((d, k)), rng.standard_normal((k, d)), np.diag([1.5, 0.5])
    Ai = np.linalg.inv(A)
    rhs = Ai - Ai @ U @ np.linalg.inv(np.linalg.inv(C) + V @ Ai @ U) @ V @ Ai
    assert np.allclose(rhs, np.linalg.inv(A + U @ C @ V))
    assert math.isclose(np.linalg.det(A + U @ C @ V),
                        np.linalg.det(np.linalg.inv(C) + V @ Ai @ U) * np.linalg.det(C) * np.linalg.det(A))
    u = np.ones((3, 1))
    inv = np.linalg.inv(np.eye(3) + u @ u.T)
    assert states(qid, f"(1+{int((u.T @ u).item())})", near="Sherman-Morrison gives")
    assert states(qid, fmt(inv[0, 0], 2), near="diagonal entries")
    assert states(qid, "-" + fmt(-inv[0, 1], 2), near="off-diagonal")
    d, k = 10**4, 10
    assert states(qid, f"10^{{{round(math.log10(d ** 3))}}}", near="invert directly")
    assert states(qid, f"10^{{{round(math.log10(d * k ** 2))}}}", near="through Woodbury")
    assert states(qid, "six orders", near="saving") and round(math.log10(d**3 / (d * k**2))) == 6


# --------------------------------------------------------------------------- kronecker


def test_vec_trick_and_kronecker_spectrum():
    qid = "kronecker-vec-trick"
    rng = np.random.default_rng(1)
    A, X, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((5, 2))
    vec = lambda M: M.reshape(-1, order="F")
    assert np.allclose(vec(A @ X @ B), np.kron(B.T, A) @ vec(X))
    A = np.array([[2.0, 1.0], [0.0, 3.0]])
    B = np.array([[1.0, 0.0], [2.0, 4.0]])
    ev = np.sort(np.real(np.linalg.eigvals(np.kron(A, B))))
    for e in np.linalg.eigvals(A):
        assert states(qid, f"{e.real:.0f}", near="(eigenvalues 2 and 3)")
    products = [a * b for a in np.sort(np.linalg.eigvals(A).real) for b in np.sort(np.linalg.eigvals(B).real)]
    assert sorted(products) == [round(e) for e in ev]
    text = ", ".join(f"{t:.0f}" for t in products[:-1]) + f" and {products[-1]:.0f}"
    assert states(qid, text, near="has eigenvalues")
    det = np.linalg.det(np.kron(A, B))
    assert states(qid, f"{det:.0f}", near="determinant")
    assert states(qid, f"{np.linalg.det(A):.0f}^2\\times {np.linalg.det(B):.0f}^2", near="determinant")
    n = 1000
    assert states(qid, f"10^{{{round(math.log10(n ** 4))}}}", near="stored entries")
    assert states(qid, f"{n ** 4 * 8 / 1e12:.0f} TB", near="stored entries")
    flops = 2 * (2 * n**3)
    assert states(qid, _sci(flops), near="two matrix products")


# --------------------------------------------------------------------------- JL and randomised SVD


def test_jl_dimension_bound_and_simulation():
    qid = "random-projections-randomised-svd"
    n, eps = 10**6, 0.1
    k = 4 * math.log(n) / (eps**2 / 2 - eps**3 / 3)
    assert states(qid, str(math.ceil(k)), near="the bound asks for")
    rng = np.random.default_rng(0)
    pts, d, kk = 100, 10**4, 1000
    X = rng.standard_normal((pts, d))
    P = rng.standard_normal((d, kk)) / math.sqrt(kk)
    r = pdist(X @ P, "sqeuclidean") / pdist(X, "sqeuclidean")
    assert states(qid, str(len(r)), near="ratios of squared distances")
    assert states(qid, fmt(r.min(), 3), near="ranged from")
    assert states(qid, fmt(r.max(), 3), near="ranged from")


def test_randomised_svd_example():
    qid = "random-projections-randomised-svd"
    rng = np.random.default_rng(0)
    m, k, p = 500, 10, 5
    s = 1.0 / np.arange(1, m + 1)
    U, _ = np.linalg.qr(rng.standard_normal((m, m)))
    V, _ = np.linalg.qr(rng.standard_normal((m, m)))
    A = (U * s) @ V.T
    optimal = math.sqrt((s[k:] ** 2).sum())
    assert math.isclose(optimal, np.linalg.norm(A - (U[:, :k] * s[:k]) @ V[:, :k].T))
    assert states(qid, fmt(optimal, 3), near="optimal rank-10 error")
    assert states(qid, fmt(math.sqrt(1 + k / (p - 1)), 3), near="bound factor")
    results = {}
    for q in (0, 1):
        Y = A @ rng.standard_normal((m, k + p))
        for _ in range(q):
            Y = A @ (A.T @ Y)
        Q, _ = np.linalg.qr(Y)
        B = Q.T @ A
        ub, sb, vb = np.linalg.svd(B, full_matrices=False)
        results[q] = (np.linalg.norm(A - Q @ B), np.linalg.norm(A - (Q @ ub[:, :k] * sb[:k]) @ vb[:k]))
    assert results[0][0] <= math.sqrt(1 + k / (p - 1)) * optimal
    assert states(qid, fmt(results[0][0], 3), near="One pass")
    assert states(qid, fmt(results[0][1], 3), near="One pass")
    assert states(qid, fmt(results[1][1], 3), near="one power iteration")


# --------------------------------------------------------------------------- laplacian


def _two_triangles(bridge=True):
    W = np.zeros((6, 6))
    edges = [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)] + ([(2, 3)] if bridge else [])
    for i, j in edges:
        W[i, j] = W[j, i] = 1
    return np.diag(W.sum(1)) - W


def test_two_triangles_spectrum():
    qid = "graph-laplacian-spectral-clustering"
    L = _two_triangles()
    w, V = np.linalg.eigh(L)
    assert abs(w[0]) < 1e-12
    assert math.isclose(w[1], (5 - math.sqrt(17)) / 2)
    assert states(qid, fmt(w[1], 3), near="eigenvalues of $L$")
    assert np.allclose(w[2:5], 3) and states(qid, "3 (three times)", near="eigenvalues of $L$")
    assert states(qid, fmt(w[5], 3), near="eigenvalues of $L$")
    f = V[:, 1] * np.sign(V[0, 1])
    assert states(qid, "(" + ", ".join(fmt(t, 3) for t in f) + ")", near="Fiedler vector is")
    # the quadratic form identity and the ratio cut of the sign split
    A = np.sign(f) > 0
    cut = -L[np.ix_(A, ~A)].sum()
    ratio = cut * (1 / A.sum() + 1 / (~A).sum())
    assert states(qid, fmt(ratio, 3), near="ratio cut")
    assert states(qid, f"1/{A.sum()} + 1/{(~A).sum()}", near="ratio cut")
    assert states(qid, "one edge", near="ratio cut") and cut == 1
    w0 = np.linalg.eigvalsh(_two_triangles(bridge=False))
    assert np.sum(np.abs(w0) < 1e-12) == 2
    assert states(qid, "two zero eigenvalues", near="Remove the bridge")


# --------------------------------------------------------------------------- orthogonal


def _rot(a):
    return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


def test_rotary_scores_and_procrustes():
    qid = "orthogonal-matrices-embeddings"
    theta = 0.5
    q = k = np.array([1.0, 0.0])
    score = lambda m, n: (_rot(m * theta) @ q) @ (_rot(n * theta) @ k)
    assert math.isclose(score(3, 5), score(10, 12))
    assert states(qid, fmt(score(3, 5), 3), near="positions 3 and 5")
    assert states(qid, fmt(score(3, 7), 3), near="positions 3 and 7")
    assert states(qid, fmt(theta, 1) + "$ rad", near="Rotary embeddings with")
    X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    angle = math.radians(30)
    Y = X @ _rot(angle).T  # rows rotated by 30 degrees
    U, _, Vt = np.linalg.svd(X.T @ Y)
    Q = U @ Vt
    assert np.allclose(X @ Q, Y)
    assert states(qid, fmt(abs(Q[0, 0]), 3), near="Procrustes")
    assert states(qid, fmt(abs(Q[0, 1]), 1), near="Procrustes")
    assert states(qid, "30 degrees", near="Procrustes")
