"""The event log's vocabulary: every event type and the fields of its payload.

Scenario validation uses this to check evidence rules (an unknown event or field is an
author's error), and fields that name a scenario object say which kind, so references are
checked too. docs/data-dictionary.md documents the same table for researchers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LOG_SCHEMA_VERSION = 1

# field -> the kind of scenario object it names, or None. Kinds: message, folder (mail), attachment,
# link (in a message), page, page_link, form, query, result, file, file_folder, bug (seeded in the QA game),
# checklist_item (of the bug tracker).
SESSION_EVENTS: dict[str, dict[str, str | None]] = {
    "session_started": {"app_version": None, "log_schema_version": None, "locale": None,
                        "accommodations": None, "participant": None, "scenarios": None, "seed": None,
                        "plan": None, "consent": None},
    "session_resumed": {"after_seq": None},
    "session_ended": {"reason": None},
    "scenario_started": {"index": None, "scenario_hash": None, "apps": None, "chosen": None},
    "scenario_ended": {"outcome": None, "final": None},
    "accommodation_changed": {"name": None, "value": None},
    "help_opened": {},
    "persona_opened": {},
    "action_rejected": {"action": None, "reason": None, "message": "message", "draft": None,
                        "folder": None, "attachment": "attachment", "link": None, "to": None, "cc": None,
                        "subject": None, "body": None, "as": None, "accommodation": None, "value": None,
                        "page": "page", "form": "form", "field": None, "file": None, "name": None,
                        "address": None, "text": None, "query": "query", "result": "result",
                        "new_name": None, "parent": None, "folder_name": None, "file_name": None,
                        "key": None, "down": None, "report": None, "capture": None, "item": None, "status": None},
}
MAIL_EVENTS: dict[str, dict[str, str | None]] = {
    "message_opened": {"message": "message", "folder": "folder", "flags": None},
    "message_closed": {"message": "message"},
    "compose_started": {"draft": None, "to": None},
    "reply_started": {"draft": None, "message": "message"},
    "reply_all_started": {"draft": None, "message": "message"},
    "forward_started": {"draft": None, "message": "message", "attachments": "attachment"},
    "recipients_set": {"draft": None, "to": None, "cc": None},
    "subject_set": {"draft": None, "subject": None},
    "body_set": {"draft": None, "body": None, "length": None},
    "attachment_added": {"draft": None, "attachment": "attachment"},
    "attachment_removed": {"draft": None, "attachment": "attachment"},
    "message_sent": {"draft": None, "kind": None, "in_reply_to": "message", "to": None, "cc": None,
                     "subject": None, "body": None, "length": None, "attachments": "attachment"},
    "draft_discarded": {"draft": None},
    "message_moved": {"message": "message", "from_folder": "folder", "to_folder": "folder"},
    "message_deleted": {"message": "message", "from_folder": "folder"},
    "message_reported": {"message": "message", "as": None, "from_folder": "folder", "flags": None},
    "attachment_opened": {"message": "message", "attachment": "attachment"},
    "link_clicked": {"message": "message", "link": "link", "url": None},
    "message_delivered": {"message": "message"},
}
BROWSER_EVENTS: dict[str, dict[str, str | None]] = {
    "address_entered": {"address": None},
    "page_visited": {"page": "page", "url": None, "secure": None, "via": None},
    "page_not_found": {"address": None, "via": None},
    "link_followed": {"page": "page", "link": "page_link", "to": "page", "url": None},
    "history_moved": {"direction": None},
    "search_made": {"text": None, "query": "query", "results": "result"},
    "result_opened": {"query": "query", "result": "result", "rank": None, "sponsored": None, "trust": None,
                      "url": None},
    "field_changed": {"form": "form", "field": None, "value": None, "length": None},
    "file_chosen": {"form": "form", "field": None, "file": None, "name": None, "kind": None},
    "policy_opened": {"form": "form", "field": None, "page": "page"},
    "form_submitted": {"form": "form", "page": "page", "valid": None, "invalid": None, "errors": None,
                       "values": None},
}
FILES_EVENTS: dict[str, dict[str, str | None]] = {
    "file_opened": {"file": "file", "name": None, "folder": "file_folder"},
    "file_renamed": {"file": "file", "from_name": None, "to_name": None, "folder": "file_folder"},
    "file_moved": {"file": "file", "name": None, "from_folder": "file_folder", "to_folder": "file_folder"},
    "file_copied": {"file": "file", "copy": None, "name": None, "to_folder": "file_folder"},
    "file_deleted": {"file": "file", "name": None, "from_folder": "file_folder"},
    "file_restored": {"file": "file", "name": None, "to_folder": "file_folder"},
    "folder_created": {"folder": None, "name": None, "parent": "file_folder"},
    "attachment_saved": {"message": "message", "attachment": "attachment", "file": None, "name": None,
                         "folder": "file_folder"},
}
_WHERE = {"level": None, "x": None, "y": None, "tick": None}
QA_GAME_EVENTS: dict[str, dict[str, str | None]] = {
    "game_key": {"key": None, "down": None, "tick": None},
    "capture_taken": {"capture": None, **_WHERE},
    # telemetry the game reports (game/qa/sim.py), each with the tick it happened at
    "game_started": {"build": None, "levels": None, "tick": None},
    "level_started": {"level": None, "index": None, "tick": None},
    "position": _WHERE,
    "item_collected": {"item": None, "kind": None, "points": None, "score": None, **_WHERE},
    "player_died": {"cause": None, "lives": None, **_WHERE},
    "checkpoint_reached": _WHERE,
    "switch_pressed": {"doors": None, **_WHERE},
    "level_completed": {"level": None, "score": None, "ticks": None, "tick": None},
    "game_over": {"level": None, "score": None, "tick": None},
    "game_finished": {"score": None, "ticks": None, "tick": None},
    "game_paused": {"level": None, "tick": None},
    "game_resumed": {"level": None, "tick": None},
    "menu_opened": {"level": None, "tick": None},
    "game_quit": {"level": None, "score": None, "tick": None},
    "returned_to_title": {"from": None, "tick": None},
    "crash_dialog_shown": {"level": None, "code": None, "tick": None},
    "bug_triggered": {"bug": "bug", "kind": None, **_WHERE},
}
TRACKER_EVENTS: dict[str, dict[str, str | None]] = {
    "report_started": {"report": None, "build": None},
    "report_opened": {"report": None, "version": None},
    "report_field_set": {"report": None, "field": None, "value": None, "length": None},
    "capture_attached": {"report": None, "capture": None, **_WHERE},
    "capture_removed": {"report": None, "capture": None},
    "report_submitted": {"report": None, "valid": None, "errors": None, "version": None, "title": None,
                         "build": None, "area": None, "category": None, "severity": None, "reproducibility": None,
                         "steps": None, "expected": None, "actual": None, "captures": None, "id": None},
    "checklist_marked": {"item": "checklist_item", "status": None},
}
EVENT_FIELDS: dict[str, dict[str, str | None]] = {**SESSION_EVENTS, **MAIL_EVENTS, **BROWSER_EVENTS, **FILES_EVENTS,
                                                  **QA_GAME_EVENTS, **TRACKER_EVENTS}
TELEMETRY = frozenset(QA_GAME_EVENTS) - {"game_key", "capture_taken"}  # what the game reports as it runs

# Which app each event type belongs to (None: the session's own events). Saving an attachment
# needs mail and files; it is listed under files, where the file lands.
EVENT_APP: dict[str, str | None] = {
    **{name: None for name in SESSION_EVENTS}, **{name: "mail" for name in MAIL_EVENTS},
    **{name: "browser" for name in BROWSER_EVENTS}, **{name: "files" for name in FILES_EVENTS},
    **{name: "qa_game" for name in QA_GAME_EVENTS}, **{name: "bug_tracker" for name in TRACKER_EVENTS},
}

OUTCOMES = ("completed", "ended_by_participant", "timed_out", "abandoned")


@dataclass(frozen=True)
class Event:
    """One line of the event log."""

    seq: int
    session: str
    scenario: str | None
    scenario_version: int | None
    t_ms: int
    utc: str
    type: str
    payload: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "session": self.session, "scenario": self.scenario,
            "scenario_version": self.scenario_version, "t_ms": self.t_ms, "utc": self.utc,
            "type": self.type, "payload": self.payload,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        return cls(**{k: data[k] for k in ("seq", "session", "scenario", "scenario_version",
                                            "t_ms", "utc", "type")}, payload=data.get("payload") or {})
