"""Participant code: pseudonymous, never a name; offers to resume an unfinished session."""

from __future__ import annotations

import pygame

from game.runtime.session import SessionError
from game.facilitator.codes import is_valid, looks_generated
from game.sessions import PARTICIPANT_CODE, abandon_session
from game.ui.dialog import Dialog, DialogButton
from game.ui.layout import LOGICAL_SIZE
from game.ui.scenes.base import PageScene
from game.ui.scenes.consent import ConsentScene
from game.ui.scenes.flow import resume_session, start_session



class CodeScene(PageScene):
    initial_focus = "code.entry"

    def __init__(self, app):
        super().__init__(app)
        self.error: str | None = None
        self.typed = ""

    def build_page(self, w) -> None:
        from game.ui.scenes.title import TitleScene

        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("code.title", self.t("code.title"), x, y, width, title=True).rect.bottom + m.gap
        y = w.label("code.help", self.t("code.help"), x, y, width).rect.bottom + m.gap
        entry_w = min(width, max(m.px(360), m.text_w("W" * 12) + 4 * m.pad))
        field = w.text_field("code.entry", self.t("code.entry"), pygame.Rect(x, y, entry_w, m.button_h), self.typed)
        self.field = field
        y += m.button_h + m.gap
        if self.error:
            y = w.label("code.error", self.t("error_prefix") + " " + self.error, x, y, width,
                        bold=True, style="#error").rect.bottom + m.gap
        cont, back = self.t("continue"), self.t("back")
        w.button("code.continue", cont, pygame.Rect(x, y, m.button_w(cont), m.button_h), self.submit)
        w.button("code.back", back, pygame.Rect(x + m.button_w(cont) + m.gap, y, m.button_w(back), m.button_h),
                 lambda: self.app.show(TitleScene(self.app)), style="#secondary")

    def handle_event(self, event: pygame.event.Event) -> bool:
        import pygame_gui

        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and self.app.focus.focused_id == "code.entry":
            self.submit()
            return True
        return super().handle_event(event)

    def submit(self) -> None:
        code = (self.field.get() if self.field is not None else self.typed).strip().upper()
        self.typed = code
        if not PARTICIPANT_CODE.match(code) or (looks_generated(code) and not is_valid(code)):
            self.error = self.t("code.invalid" if not PARTICIPANT_CODE.match(code) else "code.check_failed")
            self.app.rebuild(preferred="code.entry", keep_focus=False)
            return
        unfinished = self.app.store.unfinished_sessions(code)
        if unfinished:
            record = unfinished[0]

            def resume() -> None:
                self.app.dialog = None
                try:
                    resume_session(self.app, record)
                except SessionError:
                    # The scenarios changed since (an update): the old log stays as it is, a new session starts.
                    self.app.session = None
                    start_session(self.app, code)
                    self.app.show_notice(self.t("resume.failed.title"), self.t("resume.failed"))

            def fresh() -> None:
                self.app.dialog = None
                try:
                    abandon_session(self.app.store, record.id, self.app.library, self.app.clock,
                                    delivery=self.app.delivery)
                except SessionError:
                    pass  # left as it is in the log; a facilitator can still see it
                self.app.show(ConsentScene(self.app, code))

            self.app.show_dialog(Dialog("dialog.resume", self.t("resume.title"),
                                        self.t("resume.text", started=record.started_utc[:16].replace("T", " ")),
                                        [DialogButton("resume.yes", self.t("resume.yes"), resume),
                                         DialogButton("resume.no", self.t("resume.no"), fresh, "#secondary")]))
            return
        self.app.show(ConsentScene(self.app, code))
