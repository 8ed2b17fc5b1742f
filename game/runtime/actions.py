"""Typed intents a participant can have. The UI sends them; the runtime checks and applies them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Literal


@dataclass(frozen=True)
class Action:
    name: ClassVar[str]

    def fields(self) -> dict[str, Any]:
        return asdict(self)


# --- mailbox ---------------------------------------------------------------
@dataclass(frozen=True)
class OpenMessage(Action):
    name = "open_message"
    message: str


@dataclass(frozen=True)
class CloseMessage(Action):
    name = "close_message"
    message: str


@dataclass(frozen=True)
class Compose(Action):
    name = "compose"


@dataclass(frozen=True)
class Reply(Action):
    name = "reply"
    message: str


@dataclass(frozen=True)
class ReplyAll(Action):
    name = "reply_all"
    message: str


@dataclass(frozen=True)
class Forward(Action):
    name = "forward"
    message: str


@dataclass(frozen=True)
class SetRecipients(Action):
    name = "set_recipients"
    draft: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetSubject(Action):
    name = "set_subject"
    draft: str
    subject: str


@dataclass(frozen=True)
class SetBody(Action):
    name = "set_body"
    draft: str
    body: str


@dataclass(frozen=True)
class Attach(Action):
    name = "attach"
    draft: str
    attachment: str


@dataclass(frozen=True)
class RemoveAttachment(Action):
    name = "remove_attachment"
    draft: str
    attachment: str


@dataclass(frozen=True)
class Send(Action):
    name = "send"
    draft: str


@dataclass(frozen=True)
class CloseDraft(Action):
    name = "close_draft"
    draft: str


@dataclass(frozen=True)
class MoveToFolder(Action):
    name = "move_to_folder"
    message: str
    folder: str


@dataclass(frozen=True)
class Delete(Action):
    name = "delete"
    message: str


@dataclass(frozen=True)
class Report(Action):
    name = "report"
    message: str
    as_: Literal["phishing", "junk"] = "phishing"

    def fields(self) -> dict[str, Any]:
        return {"message": self.message, "as": self.as_}


@dataclass(frozen=True)
class OpenAttachment(Action):
    name = "open_attachment"
    message: str
    attachment: str


@dataclass(frozen=True)
class ClickLink(Action):
    name = "click_link"
    message: str
    link: str


# --- browser -----------------------------------------------------------------
@dataclass(frozen=True)
class EnterAddress(Action):
    name = "enter_address"
    address: str


@dataclass(frozen=True)
class FollowLink(Action):
    name = "follow_link"
    page: str
    link: str


@dataclass(frozen=True)
class GoBack(Action):
    name = "go_back"


@dataclass(frozen=True)
class GoForward(Action):
    name = "go_forward"


@dataclass(frozen=True)
class Search(Action):
    name = "search"
    text: str


@dataclass(frozen=True)
class OpenResult(Action):
    name = "open_result"
    query: str
    result: str


@dataclass(frozen=True)
class SetField(Action):
    name = "set_field"
    form: str
    field: str
    value: str | bool


@dataclass(frozen=True)
class ChooseFile(Action):
    name = "choose_file"
    form: str
    field: str
    file: str


@dataclass(frozen=True)
class OpenPolicy(Action):
    name = "open_policy"
    form: str
    field: str


@dataclass(frozen=True)
class SubmitForm(Action):
    name = "submit_form"
    form: str


# --- file manager ----------------------------------------------------------------
@dataclass(frozen=True)
class OpenFile(Action):
    name = "open_file"
    file: str


@dataclass(frozen=True)
class RenameFile(Action):
    name = "rename_file"
    file: str
    new_name: str


@dataclass(frozen=True)
class MoveFile(Action):
    name = "move_file"
    file: str
    folder: str


@dataclass(frozen=True)
class CopyFile(Action):
    name = "copy_file"
    file: str
    folder: str


@dataclass(frozen=True)
class DeleteFile(Action):
    name = "delete_file"
    file: str


@dataclass(frozen=True)
class RestoreFile(Action):
    name = "restore_file"
    file: str


@dataclass(frozen=True)
class CreateFolder(Action):
    name = "create_folder"
    parent: str
    folder_name: str


@dataclass(frozen=True)
class SaveAttachment(Action):
    name = "save_attachment"
    message: str
    attachment: str
    folder: str
    file_name: str


# --- game under test -----------------------------------------------------------------
@dataclass(frozen=True)
class GameKey(Action):
    name = "game_key"
    key: str
    down: bool


@dataclass(frozen=True)
class TakeCapture(Action):
    """A screenshot of the game for a bug report (the capture key or button)."""

    name = "take_capture"


# --- bug tracker -------------------------------------------------------------------
@dataclass(frozen=True)
class NewReport(Action):
    name = "new_report"


@dataclass(frozen=True)
class OpenReport(Action):
    name = "open_report"
    report: str


@dataclass(frozen=True)
class SetReportField(Action):
    name = "set_report_field"
    report: str
    field: str
    value: str


@dataclass(frozen=True)
class AttachCapture(Action):
    name = "attach_capture"
    report: str
    capture: str


@dataclass(frozen=True)
class RemoveCapture(Action):
    name = "remove_capture"
    report: str
    capture: str


@dataclass(frozen=True)
class SubmitReport(Action):
    name = "submit_report"
    report: str


@dataclass(frozen=True)
class MarkChecklist(Action):
    name = "mark_checklist"
    item: str
    status: str


# --- session ---------------------------------------------------------------
@dataclass(frozen=True)
class OpenHelp(Action):
    name = "open_help"


@dataclass(frozen=True)
class OpenPersona(Action):
    name = "open_persona"


@dataclass(frozen=True)
class ChangeAccommodation(Action):
    name = "change_accommodation"
    accommodation: str
    value: Any = field(default=None)


MAIL_ACTIONS: tuple[type[Action], ...] = (
    OpenMessage, CloseMessage, Compose, Reply, ReplyAll, Forward, SetRecipients, SetSubject, SetBody,
    Attach, RemoveAttachment, Send, CloseDraft, MoveToFolder, Delete, Report, OpenAttachment, ClickLink,
)
BROWSER_ACTIONS: tuple[type[Action], ...] = (
    EnterAddress, FollowLink, GoBack, GoForward, Search, OpenResult, SetField, ChooseFile, OpenPolicy, SubmitForm,
)
FILES_ACTIONS: tuple[type[Action], ...] = (
    OpenFile, RenameFile, MoveFile, CopyFile, DeleteFile, RestoreFile, CreateFolder, SaveAttachment,
)
GAME_ACTIONS: tuple[type[Action], ...] = (GameKey, TakeCapture)
TRACKER_ACTIONS: tuple[type[Action], ...] = (
    NewReport, OpenReport, SetReportField, AttachCapture, RemoveCapture, SubmitReport, MarkChecklist,
)
ACTIONS: dict[str, type[Action]] = {cls.name: cls for cls in (*MAIL_ACTIONS, *BROWSER_ACTIONS, *FILES_ACTIONS,
                                                               *GAME_ACTIONS, *TRACKER_ACTIONS,
                                                               OpenHelp, OpenPersona, ChangeAccommodation)}


def action_from_dict(data: dict[str, Any]) -> Action:
    """Rebuild an action from its logged form {"action": name, **fields} (resume, replay)."""
    cls = ACTIONS[data["action"]]
    values = {}
    for f in fields(cls):
        key = "as" if f.name == "as_" else f.name
        if key in data:
            value = data[key]
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)
