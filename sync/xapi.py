"""xAPI 1.0.3 statements built from the event log and scores: pure functions, no I/O.

The outbox calls these when events are written: `launched` at `session_started`, `scenario_statements` at
`scenario_ended`, `session_completed` at `session_ended`. Each statement gets a deterministic id
(`statement_id`), so rebuilding it gives the same id and, through `canonical_bytes`, the same bytes: a resend
is harmless to the learning record store. A typical session of ten scenarios stays within 24 KB without
process data (remote sites on slow lines): one statement per scenario played, definitions by reference (a
name and a type, nothing else), and nothing the spec makes the default or another field already says.
`validate` is the strict local check at the edge. Every id, extension and rule is documented in docs/xapi.md.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr,
                      ValidationError, model_validator)

from game.runtime.events import LOG_SCHEMA_VERSION
from game.scenario.matching import fact_holds, matches
from game.scenario.models import Scenario
from game.scenario.rules import AtEnd, Before, Count, Duration, EventMatch, Happened, NotHappened

# --- identifiers --------------------------------------------------------------------------------------------
BASE = "https://numplus.ca/xapi/"
ASSESSMENT_ID = BASE + "assessment"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)  # 631a6513-cde6-52e6-8a1d-9bd9c3bf8a77
MAX_STATEMENT_BYTES = 16 * 1024  # canonical bytes of one process-data statement (one oversized event travels alone)


def scenario_activity_id(scenario_id: str) -> str:
    return f"{BASE}scenarios/{scenario_id}"


def area_activity_id(area_id: str) -> str:
    return f"{BASE}areas/{area_id}"


def competence_activity_id(code: str) -> str:
    return f"{BASE}competences/{code}"


def extension(name: str) -> str:
    return f"{BASE}extensions/{name}"


ADL = "http://adlnet.gov/expapi/"
VERBS: dict[str, dict[str, Any]] = {
    "launched": {"id": ADL + "verbs/launched", "display": {"fr-CA": "a lancé", "en-CA": "launched"}},
    "attempted": {"id": ADL + "verbs/attempted", "display": {"fr-CA": "a tenté", "en-CA": "attempted"}},
    "interacted": {"id": ADL + "verbs/interacted", "display": {"fr-CA": "a interagi avec", "en-CA": "interacted with"}},
    "completed": {"id": ADL + "verbs/completed", "display": {"fr-CA": "a terminé", "en-CA": "completed"}},
    "terminated": {"id": ADL + "verbs/terminated", "display": {"fr-CA": "a mis fin à", "en-CA": "terminated"}},
    "voided": {"id": ADL + "verbs/voided", "display": {"fr-CA": "a annulé", "en-CA": "voided"}},
    "scored": {"id": ADL + "verbs/scored", "display": {"fr-CA": "a obtenu un résultat en", "en-CA": "scored in"}},
}
ACTIVITY_TYPES = {
    "assessment": ADL + "activities/assessment",
    "scenario": ADL + "activities/simulation",
    "area": ADL + "activities/objective",
    "competence": ADL + "activities/objective",
}
ASSESSMENT_DEFINITION = {
    "name": {"fr-CA": "NUM+ : évaluation des compétences numériques",
             "en-CA": "NUM+: digital skills assessment"},
    "type": ACTIVITY_TYPES["assessment"],
}

# Extension names (under BASE + "extensions/"), with where they go; docs/xapi.md gives their value types.
CONTEXT_EXTENSIONS = ("kiosk-id", "app-version", "scenario-version", "log-schema-version", "part", "parts",
                      "typed-text", "end-reason")
RESULT_EXTENSIONS = ("outcome", "observables", "events", "measurement", "framework", "parameters-version")
# What a "scored" statement says of its area (a scored statement exists only for a measured area, so no
# "status"), and the decimals of the measurement's numbers in every statement.
AREA_REPORT_KEYS = ("theta", "se", "level", "level_probabilities", "between_levels", "proficiency_level",
                    "n_scenarios")
REPORT_DIGITS = 3

PARTICIPANT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")


class StatementError(ValueError):
    """A statement that must not be stored or sent; the message says why in one line."""


@dataclass(frozen=True)
class Origin:
    """The kiosk and organisation (from settings)."""

    org_url: str  # the actor account's homePage, e.g. "https://epn.example.org"
    kiosk_id: str  # e.g. "kiosk-07"
    app_version: str  # game.APP_VERSION
    platform: str  # e.g. "NUM+ 0.1.0 / Linux"


@dataclass(frozen=True)
class SessionFacts:
    session_id: str  # UUID: context.registration
    participant: str  # pseudonymous code: actor.account.name, never a name or email
    locale: str  # fr-CA / en-CA: context.language
    research_consent: bool  # the participant consented to research use of process data
    texts_consent: bool  # the organisation's research consent covers typed texts


# --- ids and bytes ------------------------------------------------------------------------------------------
def statement_id(session_id: str, *parts: str) -> str:
    """A deterministic UUID (version 5 in the NUM+ namespace) for one statement of one session."""
    return str(uuid.uuid5(NAMESPACE, json.dumps([session_id, *parts], ensure_ascii=False)))


def canonical_bytes(statement: dict) -> bytes:
    """The exact bytes stored and resent: JSON with sorted keys, no whitespace, UTF-8."""
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


# --- building blocks ----------------------------------------------------------------------------------------
# No "objectType" on the actor ("Agent") or on activities ("Activity"): xAPI makes both the default, and
# restating them in every activity of every statement would cost about 1.6 KB a session.
def _actor(origin: Origin, session: SessionFacts) -> dict[str, Any]:
    return {"account": {"homePage": origin.org_url, "name": session.participant}}


def _verb(name: str) -> dict[str, Any]:
    verb = VERBS[name]
    return {"id": verb["id"], "display": dict(verb["display"])}


def _assessment() -> dict[str, Any]:
    return {"id": ASSESSMENT_ID, "definition": json.loads(json.dumps(ASSESSMENT_DEFINITION))}


def _text(locale_map: dict[str, str]) -> dict[str, str]:
    return {tag: text for tag, text in sorted(locale_map.items())}


def _scenario_activity(scenario: Scenario) -> dict[str, Any]:
    return {"id": scenario_activity_id(scenario.id),
            "definition": {"name": _text(scenario.title), "type": ACTIVITY_TYPES["scenario"]}}


def _framework(framework_id: str | None):
    from scoring.framework import DEFAULT_FRAMEWORK, load_framework

    return load_framework(framework_id or DEFAULT_FRAMEWORK)


def _area_activity(framework, area_id: str) -> dict[str, Any]:
    area = framework.area(area_id)
    return {"id": area_activity_id(area_id),
            "definition": {"name": _text(area.label), "type": ACTIVITY_TYPES["area"]}}


def _reference(activity_id: str) -> dict[str, Any]:
    """An activity named by its id alone (in context activities): its definition is documented (docs/xapi.md),
    not repeated in every statement, to keep a session within what a slow line carries."""
    return {"id": activity_id}


def _scored_competences(scenario: Scenario) -> list[str]:
    return list((scenario.measurement.competences if scenario.measurement else None) or scenario.competences)


def _area_of(framework, codes: list[str]) -> str | None:
    """The scenario's area, as the item bank decides it: the area of its first code the framework covers."""
    return next((a for a in (framework.area_of(c) for c in codes) if a is not None), None)


def _context(origin: Origin, session: SessionFacts, *, parent: bool, grouping: list[dict] | None = None,
             extra: dict[str, Any] | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {"registration": session.session_id, "language": session.locale,
                               "platform": origin.platform}
    activities: dict[str, Any] = {}
    if parent:
        activities["parent"] = [_reference(ASSESSMENT_ID)]
    if grouping:
        activities["grouping"] = grouping
    if activities:
        context["contextActivities"] = activities
    extensions = {extension("kiosk-id"): origin.kiosk_id, extension("app-version"): origin.app_version}
    extensions.update({extension(k): v for k, v in (extra or {}).items()})
    context["extensions"] = extensions
    return context


def _statement(sid: str, origin: Origin, session: SessionFacts, verb: str, obj: dict, utc: str,
               context: dict, result: dict | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"id": sid, "actor": _actor(origin, session), "verb": _verb(verb), "object": obj,
                                 "timestamp": utc, "context": context}
    if result:
        statement["result"] = result
    return _checked(statement)


def _checked(statement: dict) -> dict:
    """A validated statement that shares nothing with the others (they reuse activities and contexts)."""
    validate(statement)
    return copy.deepcopy(statement)


def iso_duration(t_ms: int) -> str:
    """ISO 8601 duration in seconds, truncated to 0.01 s (the precision xAPI compares): 1584 ms -> PT1.58S."""
    centis = max(0, int(t_ms)) // 10
    whole, frac = divmod(centis, 100)
    return f"PT{whole}S" if frac == 0 else f"PT{whole}.{frac:02d}".rstrip("0") + "S"


# --- session launched ---------------------------------------------------------------------------------------
def launched(origin: Origin, session: SessionFacts, utc: str) -> dict:
    """The session was launched (at `session_started`): the participant began the assessment."""
    return _statement(statement_id(session.session_id, "launched"), origin, session, "launched", _assessment(), utc,
                      _context(origin, session, parent=False))


# --- one scenario -------------------------------------------------------------------------------------------
def scenario_statements(origin: Origin, session: SessionFacts, scenario: Scenario, result: dict,
                        events: list[dict], utc: str, *, framework: str | None = None,
                        max_bytes: int = MAX_STATEMENT_BYTES) -> list[dict]:
    """The statements of one play of a scenario (at its `scenario_ended`), in order: the process data in parts
    ("interacted", only with research consent), then one statement for the play: "completed" with the result,
    or "attempted" without a score when the play was abandoned. That statement's timestamp is the end (`utc`);
    the start is the timestamp minus `result.duration`. `result` is `scoring.evidence.scenario_result`;
    `events` the session's events (those of other scenarios are left out)."""
    played = sorted((e for e in events if e.get("scenario") == scenario.id), key=lambda e: e["seq"])
    outcome = result.get("outcome")
    ended = next((e for e in reversed(played) if e["type"] == "scenario_ended"), None)
    if outcome is None or ended is None:
        raise StatementError(f"{scenario.id}: no scenario_ended in the events: statements are built when it ends")
    fw = _framework(framework)
    codes = _scored_competences(scenario)
    area = _area_of(fw, codes)
    grouping = ([_reference(area_activity_id(area))] if area else []) + [_reference(competence_activity_id(c))
                                                                        for c in codes]

    def context(more: dict[str, Any] | None = None) -> dict[str, Any]:
        return _context(origin, session, parent=True, grouping=grouping,
                        extra={"scenario-version": scenario.version, **(more or {})})

    sid = session.session_id
    obj = _scenario_activity(scenario)
    statements: list[dict] = []
    if session.research_consent:
        statements += _process_statements(origin, session, scenario, played, obj, context, max_bytes)

    duration = iso_duration(ended["t_ms"])
    if outcome == "abandoned":  # ADL's "attempted": begun, not finished, nothing to score
        end = _statement(statement_id(sid, scenario.id, "ended"), origin, session, "attempted", obj, utc, context(),
                         {"completion": False, "duration": duration,
                          "extensions": {extension("outcome"): outcome}})
        return statements + [end]
    outcome_result: dict[str, Any] = {}
    item_score = result.get("item_score")
    if scenario.measurement is not None and item_score is not None:
        top = scenario.measurement.item_score.max_score
        outcome_result["score"] = {"scaled": round(item_score / top, 4), "raw": item_score, "min": 0, "max": top}
        outcome_result["success"] = item_score == top
    outcome_result["completion"] = outcome == "completed"
    outcome_result["duration"] = duration
    outcome_result["extensions"] = {
        extension("outcome"): outcome,
        extension("observables"): {name: o.get("value")
                                   for name, o in sorted((result.get("observables") or {}).items())},
    }
    end = _statement(statement_id(sid, scenario.id, "ended"), origin, session, "completed", obj, utc, context(),
                     outcome_result)
    return statements + [end]


def _process_statements(origin: Origin, session: SessionFacts, scenario: Scenario, played: list[dict],
                        obj: dict, context: Callable[[dict], dict], max_bytes: int) -> list[dict]:
    """The scenario's events in order, in as many "interacted" statements as the size limit needs."""
    texts = "included" if session.texts_consent else "reduced"
    shown = [_process_event(e, scenario, session.texts_consent) for e in played]
    if not shown:
        return []

    def build(part: int, parts: int, batch: list[dict], utc: str) -> dict[str, Any]:
        return {"id": statement_id(session.session_id, scenario.id, "events", str(part)),
                "actor": _actor(origin, session), "verb": _verb("interacted"), "object": obj, "timestamp": utc,
                "result": {"extensions": {extension("events"): batch}},
                "context": context({"log-schema-version": LOG_SCHEMA_VERSION, "part": part, "parts": parts,
                                    "typed-text": texts})}

    # Sizes add up exactly: "[a,b]" is "[]" plus each event's bytes plus the commas. The empty statement is
    # measured with part numbers longer than any real one, so the real statement is never larger.
    sizes = [len(canonical_bytes(e)) for e in shown]
    batches: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, size in enumerate(sizes):
        if not current:
            used = len(canonical_bytes(build(999999, 999999, [], shown[i]["utc"])))
        if current and used + size + 1 > max_bytes:
            batches.append(current)
            current, used = [], len(canonical_bytes(build(999999, 999999, [], shown[i]["utc"])))
        used += size + (1 if current else 0)
        current.append(i)
    batches.append(current)
    return [_checked(build(n, len(batches), [shown[i] for i in batch], shown[batch[0]]["utc"]))
            for n, batch in enumerate(batches, start=1)]


# --- typed text ---------------------------------------------------------------------------------------------
# Payload fields that hold what a participant typed (or a name they gave), by event type. Ids (message,
# draft, page, form, file, query, report...) always stay: they are the author's.
TYPED_FIELDS: dict[str, tuple[str, ...]] = {
    "recipients_set": ("to", "cc"),
    "subject_set": ("subject",),
    "body_set": ("body",),
    "message_sent": ("to", "cc", "subject", "body"),
    "address_entered": ("address",),
    "page_not_found": ("address",),
    "search_made": ("text",),
    "file_chosen": ("name",),
    "file_opened": ("name",),
    "file_renamed": ("from_name", "to_name"),
    "file_moved": ("name",),
    "file_copied": ("name",),
    "file_deleted": ("name",),
    "file_restored": ("name",),
    "folder_created": ("name",),
    "attachment_saved": ("name",),
    "report_submitted": ("title", "build", "steps", "expected", "actual"),
    "action_rejected": ("to", "cc", "subject", "body", "address", "text", "value", "name", "new_name",
                        "folder_name", "file_name"),
}
REPORT_TEXT_FIELDS = ("title", "build", "steps", "expected", "actual")
OPTION_KINDS = ("select", "radio")  # their value is an option id of the author's


def _process_event(event: dict, scenario: Scenario, texts: bool) -> dict[str, Any]:
    """One event as process data: seq, t_ms, utc, type, payload (session and scenario are in the context)."""
    payload = event.get("payload") or {}
    if not texts:
        payload = _reduce(event, scenario)
    return {"seq": event["seq"], "t_ms": event["t_ms"], "utc": event["utc"], "type": event["type"],
            "payload": json.loads(json.dumps(payload))}


def _patterns(scenario: Scenario, event: dict) -> list[tuple[str, set[str]]]:
    """(observable, the payload fields its pattern tests) for each evidence pattern the event matches."""
    found: list[tuple[str, set[str]]] = []
    for rule in scenario.evidence:
        if isinstance(rule, (Happened, NotHappened, Count)):
            patterns: list[EventMatch] = [rule]
        elif isinstance(rule, Before):
            patterns = [rule.first, rule.then]
        elif isinstance(rule, Duration):
            patterns = [rule.start, rule.end]
        else:
            patterns = []
        found += [(rule.observable, set(p.where)) for p in patterns if matches(p, event)]
        if isinstance(rule, AtEnd) and event.get("type") == "scenario_ended":
            final = (event.get("payload") or {}).get("final") or {}
            found += [(rule.observable, _fact_fields(fact, final)) for fact in rule.facts if fact_holds(fact, final)]
    return found


def _fact_fields(fact, final: dict) -> set[str]:
    """The texts of `final` a state fact that holds was checked against."""
    if fact.form_value is not None:
        return {f"final.browser.submitted.{fact.form_value.form}.{fact.form_value.field}"}
    if fact.file_in_folder is not None and fact.file_in_folder.name is not None:
        spec = fact.file_in_folder
        files = (final.get("files") or {}).get("files", {})
        return {f"final.files.files.{fid}.name" for fid, f in files.items()
                if f.get("folder") == spec.folder and str(f.get("name", "")).casefold() == spec.name.casefold()}
    return set()


def reduce_typed_text(event: dict, scenario: Scenario | None) -> dict[str, Any]:
    """The event's payload as research may see it without a consent that covers texts (exports use it too)."""
    if scenario is None:  # the scenario is gone: every typed text still goes, reduced, with no rules named
        return _reduce(event, None)
    return _reduce(event, scenario)


def _reduce(event: dict, scenario: Scenario | None) -> dict[str, Any]:
    """The payload with each typed text replaced by {"length": n, "rules": [...]}: the observables whose
    evidence pattern matched this event with a test on that field."""
    payload = dict(event.get("payload") or {})
    found = _patterns(scenario, event) if scenario is not None else []

    def rules(path: str) -> list[str]:
        return sorted({obs for obs, keys in found
                       if any(k == path or k.startswith(path + ".") or path.startswith(k + ".") for k in keys)})

    def mask(value: Any, path: str) -> Any:
        if isinstance(value, str):
            return {"length": len(value), "rules": rules(path)}
        if isinstance(value, list):
            return [mask(v, path) for v in value]
        if isinstance(value, dict):
            return {k: mask(v, f"{path}.{k}") for k, v in value.items()}
        return value

    kind = event.get("type")
    for name in TYPED_FIELDS.get(kind, ()):
        if name in payload:
            payload[name] = mask(payload[name], name)
    if kind == "page_visited" and payload.get("page") is None and "url" in payload:
        payload["url"] = mask(payload["url"], "url")  # a results page: its address holds the search
    elif kind == "field_changed" and "value" in payload:
        if _field_kind(scenario, payload.get("form"), payload.get("field")) not in OPTION_KINDS:
            payload["value"] = mask(payload["value"], "value")
    elif kind == "form_submitted" and isinstance(payload.get("values"), dict):
        payload["values"] = _mask_form(scenario, payload.get("form"), payload["values"], "values", mask)
    elif kind == "report_field_set":
        if payload.get("field") in REPORT_TEXT_FIELDS or (
                payload.get("field") == "area" and payload.get("value") not in _level_ids(scenario)):
            payload["value"] = mask(payload.get("value"), "value")
    elif kind == "report_submitted" and "area" in payload and payload["area"] not in _level_ids(scenario):
        payload["area"] = mask(payload["area"], "area")
    elif kind == "scenario_ended" and isinstance(payload.get("final"), dict):
        payload["final"] = _mask_final(scenario, payload["final"], mask)
    return payload


def _mask_form(scenario: Scenario, form: Any, values: dict, path: str, mask: Callable[[Any, str], Any]) -> dict:
    return {fid: value if _field_kind(scenario, form, fid) in OPTION_KINDS else mask(value, f"{path}.{fid}")
            for fid, value in values.items()}


def _mask_final(scenario: Scenario, final: dict, mask: Callable[[Any, str], Any]) -> dict:
    final = json.loads(json.dumps(final))
    browser = final.get("browser")
    if isinstance(browser, dict):
        if browser.get("page") is None and "url" in browser:
            browser["url"] = mask(browser["url"], "final.browser.url")
        submitted = browser.get("submitted")
        if isinstance(submitted, dict):
            browser["submitted"] = {form: _mask_form(scenario, form, values, f"final.browser.submitted.{form}", mask)
                                    if isinstance(values, dict) else values for form, values in submitted.items()}
    files = (final.get("files") or {}).get("files")
    if isinstance(files, dict):
        for fid, entry in files.items():
            if isinstance(entry, dict) and "name" in entry:
                entry["name"] = mask(entry["name"], f"final.files.files.{fid}.name")
    reports = (final.get("bug_tracker") or {}).get("reports")
    if isinstance(reports, dict):
        for rid, report in reports.items():
            if not isinstance(report, dict):
                continue
            for name in REPORT_TEXT_FIELDS:
                if name in report:
                    report[name] = mask(report[name], f"final.bug_tracker.reports.{rid}.{name}")
            if "area" in report and report["area"] not in _level_ids(scenario):
                report["area"] = mask(report["area"], f"final.bug_tracker.reports.{rid}.area")
    return final


def _field_kind(scenario: Scenario, form: Any, field: Any) -> str | None:
    browser = scenario.apps.browser
    found = browser.forms().get(form) if browser is not None and isinstance(form, str) else None
    return next((f.kind for f in found.fields if f.id == field), None) if found is not None else None


def _level_ids(scenario: Scenario) -> set[str]:
    """Values a report's area may take without being typed text: "" or a level of the scenario's game."""
    game = scenario.apps.qa_game
    if game is None:
        return {""}
    from game.runtime.qa_game import levels_for

    return {""} | {level.id for level in levels_for(game)}


# --- session end --------------------------------------------------------------------------------------------
def session_completed(origin: Origin, session: SessionFacts, measurement: dict, reason: str, utc: str) -> list[dict]:
    """At `session_ended`: "completed" (reason `finished`) or "terminated" (any other reason) for the
    assessment with the overall result, then one "scored" statement per measured area, with AREA_REPORT_KEYS
    of its report. `measurement` is `scoring.measurement.measure`; its numbers travel to REPORT_DIGITS
    decimals."""
    sid = session.session_id
    framework_id = measurement["framework"]
    parameters = measurement["parameters_version"]
    fw = _framework(framework_id)

    def about(report: dict) -> dict[str, Any]:
        return {extension("measurement"): _rounded(report), extension("framework"): framework_id,
                extension("parameters-version"): parameters}

    end = _statement(statement_id(sid, "assessment", "ended"), origin, session,
                     "completed" if reason == "finished" else "terminated", _assessment(), utc,
                     _context(origin, session, parent=False, extra={"end-reason": reason}),
                     {"completion": reason == "finished", "extensions": about(measurement["overall"])})
    statements = [end]
    for area_id, report in sorted(measurement["areas"].items()):
        if report.get("status") != "measured":
            continue
        statements.append(_statement(statement_id(sid, "area", area_id), origin, session, "scored",
                                     _area_activity(fw, area_id), utc, _context(origin, session, parent=True),
                                     {"extensions": about({k: report[k] for k in AREA_REPORT_KEYS})}))
    return statements


def _rounded(report: dict) -> dict:
    """A scale's report with its numbers to REPORT_DIGITS decimals: theta, se and the probabilities (counts,
    levels, booleans and nulls as they are)."""
    def number(value: Any) -> Any:
        return round(value, REPORT_DIGITS) + 0.0 if isinstance(value, float) else value  # + 0.0: never -0.0

    return {key: {k: number(v) for k, v in value.items()} if isinstance(value, dict) else number(value)
            for key, value in report.items()}


# --- validation ---------------------------------------------------------------------------------------------
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_IRL = re.compile(r"^https?://[^\s/<>\"{}|\\^`]+(/[^\s<>\"{}|\\^`]*)?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
# RFC 5646 well-formed tags (langtag, private use and grandfathered "i-" tags aside), checked token by token.
_LANGTAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{3}){0,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?"
                      r"(-([A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*(-[0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+)*"
                      r"(-x(-[A-Za-z0-9]{1,8})+)?$|^x(-[A-Za-z0-9]{1,8})+$")


def _check(pattern: re.Pattern, what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value
    return check


def _timestamp(value: str) -> str:
    _check(_TIMESTAMP, "an ISO 8601 timestamp with a time zone")(value)
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date and time") from None
    return value


UUIDStr = Annotated[StrictStr, AfterValidator(_check(_UUID, "a UUID in lower-case standard form"))]
IRI = Annotated[StrictStr, AfterValidator(_check(_IRI, "an absolute IRI"))]
IRL = Annotated[StrictStr, AfterValidator(_check(_IRL, "an http(s) IRL"))]
LangTag = Annotated[StrictStr, AfterValidator(_check(_LANGTAG, "an RFC 5646 language tag"))]
LanguageMap = Annotated[dict[LangTag, Annotated[StrictStr, Field(min_length=1)]], Field(min_length=1)]
Extensions = Annotated[dict[IRI, Any], Field(min_length=1)]  # any JSON value: the LRS must not judge them
Number = StrictInt | StrictFloat


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Account(_Strict):
    homePage: IRL
    name: Annotated[StrictStr, AfterValidator(_check(PARTICIPANT_CODE, "a pseudonymous participant code"))]


class _Agent(_Strict):
    objectType: Literal["Agent"] | None = None  # the default: NUM+ leaves it out
    account: _Account

    @model_validator(mode="before")
    @classmethod
    def _no_identity(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("mbox", "mbox_sha1sum", "openid", "name"):
                if key in data:
                    raise ValueError(f"the actor has {key!r}: NUM+ sends only a pseudonymous account")
        return data


class _Verb(_Strict):
    id: IRI
    display: LanguageMap


class _Definition(_Strict):
    name: LanguageMap | None = None
    description: LanguageMap | None = None
    type: IRI | None = None
    moreInfo: IRL | None = None
    extensions: Extensions | None = None


class _Activity(_Strict):
    objectType: Literal["Activity"] = "Activity"
    id: IRI
    definition: _Definition | None = None


class _StatementRef(_Strict):
    objectType: Literal["StatementRef"]
    id: UUIDStr


class _Score(_Strict):
    scaled: Number | None = None
    raw: Number | None = None
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _in_range(self) -> _Score:
        if self.scaled is not None and not -1 <= self.scaled <= 1:
            raise ValueError(f"scaled {self.scaled} is outside [-1, 1]")
        if self.min is not None and self.max is not None and not self.min < self.max:
            raise ValueError(f"min {self.min} is not below max {self.max}")
        if self.raw is not None and ((self.min is not None and self.raw < self.min)
                                     or (self.max is not None and self.raw > self.max)):
            raise ValueError(f"raw {self.raw} is outside [min, max]")
        return self


class _Result(_Strict):
    score: _Score | None = None
    success: StrictBool | None = None
    completion: StrictBool | None = None
    response: StrictStr | None = None
    duration: Annotated[StrictStr, AfterValidator(_check(_DURATION, "an ISO 8601 duration"))] | None = None
    extensions: Extensions | None = None


class _ContextActivities(_Strict):
    parent: Annotated[list[_Activity], Field(min_length=1)] | None = None
    grouping: Annotated[list[_Activity], Field(min_length=1)] | None = None
    category: Annotated[list[_Activity], Field(min_length=1)] | None = None
    other: Annotated[list[_Activity], Field(min_length=1)] | None = None


class _Context(_Strict):
    registration: UUIDStr | None = None
    contextActivities: _ContextActivities | None = None
    revision: Annotated[StrictStr, Field(min_length=1)] | None = None
    platform: Annotated[StrictStr, Field(min_length=1)] | None = None
    language: LangTag | None = None
    extensions: Extensions | None = None


class _Statement(_Strict):
    id: UUIDStr
    actor: _Agent
    verb: _Verb
    object: _Activity
    result: _Result | None = None
    context: _Context | None = None
    timestamp: Annotated[StrictStr, AfterValidator(_timestamp)]
    version: Literal["1.0.0"] | None = None  # the spec: a provider that sets it sets 1.0.0

    @model_validator(mode="after")
    def _object_defined(self) -> _Statement:
        if self.verb.id == VERBS["voided"]["id"]:
            raise ValueError("a voiding statement's object is a StatementRef")
        if self.object.definition is None or self.object.definition.type is None:
            raise ValueError("the object activity needs a definition with a type")
        return self


class _Voiding(_Strict):
    """Voids one statement NUM+ sent: the xAPI way to take it back (the LRS keeps it, marked void)."""

    id: UUIDStr
    actor: _Agent
    verb: _Verb
    object: _StatementRef
    timestamp: Annotated[StrictStr, AfterValidator(_timestamp)]

    @model_validator(mode="after")
    def _voided(self) -> _Voiding:
        if self.verb.id != VERBS["voided"]["id"]:
            raise ValueError("a statement about a StatementRef must use the voided verb")
        return self


def _empty(value: Any, path: str) -> str | None:
    """Where a null, empty string, empty object or empty list sits outside extensions (the LRS rejects them)."""
    if value is None or value == "" or value == {} or value == []:
        return path or "statement"
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "extensions":
                continue
            found = _empty(inner, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for i, inner in enumerate(value):
            found = _empty(inner, f"{path}[{i}]")
            if found:
                return found
    return None


def validate(statement: dict) -> None:
    """Strict local check of a statement NUM+ sends; raises StatementError with a one-line message."""
    if not isinstance(statement, dict):
        raise StatementError("a statement is a JSON object")
    label = str(statement.get("id", "?"))
    empty = _empty(statement, "")
    if empty:
        raise StatementError(f"statement {label}: {empty}: empty or null value")
    object_ = statement.get("object")
    model = _Voiding if isinstance(object_, dict) and object_.get("objectType") == "StatementRef" else _Statement
    try:
        model.model_validate(statement)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "statement"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        elif first["type"] == "missing":
            message = "required"
        raise StatementError(f"statement {label}: {where}: {message}") from None
    try:
        canonical_bytes(statement)
    except (TypeError, ValueError) as exc:
        raise StatementError(f"statement {label}: not JSON: {exc}") from None


def voiding(origin: Origin, voided_id: str, utc: str) -> dict:
    """A statement voiding one NUM+ sent (a participant's data erased on request, Law 25). Its actor is the
    kiosk, by its id, under the organisation: never the participant."""
    statement = {"id": statement_id("voiding", voided_id),
                 "actor": {"account": {"homePage": origin.org_url, "name": origin.kiosk_id.upper()}},
                 "verb": _verb("voided"), "object": {"objectType": "StatementRef", "id": voided_id},
                 "timestamp": utc}
    return _checked(statement)
