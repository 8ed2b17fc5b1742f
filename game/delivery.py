"""What a played session hands to the outbox: its xAPI statements, built as its events are written.

Built in the same call that writes the events, so they land in the same transaction: a session start
queues "launched", a scenario end its attempt and result (and process data with consent), a session
end the assessment's result and a level per area measured.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from game import APP_VERSION
from game.runtime.events import Event
from sync import xapi
from sync.store import Queued

if TYPE_CHECKING:
    from game.runtime.session import SessionEngine
    from game.settings import Settings
    from game.store import EventStore

# Where pseudonymous accounts live when no organisation URL is set yet (documented in docs/xapi.md).
UNSET_ORGANISATION = "https://numplus.ca/organisations/unset"


@dataclass(frozen=True)
class Delivery:
    origin: xapi.Origin
    texts_consent: bool  # the organisation's research consent covers typed texts

    @classmethod
    def from_settings(cls, settings: "Settings", store: "EventStore") -> "Delivery":
        from sync.store import machine_kiosk_id

        kiosk = settings.kiosk_id or store.kiosk_id(machine_kiosk_id)
        origin = xapi.Origin(org_url=settings.org_url or UNSET_ORGANISATION, kiosk_id=kiosk, app_version=APP_VERSION,
                             platform=f"NUM+ {APP_VERSION} / {platform.system() or 'unknown'}")
        return cls(origin, settings.research_texts)


def _kind(statement: dict[str, Any]) -> str:
    """What a statement is about, for status and exports: its verb, and "process" for process data."""
    if xapi.extension("events") in (statement.get("result", {}).get("extensions") or {}):
        return "process"
    return statement["verb"]["id"].rsplit("/", 1)[-1]


def _queued(statements: list[dict[str, Any]]) -> list[Queued]:
    out = []
    for statement in statements:
        try:
            xapi.validate(statement)
        except xapi.StatementError as exc:  # a defect of ours: keep it visible to the facilitator, never lost
            out.append(Queued(statement.get("id", ""), _kind(statement), xapi.canonical_bytes(statement),
                              reason=f"invalid before sending: {exc}"))
            continue
        out.append(Queued(statement["id"], _kind(statement), xapi.canonical_bytes(statement)))
    return out


def session_facts(engine: "SessionEngine", texts_consent: bool) -> xapi.SessionFacts:
    return xapi.SessionFacts(session_id=engine.session_id, participant=engine.participant, locale=engine.locale,
                             research_consent=engine.research_consent, texts_consent=texts_consent)


def statements_for(delivery: Delivery, engine: "SessionEngine", store: "EventStore",
                   items: list[tuple[Event, dict | None]]) -> list[Queued]:
    facts = session_facts(engine, delivery.texts_consent)
    made: list[dict[str, Any]] = []
    for event, result in items:
        if event.type == "session_started":
            made.append(xapi.launched(delivery.origin, facts, event.utc))
        elif event.type == "scenario_ended" and result is not None and engine.current is not None:
            run = engine.current
            events = [e for e in run.events if e["seq"] != event.seq] + [event.to_dict()]
            made.extend(xapi.scenario_statements(delivery.origin, facts, run.loaded.scenario, result, events,
                                                 event.utc))
        elif event.type == "session_ended":
            scores = {sid: r["item_score"] for sid, r in store.results(engine.session_id).items()}
            scores.update({e.scenario: r["item_score"] for e, r in items if r is not None})
            from scoring.measurement import measure

            measurement = measure(scores, session_bank(engine))
            made.extend(xapi.session_completed(delivery.origin, facts, measurement, event.payload["reason"],
                                               event.utc))
    return _queued(made)


def session_bank(engine: "SessionEngine"):
    """The item bank the session measures with: its sequencer's, or one made from its scenarios."""
    if engine.sequencer is not None:
        return engine.sequencer.bank
    from scoring.framework import DEFAULT_FRAMEWORK
    from scoring.measurement import load_bank

    return load_bank({s.id: s for s in engine.scenarios}, engine.plan.get("framework", DEFAULT_FRAMEWORK))
