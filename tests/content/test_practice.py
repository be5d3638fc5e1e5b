"""Recompute every number stated in the chapter 'From theory to practice' (content/06-practice.yaml)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from bank import CONTENT, QUESTIONS, field, fmt, states

FIGURE = Path(__file__).resolve().parents[2] / "figures" / "learning_curves.py"
CHAPTER = CONTENT / "06-practice.yaml"



def entropy(p) -> float:
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def noise_floor(k: int, eps: float) -> float:
    right = 1 - eps + eps / k
    return entropy([right] + [eps / k] * (k - 1))


# ----------------------------------------------------------------- chapter shape

def test_chapter_shape():
    data = yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))
    assert data["id"] == "practice"
    assert data["title"] == "From theory to practice"
    ids = [q["id"] for q in data["questions"]]
    assert ids == [
        "diagnose-poor-train-val", "initial-loss-bias-init", "class-imbalance-prior-shift",
        "why-normalise-inputs", "weight-decay-three-ways", "early-stopping", "loss-spikes",
        "batch-size-generalisation",
    ]
    difficulty = {q["id"]: q["difficulty"] for q in data["questions"]}
    assert difficulty["initial-loss-bias-init"] == difficulty["why-normalise-inputs"] == "easy"
    assert sum(d == "medium" for d in difficulty.values()) == 6
    for q in data["questions"]:
        assert len(q["short_answer"].split()) <= 70, q["id"]
        assert 250 <= len(q["answer"].split()) <= 700, q["id"]
        assert 2 <= len(q["mistakes"]) <= 4 and 2 <= len(q["follow_ups"]) <= 3
    seed = QUESTIONS["diagnose-poor-train-val"]["question"].strip()
    assert seed == (
        "You observe a model that performs poorly on both training and validation sets. As a "
        "research scientist, design a concise diagnosis checklist (theoretical and empirical) to "
        "distinguish between underfitting, optimization failure, data quality issues, and "
        "implementation bugs. For each suspected cause, list a specific test and expected signal."
    )


def test_references_resolve():
    data = yaml.safe_load(CHAPTER.read_text(encoding="utf-8"))
    shared = yaml.safe_load((CONTENT / "references.yaml").read_text(encoding="utf-8"))["references"]
    known = set(shared) | set(data["references"])
    for q in data["questions"]:
        cited = set(re.findall(r"\\cite\{([^}]+)\}", q["answer"]))
        assert cited <= set(q["references"]), (q["id"], cited - set(q["references"]))
        assert set(q["references"]) <= known, q["id"]


# ----------------------------------------------------------------- diagnose-poor-train-val

def test_diagnose_initial_loss_levels():
    assert fmt(np.log(10), 3) == "2.303"
    assert fmt(np.log(1000), 3) == "6.908"
    assert states("diagnose-poor-train-val", "2.303")
    assert states("diagnose-poor-train-val", "6.908")
    # a uniform prediction costs ln K; for balanced classes the prior entropy is the same number
    assert np.isclose(entropy(np.full(10, 0.1)), np.log(10))
    assert fmt(entropy(np.full(10, 0.1)), 2) == "2.30"
    assert states("diagnose-poor-train-val", "2.30")


def test_diagnose_uniform_softmax_loss_is_ln_k():
    rng = np.random.default_rng(0)
    k = 10
    z = 1e-6 * rng.standard_normal((1000, k))
    y = rng.integers(0, k, 1000)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert np.isclose(-np.log(p[np.arange(1000), y]).mean(), np.log(k), atol=1e-5)


def test_diagnose_noise_floor():
    floor = noise_floor(10, 0.4)
    assert fmt(floor, 3) == "1.444"
    assert states("diagnose-poor-train-val", "1.444")
    acc = 1 - 0.4 + 0.4 / 10
    assert round(100 * acc) == 64
    assert states("diagnose-poor-train-val", "64")
    # "a validation loss of 1.5 nats sits on the floor": within 0.06 nats of it
    assert 0 < 1.5 - floor < 0.06
    assert states("diagnose-poor-train-val", "1.5")
    assert states("diagnose-poor-train-val", "0.4")
    # the floor is the best loss: any other prediction q does worse against the noisy labels
    rng = np.random.default_rng(1)
    target = np.array([acc] + [0.04] * 9)
    for _ in range(200):
        q = rng.dirichlet(np.ones(10))
        assert -(target * np.log(q)).sum() >= floor


def test_diagnose_gradient_check_thresholds():
    """Central differences in float64: a correct gradient gives ~1e-7 or better, a bug far above 1e-3."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 5))
    y = rng.integers(0, 3, 20)
    w = 0.5 * rng.standard_normal((5, 3))

    def loss(w):
        z = x @ w
        z = z - z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(20), y]))

    def grad(w, bug=False):
        z = x @ w
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(20), y] -= 1
        return x.T @ p / (20 if not bug else 10)  # the bug: wrong normalisation

    numeric = np.zeros_like(w)
    h = 1e-5
    for idx in np.ndindex(*w.shape):
        e = np.zeros_like(w)
        e[idx] = h
        numeric[idx] = (loss(w + e) - loss(w - e)) / (2 * h)

    def rel(a, b):
        return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))

    assert rel(grad(w), numeric) < 1e-7
    assert rel(grad(w, bug=True), numeric) > 1e-3
    assert states("diagnose-poor-train-val", "10^{-7}")
    assert states("diagnose-poor-train-val", "10^{-3}")


# ----------------------------------------------------------------- initial-loss-bias-init

def test_bias_init_binary_rare_class():
    pi = 0.01
    b = np.log(pi / (1 - pi))
    assert fmt(b, 3) == "-4.595"
    assert states("initial-loss-bias-init", "4.595")
    assert "-4.595" in field("initial-loss-bias-init", "short_answer")
    h = entropy([pi, 1 - pi])
    assert fmt(h, 3) == "0.056"
    assert states("initial-loss-bias-init", "0.056")
    assert fmt(np.log(2), 3) == "0.693"
    assert states("initial-loss-bias-init", "0.693")
    assert round(np.log(2) / h) == 12
    assert states("initial-loss-bias-init", "12")
    # sigmoid of the prior log-odds is the prior; the bias gradient at b = 0 is 0.5 - 0.01
    assert np.isclose(1 / (1 + np.exp(-b)), pi)
    assert fmt(0.5 - pi, 2) == "0.49"
    assert states("initial-loss-bias-init", "0.49")


def test_bias_init_zero_bias_gives_ln_k_for_any_prior():
    rng = np.random.default_rng(0)
    for k in (2, 10, 1000):
        prior = rng.dirichlet(np.ones(k))
        uniform = np.full(k, 1 / k)
        loss = -(prior * np.log(uniform)).sum()
        assert np.isclose(loss, np.log(k))
        # decomposition H(pi) + KL(pi || u) = ln K, and log-prior bias attains H(pi)
        kl = (prior * np.log(prior / uniform)).sum()
        assert np.isclose(entropy(prior) + kl, np.log(k))
        b = np.log(prior) + 3.0  # any constant shift
        p = np.exp(b) / np.exp(b).sum()
        assert np.isclose(-(prior * np.log(p)).sum(), entropy(prior))


def test_bias_init_large_logits():
    k, sigma = 1000, 2.0
    approx = np.log(k) + sigma**2 / 2
    assert fmt(approx, 1) == "8.9"
    rng = np.random.default_rng(0)
    z = sigma * rng.standard_normal((4000, k))
    m = z.max(axis=1)
    lse = np.log(np.exp(z - m[:, None]).sum(axis=1)) + m
    mc = float(np.mean(lse - z[:, 0]))
    assert fmt(mc, 1) == "8.9"
    assert states("initial-loss-bias-init", "8.9")
    assert states("initial-loss-bias-init", "6.908")
    assert fmt(np.log(1000), 3) == "6.908"


# ----------------------------------------------------------------- class-imbalance-prior-shift

def test_prior_shift_worked_example():
    qid = "class-imbalance-prior-shift"
    pt, pd = 0.01, 0.05
    ratio = (pd / (1 - pd)) / (pt / (1 - pt))
    assert fmt(ratio, 3) == "5.211"
    assert states(qid, "5.211")
    assert fmt(np.log(ratio), 3) == "1.651"
    assert states(qid, "1.651")
    assert states(qid, "0.2") and states(qid, "1%") and states(qid, "5%")
    odds = 0.2 / 0.8
    assert odds == 0.25 and states(qid, "0.25")
    new_odds = odds * ratio
    assert fmt(new_odds, 3) == "1.303"
    assert states(qid, "1.303")
    p_new = new_odds / (1 + new_odds)
    assert fmt(p_new, 3) == "0.566"
    assert states(qid, "0.566")
    t_odds = 1 / ratio
    threshold = t_odds / (1 + t_odds)
    assert fmt(threshold, 3) == "0.161"
    assert states(qid, "0.161")


def test_prior_shift_matches_bayes_on_generative_model():
    """Re-weighting by the prior ratio reproduces the posterior of the shifted generative model."""
    mu0, mu1 = 0.0, 1.5
    x = np.linspace(-3, 5, 41)
    lik0 = np.exp(-0.5 * (x - mu0) ** 2)
    lik1 = np.exp(-0.5 * (x - mu1) ** 2)

    def posterior(prior1):
        return lik1 * prior1 / (lik1 * prior1 + lik0 * (1 - prior1))

    p_train = posterior(0.01)
    w1, w0 = 0.05 / 0.01, 0.95 / 0.99
    adjusted = p_train * w1 / (p_train * w1 + (1 - p_train) * w0)
    assert np.allclose(adjusted, posterior(0.05))
    # logit form: add log of the prior-odds ratio
    logit = np.log(p_train / (1 - p_train)) + np.log((0.05 / 0.95) / (0.01 / 0.99))
    assert np.allclose(1 / (1 + np.exp(-logit)), posterior(0.05))


def test_prior_shift_balanced_threshold():
    qid = "class-imbalance-prior-shift"
    pt = 0.01
    ratio = (0.5 / 0.5) / (pt / (1 - pt))
    assert np.isclose(ratio, 99)
    assert states(qid, "99")
    assert fmt(np.log(ratio), 3) == "4.595"
    assert states(qid, "4.595")
    t_odds = 1 / ratio
    assert np.isclose(t_odds / (1 + t_odds), pt)
    assert states(qid, "0.01")


# ----------------------------------------------------------------- why-normalise-inputs

def test_normalise_scale_condition_number():
    qid = "why-normalise-inputs"
    rng = np.random.default_rng(0)
    n = 200_000
    x = np.column_stack([rng.standard_normal(n), 100 * rng.standard_normal(n)])
    h = x.T @ x / n
    kappa = np.linalg.cond(h)
    assert 0.97e4 < kappa < 1.03e4  # population value diag(1, 1e4): kappa = 1e4
    assert states(qid, "10^4")
    # about kappa/2 steps per factor e at the best fixed step
    k = 1e4
    steps = -1 / np.log((k - 1) / (k + 1))
    assert round(steps, -2) == 5000
    assert states(qid, "5000")
    # standardised (and, as in the population, uncorrelated): H = I and one step with
    # eta = 1 solves least squares exactly
    q, _ = np.linalg.qr(x - x.mean(0))
    xs = np.sqrt(n) * q
    assert np.allclose(xs.T @ xs / n, np.eye(2))
    w_true = np.array([2.0, -1.0])
    y = xs @ w_true
    w = np.zeros(2)
    w = w - 1.0 * xs.T @ (xs @ w - y) / n
    assert np.allclose(w, w_true)


def test_normalise_mean_condition_number():
    qid = "why-normalise-inputs"
    mu, sd = 10.0, 1.0
    h = np.array([[sd**2 + mu**2, mu], [mu, 1.0]])
    lo, hi = np.linalg.eigvalsh(h)
    assert fmt(hi, 2) == "101.99"
    assert fmt(lo, 4) == "0.0098"
    assert f"{hi / lo:.2e}" == "1.04e+04"
    for s in ("101.99", "0.0098", "1.04"):
        assert states(qid, s)
    # centring gives the identity
    assert np.allclose(np.array([[sd**2, 0.0], [0.0, 1.0]]), np.eye(2))
    # the feature in the statement: mean 10, standard deviation 1
    assert states(qid, "10") and states(qid, "101")


def test_normalise_short_answer_numbers():
    text = field("why-normalise-inputs", "short_answer")
    assert "10^4" in text and "100" in text and "2/\\lambda_{\\max}" in text


# ----------------------------------------------------------------- weight-decay-three-ways

def test_weight_decay_sgd_equivalence():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((30, 4))
    y = rng.standard_normal(30)
    lam, eta = 0.1, 0.05
    w1 = w2 = np.zeros(4)
    for _ in range(100):
        g1 = a.T @ (a @ w1 - y) / 30 + lam * w1  # L2 penalty
        w1 = w1 - eta * g1
        g2 = a.T @ (a @ w2 - y) / 30
        w2 = (1 - eta * lam) * w2 - eta * g2  # decoupled decay
    assert np.allclose(w1, w2)


def test_weight_decay_prior_scaling():
    qid = "weight-decay-three-ways"
    n, lam = 50_000, 5e-4
    var = 1 / (n * lam)
    assert fmt(var, 2) == "0.04"
    assert fmt(np.sqrt(var), 1) == "0.2"
    assert states(qid, "0.04") and states(qid, "0.2")
    assert states(qid, "50{,}000")
    assert states(qid, "5\\times10^{-4}")
    # MAP objective (sum form) divided by n equals the L2-penalised mean loss
    rng = np.random.default_rng(0)
    w = rng.standard_normal(5)
    losses = rng.random(n)
    map_obj = losses.sum() + w @ w / (2 * var)
    l2_obj = losses.mean() + lam / 2 * w @ w
    assert np.isclose(map_obj / n, l2_obj)


def test_weight_decay_adam_shrink():
    qid = "weight-decay-three-ways"
    lam, w = 1e-4, 1.0
    rms = (0.1, 0.001)
    shrink = [lam * w / r for r in rms]  # in units of eta
    assert np.isclose(shrink[0], 1e-3) and np.isclose(shrink[1], 0.1)
    assert np.isclose(shrink[1] / shrink[0], 100)
    assert states(qid, "10^{-3}\\eta") and states(qid, "0.1\\eta") and states(qid, "100")
    assert np.isclose(lam * w, 1e-4) and states(qid, "10^{-4}\\eta") and states(qid, "10^{-4}")
    assert states(qid, "0.001")
    # "small enough that the penalty's own gradient barely changes v-hat": even for the
    # small-gradient weight, adding the penalty gradient changes the RMS by under 1%
    assert np.sqrt(rms[1] ** 2 + (lam * w) ** 2) / rms[1] - 1 < 0.01
    # and the shrink stays far below Adam's natural per-coordinate step of about eta
    assert max(shrink) < 1


# ----------------------------------------------------------------- early-stopping

def test_early_stopping_filters():
    qid = "early-stopping"
    eta, t = 0.1, 100
    alpha = 1 / (eta * t)
    assert np.isclose(alpha, 0.1)
    expected = {1.0: ("1.000", "0.909"), 0.1: ("0.634", "0.5"), 0.01: ("0.095", "0.091")}
    for lam, (gd_text, ridge_text) in expected.items():
        gd = 1 - (1 - eta * lam) ** t
        ridge = lam / (lam + alpha)
        assert fmt(gd, 3) == gd_text
        assert float(ridge_text) == round(ridge, 3)
        assert states(qid, gd_text) and states(qid, ridge_text)
    assert states(qid, "0.9^{100}") and states(qid, "0.99^{100}") and states(qid, "0.999^{100}")
    # Ali, Kolter and Tibshirani (2019): gradient-flow risk at most 1.69 times ridge's at alpha = 1/time
    assert states(qid, "1.69")


def test_early_stopping_gd_matches_filter():
    """Actual gradient descent from zero equals the spectral filter applied to w*."""
    rng = np.random.default_rng(0)
    n, d = 50, 6
    x = rng.standard_normal((n, d)) * np.array([3, 2, 1, 0.5, 0.2, 0.05])
    y = rng.standard_normal(n)
    h = x.T @ x / n
    lam, u = np.linalg.eigh(h)
    w_star = np.linalg.lstsq(x, y, rcond=None)[0]
    eta = 1.0 / lam.max()
    w = np.zeros(d)
    t = 40
    for _ in range(t):
        w = w - eta * x.T @ (x @ w - y) / n
    filt = 1 - (1 - eta * lam) ** t
    assert np.allclose(u.T @ w, filt * (u.T @ w_star))
    alpha = 0.3
    w_ridge = np.linalg.solve(h + alpha * np.eye(d), x.T @ y / n)
    assert np.allclose(u.T @ w_ridge, lam / (lam + alpha) * (u.T @ w_star))


# ----------------------------------------------------------------- loss-spikes

def test_loss_spike_growth():
    qid = "loss-spikes"
    lam, eta = 100, 0.021
    factor = abs(1 - eta * lam)
    assert fmt(factor, 1) == "1.1" and fmt(eta * lam, 1) == "2.1"
    assert eta > 2 / lam
    growth = factor**50
    assert round(growth) == 117
    assert f"{growth**2:.1e}" == "1.4e+04"
    for s in ("1.1", "117", "1.4\\times10^4", "0.021", "100", "50"):
        assert states(qid, s)


def test_loss_spike_adam_step_bound():
    qid = "loss-spikes"
    for beta2, text in ((0.999, "3.16"), (0.95, "0.447")):
        ratio = (1 - 0.9) / np.sqrt(1 - beta2)
        assert fmt(ratio, 3 if ratio < 1 else 2) == text
        assert states(qid, text)
        # simulate: tiny gradients for a long time, then a large one
        m = v = 0.0
        g_small, steps = 1e-6, 20_000
        for t in range(1, steps + 1):
            m = 0.9 * m + 0.1 * g_small
            v = beta2 * v + (1 - beta2) * g_small**2
        t += 1
        m = 0.9 * m + 0.1 * 1.0
        v = beta2 * v + (1 - beta2) * 1.0
        step = (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - beta2**t)) + 1e-8)
        assert np.isclose(step, ratio, rtol=1e-3)
    assert ratio < 1  # beta2 = 0.95 keeps the step below eta
    assert states(qid, "0.95") and states(qid, "0.999")


def test_loss_spike_float16_max():
    assert float(np.finfo(np.float16).max) == 65504
    assert states("loss-spikes", "65504")


# ----------------------------------------------------------------- batch-size-generalisation

def test_batch_size_linear_scaling():
    qid = "batch-size-generalisation"
    b0, eta0, b1 = 256, 0.1, 8192
    assert b1 // b0 == 32 and states(qid, "32")
    eta1 = eta0 * b1 / b0
    assert fmt(eta1, 1) == "3.2" and states(qid, "3.2")
    assert np.isclose(eta0 / b0, eta1 / b1)
    assert f"{eta0 / b0:.1e}" == "3.9e-04"
    assert states(qid, "3.9\\times10^{-4}")
    n = 1.28e6
    assert n / b0 == 5000 and states(qid, "5000")
    assert int(n / b1) == 156 and states(qid, "156")
    assert 90 * n / b0 == 450_000 and states(qid, "450,000")
    assert round(90 * n / b1, -3) == 14_000 and states(qid, "14,000")
    assert states(qid, "8192") and states(qid, "256")
    # figures quoted from the cited papers (Keskar et al.: about 10% of the data per batch;
    # Goyal et al.: five epochs of warm-up) are stated as such
    assert states(qid, "10%") and "five epochs of warm-up" in field(qid, "answer")


def test_batch_size_minibatch_variance():
    """Var of a minibatch mean: sigma^2/B with replacement, times (N-B)/(N-1) without."""
    rng = np.random.default_rng(0)
    N, B = 12, 4
    g = rng.standard_normal(N)
    sigma2 = g.var()
    # exact, by enumerating all subsets of size B
    from itertools import combinations
    means = np.array([g[list(c)].mean() for c in combinations(range(N), B)])
    assert np.isclose(means.var(), sigma2 / B * (N - B) / (N - 1))
    # with replacement: Monte Carlo
    draws = g[rng.integers(0, N, (200_000, B))].mean(axis=1)
    assert np.isclose(draws.var(), sigma2 / B, rtol=0.02)


# ----------------------------------------------------------------- figure learning_curves

def _figure_source() -> str:
    return FIGURE.read_text(encoding="utf-8")


def _caption() -> str:
    tree = ast.parse(_figure_source())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "CAPTION" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("no CAPTION")


def _constants() -> dict:
    tree = ast.parse(_figure_source())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    try:
                        out[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        pass
                elif isinstance(target, ast.Tuple):
                    values = ast.literal_eval(node.value)
                    for name, value in zip(target.elts, values):
                        out[name.id] = value
    return out


def test_figure_caption_numbers():
    caption = _caption()
    c = _constants()
    assert c["K"] == 10 and "10-class" in caption
    assert fmt(np.log(c["K"]), 3) == "2.303" and "2.303" in caption
    assert fmt(noise_floor(c["K"], c["LABEL_NOISE"]), 3) == "1.444" and "1.444" in caption
    assert round(100 * c["LABEL_NOISE"]) == 40 and "40%" in caption
    right = 1 - c["LABEL_NOISE"] + c["LABEL_NOISE"] / c["K"]
    assert round(100 * right) == 64 and "64%" in caption
    assert round(100 * c["LABEL_NOISE"] / c["K"]) == 4 and "4% on each" in caption
    assert c["DIM"] == 8 and "8 dimensions" in caption
    assert c["BATCH"] == 64 and "minibatches of 64" in caption
    assert c["HIDDEN"] == 64 and "64 tanh units" in caption
    assert (c["LR_GOOD"], c["LR_LOW"], c["LR_HIGH"]) == (1e-2, 1e-4, 0.5)
    assert "$10^{-2}$" in caption and "$10^{-4}$" in caption and "$0.5$" in caption


@pytest.fixture(scope="module")
def simulated():
    """Run the figure's simulations without matplotlib (the plotting import is stubbed out)."""
    source = _figure_source().replace(
        "from handbook.plotting import GRAYS, LINESTYLES, new_figure", "GRAYS = LINESTYLES = new_figure = None"
    )
    namespace: dict = {"__name__": "learning_curves_sim"}
    exec(compile(source, str(FIGURE), "exec"), namespace)
    runs = {title: namespace["_train"](**kwargs) for title, kwargs in namespace["RUNS"]}
    return namespace, runs


def test_figure_runs_show_the_captioned_signatures(simulated):
    ns, runs = simulated
    chance = np.log(ns["K"])
    floor = ns["noise_floor"]()
    (steps, healthy_tr, healthy_va), (_, lin_tr, lin_va), (_, low_tr, _), (_, high_tr, _), \
        (_, noise_tr, noise_va), (_, bug_tr, bug_va) = runs.values()
    # every run starts at ln K
    for _, tr, va in runs.values():
        assert abs(tr[0] - chance) < 0.03 and abs(va[0] - chance) < 0.03
    # healthy reference ends low
    assert healthy_tr[-1] < 0.2 and healthy_va[-1] < 0.2
    # linear: plateau well above the reference, train and val equal, little change over the last half
    assert lin_tr[-1] > 3 * healthy_tr[-1]
    assert abs(lin_tr[-1] - lin_va[-1]) < 0.05
    half = len(steps) // 2
    assert lin_tr[half] - lin_tr[-1] < 0.1
    # too low: still falling steadily at the end
    assert np.all(np.diff(low_tr) < 0) and low_tr[-1] > 1.0
    # too high: erratic with spikes, far above the reference
    assert np.max(high_tr[5:]) > 2 * np.min(high_tr[5:])
    assert np.mean(high_tr[half:]) > 5 * healthy_tr[-1]
    # label noise: just above the floor
    assert 0 < noise_tr[-1] - floor < 0.15 and 0 < noise_va[-1] - floor < 0.25
    # bug: flat at ln K
    assert np.all(np.abs(bug_tr - chance) < 0.15) and np.all(np.abs(bug_va - chance) < 0.15)
