"""Ability estimates per area and overall, and what a facilitator can say about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scoring.framework import Framework
from scoring.measurement.bank import BankItem
from scoring.measurement.posterior import Posterior

OVERALL = "overall"
CONFIDENT = 0.70  # below this, no level group is likely enough to name alone: "between two levels"
DIGITS = 4


@dataclass
class Estimates:
    """One posterior per area and one overall, updated scenario by scenario."""

    framework: Framework
    posteriors: dict[str, Posterior] = field(default_factory=dict)

    def record(self, item: BankItem, score: int) -> None:
        for scale in (item.area, OVERALL):
            self.posteriors.setdefault(scale, Posterior()).update(item.parameters, score)

    def posterior(self, scale: str) -> Posterior | None:
        return self.posteriors.get(scale)

    def level_probabilities(self, scale: str) -> dict[str, float] | None:
        """Probability of each level group (e.g. foundation .. highly-specialised) on a scale."""
        posterior = self.posteriors.get(scale)
        if posterior is None:
            return None
        fine = posterior.interval_probabilities(self.framework.cuts(None if scale == OVERALL else scale))
        return {g.id: sum(fine[n - 1] for n in g.levels) for g in self.framework.groups}

    def report(self, scale: str) -> dict[str, Any]:
        """{"status", "theta", "se", "level", "level_probabilities", "between_levels", "proficiency_level",
        "proficiency_probabilities", "n_scenarios"}; no evidence: status "not_measured" and no level."""
        posterior = self.posteriors.get(scale)
        if posterior is None or posterior.n_items == 0:
            return {"status": "not_measured", "theta": None, "se": None, "level": None,
                    "level_probabilities": None, "between_levels": None, "proficiency_level": None,
                    "proficiency_probabilities": None, "n_scenarios": 0}
        fine = posterior.interval_probabilities(self.framework.cuts(None if scale == OVERALL else scale))
        groups = self.level_probabilities(scale) or {}
        level = max(groups, key=lambda g: groups[g])  # ties go to the lower group: the framework's order
        return {
            "status": "measured",
            "theta": round(posterior.mean, DIGITS),
            "se": round(posterior.sd, DIGITS),
            "level": level,
            "level_probabilities": {g: round(p, DIGITS) for g, p in groups.items()},
            "between_levels": groups[level] < CONFIDENT,
            "proficiency_level": 1 + max(range(len(fine)), key=lambda i: fine[i]),
            "proficiency_probabilities": {str(i + 1): round(p, DIGITS) for i, p in enumerate(fine)},
            "n_scenarios": posterior.n_items,
        }
