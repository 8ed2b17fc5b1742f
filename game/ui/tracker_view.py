"""The bug tracker on screen: the team's reports, the report being written, and the regression checklist.

Reads the runtime's BugTracker; every change goes back to it as an action. Like the browser's
forms, typed text is handed over when the person leaves the field's screen or sends the report.
"""

from __future__ import annotations

import pygame

from game.runtime import actions as a
from game.runtime.bug_tracker import CHOICE_FIELDS, BugTracker, Report
from game.scenario.bug_tracker import CHECK_STATUSES
from game.ui.app_view import AppView
from game.ui.dialog import Dialog, DialogButton
from game.ui.elements import Element
from game.ui.errors import draw_error_icons, error_line
from game.ui.layout import flow
from game.ui.scroll import ScrollArea
from game.ui.theme import scroll_bar_colours

TEXT_FIELDS = ("title", "build", "steps", "expected", "actual")
MULTILINE = ("steps", "expected", "actual")


class TrackerView(AppView):
    name = "bug_tracker"

    def __init__(self, app):
        super().__init__(app)
        self.open_report: str | None = None
        self.page = "list"  # list, report (narrow layout shows one at a time)
        self.form_area = ScrollArea()
        self.list_area = ScrollArea()
        self.icons: list[Element] = []

    @property
    def tracker(self) -> BugTracker:
        return self.app.session.engine.current.desktop.tracker

    def levels(self) -> list[tuple[str, str]]:
        """The game's levels, as the areas a report can name."""
        game = self.app.session.engine.current.desktop.qa_game
        return game.areas(self.app.locale) if game is not None else []

    def on_taskbar(self) -> None:
        """Its taskbar button brings the list of reports back (one pane at a time at large text)."""
        if not self.commit_fields():
            self.page = "list"
            self.app.rebuild(preferred="tracker.new", keep_focus=False)

    def initial_focus(self) -> str | None:
        if self.open_report and self.open_report in self.tracker.reports:
            return "tracker.field.title"
        return "tracker.new"

    # --- building -------------------------------------------------------------------
    def build(self, w, area: pygame.Rect) -> None:
        m = w.m
        self.icons = []
        narrow = m.narrow
        x, y = area.x + m.pad, area.y + m.pad
        report = self.tracker.reports.get(self.open_report) if self.open_report else None
        if narrow and self.page == "report" and report is not None:
            back = self.t("tracker.back")
            w.button("tracker.back", back, pygame.Rect(x, y, m.button_w(back), m.button_h), self.back,
                     style="#secondary")
            top = y + m.button_h + m.gap
            self._build_form(w, report, pygame.Rect(area.x, top, area.w, area.bottom - top))
            return
        list_w = area.w - 2 * m.pad if narrow else max(m.px(360), int(area.w * 0.32))
        clip = pygame.Rect(area.x, y, list_w + m.pad + m.px(12), area.bottom - y)
        self.list_area.begin(clip)
        w.area = self.list_area
        try:
            self._build_list(w, pygame.Rect(x, y, list_w, clip.h))
        finally:
            w.area = None
            self.list_area.end()
        if not narrow:
            left = clip.right + m.gap
            if report is not None:
                self._build_form(w, report, pygame.Rect(left, area.y, area.right - left, area.h))
            else:
                w.label("tracker.empty", self.t("tracker.choose"), left + m.pad, y, area.right - left - 2 * m.pad,
                        style="#muted")

    def _build_list(self, w, rect: pygame.Rect) -> None:
        m = w.m
        x, y, width = rect.x, rect.y, rect.w
        project = self.tracker.app.project[self.app.locale]
        y = w.label("tracker.project", self.t("tracker.project", project=project, build=self.tracker.app.build),
                    x, y, width, bold=True).rect.bottom + m.pad
        new = self.t("tracker.new")
        w.button("tracker.new", new, pygame.Rect(x, y, m.button_w(new), m.button_h), self.new_report)
        y += m.button_h + m.gap
        reports = list(self.tracker.reports.values())
        if not reports:
            y = w.label("tracker.none", self.t("tracker.none"), x, y, width, style="#muted").rect.bottom + m.gap
        for report in reports:
            state = self.t("tracker.sent" if report.version else "tracker.draft")
            label = self.t("tracker.row", n=report.id.lstrip("r"), state=state)
            title = report.title or self.t("tracker.untitled")
            chosen = report.id == self.open_report
            w.button(f"tracker.report.{report.id}", label, pygame.Rect(x, y, min(width, m.button_w(label)),
                                                                      m.button_h),
                     lambda r=report.id: self.open(r), style="#primary" if chosen else "#secondary",
                     speakable=f"{label}: {title}")
            y += m.button_h + m.pad // 2
            y = w.label(f"tracker.report.{report.id}.title", title, x, y, width, style="#muted").rect.bottom + m.gap
        checklist = self.tracker.app.checklist
        if checklist:
            y += m.gap
            y = w.label("tracker.checklist", self.t("tracker.checklist"), x, y, width, bold=True).rect.bottom + m.pad
            for item in checklist:
                y = w.label(f"tracker.check.{item.id}.label", item.title[self.app.locale], x, y,
                            width).rect.bottom + m.pad // 2
                texts = [self.t(f"tracker.check.{status}") for status in CHECK_STATUSES]
                rects = flow([m.button_w(t) for t in texts], x, y, width, m.button_h, m.gap)
                for status, text, place in zip(CHECK_STATUSES, texts, rects):
                    chosen = self.tracker.checklist.get(item.id) == status
                    w.button(f"tracker.check.{item.id}.{status}", text, place,
                             lambda i=item.id, s=status: self.mark(i, s), style="#primary" if chosen else "#secondary",
                             speakable=f"{item.title[self.app.locale]}: {text}"
                             + (f" ({self.t('selected')})" if chosen else ""))
                y = rects[-1].bottom + m.gap

    def _build_form(self, w, report: Report, area: pygame.Rect) -> None:
        m = w.m
        self.form_area.begin(area)
        w.area = self.form_area
        try:
            x, y, width = area.x + m.pad, area.y + m.pad, area.w - 2 * m.pad - m.px(12)
            errors = self.errors.get(report.id, {})
            heading = self.t("tracker.report", n=report.id.lstrip("r"))
            y = w.label("tracker.heading", heading, x, y, width, title=True).rect.bottom + m.gap
            if errors:
                y = self._error(w, "tracker.errors", self.t("form.errors", n=len(errors)), x, y, width) + m.gap
            for name in ("title", "build"):
                y = self._text(w, report, name, errors.get(name), x, y, width, multiline=False) + m.gap
            if self.levels():
                y = self._choice(w, report, "area", self.levels(), errors.get("area"), x, y, width) + m.gap
            for name, values in CHOICE_FIELDS.items():
                options = [(v, self.t(f"tracker.{name}.{v}")) for v in values]
                y = self._choice(w, report, name, options, errors.get(name), x, y, width) + m.gap
            for name in MULTILINE:
                y = self._text(w, report, name, errors.get(name), x, y, width, multiline=True) + m.gap
            y = self._captures(w, report, x, y, width) + m.gap
            send = self.t("tracker.submit.again" if report.version else "tracker.submit")
            w.button("tracker.submit", send, pygame.Rect(x, y, m.button_w(send), m.button_h), self.submit)
        finally:
            w.area = None
            self.form_area.end()

    @property
    def errors(self) -> dict[str, dict[str, str]]:
        return self.tracker.errors

    def _label(self, w, name: str, x: int, y: int, width: int) -> int:
        m = w.m
        y = w.label(f"tracker.field.{name}.label", self.t(f"tracker.field.{name}"), x, y, width,
                    bold=True).rect.bottom
        hint = self.t(f"tracker.hint.{name}")
        return w.label(f"tracker.field.{name}.hint", hint, x, y, width, style="#muted").rect.bottom + m.pad // 2

    def _text(self, w, report: Report, name: str, error: str | None, x: int, y: int, width: int,
              multiline: bool) -> int:
        m = w.m
        y = self._label(w, name, x, y, width)
        if error:
            y = self._error(w, f"tracker.field.{name}.error", self.t(f"form.error.{error}"), x, y, width)
        height = (5 if name == "steps" else 3) * m.line() + 2 * m.pad if multiline else m.button_h
        w.text_field(f"tracker.field.{name}", self.t(f"tracker.field.{name}"), pygame.Rect(x, y, width, height),
                     getattr(report, name), multiline=multiline)
        y += height
        if name == "steps" and report.step_list():  # the steps as the team will read them, numbered
            numbered = "\n".join(f"{i}. {step}" for i, step in enumerate(report.step_list(), 1))
            y = w.label("tracker.field.steps.numbered", self.t("tracker.steps.numbered", steps=numbered), x,
                        y + m.pad // 2, width, style="#muted").rect.bottom
        return y

    def _choice(self, w, report: Report, name: str, options: list[tuple[str, str]], error: str | None,
                x: int, y: int, width: int) -> int:
        m = w.m
        y = w.label(f"tracker.field.{name}.label", self.t(f"tracker.field.{name}"), x, y, width,
                    bold=True).rect.bottom + m.pad // 2
        if error:
            y = self._error(w, f"tracker.field.{name}.error", self.t(f"form.error.{error}"), x, y, width)
        rects = flow([m.button_w(text) for _, text in options], x, y, width, m.button_h, m.gap)
        current = getattr(report, name)
        for (value, text), place in zip(options, rects):
            chosen = value == current
            w.button(f"tracker.field.{name}.{value}", text, place, lambda v=value, n=name: self.set_value(n, v),
                     style="#primary" if chosen else "#secondary",
                     speakable=f"{self.t(f'tracker.field.{name}')}: {text}" + (f" ({self.t('selected')})" if chosen else ""))
        return rects[-1].bottom

    def _captures(self, w, report: Report, x: int, y: int, width: int) -> int:
        m = w.m
        y = w.label("tracker.field.captures.label", self.t("tracker.field.captures"), x, y, width,
                    bold=True).rect.bottom + m.pad // 2
        buttons = []
        for capture_id in report.captures:
            capture = self.tracker.captures[capture_id]
            text = self.t("tracker.remove_capture", name=self.capture_name(capture))
            buttons.append((f"tracker.remove.{capture_id}", text, lambda c=capture_id: self.remove(c)))
        attach = self.t("tracker.attach")
        buttons.append(("tracker.attach", attach, self.ask_capture))
        rects = flow([m.button_w(text) for _, text, _ in buttons], x, y, width, m.button_h, m.gap)
        for (element_id, text, callback), place in zip(buttons, rects):
            w.button(element_id, text, place, callback, style="#secondary")
        return rects[-1].bottom

    def capture_name(self, capture) -> str:
        level = dict(self.levels()).get(capture.level, capture.level)
        return self.t("tracker.capture", n=capture.id.lstrip("c"), level=level,
                      seconds=capture.tick // 60)

    def _error(self, w, element_id: str, text: str, x: int, y: int, width: int) -> int:
        return error_line(w, self.icons, element_id, text, x, y, width)

    # --- drawing and input ---------------------------------------------------------------
    def draw_overlay(self, surface: pygame.Surface) -> None:
        m = self.app.metrics
        for area in (self.list_area, self.form_area):
            if area.placed:
                area.draw_bar(surface, scroll_bar_colours(self.app.theme), max(8, m.px(8)))
        draw_error_icons(surface, self.icons, m, self.app.theme)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEWHEEL:
            for area in (self.form_area, self.list_area):
                if area.placed and area.clip.collidepoint(self.app.pointer):
                    return area.scroll(-event.y * 3 * self.app.metrics.line())
        return False

    # --- what the participant does --------------------------------------------------------
    def commit_fields(self) -> bool:
        engine = self.app.session.engine
        run = engine.current
        if run is None or run.outcome is not None:
            return True
        report = self.tracker.reports.get(self.open_report) if self.open_report else None
        if report is None:
            return False
        for name in TEXT_FIELDS:
            field = self.app.widgets.fields.get(f"tracker.field.{name}")
            if field is not None and field.get() != getattr(report, name):
                if engine.apply(a.SetReportField(report.id, name, field.get())).scenario_completed:
                    self.app.defer(self.player.scenario_over)
                    return True
        return False

    def new_report(self) -> None:
        if self.commit_fields():
            return
        outcome = self.act(a.NewReport(), refresh=False)
        if outcome.accepted and not outcome.scenario_completed:
            self.open_report, self.page = outcome.events[0].payload["report"], "report"
            self.form_area.offset = 0
            self.app.rebuild(preferred="tracker.field.title", keep_focus=False)

    def open(self, report_id: str) -> None:
        if self.commit_fields():
            return
        outcome = self.act(a.OpenReport(report_id), refresh=False)
        if outcome.accepted and not outcome.scenario_completed:
            self.open_report, self.page = report_id, "report"
            self.form_area.offset = 0
            self.app.rebuild(preferred="tracker.field.title", keep_focus=False)

    def back(self) -> None:
        if not self.commit_fields():
            self.page = "list"
            self.app.rebuild(preferred=f"tracker.report.{self.open_report}", keep_focus=False)

    def set_value(self, name: str, value: str) -> None:
        if not self.commit_fields():
            self.act(a.SetReportField(self.open_report, name, value))

    def mark(self, item: str, status: str) -> None:
        if not self.commit_fields():
            self.act(a.MarkChecklist(item, status))

    def remove(self, capture_id: str) -> None:
        if not self.commit_fields():
            self.act(a.RemoveCapture(self.open_report, capture_id))

    def ask_capture(self) -> None:
        if self.commit_fields():
            return
        report = self.tracker.reports[self.open_report]
        choices = [c for c in self.tracker.captures.values() if c.id not in report.captures]

        def attach(capture_id: str) -> None:
            self.app.dialog = None
            outcome = self.act(a.AttachCapture(report.id, capture_id), refresh=False)
            if not outcome.scenario_completed and self.app.scene is self.player and self.app.dialog is None:
                self.app.rebuild(preferred="tracker.attach", keep_focus=False)

        buttons = [DialogButton(f"tracker.capture.{c.id}", self.capture_name(c), lambda i=c.id: attach(i),
                                "#secondary") for c in choices]
        buttons.append(DialogButton("tracker.attach.cancel", self.t("cancel"),
                                    lambda: self.app.close_dialog("tracker.attach"), "#secondary"))
        text = self.t("tracker.attach.text") if choices else self.t("tracker.attach.none")
        self.app.show_dialog(Dialog("dialog.capture", self.t("tracker.attach"), text, buttons,
                                    escape="tracker.attach.cancel"))

    def submit(self) -> None:
        if self.commit_fields():
            return
        outcome = self.act(a.SubmitReport(self.open_report), refresh=False)
        if outcome.scenario_completed or self.app.scene is not self.player or self.app.dialog is not None:
            return
        payload = outcome.events[0].payload if outcome.events else {}
        if payload.get("valid"):
            self.app.show_notice(self.t("tracker.sent.title"), self.t("tracker.sent.text"))
        else:
            self.app.rebuild(preferred="tracker.heading", keep_focus=False)
            self.form_area.reveal("tracker.field.title", above="tracker.heading")
