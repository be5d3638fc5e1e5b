"""Recompute every number stated in the deeper practice questions and their figure."""

from __future__ import annotations

from math import comb

import numpy as np
from scipy import integrate, optimize, stats

from bank import QUESTIONS, assert_well_formed, caption_states, field, figure_constant, figure_module, fmt, states

IDS = [
    "random-grid-bayesian-search",
    "test-accuracy-ci-mcnemar",
    "data-leakage",
    "dataset-shift-types",
    "why-ensembles-work",
    "temperature-scaling-calibration",
]
DIFFICULTY = {"data-leakage": "easy", "dataset-shift-types": "hard"}


def test_structure():
    for qid in IDS:
        q = QUESTIONS[qid]
        assert q["kind"] == "technical"
        assert q["difficulty"] == DIFFICULTY.get(qid, "medium")
        assert_well_formed(qid)
    assert QUESTIONS["temperature-scaling-calibration"]["figures"] == ["reliability_temperature"]


# random search ------------------------------------------------------------------

def test_random_search_coverage():
    qid = "random-grid-bayesian-search"
    n, d = 9, 2
    grid = np.array([(a, b) for a in np.linspace(0, 1, 3) for b in np.linspace(0, 1, 3)])
    rng = np.random.default_rng(0)
    rand = rng.random((n, d))
    assert len(np.unique(grid[:, 0])) == round(n ** (1 / d)) and len(np.unique(rand[:, 0])) == n
    assert states(qid, f"{round(n ** (1 / d))} values against {n}", near="With $n=9$ runs in two dimensions")
    q, trials = 0.05, 60
    p = 1 - (1 - q) ** trials
    assert states(qid, fmt(p, 3), near="trials succeed with probability")
    assert "$1-0.95^{60}=" in field(qid, "answer") and "For $q=0.05$, $n=60$" in field(qid, "answer")
    assert states(qid, f"{100 * p:.0f}%", near="at 60 trials")
    sa = field(qid, "short_answer")
    assert f"hit the best {100 * q:.0f}% of the space with probability $1-{1 - q:.2f}^n$ ({100 * p:.0f}% at {trials} trials)" in sa
    # simulate: random trials landing in a region of probability 0.05, in 5 dimensions
    hits = (rng.random((20000, trials, 5))[:, :, 0] < q).any(axis=1).mean()
    assert abs(hits - p) < 0.01


def expected_improvement(mu, sd, best):
    z = (mu - best) / sd
    return (mu - best) * stats.norm.cdf(z) + sd * stats.norm.pdf(z)


def test_expected_improvement():
    qid = "random-grid-bayesian-search"
    best = 0.82
    text = field(qid, "answer")
    assert f"$f^*={best:g}$" in text
    assert "Candidate A has predicted accuracy $\\mu=0.80$ with $\\sigma=0.05$" in text
    assert "candidate B has $\\mu=0.81$ with $\\sigma=0.01$" in text
    ea = expected_improvement(0.80, 0.05, best)
    eb = expected_improvement(0.81, 0.01, best)
    # EI is the expectation of the improvement under the Gaussian belief
    rng = np.random.default_rng(0)
    draws = rng.normal(0.80, 0.05, 2_000_000)
    assert abs(np.maximum(draws - best, 0).mean() - ea) < 2e-4
    assert states(qid, f"$z={(0.80 - best) / 0.05:g}$", near="For A")
    assert states(qid, fmt(ea, 4), near="For A")
    assert "$\\mathrm{EI}=-0.02\\,\\Phi(-0.4)+0.05\\,\\phi(-0.4)=" in text
    assert states(qid, f"$z={(0.81 - best) / 0.01:g}$", near="for B")
    assert states(qid, fmt(eb, 5), near="for B")
    assert ea > eb


# confidence intervals and McNemar -------------------------------------------------

def wilson(p, n, z=1.96):
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return c - h, c + h


def test_accuracy_intervals():
    qid = "test-accuracy-ci-mcnemar"
    p, n = 0.85, 1000
    assert f"With $\\hat p={p:g}$ and $n={n}$ the standard error" in field(qid, "answer")
    se = np.sqrt(p * (1 - p) / n)
    assert states(qid, fmt(se, 4), near="the standard error is")
    assert states(qid, fmt(se, 3), near="the standard error is $\\sqrt{p(1-p)/n}$")
    half = 1.96 * se
    assert states(qid, f"0.85\\pm{fmt(half, 3)}", near="Wald interval is $0.85")
    assert states(qid, f"[{fmt(p - half, 3)},{fmt(p + half, 3)}]", near="Wald interval is $0.85")
    assert states(qid, f"[{fmt(p - half, 3)},{fmt(p + half, 3)}]", near="Wilson's interval is better")
    assert states(qid, f"$\\pm{100 * half:.1f}$", near="95% interval of about")
    lo, hi = wilson(p, n)
    assert states(qid, f"[{fmt(lo, 3)},{fmt(hi, 3)}]", near="the Wilson interval is $[")
    # Wilson's interval is the inversion of the score test
    sols = [optimize.brentq(lambda q: (p - q) / np.sqrt(q * (1 - q) / n) - s * 1.96, 1e-6, 1 - 1e-6) for s in (1, -1)]
    np.testing.assert_allclose(sorted(sols), [lo, hi], atol=1e-9)
    need = int(np.ceil((1.96 / 0.01) ** 2 * p * (1 - p)))
    assert 1.96 * np.sqrt(p * (1 - p) / need) <= 0.01 < 1.96 * np.sqrt(p * (1 - p) / (need - 1))
    assert states(qid, f"{need}", near="Shrinking the half-width to 0.01")
    n2, p2 = 50, 0.96
    h2 = 1.96 * np.sqrt(p2 * (1 - p2) / n2)
    assert states(qid, f"[{fmt(p2 - h2, 3)},{fmt(p2 + h2, 3)}]", near="With $n=50$ and $\\hat p=0.96$")
    lo2, hi2 = wilson(p2, n2)
    assert states(qid, f"[{fmt(lo2, 3)},{fmt(hi2, 3)}]", near="With $n=50$ and $\\hat p=0.96$")


def test_mcnemar():
    qid = "test-accuracy-ci-mcnemar"
    b, c, n = 30, 50, 1000
    acc_a, acc_b = 0.85, 0.87
    text = field(qid, "answer")
    assert f"Now model B gets {100 * acc_b:.0f}%." in text and "significantly better at the 5% level" in text
    assert f"with {b} versus {c}, $\\chi^2=({b}-{c})^2/{b + c}={(b - c) ** 2 / (b + c):.1f}$" in field(qid, "short_answer")
    both_right = acc_a * n - b
    assert np.isclose(both_right + c, acc_b * n)
    agree = n - b - c
    assert states(qid, f"agree on {agree:.0f} of the {n}", near="unpaired two-proportion test")
    chi = (b - c) ** 2 / (b + c)
    assert states(qid, f"$\\chi^2=({b}-{c})^2/{b + c}={chi:.1f}$", near="McNemar gives")
    assert states(qid, fmt(stats.chi2.sf(chi, 1), 3), near="McNemar gives")
    assert states(qid, fmt(stats.binomtest(b, b + c, 0.5).pvalue, 3), near="exact binomial test")
    chic = (abs(b - c) - 1) ** 2 / (b + c)
    assert states(qid, fmt(stats.chi2.sf(chic, 1), 3), near="with continuity correction")
    assert states(qid, f"$b={b}$", near="Suppose A is right") and states(qid, f"$c={c}$", near="Suppose A is right")
    pbar = (acc_a + acc_b) / 2
    z = (acc_b - acc_a) / np.sqrt(pbar * (1 - pbar) * 2 / n)
    assert states(qid, f"$z={z:.2f}$", near="unpaired two-proportion test")
    assert states(qid, f"$p={fmt(2 * stats.norm.sf(z), 3)}$", near="unpaired two-proportion test")
    # short answer repeats the headline numbers
    assert states(qid, f"$p={fmt(stats.chi2.sf(chi, 1), 3)}$", near="McNemar test", fields=("short_answer",))
    assert states(qid, fmt(se_round := np.sqrt(0.85 * 0.15 / n), 3), near="standard error", fields=("short_answer",))
    assert se_round > 0


# leakage ---------------------------------------------------------------------------

def _select(X, y, k):
    yc = y - y.mean()
    Xc = X - X.mean(0)
    corr = np.abs(Xc.T @ yc) / (np.linalg.norm(Xc, axis=0) * np.linalg.norm(yc))
    return np.argsort(corr)[-k:]


def _centroid_acc(Xtr, ytr, Xte, yte):
    m1, m0 = Xtr[ytr == 1].mean(0), Xtr[ytr == 0].mean(0)
    pred = (np.sum((Xte - m1) ** 2, 1) < np.sum((Xte - m0) ** 2, 1)).astype(int)
    return (pred == yte).mean()


def _cv(seed, n=50, p=5000, k=20, folds=5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = np.repeat([0, 1], n // 2)
    rng.shuffle(y)
    fold = np.arange(n) % folds
    rng.shuffle(fold)
    leaky_feats = _select(X, y, k)
    leaky, honest = [], []
    for f in range(folds):
        tr, te = fold != f, fold == f
        leaky.append(_centroid_acc(X[tr][:, leaky_feats], y[tr], X[te][:, leaky_feats], y[te]))
        feats = _select(X[tr], y[tr], k)
        honest.append(_centroid_acc(X[tr][:, feats], y[tr], X[te][:, feats], y[te]))
    return np.mean(leaky), np.mean(honest)


def test_leakage_simulation():
    qid = "data-leakage"
    text = field(qid, "answer")
    assert "Take 50 examples with balanced random labels and 5000 features of pure noise" in text
    assert "Select the 20 features most correlated" in text and "5-fold cross-validation" in text
    res = np.array([_cv(seed) for seed in range(50)])
    leaky, honest = 100 * res.mean(axis=0)
    assert states(qid, f"{leaky:.1f}%", near="Averaged over 50 such random data sets")
    assert states(qid, f"{honest:.1f}%", near="inside each training fold gives")


def test_leakage_duplicates():
    qid = "data-leakage"
    dup, acc = 0.1, 0.7
    assert states(qid, f"$0.1+0.9\\times0.7={dup + (1 - dup) * acc:.2f}$", near="memorised copy")
    assert states(qid, f"{100 * dup:.0f}%", near="memorised copy") and states(qid, f"{100 * acc:.0f}%", near="memorised copy")


# dataset shift ------------------------------------------------------------------------

def test_label_shift_bbse():
    qid = "dataset-shift-types"
    tpr, fpr, prior_tr, pos_rate = 0.8, 0.1, 0.5, 0.38
    C = np.array([[1 - fpr, 1 - tpr], [fpr, tpr]])  # P(yhat | y), columns y = 0, 1
    pi = np.linalg.solve(C, [1 - pos_rate, pos_rate])
    text = field(qid, "answer")
    assert f"($\\pi_{{\\text{{tr}}}}(1)={prior_tr:g}$), true-positive rate {tpr:g} and false-positive rate {fpr:g}" in text
    assert f"predicts positive {100 * pos_rate:.0f}% of the time" in text
    assert f"${tpr:g}\\pi+{fpr:g}(1-\\pi)={pos_rate:g}$" in text
    assert states(qid, f"\\pi_{{\\text{{te}}}}(1)={pi[1]:g}", near="gives $\\pi_")
    w1, w0 = pi[1] / prior_tr, pi[0] / prior_tr
    assert (f"${pi[1]:g}/{prior_tr:g}={w1:g}$ for positives and ${pi[0]:g}/{prior_tr:g}={w0:g}$ for negatives"
            in text)
    assert f"multiplying by ${w1:g}/{w0:g}$" in text
    assert states(qid, f"{w1:g}", near="the class weights are") and states(qid, f"{w0:g}", near="the class weights are")
    # simulate deployment: draw labels with the new prior and predictions from the fixed confusion matrix
    rng = np.random.default_rng(0)
    y = rng.random(500_000) < pi[1]
    yhat = np.where(y, rng.random(y.size) < tpr, rng.random(y.size) < fpr)
    assert abs(yhat.mean() - pos_rate) < 0.003
    s = 0.7
    odds = s / (1 - s) * w1 / w0
    assert "scored at 0.7 has odds $7/3$" in text
    assert states(qid, "14/9", near="multiplying by") and np.isclose(odds, 14 / 9)
    assert states(qid, fmt(odds / (1 + odds), 3), near="a corrected probability of")


def test_domain_classifier_chance_auc():
    qid = "dataset-shift-types"
    # a domain classifier on unshifted inputs cannot separate the two samples: its AUC is 0.5
    rng = np.random.default_rng(0)
    train, test = rng.standard_normal(200_000), rng.standard_normal(200_000)
    scores = np.concatenate([train, test])
    is_test = np.concatenate([np.zeros(train.size), np.ones(test.size)])
    ranks = stats.rankdata(scores)
    auc = (ranks[is_test == 1].sum() - test.size * (test.size + 1) / 2) / (train.size * test.size)
    assert abs(auc - 0.5) < 0.005
    assert states(qid, f"{round(auc, 1):g}", near="a domain classifier with AUC well above")


def test_covariate_shift_ess():
    qid = "dataset-shift-types"
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2_000_000)
    for delta, near in ((1, "one standard deviation"), (2, "a shift of two")):
        w = stats.norm.pdf(x, delta) / stats.norm.pdf(x)
        np.testing.assert_allclose(w, np.exp(delta * x - delta**2 / 2), rtol=1e-9)
        second, _ = integrate.quad(lambda t: (stats.norm.pdf(t, delta) / stats.norm.pdf(t)) ** 2 * stats.norm.pdf(t), -30, 30)
        assert abs(second / np.exp(delta**2) - 1) < 1e-8
        assert states(qid, fmt(np.exp(-(delta**2)), 3), near=near)


# ensembles ----------------------------------------------------------------------------

def test_ambiguity_decomposition():
    qid = "why-ensembles-work"
    f = np.array([2.0, 3.0, 4.5])
    y = 3.2
    m = f.mean()
    avg = np.mean((f - y) ** 2)
    amb = np.mean((f - m) ** 2)
    assert np.isclose((m - y) ** 2, avg - amb)
    assert (f"Their mean squared error is {fmt(avg, 3)} and their spread around the mean prediction ${fmt(m, 3)}$ "
            f"is {fmt(amb, 3)}") in field(qid, "answer")
    assert "predict 2.0, 3.0 and 4.5 for a target of 3.2" in field(qid, "answer")
    assert states(qid, fmt(avg, 3), near="Their mean squared error is")
    assert states(qid, fmt(amb, 3), near="Their mean squared error is")
    assert states(qid, fmt(m, 3), near="mean prediction")
    assert states(qid, f"{fmt(avg, 3)}-{fmt(amb, 3)}={fmt((m - y) ** 2, 3)}", near="ensemble's squared error")
    # the ensemble beats the best member because the disagreement exceeds the average-minus-best gap
    best = np.min((f - y) ** 2)
    assert amb > avg - best and (m - y) ** 2 < best
    assert states(qid, f"squared error {fmt(best, 3)};", near="The best member alone")
    assert states(qid, fmt(amb, 3), near="The best member alone")
    assert states(qid, f"{fmt(avg, 3)}-{fmt(best, 3)}={fmt(avg - best, 3)}", near="The best member alone")


def test_ensemble_variance_and_votes():
    qid = "why-ensembles-work"
    s2, rho, M = 1.0, 0.3, 10
    # simulate M correlated predictors: a shared component plus independent ones
    rng = np.random.default_rng(0)
    shared = rng.standard_normal((200_000, 1)) * np.sqrt(rho * s2)
    own = rng.standard_normal((200_000, M)) * np.sqrt((1 - rho) * s2)
    var = (shared + own).mean(axis=1).var()
    formula = rho * s2 + (1 - rho) * s2 / M
    assert abs(var - formula) < 0.01
    assert states(qid, f"{rho * s2:g}+{(1 - rho) * s2 / M:g}={formula:g}", near="ten members")
    assert states(qid, f"{rho:g}", near="no number of members gets below")
    assert f"no number of members gets below {rho * s2:g}." in field(qid, "answer")
    assert "With $\\sigma^2=1$ and $\\rho=0.3$" in field(qid, "answer")

    def vote(m, a):
        return sum(comb(m, k) * a**k * (1 - a) ** (m - k) for k in range(m // 2 + 1, m + 1))

    votes = (rng.random((200_000, 5)) < 0.7).sum(axis=1) >= 3
    assert abs(votes.mean() - vote(5, 0.7)) < 0.005
    assert states(qid, f"{100 * vote(5, 0.7):.1f}%", near="Five independent classifiers with 70% accuracy")
    assert states(qid, f"{100 * vote(101, 0.6):.1f}%", near="101 independent ones with 60% accuracy")


# temperature scaling -----------------------------------------------------------------------

def test_temperature_single_example():
    qid = "temperature-scaling-calibration"
    z = np.array([3.0, 1.0, 0.0])
    assert "For logits $(3,1,0)$" in field(qid, "answer")
    for T, near in ((1, "at $T=1$"), (2, "at $T=2$")):
        p = np.exp(z / T) / np.exp(z / T).sum()
        assert states(qid, fmt(p.max(), 3), near=near)


def test_temperature_figure_numbers():
    qid = "temperature-scaling-calibration"
    name = "reliability_temperature"
    m = figure_module(name)
    (zv, yv), (zt, yt) = m.data()
    assert m.SCALE == 2.5 and m.N_VAL == 5000 and m.N_TEST == 10000 and m.BINS == 10 and m.K == 10
    T = m.fit_temperature(zv, yv)
    # the fitted temperature minimises validation NLL (check against a fine grid)
    grid = np.linspace(1.5, 3.5, 401)
    assert abs(grid[np.argmin([m.nll(zv, yv, t) for t in grid])] - T) < 0.01
    before = m.reliability(m.softmax(zt), yt)
    after = m.reliability(m.softmax(zt / T), yt)
    acc = (zt.argmax(1) == yt).mean()
    assert acc == (m.softmax(zt / T).argmax(1) == yt).mean()
    # ECE recomputed directly from its definition, not from the module's helper
    def ece(probs):
        conf, correct = probs.max(1), probs.argmax(1) == yt
        bins = np.minimum((conf * 10).astype(int), 9)
        return sum(np.sum(bins == b) / len(yt) * abs(correct[bins == b].mean() - conf[bins == b].mean())
                   for b in range(10) if np.any(bins == b))
    assert np.isclose(ece(m.softmax(zt)), before[3]) and np.isclose(ece(m.softmax(zt / T)), after[3])
    drawn = before[2] >= m.MIN_COUNT
    assert np.all(before[1][drawn] < before[0][drawn])
    for where in ("answer",):
        assert states(qid, fmt(T, 2), near="fitted on 5000 validation examples", fields=(where,))
        assert states(qid, fmt(before[3], 3), near="the ECE falls from")
        assert states(qid, fmt(after[3], 3), near="the ECE falls from")
        assert states(qid, fmt(m.nll(zt, yt, 1.0), 3), near="negative log-likelihood from")
        assert states(qid, fmt(m.nll(zt, yt, T), 3), near="negative log-likelihood from")
        assert states(qid, fmt(acc, 3), near="accuracy stays at")
        assert states(qid, "2.5", near="logits 2.5 times larger")
        assert states(qid, "10000", near="on 10000 test examples")
        assert f"a synthetic {m.K}-class model has logits {m.SCALE:g} times larger" in field(qid, "answer")
    assert caption_states(name, "2.5", near="times too large")
    assert caption_states(name, "5000", near="validation examples")
    assert caption_states(name, "10000", near="test examples")
    assert caption_states(name, "10", near="10 bins")
    assert caption_states(name, "0", near="seed")
    assert caption_states(name, str(m.MIN_COUNT), near="at least")
    assert caption_states(name, fmt(before[3], 3), near="all markers below")
    assert caption_states(name, fmt(T, 2), near="(b) After")
    assert caption_states(name, fmt(after[3], 3), near="accuracy still")
    assert caption_states(name, fmt(acc, 3), near="accuracy still")
    assert len(figure_constant(name, "CAPTION").split()) <= 60


def test_score_figure_caption_short():
    assert len(figure_constant("score_vs_reparam_variance", "CAPTION").split()) <= 60
