"""The scenario player: a simulated desktop with a top bar (help, text size, I'm done) and a taskbar."""

from __future__ import annotations

import pygame

from game.runtime import actions as a
from game.settings import TEXT_SCALES
from game.ui.dialog import Dialog, DialogButton
from game.ui.layout import LOGICAL_SIZE
from game.ui.mail_view import MailView
from game.ui.more_time import MoreTimeOffer
from game.ui.scenes.base import Scene
from game.ui.theme import colour


APP_ORDER = ("mail", "browser", "files", "qa_game", "bug_tracker")
CHROME_PREFIXES = ("scenario.", "taskbar.")  # the top bar and the taskbar: not part of what the screen says
MAIN_TEXT = {"mail": "mail.reading."}  # an open message is what "Read aloud" reads in the mail app


class PlayerScene(Scene):
    def __init__(self, app):
        super().__init__(app)
        from game.ui.browser_view import BrowserView
        from game.ui.files_view import FilesView
        from game.ui.qa_game_view import QaGameView
        from game.ui.tracker_view import TrackerView

        present = self.run.loaded.scenario.apps.names()
        makers = {"mail": MailView, "browser": BrowserView, "files": FilesView, "qa_game": QaGameView,
                  "bug_tracker": TrackerView}
        self.views = {name: makers[name](app) for name in APP_ORDER if name in present}
        start = self.run.loaded.scenario.start_app
        self.current = start if start in self.views else next(iter(self.views))
        self.bar_h = 0
        self.taskbar_h = 0
        self.more_time = MoreTimeOffer(app)  # near the end of a time budget: "Do you need more time?"

    @property
    def view(self):
        return self.views[self.current]

    @property
    def mail(self) -> MailView:
        return self.views["mail"]

    @property
    def initial_focus(self) -> str | None:  # type: ignore[override]
        return self.view.initial_focus()

    @property
    def run(self):
        return self.app.session.engine.current

    def build(self, w) -> None:
        m = w.m
        screen_w, screen_h = LOGICAL_SIZE
        self.bar_h = m.button_h + 2 * m.pad
        self.taskbar_h = m.button_h + 2 * m.pad
        # Top bar, right to left: I'm done, help, text size, read aloud (its text: None, it changes).
        labels = [("scenario.done", self.t("scenario.done"), self.ask_done, "#primary"),
                  ("scenario.help", self.t("scenario.help"), self.show_help, "#secondary"),
                  ("scenario.text_size", self.t("scenario.text_size"), self.next_text_size, "#secondary"),
                  ("scenario.read_aloud", None, None, "#secondary")]
        x = screen_w - m.pad
        placed = []
        for element_id, text, callback, style in labels:
            bw = m.button_w(text) if text is not None else self.app.read_aloud.width(m)
            x -= bw
            placed.append((element_id, text, pygame.Rect(x, m.pad, bw, m.button_h), callback, style))
            x -= m.gap
        title = self.run.loaded.scenario.title[self.app.locale]
        title_w = x - 2 * m.pad
        lines = m.wrap(title, title_w, bold=True)
        title_y = None
        if len(lines) > 2:  # large text: the title on a row of its own, above the buttons
            title_w = screen_w - 4 * m.pad
            lines = m.wrap(title, title_w, bold=True)
            title_y, row_h = m.pad // 2, len(lines) * m.line(bold=True) - m.pad // 2
            placed = [(i, text, rect.move(0, row_h), callback, style) for i, text, rect, callback, style in placed]
            self.bar_h = row_h + m.button_h + 2 * m.pad
        elif len(lines) > 1:  # a long title wraps onto a taller bar rather than being cut
            self.bar_h = max(self.bar_h, len(lines) * m.line(bold=True) + 2 * m.pad)
        if title_y is None:
            title_y = (self.bar_h - len(lines) * m.line(bold=True)) // 2
        w.label("scenario.title", title, 2 * m.pad, title_y, title_w, bold=True)
        # Reading order: title, read aloud, text size, help, done (left to right).
        for element_id, text, rect, callback, style in reversed(placed):
            if text is None:
                self.app.read_aloud.button(w, element_id, rect, style=style)
            else:
                w.button(element_id, text, rect, callback, style=style)
        area = pygame.Rect(0, self.bar_h, screen_w, screen_h - self.bar_h - self.taskbar_h)
        self.view.build(w, area)
        self._build_taskbar(w, screen_w, screen_h)

    def _build_taskbar(self, w, screen_w: int, screen_h: int) -> None:
        m = w.m
        x, y = m.pad, screen_h - self.taskbar_h + m.pad
        for name, view in self.views.items():
            text = view.taskbar_label()
            shown = name == self.current
            w.button(f"taskbar.{name}", text, pygame.Rect(x, y, m.button_w(text), m.button_h),
                     lambda name=name: self.switch(name), style="#task_current" if shown else "#task",
                     speakable=self.t(f"app.{name}.speakable") + (f" ({self.t('selected')})" if shown else ""))
            x += m.button_w(text) + m.gap
        if self.run.loaded.scenario.persona is not None:
            text = self.t("persona.button")
            w.button("taskbar.persona", text, pygame.Rect(screen_w - m.pad - m.button_w(text), y, m.button_w(text),
                                                          m.button_h), self.show_persona, style="#task")

    def switch(self, name: str) -> None:
        """Bring an app to the front; its own button when in front goes back to its start (the inbox...)."""
        if name == self.current:
            self.view.on_taskbar()
            return
        if self.view.commit_fields():
            return
        self.view.on_hide()
        self.current = name
        self.app.rebuild(preferred=self.view.initial_focus(), keep_focus=False)

    def act(self, action: a.Action, refresh: bool = True):
        """An action from an app: the end screen if it met the end conditions, the other app if it went there."""
        outcome = self.app.act(action)
        if outcome.scenario_completed:
            self.scenario_over()
            return outcome
        kinds = {e.type: e.payload for e in outcome.events}
        if "browser" in self.views and any(kinds.get(k, {}).get("via") == "mail"
                                           for k in ("page_visited", "page_not_found")):
            self.current = "browser"
            self.app.rebuild(preferred=self.view.initial_focus(), keep_focus=False)
        elif "compose_started" in kinds and isinstance(action, a.FollowLink) and "mail" in self.views:
            self.mail.page = "compose"
            self.current = "mail"
            self.app.rebuild(preferred="compose.subject", keep_focus=False)
        elif refresh and self.app.dialog is None:
            self.app.rebuild()
        return outcome

    def update(self, now_ms: int) -> None:
        """Each frame: the app in front may run on the clock (the game under test)."""
        if self.run is not None and self.run.outcome is None:
            if self.app.session.engine.time_is_up() and not self.more_time.showing:
                if not self.view.commit_fields():  # what was typed is kept before the end
                    self.app.session.engine.end_scenario("timed_out")
                self.scenario_over()
                return
            self.more_time.ask_when_due(self.view)
            if self.run.outcome is not None:
                return  # what was typed before the question met the end conditions
            if not self.app.tree.dialog_open:
                self.view.update(now_ms)
            elif self.view.animating or getattr(self.view, "last_ms", None) is not None:
                self.view.on_hide()  # a dialog stops the game's clock and lets its keys go

    @property
    def animating(self) -> bool:
        return self.view.animating and not self.app.tree.dialog_open

    def wants_key(self, event: pygame.event.Event) -> bool:
        return self.view.wants_key(event)

    def draw_background(self, surface: pygame.Surface) -> None:
        screen_w, screen_h = LOGICAL_SIZE
        theme = self.app.theme
        pygame.draw.rect(surface, colour(theme, "dark_bg", "#bar"), (0, 0, screen_w, self.bar_h))
        pygame.draw.line(surface, colour(theme, "normal_border", "#bar"), (0, self.bar_h - 1), (screen_w, self.bar_h - 1))
        taskbar_top = screen_h - self.taskbar_h
        pygame.draw.rect(surface, colour(theme, "dark_bg", "#taskbar"), (0, taskbar_top, screen_w, self.taskbar_h))
        pygame.draw.line(surface, colour(theme, "normal_border", "#taskbar"), (0, taskbar_top), (screen_w, taskbar_top))
        self.view.draw_background(surface)

    def draw_overlay(self, surface: pygame.Surface) -> None:
        if not self.app.tree.dialog_open:
            self.view.draw_overlay(surface)

    def before_rebuild(self) -> None:
        if self.run is not None and self.run.outcome is None:
            self.view.commit_fields()

    def handle_event(self, event: pygame.event.Event) -> bool:
        return self.view.handle_event(event)

    def show_persona(self) -> None:
        persona = self.run.loaded.scenario.persona
        self.app.act(a.OpenPersona())
        lines = [self.t("persona.name", value=persona.name), self.t("persona.email", value=persona.email),
                 self.t("persona.phone", value=persona.phone), self.t("persona.address", value=persona.address),
                 self.t("persona.birth_date", value=persona.birth_date), "", self.t("persona.note")]
        self.app.show_dialog(Dialog("dialog.persona", self.t("persona.title"), "\n".join(lines), [
            DialogButton("dialog.persona.close", self.t("close"), lambda: self.app.close_dialog("taskbar.persona"))],
            escape="dialog.persona.close"))

    # --- the participant's controls ----------------------------------------------------
    def show_help(self) -> None:
        self.app.act(a.OpenHelp())
        self.app.show_dialog(self._help_dialog())

    def _help_dialog(self, focus: str | None = None) -> Dialog:
        """The brief again, with read-aloud: read it, and the automatic reading on or off."""
        scenario = self.run.loaded.scenario
        read_aloud = self.app.read_aloud
        read_aloud.register("dialog.help.read_aloud")
        return Dialog("dialog.help", scenario.title[self.app.locale], scenario.brief[self.app.locale],
                      [DialogButton("dialog.help.close", self.t("close"), self.app.close_dialog),
                       DialogButton("dialog.help.read_aloud", read_aloud.longest_label(), read_aloud.toggle_page,
                                    "#secondary"),
                       DialogButton("dialog.help.read_focused", read_aloud.auto_label(), self.toggle_read_focused,
                                    "#secondary")],
                      focus=focus, escape="dialog.help.close")

    def toggle_read_focused(self) -> None:
        self.app.read_aloud.set_auto(not self.app.settings.read_focused)
        self.app.show_dialog(self._help_dialog(focus="dialog.help.read_focused"))

    def read_aloud_text(self) -> str:
        """The app in front's text (an open message, the web page...), or the open dialog's."""
        from game.ui.read_aloud import page_text

        shown = self.app.tree.active()
        if not self.app.tree.dialog_open:
            shown = [e for e in shown if not e.id.startswith(CHROME_PREFIXES)]
            prefix = MAIN_TEXT.get(self.current)
            main = [e for e in shown if prefix and e.id.startswith(prefix) and not e.id.endswith(".empty")]
            shown = main or shown
        return page_text(shown)

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
        if self.view.commit_fields():
            return  # what was typed met the end conditions: the scenario is already over
        self.app.session.engine.end_scenario("ended_by_participant")
        self.scenario_over()

    def scenario_over(self) -> None:
        from game.ui.scenes.end import EndScene

        self.app.dialog = None
        self.app.show(EndScene(self.app))
