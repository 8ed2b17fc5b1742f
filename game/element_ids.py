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
    "brief.start", "end.next", "summary.finish", "consent.yes", "consent.no", "idle.stay",
    "tutorial.yes", "tutorial.no", "tutorial.read_aloud",
    "title.facilitator", "pin.entry", "pin.confirm", "pin.ok", "pin.back",
    "brief.read_aloud", "consent.read_aloud", "end.read_aloud", "summary.read_aloud",
    *(f"title.lang.{tag}" for tag in supported_locales()),
    *(f"title.scale.{n}" for n in TEXT_SCALES),
}
CHROME_IDS = {
    "scenario.help", "scenario.done", "scenario.text_size", "dialog.done.confirm", "dialog.done.cancel", "dialog.help.close",
    "dialog.notice.ok", "dialog.sent.ok", "dialog.viewer.close", "dialog.link.close",
    "scenario.read_aloud", "dialog.help.read_aloud", "dialog.help.read_focused",
    "dialog.more_time.yes", "dialog.more_time.no",
}
MAIL_STATIC_IDS = {
    "taskbar.mail", "mail.compose", "mail.back", "mail.reply", "mail.reply_all", "mail.forward",
    "mail.move", "mail.move.cancel", "mail.delete", "mail.report", "mail.report.phishing", "mail.report.junk",
    "mail.report.cancel", "compose.to", "compose.cc", "compose.subject", "compose.body", "compose.attach",
    "compose.attach.cancel", "compose.send", "compose.discard", "compose.original", "dialog.original.close",
}
BROWSER_STATIC_IDS = {
    "taskbar.browser", "browser.back", "browser.forward", "browser.address", "browser.go",
    "browser.pick.cancel", "dialog.policy.close",
}
FILES_STATIC_IDS = {
    "taskbar.files", "files.open", "files.rename", "files.move", "files.copy", "files.delete", "files.restore",
    "files.new_folder", "files.move.cancel", "files.copy.cancel", "files.name", "files.name.ok",
    "files.name.cancel",
}
SAVE_IDS = {"mail.save.name", "mail.save.ok", "mail.save.cancel"}
PERSONA_IDS = {"taskbar.persona", "dialog.persona.close"}
QA_IDS = {"taskbar.qa_game", "qa.game", "qa.capture", "dialog.notice.ok"}
TRACKER_STATIC_IDS = {"taskbar.bug_tracker", "tracker.new", "tracker.back", "tracker.attach", "tracker.attach.cancel",
                      "tracker.submit", *(f"tracker.field.{name}" for name in ("title", "build", "steps", "expected",
                                                                                 "actual"))}
# What participants make gets ids at run time: messages d1, d2, ...; files f1, f2, ...; folders fd1, ...
DYNAMIC_PATTERNS = (
    re.compile(r"^mail\.message\.d[0-9]+$"),
    re.compile(r"^(files\.file|browser\.pick)\.f[0-9]+$"),
    re.compile(r"^files\.(folder|move_to|copy_to)\.fd[0-9]+$"),
    re.compile(r"^mail\.save_to\.fd[0-9]+$"),
    re.compile(r"^tracker\.(report|capture|remove)\.[rc][0-9]+$"),
)


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


def page_link(link_id: str) -> str:
    return f"browser.link.{link_id}"


def form_field(form_id: str, field_id: str) -> str:
    return f"browser.field.{form_id}.{field_id}"


def field_option(form_id: str, field_id: str, option_id: str) -> str:
    return f"browser.field.{form_id}.{field_id}.{option_id}"


def field_policy(form_id: str, field_id: str) -> str:
    return f"browser.field.{form_id}.{field_id}.policy"


def form_submit(form_id: str) -> str:
    return f"browser.form.{form_id}.submit"


def result(result_id: str) -> str:
    return f"browser.result.{result_id}"


def pick_file(file_id: str) -> str:
    return f"browser.pick.{file_id}"


def file_folder(folder_id: str) -> str:
    return f"files.folder.{folder_id}"


def file_row(file_id: str) -> str:
    return f"files.file.{file_id}"


def file_move_to(folder_id: str) -> str:
    return f"files.move_to.{folder_id}"


def file_copy_to(folder_id: str) -> str:
    return f"files.copy_to.{folder_id}"


def save_attachment(attachment_id: str) -> str:
    return f"mail.save.{attachment_id}"


def save_to(folder_id: str) -> str:
    return f"mail.save_to.{folder_id}"


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
    files = scenario.apps.files
    folders = [f for f in files.folder_ids() if f != "trash"] if files else []
    if files is not None:
        ids |= FILES_STATIC_IDS | {file_folder(f) for f in files.folder_ids()}
        ids |= {file_row(f) for f in files.file_ids()}
        ids |= {file_move_to(f) for f in folders} | {file_copy_to(f) for f in folders}
    if mail is not None and files is not None:
        ids |= SAVE_IDS | {save_attachment(x) for x in mail.attachment_ids()} | {save_to(f) for f in folders}
    browser = scenario.apps.browser
    if browser is not None:
        ids |= BROWSER_STATIC_IDS | {page_link(x) for x in browser.link_ids()}
        ids |= {result(r) for r in browser.result_ids()}
        for page in browser.pages:
            for block in page.blocks:
                kind = getattr(block, "type", "")
                if kind == "search":
                    ids |= {"browser.search", "browser.search.go"}
                if kind != "form":
                    continue
                ids.add(form_submit(block.id))
                for field in block.fields:
                    if field.kind not in ("select", "radio"):  # those show one button per option instead
                        ids.add(form_field(block.id, field.id))
                    ids |= {field_option(block.id, field.id, o.id) for o in field.options}
                    if field.policy:
                        ids.add(field_policy(block.id, field.id))
        if files is not None:
            ids |= {pick_file(f) for f in files.file_ids()}
    if scenario.persona is not None:
        ids |= PERSONA_IDS
    if scenario.apps.qa_game is not None:
        ids |= QA_IDS
    tracker = scenario.apps.bug_tracker
    if tracker is not None:
        from game.scenario.bug_tracker import CATEGORIES, CHECK_STATUSES, REPRODUCIBILITY, SEVERITIES
        from game.runtime.qa_game import levels_for

        ids |= TRACKER_STATIC_IDS
        choices = {"category": CATEGORIES, "severity": SEVERITIES, "reproducibility": REPRODUCIBILITY}
        if scenario.apps.qa_game is not None:
            choices["area"] = tuple(level.id for level in levels_for(scenario.apps.qa_game))
        ids |= {f"tracker.field.{name}.{value}" for name, values in choices.items() for value in values}
        ids |= {f"tracker.check.{item.id}.{status}" for item in tracker.checklist for status in CHECK_STATUSES}
    return ids


def is_known(element_id: str, known: set[str]) -> bool:
    return element_id in known or any(p.match(element_id) for p in DYNAMIC_PATTERNS)
