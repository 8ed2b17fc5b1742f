"""Turning a logged event back into the action that made it, to rebuild state after a crash."""

from __future__ import annotations

from typing import Any, Callable

from game.runtime import actions as a
from game.runtime.events import Event
from game.runtime.mailbox import ACTION_OF_EVENT

P = dict[str, Any]

# Events of the other apps whose fields are not named as their action's.
_REBUILD: dict[str, Callable[[P], a.Action]] = {
    "message_moved": lambda p: a.MoveToFolder(p["message"], p["to_folder"]),
    "address_entered": lambda p: a.EnterAddress(p["address"]),
    "link_followed": lambda p: a.FollowLink(p["page"], p["link"]),
    "history_moved": lambda p: a.GoBack() if p["direction"] == "back" else a.GoForward(),
    "search_made": lambda p: a.Search(p["text"]),
    "result_opened": lambda p: a.OpenResult(p["query"], p["result"]),
    # A password is never logged: it comes back empty and the participant types it again.
    "field_changed": lambda p: a.SetField(p["form"], p["field"], "" if p["value"] is None else p["value"]),
    "file_chosen": lambda p: a.ChooseFile(p["form"], p["field"], p["file"]),
    "form_submitted": lambda p: a.SubmitForm(p["form"]),
    "policy_opened": lambda p: a.OpenPolicy(p["form"], p["field"]),
    "file_opened": lambda p: a.OpenFile(p["file"]),
    "file_renamed": lambda p: a.RenameFile(p["file"], p["to_name"]),
    "file_moved": lambda p: a.MoveFile(p["file"], p["to_folder"]),
    "file_copied": lambda p: a.CopyFile(p["file"], p["to_folder"]),
    "file_deleted": lambda p: a.DeleteFile(p["file"]),
    "file_restored": lambda p: a.RestoreFile(p["file"]),
    "folder_created": lambda p: a.CreateFolder(p["parent"], p["name"]),
    "attachment_saved": lambda p: a.SaveAttachment(p["message"], p["attachment"], p["folder"], p["name"]),
    "game_key": lambda p: a.GameKey(p["key"], p["down"]),
    "capture_taken": lambda p: a.TakeCapture(),
    "report_started": lambda p: a.NewReport(),
    "report_opened": lambda p: a.OpenReport(p["report"]),
    "report_field_set": lambda p: a.SetReportField(p["report"], p["field"], p["value"]),
    "capture_attached": lambda p: a.AttachCapture(p["report"], p["capture"]),
    "capture_removed": lambda p: a.RemoveCapture(p["report"], p["capture"]),
    "report_submitted": lambda p: a.SubmitReport(p["report"]),
    "checklist_marked": lambda p: a.MarkChecklist(p["item"], p["status"]),
}


def action_of(event: Event) -> a.Action | None:
    """The action an event records, or None when the event is not an action's first event."""
    if event.type in _REBUILD:
        return _REBUILD[event.type](event.payload)
    if event.type in ACTION_OF_EVENT:
        return a.action_from_dict({"action": ACTION_OF_EVENT[event.type], **event.payload})
    return None


def same(replayed: tuple[str, P], logged: Event) -> bool:
    """Whether a replayed event is the logged one (a password's length cannot be replayed)."""
    kind, payload = replayed
    if kind != logged.type:
        return False
    if kind == "field_changed" and logged.payload.get("value") is None:
        return {**payload, "length": None} == {**logged.payload, "length": None}
    if kind == "form_submitted":  # errors of a password field left empty by the replay may differ
        return payload["form"] == logged.payload["form"]
    return payload == logged.payload
