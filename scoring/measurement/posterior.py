"""Ability on a fixed grid: a normal prior updated by item scores; EAP estimate and posterior SD.

Pure Python (the kiosk has no numpy). The grid is the midpoints of 0.1-wide cells over [-4, 4], so no
grid point sits on a cut score and each point stands for its own cell when level probabilities are summed.
Each item's log-likelihood over the grid is computed once and cached, so an update is one pass of adds.
"""

from __future__ import annotations

import math
from functools import lru_cache

from scoring.measurement.models import ItemParameters

GRID_MIN, GRID_MAX, GRID_STEP = -4.0, 4.0, 0.1
GRID: tuple[float, ...] = tuple(GRID_MIN + GRID_STEP * (i + 0.5)
                                for i in range(round((GRID_MAX - GRID_MIN) / GRID_STEP)))
FLOOR = 1e-300  # a probability of exactly 0 would make one response rule a theta out for ever


@lru_cache(maxsize=4096)
def log_likelihood(item: ItemParameters, score: int) -> tuple[float, ...]:
    if not 0 <= score <= item.max_score:
        raise ValueError(f"score {score} is outside 0..{item.max_score}")
    return tuple(math.log(max(item.probabilities(theta)[score], FLOOR)) for theta in GRID)


class Posterior:
    """The posterior of one ability (an area or overall) given the item scores seen so far."""

    def __init__(self, prior_mean: float = 0.0, prior_sd: float = 1.0):
        self.log_weights = [-0.5 * ((theta - prior_mean) / prior_sd) ** 2 for theta in GRID]
        self.n_items = 0
        self._summary: tuple[list[float], float, float] | None = None

    def update(self, item: ItemParameters, score: int) -> None:
        self.log_weights = [w + ll for w, ll in zip(self.log_weights, log_likelihood(item, score))]
        self.n_items += 1
        self._summary = None

    def _summarise(self) -> tuple[list[float], float, float]:
        if self._summary is None:
            top = max(self.log_weights)
            weights = [math.exp(w - top) for w in self.log_weights]
            total = sum(weights)
            density = [w / total for w in weights]
            mean = sum(p * t for p, t in zip(density, GRID))
            variance = sum(p * (t - mean) ** 2 for p, t in zip(density, GRID))
            self._summary = (density, mean, math.sqrt(max(variance, 0.0)))
        return self._summary

    @property
    def density(self) -> list[float]:
        """Posterior probability of each grid cell (sums to 1)."""
        return self._summarise()[0]

    @property
    def mean(self) -> float:
        """The EAP estimate."""
        return self._summarise()[1]

    @property
    def sd(self) -> float:
        """The posterior SD, reported as the standard error."""
        return self._summarise()[2]

    def interval_probabilities(self, cuts: list[float]) -> list[float]:
        """Posterior probability of each interval the cuts make (len(cuts) + 1 values, summing to 1)."""
        out = [0.0] * (len(cuts) + 1)
        index = 0
        for theta, p in zip(GRID, self.density):
            while index < len(cuts) and theta >= cuts[index]:
                index += 1
            out[index] += p
        return out
