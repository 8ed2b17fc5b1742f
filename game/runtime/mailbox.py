"""The mail client's state and the rules of the mailbox. Pure: no I/O, no clock, no pygame."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from dataclasses import dataclass, field
from typing import Any

from game.i18n import tr
from game.runtime import actions as a
from game.scenario.mail import EMAIL_PATTERN, MailApp

_EMAIL = re.compile(EMAIL_PATTERN)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _moment(iso: str) -> datetime:
    """A message's time for sorting; offsets differ between senders, so compare real instants."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else _EPOCH


class Rejected(Exception):
    """The action is impossible in this state; `reason` is a stable code (see reject.* texts)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class MessageState:
    id: str
    folder: str
    sender_name: str
    sender_address: str
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    time: str  # ISO 8601 with offset, as written by the author or the send time
    read: bool
    attachments: list[str]
    links: list[str]
    flags: list[str]
    reported_as: str | None = None


@dataclass
class Draft:
    id: str
    kind: str  # new, reply, reply_all, forward
    in_reply_to: str | None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    body: str = ""
    attachments: list[str] = field(default_factory=list)


class Mailbox:
    """Folders, messages and drafts of one scenario's mail app, in the session's locale."""

    def __init__(self, app: MailApp, locale: str):
        self.app = app
        self.locale = locale
        self.me = app.me.address
        self.folders: list[str] = app.folder_ids()
        self.messages: dict[str, MessageState] = {}
        self.pending: dict[str, MessageState] = {}  # arrive later (a form delivers them)
        for m in app.messages:
            (self.messages if m.delivered else self.pending)[m.id] = MessageState(
                id=m.id, folder=m.folder, sender_name=m.sender.name, sender_address=m.sender.address,
                to=[p.address for p in m.to], cc=[p.address for p in m.cc],
                subject=m.subject[locale], body=m.body[locale], time=m.time.isoformat(), read=m.read,
                attachments=[x.id for x in m.attachments], links=[x.id for x in m.links], flags=list(m.flags),
            )
        self.attachments = {x.id: x for m in app.messages for x in m.attachments}
        self.links = {x.id: x for m in app.messages for x in m.links}
        self.drafts: dict[str, Draft] = {}
        self.opened: str | None = None
        self.now = ""  # set by the engine from its clock before each action (ISO 8601)
        self._drafts_made = 0

    # --- queries used by the UI ------------------------------------------
    def in_folder(self, folder: str) -> list[MessageState]:
        """Messages of a folder, newest first."""
        found = [m for m in self.messages.values() if m.folder == folder]
        return sorted(found, key=lambda m: _moment(m.time), reverse=True)

    def unread(self, folder: str) -> int:
        return sum(1 for m in self.messages.values() if m.folder == folder and not m.read)

    def summary(self) -> dict[str, Any]:
        """The facts evidence may check at the end: where each message is, what was sent."""
        return {
            "folders": {m.id: m.folder for m in self.messages.values()},
            "reported": {m.id: m.reported_as for m in self.messages.values() if m.reported_as},
            "sent": [m.id for m in self.messages.values() if m.id in self.drafts],
        }

    # --- the rules ---------------------------------------------------------
    def _message(self, message_id: str) -> MessageState:
        if message_id not in self.messages:
            raise Rejected("unknown_message")
        return self.messages[message_id]

    def _draft(self, draft_id: str) -> Draft:
        draft = self.drafts.get(draft_id)
        if draft is None or draft_id in self.messages:
            raise Rejected("unknown_draft")
        return draft

    def _new_draft(self, kind: str, in_reply_to: str | None) -> Draft:
        self._drafts_made += 1
        draft = Draft(id=f"d{self._drafts_made}", kind=kind, in_reply_to=in_reply_to)
        self.drafts[draft.id] = draft
        return draft

    def _prefixed(self, prefix_key: str, subject: str) -> str:
        prefix = tr(self.locale, prefix_key)
        return subject if subject.lower().startswith(prefix.lower()) else f"{prefix} {subject}"

    def apply(self, action: a.Action) -> tuple[str, dict[str, Any]]:
        """Apply one action; return the event (type, payload) it makes, or raise Rejected."""
        handler = getattr(self, f"_do_{action.name}", None)
        if handler is None:
            raise Rejected("not_a_mail_action")
        return handler(action)

    def _do_open_message(self, act: a.OpenMessage):
        message = self._message(act.message)
        message.read = True
        self.opened = message.id
        return "message_opened", {"message": message.id, "folder": message.folder, "flags": list(message.flags)}

    def _do_close_message(self, act: a.CloseMessage):
        if self.opened != act.message:
            raise Rejected("message_not_open")
        self.opened = None
        return "message_closed", {"message": act.message}

    def _do_compose(self, act: a.Compose):
        return "compose_started", {"draft": self._new_draft("new", None).id, "to": []}

    def compose_to(self, address: str) -> tuple[str, dict[str, Any]]:
        """A new message to an address (a mailto: link in the browser)."""
        draft = self._new_draft("new", None)
        draft.to = [address.strip().lower()]
        return "compose_started", {"draft": draft.id, "to": list(draft.to)}

    def deliver(self, message_id: str) -> tuple[str, dict[str, Any]]:
        """A message that was waiting arrives in its folder (an account activation, a receipt)."""
        message = self.pending.pop(message_id)
        message.time = self.now or message.time
        self.messages[message_id] = message
        return "message_delivered", {"message": message_id}

    def available_attachments(self) -> list[str]:
        """Files one can attach: those of the messages in the mailbox."""
        return [att for m in self.messages.values() for att in m.attachments if att in self.attachments]

    def _do_reply(self, act: a.Reply):
        original = self._message(act.message)
        draft = self._new_draft("reply", original.id)
        draft.to = [original.sender_address] if original.sender_address != self.me else list(original.to)
        draft.subject = self._prefixed("mail.prefix.reply", original.subject)
        return "reply_started", {"draft": draft.id, "message": original.id}

    def _do_reply_all(self, act: a.ReplyAll):
        original = self._message(act.message)
        draft = self._new_draft("reply_all", original.id)
        everyone = [original.sender_address, *original.to]
        draft.to = list(dict.fromkeys(x for x in everyone if x != self.me))
        draft.cc = [x for x in original.cc if x != self.me and x not in draft.to]
        draft.subject = self._prefixed("mail.prefix.reply", original.subject)
        return "reply_all_started", {"draft": draft.id, "message": original.id}

    def _do_forward(self, act: a.Forward):
        original = self._message(act.message)
        draft = self._new_draft("forward", original.id)
        draft.subject = self._prefixed("mail.prefix.forward", original.subject)
        draft.attachments = list(original.attachments)
        return "forward_started", {"draft": draft.id, "message": original.id, "attachments": list(draft.attachments)}

    def _do_set_recipients(self, act: a.SetRecipients):
        draft = self._draft(act.draft)
        # Addresses are compared as mail servers do in practice: without regard to case.
        draft.to = [x.strip().lower() for x in act.to if x.strip()]
        draft.cc = [x.strip().lower() for x in act.cc if x.strip()]
        return "recipients_set", {"draft": draft.id, "to": list(draft.to), "cc": list(draft.cc)}

    def _do_set_subject(self, act: a.SetSubject):
        draft = self._draft(act.draft)
        draft.subject = act.subject
        return "subject_set", {"draft": draft.id, "subject": act.subject}

    def _do_set_body(self, act: a.SetBody):
        draft = self._draft(act.draft)
        draft.body = act.body
        return "body_set", {"draft": draft.id, "body": act.body, "length": len(act.body)}

    def _do_attach(self, act: a.Attach):
        draft = self._draft(act.draft)
        if act.attachment not in self.available_attachments():
            raise Rejected("unknown_attachment")
        if act.attachment in draft.attachments:
            raise Rejected("already_attached")
        draft.attachments.append(act.attachment)
        return "attachment_added", {"draft": draft.id, "attachment": act.attachment}

    def _do_remove_attachment(self, act: a.RemoveAttachment):
        draft = self._draft(act.draft)
        if act.attachment not in draft.attachments:
            raise Rejected("not_attached")
        draft.attachments.remove(act.attachment)
        return "attachment_removed", {"draft": draft.id, "attachment": act.attachment}

    def _do_send(self, act: a.Send):
        draft = self._draft(act.draft)
        if not draft.to:
            raise Rejected("no_recipient")
        if any(not _EMAIL.match(x) for x in [*draft.to, *draft.cc]):
            raise Rejected("invalid_address")
        me = self.app.me
        self.messages[draft.id] = MessageState(
            id=draft.id, folder="sent", sender_name=me.name, sender_address=me.address, to=list(draft.to),
            cc=list(draft.cc), subject=draft.subject, body=draft.body, time=self.now, read=True,
            attachments=list(draft.attachments), links=[], flags=[],
        )
        return "message_sent", {
            "draft": draft.id, "kind": draft.kind, "in_reply_to": draft.in_reply_to, "to": list(draft.to),
            "cc": list(draft.cc), "subject": draft.subject, "body": draft.body, "length": len(draft.body),
            "attachments": list(draft.attachments),
        }

    def _do_close_draft(self, act: a.CloseDraft):
        self._draft(act.draft)
        del self.drafts[act.draft]
        return "draft_discarded", {"draft": act.draft}

    def _do_move_to_folder(self, act: a.MoveToFolder):
        message = self._message(act.message)
        if act.folder not in self.folders:
            raise Rejected("unknown_folder")
        if act.folder == "sent":
            raise Rejected("cannot_move_to_sent")
        if message.folder == act.folder:
            raise Rejected("already_in_folder")
        source, message.folder = message.folder, act.folder
        return "message_moved", {"message": message.id, "from_folder": source, "to_folder": act.folder}

    def _do_delete(self, act: a.Delete):
        message = self._message(act.message)
        if message.folder == "trash":
            raise Rejected("already_in_trash")
        source, message.folder = message.folder, "trash"
        if self.opened == message.id:
            self.opened = None
        return "message_deleted", {"message": message.id, "from_folder": source}

    def _do_report(self, act: a.Report):
        message = self._message(act.message)
        if message.reported_as:
            raise Rejected("already_reported")
        if message.folder == "sent" or message.sender_address == self.me:
            raise Rejected("cannot_report_own")
        source = message.folder
        message.folder, message.reported_as = "junk", act.as_
        if self.opened == message.id:
            self.opened = None
        return "message_reported", {"message": message.id, "as": act.as_, "from_folder": source,
                                    "flags": list(message.flags)}

    def _do_open_attachment(self, act: a.OpenAttachment):
        message = self._message(act.message)
        if act.attachment not in message.attachments:
            raise Rejected("unknown_attachment")
        return "attachment_opened", {"message": message.id, "attachment": act.attachment}

    def _do_click_link(self, act: a.ClickLink):
        message = self._message(act.message)
        if act.link not in message.links:
            raise Rejected("unknown_link")
        return "link_clicked", {"message": message.id, "link": act.link, "url": self.links[act.link].url}


# The event each mail action makes, so a logged event can be turned back into its action.
EVENT_OF_ACTION = {
    "open_message": "message_opened", "close_message": "message_closed", "compose": "compose_started",
    "reply": "reply_started", "reply_all": "reply_all_started", "forward": "forward_started",
    "set_recipients": "recipients_set", "set_subject": "subject_set", "set_body": "body_set",
    "attach": "attachment_added", "remove_attachment": "attachment_removed", "send": "message_sent",
    "close_draft": "draft_discarded", "move_to_folder": "message_moved", "delete": "message_deleted",
    "report": "message_reported", "open_attachment": "attachment_opened", "click_link": "link_clicked",
}
ACTION_OF_EVENT = {event: action for action, event in EVENT_OF_ACTION.items()}
