"""Choosing the next scenario of a session, and when to stop.

Adaptive choice follows Pix's "flash" algorithm: the most informative scenario at the current estimate,
drawn at random among the few best to limit how often any one scenario is seen, with content balancing
(each targeted area gets a minimum), never two overlapping scenarios, within a maximum length and a
time budget, stopping once every targeted area's level is known well enough.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from scoring.adaptive.plan import AssessmentPlan
from scoring.measurement.bank import BankItem, ItemBank
from scoring.measurement.estimates import OVERALL, Estimates

# The best of the top few is drawn with weight 1, the next with 1/2, then 1/4...: with 3, about 57/29/14 %.
DRAW_DECAY = 0.5


@dataclass(frozen=True)
class Choice:
    scenario: str
    why: dict[str, Any]  # logged with the scenario's start: how it was chosen


@dataclass
class Sequencer:
    plan: AssessmentPlan
    bank: ItemBank
    seed: int = 0
    played: list[str] = field(default_factory=list)
    estimates: Estimates = field(init=False)
    stop_reason: str | None = None

    def __post_init__(self) -> None:
        self.estimates = Estimates(self.bank.framework)
        unknown = [s for s in self.plan.scenarios if s not in self.bank.items]
        if unknown and self.plan.mode == "adaptive":
            raise ValueError(f"scenario {unknown[0]!r} is not in the item bank")

    # --- what happened ---------------------------------------------------------
    def record(self, scenario: str, item_score: int | None) -> None:
        """A scenario was played; its score counts when it has one (an abandoned play does not)."""
        self.played.append(scenario)
        if item_score is not None and scenario in self.bank.items:
            self.estimates.record(self.bank.items[scenario], item_score)

    # --- what comes next ---------------------------------------------------------
    def targets(self) -> list[str]:
        pool = self.pool()
        return self.plan.targets or sorted({self.bank.items[s].area for s in pool},
                                           key=[a.id for a in self.bank.framework.areas].index)

    def pool(self) -> list[str]:
        return [s for s in (self.plan.scenarios or sorted(self.bank.items)) if s in self.bank.items]

    def next(self) -> Choice | None:
        """The next scenario, or None (then `stop_reason` says why)."""
        if self.plan.mode != "adaptive":
            return self._next_in_order()
        n = len(self.played)
        if n >= self.plan.max_scenarios:
            return self._stop("max_scenarios")
        eligible = self._eligible()
        if not eligible:
            out_of_time = [s for s in self._unplayed() if s not in self._blocked()]
            return self._stop("time_budget" if out_of_time else "bank_exhausted")
        targets = self.targets()
        in_area = {t: [s for s in eligible if _informs(self.bank.items[s], t)] for t in targets}
        needy = [t for t in targets if in_area[t] and self._count(t) < self.plan.min_per_area]
        unsettled = [t for t in targets if in_area[t] and not self.known(t)]
        if needy:
            focus = needy
        elif unsettled:
            focus = unsettled
        elif n < self.plan.min_scenarios:
            focus = [t for t in targets if in_area[t]]
        else:
            return self._stop("precise_enough" if all(self.known(t) for t in targets) else "bank_exhausted")
        if not focus:
            return self._stop("bank_exhausted")
        candidates = sorted({s for t in focus for s in in_area[t]})
        scale = {s: (self.bank.items[s].area if self.bank.items[s].area in focus else OVERALL) for s in candidates}
        ranked = sorted(((self._information(s, scale[s]), s) for s in candidates), key=lambda x: (-x[0], x[1]))
        top = ranked[:self.plan.top_n]
        rng = random.Random(f"{self.seed}:{n}")  # the same session state always draws the same scenario
        weights = [DRAW_DECAY ** i for i in range(len(top))]
        information, chosen = rng.choices(top, weights=weights)[0]
        return Choice(chosen, {"mode": "adaptive", "area": self.bank.items[chosen].area, "information": round(information, 4),
                               "estimate": round(self._theta(scale[chosen]), 4), "focus": focus,
                               "among": [s for _, s in top]})

    def _next_in_order(self) -> Choice | None:
        for position, scenario in enumerate(self.plan.scenarios):
            if scenario not in self.played:
                return Choice(scenario, {"mode": self.plan.mode, "position": position})
        return self._stop("form_finished")

    def _stop(self, reason: str) -> None:
        self.stop_reason = reason
        return None

    # --- helpers -----------------------------------------------------------------
    def _unplayed(self) -> list[str]:
        return [s for s in self.pool() if s not in self.played]

    def _blocked(self) -> set[str]:
        """Scenarios overlapping one already played."""
        return {o for s in self.played if s in self.bank.items for o in self.bank.items[s].overlaps}

    def _eligible(self) -> list[str]:
        used = sum(self.bank.items[s].minutes for s in self.played if s in self.bank.items)
        left = self.plan.time_budget_minutes - used
        blocked = self._blocked()
        return [s for s in self._unplayed() if s not in blocked and self.bank.items[s].minutes <= left]

    def _count(self, target: str) -> int:
        return sum(1 for s in self.played if s in self.bank.items and _informs(self.bank.items[s], target))

    def _theta(self, scale: str) -> float:
        posterior = self.estimates.posterior(scale)
        return posterior.mean if posterior is not None else 0.0

    def _information(self, scenario: str, scale: str) -> float:
        return self.bank.items[scenario].parameters.information(self._theta(scale))

    def known(self, target: str) -> bool:
        """The target's level is known with the plan's probability, or its SE is small enough."""
        posterior = self.estimates.posterior(target)
        if posterior is None:
            return False
        groups = self.estimates.level_probabilities(target) or {}
        # A probability of 1 is read as "never stop on probability" (sums can round to exactly 1.0).
        sure = self.plan.stop_probability < 1 and max(groups.values()) >= self.plan.stop_probability
        return sure or posterior.sd <= self.plan.stop_se


def _informs(item: BankItem, target: str) -> bool:
    return target == OVERALL or item.area == target
