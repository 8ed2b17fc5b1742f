"""A played session: the engine wired to the durable store, with results recorded at each scenario end."""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

from game.runtime.clock import Clock
from game.runtime.events import Event
from game.runtime.session import Accommodations, SessionEngine
from game.scenario.loader import LoadedScenario, ScenarioError, load_scenario, scenario_files
from game.store import EventStore
from scoring.evidence import scenario_result

# A participant code: pseudonymous letters, digits and dashes, never a name or an email.
PARTICIPANT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")
CODE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1IL5S2Z8B")


def test_participant_code(rng: random.Random | None = None) -> str:
    """A pseudonymous code for test and preview sessions (never a name)."""
    rng = rng or random.SystemRandom()
    return "TEST-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(5))


class PlaySession:
    """Engine + store: every event is durable before the engine returns to the UI."""

    def __init__(self, store: EventStore):
        self.store = store
        self.engine: SessionEngine | None = None

    def _result(self, event: Event) -> dict | None:
        """A scenario's observables and item score, recorded with its scenario_ended in the same transaction."""
        if event.type != "scenario_ended" or self.engine is None or self.engine.current is None:
            return None
        run = self.engine.current
        logged = [e for e in run.events if e["seq"] != event.seq]
        return scenario_result(run.loaded.scenario, [*logged, event.to_dict()])

    def _sink(self, event: Event) -> None:
        self.store.append(event, self._result(event))

    def _sink_batch(self, events: list[Event]) -> None:
        self.store.append_many([(event, self._result(event)) for event in events])

    def _attach(self, engine: SessionEngine) -> None:
        self.engine = engine
        engine.sink = self._sink
        engine.batch_sink = self._sink_batch

    @classmethod
    def new(cls, store: EventStore, scenarios: list[LoadedScenario], *, participant: str, locale: str,
            clock: Clock, accommodations: Accommodations | None = None, seed: int = 0) -> "PlaySession":
        session = cls(store)
        session._attach(SessionEngine(scenarios=scenarios, clock=clock, sink=session._sink, participant=participant,
                                      locale=locale, accommodations=accommodations, seed=seed))
        session.engine.start()
        return session

    @classmethod
    def resume(cls, store: EventStore, session_id: str, library: dict[str, LoadedScenario],
               clock: Clock) -> "PlaySession":
        session = cls(store)
        # The engine must be in place before anything is logged: a scenario_ended needs it for its result.
        session._attach(SessionEngine.replay(store.events(session_id), library, clock))
        session.engine.resumed(session._sink)
        return session


def abandon_session(store: EventStore, session_id: str, library: dict[str, LoadedScenario], clock: Clock,
                    reason: str = "not_resumed") -> None:
    """Close an interrupted session the participant chose not to resume: its scenario ends as abandoned."""
    session = PlaySession(store)
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
