"""Recompute every number stated in the optimization chapter and its figure captions."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest

from bank import QUESTIONS, field, states

FIGURES = Path(__file__).resolve().parents[2] / "figures"
ALL = ("answer", "short_answer", "mistakes", "follow_ups")


def module_constants(name: str) -> dict:
    """CAPTION and the literal module-level constants of a figure module, without importing it."""
    tree = ast.parse((FIGURES / f"{name}.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                value = node.value
                if isinstance(value, ast.Call) and value.args:  # np.array([...])
                    value = value.args[0]
                try:
                    found[target.id] = ast.literal_eval(value)
                except ValueError:
                    pass
    return found


def caption_states(caption: str, number: str) -> bool:
    return re.search(r"(?<![\d.])" + re.escape(number) + r"(?![\d])", caption) is not None


def iterations(rho: float, tol: float = 1e-6) -> int:
    """Smallest k with rho^k <= tol."""
    return math.ceil(math.log(1 / tol) / -math.log(rho))


# ---------------------------------------------------------------- convexity


def test_convexity_logistic_values():
    loss = lambda w: math.log1p(math.exp(-w))  # noqa: E731
    assert f"{loss(0):.3f}" == "0.693"
    assert f"{loss(5):.5f}" == "0.00672"
    assert states("convexity", "0.693") and states("convexity", "0.00672")


def test_convexity_two_weight_network():
    f = lambda a, b: (a * b - 1) ** 2  # noqa: E731
    assert f(1, 1) == 0 and f(-1, -1) == 0 and f(0, 0) == 1
    a, b = 0.0, 0.0
    hess = np.array([[2 * b**2, 4 * a * b - 2], [4 * a * b - 2, 2 * a**2]])
    # finite-difference check of the Hessian formula at a generic point
    a1, b1, h = 0.7, -1.3, 1e-4
    fd = (f(a1 + h, b1 + h) - f(a1 + h, b1 - h) - f(a1 - h, b1 + h) + f(a1 - h, b1 - h)) / (4 * h * h)
    assert abs(fd - (4 * a1 * b1 - 2)) < 1e-5
    assert np.allclose(np.linalg.eigvalsh(hess), [-2, 2])
    assert states("convexity", "+2") or "$+2$" in field("convexity", "answer")
    assert "$-2$" in field("convexity", "answer")


# ---------------------------------------------------------------- gradient descent on a quadratic


def test_gd_quadratic_example():
    mu, L = 1.0, 100.0
    kappa = L / mu
    assert f"{2 / L:.2f}" == "0.02" and states("gd-quadratic-rate", "0.02")
    assert f"{2 / (mu + L):.4f}" == "0.0198" and states("gd-quadratic-rate", "0.0198")
    rho = (kappa - 1) / (kappa + 1)
    assert f"{rho:.4f}" == "0.9802" and states("gd-quadratic-rate", "0.9802")
    assert iterations(rho) == 691 and states("gd-quadratic-rate", "691")
    assert 1 - 1 / kappa == 0.99 and states("gd-quadratic-rate", "0.99")
    assert iterations(0.99) == 1375 and states("gd-quadratic-rate", "1375")
    assert states("gd-quadratic-rate", "0.01")


def test_gd_quadratic_divergence_and_simulation():
    A = np.diag([1.0, 100.0])
    factor = abs(1 - 0.021 * 100)
    assert f"{factor:.1f}" == "1.1" and states("gd-quadratic-rate", "1.1")
    assert states("gd-quadratic-rate", "0.021") and states("gd-quadratic-rate", "2.1")
    # simulate: the best step reaches 1e-6 by step 691 (the bound is attained along both ends)
    eta = 2 / 101
    e = np.array([1.0, 1.0])
    for _ in range(691):
        e = e - eta * A @ e
    assert np.linalg.norm(e) <= 1e-6 * math.sqrt(2)
    e = np.array([1.0, 1.0])
    for _ in range(50):
        e = e - 0.021 * A @ e
    assert abs(e[1]) > 1e1


def test_gd_quadratic_optimal_step_is_best():
    mu, L = 1.0, 100.0
    steps = np.linspace(1e-4, 2 / L - 1e-6, 20001)
    rates = np.maximum(abs(1 - steps * mu), abs(1 - steps * L))
    assert abs(steps[rates.argmin()] - 2 / (mu + L)) < 1e-6


# ---------------------------------------------------------------- momentum


def test_momentum_rates_and_iterations():
    kappa = 100.0
    s = math.sqrt(kappa)
    root_beta = (s - 1) / (s + 1)
    assert root_beta == pytest.approx(9 / 11)
    assert f"{root_beta:.4f}" == "0.8182" and states("momentum-nesterov", "0.8182")
    assert f"{root_beta**2:.4f}" == "0.6694" and states("momentum-nesterov", "0.6694")
    assert f"{4 * kappa / (s + 1) ** 2:.2f}" == "3.31" and states("momentum-nesterov", "3.31")
    assert iterations(root_beta) == 69 and states("momentum-nesterov", "69")
    assert iterations(1 - 1 / s) == 132 and states("momentum-nesterov", "132")
    assert 1 - 1 / s == 0.9 and states("momentum-nesterov", "0.9")
    assert iterations((kappa - 1) / (kappa + 1)) == 691 and states("momentum-nesterov", "691")
    assert states("momentum-nesterov", "0.9802")
    assert "9/11" in field("momentum-nesterov", "answer")
    assert round(691 / 69) == 10 and "factor of about ten" in field("momentum-nesterov", "answer")


def test_momentum_polyak_parameters_make_all_roots_modulus_sqrt_beta():
    mu, L = 1.0, 100.0
    eta = 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    beta = ((math.sqrt(L / mu) - 1) / (math.sqrt(L / mu) + 1)) ** 2
    for lam in np.linspace(mu, L, 50):
        roots = np.roots([1, -(1 + beta - eta * lam), beta])
        assert np.allclose(abs(roots), math.sqrt(beta), atol=1e-6)
    # complex-root interval endpoints coincide with [mu, L]
    assert (1 - math.sqrt(beta)) ** 2 / eta == pytest.approx(mu)
    assert (1 + math.sqrt(beta)) ** 2 / eta == pytest.approx(L)


def test_nesterov_double_root_at_mu():
    kappa = 100.0
    s = math.sqrt(kappa)
    beta = (s - 1) / (s + 1)
    q = 1 / kappa  # eta * mu with eta = 1/L
    roots = np.roots([1, -(1 + beta) * (1 - q), beta * (1 - q)])
    assert np.allclose(roots, 1 - 1 / s, atol=1e-6)


def test_momentum_effective_step():
    assert 1 / (1 - 0.9) == pytest.approx(10)
    assert (1 / (1 - 0.99)) / (1 / (1 - 0.9)) == pytest.approx(10)
    assert "tenfold" in field("momentum-nesterov", "answer")
    assert "tenfold" in field("momentum-nesterov", "mistakes")
    assert states("momentum-nesterov", "0.99", fields=("mistakes",))


# ---------------------------------------------------------------- Lagrange


def test_lagrange_pca_example():
    sigma = np.array([[2.0, 1.0], [1.0, 2.0]])
    vals, vecs = np.linalg.eigh(sigma)
    assert np.allclose(vals, [1, 3])
    w = np.array([1.0, 1.0]) / math.sqrt(2)
    assert np.allclose(sigma @ w, 3 * w) and w @ sigma @ w == pytest.approx(3)
    # sensitivity: max of w'Sigma w on w'w = c is 3c, derivative 3 = lambda
    c = np.linspace(0.5, 2, 7)
    assert np.allclose([np.linalg.eigvalsh(sigma).max() * ci for ci in c], 3 * c)
    answer = field("lagrange-multipliers", "answer")
    assert "$3c$" in answer and "$3=\\lambda$" in answer
    assert states("lagrange-multipliers", "3") and states("lagrange-multipliers", "1")


def test_lagrange_cusp():
    # feasible set of y^2 = x^3 has x >= 0; grad g vanishes at the origin
    y = np.linspace(-2, 2, 101)
    x = np.abs(y) ** (2 / 3)
    assert np.allclose(y**2, x**3) and x.min() == 0
    grad_g = lambda x, y: np.array([-3 * x**2, 2 * y])  # noqa: E731
    assert np.allclose(grad_g(0.0, 0.0), 0)


# ---------------------------------------------------------------- KKT


def test_kkt_example():
    lam = np.linspace(0, 4, 40001)
    q = lam - lam**2 / 4
    assert lam[q.argmax()] == pytest.approx(2) and q.max() == pytest.approx(1)
    x = np.linspace(1, 3, 2001)
    assert (x**2).min() == 1
    # stationarity 2x - lambda = 0 at x = 1, lambda = 2
    assert 2 * 1 - 2 == 0
    u, h = 0.0, 1e-6
    slope = ((1 - (u + h)) ** 2 - (1 - (u - h)) ** 2) / (2 * h)
    assert slope == pytest.approx(-2)
    answer = field("kkt-duality", "answer")
    assert "$\\lambda^\\star=2$" in answer and "$d^\\star=1$" in answer and "$-2=-\\lambda^\\star$" in answer


# ---------------------------------------------------------------- SGD noise floor


def test_noise_floor_bound_and_transient():
    mu = L = 1.0
    sigma2 = 1.0
    floor = lambda eta: eta * L * sigma2 / (2 * mu)  # noqa: E731
    assert floor(0.1) == pytest.approx(0.05) and states("sgd-convergence-noise-floor", "0.05")
    assert floor(0.05) == pytest.approx(0.025) and states("sgd-convergence-noise-floor", "0.025")
    assert math.ceil(math.log(0.05) / math.log(0.9)) == 29
    assert math.ceil(math.log(0.025) / math.log(0.95)) == 72
    assert states("sgd-convergence-noise-floor", "29") and states("sgd-convergence-noise-floor", "72")
    assert states("sgd-convergence-noise-floor", "0.9")


def test_noise_floor_exact_quadratic():
    exact = lambda eta: eta / (2 * (2 - eta))  # noqa: E731  excess loss, h = sigma2 = 1
    assert f"{exact(0.1):.4f}" == "0.0263" and states("sgd-convergence-noise-floor", "0.0263")
    assert f"{exact(0.05):.4f}" == "0.0128" and states("sgd-convergence-noise-floor", "0.0128")
    assert 0.05 / exact(0.1) == pytest.approx(1.9)  # "loose by about a factor of two"
    rng = np.random.default_rng(0)
    x = np.zeros(20000)
    for _ in range(300):
        x = (1 - 0.1) * x - 0.1 * rng.standard_normal(x.size)
    assert (x**2 / 2).mean() == pytest.approx(exact(0.1), rel=0.05)


def test_noise_floor_decaying_steps_give_one_over_k():
    mu, L, sigma2, k0 = 1.0, 1.0, 1.0, 2
    delta, out = 1.0, []
    for k in range(20000):
        eta = 2 / (mu * (k + k0))
        delta = (1 - eta * mu) * delta + L * eta**2 * sigma2 / 2
        out.append(delta)
    # delta_k * k tends to a constant
    assert out[-1] * 20000 == pytest.approx(out[9999] * 10000, rel=0.01)


# ---------------------------------------------------------------- SGD as an SDE


def test_sde_worked_example():
    h, sigma2, batch, eta = 2.0, 4.0, 8, 0.1
    temp = eta * sigma2 / (2 * batch)
    sde = eta * sigma2 / (2 * batch * h)
    exact = eta * sigma2 / (batch * h * (2 - eta * h))
    assert temp == pytest.approx(0.025) and states("sgd-as-sde", "0.025")
    assert sde == pytest.approx(0.0125) and states("sgd-as-sde", "0.0125")
    assert f"{exact:.5f}" == "0.01389" and states("sgd-as-sde", "0.01389")
    assert exact / sde == pytest.approx(1 / (1 - eta * h / 2))
    assert f"{100 * (exact / sde - 1):.1f}" == "11.1" and states("sgd-as-sde", "11.1")
    eta = 0.01
    ratio = (eta * sigma2 / (batch * h * (2 - eta * h))) / (eta * sigma2 / (2 * batch * h))
    assert round(100 * (ratio - 1)) == 1 and states("sgd-as-sde", "0.01")
    assert "about 1%" in field("sgd-as-sde", "answer")


def test_sde_exact_discrete_variance_by_simulation():
    h, sigma2, batch, eta = 2.0, 4.0, 8, 0.1
    rng = np.random.default_rng(1)
    theta = np.zeros(20000)
    for _ in range(200):
        theta = (1 - eta * h) * theta - eta * math.sqrt(sigma2 / batch) * rng.standard_normal(theta.size)
    assert theta.var() == pytest.approx(eta * sigma2 / (batch * h * (2 - eta * h)), rel=0.04)


def test_sde_lyapunov_trace_identity():
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    H = q @ np.diag([0.5, 1.0, 3.0]) @ q.T
    m = rng.standard_normal((3, 3))
    sigma = m @ m.T
    eta, batch = 0.1, 4
    kron = np.kron(np.eye(3), H) + np.kron(H, np.eye(3))
    S = np.linalg.solve(kron, (eta / batch) * sigma.ravel()).reshape(3, 3)
    assert np.allclose(H @ S + S @ H, (eta / batch) * sigma)
    assert 0.5 * np.trace(H @ S) == pytest.approx(eta * np.trace(sigma) / (4 * batch))
    # Sigma = H gives isotropic S = eta / (2B) I
    S_h = np.linalg.solve(kron, (eta / batch) * H.ravel()).reshape(3, 3)
    assert np.allclose(S_h, eta / (2 * batch) * np.eye(3))


def test_sde_seed_prompt_is_verbatim():
    prompt = (
        "Describe how stochastic gradient descent (SGD) with small learning rate can be approximated "
        "by a stochastic differential equation (SDE). Explain under what scaling and assumptions this "
        "holds, how mini-batch noise maps to diffusion (temperature), and the implications for "
        "exploration vs exploitation during training."
    )
    assert QUESTIONS["sgd-as-sde"]["question"].strip() == prompt
    assert QUESTIONS["sgd-as-sde"]["difficulty"] == "medium"


def test_sde_momentum_temperature():
    from scipy.linalg import solve_discrete_lyapunov

    h, s2 = 2.0, 4.0 / 8

    def stationary_variance(step, beta):
        # x_{k+1} = (1 + beta - step h) x_k - beta x_{k-1} - step xi, Var xi = s2
        A = np.array([[1 + beta - step * h, -beta], [1.0, 0.0]])
        return solve_discrete_lyapunov(A, np.diag([step**2 * s2, 0.0]))[0, 0]

    for eta in (1e-3, 1e-4):
        for beta in (0.5, 0.9):
            heavy = stationary_variance(eta, beta)
            averaged = stationary_variance(eta * (1 - beta), beta)
            assert heavy == pytest.approx(eta * s2 / (2 * h * (1 - beta)), rel=0.01)
            assert averaged == pytest.approx(eta * s2 / (2 * h), rel=0.01)
    answer = field("sgd-as-sde", "answer")
    assert "\\eta/((1-\\beta)B)" in answer and "\\eta/(1-\\beta)" in answer


# ---------------------------------------------------------------- linear scaling and critical batch


def test_critical_batch_table():
    b_noise = 1000.0
    for batch, steps, examples in ((100, "11", "1.1"), (1000, "2", "2"), (10000, "1.1", "11")):
        s = 1 + b_noise / batch
        e = 1 + batch / b_noise
        assert f"{s:g}" == steps and f"{e:g}" == examples
        assert (s - 1) * (e - 1) == pytest.approx(1)
    text = field("linear-scaling-critical-batch", "answer")
    assert "$11\\,S_{\\min}$" in text and "$1.1\\,E_{\\min}$" in text
    assert "$2\\,S_{\\min}$" in text and "$1.1\\,S_{\\min}$" in text and "$11\\,E_{\\min}$" in text
    assert f"{11 / 2:.1f}" == "5.5" and states("linear-scaling-critical-batch", "5.5")
    assert f"{2 / 1.1:.2f}" == "1.82" and states("linear-scaling-critical-batch", "1.82")


def test_critical_batch_optimal_step_formula():
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
        assert gain.max() == pytest.approx(0.5 * eps_max * (G @ G) / (1 + b_noise / batch), rel=1e-6)


def test_gradient_norm_identity():
    rng = np.random.default_rng(4)
    per_example = rng.standard_normal((200, 3)) + np.array([1.0, -2.0, 0.5])
    G = per_example.mean(axis=0)
    tr_sigma = np.trace(np.cov(per_example.T, bias=True))
    batch = 5
    idx = rng.integers(0, 200, size=(200000, batch))
    norms = (per_example[idx].mean(axis=1) ** 2).sum(axis=1)
    assert norms.mean() == pytest.approx(G @ G + tr_sigma / batch, rel=0.01)


# ---------------------------------------------------------------- Adam


def test_adam_bias_correction_first_step():
    beta1, beta2 = 0.9, 0.999
    g = 0.37
    m1, v1 = (1 - beta1) * g, (1 - beta2) * g**2
    assert m1 == pytest.approx(0.1 * g) and v1 == pytest.approx(0.001 * g**2)
    ratio = m1 / math.sqrt(v1)
    assert f"{ratio:.2f}" == "3.16" and states("adam-adamw", "3.16")
    assert (m1 / (1 - beta1)) / math.sqrt(v1 / (1 - beta2)) == pytest.approx(1.0)
    for n in ("0.9", "0.999", "0.1", "0.001"):
        assert states("adam-adamw", n)


def test_adam_memory_and_decay_scales():
    assert 1 / (1 - 0.9) == pytest.approx(10) and states("adam-adamw", "10")
    assert 1 / (1 - 0.999) == pytest.approx(1000) and states("adam-adamw", "1000")
    assert 1 / 0.01 == 100 and states("adam-adamw", "100") and states("adam-adamw", "0.01")
    assert 1 / (1e-3 * 0.1) == pytest.approx(1e4)
    answer = field("adam-adamw", "answer")
    assert "$10^4$" in answer and "$\\eta=10^{-3}$" in answer and "$\\lambda=0.1$" in answer
    assert "10^{-8}" in answer


def test_adam_constant_gradient_step_is_eta():
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    m = v = 0.0
    for t in range(1, 50):
        g = -2.5
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        step = (m / (1 - beta1**t)) / (math.sqrt(v / (1 - beta2**t)) + eps)
        assert step == pytest.approx(-1.0, rel=1e-6)


# ---------------------------------------------------------------- Newton and natural gradient


def test_newton_error_squares():
    x, errors = 0.5, []
    for _ in range(5):
        errors.append(1 - x)
        x = x - (1 - 1 / x) / (1 / x**2)
    assert np.allclose(errors, [0.5, 0.25, 0.0625, 0.00390625, 0.0000152587890625])
    for n in ("0.5", "0.25", "0.0625", "0.0039"):
        assert states("newton-natural-gradient", n)
    assert f"{errors[4]:.1e}" == "1.5e-05"
    assert "1.5\\times10^{-5}" in field("newton-natural-gradient", "answer")
    x0 = 2.5
    assert 2 * x0 - x0**2 == -1.25 and states("newton-natural-gradient", "1.25")
    # convergence region 0 < x0 < 2: |1 - x0| < 1
    assert all(abs(1 - x0) < 1 for x0 in np.linspace(0.01, 1.99, 50))


def test_natural_gradient_gaussian_mean():
    sigma, diff = 0.1, 1.0
    grad = diff / sigma**2
    fisher = 1 / sigma**2
    assert grad / (grad / fisher) == pytest.approx(100)
    assert states("newton-natural-gradient", "100") and states("newton-natural-gradient", "0.1")


def test_softmax_hessian_equals_fisher():
    rng = np.random.default_rng(5)
    z = rng.standard_normal(4)
    p = np.exp(z) / np.exp(z).sum()
    hess = np.diag(p) - np.outer(p, p)
    fisher = sum(p[c] * np.outer(p - np.eye(4)[c], p - np.eye(4)[c]) for c in range(4))
    assert np.allclose(hess, fisher)


# ---------------------------------------------------------------- sharp and flat minima


def test_rescaled_minimum_sharpness():
    def hessian(a, w):
        return np.array([[w * w, 2 * a * w - 1], [2 * a * w - 1, a * a]])

    for a, w, sharp in ((1.0, 1.0, 2.0), (10.0, 0.1, 100.01)):
        eig = np.linalg.eigvalsh(hessian(a, w))
        assert eig.max() == pytest.approx(sharp) and eig.min() == pytest.approx(0, abs=1e-12)
    assert states("sharp-flat-edge-of-stability", "100.01")
    assert round(100.01 / 2) == 50 and states("sharp-flat-edge-of-stability", "50")
    assert 2 / 0.1 == 20 and states("sharp-flat-edge-of-stability", "20")
    # GD with eta = 0.1 is stable at sharpness 2, unstable at 100.01
    assert abs(1 - 0.1 * 2) < 1 and abs(1 - 0.1 * 100.01) > 1


def test_momentum_edge_of_stability_threshold():
    beta1 = 0.9
    assert (2 + 2 * beta1) / (1 - beta1) == pytest.approx(38)
    answer = field("sharp-flat-edge-of-stability", "answer")
    assert "38/\\eta" in answer and "(2+2\\beta)/\\eta" in answer
    # heavy ball without averaging: root -1 exactly at eta * lam = 2 + 2 beta
    assert np.allclose(np.polyval([1, -(1 + beta1 - (2 + 2 * beta1)), beta1], -1.0), 0)
    # heavy ball in averaged form: eta_eff = eta * (1 - beta1); largest stable curvature
    eta = 0.01
    eta_eff, lam_crit = eta * (1 - beta1), 38 / eta
    for lam, stable in ((0.99 * lam_crit, True), (1.01 * lam_crit, False)):
        roots = np.roots([1, -(1 + beta1 - eta_eff * lam), beta1])
        assert (abs(roots).max() < 1) == stable


# ---------------------------------------------------------------- implicit bias and double descent


def test_min_norm_example():
    x = np.array([[1.0, 2.0]])
    y = np.array([5.0])
    w = np.linalg.pinv(x) @ y
    assert np.allclose(w, [1, 2])
    assert f"{np.linalg.norm(w):.3f}" == "2.236" and states("implicit-bias-least-squares", "2.236")
    w0 = np.array([1.0, 0.0])
    null = np.array([2.0, -1.0]) / math.sqrt(5)
    assert np.allclose((w0 @ null) * null, [0.8, -0.4])
    # gradient descent from w0
    w_gd = w0.copy()
    for _ in range(2000):
        w_gd -= 0.1 * x.T @ (x @ w_gd - y)
    assert np.allclose(w_gd, [1.8, 1.6])
    assert f"{np.linalg.norm(w_gd):.3f}" == "2.408" and states("implicit-bias-least-squares", "2.408")
    answer = field("implicit-bias-least-squares", "answer")
    assert "$(0.8,-0.4)$" in answer and "$(1.8,1.6)$" in answer and "=(1,2)$" in answer
    w_gd0 = np.zeros(2)
    for _ in range(2000):
        w_gd0 -= 0.1 * x.T @ (x @ w_gd0 - y)
    assert np.allclose(w_gd0, [1, 2])


def risk(d: int, n: int = 100, r2: float = 1.0, s2: float = 0.25) -> float:
    if d < n - 1:
        return s2 * d / (n - d - 1)
    return r2 * (1 - n / d) + s2 * n / (d - n - 1)


def test_double_descent_values():
    expected = {50: "0.255", 90: "2.5", 110: "2.869", 200: "0.7525", 1000: "0.928"}
    for d, text in expected.items():
        decimals = len(text.split(".")[1])
        assert f"{risk(d):.{decimals}f}" == text
        assert states("implicit-bias-least-squares", text)
        assert states("implicit-bias-least-squares", str(d))


def test_double_descent_second_minimum():
    n, r, s = 100, 1.0, 0.5
    # large-n limit: r^2 (1 - 1/g) + s^2 / (g - 1) is smallest at g = r / (r - s), value 2 r s - s^2
    g = np.linspace(1.01, 50, 200001)
    limit = r**2 * (1 - 1 / g) + s**2 / (g - 1)
    assert g[limit.argmin()] == pytest.approx(r / (r - s), abs=1e-3) and r / (r - s) == 2
    assert limit.min() == pytest.approx(2 * r * s - s**2) and 2 * r * s - s**2 == 0.75
    # finite n: the over-parameterised minimum is near d = 200, and beats exactly the fits with d >= 75
    best, d_best = min((risk(d), d) for d in range(n + 2, 20000))
    assert abs(d_best - 200) <= 3 and best == pytest.approx(0.7525, abs=1e-3)
    assert risk(74) < best < risk(75)
    assert risk(1) < best and r**2 > best  # beaten by small d, beats the null predictor
    answer = field("implicit-bias-least-squares", "answer")
    assert "$d\\le74$" in answer and "=0.75$" in answer and "$r^2=1$" in answer
    assert "d\\approx200" in answer


def test_double_descent_misspecified_minimum_past_threshold():
    # fixed task: beta spread evenly over D features, fit with the first d; omitted signal acts as noise
    n, D, r2, s2 = 100, 1000, 1.0, 0.05

    def risk_mis(d):
        missing = r2 * (1 - d / D)
        noise = s2 + missing
        if d < n - 1:
            return missing + noise * d / (n - d - 1)
        return missing + r2 * d / D * (1 - n / d) + noise * n / (d - n - 1)

    under = min(risk_mis(d) for d in range(1, n - 1))
    over = min(risk_mis(d) for d in range(n + 2, D + 1))
    assert over < under


@pytest.mark.parametrize("d", [20, 160])
def test_double_descent_formula_by_simulation(d):
    n, r2, s2 = 40, 1.0, 0.25
    rng = np.random.default_rng(d)
    out = []
    for _ in range(3000):
        beta = rng.standard_normal(d)
        beta *= math.sqrt(r2) / np.linalg.norm(beta)
        X = rng.standard_normal((n, d))
        y = X @ beta + math.sqrt(s2) * rng.standard_normal(n)
        out.append(((np.linalg.pinv(X) @ y - beta) ** 2).sum())
    assert np.mean(out) == pytest.approx(risk(d, n=n, r2=r2, s2=s2), rel=0.06)


# ---------------------------------------------------------------- figure captions


def test_gd_figure_caption():
    const = module_constants("gd_momentum_quadratics")
    cap = const["CAPTION"]
    assert const["KAPPA_PATH"] == 10 and "x^2+10y^2" in cap and "$\\kappa=10$" in cap
    assert const["START"] == (-1.0, 0.3) and "(-1,0.3)" in cap
    assert const["DIM"] == 20 and caption_states(cap, "20")
    assert const["KAPPA_CURVE"] == 100 and "$\\kappa=100$" in cap
    assert const["TOL"] == 1e-6 and "10^6" in cap
    # measured iteration counts at kappa = 100, recomputed independently
    lam = np.geomspace(1.0, 100.0, 20)
    e0 = np.ones(20) / math.sqrt(20)
    L, mu = 100.0, 1.0
    s = 10.0

    def count(step, beta, nesterov=False):
        prev = e = e0.copy()
        for k in range(1, 5000):
            if nesterov:
                y = e + beta * (e - prev)
                e, prev = y - step * lam * y, e
            else:
                e, prev = e - step * lam * e + beta * (e - prev), e
            if np.linalg.norm(e) <= 1e-6:
                return k
        raise AssertionError

    assert count(2 / (mu + L), 0.0) == 634 and caption_states(cap, "634")
    assert count(4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, ((s - 1) / (s + 1)) ** 2) == 87
    assert count(1 / L, (s - 1) / (s + 1), nesterov=True) == 143
    assert caption_states(cap, "87") and caption_states(cap, "143")
    assert "9/11" in cap and (s - 1) / (s + 1) == pytest.approx(9 / 11)
    # slopes 1 and 1/2 of the predicted iteration counts on log-log axes
    kappas = np.array([1e3, 1e4])
    slope = lambda r: np.diff(np.log(np.log(1e6) / -np.log(r))) / np.diff(np.log(kappas))  # noqa: E731
    assert slope((kappas - 1) / (kappas + 1))[0] == pytest.approx(1, abs=0.01)
    assert slope((np.sqrt(kappas) - 1) / (np.sqrt(kappas) + 1))[0] == pytest.approx(0.5, abs=0.01)
    assert "slope 1 and" in cap and "slope 1/2" in cap


def test_sgd_temperature_caption():
    const = module_constants("sgd_temperature")
    cap = const["CAPTION"]
    assert const["H_1D"] == 1 and const["SIGMA2"] == 1 and "$h=1$" in cap and "$\\sigma^2=1$" in cap
    assert const["BATCHES"] == (1, 4, 16) and "batch sizes 1, 4 and 16" in cap
    assert const["RHO_NOISE"] == 0.9 and "correlation 0.9" in cap
    assert const["ETA_2D"] == 0.05 and const["B_2D"] == 1 and "$\\eta=0.05$ and $B=1$" in cap
    assert "diag}(2,0.5)" in cap
    h = np.array([2.0, 0.5])
    sigma = np.array([[1.0, 0.9], [0.9, 1.0]])
    S = 0.05 * sigma / (h[:, None] + h[None, :])
    assert np.allclose(np.diag(h) @ S + S @ np.diag(h), 0.05 * sigma)
    corr = S[0, 1] / math.sqrt(S[0, 0] * S[1, 1])
    assert f"{corr:.2f}" == "0.72" and caption_states(cap, "0.72")
    gibbs = 0.05 * 1.0 / 2 * np.diag(1 / h)
    assert np.allclose(np.diag(gibbs), np.diag(S))  # "right variances"
    assert const["TIME_SETTINGS"] == ((0.1, 1), (0.4, 4))
    assert "$\\eta=0.1$, $B=1$" in cap and "$\\eta=0.4$, $B=4$" in cap
    assert 0.1 / 1 == pytest.approx(0.4 / 4)
    # the large step relaxes faster per unit time and settles wider
    assert (1 - 0.4) ** 1 < math.exp(-0.4)
    assert 0.4 / (4 * (2 - 0.4)) > 0.4 / (2 * 4)
    assert "stability limit 2" in cap


def test_lagrange_caption():
    const = module_constants("lagrange_tangency")
    cap = const["CAPTION"]
    sigma = np.array([[2.0, 1.0], [1.0, 2.0]])
    assert np.allclose(const["SIGMA"], sigma)
    assert "2 on the diagonal and 1 off it" in cap
    vals = np.linalg.eigvalsh(sigma)
    assert np.allclose(vals, [1, 3]) and "$\\lambda=3$" in cap and "$\\lambda=1$" in cap
    for w, level in ((np.array([1, 1]) / math.sqrt(2), 3), (np.array([1, -1]) / math.sqrt(2), 1),
                     (np.array([1.0, 0.0]), 2)):
        assert w @ sigma @ w == pytest.approx(level)
    # gradients parallel at tangency, not at (1, 0)
    cross = lambda a, b: a[0] * b[1] - a[1] * b[0]  # noqa: E731
    w = np.array([1, 1]) / math.sqrt(2)
    assert cross(2 * sigma @ w, 2 * w) == pytest.approx(0)
    assert np.allclose(2 * sigma @ w, 3 * 2 * w)
    assert abs(cross(2 * sigma @ np.array([1.0, 0.0]), np.array([2.0, 0.0]))) > 1
    theta = np.linspace(0, np.pi, 100001)
    f = 2 * np.cos(theta) ** 2 + 2 * np.sin(theta) ** 2 + 2 * np.sin(theta) * np.cos(theta)
    assert np.allclose(f, 2 + np.sin(2 * theta))
    assert np.degrees(theta[f.argmax()]) == pytest.approx(45, abs=0.01)
    assert np.degrees(theta[f.argmin()]) == pytest.approx(135, abs=0.01)
    assert "45^\\circ" in cap and "135^\\circ" in cap
    assert (f[1] - f[0]) / (theta[1] - theta[0]) == pytest.approx(2, rel=1e-3)
    assert "slope is 2" in cap


# ---------------------------------------------------------------- structure


def test_chapter_structure():
    order = ["convexity", "gd-quadratic-rate", "momentum-nesterov", "lagrange-multipliers",
             "kkt-duality", "sgd-convergence-noise-floor", "sgd-as-sde",
             "linear-scaling-critical-batch", "adam-adamw", "newton-natural-gradient",
             "sharp-flat-edge-of-stability", "implicit-bias-least-squares"]
    import yaml

    path = Path(__file__).resolve().parents[2] / "content" / "04-optimization.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["id"] == "optimization"
    assert [q["id"] for q in data["questions"]] == order
    levels = {q["id"]: q["difficulty"] for q in data["questions"]}
    assert [levels[i] for i in order] == ["easy", "medium", "medium", "easy", "medium", "medium",
                                          "medium", "medium", "medium", "hard", "hard", "hard"]
    for q in data["questions"]:
        assert len(q["short_answer"].split()) <= 70, q["id"]
        assert 250 <= len(q["answer"].split()) <= 700, q["id"]
