"""Chosen scenarios: the participant (or the facilitator) picks the tasks of the session, in order."""

from __future__ import annotations

import pygame

from game.ui.layout import LOGICAL_SIZE
from game.ui.scenes.base import PageScene


class ChooseScene(PageScene):
    def __init__(self, app, participant: str, research_consent: bool = False):
        super().__init__(app)
        self.participant = participant
        self.research_consent = research_consent
        self.picked: list[str] = []
        bank = app.library
        # Only scored scenarios: a session of chosen tasks still measures what it can.
        self.choices = sorted((sid for sid, loaded in bank.items() if loaded.scenario.measurement is not None),
                              key=lambda sid: bank[sid].scenario.title[app.locale].casefold())
        self.initial_focus = f"choose.scenario.{self.choices[0]}" if self.choices else "choose.start"

    def toggle(self, sid: str) -> None:
        if sid in self.picked:
            self.picked.remove(sid)
        else:
            self.picked.append(sid)
        self.app.rebuild(preferred=f"choose.scenario.{sid}")

    def start(self) -> None:
        from game.ui.scenes.flow import start_session

        if not self.picked:
            return
        plan = self.app.settings.assessment.model_copy(update={"scenarios": list(self.picked)})
        start_session(self.app, self.participant, plan=plan, research_consent=self.research_consent)

    def build_page(self, w) -> None:
        m, locale = w.m, self.app.locale
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("choose.title", self.t("choose.title"), x, y, width, title=True).rect.bottom + m.gap
        y = w.label("choose.text", self.t("choose.text"), x, y, width).rect.bottom + m.gap
        for sid in self.choices:
            scenario = self.app.library[sid].scenario
            text = self.t("choose.item", title=scenario.title[locale], minutes=scenario.estimated_minutes)
            chosen = sid in self.picked
            if chosen:
                text = self.t("choose.item_picked", n=self.picked.index(sid) + 1, item=text)
            rect = pygame.Rect(x, y, width, m.button_h)
            w.button(f"choose.scenario.{sid}", text, rect, lambda sid=sid: self.toggle(sid),
                     style="#primary" if chosen else "#secondary",
                     speakable=text + (f" ({self.t('selected')})" if chosen else ""))
            y = rect.bottom + m.pad
        y += m.gap
        summary = self.t("choose.count", n=len(self.picked),
                         minutes=sum(self.app.library[s].scenario.estimated_minutes for s in self.picked))
        y = w.label("choose.count", summary, x, y, width, style="#muted").rect.bottom + m.gap
        label = self.t("choose.start")
        w.button("choose.start", label, pygame.Rect(x, y, max(m.button_w(label), m.px(220)), m.button_h),
                 self.start, style="#primary" if self.picked else "#secondary")
