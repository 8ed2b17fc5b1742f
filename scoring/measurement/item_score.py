"""A scenario's item score: its observables combined by the rule its measurement block declares."""

from __future__ import annotations

from typing import Any

from game.scenario.models import Scenario

# Plays that say something about ability. An abandoned scenario (the machine stopped, the session was
# closed unresumed) says nothing, so it is left out rather than scored 0.
SCORED_OUTCOMES = frozenset({"completed", "ended_by_participant", "timed_out"})


def qa_values(result: dict[str, Any]) -> dict[str, float]:
    """The QA lab's counts (see QA_VALUES) from a scenario result that has its `seeded_bugs`."""
    bugs = result.get("seeded_bugs")
    if bugs is None:
        return {}
    return {"qa.bugs_met": sum(1 for b in bugs if b["met"]),
            "qa.bugs_reported": sum(1 for b in bugs if b["reported"]),
            "qa.false_reports": len(result.get("false_reports", [])),
            "qa.duplicate_reports": len(result.get("duplicate_reports", []))}


def item_score(scenario: Scenario, result: dict[str, Any]) -> int | None:
    """0..K, or None when the scenario is not scored or its play does not count."""
    if scenario.measurement is None or result.get("outcome") not in SCORED_OUTCOMES:
        return None
    values: dict[str, float | None] = {name: obs["value"] for name, obs in result["observables"].items()}
    values.update(qa_values(result))
    return scenario.measurement.item_score.score(values)
