"""The optimization chapter (content/04-optimization.yaml) and its figures: every stated number
is recomputed here from the problem's inputs and looked for in the sentence that states it."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy.linalg import solve_discrete_lyapunov, solve_sylvester

from bank import QUESTIONS, assert_every_field, assert_well_formed, caption_says, caption_states, field, figure_constant, figure_module, fmt, says, sentences, states

ALL = ("answer", "short_answer", "mistakes", "follow_ups")
IDS = [
    "convexity", "gd-quadratic-rate", "momentum-nesterov", "lagrange-multipliers", "kkt-duality",
    "sgd-convergence-noise-floor", "sgd-as-sde", "linear-scaling-critical-batch", "adam-adamw",
    "newton-natural-gradient", "sharp-flat-edge-of-stability", "implicit-bias-least-squares",
]


def iterations(rho: float, reduction: float = 1e6) -> int:
    """Smallest k with rho^k <= 1/reduction."""
    return math.ceil(math.log(reduction) / -math.log(rho))


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize("qid", IDS)
def test_question_structure(qid):
    q = QUESTIONS[qid]
    assert_every_field(qid)
    assert_well_formed(qid, parts=())
    assert all(t == t.lower() for t in q["topics"])


def test_seed_prompt_is_verbatim():
    assert field("sgd-as-sde", "question").strip() == (
        "Describe how stochastic gradient descent (SGD) with small learning rate can be approximated "
        "by a stochastic differential equation (SDE). Explain under what scaling and assumptions this "
        "holds, how mini-batch noise maps to diffusion (temperature), and the implications for "
        "exploration vs exploitation during training."
    )


# ---------------------------------------------------------------- convexity


def test_convexity_logistic_loss_values():
    q = "convexity"
    loss = lambda w: math.log1p(math.exp(-w))  # noqa: E731
    assert states(q, fmt(loss(0), 3), near="$f(0)=")
    assert states(q, fmt(loss(5), 5), near="$f(5)=")
    assert says(q, "$f(0)=", fmt(loss(0), 3)) and says(q, "$f(5)=", fmt(loss(5), 5))


def test_convexity_two_weight_network():
    q = "convexity"
    f = lambda a, b: (a * b - 1) ** 2  # noqa: E731
    # the two stated minimisers have loss 0, their midpoint the stated loss
    assert f(1, 1) == f(-1, -1) == 0
    assert says(q, "both have loss ", fmt(f(1, 1), 0)) and says(q, "has loss ", fmt(f(0, 0), 0))
    # the Hessian at the origin by finite differences, and its eigenvalues
    h = 1e-4
    fd = np.array([
        [(f(h, 0) - 2 * f(0, 0) + f(-h, 0)) / h**2,
         (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h)],
        [0.0, (f(0, h) - 2 * f(0, 0) + f(0, -h)) / h**2],
    ])
    fd[1, 0] = fd[0, 1]
    entries = np.round(fd).astype(int)
    text = "\\nabla^2 f(0,0)=\\begin{pmatrix}%d&%d\\\\%d&%d\\end{pmatrix}" % tuple(entries.ravel())
    assert text in field(q, "answer")
    lo, hi = np.linalg.eigvalsh(fd)
    assert says(q, "with eigenvalues $", f"+{hi:.0f}") and says(q, "$ and $", f"{lo:.0f}")


# ---------------------------------------------------------------- gradient descent on a quadratic


def test_gd_quadratic_worked_example():
    q = "gd-quadratic-rate"
    mu, L = 1.0, 100.0
    assert says(q, "\\operatorname{diag}(", f"{mu:g},{L:g})") and says(q, "$\\kappa=", fmt(L / mu, 0))
    assert says(q, "so $\\mu=", f"{mu:g}") and says(q, "$L=", f"{L:g}")
    assert says(q, "stability needs $\\eta<", fmt(2 / L, 2))
    assert says(q, "\\eta^\\star=2/", fmt(mu + L, 0)) and states(q, fmt(2 / (mu + L), 4), near="\\eta^\\star=2/")
    rho = (L - mu) / (L + mu)
    assert says(q, "\\rho^\\star=", f"{L - mu:.0f}/{L + mu:.0f}")
    assert says(q, "\\approx", fmt(rho, 4)) and says(q, "-\\ln", fmt(rho, 4))
    assert says(q, "a $10^{-", "6") and says(q, "\\ln(10^", "6")
    assert states(q, str(iterations(rho)), near="reduction of the error takes")
    assert says(q, "$\\eta=1/L=", fmt(1 / L, 2)) and says(q, "$\\rho=", fmt(1 - mu / L, 2))
    assert states(q, str(iterations(1 - mu / L)), near="$\\eta=1/L=")


def test_gd_quadratic_divergent_step():
    q = "gd-quadratic-rate"
    L, eta = 100.0, 0.021
    assert says(q, "With $\\eta=", fmt(eta, 3))
    assert says(q, "$|1-", fmt(eta * L, 1)) and says(q, "|=", fmt(abs(1 - eta * L), 1))
    # simulate: the steep coordinate grows while the shallow one shrinks
    e = np.array([1.0, 1.0])
    for _ in range(50):
        e = e - eta * np.array([1.0, L]) * e
    assert abs(e[1]) > 1 and abs(e[0]) < 1


def test_gd_best_step_minimises_the_rate():
    q = "gd-quadratic-rate"
    mu, L = 1.0, 100.0
    steps = np.linspace(1e-5, 2 / L, 200001)
    rates = np.maximum(abs(1 - steps * mu), abs(1 - steps * L))
    assert states(q, fmt(steps[rates.argmin()], 4), near="\\eta^\\star=2/")


# ---------------------------------------------------------------- momentum


def test_momentum_worked_example():
    q = "momentum-nesterov"
    kappa = 100.0
    s = math.sqrt(kappa)
    assert says(q, "$\\kappa=", fmt(kappa, 0)) and says(q, "a $10^{-", "6")
    gd = (kappa - 1) / (kappa + 1)
    assert says(q, "Best gradient descent: rate ", fmt(gd, 4)) and says(q, "about ", str(iterations(gd)))
    root_beta = (s - 1) / (s + 1)
    num, den = round(s - 1), round(s + 1)
    assert math.isclose(num / den, root_beta)
    assert says(q, "Heavy ball: rate $", f"{num}/{den}")
    assert states(q, fmt(root_beta, 4), near="Heavy ball: rate")
    assert states(q, fmt(root_beta**2, 4), near="\\beta\\approx")
    assert states(q, fmt(4 * kappa / (s + 1) ** 2, 2), near="\\eta\\approx")
    assert says(q, "about ", str(iterations(root_beta)))
    assert says(q, "Nesterov with $\\eta=1/L$: rate ", fmt(1 - 1 / s, 1))
    assert states(q, str(iterations(1 - 1 / s)), near="Nesterov with $\\eta=1/L$: rate")
    assert says(q, "speed-up of about ", fmt(iterations(gd) / iterations(root_beta), 0))
    assert says(q, "and about ", fmt(iterations(gd) / iterations(1 - 1 / s), 0))


def test_momentum_heavy_ball_transient_matches_figure():
    """The figure's measured count for heavy ball, quoted in the answer, recomputed from its spectrum."""
    q = "momentum-nesterov"
    dim, kappa = figure_constant("gd_momentum_quadratics", "DIM"), 100.0
    lam = np.geomspace(1.0, kappa, dim)
    s = math.sqrt(kappa)
    eta, beta = 4 / (math.sqrt(kappa) + 1) ** 2, ((s - 1) / (s + 1)) ** 2
    prev = e = np.ones(dim) / math.sqrt(dim)
    for k in range(1, 1000):
        e, prev = e - eta * lam * e + beta * (e - prev), e
        if np.linalg.norm(e) <= 1e-6:
            break
    assert k > iterations((s - 1) / (s + 1))  # the transient costs extra steps
    assert says(q, "the figure's run needs ", str(k))


def test_momentum_polyak_roots_and_nesterov_double_root():
    q = "momentum-nesterov"
    mu, L = 1.0, 100.0
    kappa, s = L / mu, math.sqrt(L / mu)
    eta = 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    beta = ((s - 1) / (s + 1)) ** 2
    for lam in np.linspace(mu, L, 50):
        roots = np.roots([1, -(1 + beta - eta * lam), beta])
        assert np.allclose(abs(roots), math.sqrt(beta), atol=1e-6)
    # Nesterov with eta = 1/L and beta = (s-1)/(s+1): double root 1 - 1/sqrt(kappa) at mu
    b = (s - 1) / (s + 1)
    roots = np.roots([1, -(1 + b) * (1 - mu / L), b * (1 - mu / L)])
    assert np.allclose(roots, 1 - 1 / s, atol=1e-6)
    assert "(z-(1-1/\\sqrt\\kappa))^2" in field(q, "answer")


def test_momentum_effective_step():
    q = "momentum-nesterov"
    gain = lambda beta: 1 / (1 - beta)  # noqa: E731  step under a constant gradient, in units of eta
    assert states(q, "0.9", near="tenfold effective step") and round(gain(0.9)) == 10
    assert round(gain(0.99) / gain(0.9)) == 10
    assert says(q, "In deep learning $\\beta=", "0.9")
    assert says(q, "Raising $\\beta$ from ", "0.9", fields=("mistakes",))
    assert says(q, "to ", "0.99", fields=("mistakes",)) and states(q, "0.99", near="grows tenfold", fields=("mistakes",))


def test_nesterov_convex_bound_holds_on_a_hard_quadratic():
    """f(x_k) - f* <= 2L||x0-x*||^2/(k+1)^2 with eta = 1/L and beta_k = (k-1)/(k+2)."""
    q = "momentum-nesterov"
    assert "2L\\lVert x_0-x^\\star\\rVert^2/(k+1)^2" in field(q, "answer")
    assert "\\beta_k=(k-1)/(k+2)" in field(q, "answer")
    lam = np.geomspace(1e-4, 1.0, 60)
    x0 = np.ones(lam.size)
    prev = x = x0.copy()
    for k in range(1, 400):
        y = x + (k - 2) / (k + 1) * (x - prev) if k > 1 else x
        x, prev = y - lam * y, x
        assert 0.5 * (lam * x * x).sum() <= 2 * (x0 @ x0) / (k + 1) ** 2


# ---------------------------------------------------------------- Lagrange multipliers


def test_lagrange_pca_example():
    q = "lagrange-multipliers"
    sigma = np.array([[2.0, 1.0], [1.0, 2.0]])
    assert "\\Sigma=\\begin{pmatrix}2&1\\\\1&2\\end{pmatrix}" in field(q, "answer")
    lo, hi = np.linalg.eigvalsh(sigma)
    assert says(q, "The eigenvalues are ", fmt(hi, 0)) and says(q, "and ", fmt(lo, 0))
    assert says(q, "maximum variance is ", fmt(hi, 0))
    # sensitivity: the maximum of w'Sigma w on w'w = c is hi * c, so its derivative in c is hi
    c = np.linspace(0.5, 2, 7)
    slope = np.polyfit(c, [hi * ci for ci in c], 1)[0]
    assert says(q, "the maximum is $", f"{hi:.0f}c") and says(q, "derivative in $c$ is $", f"{slope:.0f}=\\lambda")
    assert says(q, "minimum (value ", fmt(lo, 0))


def test_lagrange_cusp_has_no_multiplier():
    q = "lagrange-multipliers"
    assert "g(x,y)=y^2-x^3=0" in field(q, "answer")
    grad_g = np.array([-3 * 0.0**2, 2 * 0.0])
    grad_f = np.array([1.0, 0.0])
    assert says(q, "there $\\nabla g=(-3x^2,2y)=", "(%d,%d)" % tuple(grad_g.astype(int)))
    assert says(q, "while $\\nabla f=", "(%d,%d)" % tuple(grad_f.astype(int)))


# ---------------------------------------------------------------- KKT


def test_kkt_worked_example():
    q = "kkt-duality"
    lam = np.linspace(0, 4, 40001)
    dual = lam - lam**2 / 4  # inf over x of x^2 + lam (1 - x)
    x = np.linspace(-3, 3, 60001)
    inner = np.min(x[None, ::100] ** 2 + lam[::400, None] * (1 - x[None, ::100]), axis=1)
    assert np.allclose(inner, dual[::400], atol=1e-3)
    assert says(q, "maximised at $\\lambda^\\star=", fmt(lam[dual.argmax()], 0))
    assert says(q, "with $d^\\star=", fmt(dual.max(), 0))
    feasible = x[x >= 1]
    assert says(q, "$x^\\star=", fmt(feasible[np.argmin(feasible**2)], 0)) and says(q, "$p^\\star=", fmt((feasible**2).min(), 0))
    u, h = 0.0, 1e-6
    slope = ((1 - (u + h)) ** 2 - (1 - (u - h)) ** 2) / (2 * h)
    assert says(q, "with slope $", f"{slope:.0f}=-\\lambda^\\star")
    # with x >= -1 the unconstrained minimiser 0 is feasible, so the constraint is slack
    slack = x[x >= -1]
    assert says(q, "the solution $x^\\star=", fmt(abs(slack[np.argmin(slack**2)]), 0))


# ---------------------------------------------------------------- SGD noise floor


def test_noise_floor_bound_and_transient():
    q = "sgd-convergence-noise-floor"
    mu = L = sigma2 = delta0 = 1.0
    assert says(q, "($\\mu=L=", f"{mu:g}") and says(q, "$\\sigma^2=", f"{sigma2:g}") and says(q, "$\\delta_0=", f"{delta0:g}")
    floor = lambda eta: eta * L * sigma2 / (2 * mu)  # noqa: E731
    transient = lambda eta: math.ceil(math.log(floor(eta) / delta0) / math.log(1 - eta * mu))  # noqa: E731
    assert says(q, "With $\\eta=", "0.1") and says(q, "the bound's floor is ", fmt(floor(0.1), 2))
    assert says(q, "the transient $", fmt(1 - 0.1 * mu, 1) + "^k") and says(q, "below it after ", str(transient(0.1)))
    assert says(q, "Halving the step to $\\eta=", "0.05") and says(q, "halves the floor to ", fmt(floor(0.05), 3))
    assert says(q, "now needs ", str(transient(0.05)))


def test_noise_floor_exact_quadratic():
    q = "sgd-convergence-noise-floor"
    exact = lambda eta: eta / (2 * (2 - eta))  # noqa: E731  excess loss with h = sigma^2 = 1
    assert says(q, "which is ", f"{fmt(exact(0.1), 4)} at $\\eta=0.1$") and says(q, "and ", f"{fmt(exact(0.05), 4)} at $\\eta=0.05$")
    assert round((0.1 / 2) / exact(0.1)) == 2 and "loose by about a factor of two" in field(q, "answer")
    rng = np.random.default_rng(0)
    x = np.zeros(20000)
    for _ in range(300):
        x = (1 - 0.1) * x - 0.1 * rng.standard_normal(x.size)
    assert fmt((x**2 / 2).mean(), 3) == fmt(exact(0.1), 3)


def test_noise_floor_decaying_steps_give_one_over_k():
    q = "sgd-convergence-noise-floor"
    assert "$\\eta_k=2/(\\mu(k+k_0))$" in field(q, "answer") and "$\\delta_k=O(1/k)$" in field(q, "answer")
    mu, L, sigma2, k0 = 1.0, 1.0, 1.0, 2
    delta, out = 1.0, []
    for k in range(20000):
        eta = 2 / (mu * (k + k0))
        delta = (1 - eta * mu) * delta + L * eta**2 * sigma2 / 2
        out.append(delta)
    assert out[-1] * 20000 == pytest.approx(out[9999] * 10000, rel=0.01)


# ---------------------------------------------------------------- SGD as an SDE


def test_sde_worked_example():
    q = "sgd-as-sde"
    h, sigma2, batch, eta = 2.0, 4.0, 8, 0.1
    for before, value in (("with $h=", h), ("noise variance $\\sigma^2=", sigma2), ("$B=", batch), ("$\\eta=", eta)):
        assert says(q, before, f"{value:g}")
    temperature = eta * sigma2 / (2 * batch)
    sde = temperature / h
    exact = eta * sigma2 / (batch * h * (2 - eta * h))
    assert says(q, "The SDE gives $T=", fmt(temperature, 3)) and says(q, "(2Bh)=", fmt(sde, 4))
    assert says(q, "(2-\\eta h))=", fmt(exact, 5)) and says(q, "here ", fmt(100 * (exact / sde - 1), 1) + "%")
    small = 0.01
    ratio = (small * sigma2 / (batch * h * (2 - small * h))) / (small * sigma2 / (2 * batch * h))
    assert says(q, "At $\\eta=", fmt(small, 2)) and says(q, "gap is about ", f"{100 * (ratio - 1):.0f}%")


def test_sde_exact_discrete_variance_by_simulation():
    q = "sgd-as-sde"
    h, sigma2, batch, eta = 2.0, 4.0, 8, 0.1
    rng = np.random.default_rng(1)
    theta = np.zeros(40000)
    for _ in range(200):
        noise = np.sqrt(sigma2 / batch) * rng.standard_normal(theta.size)
        theta = (1 - eta * h) * theta - eta * noise
    assert "has variance $\\eta\\sigma^2/(Bh(2-\\eta h))" in field(q, "answer")
    assert theta.var() == pytest.approx(eta * sigma2 / (batch * h * (2 - eta * h)), rel=0.03)


def test_sde_lyapunov_trace_identity():
    q = "sgd-as-sde"
    assert "\\tfrac12\\operatorname{tr}(HS)=\\eta\\operatorname{tr}(\\Sigma)/(4B)" in field(q, "answer")
    rng = np.random.default_rng(2)
    qm, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    H = qm @ np.diag([0.5, 1.0, 3.0]) @ qm.T
    m = rng.standard_normal((3, 3))
    sigma = m @ m.T
    eta, batch = 0.1, 4
    S = solve_sylvester(H, H, (eta / batch) * sigma)
    assert 0.5 * np.trace(H @ S) == pytest.approx(eta * np.trace(sigma) / (4 * batch))


def test_sde_momentum_temperature():
    q = "sgd-as-sde"
    answer = field(q, "answer")
    assert "\\eta/((1-\\beta)B)" in answer and "step $\\eta/(1-\\beta)$" in answer
    h, s2 = 2.0, 4.0 / 8

    def stationary_variance(step, beta):
        A = np.array([[1 + beta - step * h, -beta], [1.0, 0.0]])
        return solve_discrete_lyapunov(A, np.diag([step**2 * s2, 0.0]))[0, 0]

    for eta in (1e-3, 1e-4):
        for beta in (0.5, 0.9):
            assert stationary_variance(eta, beta) == pytest.approx(eta * s2 / (2 * h * (1 - beta)), rel=0.01)
            assert stationary_variance(eta * (1 - beta), beta) == pytest.approx(eta * s2 / (2 * h), rel=0.01)


def test_sde_heavy_tails_contested():
    """At fixed parameters the minibatch gradient takes finitely many values, so its variance is finite,
    whatever the tails of the per-example gradients look like."""
    q = "sgd-as-sde"
    assert "Heavy tails are contested" in field(q, "answer")
    assert says(q, "close to Gaussian for batches of ", "256 and more")
    rng = np.random.default_rng(3)
    per_example = rng.standard_cauchy(12)  # extremely heavy-tailed population
    means = np.array([per_example[list(c)].mean() for c in __import__("itertools").combinations(range(12), 4)])
    assert np.isfinite(means.var()) and means.var() == pytest.approx(per_example.var() / 4 * (12 - 4) / (12 - 1))


def test_sgd_temperature_caption():
    name = "sgd_temperature"
    mod = figure_module(name)
    h, s2 = mod.H_1D, mod.SIGMA2
    assert caption_says(name, "with $h=", f"{h:g}") and caption_says(name, "noise variance $\\sigma^2=", f"{s2:g}")
    assert caption_says(name, "for batch sizes ", "%d, %d and %d" % tuple(mod.BATCHES))
    assert caption_says(name, "$\\eta=0.05$ and $B=", f"{mod.B_2D:g}") and caption_says(name, "from $\\theta_0=", "1")
    hd = np.asarray(mod.H_2D)
    assert "\\operatorname{diag}(%g,%g)" % tuple(hd) in figure_constant(name, "CAPTION")
    assert caption_states(name, f"{mod.RHO_NOISE:g}", near="noise correlation")
    assert caption_states(name, f"{mod.ETA_2D:g}", near="noise correlation")
    sigma = np.array([[1.0, mod.RHO_NOISE], [mod.RHO_NOISE, 1.0]])
    S = solve_sylvester(np.diag(hd), np.diag(hd), mod.ETA_2D / mod.B_2D * sigma)
    corr = S[0, 1] / math.sqrt(S[0, 0] * S[1, 1])
    assert caption_states(name, fmt(corr, 2), near="misses the correlation")
    # the Gibbs guess T H^{-1} with T = eta tr(Sigma)/(2 B d) has the Lyapunov variances
    gibbs = mod.ETA_2D * np.trace(sigma) / (2 * mod.B_2D * 2) / hd
    assert np.allclose(gibbs, np.diag(S)) and "has the right variances" in figure_constant(name, "CAPTION")
    (eta1, b1), (eta2, b2) = mod.TIME_SETTINGS
    assert eta1 / b1 == pytest.approx(eta2 / b2)
    for eta, b in mod.TIME_SETTINGS:
        assert f"$\\eta={eta:g}$, $B={b:g}$" in figure_constant(name, "CAPTION")
    # the larger step relaxes faster per unit time and settles wider; the stability limit is 2/h
    assert (1 - eta2 * h) < math.exp(-h * eta2)
    assert eta2 * s2 / (b2 * h * (2 - eta2 * h)) > eta2 * s2 / (2 * b2 * h)
    assert caption_says(name, "approaches the stability limit ", f"{2 / h:g}")


# ---------------------------------------------------------------- linear scaling and critical batch


def test_critical_batch_worked_example():
    q = "linear-scaling-critical-batch"
    b_noise = 1000.0
    assert says(q, "B_{\\mathrm{noise}}=", fmt(b_noise, 0))
    rows = []
    for batch in (100, 1000, 10000):
        steps, examples = 1 + b_noise / batch, 1 + batch / b_noise
        assert says(q, "$B=", str(batch))
        rows.append((steps, examples))
        assert f"${steps:g}\\,S_{{\\min}}$" in field(q, "answer")
        assert f"${examples:g}\\,E_{{\\min}}$" in field(q, "answer")
    (_, _), (s_knee, e_knee), (s_big, e_big) = rows
    assert states(q, fmt(e_big / e_knee, 1), near="times more data than at the knee")
    assert states(q, fmt(s_knee / s_big, 2), near="times fewer steps")


def test_critical_batch_optimal_step_formula():
    q = "linear-scaling-critical-batch"
    assert "\\epsilon_{\\mathrm{opt}}" in field(q, "answer") or "\\epsilon^\\star" in field(q, "answer")
    rng = np.random.default_rng(3)
    m = rng.standard_normal((4, 4))
    H = m @ m.T + np.eye(4)
    G = rng.standard_normal(4)
    c = rng.standard_normal((4, 4))
    sigma = c @ c.T
    b_noise = np.trace(H @ sigma) / (G @ H @ G)
    eps_max = G @ G / (G @ H @ G)
    for batch in (1, 10, 100):
        eps = np.linspace(0, 2 * eps_max, 200001)
        gain = eps * (G @ G) - eps**2 / 2 * (G @ H @ G + np.trace(H @ sigma) / batch)
        assert eps[gain.argmax()] == pytest.approx(eps_max / (1 + b_noise / batch), rel=1e-4)


# ---------------------------------------------------------------- Adam and AdamW


def test_adam_first_step_and_memory():
    q = "adam-adamw"
    beta1, beta2 = 0.9, 0.999
    assert says(q, "$\\beta_1=", f"{beta1:g}") and says(q, "$\\beta_2=", f"{beta2:g}")
    assert says(q, "1/(1-\\beta_1)=", fmt(1 / (1 - beta1), 0)) and says(q, "over roughly ", fmt(1 / (1 - beta2), 0))
    m1, v1 = 1 - beta1, 1 - beta2  # per unit gradient, after one step from zero
    assert says(q, "$m_1=", f"{m1:g}g_1") and says(q, "$v_1=", f"{v1:g}g_1^2")
    assert says(q, "would be $", f"{m1:g}/\\sqrt{{{v1:g}}}\\approx{fmt(m1 / math.sqrt(v1), 2)}")
    assert says(q, "$\\epsilon=10^{", "-8")
    # with bias correction a constant gradient gives a step of exactly eta
    m = v = 0.0
    for t in range(1, 50):
        m = beta1 * m + (1 - beta1) * (-2.5)
        v = beta2 * v + (1 - beta2) * 6.25
        assert (m / (1 - beta1**t)) / math.sqrt(v / (1 - beta2**t)) == pytest.approx(-1.0)


def test_adam_l2_versus_decoupled():
    q = "adam-adamw"
    rms = (1.0, 0.01)
    assert says(q, "RMS gradients ", f"{rms[0]:g}") and says(q, "and ", f"{rms[1]:g}")
    assert says(q, "the second shrinks ", fmt(rms[0] / rms[1], 0))
    eta, lam = 1e-3, 0.1
    assert says(q, "with $\\eta=10^{", f"{math.log10(eta):.0f}") and says(q, "$\\lambda=", f"{lam:g}")
    assert says(q, "$10^", f"{math.log10(1 / (eta * lam)):.0f}$ steps")


# ---------------------------------------------------------------- Newton and natural gradient


def test_newton_error_squares():
    q = "newton-natural-gradient"
    x, errors = 0.5, []
    for _ in range(5):
        errors.append(1 - x)
        x = x - (1 - 1 / x) / (1 / x**2)
    res = __import__("scipy.optimize", fromlist=["minimize_scalar"]).minimize_scalar(
        lambda x: x - math.log(x), bounds=(0.01, 10), method="bounded", options={"xatol": 1e-10})
    assert says(q, "has its minimum at $x=", fmt(res.x, 0))
    assert says(q, "From $x_0=", fmt(0.5, 1)) and says(q, "the errors are ", fmt(errors[0], 1))
    for e, digits in zip(errors[:4], (1, 2, 4, 4)):
        assert states(q, fmt(e, digits), near="the errors are")
    mantissa, exponent = f"{errors[4]:.1e}".split("e")
    assert says(q, "", f"{mantissa}\\times10^{{{int(exponent)}}}")
    x0 = 2.5
    assert says(q, "From $x_0=", fmt(x0, 1)) and says(q, "lands at $", fmt(2 * x0 - x0**2, 2))
    # convergence exactly for |1 - x0| < 1
    assert says(q, "only for $0<x_0<", "2")
    for x0, ok in ((1.99, True), (2.01, False)):
        x = x0
        for _ in range(60):
            x = 2 * x - x * x if abs(x) < 1e6 else x
        assert (abs(x - 1) < 1e-9) == ok


def test_natural_gradient_gaussian_mean():
    q = "newton-natural-gradient"
    sigma, diff = 0.1, 1.0
    grad, fisher = diff / sigma**2, 1 / sigma**2
    assert says(q, "with $\\sigma=", f"{sigma:g}") and says(q, "the plain gradient is ", fmt(grad / (grad / fisher), 0))
    assert says(q, "needs a ", fmt(grad / (grad / fisher), 0) + " times smaller step")


def test_softmax_hessian_equals_fisher():
    q = "newton-natural-gradient"
    assert "\\operatorname{diag}(p)-pp^\\top" in field(q, "answer")
    rng = np.random.default_rng(5)
    z = rng.standard_normal(4)
    p = np.exp(z) / np.exp(z).sum()
    h = 1e-5
    loss = lambda z, c: -z[c] + np.log(np.exp(z).sum())  # noqa: E731
    hess = np.array([[(loss(z + h * (np.eye(4)[i] + np.eye(4)[j]), 0) - loss(z + h * (np.eye(4)[i] - np.eye(4)[j]), 0)
                       - loss(z - h * (np.eye(4)[i] - np.eye(4)[j]), 0) + loss(z - h * (np.eye(4)[i] + np.eye(4)[j]), 0))
                      / (4 * h * h) for j in range(4)] for i in range(4)])
    fisher = sum(p[c] * np.outer(p - np.eye(4)[c], p - np.eye(4)[c]) for c in range(4))
    assert np.allclose(hess, fisher, atol=1e-5) and np.allclose(fisher, np.diag(p) - np.outer(p, p))


# ---------------------------------------------------------------- sharp and flat minima


def test_rescaled_minimum_sharpness():
    q = "sharp-flat-edge-of-stability"

    def hessian(a, w):
        return np.array([[w * w, 2 * a * w - 1], [2 * a * w - 1, a * a]])

    sharp = {p: np.linalg.eigvalsh(hessian(*p)).max() for p in ((1.0, 1.0), (10.0, 0.1))}
    assert says(q, "At $(1,1)$ the sharpness is ", fmt(sharp[(1.0, 1.0)], 0))
    assert says(q, "at $(10,0.1)$ it is ", fmt(sharp[(10.0, 0.1)], 2))
    assert says(q, "about ", fmt(sharp[(10.0, 0.1)] / sharp[(1.0, 1.0)], 0) + " times larger")
    eta = 0.1
    assert says(q, "With $\\eta=", f"{eta:g}") and says(q, "(threshold ", fmt(2 / eta, 0))
    assert says(q, "can settle at $", "(1,1)") and says(q, "is ejected from $", "(10,0.1)")
    assert max(abs(np.linalg.eigvals(np.eye(2) - eta * hessian(1, 1)))) <= 1
    assert max(abs(np.linalg.eigvals(np.eye(2) - eta * hessian(10, 0.1)))) > 1


def test_momentum_edge_of_stability_threshold():
    q = "sharp-flat-edge-of-stability"
    beta1 = 0.9
    assert says(q, "which is $", f"{(2 + 2 * beta1) / (1 - beta1):.0f}/\\eta$") and says(q, "for $\\beta_1=", f"{beta1:g}")
    eta = 0.01
    crit = (2 + 2 * beta1) / ((1 - beta1) * eta)
    for lam, stable in ((0.99 * crit, True), (1.01 * crit, False)):
        roots = np.roots([1, -(1 + beta1 - eta * (1 - beta1) * lam), beta1])
        assert (abs(roots).max() < 1) == stable


# ---------------------------------------------------------------- implicit bias and double descent


def test_min_norm_example():
    q = "implicit-bias-least-squares"
    x, y = np.array([[1.0, 2.0]]), np.array([5.0])
    assert says(q, "$x=", "(%g,%g)" % tuple(x[0])) and says(q, "$y=", f"{y[0]:g}") and says(q, "w_1+2w_2=", f"{y[0]:g}")

    def gd(w):
        for _ in range(3000):
            w = w - 0.1 * x.T @ (x @ w - y)
        return w

    w = gd(np.zeros(2))
    assert says(q, "\\rVert^2=", "(%g,%g)" % tuple(np.round(w, 6)))
    assert says(q, "$\\sqrt5\\approx", fmt(np.linalg.norm(w), 3))
    w0 = np.array([1.0, 0.0])
    null = np.array([2.0, -1.0]) / math.sqrt(5)
    assert says(q, "is $", "(%g,%g)" % tuple(np.round((w0 @ null) * null, 6)))
    w1 = gd(w0)
    assert says(q, "it converges to $", "(%g,%g)" % tuple(np.round(w1, 6)))
    assert says(q, "with norm ", fmt(np.linalg.norm(w1), 3))


def risk(d: int, n: int = 100, r2: float = 1.0, s2: float = 0.25) -> float:
    """Expected excess risk of the minimum-norm least-squares fit with isotropic Gaussian features."""
    if d < n - 1:
        return s2 * d / (n - d - 1)
    return r2 * (1 - n / d) + s2 * n / (d - n - 1)


@pytest.mark.parametrize("d", [20, 160])
def test_risk_formula_by_simulation(d):
    q = "implicit-bias-least-squares"
    assert "r^2\\Big(1-\\dfrac nd\\Big)+\\sigma^2\\dfrac{n}{d-n-1}" in field(q, "answer")
    n, r2, s2 = 40, 1.0, 0.25
    rng = np.random.default_rng(d)
    out = []
    for _ in range(3000):
        beta = rng.standard_normal(d)
        beta *= math.sqrt(r2) / np.linalg.norm(beta)
        X = rng.standard_normal((n, d))
        yy = X @ beta + math.sqrt(s2) * rng.standard_normal(n)
        out.append(((np.linalg.pinv(X) @ yy - beta) ** 2).sum())
    assert np.mean(out) == pytest.approx(risk(d, n=n, r2=r2, s2=s2), rel=0.06)


def test_double_descent_values():
    q = "implicit-bias-least-squares"
    assert says(q, "With $n=", "100") and says(q, "$r^2=", "1$") and says(q, "$\\sigma^2=", "0.25")
    text = field(q, "answer")
    for d, digits in ((50, 3), (90, 1), (110, 3), (200, 4), (1000, 3)):
        value = fmt(risk(d), digits)
        assert re.search(re.escape(value) + r"\$? at \$d=" + str(d) + r"\$", text), (d, value)


def test_double_descent_second_minimum():
    q = "implicit-bias-least-squares"
    n, r, s = 100, 1.0, 0.5
    g = np.linspace(1.01, 50, 200001)
    limit = r**2 * (1 - 1 / g) + s**2 / (g - 1)
    assert says(q, "here $d\\approx", fmt(n * g[limit.argmin()], 0))
    assert says(q, "2r\\sigma-\\sigma^2=", fmt(limit.min(), 2)) and says(q, "null predictor's $r^2=", fmt(r**2, 0))
    best = min(risk(d) for d in range(n + 2, 20000))
    worse_from = next(d for d in range(1, n) if risk(d) > best)
    assert says(q, "every fit with $d\\le", str(worse_from - 1))


# ---------------------------------------------------------------- figure: gradient descent and momentum


def test_gd_figure_caption():
    name = "gd_momentum_quadratics"
    cap = figure_constant(name, "CAPTION")
    kappa_path = figure_constant(name, "KAPPA_PATH")
    assert f"\\tfrac12(x^2+{kappa_path:g}y^2)" in cap and f"$\\kappa={kappa_path:g}$" in cap
    assert "(%g,%g)" % figure_constant(name, "START") in cap
    dim, kappa, tol = figure_constant(name, "DIM"), figure_constant(name, "KAPPA_CURVE"), figure_constant(name, "TOL")
    assert caption_states(name, str(dim), near="-dimensional quadratics")
    assert caption_says(name, "by a factor $10^", f"{round(-math.log10(tol))}") and caption_says(name, "\\ln(10^", f"{round(-math.log10(tol))}")
    assert caption_says(name, "eigenvalue $\\lambda$, for $\\kappa=", f"{kappa:g}")
    s100 = math.sqrt(kappa)
    assert math.isclose(round(s100 - 1) / round(s100 + 1), (s100 - 1) / (s100 + 1))
    assert caption_says(name, "$\\sqrt\\beta=", f"{round(s100 - 1)}/{round(s100 + 1)}")
    assert caption_states(name, f"{kappa:g}", near="are measured (at $\\kappa=")
    lam = figure_module(name).spectrum(kappa)
    assert np.allclose(lam, np.geomspace(lam[0], kappa, dim)) and caption_says(name, "on a log scale from ", f"{lam[0]:g} to")
    e0 = np.ones(dim) / math.sqrt(dim)
    L, mu, s = kappa, 1.0, math.sqrt(kappa)

    def count(step, beta, nesterov=False):
        prev = e = e0.copy()
        for k in range(1, 5000):
            if nesterov:
                yk = e + beta * (e - prev)
                e, prev = yk - step * lam * yk, e
            else:
                e, prev = e - step * lam * e + beta * (e - prev), e
            if np.linalg.norm(e) <= tol:
                return k
        raise AssertionError("no convergence")

    assert caption_states(name, str(count(2 / (mu + L), 0.0)), near="for GD")
    assert caption_states(name, str(count(4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, ((s - 1) / (s + 1)) ** 2)), near="for heavy ball")
    assert caption_states(name, str(count(1 / L, (s - 1) / (s + 1), nesterov=True)), near="for Nesterov")
    kappas = np.array([1e3, 1e4])
    slope = lambda r: float((np.diff(np.log(np.log(1 / tol) / -np.log(r))) / np.diff(np.log(kappas)))[0])  # noqa: E731
    assert caption_says(name, "GD has slope ", f"{slope((kappas - 1) / (kappas + 1)):.0f} and")
    assert f"slope {slope((np.sqrt(kappas) - 1) / (np.sqrt(kappas) + 1)):.1f}".replace("0.5", "1/2") in cap


# ---------------------------------------------------------------- figure: Lagrange tangency


def test_lagrange_caption():
    name = "lagrange_tangency"
    mod = figure_module(name)
    sigma = np.asarray(mod.SIGMA)
    assert caption_says(name, "having ", f"{sigma[0, 0]:g} on the diagonal and {sigma[0, 1]:g} off it")
    lo, hi = np.linalg.eigvalsh(sigma)
    levels = sorted({round(float(w @ sigma @ w), 6) for w in (np.array([1, 1]) / math.sqrt(2), np.array([1, -1]) / math.sqrt(2), np.array([1.0, 0.0]))})
    assert caption_says(name, "the level sets $f=", "%g$, %g and %g" % tuple(levels))
    assert caption_says(name, "The level set $f=", f"{hi:g}$ touches") and caption_says(name, "The level set $f=", f"{lo:g}$ touches from inside")
    assert caption_says(name, "touches the circle at $\\pm", "(1,1)") and caption_says(name, "from inside at $\\pm", "(1,-1)")
    assert caption_says(name, "At $w=", "(1,0)$ the level set $f=2")
    assert caption_states(name, f"{hi:g}", near="touches the circle at") and "ratio $\\lambda=%g$" % hi in figure_constant(name, "CAPTION")
    assert "with $\\lambda=%g$, the minimum" % lo in figure_constant(name, "CAPTION")
    for w, level in ((np.array([1, 1]) / math.sqrt(2), hi), (np.array([1, -1]) / math.sqrt(2), lo)):
        assert np.allclose(2 * sigma @ w, level * 2 * w)
    cross = np.array([1.0, 0.0])
    assert caption_states(name, f"{cross @ sigma @ cross:g}", near="crosses the circle")
    g = 2 * sigma @ cross
    assert abs(g[0] * 0.0 - g[1] * 2.0) > 1  # not parallel to grad g = (2, 0)
    theta = np.linspace(0, np.pi, 100001)
    f = sigma[0, 0] * np.cos(theta) ** 2 + sigma[1, 1] * np.sin(theta) ** 2 + 2 * sigma[0, 1] * np.sin(theta) * np.cos(theta)
    assert np.allclose(f, 2 + np.sin(2 * theta)) and "=2+\\sin2\\theta" in figure_constant(name, "CAPTION")
    assert caption_states(name, f"{np.degrees(theta[f.argmax()]):.0f}", near="$\\theta=")
    assert caption_states(name, f"{np.degrees(theta[f.argmin()]):.0f}", near="$\\theta=")
    slope = (f[1] - f[0]) / (theta[1] - theta[0])
    assert caption_says(name, "at $\\theta=", "0$ its slope is %.0f" % slope)
