"""xAPI statements built from real plays: valid (ours and Ralph's strict model), stable, private by default,
split under the size limit, and a typical session within what a slow line carries."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import uuid
from pathlib import Path

import pytest

from game import APP_VERSION
from game.cli import main
from game.paths import ROOT, SCENARIOS
from game.scenario.walkthrough import Type, load_walkthrough
from game.sessions import scenario_library
from scoring.evidence import scenario_result
from scoring.measurement import load_bank, measure
from sync import xapi
from sync.xapi import (Origin, SessionFacts, StatementError, canonical_bytes, iso_duration, launched,
                       scenario_statements, session_completed, statement_id, validate)
from tests.lrs_support import validate_with_ralph

ORIGIN = Origin(org_url="https://epn.example.org", kiosk_id="kiosk-07", app_version=APP_VERSION,
                platform=f"NUM+ {APP_VERSION} / Linux")
EVENTS_KEY = xapi.extension("events")


# --- real plays ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def library():
    return scenario_library([SCENARIOS])


@pytest.fixture(scope="module")
def play(tmp_path_factory, library):
    """play(scenario id, walkthrough path, lang) -> the session's events, played headless once per module."""
    cache: dict[tuple, list[dict]] = {}

    def run(scenario_id: str, walkthrough: Path, lang: str | None = None) -> list[dict]:
        key = (scenario_id, str(walkthrough), lang)
        if key not in cache:
            out = tmp_path_factory.mktemp("play")
            with pytest.MonkeyPatch.context() as mp:
                for name in ("data", "config"):
                    (out / name).mkdir()
                mp.setenv("NUMPLUS_DATA_DIR", str(out / "data"))
                mp.setenv("NUMPLUS_CONFIG_DIR", str(out / "config"))
                args = ["play", "--headless", "--scenario", scenario_id, "--actions", str(walkthrough),
                        "--out", str(out)] + (["--lang", lang] if lang else [])
                assert main(args) == 0
            lines = (out / "events.jsonl").read_text(encoding="utf-8").splitlines()
            cache[key] = [json.loads(line) for line in lines]
        return copy.deepcopy(cache[key])

    return run


def walkthrough_of(scenario_id: str) -> Path:
    theme, name = scenario_id.split(".", 1)
    return SCENARIOS / theme / f"{name}.walkthrough.yaml"


def facts(events: list[dict], *, research: bool = False, texts: bool = False) -> SessionFacts:
    started = events[0]
    assert started["type"] == "session_started"
    return SessionFacts(session_id=started["session"], participant=started["payload"]["participant"],
                        locale=started["payload"]["locale"], research_consent=research, texts_consent=texts)


def build(library, events: list[dict], scenario_id: str, **kwargs) -> list[dict]:
    """Every statement of the session: launched, the scenario's, and the session's end."""
    consent = {k: kwargs.pop(k) for k in ("research", "texts") if k in kwargs}
    session = facts(events, **consent)
    scenario = library[scenario_id].scenario
    result = scenario_result(scenario, events)
    ended = next(e for e in events if e["type"] == "scenario_ended")
    last = events[-1]
    measurement = measure({scenario_id: result["item_score"]}, load_bank(library))
    return ([launched(ORIGIN, session, events[0]["utc"])]
            + scenario_statements(ORIGIN, session, scenario, result, events, ended["utc"], **kwargs)
            + session_completed(ORIGIN, session, measurement, last["payload"]["reason"], last["utc"]))


def verbs(statements: list[dict]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


def process_events(statements: list[dict]) -> list[dict]:
    return [e for s in statements if s["verb"]["id"].endswith("/interacted")
            for e in s["result"]["extensions"][EVENTS_KEY]]


@pytest.fixture(scope="module")
def meeting(play):
    return play("mail.confirm-meeting", walkthrough_of("mail.confirm-meeting"))


@pytest.fixture(scope="module")
def abandoned_meeting(play, tmp_path_factory):
    """mail.confirm-meeting stopped after the message was opened: the scenario ends as abandoned."""
    short = tmp_path_factory.mktemp("walkthrough") / "confirm-meeting.walkthrough.yaml"
    short.write_text("scenario: mail.confirm-meeting\nsteps:\n  - click: brief.start\n"
                     "  - click: mail.message.meeting\nexpect:\n  outcome: abandoned\n", encoding="utf-8")
    return play("mail.confirm-meeting", short)


def utc_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def seconds(duration: str) -> float:
    match = re.fullmatch(r"PT(\d+(?:\.\d{1,2})?)S", duration)
    assert match, duration
    return float(match.group(1))


# --- every statement ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("research,texts", [(False, False), (True, False), (True, True)])
def test_every_statement_validates_and_survives_a_json_round_trip(library, meeting, research, texts):
    statements = build(library, meeting, "mail.confirm-meeting", research=research, texts=texts)
    assert statements
    for statement in statements:
        validate(statement)
        raw = canonical_bytes(statement)
        assert canonical_bytes(json.loads(raw)) == raw
        assert "version" not in statement  # the spec: providers SHOULD NOT set it (the LRS sets 1.0.0)
        assert statement["context"]["registration"] == meeting[0]["session"]
        assert statement["context"]["language"] == "fr-CA"
        extensions = statement["context"]["extensions"]
        assert extensions[xapi.extension("kiosk-id")] == "kiosk-07"
        assert extensions[xapi.extension("app-version")] == APP_VERSION
        assert statement["timestamp"].endswith("Z")


def test_rebuilding_gives_the_same_ids_and_the_same_bytes(library, meeting):
    first = build(library, meeting, "mail.confirm-meeting", research=True)
    again = build(library, copy.deepcopy(meeting), "mail.confirm-meeting", research=True)
    assert [s["id"] for s in first] == [s["id"] for s in again]
    assert [canonical_bytes(s) for s in first] == [canonical_bytes(s) for s in again]
    ids = [s["id"] for s in first]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 5 for i in ids)


def test_statement_ids_are_uuid5_in_the_numplus_namespace():
    session = "dd3a0d79-c5e3-4a8c-a947-98e0216788a0"
    sid = statement_id(session, "mail.confirm-meeting", "ended")
    assert sid == str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "https://numplus.ca/xapi/"),
                                 json.dumps([session, "mail.confirm-meeting", "ended"])))
    assert sid == statement_id(session, "mail.confirm-meeting", "ended")
    assert sid != statement_id(session, "mail.confirm-meeting", "events", "1")
    assert statement_id(session, "a", "b") != statement_id(session, "a/b")


def test_the_actor_is_a_pseudonymous_account_and_nothing_else(library, meeting):
    code = meeting[0]["payload"]["participant"]
    for statement in build(library, meeting, "mail.confirm-meeting", research=True, texts=True):
        # objectType "Agent" is xAPI's default for an actor: left out, like "Activity" on activities
        assert statement["actor"] == {"account": {"homePage": "https://epn.example.org", "name": code}}


def test_the_persona_never_travels(library, play):
    events = play("web.government-form", walkthrough_of("web.government-form"))
    persona = library["web.government-form"].scenario.persona
    assert persona is not None
    statements = build(library, events, "web.government-form", research=True)
    text = b"".join(canonical_bytes(s) for s in statements).decode("utf-8")
    for value in (persona.name, persona.email, persona.phone, persona.address, persona.birth_date):
        assert value not in text


# --- a scenario ---------------------------------------------------------------------------------------------
def test_a_completed_scenario_is_one_completed_statement_with_its_score(library, meeting):
    statements = build(library, meeting, "mail.confirm-meeting")
    assert verbs(statements) == ["launched", "completed", "terminated", "scored"]
    started = next(e for e in meeting if e["type"] == "scenario_started")
    ended = next(e for e in meeting if e["type"] == "scenario_ended")
    completed = statements[1]
    assert completed["id"] == statement_id(meeting[0]["session"], "mail.confirm-meeting", "ended")
    assert completed["timestamp"] == ended["utc"]
    # the start is the timestamp minus the duration (to the 0.01 s the duration keeps)
    start = utc_time(completed["timestamp"]) - dt.timedelta(seconds=seconds(completed["result"]["duration"]))
    assert abs((start - utc_time(started["utc"])).total_seconds()) < 0.01
    assert completed["object"] == {"id": "https://numplus.ca/xapi/scenarios/mail.confirm-meeting",
                                   "definition": {"name": {"fr-CA": "Confirmer une rencontre",
                                                           "en-CA": "Confirm a meeting"},
                                                  "type": "http://adlnet.gov/expapi/activities/simulation"}}
    result = scenario_result(library["mail.confirm-meeting"].scenario, meeting)
    top = library["mail.confirm-meeting"].scenario.measurement.item_score.max_score
    score = completed["result"]["score"]
    assert score == {"scaled": result["item_score"] / top, "raw": result["item_score"], "min": 0, "max": top}
    assert completed["result"]["success"] is True and completed["result"]["completion"] is True
    extensions = completed["result"]["extensions"]
    assert extensions == {
        xapi.extension("outcome"): "completed",
        xapi.extension("observables"): {k: v["value"] for k, v in result["observables"].items()}}
    context = completed["context"]
    assert "revision" not in context  # the version travels once, in the scenario-version extension
    assert context["contextActivities"] == {
        "parent": [{"id": "https://numplus.ca/xapi/assessment"}],
        "grouping": [{"id": "https://numplus.ca/xapi/areas/communication-collaboration"},  # the competences:
                     {"id": "https://numplus.ca/xapi/competences/2.1"},  # no result extension repeats them
                     {"id": "https://numplus.ca/xapi/competences/2.5"}]}
    assert context["extensions"] == {xapi.extension("kiosk-id"): "kiosk-07",
                                     xapi.extension("app-version"): APP_VERSION,
                                     xapi.extension("scenario-version"): 1}  # the hash stays in the event log


def test_the_duration_is_the_scenario_time_to_the_hundredth_of_a_second(library, meeting):
    ended = next(e for e in meeting if e["type"] == "scenario_ended")
    completed = build(library, meeting, "mail.confirm-meeting")[1]
    assert round(seconds(completed["result"]["duration"]) * 1000) == ended["t_ms"] // 10 * 10


@pytest.mark.parametrize("t_ms,text", [(0, "PT0S"), (9, "PT0S"), (1584, "PT1.58S"), (1500, "PT1.5S"),
                                        (60000, "PT60S"), (3_723_405, "PT3723.4S")])
def test_iso_durations(t_ms, text):
    assert iso_duration(t_ms) == text


def test_a_partial_score_is_scaled_and_not_a_success(library, meeting):
    scenario = library["mail.confirm-meeting"].scenario
    result = {**scenario_result(scenario, meeting), "item_score": 2}
    ended = next(e for e in meeting if e["type"] == "scenario_ended")
    completed = scenario_statements(ORIGIN, facts(meeting), scenario, result, meeting, ended["utc"])[-1]
    assert completed["result"]["score"] == {"scaled": 0.6667, "raw": 2, "min": 0, "max": 3}
    assert completed["result"]["success"] is False


def test_a_scenario_without_measurement_has_no_score(library, meeting):
    scenario = library["mail.confirm-meeting"].scenario.model_copy(update={"measurement": None})
    result = {**scenario_result(scenario, meeting), "item_score": None}
    ended = next(e for e in meeting if e["type"] == "scenario_ended")
    completed = scenario_statements(ORIGIN, facts(meeting), scenario, result, meeting, ended["utc"])[-1]
    assert "score" not in completed["result"] and "success" not in completed["result"]
    assert completed["result"]["completion"] is True


def test_an_abandoned_scenario_is_one_attempted_statement_without_score(library, abandoned_meeting):
    events = abandoned_meeting
    statements = build(library, events, "mail.confirm-meeting", research=True)
    assert verbs(statements) == ["launched", "interacted", "attempted", "terminated"]
    attempted = statements[2]
    assert attempted["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attempted",
                                 "display": {"fr-CA": "a tenté", "en-CA": "attempted"}}
    assert attempted["id"] == statement_id(events[0]["session"], "mail.confirm-meeting", "ended")
    ended = next(e for e in events if e["type"] == "scenario_ended")
    assert attempted["timestamp"] == ended["utc"]
    assert attempted["result"] == {"completion": False, "duration": iso_duration(ended["t_ms"]),
                                   "extensions": {xapi.extension("outcome"): "abandoned"}}
    assert attempted["context"]["contextActivities"]["parent"] == [{"id": "https://numplus.ca/xapi/assessment"}]


def test_statements_need_the_scenario_to_have_ended(library, meeting):
    scenario = library["mail.confirm-meeting"].scenario
    cut = [e for e in meeting if e["type"] != "scenario_ended"]
    with pytest.raises(StatementError, match="no scenario_ended"):
        scenario_statements(ORIGIN, facts(cut), scenario, {"outcome": None}, cut, cut[-1]["utc"])


# --- process data -------------------------------------------------------------------------------------------
def test_no_process_data_without_research_consent(library, meeting):
    statements = build(library, meeting, "mail.confirm-meeting", research=False, texts=True)
    assert "interacted" not in verbs(statements)
    assert EVENTS_KEY.encode() not in b"".join(canonical_bytes(s) for s in statements)
    assert b"Bonjour" not in b"".join(canonical_bytes(s) for s in statements)


def test_process_data_with_research_consent_holds_every_event_of_the_scenario(library, meeting):
    statements = build(library, meeting, "mail.confirm-meeting", research=True)
    assert verbs(statements) == ["launched", "interacted", "completed", "terminated", "scored"]
    part = statements[1]
    context = part["context"]["extensions"]
    assert context[xapi.extension("part")] == 1 and context[xapi.extension("parts")] == 1
    assert context[xapi.extension("typed-text")] == "reduced"
    assert context[xapi.extension("log-schema-version")] == 1
    played = [e for e in meeting if e["scenario"] == "mail.confirm-meeting"]
    sent = process_events(statements)
    assert [e["seq"] for e in sent] == [e["seq"] for e in played]
    assert [(e["type"], e["t_ms"], e["utc"]) for e in sent] == [(e["type"], e["t_ms"], e["utc"]) for e in played]
    assert all(set(e) == {"seq", "t_ms", "utc", "type", "payload"} for e in sent)
    started = next(e for e in meeting if e["type"] == "scenario_started")
    assert sent[0]["payload"]["scenario_hash"] == started["payload"]["scenario_hash"]  # the hash travels here
    assert part["timestamp"] == started["utc"]


def test_typed_text_is_reduced_to_its_length_and_the_rules_it_met_without_texts_consent(library, meeting):
    statements = build(library, meeting, "mail.confirm-meeting", research=True, texts=False)
    raw = b"".join(canonical_bytes(s) for s in statements)
    assert b"Bonjour" not in raw and "je serai présent".encode() not in raw and b"RE : Rencontre" not in raw
    sent = next(e for e in process_events(statements) if e["type"] == "message_sent")["payload"]
    original = next(e for e in meeting if e["type"] == "message_sent")["payload"]
    assert sent["body"] == {"length": len(original["body"]),
                            "rules": ["reply_confirms_attendance", "reply_is_polite"]}
    assert sent["subject"] == {"length": len(original["subject"]), "rules": []}
    assert sent["to"] == [{"length": len("sophie.gagnon@chezmado.ca"), "rules": ["replied_to_manager"]}]
    assert (sent["draft"], sent["in_reply_to"], sent["kind"], sent["length"]) == ("d1", "meeting", "reply", 79)
    body_set = next(e for e in process_events(statements) if e["type"] == "body_set")["payload"]
    assert body_set["body"] == {"length": 79, "rules": []}


@pytest.mark.parametrize("lang,greeting", [("fr-CA", "Bonjour"), ("en-CA", "Hello")])
def test_typed_text_travels_with_texts_consent(library, play, lang, greeting):
    events = play("mail.confirm-meeting", walkthrough_of("mail.confirm-meeting"), lang)
    statements = build(library, events, "mail.confirm-meeting", research=True, texts=True)
    sent = next(e for e in process_events(statements) if e["type"] == "message_sent")["payload"]
    assert sent["body"].startswith(greeting)
    assert sent == next(e for e in events if e["type"] == "message_sent")["payload"]
    part = next(s for s in statements if s["verb"]["id"].endswith("/interacted"))
    assert part["context"]["extensions"][xapi.extension("typed-text")] == "included"
    assert part["context"]["language"] == lang


def typed_texts(scenario_id: str, lang: str) -> list[str]:
    walkthrough = load_walkthrough(walkthrough_of(scenario_id))
    texts = [step.type if isinstance(step.type, str) else step.type[lang]
             for step in walkthrough.steps if isinstance(step, Type)]
    return [line for text in texts for line in text.splitlines() if len(line) >= 4]


@pytest.mark.parametrize("scenario_id", ["web.government-form", "qa.two-obvious-bugs", "files.apply-with-cv",
                                         "web.official-hours"])
def test_no_typed_text_reaches_process_data_without_texts_consent(library, play, scenario_id):
    events = play(scenario_id, walkthrough_of(scenario_id))
    typed = typed_texts(scenario_id, events[0]["payload"]["locale"])
    assert typed
    reduced = json.dumps(process_events(build(library, events, scenario_id, research=True)), ensure_ascii=False)
    kept = json.dumps(process_events(build(library, events, scenario_id, research=True, texts=True)),
                      ensure_ascii=False)
    for text in typed:
        assert text not in reduced, text
    assert any(text in kept for text in typed)


def test_choices_stay_when_texts_are_reduced(library, play):
    events = play("web.government-form", walkthrough_of("web.government-form"))
    sent = process_events(build(library, events, "web.government-form", research=True))
    changed = {e["payload"]["field"]: e["payload"]["value"] for e in sent if e["type"] == "field_changed"}
    assert changed["contact_by"] == "email" and changed["language"] == "fr" and changed["certify"] is True
    assert changed["postal_code"]["length"] in (5, 7)
    submitted = [e for e in sent if e["type"] == "form_submitted"][-1]["payload"]
    assert submitted["values"]["contact_by"] == "email"
    assert submitted["values"]["postal_code"]["rules"] == ["used_card_postal_code"]


def test_a_long_scenario_is_split_in_order_under_the_size_limit(library, play):
    events = play("qa.two-obvious-bugs", walkthrough_of("qa.two-obvious-bugs"))
    limit = 4096
    statements = build(library, events, "qa.two-obvious-bugs", research=True, texts=True, max_bytes=limit)
    parts = [s for s in statements if s["verb"]["id"].endswith("/interacted")]
    assert len(parts) > 1
    numbers = [(p["context"]["extensions"][xapi.extension("part")],
                p["context"]["extensions"][xapi.extension("parts")]) for p in parts]
    assert numbers == [(n, len(parts)) for n in range(1, len(parts) + 1)]
    assert all(len(canonical_bytes(p)) <= limit for p in parts)
    assert [p["timestamp"] for p in parts] == sorted(p["timestamp"] for p in parts)
    played = [e for e in events if e["scenario"] == "qa.two-obvious-bugs"]
    assert [e["seq"] for e in process_events(parts)] == [e["seq"] for e in played]
    assert [e["payload"] for e in process_events(parts)] == [e["payload"] for e in played]
    assert len({p["id"] for p in parts}) == len(parts)


def test_a_very_long_play_fills_statements_of_at_most_16_kb(library, play):
    events = play("qa.two-obvious-bugs", walkthrough_of("qa.two-obvious-bugs"))
    inside = [e for e in events if e["scenario"] and e["type"] not in ("scenario_started", "scenario_ended")]
    start = next(e for e in events if e["type"] == "scenario_started")
    end = next(e for e in events if e["type"] == "scenario_ended")
    long = [events[0], start]
    for _ in range(40):  # the same play forty times over: about 1000 events
        long += [{**copy.deepcopy(e), "seq": len(long) + 1} for e in inside]
    long += [{**end, "seq": len(long) + 1}, {**events[-1], "seq": len(long) + 2}]
    statements = build(library, long, "qa.two-obvious-bugs", research=True)
    parts = [s for s in statements if s["verb"]["id"].endswith("/interacted")]
    sizes = [len(canonical_bytes(p)) for p in parts]
    assert len(parts) > 10 and max(sizes) <= xapi.MAX_STATEMENT_BYTES
    assert min(sizes[:-1]) > xapi.MAX_STATEMENT_BYTES - 2048  # filled, not one event each
    assert [e["seq"] for e in process_events(parts)] == [e["seq"] for e in long if e["scenario"]]


def test_an_event_larger_than_the_limit_travels_alone(library, meeting):
    single = [s for s in build(library, meeting, "mail.confirm-meeting", research=True, texts=True)
              if s["verb"]["id"].endswith("/interacted")]
    assert len(single) == 1
    sizes = [len(canonical_bytes(e)) for e in process_events(single)]
    empty = len(canonical_bytes(single[0])) - sum(sizes) - (len(sizes) - 1)
    limit = empty + max(sizes) - 1  # the sent message, the largest event, cannot fit
    statements = build(library, meeting, "mail.confirm-meeting", research=True, texts=True, max_bytes=limit)
    parts = [s for s in statements if s["verb"]["id"].endswith("/interacted")]
    assert [e["seq"] for e in process_events(parts)] == [e["seq"] for e in meeting if e["scenario"]]
    alone = [p for p in parts if len(canonical_bytes(p)) > limit]
    assert [[e["type"] for e in p["result"]["extensions"][EVENTS_KEY]] for p in alone] == [["message_sent"]]
    assert any(len(p["result"]["extensions"][EVENTS_KEY]) > 1 for p in parts)


# --- the session --------------------------------------------------------------------------------------------
def test_launched(meeting):
    statement = launched(ORIGIN, facts(meeting), meeting[0]["utc"])
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/launched"
    assert statement["object"] == {"id": "https://numplus.ca/xapi/assessment",
                                   "definition": {"name": {"fr-CA": "NUM+ : évaluation des compétences numériques",
                                                           "en-CA": "NUM+: digital skills assessment"},
                                                  "type": "http://adlnet.gov/expapi/activities/assessment"}}
    assert statement["timestamp"] == meeting[0]["utc"]
    assert "contextActivities" not in statement["context"]
    assert statement["id"] == statement_id(meeting[0]["session"], "launched")


@pytest.mark.parametrize("reason,verb,completion", [("finished", "completed", True),
                                                     ("walkthrough_finished", "terminated", False),
                                                     ("not_resumed", "terminated", False)])
def test_session_end_states_the_overall_result_and_each_measured_area(library, meeting, reason, verb, completion):
    result = scenario_result(library["mail.confirm-meeting"].scenario, meeting)
    measurement = measure({"mail.confirm-meeting": result["item_score"]}, load_bank(library))
    statements = session_completed(ORIGIN, facts(meeting), measurement, reason, meeting[-1]["utc"])
    for statement in statements:
        validate(statement)
    end, *areas = statements
    assert end["verb"]["id"] == f"http://adlnet.gov/expapi/verbs/{verb}"
    assert end["object"]["id"] == "https://numplus.ca/xapi/assessment"
    assert end["result"]["completion"] is completion
    assert end["context"]["extensions"][xapi.extension("end-reason")] == reason
    overall = end["result"]["extensions"][xapi.extension("measurement")]
    assert list(overall) == list(measurement["overall"])  # every key, status and fine levels included
    assert_rounded(overall, measurement["overall"])
    measured = sorted(a for a, r in measurement["areas"].items() if r["status"] == "measured")
    assert measured == ["communication-collaboration"]
    assert [s["object"]["id"] for s in areas] == [f"https://numplus.ca/xapi/areas/{a}" for a in measured]
    area = areas[0]
    assert area["verb"]["id"] == "http://adlnet.gov/expapi/verbs/scored"
    assert area["object"]["definition"] == {"name": {"fr-CA": "Communication et collaboration",
                                                     "en-CA": "Communication and collaboration"},
                                            "type": "http://adlnet.gov/expapi/activities/objective"}
    report = area["result"]["extensions"][xapi.extension("measurement")]
    assert list(report) == ["theta", "se", "level", "level_probabilities", "between_levels", "proficiency_level",
                            "n_scenarios"]  # no status (only measured areas have one) nor fine levels
    full = measurement["areas"]["communication-collaboration"]
    assert_rounded(report, {k: full[k] for k in report})
    assert area["result"]["extensions"][xapi.extension("framework")] == "digcomp-2.2"
    assert area["result"]["extensions"][xapi.extension("parameters-version")] == measurement["parameters_version"]
    assert area["context"]["contextActivities"]["parent"][0]["id"] == "https://numplus.ca/xapi/assessment"


def assert_rounded(sent: dict, report: dict) -> None:
    """`sent` is `report` with theta, se and the probabilities to 3 decimals, the rest as it is."""
    assert sent.keys() == report.keys()
    for key, value in report.items():
        if isinstance(value, dict):
            assert sent[key] == {k: round(v, 3) for k, v in value.items()}, key
        elif isinstance(value, float):
            assert sent[key] == round(value, 3), key
        else:
            assert sent[key] == value and type(sent[key]) is type(value), key
    for value in [sent.get("theta"), sent.get("se"), *(sent.get("level_probabilities") or {}).values()]:
        assert value is None or len(repr(value).split(".")[-1]) <= 3


# --- a typical session on a slow line ------------------------------------------------------------------------
# Ten shipped scenarios, each played by its walkthrough: three areas with three, problem solving with one;
# digital content creation has no scenario, so four areas are measured.
TYPICAL = ["mail.confirm-meeting", "web.government-form", "files.apply-with-cv",  # communication
           "web.official-hours", "mail.sort-messages", "files.save-attachment",  # information and data
           "mail.spot-phishing", "web.privacy-settings", "web.fraud-job-offer",  # safety
           "qa.two-obvious-bugs"]  # problem solving
SESSION_BUDGET = 24 * 1024  # bytes of canonical JSON of a session's statements, without process data


def typical_session(library, play, *, research: bool) -> list[dict]:
    """Every statement of one session of the ten TYPICAL plays (the first play's session, participant and
    locale), ended normally."""
    plays = {sid: play(sid, walkthrough_of(sid)) for sid in TYPICAL}
    first = plays[TYPICAL[0]]
    session = facts(first, research=research)
    statements = [launched(ORIGIN, session, first[0]["utc"])]
    scores = {}
    for sid in TYPICAL:
        events, scenario = plays[sid], library[sid].scenario
        result = scenario_result(scenario, events)
        assert result["outcome"] == "completed", sid
        scores[sid] = result["item_score"]
        ended = next(e for e in events if e["type"] == "scenario_ended")
        statements += scenario_statements(ORIGIN, session, scenario, result, events, ended["utc"])
    measurement = measure(scores, load_bank(library))
    return statements + session_completed(ORIGIN, session, measurement, "finished", first[-1]["utc"])


def test_a_typical_session_fits_a_slow_line(library, play):
    statements = typical_session(library, play, research=False)
    assert verbs(statements) == ["launched"] + ["completed"] * 10 + ["completed"] + ["scored"] * 4
    assert [s["object"]["id"].rsplit("/", 1)[1] for s in statements[-4:]] == [
        "communication-collaboration", "information-data-literacy", "problem-solving", "safety"]
    assert sum(len(canonical_bytes(s)) for s in statements) <= SESSION_BUDGET
    # with research consent the process data comes on top, never in place of a statement
    consented = typical_session(library, play, research=True)
    assert [s for s in consented if not s["verb"]["id"].endswith("/interacted")] == statements


# --- Ralph's strict model ---------------------------------------------------------------------------------------
def test_every_kind_of_statement_passes_ralphs_strict_model(library, meeting, abandoned_meeting, play):
    reduced = build(library, meeting, "mail.confirm-meeting", research=True)  # launched .. terminated, scored
    included = build(library, meeting, "mail.confirm-meeting", research=True, texts=True)
    abandoned = build(library, abandoned_meeting, "mail.confirm-meeting", research=True)
    bugs = play("qa.two-obvious-bugs", walkthrough_of("qa.two-obvious-bugs"))
    parts = [s for s in build(library, bugs, "qa.two-obvious-bugs", research=True, texts=True, max_bytes=4096)
             if s["verb"]["id"].endswith("/interacted")]
    result = scenario_result(library["mail.confirm-meeting"].scenario, meeting)
    measurement = measure({"mail.confirm-meeting": result["item_score"]}, load_bank(library))
    finished = session_completed(ORIGIN, facts(meeting), measurement, "finished", meeting[-1]["utc"])
    statements = reduced + included[1:2] + abandoned[1:3] + parts + finished
    assert len(parts) > 1
    assert verbs(statements) == (["launched", "interacted", "completed", "terminated", "scored"]  # a session
                                 + ["interacted"]  # typed text included
                                 + ["interacted", "attempted"]  # abandoned
                                 + ["interacted"] * len(parts)  # process data in parts
                                 + ["completed", "scored"])  # the session ended normally
    assert validate_with_ralph(statements) == [None] * len(statements)


# --- validate -----------------------------------------------------------------------------------------------
def _set(path: str, value):
    def change(statement: dict) -> None:
        *parents, last = path.split(".")
        node = statement
        for key in parents:
            node = node[key]
        node[last] = value
    return change


def _drop(path: str):
    def change(statement: dict) -> None:
        *parents, last = path.split(".")
        node = statement
        for key in parents:
            node = node[key]
        del node[last]
    return change


KIOSK = "https://numplus.ca/xapi/extensions/kiosk-id"
BAD = {
    "no actor": (_drop("actor"), "actor: required"),
    "no verb": (_drop("verb"), "verb: required"),
    "no object": (_drop("object"), "object: required"),
    "no id": (_drop("id"), "id: required"),
    "no timestamp": (_drop("timestamp"), "timestamp: required"),
    "id not a UUID": (_set("id", "statement-1"), "not a UUID"),
    "id in upper case": (lambda s: s.update(id=s["id"].upper()), "not a UUID"),
    "registration not a UUID": (_set("context.registration", "session-1"), "not a UUID"),
    "timestamp without time zone": (_set("timestamp", "2026-11-23T16:26:04.901"), "with a time zone"),
    "timestamp not ISO 8601": (_set("timestamp", "23/11/2026 16:26"), "ISO 8601"),
    "timestamp not a real date": (_set("timestamp", "2026-02-30T16:26:04.901Z"), "real date"),
    "scaled above 1": (_set("result.score.scaled", 1.5), "outside [-1, 1]"),
    "scaled below -1": (_set("result.score.scaled", -1.01), "outside [-1, 1]"),
    "raw above max": (_set("result.score.raw", 4), "outside [min, max]"),
    "raw below min": (_set("result.score.raw", -1), "outside [min, max]"),
    "min not below max": (_set("result.score.min", 3), "not below max"),
    "score as text": (_set("result.score.raw", "3"), "result.score.raw"),
    "success as text": (_set("result.success", "true"), "result.success"),
    "bad duration": (_set("result.duration", "1.58 s"), "ISO 8601 duration"),
    "actor with mbox": (_set("actor.mbox", "mailto:alex@example.org"), "'mbox'"),
    "actor with a name": (_set("actor.name", "Alex Tremblay"), "'name'"),
    "actor with mbox_sha1sum": (_set("actor.mbox_sha1sum", "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"),
                                "'mbox_sha1sum'"),
    "account name is an email": (_set("actor.account.name", "alex@example.org"), "participant code"),
    "account homePage not a URL": (_set("actor.account.homePage", "epn.example.org"), "IRL"),
    "verb id not an IRI": (_set("verb.id", "completed"), "verb.id"),
    "activity id not an IRI": (_set("object.id", "mail confirm meeting"), "object.id"),
    "activity type not an IRI": (_set("object.definition.type", "simulation"), "object.definition.type"),
    "parent id not an IRI": (_set("context.contextActivities.parent", [{"id": "assessment"}]), "parent"),
    "extension key not an IRI": (_set("context.extensions", {"kiosk-id": "kiosk-07"}), "absolute IRI"),
    "result extension key not an IRI": (_set("result.extensions", {"outcome": "completed"}), "absolute IRI"),
    "language map with a bad tag": (_set("verb.display", {"fr_CA": "a terminé"}), "RFC 5646"),
    "language map with a word for a tag": (_set("object.definition.name", {"english": "x"}), "RFC 5646"),
    "context language bad": (_set("context.language", "français"), "RFC 5646"),
    "unknown top-level key": (_set("stored", "2026-11-23T16:26:04.901Z"), "stored: unknown key"),
    "another unknown top-level key": (_set("comment", "hello"), "comment: unknown key"),
    "unknown context key": (_set("context.instructor", {"objectType": "Agent"}), "unknown key"),
    "version other than 1.0.0": (_set("version", "1.0.3"), "version"),
    "actor not an agent": (_set("actor.objectType", "Group"), "actor.objectType"),
    "object not an activity": (_set("object.objectType", "Agent"), "object.objectType"),
    "empty string": (_set("context.platform", ""), "empty or null"),
    "null value": (_set("result.success", None), "empty or null"),
    "empty object": (_set("result.score", {}), "empty or null"),
    "object without definition": (_drop("object.definition"), "definition"),
    "bare context activity": (_set("context.contextActivities.parent", {"id": "https://numplus.ca/xapi/assessment"}),
                              "parent"),
}


@pytest.fixture(scope="module")
def completed(library, meeting) -> dict:
    return build(library, meeting, "mail.confirm-meeting")[1]


@pytest.mark.parametrize("case", sorted(BAD))
def test_validate_rejects(completed, case):
    change, message = BAD[case]
    statement = copy.deepcopy(completed)
    validate(statement)
    change(statement)
    with pytest.raises(StatementError) as caught:
        validate(statement)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and text.startswith("statement ")


def test_validate_accepts_version_1_0_0_and_nulls_inside_extensions(completed):
    statement = copy.deepcopy(completed)
    statement["version"] = "1.0.0"
    statement["result"]["extensions"][xapi.extension("observables")]["time_to_reply_ms"] = None
    validate(statement)


def test_builders_refuse_a_name_or_email_as_participant(meeting):
    session = SessionFacts(meeting[0]["session"], "alex.tremblay@example.org", "fr-CA", False, False)
    with pytest.raises(StatementError, match="participant code"):
        launched(ORIGIN, session, meeting[0]["utc"])


def test_canonical_bytes_are_sorted_compact_utf8():
    statement = {"b": 1, "a": {"d": "présent", "c": [1, 2]}}
    assert canonical_bytes(statement) == '{"a":{"c":[1,2],"d":"présent"},"b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_bytes({"x": float("nan")})


# --- docs ---------------------------------------------------------------------------------------------------
def test_every_id_is_documented():
    doc = (ROOT / "docs" / "xapi.md").read_text(encoding="utf-8")
    ids = [v["id"] for v in xapi.VERBS.values()] + list(xapi.ACTIVITY_TYPES.values()) + [xapi.ASSESSMENT_ID]
    ids += [xapi.extension(name) for name in xapi.CONTEXT_EXTENSIONS + xapi.RESULT_EXTENSIONS]
    ids += ["https://numplus.ca/xapi/scenarios/", "https://numplus.ca/xapi/areas/",
            "https://numplus.ca/xapi/competences/", str(xapi.NAMESPACE)]
    missing = [i for i in ids if i not in doc]
    assert not missing


def test_the_examples_in_the_docs_are_statements_of_todays_shape():
    doc = (ROOT / "docs" / "xapi.md").read_text(encoding="utf-8")
    examples = [json.loads(block) for block in re.findall(r"```json\n(\{\n.*?\n\})\n```", doc, re.DOTALL)]
    assert [verbs([e])[0] for e in examples] == ["launched", "interacted", "completed", "attempted", "completed",
                                                 "scored"]
    for example in examples:
        validate(example)
        text = json.dumps(example)
        for gone in ("objectType", "description", "revision", "scenario-hash", "extensions/competences"):
            assert gone not in text, gone
    report = examples[-1]["result"]["extensions"][xapi.extension("measurement")]
    assert tuple(report) == xapi.AREA_REPORT_KEYS
