"""The scenario player: a simulated desktop with a top bar (help, text size, I'm done) and a taskbar."""

from __future__ import annotations

import pygame

from game.runtime import actions as a
from game.settings import TEXT_SCALES
from game.ui.dialog import Dialog, DialogButton
from game.ui.layout import LOGICAL_SIZE
from game.ui.mail_view import MailView
from game.ui.scenes.base import Scene


class PlayerScene(Scene):
    def __init__(self, app):
        super().__init__(app)
        self.mail = MailView(app)
        self.bar_h = 0
        self.taskbar_h = 0

    @property
    def initial_focus(self) -> str | None:  # type: ignore[override]
        return self.mail.initial_focus()

    @property
    def run(self):
        return self.app.session.engine.current

    def build(self, w) -> None:
        m = w.m
        screen_w, screen_h = LOGICAL_SIZE
        self.bar_h = m.button_h + 2 * m.pad
        self.taskbar_h = m.button_h + 2 * m.pad
        # Top bar, right to left: I'm done, help, text size.
        labels = [("scenario.done", self.t("scenario.done"), self.ask_done, "#primary"),
                  ("scenario.help", self.t("scenario.help"), self.show_help, "#secondary"),
                  ("scenario.text_size", self.t("scenario.text_size"), self.next_text_size, "#secondary")]
        x = screen_w - m.pad
        placed = []
        for element_id, text, callback, style in labels:
            bw = m.button_w(text)
            x -= bw
            placed.append((element_id, text, pygame.Rect(x, m.pad, bw, m.button_h), callback, style))
            x -= m.gap
        title = self.run.loaded.scenario.title[self.app.locale]
        title_w = x - 2 * m.pad
        lines = m.wrap(title, title_w, bold=True)
        if len(lines) > 1:  # a long title wraps onto a taller bar rather than being cut
            self.bar_h = max(self.bar_h, len(lines) * m.line(bold=True) + 2 * m.pad)
        w.label("scenario.title", title, 2 * m.pad, (self.bar_h - len(lines) * m.line(bold=True)) // 2, title_w,
                bold=True)
        # Reading order: title, text size, help, done (left to right).
        for element_id, text, rect, callback, style in reversed(placed):
            w.button(element_id, text, rect, callback, style=style)
        area = pygame.Rect(0, self.bar_h, screen_w, screen_h - self.bar_h - self.taskbar_h)
        if self.run.mailbox is not None:
            self.mail.build(w, area)
        task = self.t("app.mail")
        w.button("taskbar.mail", task, pygame.Rect(m.pad, screen_h - self.taskbar_h + m.pad, m.button_w(task),
                                                   m.button_h), self.mail.show_inbox, style="#task",
                 speakable=self.t("app.mail.speakable"))

    def draw_background(self, surface: pygame.Surface) -> None:
        screen_w, screen_h = LOGICAL_SIZE
        pygame.draw.rect(surface, "#DCE3EC", (0, 0, screen_w, self.bar_h))
        pygame.draw.line(surface, "#C5CDD6", (0, self.bar_h - 1), (screen_w, self.bar_h - 1))
        pygame.draw.rect(surface, "#243447", (0, screen_h - self.taskbar_h, screen_w, self.taskbar_h))
        self.mail.draw_background(surface)

    def draw_overlay(self, surface: pygame.Surface) -> None:
        if not self.app.tree.dialog_open:
            self.mail.draw_overlay(surface)

    def before_rebuild(self) -> None:
        if self.run is not None and self.run.outcome is None:
            self.mail.commit_fields()

    def handle_event(self, event: pygame.event.Event) -> bool:
        return self.mail.handle_event(event)

    # --- the participant's controls ----------------------------------------------------
    def show_help(self) -> None:
        self.app.act(a.OpenHelp())
        scenario = self.run.loaded.scenario
        self.app.show_dialog(Dialog("dialog.help", scenario.title[self.app.locale], scenario.brief[self.app.locale],
                                    [DialogButton("dialog.help.close", self.t("close"), self.app.close_dialog)],
                                    escape="dialog.help.close"))

    def next_text_size(self) -> None:
        sizes = list(TEXT_SCALES)
        self.app.set_text_scale(sizes[(sizes.index(self.app.text_scale) + 1) % len(sizes)])

    def ask_done(self) -> None:
        self.app.show_dialog(Dialog(
            "dialog.done", self.t("done.title"), self.t("done.text"),
            [DialogButton("dialog.done.confirm", self.t("done.confirm"), self.confirm_done),
             DialogButton("dialog.done.cancel", self.t("done.cancel"), self.app.close_dialog, "#secondary")],
            focus="dialog.done.cancel", escape="dialog.done.cancel"))

    def confirm_done(self) -> None:
        if self.mail.commit_fields():
            return  # what was typed met the end conditions: the scenario is already over
        self.app.session.engine.end_scenario("ended_by_participant")
        self.scenario_over()

    def scenario_over(self) -> None:
        from game.ui.scenes.end import EndScene

        self.app.dialog = None
        self.app.show(EndScene(self.app))
