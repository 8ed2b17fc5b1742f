"""Mail, files and browser together: a CV received by mail, saved, renamed, uploaded in a form, confirmed by mail.

Played through the session engine with a manual clock, scored by the evidence rules, and resumed after a
crash from the real event store.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.runtime.events import EVENT_FIELDS, Event
from game.runtime.session import SessionEngine
from game.scenario.matching import fact_holds
from game.scenario.rules import StateCondition
from game.sessions import PlaySession
from game.store import EventStore
from scoring.evidence import observables
from tests.desktop_support import (
    APPLY_ONLINE,
    GOOD_VALUES,
    SCENARIO_ID,
    Play,
    edited,
    write_scenario,
)

CV_NAME = "CV Alex Tremblay.pdf"

# The task, step by step: what the participant does, and the events each step must make.
STEPS: list[tuple[a.Action, list[str]]] = [
    (a.OpenMessage("cv_mail"), ["message_opened"]),
    (a.OpenAttachment("cv_mail", "cv_att"), ["attachment_opened"]),
    (a.SaveAttachment("cv_mail", "cv_att", "documents", "cv-corrige.pdf"), ["attachment_saved"]),
    (a.RenameFile("f1", CV_NAME), ["file_renamed"]),
    (a.OpenPersona(), ["persona_opened"]),
    (a.ClickLink("cv_mail", "job_link"), ["link_clicked", "page_visited"]),
    *[(a.SetField("application", field, value), ["field_changed"])
      for field, value in GOOD_VALUES.items() if field != "consent"],
    (a.ChooseFile("application", "cv", "f1"), ["file_chosen"]),
    (a.SubmitForm("application"), ["form_submitted"]),  # the consent box is not ticked yet
    (a.SetField("application", "consent", True), ["field_changed"]),
    (a.SubmitForm("application"), ["form_submitted", "message_delivered", "page_visited"]),
    (a.OpenMessage("confirmation"), ["message_opened", "scenario_ended"]),
]
CRASH_AFTER = len(STEPS) - 1  # everything but opening the confirmation


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("scenario"))


def play_steps(play: Play, steps=STEPS) -> None:
    for action, types in steps:
        assert [t for t, _ in play.do(action)] == types, action


# --- the whole task ---------------------------------------------------------------------------------
def test_the_task_played_from_start_to_end(loaded):
    play = Play(loaded)
    for number, (action, types) in enumerate(STEPS, 1):
        outcome = play.apply(action)
        assert outcome.accepted, (action, outcome.reason)
        assert [e.type for e in outcome.events] == types
        assert outcome.scenario_completed == (number == len(STEPS)), "completed only once the confirmation is read"
    log = play.log
    assert log[0].type == "session_started" and log[1].type == "scenario_started"
    assert log[1].payload["apps"] == ["mail", "browser", "files"]
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert all(e.scenario == SCENARIO_ID and e.scenario_version == 1 for e in log[1:])
    assert [e.t_ms for e in log[2:]] == sorted(e.t_ms for e in log[2:]), "time only goes forward"

    by_type = {}
    for event in log:
        by_type.setdefault(event.type, []).append(event.payload)
    assert by_type["attachment_saved"] == [{"message": "cv_mail", "attachment": "cv_att", "file": "f1",
                                            "name": "cv-corrige.pdf", "folder": "documents"}]
    assert by_type["file_renamed"] == [{"file": "f1", "from_name": "cv-corrige.pdf", "to_name": CV_NAME,
                                        "folder": "documents"}]
    assert by_type["link_clicked"][0]["url"] == "https://emplois.chezmado.ca/postuler"
    assert by_type["page_visited"][0] == {"page": "apply", "url": "https://emplois.chezmado.ca/postuler",
                                          "secure": True, "via": "mail"}
    assert by_type["file_chosen"] == [{"form": "application", "field": "cv", "file": "f1", "name": CV_NAME,
                                       "kind": "pdf"}]
    first, second = by_type["form_submitted"]
    assert (first["valid"], first["invalid"], first["errors"]) == (False, ["consent"], {"consent": "must_accept"})
    assert (second["valid"], second["errors"]) == (True, {})
    assert second["values"]["cv"] == CV_NAME and second["values"]["password"] is None
    assert by_type["message_delivered"] == [{"message": "confirmation"}]
    assert by_type["page_visited"][-1]["page"] == "thanks"
    assert by_type["message_opened"][-1] == {"message": "confirmation", "folder": "inbox", "flags": []}

    ended = log[-1]
    assert ended.type == "scenario_ended" and ended.payload["outcome"] == "completed"
    final = ended.payload["final"]
    assert final["files"]["files"]["f1"] == {"name": CV_NAME, "folder": "documents"}
    assert final["mail"]["folders"]["confirmation"] == "inbox"
    assert final["browser"]["page"] == "thanks"
    assert final["browser"]["url"] == "https://emplois.chezmado.ca/merci"
    assert final["browser"]["submitted"]["application"]["position"] == "counter"
    assert GOOD_VALUES["password"] not in json.dumps([e.to_dict() for e in log], ensure_ascii=False)

    for event in log:
        assert set(event.payload) == set(EVENT_FIELDS[event.type]), event.type


def test_the_evidence_of_the_task(loaded):
    play = Play(loaded)
    play_steps(play)
    found = observables(loaded.scenario, [e.to_dict() for e in play.log])
    ended_seq = play.log[-1].seq
    # The CV by name (any case) and the old CV are in Documents; the photo stays on the desktop.
    assert found["cv_saved_in_documents"].to_dict() == {"value": 2, "competence": "1.1", "events": [ended_seq]}
    # Position, CV and consent as submitted; a password is never kept, so a fact about it never holds.
    assert found["applied_for_counter"].value == 3
    assert found["tries_before_valid"].value == 1
    assert found["read_confirmation"].value == 1


def test_at_end_evidence_waits_for_the_scenario_to_end(loaded):
    play = Play(loaded)
    play_steps(play, STEPS[:CRASH_AFTER])
    found = observables(loaded.scenario, [e.to_dict() for e in play.log])
    assert found["cv_saved_in_documents"].value is None
    assert found["read_confirmation"].value == 0


def test_the_end_conditions_need_every_fact(loaded):
    play = Play(loaded)
    steps = [(a.SaveAttachment("cv_mail", "cv_att", "documents", "cv.pdf"), ["attachment_saved"]),
             *[s for s in STEPS if not isinstance(s[0], (a.SaveAttachment, a.RenameFile))]]
    for action, types in steps[:-1]:
        play.do(action)
    outcome = play.apply(a.OpenMessage("confirmation"))
    assert outcome.accepted and not outcome.scenario_completed, "the CV is not saved under the asked name"
    assert not play.engine.current.outcome
    outcome = play.apply(a.RenameFile("f1", "cv alex TREMBLAY.PDF"))
    assert outcome.scenario_completed, "a name is compared without regard to case"
    assert [e.type for e in outcome.events] == ["file_renamed", "scenario_ended"]


def test_a_file_moved_to_the_trash_is_not_in_its_folder_any_more(loaded):
    play = Play(loaded)
    play_steps(play, STEPS[:CRASH_AFTER])
    play.do(a.DeleteFile("f1"))
    outcome = play.apply(a.OpenMessage("confirmation"))
    assert not outcome.scenario_completed
    outcome = play.apply(a.RestoreFile("f1"))
    assert outcome.scenario_completed, "back in Documents, every fact holds again"
    assert [e.type for e in outcome.events] == ["file_restored", "scenario_ended"]


# --- state facts ------------------------------------------------------------------------------------------
def fact(**given) -> StateCondition:
    return StateCondition.model_validate(given)


FINAL = {
    "mail": {"folders": {"cv_mail": "inbox"}},
    "files": {"files": {"f1": {"name": CV_NAME, "folder": "documents"}, "old": {"name": "a.txt", "folder": "trash"}}},
    "browser": {"submitted": {"application": {"position": "counter", "hours": "25,0", "news": False,
                                              "password": None, "consent": True}}},
}


@pytest.mark.parametrize("given, holds", [
    ({"file_in_folder": {"file": "f1", "folder": "documents"}}, True),
    ({"file_in_folder": {"file": "f1", "folder": "desktop"}}, False),
    ({"file_in_folder": {"file": "f9", "folder": "documents"}}, False),
    ({"file_in_folder": {"name": "cv alex tremblay.PDF", "folder": "documents"}}, True),
    ({"file_in_folder": {"name": "a.txt", "folder": "documents"}}, False),
    ({"file_in_folder": {"name": "a.txt", "folder": "trash"}}, True),
    ({"form_value": {"form": "application", "field": "position", "equals": "counter"}}, True),
    ({"form_value": {"form": "application", "field": "position", "equals": "baker"}}, False),
    ({"form_value": {"form": "application", "field": "hours", "equals": 25}}, True),
    ({"form_value": {"form": "application", "field": "hours", "equals": 25.5}}, False),
    ({"form_value": {"form": "application", "field": "hours", "equals": "25,0"}}, True),
    ({"form_value": {"form": "application", "field": "consent", "equals": True}}, True),
    ({"form_value": {"form": "application", "field": "news", "equals": True}}, False),
    ({"form_value": {"form": "other", "field": "position", "equals": "counter"}}, False),
    ({"message_in_folder": {"message": "cv_mail", "folder": "inbox"}}, True),
])
def test_state_facts_against_the_desktops_summary(given, holds):
    assert fact_holds(fact(**given), FINAL) is holds


def test_state_facts_about_apps_the_summary_does_not_have():
    assert fact_holds(fact(file_in_folder={"file": "f1", "folder": "documents"}), {}) is False
    assert fact_holds(fact(form_value={"form": "a", "field": "b", "equals": "c"}), {}) is False


# --- determinism -----------------------------------------------------------------------------------------
def test_the_same_actions_make_the_same_events(loaded):
    logs = []
    for _ in range(2):
        play = Play(loaded)
        play_steps(play)
        logs.append([e.to_dict() for e in play.log])
    assert logs[0] == logs[1]


def test_a_replayed_log_rebuilds_the_same_state_without_emitting(loaded):
    play = Play(loaded)
    play_steps(play, STEPS[:CRASH_AFTER])
    engine = SessionEngine.replay(play.log, {loaded.id: loaded}, ManualClock())
    assert engine.current.desktop.summary() == play.desktop.summary()
    assert engine.seq == play.log[-1].seq
    assert engine.current.events == [e.to_dict() for e in play.log[1:]]


# --- crash and resume ---------------------------------------------------------------------------------------
def play_until_crash(store: EventStore, loaded, clock: ManualClock) -> PlaySession:
    session = PlaySession.new(store, [loaded], participant="TEST-1", locale="fr-CA", clock=clock)
    session.engine.start_scenario()
    extra = [a.CreateFolder("documents", "Candidatures"), a.CopyFile("f1", "fd1"), a.GoBack(),
             a.SetField("application", "letter", "Bonjour"), a.EnterAddress("www.cherche.ca"),
             a.Search("offre d'emploi boulangerie")]
    for action in [s[0] for s in STEPS[:CRASH_AFTER]] + extra:
        clock.advance(500)
        outcome = session.engine.apply(action)
        assert outcome.accepted, (action, outcome.reason)
    return session


def test_a_session_resumes_after_a_crash_with_every_apps_state(loaded, tmp_path):
    path = tmp_path / "numplus.db"
    clock = ManualClock()
    before = play_until_crash(EventStore(path), loaded, clock)
    engine = before.engine
    last_seq, session_id = engine.seq, engine.session_id
    browser = engine.current.desktop.browser
    expected = {
        "summary": engine.current.desktop.summary(),
        "history": list(browser.history), "index": browser.index,
        "values": {**browser.values["application"], "password": ""},
        "files": {fid: (f.name, f.folder, f.kind) for fid, f in engine.current.desktop.files.files.items()},
        "folders": dict(engine.current.desktop.files.folders),
        "inbox": [m.id for m in engine.current.desktop.mail.in_folder("inbox")],
    }
    del before, engine, browser  # the process is gone; only the database remains

    store = EventStore(path)
    assert [s.id for s in store.unfinished_sessions()] == [session_id]
    resumed = PlaySession.resume(store, session_id, {loaded.id: loaded}, ManualClock(start_ms=50_000))
    run = resumed.engine.current
    browser = run.desktop.browser
    assert run.desktop.summary() == expected["summary"]
    assert list(browser.history) == expected["history"] and browser.index == expected["index"]
    assert browser.here.is_results and browser.here.query == "q_jobs"
    assert browser.values["application"] == expected["values"], "every value but the password, never logged"
    assert browser.submitted["application"]["position"] == "counter"
    assert {fid: (f.name, f.folder, f.kind) for fid, f in run.desktop.files.files.items()} == expected["files"]
    assert run.desktop.files.folders == expected["folders"]
    assert [m.id for m in run.desktop.mail.in_folder("inbox")] == expected["inbox"]
    assert "confirmation" in run.desktop.mail.messages and not run.desktop.mail.pending

    logged = store.events(session_id)
    assert logged[-1].type == "session_resumed" and logged[-1].payload == {"after_seq": last_seq}
    assert logged[-1].seq == last_seq + 1

    # Play goes on where it stopped, with new ids following the old ones.
    assert resumed.engine.apply(a.CreateFolder("desktop", "Divers")).events[0].payload["folder"] == "fd2"
    assert resumed.engine.apply(a.OpenMessage("confirmation")).scenario_completed
    result = store.results(session_id)[SCENARIO_ID]
    assert result["outcome"] == "completed"
    assert result["observables"]["cv_saved_in_documents"]["value"] == 2
    assert result["observables"]["applied_for_counter"]["value"] == 3
    assert result["observables"]["tries_before_valid"]["value"] == 1
    store.close()


def test_after_a_resume_a_password_must_be_typed_again(loaded, tmp_path):
    path = tmp_path / "numplus.db"
    first = play_until_crash(EventStore(path), loaded, ManualClock())
    session_id = first.engine.session_id
    resumed = PlaySession.resume(EventStore(path), session_id, {loaded.id: loaded}, ManualClock())
    engine = resumed.engine
    engine.apply(a.EnterAddress("emplois.chezmado.ca/postuler"))
    submitted = engine.apply(a.SubmitForm("application")).events[0].payload
    assert (submitted["valid"], submitted["errors"]) == (False, {"password": "required"})
    engine.apply(a.SetField("application", "password", GOOD_VALUES["password"]))
    again = engine.apply(a.SubmitForm("application")).events
    assert [e.type for e in again] == ["form_submitted", "page_visited"], "the confirmation came already"


def test_a_session_resumes_after_a_refused_password(loaded, tmp_path):
    path = tmp_path / "numplus.db"
    session = PlaySession.new(EventStore(path), [loaded], participant="TEST-1", locale="fr-CA", clock=ManualClock())
    session.engine.start_scenario()
    engine = session.engine
    engine.apply(a.EnterAddress("emplois.chezmado.ca/postuler"))
    engine.apply(a.SetField("application", "password", "court"))
    assert engine.apply(a.SubmitForm("application")).events[0].payload["errors"]["password"] == "password_too_short"
    resumed = PlaySession.resume(EventStore(path), engine.session_id, {loaded.id: loaded}, ManualClock())
    assert resumed.engine.current.desktop.browser.errors["application"]["password"] == "password_too_short"


def test_an_actions_events_are_written_together_or_not_at_all(loaded, tmp_path, monkeypatch):
    path = tmp_path / "numplus.db"
    store = EventStore(path)
    session = PlaySession.new(store, [loaded], participant="TEST-1", locale="fr-CA", clock=ManualClock())
    session.engine.start_scenario()
    engine = session.engine
    for action, _ in STEPS[:CRASH_AFTER - 1]:
        assert engine.apply(action).accepted
    stored_before = store.events(engine.session_id)
    assert stored_before[-1].seq == engine.seq

    real_write = EventStore._write
    written: list[str] = []

    def failing_write(db, event: Event, result):
        written.append(event.type)
        if len(written) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        real_write(db, event, result)

    monkeypatch.setattr(EventStore, "_write", staticmethod(failing_write))
    with pytest.raises(sqlite3.OperationalError):
        engine.apply(STEPS[CRASH_AFTER - 1][0])  # the valid submission: form_submitted, message_delivered, page_visited
    assert written == ["form_submitted", "message_delivered"]
    monkeypatch.setattr(EventStore, "_write", staticmethod(real_write))

    assert store.events(engine.session_id) == stored_before, "no event of the failed action is stored"
    # The log is the truth: resumed from it, the form was never sent and the confirmation never came.
    resumed = PlaySession.resume(EventStore(path), engine.session_id, {loaded.id: loaded}, ManualClock())
    run = resumed.engine.current
    assert run.desktop.browser.submitted == {}
    assert "confirmation" in run.desktop.mail.pending
    assert run.desktop.browser.here.page == "apply"


def test_a_multi_event_action_is_one_call_to_the_store(loaded, tmp_path, monkeypatch):
    store = EventStore(tmp_path / "numplus.db")
    calls: list[list[str]] = []
    real = EventStore.append_many

    def spy(self, items, statements=None):
        calls.append([event.type for event, _ in items])
        return real(self, items, statements)

    monkeypatch.setattr(EventStore, "append_many", spy)
    session = PlaySession.new(store, [loaded], participant="TEST-1", locale="fr-CA", clock=ManualClock())
    session.engine.start_scenario()
    for action, _ in STEPS:
        session.engine.apply(action)
    assert ["form_submitted", "message_delivered", "page_visited"] in calls
    assert calls[-1] == ["message_opened", "scenario_ended"]
    assert store.results(session.engine.session_id)[SCENARIO_ID]["outcome"] == "completed", \
        "the result is written with its scenario_ended"


# --- the persona --------------------------------------------------------------------------------------------
def test_the_persona_opens_only_when_the_scenario_has_one(loaded, tmp_path):
    assert Play(loaded).do(a.OpenPersona()) == [("persona_opened", {})]
    text = APPLY_ONLINE[:APPLY_ONLINE.index("persona:")] + APPLY_ONLINE[APPLY_ONLINE.index("apps:"):]
    for kind in ("email", "phone", "postal_code", "date"):
        text = edited(text, f"kind: {kind},", "kind: text,")
    play = Play(write_scenario(tmp_path, text))
    assert play.refused(a.OpenPersona()) == "no_persona"
