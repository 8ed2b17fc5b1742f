"""End of a scenario, and the session summary."""

from __future__ import annotations

import pygame

from game.ui.layout import LOGICAL_SIZE
from game.ui.scenes.base import PageScene
from game.ui.scenes.flow import after_scenario, finish_session


class EndScene(PageScene):
    initial_focus = "end.next"

    def build_page(self, w) -> None:
        run = self.app.session.engine.current
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        title = run.loaded.scenario.title[self.app.locale]
        y = w.label("end.title", title, x, y, width, title=True).rect.bottom + m.gap
        y = w.label("end.text", self.t(f"end.{run.outcome}"), x, y, width).rect.bottom + 2 * m.gap
        label = self.t("end.next")
        w.button("end.next", label, pygame.Rect(x, y, max(m.button_w(label), m.px(220)), m.button_h),
                 lambda: after_scenario(self.app))


class SummaryScene(PageScene):
    initial_focus = "summary.finish"

    def build_page(self, w) -> None:
        engine = self.app.session.engine
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("summary.title", self.t("summary.title"), x, y, width, title=True).rect.bottom + m.gap
        done = self.t("summary.text", n=len(engine.scenarios))
        y = w.label("summary.text", done, x, y, width).rect.bottom + m.gap
        for i, loaded in enumerate(engine.scenarios):
            outcome = self.app.store.results(engine.session_id).get(loaded.id, {}).get("outcome")
            line = self.t("summary.line", title=loaded.scenario.title[self.app.locale],
                          outcome=self.t("outcome." + (outcome or "not_played")))
            y = w.label(f"summary.scenario.{i}", line, x, y, width).rect.bottom + m.pad
        y += 2 * m.gap
        label = self.t("summary.finish")
        w.button("summary.finish", label, pygame.Rect(x, y, max(m.button_w(label), m.px(220)), m.button_h),
                 lambda: finish_session(self.app))
