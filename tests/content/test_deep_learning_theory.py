"""Recompute every number stated in the chapter 'Deep learning theory' (content/10-deep-learning-theory.yaml)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import yaml
from scipy import integrate, stats

from bank import CONTENT, QUESTIONS, assert_every_field, caption_states, field, figure_module, fmt, states

CHAPTER = CONTENT / "10-deep-learning-theory.yaml"


def chapter() -> dict:
    return yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))


def sci(x: float, digits: int = 1) -> str:
    """A number as the text prints it in scientific notation, e.g. 8.9\\times10^{-16}."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return rf"{mantissa}\times10^{{{int(exponent)}}}"


def relu_relu(c: float) -> float:
    """E[ReLU(u) ReLU(v)] for standard normals of correlation c, by one-dimensional quadrature.

    Given u, v is N(cu, 1 - c^2), and E[ReLU(v) | u] = m Phi(m/s) + s phi(m/s).
    """
    s = math.sqrt(max(1.0 - c * c, 1e-300))

    def phi(t: float) -> float:
        return math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)

    def big_phi(t: float) -> float:
        return 0.5 * (1 + math.erf(t / math.sqrt(2)))

    def inner(u: float) -> float:
        m = c * u
        return u * (m * big_phi(m / s) + s * phi(m / s)) * phi(u)

    return integrate.quad(inner, 0.0, np.inf, epsabs=1e-12)[0]


def relu_correlations(layers: int, c0: float = 0.0) -> list[float]:
    """Correlations after each ReLU layer at sigma_w^2 = 2 (the diagonal stays at 1)."""
    out, c = [], c0
    for _ in range(layers):
        c = 2.0 * relu_relu(c)  # sigma_w^2 * E[...] with unit diagonal
        out.append(c)
    return out


# ----------------------------------------------------------------- chapter shape

def test_chapter_shape():
    data = chapter()
    assert data["id"] == "deep-learning-theory"
    assert data["title"] == "Deep learning theory"
    questions = data["questions"]
    assert len(questions) >= 18
    difficulties = [q["difficulty"] for q in questions]
    assert difficulties.count("hard") >= 5
    assert set(difficulties) == {"easy", "medium", "hard"}
    for q in questions:
        qid = q["id"]
        assert_every_field(qid)
        assert q["kind"] == "technical"
        assert len(field(qid, "short_answer").split()) <= 70, qid
        assert 250 <= len(field(qid, "answer").split()) <= 700, qid
        assert 2 <= len(q["mistakes"]) <= 4 and 2 <= len(q["follow_ups"]) <= 3, qid
        answer = field(qid, "answer")
        parts = [answer.find(r"\textbf{Derivation.}"), answer.find(r"\textbf{Worked example.}")]
        assert parts[0] > 0 and parts[1] > parts[0], qid
        assert "Practical consequences" in answer, qid


def test_links_resolve():
    data = chapter()
    keys = set()
    for path in CONTENT.glob("*.yaml"):
        keys |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("references", {}) or {})
    for q in data["questions"]:
        for other in q["related"]:
            assert other in QUESTIONS, (q["id"], other)
        for key in q["references"]:
            assert key in keys, (q["id"], key)
        for key in re.findall(r"\\cite\{([^}]*)\}", field(q["id"], "answer")):
            for k in key.split(","):
                assert k.strip() in q["references"], (q["id"], k)


def test_figure_captions_short():
    for name in ("signal_propagation_depth", "ntk_width_movement", "scaling_law_isoflop"):
        module = figure_module(name)
        assert len(module.CAPTION.split()) <= 60, name


# ----------------------------------------------------------------- signal propagation

def test_signal_propagation_moments():
    qid = "signal-propagation-init"
    assert states(qid, "50", near="Take 50 ReLU layers")
    assert states(qid, sci(0.5**50), near="$0.5^{50}")
    assert states(qid, fmt(1.1**50, 0), near="$1.1^{50}")
    # sigma_w^2 = 2.2 is "ten per cent above He" and its per-layer factor is 1.1
    assert math.isclose(2.2 / 2.0, 1.1) and states(qid, "2.2", near="ten per cent above He")
    # Monte Carlo check of the per-layer factor E[ReLU(sqrt(q) u)^2] = q/2 used in the derivation
    u = np.random.default_rng(0).standard_normal(2_000_000)
    assert abs(np.mean(np.maximum(u, 0) ** 2) - 0.5) < 2e-3
    assert states(qid, "2", near=r"$\sigma_w^2=2$")


def test_signal_propagation_correlations():
    qid = "signal-propagation-init"
    c = relu_correlations(10)
    assert states(qid, fmt(c[0], 3), near="after one layer")
    assert states(qid, fmt(c[1], 3), near="after two")
    assert states(qid, fmt(c[9], 3), near="after ten")
    assert math.isclose(c[0], 1 / math.pi, rel_tol=1e-6)


def test_signal_propagation_figure():
    module = figure_module("signal_propagation_depth")
    assert module.DEPTH == 50 and module.WIDTH == 256 and module.GAINS == (1.0, 2.0, 2.2)
    assert caption_states("signal_propagation_depth", str(module.WIDTH), near="width")
    assert caption_states("signal_propagation_depth", str(module.DEPTH), near="after")
    factors = [(g / 2) ** module.DEPTH for g in module.GAINS]
    assert caption_states("signal_propagation_depth", sci(factors[0]), near="after")
    assert caption_states("signal_propagation_depth", fmt(factors[1], 0), near="after")
    assert caption_states("signal_propagation_depth", fmt(factors[2], 0), near="after")
    assert np.allclose(module.theory_moments(2.2)[-1], factors[2])
    # the simulated network really is a ReLU net whose moments follow the map on average
    runs = [module.forward_moments(1.0, seed=s, depth=5)[4] for s in range(6)]
    assert abs(np.mean(runs) / 0.5**5 - 1) < 0.15
    measured, theory = module.correlations()
    assert np.allclose(theory, relu_correlations(module.DEPTH), atol=1e-6)
    assert abs(measured[-1] - theory[-1]) < 0.05


# ----------------------------------------------------------------- normalisation

def test_normalisation_scale_invariance():
    qid = "normalisation-scale-invariance"
    norm, eta, lam, g_unit = 2.0, 0.1, 5e-4, 1.0
    # a scale-invariant loss: L(w) = 0.5 * ||w/|w| - target||^2, with the target chosen so the
    # gradient at the unit vector has norm g_unit
    direction = np.array([1.0, 0.0])
    target = np.array([1.0 - 1.0, g_unit])  # tangent component g_unit at w/|w| = e1

    def loss(w):
        return 0.5 * np.sum((w / np.linalg.norm(w) - target) ** 2)

    def grad(w, h=1e-6):
        return np.array([(loss(w + h * e) - loss(w - h * e)) / (2 * h) for e in np.eye(2)])

    w = norm * direction
    g = grad(w)
    assert abs(g @ w) < 1e-8 and math.isclose(np.linalg.norm(g), g_unit / norm, rel_tol=1e-5)
    assert states(qid, fmt(g_unit / norm, 1), near="actual gradient has norm")
    new = w - eta * g
    assert states(qid, fmt(eta / norm**2, 3), near="effective learning rate is")
    assert states(qid, f"{np.sum(new**2):.4f}", near="after one step")
    equilibrium4 = eta * g_unit**2 / (2 * lam)
    assert states(qid, fmt(equilibrium4, 0), near="the norm settles")
    assert states(qid, fmt(equilibrium4**0.25, 2), near="the norm settles")
    assert states(qid, fmt(math.sqrt(2 * eta * lam), 2), near="radians")
    # the equilibrium angular step equals eta * |g_hat| / |w|^2 at the equilibrium norm
    assert math.isclose(eta * g_unit / equilibrium4**0.5, math.sqrt(2 * eta * lam))
    assert states(qid, "5\\times10^{-4}", near="the norm settles")


# ----------------------------------------------------------------- residual connections

def test_residual_variance():
    qid = "residual-connections-conditioning"
    blocks, a = 100, 1.0
    assert states(qid, str(blocks), near="Take 100 blocks")
    assert states(qid, sci((1 + a) ** blocks, 2), near="Unscaled")
    scaled = (1 + a / blocks) ** blocks
    assert states(qid, fmt(scaled, 3), near="Scaled by")
    assert abs(scaled - math.e) < 0.02
    assert states(qid, str(blocks + 1), near="normalised branches")
    assert 1 / (blocks + 1) < 0.01
    # simulate: a linear residual network of 100 blocks with random branches of gain a
    rng = np.random.default_rng(1)
    n = 400
    x = rng.standard_normal(n)
    q0 = x @ x
    h = x.copy()
    for _ in range(blocks):
        h = h + (rng.standard_normal((n, n)) * math.sqrt(a / n) / math.sqrt(blocks)) @ h
    assert abs((h @ h) / q0 / scaled - 1) < 0.3


# ----------------------------------------------------------------- attention scaling

def test_attention_scaling():
    qid = "attention-sqrt-d"
    d = 64
    rng = np.random.default_rng(2)
    dots = np.sum(rng.standard_normal((50_000, d)) * rng.standard_normal((50_000, d)), axis=1)
    assert abs(dots.std() - math.sqrt(d)) < 0.1
    assert states(qid, fmt(math.sqrt(d), 0), near=r"$\sqrt{64}=")
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    gap = math.sqrt(d)
    assert states(qid, fmt(sig(gap), 5), near="have gap 8")
    assert states(qid, sci(1 - sig(gap), 1), near="have gap 8")
    assert states(qid, f"{sig(gap) * (1 - sig(gap)):.6f}", near="have gap 8")
    assert states(qid, fmt(sig(1), 3), near="Scaled, the gap is 1")
    assert states(qid, fmt(1 - sig(1), 3), near="Scaled, the gap is 1")
    assert states(qid, fmt(sig(1) * (1 - sig(1)), 3), near="Scaled, the gap is 1")
    ratio = (sig(1) * (1 - sig(1))) / (sig(gap) * (1 - sig(gap)))
    assert states(qid, fmt(ratio, 0), near="times larger")
    # the softmax Jacobian entry for two keys equals p(1-p)
    p = np.array([sig(1), 1 - sig(1)])
    jac = np.diag(p) - np.outer(p, p)
    assert math.isclose(jac[0, 0], sig(1) * (1 - sig(1)))


# ----------------------------------------------------------------- NTK

def test_ntk_two_orthogonal_inputs():
    qid = "ntk-lazy-training"
    off = relu_relu(0.0)  # output-weight term; the hidden-weight term vanishes for orthogonal inputs
    diag = relu_relu(1.0 - 1e-12) + 0.5  # E[ReLU(u)^2] + E[1{u>0}] * |x|^2
    assert math.isclose(diag, 1.0, rel_tol=1e-6)
    assert states(qid, fmt(off, 3), near="off it")
    eig = np.linalg.eigvalsh(np.array([[diag, off], [off, diag]]))
    assert states(qid, fmt(eig[1], 3), near="eigenvalues")
    assert states(qid, fmt(eig[0], 3), near="eigenvalues")
    assert states(qid, fmt(eig[0], 3), near="shrinks as")
    assert states(qid, fmt(math.log(1000) / eig[0], 1), near="a thousandth")
    # the empirical NTK of the figure's network at inputs x = +1 and -1 (orthogonal (x, 1))
    module = figure_module("ntk_width_movement")
    a, w = module.init(400_000, seed=0)
    kernel = module.ntk(a, w, np.array([1.0, -1.0]))
    assert abs(kernel[0, 1] / kernel[0, 0] - off) < 0.005


def test_ntk_figure():
    name = "ntk_width_movement"
    module = figure_module(name)
    assert caption_states(name, str(module.N_TRAIN), near="points")
    assert caption_states(name, str(module.SEEDS), near="seeds")
    assert caption_states(name, str(module.WIDTHS[0]), near="widths")
    assert caption_states(name, str(module.WIDTHS[-1]), near="widths")
    changes = module.mean_changes()
    assert caption_states(name, fmt(changes[0], 2), near="falls from")
    assert caption_states(name, fmt(changes[-1], 3), near="falls from")
    assert np.all(np.diff(changes) < 0)
    # gradients used in training agree with finite differences of the network output
    a, w = module.init(5, seed=3)
    x = np.array([0.3])
    jac = module.jacobian(a, w, x)[0]
    h = 1e-6
    fd = [(module.predict(a + h * e, w, x)[0] - module.predict(a - h * e, w, x)[0]) / (2 * h)
          for e in np.eye(5)]
    assert np.allclose(jac[:5], fd, atol=1e-6)
    assert module.final_loss(module.WIDTHS[-1], 0) < module.final_loss(module.WIDTHS[0], 0)
    assert states("ntk-lazy-training", "16", near="widths 16 to 4096")
    # the answer compares the measured fall of the kernel change with the m^(-1/2) rate alone
    ratio = changes[0] / changes[-1]
    rate_only = math.sqrt(module.WIDTHS[-1] / module.WIDTHS[0])
    assert ratio > rate_only
    assert states("ntk-lazy-training", fmt(ratio, 0), near="falls by a factor of about")
    assert states("ntk-lazy-training", f"factor of {fmt(rate_only, 0)} that", near="more than the factor of")


# ----------------------------------------------------------------- NNGP

def test_nngp_relu_correlations():
    qid = "infinite-width-gp"
    c = relu_correlations(10)
    assert states(qid, fmt(c[0], 3), near="after one layer")
    assert states(qid, fmt(c[1], 3), near="Applying the map again")
    assert states(qid, fmt(c[2], 3), near="Applying the map again")
    assert states(qid, fmt(c[9], 3), near="after ten layers")
    # Monte Carlo check of the wide-network claim: one random ReLU layer of width 200000
    rng = np.random.default_rng(4)
    x = np.eye(2, 50)  # two orthogonal unit inputs
    w = rng.standard_normal((200_000, 50)) * math.sqrt(2.0)
    hidden = np.maximum(x @ w.T, 0)
    corr = (hidden[0] @ hidden[1]) / np.linalg.norm(hidden[0]) / np.linalg.norm(hidden[1])
    # post-activation correlation differs from the next pre-activation correlation only by the mean
    assert abs(corr - c[0]) < 0.01


# ----------------------------------------------------------------- muP

def test_mup_feature_updates():
    qid = "feature-learning-mup"
    eta, base, wide = 1e-3, 256, 4096
    mean_abs = stats.norm.mean(loc=0) + 2 * stats.norm.pdf(0)  # E|x| = 2 phi(0) = sqrt(2/pi)
    assert math.isclose(mean_abs, math.sqrt(2 / math.pi))
    small, big = eta * base * mean_abs, eta * wide * mean_abs
    assert states(qid, fmt(small, 3), near="at width 256 one step")
    assert states(qid, fmt(big, 2), near="the move is 3.27")
    assert states(qid, sci(eta * base / wide, 2), near="Under muP")
    assert states(qid, fmt(small, 3), near="Under muP")
    # an Adam-like sign update on a real rank-one gradient moves a feature by eta * sum |x_j|
    rng = np.random.default_rng(5)
    x = rng.standard_normal(wide)
    g = 0.37  # any backpropagated scalar: the sign update ignores its size
    delta_w = -eta * np.sign(np.outer([g], x))
    assert abs(abs((delta_w @ x)[0]) - big) / big < 0.05
    assert wide // base == 16 and "sixteen times larger" in field(qid, "answer")


# ----------------------------------------------------------------- PL

def test_pl_rate():
    qid = "overparameterisation-pl"
    mu, beta = 0.5, 10.0
    rate = 1 - mu / beta
    assert states(qid, fmt(rate, 2), near="Each step multiplies")
    steps = math.ceil(math.log(1e-6) / math.log(rate))
    assert states(qid, str(steps), near="millionfold")
    assert states(qid, "50,000", near="PL* requires at least")
    # gradient descent on a real overparameterised least-squares problem obeys the bound
    rng = np.random.default_rng(6)
    n, p = 20, 60
    a = rng.standard_normal((n, p)) / math.sqrt(p)
    y = rng.standard_normal(n)
    k = a @ a.T
    lam_min, lam_max = np.linalg.eigvalsh(k)[[0, -1]]
    wt = np.zeros(p)
    losses = []
    for _ in range(50):
        r = a @ wt - y
        losses.append(0.5 * r @ r)
        grad = a.T @ r
        assert grad @ grad >= 2 * lam_min * losses[-1] - 1e-9
        wt -= grad / lam_max
    assert losses[-1] <= (1 - lam_min / lam_max) ** 49 * losses[0] + 1e-12


# ----------------------------------------------------------------- scaling laws

REFIT = dict(E=1.82, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)
PUBLISHED = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
CHINCHILLA_FLOPS = 5.76e23


def numeric_optimum(c: float, p: dict) -> float:
    """argmin over N of L(N, C/(6N)), by bounded scalar minimisation in log N."""
    from scipy.optimize import minimize_scalar

    def f(log_n):
        n = math.exp(log_n)
        return p["A"] / n ** p["alpha"] + p["B"] / (c / (6 * n)) ** p["beta"]

    return math.exp(minimize_scalar(f, bounds=(10, 40), method="bounded",
                                    options={"xatol": 1e-10}).x)


def test_scaling_laws_exponents():
    qid = "scaling-laws-compute-optimal"
    assert states(qid, fmt(10**0.73, 2), near="$10^{0.73}=")
    assert states(qid, fmt(10**0.27, 2), near="$10^{0.27}=")
    assert states(qid, fmt(10**0.5, 2), near="$10^{0.5}=")
    for key, value in REFIT.items():
        assert states(qid, f"{value:g}" if key != "A" else "482.01", near="Besiroglu et al. re-fitted")
    for key, value in PUBLISHED.items():
        assert states(qid, f"{value:g}", near="The published parametric fit")
    a_refit = REFIT["beta"] / (REFIT["alpha"] + REFIT["beta"])
    a_pub = PUBLISHED["beta"] / (PUBLISHED["alpha"] + PUBLISHED["beta"])
    assert states(qid, fmt(a_refit, 3), near="Besiroglu et al. re-fitted")
    assert states(qid, fmt(a_pub, 3), near="The published parametric fit")


def test_scaling_laws_chinchilla_budget():
    qid = "scaling-laws-compute-optimal"
    assert states(qid, sci(CHINCHILLA_FLOPS, 2), near="Chinchilla's budget")
    n = numeric_optimum(CHINCHILLA_FLOPS, REFIT)
    assert states(qid, fmt(n / 1e9, 0), near="Chinchilla's budget")
    assert states(qid, fmt(CHINCHILLA_FLOPS / 6 / n / n, 0), near="Chinchilla's budget")
    n_pub = numeric_optimum(CHINCHILLA_FLOPS, PUBLISHED)
    assert states(qid, fmt(n_pub / 1e9, 0), near="The published parametric fit")
    assert states(qid, fmt(CHINCHILLA_FLOPS / 6 / n_pub / n_pub, 0), near="The published parametric fit")
    # Chinchilla itself: 70B parameters, 1.4T tokens, 20 tokens per parameter, Gopher 280B
    assert states(qid, fmt(1.4e12 / 70e9, 0), near="1.4 trillion tokens")
    assert 6 * 70e9 * 1.4e12 == pytest.approx(CHINCHILLA_FLOPS, rel=0.03)
    assert states(qid, "four", near="four-times-larger Gopher") and 280 / 70 == 4


def test_scaling_law_figure():
    name = "scaling_law_isoflop"
    module = figure_module(name)
    for c in module.BUDGETS:
        assert math.isclose(module.optimal_n(c), numeric_optimum(c, REFIT), rel_tol=1e-5)
    assert math.isclose(module.optimal_n(1e21, module.HOFFMANN), numeric_optimum(1e21, PUBLISHED),
                        rel_tol=1e-5)
    assert caption_states(name, fmt(module.slope(REFIT), 2), near="the refit (slope")
    assert caption_states(name, fmt(module.slope(PUBLISHED), 2), near="the published fit")
    assert caption_states(name, str(module.KAPLAN_SLOPE), near="Kaplan")
    assert caption_states(name, "10^{21}", near="Kaplan") and module.ANCHOR == 1e21
    low, high = (int(round(math.log10(c))) for c in (module.BUDGETS[0], module.BUDGETS[-1]))
    assert caption_states(name, f"$C=10^{{{low}}}$ to $10^{{{high}}}$", near="iso-FLOP")
    assert module.REFIT == REFIT and module.HOFFMANN == PUBLISHED
    assert len(module.CAPTION.split()) <= 60


# ----------------------------------------------------------------- linear regions

def regions_by_sampling(n: int, seed: int = 0) -> int:
    """Distinct activation patterns of n random lines through a 2D grid, as a check of Zaslavsky's count."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((n, 2))
    b = rng.standard_normal(n) * 0.3
    g = np.linspace(-30, 30, 700)
    xx, yy = np.meshgrid(g, g)
    pts = np.stack([xx.ravel(), yy.ravel()], axis=1)
    patterns = (pts @ w.T + b) > 0
    return len({row.tobytes() for row in np.packbits(patterns, axis=1)})


def test_linear_regions_counts():
    qid = "linear-regions-depth"
    shallow = sum(math.comb(100, j) for j in range(3))
    assert states(qid, str(shallow), near="100 hidden units in one layer")
    assert states(qid, f"{math.comb(100, 2)}", near="100 hidden units in one layer")
    deep = (100 // 2) ** 2 * shallow
    assert states(qid, f"{deep:,}".replace(",", "{,}"), near="Two hidden layers of 100")
    wide = sum(math.comb(200, j) for j in range(3))
    assert states(qid, str(wide), near="Two hidden layers of 100")
    assert states(qid, f"{math.comb(200, 2)}", near="Two hidden layers of 100")
    assert states(qid, f"{2**20:,}".replace(",", "{,}"), near="20 layers of two units")
    assert states(qid, f"{2**20 - 1:,}", near="20 layers of two units")
    # three random lines in general position cut the plane into 1 + 3 + 3 = 7 cells
    assert regions_by_sampling(3) == sum(math.comb(3, j) for j in range(3))


def tent(x: np.ndarray) -> np.ndarray:
    return 2 * np.maximum(x, 0) - 4 * np.maximum(x - 0.5, 0)


def test_linear_regions_sawtooth():
    # the tent map iterated k times has 2^k pieces: count slope changes on a fine grid
    qid = "linear-regions-depth"
    k = 6
    x = (np.arange(2**14) + 0.5) / 2**14
    y = x.copy()
    for _ in range(k):
        y = tent(y)
    slopes = np.sign(np.diff(y))
    slopes = slopes[slopes != 0]  # a peak can fall between two grid points of equal height
    assert np.sum(slopes[1:] != slopes[:-1]) + 1 == 2**k
    assert states(qid, "2k", near="tent map iterated") and states(qid, "m+1", near="tent map iterated")


# ----------------------------------------------------------------- softmax bottleneck

def test_softmax_bottleneck_rank():
    qid = "softmax-bottleneck"
    d, vocab = 512, 10_000
    assert states(qid, str(d + 1), near="rank at most")
    assert states(qid, "10,000", near="rank at most") and states(qid, str(d), near="$d=512$")
    # rank of a real log-softmax matrix from random H and W
    rng = np.random.default_rng(7)
    h = rng.standard_normal((300, 20))
    w = rng.standard_normal((200, 20))
    logits = h @ w.T
    logp = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1, keepdims=True)) \
        - logits.max(1, keepdims=True)
    assert np.linalg.matrix_rank(logp, tol=1e-8) == 21
    assert vocab > d + 1


def test_softmax_bottleneck_hull():
    qid = "softmax-bottleneck"
    w = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.3, 0.3]])
    for row in ("(1,0)", "(0,1)", "(-1,0)", "(0.3,0.3)"):
        assert states(qid, row, near="take $d=2$ and embeddings")
    # (0.3, 0.3) is a convex combination of the other three
    from scipy.optimize import nnls
    lam, resid = nnls(np.vstack([w[:3].T, np.ones(3)]), np.array([0.3, 0.3, 1.0]))
    assert resid < 1e-10
    rng = np.random.default_rng(8)
    h = rng.standard_normal((50_000, 2)) * rng.exponential(5, (50_000, 1))
    z = h @ w.T
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    assert np.all(z[:, 3] <= z[:, :3].max(1) + 1e-12)
    assert p[:, 3].max() <= 0.5
    assert states(qid, "0.5", near="never exceeds")


# ----------------------------------------------------------------- mode connectivity

def test_mode_connectivity_toy_barrier():
    qid = "mode-connectivity"
    loss = lambda th: (th[0] * th[1] - 1.0) ** 2  # noqa: E731
    a, b = np.array([1.0, 1.0]), np.array([-1.0, -1.0])
    assert loss(a) == 0 and loss(b) == 0
    ts = np.linspace(0, 1, 1001)
    barrier = max(loss((1 - t) * a + t * b) - ((1 - t) * loss(a) + t * loss(b)) for t in ts)
    assert states(qid, fmt(loss(0.5 * (a + b)), 0), near="The midpoint $(0,0)$ has loss")
    assert states(qid, fmt(barrier, 0), near="straight-line barrier is")
    flipped = -b  # the model's symmetry: (a, b) -> (-a, -b)
    aligned = max(loss((1 - t) * a + t * flipped) for t in ts)
    assert states(qid, fmt(aligned, 0), near="the barrier is 0")
    log10_orders = math.lgamma(513) / math.log(10)
    exponent = int(log10_orders)
    mantissa = 10 ** (log10_orders - exponent)
    assert states(qid, rf"{fmt(mantissa, 1)}\times10^{{{exponent}}}", near="equivalent orderings")
    assert states(qid, "512", near="equivalent orderings")


def test_mode_connectivity_permutation_invariance():
    # permuting hidden units (rows of W1, columns of W2) leaves a real network's function unchanged
    module_check = field("mode-connectivity", "answer")
    assert "(n!)^L" in module_check
    rng = np.random.default_rng(9)
    w1, w2 = rng.standard_normal((16, 5)), rng.standard_normal((3, 16))
    x = rng.standard_normal((100, 5))
    perm = rng.permutation(16)
    f = lambda a, b: np.maximum(x @ a.T, 0) @ b.T  # noqa: E731
    assert np.allclose(f(w1, w2), f(w1[perm], w2[:, perm]))
    mid = f(0.5 * (w1 + w1[perm]), 0.5 * (w2 + w2[:, perm]))
    assert not np.allclose(mid, f(w1, w2))


# ----------------------------------------------------------------- lottery ticket

def test_lottery_ticket_rounds():
    qid = "lottery-ticket"
    q = 0.2
    assert states(qid, "20", near="With 20 per cent pruned per round")
    assert states(qid, fmt((1 - q) ** 10, 3), near="after 10 rounds")
    assert states(qid, fmt(100 * (1 - q) ** 10, 1), near="after 10 rounds")
    rounds = math.ceil(math.log(0.01) / math.log(1 - q))
    assert states(qid, str(rounds), near="Reaching 1 per cent needs")
    assert states(qid, fmt((1 - q) ** rounds, 4), near="Reaching 1 per cent needs")
    assert (1 - q) ** (rounds - 1) > 0.01
    # simulate IMP's masks: pruning 20% of survivors by magnitude each round
    rng = np.random.default_rng(10)
    weights = rng.standard_normal(100_000)
    mask = np.ones_like(weights, dtype=bool)
    for _ in range(10):
        alive = np.abs(weights[mask])
        cut = np.quantile(alive, q)
        mask &= np.abs(weights) > cut
    assert abs(mask.mean() - (1 - q) ** 10) < 1e-3


# ----------------------------------------------------------------- grokking

def test_grokking_counts():
    qid = "grokking"
    p = 113
    assert states(qid, str(p**2), near="there are")
    assert states(qid, str(round(0.3 * p**2)), near="30 per cent training split")


def test_grokking_fourier_algorithm():
    qid = "grokking"
    p = 113
    ks = [14, 35, 41, 42, 52]
    for k in ks:
        assert states(qid, str(k), near="five frequencies")
    a, b = np.meshgrid(np.arange(p), np.arange(p), indexing="ij")
    c = np.arange(p)
    omega = 2 * np.pi * np.array(ks) / p
    # logits z_c = sum_k cos(omega_k (a + b - c)) for every pair and answer
    logits = np.cos(omega[:, None, None, None] * (a[None, :, :, None] + b[None, :, :, None]
                                                     - c[None, None, None, :])).sum(0)
    assert np.all(logits.argmax(-1) == (a + b) % p)
    correct = logits[a, b, (a + b) % p]
    wrong = np.where(c[None, None, :] == ((a + b) % p)[..., None], -np.inf, logits).max(-1)
    assert np.allclose(correct, len(ks))
    assert states(qid, str(len(ks)), near="the correct answer's logit is")
    assert states(qid, fmt(wrong.max(), 2), near="the correct answer's logit is")
    assert states(qid, fmt(len(ks) - wrong.max(), 2), near="the correct answer's logit is")
    assert states(qid, str(p - 1), near="the correct answer's logit is")


# ----------------------------------------------------------------- dropout

def test_dropout_linear_penalty():
    qid = "dropout-regularisation-inference"
    x, w, y, p = np.array([1.0, 2.0]), np.array([0.5, -1.0]), 1.0, 0.5
    for text in ("$x=(1,2)$", "$w=(0.5,-1)$", "$y=1$", "$p=0.5$"):
        assert text in field(qid, "answer")
    full = x @ w
    assert states(qid, fmt(full, 1), near="The full prediction is")
    assert states(qid, fmt((y - full) ** 2, 2), near="The full prediction is")
    penalty = p / (1 - p) * np.sum(x**2 * w**2)
    assert states(qid, fmt(penalty, 2), near="The full prediction is")
    # enumerate the four masks of inverted dropout
    preds, errors = [], []
    for mask in ((1, 1), (1, 0), (0, 1), (0, 0)):
        pred = np.sum(np.array(mask) * x * w) / (1 - p)
        preds.append(pred)
        errors.append((y - pred) ** 2)
    expected = np.mean(errors)
    assert math.isclose(expected, (y - full) ** 2 + penalty)
    assert states(qid, fmt(expected, 1), near="expected dropout loss is")
    assert states(qid, fmt(expected, 1), near="whose mean is")
    for pred in preds:
        assert states(qid, fmt(pred, 0), near="listing the four equally likely masks")
    for err in errors:
        assert states(qid, fmt(err, 0), near="listing the four equally likely masks")


def test_dropout_penalty_monte_carlo():
    # the general identity with a random design, p = 0.2, by simulation
    rng = np.random.default_rng(11)
    x, w, y, p = rng.standard_normal(5), rng.standard_normal(5), 0.3, 0.2
    masks = rng.random((400_000, 5)) > p
    mc = np.mean((y - (masks * x * w).sum(1) / (1 - p)) ** 2)
    assert abs(mc - ((y - x @ w) ** 2 + p / (1 - p) * np.sum(x**2 * w**2))) < 0.02
    assert r"\tfrac{p}{1-p}" in field("dropout-regularisation-inference", "short_answer")


# ----------------------------------------------------------------- augmentation

def test_augmentation_noise_is_ridge():
    qid = "augmentation-invariance"
    n, sigma = 1000, 0.1
    assert states(qid, str(n), near="With $n=1000$ examples")
    assert states(qid, fmt(n * sigma**2, 0), near="ridge with")
    assert states(qid, fmt(sigma**2, 2), near="per example the penalty")
    # simulate the augmented loss of a linear model on real data with Gaussian input noise
    rng = np.random.default_rng(12)
    xs = rng.standard_normal((n, 3))
    w = np.array([0.5, -1.0, 2.0])
    ys = xs @ w + rng.standard_normal(n)
    clean = np.sum((ys - xs @ w) ** 2)
    noisy = np.mean([np.sum((ys - (xs + sigma * rng.standard_normal(xs.shape)) @ w) ** 2)
                     for _ in range(400)])
    assert abs(noisy - (clean + n * sigma**2 * w @ w)) / (n * sigma**2 * w @ w) < 0.05
    assert (2 * sigma) ** 2 / sigma**2 == 4 and states(qid, "quadruples", near="Doubling")


# ----------------------------------------------------------------- equivariance

def test_equivariance_parameter_counts():
    qid = "equivariance-weight-sharing"
    dense = (32 * 32 * 3) * (32 * 32 * 64)
    conv = 3 * 3 * 3 * 64
    assert states(qid, str(32 * 32 * 3), near="A dense layer needs")
    assert states(qid, str(32 * 32 * 64), near="A dense layer needs")
    assert states(qid, f"{dense:,}".replace(",", "{,}"), near="A dense layer needs")
    assert states(qid, f"{dense:,}", near="dense layer on")
    assert states(qid, str(conv), near="convolution needs")
    assert states(qid, str(conv), near="convolution from 3 to 64 channels")
    assert states(qid, f"{dense / conv:,.0f}", near="times fewer")


def test_equivariance_shift_commuting_maps_are_circulant():
    field("equivariance-weight-sharing", "answer")
    n = 8
    shift = np.roll(np.eye(n), 1, axis=0)
    # the linear maps A with A S = S A: solve (S^T kron I - I kron S) vec(A) = 0 ... via its null space
    system = np.kron(np.eye(n), shift) - np.kron(shift.T, np.eye(n))
    null = np.linalg.svd(system)[2][np.linalg.matrix_rank(system):]
    assert null.shape[0] == n  # one free parameter per kernel entry
    rng = np.random.default_rng(13)
    a = (rng.standard_normal(null.shape[0]) @ null).reshape(n, n, order="F")
    assert np.allclose(a @ shift, shift @ a)
    for j in range(n):
        assert np.allclose(a[:, j], np.roll(a[:, 0], j))


# ----------------------------------------------------------------- adversarial

def test_adversarial_linear_calculation():
    qid = "adversarial-linearity"
    n = 224 * 224 * 3
    eps = 8 / 255
    assert states(qid, str(n), near="An ImageNet input has")
    assert states(qid, fmt(eps, 4), near="8/255")
    assert states(qid, fmt(eps, 4), near="the sign perturbation shifts")
    assert states(qid, fmt(eps * n * 0.01, 1), near="the sign perturbation shifts")
    rng = np.random.default_rng(14)
    w = 0.01 * rng.choice([-1.0, 1.0], n)
    sign_shift = (eps * np.sign(w)) @ w
    assert math.isclose(sign_shift, eps * n * 0.01)
    random_shifts = (eps * rng.choice([-1.0, 1.0], (300, n))) @ w
    assert abs(random_shifts.std() - eps * math.sqrt(n) * 0.01) < 0.015
    assert states(qid, fmt(eps * math.sqrt(n) * 0.01, 3), near="random-sign perturbation")
    assert states(qid, fmt(math.sqrt(n), 0), near="times less")


# ----------------------------------------------------------------- distillation

def test_distillation_temperatures():
    qid = "knowledge-distillation"
    logits = np.array([5.0, 2.0, 0.0])
    assert states(qid, "(5,2,0)", near="A teacher has logits")
    for temp, near in ((1, "At $T=1$"), (4, "At $T=4$")):
        probs = np.exp(logits / temp) / np.exp(logits / temp).sum()
        for value in probs:
            assert states(qid, fmt(value, 4), near=near)


def test_distillation_high_temperature_gradient():
    qid = "knowledge-distillation"
    assert r"(z_i-v_i)/(KT^2)" in field(qid, "answer")
    rng = np.random.default_rng(15)
    v = rng.standard_normal(10)
    z = rng.standard_normal(10)
    v, z = v - v.mean(), z - z.mean()
    temp = 50.0
    p = np.exp(v / temp) / np.exp(v / temp).sum()
    q = np.exp(z / temp) / np.exp(z / temp).sum()
    # the exact gradient of -sum p log softmax(z/T) by finite differences
    loss = lambda zz: -np.sum(p * (zz / temp - np.log(np.sum(np.exp(zz / temp)))))  # noqa: E731
    h = 1e-5
    grad = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(10)])
    assert np.allclose(grad, (q - p) / temp, atol=1e-9)
    assert np.allclose(grad, (z - v) / (10 * temp**2), rtol=0.1, atol=1e-6)


# ----------------------------------------------------------------- contrastive

def uniformity(points: np.ndarray, t: float = 2.0) -> float:
    d2 = np.sum((points[:, None, :] - points[None, :, :]) ** 2, axis=-1)
    return float(np.log(np.mean(np.exp(-t * d2))))


def test_contrastive_uniformity_values():
    qid = "contrastive-alignment-uniformity"
    collapsed = np.tile([[1.0, 0.0]], (50, 1))
    assert states(qid, fmt(uniformity(collapsed), 0), near="collapse to one point")
    antipodal = np.array([[1.0, 0.0]] * 50 + [[-1.0, 0.0]] * 50)
    assert states(qid, fmt(uniformity(antipodal), 3), near="two antipodal points")
    angles = 2 * np.pi * np.arange(2000) / 2000
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    value = uniformity(circle)
    assert states(qid, fmt(value, 3), near="uniform on the circle")
    from scipy.special import i0
    assert math.isclose(value, -4 + math.log(i0(4)), abs_tol=1e-6)
    # the uniform circle beats evenly spaced k-point configurations and random ones
    for k in (2, 3, 5):
        pts = np.stack([np.cos(2 * np.pi * np.arange(k) / k), np.sin(2 * np.pi * np.arange(k) / k)], 1)
        assert uniformity(pts) > value
    assert states(qid, fmt(2 - 2 * 0.9, 1), near="cosine similarity 0.9")


def test_contrastive_infonce_limit():
    # InfoNCE minus log M approaches alignment + uniformity terms as M grows (random unit vectors)
    field("contrastive-alignment-uniformity", "answer")
    rng = np.random.default_rng(16)
    tau, m = 0.5, 20_000
    x = rng.standard_normal(3)
    x /= np.linalg.norm(x)
    y = x + 0.3 * rng.standard_normal(3)
    y /= np.linalg.norm(y)
    neg = rng.standard_normal((m, 3))
    neg /= np.linalg.norm(neg, axis=1, keepdims=True)
    pos = np.exp(x @ y / tau)
    infonce = -np.log(pos / (pos + np.exp(neg @ x / tau).sum()))
    limit = -x @ y / tau + np.log(np.mean(np.exp(neg @ x / tau)))
    assert abs((infonce - np.log(m)) - limit) < 0.01


# ----------------------------------------------------------------- spectral bias

def relu_ntk_angle(theta: float) -> float:
    """Infinite-width NTK of the bias-free two-layer ReLU net for unit inputs at angle theta."""
    cos = math.cos(theta)
    return relu_relu(cos) + cos * (math.pi - theta) / (2 * math.pi)


def ntk_eigenvalue(k: int) -> float:
    """Eigenvalue of the kernel operator on the circle (uniform measure) for frequency k."""
    return integrate.quad(lambda t: relu_ntk_angle(t) * math.cos(k * t), 0, math.pi, limit=200)[0] / math.pi


def test_spectral_bias_eigenvalues():
    qid = "spectral-bias"
    lam = {k: ntk_eigenvalue(k) for k in (0, 1, 2, 3, 4, 5, 8)}
    assert states(qid, fmt(lam[0], 3), near=r"$\lambda_0=")
    assert states(qid, fmt(lam[1], 2), near=r"$\lambda_1=")
    assert states(qid, fmt(lam[2], 4), near=r"$\lambda_2=")
    assert states(qid, fmt(lam[4], 5), near=r"$\lambda_4=")
    assert states(qid, fmt(lam[8], 5), near=r"$\lambda_8=")
    assert abs(lam[3]) < 1e-9 and abs(lam[5]) < 1e-9
    assert states(qid, "3", near="The odd frequencies from 3 upwards")
    assert states(qid, fmt(1 / lam[1], 0), near="in time $1/0.25")
    assert states(qid, fmt(1 / lam[8], 0), near="in time $1/0.25")
    assert states(qid, fmt(lam[1] / lam[8], 0), near="times longer")
    assert states(qid, fmt(lam[8], 5), near="in time $1/0.25")


def test_spectral_bias_kernel_by_monte_carlo():
    # the closed-form kernel agrees with the empirical NTK of a wide random network on the circle
    field("spectral-bias", "answer")
    rng = np.random.default_rng(17)
    m = 400_000
    a, w = rng.standard_normal(m), rng.standard_normal((m, 2))
    for theta in (0.3, 1.2, 2.5):
        x, y = np.array([1.0, 0.0]), np.array([math.cos(theta), math.sin(theta)])
        px, py = w @ x, w @ y
        empirical = np.mean(np.maximum(px, 0) * np.maximum(py, 0)) + \
            np.mean(a**2 * (px > 0) * (py > 0)) * (x @ y)
        assert abs(empirical - relu_ntk_angle(theta)) < 0.012


def test_spectral_bias_gradient_flow_rates():
    # kernel gradient flow on evenly spaced points: the frequency-k residual decays as exp(-lambda_k t)
    field("spectral-bias", "answer")
    n = 256
    angles = 2 * np.pi * np.arange(n) / n
    diff = np.abs(angles[:, None] - angles[None, :])
    diff = np.minimum(diff, 2 * np.pi - diff)
    steps = np.rint(diff / (2 * np.pi / n)).astype(int)  # angle differences are multiples of 2 pi / n
    values = np.array([relu_ntk_angle(2 * np.pi * j / n) for j in range(n // 2 + 1)])
    table = values[steps] / n  # the loss is averaged over the points
    for k in (1, 2, 4):
        mode = np.cos(k * angles)
        rate = (mode @ table @ mode) / (mode @ mode)
        assert abs(rate / ntk_eigenvalue(k) - 1) < 0.01


# ----------------------------------------------------------------- why power laws

def test_power_law_exponents():
    qid = "why-power-laws"
    assert states(qid, fmt(4 / 0.076, 0), near="Kaplan's exponent")
    assert states(qid, fmt(4 / 0.34, 0), near="Kaplan's exponent")
    assert states(qid, fmt(2 ** (1 / 0.34), 2), near="Halving the reducible loss")
    assert states(qid, fmt(2 ** (1 / 0.076), 0), near="Halving the reducible loss")
    assert states(qid, "0.076", near="Kaplan's exponent") and states(qid, "0.34", near="Chinchilla fit")
    assert states(qid, "0.34", near="Halving the reducible loss")


def test_power_law_piecewise_linear_simulation():
    # piecewise-linear interpolation in one dimension: mean squared error falls as N^-4
    qid = "why-power-laws"
    f = lambda x: np.sin(2 * np.pi * x) + 0.5 * np.cos(6 * x)  # noqa: E731
    x = np.linspace(0, 1, 100_001)
    knots = np.array([16, 32, 64, 128, 256])
    errors = [np.mean((np.interp(x, np.linspace(0, 1, k), f(np.linspace(0, 1, k))) - f(x)) ** 2)
              for k in knots]
    slope = np.polyfit(np.log(knots), np.log(errors), 1)[0]
    assert abs(slope + 4) < 0.15
    assert states(qid, fmt(-slope, 0), near="doubling the number of knots")
    assert states(qid, str(2 ** round(-slope)), near="doubling the number of knots")
    assert states(qid, "$d=1$", near="piecewise-linear interpolation in one dimension")


def test_power_law_two_dimensions():
    # the same argument in d = 2: linear interpolation on a grid of N cells gives N^-2
    field("why-power-laws", "answer")
    from scipy.interpolate import RegularGridInterpolator
    f = lambda x, y: np.sin(3 * x) * np.cos(2 * y) + x * y  # noqa: E731
    rng = np.random.default_rng(18)
    pts = rng.random((20_000, 2))
    sizes, errors = [], []
    for side in (8, 16, 32, 64):
        g = np.linspace(0, 1, side + 1)
        interp = RegularGridInterpolator((g, g), f(*np.meshgrid(g, g, indexing="ij")))
        errors.append(np.mean((interp(pts) - f(pts[:, 0], pts[:, 1])) ** 2))
        sizes.append(side**2)
    slope = np.polyfit(np.log(sizes), np.log(errors), 1)[0]
    assert abs(slope + 4 / 2) < 0.15
    assert r"N^{-4/d}" in field("why-power-laws", "answer")


# ----------------------------------------------------------------- whole expressions
# Each worked example's arithmetic is rebuilt from its inputs and must appear verbatim, so that
# changing an input, an intermediate or a result anywhere in the expression fails.

def assert_says(qid: str, text: str) -> None:
    body = "\n".join(field(qid, name) for name in ("question", "answer", "short_answer", "mistakes", "follow_ups"))
    assert text in body, f"{qid}: expected {text!r}"


def test_expressions_signal_and_normalisation():
    depth = 50
    assert_says("signal-propagation-init", f"Take {depth} ReLU layers")
    assert_says("signal-propagation-init", f"$0.5^{{{depth}}}={sci(0.5**depth)}$")
    assert_says("signal-propagation-init", f"$\\sigma_w^2={2 * 1.1:g}$, ten per cent above He")
    assert_says("signal-propagation-init", f"$1.1^{{{depth}}}={1.1**depth:.0f}$")
    assert_says("signal-propagation-init", f"$1/\\pi={1 / math.pi:.3f}$")
    assert_says("signal-propagation-init", r"$q_l=(\sigma_w^2/2)\,q_{l-1}$ and $q_L=(\sigma_w^2/2)^L q_0$")
    assert_says("signal-propagation-init", r"$\mathbb{E}[\mathrm{ReLU}(\sqrt q\,u)^2]=q/2$")
    norm, eta, lam, g = 2, 0.1, 5e-4, 1
    qid = "normalisation-scale-invariance"
    assert_says(qid, f"Take $\\lVert w\\rVert={norm}$, $\\eta={eta}$")
    assert_says(qid, f"$\\lVert\\hat g\\rVert={g}$, so the actual gradient has norm {g / norm}")
    assert_says(qid, f"${eta}/{norm**2}={eta / norm**2:g}$")
    assert_says(qid, f"grows from {norm**2} to ${norm**2}+{eta**2:g}\\times{(g / norm)**2:g}={norm**2 + eta**2 * (g / norm) ** 2:g}$")
    assert_says(qid, f"$\\lVert w\\rVert^4={eta}/(2\\times5\\times10^{{-4}})={eta / (2 * lam):g}$")
    assert_says(qid, f"$\\lVert w\\rVert={(eta / (2 * lam)) ** 0.25:.2f}$")
    assert_says(qid, f"$\\sqrt{{2\\eta\\lambda}}={math.sqrt(2 * eta * lam):g}$ radians")
    assert_says(qid, r"the shrinkage $2\eta\lambda\lVert w\rVert^2$ balances the growth $\eta^2\lVert\hat g\rVert^2/\lVert w\rVert^2$")
    assert_says(qid, r"sharpness scale as $1/\lVert w\rVert^2$")
    assert_says(qid, r"the Hessian scales as $1/\lVert w\rVert^2$")
    assert_says(qid, r"effective learning rate $\eta/\lVert w\rVert^2$")


def test_normalisation_equilibrium_simulation():
    # SGD with weight decay on a scale-invariant weight: the angular step settles at sqrt(2 eta lambda)
    # and the norm at (eta |g_hat|^2 / (2 lambda))^(1/4), whatever the starting norm
    qid = "normalisation-scale-invariance"
    eta, lam = 0.1, 5e-4
    rng = np.random.default_rng(19)
    w = np.array([2.0, 0.3, -0.5])
    angles, norms = [], []
    for k in range(30_000):
        u = w / np.linalg.norm(w)
        tangent = rng.standard_normal(3)
        tangent -= (tangent @ u) * u
        grad = tangent / np.linalg.norm(tangent) / np.linalg.norm(w)  # |g_hat| = 1, gradient orthogonal to w
        new = (1 - eta * lam) * w - eta * grad
        if k > 20_000:
            angles.append(math.acos(min(1.0, new @ w / np.linalg.norm(new) / np.linalg.norm(w))))
            norms.append(np.linalg.norm(new))
        w = new
    assert abs(np.mean(angles) / math.sqrt(2 * eta * lam) - 1) < 0.01
    assert abs(np.mean(norms) / (eta / (2 * lam)) ** 0.25 - 1) < 0.01
    assert_says(qid, r"$\lVert w\rVert^4=\eta\lVert\hat g\rVert^2/(2\lambda)$ and the angular step is $\sqrt{2\eta\lambda}$")


def test_expressions_residual_attention_ntk():
    qid = "residual-connections-conditioning"
    blocks = 100
    assert_says(qid, f"Take {blocks} blocks whose branches each add variance equal to their input's ($a=1$)")
    assert_says(qid, f"$2^{{{blocks}}}={sci(2.0**blocks, 2)}$")
    assert_says(qid, f"Scaled by $1/\\sqrt{{{blocks}}}$, it is ${1 + 1 / blocks:g}^{{{blocks}}}={(1 + 1 / blocks) ** blocks:.3f}$")
    assert_says(qid, f"the output variance is {blocks + 1}")
    assert_says(qid, r"$q_{l+1}=(1+a)q_l$ and $q_L=(1+a)^Lq_0$")
    assert_says(qid, r"$q_L=(1+a/L)^Lq_0\le e^a q_0$")
    assert_says(qid, r"a fraction $1/(l+1)$")
    assert_says(qid, r"between $(1-\epsilon)^L$ and $(1+\epsilon)^L$")
    qid = "attention-sqrt-d"
    d = 64
    assert_says(qid, f"With $d_k={d}$ the unscaled scores have standard deviation $\\sqrt{{{d}}}={math.isqrt(d)}$")
    assert_says(qid, f"have gap {math.isqrt(d)} unscaled")
    assert_says(qid, r"$\mathrm{Var}(q^\top k)=d_k$")
    qid = "ntk-lazy-training"
    assert_says(qid, f"$1/(2\\pi)={1 / (2 * math.pi):.3f}$ off it")
    assert_says(qid, f"eigenvalues {1 + 1 / (2 * math.pi):.3f} (along $(1,1)$) and {1 - 1 / (2 * math.pi):.3f} (along $(1,-1)$)")
    assert_says(qid, f"$e^{{-{1 - 1 / (2 * math.pi):.3f}t}}$")
    assert_says(qid, r"$e^{-2\lambda_{\min}t}$")
    assert_says(qid, r"fluctuations $O(m^{-1/2})$")
    assert_says(qid, r"$f(x)=m^{-1/2}\sum_ja_j\phi(w_j^\top x)$")


def test_expressions_gp_mup_pl_scaling():
    assert_says("infinite-width-gp", r"$K^{l+1}(x,x')=\sigma_b^2+\sigma_w^2\,\mathbb{E}[\phi(u)\phi(v)]$")
    assert_says("infinite-width-gp", r"$W_{ij}\sim N(0,\sigma_w^2/n)$")
    assert_says("infinite-width-gp", r"\mathbb{E}\big[z^{l+1}_i(x)z^{l+1}_i(x')\big]=\sigma_b^2+\frac{\sigma_w^2}{n}")
    assert_says("infinite-width-gp", r"Take $\sigma_w^2=2$, $\sigma_b=0$")
    qid = "feature-learning-mup"
    assert_says(qid, f"$0.001\\times256\\times\\sqrt{{2/\\pi}}={0.001 * 256 * math.sqrt(2 / math.pi):.3f}$")
    assert_says(qid, f"$10^{{-3}}\\times256/4096={sci(1e-3 * 256 / 4096, 2)}$")
    assert_says(qid, r"\approx\eta\,n\sqrt{2/\pi}$")
    assert_says(qid, r"\Delta h=\Delta W\,x=-\eta\,g\,\lVert x\rVert^2")
    qid = "overparameterisation-pl"
    mu, beta = 0.5, 10
    assert_says(qid, f"Suppose $\\mu={mu}$ and $\\beta={beta}$")
    assert_says(qid, f"$1-{mu}/{beta}={1 - mu / beta:g}$")
    assert_says(qid, f"With $n=50{{,}}000$ training examples, PL* requires at least 50,000 parameters")
    assert_says(qid, r"\ge\ \lambda_{\min}(K)\,\lVert r\rVert^2=2\lambda_{\min}(K)\,L")
    assert_says(qid, r"$\tfrac12\lVert\nabla L\rVert^2\ge\mu L$")
    assert_says(qid, r"$L_{t+1}\le L_t-\tfrac1{2\beta}\lVert\nabla L_t\rVert^2\le(1-\mu/\beta)L_t$")
    assert_says(qid, r"dimension $p-n$")
    qid = "scaling-laws-compute-optimal"
    assert_says(qid, r"$N_{\mathrm{opt}}\propto C^{0.73}$ and $D\propto C^{0.27}$")
    assert_says(qid, f"$10^{{0.73}}={10**0.73:.2f}$")
    assert_says(qid, r"$C\approx6ND$")
    assert_says(qid, r"a=\frac{\beta}{\alpha+\beta}")
    assert_says(qid, r"$\alpha A N^{-\alpha}=\beta B D^{-\beta}$")
    assert_says(qid, "over 400 models")
    assert_says(qid, "70-billion-parameter Chinchilla, trained on 1.4 trillion tokens (20 per parameter)")


def test_expressions_regions_softmax_modes():
    qid = "linear-regions-depth"
    assert_says(qid, f"$1+100+{math.comb(100, 2)}={sum(math.comb(100, j) for j in range(3))}$")
    assert_says(qid, f"$1+200+{math.comb(200, 2)}={sum(math.comb(200, j) for j in range(3))}$")
    assert_says(qid, r"$\lfloor100/2\rfloor^2\times5051=")
    assert_says(qid, f"$2^{{20}}={2**20:,}$".replace(",", "{,}"))
    assert_says(qid, r"R(n,d)=\sum_{j=0}^{d}\binom nj")
    assert_says(qid, r"$\lfloor n/d\rfloor^d$")
    qid = "softmax-bottleneck"
    assert_says(qid, r"\operatorname{rank}A\le d+1")
    assert_says(qid, f"With $d=512$ and $V=10{{,}}000$, the log-probability matrix over contexts has rank at most {512 + 1}")
    assert_says(qid, "token 4 scores no more than the best of tokens 1 to 3")
    qid = "mode-connectivity"
    assert_says(qid, "$f=ab$ fitted to $y=1$ with loss $(ab-1)^2$")
    assert_says(qid, "The points $(1,1)$ and $(-1,-1)$ are both global minima")
    orders = math.lgamma(513) / math.log(10)
    assert_says(qid, f"$512!\\approx{fmt(10 ** (orders - int(orders)), 1)}\\times10^{{{int(orders)}}}$")
    assert_says(qid, "$(n!)^L$ weight vectors")


def test_expressions_tickets_grokking_dropout():
    qid = "lottery-ticket"
    assert_says(qid, f"after 10 rounds $0.8^{{10}}={0.8**10:.3f}$ of the weights remain, about {100 * 0.8**10:.1f} per cent")
    rounds = math.ceil(math.log(0.01) / math.log(0.8))
    assert_says(qid, f"Reaching 1 per cent needs {rounds} rounds ($0.8^{{{rounds}}}={0.8**rounds:.4f}$)")
    assert_says(qid, f"costs about {rounds} times the dense training")
    assert_says(qid, "at 10 to 20 per cent of the weights")
    assert_says(qid, r"the density is $(1-q)^k$")
    qid = "grokking"
    assert_says(qid, f"With $p=113$ there are $113^2={113**2}$ pairs; a 30 per cent training split holds {round(0.3 * 113**2)}")
    assert_says(qid, "addition modulo $p=113$")
    assert_says(qid, "$k=14$, 35, 41, 42 and 52")
    qid = "dropout-regularisation-inference"
    x, w, y, p = (1, 2), (0.5, -1), 1, 0.5
    assert_says(qid, f"$x=({x[0]},{x[1]})$, $w=({w[0]},{w[1]})$, $y={y}$ and $p={p}$")
    assert_says(qid, f"$\\tfrac{{{p}}}{{{1 - p}}}({x[0]**2}\\times{w[0]**2:g}+{x[1]**2}\\times{w[1]**2:g})=")
    preds = [(m0 * x[0] * w[0] + m1 * x[1] * w[1]) / (1 - p) for m0, m1 in ((1, 1), (1, 0), (0, 1), (0, 0))]
    text = "predictions " + ", ".join(f"${v:g}$" if v < 0 else f"{v:g}" for v in preds[:3])
    assert_says(qid, text.replace(f", ${preds[2]:g}$", f", ${preds[2]:g}$") + f" and {preds[3]:g}")
    errors = [(y - v) ** 2 for v in preds]
    assert_says(qid, "give errors " + ", ".join(f"{e:g}" for e in errors[:3]) + f" and {errors[3]:g}")
    assert_says(qid, r"$\mathrm{Var}\,\hat y=\tfrac{p}{1-p}\sum_jx_j^2w_j^2$")
    assert_says(qid, r"+\frac{p}{1-p}\sum_jx_j^2w_j^2")


def test_expressions_augmentation_equivariance_adversarial():
    qid = "augmentation-invariance"
    assert_says(qid, r"+\sigma^2\lVert w\rVert^2")
    assert_says(qid, r"plus $n\sigma^2\lVert w\rVert^2$, ridge with $\lambda=10$")
    assert_says(qid, r"standard deviation $\sigma=0.1$")
    qid = "equivariance-weight-sharing"
    k, cin, cout, side = 3, 3, 64, 32
    assert_says(qid, f"Map a ${side}\\times{side}$ image with {cin} channels to {cout} channels")
    assert_says(qid, f"${side * side * cin}\\times{side * side * cout}=")
    assert_says(qid, f"A ${k}\\times{k}$ convolution needs ${k}\\times{k}\\times{cin}\\times{cout}={k * k * cin * cout}$")
    assert_says(qid, f"restricts it to ${k}\\times{k}$")
    assert_says(qid, "(Ax)_i=\\sum_ja_{i-j}x_j")
    qid = "adversarial-linearity"
    n = 224 * 224 * 3
    assert_says(qid, f"$224\\times224\\times3={n}$")
    assert_says(qid, f"$\\epsilon=8/255={8 / 255:.4f}$ and every $|w_j|=0.01$")
    assert_says(qid, f"${8 / 255:.4f}\\times{n}\\times0.01={8 / 255 * n * 0.01:.1f}$")
    assert_says(qid, f"$\\sqrt{{{n}}}={math.sqrt(n):.0f}$")
    assert_says(qid, r"w^\top\eta=\epsilon\lVert w\rVert_1=\epsilon\,n\,\overline{|w|}")
    assert_says(qid, r"$\epsilon\sqrt n\,\overline{|w|}$")


def test_expressions_distillation_contrastive_spectral_power():
    qid = "knowledge-distillation"
    assert_says(qid, r"\frac1T\big(q_i-p_i\big)")
    assert_says(qid, r"$q_i\approx(1+z_i/T)/K$")
    assert_says(qid, "A teacher has logits $(5,2,0)$. At $T=1$")
    assert_says(qid, r"$\alpha\,T^2\,\mathrm{CE}(p,q)+(1-\alpha)\,\mathrm{CE}(y,\operatorname{softmax}(z))$")
    qid = "contrastive-alignment-uniformity"
    assert_says(qid, f"$\\log\\big(\\tfrac12+\\tfrac12e^{{-{2 * 4}}}\\big)={math.log(0.5 + 0.5 * math.exp(-8)):.3f}$")
    far = float(np.sum((np.array([1.0, 0.0]) - np.array([-1.0, 0.0])) ** 2))
    assert_says(qid, f"half the pairs are at squared distance 0 and half at {far:g}")
    assert_says(qid, f"$-{2 * 2}+\\log I_0({2 * 2})=")
    assert_says(qid, f"$2-2\\times0.9={2 - 2 * 0.9:.1f}$")
    assert_says(qid, "with $t=2$")
    assert_says(qid, r"$\lVert u-v\rVert^2=2-2u^\top v$")
    assert_says(qid, r"$\log\mathbb{E}e^{-2\lVert f(x)-f(x')\rVert^2}$")
    qid = "spectral-bias"
    lam1, lam8 = ntk_eigenvalue(1), ntk_eigenvalue(8)
    assert_says(qid, f"$1/{lam1:g}={1 / lam1:.0f}$")
    assert_says(qid, f"$1/{lam8:.5f}={1 / lam8:.0f}$")
    assert_says(qid, r"roughly like $k^{-d}$")
    assert_says(qid, r"decays as $e^{-\lambda_kt}$")
    qid = "why-power-laws"
    d = 1
    assert_says(qid, f"($d={d}$), the exponent predicted for mean squared error is $4/d={4 // d}$")
    assert_says(qid, r"\propto\ N^{-4/d}")
    assert_says(qid, r"$\alpha\approx4/d$")
    assert_says(qid, r"$s\propto N^{-1/d}$")
    assert_says(qid, r"of order $s^4$")
    assert_says(qid, r"$p_k\propto k^{-(1+a)}$")
    assert_says(qid, r"falls as $N^{-a}$")
    assert_says(qid, r"Kaplan's exponent $\alpha_N=0.076$")
    assert_says(qid, r"Halving the reducible loss takes $2^{1/\alpha}$ times more parameters")
    assert_says("contrastive-alignment-uniformity", r"$\lVert u-v\rVert^2=2-2\cos\theta$ and the value is")
    assert_says("contrastive-alignment-uniformity", r"+\sum_{j=1}^{M}e^{f(x)^\top f(x_j^-)/\tau}")
    assert_says("overparameterisation-pl", r"For $L=\tfrac12\lVert F(w)-y\rVert^2$ the gradient is $\nabla L=DF^\top r$")


def test_reported_figures_from_the_literature():
    # numbers reported by the cited papers (not derivable here): each must stay as the paper gives it
    assert_says("signal-propagation-init", "even 10,000-layer plain convolutional networks")
    assert_says("feature-learning-mup", "a 40-million-parameter proxy")
    assert_says("feature-learning-mup", "a 6.7-billion-parameter GPT-3 model")
    assert_says("softmax-bottleneck", "hidden sizes below about 1000")
    assert_says("scaling-laws-compute-optimal", "Chinchilla found about $C^{0.5}$, roughly 20 tokens per parameter")
    assert_says("knowledge-distillation", "values from 2 to 10 are common")
    assert_says("knowledge-distillation", "why is the soft loss multiplied by $T^2$")
    assert_says("normalisation-scale-invariance", r"If $L(\alpha w)=L(w)$ for all $\alpha>0$")
    # the distillation temperature factor: the soft-loss gradient really scales as 1/T^2 at high T
    v, z = np.array([1.0, -0.5, -0.5]), np.array([0.2, 0.1, -0.3])
    grads = []
    for temp in (20.0, 40.0):
        p = np.exp(v / temp) / np.exp(v / temp).sum()
        q = np.exp(z / temp) / np.exp(z / temp).sum()
        grads.append(np.abs((q - p) / temp).max())
    assert abs(grads[0] / grads[1] - 4) < 0.05


SHORT_ANSWER_FORMULAS = {
    # the formulas each flashcard states; the tests above verify each one numerically
    "signal-propagation-init": [r"multiplies the pre-activation second moment by $\sigma_w^2/2$",
                                r"scales as $(\sigma_w^2/2)^L$", r"only He's $\sigma_w^2=2$"],
    "normalisation-scale-invariance": [r"effective learning rate $\eta/\lVert w\rVert^2$",
                                       r"angular step about $\sqrt{2\eta\lambda}$"],
    "residual-connections-conditioning": [r"grows like $(1+a)^L$", r"scaling branches by $1/\sqrt L$"],
    "attention-sqrt-d": [r"muP uses $1/d_k$ instead"],
    "ntk-lazy-training": [r"each weight moves $O(1/\sqrt m)$"],
    "feature-learning-mup": [r"features move $O(m^{-1/2})$", r"scale the output down (by $1/m$)"],
    "overparameterisation-pl": [r"$\lVert\nabla L\rVert^2\ge2\lambda_{\min}(K)L$", r"falls as $(1-\mu/\beta)^t$ under step $1/\beta$"],
    "scaling-laws-compute-optimal": [r"compute $C\approx6ND$", r"subject to $6ND=C$", r"Kaplan et al. found $N_{\mathrm{opt}}\propto C^{0.73}$"],
    "linear-regions-depth": [r"make at most $\sum_{j=0}^{d}\binom nj$ regions"],
    "softmax-bottleneck": [r"its rank is at most $d+1$"],
    "dropout-regularisation-inference": [r"plus $\tfrac{p}{1-p}\sum_jw_j^2\sum_ix_{ij}^2$"],
    "augmentation-invariance": [r"adds exactly $\sigma^2\lVert w\rVert^2$"],
    "equivariance-weight-sharing": [r"A $3\times3$ convolution from 3 to 64 channels has 1728 weights where a dense layer on $32\times32$ images"],
    "adversarial-linearity": [r"changes it by $\epsilon\lVert w\rVert_1$"],
    "knowledge-distillation": [r"about $(z_i-v_i)/(KT^2)$ at high $T$, so multiplying by $T^2$"],
    "contrastive-alignment-uniformity": [r"$\log\mathbb{E}e^{-2\lVert f(x)-f(x')\rVert^2}$", r"$\mathbb{E}\lVert f(x)-f(y)\rVert^2$"],
    "why-power-laws": [r"width about $N^{-1/d}$", r"scales as $N^{-4/d}$: $\alpha\approx4/d$"],
}


def test_short_answer_formulas():
    for qid, phrases in SHORT_ANSWER_FORMULAS.items():
        short = field(qid, "short_answer")
        for phrase in phrases:
            assert phrase in short, (qid, phrase)
    # two of them checked once more by simulation: ReLU halves the second moment, and the sign
    # perturbation's effect is the l1 norm
    rng = np.random.default_rng(20)
    z = rng.standard_normal(1_000_000) * 1.7
    assert abs(np.mean(np.maximum(z, 0) ** 2) / np.mean(z**2) - 0.5) < 0.005
    w = rng.standard_normal(1000)
    assert math.isclose(0.1 * np.sign(w) @ w, 0.1 * np.abs(w).sum())


def test_remaining_stated_values():
    qid = "why-power-laws"
    alpha_kaplan = 0.076
    assert states(qid, str(alpha_kaplan), near="Halving the reducible loss")
    assert states(qid, fmt(2 ** (1 / alpha_kaplan), 0), near=f"at $\\alpha={alpha_kaplan}$")
    assert_says(qid, r"about $\tfrac12|f''|s^2$")
    # the ReLU correlation map at sigma_w^2 = 2 has slope 1 at c = 1: marginal stability
    h = 1e-4
    slope = (2 * relu_relu(1 - 1e-12) - 2 * relu_relu(1 - h)) / h
    assert abs(slope - 1) < 0.02
    assert_says("signal-propagation-init", f"ReLU networks sit at $\\chi={round(slope)}$")
    assert_says("scaling-laws-compute-optimal", "far more than 20 tokens per parameter")
    assert states("scaling-laws-compute-optimal", fmt(1.4e12 / 70e9, 0), near="far more than")
    assert_says("feature-learning-mup", r"the output is a $1/\sqrt m$-weighted sum of $m$ units")
    assert_says("ntk-lazy-training", r"r(t)=e^{-Kt}r(0)")


def test_phase_and_scaling_statements():
    # tanh without biases: chi = sigma_w^2 * E[tanh'(z)^2] at the fixed point q* = 0 is sigma_w^2,
    # so chi < 1 (ordered) below sigma_w^2 = 1 and chi > 1 (chaotic) above it
    for sigma2, phase in ((0.8, "ordered"), (1.2, "chaotic")):
        chi = sigma2 * (1 - math.tanh(0.0) ** 2) ** 2
        sign = "<" if chi < 1 else ">"
        assert_says("signal-propagation-init", f"$\\chi{sign}1$ is the {phase} phase")
    assert_says("signal-propagation-init", "For tanh without biases it is $\\sigma_w^2=1$")
    assert_says("feature-learning-mup", "attention logits scaled by $1/d$")
    assert_says("attention-sqrt-d", "scales attention logits by $1/d_k$")


def test_power_law_floor_lowers_fitted_exponent():
    # a pure power law fitted to E + A N^-alpha (Chinchilla's published fit) has a smaller slope than alpha
    assert_says("why-power-laws", "leaving out the floor makes a fitted exponent smaller")
    e, a, alpha = 1.69, 406.4, 0.34
    n = np.geomspace(1e7, 1e11, 50)
    slope = -np.polyfit(np.log(n), np.log(e + a * n**-alpha), 1)[0]
    assert 0 < slope < alpha
    assert states("why-power-laws", "0.34", near="Chinchilla fit")


def test_mup_output_layer_forms_agree():
    # One Adam step (its first step moves each entry by the learning rate times the gradient's sign) on a
    # readout f = c * w.h. Output weights of variance 1/n^2 with rate eta/n, and unit-scale weights behind a
    # 1/n multiplier with rate eta, move f by the same order-one amount at every width; the multiplier
    # together with the 1/n rate moves it n times less, so the readout freezes as n grows.
    assert_says("feature-learning-mup", r"output weights initialised with variance $1/\text{fan-in}^2$")
    assert_says("feature-learning-mup", r"multiplies the output layer by $1/\text{fan-in}$")
    assert_says("feature-learning-mup", "would freeze the readout at large width")
    eta, rng = 1e-2, np.random.default_rng(7)
    moves = {}
    for n in (256, 4096):
        h = np.abs(rng.standard_normal(n))  # post-ReLU-like features of order one
        grad_sign = np.sign(h)              # d f / d w has the sign of h for c > 0
        def step(c, rate, init_std):
            w = rng.standard_normal(n) * init_std
            before = c * w @ h
            after = c * (w - rate * grad_sign) @ h
            return abs(after - before), abs(before)
        moves[n] = {"direct": step(1.0, eta / n, 1.0 / n), "multiplier": step(1.0 / n, eta, 1.0),
                    "both": step(1.0 / n, eta / n, 1.0)}
        assert math.isclose(moves[n]["direct"][0], moves[n]["multiplier"][0])
        assert math.isclose(moves[n]["both"][0] * n, moves[n]["direct"][0])
    # the muP move is width-independent (about eta * E|z| = eta * sqrt(2/pi)), the mixed one shrinks like 1/n
    for n in moves:
        assert abs(moves[n]["direct"][0] / (eta * math.sqrt(2 / math.pi)) - 1) < 0.1
    assert moves[4096]["both"][0] < moves[256]["both"][0] / 10


def test_contested_attributions():
    # what each cited work is credited with in the contested passages
    assert_says("scaling-laws-compute-optimal", r"is not needed to recover the Chinchilla exponent \cite{porian2024resolving}")
    assert_says("scaling-laws-compute-optimal", r"Hoffmann et al. blamed Kaplan's use of one learning-rate schedule length")
    assert_says("grokking", r"as the training set grows \cite{varma2023explaining}")
    assert_says("linear-regions-depth", r"even on memorisation tasks \cite{hanin2019deep}")
    assert_says("lottery-ticket", r"per-layer density \cite{frankle2021pruning}")
    assert_says("grokking", r"the slingshot \cite{thilak2022slingshot}")
    assert_says("lottery-ticket", r"transfer partly to related ones \cite{morcos2019one}")
    assert_says("ntk-lazy-training", r"but not on all \cite{malladi2023kernel}")
