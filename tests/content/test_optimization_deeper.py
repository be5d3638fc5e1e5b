"""Recompute every number stated in the deeper optimisation questions."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from bank import assert_technical_batch, field, fmt, states

IDS = [
    "strong-convexity-condition-number",
    "proximal-gradient-lasso",
    "coordinate-descent",
    "lr-warmup-schedules",
    "projected-mirror-descent",
    "lbfgs-quasi-newton",
    "gradient-clipping",
    "sharpness-aware-minimisation",
]
HARD = {"projected-mirror-descent", "sharpness-aware-minimisation"}


def test_structure():
    assert_technical_batch(IDS, HARD)


def soft(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t, 0)


# strong convexity --------------------------------------------------------------

def steps_to(factor, reduction=1e-6):
    """Smallest k with factor**k <= reduction, found by iterating the contraction."""
    gap, k = 1.0, 0
    while gap > reduction:
        gap *= factor
        k += 1
    return k


def test_strong_convexity_example():
    qid = "strong-convexity-condition-number"
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    eig = np.array([0.01, 0.1, 0.3, 0.7, 1.0])
    H = Q @ np.diag(eig) @ Q.T
    w = np.linalg.eigvalsh(H)
    kappa = w.max() / w.min()
    assert states(qid, f"{kappa:.0f}", near="$\\kappa=")
    assert states(qid, fmt(1 - 1 / kappa, 2), near="takes 1375 steps")
    assert states(qid, str(steps_to(1 - 1 / kappa)), near="Reducing the gap by a factor $10^{6}$")
    assert states(qid, "6", near="Reducing the gap by a factor $10^{")
    lam = 0.1
    wr = np.linalg.eigvalsh(H + lam * np.eye(5))
    kr = wr.max() / wr.min()
    assert states(qid, f"{kr:.0f}", near="Ridge with $\\lambda=0.1$")
    assert states(qid, fmt(wr.max(), 1) + "/" + fmt(wr.min(), 2), near="Ridge with")
    assert states(qid, str(steps_to(1 - 1 / kr)), near="Ridge with")
    acc = 1 - 1 / np.sqrt(kappa)
    assert states(qid, fmt(acc, 1), near="Nesterov's method on the unregularised problem")
    assert states(qid, str(steps_to(acc)), near="also needs")
    # gradient descent with step 1/L really contracts the gap at least this fast
    b = rng.standard_normal(5)
    f = lambda x: 0.5 * x @ H @ x - b @ x
    xs = np.linalg.solve(H, b)
    x = np.zeros(5)
    g0 = f(x) - f(xs)
    for _ in range(100):
        x = x - (H @ x - b) / w.max()
    assert f(x) - f(xs) <= (1 - 1 / kappa) ** 100 * g0 + 1e-12


# proximal gradient -----------------------------------------------------------------

X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
Y = np.array([2.0, 3.0, 0.5])
LAM = 1.0


def bmatrix(M):
    rows = ["&".join(f"{x:g}" for x in row) for row in M]
    return "\\begin{bmatrix}" + "\\\\".join(rows) + "\\end{bmatrix}"


def vec(v):
    return "(" + ",".join(f"{x:g}" for x in v) + ")"


def lasso_obj(w):
    return 0.5 * np.sum((Y - X @ w) ** 2) + LAM * np.abs(w).sum()


def test_soft_threshold_orthonormal():
    qid = "proximal-gradient-lasso"
    v = np.array([3.0, -0.5, 1.2])
    out = soft(v, 1.0)
    assert "$\\lambda=1$ it is $" + vec(out + 0.0) + "$" in field(qid, "answer")
    assert states(qid, "1", near="shrunk by exactly")
    assert "$X^\\top y=(3,-0.5,1.2)$" in field(qid, "answer")
    assert states(qid, "(" + ",".join(f"{x:g}" for x in np.abs(out) * np.sign(out + 0.0)) + ")", near="the middle coefficient")
    # the orthonormal-design lasso really is solved by soft thresholding
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((6, 3)))
    y = Q @ v
    res = optimize.minimize(lambda w: 0.5 * np.sum((y - Q @ w) ** 2) + np.abs(w).sum(), np.zeros(3),
                            method="Powell", options={"xtol": 1e-10, "ftol": 1e-14})
    np.testing.assert_allclose(res.x, out, atol=1e-5)


def test_ista_example():
    qid = "proximal-gradient-lasso"
    A = X.T @ X
    assert states(qid, "(" + ",".join(f"{x:g}" for x in X.T @ Y) + ")", near="$X^\\top y=(")
    text = field(qid, "answer")
    assert f"$X={bmatrix(X)}$, $y={vec(Y)}$, $\\lambda={LAM:g}$" in text
    assert f"$X^\\top X={bmatrix(A)}$, $X^\\top y={vec(X.T @ Y)}$" in text
    L = np.linalg.eigvalsh(A).max()
    assert states(qid, f"{L:g}", near="$L=")
    assert f"$L={L:g}$. ISTA from zero with step $1/{L:g}$" in text
    w = np.zeros(2)
    its = []
    for _ in range(3):
        w = soft(w - (X.T @ (X @ w - Y)) / L, LAM / L)
        its.append("(" + ",".join(fmt(x, 3).rstrip("0").rstrip(".") for x in w) + ")")
    for it in its:
        assert states(qid, it, near="ISTA from zero")
    for _ in range(3000):
        w = soft(w - (X.T @ (X @ w - Y)) / L, LAM / L)
    ref = optimize.minimize(lasso_obj, np.ones(2), method="Powell", options={"xtol": 1e-12, "ftol": 1e-15}).x
    np.testing.assert_allclose(w, ref, atol=1e-6)
    assert states(qid, "(" + ",".join(fmt(x, 3) for x in w) + ")", near="converges to $w^*=")
    assert states(qid, fmt(lasso_obj(w), 3), near="with objective")
    grad = X.T @ (X @ w - Y)
    assert states(qid, "(" + ",".join(f"{x:.0f}" for x in grad) + ")", near="=-\\lambda\\operatorname{sign}(w^*)")
    assert np.allclose(grad, -LAM * np.sign(w))


# coordinate descent -------------------------------------------------------------------

def test_coordinate_descent_example():
    qid = "coordinate-descent"
    A = X.T @ X
    b = X.T @ Y
    w = np.zeros(2)
    text = field(qid, "answer")
    assert f"$X^\\top X={bmatrix(A)}$, $X^\\top y={vec(b)}$ and $\\lambda={LAM:g}$" in text
    assert (f"$w_1=S_{LAM:g}({b[0]:g}-w_2)/{A[0, 0]:g}$ and $w_2=S_{LAM:g}({b[1]:g}-w_1)/{A[1, 1]:g}$") in text
    history = []
    for _ in range(40):
        w[0] = soft(b[0] - A[0, 1] * w[1], LAM) / A[0, 0]
        w[1] = soft(b[1] - A[1, 0] * w[0], LAM) / A[1, 1]
        history.append(w.copy())
    assert states(qid, f"$w_1={history[0][0]:g}$", near="next sweep")
    assert states(qid, f"$w_2={history[0][1]:g}$", near="next sweep")
    assert states(qid, f"$w_1={history[1][0]:g}$", near="next sweep")
    assert states(qid, f"$w_2={history[1][1]:g}$", near="next sweep")
    wstar = history[-1]
    ref = optimize.minimize(lasso_obj, np.ones(2), method="Powell", options={"xtol": 1e-12, "ftol": 1e-15}).x
    np.testing.assert_allclose(wstar, ref, atol=1e-6)
    assert states(qid, "(" + ",".join(fmt(x, 3) for x in wstar) + ")", near="The limit is")
    e1, e2 = history[0] - wstar, history[1] - wstar
    assert states(qid, "(" + ",".join(fmt(x, 3) for x in e1) + ")", near="The errors after")
    assert states(qid, "(" + ",".join(fmt(x, 3) for x in e2) + ")", near="The errors after")
    ratio = e2 / e1
    np.testing.assert_allclose(ratio, A[0, 1] ** 2 / (A[0, 0] * A[1, 1]))
    assert states(qid, f"$1/{1 / ratio[0]:.0f}$", near="each sweep multiplies")


def test_coordinate_descent_stuck():
    qid = "coordinate-descent"
    f = lambda u, v: u**2 + v**2 + 5 * abs(u - v)
    text = field(qid, "answer")
    assert "$f(u,v)=u^2+v^2+5\\lvert u-v\\rvert$ at $(1,1)$" in text
    assert "$2-5=-3$ and $2+5=7$, so $u=1$" in text
    assert "$f(0,0)=0$" in text
    assert states(qid, f"{f(1, 1):g}", near="at $(1,1)$, where")
    h = 1e-7
    left = (f(1, 1) - f(1 - h, 1)) / h
    right = (f(1 + h, 1) - f(1, 1)) / h
    assert states(qid, f"{left:.0f}", near="one-sided slopes")
    assert states(qid, f"{right:.0f}", near="one-sided slopes")
    grid = np.linspace(-3, 3, 60001)
    assert np.argmin([f(u, 1) for u in grid]) == np.argmin(abs(grid - 1))
    assert np.argmin([f(1, v) for v in grid]) == np.argmin(abs(grid - 1))
    assert states(qid, f"{f(0, 0):g}", near="yet the minimum is")
    assert f(0.5, 0.5) < f(1, 1)


# warm-up -----------------------------------------------------------------------------------

def test_warmup_numbers():
    qid = "lr-warmup-schedules"
    base, b0, b = 0.1, 256, 8192
    assert states(qid, f"{base * b / b0:g}", near="Goyal et al. scale")
    assert f"base rate of {base:g} for batch {b0} linearly to {base * b / b0:g} for batch {b}" in field(qid, "answer")
    assert states(qid, "5", near="over the first 5 epochs")
    d, w = 512, 4000
    t = np.arange(1, 200001)
    eta = d**-0.5 * np.minimum(t**-0.5, t * w**-1.5)
    assert t[np.argmax(eta)] == w
    assert f"with $d={d}$ and $w={w}$ warm-up steps" in field(qid, "answer")
    assert states(qid, f"{eta.max() * 1e4:.2f}\\times10^{{-4}}", near="original Transformer schedule")
    assert states(qid, f"{1 / (1 - 0.999):.0f}", near="memory of about")
    assert states(qid, "0.999", near="memory of about")
    peak, lo, W, T = 1e-3, 1e-5, 2000, 100000

    def lr(step):
        if step < W:
            return peak * step / W
        tau = (step - W) / (T - W)
        return lo + 0.5 * (peak - lo) * (1 + np.cos(np.pi * tau))

    assert states(qid, f"{lr(500) * 1e4:.1f}\\times10^{{-4}}", near="at step 500")
    mid = (W + T) // 2
    assert states(qid, str(mid), near="half-way through the decay")
    assert states(qid, f"{lr(mid) * 1e4:.2f}\\times10^{{-4}}", near="half-way through the decay")
    assert states(qid, f"{lr(90000) * 1e5:.2f}\\times10^{{-5}}", near="at step 90000")
    assert abs(lr(T) - lo) < 1e-15
    assert f"peak $10^{{{np.log10(peak):.0f}}}$, linear warm-up over {W} steps" in field(qid, "answer")
    assert f"$\\eta_{{\\min}}=10^{{{np.log10(lo):.0f}}}$ at step {T}," in field(qid, "answer")


def test_adam_first_step_is_sign():
    qid = "lr-warmup-schedules"
    rng = np.random.default_rng(0)
    g = rng.standard_normal(5) * np.array([1e-4, 1e-2, 1, 1e2, 1e4])
    eta, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
    m = (1 - b1) * g / (1 - b1)
    v = (1 - b2) * g**2 / (1 - b2)
    step = eta * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(step, eta * np.sign(g), rtol=1e-3)
    assert "\\approx\\eta\\operatorname{sign}(g_1)" in field(qid, "answer")


# projected and mirror descent ---------------------------------------------------------------

def project_simplex(v):
    u = np.sort(v)[::-1]
    css = np.cumsum(u)
    k = np.nonzero(u * np.arange(1, len(v) + 1) > css - 1)[0][-1]
    tau = (css[k] - 1) / (k + 1)
    return np.maximum(v - tau, 0), tau


def test_simplex_projection():
    qid = "projected-mirror-descent"
    v = np.array([0.5, 1.2, -0.3])
    p, tau = project_simplex(v)
    assert "Projecting $v=(" + ",".join(f"{x:g}" for x in v) + ")$" in field(qid, "answer")
    res = optimize.minimize(lambda x: np.sum((x - v) ** 2), np.ones(3) / 3, method="SLSQP",
                            bounds=[(0, 1)] * 3, constraints={"type": "eq", "fun": lambda x: x.sum() - 1})
    np.testing.assert_allclose(res.x, p, atol=1e-6)
    assert states(qid, f"\\tau=(1.2+0.5-1)/2={tau:g}", near="Keeping the two largest")
    assert states(qid, "(" + ",".join(f"{x:.2f}".rstrip("0").rstrip(".") for x in p) + ")", near="so $\\Pi(v)=")


def test_exponentiated_gradient():
    qid = "projected-mirror-descent"
    x = np.ones(3) / 3
    g = np.array([1.0, 0.0, -1.0])
    eta = 0.5
    # the closed form is the minimiser of the KL-regularised linear step
    obj = lambda y: eta * g @ y + np.sum(y * np.log(y / x))
    res = optimize.minimize(obj, x, method="SLSQP", bounds=[(1e-9, 1)] * 3,
                            constraints={"type": "eq", "fun": lambda y: y.sum() - 1}, options={"ftol": 1e-14})
    new = x * np.exp(-eta * g)
    new /= new.sum()
    np.testing.assert_allclose(res.x, new, atol=1e-5)
    assert f"$g=(1,0,-1)$ and $\\eta={eta:g}$ gives $x\\propto(e^{{-{eta:g}}},1,e^{{{eta:g}}})$" in field(qid, "answer")
    assert states(qid, "(" + ",".join(fmt(v, 3) for v in new) + ")", near="every coordinate stays strictly positive")
    d = 1000
    assert states(qid, fmt(np.sqrt(d / (2 * np.log(d))), 2), near="For $d=1000$")
    assert f"$\\sqrt{{{d}/(2\\ln{d})}}=" in field(qid, "answer")
    # the Euclidean radius bound on the simplex
    u = np.ones(d) / d
    e = np.zeros(d)
    e[0] = 1
    assert 0.5 * np.sum((e - u) ** 2) <= 0.5


# L-BFGS ---------------------------------------------------------------------------------------

def test_bfgs_update():
    qid = "lbfgs-quasi-newton"
    A = np.diag([2.0, 10.0])
    s = np.array([1.0, 1.0])
    y = A @ s
    assert states(qid, f"{s @ y:g}", near="$s^\\top y=")
    assert "$A=\\operatorname{diag}(2,10)$, $H_0=I$, and a step $s=(1,1)$. Then $y=As=(2,10)$" in field(qid, "answer")
    rho = 1 / (s @ y)
    I = np.eye(2)
    H = (I - rho * np.outer(s, y)) @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
    np.testing.assert_allclose(H @ y, s)
    assert np.all(np.linalg.eigvalsh(H) > 0)
    text = field(qid, "answer")
    for v in (H[0, 0], H[0, 1], H[1, 1]):
        assert fmt(v, 3) in text
    assert f"\\begin{{bmatrix}}{fmt(H[0, 0], 3)}&{fmt(H[0, 1], 3)}\\\\{fmt(H[1, 0], 3)}&{fmt(H[1, 1], 3)}\\end{{bmatrix}}" in text
    inv = np.linalg.inv(A)
    assert states(qid, f"\\operatorname{{diag}}({inv[0, 0]:g},{inv[1, 1]:g})", near="is not yet")


def test_bfgs_terminates_on_quadratic():
    rng = np.random.default_rng(0)
    d = 4
    M = rng.standard_normal((d, d))
    A = M @ M.T + np.eye(d)
    b = rng.standard_normal(d)
    x, H = np.zeros(d), np.eye(d)
    g = A @ x - b
    for _ in range(d):
        p = -H @ g
        alpha = -(g @ p) / (p @ A @ p)  # exact line search
        s = alpha * p
        x = x + s
        g_new = A @ x - b
        y = g_new - g
        rho = 1 / (y @ s)
        H = (np.eye(d) - rho * np.outer(s, y)) @ H @ (np.eye(d) - rho * np.outer(y, s)) + rho * np.outer(s, s)
        g = g_new
    np.testing.assert_allclose(x, np.linalg.solve(A, b), atol=1e-8)
    assert "at most $d$ steps" in field("lbfgs-quasi-newton", "answer")


def test_lbfgs_memory():
    qid = "lbfgs-quasi-newton"
    d, m = 10**7, 10
    assert f"for $d=10^{np.log10(d):.0f}$ parameters" in field(qid, "answer")
    assert states(qid, f"$m={m}$", near="L-BFGS with $m=")
    assert states(qid, f"{d**2 * 8 / 1e12:.0f} TB", near="dense $H$ in float64")
    assert states(qid, f"{2 * m * d * 8 / 1e9:.1f} GB", near="L-BFGS with $m=10$")


# clipping -------------------------------------------------------------------------------------

def clip_norm(g, c):
    return g * min(1.0, c / np.linalg.norm(g))


def angle(a, b):
    return np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))


def test_clipping_example():
    qid = "gradient-clipping"
    g = np.array([3.0, 4.0])
    assert "For $g=(3,4)$ and $c=1$" in field(qid, "answer")
    assert "Clipping by value at 1 gives $(1,1)$" in field(qid, "answer")
    assert states(qid, f"{np.linalg.norm(g):g}", near="$\\lVert g\\rVert=")
    assert states(qid, "(" + ",".join(f"{x:g}" for x in clip_norm(g, 1)) + ")", near="global-norm clipping gives")
    v = np.clip(g, -1, 1)
    assert states(qid, fmt(angle(g, v), 2), near="turned by")
    g2 = np.array([0.1, 10.0])
    v2 = np.clip(g2, -1, 1)
    assert "for $g=(" + ",".join(f"{x:g}" for x in g2) + ")$ it gives $(" + ",".join(f"{x:g}" for x in v2) + ")$" in field(qid, "answer")
    assert states(qid, fmt(angle(g2, v2), 2), near="turned by")
    share = (v2[0] / v2[1]) / (g2[0] / g2[1])
    assert np.isclose(share, 10) and states(qid, "tenfold", near="turned by")


def test_clipping_bias_simulated():
    qid = "gradient-clipping"
    rng = np.random.default_rng(0)
    big = rng.random(2_000_000) < 0.1
    g = np.where(big, 10.0, -0.5)
    assert abs(g.mean() - 0.55) < 0.01
    clipped = np.clip(g, -1, 1)
    assert abs(clipped.mean() - (-0.35)) < 0.01
    exact = 0.1 * 10 + 0.9 * -0.5
    exact_clipped = 0.1 * 1 + 0.9 * -0.5
    assert "Clipped at $c=1$, the mean becomes" in field(qid, "answer")
    assert "equals $10$ with probability 0.1 and $-0.5$ with probability 0.9" in field(qid, "answer")
    assert "$0.1\\times1+0.9\\times(-0.5)=" in field(qid, "answer")
    assert states(qid, fmt(exact, 2), near="Its mean is")
    assert states(qid, fmt(exact_clipped, 2), near="the mean becomes")


# SAM -------------------------------------------------------------------------------------------

def test_sam_minima():
    qid = "sharpness-aware-minimisation"
    rho = 0.05
    for lam in (100.0, 1.0):
        assert f"\\cdot{lam:g}\\,w^2$ (sharp)" in field(qid, "answer") or lam == 1.0
        assert f"With $\\rho={rho:g}$ the SAM objective" in field(qid, "answer")
        # the worst loss in the ball around the minimum, by brute force
        eps = np.linspace(-rho, rho, 2001)
        worst = np.max(0.5 * lam * eps**2)
        assert np.isclose(worst, 0.5 * lam * rho**2)
    assert states(qid, f"{0.5 * 100 * rho**2:g}", near="for the sharp one")
    assert states(qid, f"{0.5 * 1 * rho**2:g}", near="for the sharp one")
    assert states(qid, "100", near="a factor of 100")


def test_sam_step():
    qid = "sharpness-aware-minimisation"
    A = np.diag([1.0, 10.0])
    w = np.ones(2)
    rho = 0.05
    L = lambda v: 0.5 * v @ A @ v
    g = A @ w
    assert "$A=\\operatorname{diag}(1,10)$ at $w=(1,1)$" in field(qid, "answer")
    assert "$\\nabla L=(" + ",".join(f"{x:g}" for x in g) + ")$" in field(qid, "answer")
    assert states(qid, f"{L(w):g}", near="$L=")
    assert states(qid, fmt(np.linalg.norm(g), 2), near="with norm")
    e = rho * g / np.linalg.norm(g)
    assert states(qid, "(" + ",".join(fmt(x, 3) for x in e) + ")", near="$\\hat\\varepsilon=(")
    assert states(qid, fmt(L(w) + rho * np.linalg.norm(g), 3), near="first-order estimate")
    assert states(qid, fmt(L(w + e), 3), near="close to the exact")
    # the first-order maximiser is close to the true maximiser on the sphere
    th = np.linspace(0, 2 * np.pi, 200001)
    pts = w + rho * np.column_stack([np.cos(th), np.sin(th)])
    assert np.max(0.5 * np.einsum("ij,jk,ik->i", pts, A, pts)) - L(w + e) < 1e-3
    gs = A @ (w + e)
    assert states(qid, "(" + ",".join(fmt(x, 3) for x in gs) + ")", near="The SAM gradient is")
    assert states(qid, "0.05", near="Tune $\\rho$")
