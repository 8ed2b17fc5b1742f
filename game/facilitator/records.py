"""Sessions on this machine as a facilitator sees them, and erasing them.

A session may be deleted only once its results left the machine (sent to the LRS, or carried on a USB
key): nothing is lost by accident. Erasure on request (Quebec's Law 25) deletes every session of a
participant code at once, whatever their state, and takes back what was already sent with xAPI voiding
statements; the erasure is logged with counts, never with the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.store import EventStore
from sync import xapi
from sync.store import Queued, utc_now


@dataclass(frozen=True)
class SessionRow:
    id: str
    participant: str
    started_utc: str
    status: str  # in_progress, finished
    delivery: str  # nothing, waiting, synced, quarantined
    carried: bool

    @property
    def deletable(self) -> bool:
        return self.status == "finished" and (self.delivery == "synced" or self.carried)


def _delivery(counts: dict[str, int]) -> str:
    if counts.get("quarantined"):
        return "quarantined"
    if counts.get("pending") or counts.get("sending"):
        return "waiting"
    return "synced" if counts.get("sent") else "nothing"


def session_rows(store: EventStore) -> list[SessionRow]:
    delivery, carried = store.delivery(), store.carried_sessions()
    return [SessionRow(r.id, r.participant, r.started_utc, "in_progress" if r.status == "active" else "finished",
                       _delivery(delivery.get(r.id, {})), r.id in carried) for r in store.sessions()]


class NotDeletable(Exception):
    pass


def delete_session(store: EventStore, row: SessionRow) -> dict[str, int]:
    if not row.deletable:
        raise NotDeletable("a session is deleted only once its results were sent or carried away")
    return store.erase([row.id], "deleted_after_delivery", [], utc_now())


def erase_participant(store: EventStore, code: str, origin: xapi.Origin) -> dict[str, int]:
    """Every session of `code` on this machine; voiding statements queued for what the LRS already has."""
    sessions = [r.id for r in store.sessions() if r.participant == code]
    if not sessions:
        return {"sessions": 0, "events": 0, "statements_voided": 0, "statements_dropped": 0}
    now = utc_now()
    voiding = []
    for sent in store.sent_statements(sessions):
        statement = xapi.voiding(origin, sent, now)
        voiding.append(Queued(statement["id"], "voided", xapi.canonical_bytes(statement)))
    return store.erase(sessions, "erased_on_request", voiding, now)
