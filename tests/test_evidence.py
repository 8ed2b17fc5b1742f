"""Observables: each rule kind over a hand-written event log, with its value and the events that support it."""

from __future__ import annotations

import copy

import pytest

from game.paths import SCENARIOS
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.runtime.session import SessionEngine
from game.scenario.loader import load_scenario
from game.scenario.matching import fold, matches
from game.scenario.models import Scenario
from game.scenario.rules import EventMatch
from game.scenario.source import read_source
from scoring.evidence import Observable, observables, score_events

SAMPLE = SCENARIOS / "mail" / "confirm-meeting.yaml"
SID = "mail.confirm-meeting"


@pytest.fixture(scope="module")
def base() -> dict:
    return read_source(SAMPLE).data


def scenario_with(base: dict, *rules: dict) -> Scenario:
    data = copy.deepcopy(base)
    data["evidence"] = [{"observable": f"obs{i}", "competence": "2.1", **rule} for i, rule in enumerate(rules)]
    return Scenario.model_validate(data)


def ev(seq: int, type_: str, t_ms: int = 0, scenario: str = SID, **payload) -> dict:
    return {"seq": seq, "session": "S", "scenario": scenario, "scenario_version": 1, "t_ms": t_ms,
            "utc": "2026-01-05T14:00:00.000Z", "type": type_, "payload": payload}


def sent(seq: int, t_ms: int = 0, *, to=("sophie.gagnon@chezmado.ca",), body="Bonjour, je serai là.",
         in_reply_to="meeting") -> dict:
    return ev(seq, "message_sent", t_ms, draft="d1", kind="reply", in_reply_to=in_reply_to, to=list(to), cc=[],
              subject="RE : Rencontre", body=body, length=len(body), attachments=[])


def opened(seq: int, t_ms: int = 0, message: str = "meeting", scenario: str = SID) -> dict:
    return ev(seq, "message_opened", t_ms, scenario, message=message, folder="inbox", flags=[])


def ended(seq: int, folders: dict, outcome: str = "completed") -> dict:
    return ev(seq, "scenario_ended", outcome=outcome, final={"mail": {"folders": folders, "reported": {}, "sent": []}})


def only_value(base, rule, events) -> Observable:
    return observables(scenario_with(base, rule), events)["obs0"]


# --- happened / not_happened / count ----------------------------------------------------------------
HAPPENED = {"rule": "happened", "event": "message_opened", "where": {"message": "meeting"}}


def test_happened(base):
    log = [opened(1, message="newsletter"), opened(2), opened(3)]
    assert only_value(base, HAPPENED, log) == Observable(1, "2.1", (2,))
    assert only_value(base, HAPPENED, log[:1]) == Observable(0, "2.1", ())


def test_not_happened(base):
    rule = {**HAPPENED, "rule": "not_happened"}
    assert only_value(base, rule, [opened(1, message="newsletter")]) == Observable(1, "2.1", ())
    assert only_value(base, rule, [opened(1), opened(2, message="newsletter"), opened(3)]) == Observable(
        0, "2.1", (1, 3))


def test_count(base):
    rule = {**HAPPENED, "rule": "count"}
    assert only_value(base, rule, []) == Observable(0, "2.1", ())
    assert only_value(base, rule, [opened(1), opened(2, message="newsletter"), opened(5), opened(7)]) == Observable(
        3, "2.1", (1, 5, 7))


def test_count_of_rejected_actions(base):
    rule = {"rule": "count", "event": "action_rejected", "where": {"reason": "invalid_address"}}
    log = [ev(1, "action_rejected", action="send", reason="invalid_address", draft="d1"),
           ev(2, "action_rejected", action="send", reason="no_recipient", draft="d1"),
           ev(3, "action_rejected", action="send", reason="invalid_address", draft="d1")]
    assert only_value(base, rule, log) == Observable(2, "2.1", (1, 3))


# --- before ----------------------------------------------------------------------------------------
BEFORE = {"rule": "before", "first": {"event": "message_opened", "where": {"message": "meeting"}},
          "then": {"event": "message_sent"}}


def test_before(base):
    assert only_value(base, BEFORE, [opened(2), sent(4)]) == Observable(1, "2.1", (2, 4))


def test_before_in_the_wrong_order(base):
    assert only_value(base, BEFORE, [sent(2), opened(4), sent(6)]) == Observable(0, "2.1", (4, 2))


def test_before_when_first_never_happens(base):
    assert only_value(base, BEFORE, [opened(1, message="newsletter"), sent(2)]) == Observable(0, "2.1", (2,))


def test_before_when_then_never_happens(base):
    assert only_value(base, BEFORE, [opened(3)]) == Observable(1, "2.1", (3,))


# --- duration ----------------------------------------------------------------------------------------
DURATION = {"rule": "duration", "start": {"event": "message_opened", "where": {"message": "meeting"}},
            "end": {"event": "message_sent", "where": {"in_reply_to": "meeting"}}}


def test_duration(base):
    log = [opened(2, 1500), opened(3, 2000), sent(5, 9250)]
    assert only_value(base, DURATION, log) == Observable(7750, "2.1", (2, 5))


def test_duration_counts_from_the_start_to_the_first_end_after_it(base):
    log = [sent(1, 100), opened(2, 1000), sent(3, 4000, in_reply_to="newsletter"), sent(4, 6000), sent(5, 8000)]
    assert only_value(base, DURATION, log) == Observable(5000, "2.1", (2, 4))


def test_duration_unknown_when_it_did_not_end(base):
    assert only_value(base, DURATION, [opened(2, 1500)]) == Observable(None, "2.1", (2,))
    assert only_value(base, DURATION, [sent(3, 1500)]) == Observable(None, "2.1", ())


# --- at_end ------------------------------------------------------------------------------------------
AT_END = {"rule": "at_end", "facts": [{"message_in_folder": {"message": "newsletter", "folder": "trash"}},
                                      {"message_in_folder": {"message": "meeting", "folder": "inbox"}}]}


def test_at_end_counts_the_facts_that_hold(base):
    assert only_value(base, AT_END, [opened(1), ended(2, {"newsletter": "trash", "meeting": "inbox"})]) == \
        Observable(2, "2.1", (2,))
    assert only_value(base, AT_END, [ended(9, {"newsletter": "junk", "meeting": "inbox"})]) == \
        Observable(1, "2.1", (9,))
    assert only_value(base, AT_END, [ended(9, {"newsletter": "inbox", "meeting": "trash"})]) == \
        Observable(0, "2.1", (9,))


def test_at_end_unknown_before_the_end(base):
    assert only_value(base, AT_END, [opened(1)]) == Observable(None, "2.1", ())


# --- where tests ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("needle, body, expected", [
    ("confirme", "Je CONFIRMÉ ma présence", True),
    ("CONFIRMÉ", "je confirme", True),
    ("presente", "Je serai Présente.", True),
    ("Œuvre", "une oeuvre", False),  # accents are ignored, letters are not rewritten
    ("absent", "Je serai là", False),
])
def test_contains_ignores_case_and_accents(base, needle, body, expected):
    rule = {"rule": "happened", "event": "message_sent", "where": {"body": {"contains": needle}}}
    assert only_value(base, rule, [sent(1, body=body)]).value == int(expected)


def test_contains_any(base):
    rule = {"rule": "happened", "event": "message_sent", "where": {"body": {"contains_any": ["oui", "MERCI"]}}}
    assert only_value(base, rule, [sent(1, body="Bonjour, merçi!")]).value == 1
    assert only_value(base, rule, [sent(1, body="Bonjour")]).value == 0


def test_fold():
    assert fold("Été À Montréal ﬁn") == "ete a montreal fin"


@pytest.mark.parametrize("test, value, expected", [
    ({"equals": "meeting"}, "meeting", True), ({"equals": "meeting"}, "newsletter", False),
    ({"not_equals": "meeting"}, "newsletter", True), ({"not_equals": "meeting"}, "meeting", False),
    ({"in": ["a", "b"]}, "b", True), ({"in": ["a", "b"]}, "c", False),
    ({"not_in": ["a", "b"]}, "c", True), ({"not_in": ["a", "b"]}, "a", False),
    ({"includes": "x@y.ca"}, ["x@y.ca", "z@y.ca"], True), ({"includes": "x@y.ca"}, ["z@y.ca"], False),
    ({"includes": "x@y.ca"}, "x@y.ca", False),
    ({"excludes": "x@y.ca"}, ["z@y.ca"], True), ({"excludes": "x@y.ca"}, ["x@y.ca"], False),
    ({"min_length": 3}, "abc", True), ({"min_length": 3}, "ab", False), ({"min_length": 1}, [], False),
    ({"max_length": 2}, ["a", "b"], True), ({"max_length": 2}, "abc", False), ({"max_length": 2}, None, False),
    ({"at_least": 10}, 10, True), ({"at_least": 10}, 9.5, False), ({"at_least": 0}, True, False),
    ({"at_most": 10}, 10.0, True), ({"at_most": 10}, 11, False), ({"at_most": 10}, "5", False),
    ("meeting", "meeting", True), ("meeting", "Meeting", False),
])
def test_where_operators(test, value, expected):
    match = EventMatch.model_validate({"event": "body_set", "where": {"body": test}})
    assert matches(match, {"type": "body_set", "payload": {"body": value}}) is expected


def test_where_on_a_missing_field_does_not_match():
    match = EventMatch.model_validate({"event": "message_sent", "where": {"in_reply_to": "meeting"}})
    assert not matches(match, {"type": "message_sent", "payload": {}})
    assert not matches(match, {"type": "message_opened", "payload": {"in_reply_to": "meeting"}})


# --- over a whole log ---------------------------------------------------------------------------------
def test_observables_only_read_their_scenario_in_log_order(base):
    rule = {**HAPPENED, "rule": "count"}
    log = [opened(5), opened(2, scenario="mail.other"), opened(3)]
    assert only_value(base, rule, log) == Observable(2, "2.1", (3, 5))


def test_observable_to_dict():
    assert Observable(1, "2.1", (3, 4)).to_dict() == {"value": 1, "competence": "2.1", "events": [3, 4]}


def test_sample_scenario_played_by_the_engine():
    loaded = load_scenario(SAMPLE)
    clock, log = ManualClock(), []
    engine = SessionEngine(scenarios=[loaded], clock=clock, sink=log.append, participant="P", locale="en-CA",
                           session_id="S")
    engine.start()
    engine.start_scenario()
    for action in (a.OpenMessage("newsletter"), a.OpenMessage("meeting"), a.Reply("meeting"),
                   a.SetBody("d1", "Hi Sophie, I'll be there. Thank you!"), a.Send("d1")):
        clock.advance(3000)
        engine.apply(action)
    events = [e.to_dict() for e in log]
    found = observables(loaded.scenario, events)
    assert {k: (v.value, v.events) for k, v in found.items()} == {
        "replied_to_manager": (1, (7,)), "reply_confirms_attendance": (1, (7,)), "reply_is_polite": (1, (7,)),
        "message_read_first": (1, (4, 7)), "time_to_reply_ms": (9000, (4, 7))}
    scored = score_events(events, {loaded.id: loaded.scenario})
    assert list(scored) == ["scenarios"]
    assert scored["scenarios"][SID]["outcome"] == "completed"
    assert scored["scenarios"][SID]["observables"]["time_to_reply_ms"] == {
        "value": 9000, "competence": "2.1", "events": [4, 7]}
    assert list(scored["scenarios"][SID]["observables"]) == sorted(found)


def test_score_events_of_an_unfinished_scenario(base):
    scenario = scenario_with(base, HAPPENED)
    scored = score_events([ev(1, "session_started", scenario=None), opened(2)], {SID: scenario})
    assert scored == {"scenarios": {SID: {"outcome": None, "item_score": None, "observables": {
        "obs0": {"value": 1, "competence": "2.1", "events": [2]}}}}}


def test_score_events_needs_every_scenario(base):
    with pytest.raises(KeyError):
        score_events([opened(1, scenario="mail.unknown")], {SID: scenario_with(base, HAPPENED)})
