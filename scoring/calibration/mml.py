"""Marginal maximum likelihood item calibration by EM (Bock & Aitkin, 1981).

Abilities are integrated out on a fixed quadrature grid under a N(0, 1) population, which sets the scale
(mean 0, SD 1) the kiosk's thresholds live on. Missing responses simply leave a person's likelihood
untouched, so sparse adaptive designs need nothing special.

Strictly this is marginal MAP: weak priors keep items with little or extreme data finite, as in BILOG and
mirt. They are log a ~ N(0, 0.5^2) (a log-normal on the discrimination, centred on 1) and b ~ N(0, 3^2) on
every threshold; with a few hundred responses per item the data outweigh them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from scoring.calibration.irt import log_probs, log_probs_and_grad

N_POINTS = 61
BOUND = 6.0
MAX_CYCLES = 500
TOLERANCE = 1e-4  # largest change of any a or b from one EM cycle to the next
LOG_A_SD = 0.5
THRESHOLD_SD = 3.0
# Box for L-BFGS-B, far outside any sensible item: it only keeps exp() finite while searching.
_LOG_A_BOUNDS = (np.log(0.01), np.log(30.0))
_B_BOUNDS = (-20.0, 20.0)
_LOG_GAP_BOUNDS = (-10.0, np.log(20.0))


@dataclass(frozen=True)
class ItemEstimate:
    model: str
    discrimination: float
    thresholds: tuple[float, ...]
    n: int  # persons with a response
    se_discrimination: float | None = None
    se_thresholds: tuple[float, ...] | None = None


@dataclass(frozen=True)
class MMLResult:
    items: dict[str, ItemEstimate]
    theta: np.ndarray  # EAP per person
    theta_sd: np.ndarray  # posterior SD per person
    cycles: int
    converged: bool
    log_likelihood: float  # marginal log-likelihood at the estimates (without the priors)
    n_points: int


def quadrature(n_points: int = N_POINTS, bound: float = BOUND) -> tuple[np.ndarray, np.ndarray]:
    """Equally spaced nodes with N(0, 1) weights summing to 1."""
    nodes = np.linspace(-bound, bound, n_points)
    weights = np.exp(-0.5 * nodes**2)
    return nodes, weights / weights.sum()


class _Item:
    """One item's data and its M-step, in unconstrained parameters u = (log a, t):
    t = b for 2pl/gpcm; t = (b_1, log(b_2 - b_1), ...) for grm, so its thresholds always increase."""

    def __init__(self, model: str, column: np.ndarray, max_score: int):
        self.model = model
        self.rows = np.flatnonzero(~np.isnan(column))
        self.x = column[self.rows].astype(int)
        self.onehot = np.eye(max_score + 1)[self.x]  # (n, K + 1): turns posteriors into expected counts
        self.K = max_score
        self.a, self.b = 1.0, self._start()

    def _start(self) -> np.ndarray:
        # Logits of the observed proportions: close enough for EM to start from, and in the right order.
        counts = np.bincount(self.x, minlength=self.K + 1) + 0.5
        if self.model == "grm":
            above = counts[::-1].cumsum()[::-1][1:] / counts.sum()
            b = -np.log(above / (1 - above))
            return np.maximum.accumulate(b + np.arange(self.K) * 1e-3)
        return np.log(counts[:-1] / counts[1:])

    def pack(self) -> np.ndarray:
        t = self.b.copy()
        if self.model == "grm":
            t[1:] = np.log(np.maximum(np.diff(self.b), 1e-4))
        return np.concatenate([[np.log(self.a)], t])

    def unpack(self, u: np.ndarray) -> tuple[float, np.ndarray]:
        b = u[1:].copy()
        if self.model == "grm":
            b = b[0] + np.concatenate([[0.0], np.cumsum(np.exp(u[2:]))])
        return float(np.exp(u[0])), b

    def bounds(self) -> list[tuple[float, float]]:
        rest = [_B_BOUNDS] + [_LOG_GAP_BOUNDS if self.model == "grm" else _B_BOUNDS] * (self.K - 1)
        return [_LOG_A_BOUNDS] + rest

    def _objective(self, u: np.ndarray, counts: np.ndarray, nodes: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = self.unpack(u)
        logp, grad = log_probs_and_grad(self.model, a, b, nodes)
        value = float((counts * logp).sum()) - u[0] ** 2 / (2 * LOG_A_SD**2) - float((b * b).sum()) / (2 * THRESHOLD_SD**2)
        g = np.einsum("kq,kqp->p", counts, grad)
        g_b = g[1:] - b / THRESHOLD_SD**2
        out = np.empty_like(u)
        out[0] = g[0] * a - u[0] / LOG_A_SD**2
        if self.model == "grm":
            # b_m = b_1 + sum_{l<=m} exp(u_l): d/db_1 is the sum of all, d/du_l sums b_m for m >= l
            tail = g_b[::-1].cumsum()[::-1]
            out[1] = tail[0]
            out[2:] = tail[1:] * np.exp(u[2:])
        else:
            out[1:] = g_b
        return -value, -out

    def m_step(self, counts: np.ndarray, nodes: np.ndarray) -> None:
        result = minimize(self._objective, self.pack(), args=(counts, nodes), jac=True, method="L-BFGS-B",
                          bounds=self.bounds())
        self.a, self.b = self.unpack(result.x)

    def params(self) -> np.ndarray:
        return np.concatenate([[self.a], self.b])


def _e_step(items: list[_Item], n_persons: int, nodes: np.ndarray, log_weights: np.ndarray
            ) -> tuple[np.ndarray, float]:
    """Each person's posterior over the nodes, and the marginal log-likelihood."""
    loglik = np.tile(log_weights, (n_persons, 1))
    for item in items:
        loglik[item.rows] += log_probs(item.model, item.a, item.b, nodes)[item.x]
    top = loglik.max(axis=1, keepdims=True)
    post = np.exp(loglik - top)
    total = post.sum(axis=1, keepdims=True)
    post /= total
    return post, float((top + np.log(total)).sum())


def _standard_errors(items: list[_Item], post: np.ndarray, nodes: np.ndarray) -> list[np.ndarray | None]:
    """Approximate SEs of (a, b_1..b_K) from the cross-product of the persons' score vectors (the
    empirical information, as mirt's "crossprod"), plus the priors' curvature."""
    n = post.shape[0]
    blocks, prior = [], []
    for item in items:
        _, grad = log_probs_and_grad(item.model, item.a, item.b, nodes)
        scores = np.zeros((n, item.K + 1))
        scores[item.rows] = np.einsum("nq,nqp->np", post[item.rows], grad[item.x])
        blocks.append(scores)
        # -d2/da2 of log-normal prior in a, and 1/sd^2 for each threshold
        prior.append([max((1 - np.log(item.a)) / (LOG_A_SD * item.a) ** 2, 0.0)] + [THRESHOLD_SD**-2] * item.K)
    scores = np.hstack(blocks)
    info = scores.T @ scores + np.diag(np.concatenate(prior))
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return [None] * len(items)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    out, start = [], 0
    for item in items:
        out.append(se[start:start + item.K + 1])
        start += item.K + 1
    return out


def fit_mml(scores: np.ndarray, item_ids: list[str], models: list[str], *, n_points: int = N_POINTS,
            bound: float = BOUND, max_cycles: int = MAX_CYCLES, tolerance: float = TOLERANCE,
            standard_errors: bool = True) -> MMLResult:
    """Calibrate every column of `scores` (persons x items, NaN = not administered) with its model.

    Each item is scored 0..K with K its largest observed score; every category should be observed (the
    caller leaves other items out). Persons without any response only carry the prior: drop them first.
    """
    if scores.shape[1] != len(item_ids) or len(item_ids) != len(models):
        raise ValueError("one model per item column")
    nodes, weights = quadrature(n_points, bound)
    log_weights = np.log(weights)
    items = [_Item(model, scores[:, j], int(np.nanmax(scores[:, j]))) for j, model in enumerate(models)]
    converged, cycles = False, 0
    for cycles in range(1, max_cycles + 1):
        post, _ = _e_step(items, scores.shape[0], nodes, log_weights)
        before = np.concatenate([item.params() for item in items])
        for item in items:
            item.m_step(item.onehot.T @ post[item.rows], nodes)
        change = np.abs(np.concatenate([item.params() for item in items]) - before).max()
        if change < tolerance:
            converged = True
            break
    post, loglik = _e_step(items, scores.shape[0], nodes, log_weights)
    theta = post @ nodes
    theta_sd = np.sqrt(np.maximum(post @ nodes**2 - theta**2, 0.0))
    ses = _standard_errors(items, post, nodes) if standard_errors else [None] * len(items)
    estimates = {
        item_id: ItemEstimate(item.model, item.a, tuple(float(v) for v in item.b), item.rows.size,
                              None if se is None else float(se[0]),
                              None if se is None else tuple(float(v) for v in se[1:]))
        for item_id, item, se in zip(item_ids, items, ses)
    }
    return MMLResult(estimates, theta, theta_sd, cycles, converged, loglik, n_points)
