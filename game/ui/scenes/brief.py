"""The scenario brief: what to do, in plain words, before the desktop appears."""

from __future__ import annotations

import pygame

from game.ui.layout import LOGICAL_SIZE
from game.ui.scenes.base import PageScene


class BriefScene(PageScene):
    initial_focus = "brief.start"

    def build_page(self, w) -> None:
        from game.ui.scenes.player import PlayerScene

        engine = self.app.session.engine
        scenario = engine.upcoming.scenario
        locale = self.app.locale
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        if engine.sequencer is None or engine.plan.get("mode") != "adaptive":
            step = self.t("brief.step", n=engine.next_index + 1, total=len(engine.scenarios))
        else:  # adaptive: how many follow depends on the answers
            step = self.t("brief.step_open", n=engine.next_index + 1)
        y = self.app.read_aloud.heading(w, "brief.read_aloud", "brief.step", step, x, y, width,
                                        style="#muted") + m.pad
        y = w.label("brief.title", scenario.title[locale], x, y, width, title=True).rect.bottom + m.gap
        y = w.label("brief.text", scenario.brief[locale], x, y, width).rect.bottom + 2 * m.gap
        y = w.label("brief.no_rush", self.t("brief.no_rush"), x, y, width, style="#muted").rect.bottom + 2 * m.gap
        start = self.t("brief.start")

        def begin() -> None:
            engine.start_scenario()
            self.app.show(PlayerScene(self.app))

        w.button("brief.start", start, pygame.Rect(x, y, max(m.button_w(start), m.px(220)), m.button_h), begin)
