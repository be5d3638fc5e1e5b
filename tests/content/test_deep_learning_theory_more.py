"""Recompute every number in the further questions of chapter 'Deep learning theory'."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bank import QUESTIONS, assert_every_field, field, fmt, states

NEW = [
    "positional-encodings",
    "attention-rank-collapse",
    "neural-collapse",
    "in-context-learning-theory",
    "adam-vs-sgd-transformers",
    "batchnorm-train-test",
]


@pytest.mark.parametrize("qid", NEW)
def test_structure(qid):
    q = QUESTIONS[qid]
    assert_every_field(qid)
    assert q["kind"] == "technical"
    assert len(field(qid, "short_answer").split()) <= 70
    assert 250 <= len(field(qid, "answer").split()) <= 700
    assert 2 <= len(q["mistakes"]) <= 4 and 2 <= len(q["follow_ups"]) <= 3
    answer = field(qid, "answer")
    d, w, p = (answer.find(s) for s in (r"\textbf{Derivation.}", r"\textbf{Worked example.}",
                                        r"\textbf{Practical consequences.}"))
    assert 0 < d < w < p
    for rel in q["related"]:
        assert rel in QUESTIONS, rel


def test_difficulties():
    levels = [QUESTIONS[q]["difficulty"] for q in NEW]
    assert levels.count("hard") >= 2


# ------------------------------------------------------------ positional encodings

def rot(angle: float) -> np.ndarray:
    return np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])


def rope_score(q, k, m, n, theta):
    return float((rot(m * theta) @ q) @ (rot(n * theta) @ k))


def test_rope_relative():
    qid = "positional-encodings"
    q, k, theta = np.array([1.0, 2.0]), np.array([3.0, 1.0]), 0.25
    # coefficients of cos and sin in q^T R_delta k
    c_cos, c_sin = float(q @ k), float(q @ (rot(math.pi / 2) @ k))
    assert c_cos == c_sin
    assert states(qid, fmt(c_cos, 0), near=r"q^\top R_\Delta k=")
    a = rope_score(q, k, 2, 6, theta)
    b = rope_score(q, k, 10, 14, theta)
    c = rope_score(q, k, 2, 9, theta)
    assert abs(a - b) < 1e-12 and abs(a - c) > 1
    assert states(qid, fmt((6 - 2) * theta, 0), near="offset 4, angle")
    assert states(qid, fmt(6 - 2, 0), near="offset 4, angle")
    assert states(qid, fmt(a, 3), near="Query at position 2 and key at position 6")
    assert states(qid, fmt(b, 3), near="Positions 10 and 14")
    assert states(qid, fmt(9 - 2, 0), near="Positions 2 and 9")
    assert states(qid, fmt((9 - 2) * theta, 2), near="Positions 2 and 9")
    assert states(qid, fmt(c, 3), near="Positions 2 and 9")
    # the identity R_m^T R_n = R_{n-m}
    assert np.allclose(rot(2 * theta).T @ rot(6 * theta), rot(4 * theta))
    inputs = rf"$\theta={theta}$ rad, $q=({q[0]:.0f},{q[1]:.0f})$, $k=({k[0]:.0f},{k[1]:.0f})$"
    assert states(qid, inputs, near="One pair")
    assert states(qid, rf"k={c_cos:.0f}\cos\Delta+{c_sin:.0f}\sin\Delta", near=r"q^\top R_\Delta k=")


def test_sinusoidal_wavelengths():
    qid = "positional-encodings"
    d, base = 512, 10000
    omegas = base ** (-2 * np.arange(d // 2) / d)
    longest = 2 * math.pi / omegas.min()
    assert 2 * math.pi / omegas.max() == pytest.approx(2 * math.pi)
    slowest = int(np.argmin(omegas))
    exponent = f"{2 * slowest}/{d}"
    assert 2 * math.pi * base ** eval(exponent) == pytest.approx(longest)
    assert states(qid, str(d), near="the slowest pair has")
    assert states(qid, f"$i={slowest}$", near="the slowest pair has")
    assert states(qid, rf"$2\pi\times{base}^{{{exponent}}}\approx{round(longest)}$", near="the slowest pair has")
    assert states(qid, rf"just under $2\pi\times{base}\approx{round(2 * math.pi * base)}$", near="the slowest pair has")
    assert longest < 2 * math.pi * base
    # the slowest pair's angle stays below one turn for the stated number of positions
    assert longest > 60000 and states(qid, "sixty thousand positions", near="the slowest pair has")
    assert states(qid, str(base), near="wavelengths run from")
    assert states(qid, rf"$\omega_i={base}^{{-2i/d}}$", near="Sinusoidal")
    assert states(qid, rf"from $2\pi$ to about $2\pi\times{base}$", near="wavelengths run from")


# --------------------------------------------------------------- rank collapse

def layer_matrix(n: int, a: float) -> np.ndarray:
    """Weight a on the token itself, 1 - a spread uniformly over all tokens."""
    return a * np.eye(n) + (1 - a) * np.ones((n, n)) / n


def relative_residual(x: np.ndarray, step, layers: int) -> float:
    def split(z):
        mean = z.mean(axis=0, keepdims=True)
        return np.linalg.norm(z - mean), np.linalg.norm(np.repeat(mean, z.shape[0], axis=0))
    r0, m0 = split(x)
    for _ in range(layers):
        x = step(x)
    r, m = split(x)
    return (r / m) / (r0 / m0)


def test_rank_collapse_caricature():
    qid = "attention-rank-collapse"
    rng = np.random.default_rng(0)
    n, a, alpha, layers = 5, 0.5, 0.1, 10
    x = rng.standard_normal((n, 3)) + 2.0
    p = layer_matrix(n, a)
    pure = relative_residual(x, lambda z: p @ z, layers)
    skip = relative_residual(x, lambda z: z + p @ z, layers)
    scaled = relative_residual(x, lambda z: z + alpha * (p @ z), layers)
    assert pure == pytest.approx(a ** layers)
    assert skip == pytest.approx(((1 + a) / 2) ** layers)
    assert scaled == pytest.approx(((1 + alpha * a) / (1 + alpha)) ** layers)
    assert states(qid, fmt(a, 1), near="With $a=0.5$ and ten layers")
    assert states(qid, fmt(pure, 5), near="With $a=0.5$ and ten layers")
    assert states(qid, fmt(1 + a, 1), near="doubles the mean and multiplies the residual")
    assert states(qid, fmt((1 + a) / 2, 2), near="doubles the mean and multiplies the residual")
    assert states(qid, fmt(skip, 3), near="doubles the mean and multiplies the residual")
    assert states(qid, fmt(alpha, 1), near="Scaling the branch")
    assert states(qid, fmt(alpha * a, 2), near="Scaling the branch")
    assert states(qid, fmt(1 + alpha, 1), near="Scaling the branch")
    assert states(qid, fmt(scaled, 3), near="Scaling the branch")
    assert states(qid, str(3 ** 4), near="after 4 layers")
    assert states(qid, "4", near="after 4 layers")
    assert states(qid, rf"${a}^{{{layers}}}", near="With $a=0.5$ and ten layers")
    assert states(qid, rf"${(1 + a) / 2}^{{{layers}}}", near="doubles the mean")
    assert states(qid, rf"$(1+{alpha * a:.2f})/{1 + alpha:.1f}$", near="Scaling the branch")
    assert states(qid, r"$1-a$ uniformly", near="puts weight $a$ on each token")


# --------------------------------------------------------------- neural collapse

def simplex_etf(k: int) -> np.ndarray:
    return math.sqrt(k / (k - 1)) * (np.eye(k) - np.ones((k, k)) / k)


@pytest.mark.parametrize("k", [3, 10])
def test_simplex_etf(k):
    qid = "neural-collapse"
    m = simplex_etf(k)
    norms = np.linalg.norm(m, axis=1)
    assert np.allclose(norms, 1.0) and np.allclose(m.sum(axis=0), 0.0)
    cos = (m @ m.T)[0, 1]
    angle = math.degrees(math.acos(cos))
    rank = np.linalg.matrix_rank(m)
    if k == 10:
        assert states(qid, f"-1/{k - 1}", near="With $K=10$ classes")
        assert states(qid, fmt(cos, 3), near="With $K=10$ classes")
        assert states(qid, fmt(angle, 2), near="With $K=10$ classes")
        assert states(qid, str(rank), near="span a space of dimension")
        assert states(qid, f"dimension {rank}", near="span a space of dimension")
    else:
        assert states(qid, fmt(cos, 1), near="With three classes")
        assert states(qid, fmt(angle, 0), near="With three classes")


# ------------------------------------------------------ in-context learning

def test_icl_gradient_step_and_least_squares():
    qid = "in-context-learning-theory"
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([2.0, -1.0, 1.0])
    xq = np.array([2.0, 1.0])
    eta, n = 1.0, len(y)
    # linear attention with W_K, W_Q picking x and W_V picking eta/N * y
    z = np.hstack([x, y[:, None]])
    zq = np.append(xq, 0.0)
    wk = wq = np.hstack([np.eye(2), np.zeros((2, 1))])
    wv = np.array([[0.0, 0.0, eta / n]])
    attention = float(sum((wv @ zi)[0] * ((wk @ zi) @ (wq @ zq)) for zi in z))
    w = np.zeros(2)
    preds = []
    for _ in range(2):
        w = w + eta / n * x.T @ (y - x @ w)
        preds.append(float(w @ xq))
    assert attention == pytest.approx(preds[0])
    w_ls = np.linalg.lstsq(x, y, rcond=None)[0]
    for i in range(n):
        token = rf"$x_{i + 1}=({x[i, 0]:.0f},{x[i, 1]:.0f})$, $y_{i + 1}={y[i]:.0f}$"
        assert states(qid, token, near="Take $x_1=")
    assert states(qid, rf"query $x_q=({xq[0]:.0f},{xq[1]:.0f})$; rate $\eta={eta:.0f}$", near="Take $x_1=")
    terms = "+".join(
        (f"{y[i]:.0f}" if y[i] >= 0 else f"({y[i]:.0f})") + rf"\cdot{x[i] @ xq:.0f}" for i in range(n))
    assert states(qid, rf"\frac1{n}({terms})={preds[0]:.0f}$", near="One step gives")
    assert states(qid, fmt(preds[0], 0), near="One step gives")
    assert states(qid, fmt(n, 0), near=r"\frac13(2\cdot2")
    assert states(qid, fmt(preds[1], 3), near="A second step gives")
    assert states(qid, f"w=({w_ls[0]:.0f},{w_ls[1]:.0f})", near="A second step gives")
    assert states(qid, fmt(float(w_ls @ xq), 0), near="A second step gives")
    assert states(qid, fmt(preds[0], 0), near="A one-layer linear attention model thus predicts")
    assert states(qid, fmt(float(w_ls @ xq), 0), near="A one-layer linear attention model thus predicts")


# ------------------------------------------------------- Adam versus SGD

def test_adam_curvature_example():
    qid = "adam-vs-sgd-transformers"
    h1, h2, eta, factor = 100.0, 1.0, 0.019, 100.0
    limit = 2 / h1
    # simulate gradient descent on the flat block until its error is 100 times smaller
    e, steps = 1.0, 0
    while e > 1 / factor:
        e -= eta * h2 * e
        steps += 1
    formula = math.log(factor) / -math.log(1 - eta * h2)
    assert abs(steps - formula) < 1
    assert eta < limit
    assert states(qid, fmt(limit, 2), near="gradient descent needs")
    assert states(qid, f"{h1:.0f}", near="Curvatures $h_1=100$")
    assert states(qid, fmt(eta, 3), near="the flat block needs about")
    assert states(qid, str(round(formula)), near="the flat block needs about")
    assert states(qid, f"{factor:.0f}", near="the flat block needs about")
    assert states(qid, rf"$h_1={h1:.0f}$ and $h_2={h2:.0f}$", near="Curvatures")
    assert states(qid, f"{factor:.0f}-fold", near="the flat block needs about")
    assert states(qid, rf"$\eta<2/h_1$, and block 2 then contracts by $1-\eta h_2$", near="is stable only")


def test_adam_zipf_share():
    qid = "adam-vs-sgd-transformers"
    vocab, top = 10000, 100
    p = 1 / np.arange(1, vocab + 1)
    p /= p.sum()
    share = p[:top].sum()
    assert states(qid, fmt(share, 2), near="the 100 most frequent tokens account for")
    assert states(qid, str(top), near="the 100 most frequent tokens account for")
    assert states(qid, f"{vocab // 1000}{{,}}000", near="the 100 most frequent tokens account for")
    assert states(qid, str(vocab - top), near="the other 9900")


# ------------------------------------------------------- batch normalisation

def test_batchnorm_numbers():
    qid = "batchnorm-train-test"
    rng = np.random.default_rng(1)
    for b, digits in [(4, 3), (32, 3)]:
        exact = math.sqrt(2 / (b - 1))
        v = rng.standard_normal((200_000, b)).var(axis=1, ddof=1)
        assert v.std() == pytest.approx(exact, rel=0.02)  # relative sd of the sample variance
        assert states(qid, fmt(exact, digits), near="Relative noise in the variance estimate")
        assert states(qid, f"B={b}", near="Relative noise in the variance estimate")
    assert states(qid, r"\sqrt{2/3}", near="Relative noise in the variance estimate")
    m = 0.1
    half_life = math.log(0.5) / math.log(1 - m)
    old = m * (1 - m) ** 20
    # simulate the running mean: weight of the batch seen 20 steps ago
    weights = np.zeros(21)
    for t in range(21):
        weights *= 1 - m
        weights[t] += m
    assert weights[0] == pytest.approx(old)
    assert states(qid, fmt(m, 1), near="halves every")
    assert states(qid, fmt(half_life, 2), near="halves every")
    assert states(qid, fmt(old, 4), near="a batch 20 steps old")
    assert states(qid, "20", near="a batch 20 steps old")
    assert states(qid, rf"With $m={m}$", near="halves every")
    assert states(qid, rf"$\ln0.5/\ln{1 - m:.1f}", near="halves every")
    assert states(qid, rf"${m}\times{1 - m:.1f}^{{20}}", near="a batch 20 steps old")
    assert states(qid, rf"commonly $m={m}$", near="moving averages")


def test_batchnorm_batch_of_two():
    qid = "batchnorm-train-test"
    rng = np.random.default_rng(2)
    pairs = rng.standard_normal((1000, 2)) * 3 + 1
    normed = (pairs - pairs.mean(axis=1, keepdims=True)) / pairs.std(axis=1, keepdims=True)
    assert np.allclose(np.abs(normed), 1.0)
    assert states(qid, "B=2", near="In the extreme")
    assert states(qid, r"\pm1", near="In the extreme")
    assert states(qid, "2", near="at batch size 2", fields=("short_answer",))
    assert states(qid, r"\pm1", near="at batch size 2", fields=("short_answer",))
    # only with the biased variance and epsilon -> 0; the unbiased variance gives 1/sqrt(2)
    unbiased = (pairs - pairs.mean(axis=1, keepdims=True)) / pairs.std(axis=1, ddof=1, keepdims=True)
    assert np.allclose(np.abs(unbiased), 1 / math.sqrt(2))
    with_eps = (pairs - pairs.mean(axis=1, keepdims=True)) / np.sqrt(pairs.var(axis=1, keepdims=True) + 1e-5)
    assert np.all(np.abs(with_eps) < 1)
    assert states(qid, r"(biased variance, $\epsilon\to0$)", near="at batch size 2", fields=("short_answer",))


# ------------------------------------------------- formulas and cited years

def formula_in(qid: str, pattern: str, name: str = "answer") -> str:
    import re
    found = re.search(pattern, field(qid, name))
    assert found, (qid, pattern)
    return found.group(1)


def test_formulas_evaluate():
    # pairwise cosine of the simplex frame, read from the text and evaluated
    for name in ("answer", "short_answer"):
        text = formula_in("neural-collapse", r"cosine[s a-z,]*\$(-1/\(K-1\))\$", name)
        for k in (3, 10):
            value = eval(text.replace("K", str(k)))
            m = simplex_etf(k)
            assert value == pytest.approx((m @ m.T)[0, 1])
    # relative standard deviation of a sample variance
    text = formula_in("batchnorm-train-test", r"relative standard deviation \$\\sqrt\{(2/\(B-1\))\}\$")
    rng = np.random.default_rng(3)
    b = 8
    v = rng.standard_normal((200_000, b)).var(axis=1, ddof=1)
    assert math.sqrt(eval(text.replace("B", str(b)))) == pytest.approx(v.std(), rel=0.02)
    # doubly exponential exponent: each layer cubes the residual bound
    text = formula_in("attention-rank-collapse", r"\\rVert\^\{(\d)\^L\}")
    exponent = 1
    for _ in range(4):
        exponent *= 3
    assert int(text) ** 4 == exponent
    # the bound r_{l+1} <= c r_l^3 unrolled: exponents of c and of the initial residual
    power_c = formula_in("attention-rank-collapse", r"c\^\{(\(3\^L-1\)/2)\}")
    exp_c, exp_r = 0, 1
    for layers in range(1, 6):
        exp_c, exp_r = 3 * exp_c + 1, 3 * exp_r
        assert eval(power_c.replace("^", "**").replace("L", str(layers))) == exp_c
        assert eval(text.replace("^", "**") + "**" + str(layers)) == exp_r


CITED = {
    ("attention-rank-collapse", "Loukas"): "dong2021attention",
    ("neural-collapse", "Donoho"): "papyan2020prevalence",
    ("in-context-learning-theory", "von Oswald et al."): "vonoswald2023transformers",
    ("in-context-learning-theory", "Akyürek et al."): "akyurek2023what",
    ("adam-vs-sgd-transformers", "clipping tame (Zhang et al."): "zhang2020adaptive",
    ("adam-vs-sgd-transformers", "whole story (Kunstner et al."): "kunstner2023noise",
    ("adam-vs-sgd-transformers", "serves (Zhang et al."): "zhang2024transformers",
    ("adam-vs-sgd-transformers", "slowly (Kunstner et al."): "kunstner2024heavy",
}


@pytest.mark.parametrize("qid,author,key", [(q, a, k) for (q, a), k in CITED.items()])
def test_short_answer_years(qid, author, key):
    import re

    import yaml

    from bank import CONTENT

    refs = {}
    for path in CONTENT.glob("*.yaml"):
        refs.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("references", {}) or {})
    year = str(refs[key]["year"])
    text = field(qid, "short_answer")
    assert re.search(re.escape(author) + r"\)?,? \(?" + year, text), (qid, author, year)
    assert key in QUESTIONS[qid]["references"]


def test_rank_collapse_threshold():
    # c^{(3^L-1)/2} r^{3^L} = c^{-1/2} (sqrt(c) r)^{3^L}: the bound falls exactly when sqrt(c) r < 1
    qid = "attention-rank-collapse"
    assert states(qid, r"c^{-1/2}(\sqrt c\,\lVert\mathrm{res}(X)\rVert)^{3^L}", near="Since the bound equals")
    assert states(qid, r"$\sqrt c$ times the residual is below one", near="Since the bound equals")
    for c, r in [(4.0, 0.4), (0.5, 1.2), (0.5, 1.9), (9.0, 0.2)]:
        bounds = [c ** ((3 ** n - 1) / 2) * r ** (3 ** n) for n in range(1, 5)]
        rewritten = [c ** -0.5 * (math.sqrt(c) * r) ** (3 ** n) for n in range(1, 5)]
        assert np.allclose(bounds, rewritten)
        shrinking = all(b < a for a, b in zip(bounds, bounds[1:]))
        assert shrinking == (math.sqrt(c) * r < 1)
    # c r is not the right threshold: c r > 1 with a shrinking bound, c r < 1 with a growing one
    assert 4.0 * 0.4 > 1 and math.sqrt(4.0) * 0.4 < 1
    assert 0.5 * 1.9 < 1 and math.sqrt(0.5) * 1.9 > 1
