"""The bug tracker's rules: write, attach captures, send, edit and send again, the regression checklist."""

from __future__ import annotations

import pytest

from game.runtime import actions as a
from game.runtime.bug_tracker import BugTracker
from game.runtime.mailbox import Rejected
from game.scenario.bug_tracker import BugTrackerApp


@pytest.fixture
def tracker() -> BugTracker:
    app = BugTrackerApp.model_validate({
        "project": {"fr-CA": "Bleuets!", "en-CA": "Blueberries!"}, "build": "0.9.3",
        "checklist": [{"id": "door", "title": {"fr-CA": "Porte", "en-CA": "Door"}, "bug": "soft_door"},
                      {"id": "typo", "title": {"fr-CA": "Faute", "en-CA": "Typo"}}]})
    return BugTracker(app, "fr-CA")


def fill(tracker: BugTracker, report: str, **values: str) -> None:
    for name, value in values.items():
        tracker.apply(a.SetReportField(report, name, value))


GOOD = {"title": "Le personnage traverse le sol au niveau Forêt, colonne 12", "category": "gameplay",
        "severity": "major", "reproducibility": "always", "area": "forest",
        "steps": "Lancer le niveau Forêt\nAller à droite jusqu'au tronc\n\nSauter", "expected": "Il reste sur le sol",
        "actual": "Il tombe et perd une vie"}


def test_a_new_report_starts_with_the_build_under_test(tracker):
    assert tracker.apply(a.NewReport()) == [("report_started", {"report": "r1", "build": "0.9.3"})]
    assert tracker.apply(a.NewReport())[0][1]["report"] == "r2"


def test_a_report_missing_what_a_tracker_requires_is_refused_with_each_field(tracker):
    tracker.apply(a.NewReport())
    fill(tracker, "r1", title="Bug")
    kind, payload = tracker.apply(a.SubmitReport("r1"))[0]
    assert kind == "report_submitted" and payload["valid"] is False
    assert payload["errors"] == {"category": "required", "severity": "required", "actual": "required",
                                 "steps": "required"}
    assert tracker.summary()["reports"] == {}


def test_a_complete_report_is_sent_with_numbered_steps_and_the_captures_game_state(tracker):
    tracker.apply(a.NewReport())
    capture = tracker.add_capture("forest", 384, 420, 905)
    fill(tracker, "r1", **GOOD)
    assert tracker.apply(a.AttachCapture("r1", capture.id))[0] == (
        "capture_attached", {"report": "r1", "capture": "c1", "level": "forest", "x": 384, "y": 420, "tick": 905})
    kind, payload = tracker.apply(a.SubmitReport("r1"))[0]
    assert payload["valid"] is True and payload["version"] == 1
    assert payload["steps"] == ["Lancer le niveau Forêt", "Aller à droite jusqu'au tronc", "Sauter"]
    assert payload["captures"] == [{"id": "c1", "level": "forest", "x": 384, "y": 420, "tick": 905}]
    assert tracker.summary()["reports"]["r1"]["severity"] == "major"


def test_editing_a_sent_report_sends_a_new_version(tracker):
    tracker.apply(a.NewReport())
    fill(tracker, "r1", **GOOD)
    tracker.apply(a.SubmitReport("r1"))
    assert tracker.apply(a.OpenReport("r1")) == [("report_opened", {"report": "r1", "version": 1})]
    fill(tracker, "r1", severity="blocker")
    assert tracker.apply(a.SubmitReport("r1"))[0][1]["version"] == 2
    assert tracker.summary()["reports"]["r1"]["severity"] == "blocker"


@pytest.mark.parametrize(("action", "reason"), [
    (a.OpenReport("r9"), "unknown_report"),
    (a.SetReportField("r1", "severity", "urgent"), "invalid_choice"),
    (a.SetReportField("r1", "colour", "red"), "unknown_field"),
    (a.AttachCapture("r1", "c9"), "unknown_capture"),
    (a.RemoveCapture("r1", "c1"), "not_attached"),
    (a.MarkChecklist("nope", "fixed"), "unknown_checklist_item"),
    (a.MarkChecklist("door", "maybe"), "invalid_choice"),
])
def test_impossible_actions_are_refused_with_a_reason(tracker, action, reason):
    tracker.apply(a.NewReport())
    tracker.add_capture("forest", 0, 0, 1)
    with pytest.raises(Rejected) as refused:
        tracker.apply(action)
    assert refused.value.reason == reason


def test_a_capture_is_attached_once_and_can_be_removed(tracker):
    tracker.apply(a.NewReport())
    tracker.add_capture("river", 10, 20, 30)
    tracker.apply(a.AttachCapture("r1", "c1"))
    with pytest.raises(Rejected):
        tracker.apply(a.AttachCapture("r1", "c1"))
    assert tracker.apply(a.RemoveCapture("r1", "c1")) == [("capture_removed", {"report": "r1", "capture": "c1"})]


def test_the_regression_checklist_keeps_each_items_status(tracker):
    assert tracker.summary()["checklist"] == {"door": None, "typo": None}
    tracker.apply(a.MarkChecklist("door", "still_present"))
    tracker.apply(a.MarkChecklist("typo", "fixed"))
    tracker.apply(a.MarkChecklist("typo", "still_present"))  # a person may change their mind
    assert tracker.summary()["checklist"] == {"door": "still_present", "typo": "still_present"}
