"""A scenario's measurement block: how its observables become one item score 0..K, and the item's parameters.

Evidence-centred design keeps the evidence model (observables) apart from the statistical model: the
observables of one scenario are not independent pieces of evidence, so they are combined here into one
ordered score, and only that score meets the measurement model.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from game.scenario.rules import CompetenceId

# Values the QA lab derives from a play (scoring/qa.py), usable in item scores of scenarios with the game.
QA_VALUES = ("qa.bugs_met", "qa.bugs_reported", "qa.false_reports", "qa.duplicate_reports")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(Strict):
    """One point when an observable's value is in range (a missing value never earns it)."""

    observable: str
    at_least: float | None = Field(default=None, description="Met when the value is at least this (default 1)")
    at_most: float | None = Field(default=None, description="Met when the value is at most this")

    @model_validator(mode="after")
    def _one_bound(self) -> "Criterion":
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError("at_least is above at_most: the criterion can never be met")
        return self

    def met(self, value: float | None) -> bool:
        if value is None:
            return False
        if self.at_least is None and self.at_most is None:
            return value >= 1
        return ((self.at_least is None or value >= self.at_least)
                and (self.at_most is None or value <= self.at_most))


Term = str | Criterion  # a bare observable name: met when its value is at least 1


def criterion(term: Term) -> Criterion:
    return Criterion(observable=term) if isinstance(term, str) else term


class ItemScore(Strict):
    """`sum`: one point per criterion met. `rubric`: ordered rungs; the score is the highest rung whose
    criteria are all met (and every rung below it)."""

    sum: list[Term] | None = Field(default=None, min_length=1)
    rubric: list[list[Term]] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_rule(self) -> "ItemScore":
        if (self.sum is None) == (self.rubric is None):
            raise ValueError("give exactly one of `sum` or `rubric`")
        if self.rubric is not None and any(not rung for rung in self.rubric):
            raise ValueError("every rubric rung needs at least one criterion")
        return self

    @property
    def max_score(self) -> int:
        return len(self.sum) if self.sum is not None else len(self.rubric or [])

    def terms(self) -> list[tuple[tuple[str | int, ...], Criterion]]:
        """Every criterion with its place in the block (for cross-checks)."""
        if self.sum is not None:
            return [(("sum", i), criterion(t)) for i, t in enumerate(self.sum)]
        return [(("rubric", i, j), criterion(t)) for i, rung in enumerate(self.rubric or []) for j, t in enumerate(rung)]

    def score(self, values: dict[str, float | None]) -> int:
        if self.sum is not None:
            return sum(criterion(t).met(values.get(criterion(t).observable)) for t in self.sum)
        reached = 0
        for rung in self.rubric or []:
            if not all(criterion(t).met(values.get(criterion(t).observable)) for t in rung):
                break
            reached += 1
        return reached


class Calibration(Strict):
    date: dt.date
    sample_size: int = Field(ge=1)


class Measurement(Strict):
    item_score: ItemScore
    model: Literal["2pl", "gpcm", "grm"] = Field(
        description="2pl for a 0/1 score; gpcm (generalised partial credit) or grm (graded response) for 0..K")
    discrimination: float = Field(gt=0, le=5)
    thresholds: list[float] = Field(min_length=1, description="One per score point: K thresholds for a 0..K score")
    competences: list[CompetenceId] | None = Field(
        default=None, description="Competences the score informs (default: the scenario's); they give its area")
    overlaps: list[str] = Field(default_factory=list,
                                description="Scenarios too close to this one to be given in the same session")
    parameters: Literal["provisional", "calibrated"] = Field(
        default="provisional", description="provisional: set by the author; calibrated: estimated from data")
    calibrated: Calibration | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Measurement":
        k = self.item_score.max_score
        if len(self.thresholds) != k:
            raise ValueError(f"the item score goes up to {k}, so it needs {k} threshold(s), not {len(self.thresholds)}")
        if self.model == "2pl" and k != 1:
            raise ValueError("a 2pl item is scored 0/1: use gpcm or grm for a score up to "
                             f"{k}")
        if self.model == "grm" and any(b >= c for b, c in zip(self.thresholds, self.thresholds[1:])):
            raise ValueError("graded response (grm) thresholds must increase")
        if any(abs(b) > 4 for b in self.thresholds):
            raise ValueError("thresholds must lie within [-4, 4], the measurement grid")
        if (self.parameters == "calibrated") != (self.calibrated is not None):
            raise ValueError("calibrated parameters need `calibrated: {date, sample_size}` (and only they do)")
        return self
