"""The session engine: one participant, an ordered list of scenarios, one append-only event log.

Pure: actions in, events out through `sink`; time from the injected clock. The UI never
changes app state itself, it sends actions here.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol

from game import APP_VERSION
from game.runtime import actions as a
from game.runtime.clock import Clock
from game.runtime.events import LOG_SCHEMA_VERSION, OUTCOMES, TELEMETRY, Event
from game.runtime.desktop import Desktop
from game.runtime.mailbox import Mailbox, Rejected
from game.runtime.replay import action_of, same
from game.scenario.loader import LoadedScenario
from game.scenario.matching import fact_holds, matches
from game.scenario.rules import StateCondition

Sink = Callable[[Event], None]
BatchSink = Callable[[list[Event]], None]
MORE_TIME_OFFER_AT = 0.8  # share of a time budget after which the participant is offered more time
EXTRA_TIME_MINUTES = 5  # what each "yes, more time" adds (accommodation extra_time_minutes)


class Chosen(Protocol):
    scenario: str
    why: dict[str, Any]


class Sequencer(Protocol):
    """Chooses each next scenario (scoring/adaptive); the engine only logs the choice with its reasons."""

    def next(self) -> Chosen | None: ...


@dataclass
class Accommodations:
    text_scale: int = 100
    read_aloud: bool = False
    theme: str = "default"
    extra_time_minutes: int = 0  # asked for when a time budget nears its end; kept for the rest of the session

    def to_dict(self) -> dict[str, Any]:
        return {"text_scale": self.text_scale, "read_aloud": self.read_aloud, "theme": self.theme,
                "extra_time_minutes": self.extra_time_minutes}


@dataclass
class Outcome:
    """What happened to one action."""

    accepted: bool
    reason: str | None = None
    events: list[Event] = field(default_factory=list)
    scenario_completed: bool = False


@dataclass
class ScenarioRun:
    """The live state of the scenario being played."""

    loaded: LoadedScenario
    index: int
    start_ms: int
    desktop: Desktop
    events: list[dict[str, Any]] = field(default_factory=list)
    outcome: str | None = None

    @property
    def mailbox(self) -> Mailbox | None:
        return self.desktop.mail

    def final(self) -> dict[str, Any]:
        return self.desktop.summary()

    @property
    def time_budget_ms(self) -> int | None:
        """Time planned for the scenario, if any (never shown as pressure): then it ends as timed_out."""
        game = self.loaded.scenario.apps.qa_game
        return game.time_budget_minutes * 60_000 if game is not None and game.time_budget_minutes else None


class SessionError(Exception):
    pass


class SessionEngine:
    def __init__(self, *, scenarios: list[LoadedScenario], clock: Clock, sink: Sink, participant: str,
                 locale: str, session_id: str | None = None, accommodations: Accommodations | None = None,
                 seed: int = 0, sequencer: Sequencer | None = None, plan: dict[str, Any] | None = None,
                 research_consent: bool = False):
        self.session_id = session_id or str(uuid.uuid4())
        self.participant = participant
        self.locale = locale
        self.scenarios = scenarios
        self.clock = clock
        self.sink = sink
        self.accommodations = accommodations or Accommodations()
        self.seed = seed
        self.sequencer = sequencer  # None: the scenarios are played in their order
        self.research_consent = research_consent  # the participant's answer: may process data serve research?
        # How scenarios are chosen, logged with session_started and read back on resume.
        self.plan = plan or {"mode": "fixed"}
        self._upcoming: tuple[LoadedScenario, dict[str, Any] | None] | None = None
        self.seq = 0
        self.current: ScenarioRun | None = None
        self.next_index = 0
        self.started = False
        self.ended = False
        self._replaying = False  # rebuilding state from the log: end conditions wait for the logged events
        self._replay_utc: str | None = None  # during replay, the logged time of the action being replayed
        self._batch: list[Event] | None = None  # events of the action being applied, sunk together
        self.batch_sink: BatchSink | None = None  # when set, receives each action's events in one call

    # --- life cycle ------------------------------------------------------------
    def start(self) -> Event:
        if self.started:
            raise SessionError("session already started")
        self.started = True
        return self._emit("session_started", {
            "app_version": APP_VERSION, "log_schema_version": LOG_SCHEMA_VERSION, "locale": self.locale,
            "accommodations": self.accommodations.to_dict(), "participant": self.participant,
            "scenarios": [s.id for s in self.scenarios], "seed": self.seed,
            "plan": self.plan, "consent": {"research": self.research_consent},
        })

    @property
    def upcoming(self) -> LoadedScenario | None:
        """The scenario that comes next (chosen once, then kept until it starts), or None when none is left."""
        if self.ended or (self.current is not None and self.current.outcome is None):
            return None
        if self._upcoming is None:
            if self.sequencer is None:
                if self.next_index < len(self.scenarios):
                    self._upcoming = (self.scenarios[self.next_index], None)
            else:
                choice = self.sequencer.next()
                if choice is not None:
                    pool = {s.id: s for s in self.scenarios}
                    self._upcoming = (pool[choice.scenario], choice.why)
        return self._upcoming[0] if self._upcoming else None

    @property
    def has_next_scenario(self) -> bool:
        return self.upcoming is not None

    def start_scenario(self) -> ScenarioRun:
        if self.current is not None and self.current.outcome is None:
            raise SessionError("the current scenario has not ended")
        loaded = self.upcoming
        if loaded is None:
            raise SessionError("no scenario left in this session")
        why = self._upcoming[1] if self._upcoming else None
        self._upcoming = None
        self.current = ScenarioRun(loaded=loaded, index=self.next_index, start_ms=self.clock.now_ms(),
                                   desktop=Desktop(loaded.scenario.apps, self.locale))
        self.next_index += 1
        self._emit("scenario_started", {"index": self.current.index, "scenario_hash": loaded.content_hash,
                                        "apps": loaded.scenario.apps.names(),
                                        "chosen": why or {"mode": "fixed", "position": self.current.index}})
        return self.current

    def end_scenario(self, outcome: str) -> Event:
        if outcome not in OUTCOMES:
            raise SessionError(f"unknown outcome {outcome!r}")
        run = self._running()
        run.outcome = outcome
        return self._emit("scenario_ended", {"outcome": outcome, "final": run.final()})

    def end_session(self, reason: str = "finished") -> Event:
        if self.current is not None and self.current.outcome is None:
            self.end_scenario("abandoned")
        event = self._emit("session_ended", {"reason": reason})
        self.ended = True
        self.current = None
        return event

    # --- actions ---------------------------------------------------------------
    def apply(self, action: a.Action) -> Outcome:
        """Apply one action. All the events it makes reach the sink together (one transaction in the store)."""
        with self._batched():
            return self._apply(action)

    @contextmanager
    def _batched(self) -> Iterator[None]:
        """Collect the events emitted inside, then hand them to the sink in one go."""
        self._batch = []
        try:
            yield
        finally:
            batch, self._batch = self._batch, None
            if self.batch_sink is not None:
                self.batch_sink(batch)
            else:
                for event in batch:
                    self.sink(event)

    def _apply(self, action: a.Action) -> Outcome:
        run = self._running()
        if isinstance(action, a.OpenPersona):
            if run.loaded.scenario.persona is None:
                return self._reject(action, "no_persona")
            return Outcome(True, events=[self._emit("persona_opened", {})])
        if isinstance(action, a.OpenHelp):
            return Outcome(True, events=[self._emit("help_opened", {})])
        if isinstance(action, a.ChangeAccommodation):
            if action.accommodation not in self.accommodations.to_dict():
                return self._reject(action, "unknown_accommodation")
            setattr(self.accommodations, action.accommodation, action.value)
            return Outcome(True, events=[self._emit("accommodation_changed",
                                                    {"name": action.accommodation, "value": action.value})])
        try:
            run.desktop.set_time(self._utc())
            made = run.desktop.apply(action)
        except Rejected as rejection:
            return self._reject(action, rejection.reason)
        events = [self._emit(event_type, payload) for event_type, payload in made]
        if not self._replaying and self._end_conditions_met(run):
            events.append(self.end_scenario("completed"))
            return Outcome(True, events=events, scenario_completed=True)
        return Outcome(True, events=events)

    def advance_game(self, ticks: int) -> Outcome:
        """Let the game under test run `ticks` steps of the runtime's clock; log what it reports."""
        run = self._running()
        game = run.desktop.qa_game
        if game is None or ticks <= 0:
            return Outcome(True)
        with self._batched():
            events = [self._emit(kind, payload) for kind, payload in game.advance(ticks)]
            if events and not self._replaying and self._end_conditions_met(run):
                events.append(self.end_scenario("completed"))
                return Outcome(True, events=events, scenario_completed=True)
            return Outcome(True, events=events)

    def time_budget_ms(self) -> int | None:
        """The current scenario's time budget with the extra time the participant asked for, or None."""
        run = self.current
        if run is None or run.time_budget_ms is None:
            return None
        return run.time_budget_ms + self.accommodations.extra_time_minutes * 60_000

    def time_used_ms(self) -> int:
        """Time since the current scenario started, on the runtime's clock (never shown to the participant)."""
        return self.clock.now_ms() - self.current.start_ms if self.current is not None else 0

    def more_time_due(self) -> bool:
        """Whether MORE_TIME_OFFER_AT of the time budget (extra time included) has passed: time to offer more."""
        budget = self.time_budget_ms()
        if budget is None or self.current.outcome is not None:
            return False
        return self.time_used_ms() >= budget * MORE_TIME_OFFER_AT

    def time_is_up(self) -> bool:
        """Whether the scenario's time budget (with any extra time) has passed (the caller ends it timed_out)."""
        run = self.current
        budget = self.time_budget_ms()
        if run is None or run.outcome is not None or budget is None:
            return False
        return self.time_used_ms() >= budget

    def _reject(self, action: a.Action, reason: str) -> Outcome:
        fields = action.fields()
        browser = self.current.desktop.browser if self.current is not None else None
        if isinstance(action, a.SetField) and browser is not None and browser.is_password(action.form, action.field):
            fields["value"] = None  # a password is never written to the log, even when refused
        event = self._emit("action_rejected", {"action": action.name, "reason": reason, **fields})
        return Outcome(False, reason=reason, events=[event])

    def _end_conditions_met(self, run: ScenarioRun) -> bool:
        end = run.loaded.scenario.end
        final = run.final()

        def holds(condition) -> bool:
            if isinstance(condition, StateCondition):
                return fact_holds(condition, final)
            return any(matches(condition, e) for e in run.events)

        results = (holds(c) for c in end.conditions)
        return all(results) if end.all is not None else any(results)

    # --- internals -------------------------------------------------------------
    def _utc(self) -> str:
        if self._replay_utc:
            return self._replay_utc
        return self.clock.utc().isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def _running(self) -> ScenarioRun:
        if self.current is None or self.current.outcome is not None:
            raise SessionError("no scenario is being played")
        return self.current

    def _emit(self, event_type: str, payload: dict[str, Any]) -> Event:
        if self.ended:
            raise SessionError("session has ended")
        self.seq += 1
        run = self.current if self.current is not None and self.current.outcome is None else None
        if event_type == "scenario_ended":
            run = self.current
        now = self.clock.now_ms()
        event = Event(
            seq=self.seq, session=self.session_id,
            scenario=run.loaded.id if run else None,
            scenario_version=run.loaded.scenario.version if run else None,
            t_ms=max(0, now - run.start_ms) if run else 0,
            utc=self._utc(),
            type=event_type, payload=payload,
        )
        if self._batch is not None:
            self._batch.append(event)  # sunk with the rest of the action's events
        else:
            self.sink(event)  # durable before anything else sees it
        if run is not None:
            run.events.append(event.to_dict())
        return event

    # --- resume ------------------------------------------------------------------
    @classmethod
    def resume(cls, events: list[Event], scenarios: dict[str, LoadedScenario], clock: Clock,
               sink: Sink) -> "SessionEngine":
        """Rebuild a session from its logged events (after a crash) and log that it resumed."""
        engine = cls.replay(events, scenarios, clock)
        engine.resumed(sink)
        return engine

    @classmethod
    def replay(cls, events: list[Event], scenarios: dict[str, LoadedScenario], clock: Clock) -> "SessionEngine":
        """The session's state rebuilt from its logged events; nothing is emitted (see `resumed`)."""
        if not events or events[0].type != "session_started":
            raise SessionError("the log does not start with session_started")
        if events[-1].type == "session_ended":
            raise SessionError("this session has already ended")
        first = events[0].payload
        missing = [sid for sid in first["scenarios"] if sid not in scenarios]
        if missing:
            raise SessionError(f"scenario {missing[0]!r} is no longer available")
        engine = cls(scenarios=[scenarios[sid] for sid in first["scenarios"]], clock=clock, sink=lambda e: None,
                     participant=first["participant"], locale=first["locale"], session_id=events[0].session,
                     accommodations=Accommodations(**first["accommodations"]), seed=first.get("seed", 0),
                     plan=first.get("plan"), research_consent=bool((first.get("consent") or {}).get("research")))
        engine.started = True
        engine._replaying = True
        index = 1
        while index < len(events):
            event = events[index]
            engine.seq = event.seq - 1
            action = action_of(event)
            game = engine.current.desktop.qa_game if engine.current is not None else None
            if game is not None and event.type in TELEMETRY:
                game.advance_to(event.payload["tick"] + 1)  # the step that reported it: no new event
                engine._emit_replayed(event)
                engine.seq = event.seq
                index += 1
                continue
            if game is not None and event.type in ("game_key", "capture_taken"):
                game.advance_to(event.payload["tick"])
            if event.type == "scenario_started":
                if event.scenario not in scenarios:
                    raise SessionError(f"scenario {event.scenario!r} is no longer available")
                engine._upcoming = (scenarios[event.scenario], event.payload.get("chosen"))  # as it was chosen
                engine.start_scenario()
                if engine.current.loaded.content_hash != event.payload["scenario_hash"]:
                    raise SessionError(f"scenario {event.scenario!r} changed since the session started")
            elif event.type == "scenario_ended":
                if engine.current is not None and engine.current.outcome is None:
                    engine.end_scenario(event.payload["outcome"])
            elif action is not None:
                engine._replay_utc = event.utc  # what the action dates keeps the time it had
                browser = engine.current.desktop.browser if engine.current is not None else None
                if browser is not None and event.type == "form_submitted":
                    browser.logged_errors = dict(event.payload.get("errors") or {})
                try:
                    outcome = engine.apply(action)
                finally:
                    if browser is not None:
                        browser.logged_errors = None
                engine._replay_utc = None
                logged = events[index:index + len(outcome.events)]
                if (not outcome.accepted or len(logged) != len(outcome.events)
                        or not all(same((e.type, e.payload), old) for e, old in zip(outcome.events, logged))):
                    raise SessionError(f"event {event.seq} does not replay the same way")
                run = engine.current
                # Keep the logged events, with their own times, not the ones re-made now: evidence reads t_ms.
                run.events[-len(logged):] = [old.to_dict() for old in logged]
                engine.seq = logged[-1].seq
                index += len(logged)
                continue
            elif event.type == "accommodation_changed":
                setattr(engine.accommodations, event.payload["name"], event.payload["value"])
                engine._emit_replayed(event)
            else:
                engine._emit_replayed(event)
            run = engine.current
            if run is not None and run.events and run.events[-1]["seq"] == event.seq:
                run.events[-1] = event.to_dict()
            engine.seq = event.seq
            index += 1
        engine._replaying = False
        # Time goes on from where the log stopped; the time the machine was down is not counted.
        if engine.current is not None and engine.current.outcome is None:
            engine.current.start_ms = clock.now_ms() - events[-1].t_ms
        return engine

    def resumed(self, sink: Sink) -> list[Event]:
        """After `replay`: write to `sink` from now on and log session_resumed. If the log stopped between
        the action that met the end conditions and its scenario_ended, the scenario ends now."""
        self.sink = sink
        events = [self._emit("session_resumed", {"after_seq": self.seq})]
        run = self.current
        if run is not None and run.outcome is None and self._end_conditions_met(run):
            events.append(self.end_scenario("completed"))
        return events

    def _emit_replayed(self, event: Event) -> None:
        if self.current is not None and self.current.outcome is None and event.scenario:
            self.current.events.append(event.to_dict())
