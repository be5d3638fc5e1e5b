"""Recompute every number stated in the information-theory chapter and its figures."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import integrate, optimize, special, stats

from bank import QUESTIONS, field, fmt, states

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "content" / "05-information.yaml"
LN2 = math.log(2.0)


def caption(module: str) -> str:
    """The CAPTION string of a figure module, read from source without importing it."""
    tree = ast.parse((ROOT / "figures" / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "CAPTION" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"no CAPTION in {module}")


def in_caption(module: str, number: str) -> bool:
    pattern = r"(?<![\d.])" + re.escape(number) + r"(?![\d])"
    return re.search(pattern, caption(module)) is not None



def entropy(p, base=math.e) -> float:
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum() / math.log(base))


def binary_entropy_bits(q: float) -> float:
    return entropy([q, 1 - q], base=2)


def kl(p, q) -> float:
    p, q = np.asarray(p, float), np.asarray(q, float)
    keep = p > 0
    return float((p[keep] * np.log(p[keep] / q[keep])).sum())


# --------------------------------------------------------------------------
# Structure of the chapter
# --------------------------------------------------------------------------

ORDER = [
    ("entropy-bits-nats", "easy"),
    ("cross-entropy-kl", "easy"),
    ("forward-reverse-kl", "medium"),
    ("gaussian-kl", "medium"),
    ("mutual-information", "medium"),
    ("label-smoothing", "medium"),
    ("perplexity-compression", "easy"),
    ("gan-jensen-shannon", "hard"),
    ("infonce-bound", "hard"),
    ("mdl-bic-evidence", "medium"),
    ("universal-approximation", "medium"),
    ("depth-separation", "hard"),
    ("bias-variance", "medium"),
]



@pytest.fixture(scope="module")
def chapter() -> dict:
    return yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))


def test_chapter_order_and_difficulty(chapter):
    assert chapter["id"] == "information"
    assert chapter["title"] == "Information theory and approximation"
    got = [(q["id"], q["difficulty"]) for q in chapter["questions"]]
    assert got == ORDER


def test_lengths_and_links(chapter):
    refs = set(chapter.get("references", {}))
    shared = set(yaml.safe_load((ROOT / "content" / "references.yaml").read_text())["references"])
    figures = {p.stem for p in (ROOT / "figures").glob("*.py")}
    for q in chapter["questions"]:
        assert len(q["short_answer"].split()) <= 70, q["id"]
        assert 250 <= len(q["answer"].split()) <= 700, q["id"]
        assert 2 <= len(q["topics"]) <= 4, q["id"]
        assert 2 <= len(q["mistakes"]) <= 4 and 2 <= len(q["follow_ups"]) <= 3, q["id"]
        assert set(q["references"]) <= refs | shared, q["id"]
        assert set(q.get("figures", [])) <= figures, q["id"]
        text = "\n".join(
            "\n".join(v) if isinstance(v, list) else str(v) for v in q.values()
        )
        for key in re.findall(r"\\cite\{([^}]*)\}", text):
            for k in key.split(","):
                assert k.strip() in refs | shared, (q["id"], k)
                assert k.strip() in q["references"], (q["id"], k)
        assert "$$" not in text and "--" not in text, q["id"]


def test_figures_attached():
    assert "kl_asymmetry" in QUESTIONS["cross-entropy-kl"]["figures"]
    assert "kl_asymmetry" in QUESTIONS["forward-reverse-kl"]["figures"]
    assert "binary_entropy_gap" in QUESTIONS["entropy-bits-nats"]["figures"]
    assert "binary_entropy_gap" in QUESTIONS["cross-entropy-kl"]["figures"]
    assert "relu_approximation" in QUESTIONS["universal-approximation"]["figures"]


# --------------------------------------------------------------------------
# entropy-bits-nats
# --------------------------------------------------------------------------

def test_entropy_units():
    assert fmt(1 / LN2) == "1.443" and fmt(LN2) == "0.693"
    for n in ("1.443", "0.693"):
        assert states("entropy-bits-nats", n, fields=("short_answer",))
        assert states("entropy-bits-nats", n)


def test_entropy_dyadic_example():
    p = [0.5, 0.25, 0.125, 0.125]
    h_bits = entropy(p, base=2)
    assert h_bits == pytest.approx(1.75)
    # the prefix code 0, 10, 110, 111 has lengths equal to -log2 p
    lengths = np.array([len(c) for c in ("0", "10", "110", "111")])
    assert np.allclose(lengths, -np.log2(p))
    assert float(np.dot(p, lengths)) == pytest.approx(1.75)
    assert sum(2.0 ** -lengths) == pytest.approx(1.0)  # Kraft equality
    assert fmt(h_bits * LN2) == "1.213"
    assert entropy([0.25] * 4, base=2) == pytest.approx(2.0)
    for n in ("1.75", "1.213"):
        assert states("entropy-bits-nats", n)


def test_entropy_ten_classes():
    assert fmt(math.log2(10)) == "3.322" and fmt(math.log(10)) == "2.303"
    assert states("entropy-bits-nats", "3.322") and states("entropy-bits-nats", "2.303")


def test_differential_entropy_negative():
    sigma = 0.1
    h = 0.5 * math.log(2 * math.pi * math.e * sigma**2)
    # cross-check against a numerical integral
    num = stats.norm(scale=sigma).entropy()
    assert h == pytest.approx(float(num))
    assert fmt(h) == "-0.884"
    assert states("entropy-bits-nats", "0.884")
    assert "-0.884" in field("entropy-bits-nats", "answer")


# --------------------------------------------------------------------------
# cross-entropy-kl
# --------------------------------------------------------------------------

def test_cross_entropy_worked_example():
    P = np.array([0.7, 0.2, 0.1])
    Q = np.array([0.5, 0.3, 0.2])
    hp = entropy(P)
    hpq = float(-(P * np.log(Q)).sum())
    assert hpq == pytest.approx(hp + kl(P, Q))  # H(P,Q) = H(P) + KL
    assert fmt(hp) == "0.802" and fmt(hpq) == "0.887"
    assert fmt(kl(P, Q)) == "0.085" and fmt(kl(Q, P)) == "0.092"
    for n in ("0.802", "0.887", "0.085", "0.092"):
        assert states("cross-entropy-kl", n)
    onehot = np.array([1.0, 0.0, 0.0])
    assert kl(onehot, Q) == pytest.approx(-math.log(0.5))
    assert fmt(-math.log(0.5)) == "0.693"
    assert states("cross-entropy-kl", "0.693")


def test_gibbs_inequality_random():
    rng = np.random.default_rng(0)
    for _ in range(200):
        P, Q = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
        assert kl(P, Q) >= 0
        assert float(-(P * np.log(Q)).sum()) >= entropy(P)


def test_soft_target_gradient_same_as_kl():
    # d/dz of H(P, softmax z) and of KL(P || softmax z) agree: both are softmax(z) - P
    rng = np.random.default_rng(1)
    P = rng.dirichlet(np.ones(4))
    z = rng.normal(size=4)

    def ce(z):
        q = special.softmax(z)
        return -(P * np.log(q)).sum()

    eps = 1e-6
    grad = np.array([(ce(z + eps * e) - ce(z - eps * e)) / (2 * eps) for e in np.eye(4)])
    assert np.allclose(grad, special.softmax(z) - P, atol=1e-7)


# --------------------------------------------------------------------------
# forward-reverse-kl and the kl_asymmetry figure
# --------------------------------------------------------------------------

GRID = np.linspace(-10.0, 10.0, 8001)
STEP = GRID[1] - GRID[0]
MIX = 0.5 * stats.norm.pdf(GRID, -2, 0.6) + 0.5 * stats.norm.pdf(GRID, 2, 0.6)


def grid_kl(a, b) -> float:
    keep = a > 1e-300
    return float(np.sum(a[keep] * (np.log(a[keep]) - np.log(np.maximum(b[keep], 1e-300)))) * STEP)


@pytest.fixture(scope="module")
def fits():
    mean = float(np.sum(GRID * MIX) * STEP)
    sd = float(np.sqrt(np.sum((GRID - mean) ** 2 * MIX) * STEP))

    def rev(theta):
        return grid_kl(stats.norm.pdf(GRID, theta[0], np.exp(theta[1])), MIX)

    res = optimize.minimize(rev, [1.0, 0.0], method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000})
    rm, rs = float(res.x[0]), float(np.exp(res.x[1]))
    qf = stats.norm.pdf(GRID, mean, sd)
    qr = stats.norm.pdf(GRID, rm, rs)
    centre = optimize.minimize_scalar(
        lambda s: grid_kl(stats.norm.pdf(GRID, 0.0, np.exp(s)), MIX),
        bounds=(-3, 2), method="bounded", options={"xatol": 1e-8})
    return {
        "mean": mean, "sd": sd, "rm": rm, "rs": rs,
        "fwd_fwd": grid_kl(MIX, qf), "fwd_rev": grid_kl(qf, MIX),
        "rev_rev": grid_kl(qr, MIX), "rev_fwd": grid_kl(MIX, qr),
        "centre": float(centre.fun),
    }


def test_forward_fit_is_moment_matching(fits):
    # exact moments of the mixture: mean 0, variance 4 + 0.36
    assert fits["mean"] == pytest.approx(0.0, abs=1e-9)
    assert fits["sd"] ** 2 == pytest.approx(4.36, rel=1e-6)
    # and moment matching really minimises the forward KL over (mu, sigma)
    res = optimize.minimize(
        lambda t: grid_kl(MIX, stats.norm.pdf(GRID, t[0], np.exp(t[1]))),
        [0.7, 0.3], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12})
    assert res.x[0] == pytest.approx(0.0, abs=1e-4)
    assert np.exp(res.x[1]) == pytest.approx(fits["sd"], rel=1e-4)
    assert fmt(fits["sd"]) == "2.088"
    assert states("forward-reverse-kl", "4.36") and states("forward-reverse-kl", "2.088")


def test_kl_asymmetry_numbers(fits):
    expected = {
        "fwd_fwd": "0.555", "fwd_rev": "1.273", "rev_rev": "0.692",
        "rm": "1.997", "rs": "0.605", "centre": "1.138",
    }
    for key, text in expected.items():
        assert fmt(fits[key]) == text, key
        assert states("forward-reverse-kl", text), key
        assert in_caption("kl_asymmetry", text), key
    assert f"{fits['rev_fwd']:.1f}" == "10.2"
    assert states("forward-reverse-kl", "10.2") and in_caption("kl_asymmetry", "10.2")
    assert in_caption("kl_asymmetry", "2.088") and in_caption("kl_asymmetry", "0.693")
    # the reverse fit sits on one mode and pays just under ln 2
    assert fits["rev_rev"] < LN2 and LN2 - fits["rev_rev"] < 0.01
    # the central stationary point is a worse local minimum
    assert fits["centre"] > fits["rev_rev"]


def test_mean_field_variance():
    rho = 0.9
    sigma = np.array([[1.0, rho], [rho, 1.0]])
    precision = np.linalg.inv(sigma)
    assert fmt(1 / precision[0, 0], 2) == "0.19"
    assert states("forward-reverse-kl", "0.19")


# --------------------------------------------------------------------------
# gaussian-kl
# --------------------------------------------------------------------------

def gauss_kl(m0, S0, m1, S1) -> float:
    m0, m1 = np.atleast_1d(m0).astype(float), np.atleast_1d(m1).astype(float)
    S0, S1 = np.atleast_2d(S0).astype(float), np.atleast_2d(S1).astype(float)
    d = m0.size
    S1inv = np.linalg.inv(S1)
    diff = m1 - m0
    return 0.5 * float(np.trace(S1inv @ S0) + diff @ S1inv @ diff - d
                       + np.log(np.linalg.det(S1) / np.linalg.det(S0)))


def test_gaussian_kl_formula_against_quadrature():
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    S0, S1 = A @ A.T + 0.5 * np.eye(2), B @ B.T + 0.5 * np.eye(2)
    m0, m1 = rng.normal(size=2), rng.normal(size=2)
    p0 = stats.multivariate_normal(m0, S0)
    p1 = stats.multivariate_normal(m1, S1)
    x = p0.rvs(size=400_000, random_state=3)
    mc = float(np.mean(p0.logpdf(x) - p1.logpdf(x)))
    assert gauss_kl(m0, S0, m1, S1) == pytest.approx(mc, abs=0.01)
    assert gauss_kl(m0, S0, m0, S0) == pytest.approx(0.0, abs=1e-12)


def test_gaussian_kl_numbers():
    a = gauss_kl(0, 1, 0, 4)
    b = gauss_kl(0, 4, 0, 1)
    f = lambda x: stats.norm.pdf(x) * (stats.norm.logpdf(x) - stats.norm.logpdf(x, scale=2))
    assert a == pytest.approx(integrate.quad(f, -30, 30)[0])
    assert a == pytest.approx(LN2 + 1 / 8 - 1 / 2) and b == pytest.approx(-LN2 + 2 - 0.5)
    assert fmt(a) == "0.318" and fmt(b) == "0.807"
    for n in ("0.318", "0.807"):
        assert states("gaussian-kl", n, fields=("short_answer",))
        assert states("gaussian-kl", n)
    # VAE term with mu = 1, sigma = 0.5
    vae = 0.5 * (1 + 0.25 - 1 - math.log(0.25))
    assert vae == pytest.approx(gauss_kl(1, 0.25, 0, 1))
    assert fmt(vae) == "0.818" and states("gaussian-kl", "0.818")


def test_gaussian_kl_triangle_failure():
    ab, bc, ac = gauss_kl(0, 1, 1, 1), gauss_kl(1, 1, 2, 1), gauss_kl(0, 1, 2, 1)
    assert (ab, bc, ac) == pytest.approx((0.5, 0.5, 2.0))
    assert ab + bc < ac
    assert "0.5+0.5=1" in field("gaussian-kl", "answer")


# --------------------------------------------------------------------------
# mutual-information
# --------------------------------------------------------------------------

def mutual_information_bits(joint) -> float:
    joint = np.asarray(joint, float)
    px, py = joint.sum(1, keepdims=True), joint.sum(0, keepdims=True)
    keep = joint > 0
    return float((joint[keep] * np.log2(joint[keep] / (px @ py)[keep])).sum())


def test_binary_symmetric_chain():
    f = 0.1
    channel = np.array([[1 - f, f], [f, 1 - f]])
    px = np.array([0.5, 0.5])
    joint_xy = np.diag(px) @ channel
    joint_xz = np.diag(px) @ channel @ channel
    ixy, ixz = mutual_information_bits(joint_xy), mutual_information_bits(joint_xz)
    assert joint_xz[0, 1] / 0.5 == pytest.approx(0.18)
    assert ixy == pytest.approx(1 - binary_entropy_bits(0.1))
    assert ixz == pytest.approx(1 - binary_entropy_bits(0.18))
    assert ixz <= ixy
    checks = {
        "0.469": binary_entropy_bits(0.1), "0.531": ixy,
        "0.680": binary_entropy_bits(0.18), "0.320": ixz, "0.211": ixy - ixz,
    }
    for text, value in checks.items():
        assert fmt(value) == text
        assert states("mutual-information", text)
    assert states("mutual-information", "0.18")


def test_gaussian_mutual_information():
    rho = 0.9
    value = -0.5 * math.log(1 - rho**2)
    # check against the entropy formula I = h(X) + h(Y) - h(X, Y)
    cov = np.array([[1, rho], [rho, 1]])
    h = lambda c: 0.5 * math.log((2 * math.pi * math.e) ** len(c) * np.linalg.det(c))
    assert value == pytest.approx(2 * h(np.eye(1)) - h(cov))
    assert fmt(value) == "0.830" and states("mutual-information", "0.830")


# --------------------------------------------------------------------------
# label-smoothing
# --------------------------------------------------------------------------

def test_label_smoothing_optimum():
    K, eps = 10, 0.1
    target = np.full(K, eps / K)
    target[0] += 1 - eps
    assert fmt(target[0], 2) == "0.91" and fmt(target[1], 2) == "0.01"
    gap = math.log(target[0] / target[1])
    assert fmt(gap) == "4.511" and math.isclose(target[0] / target[1], 91)
    assert states("label-smoothing", "4.511", fields=("short_answer",))
    assert states("label-smoothing", "4.511") and states("label-smoothing", "91")
    # numerically minimise the smoothed loss over logits
    loss = lambda z: -(target * np.log(special.softmax(z))).sum()
    res = optimize.minimize(loss, np.zeros(K), method="BFGS", options={"gtol": 1e-10})
    z = res.x
    assert z[0] - z[1:].mean() == pytest.approx(gap, abs=1e-4)
    assert np.allclose(special.softmax(z), target, atol=1e-6)
    floor = entropy(target)
    assert res.fun == pytest.approx(floor, abs=1e-9)
    assert fmt(floor) == "0.500" and states("label-smoothing", "0.500")
    for n in ("0.91", "0.01"):
        assert states("label-smoothing", n)


def test_label_smoothing_decomposition():
    rng = np.random.default_rng(4)
    K, eps = 10, 0.1
    q = rng.dirichlet(np.ones(K))
    target = np.full(K, eps / K)
    target[3] += 1 - eps
    lhs = -(target * np.log(q)).sum()
    u = np.full(K, 1 / K)
    rhs = (1 - eps) * -np.log(q[3]) + eps * -(u * np.log(q)).sum()
    assert lhs == pytest.approx(rhs)
    assert -(u * np.log(q)).sum() == pytest.approx(math.log(K) + kl(u, q))


# --------------------------------------------------------------------------
# perplexity-compression
# --------------------------------------------------------------------------

def test_perplexity_numbers():
    loss = 2.0
    assert fmt(math.exp(loss)) == "7.389"
    bits = loss / LN2
    assert fmt(bits) == "2.885" and fmt(bits / 4) == "0.721"
    assert round(1e6 * bits / 8 / 1000) == 361
    assert fmt(math.log(50000)) == "10.820"
    for n in ("7.389", "2.885"):
        assert states("perplexity-compression", n, fields=("short_answer",))
    for n in ("7.389", "2.885", "0.721", "361", "10.820", "50,000"):
        assert states("perplexity-compression", n), n


def test_arithmetic_coding_overhead():
    # Shannon-Fano-Elias / arithmetic code length: ceil(-log2 q) + 1 < -log2 q + 2
    for prob in (0.3, 1e-5, 0.9999):
        length = math.ceil(-math.log2(prob)) + 1
        assert length < -math.log2(prob) + 2


def test_perplexity_is_branching_factor():
    K = 20
    assert math.exp(-math.log(1 / K)) == pytest.approx(K)


# --------------------------------------------------------------------------
# gan-jensen-shannon
# --------------------------------------------------------------------------

def js_uniform_shift(theta: float) -> float:
    """JS(U[0,1] || U[theta, theta+1]) by numerical integration."""
    x = np.linspace(-0.5, 3.5, 400_001)
    dx = x[1] - x[0]
    p = ((x >= 0) & (x <= 1)).astype(float)
    q = ((x >= theta) & (x <= theta + 1)).astype(float)
    m = 0.5 * (p + q)
    return 0.5 * grid_kl_dx(p, m, dx) + 0.5 * grid_kl_dx(q, m, dx)


def grid_kl_dx(a, b, dx) -> float:
    keep = a > 0
    return float(np.sum(a[keep] * np.log(a[keep] / b[keep])) * dx)


def test_optimal_discriminator():
    a, b = 0.3, 1.7
    res = optimize.minimize_scalar(lambda t: -(a * math.log(t) + b * math.log(1 - t)),
                                   bounds=(1e-9, 1 - 1e-9), method="bounded",
                                   options={"xatol": 1e-12})
    assert res.x == pytest.approx(a / (a + b), abs=1e-6)


def test_gan_value_is_js():
    rng = np.random.default_rng(5)
    pd, pg = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    d = pd / (pd + pg)
    value = float((pd * np.log(d)).sum() + (pg * np.log(1 - d)).sum())
    m = 0.5 * (pd + pg)
    js = 0.5 * kl(pd, m) + 0.5 * kl(pg, m)
    assert value == pytest.approx(-math.log(4) + 2 * js)
    assert js <= LN2


def test_gan_uniform_example():
    assert fmt(-math.log(4)) == "-1.386"
    assert "-1.386" in field("gan-jensen-shannon", "answer")
    for theta in (0.25, 0.5, 0.8):
        assert js_uniform_shift(theta) == pytest.approx(theta * LN2, abs=1e-4)
    for theta in (1.0, 1.5, 2.0):
        assert js_uniform_shift(theta) == pytest.approx(LN2, abs=1e-4)
    js = js_uniform_shift(0.5)
    assert fmt(js) == "0.347"
    value = -math.log(4) + 2 * js
    assert fmt(value) == "-0.693" and "-0.693" in field("gan-jensen-shannon", "answer")
    assert -math.log(4) + 2 * LN2 == pytest.approx(0.0)
    assert stats.wasserstein_distance(np.linspace(0, 1, 1001), np.linspace(0.5, 1.5, 1001)) \
        == pytest.approx(0.5)
    for n in ("0.347", "0.693", "1.386"):
        assert states("gan-jensen-shannon", n)


# --------------------------------------------------------------------------
# infonce-bound
# --------------------------------------------------------------------------

def test_infonce_cap_numbers():
    assert fmt(math.log(256)) == "5.545" and math.log2(256) == 8
    assert fmt(math.log(256) - 3.0) == "2.545"
    assert fmt(math.log(65536)) == "11.090" and math.log2(65536) == 16
    assert states("infonce-bound", "5.545", fields=("short_answer",))
    for n in ("5.545", "2.545", "11.090", "3.0", "8", "16"):
        assert states("infonce-bound", n), n
    assert "65{,}536" in field("infonce-bound", "answer")


def test_infonce_bound_holds_for_gaussians():
    """Monte Carlo: with the optimal critic, ln K - loss stays below the true MI."""
    rng = np.random.default_rng(6)
    rho, K, batches = 0.8, 16, 4000
    true_mi = -0.5 * math.log(1 - rho**2)

    def critic(x, y):  # log p(y|x) - log p(y)
        return (stats.norm.logpdf(y, rho * x, math.sqrt(1 - rho**2))
                - stats.norm.logpdf(y))

    x = rng.normal(size=(batches, 1))
    y_pos = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=(batches, 1))
    y_neg = rng.normal(size=(batches, K - 1))
    scores = critic(x, np.hstack([y_pos, y_neg]))
    loss = float(np.mean(special.logsumexp(scores, axis=1) - scores[:, 0]))
    bound = math.log(K) - loss
    assert 0 < bound < true_mi
    assert bound < math.log(K)


# --------------------------------------------------------------------------
# mdl-bic-evidence
# --------------------------------------------------------------------------

def test_coin_model_comparison():
    n, h = 100, 62
    ll0 = n * math.log(0.5)
    theta = h / n
    ll1 = h * math.log(theta) + (n - h) * math.log(1 - theta)
    lr = 2 * (ll1 - ll0)
    pval = stats.chi2.sf(lr, 1)
    bic0, bic1 = -2 * ll0, -2 * ll1 + math.log(n)
    log_ev1 = float(special.betaln(h + 1, n - h + 1))
    # the Beta integral agrees with quadrature
    quad = integrate.quad(lambda t: t**h * (1 - t) ** (n - h), 0, 1, points=[theta])[0]
    assert math.log(quad) == pytest.approx(log_ev1, rel=1e-8)
    log_bf = log_ev1 - ll0
    laplace = ll1 + 0.5 * math.log(2 * math.pi) - 0.5 * math.log(n / (theta * (1 - theta)))
    bic_approx = ll1 - 0.5 * math.log(n)
    checks = {
        "-69.315": ll0, "-66.406": ll1, "5.817": lr, "138.629": bic0, "137.418": bic1,
        "1.211": bic0 - bic1, "0.606": ll1 - ll0 - 0.5 * math.log(n), "-68.520": log_ev1,
        "0.795": log_bf, "1.146": log_bf / LN2, "-68.513": laplace, "-68.709": bic_approx,
    }
    for text, value in checks.items():
        assert fmt(value) == text, text
        assert states("mdl-bic-evidence", text.lstrip("-")), text
        if text.startswith("-"):
            assert text in field("mdl-bic-evidence", "answer"), text
    assert fmt(pval) == "0.016" and states("mdl-bic-evidence", "0.016")
    assert f"{math.exp(log_bf):.2f}" == "2.21" and states("mdl-bic-evidence", "2.21")
    assert 1 < math.exp(log_bf) < 3  # "barely worth mentioning" on the Kass-Raftery scale
    assert states("mdl-bic-evidence", "62") and states("mdl-bic-evidence", "0.62")


def test_prior_width_costs_log_ten():
    # y_i ~ N(theta, 1), prior N(0, s^2): widening s tenfold costs about ln 10 nats
    rng = np.random.default_rng(7)
    y = rng.normal(0.3, 1.0, size=50)
    n = y.size

    def log_evidence(s):
        cov = np.eye(n) + s**2 * np.ones((n, n))
        return float(stats.multivariate_normal(np.zeros(n), cov).logpdf(y))

    drop = log_evidence(10.0) - log_evidence(100.0)
    assert drop == pytest.approx(math.log(10), abs=0.01)


# --------------------------------------------------------------------------
# universal-approximation and the relu_approximation figure
# --------------------------------------------------------------------------

X = np.linspace(0.0, 1.0, 4001)
FIT = np.linspace(0.0, 1.0, 1601)


def interp_error(k: int, x=X) -> float:
    knots = np.linspace(0, 1, k + 1)
    return float(np.max(np.abs(np.interp(x, knots, np.sin(2 * np.pi * knots))
                               - np.sin(2 * np.pi * x))))


def relu_net_interpolant(k: int, x):
    knots = np.linspace(0, 1, k + 1)
    vals = np.sin(2 * np.pi * knots)
    slopes = np.diff(vals) / np.diff(knots)
    c = np.concatenate([[slopes[0]], np.diff(slopes)])
    return vals[0] + np.maximum(x[:, None] - knots[None, :-1], 0) @ c


def test_relu_net_equals_interpolant():
    x = np.linspace(0, 1, 5001)
    for k in (3, 7, 10):
        knots = np.linspace(0, 1, k + 1)
        assert np.allclose(relu_net_interpolant(k, x),
                           np.interp(x, knots, np.sin(2 * np.pi * knots)))


def test_universal_approximation_numbers():
    fine = np.linspace(0, 1, 400_001)
    bound = lambda k: math.pi**2 / (2 * k**2)
    assert 4 * math.pi**2 / 8 == pytest.approx(math.pi**2 / 2)
    checks = {10: ("0.0493", "0.0489"), 20: ("0.0123", "0.0122")}
    for k, (b, a) in checks.items():
        err = interp_error(k, fine)
        assert err <= bound(k)
        assert fmt(bound(k), 4) == b and fmt(err, 4) == a
        assert states("universal-approximation", b) and states("universal-approximation", a)
    kmin = math.ceil(math.sqrt(math.pi**2 / (2 * 1e-4)))
    assert kmin == 223 and bound(kmin) <= 1e-4 < bound(kmin - 1)
    assert states("universal-approximation", "223")


def test_relu_figure_caption():
    cap = caption("relu_approximation")
    errs = [interp_error(k) for k in (4, 8, 16, 32, 64, 128, 256)]
    # doubling the width divides the error by about four
    ratios = np.array(errs[1:-1]) / np.array(errs[2:])
    assert np.all(np.abs(ratios - 4) < 0.3)
    assert fmt(interp_error(64), 4) == "0.0012" and in_caption("relu_approximation", "0.0012")
    assert "median of 5 draws" in cap

    def random_feature_error(width, seed):
        rng = np.random.default_rng(seed)
        kinks = rng.uniform(0.0, 1.0, width)
        signs = rng.choice([-1.0, 1.0], width)
        def design(x):
            feats = np.maximum(signs[None, :] * (x[:, None] - kinks[None, :]), 0.0)
            return np.hstack([np.ones((x.size, 1)), feats])

        d = design(FIT)
        w, *_ = np.linalg.lstsq(d.T @ d, d.T @ np.sin(2 * np.pi * FIT), rcond=None)
        return float(np.max(np.abs(design(X) @ w - np.sin(2 * np.pi * X))))

    widths = (4, 8, 16, 32, 64, 128, 256)
    rand = [np.median([random_feature_error(w, s) for s in range(5)]) for w in widths]
    assert all(a > b for a, b in zip(rand, rand[1:]))  # improves steadily
    assert all(r > e for r, e in zip(rand, errs))  # but sits above the interpolant


# --------------------------------------------------------------------------
# depth-separation
# --------------------------------------------------------------------------

def tent(x):
    return 2 * np.maximum(x, 0) - 4 * np.maximum(x - 0.5, 0)


def sawtooth(k, x):
    for _ in range(k):
        x = tent(x)
    return x


def count_pieces(k: int) -> int:
    # breakpoints of t^k lie on the dyadic grid of spacing 2^-k; count slope changes
    x = np.linspace(0, 1, 2**k + 1)
    y = sawtooth(k, x)
    slopes = np.diff(y) / np.diff(x)
    return 1 + int(np.sum(np.abs(np.diff(slopes)) > 1e-9))


def test_sawtooth_structure():
    x = np.linspace(0, 1, 2**12 + 1)
    assert np.allclose(tent(x), np.where(x <= 0.5, 2 * x, 2 - 2 * x))
    for k in (1, 3, 6, 10):
        assert count_pieces(k) == 2**k
    assert 2**10 == 1024 and 2 * 10 == 20
    y = sawtooth(10, x)
    assert y.min() == pytest.approx(0) and y.max() == pytest.approx(1)
    for n in ("1024", "20"):
        assert states("depth-separation", n)


def lower_bound(k: int, p: int) -> float:
    return 1 / 8 - (p + 1) * 2.0 ** -(k + 2)


def l1_error(k: int, breakpoints, values, resolution: int = 14) -> float:
    x = np.linspace(0, 1, 2**resolution + 1)
    g = np.interp(x, breakpoints, values)
    return float(np.mean(np.abs(sawtooth(k, x) - g)))


def test_depth_lower_bound_holds():
    rng = np.random.default_rng(8)
    k = 8
    for p in (1, 5, 20, 40):
        fitted = p <= 20
        # uniform interpolants, random piecewise-linear functions and a fitted one
        knots = np.linspace(0, 1, p + 1)
        assert l1_error(k, knots, sawtooth(k, knots)) >= lower_bound(k, p)
        for _ in range(20):
            bp = np.sort(np.concatenate([[0, 1], rng.uniform(0, 1, p - 1)]))
            assert l1_error(k, bp, rng.uniform(0, 1, p + 1)) >= lower_bound(k, p)
        if fitted:
            res = optimize.minimize(
                lambda v: l1_error(k, knots, v, 12), np.full(p + 1, 0.5), method="Powell",
                options={"maxiter": 2000, "xtol": 1e-3})
            assert l1_error(k, knots, res.x) >= lower_bound(k, p)
    # the trivial constant 1/2 has L1 error exactly 1/4
    assert l1_error(10, [0, 1], [0.5, 0.5], 18) == pytest.approx(0.25, abs=1e-6)


def test_depth_worked_numbers():
    k, m = 10, 100
    p = m + 1
    value = lower_bound(k, p)
    assert p + 1 == 102 and 2 ** (k + 2) == 4096
    assert fmt(value) == "0.100"
    assert states("depth-separation", "0.100") and states("depth-separation", "0.25")
    assert "102/4096" in field("depth-separation", "answer")
    assert states("depth-separation", "101")
    # with at most 2^(k-2) - 2 units the error is at least 1/16
    m_max = 2 ** (k - 2) - 2
    assert m_max == 254 and lower_bound(k, m_max + 1) >= 1 / 16
    assert lower_bound(k, m_max + 2) < 1 / 16
    assert states("depth-separation", "254")
    # slope of t^k is +-2^k
    x = np.linspace(0, 1, 2**k + 1)
    assert np.allclose(np.abs(np.diff(sawtooth(k, x)) / np.diff(x)), 2**k)


def test_piece_count_bound():
    # random ReLU nets of depth L and width m have at most (m + 1)^L pieces on [0, 1]
    rng = np.random.default_rng(9)
    x = np.linspace(-2, 2, 200_001)
    for L, m in ((1, 3), (2, 3), (3, 2)):
        for _ in range(10):
            h = x[None, :]
            for _ in range(L):
                W = rng.normal(size=(m, h.shape[0]))
                b = rng.normal(size=(m, 1))
                h = np.maximum(W @ h + b, 0)
            y = rng.normal(size=m) @ h
            slopes = np.diff(y) / np.diff(x)
            kinks = np.sum(np.abs(np.diff(slopes)) > 1e-6 * (1 + np.abs(slopes[:-1])))
            # a kink can straddle two grid cells; halve to be safe against double counting
            assert (kinks + 1) / 2 <= (m + 1) ** L


# --------------------------------------------------------------------------
# bias-variance
# --------------------------------------------------------------------------

def test_shrinkage_numbers():
    mu, s2, n = 1.0, 4.0, 10
    c = mu**2 / (mu**2 + s2 / n)
    bias2, var = (1 - c) ** 2 * mu**2, c**2 * s2 / n
    res = optimize.minimize_scalar(lambda t: (1 - t) ** 2 * mu**2 + t**2 * s2 / n)
    assert res.x == pytest.approx(c)
    checks = {"0.714": c, "0.082": bias2, "0.204": var, "0.286": bias2 + var}
    for text, value in checks.items():
        assert fmt(value) == text and states("bias-variance", text), text
    assert fmt(s2 / n, 1) == "0.4" and states("bias-variance", "0.4")
    assert f"{100 * (1 - (bias2 + var) / (s2 / n)):.0f}" == "29"
    assert states("bias-variance", "29")
    assert states("bias-variance", "0.286", fields=("short_answer",))


def test_bias_variance_identity_by_simulation():
    rng = np.random.default_rng(10)
    mu, sigma, n, c, reps = 1.0, 2.0, 10, 0.714, 400_000
    ybar = rng.normal(mu, sigma / math.sqrt(n), size=reps)
    est = c * ybar
    y_new = mu + rng.normal(0, 1.0, size=reps)
    lhs = np.mean((y_new - est) ** 2)
    rhs = 1.0 + (mu - est.mean()) ** 2 + est.var()
    assert lhs == pytest.approx(rhs, rel=0.01)


# --------------------------------------------------------------------------
# binary_entropy_gap figure
# --------------------------------------------------------------------------

def test_binary_entropy_gap_caption():
    p, q = 0.7, 0.2
    h = binary_entropy_bits(p)
    ce = -(p * math.log2(q) + (1 - p) * math.log2(1 - q))
    gap = (p * math.log2(p / q) + (1 - p) * math.log2((1 - p) / (1 - q)))
    assert ce - h == pytest.approx(gap)
    for text, value in {"0.881": h, "1.722": ce, "0.841": gap, "2.322": math.log2(5)}.items():
        assert fmt(value) == text and in_caption("binary_entropy_gap", text), text
    # tangent line: H(p, q) >= H(p) with equality at p = q
    ps = np.linspace(0.01, 0.99, 99)
    ces = -(ps * math.log2(q) + (1 - ps) * math.log2(1 - q))
    hs = np.array([binary_entropy_bits(t) for t in ps])
    assert np.all(ces >= hs - 1e-12)
    assert -(q * math.log2(q) + (1 - q) * math.log2(1 - q)) == pytest.approx(
        binary_entropy_bits(q))


# --------------------------------------------------------------------------
# checks added in review
# --------------------------------------------------------------------------

def test_empirical_cross_entropy_is_conditional_kl():
    # average log loss = H_phat(Y|X) + E_x KL(phat(.|x) || q(.|x)), with repeated inputs
    rng = np.random.default_rng(11)
    xs = np.array([0, 0, 0, 1, 1, 2])
    ys = np.array([0, 1, 1, 2, 2, 0])
    q = rng.dirichlet(np.ones(3), size=3)  # q(y | x) for x = 0, 1, 2
    lhs = float(np.mean(-np.log(q[xs, ys])))
    rhs = 0.0
    for x in np.unique(xs):
        w = np.mean(xs == x)
        cond = np.bincount(ys[xs == x], minlength=3) / np.sum(xs == x)
        rhs += w * (entropy(cond) + kl(cond, q[x]))
    assert lhs == pytest.approx(rhs)
    assert "H_{\\hat p}(Y\\mid X)" in field("cross-entropy-kl", "answer")


def test_gaussian_kl_equal_check_catches_only_missing_d():
    def variant(m0, s0, m1, s1, kind):
        s0, s1 = float(s0), float(s1)
        trace = s0 / s1 if kind != "trace" else s1 / s0
        logdet = math.log(s1 / s0) if kind != "logdet" else math.log(s0 / s1)
        d = 0.0 if kind == "no_d" else 1.0
        return 0.5 * (trace + (m1 - m0) ** 2 / s1 - d + logdet)

    for kind in ("trace", "logdet"):
        assert variant(0, 2.0, 0, 2.0, kind) == pytest.approx(0.0)  # not caught
        assert variant(0, 1.0, 0, 4.0, kind) != pytest.approx(0.318, abs=1e-3)  # caught
    assert variant(0, 2.0, 0, 2.0, "no_d") == pytest.approx(0.5)  # caught
    assert fmt(variant(0, 1.0, 0, 4.0, "correct")) == "0.318"
    assert "catches only the missing" in field("gaussian-kl", "mistakes")


def test_aic_bic_same_scale():
    # on the -2 log-likelihood scale AIC adds 2d, BIC adds d ln n
    assert "penalty $2d$ instead of $d\\ln n$" in field("mdl-bic-evidence", "answer")


def test_reverse_profile_bracket_is_unimodal():
    # the figure's golden-section bracket [1.2, 3.5] must start past the profile's local maximum
    def profile(m):
        res = optimize.minimize_scalar(
            lambda s: grid_kl(stats.norm.pdf(GRID, m, np.exp(s)), MIX),
            bounds=(-3, 2), method="bounded", options={"xatol": 1e-8})
        return res.fun

    means = np.linspace(0.0, 3.5, 71)
    values = np.array([profile(m) for m in means])
    peak = means[np.argmax(values[means < 2.0])]
    assert 1.0 < peak < 1.2
    inside = values[means >= 1.2]
    turn = np.argmin(inside)
    assert np.all(np.diff(inside[: turn + 1]) < 0) and np.all(np.diff(inside[turn:]) > 0)
    src = (ROOT / "figures" / "kl_asymmetry.py").read_text(encoding="utf-8")
    assert "lo: float = 1.2, hi: float = 3.5" in src
