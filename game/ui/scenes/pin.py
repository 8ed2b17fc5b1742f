"""The facilitator PIN: chosen on first run (typed twice), then asked before the facilitator menu."""

from __future__ import annotations

from typing import Callable

import pygame

from game.facilitator.pin import FacilitatorPin, PinError, valid_pin
from game.paths import config_dir
from game.ui.layout import LOGICAL_SIZE
from game.ui.scenes.base import PageScene


def facilitator_pin(app) -> FacilitatorPin:
    return FacilitatorPin(config_dir(), clock=lambda: app.clock.now_ms() / 1000)


class PinScene(PageScene):
    """`then` runs once the PIN is right (or, the first time, once it is chosen); `back` otherwise."""

    initial_focus = "pin.entry"

    def __init__(self, app, then: Callable[[], None], back: Callable[[], None] | None = None):
        super().__init__(app)
        self.then = then
        self.back = back
        self.pin = facilitator_pin(app)
        self.choosing = not self.pin.is_set
        self.error: str | None = None
        self.fields: dict[str, object] = {}

    def build_page(self, w) -> None:
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        title, help_key = ("pin.set_title", "pin.set_help") if self.choosing else ("pin.title", "pin.help")
        y = w.label("pin.title", self.t(title), x, y, width, title=True).rect.bottom + m.gap
        y = w.label("pin.help", self.t(help_key), x, y, width).rect.bottom + m.gap
        entry_w = min(width, max(m.px(300), m.text_w("0" * 12) + 4 * m.pad))
        entries = [("pin.entry", "pin.entry")] + ([("pin.confirm", "pin.confirm_entry")] if self.choosing else [])
        for element_id, label in entries:
            y = w.label(f"{element_id}.label", self.t(label), x, y, width, bold=True).rect.bottom + m.pad
            field = w.text_field(element_id, self.t(label), pygame.Rect(x, y, entry_w, m.button_h), "")
            field.widget.set_text_hidden(True)
            self.fields[element_id] = field
            y += m.button_h + m.gap
        if self.error:
            y = w.label("pin.error", self.t("error_prefix") + " " + self.error, x, y, width, bold=True,
                        style="#error").rect.bottom + m.gap
        ok = self.t("pin.ok")
        w.button("pin.ok", ok, pygame.Rect(x, y, max(m.button_w(ok), m.px(160)), m.button_h), self.submit)
        if self.back is not None:
            back = self.t("back")
            w.button("pin.back", back, pygame.Rect(x + max(m.button_w(ok), m.px(160)) + m.gap, y, m.button_w(back),
                                                   m.button_h), self.back, style="#secondary")

    def handle_event(self, event: pygame.event.Event) -> bool:
        import pygame_gui

        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and self.app.focus.focused_id in self.fields:
            if self.choosing and self.app.focus.focused_id == "pin.entry":
                self.app.focus.focus(self.app.tree.get("pin.confirm"))
            else:
                self.submit()
            return True
        return super().handle_event(event)

    def _fail(self, message: str) -> None:
        self.error = message
        self.app.rebuild(preferred="pin.entry", keep_focus=False)

    def submit(self) -> None:
        typed = self.fields["pin.entry"].get().strip()
        try:
            if self.choosing:
                if not valid_pin(typed):
                    return self._fail(self.t("pin.invalid"))
                if typed != self.fields["pin.confirm"].get().strip():
                    return self._fail(self.t("pin.mismatch"))
                self.pin.set(typed)
                return self.then()
            attempt = self.pin.check(typed)
        except PinError as exc:
            return self._fail(str(exc))
        if attempt.ok:
            return self.then()
        if attempt.locked_for_s > 0:
            return self._fail(self.t("pin.locked", seconds=int(attempt.locked_for_s + 0.999)))
        self._fail(self.t("pin.wrong", tries=attempt.tries_left))
