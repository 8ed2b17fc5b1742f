"""The bug tracker's state: reports written, edited and sent, captures attached, a regression checklist.

Pure: no I/O, no clock, no pygame. Whether a report matches a seeded bug is for scoring to say,
from the captures and fields; the tracker only checks what a real tracker requires to accept a report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from game.runtime import actions as a
from game.runtime.mailbox import Rejected
from game.scenario.bug_tracker import CATEGORIES, CHECK_STATUSES, REPRODUCIBILITY, SEVERITIES, BugTrackerApp

TEXT_FIELDS = ("title", "build", "area", "expected", "actual", "steps")
CHOICE_FIELDS = {"category": CATEGORIES, "severity": SEVERITIES, "reproducibility": REPRODUCIBILITY}
REQUIRED = ("title", "category", "severity", "actual")


@dataclass
class Capture:
    """A screenshot taken in the game: what the game was at that moment."""

    id: str
    level: str
    x: int
    y: int
    tick: int


@dataclass
class Report:
    id: str
    title: str = ""
    build: str = ""
    area: str = ""
    category: str = ""
    severity: str = ""
    reproducibility: str = ""
    steps: str = ""  # one step a line, numbered when shown and sent
    expected: str = ""
    actual: str = ""
    captures: list[str] = field(default_factory=list)
    version: int = 0  # 0: never sent; 1: sent; 2+: edited and sent again

    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class BugTracker:
    def __init__(self, app: BugTrackerApp, locale: str):
        self.app = app
        self.locale = locale
        self.reports: dict[str, Report] = {}
        self.captures: dict[str, Capture] = {}
        self.checklist: dict[str, str | None] = {item.id: None for item in app.checklist}
        self.errors: dict[str, dict[str, str]] = {}  # per report, after its last sending
        self.last_sent: dict[str, dict[str, Any]] = {}  # per report, its last version sent
        self._made = 0

    # --- from the game -------------------------------------------------------------------
    def add_capture(self, level: str, x: int, y: int, tick: int) -> Capture:
        capture = Capture(f"c{len(self.captures) + 1}", level, x, y, tick)
        self.captures[capture.id] = capture
        return capture

    def summary(self) -> dict[str, Any]:
        return {"reports": dict(self.last_sent), "checklist": dict(self.checklist)}

    def sent(self, report: Report) -> dict[str, Any]:
        """A report as sent: its fields, its steps as a list and its captures with the game state they hold."""
        data = asdict(report)
        data["steps"] = report.step_list()
        data["captures"] = [asdict(self.captures[c]) for c in report.captures if c in self.captures]
        return data

    # --- the rules ---------------------------------------------------------------------------
    def _report(self, report_id: str) -> Report:
        if report_id not in self.reports:
            raise Rejected("unknown_report")
        return self.reports[report_id]

    def apply(self, action: a.Action) -> list[tuple[str, dict[str, Any]]]:
        handler = getattr(self, f"_do_{action.name}", None)
        if handler is None:
            raise Rejected("not_a_tracker_action")
        return handler(action)

    def _do_new_report(self, act: a.NewReport):
        self._made += 1
        report = Report(id=f"r{self._made}", build=self.app.build)
        self.reports[report.id] = report
        return [("report_started", {"report": report.id, "build": report.build})]

    def _do_open_report(self, act: a.OpenReport):
        report = self._report(act.report)
        return [("report_opened", {"report": report.id, "version": report.version})]

    def _do_set_report_field(self, act: a.SetReportField):
        report = self._report(act.report)
        if act.field in CHOICE_FIELDS:
            if act.value not in CHOICE_FIELDS[act.field]:
                raise Rejected("invalid_choice")
        elif act.field not in TEXT_FIELDS:
            raise Rejected("unknown_field")
        setattr(report, act.field, act.value)
        return [("report_field_set", {"report": report.id, "field": act.field, "value": act.value,
                                      "length": len(act.value)})]

    def _do_attach_capture(self, act: a.AttachCapture):
        report = self._report(act.report)
        if act.capture not in self.captures:
            raise Rejected("unknown_capture")
        if act.capture in report.captures:
            raise Rejected("already_attached")
        report.captures.append(act.capture)
        capture = self.captures[act.capture]
        return [("capture_attached", {"report": report.id, "capture": capture.id, "level": capture.level,
                                      "x": capture.x, "y": capture.y, "tick": capture.tick})]

    def _do_remove_capture(self, act: a.RemoveCapture):
        report = self._report(act.report)
        if act.capture not in report.captures:
            raise Rejected("not_attached")
        report.captures.remove(act.capture)
        return [("capture_removed", {"report": report.id, "capture": act.capture})]

    def _do_submit_report(self, act: a.SubmitReport):
        report = self._report(act.report)
        errors = {name: "required" for name in REQUIRED if not str(getattr(report, name)).strip()}
        if not report.step_list():
            errors["steps"] = "required"
        self.errors[report.id] = errors
        if errors:
            return [("report_submitted", {"report": report.id, "valid": False, "errors": errors,
                                          "version": report.version})]
        report.version += 1
        self.last_sent[report.id] = self.sent(report)
        return [("report_submitted", {"valid": True, "errors": {}, **self.last_sent[report.id], "report": report.id})]

    def _do_mark_checklist(self, act: a.MarkChecklist):
        if act.item not in self.checklist:
            raise Rejected("unknown_checklist_item")
        if act.status not in CHECK_STATUSES:
            raise Rejected("invalid_choice")
        self.checklist[act.item] = act.status
        return [("checklist_marked", {"item": act.item, "status": act.status})]
