"""The chapter 'From theory to practice' (content/06-practice.yaml) and its figure: every stated
number is recomputed here from the problem's inputs and looked for in the sentence that states it."""

from __future__ import annotations

import functools
import math
import re
from itertools import combinations

import numpy as np
import pytest
from scipy import optimize, special

from bank import assert_every_field, assert_well_formed, caption_says, caption_states, field, figure_constant, figure_module, fmt, says, sentences, states

ALL = ("answer", "short_answer", "mistakes", "follow_ups")
IDS = [
    "diagnose-poor-train-val", "initial-loss-bias-init", "class-imbalance-prior-shift", "why-normalise-inputs",
    "weight-decay-three-ways", "early-stopping", "loss-spikes", "batch-size-generalisation",
]


def entropy(p) -> float:
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def noisy_label_target(k: int, eps: float) -> np.ndarray:
    """The label distribution when a fraction eps of clean labels is redrawn uniformly (clean class first)."""
    target = np.full(k, eps / k)
    target[0] += 1 - eps
    return target


def best_cross_entropy(target: np.ndarray) -> float:
    """The lowest cross-entropy any prediction reaches against `target`, by minimising over logits."""
    res = optimize.minimize(lambda z: -(target * special.log_softmax(z)).sum(), np.zeros(target.size),
                            method="BFGS", options={"gtol": 1e-10})
    return float(res.fun)


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize("qid", IDS)
def test_question_structure(qid):
    assert_every_field(qid)
    assert_well_formed(qid, parts=())


def test_seed_prompt_is_verbatim():
    assert field("diagnose-poor-train-val", "question").strip() == (
        "You observe a model that performs poorly on both training and validation sets. As a research "
        "scientist, design a concise diagnosis checklist (theoretical and empirical) to distinguish between "
        "underfitting, optimization failure, data quality issues, and implementation bugs. For each suspected "
        "cause, list a specific test and expected signal."
    )


# ---------------------------------------------------------------- diagnose-poor-train-val


def test_diagnose_initial_loss_levels():
    q = "diagnose-poor-train-val"
    rng = np.random.default_rng(0)
    for k in (10, 1000):
        z = 1e-6 * rng.standard_normal((500, k))  # near-zero logits
        y = rng.integers(0, k, 500)
        loss = float(np.mean(special.logsumexp(z, axis=1) - z[np.arange(500), y]))
        assert says(q, f"$\\ln {k} = ", fmt(loss, 3))
    assert says(q, "$\\ln K$ (", fmt(math.log(10), 3), fields=("short_answer",)) and says(q, "for ", "10 classes", fields=("short_answer",))
    balanced = entropy(np.full(10, 0.1))
    assert says(q, "A worked case: ", "10 balanced") and says(q, "start at ", fmt(balanced, 3))
    assert says(q, "A run still at ", fmt(balanced, 2))


def test_diagnose_noise_floor():
    q = "diagnose-poor-train-val"
    k, eps = 10, 0.4
    target = noisy_label_target(k, eps)
    floor = best_cross_entropy(target)
    assert floor == pytest.approx(entropy(target), abs=1e-8)
    assert says(q, "With $\\varepsilon = ", f"{eps:g}") and says(q, "$H_\\varepsilon = ", fmt(floor, 3))
    assert says(q, "or ", f"{100 * target[0]:.0f}%")
    # "a validation loss of 1.5 nats sits on the floor": within a tenth of a nat above it
    observed = 1.5
    assert says(q, "a validation loss of ", f"{observed:g}") and 0 < observed - floor < 0.1


def test_diagnose_checklist_numbers():
    q = "diagnose-poor-train-val"
    assert says(q, "train on ", "16 to 32 fixed examples")
    assert says(q, "Short runs at rates ", "3 to 10 times apart")
    # the gradient-check thresholds: a correct float64 gradient by central differences is near 1e-7 or
    # better, and a wrong normalisation is far above 1e-2
    rng = np.random.default_rng(0)
    x, y, w = rng.standard_normal((20, 5)), rng.integers(0, 3, 20), 0.5 * rng.standard_normal((5, 3))

    def loss(w):
        z = x @ w
        return float(np.mean(special.logsumexp(z, axis=1) - z[np.arange(20), y]))

    def grad(w, scale=20):
        p = special.softmax(x @ w, axis=1)
        p[np.arange(20), y] -= 1
        return x.T @ p / scale

    numeric = np.zeros_like(w)
    for idx in np.ndindex(*w.shape):
        e = np.zeros_like(w)
        e[idx] = 1e-5
        numeric[idx] = (loss(w + e) - loss(w - e)) / 2e-5
    rel = lambda a, b: np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))  # noqa: E731
    good, bug = rel(grad(w), numeric), rel(grad(w, scale=10), numeric)
    fine, wrong = 1e-7, 1e-2  # the rule-of-thumb thresholds: a correct gradient passes, the bug fails
    assert says(q, "a relative error near $10^{", f"{math.log10(fine):.0f}") and good <= fine
    assert says(q, "one above $10^{", f"{math.log10(wrong):.0f}") and bug > wrong


def test_shuffled_labels_are_memorised_and_validation_loss_climbs():
    """A network fitted to labels permuted once memorises them; its validation loss rises above H(pi)."""
    q = "diagnose-poor-train-val"
    assert "validation cross-entropy climbs far above $H(\\pi)$" in field(q, "answer")
    assert "only a small constant factor slower" in field(q, "answer")
    rng = np.random.default_rng(0)
    n, d, k, hidden = 60, 10, 5, 200
    x, xv = rng.standard_normal((n, d)), rng.standard_normal((n, d))
    y, yv = rng.integers(0, k, n), rng.integers(0, k, n)  # labels carry no signal
    w1, w2 = rng.standard_normal((d, hidden)) / math.sqrt(d), np.zeros((hidden, k))
    for _ in range(1500):
        h = np.tanh(x @ w1)
        p = special.softmax(h @ w2, axis=1)
        p[np.arange(n), y] -= 1
        w1, w2 = w1 - x.T @ ((p @ w2.T) * (1 - h**2)) / n, w2 - h.T @ p / n
    z, zv = np.tanh(x @ w1) @ w2, np.tanh(xv @ w1) @ w2
    train = np.mean(special.logsumexp(z, axis=1) - z[np.arange(n), y])
    val = np.mean(special.logsumexp(zv, axis=1) - zv[np.arange(n), yv])
    prior = entropy(np.bincount(y, minlength=k) / n)
    assert train < 0.1 * prior and val > 1.5 * prior


def test_learning_curves_caption_numbers():
    name = "learning_curves"
    mod = figure_module(name)
    assert caption_states(name, str(mod.K), near="-class problem") and caption_states(name, str(mod.DIM), near="dimensions")
    assert caption_states(name, str(mod.BATCH), near="minibatches of") and caption_states(name, str(mod.HIDDEN), near="tanh units")
    rng = np.random.default_rng(0)
    z = 1e-6 * rng.standard_normal((500, mod.K))
    y = rng.integers(0, mod.K, 500)
    uniform_loss = float(np.mean(special.logsumexp(z, axis=1) - z[np.arange(500), y]))
    assert caption_says(name, "uniform prediction, $\\ln ", f"{mod.K} = {fmt(uniform_loss, 3)}")
    assert caption_says(name, "flat at $\\ln ", str(mod.K))
    assert caption_says(name, "a learning rate of $", f"10^{{{round(math.log10(mod.LR_GOOD))}}}$. A linear")
    assert caption_says(name, "With a learning rate of $", f"10^{{{round(math.log10(mod.LR_LOW))}}}$ the loss")
    assert caption_states(name, f"{mod.LR_HIGH:g}", near="erratic")
    target = noisy_label_target(mod.K, mod.LABEL_NOISE)
    assert caption_states(name, f"{100 * mod.LABEL_NOISE:.0f}%", near="redrawn uniformly")
    assert caption_states(name, fmt(best_cross_entropy(target), 3), near="noise floor")
    assert caption_states(name, f"{100 * target[0]:.0f}%", near="on the clean class")
    assert caption_states(name, f"{100 * target[1]:.0f}%", near="on each other class")


@functools.lru_cache(maxsize=1)
def figure_runs():
    mod = figure_module("learning_curves")
    return mod, [mod._train(**kwargs) for _, kwargs in mod.RUNS]


def test_learning_curves_show_the_captioned_signatures():
    name = "learning_curves"
    mod, runs = figure_runs()
    chance = math.log(mod.K)
    floor = best_cross_entropy(noisy_label_target(mod.K, mod.LABEL_NOISE))
    (steps, ok_tr, ok_va), (_, lin_tr, lin_va), (_, low_tr, _), (_, high_tr, _), (_, noise_tr, noise_va), (_, bug_tr, bug_va) = runs
    assert "where every run starts" in figure_constant(name, "CAPTION")
    for _, tr, va in runs:
        assert abs(tr[0] - chance) < 0.03 and abs(va[0] - chance) < 0.03
    half = len(steps) // 2
    assert lin_tr[-1] > 3 * ok_tr[-1] and abs(lin_tr[-1] - lin_va[-1]) < 0.05 and lin_tr[half] - lin_tr[-1] < 0.1
    assert np.all(np.diff(low_tr) < 0) and low_tr[-1] > 1.0
    assert np.max(high_tr[5:]) > 2 * np.min(high_tr[5:]) and np.mean(high_tr[half:]) > 5 * ok_tr[-1]
    # label noise: training just above the floor, validation a little higher
    assert 0 < noise_tr[-1] - floor < 0.15 and noise_tr[-1] < noise_va[-1] < floor + 0.25
    assert "validation loss a little higher" in figure_constant(name, "CAPTION")
    # labels reshuffled inside every minibatch: flat at ln K
    assert np.all(np.abs(bug_tr - chance) < 0.15) and np.all(np.abs(bug_va - chance) < 0.15)


# ---------------------------------------------------------------- initial-loss-bias-init


def test_bias_init_binary_rare_class():
    q = "initial-loss-bias-init"
    pi = 0.01
    assert says(q, "With ", f"{100 * pi:.0f}% positives", fields=("short_answer",))
    # the best constant logit, by minimising the expected log loss over the bias
    res = optimize.minimize_scalar(lambda b: -(pi * math.log(special.expit(b)) + (1 - pi) * math.log(special.expit(-b))),
                                   bounds=(-20, 20), method="bounded", options={"xatol": 1e-10})
    assert says(q, "sigmoid bias $", fmt(res.x, 3), fields=("short_answer",))
    assert says(q, "\\ln(0.01/0.99) = ", fmt(res.x, 3))
    assert says(q, "initial loss ", fmt(res.fun, 3), fields=("short_answer",)) and says(q, "$H(0.01) = ", fmt(res.fun, 3))
    zero = -math.log(special.expit(0.0))  # loss of p = 1/2 whatever the label
    assert says(q, "$p=", "%g$ for everyone" % special.expit(0.0)) and says(q, "$\\ln 2 = ", fmt(zero, 3), fields=("answer",))
    assert says(q, "($\\ln 2 = ", fmt(zero, 3) + "$ for binary", fields=("short_answer",))
    assert says(q, "$p=", f"{special.expit(res.x):.2f}$, and the initial loss")
    assert says(q, "about ", f"{zero / res.fun:.0f} times smaller")
    assert says(q, "$0.5 - 0.01 = ", fmt(special.expit(0.0) - pi, 2))
    assert says(q, "exactly this prior of ", f"{pi:g}")


def test_bias_init_zero_bias_gives_ln_k_for_any_prior():
    q = "initial-loss-bias-init"
    assert "$H(\\pi)+\\operatorname{KL}(\\pi\\,\\|\\,u) = \\ln K$" in field(q, "answer")
    rng = np.random.default_rng(0)
    for k in (2, 10, 1000):
        prior = rng.dirichlet(np.ones(k))
        assert -(prior * np.log(np.full(k, 1 / k))).sum() == pytest.approx(math.log(k))
        b = np.log(prior) + 3.0
        assert -(prior * special.log_softmax(b)).sum() == pytest.approx(entropy(prior))


def test_bias_init_large_logits():
    q = "initial-loss-bias-init"
    k, sigma = 1000, 2.0
    assert says(q, "So a ", f"{k}-class model") and says(q, "logit scale $\\sigma = ", f"{sigma:g}")
    rng = np.random.default_rng(0)
    z = sigma * rng.standard_normal((4000, k))
    mc = float(np.mean(special.logsumexp(z, axis=1) - z[:, 0]))
    assert says(q, "\\approx ", fmt(mc, 1)) and fmt(mc, 1) == fmt(math.log(k) + sigma**2 / 2, 1)
    assert says(q, "starts near $", fmt(math.log(k), 3)) and says(q, "rather than ", fmt(math.log(k), 3))


# ---------------------------------------------------------------- class-imbalance-prior-shift


def shifted(score: float, train: float, deploy: float) -> float:
    """Bayes' rule with p(x|y) fixed: reweight the posterior by the ratio of priors."""
    pos, neg = score * deploy / train, (1 - score) * (1 - deploy) / (1 - train)
    return pos / (pos + neg)


def test_prior_shift_worked_example():
    q = "class-imbalance-prior-shift"
    train, deploy, score = 0.01, 0.05, 0.2
    assert says(q, "From ", f"{100 * train:.0f}% to {100 * deploy:.0f}% positives", fields=("short_answer",))
    ratio = (deploy / (1 - deploy)) / (train / (1 - train))
    assert says(q, "\\frac{0.05/0.95}{0.01/0.99} = ", fmt(ratio, 3)) and says(q, "a logit shift of $\\ln 5.211 = ", fmt(math.log(ratio), 3))
    assert says(q, "A score of ", f"{score:g}") and says(q, "(odds ", f"{score / (1 - score):g}")
    new = shifted(score, train, deploy)
    assert says(q, "becomes odds ", fmt(new / (1 - new), 3)) and says(q, "probability ", fmt(new, 3))
    assert says(q, "a score of ", f"{score:g} becomes {fmt(new, 3)}", fields=("short_answer",))
    assert says(q, "Training prior ", f"{100 * train:.0f}%, deployment prior {100 * deploy:.0f}%")
    assert says(q, "so the decision at ", f"{0.5:g} flips") and says(q, "odds $1/", fmt(ratio, 3))
    threshold = optimize.brentq(lambda s: shifted(s, train, deploy) - 0.5, 1e-9, 1 - 1e-9)
    assert says(q, "which is ", fmt(threshold, 3)) and says(q, "from 0.5 to ", fmt(threshold, 3), fields=("short_answer",))


def test_prior_shift_matches_bayes_on_generative_model():
    q = "class-imbalance-prior-shift"
    assert "add $\\ln\\pi_{\\text{new}}(y) - \\ln\\pi_{\\text{train}}(y)$ to each logit" in field(q, "short_answer")
    x = np.linspace(-3, 5, 41)
    lik0, lik1 = np.exp(-0.5 * x**2), np.exp(-0.5 * (x - 1.5) ** 2)
    posterior = lambda prior: lik1 * prior / (lik1 * prior + lik0 * (1 - prior))  # noqa: E731
    assert np.allclose([shifted(s, 0.01, 0.05) for s in posterior(0.01)], posterior(0.05))


def test_prior_shift_balanced_threshold():
    q = "class-imbalance-prior-shift"
    train, target = 0.01, 0.5
    ratio = (target / (1 - target)) / (train / (1 - train))
    assert says(q, "the target prior is ", f"{100 * target:.0f}%") and says(q, "the ratio is ", f"{ratio:.0f}")
    assert says(q, "$\\ln 99 = ", fmt(math.log(ratio), 3))
    threshold = optimize.brentq(lambda s: shifted(s, train, target) - 0.5, 1e-9, 1 - 1e-9)
    assert says(q, "score exceeds ", f"{threshold:.2f}")


# ---------------------------------------------------------------- why-normalise-inputs


def test_normalise_scale_condition_number():
    q = "why-normalise-inputs"
    sd = (1.0, 100.0)
    assert says(q, "standard deviations ", f"{sd[0]:g} and {sd[1]:g}", fields=("answer",))
    assert says(q, "standard deviations ", f"{sd[0]:g} and {sd[1]:g}", fields=("short_answer",))
    h = np.diag(np.square(sd))
    kappa = np.linalg.cond(h)
    assert says(q, "$\\kappa=10^", f"{math.log10(kappa):.0f}") and says(q, "$\\kappa = 10^", f"{math.log10(kappa):.0f}", fields=("short_answer",))
    assert "$H=\\operatorname{diag}(%g,10^%d)$" % (h[0, 0], round(math.log10(h[1, 1]))) in field(q, "answer")
    steps = -1 / math.log((kappa - 1) / (kappa + 1))  # steps per factor e at the best fixed step
    assert says(q, "about ", f"{round(steps, -2):.0f} steps per factor")
    # standardised and uncorrelated: one step with eta = 1 solves least squares
    rng = np.random.default_rng(0)
    qm, _ = np.linalg.qr(rng.standard_normal((1000, 2)) - 0.0)
    xs = math.sqrt(1000) * qm
    w = np.zeros(2) - 1.0 * xs.T @ (xs @ np.zeros(2) - xs @ np.array([2.0, -1.0])) / 1000
    assert np.allclose(w, [2.0, -1.0]) and "one step with $\\eta=1$ solves the problem" in field(q, "answer")
    assert says(q, "scaling brings it to ", fmt(np.linalg.cond(xs.T @ xs / 1000), 0), fields=("short_answer",))


def test_normalise_mean_condition_number():
    q = "why-normalise-inputs"
    mean, sd = 10.0, 1.0
    assert says(q, "one feature with mean ", f"{mean:g}") and says(q, "and standard deviation ", f"{sd:g}")
    h = np.array([[sd**2 + mean**2, mean], [mean, 1.0]])  # the second moments of (feature, 1)
    assert "\\begin{pmatrix} %g & %g \\\\ %g & %g \\end{pmatrix}" % tuple(h.ravel()) in field(q, "answer")
    lo, hi = np.linalg.eigvalsh(h)
    assert says(q, "\\lambda \\approx ", fmt(hi, 2)) and says(q, "\\text{ and } ", fmt(lo, 4))
    mantissa, exponent = f"{hi / lo:.2e}".split("e")
    assert says(q, "\\kappa \\approx ", f"{mantissa}\\times 10^{int(exponent)}")


def test_normalise_min_norm_solution_depends_on_scale():
    q = "why-normalise-inputs"
    assert "gradient descent from zero finds the minimum-norm solution" in field(q, "answer")
    rng = np.random.default_rng(1)
    x, y, test = rng.standard_normal((5, 10)), rng.standard_normal(5), rng.standard_normal(10)
    scale = np.ones(10)
    scale[:3] = 0.01
    plain, rescaled = np.linalg.pinv(x) @ y, np.linalg.pinv(x * scale) @ y
    assert abs(test @ plain - (test * scale) @ rescaled) > 0.1
    assert says(q, "multiplied by ", "100", fields=("follow_ups",))


# ---------------------------------------------------------------- weight-decay-three-ways


def test_weight_decay_sgd_equivalence():
    q = "weight-decay-three-ways"
    assert "$w\\to(1-\\eta\\lambda)w-\\eta g$" in field(q, "short_answer")
    rng = np.random.default_rng(0)
    a, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    lam, eta = 0.1, 0.05
    w1 = w2 = np.zeros(4)
    for _ in range(100):
        w1 = w1 - eta * (a.T @ (a @ w1 - y) / 30 + lam * w1)
        w2 = (1 - eta * lam) * w2 - eta * a.T @ (a @ w2 - y) / 30
    assert np.allclose(w1, w2)


def test_weight_decay_prior_scaling():
    q = "weight-decay-three-ways"
    n, lam = 50_000, 5e-4
    assert says(q, "$n = ", f"{n:,}".replace(",", "{,}")) and says(q, "\\lambda = 5\\times10^{", f"{round(math.log10(lam / 5))}")
    var = 1 / (n * lam)
    assert says(q, "1/(n\\lambda) = ", f"{var:g}") and says(q, "a prior standard deviation of ", f"{math.sqrt(var):g}")
    rng = np.random.default_rng(0)
    w, losses = rng.standard_normal(5), rng.random(n)
    assert (losses.sum() + w @ w / (2 * var)) / n == pytest.approx(losses.mean() + lam / 2 * w @ w)


def test_weight_decay_adam_shrink():
    q = "weight-decay-three-ways"
    lam, w, rms = 1e-4, 1.0, (0.1, 0.001)
    assert says(q, "both equal to ", f"{w:g}") and says(q, "root-mean-squares ", f"{rms[0]:g} and {rms[1]:g}")
    assert says(q, "\\lambda = 10^{", f"{round(math.log10(lam))}")
    shrink = [lam * w / r for r in rms]  # per step, in units of eta
    assert says(q, "the per-step shrinks are $10^{", f"{round(math.log10(shrink[0]))}}}\\eta")
    assert says(q, "and $", f"{shrink[1]:g}\\eta") and says(q, "a factor ", f"{shrink[1] / shrink[0]:.0f} apart")
    assert says(q, "AdamW shrinks both by $10^{", f"{round(math.log10(lam * w))}}}\\eta")
    assert math.sqrt(rms[1] ** 2 + (lam * w) ** 2) / rms[1] - 1 < 0.01  # the penalty barely changes v-hat
    assert says(q, "\\emph{weight decay ", "0.1} means very different things")


def test_weight_decay_momentum_amplifies_l2_only():
    q = "weight-decay-three-ways"
    assert "amplifies it by about $1/(1-\\beta)$" in field(q, "answer")
    beta, eta, lam = 0.9, 1e-3, 1e-2
    # decay rate of a weight with zero loss gradient: heavy ball on the L2 penalty versus decoupled decay
    roots = np.roots([1, -(1 + beta - eta * lam), beta])
    l2_rate = 1 - max(abs(roots))
    assert l2_rate / (eta * lam) == pytest.approx(1 / (1 - beta), rel=0.01)


# ---------------------------------------------------------------- early-stopping


def test_early_stopping_filters():
    q = "early-stopping"
    eta, t = 0.1, 100
    alpha = 1 / (eta * t)
    assert says(q, "Worked example with $\\eta = ", f"{eta:g}") and says(q, "$t=", str(t)) and says(q, "= 1/(\\eta t) = ", f"{alpha:g}")
    for lam, gd_digits, ridge_text in ((1.0, 3, "1/1.1 = "), (0.1, 3, "ridge "), (0.01, 3, "ridge $")):
        gd = 1 - (1 - eta * lam) ** t
        ridge = lam / (lam + alpha)
        assert says(q, "$\\lambda = ", f"{lam:g}")
        assert says(q, f"$1-{1 - eta * lam:g}^{{{t}}} = ", fmt(gd, gd_digits))
        ridge_text_value = f"{ridge:g}" if lam == 0.1 else fmt(ridge, 3)
        assert says(q, ridge_text, ridge_text_value)


def test_early_stopping_gd_matches_filter():
    q = "early-stopping"
    assert "u_i^\\top w_t = \\big[1-(1-\\eta\\lambda_i)^t\\big]\\,u_i^\\top w^*" in field(q, "answer")
    rng = np.random.default_rng(0)
    n, d = 50, 6
    x = rng.standard_normal((n, d)) * np.array([3, 2, 1, 0.5, 0.2, 0.05])
    y = rng.standard_normal(n)
    lam, u = np.linalg.eigh(x.T @ x / n)
    w_star = np.linalg.lstsq(x, y, rcond=None)[0]
    eta, w = 1.0 / lam.max(), np.zeros(d)
    for _ in range(40):
        w = w - eta * x.T @ (x @ w - y) / n
    assert np.allclose(u.T @ w, (1 - (1 - eta * lam) ** 40) * (u.T @ w_star))


def test_early_stopping_ridge_comparison_constant():
    """Ali, Kolter and Tibshirani: gradient-flow risk is at most 1.69 times ridge's at alpha = 1/t.
    The variance part of that ratio peaks at max_x ((1 - e^-x)(1 + x)/x)^2."""
    q = "early-stopping"
    xs = np.linspace(1e-3, 20, 200001)
    ratio = ((1 - np.exp(-xs)) * (1 + xs) / xs) ** 2
    assert says(q, "stays below ", fmt(ratio.max(), 2)) and np.all((1 + xs) * np.exp(-xs) <= 1)


# ---------------------------------------------------------------- loss-spikes


def test_loss_spike_growth():
    q = "loss-spikes"
    lam, eta, steps = 100.0, 0.021, 50
    assert says(q, "$\\lambda = ", f"{lam:g}") and says(q, "$\\eta = ", f"{eta:g}")
    factor = abs(1 - eta * lam)
    assert says(q, "$|1-", f"{eta * lam:g}| = {factor:.1f}") and says(q, "in ", f"{steps} steps")
    e = 1.0
    for _ in range(steps):
        e *= 1 - eta * lam
    assert says(q, "$1.1^{50}\\approx ", f"{abs(e):.0f}")
    mantissa, exponent = f"{e * e:.1e}".split("e")
    assert says(q, "by about $", f"{mantissa}\\times10^{int(exponent)}")


def adam_after_spike(beta1: float, beta2: float, steps: int = 3000) -> tuple[float, float]:
    """First step and total displacement (in units of eta) after one unit gradient on a parameter
    whose gradients were tiny for a long time."""
    m = v = 0.0
    t = 0
    for _ in range(20_000):
        t += 1
        m, v = beta1 * m + (1 - beta1) * 1e-6, beta2 * v + (1 - beta2) * 1e-12
    first = total = None
    for k in range(steps):
        t += 1
        g = 1.0 if k == 0 else 0.0
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        step = (m / (1 - beta1**t)) / (math.sqrt(v / (1 - beta2**t)) + 1e-12)
        first = step if first is None else first
        total = step if total is None else total + step
    return first, total


def test_loss_spike_adam_steps():
    q = "loss-spikes"
    beta1 = 0.9
    assert says(q, "$\\beta_1 = ", f"{beta1:g}") and says(q, "$\\beta_2 = ", "0.999")
    first, total = adam_after_spike(beta1, 0.999)
    assert says(q, "that is $", f"{first:.2f}\\eta") and says(q, "a total displacement of about $", f"{total:.0f}\\eta")
    first, total = adam_after_spike(beta1, 0.95)
    assert says(q, "With $\\beta_2=", "0.95") and says(q, "the first step is $", f"{first:.3f}\\eta")
    assert says(q, "the total about $", f"{total:.1f}\\eta") and first < 1
    assert says(q, "clipping, $\\beta_2 = ", "0.95", fields=("short_answer",))
    assert says(q, "often trained with $\\beta_2 = ", "0.95")
    # epsilon matters while sqrt(v) is below it: after a gradient g, sqrt(v) ~ sqrt(1 - beta2) |g|
    assert "\\epsilon/\\sqrt{1-\\beta_2}" in field(q, "answer")


def test_loss_spike_float16_and_rewind():
    q = "loss-spikes"
    assert says(q, "Float16 overflows above ", f"{np.finfo(np.float16).max:.0f}")
    with np.errstate(over="ignore"):
        assert np.isinf(np.float16(np.finfo(np.float16).max) * np.float16(2))
    assert says(q, "rewind about ", "100 steps")


# ---------------------------------------------------------------- batch-size-generalisation


def test_batch_size_linear_scaling():
    q = "batch-size-generalisation"
    b0, eta0, b1 = 256, 0.1, 8192
    assert says(q, "Baseline $B=", str(b0)) and says(q, "$\\eta=", f"{eta0:g}") and says(q, "At $B=", str(b1))
    assert says(q, "(", f"{b1 // b0} times larger")
    eta1 = eta0 * b1 / b0
    assert says(q, "linear scaling gives $\\eta=", f"{eta1:g}")
    mantissa, exponent = f"{eta0 / b0:.1e}".split("e")
    assert eta0 / b0 == pytest.approx(eta1 / b1)
    assert says(q, "$\\eta/B = ", f"{mantissa}\\times10^{{{int(exponent)}}}")
    n, epochs = 1.28e6, 90
    assert says(q, "On ", "1.28 million images") and says(q, "so ", f"{epochs} epochs")
    assert says(q, "an epoch takes ", f"{n / b0:.0f} steps at $B={b0}$") and says(q, "but only ", f"{int(n / b1)} at $B={b1}$")
    assert says(q, "matched the batch-", f"{b0} baseline")
    assert says(q, "epochs are ", f"{epochs * n / b0:,.0f}") and says(q, "versus about ", f"{round(epochs * n / b1, -3):,.0f}")
    assert says(q, "travels ", f"{b1 // b0} times less far")


def test_batch_size_cited_settings():
    q = "batch-size-generalisation"
    assert says(q, "batches of around ", "10% of the data") and says(q, "with batch ", "8192")
    assert "five epochs of warm-up" in field(q, "answer") and says(q, "a ResNet-", "50")


def test_batch_size_minibatch_variance():
    q = "batch-size-generalisation"
    assert "multiply by $(N-B)/(N-1)$" in field(q, "answer")
    rng = np.random.default_rng(0)
    N, B = 12, 4
    g = rng.standard_normal(N)
    means = np.array([g[list(c)].mean() for c in combinations(range(N), B)])
    assert means.var() == pytest.approx(g.var() / B * (N - B) / (N - 1))
    draws = g[rng.integers(0, N, (200_000, B))].mean(axis=1)
    assert draws.var() == pytest.approx(g.var() / B, rel=0.02)
