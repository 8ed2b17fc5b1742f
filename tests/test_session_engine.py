"""The session engine: actions in, a typed and timed event log out, and the same log rebuilt after a crash."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from game import APP_VERSION
from game.paths import SCENARIOS
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.runtime.events import EVENT_FIELDS, LOG_SCHEMA_VERSION, Event
from game.runtime.session import Accommodations, SessionEngine, SessionError
from game.scenario.loader import load_scenario

SAMPLE = SCENARIOS / "mail" / "confirm-meeting.yaml"
ENVELOPE = ["seq", "session", "scenario", "scenario_version", "t_ms", "utc", "type", "payload"]
REPLY_BODY = "Bonjour Sophie, oui je serai là. Merci!"


@pytest.fixture(scope="module")
def sample():
    return load_scenario(SAMPLE)


@pytest.fixture(scope="module")
def tidy(tmp_path_factory):
    """The sample, completed when the newsletter is in the trash (a state end condition)."""
    text = SAMPLE.read_text(encoding="utf-8")
    old = "end:\n  all:\n    - event: message_sent\n      where:\n        in_reply_to: meeting\n"
    assert old in text
    text = text.replace(old, "end:\n  any:\n    - message_in_folder: {message: newsletter, folder: trash}\n"
                             "    - event: help_opened\n")
    text = text.replace("id: mail.confirm-meeting", "id: mail.tidy-up")
    path = tmp_path_factory.mktemp("scenarios") / "tidy-up.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


class Recorder:
    def __init__(self):
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def types(self) -> list[str]:
        return [e.type for e in self.events]


def make_engine(scenarios, *, clock=None, sink=None, session_id="S-1", locale="fr-CA", **kwargs):
    return SessionEngine(scenarios=scenarios, clock=clock or ManualClock(), sink=sink or Recorder(),
                         participant="P-0001", locale=locale, session_id=session_id, **kwargs)


def play_reply(engine: SessionEngine, clock: ManualClock) -> None:
    """The sample played to the end: read, reply politely, send."""
    for action in (a.OpenMessage("meeting"), a.Reply("meeting"), a.SetBody("d1", REPLY_BODY), a.Send("d1")):
        clock.advance(1500)
        engine.apply(action)


# --- the envelope and the life cycle -------------------------------------------------------------
def test_every_event_has_the_envelope(sample):
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    play_reply(engine, clock)
    engine.end_session()
    assert sink.types() == ["session_started", "scenario_started", "message_opened", "reply_started", "body_set",
                            "message_sent", "scenario_ended", "session_ended"]
    for number, event in enumerate(sink.events, 1):
        data = event.to_dict()
        assert list(data) == ENVELOPE
        assert data["seq"] == number
        assert data["session"] == "S-1"
        assert set(data["payload"]) <= set(EVENT_FIELDS[data["type"]]), data["type"]
        assert Event.from_dict(data) == event


def test_session_started_payload(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink, locale="en-CA", seed=42,
                         accommodations=Accommodations(text_scale=150, read_aloud=True, theme="high-contrast"))
    event = engine.start()
    assert sink.events == [event]
    assert event.to_dict() == {
        "seq": 1, "session": "S-1", "scenario": None, "scenario_version": None, "t_ms": 0,
        "utc": "2026-01-05T14:00:00.000Z", "type": "session_started",
        "payload": {"app_version": APP_VERSION, "log_schema_version": LOG_SCHEMA_VERSION, "locale": "en-CA",
                    "accommodations": {"text_scale": 150, "read_aloud": True, "theme": "high-contrast",
                                           "extra_time_minutes": 0},
                    "participant": "P-0001", "scenarios": ["mail.confirm-meeting"], "seed": 42,
                    "plan": {"mode": "fixed"}, "consent": {"research": False}},
    }
    with pytest.raises(SessionError):
        engine.start()


def test_session_id_is_a_fresh_uuid_when_not_given(sample):
    first = SessionEngine(scenarios=[sample], clock=ManualClock(), sink=Recorder(), participant="P", locale="fr-CA")
    second = SessionEngine(scenarios=[sample], clock=ManualClock(), sink=Recorder(), participant="P", locale="fr-CA")
    assert len(first.session_id) == 36 and first.session_id != second.session_id


def test_scenario_started_carries_the_sha256_of_the_file(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    run = engine.start_scenario()
    event = sink.events[-1]
    assert event.type == "scenario_started"
    assert event.payload == {"index": 0, "scenario_hash": hashlib.sha256(SAMPLE.read_bytes()).hexdigest(),
                             "apps": ["mail"], "chosen": {"mode": "fixed", "position": 0}}
    assert (event.scenario, event.scenario_version, event.t_ms) == ("mail.confirm-meeting", 1, 0)
    assert run.mailbox is not None and run.index == 0


def test_times_are_relative_to_the_scenario_start_and_utc_in_milliseconds(sample):
    clock, sink = ManualClock(start_utc=datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    clock.advance(10_000)  # the brief: not part of the scenario's time
    engine.start_scenario()
    clock.advance(1234)
    engine.apply(a.OpenMessage("meeting"))
    opened = sink.events[-1]
    assert (opened.t_ms, opened.utc) == (1234, "2026-03-01T12:00:11.234Z")
    assert opened.payload == {"message": "meeting", "folder": "inbox", "flags": []}


def test_rejected_actions_are_logged(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    engine.start_scenario()
    outcome = engine.apply(a.MoveToFolder("meeting", "archive"))
    assert (outcome.accepted, outcome.reason, outcome.scenario_completed) == (False, "unknown_folder", False)
    assert outcome.events == [sink.events[-1]]
    assert sink.events[-1].type == "action_rejected"
    assert sink.events[-1].payload == {"action": "move_to_folder", "reason": "unknown_folder",
                                       "message": "meeting", "folder": "archive"}
    outcome = engine.apply(a.Report("meeting", as_="junk"))
    assert outcome.accepted
    outcome = engine.apply(a.Report("meeting", as_="junk"))
    assert sink.events[-1].payload == {"action": "report", "reason": "already_reported", "message": "meeting",
                                       "as": "junk"}


def test_end_conditions_complete_the_scenario(sample):
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    for action in (a.OpenMessage("meeting"), a.Reply("meeting"), a.SetBody("d1", REPLY_BODY)):
        assert not engine.apply(action).scenario_completed
    clock.advance(500)
    outcome = engine.apply(a.Send("d1"))
    assert outcome.accepted and outcome.scenario_completed
    assert [e.type for e in outcome.events] == ["message_sent", "scenario_ended"]
    ended = outcome.events[1]
    assert ended.payload == {"outcome": "completed", "final": {"mail": {
        "folders": {"meeting": "inbox", "newsletter": "inbox", "d1": "sent"}, "reported": {}, "sent": ["d1"]}}}
    assert (ended.scenario, ended.t_ms) == ("mail.confirm-meeting", 500)
    assert engine.current.outcome == "completed"
    with pytest.raises(SessionError):
        engine.apply(a.OpenMessage("meeting"))


def test_a_message_sent_in_reply_to_another_message_does_not_complete(sample):
    engine = make_engine([sample])
    engine.start()
    engine.start_scenario()
    engine.apply(a.Reply("newsletter"))
    assert not engine.apply(a.Send("d1")).scenario_completed
    assert engine.current.outcome is None


def test_state_end_condition(tidy):
    sink = Recorder()
    engine = make_engine([tidy], sink=sink)
    engine.start()
    engine.start_scenario()
    assert not engine.apply(a.MoveToFolder("newsletter", "junk")).scenario_completed
    outcome = engine.apply(a.Delete("newsletter"))
    assert outcome.scenario_completed
    assert sink.events[-1].payload["final"]["mail"]["folders"]["newsletter"] == "trash"


def test_any_end_condition_met_by_a_session_event(tidy):
    sink = Recorder()
    engine = make_engine([tidy], sink=sink)
    engine.start()
    engine.start_scenario()
    outcome = engine.apply(a.OpenHelp())
    assert [e.type for e in outcome.events] == ["help_opened"]
    # The help event alone is in the run's events; the condition is checked on the next mailbox action.
    assert engine.apply(a.OpenMessage("meeting")).scenario_completed


def test_end_scenario_by_the_participant(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    engine.start_scenario()
    event = engine.end_scenario("ended_by_participant")
    assert event.type == "scenario_ended" and event.payload["outcome"] == "ended_by_participant"
    assert event.scenario == "mail.confirm-meeting"
    assert event.payload["final"]["mail"]["folders"] == {"meeting": "inbox", "newsletter": "inbox"}
    with pytest.raises(SessionError):
        engine.end_scenario("completed")


def test_unknown_outcome_is_refused(sample):
    engine = make_engine([sample])
    engine.start()
    engine.start_scenario()
    with pytest.raises(SessionError):
        engine.end_scenario("gave_up")
    assert engine.current.outcome is None


def test_end_session_abandons_the_running_scenario(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    engine.start_scenario()
    engine.end_session("facilitator_closed")
    assert sink.types()[-2:] == ["scenario_ended", "session_ended"]
    assert sink.events[-2].payload["outcome"] == "abandoned"
    assert sink.events[-1].payload == {"reason": "facilitator_closed"}
    assert sink.events[-1].scenario is None
    assert engine.ended
    with pytest.raises(SessionError):
        engine.apply(a.OpenMessage("meeting"))
    with pytest.raises(SessionError):
        engine.end_session()


def test_end_session_after_the_last_scenario(sample):
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    play_reply(engine, clock)
    assert not engine.has_next_scenario
    with pytest.raises(SessionError):
        engine.start_scenario()
    engine.end_session()
    assert sink.types()[-2:] == ["scenario_ended", "session_ended"]
    assert sink.events[-1].payload == {"reason": "finished"}


def test_scenarios_follow_each_other(sample, tidy):
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample, tidy], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    with pytest.raises(SessionError):
        engine.start_scenario()  # the first has not ended
    play_reply(engine, clock)
    clock.advance(3000)
    run = engine.start_scenario()
    assert run.index == 1 and run.mailbox.messages["meeting"].read is False  # a fresh mailbox
    started = sink.events[-1]
    assert (started.scenario, started.t_ms, started.payload["index"]) == ("mail.tidy-up", 0, 1)


def test_actions_need_a_running_scenario(sample):
    engine = make_engine([sample])
    engine.start()
    with pytest.raises(SessionError):
        engine.apply(a.OpenMessage("meeting"))


def test_accommodation_change_is_logged(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    engine.start_scenario()
    outcome = engine.apply(a.ChangeAccommodation("text_scale", 200))
    assert outcome.accepted
    assert sink.events[-1].type == "accommodation_changed"
    assert sink.events[-1].payload == {"name": "text_scale", "value": 200}
    assert engine.accommodations.text_scale == 200
    engine.apply(a.ChangeAccommodation("read_aloud", True))
    assert engine.accommodations.to_dict() == {"text_scale": 200, "read_aloud": True, "theme": "default",
                                               "extra_time_minutes": 0}


def test_help_opened_is_logged(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    engine.start_scenario()
    assert engine.apply(a.OpenHelp()).accepted
    assert (sink.events[-1].type, sink.events[-1].payload) == ("help_opened", {})


def test_a_scenario_without_the_mail_app_rejects_mail_actions(tmp_path):
    path = tmp_path / "help.yaml"
    path.write_text("""\
id: test.help-only
version: 1
title: {fr-CA: Aide, en-CA: Help}
brief: {fr-CA: Ouvrez l'aide., en-CA: Open the help.}
competences: ["1.1"]
estimated_minutes: 1
apps:
  browser:
    home: p
    pages:
      - {id: p, url: "https://aide.example/", title: {fr-CA: Aide, en-CA: Help},
         blocks: [{type: paragraph, text: {fr-CA: Aide, en-CA: Help}}]}
end: {any: [{event: help_opened}]}
evidence:
  - {observable: asked_for_help, competence: "1.1", rule: happened, event: help_opened}
""", encoding="utf-8")
    sink = Recorder()
    engine = make_engine([load_scenario(path)], sink=sink)
    engine.start()
    run = engine.start_scenario()
    assert run.mailbox is None and sink.events[-1].payload["apps"] == ["browser"]
    outcome = engine.apply(a.OpenMessage("meeting"))
    assert (outcome.accepted, outcome.reason) == (False, "app_not_in_scenario")
    assert sink.events[-1].payload == {"action": "open_message", "reason": "app_not_in_scenario", "message": "meeting"}


# --- determinism --------------------------------------------------------------------------------------
SCRIPT = [
    a.OpenMessage("newsletter"), a.MoveToFolder("newsletter", "junk"), a.OpenMessage("meeting"),
    a.CloseMessage("meeting"), a.Forward("meeting"), a.SetRecipients("d1", to=("karim",)), a.Send("d1"),
    a.CloseDraft("d1"), a.ReplyAll("meeting"), a.SetSubject("d2", "RE : Rencontre"), a.SetBody("d2", REPLY_BODY),
    a.OpenHelp(), a.ChangeAccommodation("theme", "high-contrast"), a.Send("d2"),
]


def run_script(scenario):
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([scenario], clock=clock, sink=sink, session_id="same-session", seed=7)
    engine.start()
    engine.start_scenario()
    mailbox = engine.current.mailbox
    for step, action in enumerate(SCRIPT):
        clock.advance(100 + 37 * step)
        engine.apply(action)
    return [e.to_dict() for e in sink.events], mailbox


def test_same_actions_same_events_and_state(sample):
    events_1, box_1 = run_script(sample)
    events_2, box_2 = run_script(load_scenario(SAMPLE))
    assert events_1 == events_2
    assert events_1[-1]["type"] == "scenario_ended"
    assert "action_rejected" in [e["type"] for e in events_1]
    assert box_1.messages == box_2.messages and box_1.drafts == box_2.drafts
    assert box_1.summary() == box_2.summary() == {
        "folders": {"meeting": "inbox", "newsletter": "junk", "d2": "sent"}, "reported": {}, "sent": ["d2"]}


# --- resume (in process; the crash itself is in test_crash_resume.py) -----------------------------------
def test_resume_rebuilds_state_and_logs_session_resumed(sample):
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    for action in (a.OpenMessage("newsletter"), a.MoveToFolder("newsletter", "trash"), a.OpenMessage("meeting"),
                   a.Reply("meeting"), a.SetBody("d1", REPLY_BODY), a.Report("meeting"), a.OpenHelp(),
                   a.MoveToFolder("meeting", "inbox"), a.ChangeAccommodation("text_scale", 150),
                   a.MoveToFolder("meeting", "sent")):
        clock.advance(1000)
        engine.apply(action)
    logged = list(sink.events)

    later, resumed_sink = ManualClock(start_ms=5_000_000), Recorder()
    resumed = SessionEngine.resume(logged, {sample.id: sample}, later, resumed_sink)
    assert resumed_sink.types() == ["session_resumed"]
    event = resumed_sink.events[0]
    assert (event.seq, event.payload, event.scenario) == (logged[-1].seq + 1, {"after_seq": logged[-1].seq},
                                                          "mail.confirm-meeting")
    assert event.t_ms == logged[-1].t_ms  # the time the machine was down is not counted
    box, original = resumed.current.mailbox, engine.current.mailbox
    assert box.messages == original.messages and box.drafts == original.drafts and box.opened == original.opened
    assert resumed.accommodations.text_scale == 150
    assert resumed.current.events == [e.to_dict() for e in logged[1:]] + [event.to_dict()]

    later.advance(700)
    outcome = resumed.apply(a.Send("d1"))
    assert outcome.scenario_completed
    assert [e.seq for e in resumed_sink.events] == list(range(logged[-1].seq + 1, logged[-1].seq + 4))
    assert resumed_sink.events[1].t_ms == logged[-1].t_ms + 700


def test_resume_keeps_the_logged_times_for_evidence(sample):
    """A duration measured across a crash counts the time played, not the time of the replay."""
    from scoring.evidence import observables

    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    clock.advance(4000)
    engine.apply(a.OpenMessage("meeting"))
    clock.advance(6000)
    engine.apply(a.Reply("meeting"))
    later, resumed_sink = ManualClock(start_ms=90_000_000), Recorder()
    resumed = SessionEngine.resume(list(sink.events), {sample.id: sample}, later, resumed_sink)
    later.advance(2000)
    resumed.apply(a.SetBody("d1", REPLY_BODY))
    resumed.apply(a.Send("d1"))
    ended = resumed_sink.events[-1]
    assert ended.type == "scenario_ended"
    found = observables(sample.scenario, resumed.current.events)
    assert found["time_to_reply_ms"].value == 10_000 - 4000 + 2000
    assert [e["t_ms"] for e in resumed.current.events[:3]] == [0, 4000, 10_000]


def test_resume_completes_a_scenario_whose_end_was_not_logged(sample):
    """The log stopped between the decisive action and its scenario_ended: it ends on resume."""
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    play_reply(engine, clock)
    assert sink.types()[-1] == "scenario_ended"
    cut = sink.events[:-1]
    resumed_sink = Recorder()
    resumed = SessionEngine.resume(cut, {sample.id: sample}, ManualClock(), resumed_sink)
    assert resumed_sink.types() == ["session_resumed", "scenario_ended"]
    assert resumed_sink.events[1].payload["outcome"] == "completed"
    assert resumed.current.outcome == "completed"


def test_resume_after_a_completed_scenario(sample):
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    play_reply(engine, clock)
    resumed_sink = Recorder()
    resumed = SessionEngine.resume(list(sink.events), {sample.id: sample}, ManualClock(), resumed_sink)
    assert resumed_sink.types() == ["session_resumed"]
    assert resumed_sink.events[0].scenario is None
    assert resumed.current.outcome == "completed" and not resumed.has_next_scenario
    resumed.end_session()
    assert resumed_sink.types() == ["session_resumed", "session_ended"]


def test_resume_refuses_a_changed_scenario(sample, tmp_path):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    engine.start_scenario()
    changed = tmp_path / "confirm-meeting.yaml"
    changed.write_text(SAMPLE.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    with pytest.raises(SessionError, match="changed since the session started"):
        SessionEngine.resume(list(sink.events), {sample.id: load_scenario(changed)}, ManualClock(), Recorder())


def test_resume_refuses_a_missing_scenario_an_ended_session_and_a_bad_log(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    engine.start_scenario()
    with pytest.raises(SessionError, match="no longer available"):
        SessionEngine.resume(list(sink.events), {}, ManualClock(), Recorder())
    with pytest.raises(SessionError, match="does not start with session_started"):
        SessionEngine.resume(list(sink.events)[1:], {sample.id: sample}, ManualClock(), Recorder())
    with pytest.raises(SessionError):
        SessionEngine.resume([], {sample.id: sample}, ManualClock(), Recorder())
    engine.end_session()
    with pytest.raises(SessionError, match="already ended"):
        SessionEngine.resume(list(sink.events), {sample.id: sample}, ManualClock(), Recorder())


def test_resume_detects_a_log_that_does_not_replay(sample):
    sink = Recorder()
    engine = make_engine([sample], sink=sink)
    engine.start()
    engine.start_scenario()
    engine.apply(a.OpenMessage("meeting"))
    events = list(sink.events)
    forged = events[-1].to_dict()
    forged["payload"] = {**forged["payload"], "folder": "junk"}
    events[-1] = Event.from_dict(forged)
    with pytest.raises(SessionError, match="does not replay the same way"):
        SessionEngine.resume(events, {sample.id: sample}, ManualClock(), Recorder())


def test_resume_twice(sample):
    clock, sink = ManualClock(), Recorder()
    engine = make_engine([sample], clock=clock, sink=sink)
    engine.start()
    engine.start_scenario()
    engine.apply(a.OpenMessage("meeting"))
    log = list(sink.events)
    first = SessionEngine.resume(log, {sample.id: sample}, ManualClock(), log.append)
    first.apply(a.Reply("meeting"))
    second = SessionEngine.resume(list(log), {sample.id: sample}, ManualClock(), log.append)
    assert [e.type for e in log][-4:] == ["message_opened", "session_resumed", "reply_started", "session_resumed"]
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert second.current.mailbox.drafts.keys() == {"d1"}
    second.apply(a.SetBody("d1", REPLY_BODY))
    assert second.apply(a.Send("d1")).scenario_completed


def test_unknown_accommodation_is_rejected_and_logged():
    from game.runtime import actions as acts
    from game.runtime.clock import ManualClock
    from game.runtime.session import SessionEngine
    from game.scenario.loader import load_scenario
    from game.paths import SCENARIOS

    logged = []
    engine = SessionEngine(scenarios=[load_scenario(SCENARIOS / "mail" / "confirm-meeting.yaml")],
                           clock=ManualClock(), sink=logged.append, participant="TEST-1", locale="fr-CA")
    engine.start()
    engine.start_scenario()
    outcome = engine.apply(acts.ChangeAccommodation("volume", 11))
    assert not outcome.accepted and outcome.reason == "unknown_accommodation"
    assert logged[-1].type == "action_rejected" and logged[-1].payload["accommodation"] == "volume"
    assert engine.accommodations.to_dict() == {"text_scale": 100, "read_aloud": False, "theme": "default",
                                               "extra_time_minutes": 0}


def test_a_scenario_with_a_time_budget_ends_as_timed_out(tmp_path):
    from game.runtime.clock import ManualClock
    from game.runtime.session import SessionEngine

    path = tmp_path / "budget.yaml"
    path.write_text("""\
id: test.budget
version: 1
title: {fr-CA: Budget, en-CA: Budget}
brief: {fr-CA: Jouez., en-CA: Play.}
competences: ["5.2"]
estimated_minutes: 2
apps:
  qa_game: {build: "1.0", levels: [forest], time_budget_minutes: 2}
  bug_tracker: {project: {fr-CA: Jeu, en-CA: Game}, build: "1.0"}
end: {any: [{event: report_submitted, where: {valid: true}}]}
evidence:
  - {observable: reported, competence: "5.2", rule: happened, event: report_submitted}
""", encoding="utf-8")
    clock, log = ManualClock(), []
    engine = SessionEngine(scenarios=[load_scenario(path)], clock=clock, sink=log.append, participant="TEST-1",
                           locale="fr-CA")
    engine.start()
    engine.start_scenario()
    clock.advance(119_000)
    assert engine.time_is_up() is False
    clock.advance(1_000)
    assert engine.time_is_up() is True
    engine.end_scenario("timed_out")
    assert log[-1].type == "scenario_ended" and log[-1].payload["outcome"] == "timed_out"
