"""Learning-curve signatures of the four causes of poor training and validation loss."""

from __future__ import annotations

import numpy as np

from handbook.plotting import GRAYS, LINESTYLES, new_figure, width

CAPTION = r"""Training (solid) and validation (dashed) cross-entropy against optimisation steps on a 10-class problem (each class a pair of Gaussian blobs in 8 dimensions); every run uses Adam with minibatches of 64 and the same seed. The dotted line is the loss of a uniform prediction, $\ln 10 = 2.303$ nats, where every run starts. The healthy reference is a network with one hidden layer of 64 tanh units and a learning rate of $10^{-2}$. A linear softmax model on the same data (too little capacity) plateaus early, with training and validation loss equal. With a learning rate of $10^{-4}$ the loss is still falling steadily when the budget ends; with $0.5$ it is erratic, spikes repeatedly and stalls far above the reference. With 40% of the labels redrawn uniformly at random, training loss stalls just above the noise floor of $1.444$ nats (dash-dot) and validation loss a little higher; the floor is the cross-entropy of predicting 64% on the clean class and 4% on each other class, the best possible even for a model that knows the clean class. A pipeline bug that reshuffles labels within every minibatch leaves both losses flat at $\ln 10$: with a new pairing at each step there is nothing to memorise, unlike the fixed permutation of the shuffled-label control."""

K = 10  # classes
DIM = 8  # input dimension
SEPARATION = 2.5  # scale of the blob centres (blob standard deviation is 1)
N_TRAIN = 10_000
N_VAL = 2_000
HIDDEN = 64
BATCH = 64
STEPS = 600
EVAL_EVERY = 20
LABEL_NOISE = 0.4
LR_GOOD, LR_LOW, LR_HIGH = 1e-2, 1e-4, 0.5


def noise_floor(k: int = K, eps: float = LABEL_NOISE) -> float:
    """Best cross-entropy, even knowing the clean class, when a fraction eps of labels is redrawn uniformly."""
    right = 1 - eps + eps / k
    wrong = eps / k
    return float(-right * np.log(right) - (k - 1) * wrong * np.log(wrong))


def _data(rng: np.random.Generator, noise: float):
    centres = SEPARATION * rng.standard_normal((2 * K, DIM))
    blob = rng.integers(0, 2 * K, N_TRAIN + N_VAL)
    x = centres[blob] + rng.standard_normal((N_TRAIN + N_VAL, DIM))
    y = blob % K
    if noise > 0:
        flip = rng.random(y.size) < noise
        y = np.where(flip, rng.integers(0, K, y.size), y)
    return x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]


def _train(linear: bool = False, lr: float = LR_GOOD, noise: float = 0.0,
           shuffle_labels: bool = False, seed: int = 0):
    """Adam on softmax cross-entropy; returns steps, training loss, validation loss."""
    rng = np.random.default_rng(seed)
    xtr, ytr, xva, yva = _data(rng, noise)
    if linear:
        init = [0.01 * rng.standard_normal((DIM, K)), np.zeros(K)]
    else:
        init = [rng.standard_normal((DIM, HIDDEN)) / np.sqrt(DIM), np.zeros(HIDDEN),
                0.01 * rng.standard_normal((HIDDEN, K)), np.zeros(K)]
    # one flat vector for all parameters (and one for their gradients), with views per layer,
    # so that the Adam update is a handful of vector operations
    theta = np.concatenate([p.ravel() for p in init])
    grad = np.zeros_like(theta)
    params, grads, start = [], [], 0
    for p in init:
        params.append(theta[start:start + p.size].reshape(p.shape))
        grads.append(grad[start:start + p.size].reshape(p.shape))
        start += p.size
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)

    def forward(x):
        if linear:
            return x @ params[0] + params[1], None
        h = np.tanh(x @ params[0] + params[1])
        return h @ params[2] + params[3], h

    def loss(x, y):
        # in chunks of 400 rows: products this small stay single-threaded in BLAS
        total = 0.0
        for lo in range(0, y.size, 400):
            z, _ = forward(x[lo:lo + 400])
            z = z - z.max(axis=1, keepdims=True)
            total += float(np.sum(np.log(np.exp(z).sum(axis=1)) - z[np.arange(z.shape[0]), y[lo:lo + 400]]))
        return total / y.size

    steps, train, val = [], [], []
    rows = np.arange(BATCH)
    for t in range(STEPS + 1):
        if t % EVAL_EVERY == 0:
            steps.append(t)
            train.append(loss(xtr[:N_VAL], ytr[:N_VAL]))
            val.append(loss(xva, yva))
        if t == STEPS:
            break
        idx = rng.integers(0, N_TRAIN, BATCH)
        x, y = xtr[idx], ytr[idx]
        if shuffle_labels:
            y = rng.permutation(y)
        z, h = forward(x)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[rows, y] -= 1
        g = p / BATCH
        if linear:
            np.matmul(x.T, g, out=grads[0])
            np.sum(g, axis=0, out=grads[1])
        else:
            dh = (g @ params[2].T) * (1 - h**2)
            np.matmul(x.T, dh, out=grads[0])
            np.sum(dh, axis=0, out=grads[1])
            np.matmul(h.T, g, out=grads[2])
            np.sum(g, axis=0, out=grads[3])
        m *= 0.9
        m += 0.1 * grad
        v *= 0.999
        v += 0.001 * grad**2
        step = lr / (1 - 0.9 ** (t + 1))
        theta -= step * m / (np.sqrt(v / (1 - 0.999 ** (t + 1))) + 1e-8)
    return np.array(steps), np.array(train), np.array(val)


RUNS = [
    ("Healthy reference", dict()),
    ("Underfit: linear", dict(linear=True)),
    (r"LR too low ($10^{-4}$)", dict(lr=LR_LOW)),
    (r"LR too high ($0.5$)", dict(lr=LR_HIGH)),
    ("40% label noise", dict(noise=LABEL_NOISE)),
    ("Bug: shuffled labels", dict(shuffle_labels=True)),
]


def figure():
    fig, axes = new_figure(panels=len(RUNS), aspect=0.75 if width() > 4.5 else 0.65, sharey=True)
    chance = np.log(K)
    curves = [_train(**kwargs) for _, kwargs in RUNS]
    top = max(3.0, 1.05 * max(max(train.max(), val.max()) for _, train, val in curves))
    for ax, (title, kwargs), (steps, train, val) in zip(axes, RUNS, curves):
        ax.axhline(chance, color=GRAYS[3], linestyle=LINESTYLES[2], linewidth=0.9,
                   label=r"$\ln K$")
        if kwargs.get("noise"):
            ax.axhline(noise_floor(), color=GRAYS[3], linestyle=LINESTYLES[3], linewidth=0.9,
                       label="floor")
            floor_line = ax.get_lines()[-1]
        ax.plot(steps, train, color=GRAYS[0], linestyle=LINESTYLES[0], label="train")
        ax.plot(steps, val, color=GRAYS[1], linestyle=LINESTYLES[1], label="val")
        ax.set_title(title)
        ax.set_xlim(0, STEPS)
        ax.set_ylim(0, top)
        ax.set_yticks(np.arange(0, top, 1.0))
        ax.set_xlabel("step")
        ax.set_ylabel("loss (nats)")
        ax.label_outer()
        if kwargs.get("noise"):
            ax.legend(handles=[floor_line], loc="lower right")
    chance_line, train_line, val_line = axes[0].get_lines()
    fig.legend(handles=[train_line, val_line, chance_line], loc="outside lower center", ncol=3,
               handlelength=1.6, columnspacing=1.2)
    return fig
