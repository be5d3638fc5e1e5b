"""Recompute every number stated in the deeper linear-algebra questions."""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import hilbert
from scipy.spatial.distance import pdist

from bank import PARTS, QUESTIONS, assert_well_formed, field, fmt, states

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
        assert_well_formed(qid, parts=(r"\textbf{Intuition.}", *PARTS))


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
    assert states(qid, "d^2k", near="full $d\\times d$ inverse") and d**2 * k > d * k**2
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


# --------------------------------------------------------------------------- the worked examples, written out


def _says(qid: str, text: str) -> bool:
    """Whether the answer or short answer contains `text`, built from the inputs, as a whole."""
    return states(qid, text, near=text)


def _vec(v, sep=","):
    return "(" + sep.join(f"{t:g}" for t in v) + ")"


def test_least_squares_example_as_written():
    qid = "least-squares-qr"
    pts = [(0, 1), (1, 2), (2, 4)]
    X = np.array([[1.0, x] for x, _ in pts])
    y = np.array([float(t) for _, t in pts])
    assert _says(qid, "Fit a line to $" + ", ".join(_vec(p) for p in pts) + "$")
    assert _says(qid, "rows $" + ", ".join(_vec(r) for r in X) + "$")
    n = len(pts)
    assert _says(qid, f"$q_1 = {_vec(np.ones(n))}/\\sqrt{n}$, $r_{{11}} = \\sqrt{n}\\approx {math.sqrt(n):.3f}$")
    s = X[:, 1].sum()
    assert _says(qid, f"$r_{{12}} = {s:g}/\\sqrt{n}\\approx {s / math.sqrt(n):.3f}$")
    v = X[:, 1] - X[:, 1].mean()
    assert _says(qid, f"so $r_{{22}} = \\sqrt{v @ v:g}\\approx {np.linalg.norm(v):.3f}$")
    assert _says(qid, f"$Q^\\top y = ({y.sum():g}/\\sqrt{n}, {v @ y:g}/\\sqrt{v @ v:g})$")
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    r = y - X @ beta
    from fractions import Fraction
    fr = [Fraction(t).limit_denominator(12) for t in r]
    assert _says(qid, "the residual is $(" + ", ".join(f"{'-' if f < 0 else ''}{abs(f.numerator)}/{f.denominator}"
                                                     for f in fr) + ")$")
    assert _says(qid, f"orthogonal to both ${_vec(X[:, 0])}$ and ${_vec(X[:, 1])}$")
    rss = Fraction(r @ r).limit_denominator(12)
    assert _says(qid, f"sum of squares is ${rss.numerator}/{rss.denominator}\\approx {float(rss):.3f}$")


def test_woodbury_example_as_written():
    qid = "woodbury-identity"
    u = np.ones(3)
    assert _says(qid, f"$A = I_{len(u)}$ and $u = v = {_vec(u)}$")
    assert _says(qid, f"uu^\\top/(1+{u @ u:g})$")
    d, k = 10**4, 10
    assert _says(qid, f"$d = 10^{round(math.log10(d))}$ dimensions with $k = {k}$ factors")
    assert _says(qid, f"a ${k}\\times {k}$ inverse")


def test_kronecker_example_as_written():
    qid = "kronecker-vec-trick"
    A = np.array([[2, 1], [0, 3]])
    B = np.array([[1, 0], [2, 4]])
    mat = lambda M: f"\\begin{{pmatrix}}{M[0, 0]} & {M[0, 1]}\\\\ {M[1, 0]} & {M[1, 1]}\\end{{pmatrix}}"
    ea, eb = sorted(np.linalg.eigvals(A).real), sorted(np.linalg.eigvals(B).real)
    assert _says(qid, f"$A = {mat(A)}$ (eigenvalues {ea[0]:.0f} and {ea[1]:.0f})")
    assert _says(qid, f"$B = {mat(B)}$ (eigenvalues {eb[0]:.0f} and {eb[1]:.0f})")
    size = np.kron(A, B).shape
    assert _says(qid, f"The ${size[0]}\\times {size[1]}$ matrix")
    assert _says(qid, "with $n = 1000$, applying") and _says(qid, "$n^4 = 10^{12}$") and math.log10(1000**4) == 12


def test_random_projection_example_as_written():
    qid = "random-projections-randomised-svd"
    assert _says(qid, "For $n = 10^6$ points and $\\varepsilon = 0.1$ the bound asks for")
    assert _says(qid, "with 100 Gaussian points in $d = 10^4$ dimensions projected to $k = 1000$ (seed 0)")
    assert _says(qid, "take a $500\\times 500$ matrix with singular values $\\sigma_j = 1/j$, $k = 10$, $p = 5$")
    k, p = 10, 5
    assert _says(qid, f"\\sqrt{{1 + {k}/{p - 1}}}")
    assert _says(qid, f"One pass ($q = 0$)") and _says(qid, f"rank-{k} truncation error")
    assert _says(qid, f"optimal rank-{k} error")


def test_two_triangles_as_written():
    qid = "graph-laplacian-spectral-clustering"
    L = _two_triangles()
    assert _says(qid, "Two triangles $\\{1,2,3\\}$ and $\\{4,5,6\\}$ joined by the single edge 3-4")
    assert L[2, 3] == -1 and L[0, 3] == 0
    assert _says(qid, "are 0, $(5-\\sqrt{17})/2\\approx")
    f = np.linalg.eigh(L)[1][:, 1]
    small = np.argsort(np.abs(f))[:2] + 1
    assert _says(qid, f"the bridge nodes {min(small)} and {max(small)} get the smallest magnitudes")
    assert _says(qid, "$\\lambda_2$ drops to 0") and abs(np.linalg.eigvalsh(_two_triangles(False))[1]) < 1e-12


def test_orthogonal_example_as_written():
    qid = "orthogonal-matrices-embeddings"
    theta = 0.5
    assert _says(qid, f"$q = k = (1, 0)$: positions 3 and 5 give the score $\\cos(2\\times {theta}) = \\cos 1\\approx")
    assert _says(qid, "so do positions 10 and 12") and math.isclose((12 - 10) * theta, (5 - 3) * theta)
    assert _says(qid, f"positions 3 and 7 give $\\cos {(7 - 3) * theta:g}\\approx")
    assert _says(qid, "the points $(1,0)$, $(0,2)$ and $(1,1)$ and the same points rotated by 30 degrees")
    assert _says(qid, "$\\cos 30^\\circ\\approx 0.866$ and $\\pm\\sin 30^\\circ = \\pm 0.5$")
    Q = _rot(math.radians(30))
    assert math.isclose(Q[0, 0], math.cos(math.radians(30))) and math.isclose(Q[1, 0], 0.5)
    assert math.isclose(abs(np.linalg.det(Q)), 1)
    assert np.allclose(np.linalg.svd(Q)[1], 1) and _says(qid, "singular values are 1 and its determinant $\\pm1$")


def test_remaining_statements_as_written():
    X = np.random.default_rng(8).standard_normal((6, 2))
    y = np.random.default_rng(9).standard_normal(6)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.allclose(X.T @ (y - X @ beta), 0)
    assert _says("least-squares-qr", "$X^\\top(y-X\\hat\\beta) = 0$")
    qid = "random-projections-randomised-svd"
    assert _says(qid, "k\\ge\\frac{4\\ln n}{\\varepsilon^2/2 - \\varepsilon^3/3}")
    assert _says(qid, "\\le\\Bigl(1+\\frac{k}{p-1}\\Bigr)^{1/2}")
    assert _says(qid, "kept within $1\\pm\\varepsilon$")
    qid = "graph-laplacian-spectral-clustering"
    L = _two_triangles()
    f = np.random.default_rng(10).standard_normal(6)
    W = np.diag(np.diag(L)) - L
    assert math.isclose(f @ L @ f, 0.5 * (W * (f[:, None] - f[None, :]) ** 2).sum())
    assert _says(qid, "f^\\top Lf = \\tfrac12\\sum_{ij}w_{ij}(f_i - f_j)^2\\ge 0$, so $L$ is PSD and $Lf = 0$ exactly")
    assert _says(qid, "the multiplicity of 0 counts components")
    qid = "orthogonal-matrices-embeddings"
    Q = np.linalg.qr(np.random.default_rng(11).standard_normal((4, 4)))[0]
    assert math.isclose(np.linalg.cond(Q), 1)
    assert _says(qid, "all singular values equal 1, so $\\kappa(Q) = 1$")
    assert _says(qid, "word2vec") and _says(qid, "into 2-D pairs")
