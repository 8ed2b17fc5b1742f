"""The 2PL, GPCM and GRM vectorised over a grid of abilities, with derivatives for estimation.

Same parameterisation as scoring.measurement.models.ItemParameters (logistic metric, no 1.7), so that
what calibration estimates is what the kiosk uses; tests/test_calibration.py checks the two agree.
Arrays: ``b`` has the K thresholds, ``theta`` Q abilities; results are indexed [category 0..K, ability].
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit, logsumexp

# Floors a probability before it divides or is logged: a category can be (numerically) impossible far out.
TINY = 1e-300


def _grm_log_probs(a: float, b: np.ndarray, theta: np.ndarray) -> np.ndarray:
    # P(k) = P*(k) - P*(k+1) = s(u) s(-v) (1 - e^(v-u)) with u = a(theta - b_k), v = a(theta - b_k+1):
    # computed in logs, it stays exact where both cumulative curves are close to 0 or 1.
    x = a * (theta[None, :] - b[:, None])  # (K, Q)
    inf = np.full((1, theta.size), np.inf)
    u = np.vstack([inf, x])  # P*(0) = 1
    v = np.vstack([x, -inf])  # P*(K+1) = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(np.isinf(u) | np.isinf(v), 0.0, np.log(-np.expm1(np.minimum(v - u, -1e-300))))
    return log_expit(u) + log_expit(-v) + gap


def log_probs(model: str, a: float, b: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """log P(X = k | theta), shape (K + 1, Q)."""
    b = np.asarray(b, dtype=float)
    if model == "grm":
        return _grm_log_probs(a, b, theta)
    # 2pl is the one-step gpcm: z_k = sum_{j<=k} a (theta - b_j)
    c = np.vstack([np.zeros((1, theta.size)), np.cumsum(theta[None, :] - b[:, None], axis=0)])
    z = a * c
    return z - logsumexp(z, axis=0, keepdims=True)


def probs(model: str, a: float, b: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """P(X = k | theta), shape (K + 1, Q); columns sum to 1."""
    return np.exp(log_probs(model, a, b, theta))


def log_probs_and_grad(model: str, a: float, b: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log P(X = k | theta) (K + 1, Q) and its derivatives by (a, b_1..b_K), shape (K + 1, Q, K + 1)."""
    b = np.asarray(b, dtype=float)
    K, Q = b.size, theta.size
    grad = np.empty((K + 1, Q, K + 1))
    if model == "grm":
        logp = _grm_log_probs(a, b, theta)
        p = np.maximum(np.exp(logp), TINY)
        star = expit(a * (theta[None, :] - b[:, None]))  # P(X >= k), k = 1..K
        w = np.zeros((K + 2, Q))
        w[1:-1] = star * (1.0 - star)  # logistic slope of each cumulative curve (0 for k = 0 and K + 1)
        dist = np.zeros((K + 2, Q))
        dist[1:-1] = theta[None, :] - b[:, None]
        grad[:, :, 0] = (w[:-1] * dist[:-1] - w[1:] * dist[1:]) / p
        for m in range(1, K + 1):
            # b_m moves P*(m): it raises P(m - 1) and lowers P(m) by a w_m
            g = np.zeros((K + 1, Q))
            g[m - 1] = a * w[m] / p[m - 1]
            g[m] = -a * w[m] / p[m]
            grad[:, :, m] = g
        return logp, grad
    c = np.vstack([np.zeros((1, Q)), np.cumsum(theta[None, :] - b[:, None], axis=0)])
    logp = a * c - logsumexp(a * c, axis=0, keepdims=True)
    p = np.exp(logp)
    grad[:, :, 0] = c - (p * c).sum(axis=0, keepdims=True)
    at_least = np.cumsum(p[::-1], axis=0)[::-1]  # P(X >= k), k = 0..K
    k = np.arange(K + 1)[:, None, None]
    j = np.arange(1, K + 1)[None, None, :]
    grad[:, :, 1:] = a * (at_least[1:].T[None, :, :] - (k >= j))
    return logp, grad


def expected_and_variance(model: str, a: float, b: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """E(X | theta) and Var(X | theta) at each theta."""
    p = probs(model, a, b, theta)
    k = np.arange(p.shape[0])[:, None]
    mean = (k * p).sum(axis=0)
    return mean, np.maximum((k * k * p).sum(axis=0) - mean * mean, 0.0)
