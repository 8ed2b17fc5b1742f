"""Item response models: the probability of each item score 0..K at an ability theta, and the item's information.

One parameterisation everywhere (the kiosk, calibration, the benchmark), logistic metric without the 1.7:
- ``2pl``:  P(1) = 1 / (1 + exp(-a (theta - b))), thresholds = [b].
- ``gpcm``: P(k) proportional to exp(sum_{j<=k} a (theta - b_j)), k = 0..K; step thresholds b_1..b_K may be
  in any order (a reversed pair only means a category is never the most likely).
- ``grm``:  P(X >= k) = 1 / (1 + exp(-a (theta - b_k))), b_1 < ... < b_K; P(k) = P(X >= k) - P(X >= k+1).
With K = 1 all three are the same 2PL item.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Model = Literal["2pl", "gpcm", "grm"]
MODELS: tuple[str, ...] = ("2pl", "gpcm", "grm")


def _logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclass(frozen=True)
class ItemParameters:
    """What the measurement model knows of one scenario scored 0..K (K = len(thresholds))."""

    model: Model
    discrimination: float
    thresholds: tuple[float, ...]

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r} (one of {', '.join(MODELS)})")
        if not self.thresholds:
            raise ValueError("an item needs at least one threshold")
        if self.model == "2pl" and len(self.thresholds) != 1:
            raise ValueError("a 2pl item is scored 0/1 and has exactly one threshold (its difficulty)")
        if self.model == "grm" and any(b >= c for b, c in zip(self.thresholds, self.thresholds[1:])):
            raise ValueError("graded response thresholds must increase")
        if not self.discrimination > 0:
            raise ValueError("discrimination must be positive")

    @property
    def max_score(self) -> int:
        return len(self.thresholds)

    def probabilities(self, theta: float) -> list[float]:
        """P(X = k | theta) for k = 0..K; they sum to 1."""
        a, bs = self.discrimination, self.thresholds
        if self.model == "grm":
            above = [1.0] + [_logistic(a * (theta - b)) for b in bs] + [0.0]
            return [max(above[k] - above[k + 1], 0.0) for k in range(len(bs) + 1)]
        # 2pl is the one-step gpcm
        logits = [0.0]
        for b in bs:
            logits.append(logits[-1] + a * (theta - b))
        top = max(logits)
        weights = [math.exp(v - top) for v in logits]
        total = sum(weights)
        return [w / total for w in weights]

    def information(self, theta: float) -> float:
        """Fisher information about theta carried by the item's score at theta."""
        a = self.discrimination
        if self.model == "grm":
            above = [1.0] + [_logistic(a * (theta - b)) for b in self.thresholds] + [0.0]
            slopes = [a * p * (1.0 - p) for p in above]
            info = 0.0
            for k in range(len(self.thresholds) + 1):
                p = above[k] - above[k + 1]
                if p > 1e-300:
                    info += (slopes[k] - slopes[k + 1]) ** 2 / p
            return info
        probs = self.probabilities(theta)
        mean = sum(k * p for k, p in enumerate(probs))
        return a * a * sum((k - mean) ** 2 * p for k, p in enumerate(probs))

    def expected_score(self, theta: float) -> float:
        return sum(k * p for k, p in enumerate(self.probabilities(theta)))

    def sample(self, theta: float, u: float) -> int:
        """The score drawn by a uniform number u in [0, 1) (simulation)."""
        cumulative = 0.0
        probs = self.probabilities(theta)
        for k, p in enumerate(probs):
            cumulative += p
            if u < cumulative:
                return k
        return len(probs) - 1
