"""End of a scenario, and the session summary."""

from __future__ import annotations

from typing import Callable

import pygame

from game.delivery import session_bank
from game.sessions import stored_session_bank
from game.ui.layout import LOGICAL_SIZE
from game.ui.scenes.base import PageScene
from game.ui.scenes.flow import after_scenario, finish_session
from scoring.measurement import measure


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
    """The end of the participant's own session, or (with `session_id` and `back`) a stored session's result
    shown to the facilitator."""

    initial_focus = "summary.finish"

    def __init__(self, app, session_id: str | None = None, back: Callable[[], None] | None = None):
        super().__init__(app)
        self.session_id = session_id or app.session.engine.session_id
        self.back = back

    def build_page(self, w) -> None:
        results = self.app.store.results(self.session_id)
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("summary.title", self.t("summary.title"), x, y, width, title=True).rect.bottom + m.gap
        y = w.label("summary.text", self.t("summary.text", n=len(results)), x, y, width).rect.bottom + m.gap
        y = self._measured(w, x, y, width, results)
        for i, (sid, result) in enumerate(results.items()):
            line = self.t("summary.line", title=self.app.library[sid].scenario.title[self.app.locale],
                          outcome=self.t("outcome." + result["outcome"]))
            y = w.label(f"summary.scenario.{i}", line, x, y, width).rect.bottom + m.pad
        y += 2 * m.gap
        label = self.t("back" if self.back else "summary.finish")
        w.button("summary.finish", label, pygame.Rect(x, y, max(m.button_w(label), m.px(220)), m.button_h),
                 self.back or (lambda: finish_session(self.app)))

    def _bank(self):
        session = self.app.session
        if session is not None and session.engine.session_id == self.session_id:
            return session_bank(session.engine)
        return stored_session_bank(self.app.store, self.session_id, self.app.library,
                                   self.app.settings.item_parameters)

    def _measured(self, w, x: int, y: int, width: int, results: dict) -> int:
        """Each area measured, its level and how sure we are, then what was not measured."""
        m, locale = w.m, self.app.locale
        bank = self._bank()
        found = measure({sid: r["item_score"] for sid, r in results.items()}, bank)
        framework = bank.framework
        y = w.label("summary.measured", self.t("summary.measured"), x, y, width, bold=True).rect.bottom + m.pad
        missing = []
        for area in framework.areas:
            data = found["areas"][area.id]
            if data["status"] == "not_measured":
                missing.append(area.label[locale])
                continue
            probabilities = data["level_probabilities"]
            ranked = sorted(probabilities, key=probabilities.get, reverse=True)
            level = self._group(framework, ranked[0])
            if data["between_levels"]:  # the two most likely groups, lower first
                low, high = sorted(ranked[:2], key=[g.id for g in framework.groups].index)
                text = self.t("summary.area_between", area=area.label[locale], level=self._group(framework, low),
                              other=self._group(framework, high))
            else:
                text = self.t("summary.area", area=area.label[locale], level=level,
                              percent=int(probabilities[ranked[0]] * 100))
            y = w.label(f"summary.area.{area.id}", text, x, y, width).rect.bottom + m.pad
        if len(missing) == len(framework.areas):
            y = w.label("summary.nothing", self.t("summary.nothing_measured"), x, y, width).rect.bottom + m.pad
        elif missing:
            y = w.label("summary.not_measured", self.t("summary.not_measured", areas=", ".join(missing)),
                        x, y, width, style="#muted").rect.bottom + m.pad
        return y + m.gap

    def _group(self, framework, group_id: str) -> str:
        group = next(g for g in framework.groups if g.id == group_id)
        return self.t("summary.group_levels", group=group.label[self.app.locale], first=group.levels[0],
                      last=group.levels[-1])
