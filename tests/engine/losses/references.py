"""Independent float64 NumPy references of the loss functions, for the loss and metric tests."""

import numpy as np

EPS = 1e-7


def _f(*arrays):
    return [np.asarray(a, dtype="float64") for a in arrays]


def mse(t, p):
    t, p = _f(t, p)
    return ((t - p) ** 2).mean(-1)


def mae(t, p):
    t, p = _f(t, p)
    return np.abs(t - p).mean(-1)


def mape(t, p):
    t, p = _f(t, p)
    return 100 * (np.abs(t - p) / np.maximum(np.abs(t), EPS)).mean(-1)


def msle(t, p):
    t, p = _f(t, p)
    return ((np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2).mean(-1)


def huber(t, p, delta=1.0):
    t, p = _f(t, p)
    e = np.abs(p - t)
    return np.where(e <= delta, 0.5 * e ** 2, delta * (e - 0.5 * delta)).mean(-1)


def log_cosh(t, p):
    t, p = _f(t, p)
    return np.log(np.cosh(p - t)).mean(-1)


def cosine(t, p, axis=-1):
    t, p = _f(t, p)
    unit_t = t / np.linalg.norm(t, axis=axis, keepdims=True)
    unit_p = p / np.linalg.norm(p, axis=axis, keepdims=True)
    return -(unit_t * unit_p).sum(axis)


def _signed(t):
    return 2 * t - 1 if np.isin(t, (0, 1)).all() else t


def hinge(t, p):
    t, p = _f(t, p)
    return np.maximum(1 - _signed(t) * p, 0).mean(-1)


def squared_hinge(t, p):
    t, p = _f(t, p)
    return (np.maximum(1 - _signed(t) * p, 0) ** 2).mean(-1)


def categorical_hinge(t, p):
    t, p = _f(t, p)
    return np.maximum(0, 1 + ((1 - t) * p).max(-1) - (t * p).sum(-1))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def log_softmax(x, axis=-1):
    x = x - x.max(axis, keepdims=True)
    return x - np.log(np.exp(x).sum(axis, keepdims=True))


def bce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t, p = _f(t, p)
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # log(sigmoid(z)) = -log1p(exp(-z)), written with logaddexp for stability
        values = t * np.logaddexp(0, -p) + (1 - t) * np.logaddexp(0, p)
    else:
        p = np.clip(p, EPS, 1 - EPS)
        values = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    return values.mean(axis)


def cce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t, p = _f(t, p)
    t = t * (1 - label_smoothing) + label_smoothing / t.shape[-1]
    if from_logits:
        log_p = log_softmax(p, axis)
    else:
        log_p = np.log(np.clip(p / p.sum(axis, keepdims=True), EPS, 1 - EPS))
    return -(t * log_p).sum(axis)


def scce(t, p, from_logits=False, ignore_class=None):
    t = np.asarray(t).reshape(np.shape(p)[:-1])
    one_hot = np.eye(np.shape(p)[-1])[np.where(t == ignore_class, 0, t)]
    values = cce(one_hot, p, from_logits=from_logits)
    return values if ignore_class is None else np.where(t == ignore_class, 0.0, values)


def binary_focal(t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0):
    t, p = _f(t, p)
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    prob = sigmoid(p) if from_logits else p
    clipped = np.clip(prob, EPS, 1 - EPS)
    ce = -(t * np.log(clipped) + (1 - t) * np.log(1 - clipped))
    p_t = t * prob + (1 - t) * (1 - prob)
    values = (1 - p_t) ** gamma * ce
    if apply_class_balancing:
        values *= t * alpha + (1 - t) * (1 - alpha)
    return values.mean(-1)


def categorical_focal(t, p, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0):
    t, p = _f(t, p)
    t = t * (1 - label_smoothing) + label_smoothing / t.shape[-1]
    prob = np.exp(log_softmax(p)) if from_logits else p / p.sum(-1, keepdims=True)
    prob = np.clip(prob, EPS, 1 - EPS)
    return (alpha * (1 - prob) ** gamma * -t * np.log(prob)).sum(-1)


def generalized_ce(t, p, q):
    (p,) = _f(p)
    p_true = p[np.arange(len(p)), np.asarray(t).astype(int)]
    return (1 - p_true ** q) / q


def kld(t, p):
    t, p = _f(t, p)
    t, p = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    return (t * np.log(t / p)).sum(-1)


def poisson(t, p):
    t, p = _f(t, p)
    return (p - t * np.log(p + EPS)).mean(-1)


def dice(t, p, axis=None):
    t, p = _f(t, p)
    return 1 - 2 * (t * p).sum(axis) / (t.sum(axis) + p.sum(axis) + EPS)


def tversky(t, p, alpha=0.5, beta=0.5, axis=None):
    t, p = _f(t, p)
    tp = (t * p).sum(axis)
    return 1 - tp / (tp + alpha * (t * (1 - p)).sum(axis) + beta * ((1 - t) * p).sum(axis) + EPS)


def circle(labels, emb, ref_labels=None, ref_emb=None, remove_diagonal=True, gamma=80.0,
           margin=0.4):
    (emb,) = _f(emb)
    ref_emb = emb if ref_emb is None else np.asarray(ref_emb, "float64")
    ref_labels = labels if ref_labels is None else ref_labels
    similarity = emb @ ref_emb.T
    pos = labels[:, None] == ref_labels[None, :]
    neg = ~pos
    if remove_diagonal:
        pos &= ~np.eye(*similarity.shape, dtype=bool)
    out = []
    for i in range(len(labels)):
        d = np.maximum(1 - similarity[i], 0)
        sp = [-gamma * (margin + dj) * (margin - dj) for dj, m in zip(d, pos[i]) if m]
        sn = [gamma * max(1 + margin - dj, 0.0) * (1 - margin - dj) for dj, m in zip(d, neg[i]) if m]
        if not sp or not sn:
            out.append(0.0)
            continue
        lse = np.log(np.sum(np.exp(sp))) + np.log(np.sum(np.exp(sn)))
        out.append(np.logaddexp(0, lse))
    return np.array(out)


def ctc(labels, logits):
    """Negative log-likelihood by the CTC forward recursion (blank 0, labels padded with 0)."""
    logits = np.asarray(logits, "float64")
    out = []
    for seq, x in zip(labels, logits):
        seq = [int(v) for v in seq if v != 0]
        log_p = log_softmax(x)
        ext = [0]
        for s in seq:
            ext += [s, 0]
        alpha = np.full(len(ext), -np.inf)
        alpha[0] = log_p[0, 0]
        if len(ext) > 1:
            alpha[1] = log_p[0, ext[1]]
        for step in range(1, len(x)):
            new = np.full(len(ext), -np.inf)
            for s in range(len(ext)):
                terms = [alpha[s]]
                if s > 0:
                    terms.append(alpha[s - 1])
                if s > 1 and ext[s] != 0 and ext[s] != ext[s - 2]:
                    terms.append(alpha[s - 2])
                new[s] = np.logaddexp.reduce(terms) + log_p[step, ext[s]]
            alpha = new
        out.append(-np.logaddexp(alpha[-1], alpha[-2]) if len(ext) > 1 else -alpha[-1])
    return np.array(out)


def reduce(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Keras's weighting and reduction of per-sample `values` (same-rank weights)."""
    values = np.asarray(values, "float64")
    weighted = values if sample_weight is None else values * sample_weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return weighted.sum() / np.sum(sample_weight)
    return weighted.sum() / weighted.size
