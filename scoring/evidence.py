"""Observables: a pure function of a scenario's evidence rules and its logged events."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from game.scenario.matching import fact_holds, first_match, matches
from game.scenario.models import Scenario
from game.scenario.rules import AtEnd, Before, Count, Duration, EvidenceRule, Happened, NotHappened


@dataclass(frozen=True)
class Observable:
    value: int | float | None  # None: the scenario did not get far enough to tell
    competence: str
    events: tuple[int, ...]  # seq of the events that support the value

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "competence": self.competence, "events": list(self.events)}


def _observe(rule: EvidenceRule, events: list[dict[str, Any]]) -> Observable:
    def seqs(found: Iterable[dict[str, Any]]) -> tuple[int, ...]:
        return tuple(e["seq"] for e in found)

    if isinstance(rule, Happened):
        hit = first_match(rule, events)
        return Observable(1 if hit else 0, rule.competence, seqs([hit] if hit else []))
    if isinstance(rule, NotHappened):
        hits = [e for e in events if matches(rule, e)]
        return Observable(0 if hits else 1, rule.competence, seqs(hits))
    if isinstance(rule, Count):
        hits = [e for e in events if matches(rule, e)]
        return Observable(len(hits), rule.competence, seqs(hits))
    if isinstance(rule, Before):
        first = first_match(rule.first, events)
        then = first_match(rule.then, events)
        ok = first is not None and (then is None or first["seq"] < then["seq"])
        return Observable(1 if ok else 0, rule.competence, seqs(e for e in (first, then) if e))
    if isinstance(rule, Duration):
        start = first_match(rule.start, events)
        end = first_match(rule.end, (e for e in events if start and e["seq"] > start["seq"]))
        if start is None or end is None:
            return Observable(None, rule.competence, seqs(e for e in (start, end) if e))
        return Observable(end["t_ms"] - start["t_ms"], rule.competence, seqs([start, end]))
    if isinstance(rule, AtEnd):
        ended = next((e for e in reversed(events) if e["type"] == "scenario_ended"), None)
        if ended is None:
            return Observable(None, rule.competence, ())
        final = ended["payload"].get("final") or {}
        return Observable(sum(fact_holds(f, final) for f in rule.facts), rule.competence, (ended["seq"],))
    raise AssertionError(f"unhandled rule {type(rule).__name__}")


def observables(scenario: Scenario, events: list[dict[str, Any]]) -> dict[str, Observable]:
    """Evaluate every evidence rule over the events of one play of `scenario`, in log order."""
    ordered = sorted((e for e in events if e.get("scenario") == scenario.id), key=lambda e: e["seq"])
    return {rule.observable: _observe(rule, ordered) for rule in scenario.evidence}


def scenario_result(scenario: Scenario, events: list[dict[str, Any]]) -> dict[str, Any]:
    """One play of a scenario: its outcome, observables, QA findings (with the game) and item score."""
    from scoring.measurement.item_score import item_score

    found = observables(scenario, events)
    outcome = next((e["payload"]["outcome"] for e in reversed(events)
                    if e["type"] == "scenario_ended" and e.get("scenario") == scenario.id), None)
    result: dict[str, Any] = {"outcome": outcome,
                              "observables": {k: v.to_dict() for k, v in sorted(found.items())}}
    game = scenario.apps.qa_game
    if game is not None:  # the QA lab: which seeded bugs were met, reported, and how well
        from game.qa.levels import TILE
        from game.runtime.qa_game import levels_for
        from scoring.qa import qa_observables

        seeded = [{"id": bug.id, "kind": bug.kind} for bug in game.bugs]
        widths = {level.id: level.width * TILE for level in levels_for(game)}
        played = [e for e in events if e.get("scenario") == scenario.id]
        result.update(qa_observables(seeded, played, widths))
    result["item_score"] = item_score(scenario, result)
    return result


def score_events(events: list[dict[str, Any]], scenarios: dict[str, Scenario]) -> dict[str, Any]:
    """Results of every scenario played in an event log: {"scenarios": {id: {"outcome", "observables",
    "item_score", ...}}}."""
    played: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if event.get("scenario"):
            played[event["scenario"]].append(event)
    result: dict[str, Any] = {}
    for scenario_id in sorted(played):
        if scenario_id not in scenarios:
            raise KeyError(scenario_id)
        result[scenario_id] = scenario_result(scenarios[scenario_id], played[scenario_id])
    return {"scenarios": result}
