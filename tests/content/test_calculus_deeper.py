"""Recompute every number stated in the deeper calculus questions and their figure."""

from __future__ import annotations

import numpy as np
from scipy import integrate, optimize, stats

from bank import assert_technical_batch, caption_states, field, figure_module, fmt, states

IDS = [
    "l-smoothness-descent-lemma",
    "score-function-vs-reparameterisation",
    "gradients-through-discrete",
    "bptt-truncation",
    "flow-jacobian-determinant",
]
HARD = {"score-function-vs-reparameterisation", "flow-jacobian-determinant"}


def test_structure():
    assert_technical_batch(IDS, HARD)


# L-smoothness ---------------------------------------------------------------

def test_descent_lemma_example():
    qid = "l-smoothness-descent-lemma"
    f = lambda x: 0.5 * x**2 + np.sin(x)
    df = lambda x: x + np.cos(x)
    xs = np.linspace(-20, 20, 200001)
    L = np.max(1 - np.sin(xs))  # f'' = 1 - sin x
    assert abs(L - 2) < 1e-6
    x0 = 2.0
    x1 = x0 - df(x0) / L
    text = field(qid, "answer")
    assert f"$f''(x)=1-\\sin x\\in[0,{L:.0f}]$, so $L={L:.0f}$ and the step is $1/L={1 / L:g}$" in text
    assert f"From $x_0={x0:g}$" in text and f"$f'(x_0)={x0:g}+\\cos{x0:g}=" in text
    assert f"${fmt(df(x0), 3)}^2/{2 * L:.0f}=" in text
    assert states(qid, fmt(1 / L, 1), near="the step is $1/L=")
    assert states(qid, fmt(f(x0), 3), near="$f(x_0)=")
    assert states(qid, fmt(df(x0), 3), near="$f'(x_0)=")
    assert states(qid, fmt(df(x0) ** 2 / (2 * L), 3), near="guarantees a decrease")
    assert states(qid, fmt(x1, 3), near="$x_1=")
    assert states(qid, fmt(f(x1), 3), near="$f(x_1)=")
    assert states(qid, fmt(f(x0) - f(x1), 3), near="a decrease of")
    # the bound holds
    assert f(x0) - f(x1) >= df(x0) ** 2 / (2 * L)
    res = optimize.minimize_scalar(f)
    assert states(qid, fmt(res.fun, 3), near="$f^*=")
    assert states(qid, fmt(res.x, 3), near="$x^*=")
    gap = f(x0) - res.fun
    assert states(qid, fmt(gap, 3), near="$K=100$")
    assert states(qid, fmt(2 * L * gap / 100, 3), near="$K=100$")
    assert states(qid, "100", near="$K=100$")
    assert f"{2 * L:.0f}\\times{fmt(gap, 3)}/100=" in field(qid, "answer")


def test_descent_lemma_step_bound_tight():
    qid = "l-smoothness-descent-lemma"
    # logistic regression: the Hessian of the mean loss is X^T D X / n with D <= 1/4
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    w = rng.standard_normal(3)
    s = 1 / (1 + np.exp(-X @ w))
    H = X.T @ (X * (s * (1 - s))[:, None]) / len(X)
    assert np.linalg.eigvalsh(H).max() <= np.linalg.eigvalsh(X.T @ X).max() / (4 * len(X))
    assert "$L\\le\\lambda_{\\max}(X^\\top X)/(4n)$" in field(qid, "answer")
    L = 3.0
    for eta, grows in ((2.1 / L, True), (1.9 / L, False)):
        x = 1.0
        for _ in range(50):
            x -= eta * L * x
        assert (abs(x) > 1) == grows
    assert "$\\eta>2/L$" in field(qid, "answer")


# score function vs reparameterisation --------------------------------------

def _moments(mu):
    e = stats.norm.moment
    score = mu**4 * e(2) + 6 * mu**2 * e(4) + e(6) - (2 * mu) ** 2  # E[(mu+e)^4 e^2] - (2mu)^2
    base = 4 * mu**2 * e(4) + (e(6) - 2 * e(4) + e(2)) - (2 * mu) ** 2
    reparam = 4 * e(2)
    return score, base, reparam


def test_score_reparam_variances():
    qid = "score-function-vs-reparameterisation"
    score, base, reparam = _moments(1.0)
    for mu in (0.3, 1.0, 2.0):
        s, b, r = _moments(mu)
        assert np.isclose(s, mu**4 + 14 * mu**2 + 15) and np.isclose(b, 8 * mu**2 + 10) and r == 4
    assert "$\\mu^4+14\\mu^2+15$, $8\\mu^2+10$ and $4$" in field(qid, "answer")
    for v in (score, base, reparam):
        assert states(qid, f"{v:.0f}", near="per sample")
    for v in (score, base, reparam):
        assert states(qid, f"{v / 0.1**2:.0f}", near="samples respectively")
    e = stats.norm.moment
    assert (f"$\\mathbb{{E}}[\\varepsilon^2]={e(2):.0f}$, $\\mathbb{{E}}[\\varepsilon^4]={e(4):.0f}$ and "
            f"$\\mathbb{{E}}[\\varepsilon^6]={e(6):.0f}$") in field(qid, "answer")
    assert "down to 0.1 (variance 0.01)" in field(qid, "answer") and "At $\\mu=1$ that is" in field(qid, "answer")
    assert states(qid, "0.01", near="samples respectively")
    # Monte Carlo: the estimators simulate the real thing and are unbiased
    rng = np.random.default_rng(1)
    eps = rng.standard_normal(2_000_000)
    z = 1.0 + eps
    est = {"s": z**2 * eps, "b": (z**2 - 2) * eps, "r": 2 * z}
    for key, var in zip("sbr", (score, base, reparam)):
        assert abs(est[key].mean() - 2) < 0.02
        assert abs(est[key].var() / var - 1) < 0.03


def test_score_reparam_figure():
    m = figure_module("score_vs_reparam_variance")
    exact = m.exact_variances(1.0)
    s, b, r = _moments(1.0)
    assert np.isclose(exact["score"], s) and np.isclose(exact["baseline"], b) and exact["reparam"] == r
    measured = m.measured_variances()
    n = m.SAMPLES
    for key in exact:
        ratio = measured[key] * n / exact[key]
        assert np.all(ratio[1:] > 0.75) and np.all(ratio[1:] < 1.25), key
    cap = "score_vs_reparam_variance"
    assert caption_states(cap, str(m.REPEATS), near="seeded repetitions")
    assert caption_states(cap, f"{s:.0f}/N", near="(score function)")
    assert caption_states(cap, f"{b:.0f}/N", near="with baseline")
    assert caption_states(cap, f"{r:.0f}/N", near="(reparameterisation)")
    assert caption_states(cap, f"{2 * 1.0:.0f}", near="true value")
    assert caption_states(cap, "1", near="at $\\mu=1$")


# discrete choices ------------------------------------------------------------

def test_gumbel_example():
    qid = "gradients-through-discrete"
    p = np.array([0.5, 0.3, 0.2])
    g = np.array([0.1, 1.2, -0.3])
    a = np.log(p) + g
    assert "Take $p=(0.5,0.3,0.2)$ and Gumbel draws $g=(0.1,1.2,-0.3)$" in field(qid, "answer")
    assert "(-0.593,-0.004,-1.909)" in field(qid, "answer")
    assert [fmt(v, 3) for v in a] == ["-0.593", "-0.004", "-1.909"]
    assert np.argmax(a) == 1 and states(qid, "second class", near="so the sample is")

    def relaxed(tau):
        e = np.exp((a - a.max()) / tau)
        return e / e.sum()

    for tau, near in ((1.0, "at $\\tau=1$"), (0.5, "at $\\tau=0.5$")):
        for v in relaxed(tau):
            assert states(qid, fmt(v, 3), near=near)
    assert states(qid, fmt(relaxed(0.1)[1], 3), near="at $\\tau=0.1$")


def test_gumbel_max_is_exact():
    qid = "gradients-through-discrete"
    p = np.array([0.5, 0.3, 0.2])
    rng = np.random.default_rng(0)
    u = rng.random((400_000, 3))
    wins = np.bincount(np.argmax(np.log(p) - np.log(-np.log(u)), axis=1), minlength=3) / len(u)
    np.testing.assert_allclose(wins, p, atol=0.003)
    # the integral in the derivation
    a = np.log(p)
    k = 0
    val, _ = integrate.quad(lambda x: np.exp(-(x - a[k])) * np.exp(-np.exp(-x) * np.exp(a).sum()), -30, 30)
    assert abs(val - p[k]) < 1e-8
    assert "(0.5,0.3,0.2)" in field(qid, "answer")


def test_straight_through_bias():
    qid = "gradients-through-discrete"
    t, p = 0.6, 0.8
    f = lambda b: (b - t) ** 2
    text = field(qid, "answer")
    assert f"loss $f(b)=(b-{t:g})^2$, so $\\mathbb{{E}}[f]={f(1):.2f}p+{f(0):.2f}(1-p)$" in text
    assert f"$f(1)-f(0)={f(1) - f(0):.1f}$" in text and f"with expected loss {f(1):.2f}" in text
    assert f"$f'(b)=2(b-{t:g})$, whose mean is $2(p-{t:g})$" in text
    assert states(qid, fmt(f(1), 2), near="$\\mathbb{E}[f]=")
    assert states(qid, fmt(f(0), 2), near="$\\mathbb{E}[f]=")
    true_grad = f(1) - f(0)
    assert states(qid, fmt(true_grad, 1), near="the true gradient is")
    # simulate the straight-through estimator on Bernoulli draws
    rng = np.random.default_rng(0)
    b = (rng.random(1_000_000) < p).astype(float)
    st = 2 * (b - t)
    assert abs(st.mean() - 2 * (p - t)) < 0.005
    assert states(qid, "+" + fmt(2 * (p - t), 1), near="that is $+")
    assert states(qid, fmt(p, 1), near="At $p=")
    # straight-through descent settles where its mean gradient vanishes
    q = 0.5
    for _ in range(2000):
        q -= 0.05 * 2 * (q - t)
    assert abs(q - t) < 1e-9
    assert states(qid, fmt(q, 1), near="settles at")
    assert states(qid, fmt(q * f(1) + (1 - q) * f(0), 2), near="settles at")
    assert states(qid, fmt(f(1), 2), near="the optimum is $p=1$")


# BPTT ------------------------------------------------------------------------

def test_bptt_example():
    qid = "bptt-truncation"
    w, x = 0.5, [1.0, 0.0, 0.0]

    def loss(wv):
        h = 0.0
        for xt in x:
            h = wv * h + xt
        return 0.5 * h**2, h

    L, h3 = loss(w)
    text = field(qid, "answer")
    assert "with $h_0=0$, inputs $x=(1,0,0)$, $w=0.5$ and a single loss $L=\\tfrac12h_3^2$" in text
    assert f"$h_2+wh_1+w^2h_0={0.5:g}+{w * 1.0:g}+0=1$" in text
    grad = (loss(w + 1e-6)[0] - loss(w - 1e-6)[0]) / 2e-6
    assert "$h=(1,0.5,0.25)$" in field(qid, "answer")
    assert states(qid, fmt(grad, 2), near="$dL/dw=")
    h2 = 0.5
    assert states(qid, fmt(h3 * h2, 3), near="Truncating to one step")
    assert np.isclose(h3 * h2 / grad, 0.5) and states(qid, "half", near="Truncating to one step")
    # the dropped part is the lag-1 term: w applied at step 2, acting on h_1 = x_1
    h1 = x[0]
    assert np.isclose(h3 * w * h1, grad - h3 * h2)
    assert states(qid, "$wh_1$", near="The lost half is the lag-1 term")
    assert states(qid, "step 2", near="The lost half is the lag-1 term")


def test_bptt_lags_and_memory():
    qid = "bptt-truncation"
    assert states(qid, fmt(0.9**50, 5), near="after 50 steps")
    text = field(qid, "answer")
    assert "with $w=0.9$ it is" in text and "with $w=1.1$ it is" in text and "with $w=0.9$ and similar" in text
    assert "storing one 1024-unit hidden state in float32 for a batch of 32 over 1000 steps" in text
    assert states(qid, fmt(1.1**50, 1), near="after 50 steps")
    assert states(qid, fmt(0.9**20, 3), near="truncating at $k=20$")
    assert f"$0.9^{{20}}={fmt(0.9**20, 3)}$" in field(qid, "answer")
    # geometric tail fraction beyond lag 20
    lags = np.arange(100000)
    assert np.isclose((0.9 ** lags[20:]).sum() / (0.9**lags).sum(), 0.9**20)
    full = 1000 * 1024 * 32 * 4 / 1e6
    trunc = 100 * 1024 * 32 * 4 / 1e6
    assert states(qid, f"{full:.0f} MB", near="over 1000 steps")
    assert states(qid, f"{trunc:.1f} MB", near="truncation at 100 steps")


# flows -----------------------------------------------------------------------

def logpz_check(z):
    return float(stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z))


def test_flow_coupling_example():
    qid = "flow-jacobian-determinant"
    x = np.array([1.0, 2.0])

    def f(v):
        return np.array([v[0], v[1] * np.exp(0.5 * v[0]) + v[0]])

    z = f(x)
    text = field(qid, "answer")
    assert "take $s(x_1)=0.5x_1$ and $t(x_1)=x_1$" in text and f"At $x=(1,2)$: $z_1={z[0]:g}$" in text
    assert f"$\\log p_z(z)=-\\log(2\\pi)-\\tfrac12(1+{fmt(z[1], 3)}^2)=" in text
    assert f"=-{fmt(-logpz_check(z), 3)}+0.5=" in text
    assert f"$x_2=({fmt(z[1], 3)}-1)e^{{-0.5}}=" in text
    J = np.column_stack([(f(x + h) - f(x - h)) / 2e-6 for h in np.eye(2) * 1e-6])
    det = np.linalg.det(J)
    assert states(qid, fmt(z[1], 3), near="$z_2=2e^{0.5}+1=")
    assert states(qid, fmt(det, 3), near="$\\det J=")
    assert states(qid, fmt(np.log(det), 1), near="$\\log\\det J=")
    logpz = stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z)
    assert states(qid, fmt(logpz, 3), near="$\\log p_z(z)=")
    assert states(qid, fmt(logpz + np.log(det), 3), near="$\\log p_x(x)=")
    assert f"$\\log\\det J={np.log(det):.1f}$, whatever" in text
    assert f"^2)={fmt(logpz, 3)}$ and $\\log p_x(x)={fmt(logpz, 3)}+{np.log(det):.1f}={fmt(logpz + np.log(det), 3)}$" in text
    # the change-of-variables density integrates to one over the plane
    g1, g2 = np.meshgrid(np.linspace(-8, 8, 801), np.linspace(-40, 40, 2001), indexing="ij")
    zz2 = g2 * np.exp(0.5 * g1) + g1
    dens = np.exp(-np.log(2 * np.pi) - 0.5 * (g1**2 + zz2**2) + 0.5 * g1)
    total = integrate.trapezoid(integrate.trapezoid(dens, g2[0], axis=1), g1[:, 0])
    assert abs(total - 1) < 1e-4
    inv = (z[1] - z[0]) * np.exp(-0.5 * z[0])
    assert states(qid, fmt(inv, 0), near="$x_2=(4.297")


def test_flow_cost():
    qid = "flow-jacobian-determinant"
    d = 32 * 32 * 3
    assert "for a $32\\times32$ colour image" in field(qid, "answer")
    assert states(qid, str(d), near="colour image")
    assert states(qid, f"{d**3 / 1e10:.1f}", near="colour image")
