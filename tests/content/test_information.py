"""The information-theory chapter (content/05-information.yaml) and its figures: every stated
number is recomputed here from the problem's inputs and looked for in the sentence that states it."""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import pytest
from scipy import optimize, special, stats

from bank import assert_every_field, assert_well_formed, caption_says, caption_states, field, figure_constant, figure_module, fmt, says, sentences, states

ALL = ("answer", "short_answer", "mistakes", "follow_ups")
LN2 = math.log(2.0)
IDS = [
    "entropy-bits-nats", "cross-entropy-kl", "forward-reverse-kl", "gaussian-kl", "mutual-information",
    "label-smoothing", "perplexity-compression", "gan-jensen-shannon", "infonce-bound", "mdl-bic-evidence",
    "universal-approximation", "depth-separation", "bias-variance",
]


def entropy(p, base=math.e) -> float:
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum() / math.log(base))


def kl(p, q) -> float:
    p, q = np.asarray(p, float), np.asarray(q, float)
    keep = p > 0
    return float((p[keep] * np.log(p[keep] / q[keep])).sum())


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize("qid", IDS)
def test_question_structure(qid):
    assert_every_field(qid)
    assert_well_formed(qid, parts=())


def test_seed_prompt_is_verbatim():
    assert field("cross-entropy-kl", "question").strip() == (
        "Define cross-entropy loss and Kullback–Leibler (KL) divergence between probability distributions "
        "P and Q. Show the mathematical relation between cross-entropy, entropy, and KL. Explain practical "
        "differences when using cross-entropy loss in classification versus minimizing KL in probabilistic modeling."
    )


# ---------------------------------------------------------------- entropy in bits and nats


def test_entropy_units():
    q = "entropy-bits-nats"
    for fields in (("short_answer",), ("answer",)):
        assert states(q, fmt(1 / LN2, 3), near="1 nat = ", fields=fields)
        assert states(q, fmt(LN2, 3), near="1 bit = ", fields=fields)
    assert says(q, "Divide nats by ", fmt(LN2, 3)) and says(q, "off by a factor of ", fmt(1 / LN2, 3))


def test_entropy_dyadic_example():
    q = "entropy-bits-nats"
    p = np.array([1 / 2, 1 / 4, 1 / 8, 1 / 8])
    assert "$p=(\\tfrac12,\\tfrac14,\\tfrac18,\\tfrac18)$" in field(q, "answer")
    bits = entropy(p, 2)
    assert says(q, "= ", fmt(bits, 2) + "\\ \\text{bits}") and says(q, "\\text{bits} = ", fmt(bits * LN2, 3))
    code = ["0", "10", "110", "111"]
    assert says(q, "The prefix code ", ", ".join(code))
    assert all(len(c) == -math.log2(pi) for c, pi in zip(code, p))
    assert says(q, "average length is exactly ", fmt(sum(len(c) * pi for c, pi in zip(code, p)), 2))
    assert says(q, "four outcomes would need ", fmt(entropy(np.full(4, 0.25), 2), 0))


def test_entropy_ten_classes_and_differential_entropy():
    q = "entropy-bits-nats"
    k = 10
    assert says(q, "uniform distribution on ", f"{k} classes") and says(q, "step zero of a ", f"{k}-class")
    assert says(q, "$H=\\log_2 10=", fmt(entropy(np.full(k, 1 / k), 2), 3))
    assert says(q, "\\ln 10=", fmt(entropy(np.full(k, 1 / k)), 3))
    sigma = 0.1
    assert says(q, "a Gaussian with $\\sigma=", f"{sigma:g}")
    assert says(q, "=", fmt(stats.norm(0, sigma).entropy(), 3))


# ---------------------------------------------------------------- cross-entropy and KL


def test_cross_entropy_worked_example():
    q = "cross-entropy-kl"
    P, Q = np.array([0.7, 0.2, 0.1]), np.array([0.5, 0.3, 0.2])
    assert says(q, "$P=", "(%g,%g,%g)" % tuple(P)) and says(q, "$Q=", "(%g,%g,%g)" % tuple(Q))
    h, ce = entropy(P), -(P * np.log(Q)).sum()
    assert ce == pytest.approx(h + kl(P, Q))
    assert says(q, "$H(P)=", fmt(h, 3)) and says(q, "$H(P,Q)=", fmt(ce, 3))
    assert says(q, "$\\operatorname{KL}(P\\,\\|\\,Q)=", fmt(kl(P, Q), 3))
    assert says(q, "$\\operatorname{KL}(Q\\,\\|\\,P)=", fmt(kl(Q, P), 3))
    assert states(q, fmt(h, 3), near="cannot go below")
    one_hot = np.array([1.0, 0.0, 0.0])
    assert says(q, "$H(P)=", fmt(abs(entropy(one_hot)), 0))
    assert says(q, "-\\ln 0.5=", fmt(-(one_hot * np.log(Q)).sum(), 3))
    assert kl(one_hot, Q) == pytest.approx(-np.log(Q[0]))


def test_soft_target_gradient_is_q_minus_p():
    q = "cross-entropy-kl"
    assert "the gradient with respect to the logits is $Q-P$" in field(q, "answer")
    rng = np.random.default_rng(4)
    z, P = rng.standard_normal(5), rng.dirichlet(np.ones(5))
    loss = lambda z: -(P * special.log_softmax(z)).sum()  # noqa: E731
    grad = optimize.approx_fprime(z, loss, 1e-7)
    assert np.allclose(grad, special.softmax(z) - P, atol=1e-6)


# ---------------------------------------------------------------- forward and reverse KL


GRID = np.linspace(-10.0, 10.0, 8001)
STEP = GRID[1] - GRID[0]


def mixture() -> np.ndarray:
    return 0.5 * stats.norm.pdf(GRID, -2, 0.6) + 0.5 * stats.norm.pdf(GRID, 2, 0.6)


def grid_kl(a, b) -> float:
    keep = a > 1e-300
    return float(np.sum(a[keep] * (np.log(a[keep]) - np.log(np.maximum(b[keep], 1e-300)))) * STEP)


@functools.lru_cache(maxsize=1)
def fits() -> dict:
    mix = mixture()
    mean = float(np.sum(GRID * mix) * STEP)
    sd = float(np.sqrt(np.sum((GRID - mean) ** 2 * mix) * STEP))
    res = optimize.minimize(lambda t: grid_kl(stats.norm.pdf(GRID, t[0], np.exp(t[1])), mix), [1.0, 0.0],
                            method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000})
    rm, rs = float(res.x[0]), float(np.exp(res.x[1]))
    qf, qr = stats.norm.pdf(GRID, mean, sd), stats.norm.pdf(GRID, rm, rs)
    centre = optimize.minimize_scalar(lambda s: grid_kl(stats.norm.pdf(GRID, 0.0, np.exp(s)), mix),
                                      bounds=(-3, 2), method="bounded", options={"xatol": 1e-8})
    return {"mean": mean, "var": sd**2, "sd": sd, "rm": rm, "rs": rs,
            "fwd_fwd": grid_kl(mix, qf), "fwd_rev": grid_kl(qf, mix),
            "rev_rev": grid_kl(qr, mix), "rev_fwd": grid_kl(mix, qr), "centre": float(centre.fun)}


def test_forward_fit_is_moment_matching():
    q = "forward-reverse-kl"
    f = fits()
    assert "p=\\tfrac12\\mathcal{N}(-2,0.6^2)+\\tfrac12\\mathcal{N}(2,0.6^2)" in field(q, "answer")
    assert says(q, "Its mean is ", fmt(abs(f["mean"]), 0))
    assert says(q, "variance $4+0.36=", f"{f['var']:.2f}") and says(q, "$\\mathcal{N}(0,", fmt(f["sd"], 3) + "^2)")
    # moment matching minimises the forward KL over (mu, sigma)
    mix = mixture()
    res = optimize.minimize(lambda t: grid_kl(mix, stats.norm.pdf(GRID, t[0], np.exp(t[1]))), [0.7, 0.3],
                            method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12})
    assert fmt(np.exp(res.x[1]), 3) == fmt(f["sd"], 3)


def test_kl_asymmetry_numbers():
    q = "forward-reverse-kl"
    f = fits()
    assert says(q, "with $\\operatorname{KL}(p\\,\\|\\,q)=", fmt(f["fwd_fwd"], 3))
    assert says(q, "$\\mathcal{N}(", f"{fmt(f['rm'], 3)},{fmt(f['rs'], 3)}^2)")
    assert says(q, "with $\\operatorname{KL}(q\\,\\|\\,p)=", fmt(f["rev_rev"], 3)) and f["rev_rev"] < LN2
    assert says(q, "the reverse fit has $\\operatorname{KL}(p\\,\\|\\,q)=", fmt(f["rev_fwd"], 1))
    assert says(q, "the forward fit $\\operatorname{KL}(q\\,\\|\\,p)=", fmt(f["fwd_rev"], 3))
    assert says(q, "with value ", fmt(f["centre"], 3)) and f["centre"] > f["rev_rev"]


def test_mean_field_variance():
    q = "forward-reverse-kl"
    rho = 0.9
    precision = np.linalg.inv(np.array([[1.0, rho], [rho, 1.0]]))
    assert says(q, "correlation ", f"{rho:g}")
    assert says(q, "=1-0.9^2=", fmt(1 / precision[0, 0], 2))
    assert says(q, "the true marginals, variance ", "1")


def test_kl_asymmetry_caption():
    name = "kl_asymmetry"
    f = fits()
    assert np.allclose(figure_module(name).GRID, GRID)
    mixture_text = "p=\\tfrac12\\mathcal{N}(%g,%g^2)+\\tfrac12\\mathcal{N}(%g,%g^2)" % (-2, 0.6, 2, 0.6)
    assert mixture_text in figure_constant(name, "CAPTION") and mixture_text in field("forward-reverse-kl", "answer")
    assert np.allclose(mixture(), 0.5 * stats.norm.pdf(GRID, -2, 0.6) + 0.5 * stats.norm.pdf(GRID, 2, 0.6))
    assert caption_says(name, "q=\\mathcal{N}(", f"{abs(f['mean']):.0f},{fmt(f['sd'], 3)}^2)")
    assert caption_says(name, "worse local minimum at ", f"{abs(f['mean']):.0f} (value")
    assert caption_states(name, fmt(f["sd"], 3), near="moment matching")
    assert caption_states(name, fmt(f["fwd_fwd"], 3), near="moment matching")
    assert caption_states(name, fmt(f["fwd_rev"], 3), near="moment matching")
    for key in ("rm", "rs", "rev_rev"):
        assert caption_states(name, fmt(f[key], 3), near="The reverse-KL fit")
    assert caption_states(name, fmt(LN2, 3), near="The reverse-KL fit")
    assert caption_states(name, fmt(f["rev_fwd"], 1), near="The reverse-KL fit")
    assert caption_states(name, fmt(f["centre"], 3), near="worse local minimum")


# ---------------------------------------------------------------- Gaussian KL


def gauss_kl(m0, S0, m1, S1) -> float:
    m0, m1 = np.atleast_1d(m0).astype(float), np.atleast_1d(m1).astype(float)
    S0, S1 = np.atleast_2d(S0).astype(float), np.atleast_2d(S1).astype(float)
    S1inv = np.linalg.inv(S1)
    diff = m1 - m0
    return 0.5 * float(np.trace(S1inv @ S0) + diff @ S1inv @ diff - m0.size
                       + np.log(np.linalg.det(S1) / np.linalg.det(S0)))


def test_gaussian_kl_formula_by_monte_carlo():
    q = "gaussian-kl"
    assert "\\operatorname{tr}(\\Sigma_1^{-1}\\Sigma_0)" in field(q, "answer")
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    S0, S1 = A @ A.T + 0.5 * np.eye(2), B @ B.T + 0.5 * np.eye(2)
    m0, m1 = rng.normal(size=2), rng.normal(size=2)
    x = stats.multivariate_normal(m0, S0).rvs(400_000, random_state=rng)
    mc = np.mean(stats.multivariate_normal(m0, S0).logpdf(x) - stats.multivariate_normal(m1, S1).logpdf(x))
    assert mc == pytest.approx(gauss_kl(m0, S0, m1, S1), abs=0.01)


def test_gaussian_kl_numbers():
    q = "gaussian-kl"
    forward, backward = gauss_kl(0, 1, 0, 4), gauss_kl(0, 4, 0, 1)
    assert "$\\mathcal{N}(0,1)$ against $\\mathcal{N}(0,2^2)$" in field(q, "short_answer")
    assert says(q, "gives ", fmt(forward, 3), fields=("short_answer",)) and says(q, "and ", fmt(backward, 3), fields=("short_answer",))
    assert says(q, "\\tfrac18-\\tfrac12=", fmt(forward, 3)) and says(q, "+2-\\tfrac12=", fmt(backward, 3))
    assert says(q, "the correct value is ", fmt(forward, 3), fields=("mistakes",))
    vae = gauss_kl(1.0, 0.25, 0.0, 1.0)
    assert says(q, "with $\\mu=", "1") and says(q, "$\\sigma=", "0.5") and says(q, "it is ", fmt(vae, 3))


def test_gaussian_kl_triangle_failure():
    q = "gaussian-kl"
    ab, bc, ac = gauss_kl(0, 1, 1, 1), gauss_kl(1, 1, 2, 1), gauss_kl(0, 1, 2, 1)
    assert says(q, "$A=\\mathcal{N}(", "0,1)") and says(q, "$B=\\mathcal{N}(", "1,1)") and says(q, "$C=\\mathcal{N}(", "2,1)")
    assert says(q, "=", f"{ab:g}+{bc:g}={ab + bc:g}") and says(q, "less than $\\operatorname{KL}(A\\,\\|\\,C)=", f"{ac:g}")
    assert ab + bc < ac
    # sqrt(KL) for a common variance sigma^2 is |mu0 - mu1| / (sigma sqrt 2)
    for sigma in (0.5, 2.0):
        assert math.sqrt(gauss_kl(0, sigma**2, 1, sigma**2)) == pytest.approx(1 / (sigma * math.sqrt(2)))
    assert "|\\mu_0-\\mu_1|/(\\sigma\\sqrt2)" in field(q, "answer")


def test_gaussian_kl_equal_check_catches_only_missing_d():
    q = "gaussian-kl"

    def variant(s0, s1, kind):
        trace = s0 / s1 if kind != "trace" else s1 / s0
        logdet = math.log(s1 / s0) if kind != "logdet" else math.log(s0 / s1)
        return 0.5 * (trace - (0.0 if kind == "no_d" else 1.0) + logdet)

    for kind in ("trace", "logdet"):
        assert variant(2.0, 2.0, kind) == pytest.approx(0.0)
        assert fmt(variant(1.0, 4.0, kind), 3) != fmt(gauss_kl(0, 1, 0, 4), 3)
    assert variant(2.0, 2.0, "no_d") != pytest.approx(0.0)
    assert "catches only the missing" in field(q, "mistakes")


# ---------------------------------------------------------------- mutual information


def test_binary_symmetric_chain():
    q = "mutual-information"
    flip = 0.1
    assert says(q, "flipped with probability ", f"{flip:g}") and says(q, "independently, with probability ", f"{flip:g}")
    # the joint of X and Z, built from the two channels
    channel = np.array([[1 - flip, flip], [flip, 1 - flip]])
    px = np.array([0.5, 0.5])
    joint_xy = px[:, None] * channel
    joint_xz = px[:, None] * (channel @ channel)

    def mi_bits(joint):
        return entropy(joint.sum(0), 2) + entropy(joint.sum(1), 2) - entropy(joint.ravel(), 2)

    hb = lambda p: entropy([p, 1 - p], 2)  # noqa: E731
    assert says(q, "=1-H_b(", f"{flip:g})=1-{fmt(hb(flip), 3)}") and says(q, "=", fmt(mi_bits(joint_xy), 3) + "$ bits")
    z_flip = joint_xz[0, 1] / 0.5
    assert says(q, "2\\times0.1\\times0.9=", fmt(z_flip, 2))
    assert says(q, "=1-H_b(", f"{z_flip:g})=1-{fmt(hb(z_flip), 3)}") and says(q, "=", fmt(mi_bits(joint_xz), 3) + "$ bits")
    assert says(q, "destroyed ", fmt(mi_bits(joint_xy) - mi_bits(joint_xz), 3))


def test_gaussian_mutual_information():
    q = "mutual-information"
    rho = 0.9
    cov = np.array([[1.0, rho], [rho, 1.0]])
    mi = stats.norm.entropy() * 2 - stats.multivariate_normal(np.zeros(2), cov).entropy()
    assert says(q, "which is ", fmt(mi, 3)) and says(q, "at $\\rho=", f"{rho:g}")


# ---------------------------------------------------------------- label smoothing


def test_label_smoothing_optimum():
    q = "label-smoothing"
    k, eps = 10, 0.1
    target = np.full(k, eps / k)
    target[0] += 1 - eps
    # numerical minimisation of the smoothed loss over the logits
    res = optimize.minimize(lambda z: -(target * special.log_softmax(z)).sum(), np.zeros(k), method="BFGS",
                            options={"gtol": 1e-10})
    gap = res.x[0] - np.max(res.x[1:])
    assert states(q, fmt(gap, 3), near="which is", fields=("short_answer",))
    assert states(q, fmt(gap, 3), near="The optimal logit gap", fields=("answer",))
    assert says(q, "for $K=", str(k), fields=("short_answer",)) and says(q, "$\\varepsilon=", f"{eps:g}", fields=("short_answer",))
    assert says(q, "With $K=", f"{k}$ and $\\varepsilon={eps:g}$ the target")
    assert says(q, "H(y^{\\mathrm{LS}})=", f"-{target[0]:g}\\ln{target[0]:g}-{k - 1}\\times{target[1]:g}\\ln{target[1]:g}")
    assert says(q, "The original Transformer used $\\varepsilon=", f"{eps:g}") and says(q, "around ", f"{eps:g} is typical")
    assert says(q, "the target is ", f"{target[0]:g}") and says(q, "and ", f"{target[1]:g}" + " for each of the nine")
    assert says(q, "$\\ln ", f"{target[0] / target[1]:.0f}=" + fmt(math.log(target[0] / target[1]), 3))
    floor = entropy(target)
    assert res.fun == pytest.approx(floor, abs=1e-8)
    assert says(q, "\\ln0.01=", fmt(floor, 3)) and says(q, "levels off near ", fmt(floor, 1))


def test_label_smoothing_decomposition():
    q = "label-smoothing"
    assert "$H(u,q)=\\ln K+\\operatorname{KL}(u\\,\\|\\,q)$" in field(q, "answer")
    rng = np.random.default_rng(7)
    qd = rng.dirichlet(np.ones(6))
    u = np.full(6, 1 / 6)
    assert -(u * np.log(qd)).sum() == pytest.approx(math.log(6) + kl(u, qd))


# ---------------------------------------------------------------- perplexity and compression


def test_perplexity_numbers():
    q = "perplexity-compression"
    loss = 2.0
    for fields in (("short_answer",), ("answer",)):
        assert states(q, fmt(math.exp(loss), 3), near="perplexity", fields=fields)
        assert states(q, fmt(loss / LN2, 3), near="bits per token", fields=fields)
    assert says(q, "A validation loss of ", f"{loss:.1f}") and says(q, "A loss of ", f"{loss:.1f}", fields=("short_answer",))
    assert says(q, "In bits, $", f"{loss:.1f}/\\ln 2") and says(q, "chapter ", "13")
    chars = 4
    assert "averages four characters per token" in field(q, "answer")
    assert says(q, "that is ", fmt(loss / LN2 / chars, 3))
    tokens = 1e6
    assert says(q, "about $", fmt(loss / LN2, 3) + "\\times10^6") and tokens == 10**6
    assert says(q, "or ", fmt(loss / LN2 * tokens / 8 / 1000, 0) + " kB")
    vocab = 50_000
    assert says(q, "a model over a ", f"{vocab:,}") and says(q, "$\\ln ", f"{vocab}={fmt(math.log(vocab), 3)}")
    assert says(q, "and perplexity ", f"{vocab:,}")


def test_perplexity_is_a_branching_factor():
    q = "perplexity-compression"
    k = 20
    assert says(q, "perplexity ", str(k)) and says(q, "choosing among ", str(k))
    tokens = np.full(1000, 1 / k)
    assert math.exp(-np.mean(np.log(tokens))) == pytest.approx(k)


# ---------------------------------------------------------------- GANs and Jensen-Shannon


def js_uniform_shift(theta: float) -> float:
    """JS(U[0,1] || U[theta, theta+1]) by numerical integration."""
    x = np.linspace(-0.5, 3.5, 400_001)
    dx = x[1] - x[0]
    p = ((x >= 0) & (x <= 1)).astype(float)
    g = ((x >= theta) & (x <= theta + 1)).astype(float)
    m = 0.5 * (p + g)

    def part(a):
        keep = a > 0
        return float(np.sum(a[keep] * np.log(a[keep] / m[keep])) * dx)

    return 0.5 * part(p) + 0.5 * part(g)


def test_gan_value_is_js():
    q = "gan-jensen-shannon"
    assert "-\\ln 4 + 2\\,\\mathrm{JS}(p_d\\,\\|\\,p_g)" in field(q, "answer")
    rng = np.random.default_rng(5)
    pd, pg = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    d = pd / (pd + pg)
    value = float((pd * np.log(d)).sum() + (pg * np.log(1 - d)).sum())
    m = 0.5 * (pd + pg)
    assert value == pytest.approx(-math.log(4) + kl(pd, m) + kl(pg, m))
    assert says(q, "$V=-\\ln 4=", fmt(-math.log(4), 3))


def test_gan_uniform_example():
    q = "gan-jensen-shannon"
    theta = 0.5
    js = js_uniform_shift(theta)
    assert says(q, "At $\\theta=", f"{theta:g}") and says(q, "this is ", fmt(js, 3))
    assert says(q, "$V(D^*,G)=", fmt(-math.log(4) + 2 * js, 3))
    disjoint = js_uniform_shift(1.5)
    assert says(q, "JS is stuck at $\\ln 2=", fmt(disjoint, 3)) and says(q, "and $V=", fmt(abs(-math.log(4) + 2 * disjoint), 0))
    d_star = 0.5  # the optimal discriminator at p_g = p_d
    assert says(q, "an accuracy near ", f"{100 * d_star:.0f}%")
    assert stats.wasserstein_distance(np.linspace(0, 1, 1001), np.linspace(theta, theta + 1, 1001)) == pytest.approx(theta)
    assert "distance between the same two distributions is $\\theta$" in field(q, "answer")


# ---------------------------------------------------------------- InfoNCE


def test_infonce_cap_numbers():
    q = "infonce-bound"
    k = 256
    assert states(q, fmt(math.log(k), 3), near="$K=256$", fields=("short_answer",))
    assert says(q, "With a batch giving $K=", f"{k}$ candidates")
    assert says(q, "$\\ln ", f"{k}={fmt(math.log(k), 3)}") and says(q, "exactly ", f"{math.log2(k):.0f} bits")
    loss = 3.0
    assert says(q, "A training loss of ", f"{loss:.1f}") and says(q, "$I\\ge", fmt(math.log(k) - loss, 3))
    queue = 65_536
    assert says(q, "$K=", f"{queue:,}".replace(",", "{,}"))
    assert says(q, "only to ", fmt(math.log(queue), 3)) and says(q, "or ", f"{math.log2(queue):.0f} bits")


def test_infonce_bound_holds_for_gaussians():
    q = "infonce-bound"
    assert "$I(X;Y)\\ge\\ln K-\\mathcal{L}_K(f)$" in field(q, "answer")
    rng = np.random.default_rng(6)
    rho, K, batches = 0.8, 16, 4000
    true_mi = -0.5 * math.log(1 - rho**2)
    x = rng.normal(size=(batches, 1))
    y_pos = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=(batches, 1))
    y = np.hstack([y_pos, rng.normal(size=(batches, K - 1))])
    scores = stats.norm.logpdf(y, rho * x, math.sqrt(1 - rho**2)) - stats.norm.logpdf(y)
    loss = float(np.mean(special.logsumexp(scores, axis=1) - scores[:, 0]))
    assert 0 < math.log(K) - loss < true_mi


# ---------------------------------------------------------------- MDL, BIC and the evidence


def test_coin_model_comparison():
    q = "mdl-bic-evidence"
    n, heads = 100, 62
    assert says(q, "A coin gives ", str(heads)) and says(q, "heads in ", str(n))
    ll0 = stats.binom.logpmf(heads, n, 0.5) - math.log(math.comb(n, heads))
    theta = heads / n
    ll1 = stats.binom.logpmf(heads, n, theta) - math.log(math.comb(n, heads))
    assert says(q, "=100\\ln0.5=", fmt(ll0, 3)) and says(q, "$\\hat\\theta=", f"{theta:g}")
    assert says(q, "\\ln p(D\\mid\\hat\\theta)=", fmt(ll1, 3))
    lr = 2 * (ll1 - ll0)
    assert says(q, "statistic ", fmt(lr, 3)) and says(q, "p-value ", fmt(stats.chi2.sf(lr, 1), 3))
    assert says(q, "at the ", "5%")
    bic0, bic1 = -2 * ll0, -2 * ll1 + math.log(n)
    assert says(q, "\\mathrm{BIC}_0=", fmt(bic0, 3)) and says(q, "\\mathrm{BIC}_1=", fmt(bic1, 3))
    assert says(q, "a difference of ", fmt(bic0 - bic1, 3)) and says(q, "log Bayes factor of ", fmt((bic0 - bic1) / 2, 3))


def test_coin_evidence():
    q = "mdl-bic-evidence"
    n, heads = 100, 62
    log_ev1 = special.betaln(heads + 1, n - heads + 1)
    assert says(q, "\\int_0^1\\theta^{", f"{heads}}}(1-\\theta)^{{{n - heads}}}d\\theta=B({heads + 1},{n - heads + 1})")
    assert says(q, "the coin is fair, $d=", "0") and says(q, "uniform prior, $d=", "1") and says(q, "with logarithm $", fmt(log_ev1, 3))
    log_ev0 = n * math.log(0.5)
    log_bf = log_ev1 - log_ev0
    assert says(q, "The Bayes factor is $e^{", fmt(log_bf, 3)) and says(q, "}=", fmt(math.exp(log_bf), 2))
    assert says(q, "a saving of ", fmt(log_bf / LN2, 3))
    # Laplace: log-likelihood at the MLE + log prior (uniform: 0) + (1/2) ln 2pi - (1/2) ln(n I)
    theta = heads / n
    ll1 = heads * math.log(theta) + (n - heads) * math.log(1 - theta)
    laplace = ll1 + 0.5 * math.log(2 * math.pi) - 0.5 * math.log(n / (theta * (1 - theta)))
    assert says(q, "approximation gives $", fmt(laplace, 3)) and says(q, "cruder $", fmt(ll1 - 0.5 * math.log(n), 3))


def test_prior_width_cost():
    """A prior ten times more diffuse around the estimate costs about ln 10 of log evidence."""
    q = "mdl-bic-evidence"
    n, heads, width = 100, 62, 10
    theta = np.linspace(-60, 60, 1_200_001)
    inside = (theta > 0) & (theta < 1)
    lik = np.zeros_like(theta)
    lik[inside] = np.exp(heads * np.log(theta[inside]) + (n - heads) * np.log(1 - theta[inside]))
    step = theta[1] - theta[0]
    evidence = lambda s: float(np.sum(lik * stats.norm.pdf(theta, heads / n, s)) * step)  # noqa: E731
    cost = math.log(evidence(1.0) / evidence(width * 1.0))
    assert says(q, "a prior ", "ten times more diffuse") and says(q, "costs about $\\ln ", f"{round(math.exp(cost))}")


# ---------------------------------------------------------------- universal approximation


X = np.linspace(0.0, 1.0, 400_001)


def interp_error(k: int, x=X) -> float:
    knots = np.linspace(0, 1, k + 1)
    return float(np.max(np.abs(np.interp(x, knots, np.sin(2 * np.pi * knots)) - np.sin(2 * np.pi * x))))


def relu_net(k: int, x):
    knots = np.linspace(0, 1, k + 1)
    vals = np.sin(2 * np.pi * knots)
    slopes = np.diff(vals) / np.diff(knots)
    c = np.concatenate([[slopes[0]], np.diff(slopes)])
    return vals[0] + np.maximum(x[:, None] - knots[None, :-1], 0) @ c


def test_relu_net_equals_interpolant():
    q = "universal-approximation"
    assert "\\sum_{i=0}^{k-1} c_i\\,\\mathrm{ReLU}(x-x_i)" in field(q, "answer")
    x = np.linspace(0, 1, 5001)
    for k in (3, 7, 10):
        knots = np.linspace(0, 1, k + 1)
        assert np.allclose(relu_net(k, x), np.interp(x, knots, np.sin(2 * np.pi * knots)))


def test_universal_approximation_numbers():
    q = "universal-approximation"
    for fields in (("short_answer",), ("answer",)):
        assert "\\max|f''|/(8k^2)" in field(q, fields[0])
    second = np.max(np.abs(np.gradient(np.gradient(np.sin(2 * np.pi * X), X), X))[100:-100])
    assert second == pytest.approx(4 * math.pi**2, rel=1e-4) and "\\max|f''|=4\\pi^2" in field(q, "answer")
    bound = lambda k: 4 * math.pi**2 / (8 * k**2)  # noqa: E731
    for k in (10, 20):
        assert interp_error(k) <= bound(k)
    assert says(q, "With $k=", "10") and says(q, "the bound is ", fmt(bound(10), 4)) and says(q, "largest error is ", fmt(interp_error(10), 4))
    assert says(q, "with $k=", "20") and says(q, "they are ", f"{fmt(bound(20), 4)} and {fmt(interp_error(20), 4)}")
    assert round(interp_error(10) / interp_error(20)) == 4 and "divides the error by four" in field(q, "answer")
    tol = 1e-4
    kmin = math.ceil(math.sqrt(4 * math.pi**2 / (8 * tol)))
    assert bound(kmin) <= tol < bound(kmin - 1)
    assert says(q, "an error of $10^{", f"{math.log10(tol):.0f}") and says(q, "once $k\\ge", str(kmin))


def test_relu_figure_caption():
    name = "relu_approximation"
    x = figure_module(name).X
    widths = [int(w) for w in figure_module(name).WIDTHS]
    errs = [interp_error(k, x) for k in widths]
    bounds = [math.pi**2 / (2 * k**2) for k in widths]
    assert all(e <= b for e, b in zip(errs, bounds))  # below the bound
    gaps = [b / e for e, b in zip(errs, bounds)]
    assert all(a > b for a, b in zip(gaps, gaps[1:])) and "approaches it as the width grows" in figure_constant(name, "CAPTION")
    ratio = errs[-2] / errs[-1]
    assert caption_states(name, f"{ratio:.0f}", near="divides the error by")
    assert caption_states(name, "64", near="units give") and caption_states(name, fmt(interp_error(64, x), 4), near="units give")
    assert caption_states(name, str(figure_constant(name, "SEEDS")), near="median of")
    assert "\\max|f''|/(8k^2)=\\pi^2/(2k^2)" in figure_constant(name, "CAPTION")
    for k in (3, 7):
        assert caption_states(name, str(k), near="shown for")


# ---------------------------------------------------------------- depth separation


def tent(x):
    return 2 * np.maximum(x, 0) - 4 * np.maximum(x - 0.5, 0)


def sawtooth(k, x):
    for _ in range(k):
        x = tent(x)
    return x


def count_pieces(k: int) -> int:
    x = np.linspace(0, 1, 2 ** (k + 2) + 1)
    slopes = np.diff(sawtooth(k, x)) / np.diff(x)
    return 1 + int(np.sum(np.abs(np.diff(slopes)) > 1e-9))


def lower_bound(k: int, p: int) -> float:
    return 1 / 8 - (p + 1) * 2.0 ** -(k + 2)


def test_sawtooth_structure():
    q = "depth-separation"
    x = np.linspace(0, 1, 2**12 + 1)
    assert np.allclose(tent(x), np.where(x <= 0.5, 2 * x, 2 - 2 * x))
    assert "t(x)=2\\,\\mathrm{ReLU}(x)-4\\,\\mathrm{ReLU}(x-\\tfrac12)" in field(q, "short_answer")
    k = 10
    assert says(q, "Take $k=", str(k))
    assert says(q, "The sawtooth has ", str(count_pieces(k)))
    units_per_layer = 2
    assert says(q, "exactly by ", str(units_per_layer * k)) and says(q, "ReLUs in ", str(k))


def test_depth_lower_bound_holds_for_random_functions():
    q = "depth-separation"
    assert "\\tfrac18-(p+1)\\,2^{-(k+2)}" in field(q, "answer")
    rng = np.random.default_rng(8)
    k = 8
    x = np.linspace(0, 1, 2**14 + 1)
    target = sawtooth(k, x)
    for p in (1, 5, 20, 40):
        for _ in range(20):
            bp = np.sort(np.concatenate([[0, 1], rng.uniform(0, 1, p - 1)]))
            assert np.mean(np.abs(target - np.interp(x, bp, rng.uniform(0, 1, p + 1)))) >= lower_bound(k, p)


def test_depth_worked_numbers():
    q = "depth-separation"
    k, m = 10, 100
    pieces = m + 1
    assert says(q, "network with ", str(m)) and says(q, "has at most ", str(pieces))
    assert says(q, "\\tfrac18-", f"{pieces + 1}/{2 ** (k + 2)}={fmt(lower_bound(k, pieces), 3)}")
    x = np.linspace(0, 1, 2**18 + 1)
    constant = float(np.mean(np.abs(sawtooth(k, x) - 0.5)))
    assert says(q, "a large fraction of the ", fmt(constant, 2))
    # the largest width whose bound still guarantees error 1/16
    widest = max(w for w in range(1, 2**k) if lower_bound(k, w + 1) >= 1 / 16)
    assert says(q, "2^{k-2}-2=", str(widest)) and widest == 2 ** (k - 2) - 2
    assert says(q, "has error at least $\\tfrac1{", "16")
    assert "\\tfrac18-(p+1)2^{-(k+2)}" in field(q, "short_answer")


# ---------------------------------------------------------------- bias and variance


def test_shrinkage_numbers():
    q = "bias-variance"
    mu, n, s2 = 1.0, 10, 4.0
    assert says(q, "a mean $\\mu=", f"{mu:g}") and says(q, "from $n=", str(n)) and says(q, "variance $\\sigma^2=", f"{s2:g}")
    var = s2 / n
    assert says(q, "\\sigma^2/n=", f"{var:g}") and says(q, "mean squared error is ", f"{var:g}")
    c = optimize.minimize_scalar(lambda c: (1 - c) ** 2 * mu**2 + c**2 * var, bounds=(0, 1), method="bounded",
                                 options={"xatol": 1e-10}).x
    assert says(q, "$c^*=1/", f"{1 / c:.1f}={fmt(c, 3)}")
    bias2, variance = (1 - c) ** 2 * mu**2, c**2 * var
    assert says(q, "squared bias ", fmt(bias2, 3)) and says(q, "and variance ", fmt(variance, 3))
    assert says(q, "a total of ", fmt(bias2 + variance, 3)) and says(q, "about ", f"{100 * (1 - (bias2 + variance) / var):.0f}% less")
    assert says(q, "from ", f"{var:g} to {fmt(bias2 + variance, 3)}", fields=("short_answer",))


def test_bias_variance_identity_by_simulation():
    q = "bias-variance"
    assert "\\underbrace{\\sigma^2}_{\\text{noise}}" in field(q, "answer")
    rng = np.random.default_rng(9)
    mu, n, s2, c = 1.0, 10, 4.0, 0.7
    estimates = c * rng.normal(mu, math.sqrt(s2), (200_000, n)).mean(axis=1)
    y = mu + rng.normal(0, math.sqrt(s2), estimates.size)
    lhs = np.mean((y - estimates) ** 2)
    rhs = s2 + (mu - estimates.mean()) ** 2 + estimates.var()
    assert lhs == pytest.approx(rhs, rel=0.01)


def test_training_error_can_fall_below_noise():
    q = "bias-variance"
    assert "expected training error $\\sigma^2(n-p)/n$" in field(q, "answer")
    assert says(q, "an interpolating model reaches ", "0")
    rng = np.random.default_rng(10)
    n, p, s2 = 50, 20, 4.0
    train = []
    for _ in range(2000):
        X = rng.standard_normal((n, p))
        y = X @ rng.standard_normal(p) + math.sqrt(s2) * rng.standard_normal(n)
        w = np.linalg.lstsq(X, y, rcond=None)[0]
        train.append(np.mean((y - X @ w) ** 2))
    assert np.mean(train) == pytest.approx(s2 * (n - p) / n, rel=0.02) and np.mean(train) < s2


# ---------------------------------------------------------------- figure: binary entropy and the gap


def test_binary_entropy_gap_caption():
    name = "binary_entropy_gap"
    mod = figure_module(name)
    p, qq = mod.P_MARK, mod.Q_FIXED
    assert caption_states(name, f"{qq:g}", near="always predicts") and caption_states(name, f"{p:g}", near="At $p=")
    h = entropy([p, 1 - p], 2)
    ce = -(p * math.log2(qq) + (1 - p) * math.log2(1 - qq))
    assert caption_states(name, fmt(h, 3), near="the entropy is") and caption_states(name, fmt(ce, 3), near="the cross-entropy")
    assert caption_states(name, fmt(kl([p, 1 - p], [qq, 1 - qq]) / LN2, 3), near="the gap")
    end = kl([1.0, 0.0], [qq, 1 - qq]) / LN2
    assert caption_says(name, "for $q=", f"{qq:g}$ it reaches $\\log_2 {1 / qq:g}")
    assert caption_says(name, "for $q=0.2$ and $q=", "0.5") and caption_says(name, "bits at $p=", "1")
    assert caption_states(name, f"{1 / qq:g}", near="reaches $\\log_2") and caption_states(name, fmt(end, 3), near="reaches $\\log_2")
    # tangency: the cross-entropy line touches H at p = q and lies above it elsewhere
    ps = np.linspace(0.01, 0.99, 99)
    lines = -(ps * math.log2(qq) + (1 - ps) * math.log2(1 - qq))
    assert np.all(lines >= np.array([entropy([t, 1 - t], 2) for t in ps]) - 1e-12)
