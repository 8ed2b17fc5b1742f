"""Checks that need the whole scenario: ids unique, every reference names something that exists."""

from __future__ import annotations

import re
from typing import Iterator

from game.runtime.events import EVENT_APP, EVENT_FIELDS
from game.scenario.models import Scenario
from game.scenario.rules import AtEnd, Before, Duration, EventMatch, StateCondition, Test

Loc = tuple[str | int, ...]
DRAFT_ID = re.compile(r"^d[0-9]+$")
Finding = tuple[Loc, str, bool]  # where, message, points at the key rather than the value


def check_references(scenario: Scenario) -> list[Finding]:
    return list(_findings(scenario))


def _known_ids(scenario: Scenario) -> dict[str, set[str]]:
    mail = scenario.apps.mail
    if mail is None:
        return {"message": set(), "folder": set(), "attachment": set(), "link": set()}
    return {
        "message": {m.id for m in mail.messages},
        "folder": set(mail.folder_ids()),
        "attachment": set(mail.attachment_ids()),
        "link": set(mail.link_ids()),
    }


def _repeats(kind: str, what: str, items: list[tuple[Loc, str]]) -> Iterator[Finding]:
    """Every use of a value after its first, pointing at the repeat and naming the first."""
    first: dict[str, Loc] = {}
    for loc, value in items:
        if value in first:
            yield loc, f"{kind} {what} {value!r} is used more than once (first at {_dotted(first[value])})", False
        else:
            first[value] = loc


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _findings(scenario: Scenario) -> Iterator[Finding]:
    mail = scenario.apps.mail
    known = _known_ids(scenario)
    if mail is not None:
        base: Loc = ("apps", "mail")
        for i, folder in enumerate(mail.folders):
            if folder.id in ("inbox", "sent", "junk", "trash"):
                yield base + ("folders", i, "id"), f"folder id {folder.id!r} is a built-in folder", False
        # Each repeat is reported where it is written, so the author finds it.
        placed: dict[str, list[tuple[Loc, str]]] = {
            "folder": [(("folders", i, "id"), f.id) for i, f in enumerate(mail.folders)],
            "message": [(("messages", i, "id"), m.id) for i, m in enumerate(mail.messages)],
            "attachment": [(("messages", i, "attachments", j, "id"), x.id)
                           for i, m in enumerate(mail.messages) for j, x in enumerate(m.attachments)],
            "link": [(("messages", i, "links", j, "id"), x.id)
                     for i, m in enumerate(mail.messages) for j, x in enumerate(m.links)],
        }
        for kind, items in placed.items():
            yield from _repeats(kind, "id", [(base + loc, value) for loc, value in items])
        for i, message in enumerate(mail.messages):
            if DRAFT_ID.match(message.id):
                yield (base + ("messages", i, "id"),
                       f"message id {message.id!r} is kept for messages the participant writes (d1, d2, ...)", False)
            if message.folder not in known["folder"]:
                yield base + ("messages", i, "folder"), _unknown("folder", message.folder, known), False
    yield from _repeats("observable", "name",
                        [(("evidence", i, "observable"), rule.observable) for i, rule in enumerate(scenario.evidence)])
    for i, rule in enumerate(scenario.evidence):
        loc: Loc = ("evidence", i)
        if rule.competence not in scenario.competences:
            yield (loc + ("competence",), f"competence {rule.competence!r} is not among the scenario's competences "
                                          f"({', '.join(scenario.competences)})", False)
        if isinstance(rule, EventMatch):
            yield from _check_match(rule, loc, scenario, known)
        elif isinstance(rule, Before):
            yield from _check_match(rule.first, loc + ("first",), scenario, known)
            yield from _check_match(rule.then, loc + ("then",), scenario, known)
        elif isinstance(rule, Duration):
            yield from _check_match(rule.start, loc + ("start",), scenario, known)
            yield from _check_match(rule.end, loc + ("end",), scenario, known)
        elif isinstance(rule, AtEnd):
            for j, fact in enumerate(rule.facts):
                yield from _check_fact(fact, loc + ("facts", j), known)
    key = "all" if scenario.end.all is not None else "any"
    for i, condition in enumerate(scenario.end.conditions):
        loc = ("end", key, i)
        if isinstance(condition, StateCondition):
            yield from _check_fact(condition, loc, known)
        else:
            yield from _check_match(condition, loc, scenario, known)


def _unknown(kind: str, value: object, known: dict[str, set[str]]) -> str:
    choices = ", ".join(sorted(known[kind])) or "none"
    return f"no {kind} with id {value!r} in this scenario (known: {choices})"


def _check_fact(fact: StateCondition, loc: Loc, known: dict[str, set[str]]) -> Iterator[Finding]:
    spec = fact.message_in_folder
    where = loc + ("message_in_folder",)
    if spec.message not in known["message"]:
        yield where + ("message",), _unknown("message", spec.message, known), False
    if spec.folder not in known["folder"]:
        yield where + ("folder",), _unknown("folder", spec.folder, known), False


def _check_match(match: EventMatch, loc: Loc, scenario: Scenario, known: dict[str, set[str]]) -> Iterator[Finding]:
    fields = EVENT_FIELDS.get(match.event)
    if fields is None:
        yield loc + ("event",), f"unknown event {match.event!r} (see docs/data-dictionary.md)", False
        return
    app = EVENT_APP[match.event]
    if app is not None and app not in scenario.apps.names():
        yield loc + ("event",), f"event {match.event!r} needs the {app!r} app, which this scenario does not have", False
    for name, test in match.where.items():
        where = loc + ("where", name)
        if name not in fields:
            allowed = ", ".join(sorted(fields)) or "none"
            yield where, f"event {match.event!r} has no field {name!r} (fields: {allowed})", True
            continue
        kind = fields[name]
        if kind is None:
            continue
        for value in _named_values(test):
            if not isinstance(value, str):
                yield where, f"write the {kind} id as text, in quotes: '{value}'", False
            elif value not in known[kind]:
                yield where, _unknown(kind, value, known), False


def _named_values(test: object) -> list[object]:
    if not isinstance(test, Test):
        return [test]
    op, value = test.operator
    if op in ("equals", "not_equals", "includes", "excludes"):
        return [value]
    if op in ("in", "not_in"):
        return list(value)
    return []
