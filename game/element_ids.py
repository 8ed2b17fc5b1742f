"""The element id scheme: stable names for everything a person (or a walkthrough) can act on.

The UI builds its ids with these functions and `numplus validate` checks walkthrough steps
against them, without running the UI. docs/authoring.md lists the scheme.
"""

from __future__ import annotations

import re

from game.locales import supported_locales
from game.scenario.models import Scenario
from game.settings import TEXT_SCALES

SCREEN_IDS = {
    "title.start", "code.entry", "code.continue", "code.back", "resume.yes", "resume.no",
    "brief.start", "end.next", "summary.finish",
    *(f"title.lang.{tag}" for tag in supported_locales()),
    *(f"title.scale.{n}" for n in TEXT_SCALES),
}
CHROME_IDS = {
    "scenario.help", "scenario.done", "scenario.text_size", "dialog.done.confirm", "dialog.done.cancel", "dialog.help.close",
    "dialog.notice.ok", "dialog.sent.ok", "dialog.viewer.close", "dialog.link.close",
}
MAIL_STATIC_IDS = {
    "taskbar.mail", "mail.compose", "mail.back", "mail.reply", "mail.reply_all", "mail.forward",
    "mail.move", "mail.move.cancel", "mail.delete", "mail.report", "mail.report.phishing", "mail.report.junk",
    "mail.report.cancel", "compose.to", "compose.cc", "compose.subject", "compose.body", "compose.attach",
    "compose.attach.cancel", "compose.send", "compose.discard", "compose.original", "dialog.original.close",
}
# Messages the participant sends get draft ids d1, d2, ... at run time.
DYNAMIC_PATTERNS = (re.compile(r"^mail\.message\.d[0-9]+$"),)


def folder(folder_id: str) -> str:
    return f"mail.folder.{folder_id}"


def message(message_id: str) -> str:
    return f"mail.message.{message_id}"


def move_to(folder_id: str) -> str:
    return f"mail.move_to.{folder_id}"


def attachment(attachment_id: str) -> str:
    return f"mail.attachment.{attachment_id}"


def link(link_id: str) -> str:
    return f"mail.link.{link_id}"


def attach_choice(attachment_id: str) -> str:
    return f"compose.attach.{attachment_id}"


def contact(number: int) -> str:
    """The address book's entries, numbered from 1 in the scenario's order."""
    return f"compose.contact.{number}"


def remove_attachment(attachment_id: str) -> str:
    return f"compose.remove.{attachment_id}"


def scenario_ids(scenario: Scenario) -> set[str]:
    """Every element id that can appear while this scenario is played."""
    ids = set(SCREEN_IDS) | set(CHROME_IDS)
    mail = scenario.apps.mail
    if mail is not None:
        ids |= MAIL_STATIC_IDS
        ids |= {folder(f) for f in mail.folder_ids()} | {move_to(f) for f in mail.folder_ids() if f != "sent"}
        ids |= {message(m.id) for m in mail.messages}
        ids |= {attachment(x) for x in mail.attachment_ids()} | {link(x) for x in mail.link_ids()}
        ids |= {attach_choice(x) for x in mail.attachment_ids()}
        ids |= {remove_attachment(x) for x in mail.attachment_ids()}
        if mail.contacts:  # the address book button shows only when there is someone in it
            ids |= {"compose.contacts", "compose.contacts.cancel"}
            ids |= {contact(n) for n in range(1, len(mail.contacts) + 1)}
    return ids


def is_known(element_id: str, known: set[str]) -> bool:
    return element_id in known or any(p.match(element_id) for p in DYNAMIC_PATTERNS)
