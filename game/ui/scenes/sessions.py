"""Sessions on this machine (facilitator only): state, resume, result, delete, and erasure on request."""

from __future__ import annotations

import pygame

from game.facilitator.records import SessionRow, delete_session, erase_participant, session_rows
from game.ui.dialog import Dialog, DialogButton
from game.ui.layout import LOGICAL_SIZE, flow
from game.ui.scenes.base import PageScene

SHOWN = 100  # the most recent; older ones stay in the database and the research export


class SessionsScene(PageScene):
    initial_focus = "sessions.back"

    def __init__(self, app):
        super().__init__(app)
        self.erase_code = ""

    def build_page(self, w) -> None:
        from game.ui.scenes.facilitator import FacilitatorScene

        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("sessions.title", self.t("sessions.title"), x, y, width, title=True).rect.bottom + m.gap
        back = self.t("back")
        w.button("sessions.back", back, pygame.Rect(x, y, m.button_w(back), m.button_h),
                 lambda: self.app.show(FacilitatorScene(self.app)), style="#secondary")
        y += m.button_h + m.gap
        rows = session_rows(self.app.store)[:SHOWN]
        if not rows:
            y = w.label("sessions.none", self.t("sessions.none"), x, y, width).rect.bottom + m.gap
        for row in rows:
            y = self._row(w, row, x, y, width) + m.gap
        y = w.label("sessions.erase.title", self.t("sessions.erase.title"), x, y + m.gap, width,
                    bold=True).rect.bottom + m.pad
        y = w.label("sessions.erase.help", self.t("sessions.erase.help"), x, y, width).rect.bottom + m.pad
        entry_w = min(width, max(m.px(300), m.text_w("W" * 12) + 4 * m.pad))
        self.erase_field = w.text_field("sessions.erase.code", self.t("code.entry"),
                                        pygame.Rect(x, y, entry_w, m.button_h), self.erase_code)
        y += m.button_h + m.gap
        text = self.t("sessions.erase.go")
        w.button("sessions.erase.go", text, pygame.Rect(x, y, m.button_w(text), m.button_h), self.ask_erase,
                 style="#secondary")

    def _row(self, w, row: SessionRow, x: int, y: int, width: int) -> int:
        m = w.m
        when = row.started_utc[:16].replace("T", " ")
        line = self.t("sessions.row", code=row.participant, started=when, status=self.t(f"sessions.{row.status}"),
                      delivery=self.t(f"sessions.delivery.{row.delivery}"), session=row.id)
        y = w.label(f"sessions.row.{row.id}", line, x, y, width).rect.bottom + m.pad
        actions = []
        if row.status == "in_progress":
            actions.append(("resume", lambda row=row: self.resume(row)))
        else:
            actions.append(("result", lambda row=row: self.result(row)))
        if row.deletable:
            actions.append(("delete", lambda row=row: self.ask_delete(row)))
        labels = [self.t(f"sessions.{name}") for name, _ in actions]
        rects = flow([m.button_w(text) for text in labels], x, y, width, m.button_h, m.gap)
        for (name, action), text, rect in zip(actions, labels, rects):
            w.button(f"sessions.{name}.{row.id}", text, rect, action, style="#secondary")
        return rects[-1].bottom

    # --- what the buttons do ------------------------------------------------------------------
    def resume(self, row: SessionRow) -> None:
        from game.ui.scenes.flow import resume_session

        record = next(r for r in self.app.store.sessions() if r.id == row.id)
        resume_session(self.app, record)

    def result(self, row: SessionRow) -> None:
        from game.ui.scenes.end import SummaryScene

        self.app.show(SummaryScene(self.app, row.id, back=lambda: self.app.show(SessionsScene(self.app))))

    def ask_delete(self, row: SessionRow) -> None:
        def delete() -> None:
            delete_session(self.app.store, row)
            self.app.dialog = None
            self.app.rebuild(preferred="sessions.back", keep_focus=False)

        self.app.show_dialog(Dialog("dialog.delete", self.t("sessions.delete.title"),
                                    self.t("sessions.delete.text", code=row.participant),
                                    [DialogButton("sessions.delete.yes", self.t("sessions.delete.yes"), delete),
                                     DialogButton("sessions.delete.no", self.t("cancel"), self.app.close_dialog,
                                                  "#secondary")], escape="sessions.delete.no"))

    def ask_erase(self) -> None:
        code = self.erase_field.get().strip().upper()
        self.erase_code = code
        count = sum(1 for r in self.app.store.sessions() if r.participant == code)
        if not code or count == 0:
            self.app.show_notice(self.t("sessions.erase.title"), self.t("sessions.erase.unknown", code=code))
            return

        def erase() -> None:
            done = erase_participant(self.app.store, code, self.app.delivery.origin)
            self.erase_code = ""
            self.app.dialog = None
            self.app.statements_queued()
            self.app.show_notice(self.t("sessions.erase.title"), self.t(
                "sessions.erase.done", sessions=done["sessions"], voided=done["statements_voided"]))

        self.app.show_dialog(Dialog("dialog.erase", self.t("sessions.erase.title"),
                                    self.t("sessions.erase.confirm", code=code, sessions=count),
                                    [DialogButton("sessions.erase.yes", self.t("sessions.erase.yes"), erase),
                                     DialogButton("sessions.erase.no", self.t("cancel"), self.app.close_dialog,
                                                  "#secondary")], escape="sessions.erase.no"))
