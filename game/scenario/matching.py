"""Does an event match an EventMatch? Shared by end conditions (runtime) and evidence (scoring)."""

from __future__ import annotations

import unicodedata
from typing import Any, Iterable

from game.runtime.forms import parse_number
from game.scenario.rules import EventMatch, StateCondition, Test


def fold(text: str) -> str:
    """Lower case without accents, so 'Confirmé' contains 'confirme'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _passes(value: Any, test: Any) -> bool:
    if not isinstance(test, Test):
        return value == test
    op, expected = test.operator
    if op == "equals":
        return value == expected
    if op == "not_equals":
        return value != expected
    if op == "in":
        return value in expected
    if op == "not_in":
        return value not in expected
    if op == "includes":
        return isinstance(value, list) and expected in value
    if op == "excludes":
        return isinstance(value, list) and expected not in value
    if op == "contains":
        return isinstance(value, str) and fold(expected) in fold(value)
    if op == "contains_any":
        return isinstance(value, str) and any(fold(x) in fold(value) for x in expected)
    if op in ("min_length", "max_length"):
        if not isinstance(value, (str, list)):
            return False
        return len(value) >= expected if op == "min_length" else len(value) <= expected
    if op in ("at_least", "at_most"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return value >= expected if op == "at_least" else value <= expected
    raise AssertionError(f"unhandled operator {op}")


def field_value(payload: dict[str, Any], name: str) -> Any:
    """A payload field; a dotted name reaches inside (values.email: the email field of a submitted form)."""
    value: Any = payload
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def matches(match: EventMatch, event: dict[str, Any]) -> bool:
    if event.get("type") != match.event:
        return False
    payload = event.get("payload") or {}
    return all(_passes(field_value(payload, name), test) for name, test in match.where.items())


def first_match(match: EventMatch, events: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    return next((e for e in events if matches(match, e)), None)


def fact_holds(fact: StateCondition, final: dict[str, Any]) -> bool:
    """A state fact against the desktop's summary (see Desktop.summary)."""
    if fact.message_in_folder is not None:
        spec = fact.message_in_folder
        return (final.get("mail") or {}).get("folders", {}).get(spec.message) == spec.folder
    if fact.file_in_folder is not None:
        spec = fact.file_in_folder
        files = (final.get("files") or {}).get("files", {})
        if spec.file is not None:
            return (files.get(spec.file) or {}).get("folder") == spec.folder
        return any(f["folder"] == spec.folder and f["name"].casefold() == spec.name.casefold()
                   for f in files.values())
    spec = fact.form_value
    values = ((final.get("browser") or {}).get("submitted") or {}).get(spec.form)
    if values is None:
        return False
    value = values.get(spec.field)
    if isinstance(value, str) and isinstance(spec.equals, (int, float)) and not isinstance(spec.equals, bool):
        return parse_number(value) == spec.equals  # a number field keeps what was typed: "25" or "25,0" is 25
    return value == spec.equals
