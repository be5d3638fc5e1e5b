"""Recompute every number stated in the deeper probability questions and their figure."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from bank import PARTS, QUESTIONS, assert_well_formed, caption_states, field, figure_module, fmt, states

IDS = [
    "gaussian-conditioning-schur",
    "exponential-family-conjugacy",
    "jensen-inequality-ml",
    "simpson-paradox-confounding",
    "markov-chain-stationary",
    "mixture-latent-variable",
    "gaussian-sums-products",
    "reparameterisation-trick",
]


def test_structure_and_word_limits():
    for qid in IDS:
        assert qid in QUESTIONS, qid
        q = QUESTIONS[qid]
        assert_well_formed(qid, parts=(r"\textbf{Intuition.}", *PARTS))
    assert sum(QUESTIONS[q]["difficulty"] == "hard" for q in IDS) >= 1


# --------------------------------------------------------------------------- gaussian conditioning

MEAN = np.array([0.0, 1.0])
COV = np.array([[1.0, 1.5], [1.5, 4.0]])


def test_gaussian_conditional_by_schur_and_precision():
    qid = "gaussian-conditioning-schur"
    x = 1.5
    slope = COV[1, 0] / COV[0, 0]
    mean = MEAN[1] + slope * (x - MEAN[0])
    var = COV[1, 1] - COV[1, 0] ** 2 / COV[0, 0]
    rho = COV[0, 1] / math.sqrt(COV[0, 0] * COV[1, 1])
    # precision route agrees
    prec = np.linalg.inv(COV)
    assert math.isclose(1 / prec[1, 1], var)
    assert math.isclose(MEAN[1] - prec[1, 0] / prec[1, 1] * (x - MEAN[0]), mean)
    # Monte Carlo: the slice of samples near x has this mean and variance
    rng = np.random.default_rng(0)
    s = rng.multivariate_normal(MEAN, COV, size=2_000_000)
    near = s[np.abs(s[:, 0] - x) < 0.02, 1]
    assert abs(near.mean() - mean) < 0.05 and abs(near.var() - var) < 0.1
    assert states(qid, fmt(rho, 2), near="correlation")
    assert states(qid, fmt(slope, 1), near="The slope is")
    assert states(qid, fmt(mean, 2), near=r"\mathbb{E}[y\mid x=1.5]")
    assert states(qid, fmt(var, 2), near="conditional variance is")
    assert states(qid, fmt(math.sqrt(var), 2), near="standard deviation")
    assert states(qid, fmt(math.sqrt(COV[1, 1]), 0), near="against")


def test_gaussian_conditioning_figure():
    mod = figure_module("gaussian_conditioning")
    m, v = mod.conditional(1.5)
    assert math.isclose(m, MEAN[1] + COV[0, 1] / COV[0, 0] * 1.5)
    assert np.allclose(mod.COV, COV) and np.allclose(mod.MEAN, MEAN)
    rho = COV[0, 1] / math.sqrt(COV[0, 0] * COV[1, 1])
    assert math.isclose(v, COV[1, 1] * (1 - rho**2))
    name = "gaussian_conditioning"
    assert caption_states(name, fmt(m, 2), near="conditional")
    assert caption_states(name, fmt(v, 2), near="conditional")
    assert caption_states(name, fmt(rho, 2), near=r"\rho")
    assert caption_states(name, fmt(COV[0, 1], 1), near="covariance")
    assert caption_states(name, fmt(COV[0, 1] / COV[0, 0], 1), near=r"\mathbb{E}[y\mid x]")
    # the density integrates to one on the grid used
    xs, ys = np.meshgrid(np.linspace(-8, 8, 401), np.linspace(-12, 14, 401))
    total = mod.joint_density(xs, ys).sum() * (16 / 400) * (26 / 400)
    assert abs(total - 1) < 1e-3


# --------------------------------------------------------------------------- exponential family


def test_poisson_gamma_update():
    qid = "exponential-family-conjugacy"
    counts = np.array([3, 5, 4])
    a0, b0 = 2, 1
    a, b = a0 + counts.sum(), b0 + len(counts)
    # posterior by quadrature equals Gamma(a, b)
    lam = np.linspace(1e-6, 20, 200001)
    post = stats.gamma.pdf(lam, a0, scale=1 / b0) * np.prod([stats.poisson.pmf(c, lam) for c in counts], axis=0)
    post /= np.trapezoid(post, lam)
    assert abs(np.trapezoid(lam * post, lam) - a / b) < 1e-6
    assert states(qid, f"\\mathrm{{Gamma}}({a}, {b})", near="posterior is")
    assert states(qid, fmt(a / b, 1), near="with mean")
    assert states(qid, str(int(counts.sum() / len(counts))), near="the MLE")
    assert states(qid, str(int(a0 / b0)), near="prior mean")
    assert states(qid, str(counts.sum()), near="its sum")
    assert states(qid, str(len(counts)), near="its size")


# --------------------------------------------------------------------------- jensen


def test_jensen_gap():
    qid = "jensen-inequality-ml"
    x = np.array([1.0, 4.0])
    log_mean, mean_log = math.log(x.mean()), np.log(x).mean()
    assert states(qid, fmt(x.mean(), 1), near=r"\log\mathbb{E}X = \ln")
    assert states(qid, fmt(log_mean, 3), near=r"\log\mathbb{E}X = \ln")
    assert states(qid, fmt(mean_log, 3), near=r"\mathbb{E}\log X")
    assert states(qid, fmt(log_mean - mean_log, 3), near="Jensen gap")
    # two-sample importance-weighted bound: average two independent draws inside the log
    iw2 = np.mean([math.log((a + b) / 2) for a in x for b in x])
    assert states(qid, fmt(iw2, 3), near="two-sample importance-weighted bound")
    assert math.isclose(log_mean - iw2, (log_mean - mean_log) / 2)
    assert states(qid, "half", near="two-sample importance-weighted bound")
    rng = np.random.default_rng(12)
    w = rng.choice(x, size=(2, 400_000))
    assert abs(np.log(w.mean(0)).mean() - iw2) < 0.005


# --------------------------------------------------------------------------- simpson


def test_kidney_stones():
    qid = "simpson-paradox-confounding"
    a = {"small": (81, 87), "large": (192, 263)}
    b = {"small": (234, 270), "large": (55, 80)}
    for group in (a, b):
        for cured, total in group.values():
            assert states(qid, f"{cured} of {total}", near="cured")
            assert states(qid, fmt(100 * cured / total, 1) + "%", near="cured")
    ta = sum(c for c, _ in a.values()), sum(n for _, n in a.values())
    tb = sum(c for c, _ in b.values()), sum(n for _, n in b.values())
    assert states(qid, f"{ta[0]} of {ta[1]}", near="overall")
    assert states(qid, f"{tb[0]} of {tb[1]}", near="overall")
    assert states(qid, fmt(100 * ta[0] / ta[1], 1) + "%", near="overall")
    assert states(qid, fmt(100 * tb[0] / tb[1], 1) + "%", near="overall")
    # the reversal really happens
    assert all(a[g][0] / a[g][1] > b[g][0] / b[g][1] for g in a) and ta[0] / ta[1] < tb[0] / tb[1]
    n_small = a["small"][1] + b["small"][1]
    n = ta[1] + tb[1]
    p_small = n_small / n
    assert states(qid, f"{n_small} of {n}", near="Small stones")
    assert states(qid, fmt(p_small, 2), near="Small stones")
    adj_a = a["small"][0] / a["small"][1] * p_small + a["large"][0] / a["large"][1] * (1 - p_small)
    adj_b = b["small"][0] / b["small"][1] * p_small + b["large"][0] / b["large"][1] * (1 - p_small)
    assert states(qid, fmt(adj_a, 3), near=r"\operatorname{do}(A)")
    assert states(qid, fmt(adj_b, 3), near="for B")
    assert states(qid, fmt(1 - p_small, 2), near=r"\operatorname{do}(A)")
    assert states(qid, fmt(a["small"][0] / a["small"][1], 3), near=r"\operatorname{do}(A)")
    assert states(qid, fmt(a["large"][0] / a["large"][1], 3), near=r"\operatorname{do}(A)")
    assert states(qid, str(round(100 * (adj_a - adj_b))), near="better by")


# --------------------------------------------------------------------------- markov chains


def test_two_state_chain():
    qid = "markov-chain-stationary"
    P = np.array([[0.9, 0.1], [0.5, 0.5]])
    w, V = np.linalg.eig(P.T)
    pi = np.real(V[:, np.argmax(np.real(w))])
    pi /= pi.sum()
    lam2 = sorted(np.abs(w))[0]
    assert states(qid, fmt(pi[0], 3), near=r"\pi = (5/6, 1/6)")
    assert states(qid, fmt(pi[1], 3), near=r"\pi = (5/6, 1/6)")
    assert math.isclose(pi[0], 5 / 6) and math.isclose(pi[1], 1 / 6)
    assert states(qid, fmt(lam2, 1), near="eigenvalues of $P$")
    assert states(qid, fmt(lam2, 1), near="factor")
    # distance after t steps from a point mass, relative to the start
    p0 = np.array([0.0, 1.0])
    d0 = np.abs(p0 - pi).sum()
    d5 = np.abs(p0 @ np.linalg.matrix_power(P, 5) - pi).sum()
    d10 = np.abs(p0 @ np.linalg.matrix_power(P, 10) - pi).sum()
    assert states(qid, fmt(d5 / d0, 4), near="after 5 steps")
    assert states(qid, "10^{-4}", near="after 10 steps") and 0.5e-4 < d10 / d0 < 5e-4
    # simulate the chain
    rng = np.random.default_rng(1)
    s, visits = 0, np.zeros(2)
    for u in rng.random(200_000):
        s = 0 if u < P[s, 0] else 1
        visits[s] += 1
    assert abs(visits[0] / visits.sum() - pi[0]) < 0.01


def test_markov_existence_and_reducible_chains():
    qid = "markov-chain-stationary"
    # a reducible chain with one closed class still converges from every start
    P = np.array([[1.0, 0.0], [0.5, 0.5]])
    for p0 in (np.array([1.0, 0.0]), np.array([0.0, 1.0])):
        assert np.allclose(p0 @ np.linalg.matrix_power(P, 60), [1.0, 0.0])
    assert _says(qid, "reducible chains with two or more closed classes, have no single limit")
    # two closed classes: the limit depends on the start
    P2 = np.eye(2)
    assert not np.allclose(np.array([1.0, 0.0]) @ P2, np.array([0.0, 1.0]) @ P2)
    # time averages of any finite chain are (asymptotically) fixed by P
    rng = np.random.default_rng(13)
    P3 = rng.dirichlet(np.ones(4), size=4)
    P3[0] = [1, 0, 0, 0]
    p, avg = np.array([0.0, 0.0, 0.0, 1.0]), np.zeros(4)
    for _ in range(5000):
        avg += p / 5000
        p = p @ P3
    assert np.abs(avg @ P3 - avg).max() < 1e-3
    assert _says(qid, "every finite chain has at least one stationary distribution")
    assert _says(qid, "if and only if it is positive recurrent")


# --------------------------------------------------------------------------- mixtures


def test_mixture_responsibility_and_moments():
    qid = "mixture-latent-variable"
    w, mus = np.array([0.3, 0.7]), np.array([0.0, 3.0])
    lik = w * stats.norm.pdf(1.0, mus, 1.0)
    r = lik[0] / lik.sum()
    assert states(qid, fmt(r, 3), near="responsibility of the first component")
    mean = (w * mus).sum()
    var = 1 + (w * (mus - mean) ** 2).sum()
    rng = np.random.default_rng(2)
    z = rng.random(1_000_000) < w[1]
    x = np.where(z, 3.0, 0.0) + rng.standard_normal(z.size)
    assert abs(x.var() - var) < 0.02
    assert states(qid, fmt(mean, 1), near="mixture mean")
    assert states(qid, fmt(var, 2), near="variance")
    assert states(qid, fmt(w[0], 1), near="mathcal{N}(0,1) + 0.7")


# --------------------------------------------------------------------------- sums and products


def test_sum_and_product_of_gaussians():
    qid = "gaussian-sums-products"
    m1, v1, m2, v2 = 1.0, 4.0, 3.0, 1.0
    assert states(qid, f"\\mathcal{{N}}({m1 + m2:.0f}, {v1 + v2:.0f})", near="The sum is")
    prec = 1 / v1 + 1 / v2
    var = 1 / prec
    mean = var * (m1 / v1 + m2 / v2)
    z = stats.norm.pdf(m1, m2, math.sqrt(v1 + v2))
    # check the product identity numerically on a grid
    x = np.linspace(-20, 20, 400001)
    prod = stats.norm.pdf(x, m1, 2) * stats.norm.pdf(x, m2, 1)
    assert abs(np.trapezoid(prod, x) - z) < 1e-8
    assert abs(np.trapezoid(x * prod, x) / z - mean) < 1e-8
    assert states(qid, fmt(prec, 2), near="precision")
    assert states(qid, fmt(var, 1), near="so variance")
    assert states(qid, fmt(mean, 1), near="mean $0.8")
    assert states(qid, fmt(z, 3), near="normaliser")
    assert states(qid, fmt(var, 1), near="fused variance")
    assert states(qid, fmt(v1 + v2, 0), near="sum's variance")
    rng = np.random.default_rng(3)
    xy = rng.standard_normal(1_000_000) * rng.standard_normal(1_000_000)
    assert abs(xy.var() - 1) < 0.01
    assert states(qid, "variance 1", near="exponential rather than Gaussian tails")


# --------------------------------------------------------------------------- reparameterisation


def test_reparameterisation_vs_score_function():
    qid = "reparameterisation-trick"
    mu = 1.0
    # exact moments of eps ~ N(0,1): E eps^k
    mom = {k: stats.norm.moment(k) for k in range(9)}

    def expect(poly):  # poly: coefficients c_k of eps^k
        return sum(c * mom[k] for k, c in enumerate(poly))

    true_grad = 2 * mu
    # pathwise estimate 2(mu + eps)
    path_var = expect(np.polynomial.polynomial.polymul([2 * mu, 2], [2 * mu, 2])) - true_grad**2
    # score function (mu + eps)^2 eps
    sf = np.polynomial.polynomial.polymul(np.polynomial.polynomial.polymul([mu, 1], [mu, 1]), [0, 1])
    sf_second = expect(np.polynomial.polynomial.polymul(sf, sf))
    sf_var = sf_second - true_grad**2
    # with baseline b = E f = mu^2 + 1
    base = np.polynomial.polynomial.polymul(
        np.polynomial.polynomial.polysub(np.polynomial.polynomial.polymul([mu, 1], [mu, 1]), [mu**2 + 1]), [0, 1])
    base_var = expect(np.polynomial.polynomial.polymul(base, base)) - true_grad**2
    rng = np.random.default_rng(4)
    e = rng.standard_normal(2_000_000)
    x = mu + e
    assert abs(np.var(x**2 * (x - mu)) - sf_var) < 0.5
    assert abs(np.var(2 * x) - path_var) < 0.05
    assert abs(np.mean(x**2 * (x - mu)) - true_grad) < 0.05
    assert states(qid, fmt(true_grad, 0), near="true gradient")
    assert states(qid, fmt(path_var, 0), near=r"4\operatorname{Var}")
    assert states(qid, fmt(sf_second, 0), near="second moment")
    assert states(qid, f"{mom[4]:.0f}", near=r"\mathbb{E}\varepsilon^4 =")
    assert states(qid, f"{mom[6]:.0f}", near=r"\mathbb{E}\varepsilon^6 =")
    assert states(qid, fmt(sf_var, 0), near="so its variance")
    assert states(qid, fmt(sf_var / path_var, 1), near="times the pathwise")
    assert states(qid, fmt(base_var, 0), near="baseline")
    assert states(qid, fmt(mu**2 + 1, 0), near="baseline $b")


# --------------------------------------------------------------------------- the worked examples, written out


def _says(qid: str, text: str) -> bool:
    """Whether the answer or short answer contains `text`, built from the inputs, as a whole."""
    return states(qid, text, near=text)


def test_gaussian_conditioning_arithmetic_as_written():
    qid = "gaussian-conditioning-schur"
    (mx, my), (vx, cxy, vy), x = MEAN, (COV[0, 0], COV[0, 1], COV[1, 1]), 1.5
    g = lambda v: f"{v:g}"
    assert _says(qid, f"\\mu = ({g(mx)}, {g(my)})")
    assert _says(qid, f"\\operatorname{{Var}}(x) = {g(vx)}$, $\\operatorname{{Var}}(y) = {g(vy)}$, "
                      f"$\\operatorname{{Cov}}(x,y) = {g(cxy)}$")
    assert _says(qid, f"observe $x = {g(x)}$")
    assert _says(qid, f"${g(cxy)}/{g(vx)} = {g(cxy / vx)}$")
    assert _says(qid, f"= {g(my)} + {g(cxy / vx)}\\times {g(x)} = {my + cxy / vx * x:.2f}$")
    assert _says(qid, f"${g(vy)} - {g(cxy)}^2/{g(vx)} = {vy - cxy**2 / vx:.2f}$")
    assert _says(qid, f"\\Lambda_{{yy}} = 1/{1 / np.linalg.inv(COV)[1, 1]:.2f}$")


def test_exponential_family_arithmetic_as_written():
    qid = "exponential-family-conjugacy"
    a0, b0, counts = 2, 1, (3, 5, 4)
    assert _says(qid, f"\\mathrm{{Gamma}}({a0}, {b0})$ (shape {a0}, rate {b0}, mean {a0 // b0})")
    assert _says(qid, "counts $(" + ", ".join(map(str, counts)) + ")$")
    assert _says(qid, f"\\mathrm{{Gamma}}({a0}+{sum(counts)}, {b0}+{len(counts)}) = "
                      f"\\mathrm{{Gamma}}({a0 + sum(counts)}, {b0 + len(counts)})")
    assert _says(qid, f"prior mean {a0 // b0} and the MLE {sum(counts) // len(counts)}")


def test_jensen_arithmetic_as_written():
    qid = "jensen-inequality-ml"
    lo, hi = 1, 4
    assert _says(qid, f"Let $X$ be {lo} or {hi} with probability one half")
    assert _says(qid, f"\\tfrac12(\\ln {lo} + \\ln {hi}) = \\ln {math.isqrt(lo * hi)}")
    assert math.isclose(0.5 * (math.log(lo) + math.log(hi)), math.log(math.isqrt(lo * hi)))


def test_simpson_adjustment_as_written():
    qid = "simpson-paradox-confounding"
    p_small = (87 + 270) / 700
    assert _says(qid, f"{81 / 87:.3f}\\times {p_small:.2f} + {192 / 263:.3f}\\times {1 - p_small:.2f}")


def test_markov_arithmetic_as_written():
    qid = "markov-chain-stationary"
    P = np.array([[0.9, 0.1], [0.5, 0.5]])
    assert _says(qid, f"\\begin{{pmatrix}}{P[0, 0]:g} & {P[0, 1]:g}\\\\ {P[1, 0]:g} & {P[1, 1]:g}\\end{{pmatrix}}")
    assert _says(qid, f"${P[0, 1]:g}\\,\\pi_1 = {P[1, 0]:g}\\,\\pi_2$")
    assert _says(qid, f"are 1 and ${P[0, 0]:g} + {P[1, 1]:g} - 1 = {np.trace(P) - 1:.1f}$")
    assert np.allclose(sorted(np.linalg.eigvals(P).real), [np.trace(P) - 1, 1])
    assert _says(qid, f"factor {np.trace(P) - 1:.1f} per step")
    assert states(qid, "1", near="for eigenvalue") and np.allclose(P.sum(1), 1)


def test_mixture_arithmetic_as_written():
    qid = "mixture-latent-variable"
    w, mus, x = (0.3, 0.7), (0, 3), 1
    assert _says(qid, f"= {w[0]}\\,\\mathcal{{N}}({mus[0]},1) + {w[1]}\\,\\mathcal{{N}}({mus[1]},1)$")
    assert _says(qid, f"At $x = {x}$ the responsibility")
    assert _says(qid, f"${w[0]}\\,\\phi({x - mus[0]})/({w[0]}\\,\\phi({x - mus[0]}) + {w[1]}\\,\\phi({x - mus[1]}))")
    assert _says(qid, f"${w[1]}\\times {mus[1]} = {w[1] * mus[1]:.1f}$")
    assert _says(qid, f"$1 + {w[0]}\\times {w[1]}\\times {mus[1] - mus[0]}^2 = {1 + w[0] * w[1] * (mus[1] - mus[0]) ** 2:.2f}$")
    assert w[1] / w[0] > 2 and states(qid, "twice", near="more than twice")


def test_sums_products_arithmetic_as_written():
    qid = "gaussian-sums-products"
    (m1, v1), (m2, v2) = (1, 4), (3, 1)
    assert _says(qid, f"$\\mathcal{{N}}({m1}, {v1})$ and $\\mathcal{{N}}({m2}, {v2})$")
    assert _says(qid, f"$1/{v1} + {1 / v2:g} = {1 / v1 + 1 / v2:.2f}$")
    var = 1 / (1 / v1 + 1 / v2)
    assert _says(qid, f"${var:g}\\times(1/{v1} + {m2 / v2:g}) = {var * (m1 / v1 + m2 / v2):.1f}$")
    assert _says(qid, f"\\mathcal{{N}}({m1}; {m2}, {v1 + v2})")
    rng = np.random.default_rng(5)
    xy = rng.standard_normal(1_000_000) * rng.standard_normal(1_000_000)
    assert abs(xy.mean()) < 0.01 and stats.kurtosis(xy) > 3
    assert _says(qid, f"mean {abs(round(xy.mean()))} and variance {round(xy.var())}")


def test_reparameterisation_arithmetic_as_written():
    qid = "reparameterisation-trick"
    mu = 1
    assert _says(qid, f"x\\sim\\mathcal{{N}}(\\mu, 1)$, $f(x) = x^2$, $\\mu = {mu}$")
    assert _says(qid, f"(\\mu^2 + 1) = 2\\mu = {2 * mu}$")
    # (mu + e)^4 e^2 = sum_j C(4, j) mu^(4-j) e^(j+2): only even j survive
    terms = [(math.comb(4, j) * mu ** (4 - j), int(stats.norm.moment(j + 2))) for j in (0, 2, 4)]
    text = f"{terms[0][0] * terms[0][1]} + {terms[1][0]}\\times {terms[1][1]} + {terms[2][0] * terms[2][1]} = " \
           f"{sum(a * b for a, b in terms)}"
    assert _says(qid, text)
    assert _says(qid, f"${sum(a * b for a, b in terms)} - {2 * mu}^2 = {sum(a * b for a, b in terms) - 4 * mu**2}$")
    assert _says(qid, f"$b = \\mathbb{{E}}f = {mu**2 + 1}$ the estimate $(x^2 - {mu**2 + 1})(x-\\mu)$")
    assert _says(qid, f"$4\\operatorname{{Var}}(\\varepsilon) = {4 * int(stats.norm.var())}$")


def test_remaining_statements_as_written():
    rho2 = COV[0, 1] ** 2 / (COV[0, 0] * COV[1, 1])
    cond_var = COV[1, 1] - COV[0, 1] ** 2 / COV[0, 0]
    assert math.isclose(cond_var / COV[1, 1], 1 - rho2)
    assert _says("gaussian-conditioning-schur", "shrinks the variance by the factor $1-\\rho^2$")
    assert _says("gaussian-conditioning-schur", f"against {math.sqrt(COV[1, 1]):g} for the marginal")
    # Jensen's consequences in the short answer, checked on random distributions
    rng = np.random.default_rng(6)
    p, q = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
    assert (p * np.log(p / q)).sum() >= 0
    x = rng.standard_normal(100)
    assert (x**2).mean() - x.mean() ** 2 >= 0
    assert _says("jensen-inequality-ml", "$\\operatorname{KL}\\ge 0$ (Gibbs' inequality)")
    assert _says("jensen-inequality-ml", "$\\mathbb{E}X^2 - (\\mathbb{E}X)^2\\ge 0$")
    assert _says("markov-chain-stationary", "other eigenvalues of modulus 1, so")
    qid = "gaussian-sums-products"
    assert _says(qid, "-\\frac{(x-\\mu_1)^2}{2\\sigma_1^2} - \\frac{(x-\\mu_2)^2}{2\\sigma_2^2} = "
                      "-\\frac{(x-\\mu)^2}{2\\sigma^2}")
    assert _says(qid, f"so variance {1 / (1 / 4 + 1):g}, and mean")
    z = np.random.default_rng(7).standard_normal((2, 400_000)).prod(0)
    near0 = np.mean(np.abs(z) < 0.05) / 0.1
    assert near0 > 2 * stats.norm.pdf(0) and _says(qid, "a spike at 0: not Gaussian")
    qid = "reparameterisation-trick"
    assert _says(qid, "one-sample estimate $2(\\mu+\\varepsilon)$")
    assert _says(qid, "one-sample estimate $x^2(x-\\mu) = (1+\\varepsilon)^2\\varepsilon$")
    assert _says(qid, "$\\mathbb{E}[(1+\\varepsilon)^4\\varepsilon^2]")
    assert _says(qid, f"$\\mathbb{{E}}\\varepsilon^4 = {stats.norm.moment(4):.0f}$, "
                      f"$\\mathbb{{E}}\\varepsilon^6 = {stats.norm.moment(6):.0f}$")
    assert _says(qid, "$\\varepsilon\\sim\\mathcal{N}(0,1)$; then")


def test_gaussian_conditioning_caption_as_written():
    name = "gaussian_conditioning"
    mod = figure_module(name)
    g = lambda v: f"{v:g}"
    says = lambda text: caption_states(name, text, near=text)
    assert says(f"means $({g(mod.MEAN[0])},{g(mod.MEAN[1])})$, variances {g(mod.COV[0, 0])} and {g(mod.COV[1, 1])} "
                f"and covariance {g(mod.COV[0, 1])},")
    slope = mod.COV[0, 1] / mod.COV[0, 0]
    intercept = mod.MEAN[1] - slope * mod.MEAN[0]
    assert says(f"\\mathbb{{E}}[y\\mid x]={g(intercept)}+{g(slope)}x")
    assert says(f"the slice at $x={g(mod.OBSERVED_X)}$")
    m, v = mod.conditional(mod.OBSERVED_X)
    assert says(f"$\\mathcal{{N}}({g(mod.MEAN[1])},{g(mod.COV[1, 1])})$, and the conditional "
                f"$\\mathcal{{N}}({m:.2f},{v:.2f})$")
    assert says("by the factor $1-\\rho^2$")
