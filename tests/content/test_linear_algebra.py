"""Recompute every number stated in the linear-algebra chapter and its figure captions."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from bank import QUESTIONS, field, fmt, states
from scipy import integrate

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "content" / "02-linear-algebra.yaml"
FIGURES = ROOT / "figures"



def all_text(qid: str) -> str:
    q = QUESTIONS[qid]
    parts = [q["question"], q["short_answer"], q["answer"], *q["mistakes"], *q["follow_ups"]]
    return "\n".join(parts)


def module_source(name: str) -> tuple[str, dict]:
    """A figure module's CAPTION and literal module-level constants, read without importing it."""
    tree = ast.parse((FIGURES / f"{name}.py").read_text(encoding="utf-8"))
    consts: dict = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        target = node.targets[0]
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            continue
        if isinstance(target, ast.Name):
            consts[target.id] = value
        elif isinstance(target, ast.Tuple):
            consts.update(zip((t.id for t in target.elts), value))
    return consts["CAPTION"], consts


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


# ---------------------------------------------------------------- chapter shape


def test_chapter_shape():
    data = yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))
    assert data["id"] == "linear-algebra"
    ids = [q["id"] for q in data["questions"]]
    assert ids == [
        "eigendecomposition-trace-det", "rank-nullspace-pseudoinverse", "svd-eig-pca", "eckart-young",
        "matrix-norms-lipschitz", "condition-number-normal-equations", "ill-conditioned-covariance",
        "psd-cholesky", "power-iteration-lanczos", "marchenko-pastur", "whitening-mahalanobis",
    ]
    for q in data["questions"]:
        assert len(q["short_answer"].split()) <= 70, q["id"]
        assert 250 <= len(q["answer"].split()) <= 700, q["id"]


# ---------------------------------------------------------------- eigendecomposition


def test_eigen_example():
    qid = "eigendecomposition-trace-det"
    a = np.array([[4.0, 1.0], [2.0, 3.0]])
    lam = np.sort(np.linalg.eigvals(a).real)
    assert np.allclose(lam, [2, 5])
    assert np.isclose(np.trace(a), 7) and np.isclose(np.linalg.det(a), 10)
    assert np.allclose(a @ [1, 1], 5 * np.array([1, 1]))
    assert np.allclose(a @ [1, -2], 2 * np.array([1, -2]))
    assert np.allclose(np.sort(np.linalg.eigvals(a + 3 * np.eye(2)).real), [5, 8])
    tr_inv = np.trace(np.linalg.inv(a))
    assert fmt(tr_inv, 1) == "0.7" and np.isclose(tr_inv, (3 + 4) / 10)
    for s in ("7", "10", "0.7", "8 and 5", "5 and 2"):
        assert states(qid, s)


def test_trace_det_hold_for_defective_matrix():
    jordan = np.array([[1.0, 1.0], [0.0, 1.0]])
    assert np.linalg.matrix_rank(jordan - np.eye(2)) == 1  # only one eigenvector
    rng = np.random.default_rng(0)
    m = rng.standard_normal((6, 6))
    lam = np.linalg.eigvals(m)
    assert np.isclose(lam.sum().real, np.trace(m)) and abs(lam.sum().imag) < 1e-10
    assert np.isclose(np.prod(lam).real, np.linalg.det(m))


def test_logdet_underflow():
    qid = "eigendecomposition-trace-det"
    lam = np.full(1000, 0.1)
    assert np.prod(lam) == 0.0  # underflows in double precision
    logdet = np.sum(np.log(lam))
    assert fmt(logdet, 1) == "-2302.6"
    assert states(qid, "2302.6") and "10^{-1000}" in field(qid, "answer")
    el = np.linalg.cholesky(np.diag(lam))
    assert 2 * np.sum(np.log(np.diag(el))) == pytest.approx(logdet)  # 2 sum log L_ii


def test_hutchinson_trace():
    rng = np.random.default_rng(1)
    h = rng.standard_normal((20, 20))
    h = h + h.T
    z = rng.choice([-1.0, 1.0], size=(200_000, 20))
    est = np.mean(np.einsum("ij,jk,ik->i", z, h, z))
    assert abs(est - np.trace(h)) < 0.5


# ---------------------------------------------------------------- rank, pseudoinverse


def test_pseudoinverse_example():
    qid = "rank-nullspace-pseudoinverse"
    a = np.array([[1.0, 1.0], [2.0, 2.0]])
    b = np.array([1.0, 3.0])
    assert np.linalg.matrix_rank(a) == 1
    assert np.allclose(a @ [1, -1], 0)
    u, s, vt = np.linalg.svd(a)
    assert np.isclose(s[0], math.sqrt(10)) and np.isclose(s[1], 0)
    assert np.allclose(np.abs(u[:, 0]), np.array([1, 2]) / math.sqrt(5))
    assert np.allclose(np.abs(vt[0]), np.array([1, 1]) / math.sqrt(2))
    pinv = np.linalg.pinv(a)
    assert np.allclose(pinv, np.array([[1, 2], [1, 2]]) / 10)
    x = pinv @ b
    assert np.allclose(x, [0.7, 0.7])
    assert np.allclose(a @ x, [1.4, 2.8]) and np.allclose(a @ x, 7 / 5 * np.array([1, 2]))
    resid = np.sum((a @ x - b) ** 2)
    assert fmt(resid, 1) == "0.2"
    # every least-squares solution differs by a null-space vector and is longer
    for c in (-0.3, 0.1, 0.5):
        xc = x + c * np.array([1, -1])
        assert np.isclose(np.sum((a @ xc - b) ** 2), resid)
        assert np.linalg.norm(xc) > np.linalg.norm(x)
    # the ridge path ends at the pseudoinverse
    assert np.allclose(np.linalg.solve(a.T @ a + 1e-10 * np.eye(2), a.T), pinv, atol=1e-6)
    for s_ in ("0.7", "1.4", "2.8", "0.2"):
        assert states(qid, s_)


def test_gradient_descent_finds_min_norm():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 12))
    y = rng.standard_normal(5)
    w = np.zeros(12)
    eta = 1 / np.linalg.norm(x, 2) ** 2
    for _ in range(20000):
        w -= eta * x.T @ (x @ w - y)
    assert np.allclose(w, np.linalg.pinv(x) @ y, atol=1e-8)


# ---------------------------------------------------------------- SVD, PCA


def test_nonnormal_singular_values():
    a = np.array([[1.0, 100.0], [0.0, 1.0]])
    s = np.linalg.svd(a, compute_uv=False)
    assert fmt(s[0], 2) == "100.01" and fmt(s[1], 4) == "0.0100"
    assert np.isclose(s[0] * s[1], 1)
    assert np.allclose(np.linalg.eigvals(a), [1, 1])
    assert states("svd-eig-pca", "100.01") and states("svd-eig-pca", "0.0100")


def test_pca_example():
    qid = "svd-eig-pca"
    x = np.array([[2.0, 2.0], [-2.0, -2.0], [1.0, -1.0], [-1.0, 1.0]])
    assert np.allclose(x.mean(axis=0), 0)
    assert np.allclose(x.T @ x, [[10, 6], [6, 10]])
    lam, vec = np.linalg.eigh(x.T @ x)
    assert np.allclose(lam, [4, 16])
    assert np.allclose(np.abs(vec[:, 1]), np.array([1, 1]) / math.sqrt(2))
    s = np.linalg.svd(x, compute_uv=False)
    assert np.allclose(s, [4, 2])
    var = s**2 / (len(x) - 1)
    assert fmt(var[0], 2) == "5.33" and fmt(var[1], 2) == "1.33"
    assert np.isclose(var.sum(), 20 / 3) and np.isclose(np.trace(np.cov(x, rowvar=False)), 20 / 3)
    assert round(100 * var[0] / var.sum()) == 80
    score = x[0] @ (np.array([1, 1]) / math.sqrt(2))
    assert fmt(score, 2) == "2.83"
    for s_ in ("5.33", "1.33", "80", "2.83"):
        assert states(qid, s_)


def test_svd_of_symmetric_matrix_uses_absolute_eigenvalues():
    rng = np.random.default_rng(2)
    m = rng.standard_normal((5, 5))
    m = m + m.T
    assert np.allclose(np.sort(np.abs(np.linalg.eigvalsh(m))), np.sort(np.linalg.svd(m, compute_uv=False)))


def test_gram_trick_recovers_right_singular_vectors():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 50))
    x -= x.mean(axis=0)
    lam, u = np.linalg.eigh(x @ x.T)
    keep = lam > 1e-9
    v = x.T @ u[:, keep] / np.sqrt(lam[keep])
    assert np.allclose(v.T @ v, np.eye(keep.sum()), atol=1e-10)
    assert np.allclose(x.T @ x @ v, v * lam[keep])


# ---------------------------------------------------------------- Eckart-Young


def test_eckart_young_example():
    qid = "eckart-young"
    s = np.array([10.0, 5.0, 2.0, 1.0])
    assert np.sum(s**2) == 130
    fro1 = math.sqrt(np.sum(s[1:] ** 2))
    assert fmt(fro1, 2) == "5.48" and fmt(fro1 / math.sqrt(130), 2) == "0.48"
    fro2 = math.sqrt(np.sum(s[2:] ** 2))
    assert fmt(fro2, 2) == "2.24"
    assert fmt(100 * 125 / 130, 1) == "96.2"
    assert 50 * (1000 + 1000) == 100_000 and 100_000 / 1_000_000 == 0.10
    for s_ in ("5.48", "0.48", "2.24", "96.2", "130", "100,000", "1,000,000", "10%"):
        assert states(qid, s_.rstrip("%")) or s_ in field(qid, "answer")


def test_eckart_young_optimality():
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
    assert np.allclose(a.T @ a, [[25, 20], [20, 25]])
    assert np.allclose(np.linalg.eigvalsh(a.T @ a), [5, 45])
    s = np.linalg.svd(a, compute_uv=False)
    assert np.isclose(s[0], 3 * math.sqrt(5)) and np.isclose(s[1], math.sqrt(5))
    assert fmt(s[0], 3) == "6.708" and fmt(s[1], 3) == "2.236"
    assert np.isclose(s.prod(), 15) and np.isclose(abs(np.linalg.det(a)), 15)
    assert fmt(np.linalg.norm(a), 3) == "7.071" and np.isclose(np.linalg.norm(a) ** 2, 9 + 16 + 25)
    assert fmt(np.linalg.norm(a, "nuc"), 3) == "8.944" and np.isclose(s.sum(), 4 * math.sqrt(5))
    assert np.allclose(np.sort(np.linalg.eigvals(a).real), [3, 5])
    assert max(abs(np.linalg.eigvals(a))) < np.linalg.norm(a, 2)
    for s_ in ("6.708", "2.236", "7.071", "8.944", "15", "45"):
        assert states(qid, s_)


def test_norm_inequalities_and_duality():
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


def test_product_bound_is_loose():
    w1, w2 = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
    assert np.linalg.norm(w1, 2) == 1 and np.linalg.norm(w2, 2) == 1
    rng = np.random.default_rng(5)
    for x in rng.standard_normal((100, 2)):
        assert np.allclose(w2 @ np.maximum(w1 @ x, 0), 0)


def test_least_squares_smoothness_constant():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((50, 4))
    n = len(x)
    assert np.isclose(np.linalg.eigvalsh(x.T @ x / n).max(), np.linalg.norm(x, 2) ** 2 / n)


# ---------------------------------------------------------------- conditioning


def test_roundoff_rules_of_thumb():
    qid = "condition-number-normal-equations"
    u = 2.0**-53
    assert f"{u:.1e}" == "1.1e-16"
    assert 1e-12 < 1e5 * u < 1e-10 and 1e-7 < 1e10 * u < 1e-5
    text = field(qid, "answer")
    for s_ in ("10^{-11}", "10^{-6}", "1.1\\times10^{-16}", "2^{-53}"):
        assert s_ in text
    # determinant is no guide to conditioning
    assert math.isclose(0.1**100, 1e-100, rel_tol=1e-12)
    assert np.linalg.cond(0.1 * np.eye(100)) == pytest.approx(1)
    assert "10^{-100}" in field(qid, "mistakes")


def test_normal_equations_lose_digits():
    for seed in range(3):
        rng = np.random.default_rng(seed)
        u, _ = np.linalg.qr(rng.standard_normal((100, 10)))
        v, _ = np.linalg.qr(rng.standard_normal((10, 10)))
        x = u @ np.diag(np.geomspace(1, 1e-5, 10)) @ v.T
        assert np.linalg.cond(x) == pytest.approx(1e5, rel=1e-6)
        assert np.linalg.cond(x.T @ x) == pytest.approx(1e10, rel=1e-3)
        w = rng.standard_normal(10)
        y = x @ w
        q, r = np.linalg.qr(x)
        err_qr = np.linalg.norm(np.linalg.solve(r, q.T @ y) - w) / np.linalg.norm(w)
        err_ne = np.linalg.norm(np.linalg.solve(x.T @ x, x.T @ y) - w) / np.linalg.norm(w)
        assert 1e-13 < err_qr < 1e-11  # near 1e-12, under kappa * u
        assert 1e-8 < err_ne < 1e-6  # near 1e-7, under kappa^2 * u
        assert 1e4 < err_ne / err_qr < 1e6  # four to five digits behind
    text = field("condition-number-normal-equations", "answer")
    assert "10^{-12}" in text and "10^{-7}" in text and "four to five digits" in text


def test_lauchli_example():
    qid = "condition-number-normal-equations"
    eps = 1e-8
    x = np.array([[1.0, 1.0], [eps, 0.0], [0.0, eps]])
    kappa = math.sqrt(2 + eps**2) / eps
    assert np.linalg.cond(x) == pytest.approx(kappa, rel=1e-6)
    assert f"{kappa:.2e}" == "1.41e+08"
    assert 1.0 + 1e-16 == 1.0
    gram = x.T @ x
    assert np.array_equal(gram, np.ones((2, 2)))
    y = np.array([2.0, eps, eps])
    q, r = np.linalg.qr(x)
    assert np.allclose(np.linalg.solve(r, q.T @ y), [1, 1], rtol=0, atol=1e-14)
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.solve(gram, x.T @ y)
    assert states(qid, "1.41")


def test_ridge_condition_number_formula():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((30, 5)) @ np.diag([10, 3, 1, 0.1, 0.01])
    d = np.linalg.svd(x, compute_uv=False)
    for alpha in (0.01, 1.0, 100.0):
        k = np.linalg.cond(x.T @ x + alpha * np.eye(5))
        assert k == pytest.approx((d[0] ** 2 + alpha) / (d[-1] ** 2 + alpha), rel=1e-6)
        assert k <= 1 + d[0] ** 2 / alpha
    # ridge is least squares on the augmented matrix
    y = rng.standard_normal(30)
    aug = np.vstack([x, math.sqrt(1.0) * np.eye(5)])
    w_aug = np.linalg.lstsq(aug, np.concatenate([y, np.zeros(5)]), rcond=None)[0]
    assert np.allclose(w_aug, np.linalg.solve(x.T @ x + np.eye(5), x.T @ y))


# ---------------------------------------------------------------- seed: ill-conditioned covariance


def test_mp_edges_and_condition_numbers():
    qid = "ill-conditioned-covariance"
    gamma = 100 / 200
    lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    assert fmt(lo, 3) == "0.086" and fmt(hi, 3) == "2.914"
    assert round(hi / lo) == 34
    r1 = (hi + 0.1) / (lo + 0.1)
    assert fmt(hi + 0.1, 3) == "3.014" and fmt(lo + 0.1, 3) == "0.186" and fmt(r1, 1) == "16.2"
    r2 = (hi + 1) / (lo + 1)
    assert fmt(r2, 1) == "3.6"
    rho, mu = 0.5, 1.0
    lw_lo, lw_hi = (1 - rho) * lo + rho * mu, (1 - rho) * hi + rho * mu
    assert fmt(lw_lo, 3) == "0.543" and fmt(lw_hi, 3) == "1.957"
    assert lw_hi / lw_lo == pytest.approx(r2)  # same as ridge with alpha = rho mu / (1 - rho) = 1
    assert rho * mu / (1 - rho) == 1
    mp_mean = integrate.quad(lambda t: t * mp_density(np.array(t), gamma), lo, hi, limit=200)[0]
    assert mp_mean == pytest.approx(1) and mp_mean + 1.0 == pytest.approx(2)  # ridge alpha = 1 doubles it
    whiten = 1 / math.sqrt(lo)
    assert fmt(whiten, 1) == "3.4"
    for s_ in ("0.086", "2.914", "34", "16.2", "3.6", "0.543", "1.957", "3.4", "200", "100", "0.5"):
        assert states(qid, s_), s_
    assert states(qid, "34", fields=("mistakes",))


def test_mp_condition_number_in_simulation():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2000, 1000))  # gamma = 0.5, large enough to be near the limit
    ev = np.linalg.eigvalsh(x.T @ x / 2000)
    assert ev[0] == pytest.approx(0.0858, rel=0.1) and ev[-1] == pytest.approx(2.914, rel=0.03)
    assert ev[-1] / ev[0] == pytest.approx(33.97, rel=0.1)
    # at the worked example's own size (n = 200, p = 100) the typical value is about 30
    kap = []
    for seed in range(40):
        x = np.random.default_rng(seed).standard_normal((200, 100))
        kap.append(np.linalg.cond(np.cov(x, rowvar=False)))
    assert 28 < np.median(kap) < 32 and max(kap) < 34 * 1.2
    assert states("ill-conditioned-covariance", "30")


def test_sample_covariance_rank():
    rng = np.random.default_rng(1)
    for n, p in ((20, 50), (50, 50), (80, 50)):
        x = rng.standard_normal((n, p))
        s = np.cov(x, rowvar=False)
        assert np.linalg.matrix_rank(s) == min(n - 1, p)


def test_ridge_and_ledoit_wolf_keep_eigenvectors():
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
    wide = rng.standard_normal((30, 40))  # p > n: S is singular, Ledoit-Wolf is not
    rho_w, shrunk_w, s_w = ledoit_wolf(wide)
    assert np.linalg.matrix_rank(s_w) == 29
    floor = rho_w * np.trace(s_w) / 40  # the zero eigenvalues of S land exactly on rho mu
    assert floor > 0 and np.linalg.eigvalsh(shrunk_w).min() == pytest.approx(floor, rel=1e-9)
    assert np.trace(s + 0.3 * np.eye(40)) == pytest.approx(np.trace(s) + 40 * 0.3)
    alpha = rho * mu / (1 - rho)
    assert np.allclose(shrunk, (1 - rho) * (s + alpha * np.eye(40)))
    assert np.linalg.cond(shrunk) == pytest.approx(np.linalg.cond(s + alpha * np.eye(40)))


def test_ledoit_wolf_intensity_near_one_for_white_data():
    for seed in range(5):
        x = np.random.default_rng(seed).standard_normal((200, 100))
        rho, shrunk, s = ledoit_wolf(x)
        assert rho > 0.95
        assert np.linalg.cond(shrunk) < 1.2 < 20 < np.linalg.cond(s)


def test_ridge_shrinkage_factor():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 6)) @ np.diag([5, 2, 1, 0.5, 0.2, 0.1])
    y = rng.standard_normal(40)
    u, d, vt = np.linalg.svd(x, full_matrices=False)
    alpha = 0.7
    ridge_fit = x @ np.linalg.solve(x.T @ x + alpha * np.eye(6), x.T @ y)
    assert np.allclose(u.T @ ridge_fit, d**2 / (d**2 + alpha) * (u.T @ y))
    # the same fit written with S = X^T X / (n - 1) and S + a I, a = alpha / (n - 1)
    n = len(x)
    s, a = x.T @ x / (n - 1), alpha / (n - 1)
    lam = d**2 / (n - 1)
    assert np.allclose(x @ np.linalg.solve(s + a * np.eye(6), x.T @ y / (n - 1)), ridge_fit)
    assert np.allclose(lam / (lam + a), d**2 / (d**2 + alpha))
    # OLS variance along v_i is sigma^2 / ((n - 1) lambda_i)
    cov_ols = np.linalg.inv(x.T @ x)
    assert np.allclose(np.diag(vt @ cov_ols @ vt.T), 1 / ((n - 1) * lam))


# ---------------------------------------------------------------- PSD and Cholesky


def test_cholesky_example():
    qid = "psd-cholesky"
    a = np.array([[4.0, 2.0], [2.0, 3.0]])
    el = np.linalg.cholesky(a)
    assert np.allclose(el, [[2, 0], [1, math.sqrt(2)]])
    assert np.isclose(np.prod(np.diag(el)) ** 2, 8) and np.isclose(np.linalg.det(a), 8)
    logdet = 2 * np.sum(np.log(np.diag(el)))
    assert np.isclose(logdet, math.log(8)) and fmt(logdet, 3) == "2.079"
    sample = el @ np.array([1.0, -1.0])
    assert np.isclose(sample[0], 2) and fmt(sample[1], 3) == "-0.414"
    for s_ in ("2.079", "0.414", "8"):
        assert states(qid, s_)


def test_psd_counterexamples():
    qid = "psd-cholesky"
    m = np.array([[0.0, 0.0], [0.0, -1.0]])
    assert m[0, 0] == 0 and np.linalg.det(m) == 0  # leading minors 0 and 0
    assert np.array([0, 1]) @ m @ np.array([0, 1]) == -1
    c = np.full((3, 3), -0.6) + 1.6 * np.eye(3)
    assert np.allclose(np.diag(c), 1)
    lam = np.linalg.eigvalsh(c)
    assert np.allclose(lam, [-0.2, 1.6, 1.6])
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(c)
    for p in (3, 5, 10):  # equicorrelation is PSD exactly from -1/(p-1)
        edge = np.full((p, p), -1 / (p - 1)) + (1 + 1 / (p - 1)) * np.eye(p)
        assert np.linalg.eigvalsh(edge).min() == pytest.approx(0, abs=1e-12)
    for s_ in ("0.6", "0.2", "1.6"):
        assert states(qid, s_)


def test_cholesky_samples_have_right_covariance():
    a = np.array([[4.0, 2.0], [2.0, 3.0]])
    z = np.random.default_rng(0).standard_normal((400_000, 2))
    x = z @ np.linalg.cholesky(a).T
    assert np.allclose(np.cov(x, rowvar=False), a, atol=0.05)


# ---------------------------------------------------------------- power iteration and Lanczos


def test_power_and_lanczos_iteration_counts():
    qid = "power-iteration-lanczos"
    k_power = 12 * math.log(10) / (2 * math.log(1 / 0.99))
    assert math.ceil(k_power) == 1375
    rho = 0.01 / 0.99
    assert fmt(rho, 4) == "0.0101" and fmt(1 + 2 * rho, 4) == "1.0202"
    k_lanczos = 1 + math.ceil(math.acosh(1e6) / math.acosh(1 + 2 * rho))
    assert k_lanczos == 74
    assert states(qid, "1{,}375") or "1{,}375" in field(qid, "answer")
    for s_ in ("74", "0.0101", "1.0202", "0.99"):
        assert states(qid, s_)


def _spectrum_matrix(rng: np.random.Generator, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    lam = np.concatenate([[1.0, 0.99], np.linspace(0.0, 0.99, n - 2)])
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q @ np.diag(lam) @ q.T, q[:, 0]


def test_power_iteration_and_lanczos_behave_as_bounded():
    rng = np.random.default_rng(0)
    a, v1 = _spectrum_matrix(rng)
    x0 = rng.standard_normal(len(a))
    x0 /= np.linalg.norm(x0)
    cos0 = abs(x0 @ v1)
    pref = 1.0 * (1 - cos0**2) / cos0**2  # (lambda_1 - lambda_n) tan^2 theta_0
    # power iteration: Rayleigh-quotient error against its bound
    x = x0.copy()
    errs = {}
    for k in range(1, 1376):
        x = a @ x
        x /= np.linalg.norm(x)
        if k in (700, 1375):
            errs[k] = 1 - x @ a @ x
    assert errs[1375] <= pref * 0.99 ** (2 * 1375) * 1.0001
    assert errs[700] > 1e3 * errs[1375] > 0
    # Lanczos with full reorthogonalisation
    q = [x0]
    alphas, betas = [], []
    for j in range(74):
        w = a @ q[-1]
        alphas.append(q[-1] @ w)
        w -= np.column_stack(q) @ (np.column_stack(q).T @ w)  # full reorthogonalisation
        betas.append(np.linalg.norm(w))
        q.append(w / betas[-1])
    t = np.diag(alphas) + np.diag(betas[:-1], 1) + np.diag(betas[:-1], -1)
    err_lanczos = 1 - np.linalg.eigvalsh(t).max()
    assert 0 <= err_lanczos <= pref * 1e-12 * 1.0001
    assert err_lanczos < errs[700]


# ---------------------------------------------------------------- Marchenko-Pastur


def mp_density(lam: np.ndarray, gamma: float) -> np.ndarray:
    lo, hi = (1 - np.sqrt(gamma)) ** 2, (1 + np.sqrt(gamma)) ** 2
    return np.sqrt(np.clip((hi - lam) * (lam - lo), 0, None)) / (2 * np.pi * gamma * lam)


def test_second_moment_of_sample_eigenvalues():
    n, p = 400, 100
    exact = (p * (p - 1) * n + p * (n**2 + 2 * n)) / (p * n**2)
    assert exact == pytest.approx(1 + (p + 1) / n)
    rng = np.random.default_rng(0)
    sims = []
    for _ in range(100):
        x = rng.standard_normal((n, p))
        s = x.T @ x / n
        sims.append(np.trace(s @ s) / p)
    assert np.mean(sims) == pytest.approx(exact, rel=0.003)


@pytest.mark.parametrize("gamma", [0.1, 0.25, 0.5, 1.0])
def test_mp_density_moments(gamma):
    lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    f = lambda t: mp_density(np.array(t), gamma)  # noqa: E731
    mass = integrate.quad(f, lo, hi, limit=200)[0]
    mean = integrate.quad(lambda t: t * f(t), lo, hi, limit=200)[0]
    second = integrate.quad(lambda t: t * t * f(t), lo, hi, limit=200)[0]
    assert mass == pytest.approx(1, abs=1e-6)
    assert mean == pytest.approx(1, abs=1e-6)
    assert second - mean**2 == pytest.approx(gamma, abs=1e-6)


def test_mp_atom_for_wide_data():
    gamma = 2.0
    lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    mass = integrate.quad(lambda t: mp_density(np.array(t), gamma), lo, hi, limit=200)[0]
    assert mass == pytest.approx(1 / gamma, abs=1e-6)  # the atom at zero has mass 1 - 1/gamma


def test_stieltjes_equation():
    for gamma in (0.25, 0.5):
        lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
        for z in (-1.0, 3.5 + 0.5j, 0.3 + 1j):
            re = integrate.quad(lambda t: (mp_density(np.array(t), gamma) / (t - z)).real, lo, hi, limit=200)[0]
            im = integrate.quad(lambda t: (mp_density(np.array(t), gamma) / (t - z)).imag, lo, hi, limit=200)[0]
            m = re + 1j * im
            assert abs(gamma * z * m * m + (z - 1 + gamma) * m + 1) < 1e-6
        # the discriminant vanishes exactly at the edges
        for z in (lo, hi):
            assert (z - 1 + gamma) ** 2 - 4 * gamma * z == pytest.approx(0, abs=1e-12)
            assert (z - 1 - gamma) ** 2 - 4 * gamma == pytest.approx(0, abs=1e-12)


def test_spiked_example():
    qid = "marchenko-pastur"
    gamma = 250 / 1000
    assert gamma == 0.25 and (1 + math.sqrt(gamma)) ** 2 == 2.25 and math.sqrt(gamma) == 0.5
    ell = 1.0
    top = (1 + ell) * (1 + gamma / ell)
    assert top == 2.5 and round(100 * (top / 2 - 1)) == 25
    cos2 = (1 - gamma / ell**2) / (1 + gamma / ell)
    assert fmt(cos2, 1) == "0.6"
    assert round(math.degrees(math.acos(math.sqrt(cos2)))) == 39
    assert 0.4 < math.sqrt(gamma)  # the second spike is below threshold
    c = top - 1 - gamma
    roots = sorted([(c - math.sqrt(c * c - 4 * gamma)) / 2, (c + math.sqrt(c * c - 4 * gamma)) / 2])
    assert roots[1] == pytest.approx(1) and roots[0] < math.sqrt(gamma)
    for s_ in ("2.25", "0.5", "2.5", "25", "0.6", "39", "1.4", "0.4", "1000", "250", "0.25", "0.75", "1.25"):
        assert states(qid, s_), s_


def test_spiked_model_in_simulation():
    n, p = 1000, 250
    for ell, top_expect, cos_lo, cos_hi in ((1.0, 2.5, 0.45, 0.72), (0.4, 2.25, 0.0, 0.2)):
        tops, coss = [], []
        for seed in range(4):
            x = np.random.default_rng(seed).standard_normal((n, p))
            x[:, 0] *= math.sqrt(1 + ell)
            ev, vec = np.linalg.eigh(x.T @ x / n)
            tops.append(ev[-1])
            coss.append(vec[0, -1] ** 2)
        assert np.mean(tops) == pytest.approx(top_expect, abs=0.08)
        assert cos_lo < np.mean(coss) < cos_hi


# ---------------------------------------------------------------- whitening and Mahalanobis


def test_mahalanobis_example():
    qid = "whitening-mahalanobis"
    sigma = np.array([[1.0, 0.8], [0.8, 1.0]])
    lam, vec = np.linalg.eigh(sigma)
    assert np.allclose(lam, [0.2, 1.8])
    prec = np.linalg.inv(sigma)
    a, b = np.array([1.0, 1.0]), np.array([1.0, -1.0])
    da, db = a @ prec @ a, b @ prec @ b
    assert fmt(da, 2) == "1.11" and fmt(math.sqrt(da), 2) == "1.05"
    assert np.isclose(db, 10) and fmt(math.sqrt(db), 2) == "3.16"
    assert fmt(math.exp(-da / 2), 3) == "0.574" and fmt(math.exp(-db / 2), 4) == "0.0067"
    from scipy.stats import chi2
    assert chi2.sf(da, 2) == pytest.approx(math.exp(-da / 2))
    el = np.linalg.cholesky(sigma)
    assert np.allclose(el, [[1, 0], [0.8, 0.6]])
    z = np.linalg.solve(el, b)
    assert np.allclose(z, [1, -3]) and np.isclose(z @ z, 10)
    for s_ in ("1.8", "0.2", "1.11", "1.05", "10", "3.16", "0.574", "0.0067", "0.6"):
        assert states(qid, s_), s_


def test_three_whitenings_agree_up_to_rotation():
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
    assert np.allclose(q @ q.T, np.eye(4))  # they differ by an orthogonal matrix
    # ZCA stays closest to the input: E||Wx - x||^2 = tr((W - I) Sigma (W - I)^T)
    cost = lambda w: np.trace((w - np.eye(4)) @ sigma @ (w - np.eye(4)).T)  # noqa: E731
    assert cost(zca) < cost(pca) and cost(zca) < cost(chol)


def test_whitening_amplification_and_chi2_mean():
    qid = "whitening-mahalanobis"
    lo = (1 - math.sqrt(0.5)) ** 2
    assert fmt(lo, 3) == "0.086" and fmt(1 / math.sqrt(lo), 1) == "3.4"
    assert states(qid, "0.086") and states(qid, "3.4")
    from scipy.stats import chi2
    assert chi2.mean(10) == 10 and chi2.sf(10, 2) < 0.01 < 0.4 < chi2.sf(10, 10)


# ---------------------------------------------------------------- figure captions


def test_eigenvalue_spectra_caption():
    caption, c = module_source("eigenvalue_spectra")
    assert c["GAMMAS"] == (0.1, 0.25, 0.5) and "p/n = 0.1, 0.25, 0.5" in caption
    assert c["P_BULK"] == 400 and "p = 400" in caption
    assert c["P"] == 100 and c["N_SPIKED"] == 200 and "$p = 100$, $n = 200$" in caption
    assert c["SPIKES"] == (10.0, 4.0, 1.5) and "true eigenvalues 10, 4, 1.5" in caption
    assert c["RIDGE_ALPHA"] == 0.5 and r"\alpha = 0.5" in caption
    assert "true value 10" in caption and r"\ell = 9" in caption and c["SPIKES"][0] - 1 == 9
    gamma = c["P"] / c["N_SPIKED"]
    # the spike at 1.5 is below the BBP threshold, the others above
    ells = np.array(c["SPIKES"]) - 1
    assert list(ells > math.sqrt(gamma)) == [True, True, False]
    # seeded re-run of the middle panel's claims
    rng = np.random.default_rng(0)
    lam = np.ones(c["P"])
    lam[:3] = c["SPIKES"]
    x = rng.standard_normal((c["N_SPIKED"], c["P"])) * np.sqrt(lam)
    rho, shrunk, s = ledoit_wolf(x)
    ev_s = np.linalg.eigvalsh(s)[::-1]
    ev_lw = np.linalg.eigvalsh(shrunk)[::-1]
    bbp = [(1 + e) * (1 + gamma / e) for e in ells[:2]]
    assert ev_s[0] == pytest.approx(bbp[0], rel=0.15) and ev_s[1] == pytest.approx(bbp[1], rel=0.15)
    assert ev_s[2] < (1 + math.sqrt(gamma)) ** 2 * 1.1  # the 1.5 spike does not stand out
    assert ev_s[-1] == pytest.approx(0.1, abs=0.03)  # smallest near 0.1, far below 1
    assert "near 0.1" in caption and (1 - math.sqrt(gamma)) ** 2 == pytest.approx(0.086, abs=1e-3)
    assert ev_lw[0] < ev_s[0] and ev_lw[-1] > ev_s[-1]  # pulled toward the mean from both sides
    assert np.allclose(ev_lw, (1 - rho) * ev_s + rho * np.trace(s) / c["P"])
    # last panel: large-n prediction and its blow-up as n/p -> 1
    pred = lambda r: (1 + 9) * (1 + (1 / r) / 9) / (1 - math.sqrt(1 / r)) ** 2  # noqa: E731
    assert pred(1.1) > 1000 > pred(2.0) > pred(20.0) > 10
    x = np.random.default_rng(1).standard_normal((2000, 1000)) * np.sqrt(
        np.concatenate([[10.0], np.ones(999)]))
    ev = np.linalg.eigvalsh(x.T @ x / 2000)
    assert ev[-1] / ev[0] == pytest.approx(pred(2.0), rel=0.12)
    # Ledoit-Wolf can fall below the true value 10 near n/p = 1: replay the figure's draws
    assert "Ledoit-Wolf can even fall below the true value" in caption
    rng = np.random.default_rng(0)
    for gamma_ in c["GAMMAS"]:
        rng.standard_normal((int(round(c["P_BULK"] / gamma_)), c["P_BULK"]))
    rng.standard_normal((c["N_SPIKED"], c["P"]))
    x = rng.standard_normal((int(round(c["RATIOS"][0] * c["P"])), c["P"])) * np.sqrt(lam)
    rho, shrunk, s = ledoit_wolf(x)
    assert np.linalg.cond(shrunk) < 10 and np.linalg.eigvalsh(shrunk).max() < 5
    assert np.linalg.cond(s) > 1000


def test_lowrank_error_caption():
    caption, c = module_source("lowrank_error")
    src = (FIGURES / "lowrank_error.py").read_text(encoding="utf-8")
    assert (c["M"], c["N"]) == (200, 150) and r"200 \times 150" in caption
    assert c["SIGNAL_RANK"] == 5 and "rank-5" in caption and "k = 5" in caption
    assert c["POWER"] == 1.0 and r"\sigma_i \propto 1/i" in caption
    assert "oversample: int = 5" in src and "k + 5" in caption
    rng = np.random.default_rng(0)
    m, n = c["M"], c["N"]
    u, _ = np.linalg.qr(rng.standard_normal((m, 5)))
    v, _ = np.linalg.qr(rng.standard_normal((n, 5)))
    low = u @ np.diag(np.linspace(5, 1, 5)) @ v.T + c["NOISE"] * rng.standard_normal((m, n)) / np.sqrt(n)
    s_low = np.linalg.svd(low, compute_uv=False)
    err = lambda s, k: math.sqrt(np.sum(s[k:] ** 2) / np.sum(s**2))  # noqa: E731
    assert s_low[4] > 5 * s_low[5]  # signal singular values stand clear of the noise
    drop_before, drop_after = err(s_low, 4) - err(s_low, 5), err(s_low, 5) - err(s_low, 6)
    assert drop_before > 20 * drop_after  # the knee at k = 5
    noise = rng.standard_normal((m, n))
    s_noise = np.linalg.svd(noise, compute_uv=False)
    assert err(s_noise, 40) > 0.5  # noise hardly compresses
    # measured truncation error equals the Eckart-Young formula
    uu, ss, vvt = np.linalg.svd(noise, full_matrices=False)
    for k in (5, 20):
        ak = (uu[:, :k] * ss[:k]) @ vvt[:k]
        assert np.linalg.norm(noise - ak) / np.linalg.norm(noise) == pytest.approx(err(ss, k))
    # randomised SVD is near optimal, random projection is not
    r = min(m, n)
    qa, _ = np.linalg.qr(rng.standard_normal((m, r)))
    qb, _ = np.linalg.qr(rng.standard_normal((n, r)))
    s_pow = 1 / np.arange(1, r + 1)
    a = qa @ np.diag(s_pow) @ qb.T
    for k in (10, 25):
        y = a @ rng.standard_normal((n, k + 5))
        q, _ = np.linalg.qr(a @ (a.T @ y))
        ub, sb, vbt = np.linalg.svd(q.T @ a, full_matrices=False)
        approx = q @ ((ub[:, :k] * sb[:k]) @ vbt[:k])
        assert np.linalg.norm(a - approx, 2) < 1.5 * s_pow[k]
        proj, _ = np.linalg.qr(rng.standard_normal((n, k)))
        assert np.linalg.norm(a - a @ proj @ proj.T, 2) > 5 * s_pow[k]


def test_ridge_shrinkage_caption():
    caption, c = module_source("ridge_shrinkage")
    assert (c["N"], c["P"]) == (100, 20) and "$n = 100$" in caption and "$p = 20$" in caption
    assert c["RHO"] == 0.9 and "correlation 0.9" in caption
    assert c["ALPHAS"] == (0.1, 1.0, 10.0, 100.0) and r"\alpha = 0.1, 1, 10, 100" in caption
    rng = np.random.default_rng(0)
    idx = np.arange(20)
    corr = 0.9 ** np.abs(idx[:, None] - idx[None, :])
    x = rng.standard_normal((100, 20)) @ np.linalg.cholesky(corr).T
    d = np.linalg.svd(x, compute_uv=False)
    df = lambda a: np.sum(d**2 / (d**2 + a))  # noqa: E731
    assert df(0.0) == pytest.approx(20) and df(1e9) < 1e-5
    assert all(df(a) > df(b) for a, b in zip(c["ALPHAS"], c["ALPHAS"][1:]))
    assert np.linalg.cond(x.T @ x) == pytest.approx((d[0] / d[-1]) ** 2, rel=1e-8)
    kappa = lambda a: (d[0] ** 2 + a) / (d[-1] ** 2 + a)  # noqa: E731
    assert kappa(1e9) == pytest.approx(1, abs=1e-5)
    assert np.linalg.cond(x.T @ x + 10 * np.eye(20)) == pytest.approx(kappa(10), rel=1e-8)
