"""A played session: the engine wired to the durable store, with results recorded at each scenario end."""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from game.runtime.clock import Clock
from game.runtime.events import Event
from game.runtime.session import Accommodations, SessionEngine
from game.scenario.loader import LoadedScenario, ScenarioError, load_scenario, scenario_files
from game.delivery import Delivery, statements_for
from game.store import EventStore
from scoring.adaptive import AssessmentPlan, Sequencer
from scoring.evidence import scenario_result
from scoring.framework import DEFAULT_FRAMEWORK, load_framework
from scoring.measurement import OVERALL, ItemBank, load_bank, measure
from scoring.measurement.parameters import ParametersError

# A participant code: pseudonymous letters, digits and dashes, never a name or an email.
PARTICIPANT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")
CODE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1IL5S2Z8B")


def test_participant_code(rng: random.Random | None = None) -> str:
    """A pseudonymous code for test and preview sessions (never a name)."""
    rng = rng or random.SystemRandom()
    return "TEST-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(5))


class PlaySession:
    """Engine + store: every event is durable before the engine returns to the UI."""

    def __init__(self, store: EventStore, delivery: "Delivery | None" = None,
                 on_queued: Callable[[], None] | None = None):
        self.store = store
        self.engine: SessionEngine | None = None
        self.delivery = delivery  # None: no statements (a tool replaying a log, not a session being played)
        self.on_queued = on_queued  # wakes the sender when statements were queued

    def _result(self, event: Event) -> dict | None:
        """A scenario's observables and item score, recorded with its scenario_ended in the same transaction."""
        if event.type != "scenario_ended" or self.engine is None or self.engine.current is None:
            return None
        run = self.engine.current
        logged = [e for e in run.events if e["seq"] != event.seq]
        return scenario_result(run.loaded.scenario, [*logged, event.to_dict()])

    def _sink(self, event: Event) -> None:
        self._sink_batch([event])

    def _sink_batch(self, events: list[Event]) -> None:
        items = [(event, self._result(event)) for event in events]
        statements = (statements_for(self.delivery, self.engine, self.store, items)
                      if self.delivery is not None and self.engine is not None else [])
        self.store.append_many(items, statements)
        if statements and self.on_queued is not None:
            self.on_queued()
        sequencer = self.engine.sequencer if self.engine is not None else None
        for event, result in items:
            if result is not None and sequencer is not None:  # durable first, then it steers the next choice
                sequencer.record(event.scenario, result["item_score"])

    def _attach(self, engine: SessionEngine) -> None:
        self.engine = engine
        engine.sink = self._sink
        engine.batch_sink = self._sink_batch

    @classmethod
    def new(cls, store: EventStore, scenarios: list[LoadedScenario], *, participant: str, locale: str,
            clock: Clock, accommodations: Accommodations | None = None, seed: int = 0,
            assessment: "Assessment | None" = None, research_consent: bool = False,
            delivery: "Delivery | None" = None, on_queued: Callable[[], None] | None = None,
            plan: dict[str, Any] | None = None) -> "PlaySession":
        """A session playing `scenarios` in order, or the scenarios an assessment chooses among its pool.
        `plan`, without an assessment: what session_started logs (default {"mode": "fixed"})."""
        session = cls(store, delivery, on_queued)
        if assessment is not None:
            scenarios = assessment.pool
        session._attach(SessionEngine(
            scenarios=scenarios, clock=clock, sink=session._sink, participant=participant, locale=locale,
            accommodations=accommodations, seed=seed, sequencer=assessment.sequencer if assessment else None,
            plan=assessment.logged if assessment else plan, research_consent=research_consent))
        session.engine.start()
        return session

    @classmethod
    def resume(cls, store: EventStore, session_id: str, library: dict[str, LoadedScenario],
               clock: Clock, parameters: str | None = None, delivery: "Delivery | None" = None,
               on_queued: Callable[[], None] | None = None) -> "PlaySession":
        session = cls(store, delivery, on_queued)
        # The engine must be in place before anything is logged: a scenario_ended needs it for its result.
        engine = SessionEngine.replay(store.events(session_id), library, clock)
        if "framework" in engine.plan:  # its scenarios were chosen by an assessment: rebuild what it knew
            assessment = Assessment.from_log(engine.plan, engine.scenarios, engine.seed, parameters)
            for scenario, result in store.results(session_id).items():
                assessment.sequencer.record(scenario, result["item_score"])
            engine.sequencer = assessment.sequencer
        session._attach(engine)
        session.engine.resumed(session._sink)
        return session


@dataclass
class Assessment:
    """A session's way of choosing scenarios: the plan, the item bank it measures with, and the sequencer."""

    pool: list[LoadedScenario]
    sequencer: Sequencer
    logged: dict[str, Any]  # the plan as logged with session_started, enough to rebuild it on resume

    @classmethod
    def plan(cls, library: dict[str, LoadedScenario], plan: AssessmentPlan, *, framework: str = DEFAULT_FRAMEWORK,
             parameters: str | None = None, seed: int = 0) -> "Assessment":
        """Raises FrameworkError, or ValueError when the plan names scenarios the library does not have."""
        missing = [sid for sid in plan.scenarios if sid not in library]
        if missing:
            raise ValueError(f"scenario {missing[0]!r} of the assessment plan is not available")
        wanted = plan.scenarios or sorted(library)
        known_areas = {a.id for a in load_framework(framework).areas} | {OVERALL}
        unknown = [t for t in plan.targets if t not in known_areas]
        if unknown:
            raise ValueError(f"target {unknown[0]!r} of the assessment plan is not an area of {framework} "
                             f"(areas: {', '.join(sorted(known_areas))})")
        problem = None
        try:
            bank = load_bank({sid: library[sid] for sid in wanted}, framework, parameters)
        except ParametersError as exc:  # a broken calibration file must not stop a session: say so, go on
            problem = str(exc)
            bank = load_bank({sid: library[sid] for sid in wanted}, framework, None)
        if plan.mode == "adaptive":
            wanted = [sid for sid in wanted if sid in bank.items]  # only scored scenarios inform the choice
        logged = {**plan.model_dump(mode="json"), "framework": framework, "parameters_version": bank.version}
        if problem:
            logged["parameters_problem"] = problem
        return cls([library[sid] for sid in wanted], Sequencer(plan, bank, seed), logged)

    @classmethod
    def from_log(cls, logged: dict[str, Any], pool: list[LoadedScenario], seed: int,
                 parameters: str | None = None) -> "Assessment":
        fields = {k: v for k, v in logged.items() if k in AssessmentPlan.model_fields}
        plan = AssessmentPlan.model_validate(fields)
        library = {loaded.id: loaded for loaded in pool}
        try:
            bank = load_bank(library, logged["framework"], parameters)
        except ParametersError:
            bank = load_bank(library, logged["framework"], None)
        return cls(pool, Sequencer(plan, bank, seed), logged)


def new_seed() -> int:
    """A session's seed: adaptive draws differ from one participant to the next (exposure control)."""
    return random.SystemRandom().randrange(1, 2**31)


def abandon_session(store: EventStore, session_id: str, library: dict[str, LoadedScenario], clock: Clock,
                    reason: str = "not_resumed", delivery: "Delivery | None" = None) -> None:
    """Close an interrupted session the participant chose not to resume: its scenario ends as abandoned."""
    session = PlaySession(store, delivery)
    session._attach(SessionEngine.replay(store.events(session_id), library, clock))
    session.engine.end_session(reason)


def scenario_library(roots: list[Path]) -> dict[str, LoadedScenario]:
    """Every valid scenario under the roots, by id (invalid files are left to `numplus validate`)."""
    found: dict[str, LoadedScenario] = {}
    for path in scenario_files([r for r in roots if r.exists()]):
        try:
            loaded = load_scenario(path)
        except ScenarioError:
            continue
        found.setdefault(loaded.id, loaded)
    return found


def session_measurement(store: EventStore, session_id: str, bank: ItemBank) -> dict[str, Any]:
    """What a session measured so far: `measure` over the item scores recorded with its results."""
    return measure({sid: r["item_score"] for sid, r in store.results(session_id).items()}, bank)


def stored_session_bank(store: EventStore, session_id: str, library: dict[str, LoadedScenario],
                        parameters: str | None = None) -> ItemBank:
    """The bank a stored session measures with, from its logged plan: its framework, its scenarios still in
    the library, and calibrated parameters when its plan used them (provisional ones if that file is broken)."""
    started = store.session_started(session_id)
    payload = started.payload if started is not None else {}
    plan = payload.get("plan") or {}
    scenarios = {sid: library[sid] for sid in payload.get("scenarios", []) if sid in library}
    framework = plan.get("framework", DEFAULT_FRAMEWORK)
    calibrated = parameters if "parameters_version" in plan else None
    try:
        return load_bank(scenarios, framework, calibrated)
    except ParametersError:
        return load_bank(scenarios, framework, None)
