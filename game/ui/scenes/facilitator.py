"""The facilitator's menu (reached with the PIN): participant codes, sessions, settings, leaving the kiosk."""

from __future__ import annotations

from datetime import datetime

import pygame

from game.facilitator.codes import new_codes
from game.ui.layout import LOGICAL_SIZE, flow
from game.ui.scenes.base import PageScene

CODE_BATCHES = (10, 20, 40)


class FacilitatorScene(PageScene):
    initial_focus = "facilitator.codes"

    def build_page(self, w) -> None:
        from game.ui.scenes.settings import SettingsScene
        from game.ui.scenes.title import TitleScene

        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("facilitator.title", self.t("facilitator.title"), x, y, width, title=True).rect.bottom + m.gap
        waiting, refused, last = self.app.store.outbox_summary()
        status = self.t("facilitator.outbox", waiting=waiting,
                        last=last[:16].replace("T", " ") + " UTC" if last else self.t("facilitator.never"))
        if refused:
            status += " " + self.t("facilitator.refused", n=refused)
        y = w.label("facilitator.outbox", status, x, y, width, style="#muted").rect.bottom + m.gap
        entries = [("facilitator.codes", lambda: self.app.show(CodesScene(self.app)), "#primary")]
        entries.append(("facilitator.sessions", self.show_sessions, "#primary"))
        entries.append(("facilitator.settings", lambda: self.app.show(SettingsScene(self.app)), "#secondary"))
        entries.append(("facilitator.back", lambda: self.app.show(TitleScene(self.app)), "#secondary"))
        if self.app.kiosk:
            entries.append(("facilitator.quit", self.app.quit_kiosk, "#secondary"))
        size = max(max(m.button_w(self.t(key)) for key, _, _ in entries), m.px(320))
        for key, action, style in entries:
            w.button(key, self.t(key), pygame.Rect(x, y, size, m.button_h), action, style=style)
            y += m.button_h + m.gap


    def show_sessions(self) -> None:
        from game.ui.scenes.sessions import SessionsScene

        self.app.show(SessionsScene(self.app))


class CodesScene(PageScene):
    """Make a batch of new codes and save them as a PDF to print and cut into slips."""

    initial_focus = "codes.make.10"

    def __init__(self, app):
        super().__init__(app)
        self.codes: list[str] = []

    def make(self, count: int) -> None:
        taken = {record.participant for record in self.app.store.sessions()}
        self.codes = new_codes(count, taken)
        self.app.rebuild(preferred="codes.print")

    def save(self) -> None:
        from game.paths import data_dir
        from game.report import organisation, write_codes_pdf

        path = data_dir() / f"codes-{datetime.now().strftime('%Y%m%d-%H%M%S')}.pdf"
        write_codes_pdf(self.codes, path, organisation(self.app.settings), self.app.locale)
        self.app.show_notice(self.t("codes.saved.title"), self.t("codes.saved", path=str(path)))

    def build_page(self, w) -> None:
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("codes.title", self.t("codes.title"), x, y, width, title=True).rect.bottom + m.gap
        y = w.label("codes.help", self.t("codes.help"), x, y, width).rect.bottom + m.gap
        y = w.label("codes.count", self.t("codes.count"), x, y, width, bold=True).rect.bottom + m.pad
        labels = [self.t("codes.make", n=n) for n in CODE_BATCHES]
        rects = flow([m.button_w(text) for text in labels], x, y, width, m.button_h, m.gap)
        for n, text, rect in zip(CODE_BATCHES, labels, rects):
            w.button(f"codes.make.{n}", text, rect, lambda n=n: self.make(n), style="#secondary")
        y = rects[-1].bottom + m.gap
        if self.codes:
            cell = m.text_w("WWW-WWWW") + 2 * m.pad
            spots = flow([cell] * len(self.codes), x, y, width, m.line(), m.gap)
            for i, (code, rect) in enumerate(zip(self.codes, spots)):
                w.label(f"codes.code.{i}", code, rect.x, rect.y, cell, bold=True)
            y = spots[-1].bottom + m.gap
            text = self.t("codes.print")
            w.button("codes.print", text, pygame.Rect(x, y, m.button_w(text), m.button_h), self.save)
            y += m.button_h + m.gap
        back = self.t("back")
        w.button("codes.back", back, pygame.Rect(x, y, m.button_w(back), m.button_h),
                 lambda: self.app.show(FacilitatorScene(self.app)), style="#secondary")
